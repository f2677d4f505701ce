// Orders: today's (or all) orders with filters; a row opens the detail with
// its refunds, "Check now" and "Refund".

import { t } from '../i18n/index.js';
import { $, h, chip, money, walletName, formatWhen, splitIso, toast, toastError, setChildren } from '../ui.js';
import { isPositive } from '../money.js';
import { askPin } from '../pin-dialog.js';

let ctx;
let selectedId = null;
let searchTimer = null;
let reloadTimer = null;
let loadSeq = 0;
let lastList = [];

/** Ids go through data attributes as text; give back the backend's own value. */
const idFrom = (text) => (lastList.find((o) => String(o.id) === text) || { id: Number(text) }).id;

function filters() {
  return {
    day: $('#orders-day').value,
    status: $('#orders-status').value || null,
    wallet: $('#orders-wallet').value || null,
    search: $('#orders-search').value.trim() || null,
  };
}

function row(o, withDate) {
  const when = splitIso(o.created_at);
  const flags = [];
  if (o.needs_review) flags.push(h('span', { class: 'flag flag-review' }, t('orders.flagReview')));
  if (isPositive(o.refunded)) flags.push(h('span', { class: 'flag' }, t('orders.flagRefunded', { amount: money(o.refunded, o.currency) })));
  return h('button', {
    type: 'button', class: `order-row${o.id === selectedId ? ' selected' : ''}`,
    role: 'listitem', dataset: { orderId: String(o.id) },
  },
  h('span', { class: 'col-time' }, withDate ? `${when.date} ${when.time}` : when.time),
  h('span', { class: 'col-amount' }, money(o.amount, o.currency)),
  h('span', { class: `col-wallet wallet-${o.wallet}` }, walletName(o.wallet)),
  h('span', { class: 'col-status' }, chip(o.status)),
  h('span', { class: 'col-no' }, h('span', { class: 'col-no-text' }, o.merchant_order_no), ...flags));
}

async function load() {
  const seq = ++loadSeq; // typing fast: only the latest answer is drawn
  const f = filters();
  try {
    const list = await ctx.api.ordersList(f);
    if (seq !== loadSeq) return;
    lastList = list;
    $('#orders-list').replaceChildren(...list.map((o) => row(o, f.day === 'all')));
    $('#orders-empty').hidden = list.length > 0;
    // Another counter's order, by our number: only with central books.
    $('#orders-elsewhere').hidden = list.length > 0 || !f.search || !ctx.state.status?.books;
  } catch (err) {
    if (seq === loadSeq) toastError(err);
  }
}

function dl(pairs) {
  return h('dl', { class: 'kv' }, ...pairs.filter(([, v]) => v !== null && v !== undefined && v !== '')
    .flatMap(([k, v]) => [h('dt', {}, t(k)), h('dd', {}, v)]));
}

function renderDetail({ order: o, refunds }) {
  const panel = $('#order-detail');
  const refundable = o.status === 'PAID' && isPositive(o.refundable);
  const printer = Boolean(ctx.state.status?.printer);
  const refundSlips = refunds.some((r) => r.status === 'SUCCESS');
  const refundRows = refunds.length
    ? h('ul', { class: 'refund-items' }, ...refunds.map((r) => h('li', { class: 'refund-item' },
      chip(r.status),
      h('strong', {}, money(r.amount, r.currency)),
      h('span', {}, formatWhen(r.created_at)),
      h('span', {}, t('orders.approvedBy', { name: r.approved_by })),
      r.reason ? h('span', { class: 'muted' }, r.reason) : null,
      r.refund_no ? h('span', { class: 'mono' }, r.refund_no) : null,
      r.error ? h('span', { class: 'form-error' }, r.error) : null)))
    : h('p', { class: 'muted' }, t('orders.noRefunds'));
  setChildren(panel, 
    h('div', { class: 'detail-head' },
      h('h2', {}, money(o.amount, o.currency)), chip(o.status),
      h('button', { type: 'button', class: 'btn btn-secondary btn-small', id: 'btn-order-close', 'aria-label': t('common.close') }, '×')),
    o.needs_review ? h('p', { class: 'warning' }, t('attention.reviewHint')) : null,
    o.status === 'PENDING' ? h('p', { class: 'warning' }, t('result.pending')) : null,
    dl([
      ['orders.wallet', walletName(o.wallet)],
      ['orders.flow', t(`flow.${o.flow}`)],
      ['orders.time', formatWhen(o.created_at)],
      ['orders.counter', o.counter],
      ['orders.number', o.merchant_order_no],
      ['orders.paymentNo', o.payment_no],
      ['orders.code', o.code],
      ['orders.note', o.subject],
      ['orders.refunded', money(o.refunded, o.currency)],
      ['orders.refundable', money(o.refundable, o.currency)],
      ['orders.rate', o.exchange_rate],
      ['orders.error', o.error],
    ]),
    h('h3', {}, t('orders.refunds')),
    refundRows,
    h('div', { class: 'row-actions' },
      h('button', { type: 'button', class: 'btn btn-secondary', id: 'btn-order-check' }, t('orders.checkNow')),
      refundable ? h('button', { type: 'button', class: 'btn btn-danger', id: 'btn-order-refund' }, t('orders.refund')) : null,
      printer && o.status === 'PAID' ? h('button', { type: 'button', class: 'btn btn-secondary', id: 'btn-order-print' }, t('orders.printSlip')) : null,
      printer && refundSlips ? h('button', { type: 'button', class: 'btn btn-secondary', id: 'btn-order-print-refunds' }, t('orders.printRefunds')) : null),
    o.status === 'PAID' ? h('details', { class: 'slip-box' },
      h('summary', {}, t('orders.slipPreview')),
      h('pre', { class: 'slip-preview', id: 'slip-preview' })) : null);
  panel.hidden = false;
  if (o.status === 'PAID') {
    ctx.api.slipPreview({ order_id: o.id })
      .then((lines) => { const pre = $('#slip-preview'); if (pre) pre.textContent = lines.join('\n'); })
      .catch(() => {});
  }
  $('#btn-order-print')?.addEventListener('click', () => printSlip(o.id, false));
  $('#btn-order-print-refunds')?.addEventListener('click', () => printSlip(o.id, true));
  $('#btn-order-close').addEventListener('click', closeDetail);
  $('#btn-order-check').addEventListener('click', () => check(o.id));
  if (refundable) $('#btn-order-refund').addEventListener('click', () => ctx.go('refund', { orderId: o.id, back: 'orders' }));
}

