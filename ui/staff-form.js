// "Add staff" form, used on the Open-shift screen and in Settings. Adding
// anyone after the first manager needs a manager's PIN (backend rule).

import { api } from './api.js';
import { t } from './i18n/index.js';
import { h, digitsOnly, setError, validPin, toast, setChildren } from './ui.js';

/** Builds the form inside `root`; onAdded(staff) runs after a success. */
export function mountStaffForm(root, onAdded) {
  const name = h('input', { type: 'text', autocomplete: 'off', maxlength: '40', 'data-field': 'name' });
  const role = h('select', { 'data-field': 'role' },
    h('option', { value: 'cashier', 'data-i18n': 'role.cashier' }, t('role.cashier')),
    h('option', { value: 'manager', 'data-i18n': 'role.manager' }, t('role.manager')));
  const pinAttrs = { type: 'password', inputmode: 'numeric', autocomplete: 'off', maxlength: '12', 'data-digits': '' };
  const pin = h('input', { ...pinAttrs, 'data-field': 'pin' });
  const managerPin = h('input', { ...pinAttrs, 'data-field': 'manager-pin' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const button = h('button', { type: 'button', class: 'btn btn-secondary', 'data-i18n': 'staff.add' }, t('staff.add'));
  const field = (key, input) => h('label', { class: 'field' }, h('span', { 'data-i18n': key }, t(key)), input);
  setChildren(root, 
    field('staff.name', name), field('staff.role', role),
    field('staff.newPin', pin), field('staff.managerPin', managerPin),
    error, button);
  digitsOnly(pin);
  digitsOnly(managerPin);

  button.addEventListener('click', async () => {
    setError(error, null);
    if (!name.value.trim()) { setError(error, t('staff.needName')); return; }
    if (!validPin(pin.value)) { setError(error, t('pin.format')); return; }
    if (!validPin(pin.value, role.value)) { setError(error, t('pin.managerFormat')); return; }
    if (!validPin(managerPin.value)) { setError(error, t('pin.managerNeeded')); return; }
    button.disabled = true;
    try {
      const staff = await api.staffAdd({
        name: name.value.trim(), role: role.value, pin: pin.value, manager_pin: managerPin.value,
      });
      name.value = '';
      toast(t('staff.added', { name: staff.name }), { type: 'ok' });
      onAdded?.(staff);
    } catch (err) {
      setError(error, err);
    } finally {
      pin.value = '';
      managerPin.value = '';
      button.disabled = false;
    }
  });
}
