// First run: no staff exists, so the first person becomes the manager
// (the backend allows exactly this one addition without a manager PIN).

import { t } from '../i18n/index.js';
import { $, setError, validPin } from '../ui.js';

let ctx;

async function create() {
  const name = $('#first-name').value.trim();
  const pin = $('#first-pin').value;
  const pin2 = $('#first-pin2').value;
  const error = $('#first-error');
  setError(error, null);
  if (!name) { setError(error, t('staff.needName')); return; }
  if (!validPin(pin, 'manager')) { setError(error, t('pin.managerFormat')); return; }
  if (pin !== pin2) { setError(error, t('first.mismatch')); $('#first-pin2').value = ''; return; }
  const button = $('#btn-first-create');
  button.disabled = true;
  try {
    await ctx.api.staffAdd({ name, role: 'manager', pin, manager_pin: null });
    $('#first-pin').value = '';
    $('#first-pin2').value = '';
    await ctx.refreshStatus();
    ctx.go('login', { staff: name });
  } catch (err) {
    setError(error, err);
  } finally {
    button.disabled = false;
  }
}

export default {
  init(c) {
    ctx = c;
    $('#btn-first-create').addEventListener('click', create);
    $('#screen-first-run').addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && e.target.tagName === 'INPUT') { e.preventDefault(); create(); }
    });
  },
  show() {
    setError($('#first-error'), null);
    $('#first-name').focus();
  },
};
