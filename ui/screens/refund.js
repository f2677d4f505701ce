// Refund: full or partial, never above the refundable amount, a manager PIN
// for EACH refund (cleared after every attempt, never kept), reason recorded.
// The backend stores outer_refund_no before sending, so a retry is safe.

import { t } from '../i18n/index.js';
import { $, h, chip, money, walletName, formatWhen, setError, validPin, toastError, setChildren } from '../ui.js';
import { isPositive, isValidAmount, compareDecimal, toWire, decimalsFor } from '../money.js';

let ctx;
let order = null;
let back = 'orders';
let partial = false;
let shownRefundId = null;
let busy = false;

function setMode(isPartial) {
  partial = isPartial;
  $('#refund-full').setAttribute('aria-pressed', String(!partial));
  $('#refund-partial').setAttribute('aria-pressed', String(partial));
  const amount = $('#refund-amount');
  amount.disabled = !partial;
  amount.value = partial ? '' : (order ? order.refundable : '');
  if (partial) amount.focus();
}

function renderOrder(detail) {
  order = detail.order;
  const o = order;
  setChildren($('#refund-order'), 
    h('div', { class: 'refund-order-amount' }, money(o.amount, o.currency), ' ', chip(o.status)),
    h('div', {}, walletName(o.wallet), ' · ', formatWhen(o.created_at)),
    h('div', { class: 'mono' }, o.merchant_order_no),
    isPositive(o.refunded) ? h('div', {}, t('refund.alreadyRefunded', { amount: money(o.refunded, o.currency) })) : null);
  $('#refund-refundable').textContent = money(o.refundable, o.currency);
  $('#refund-previous').replaceChildren(...detail.refunds.map((r) => h('div', { class: 'refund-item' },
    chip(r.status), h('strong', {}, money(r.amount, r.currency)), h('span', {}, formatWhen(r.created_at)),
    h('span', {}, t('orders.approvedBy', { name: r.approved_by })))));
  const canRefund = o.status === 'PAID' && isPositive(o.refundable);
  $('#btn-refund-submit').disabled = !canRefund || busy;
  if (!canRefund) setError($('#refund-error'), t('refund.nothingLeft'));
  if (!partial) $('#refund-amount').value = o.refundable;
}

async function loadOrder(orderId) {
  try {
    renderOrder(await ctx.api.orderDetail({ order_id: orderId }));
  } catch (err) {
    toastError(err);
  }
}

function showResult(r) {
  shownRefundId = r.id;
  const box = $('#refund-result');
  box.dataset.status = r.status;
  const text = {
    SUCCESS: t('refund.success', { amount: money(r.amount, r.currency) }),
    PENDING: t('refund.pending', { amount: money(r.amount, r.currency) }),
    FAILED: t('refund.failed', { amount: money(r.amount, r.currency) }),
  }[r.status] || r.status;
  box.replaceChildren(h('strong', { class: 'refund-result-title' }, text));
  if (r.status === 'PENDING') box.append(h('p', {}, t('refund.pendingHint')));
  if (r.error) box.append(h('p', {}, r.error));
  if (r.refund_no) box.append(h('p', { class: 'mono' }, t('refund.number', { no: r.refund_no })));
  box.hidden = false;
}

function validate() {
  if (!order) return t('refund.noOrder');
  const o = order;
  if (o.status !== 'PAID' || !isPositive(o.refundable)) return t('refund.nothingLeft');
  if (partial) {
    const a = $('#refund-amount').value.trim();
    if (!isValidAmount(a, o.currency) || !isPositive(a)) {
      return t(decimalsFor(o.currency) === 0 ? 'refund.badAmountWhole' : 'refund.badAmount', { currency: o.currency });
    }
    if (compareDecimal(a, o.refundable) > 0) {
      return t('refund.tooMuch', { amount: money(o.refundable, o.currency) });
    }
  }
  if (!validPin($('#refund-pin').value)) return t('refund.needPin');
  return null;
}

async function submit() {
  if (busy) return;
  const error = $('#refund-error');
  setError(error, null);
  const problem = validate();
  const pinEl = $('#refund-pin');
  if (problem) { setError(error, problem); pinEl.value = ''; return; }
  const pin = pinEl.value;
  pinEl.value = ''; // asked for each refund, never kept
  busy = true;
  const button = $('#btn-refund-submit');
  button.disabled = true;
  button.classList.add('working');
  let done = false;
  try {
    const r = await ctx.api.refund({
      order_id: order.id,
      amount: partial ? toWire($('#refund-amount').value.trim(), order.currency) : null,
      reason: $('#refund-reason').value.trim(),
      manager_pin: pin,
    });
    showResult(r);
    if (r.status === 'SUCCESS') ctx.sounds.paid();
    else if (r.status === 'FAILED') ctx.sounds.failed();
    else ctx.sounds.pending();
    $('#refund-reason').value = '';
    done = true;
  } catch (err) {
    setError(error, err);
    ctx.sounds.error();
  } finally {
    busy = false;
    button.classList.remove('working');
    button.disabled = false;
    pinEl.value = '';
    await loadOrder(order.id); // the refundable amount has changed
    if (done) setMode(false); // after a wrong PIN the typed amount stays
  }
}

export default {
  init(c) {
    ctx = c;
    $('#refund-full').addEventListener('click', () => setMode(false));
    $('#refund-partial').addEventListener('click', () => setMode(true));
    $('#btn-refund-submit').addEventListener('click', submit);
    $('#refund-pin').addEventListener('keydown', (e) => {
      if (e.key === 'Enter') { e.preventDefault(); submit(); }
    });
    $('#refund-amount').addEventListener('input', (e) => {
      // Keep the field to digits and one dot; limits are checked on submit.
      const clean = e.target.value.replace(/[^0-9.]/g, '').replace(/(\..*)\./g, '$1');
      if (clean !== e.target.value) e.target.value = clean;
    });
    $('#btn-refund-back').addEventListener('click', () => ctx.go(back, back === 'orders' && order ? { orderId: order.id } : {}));
  },
  show(params = {}) {
    order = null;
    shownRefundId = null;
    back = params.back || 'orders';
    $('#refund-result').hidden = true;
    $('#refund-order').replaceChildren();
    $('#refund-previous').replaceChildren();
    $('#refund-refundable').textContent = '';
    $('#refund-reason').value = '';
    $('#refund-pin').value = '';
    setError($('#refund-error'), null);
    partial = false;
    setMode(false);
    if (params.orderId !== undefined) loadOrder(params.orderId);
  },
  hide() {
    $('#refund-pin').value = ''; // nothing of a manager's PIN outlives the screen
  },
  onKeyDown(e) {
    if (e.key === 'Escape') { e.preventDefault(); $('#btn-refund-back').click(); }
  },
  onRefundChanged(r) {
    if (ctx.active() !== 'refund' || r.id !== shownRefundId) return;
    showResult(r);
    if (r.status === 'SUCCESS') ctx.sounds.paid();
    if (r.status === 'FAILED') ctx.sounds.failed();
    if (order) loadOrder(order.id);
  },
  onLanguage() {
    if (ctx.active() === 'refund' && order) loadOrder(order.id);
  },
};
