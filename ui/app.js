// Router and shared state. Screens are modules with the same small shape:
//   init(ctx), show(params), hide(), and optional handlers onScan(code),
//   onTypedText(text), onKeyDown(e), onOrderChanged(o), onRefundChanged(r),
//   onPaymentEnded(p), onReconciled(report), onLanguage().
// Only the active screen gets scans, typing and keys; every screen gets
// backend events (a result screen must update even if it was just left).

import { api } from './api.js';
import { t, setLanguage, getLanguage, applyI18n } from './i18n/index.js';
import { installWedge, isTextField, insertIntoField } from './scanner.js';
import * as sounds from './sounds.js';
import { $, $$, toast, toastError, formatWhen, digitsOnly } from './ui.js';
import { isOpen as pinDialogOpen } from './pin-dialog.js';

import startup from './screens/startup.js';
import firstRun from './screens/first-run.js';
import login from './screens/login.js';
import sale from './screens/sale.js';
import progress from './screens/progress.js';
import qr from './screens/qr.js';
import orders from './screens/orders.js';
import attention from './screens/attention.js';
import refund from './screens/refund.js';
import shift from './screens/shift.js';
import store from './screens/store.js';
import settings from './screens/settings.js';

const screens = {
  startup, 'first-run': firstRun, login, sale, progress, qr, orders, attention, refund, shift, store, settings,
};

const state = {
  status: null, // app_status
  busy: false, // a payment is being waited on: navigation stays put
  attention: { orders: [], refunds: [], locks: [] },
  scannerLink: null, // latest scanner-status event
  books: null, // latest books-sync event (null: the till keeps no central books)
  printer: null, // latest printer-status event (null: no receipt printer)
  notStarted: false, // the core could not start: only the start-up screen shows
};

let current = null;

const ctx = {
  api,
  state,
  sounds,
  go,
  refreshStatus,
  refreshAttention: scheduleAttention,
  setBusy(on) {
    state.busy = Boolean(on);
    document.body.classList.toggle('busy', state.busy);
  },
  setLanguage: changeLanguage,
  setSounds: changeSounds,
  setCustomerDisplay: (on) => persistComfort({ customer_display: Boolean(on) }),
  active: () => current,
  /** Clears the sale screen (after PAID or PENDING: never charge that amount twice by accident). */
  clearSale: () => sale.reset(),
  /** A fresh sale; `typed` is text the cashier already started typing. */
  newSale(typed = '') {
    sale.reset();
    go('sale', { force: true });
    if (typed) sale.onTypedText(typed);
  },
};

/** Shows one screen; returns false when navigation is not allowed now. */
function go(name, params = {}) {
  let target = name;
  if (state.busy && target !== current && !params.force) {
    toast(t('nav.busy'), { type: 'warn' });
    sounds.error();
    return false;
  }
  const st = state.status;
  if (state.notStarted) target = 'startup';
  else if (st && st.staff_count === 0) target = 'first-run';
  else if (target === 'sale' && !(st && st.shift)) target = 'login';
  else if (target === 'first-run') target = st && st.shift ? 'sale' : 'login';
  else if (target === 'login' && st && st.shift) target = 'sale'; // a shift is already open

  if (current && current !== target) {
    screens[current].hide?.();
    // The screens share one scrolling area: each opens at its top, not
    // where the last one was left (a long Settings page scrolled down
    // would otherwise open the Shift screen past its buttons).
    $('main').scrollTop = 0;
  }
  for (const section of $$('main > section.screen')) {
    section.classList.toggle('active', section.id === `screen-${target}`);
  }
  const navName = { progress: 'sale', qr: 'sale', refund: 'orders', login: 'sale' }[target] || target;
  for (const b of $$('[data-nav]')) {
    if (b.dataset.nav === navName) b.setAttribute('aria-current', 'page');
    else b.removeAttribute('aria-current');
  }
  current = target;
  document.body.dataset.screen = target;
  screens[target].show?.(params);
  return true;
}

async function refreshStatus() {
  try {
    state.status = await api.appStatus();
  } catch (err) {
    toastError(err);
    return state.status;
  }
  const st = state.status;
  state.books = null; // the status's own is as new
  state.printer = null;
  document.body.classList.toggle('no-staff', st.staff_count === 0);
  sounds.setEnabled(st.sounds);
  if (st.language && st.language !== getLanguage()) applyLanguage(st.language);
  updateHeader();
  updateAttentionBadge(st.attention_count, null);
  return st;
}

