// Progress and result of one payment. A scan payment starts here: pay_start
// answers at once with its order, and everything after reaches this screen
// as events keyed by that order's id (order-changed, then payment-ended).
// QR payments arrive here with their final order. The result must be
// impossible to misread: colour + icon + words + sound, amount >= 64px.

import { t } from '../i18n/index.js';
import { $, show, money, walletName, reasonWords, errorText, toast, toastError } from '../ui.js';
import { walletOfCode } from '../scanner.js';

const WAIT_SECS = { wechat: 45, alipay: 60 }; // how long the counter waits per wallet
const WAITING_AFTER_MS = 1500; // quicker answers never flash "confirming on phone"
const KEY_GUARD_MS = 700; // a stray Enter must not dismiss a result unseen
const SEEN_KEPT = 20; // recent events kept for an order whose id is not known yet

/**
 * What a failed payment call means at the counter: the backend says whether
 * money may have moved; when it may have, the outcome is unclear (never
 * "not paid" on a guess), else nothing was sent: back to the amount.
 */
export function errorOutcome(err) {
  return err && err.money_may_have_moved ? 'unclear' : 'back-to-sale';
}

let ctx;
let run = null; // the payment on screen
let tick = null;
let waitingTimer = null;
// The latest order-changed and payment-ended per order id: a fast answer can
// arrive before pay_start's own answer says which order is ours.
const seen = new Map();

function remember(orderId, kind, payload) {
  const entry = seen.get(orderId) || {};
  entry[kind] = payload;
  seen.delete(orderId);
  seen.set(orderId, entry);
  while (seen.size > SEEN_KEPT) seen.delete(seen.keys().next().value);
}

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
  $('#result').dataset.orderId = r && r.orderId ? String(r.orderId) : '';
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
  setButtons(run.orderId ? ['btn-stop-waiting'] : []);
  renderCountdown();
  clearInterval(tick);
  tick = setInterval(renderCountdown, 250);
}

/**
 * Shows a final (or given-up PENDING) order. Plays its sound once per
 * status. `error` is why the wait ended early, when it did.
 */
function finish(order, error = null) {
  if (!run) return;
  stopTimers();
  run.final = true;
  run.order = order;
  run.error = error;
  run.orderId = order.id;
  run.wallet = order.wallet || run.wallet;
  run.amount = order.amount || run.amount;
  run.currency = order.currency || run.currency;
  const changed = run.shown !== order.status;
  run.shown = order.status;
  run.shownAt = Date.now();
  const no = order.merchant_order_no;
  const words = reasonWords(order);
  const detail = order.error ? t('result.detail', { detail: order.error }) : '';
  // A scan payment's counter is free once its order is final (payment-ended
  // says so too, a moment later).
  if (run.mode === 'scan' && order.status !== 'PENDING') ctx.setBusy(false);
  switch (order.status) {
    case 'PAID':
      paint('PAID', { title: t('result.paid'), orderNo: no });
      setButtons(['btn-new-sale']);
      if (changed) ctx.sounds.paid();
      ctx.clearSale();
      break;
    case 'PENDING': {
      const why = error ? errorText(error) : null;
      paint('PENDING', {
        title: t('result.pending'),
        reason: [words.reason, t('result.pendingHint'), t('result.pendingWhere'),
          why ? why.text : '', why && why.detail ? t('result.detail', { detail: why.detail }) : ''],
        orderNo: no,
      });
      setButtons(['btn-result-check', 'btn-new-sale']);
      if (changed) ctx.sounds.pending();
      ctx.clearSale(); // never charge this amount again by reflex
      break;
    }
    default: // FAILED, EXPIRED
      paint(order.status === 'EXPIRED' ? 'EXPIRED' : 'FAILED', {
        title: order.status === 'EXPIRED' ? t('result.expired') : t('result.failed'),
        reason: [words.reason, words.next, detail],
        orderNo: no,
      });
      setButtons(['btn-retry-same', 'btn-new-sale']);
      if (changed) ctx.sounds.failed();
  }
  $('#btn-new-sale').focus();
}

/** The outcome is not known and no order says more: never "not paid". */
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

/** Nothing was sent: back to the amount, which is kept, with the reason. */
async function backToSale(err) {
  stopTimers();
  run = null;
  ctx.setBusy(false);
  toastError(err);
  ctx.sounds.error();
  if (err.kind === 'shift') await ctx.refreshStatus();
  ctx.go('sale', { force: true });
}

/** Applies what is known of our order: its latest change, or its end. */
function follow(orderId) {
  const known = seen.get(orderId);
  if (!known || !run || run.orderId !== orderId) return;
  if (known.ended) {
    ended(known.ended);
  } else if (known.order) {
    changedOrder(known.order);
  }
}

function changedOrder(order) {
  if (!run.final) {
    if (order.status !== 'PENDING') finish(order); // the answer came
    else if (order.reason === 'confirming') toWaiting(); // HipoPay: confirming on the phone
  } else if (run.shown === 'PENDING' && order.status !== 'PENDING') {
    finish(order); // the background check settled it while the result was on screen
  }
}

function ended(payload) {
  ctx.setBusy(false); // the counter is free: the wait is over
  if (!run.final || payload.order.status !== run.shown) finish(payload.order, payload.error);
}

async function startScan({ amount, currency, code, note }) {
  stopTimers();
  const token = {};
  run = {
    token, mode: 'scan', orderId: null, order: null, wallet: walletOfCode(code),
    amount, currency, startedAt: Date.now(), final: false, shown: 'CHARGING', shownAt: 0,
  };
  toCharging();
  waitingTimer = setTimeout(toWaiting, WAITING_AFTER_MS);
  ctx.setBusy(true);
  let order;
  try {
    order = await ctx.api.payStart({ amount, currency, code, note });
  } catch (err) {
    if (!run || run.token !== token) return;
    if (errorOutcome(err) === 'unclear') {
      ctx.setBusy(false);
      unclear(err);
    } else {
      await backToSale(err);
    }
    return;
  }
  if (!run || run.token !== token) return;
  run.orderId = order.id;
  $('#result').dataset.orderId = String(order.id);
  if (run.shown === 'WAITING') setButtons(['btn-stop-waiting']);
  follow(order.id);
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
  if (!run || !run.orderId) return;
  const button = $('#btn-stop-waiting');
  button.disabled = true;
  try {
    // The order stays PENDING and watched; payment-ended then shows it.
    await ctx.api.stopWaiting({ order_id: run.orderId });
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
      // A QR whose wait failed: what this screen last heard of the order
      // says more than the error; without it, unclear.
      run = { token: {}, mode: 'qr', orderId: null, ...params.context, final: false, shown: null };
      const known = run.orderId ? seen.get(run.orderId) : null;
      if (known && known.order && known.order.status !== 'PENDING') finish(known.order);
      else unclear(params.error);
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
    remember(order.id, 'order', order);
    if (run && order.id === run.orderId) changedOrder(order);
  },
  onPaymentEnded(payload) {
    remember(payload.order_id, 'ended', payload);
    if (run && payload.order_id === run.orderId) ended(payload);
  },
  onLanguage() {
    if (!run) return;
    if (run.final && run.order) { const keep = run.shown; finish(run.order, run.error); run.shown = keep; }
    else if (run.shown === 'WAITING') { run.shown = null; toWaiting(); }
    else if (!run.final && run.shown === 'CHARGING') toCharging();
  },
};
