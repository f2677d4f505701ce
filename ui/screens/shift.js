// Shift: the live report (any time), CSV export through the backend's save
// dialog, a printable summary, and closing with a PIN.

import { t } from '../i18n/index.js';
import { $, h, walletName, formatWhen, setError, validPin, toast, toastError } from '../ui.js';
import { formatMoney } from '../money.js';

let ctx;
let report = null; // the report on screen (live, or the summary of a just-closed shift)
let closed = false;

const m = (amount, currency) => formatMoney(amount, currency);

function table(headKeys, rows, cls = '') {
  return h('table', { class: `report-table ${cls}` },
    h('thead', {}, h('tr', {}, ...headKeys.map((k) => h('th', {}, t(k))))),
    h('tbody', {}, ...rows.map((cells) => h('tr', {}, ...cells.map((c) => h('td', {}, c))))));
}

/** Builds a ShiftReport into `el` (used for the live report and the summary). */
export function renderReport(el, r) {
  const counts = [
    ['shift.orders', r.order_count, ''],
    ['shift.paidCount', r.paid_count, ''],
    ['shift.pendingCount', r.pending_count, r.pending_count > 0 ? 'warn' : ''],
    ['shift.failedCount', r.failed_count, ''],
    ['shift.expiredCount', r.expired_count, ''],
    ['shift.pendingRefunds', r.pending_refund_count, r.pending_refund_count > 0 ? 'warn' : ''],
  ];
  el.replaceChildren(
    h('div', { class: 'report-head' },
      h('h2', {}, t(r.open ? 'shift.reportOpen' : 'shift.reportClosed', { id: r.shift_id })),
      h('p', {}, t('shift.cashier', { name: r.cashier })),
      h('p', {}, t('shift.period', {
        from: formatWhen(r.opened_at),
        to: r.closed_at ? formatWhen(r.closed_at) : t('shift.now'),
      }))),
    h('h3', {}, t('shift.totals')),
    r.totals.length
      ? table(['shift.currency', 'shift.paidCount', 'shift.paid', 'shift.refundCount', 'shift.refunded', 'shift.net'],
        r.totals.map((x) => [x.currency, x.paid_count, m(x.paid, x.currency), x.refund_count,
          m(x.refunded, x.currency), h('strong', {}, m(x.net, x.currency))]), 'totals')
      : h('p', { class: 'muted' }, t('shift.noPayments')),
    h('h3', {}, t('shift.byWallet')),
    r.by_wallet.length
      ? table(['shift.wallet', 'shift.currency', 'shift.paidCount', 'shift.paid', 'shift.refundCount', 'shift.refunded', 'shift.net'],
        r.by_wallet.map((x) => [walletName(x.wallet), x.currency, x.paid_count, m(x.paid, x.currency),
          x.refund_count, m(x.refunded, x.currency), m(x.net, x.currency)]))
      : h('p', { class: 'muted' }, t('shift.noPayments')),
    h('h3', {}, t('shift.approvers')),
    r.refunds_by_approver.length
      ? table(['shift.approver', 'shift.currency', 'shift.refundCount', 'shift.refunded'],
        r.refunds_by_approver.map((x) => [x.approved_by, x.currency, x.count, m(x.amount, x.currency)]))
      : h('p', { class: 'muted' }, t('shift.noRefunds')),
    h('h3', {}, t('shift.counts')),
    h('dl', { class: 'counts' }, ...counts.flatMap(([k, v, cls]) => [
      h('dt', { class: cls }, t(k)), h('dd', { class: cls }, String(v))])));
}

function renderSide() {
  const st = ctx.state.status || {};
  const open = Boolean(st.shift) && report && report.open && !closed;
  $('#shift-close-box').hidden = !open;
  $('#shift-done-box').hidden = !closed;
  $('#shift-no-open').hidden = open || closed;
  const warn = $('#shift-close-warning');
  const unclear = report ? report.pending_count + report.pending_refund_count : 0;
  warn.hidden = !open || unclear === 0;
  warn.textContent = unclear ? t('shift.closeWarning', { count: unclear }) : '';
}

async function load() {
  try {
    report = await ctx.api.shiftReport({ shift_id: null });
    renderReport($('#shift-report'), report);
  } catch (err) {
    report = null;
    $('#shift-report').replaceChildren(h('p', { class: 'muted' }, t('shift.noReport')));
    if (err.kind !== 'not_found' && err.kind !== 'shift') toastError(err);
  }
  renderSide();
}

async function closeShift() {
  const pinEl = $('#shift-close-pin');
  const pin = pinEl.value;
  pinEl.value = '';
  const error = $('#shift-close-error');
  setError(error, null);
  if (!validPin(pin)) { setError(error, t('pin.format')); pinEl.focus(); return; }
  const b = $('#btn-shift-close');
  b.disabled = true;
  try {
    report = await ctx.api.shiftClose({ pin });
    closed = true;
    $('#shift-report').hidden = true;
    const summary = $('#shift-summary');
    renderReport(summary, report);
    summary.hidden = false;
    await ctx.refreshStatus();
    ctx.clearSale();
    renderSide();
  } catch (err) {
    setError(error, err);
    pinEl.focus();
  } finally {
    b.disabled = false;
  }
}

