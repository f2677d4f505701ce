// Every visible string, in English, Traditional and Simplified Chinese.
// Static text uses data-i18n (textContent), data-i18n-placeholder and
// data-i18n-aria; dynamic text calls t(key, {vars}). A missing key shows the
// English text, then the key itself, so nothing is ever blank.
// The dictionaries live in en.js, zh-Hant.js and zh-Hans.js next to this file.

import en from './en.js';
import zhHant from './zh-Hant.js';
import zhHans from './zh-Hans.js';

export const DICTIONARIES = { en, 'zh-Hant': zhHant, 'zh-Hans': zhHans };
export const LANGUAGES = Object.keys(DICTIONARIES);

let lang = 'en';
const listeners = new Set();

/** Accepts "zh-Hant", "zh_TW", "zh-HK", "zh-CN", … and falls back to English. */
export function normalizeLanguage(code) {
  const c = String(code || '').replace('_', '-').toLowerCase();
  if (c.startsWith('zh-hant') || /^zh-(tw|hk|mo)\b/.test(c)) return 'zh-Hant';
  if (c.startsWith('zh')) return 'zh-Hans';
  return 'en';
}

export function setLanguage(code) {
  lang = normalizeLanguage(code);
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
  for (const cb of listeners) cb(lang);
}
export const getLanguage = () => lang;
export function onLanguageChange(cb) { listeners.add(cb); return () => listeners.delete(cb); }

/** t('result.orderNo', {no: 'C123'}) */
export function t(key, vars) {
  return translate(lang, key, vars);
}

/** Like t, in a given language (the customer display says things in two). */
export function translate(language, key, vars) {
  let s = DICTIONARIES[normalizeLanguage(language)][key] ?? en[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

/** Translates static markup: data-i18n, data-i18n-placeholder, data-i18n-aria. */
export function applyI18n(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.dataset.i18nAria));
}
