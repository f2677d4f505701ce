// Progress and result of one payment. Scan payments start here (pay_scan);
// QR payments arrive here with their final order. The result must be
// impossible to misread: colour + icon + words + sound, amount >= 64px.

import { t } from '../i18n.js';
import { $, show, money, walletName, failureAdvice, errorText, toast, toastError } from '../ui.js';
import { compareDecimal } from '../money.js';
import { maskCode, walletOfCode } from '../scanner.js';

const WAIT_SECS = { wechat: 45, alipay: 60 }; // how long the counter waits per wallet
const WAITING_AFTER_MS = 1500; // quicker answers never flash "confirming on phone"
const KEY_GUARD_MS = 700; // a stray Enter must not dismiss a result unseen
const BACK_TO_SALE = new Set(['code', 'code_used', 'input', 'shift', 'shift_mode', 'busy', 'auth']); // refused before any charge
// Errors after which nothing can have been taken: the core refused before
// the charge left (a key, clock, config or connection fault) or HipoPay
// refused it, and the order, if any, is already FAILED in the ledger. Any
// other error (storage, unknown) may come after the charge left.
const NOTHING_TAKEN = new Set(['signature', 'clock', 'network', 'acquirer', 'config', 'declined']);

/** What a failed payment call means at the counter, by its error kind. */
export function errorOutcome(kind) {
  if (BACK_TO_SALE.has(kind)) return 'back-to-sale'; // nothing was sent
  if (NOTHING_TAKEN.has(kind)) return 'not-paid';
  return 'unclear'; // may have been taken: never "not paid"
}

let ctx;
let run = null; // the payment on screen
let tick = null;
let waitingTimer = null;

function stopTimers() {
  clearInterval(tick);
  clearTimeout(waitingTimer);
  tick = null;
  waitingTimer = null;
}

function setButtons(list) {
  for (const id of ['btn-stop-waiting', 'btn-result-check', 'btn-retry-same', 'btn-new-sale']) {
    show($(`#${id}`), list.includes(id));
  }
  $('#btn-stop-waiting').disabled = false;
}

function paint(status, { title, reason = '', orderNo = '' }) {
  const r = run;
  $('#result').dataset.status = status;
  $('#result-title').textContent = title;
  $('#result-amount').textContent = r ? money(r.amount, r.currency) : '';
  $('#result-wallet').textContent = r && r.wallet ? walletName(r.wallet) : '';
  const reasonEl = $('#result-reason');
  reasonEl.replaceChildren();
  for (const line of [].concat(reason).filter(Boolean)) {
    const p = document.createElement('p');
    p.textContent = line;
    reasonEl.append(p);
  }
  $('#result-order-no').textContent = orderNo ? t('result.orderNo', { no: orderNo }) : '';
  show($('#result-countdown'), status === 'WAITING');
}

function renderCountdown() {
  if (!run) return;
  const total = WAIT_SECS[run.wallet] || 60;
  const left = Math.max(0, total - Math.floor((Date.now() - run.startedAt) / 1000));
  $('#result-countdown').textContent = left > 0
    ? t('result.secondsLeft', { n: left })
    : t('result.stillChecking');
}

function toCharging() {
  paint('CHARGING', { title: t('result.charging'), reason: t('result.chargingHint') });
  setButtons([]);
}

function toWaiting() {
  if (!run || run.final || run.shown === 'WAITING') return;
  run.shown = 'WAITING';
  paint('WAITING', { title: t('result.waiting'), reason: t('result.waitingHint') });
  setButtons(['btn-stop-waiting']);
  renderCountdown();
  clearInterval(tick);
  tick = setInterval(renderCountdown, 250);
}