function updateHeader() {
  const st = state.status;
  if (!st) return;
  $('#demo-banner').hidden = !st.demo;
  const shiftEl = $('#header-shift');
  shiftEl.textContent = st.shift
    ? t('header.shift', { name: st.shift.staff_name, time: formatWhen(st.shift.opened_at, false) })
    : t('header.noShift');
  shiftEl.classList.toggle('none', !st.shift);

  const sc = st.scanner || {};
  const link = state.scannerLink;
  const port = link?.port ?? sc.serial_port;
  const connected = link ? link.connected : sc.connected;
  const el = $('#scanner-status');
  el.classList.remove('ok', 'bad');
  if (!port) {
    el.textContent = t('scanner.keyboard');
  } else if (connected) {
    el.textContent = t('scanner.connected', { port });
    el.classList.add('ok');
  } else {
    el.textContent = t('scanner.disconnected', { port });
    el.classList.add('bad');
  }
  el.title = link?.error || '';
  updateBooks();
  updatePrinter();
}

/** The receipt printer: fine, or how many slips wait for it. */
function updatePrinter() {
  const el = $('#printer-status');
  const p = state.printer || state.status?.printer;
  el.hidden = !p;
  if (!p) return;
  el.classList.toggle('ok', p.waiting === 0);
  el.classList.toggle('bad', p.waiting > 0);
  el.textContent = p.waiting > 0 ? t('printer.waiting', { count: p.waiting }) : t('printer.ok');
  el.title = p.error || '';
}

/** The central books' state: up to date, behind by N, or offline since. */
function updateBooks() {
  const el = $('#books-status');
  const b = state.books || state.status?.books;
  el.hidden = !b;
  if (!b) return;
  el.classList.remove('ok', 'behind', 'bad');
  if (b.offline_since) {
    el.textContent = t('books.offline', { time: formatWhen(b.offline_since, false), count: b.outbox });
    el.classList.add('bad');
  } else if (b.outbox > 0) {
    el.textContent = t('books.behind', { count: b.outbox });
    el.classList.add('behind');
  } else {
    el.textContent = t('books.online');
    el.classList.add('ok');
  }
  el.title = [t('books.hint'), b.last_error || ''].filter(Boolean).join('\n');
}

function updateAttentionBadge(count, reviewCount) {
  const badge = $('#attention-count');
  const n = Number(count) || 0;
  badge.textContent = String(n);
  badge.classList.toggle('has-items', n > 0);
  if (reviewCount !== null) badge.classList.toggle('urgent', reviewCount > 0);
}

let attentionTimer = null;
function scheduleAttention() {
  clearTimeout(attentionTimer);
  attentionTimer = setTimeout(refreshAttentionNow, 300);
}
async function refreshAttentionNow() {
  if (!state.status || state.status.staff_count === 0) return;
  try {
    state.attention = await api.attentionList();
  } catch {
    return; // the badge keeps its last value; the screen shows errors itself
  }
  const review = state.attention.orders.filter((o) => o.needs_review);
  const { orders, refunds, locks } = state.attention;
  updateAttentionBadge(orders.length + refunds.length + locks.length, review.length);
  // Loud until a manager marks each one reviewed: money may have to go back.
  const banner = $('#alert-banner');
  banner.hidden = review.length === 0;
  if (review.length) $('#alert-text').textContent = t('alert.paidAfterAbandon', { count: review.length });
}

function applyLanguage(lang) {
  setLanguage(lang);
  applyI18n(document);
  $('#lang-switch').value = getLanguage();
  updateHeader();
  if (state.attention.orders.some((o) => o.needs_review)) scheduleAttention();
  for (const s of Object.values(screens)) s.onLanguage?.();
}

/** Language, sounds and the customer display: saved without a manager PIN. */
async function persistComfort(patch) {
  try {
    const s = await api.settingsGet();
    const { mode, ...rest } = s; // settings_save takes the same shape minus mode
    await api.settingsSave({ settings: { ...rest, ...patch }, manager_pin: null });
  } catch (err) {
    toastError(err);
  }
}
async function changeLanguage(lang) {
  applyLanguage(lang);
  if (state.notStarted) return; // no settings file to write to yet
  await persistComfort({ language: getLanguage() });
  if (state.status) state.status.language = getLanguage();
}
async function changeSounds(on) {
  sounds.setEnabled(on);
  await persistComfort({ sounds: Boolean(on) });
  if (state.status) state.status.sounds = Boolean(on);
}

