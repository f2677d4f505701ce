// Sale: the amount is built as a string by the keypad (on screen or the
// keyboard, via the wedge's replayed typing). A scan anywhere on this screen
// charges the amount shown; a QR button shows a code for the customer.

import { t } from '../i18n/index.js';
import { $, $$, h, toast, hideToast } from '../ui.js';
import { keypadPress, keypadType, isPositive, toWire, formatTyping, decimalsFor } from '../money.js';
import { walletOfCode } from '../scanner.js';

let ctx;
let amount = '';
let currency = null;
let customerTimer = null;

/** The customer display follows the amount (best effort: it never blocks a sale). */
function tellCustomer() {
  clearTimeout(customerTimer);
  const shown = isPositive(amount) ? toWire(amount, currency) : '';
  customerTimer = setTimeout(() => {
    ctx.api.customerShowAmount({ amount: shown, currency }).catch(() => {});
  }, 120);
}

function render() {
  const display = $('#amount-display');
  display.textContent = formatTyping(amount, currency);
  display.classList.toggle('empty', !amount);
  const ready = isPositive(amount);
  $('#scan-ready').hidden = !ready;
  $('#sale-hint').hidden = ready;
  tellCustomer();
}

function press(key) {
  amount = keypadPress(amount, key, currency);
  render();
}

let defaultCurrency = null; // the terminal's currency when this screen last looked

function fillCurrencies() {
  const st = ctx.state.status || {};
  const list = st.currencies && st.currencies.length ? st.currencies : [st.currency || 'HKD'];
  // A new default (Settings) applies at once; otherwise a currency picked
  // for this sale stays until the sale ends (reset).
  if (st.currency && st.currency !== defaultCurrency) {
    defaultCurrency = st.currency;
    currency = st.currency;
  }
  if (!currency || !list.includes(currency)) currency = st.currency || list[0];
  const sel = $('#currency-select');
  sel.replaceChildren(...list.map((c) => h('option', { value: c }, c)));
  sel.value = currency;
}

/** Flashes the amount and says why nothing happened. */
function needAmount() {
  toast(t('sale.enterAmountFirst'), { type: 'warn' });
  ctx.sounds.error();
  const display = $('#amount-display');
  display.classList.remove('flash');
  void display.offsetWidth; // restart the CSS animation
  display.classList.add('flash');
}

function charge(code) {
  if (!isPositive(amount)) { needAmount(); return; }
  const wallet = walletOfCode(code);
  if (!wallet) {
    // A product barcode or a mistyped code: refuse before any request.
    toast(t('sale.notPaymentCode'), { type: 'warn' });
    ctx.sounds.error();
    return;
  }
  ctx.sounds.scan();
  // A late amount update must not replace this payment on the customer's screen.
  clearTimeout(customerTimer);
  hideToast(); // an old warning must not sit on top of this payment's result
  ctx.go('progress', {
    scan: { amount: toWire(amount, currency), currency, code, note: $('#note-input').value.trim() },
  });
}

function showQr(wallet) {
  if (!isPositive(amount)) { needAmount(); return; }
  clearTimeout(customerTimer);
  hideToast();
  ctx.go('qr', {
    wallet, amount: toWire(amount, currency), currency, note: $('#note-input').value.trim(),
  });
}

const sale = {
  init(c) {
    ctx = c;
    for (const b of $$('[data-key]')) {
      // Keypad buttons never take focus: Enter must not "press" them again
      // and typed digits must keep going to the amount.
      b.addEventListener('mousedown', (e) => e.preventDefault());
      b.addEventListener('click', () => press(b.dataset.key));
    }
    $('#btn-qr-wechat').addEventListener('click', () => showQr('wechat'));
    $('#btn-qr-alipay').addEventListener('click', () => showQr('alipay'));
    $('#currency-select').addEventListener('change', (e) => {
      currency = e.target.value;
      // Going to a currency without cents keeps only the whole units, visibly.
      if (decimalsFor(currency) === 0) amount = amount.split('.')[0];
      render();
      e.target.blur();
    });
    $('#note-input').addEventListener('keydown', (e) => {
      // Enter or Escape leaves the note so typing goes to the amount again.
      if (e.key === 'Enter' || e.key === 'Escape') { e.preventDefault(); e.target.blur(); }
    });
  },
  show() {
    fillCurrencies();
    render();
    if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
  },
  reset() {
    amount = '';
    const note = $('#note-input');
    if (note) note.value = '';
    if (!ctx) return;
    // Each sale starts in the terminal's currency: a JPY sale must not turn
    // the next customer's "12" into ¥12 unnoticed.
    currency = null;
    fillCurrencies();
    render();
  },
  onScan: charge,
  onTypedText(text) {
    amount = keypadType(amount, text, currency);
    render();
  },
  onKeyDown(e) {
    const inField = e.target && (e.target.tagName === 'INPUT' || e.target.tagName === 'TEXTAREA');
    if (e.key === 'F2') { e.preventDefault(); showQr('wechat'); return; }
    if (e.key === 'F3') { e.preventDefault(); showQr('alipay'); return; }
    if (inField) return;
    if (e.key === 'Backspace') { e.preventDefault(); press('back'); }
    else if (e.key === 'Delete' || e.key === 'Escape') { e.preventDefault(); press('clear'); }
  },
};

export default sale;
