// What the counter shows after a payment call fails: a refusal before the
// charge sends the cashier back to the amount, a definite refusal is NOT
// PAID, and anything else is unclear (never "not paid" on a guess).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorOutcome } from '../../ui/screens/progress.js';
import { failureAdvice } from '../../ui/ui.js';
import { t } from '../../ui/i18n.js';

test('errors that may come after the charge left are unclear', () => {
  for (const kind of ['storage', 'unknown', 'not_found', 'scanner', 'something-new']) {
    assert.equal(errorOutcome(kind), 'unclear', kind);
  }
});

test('refusals before or at the charge are not paid, or back to the amount', () => {
  for (const kind of ['signature', 'clock', 'network', 'acquirer', 'config', 'declined']) {
    assert.equal(errorOutcome(kind), 'not-paid', kind);
  }
  for (const kind of ['code', 'code_used', 'input', 'shift', 'busy', 'auth']) {
    assert.equal(errorOutcome(kind), 'back-to-sale', kind);
  }
});

test('a charge HipoPay never received says nothing was taken, not "declined"', () => {
  const advice = failureAdvice('HipoPay never received this charge; nothing was taken', 'FAILED');
  assert.equal(advice.reason, t('fail.notSent'));
  const qr = failureAdvice('the QR code never arrived, so nobody could pay it', 'FAILED');
  assert.equal(qr.reason, t('fail.qrMissing'));
  assert.equal(qr.next, t('fail.nextNewQr'));
  assert.equal(failureAdvice('NOTENOUGH: balance', 'FAILED').reason, t('fail.balance'));
});