/** Shows a final (or given-up PENDING) order. Plays its sound once per status. */
function finish(order) {
  if (!run) return;
  stopTimers();
  run.final = true;
  run.order = order;
  run.orderId = order.id;
  run.wallet = order.wallet || run.wallet;
  run.amount = order.amount || run.amount;
  run.currency = order.currency || run.currency;
  const changed = run.shown !== order.status;
  run.shown = order.status;
  run.shownAt = Date.now();
  const no = order.merchant_order_no;
  switch (order.status) {
    case 'PAID':
      paint('PAID', { title: t('result.paid'), orderNo: no });
      setButtons(['btn-new-sale']);
      if (changed) ctx.sounds.paid();
      ctx.clearSale();
      break;
    case 'PENDING':
      paint('PENDING', {
        title: t('result.pending'),
        reason: [t('result.pendingHint'), t('result.pendingWhere')],
        orderNo: no,
      });
      setButtons(['btn-result-check', 'btn-new-sale']);
      if (changed) ctx.sounds.pending();
      ctx.clearSale(); // never charge this amount again by reflex
      break;
    default: { // FAILED, EXPIRED
      const advice = failureAdvice(order.error, order.status);
      paint(order.status === 'EXPIRED' ? 'EXPIRED' : 'FAILED', {
        title: order.status === 'EXPIRED' ? t('result.expired') : t('result.failed'),
        reason: [advice.reason, advice.next, order.error ? t('result.detail', { detail: order.error }) : ''],
        orderNo: no,
      });
      setButtons(['btn-retry-same', 'btn-new-sale']);
      if (changed) ctx.sounds.failed();
    }
  }
  $('#btn-new-sale').focus();
}

/**
 * A payment call failed. If its order exists, the ledger says what happened
 * (never a guess); without an order, only a refusal before any charge is
 * "not paid", anything else is unclear: do not charge again.
 */
async function afterError(err) {
  const r = run;
  if (r && r.orderId) {
    try {
      const { order } = await ctx.api.orderDetail({ order_id: r.orderId });
      if (run !== r) return;
      finish(order);
      toastError(err);
      return;
    } catch { /* the ledger cannot be read either: unclear below */ }
  }
  if (run !== r) return;
  if (errorOutcome(err.kind) === 'not-paid') fail(err);
  else unclear(err);
}

/** The outcome is not known and the ledger could not say: never "not paid". */
function unclear(err) {
  stopTimers();
  if (!run) return;
  run.final = true;
  run.shown = 'PENDING';
  run.shownAt = Date.now();
  const { text, detail } = errorText(err);
  paint('PENDING', {
    title: t('result.pending'),
    reason: [t('result.unclearHint'), text, detail ? t('result.detail', { detail }) : ''],
  });
  setButtons(run.orderId ? ['btn-result-check', 'btn-new-sale'] : ['btn-new-sale']);
  ctx.sounds.pending();
  ctx.clearSale(); // never charge this amount again by reflex
  $('#btn-new-sale').focus();
}

/** The backend refused before anything was charged, or could not be reached. */
function fail(err) {
  stopTimers();
  if (!run) return;
  run.final = true;
  run.shown = 'FAILED';
  run.shownAt = Date.now();
  const { text, detail } = errorText(err);
  paint('FAILED', { title: t('result.failed'), reason: [text, detail ? t('result.detail', { detail }) : ''] });
  setButtons(['btn-retry-same', 'btn-new-sale']);
  ctx.sounds.failed();
}

async function startScan({ amount, currency, code, note }) {
  stopTimers();
  const token = {};
  run = {
    token, mode: 'scan', orderId: null, order: null, wallet: walletOfCode(code),
    amount, currency, codeMask: maskCode(code), startedAt: Date.now(),
    final: false, shown: 'CHARGING', pendingEvents: 0, shownAt: 0,
  };
  toCharging();
  waitingTimer = setTimeout(toWaiting, WAITING_AFTER_MS);
  ctx.setBusy(true);
  try {
    const order = await ctx.api.payScan({ amount, currency, code, note });
    if (run && run.token === token) finish(order);
  } catch (err) {
    if (!run || run.token !== token) return;
    if (errorOutcome(err.kind) === 'back-to-sale') {
      // Nothing was sent: back to the amount, which is kept, with the reason.
      stopTimers();
      run = null;
      ctx.setBusy(false);
      toastError(err);
      ctx.sounds.error();
      if (err.kind === 'shift') await ctx.refreshStatus();
      ctx.go('sale', { force: true });
      return;
    }
    await afterError(err);
  } finally {
    ctx.setBusy(false); // only one payment runs at a time, so this one was it
  }
}

