// Store (managers only): the day's takings across counters (the central
// books, or this counter alone without them), each counter's sending, and
// HipoPay's statement matched against the books to the cent. The manager's
// PIN is asked on entry and kept only while this screen is open.

import { t } from '../i18n/index.js';
import { askPin } from '../pin-dialog.js';
import { $, h, walletName, formatWhen, toastError } from '../ui.js';
import { formatMoney } from '../money.js';

let ctx;
let pin = null; // the manager's PIN, while the Store screen is open
let day = null; // StoreDay on screen
let matched = null; // MatchReport on screen, for day.report.date

const m = (amount, currency) => formatMoney(amount, currency);

function table(headKeys, rows, cls = '') {
  return h('table', { class: `report-table ${cls}` },
    h('thead', {}, h('tr', {}, ...headKeys.map((k) => h('th', {}, t(k))))),
    h('tbody', {}, ...rows.map((cells) => h('tr', {}, ...cells.map((c) => h('td', {}, c))))));
}

function totalsTable(totals) {
  if (!totals.length) return h('p', { class: 'muted' }, t('store.noPayments'));
  return table(['shift.wallet', 'shift.currency', 'shift.paidCount', 'shift.paid', 'shift.refundCount', 'shift.refunded', 'shift.net'],
    totals.map((x) => [walletName(x.wallet), x.currency, x.paid_count, m(x.paid, x.currency),
      x.refund_count, m(x.refunded, x.currency), h('strong', {}, m(x.net, x.currency))]));
}

function renderDay() {
  if (!day) return;
  const r = day.report;
  $('#store-scope').textContent = day.central ? t('store.central') : t('store.local');
  const stamp = $('#store-stamp');
  const state = r.matches_statement === true ? 'ok' : r.matches_statement === false ? 'bad' : 'none';
  stamp.className = `stamp ${state}`;
  stamp.textContent = t({ ok: 'store.stampMatches', bad: 'store.stampDiffers', none: 'store.stampNone' }[state]);
  $('#store-report').replaceChildren(
    h('h2', {}, `${t('store.allCounters')} · ${r.date}`),
    totalsTable(r.totals),
    r.unclear > 0 ? h('p', { class: 'warning' }, t('store.unclear', { count: r.unclear })) : '',
    ...r.counters.map((c) => h('div', { class: 'store-counter', dataset: { counter: c.counter } },
      h('h3', {}, t('store.counter', { name: c.counter })),
      totalsTable(c.totals),
      c.unclear > 0 ? h('p', { class: 'warning' }, t('store.unclear', { count: c.unclear })) : '')));
  const counters = $('#store-counters');
  if (!day.central) { counters.replaceChildren(); return; }
  counters.replaceChildren(
    h('h3', {}, t('store.pushes')),
    day.central_error ? h('p', { class: 'notice bad' }, t('store.unreachable', { error: day.central_error })) : '',
    day.counters.length
      ? table(['store.counterCol', 'store.lastPush', 'store.lag', 'store.waiting', 'store.refused'],
        day.counters.map((c) => [c.counter, c.last_push_at ? formatWhen(c.last_push_at) : t('store.never'),
          t('store.seconds', { n: c.lag_secs }), c.outbox, c.refused_rows]))
      : '');
}

function side(s) {
  return s ? `${s.status} ${s.amount}` : t('store.none');
}

function renderMatch() {
  const el = $('#store-match');
  if (!matched || !day || matched.date !== day.report.date) { el.hidden = true; return; }
  const groups = [
    ['store.hipopayOnly', matched.hipopay_only, 'hipopay-only'],
    ['store.oursOnly', matched.ours_only, 'ours-only'],
    ['store.differs', matched.differs, 'differs'],
  ].filter(([, items]) => items.length);
  el.replaceChildren(
    h('h2', {}, t('store.matchResult', { date: matched.date })),
    h('p', { class: matched.matches ? 'notice ok' : 'notice bad' },
      matched.matches ? t('store.matchAll', { count: matched.matched }) : t('store.matchSome', { count: matched.matched })),
    ...groups.flatMap(([key, items, cls]) => [
      h('h3', {}, t(key)),
      h('table', { class: `report-table match-${cls}` },
        h('thead', {}, h('tr', {}, ...['store.order', 'shift.currency', 'store.ours', 'store.theirs'].map((k) => h('th', {}, t(k))))),
        h('tbody', {}, ...items.map((i) => h('tr', {},
          h('td', { class: 'mono' }, `${i.outer_refund_no || i.merchant_order_no}${i.counter ? ` (${i.counter})` : ''}`),
          h('td', {}, i.currency), h('td', {}, side(i.ours)), h('td', {}, side(i.hipopay))))))]));
  el.hidden = false;
}

const dateArg = () => $('#store-date').value || null;

/** Loads the day; asks the manager's PIN first when none is held. */
async function load() {
  const run = async (p) => {
    day = await ctx.api.storeDay({ date: dateArg(), manager_pin: p });
    pin = p;
    return true;
  };
  try {
    if (pin) await run(pin);
    else if (!(await askPin({ title: t('store.pinTitle'), text: t('store.pinText'), run }))) {
      ctx.go('sale');
      return;
    }
  } catch (err) {
    toastError(err);
    return;
  }
  if (!$('#store-date').value) $('#store-date').value = day.report.date;
  renderDay();
  renderMatch();
}

async function match() {
  if (!pin) { await load(); if (!pin) return; }
  const b = $('#btn-store-match');
  b.disabled = true;
  try {
    matched = await ctx.api.storeMatch({ date: dateArg(), manager_pin: pin });
    await load(); // the day's stamp follows the match
  } catch (err) {
    toastError(err);
  } finally {
    b.disabled = false;
  }
}

export default {
  init(c) {
    ctx = c;
    $('#btn-store-show').addEventListener('click', () => { matched = null; load(); });
    $('#btn-store-match').addEventListener('click', match);
  },
  show() {
    pin = null;
    day = null;
    matched = null;
    $('#store-date').value = '';
    for (const id of ['#store-report', '#store-counters']) $(id).replaceChildren();
    $('#store-scope').textContent = '';
    $('#store-stamp').textContent = '';
    $('#store-match').hidden = true;
    load();
  },
  hide() {
    pin = null;
  },
  onLanguage() {
    renderDay();
    renderMatch();
  },
};
