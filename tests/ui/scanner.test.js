// The wedge classifier: a scanner is fast and ends with Enter; a person is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify, WedgeBuffer, walletOfCode, maskCode, DEFAULTS } from '../../ui/scanner.js';

const cfg = { maxGap: 35, minLength: 16 };
/** keystrokes of `text` starting at t0, `gap` ms apart */
const keys = (text, gap, t0 = 1000) => [...text].map((char, i) => ({ char, time: t0 + i * gap }));
const CODE = '134567890123456789';

test('a fast burst ended by Enter is a scan', () => {
  const ev = keys(CODE, 8);
  assert.deepEqual(classify(ev, ev.at(-1).time + 8, cfg), { human: '', scan: CODE, partial: null });
});

test('a person typing is never a scan', () => {
  const ev = keys(CODE, 120);
  assert.deepEqual(classify(ev, ev.at(-1).time + 120, cfg), { human: CODE, scan: null, partial: null });
});

test('short fast input (a person hitting keys together) stays human', () => {
  const ev = keys('12', 10);
  assert.deepEqual(classify(ev, ev.at(-1).time + 10, cfg), { human: '12', scan: null, partial: null });
});

test('one slow gap in the middle splits: only the fast tail can be a scan', () => {
  const ev = [...keys('5', 0, 0), ...keys(CODE, 8, 500)];
  assert.deepEqual(classify(ev, ev.at(-1).time + 5, cfg), { human: '5', scan: CODE, partial: null });
});

test('a fast burst without Enter (or a late Enter) is partial, never typed', () => {
  const ev = keys(CODE, 8);
  assert.deepEqual(classify(ev, null, cfg), { human: '', scan: null, partial: CODE });
  assert.deepEqual(classify(ev, ev.at(-1).time + 300, cfg), { human: '', scan: null, partial: CODE });
});

test('gaps exactly at the limit count as fast; just over do not', () => {
  const ok = keys(CODE, 35);
  assert.equal(classify(ok, ok.at(-1).time + 35, cfg).scan, CODE);
  const slow = keys(CODE, 36);
  assert.equal(classify(slow, slow.at(-1).time + 36, cfg).scan, null);
});

test('min length comes from settings', () => {
  const ev = keys('12345678', 5);
  assert.equal(classify(ev, ev.at(-1).time + 5, { maxGap: 35, minLength: 8 }).scan, '12345678');
  assert.equal(classify(ev, ev.at(-1).time + 5, cfg).scan, null);
});

test('empty buffer', () => {
  assert.deepEqual(classify([], 5, cfg), { human: '', scan: null, partial: null });
});

test('WedgeBuffer decides and empties itself', () => {
  const b = new WedgeBuffer(() => cfg);
  keys(CODE, 5).forEach((e) => b.push(e.char, e.time));
  assert.ok(b.pending);
  assert.equal(b.enter(1000 + 18 * 5).scan, CODE);
  assert.ok(!b.pending);
  b.push('7', 5000);
  assert.deepEqual(b.flush(), { human: '7', scan: null, partial: null });
});

test('payment code shapes', () => {
  assert.equal(walletOfCode('134567890123456789'), 'wechat');
  assert.equal(walletOfCode('104567890123456789'), 'wechat');
  assert.equal(walletOfCode('164567890123456789'), null);
  assert.equal(walletOfCode('2812345678901234'), 'alipay');
  assert.equal(walletOfCode('301234567890123456789012'), 'alipay');
  assert.equal(walletOfCode('4006381333931'), null); // a product EAN
  assert.equal(walletOfCode(''), null);
});

test('mask matches the backend', () => {
  assert.equal(maskCode('134567890123456789'), '1345…6789');
  assert.equal(maskCode('12345678'), '12345678');
});

test('a burst with one late key (a busy machine) is still a scan', () => {
  const code = '134567890123456789';
  const events = [...code].map((char, i) => ({ char, time: 1000 + i * 6 + (i >= 9 ? 90 : 0) }));
  const last = events[events.length - 1].time;
  const r = classify(events, last + 6, DEFAULTS);
  assert.equal(r.scan, code);
  assert.equal(r.human, '');
});

test('steady typing at 60 ms a key is a person, however long', () => {
  const text = '12345678901234567890';
  const events = [...text].map((char, i) => ({ char, time: 1000 + i * 60 }));
  const r = classify(events, 1000 + 20 * 60, DEFAULTS);
  assert.equal(r.scan, null);
  assert.equal(r.human, text);
});
