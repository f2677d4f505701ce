// Settings: HipoPay (live mode), counter, scanner, staff. Language and sounds
// apply at once without a PIN (app.js persists them); everything else is
// saved with a manager PIN. The private key never reaches the UI: the
// backend opens the file picker and only reports whether a key is loaded.

import { t, getLanguage } from '../i18n/index.js';
import { $, h, setError, validPin, toast, toastError } from '../ui.js';
import { mountStaffForm } from '../staff-form.js';
import { changeOwnPin, resetPin, deactivate } from '../staff-actions.js';

let ctx;
let loaded = null; // settings_get as last loaded/saved
let keyFile = null; // key_file chosen by key_import since
let keyLoaded = false;

function resultLine(text, ok) {
  const el = $('#settings-result');
  el.textContent = text;
  el.classList.toggle('ok', ok);
  el.classList.toggle('bad', !ok);
}

function fillPorts(ports, selected) {
  const sel = $('#set-port');
  const list = [...ports];
  if (selected && !list.includes(selected)) list.push(selected); // unplugged but configured
  sel.replaceChildren(h('option', { value: '' }, t('settings.noSerial')),
    ...list.map((p) => h('option', { value: p }, p)));
  sel.value = selected || '';
}

async function refreshPorts() {
  try {
    fillPorts(await ctx.api.serialPorts(), $('#set-port').value || loaded?.scanner?.serial_port);
  } catch (err) {
    toastError(err);
  }
}

function renderKey() {
  const el = $('#set-key-status');
  el.textContent = keyLoaded
    ? t('settings.keyLoaded', { file: keyFile || '' })
    : (keyFile ? t('settings.keyNotLoaded', { file: keyFile }) : t('settings.keyMissing'));
  el.classList.toggle('ok', keyLoaded);
  el.classList.toggle('bad', !keyLoaded);
}

function fill(s) {
  loaded = s;
  const hp = s.hipopay;
  const live = s.mode === 'live';
  $('#set-mode').textContent = live ? t('settings.modeLive') : t('settings.modeDemo');
  $('#set-mode').classList.toggle('live', live);
  $('#btn-demo-mode').hidden = !live;
  $('#set-base-url').value = hp ? hp.base_url : '';
  $('#set-agent-no').value = hp ? hp.agent_no : '';
  $('#set-merchant-no').value = hp ? hp.merchant_no : '';
  keyFile = hp ? hp.key_file : null;
  keyLoaded = Boolean(hp && hp.key_loaded);
  renderKey();
  const currencies = ctx.state.status?.currencies || [s.currency];
  $('#set-currency').replaceChildren(...currencies.map((c) => h('option', { value: c }, c)));
  $('#set-currency').value = s.currency;
  $('#set-language').value = s.language;
  $('#set-sounds').checked = Boolean(s.sounds);
  $('#set-customer-display').checked = Boolean(s.customer_display);
  $('#set-kiosk').checked = Boolean(s.kiosk);
  $('#set-gap').value = String(s.scanner.wedge_max_gap_ms);
  $('#set-minlen').value = String(s.scanner.wedge_min_length);
  $('#set-baud').value = String(s.scanner.baud);
  $('#set-terminator').value = s.scanner.terminator;
  fillPorts([], s.scanner.serial_port);
  fillPrinter(s.printer, s.shop);
}

/** The printer fields: where it is (a device, or an address and port). */
function fillPrinter(p, shop) {
  $('#set-printer-kind').value = p ? p.kind : '';
  $('#set-printer-where').value = p ? (p.kind === 'network' ? (p.host || '') : (p.path || '')) : '';
  $('#set-printer-port').value = p ? String(p.kind === 'serial' ? p.baud : p.port) : '';
  $('#set-printer-width').value = String(p ? p.width_mm : 80);
  $('#set-printer-encoding').value = p ? p.encoding : 'gb18030';
  $('#set-printer-auto').checked = p ? Boolean(p.auto_print) : true;
  $('#set-shop-name').value = shop?.name || '';
  $('#set-shop-address').value = shop?.address || '';
  printerKindChanged();
}

function printerKindChanged() {
  const kind = $('#set-printer-kind').value;
  $('#settings-printer').classList.toggle('no-printer', !kind);
  const port = $('#set-printer-port');
  if (kind === 'network' && !port.value) port.value = '9100';
  if (kind === 'serial' && !port.value) port.value = '9600';
}

