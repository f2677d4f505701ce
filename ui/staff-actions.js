// PIN changes, deactivation and lifting a PIN lock: the steps a person
// takes, each through the PIN dialog (which shows the backend's refusal in
// place, so a wrong PIN can be retyped). Used by Settings and Needs attention.

import { t } from './i18n/index.js';
import { askPin } from './pin-dialog.js';
import { toast } from './ui.js';

/** Asks for a PIN without checking it anywhere yet (a step of a longer task). */
const collect = (title, text = '') => askPin({ title, text, run: (pin) => pin });

/** A new PIN typed twice; null when cancelled or the two differ. */
async function newPinTwice(name) {
  const first = await collect(t('staff.newPinFor', { name }), t('staff.newPinHint'));
  if (!first) return null;
  const again = await collect(t('staff.newPinAgain', { name }));
  if (!again) return null;
  if (again !== first) {
    toast(t('first.mismatch'), { type: 'warn' });
    return null;
  }
  return first;
}

/** Someone changes their own PIN: the current one, then the new one twice. */
export async function changeOwnPin(api, name) {
  const old = await collect(t('staff.currentPinOf', { name }));
  if (!old) return false;
  const fresh = await newPinTwice(name);
  if (!fresh) return false;
  const done = await askPin({
    title: t('staff.currentPinOf', { name }),
    text: t('staff.confirmChange'),
    run: (pin) => api.staffPin({ name, new_pin: fresh, old_pin: pin, manager_pin: null }),
  });
  if (done) toast(t('staff.pinChanged', { name }), { type: 'ok' });
  return Boolean(done);
}

/** A manager resets someone's PIN: the new one twice, then the manager's. */
export async function resetPin(api, name) {
  const fresh = await newPinTwice(name);
  if (!fresh) return false;
  const done = await askPin({
    title: t('staff.resetTitle', { name }),
    text: t('staff.managerApproves'),
    run: (pin) => api.staffPin({ name, new_pin: fresh, old_pin: null, manager_pin: pin }),
  });
  if (done) toast(t('staff.pinChanged', { name }), { type: 'ok' });
  return Boolean(done);
}

/** A manager deactivates someone. */
export async function deactivate(api, name) {
  const done = await askPin({
    title: t('staff.deactivateTitle', { name }),
    text: t('staff.deactivateHint'),
    run: (pin) => api.staffDeactivate({ name, manager_pin: pin }),
  });
  if (done) toast(t('staff.deactivated', { name }), { type: 'ok' });
  return Boolean(done);
}

/** A manager (named, with their own PIN) lifts a lock. */
export async function unlock(api, lock, manager) {
  const name = lock.subject.who === 'person' ? lock.subject.name : null;
  const done = await askPin({
    title: t('staff.unlockTitle', { manager }),
    text: name ? t('staff.unlockPerson', { name }) : t('staff.unlockApprovals'),
    run: (pin) => api.staffUnlock({ name, manager, manager_pin: pin }),
  });
  if (done) toast(t('staff.unlocked'), { type: 'ok' });
  return Boolean(done);
}

/** What a lock stops, in words. */
export function lockWhat(lock) {
  return lock.subject.who === 'person'
    ? t('staff.lockedPerson', { name: lock.subject.name })
    : t('staff.lockedApprovals');
}
