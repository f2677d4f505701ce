// The markup contract with the end-to-end tests, the CSP rules, and the
// completeness of the three dictionaries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { DICTIONARIES } from '../../ui/i18n/index.js';
import { ERROR_KINDS, REASONS } from '../../ui/generated/contract.js';

const ui = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'ui');
const html = readFileSync(join(ui, 'index.html'), 'utf8');
const customerHtml = readFileSync(join(ui, 'customer.html'), 'utf8');
const jsFiles = [...readdirSync(ui).filter((f) => f.endsWith('.js')),
  ...readdirSync(join(ui, 'screens')).map((f) => `screens/${f}`),
  ...readdirSync(join(ui, 'i18n')).filter((f) => f.endsWith('.js')).map((f) => `i18n/${f}`),
  ...readdirSync(join(ui, 'generated')).filter((f) => f.endsWith('.js')).map((f) => `generated/${f}`)];
const js = Object.fromEntries(jsFiles.map((f) => [f, readFileSync(join(ui, f), 'utf8')]));

const REQUIRED_IDS = [
  'demo-banner', 'attention-count', 'lang-switch', 'toast',
  'screen-first-run', 'first-name', 'first-pin', 'first-pin2', 'btn-first-create',
  'screen-login', 'login-staff', 'login-pin', 'btn-login',
  'screen-sale', 'amount-display', 'note-input', 'currency-select', 'btn-qr-wechat', 'btn-qr-alipay', 'scan-ready',
  'screen-progress', 'result', 'result-title', 'result-amount', 'result-wallet', 'result-reason',
  'btn-stop-waiting', 'btn-new-sale',
  'screen-qr', 'qr-image', 'qr-amount', 'qr-wallet', 'qr-cny', 'qr-countdown', 'btn-qr-stop', 'btn-demo-pay',
  'screen-orders', 'orders-day', 'orders-search', 'orders-status', 'orders-wallet', 'order-detail',
  'screen-attention', 'btn-reconcile',
  'screen-refund', 'refund-refundable', 'refund-full', 'refund-partial', 'refund-amount', 'refund-reason',
  'refund-pin', 'btn-refund-submit', 'refund-error', 'refund-result',
  'screen-shift', 'shift-report', 'btn-shift-export', 'btn-shift-print', 'shift-close-pin', 'btn-shift-close', 'shift-summary',
  'screen-store', 'store-date', 'btn-store-show', 'btn-store-match', 'store-stamp', 'store-report', 'store-match',
  'books-status', 'orders-elsewhere', 'btn-orders-elsewhere', 'printer-status',
  'set-printer-kind', 'set-printer-where', 'set-printer-port', 'set-printer-width', 'set-printer-encoding',
  'set-printer-auto', 'set-shop-name', 'set-shop-address', 'btn-test-print', 'test-print-result',
  'btn-day-report', 'btn-day-print', 'day-report',
  'screen-settings', 'btn-key-import', 'btn-test-connection', 'connection-result', 'settings-pin', 'btn-settings-save',
  'set-customer-display',
  'screen-startup', 'startup-what', 'startup-message', 'startup-config-file', 'startup-db-file', 'startup-error',
  'btn-startup-retry',
];

const CUSTOMER_IDS = ['cust-demo', 'customer-screen', 'cust-wallet', 'cust-label', 'cust-amount', 'cust-qr', 'cust-line', 'cust-line2', 'cust-note'];

test('every contract id exists exactly once', () => {
  for (const id of REQUIRED_IDS) {
    const n = html.split(`id="${id}"`).length - 1;
    assert.equal(n, 1, `#${id} appears ${n} times`);
  }
  for (const id of CUSTOMER_IDS) {
    const n = customerHtml.split(`id="${id}"`).length - 1;
    assert.equal(n, 1, `customer.html #${id} appears ${n} times`);
  }
});

test('ids created by scripts are in the contract too', () => {
  for (const id of ['btn-order-check', 'btn-order-refund']) {
    assert.ok(js['screens/orders.js'].includes(`id: '${id}'`), id);
  }
  for (const sel of ["order-row", "orderId:", "dataset: { action }"]) {
    assert.ok(js['screens/orders.js'].includes(sel) || js['screens/attention.js'].includes(sel), sel);
  }
  for (const a of ["'check'", "'refund'", "'reviewed'"]) assert.ok(js['screens/attention.js'].includes(a), a);
});

test('nav buttons and keypad keys', () => {
  for (const n of ['sale', 'orders', 'attention', 'shift', 'store', 'settings']) assert.ok(html.includes(`data-nav="${n}"`), n);
  for (const k of ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.', 'back', 'clear']) {
    assert.ok(html.includes(`data-key="${k}"`), k);
  }
});

test('language switch offers the three languages', () => {
  for (const v of ['en', 'zh-Hant', 'zh-Hans']) assert.ok(html.includes(`<option value="${v}">`), v);
});

