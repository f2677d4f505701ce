// api.js sends exactly the contract's command names and snake_case args,
// and turns every rejection into {kind, message}.
import { test } from 'node:test';
import assert from 'node:assert/strict';

const calls = [];
let reject = null;
globalThis.window = {
  __TAURI__: {
    core: {
      invoke: async (name, args) => {
        calls.push([name, args]);
        if (reject) throw reject;
        return null;
      },
    },
    event: { listen: async (name, cb) => { cb({ payload: { name } }); return () => {}; } },
  },
};
const api = await import('../../ui/api.js');

test('commands and argument names', async () => {
  calls.length = 0;
  reject = null;
  await api.appStatus();
  await api.staffAdd({ name: 'Mei', role: 'manager', pin: '1234', manager_pin: null });
  await api.shiftOpen({ staff: 'Mei', pin: '1234' });
  await api.shiftClose({ pin: '1234' });
  await api.shiftReport({ shift_id: null });
  await api.shiftExportCsv({});
  await api.payScan({ amount: '12.50', currency: 'HKD', code: '134567890123456789', note: '' });
  await api.stopWaiting();
  await api.qrCreate({ wallet: 'alipay', amount: '1200', currency: 'JPY', note: 'x' });
  await api.qrWait({ order_id: 7, secs: null });
  await api.ordersList({ day: 'today', status: '', wallet: null, search: '12.50' });
  await api.orderDetail({ order_id: 7 });
  await api.orderCheck({ order_id: 7 });
  await api.attentionList();
  await api.reconcileNow();
  await api.reviewClear({ order_id: 7, manager_pin: '9999' });
  await api.refund({ order_id: 7, amount: null, reason: 'r', manager_pin: '9999' });
  await api.settingsGet();
  await api.settingsSave({ settings: { language: 'en' }, manager_pin: '' });
  await api.keyImport({ manager_pin: '9999' });
  await api.testConnection();
  await api.serialPorts();
  await api.demoCustomerPays({ order_id: 7 });
  await api.startupProblem();
  await api.startupRetry();
  await api.customerView();
  await api.customerShowAmount({ amount: '12.50', currency: 'HKD' });
  await api.customerShowAmount({ amount: '', currency: '' });
  await api.refundSettle({ refund_id: 3, refunded: true, manager_pin: '9999' });
  assert.deepEqual(calls, [
    ['app_status', {}],
    ['staff_add', { name: 'Mei', role: 'manager', pin: '1234', manager_pin: null }],
    ['shift_open', { staff: 'Mei', pin: '1234' }],
    ['shift_close', { pin: '1234' }],
    ['shift_report', { shift_id: null }],
    ['shift_export_csv', { shift_id: null }],
    ['pay_scan', { amount: '12.50', currency: 'HKD', code: '134567890123456789', note: null }],
    ['stop_waiting', {}],
    ['qr_create', { wallet: 'alipay', amount: '1200', currency: 'JPY', note: 'x' }],
    ['qr_wait', { order_id: 7, secs: null }],
    ['orders_list', { day: 'today', status: null, wallet: null, search: '12.50' }],
    ['order_detail', { order_id: 7 }],
    ['order_check', { order_id: 7 }],
    ['attention_list', {}],
    ['reconcile_now', {}],
    ['review_clear', { order_id: 7, manager_pin: '9999' }],
    ['refund', { order_id: 7, amount: null, reason: 'r', manager_pin: '9999' }],
    ['settings_get', {}],
    ['settings_save', { settings: { language: 'en' }, manager_pin: null }],
    ['key_import', { manager_pin: '9999' }],
    ['test_connection', {}],
    ['serial_ports', {}],
    ['demo_customer_pays', { order_id: 7 }],
    ['startup_problem', {}],
    ['startup_retry', {}],
    ['customer_view', {}],
    ['customer_show_amount', { amount: '12.50', currency: 'HKD' }],
    ['customer_show_amount', { amount: '', currency: null }],
    ['refund_settle', { refund_id: 3, refunded: true, manager_pin: '9999' }],
  ]);
});

test('rejections become {kind, message}', async () => {
  reject = { kind: 'auth', message: 'wrong PIN' };
  await assert.rejects(api.shiftOpen({ staff: 'x', pin: '1' }), { kind: 'auth', message: 'wrong PIN' });
  reject = JSON.stringify({ kind: 'busy', message: 'a payment is running' });
  await assert.rejects(api.stopWaiting(), { kind: 'busy', message: 'a payment is running' });
  reject = 'plain failure';
  await assert.rejects(api.stopWaiting(), { kind: 'unknown', message: 'plain failure' });
  reject = { kind: 'weird', message: 'm' };
  await assert.rejects(api.stopWaiting(), { kind: 'unknown', message: 'm' });
  reject = null;
});

test('on() hands over the payload', async () => {
  let got = null;
  await api.on('order-changed', (p) => { got = p; });
  assert.deepEqual(got, { name: 'order-changed' });
});
