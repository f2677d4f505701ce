// Small DOM helpers shared by the screens. Everything is built with
// textContent (never HTML parsing), so order notes or backend messages can't
// inject markup (and nothing fights the strict CSP).

import { t } from './i18n/index.js';
import { formatMoney } from './money.js';

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

/** h('div', {class: 'x', dataset: {id: 1}}, 'text', child) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function show(el, on = true) { if (el) el.hidden = !on; }

let toastTimer = null;
/** The one place errors and notices appear (never a native alert box). */
export function toast(message, { type = 'error', detail = '', ms } = {}) {
  const el = $('#toast');
  el.replaceChildren(h('div', { class: 'toast-msg' }, message));
  if (detail) el.append(h('div', { class: 'toast-detail' }, detail));
  el.dataset.type = type;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, ms ?? (type === 'error' ? 8000 : 4000));
}
/** replaceChildren that skips null/false (the DOM would print "null"). */
export function setChildren(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

export function hideToast() { $('#toast').hidden = true; }

/** Localized explanation of a backend error kind, plus its own message. */
export function errorText(err) {
  const kind = err && err.kind ? err.kind : 'unknown';
  return { text: t(`err.${kind}`), detail: err && err.message ? err.message : '' };
}
export function toastError(err) {
  const { text, detail } = errorText(err);
  toast(text, { type: 'error', detail });
}
/** Fills an inline error element (explanation, then the backend's words). */
export function setError(el, err) {
  if (!err) { el.replaceChildren(); return; }
  if (typeof err === 'string') { el.replaceChildren(h('span', {}, err)); return; }
  const { text, detail } = errorText(err);
  el.replaceChildren(h('span', {}, text));
  if (detail) el.append(h('span', { class: 'error-detail' }, detail));
}

export const walletName = (w) => (w ? t(`wallet.${w}`) : '');
export const money = (amount, currency) => `${currency} ${formatMoney(amount, currency)}`;

/** A status chip: colour AND word, never colour alone. */
export function chip(status) {
  return h('span', { class: `chip chip-${String(status).toLowerCase()}` }, t(`status.${status}`));
}

/** "2025-11-22T09:03:12+08:00" -> {date:'2025-11-22', time:'09:03'} without timezone surprises. */
export function splitIso(iso) {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})/.exec(String(iso || ''));
  return m ? { date: m[1], time: m[2] } : { date: '', time: String(iso || '') };
}
/** Accepts ms since epoch or an ISO string. */
export function formatWhen(v, withDate = true) {
  if (v === null || v === undefined || v === '') return '';
  if (typeof v === 'number') {
    const d = new Date(v);
    const p = (n) => String(n).padStart(2, '0');
    const time = `${p(d.getHours())}:${p(d.getMinutes())}`;
    return withDate ? `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${time}` : time;
  }
  const { date, time } = splitIso(v);
  return withDate && date ? `${date} ${time}` : time;
}

/** Keeps PIN and number fields to digits whatever way text arrives (paste). */
export function digitsOnly(el) {
  el.addEventListener('input', () => {
    const clean = el.value.replace(/\D/g, '');
    if (clean !== el.value) el.value = clean;
  });
}

/** A PIN as typed: 4 to 12 digits, a manager's 6 to 12. */
export const validPin = (pin, role = 'cashier') => (role === 'manager' ? /^\d{6,12}$/ : /^\d{4,12}$/).test(pin);

/**
 * Plain words for why an order stands where it does, and what the cashier
 * does next, chosen from its reason code (never from the backend's English).
 * An order from before reasons were recorded gets its status's general words.
 */
export function reasonWords(order) {
  const fallback = { FAILED: 'declined', EXPIRED: 'expired' }[order && order.status];
  const code = (order && order.reason) || fallback;
  if (!code) return { reason: '', next: '' };
  return { reason: t(`reason.${code}`), next: t(`reasonNext.${code}`) };
}

/** Countdown text: 75 -> "1:15", 7260 -> "2:01:00". */
export function clock(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}
