// api.js builds its calls from the generated contract: the command names and
// snake_case args Rust takes, each wrapped as {args}, an unknown or missing
// argument refused before anything is sent, and every rejection turned into
// {kind, message, money_may_have_moved}.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMANDS } from '../../ui/generated/contract.js';

const calls = [];
let reject = null;
let channel = null;
class Channel { constructor() { this.onmessage = () => {}; } }
globalThis.window = {
  __TAURI__: {
    core: {
      Channel,
      invoke: async (name, args) => {
        if (args && args.channel instanceof Channel) {
          channel = args.channel;
          calls.push([name, 'a channel']);
          return null;
        }
        calls.push([name, args]);
        if (reject) throw reject;
        return null;
      },
    },
  },
};
const { api, checkArgs } = await import('../../ui/api.js');

test('every command of the contract is a function of api.js, and nothing else is', () => {
  const fns = Object.keys(api).filter((k) => k !== 'on').sort();
  assert.deepEqual(fns, Object.values(COMMANDS).filter((c) => !c.channel).map((c) => c.fn).sort());
});

test('commands go out under their Rust names with their arguments wrapped', async () => {
  calls.length = 0;
  reject = null;
  await api.appStatus();
  await api.payStart({ amount: '12.50', currency: 'HKD', code: '134567890123456789', note: '' });
  await api.stopWaiting({ order_id: 7 });
  await api.ordersList({ day: 'today', status: '', wallet: null, search: '12.50' });
  await api.settingsSave({ settings: { language: 'en' }, manager_pin: '' });
  await api.customerShowAmount({ amount: '', currency: '' });
  assert.deepEqual(calls, [
    ['app_status', { args: {} }],
    ['pay_start', { args: { amount: '12.50', code: '134567890123456789', currency: 'HKD', note: null } }],
    ['stop_waiting', { args: { order_id: 7 } }],
    ['orders_list', { args: { day: 'today', search: '12.50', status: null, wallet: null } }],
    ['settings_save', { args: { manager_pin: null, settings: { language: 'en' } } }],
    ['customer_show_amount', { args: { amount: '', currency: null } }],
  ]);
});

test('a screen that names an argument Rust does not take, or leaves out a needed one, sends nothing', async () => {
  calls.length = 0;
  await assert.rejects(api.payStart({ amount: '1', code: '134567890123456789', notes: 'typo' }),
    { kind: 'unknown', message: 'pay_start takes no argument notes' });
  await assert.rejects(api.stopWaiting({}), { kind: 'unknown', message: 'stop_waiting needs order_id' });
  assert.equal(calls.length, 0);
  assert.throws(() => checkArgs('no_such_command', {}), { kind: 'unknown' });
});

test('rejections become {kind, message, money_may_have_moved}', async () => {
  reject = { kind: 'auth', message: 'wrong PIN', money_may_have_moved: false };
  await assert.rejects(api.shiftOpen({ staff: 'x', pin: '1' }),
    { kind: 'auth', message: 'wrong PIN', money_may_have_moved: false });
  reject = JSON.stringify({ kind: 'storage', message: 'disk', money_may_have_moved: true });
  await assert.rejects(api.stopWaiting({ order_id: 1 }), { kind: 'storage', money_may_have_moved: true });
  reject = 'plain failure';
  await assert.rejects(api.stopWaiting({ order_id: 1 }), { kind: 'unknown', message: 'plain failure' });
  reject = { kind: 'weird', message: 'm' };
  await assert.rejects(api.stopWaiting({ order_id: 1 }), { kind: 'unknown', message: 'm' });
  reject = null;
});

test('events come over the window\'s one channel, each to its own listeners', async () => {
  calls.length = 0;
  const got = [];
  const stop = await api.on('order-changed', (p) => got.push(['order', p]));
  await api.on('payment-ended', (p) => got.push(['ended', p]));
  assert.deepEqual(calls, [['events_subscribe', 'a channel']], 'one channel, opened once');
  channel.onmessage({ event: 'order-changed', payload: { id: 1 } });
  channel.onmessage({ event: 'payment-ended', payload: { order_id: 1 } });
  channel.onmessage({ event: 'scanner-line', payload: { code: 'x' } });
  stop();
  channel.onmessage({ event: 'order-changed', payload: { id: 2 } });
  assert.deepEqual(got, [['order', { id: 1 }], ['ended', { order_id: 1 }]]);
});
