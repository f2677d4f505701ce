// The only module that talks to the Rust side. Screens call these functions
// and never touch window.__TAURI__, so the contract lives in one file.
// Argument objects use the contract's snake_case keys, exactly as sent.

const KINDS = new Set(['input', 'code', 'code_used', 'auth', 'shift', 'shift_open', 'shift_mode', 'busy',
  'not_found', 'config', 'signature', 'clock', 'network', 'declined', 'acquirer', 'storage',
  'scanner', 'qr_unavailable']);

/** Every rejection becomes {kind, message}; unknown shapes get kind "unknown". */
export function normalizeError(e) {
  if (e && typeof e === 'object' && typeof e.kind === 'string') {
    return { kind: KINDS.has(e.kind) ? e.kind : 'unknown', message: String(e.message ?? '') };
  }
  if (typeof e === 'string') {
    try {
      const parsed = JSON.parse(e);
      if (parsed && typeof parsed.kind === 'string') return normalizeError(parsed);
    } catch { /* a plain message */ }
    return { kind: 'unknown', message: e };
  }
  return { kind: 'unknown', message: String(e?.message ?? e ?? '') };
}

function bridge() {
  const t = window.__TAURI__;
  if (!t || !t.core || typeof t.core.invoke !== 'function') {
    throw { kind: 'unknown', message: 'Not running inside the Cashier app (no Tauri bridge).' };
  }
  return t;
}

async function call(name, args = {}) {
  try {
    return await bridge().core.invoke(name, args);
  } catch (e) {
    throw normalizeError(e);
  }
}

/** Listens to a backend event; cb gets the payload. Resolves to an unlisten function. */
export async function on(event, cb) {
  try {
    return await bridge().event.listen(event, (e) => cb(e.payload));
  } catch (e) {
    throw normalizeError(e);
  }
}

const opt = (v) => (v === undefined || v === '' ? null : v);

export const appStatus = () => call('app_status', {});
/** Why the app could not start (a broken settings file, a damaged ledger), or null. */
export const startupProblem = () => call('startup_problem', {});
export const startupRetry = () => call('startup_retry', {});
export const staffList = () => call('staff_list', {});
export const staffAdd = ({ name, role, pin, manager_pin }) =>
  call('staff_add', { name, role, pin, manager_pin: opt(manager_pin) });
export const shiftOpen = ({ staff, pin }) => call('shift_open', { staff, pin });
export const shiftClose = ({ pin }) => call('shift_close', { pin });
export const shiftReport = ({ shift_id } = {}) => call('shift_report', { shift_id: opt(shift_id) });
export const shiftExportCsv = ({ shift_id } = {}) =>
  call('shift_export_csv', { shift_id: opt(shift_id) });
export const payScan = ({ amount, currency, code, note }) =>
  call('pay_scan', { amount, currency, code, note: opt(note) });
export const stopWaiting = () => call('stop_waiting', {});
export const qrCreate = ({ wallet, amount, currency, note }) =>
  call('qr_create', { wallet, amount, currency, note: opt(note) });
export const qrWait = ({ order_id, secs }) => call('qr_wait', { order_id, secs: opt(secs) });
export const ordersList = ({ day, status, wallet, search }) =>
  call('orders_list', { day, status: opt(status), wallet: opt(wallet), search: opt(search) });
export const orderDetail = ({ order_id }) => call('order_detail', { order_id });
export const orderCheck = ({ order_id }) => call('order_check', { order_id });
export const attentionList = () => call('attention_list', {});
export const reconcileNow = () => call('reconcile_now', {});
export const reviewClear = ({ order_id, manager_pin }) =>
  call('review_clear', { order_id, manager_pin });
export const refund = ({ order_id, amount, reason, manager_pin }) =>
  call('refund', { order_id, amount: opt(amount), reason: reason ?? '', manager_pin });
/** A manager settles an unclear refund after checking HipoPay's back office. */
export const refundSettle = ({ refund_id, refunded, manager_pin }) =>
  call('refund_settle', { refund_id, refunded: Boolean(refunded), manager_pin });
export const settingsGet = () => call('settings_get', {});
export const settingsSave = ({ settings, manager_pin }) =>
  call('settings_save', { settings, manager_pin: opt(manager_pin) });
export const keyImport = ({ manager_pin }) => call('key_import', { manager_pin });
export const testConnection = () => call('test_connection', {});
export const serialPorts = () => call('serial_ports', {});
/** The customer display: what it shows now ({language, view}). */
export const customerView = () => call('customer_view', {});
/** The amount on the sale screen, for the customer to check ('' when none). */
export const customerShowAmount = ({ amount, currency }) =>
  call('customer_show_amount', { amount: amount ?? '', currency: opt(currency) });
export const demoCustomerPays = ({ order_id }) => call('demo_customer_pays', { order_id });