/** The printer as the form says, or null for none. */
function collectPrinter() {
  const kind = $('#set-printer-kind').value;
  if (!kind) return null;
  const where = $('#set-printer-where').value.trim();
  const number = Number.parseInt($('#set-printer-port').value, 10);
  return {
    kind,
    path: kind === 'network' ? null : (where || null),
    host: kind === 'network' ? where : null,
    port: kind === 'network' && number > 0 ? number : 9100,
    baud: kind === 'serial' && number > 0 ? number : 9600,
    width_mm: Number.parseInt($('#set-printer-width').value, 10),
    encoding: $('#set-printer-encoding').value,
    auto_print: $('#set-printer-auto').checked,
    // Not on the screen (a font file for raster slips): kept as the file has it.
    font: loaded?.printer?.font ?? null,
  };
}

function collectShop() {
  return { name: $('#set-shop-name').value.trim(), address: $('#set-shop-address').value.trim() };
}

async function testPrint() {
  const box = $('#test-print-result');
  const printer = collectPrinter();
  box.hidden = false;
  box.className = 'notice';
  if (!printer || (printer.kind !== 'usb' && !(printer.path || printer.host))) {
    box.classList.add('bad');
    box.textContent = t('settings.printerNeedsWhere');
    return;
  }
  const b = $('#btn-test-print');
  b.disabled = true;
  try {
    await ctx.api.printTest({ printer, shop: collectShop() });
    box.classList.add('ok');
    box.textContent = t('settings.testPrintOk');
  } catch (err) {
    box.classList.add('bad');
    setError(box, err);
  } finally {
    b.disabled = false;
  }
}

/** The form as a settings object (same shape as settings_get, minus mode). */
function collect() {
  const base = $('#set-base-url').value.trim();
  const agent = $('#set-agent-no').value.trim();
  const merchant = $('#set-merchant-no').value.trim();
  const anyHipo = base || agent || merchant;
  return {
    hipopay: anyHipo ? {
      base_url: base, agent_no: agent, merchant_no: merchant, key_file: keyFile, key_loaded: keyLoaded,
    } : null,
    currency: $('#set-currency').value,
    scanner: {
      serial_port: $('#set-port').value || null,
      baud: Number.parseInt($('#set-baud').value, 10),
      terminator: $('#set-terminator').value,
      wedge_max_gap_ms: Number.parseInt($('#set-gap').value, 10),
      wedge_min_length: Number.parseInt($('#set-minlen').value, 10),
    },
    language: loaded ? loaded.language : $('#set-language').value,
    sounds: loaded ? loaded.sounds : $('#set-sounds').checked,
    customer_display: loaded ? Boolean(loaded.customer_display) : $('#set-customer-display').checked,
    kiosk: $('#set-kiosk').checked,
    printer: collectPrinter(),
    shop: collectShop(),
  };
}

function problems(s) {
  if (s.hipopay) {
    // https, or plain http to this computer only (a local sandbox or proxy).
    const url = s.hipopay.base_url;
    const local = /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/\S*)?$/i.test(url);
    if (!/^https:\/\/\S+$/i.test(url) && !local) return t('settings.badUrl');
    if (!s.hipopay.agent_no || !s.hipopay.merchant_no) return t('settings.needNumbers');
  }
  const gap = s.scanner.wedge_max_gap_ms;
  const len = s.scanner.wedge_min_length;
  if (!(gap >= 5 && gap <= 500)) return t('settings.badGap');
  if (!(len >= 4 && len <= 64)) return t('settings.badMinLength');
  const p = s.printer;
  if (p && p.kind !== 'usb' && !(p.path || p.host)) return t('settings.printerNeedsWhere');
  return null;
}

async function save(settings, pin) {
  const b = $('#btn-settings-save');
  b.disabled = true;
  try {
    const saved = await ctx.api.settingsSave({ settings, manager_pin: pin || null });
    fill(saved);
    await ctx.refreshStatus(); // demo banner, default currency, scanner timing
    await refreshPorts();
    resultLine(t('settings.saved'), true);
  } catch (err) {
    const el = $('#settings-result');
    setError(el, err);
    el.classList.add('bad');
    el.classList.remove('ok');
  } finally {
    b.disabled = false;
  }
}

function takePin() {
  const el = $('#settings-pin');
  const pin = el.value;
  el.value = ''; // asked for each change, never kept
  return pin;
}

async function onSave() {
  const settings = collect();
  const pin = takePin();
  const problem = problems(settings);
  if (problem) { resultLine(problem, false); return; }
  if (!validPin(pin)) { resultLine(t('settings.needPin'), false); $('#settings-pin').focus(); return; }
  await save(settings, pin);
}

async function backToDemo() {
  const pin = takePin();
  if (!validPin(pin)) { resultLine(t('settings.needPinDemo'), false); $('#settings-pin').focus(); return; }
  await save({ ...collect(), hipopay: null }, pin);
}

