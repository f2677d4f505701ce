// A manager PIN for one action. The dialog runs the action itself so a wrong
// PIN can be retyped in place; the PIN is cleared after every attempt.

import { t } from './i18n/index.js';
import { $, setError, validPin } from './ui.js';

let open = false;
export const isOpen = () => open;

/**
 * askPin({title, text, run}) -> resolves to run(pin)'s result (or true), or
 * null when cancelled. Any rejection is shown in the dialog, which stays
 * open so the manager can retype the PIN or cancel.
 */
export function askPin({ title, text = '', run }) {
  const overlay = $('#pin-dialog');
  const input = $('#pin-dialog-input');
  const ok = $('#pin-dialog-ok');
  const cancel = $('#pin-dialog-cancel');
  const error = $('#pin-dialog-error');
  const previousFocus = document.activeElement;
  $('#pin-dialog-title').textContent = title;
  $('#pin-dialog-text').textContent = text;
  setError(error, null);
  input.value = '';
  overlay.hidden = false;
  open = true;
  input.focus();

  return new Promise((resolve) => {
    let busy = false;
    const close = (value) => {
      overlay.hidden = true;
      open = false;
      input.value = '';
      ok.removeEventListener('click', submit);
      cancel.removeEventListener('click', onCancel);
      overlay.removeEventListener('keydown', onKey);
      if (previousFocus && previousFocus.isConnected && previousFocus !== document.body) previousFocus.focus();
      resolve(value);
    };
    const onCancel = () => { if (!busy) close(null); };
    async function submit() {
      if (busy) return;
      const pin = input.value;
      input.value = '';
      if (!validPin(pin)) { setError(error, t('pin.format')); input.focus(); return; }
      busy = true;
      ok.disabled = true;
      try {
        const result = await run(pin);
        close(result ?? true);
      } catch (err) {
        setError(error, err);
        input.focus();
      } finally {
        busy = false;
        ok.disabled = false;
      }
    }
    const onKey = (e) => {
      if (e.key === 'Enter') { e.preventDefault(); submit(); }
      if (e.key === 'Escape') { e.preventDefault(); onCancel(); }
    };
    ok.addEventListener('click', submit);
    cancel.addEventListener('click', onCancel);
    overlay.addEventListener('keydown', onKey);
  });
}