/** The day's close at this counter: shown here, printable on A4. */
function renderDay(el, d) {
  const when = (iso) => (iso ? formatWhen(iso) : t('shift.now'));
  el.replaceChildren(
    h('div', { class: 'report-head' }, h('h2', {}, t('day.title', { date: d.date, counter: d.counter }))),
    h('h3', {}, t('day.shifts')),
    h('ul', {}, ...d.shifts.map((s) => h('li', {}, t('day.shift', {
      id: s.shift_id, name: s.cashier, from: when(s.opened_at), to: when(s.closed_at),
    })))),
    h('h3', {}, t('shift.byWallet')),
    d.totals.length
      ? table(['shift.wallet', 'shift.currency', 'shift.paidCount', 'shift.paid', 'shift.refundCount', 'shift.refunded', 'shift.net'],
        d.totals.map((x) => [walletName(x.wallet), x.currency, x.paid_count, m(x.paid, x.currency),
          x.refund_count, m(x.refunded, x.currency), h('strong', {}, m(x.net, x.currency))]))
      : h('p', { class: 'muted' }, t('shift.noPayments')),
    h('h3', {}, t('shift.approvers')),
    d.refunds_by_approver.length
      ? table(['shift.approver', 'shift.currency', 'shift.refundCount', 'shift.refunded'],
        d.refunds_by_approver.map((x) => [x.approved_by, x.currency, x.count, m(x.amount, x.currency)]))
      : h('p', { class: 'muted' }, t('shift.noRefunds')),
    h('h3', {}, t('day.unclear')),
    d.unclear.length
      ? table(['orders.number', 'shift.wallet', 'shift.currency', 'day.amount'],
        d.unclear.map((u) => [`${t(u.kind === 'refund' ? 'day.refund' : 'day.payment')} ${u.number}`,
          walletName(u.wallet), u.currency, m(u.amount, u.currency)]), 'unclear')
      : h('p', { class: 'muted' }, t('day.noneUnclear')));
}

let dayShown = false;

async function showDay() {
  try {
    const d = await ctx.api.dayClose({ date: null });
    renderDay($('#day-report'), d);
    dayShown = true;
    $('#shift-report').hidden = true;
    $('#shift-summary').hidden = true;
    $('#day-report').hidden = false;
  } catch (err) {
    toastError(err);
  }
}

async function printDay() {
  const b = $('#btn-day-print');
  b.disabled = true;
  try {
    await ctx.api.dayPrint({ date: null });
    toast(t('day.printed'), { type: 'ok' });
  } catch (err) {
    toastError(err);
  } finally {
    b.disabled = false;
  }
}

async function exportCsv() {
  const b = $('#btn-shift-export');
  b.disabled = true;
  try {
    const res = await ctx.api.shiftExportCsv({ shift_id: report ? report.shift_id : null });
    if (res) toast(t('shift.exported', { rows: res.rows, path: res.path }), { type: 'ok', ms: 8000 });
  } catch (err) {
    toastError(err);
  } finally {
    b.disabled = false;
  }
}

export default {
  init(c) {
    ctx = c;
    $('#btn-shift-close').addEventListener('click', closeShift);
    $('#shift-close-pin').addEventListener('keydown', (e) => {
      if (e.key === 'Enter') { e.preventDefault(); closeShift(); }
    });
    $('#btn-shift-export').addEventListener('click', exportCsv);
    $('#btn-day-report').addEventListener('click', showDay);
    $('#btn-day-print').addEventListener('click', printDay);
    // The print stylesheet shows only the visible .print-area (report or summary).
    $('#btn-shift-print').addEventListener('click', () => window.print());
    $('#btn-shift-done').addEventListener('click', () => {
      closed = false;
      ctx.go('login');
    });
  },
  show() {
    // Keep a closed shift's summary until "Done", unless a new shift was
    // opened meanwhile (from the Sale tab): then this is the new one's report.
    if (closed && report && ctx.state.status?.shift?.id !== report.shift_id && ctx.state.status?.shift) {
      closed = false;
      report = null;
    }
    dayShown = false;
    $('#day-report').hidden = true;
    $('#btn-day-print').hidden = !ctx.state.status?.printer;
    if (closed) { renderSide(); return; }
    $('#shift-report').hidden = false;
    $('#shift-summary').hidden = true;
    $('#shift-close-pin').value = '';
    setError($('#shift-close-error'), null);
    load();
  },
  hide() {
    $('#shift-close-pin').value = '';
  },
  onOrderChanged() { if (ctx.active() === 'shift' && !closed && !dayShown) load(); },
  onRefundChanged() { if (ctx.active() === 'shift' && !closed) load(); },
  onLanguage() {
    if (!report) return;
    renderReport(closed ? $('#shift-summary') : $('#shift-report'), report);
    renderSide();
  },
};