async function importKey() {
  const pin = takePin();
  if (!validPin(pin)) { resultLine(t('settings.needPinKey'), false); $('#settings-pin').focus(); return; }
  try {
    const res = await ctx.api.keyImport({ manager_pin: pin });
    if (!res) return; // cancelled in the file picker
    keyFile = res.key_file;
    keyLoaded = res.key_loaded;
    renderKey();
    resultLine(t('settings.keyImported'), true);
  } catch (err) {
    const el = $('#settings-result');
    setError(el, err);
    el.classList.add('bad');
  }
}

async function testConnection() {
  const box = $('#connection-result');
  const b = $('#btn-test-connection');
  b.disabled = true;
  box.hidden = false;
  box.className = 'notice';
  box.replaceChildren(h('p', {}, t('settings.testing')));
  try {
    const r = await ctx.api.testConnection();
    const known = ['signature', 'clock', 'network', 'config', 'acquirer'];
    const explain = r.ok ? t('settings.testOk') : t(`settings.test_${known.includes(r.kind) ? r.kind : 'other'}`);
    box.classList.add(r.ok ? 'ok' : 'bad');
    box.replaceChildren(h('p', {}, h('strong', {}, explain)));
    if (r.ok && r.rate) box.append(h('p', {}, t('settings.rate', { rate: r.rate })));
    if (!r.ok && r.message) box.append(h('p', { class: 'error-detail' }, r.message));
  } catch (err) {
    box.classList.add('bad');
    setError(box, err);
  } finally {
    b.disabled = false;
  }
}

async function loadStaff() {
  try {
    const { staff } = await ctx.api.staffList();
    $('#settings-staff-list').replaceChildren(...staff.map((s) => h('li', {
      class: s.active ? '' : 'inactive', dataset: { staff: s.name },
    },
    h('strong', {}, s.name), ' ', h('span', { class: `role role-${s.role}` }, t(`role.${s.role}`)),
    s.active ? null : h('span', { class: 'muted' }, ` (${t('settings.inactive')})`),
    s.active ? h('span', { class: 'staff-actions' },
      h('button', { type: 'button', class: 'btn btn-small btn-secondary', dataset: { staffAction: 'change' } }, t('staff.changePin')),
      h('button', { type: 'button', class: 'btn btn-small btn-secondary', dataset: { staffAction: 'reset' } }, t('staff.resetPin')),
      h('button', { type: 'button', class: 'btn btn-small btn-secondary', dataset: { staffAction: 'deactivate' } }, t('staff.deactivate')))
      : null)));
  } catch (err) {
    toastError(err);
  }
}

async function staffAction(button) {
  const name = button.closest('[data-staff]').dataset.staff;
  const run = { change: changeOwnPin, reset: resetPin, deactivate }[button.dataset.staffAction];
  if (run && (await run(ctx.api, name))) loadStaff();
}

async function load() {
  $('#settings-result').textContent = '';
  $('#connection-result').hidden = true;
  $('#test-print-result').hidden = true;
  $('#settings-pin').value = '';
  try {
    fill(await ctx.api.settingsGet());
  } catch (err) {
    toastError(err);
    return;
  }
  refreshPorts();
  loadStaff();
}

export default {
  init(c) {
    ctx = c;
    $('#btn-settings-save').addEventListener('click', onSave);
    $('#settings-pin').addEventListener('keydown', (e) => {
      if (e.key === 'Enter') { e.preventDefault(); onSave(); }
    });
    $('#btn-demo-mode').addEventListener('click', backToDemo);
    $('#btn-key-import').addEventListener('click', importKey);
    $('#btn-test-connection').addEventListener('click', testConnection);
    $('#btn-ports-refresh').addEventListener('click', refreshPorts);
    $('#set-printer-kind').addEventListener('change', printerKindChanged);
    $('#btn-test-print').addEventListener('click', testPrint);
    $('#set-language').addEventListener('change', async (e) => {
      await ctx.setLanguage(e.target.value);
      if (loaded) loaded.language = e.target.value;
    });
    $('#set-sounds').addEventListener('change', async (e) => {
      await ctx.setSounds(e.target.checked);
      if (loaded) loaded.sounds = e.target.checked;
      if (e.target.checked) ctx.sounds.scan();
    });
    $('#set-customer-display').addEventListener('change', async (e) => {
      await ctx.setCustomerDisplay(e.target.checked);
      if (loaded) loaded.customer_display = e.target.checked;
    });
    mountStaffForm($('#settings-staff-add'), () => loadStaff());
    $('#settings-staff-list').addEventListener('click', (e) => {
      const b = e.target.closest('[data-staff-action]');
      if (b) staffAction(b);
    });
  },
  show() { load(); },
  hide() { $('#settings-pin').value = ''; },
  onLanguage() {
    if (ctx.active() !== 'settings' || !loaded) return;
    $('#set-mode').textContent = loaded.mode === 'live' ? t('settings.modeLive') : t('settings.modeDemo');
    $('#set-language').value = getLanguage();
    renderKey();
  },
};
