// Needs attention: every PENDING order and refund, and every order paid after
// the cashier stopped waiting (needs_review). One step per action.

import { t } from '../i18n/index.js';
import { $, h, chip, money, walletName, formatWhen, toast, toastError, setError, setChildren } from '../ui.js';
import { isPositive } from '../money.js';
import { askPin } from '../pin-dialog.js';
import { lockWhat, unlock } from '../staff-actions.js';

let ctx;
let data = { orders: [], refunds: [], locks: [] };
let managers = [];

function orderRow(o) {
  const review = o.needs_review;
  const actions = [];
  if (o.status === 'PENDING') actions.push(['check', 'attention.check', 'btn-secondary']);
  if (review && o.status === 'PAID' && isPositive(o.refundable)) actions.push(['refund', 'attention.refund', 'btn-danger']);
  if (review) actions.push(['reviewed', 'attention.reviewed', 'btn-secondary']);
  return h('div', {
    class: `attention-row${review ? ' review' : ''}`, role: 'listitem',
    dataset: { orderId: String(o.id), kind: 'order' },
  },
  h('div', { class: 'att-main' },
    h('div', { class: 'att-title' },
      h('strong', {}, review ? t('attention.paidAfterStop') : t('attention.pendingPayment')), chip(o.status)),
    h('div', { class: 'att-amount' }, money(o.amount, o.currency), ' · ', walletName(o.wallet)),
    h('div', { class: 'att-meta' }, formatWhen(o.created_at), ' · ', o.merchant_order_no),
    h('p', { class: 'att-hint' }, review ? t('attention.reviewHint') : t('attention.pendingHint'))),
  h('div', { class: 'att-actions' }, ...actions.map(([action, key, cls]) => h('button', {
    type: 'button', class: `btn ${cls}`, dataset: { action },
  }, t(key)))));
}

function refundRow(r) {
  return h('div', {
    class: 'attention-row refund', role: 'listitem',
    dataset: { orderId: String(r.order_id), refundId: String(r.id), kind: 'refund' },
  },
  h('div', { class: 'att-main' },
    h('div', { class: 'att-title' }, h('strong', {}, t('attention.pendingRefund')), chip(r.status)),
    h('div', { class: 'att-amount' }, money(r.amount, r.currency)),
    h('div', { class: 'att-meta' }, formatWhen(r.created_at), ' · ', r.merchant_order_no, ' · ',
      t('orders.approvedBy', { name: r.approved_by })),
    h('p', { class: 'att-hint' }, t('attention.refundHint'))),
  h('div', { class: 'att-actions' },
    h('button', { type: 'button', class: 'btn btn-secondary', dataset: { action: 'check' } }, t('attention.check')),
    // HipoPay can no longer say what became of it (reconcile said so): a
    // manager who checked HipoPay's back office settles it.
    ...(r.needs_manager && !r.in_flight ? [
      h('button', { type: 'button', class: 'btn btn-secondary', dataset: { action: 'settle-refunded' } },
        t('attention.settleRefunded')),
      h('button', { type: 'button', class: 'btn btn-secondary', dataset: { action: 'settle-not-refunded' } },
        t('attention.settleNotRefunded')),
    ] : [])));
}

/** A PIN check locked after wrong PINs: a manager (named) lifts it. */
function lockRow(lock, index) {
  return h('div', { class: 'attention-row lock', role: 'listitem', dataset: { kind: 'lock', lock: String(index) } },
    h('div', { class: 'att-main' },
      h('div', { class: 'att-title' }, h('strong', {}, lockWhat(lock))),
      h('p', { class: 'att-hint' }, t('staff.lockedUntil', { time: formatWhen(lock.until) }))),
    h('div', { class: 'att-actions' },
      h('label', { class: 'field field-inline' }, h('span', {}, t('staff.unlockBy')),
        h('select', { 'data-field': 'manager' }, ...managers.map((m) => h('option', { value: m }, m)))),
      h('button', { type: 'button', class: 'btn btn-secondary', dataset: { action: 'unlock' } }, t('staff.unlock'))));
}

async function load() {
  try {
    data = await ctx.api.attentionList();
    if (data.locks.length) {
      const { staff } = await ctx.api.staffList();
      managers = staff.filter((s) => s.active && s.role === 'manager').map((s) => s.name);
    }
  } catch (err) {
    toastError(err);
    return;
  }
  // Paid-after-abandon first: real money may have to go back to a customer.
  const orders = [...data.orders].sort((a, b) => Number(b.needs_review) - Number(a.needs_review));
  const rows = [...data.locks.map(lockRow), ...orders.map(orderRow), ...data.refunds.map(refundRow)];
  $('#attention-list').replaceChildren(...rows);
  $('#attention-empty').hidden = rows.length > 0;
  ctx.refreshAttention();
}

