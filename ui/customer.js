// The customer display: the amount to check, the QR code to scan, and the
// outcome, each said in the counter's language and, below it, in 简体中文
// (or English when the counter already speaks 简体中文): most customers
// paying with WeChat Pay or Alipay read Simplified Chinese.
// It only shows what the backend sends; it cannot start or change anything.

import { api } from './api.js';
import { translate, normalizeLanguage } from './i18n/index.js';
import { formatMoney } from './money.js';

/** A paid, not-paid or checking screen goes back to the welcome after this long. */
const OUTCOME_MS = 30_000;

const $ = (id) => document.getElementById(id);
let latest = null; // {language, view}
let fadeTimer = null;

function languages(primary) {
  const first = normalizeLanguage(primary);
  return [first, first === 'zh-Hans' ? 'en' : 'zh-Hans'];
}

/** [line, line2]: the same words in both languages (one line if they agree). */
function say(langs, key, vars = {}) {
  const [a, b] = langs.map((l) => {
    const wallet = vars.wallet ? translate(l, `wallet.${vars.wallet}`) : undefined;
    return translate(l, key, { ...vars, wallet });
  });
  return a === b ? [a, ''] : [a, b];
}

function render() {
  clearTimeout(fadeTimer);
  const { language, view, demo } = latest || { language: 'en', view: { state: 'welcome' } };
  const langs = languages(language);
  $('cust-demo').hidden = !demo;
  $('cust-demo').textContent = say(langs, 'customer.demo').filter(Boolean).join(' · ');
  document.documentElement.lang = langs[0];
  document.title = translate(langs[0], 'customer.title');
  const state = view.state;
  const amount = view.amount ? `${view.currency} ${formatMoney(view.amount, view.currency)}` : '';
  // What each state says: a label over the amount, the main line (in two
  // languages), and a smaller note.
  const words = {
    welcome: { line: 'customer.welcome', note: 'customer.accepted' },
    amount: { label: 'customer.total', line: 'customer.showCode' },
    preparing: { line: 'customer.preparing' },
    qr: { line: 'customer.scanWith' },
    confirming: { line: 'customer.confirming' },
    paid: { line: 'customer.paid' },
    not_paid: { line: 'customer.notPaid', note: 'customer.askCashier' },
    checking: { line: 'customer.checking', note: 'customer.askCashier' },
  }[state] || { line: 'customer.welcome' };
  const both = (key) => (key ? say(langs, key).filter(Boolean).join(' · ') : '');
  const [line, line2] = say(langs, words.line, { wallet: view.wallet });
  $('customer-screen').dataset.state = state;
  $('cust-line').textContent = line;
  $('cust-line2').textContent = line2;
  $('cust-note').textContent = both(words.note);
  $('cust-label').textContent = both(words.label);
  $('cust-label').hidden = !words.label;

  const wallet = $('cust-wallet');
  wallet.hidden = !view.wallet;
  wallet.dataset.wallet = view.wallet || '';
  wallet.textContent = view.wallet ? translate(langs[0], `wallet.${view.wallet}`) : '';
  $('cust-amount').hidden = !amount;
  $('cust-amount').textContent = amount;
  const qr = $('cust-qr');
  if (state === 'qr' && view.png) {
    qr.src = view.png;
    qr.alt = line;
    qr.hidden = false;
  } else {
    qr.hidden = true;
    qr.removeAttribute('src');
  }
  // An outcome is for the customer who paid; the next one sees the welcome.
  if (state === 'paid' || state === 'not_paid' || state === 'checking') {
    fadeTimer = setTimeout(() => {
      latest = { language, demo, view: { state: 'welcome' } };
      render();
    }, OUTCOME_MS);
  }
}

async function boot() {
  let heard = false;
  await api.on('customer-view', (screen) => {
    heard = true;
    latest = screen;
    render();
  }).catch(() => {});
  try {
    const now = await api.customerView();
    if (!heard) latest = now;
  } catch { /* the welcome screen until the first event */ }
  render();
}

boot();
