// QR payment: create the order, show its QR large and crisp, wait for the
// customer (qr_wait), then hand the final order to the result screen.

import { t } from '../i18n/index.js';
import { $, show, money, walletName, toast, toastError, clock } from '../ui.js';
import { formatMoney } from '../money.js';

let ctx;
let current = null; // {token, orderId, expiresAt, wallet, amount, currency}
let tick = null;

function renderCountdown() {
  if (!current || !current.expiresAt) return;
  const left = (current.expiresAt - Date.now()) / 1000;
  $('#qr-countdown').textContent = left > 0 ? clock(left) : t('qr.expired');
}

function reset() {
  clearInterval(tick);
  tick = null;
  const img = $('#qr-image');
  img.removeAttribute('src');
  img.hidden = true;
  show($('#qr-loading'), true);
  $('#qr-countdown').textContent = '';
  $('#qr-cny').hidden = true;
  $('#btn-qr-stop').disabled = false;
  show($('#btn-demo-pay'), false);
}

async function start({ wallet, amount, currency, note }) {
  reset();
  const token = {};
  current = { token, orderId: null, expiresAt: null, wallet, amount, currency };
  $('#qr-wallet').textContent = walletName(wallet);
  $('#qr-wallet').dataset.wallet = wallet;
  $('#qr-amount').textContent = money(amount, currency);
  ctx.setBusy(true);
  let created;
  try {
    created = await ctx.api.qrCreate({ wallet, amount, currency, note });
  } catch (err) {
    // Nothing to wait for: back to the sale with the amount kept.
    ctx.setBusy(false);
    current = null;
    toastError(err);
    ctx.sounds.error();
    ctx.go('sale', { force: true });
    return;
  }
  if (!current || current.token !== token) return;
  const { order } = created;
  current.orderId = order.id;
  current.expiresAt = created.expires_at_ms;
  const img = $('#qr-image');
  img.src = created.png;
  img.alt = t('qr.alt', { wallet: walletName(wallet), amount: money(order.amount, order.currency) });
  img.hidden = false;
  show($('#qr-loading'), false);
  $('#qr-amount').textContent = money(order.amount, order.currency);
  if (created.cny) {
    $('#qr-cny').textContent = t('qr.cny', {
      amount: formatMoney(created.cny.amount, 'CNY'), rate: created.cny.rate,
    });
    $('#qr-cny').hidden = false;
  }
  show($('#btn-demo-pay'), Boolean(ctx.state.status && ctx.state.status.demo));
  renderCountdown();
  tick = setInterval(renderCountdown, 500);

  let final;
  try {
    final = await ctx.api.qrWait({ order_id: order.id, secs: null });
  } catch (err) {
    final = null;
    if (current && current.token === token) {
      clearInterval(tick);
      current = null;
      ctx.setBusy(false);
      // The QR exists and may still be paid: progress asks the ledger.
      ctx.go('progress', {
        error: err,
        context: { wallet, amount: order.amount, currency: order.currency, orderId: order.id },
        force: true,
      });
    }
    return;
  }
  if (!current || current.token !== token) return;
  clearInterval(tick);
  current = null;
  ctx.setBusy(false);
  ctx.go('progress', { order: final, force: true });
}

async function stop() {
  if (!current || !current.orderId) return;
  $('#btn-qr-stop').disabled = true;
  try {
    await ctx.api.stopWaiting({ order_id: current.orderId }); // qr_wait resolves, the order still PENDING
  } catch (err) {
    $('#btn-qr-stop').disabled = false;
    toastError(err);
  }
}

export default {
  init(c) {
    ctx = c;
    $('#btn-qr-stop').addEventListener('click', stop);
    $('#btn-demo-pay').addEventListener('click', async () => {
      if (!current || !current.orderId) return;
      try {
        await ctx.api.demoCustomerPays({ order_id: current.orderId });
      } catch (err) {
        toastError(err);
      }
    });
  },
  show(params = {}) {
    if (params.wallet) start(params);
  },
  hide() {
    clearInterval(tick);
  },
  onScan() {
    toast(t('scan.qrWaiting'), { type: 'warn' });
    ctx.sounds.error();
  },
  onKeyDown(e) {
    if (e.key === 'Escape') { e.preventDefault(); stop(); }
  },
  onLanguage() {
    if (!current) return;
    $('#qr-wallet').textContent = walletName(current.wallet);
    renderCountdown();
  },
};