test('strict CSP: no inline script, style or handlers; no remote URLs', () => {
  for (const page of [html, customerHtml]) {
    assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(page), 'inline <script>');
    assert.ok(!/\sstyle\s*=/i.test(page), 'style= attribute');
    assert.ok(!/<style/i.test(page), '<style> block');
    assert.ok(!/\son[a-z]+\s*=/i.test(page), 'on*= attribute');
  }
  assert.ok(/<script type="module" src="app.js"><\/script>/.test(html));
  assert.ok(/<script type="module" src="customer.js"><\/script>/.test(customerHtml));
  const css = (f) => readFileSync(join(ui, f), 'utf8');
  for (const [f, src] of Object.entries({
    'index.html': html, 'customer.html': customerHtml, ...js, 'styles.css': css('styles.css'), 'customer.css': css('customer.css'),
  })) {
    assert.ok(!/https?:\/\/(?!\S*placeholder)[a-z0-9.-]+\.[a-z]{2,}/i.test(src.replace(/placeholder="https:\/\/"/g, '')), `remote URL in ${f}`);
    assert.ok(!/setAttribute\(\s*['"]style/.test(src), `style attribute set in ${f}`);
    assert.ok(!/\balert\(/.test(src), `alert() in ${f}`);
    assert.ok(!/innerHTML/.test(src), `innerHTML in ${f}`);
  }
});

test('the customer display only asks what to show and listens', () => {
  const calls = [...js['customer.js'].matchAll(/\bapi\.([a-zA-Z]+)\(/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(calls)].sort(), ['customerView', 'on']);
});

test('only api.js touches the Tauri bridge', () => {
  for (const [f, src] of Object.entries(js)) {
    if (f === 'api.js') continue;
    assert.ok(!src.includes('__TAURI__'), f);
  }
});

test('the three dictionaries have the same keys', () => {
  const en = Object.keys(DICTIONARIES.en).sort();
  for (const lang of ['zh-Hant', 'zh-Hans']) {
    const other = Object.keys(DICTIONARIES[lang]).sort();
    assert.deepEqual(other.filter((k) => !en.includes(k)), [], `${lang} has extra keys`);
    assert.deepEqual(en.filter((k) => !other.includes(k)), [], `${lang} is missing keys`);
  }
});

test('every key used in markup and code is in the dictionary', () => {
  const used = new Set();
  for (const m of html.matchAll(/data-i18n(?:-aria|-placeholder)?="([^"]+)"/g)) used.add(m[1]);
  for (const src of Object.values(js)) {
    for (const m of src.matchAll(/\bt\('([a-zA-Z_.]+)'/g)) used.add(m[1]);
    for (const m of src.matchAll(/'data-i18n': '([^']+)'/g)) used.add(m[1]);
    for (const m of src.matchAll(/\['([a-z]+\.[a-zA-Z]+)',/g)) used.add(m[1]); // [key, value] tables
    for (const m of src.matchAll(/'(customer\.[a-zA-Z]+)'/g)) used.add(m[1]); // the customer display's tables
  }
  // keys built from values at run time
  // From the generated contract: every error kind and reason Rust knows.
  [...ERROR_KINDS, 'unknown'].forEach((k) => used.add(`err.${k}`));
  for (const code of Object.keys(REASONS)) {
    used.add(`reason.${code}`);
    used.add(`reasonNext.${code}`);
  }
  ['PAID', 'PENDING', 'FAILED', 'EXPIRED', 'SUCCESS'].forEach((s) => used.add(`status.${s}`));
  ['wechat', 'alipay'].forEach((w) => used.add(`wallet.${w}`));
  ['scan', 'qr'].forEach((f) => used.add(`flow.${f}`));
  ['cashier', 'manager'].forEach((r) => used.add(`role.${r}`));
  ['signature', 'clock', 'network', 'config', 'acquirer', 'other'].forEach((k) => used.add(`settings.test_${k}`));
  const missing = [...used].filter((k) => !(k in DICTIONARIES.en));
  assert.deepEqual(missing, []);
});

test('placeholders match across languages', () => {
  const vars = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
  for (const [k, v] of Object.entries(DICTIONARIES.en)) {
    for (const lang of ['zh-Hant', 'zh-Hans']) assert.equal(vars(DICTIONARIES[lang][k]), vars(v), `${lang} ${k}`);
  }
});

test('no screen decides anything from the backend\'s words', () => {
  // Screens choose words from codes (err.kind, order.reason); the backend's
  // message and an order's error text are only ever shown, never matched.
  for (const [f, src] of Object.entries(js)) {
    if (f.startsWith('i18n/') || f.startsWith('generated/')) continue;
    assert.ok(!/\.test\([^)]*\b(message|error)\b/.test(src), `${f} tests the backend's words with a regex`);
    assert.ok(!/\b(message|error)\b[\w.?]*\.(match|includes|indexOf|startsWith|endsWith|search)\(/.test(src),
      `${f} searches the backend's words`);
  }
});