function findOrder(idText) {
  return data.orders.find((o) => String(o.id) === idText);
}

async function act(button) {
  const rowEl = button.closest('.attention-row');
  const action = button.dataset.action;
  if (action === 'unlock') {
    const lock = data.locks[Number(rowEl.dataset.lock)];
    const manager = rowEl.querySelector('[data-field="manager"]').value;
    if (lock && manager && (await unlock(ctx.api, lock, manager))) { load(); ctx.refreshStatus(); }
    return;
  }
  const isRefund = rowEl.dataset.kind === 'refund';
  const order = findOrder(rowEl.dataset.orderId);
  const orderId = order ? order.id : Number(rowEl.dataset.orderId);
  if (action === 'refund') { ctx.go('refund', { orderId, back: 'attention' }); return; }
  if (action === 'settle-refunded' || action === 'settle-not-refunded') {
    const refunded = action === 'settle-refunded';
    const refund = data.refunds.find((r) => String(r.id) === rowEl.dataset.refundId);
    const done = await askPin({
      title: t(refunded ? 'attention.settleRefundedTitle' : 'attention.settleNotRefundedTitle'),
      text: refund ? `${money(refund.amount, refund.currency)} · ${refund.merchant_order_no} · ${t('attention.settleHint')}` : '',
      run: (pin) => ctx.api.refundSettle({ refund_id: Number(rowEl.dataset.refundId), refunded, manager_pin: pin }),
    });
    if (done) { toast(t('attention.settled'), { type: 'ok' }); load(); }
    return;
  }
  if (action === 'reviewed') {
    const done = await askPin({
      title: t('attention.reviewedTitle'),
      text: order ? `${money(order.amount, order.currency)} · ${order.merchant_order_no}` : '',
      run: (pin) => ctx.api.reviewClear({ order_id: orderId, manager_pin: pin }),
    });
    if (done) { toast(t('attention.reviewedDone'), { type: 'ok' }); load(); }
    return;
  }
  // check
  button.disabled = true;
  try {
    if (isRefund) {
      // No per-refund check command: a reconcile pass checks every pending refund.
      const report = await ctx.api.reconcileNow();
      showReport(report);
    } else {
      const o = await ctx.api.orderCheck({ order_id: orderId });
      toast(o.status === 'PENDING' ? t('result.stillPending') : t('attention.nowStatus', { status: t(`status.${o.status}`) }),
        { type: o.status === 'PENDING' ? 'warn' : 'ok' });
    }
  } catch (err) {
    toastError(err);
  } finally {
    button.disabled = false;
    load();
  }
}

function showReport(r) {
  const box = $('#reconcile-result');
  const lines = [h('p', {}, t('attention.reconciled', {
    orders: r.checked_orders, refunds: r.checked_refunds, changed: r.changes.length,
    pending: r.still_pending_orders + r.still_pending_refunds,
  }))];
  for (const c of r.changes) {
    lines.push(h('p', { class: c.paid_after_abandon ? 'warning' : '' },
      `${c.number}: ${t(`status.${c.from}`)} → ${t(`status.${c.to}`)}`,
      c.paid_after_abandon ? ` — ${t('attention.paidAfterStop')}` : ''));
  }
  for (const e of r.errors) lines.push(h('p', { class: 'form-error' }, e));
  setChildren(box, lines);
  box.hidden = false;
}

async function reconcile() {
  const b = $('#btn-reconcile');
  b.disabled = true;
  b.classList.add('working');
  try {
    showReport(await ctx.api.reconcileNow());
  } catch (err) {
    setError($('#reconcile-result'), err);
    $('#reconcile-result').hidden = false;
  } finally {
    b.disabled = false;
    b.classList.remove('working');
    load();
  }
}

export default {
  init(c) {
    ctx = c;
    $('#btn-reconcile').addEventListener('click', reconcile);
    $('#attention-list').addEventListener('click', (e) => {
      const b = e.target.closest('[data-action]');
      if (b) act(b);
    });
  },
  show() {
    $('#reconcile-result').hidden = true;
    load();
  },
  onOrderChanged() { if (ctx.active() === 'attention') load(); },
  onRefundChanged() { if (ctx.active() === 'attention') load(); },
  onReconciled(report) {
    if (ctx.active() !== 'attention') return;
    if (report.changes.length) showReport(report);
    load();
  },
  onLanguage() { if (ctx.active() === 'attention') load(); },
};