// --- scanner and keyboard ---------------------------------------------------

function wedgeConfig() {
  const sc = state.status?.scanner || {};
  return { maxGap: sc.wedge_max_gap_ms ?? 35, minLength: sc.wedge_min_length ?? 16 };
}

function handleScan(code) {
  const screen = screens[current];
  if (pinDialogOpen() || !screen || !screen.onScan) {
    toast(t('scan.ignored'), { type: 'warn' });
    sounds.error();
    return;
  }
  screen.onScan(code);
}

function handleTyped(text, target) {
  if (target && target.isConnected && isTextField(target)) {
    insertIntoField(target, text);
    return;
  }
  if (pinDialogOpen()) return;
  screens[current]?.onTypedText?.(text);
}

function onKeyDown(e) {
  if (pinDialogOpen() || e.defaultPrevented) return;
  if (e.altKey && /^[1-6]$/.test(e.key)) {
    e.preventDefault();
    go(['sale', 'orders', 'attention', 'shift', 'settings', 'store'][Number(e.key) - 1]);
    return;
  }
  screens[current]?.onKeyDown?.(e);
}

// --- boot -------------------------------------------------------------------

function wireEvents() {
  const forAll = (method, payload) => {
    for (const s of Object.values(screens)) {
      try { s[method]?.(payload); } catch (err) { console.error(err); }
    }
  };
  api.on('order-changed', (order) => { forAll('onOrderChanged', order); scheduleAttention(); }).catch(toastError);
  api.on('refund-changed', (r) => { forAll('onRefundChanged', r); scheduleAttention(); }).catch(toastError);
  api.on('payment-ended', (p) => { forAll('onPaymentEnded', p); scheduleAttention(); }).catch(toastError);
  api.on('scanner-line', (p) => handleScan(String(p?.code ?? ''))).catch(toastError);
  api.on('scanner-status', (p) => {
    state.scannerLink = p;
    updateHeader();
    if (p && !p.connected && p.error) toast(t('scanner.problem'), { type: 'warn', detail: p.error });
  }).catch(toastError);
  api.on('printer-status', (p) => {
    state.printer = p;
    updatePrinter();
  }).catch(toastError);
  api.on('books-sync', (sync) => {
    state.books = sync;
    updateBooks();
  }).catch(toastError);
  api.on('reconciled', (report) => {
    forAll('onReconciled', report);
    if ((report?.changes || []).some((c) => c.paid_after_abandon)) sounds.alarm();
    scheduleAttention();
  }).catch(toastError);
}

async function boot() {
  applyI18n(document);
  for (const el of $$('input[data-digits]')) digitsOnly(el);
  installWedge(window, {
    getConfig: wedgeConfig,
    onScan: handleScan,
    onHuman: handleTyped,
    onPartial: () => { toast(t('scan.partial'), { type: 'warn' }); sounds.error(); },
  });
  window.addEventListener('keydown', onKeyDown);
  for (const b of $$('[data-nav]')) b.addEventListener('click', () => go(b.dataset.nav));
  $('#lang-switch').addEventListener('change', (e) => changeLanguage(e.target.value));
  $('#btn-alert-open').addEventListener('click', () => go('attention'));
  $('#toast').addEventListener('click', () => { $('#toast').hidden = true; });
  for (const s of Object.values(screens)) s.init?.(ctx);
  wireEvents();

  let problem = null;
  try {
    problem = await api.startupProblem();
  } catch (err) {
    toastError(err); // not inside the app: the toast says so
    document.body.classList.remove('booting');
    return;
  }
  if (problem) {
    // No settings to read the language from: the computer's language.
    applyLanguage(navigator.language);
    state.notStarted = true;
    document.body.classList.add('not-started');
    document.body.classList.remove('booting');
    go('startup', { problem, onStarted: started });
    return;
  }
  await started();
}

/** The core is running: the usual first screen. */
async function started() {
  state.notStarted = false;
  document.body.classList.remove('not-started');
  const st = await refreshStatus();
  document.body.classList.remove('booting');
  if (!st) return;
  if (st.staff_count === 0) go('first-run');
  else if (!st.shift) go('login');
  else go('sale');
  refreshAttentionNow();
}

boot();