/** Our scan's first PENDING event: same code (masked), amount and currency. */
function isOurNewOrder(order) {
  return run && run.mode === 'scan' && run.orderId === null && !run.final
    && order.flow === 'scan' && order.status === 'PENDING'
    && order.currency === run.currency && compareDecimal(order.amount, run.amount) === 0
    && (!order.code || order.code === run.codeMask);
}

async function checkNow() {
  if (!run || !run.orderId) return;
  const r = run;
  const button = $('#btn-result-check');
  button.disabled = true;
  try {
    const order = await ctx.api.orderCheck({ order_id: r.orderId });
    if (run !== r) return; // a new payment took the screen meanwhile
    finish(order);
    if (order.status === 'PENDING') toast(t('result.stillPending'), { type: 'warn' });
  } catch (err) {
    toastError(err);
  } finally {
    button.disabled = false;
  }
}

async function stopWaiting() {
  const button = $('#btn-stop-waiting');
  button.disabled = true;
  try {
    await ctx.api.stopWaiting(); // pay_scan then resolves with the order still PENDING
  } catch (err) {
    button.disabled = false;
    toastError(err);
  }
}

export default {
  init(c) {
    ctx = c;
    $('#btn-stop-waiting').addEventListener('click', stopWaiting);
    $('#btn-result-check').addEventListener('click', checkNow);
    $('#btn-new-sale').addEventListener('click', () => { run = null; ctx.newSale(); });
    $('#btn-retry-same').addEventListener('click', () => { run = null; ctx.go('sale', { force: true }); });
  },
  show(params = {}) {
    if (params.scan) startScan(params.scan);
    else if (params.order) {
      run = {
        token: {}, mode: 'qr', orderId: params.order.id, wallet: params.order.wallet,
        amount: params.order.amount, currency: params.order.currency, startedAt: Date.now(),
        final: false, shown: null, shownAt: 0,
      };
      finish(params.order);
    } else if (params.error) {
      run = { token: {}, mode: 'qr', orderId: null, ...params.context, final: false, shown: null };
      afterError(params.error);
    }
  },
  hide() {
    if (run && run.final) { stopTimers(); run = null; }
  },
  onScan() {
    if (run && !run.final) toast(t('scan.busy'), { type: 'warn' });
    else toast(t('scan.ignored'), { type: 'warn' });
    ctx.sounds.error();
  },
  onKeyDown(e) {
    if (!run) return;
    if (!run.final) {
      if (e.key === 'Escape' && run.shown === 'WAITING') { e.preventDefault(); stopWaiting(); }
      return;
    }
    if (e.key === 'Enter' || e.key === 'Escape') {
      e.preventDefault(); // also keeps Enter from "clicking" the focused button early
      if (Date.now() - run.shownAt > KEY_GUARD_MS) { run = null; ctx.newSale(); }
    }
  },
  onTypedText(text) {
    // Typing the next amount straight from a result starts the next sale.
    if (run && run.final && Date.now() - run.shownAt > KEY_GUARD_MS) { run = null; ctx.newSale(text); }
  },
  onOrderChanged(order) {
    if (!run) return;
    if (isOurNewOrder(order)) run.orderId = order.id;
    if (order.id !== run.orderId) return;
    if (!run.final) {
      if (order.status !== 'PENDING') finish(order); // the answer beat the invoke's return
      else if (++run.pendingEvents >= 2) toWaiting(); // acquirer said "confirming"
    } else if (run.shown === 'PENDING' && order.status !== 'PENDING') {
      finish(order); // the background check settled it while the result was on screen
    }
  },
  onLanguage() {
    if (!run) return;
    if (run.final && run.order) { const keep = run.shown; finish(run.order); run.shown = keep; }
    else if (run.shown === 'WAITING') { run.shown = null; toWaiting(); }
    else if (!run.final && run.shown === 'CHARGING') toCharging();
  },
};
