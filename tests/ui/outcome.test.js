// What the counter shows after a payment: words chosen from the order's
// reason code (never from the backend's English), and after a failed call,
// unclear exactly when the backend says money may have moved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorOutcome } from '../../ui/screens/progress.js';
import { reasonWords } from '../../ui/ui.js';
import { t } from '../../ui/i18n/index.js';
import { REASONS } from '../../ui/generated/contract.js';

test('an error after which money may have moved is unclear; any other sent nothing', () => {
  assert.equal(errorOutcome({ kind: 'storage', money_may_have_moved: true }), 'unclear');
  assert.equal(errorOutcome({ kind: 'network', money_may_have_moved: true }), 'unclear');
  for (const kind of ['code', 'code_used', 'input', 'shift', 'busy', 'auth', 'network', 'unknown']) {
    assert.equal(errorOutcome({ kind, money_may_have_moved: false }), 'back-to-sale', kind);
  }
});

test('words come from the reason code, whatever the error text says', () => {
  const order = (status, reason, error) => ({ status, reason, error });
  assert.equal(reasonWords(order('FAILED', 'insufficient_funds', 'anything')).reason, t('reason.insufficient_funds'));
  assert.equal(reasonWords(order('FAILED', 'never_received', 'NOTENOUGH')).reason, t('reason.never_received'));
  const qr = reasonWords(order('FAILED', 'qr_missing', null));
  assert.equal(qr.next, t('reasonNext.qr_missing'));
  // Orders from before reasons were kept: their status's general words.
  assert.equal(reasonWords(order('FAILED', null, 'NOTENOUGH')).reason, t('reason.declined'));
  assert.equal(reasonWords(order('EXPIRED', null, null)).reason, t('reason.expired'));
  assert.deepEqual(reasonWords(order('PAID', null, null)), { reason: '', next: '' });
});

test('every reason Rust knows has words', () => {
  for (const code of Object.keys(REASONS)) {
    assert.notEqual(t(`reason.${code}`), `reason.${code}`, code);
    assert.notEqual(t(`reasonNext.${code}`), `reasonNext.${code}`, code);
  }
});
