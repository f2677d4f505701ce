// Open shift: pick a name, type the PIN. Payments need an open shift.

import { t } from '../i18n/index.js';
import { $, h, setError, validPin } from '../ui.js';
import { mountStaffForm } from '../staff-form.js';

let ctx;
let lastStaff = '';

async function loadStaff(select) {
  const sel = $('#login-staff');
  try {
    const { staff } = await ctx.api.staffList();
    const active = staff.filter((s) => s.active);
    sel.replaceChildren(...active.map((s) => h('option', { value: s.name },
      `${s.name} (${t(`role.${s.role}`)})`)));
    const want = select || lastStaff;
    if (want && active.some((s) => s.name === want)) sel.value = want;
  } catch (err) {
    setError($('#login-error'), err);
  }
}

async function openShift() {
  const staff = $('#login-staff').value;
  const pinEl = $('#login-pin');
  const pin = pinEl.value;
  const error = $('#login-error');
  setError(error, null);
  if (!staff) { setError(error, t('login.pickStaff')); return; }
  if (!validPin(pin)) { setError(error, t('pin.format')); pinEl.focus(); return; }
  const button = $('#btn-login');
  button.disabled = true;
  try {
    await ctx.api.shiftOpen({ staff, pin });
    lastStaff = staff;
    await ctx.refreshStatus();
    ctx.clearSale();
    ctx.go('sale');
  } catch (err) {
    setError(error, err);
    pinEl.focus();
  } finally {
    pinEl.value = '';
    button.disabled = false;
  }
}

export default {
  init(c) {
    ctx = c;
    $('#btn-login').addEventListener('click', openShift);
    $('#login-pin').addEventListener('keydown', (e) => {
      if (e.key === 'Enter') { e.preventDefault(); openShift(); }
    });
    mountStaffForm($('#login-staff-add'), (staff) => loadStaff(staff.name));
  },
  show(params = {}) {
    setError($('#login-error'), null);
    $('#login-pin').value = '';
    loadStaff(params.staff).then(() => $('#login-pin').focus());
  },
  onLanguage() {
    if (ctx.active() === 'login') loadStaff($('#login-staff').value);
  },
};