async function printSlip(orderId, refunds) {
  try {
    const r = await ctx.api.printSlip({ order_id: orderId, refunds });
    if (r.waiting > 0) toast(t('orders.printWaits'), { type: 'warn', detail: r.error || '' });
    else toast(t('orders.printed'), { type: 'ok' });
  } catch (err) {
    toastError(err);
  }
}

function closeDetail() {
  selectedId = null;
  $('#order-detail').hidden = true;
  for (const r of document.querySelectorAll('.order-row.selected')) r.classList.remove('selected');
}

async function openDetail(id) {
  selectedId = id;
  for (const r of document.querySelectorAll('.order-row')) {
    r.classList.toggle('selected', r.dataset.orderId === String(id));
  }
  try {
    renderDetail(await ctx.api.orderDetail({ order_id: id }));
  } catch (err) {
    toastError(err);
  }
}

async function check(id) {
  const b = $('#btn-order-check');
  if (b) b.disabled = true;
  try {
    await ctx.api.orderCheck({ order_id: id });
    await openDetail(id);
    load();
  } catch (err) {
    toastError(err);
    if (b) b.disabled = false;
  }
}

/** Another counter's order: found in the central books (a manager's PIN), then refunded here. */
async function refundElsewhere() {
  const reference = $('#orders-search').value.trim();
  if (!reference) return;
  let order = null;
  const found = await askPin({
    title: t('orders.elsewhereTitle', { number: reference }),
    text: t('orders.elsewhereText'),
    run: async (pin) => { order = await ctx.api.orderElsewhere({ reference, manager_pin: pin }); return true; },
  });
  if (!found || !order) return;
  ctx.go('refund', { orderId: order.id, back: 'orders' });
}

function scheduleReload() {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => {
    if (ctx.active() !== 'orders') return;
    load();
    if (selectedId !== null) openDetail(selectedId);
  }, 300);
}

export default {
  init(c) {
    ctx = c;
    for (const id of ['#orders-day', '#orders-status', '#orders-wallet']) $(id).addEventListener('change', load);
    $('#orders-search').addEventListener('input', () => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(load, 250);
    });
    $('#orders-search').addEventListener('keydown', (e) => {
      if (e.key === 'Enter') { e.preventDefault(); clearTimeout(searchTimer); load(); }
    });
    $('#btn-orders-elsewhere').addEventListener('click', refundElsewhere);
    $('#orders-list').addEventListener('click', (e) => {
      const r = e.target.closest('.order-row');
      if (r) openDetail(idFrom(r.dataset.orderId));
    });
  },
  show(params = {}) {
    load();
    if (params.orderId) openDetail(params.orderId);
    else if (selectedId !== null) openDetail(selectedId);
  },
  onKeyDown(e) {
    if (e.key === 'Escape' && selectedId !== null) { e.preventDefault(); closeDetail(); }
  },
  /** A slip's QR (our order number) scanned here opens that order. */
  async onScan(code) {
    $('#orders-search').value = code.trim();
    $('#orders-day').value = 'all';
    await load();
    if (lastList.length === 1) openDetail(lastList[0].id);
  },
  onOrderChanged: scheduleReload,
  onRefundChanged: scheduleReload,
  onLanguage() { if (ctx.active() === 'orders') scheduleReload(); },
};
