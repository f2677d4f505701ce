// The contract between the UI and Rust, generated from the Rust types by
// src-tauri/app/contract.rs. Do not edit: run scripts/contract, and
// `cargo test -p cashier` fails while this file is stale.

/** @typedef {{ attention_count: number, books: SyncState|null, currencies: Array<Currency>, currency: Currency, demo: boolean, language: string, printer: PrinterStatus|null, scanner: ScannerView, shift: Shift|null, sounds: boolean, staff_count: number, version: string }} AppStatus */
/** @typedef {{ amount: string, approved_by: string, count: number, currency: Currency }} ApproverTotals */
/** @typedef {{ locks: Array<PinLock>, orders: Array<Order>, refunds: Array<Refund> }} Attention */
/** @typedef {string} Books */
/** @typedef {{ from: string, id: number, kind: string, number: string, paid_after_abandon: boolean, to: string }} Change */
/** @typedef {{ amount: string, rate: string }} CnyEquivalent */
/** @typedef {{ kind: ErrorKind|null, message: string, ok: boolean, rate: string|null }} ConnectionTest */
/** @typedef {{ counter: string, totals: Array<WalletTotals>, unclear: number }} CounterDay */
/** @typedef {{ counter: string, errors: string|null, lag_secs: number, last_push_at: string|null, outbox: number, pushed_rows: number, refused_rows: number }} CounterStatus */
/**
 * The currencies HipoPay settles (document section 11.3).
 */
/** @typedef {"CNY"|"GBP"|"HKD"|"USD"|"JPY"|"CAD"|"AUD"|"EUR"|"NZD"|"KRW"|"THB"} Currency */
/** @typedef {{ currency: Currency, net: string, paid: string, paid_count: number, refund_count: number, refunded: string }} CurrencyTotals */
/** @typedef {{ state: "welcome" }|{ amount: string, currency: Currency, state: "amount" }|(Payment & { state: "preparing" })|{ amount: string, currency: Currency, order_id: number, png: string, state: "qr", wallet: Wallet }|(Payment & { state: "confirming" })|(Payment & { state: "paid" })|(Payment & { state: "not_paid" })|(Payment & { state: "checking" })} CustomerView */
/**
 * What the customer window shows, and how: in the counter's language, with
 * the DEMO marker when no money moves.
 */
/** @typedef {{ demo: boolean, language: string, view: CustomerView }} CustomerViewUpdate */
/** @typedef {{ date: string|null }} DayArgs */
/** @typedef {{ counter: string, date: string, refunds_by_approver: Array<ApproverTotals>, shifts: Array<DayShift>, totals: Array<WalletTotals>, unclear: Array<UnclearEntry> }} DayClose */
/**
 * `books day`: the store's day, per counter and in all.
 */
/** @typedef {{ counters: Array<CounterDay>, date: string, matches_statement: boolean|null, totals: Array<WalletTotals>, unclear: number }} DayReport */
/**
 * A shift that was open during the day.
 */
/** @typedef {{ cashier: string, closed_at: string|null, opened_at: string, shift_id: number }} DayShift */
/**
 * What kind of trouble, for screens and scripts (`--json` prints it as `kind`).
 */
/** @typedef {"not_found"|"scanner"|"input"|"code"|"code_used"|"auth"|"locked"|"shift"|"shift_open"|"shift_mode"|"busy"|"config"|"signature"|"clock"|"network"|"declined"|"acquirer"|"storage"|"qr_unavailable"|"central"|"printer"} ErrorKind */
/**
 * An error as the UI and `--json` see it.
 */
/** @typedef {{ kind: ErrorKind, message: string, money_may_have_moved: boolean }} ErrorView */
/** @typedef {{ path: string, rows: number }} Exported */
/** @typedef {{ agent_no: string, base_url: string, key_file: string|null, key_loaded: boolean, merchant_no: string }} HipoPayView */
/** @typedef {{ manager_pin: string }} KeyImport */
/** @typedef {{ key_file: string, key_loaded: boolean }} KeyImported */
/**
 * A payment or refund the two books do not agree on.
 */
/** @typedef {{ counter: string|null, currency: Currency, hipopay: Side|null, kind: string, line: number|null, merchant_order_no: string, ours: Side|null, outer_refund_no: string|null }} MatchItem */
/**
 * `books match`: the day, how many agree, and each that does not.
 */
/** @typedef {{ date: string, differs: Array<MatchItem>, hipopay_only: Array<MatchItem>, matched: number, matches: boolean, ours_only: Array<MatchItem> }} MatchReport */
/**
 * Demo or live, as orders and reports show it.
 */
/** @typedef {"demo"|"live"} Mode */
/**
 * The arguments of a command that takes none.
 */
/** @typedef {{}} NoArgs */
/**
 * The order as the CLI and UI see it: money as decimal strings, never floats.
 */
/** @typedef {{ abandoned: boolean, amount: string, code: string|null, counter: string|null, created_at: string, currency: Currency, error: string|null, exchange_rate: string|null, flow: PaymentFlow, id: number, merchant_order_no: string, mode: Mode|null, needs_review: boolean, payment_no: string|null, qr_payload: string|null, reason: Reason|null, refundable: string, refunded: string, shift_id: number, status: OrderStatus, subject: string, updated_at: string, wallet: Wallet }} Order */
/** @typedef {{ order_id: number }} OrderArgs */
/** @typedef {{ order: Order, refunds: Array<Refund> }} OrderDetail */
/** @typedef {{ manager_pin: string, reference: string }} OrderElsewhere */
/** @typedef {"PENDING"|"PAID"|"FAILED"|"EXPIRED"} OrderStatus */
/** @typedef {{ day: string|null, search: string|null, status: string|null, wallet: Wallet|null }} OrdersList */
/** @typedef {{ amount: string, code: string, currency: Currency|null, note: string|null }} PayStart */
/**
 * The payment on screen: which wallet, how much.
 */
/** @typedef {{ amount: string, currency: Currency, order_id: number, wallet: Wallet }} Payment */
/**
 * The counter's wait for a scan payment is over.
 */
/** @typedef {{ error: ErrorView|null, order: Order, order_id: number }} PaymentEnded */
/** @typedef {"scan"|"qr"} PaymentFlow */
/**
 * A check that is locked now.
 */
/** @typedef {{ locked_until: number, subject: PinSubject, until: string }} PinLock */
/**
 * Whose PIN checks a lock stops.
 */
/** @typedef {{ id: number, name: string, who: "person" }|{ who: "approvals" }} PinSubject */
/**
 * What a pass over the print queue did.
 */
/** @typedef {{ error: string|null, printed: number, waiting: number }} PrintReport */
/**
 * `[printer]`: the receipt printer.
 */
/** @typedef {{ auto_print: boolean, baud: number, encoding: TextEncoding, font?: string|null, host: string|null, kind: PrinterKind, path: string|null, port: number, width_mm: number }} PrinterConfig */
/**
 * How the printer is connected.
 */
/** @typedef {"serial"|"usb"|"network"} PrinterKind */
/**
 * The receipt printer as the header shows it.
 */
/** @typedef {{ error: string|null, waiting: number }} PrinterStatus */
/** @typedef {{ amount: string, currency: Currency|null, note: string|null, wallet: Wallet }} QrCreate */
/** @typedef {{ cny: CnyEquivalent|null, expires_at_ms: number, order: Order, png: string }} QrOffer */
/** @typedef {{ order_id: number, secs: number|null }} QrWait */
/** @typedef {"declined"|"insufficient_funds"|"code_invalid"|"cancelled"|"over_limit"|"refused"|"not_sent"|"never_received"|"qr_missing"|"expired"|"confirming"|"no_answer"|"acquirer_trouble"|"unreadable_answer"|"qr_not_shown"} Reason */
/** @typedef {{ changes: Array<Change>, checked_orders: number, checked_refunds: number, errors: Array<string>, needs_review: Array<Order>, still_pending_orders: number, still_pending_refunds: number }} ReconcileReport */
/**
 * The refund as the CLI and UI see it.
 */
/** @typedef {{ amount: string, approved_by: string, created_at: string, currency: Currency, error: string|null, id: number, in_flight: boolean, merchant_order_no: string, needs_manager: boolean, order_id: number, outer_refund_no: string, reason: string, refund_no: string|null, sent_count: number, shift_id: number, status: RefundStatus }} Refund */
/** @typedef {{ amount: string|null, manager_pin: string, order_id: number, reason: string|null }} RefundArgs */
/** @typedef {{ manager_pin: string, refund_id: number, refunded: boolean }} RefundSettle */
/** @typedef {"PENDING"|"SUCCESS"|"FAILED"} RefundStatus */
/** @typedef {{ manager_pin: string, order_id: number }} ReviewClear */
/** @typedef {"manager"|"cashier"} Role */
/** @typedef {{ baud: number, serial_port: string|null, terminator: Terminator, wedge_max_gap_ms: number, wedge_min_length: number }} ScannerConfig */
/**
 * A line a serial scanner read.
 */
/** @typedef {{ code: string, source: string }} ScannerLine */
/** @typedef {{ connected: boolean, error: string|null, port: string|null }} ScannerStatus */
/** @typedef {{ connected: boolean, error: string|null, serial_port: string|null, wedge_max_gap_ms: number, wedge_min_length: number }} ScannerView */
/** @typedef {{ manager_pin: string|null, settings: SettingsView }} SettingsSave */
/** @typedef {{ currency: Currency, customer_display: boolean, hipopay: HipoPayView|null, kiosk: boolean, language: string, mode: Mode|null, printer: PrinterConfig|null, scanner: ScannerConfig, shop: ShopConfig, sounds: boolean }} SettingsView */
/** @typedef {{ books: Books, closed_at: number|null, closed_by: number|null, id: number, opened_at: number, staff_id: number, staff_name: string }} Shift */
/** @typedef {{ pin: string }} ShiftClose */
/** @typedef {{ pin: string, staff: string }} ShiftOpen */
/** @typedef {{ by_wallet: Array<WalletTotals>, cashier: string, closed_at: string|null, expired_count: number, failed_count: number, mode: Mode|null, open: boolean, opened_at: string, order_count: number, paid_count: number, pending_count: number, pending_refund_count: number, refunds_by_approver: Array<ApproverTotals>, shift_id: number, totals: Array<CurrencyTotals> }} ShiftReport */
/**
 * `[shop]`: what a slip says about the shop.
 */
/** @typedef {{ address: string, name: string }} ShopConfig */
/** @typedef {{ amount: string, currency: Currency|null }} ShowAmount */
/**
 * One side's view of an entry: its status and amount.
 */
/** @typedef {{ amount: string, status: string }} Side */
/** @typedef {{ order_id: number, refunds: boolean }} SlipArgs */
/** @typedef {{ active: boolean, id: number, name: string, role: Role }} Staff */
/** @typedef {{ manager_pin: string|null, name: string, pin: string, role: Role }} StaffAdd */
/** @typedef {{ manager_pin: string, name: string }} StaffDeactivate */
/** @typedef {{ locks: Array<PinLock>, staff: Array<Staff> }} StaffList */
/** @typedef {{ manager_pin: string|null, name: string, new_pin: string, old_pin: string|null }} StaffPin */
/** @typedef {{ manager: string, manager_pin: string, name: string|null }} StaffUnlock */
/**
 * Why the till is not running: the config or the ledger could not be used.
 * The window shows this and can try again once someone fixed it; a counter
 * PC started from a launcher has no terminal where a message would be read.
 */
/** @typedef {{ config_file: string, db_file: string, kind: ErrorKind, message: string }} StartupProblem */
/** @typedef {{ date: string|null, manager_pin: string }} StoreArgs */
/**
 * A day of the store, as the Store view shows it.
 */
/** @typedef {{ central: boolean, central_error: string|null, counter: string, counters: Array<CounterStatus>, report: DayReport }} StoreDay */
/**
 * What the header and `books status` show of this till's pushing.
 */
/** @typedef {{ counter: string|null, enabled: boolean, last_error: string|null, last_push_at: string|null, ledger_id: string, offline_since: string|null, oldest_waiting: string|null, outbox: number, pushed_seq: number, refused_rows: number }} SyncState */
/**
 * How the line a serial scanner sends ends.
 */
/** @typedef {"crlf"|"cr"|"lf"} Terminator */
/** @typedef {{ printer: PrinterConfig, shop: ShopConfig }} TestPrint */
/**
 * The printer's character set for Chinese: GB18030 (简体, and most
 * 繁體 characters) or Big5 (繁體).
 */
/** @typedef {"gb18030"|"big5"|"raster"} TextEncoding */
/**
 * A payment or refund of the day that HipoPay has not settled yet.
 */
/** @typedef {{ amount: string, created_at: string, currency: Currency, kind: string, number: string, wallet: string }} UnclearEntry */
/** @typedef {"wechat"|"alipay"} Wallet */
/** @typedef {{ currency: Currency, net: string, paid: string, paid_count: number, refund_count: number, refunded: string, wallet: string }} WalletTotals */
/** @typedef {{ shift_id: number|null }} WhichShift */

/**
 * Every command: its function name in ui/api.js, its arguments (required or
 * optional), what it returns, and the windows that may call it.
 */
export const COMMANDS = Object.freeze({
  app_status: Object.freeze({ fn: 'appStatus', args: Object.freeze({}), returns: "AppStatus", windows: ['main'] }),
  startup_problem: Object.freeze({ fn: 'startupProblem', args: Object.freeze({}), returns: "StartupProblem|null", windows: ['main'] }),
  startup_retry: Object.freeze({ fn: 'startupRetry', args: Object.freeze({}), returns: "null", windows: ['main'] }),
  staff_list: Object.freeze({ fn: 'staffList', args: Object.freeze({}), returns: "StaffList", windows: ['main'] }),
  staff_add: Object.freeze({ fn: 'staffAdd', args: Object.freeze({ manager_pin: 'optional', name: 'required', pin: 'required', role: 'required' }), returns: "Staff", windows: ['main'] }),
  staff_pin: Object.freeze({ fn: 'staffPin', args: Object.freeze({ manager_pin: 'optional', name: 'required', new_pin: 'required', old_pin: 'optional' }), returns: "Staff", windows: ['main'] }),
  staff_deactivate: Object.freeze({ fn: 'staffDeactivate', args: Object.freeze({ manager_pin: 'required', name: 'required' }), returns: "Staff", windows: ['main'] }),
  staff_unlock: Object.freeze({ fn: 'staffUnlock', args: Object.freeze({ manager: 'required', manager_pin: 'required', name: 'optional' }), returns: "PinSubject", windows: ['main'] }),
  shift_open: Object.freeze({ fn: 'shiftOpen', args: Object.freeze({ pin: 'required', staff: 'required' }), returns: "Shift", windows: ['main'] }),
  shift_close: Object.freeze({ fn: 'shiftClose', args: Object.freeze({ pin: 'required' }), returns: "ShiftReport", windows: ['main'] }),
  shift_report: Object.freeze({ fn: 'shiftReport', args: Object.freeze({ shift_id: 'optional' }), returns: "ShiftReport", windows: ['main'] }),
  shift_export_csv: Object.freeze({ fn: 'shiftExportCsv', args: Object.freeze({ shift_id: 'optional' }), returns: "Exported|null", windows: ['main'] }),
  pay_start: Object.freeze({ fn: 'payStart', args: Object.freeze({ amount: 'required', code: 'required', currency: 'optional', note: 'optional' }), returns: "Order", windows: ['main'] }),
  stop_waiting: Object.freeze({ fn: 'stopWaiting', args: Object.freeze({ order_id: 'required' }), returns: "boolean", windows: ['main'] }),
  qr_create: Object.freeze({ fn: 'qrCreate', args: Object.freeze({ amount: 'required', currency: 'optional', note: 'optional', wallet: 'required' }), returns: "QrOffer", windows: ['main'] }),
  qr_wait: Object.freeze({ fn: 'qrWait', args: Object.freeze({ order_id: 'required', secs: 'optional' }), returns: "Order", windows: ['main'] }),
  demo_customer_pays: Object.freeze({ fn: 'demoCustomerPays', args: Object.freeze({ order_id: 'required' }), returns: "null", windows: ['main'] }),
  orders_list: Object.freeze({ fn: 'ordersList', args: Object.freeze({ day: 'optional', search: 'optional', status: 'optional', wallet: 'optional' }), returns: "Array<Order>", windows: ['main'] }),
  order_detail: Object.freeze({ fn: 'orderDetail', args: Object.freeze({ order_id: 'required' }), returns: "OrderDetail", windows: ['main'] }),
  order_check: Object.freeze({ fn: 'orderCheck', args: Object.freeze({ order_id: 'required' }), returns: "Order", windows: ['main'] }),
  attention_list: Object.freeze({ fn: 'attentionList', args: Object.freeze({}), returns: "Attention", windows: ['main'] }),
  reconcile_now: Object.freeze({ fn: 'reconcileNow', args: Object.freeze({}), returns: "ReconcileReport", windows: ['main'] }),
  review_clear: Object.freeze({ fn: 'reviewClear', args: Object.freeze({ manager_pin: 'required', order_id: 'required' }), returns: "Order", windows: ['main'] }),
  order_elsewhere: Object.freeze({ fn: 'orderElsewhere', args: Object.freeze({ manager_pin: 'required', reference: 'required' }), returns: "Order", windows: ['main'] }),
  refund: Object.freeze({ fn: 'refund', args: Object.freeze({ amount: 'optional', manager_pin: 'required', order_id: 'required', reason: 'optional' }), returns: "Refund", windows: ['main'] }),
  refund_settle: Object.freeze({ fn: 'refundSettle', args: Object.freeze({ manager_pin: 'required', refund_id: 'required', refunded: 'required' }), returns: "Refund", windows: ['main'] }),
  print_slip: Object.freeze({ fn: 'printSlip', args: Object.freeze({ order_id: 'required', refunds: 'required' }), returns: "PrintReport", windows: ['main'] }),
  print_test: Object.freeze({ fn: 'printTest', args: Object.freeze({ printer: 'required', shop: 'required' }), returns: "null", windows: ['main'] }),
  slip_preview: Object.freeze({ fn: 'slipPreview', args: Object.freeze({ order_id: 'required' }), returns: "Array<string>", windows: ['main'] }),
  day_close: Object.freeze({ fn: 'dayClose', args: Object.freeze({ date: 'optional' }), returns: "DayClose", windows: ['main'] }),
  day_print: Object.freeze({ fn: 'dayPrint', args: Object.freeze({ date: 'optional' }), returns: "DayClose", windows: ['main'] }),
  store_day: Object.freeze({ fn: 'storeDay', args: Object.freeze({ date: 'optional', manager_pin: 'required' }), returns: "StoreDay", windows: ['main'] }),
  store_match: Object.freeze({ fn: 'storeMatch', args: Object.freeze({ date: 'optional', manager_pin: 'required' }), returns: "MatchReport", windows: ['main'] }),
  settings_get: Object.freeze({ fn: 'settingsGet', args: Object.freeze({}), returns: "SettingsView", windows: ['main'] }),
  settings_save: Object.freeze({ fn: 'settingsSave', args: Object.freeze({ manager_pin: 'optional', settings: 'required' }), returns: "SettingsView", windows: ['main'] }),
  key_import: Object.freeze({ fn: 'keyImport', args: Object.freeze({ manager_pin: 'required' }), returns: "KeyImported|null", windows: ['main'] }),
  test_connection: Object.freeze({ fn: 'testConnection', args: Object.freeze({}), returns: "ConnectionTest", windows: ['main'] }),
  serial_ports: Object.freeze({ fn: 'serialPorts', args: Object.freeze({}), returns: "Array<string>", windows: ['main'] }),
  customer_view: Object.freeze({ fn: 'customerView', args: Object.freeze({}), returns: "CustomerViewUpdate", windows: ['customer'] }),
  customer_show_amount: Object.freeze({ fn: 'customerShowAmount', args: Object.freeze({ amount: 'required', currency: 'optional' }), returns: "null", windows: ['main'] }),
  events_subscribe: Object.freeze({ fn: 'eventsSubscribe', channel: true, args: Object.freeze({}), returns: "null", windows: ['main', 'customer'] }),
});

/**
 * The calls ui/api.js makes from COMMANDS.
 * @typedef {{
 *   appStatus: (args?: NoArgs) => Promise<AppStatus>,
 *   startupProblem: (args?: NoArgs) => Promise<StartupProblem|null>,
 *   startupRetry: (args?: NoArgs) => Promise<null>,
 *   staffList: (args?: NoArgs) => Promise<StaffList>,
 *   staffAdd: (args: StaffAdd) => Promise<Staff>,
 *   staffPin: (args: StaffPin) => Promise<Staff>,
 *   staffDeactivate: (args: StaffDeactivate) => Promise<Staff>,
 *   staffUnlock: (args: StaffUnlock) => Promise<PinSubject>,
 *   shiftOpen: (args: ShiftOpen) => Promise<Shift>,
 *   shiftClose: (args: ShiftClose) => Promise<ShiftReport>,
 *   shiftReport: (args?: WhichShift) => Promise<ShiftReport>,
 *   shiftExportCsv: (args?: WhichShift) => Promise<Exported|null>,
 *   payStart: (args: PayStart) => Promise<Order>,
 *   stopWaiting: (args: OrderArgs) => Promise<boolean>,
 *   qrCreate: (args: QrCreate) => Promise<QrOffer>,
 *   qrWait: (args: QrWait) => Promise<Order>,
 *   demoCustomerPays: (args: OrderArgs) => Promise<null>,
 *   ordersList: (args?: OrdersList) => Promise<Array<Order>>,
 *   orderDetail: (args: OrderArgs) => Promise<OrderDetail>,
 *   orderCheck: (args: OrderArgs) => Promise<Order>,
 *   attentionList: (args?: NoArgs) => Promise<Attention>,
 *   reconcileNow: (args?: NoArgs) => Promise<ReconcileReport>,
 *   reviewClear: (args: ReviewClear) => Promise<Order>,
 *   orderElsewhere: (args: OrderElsewhere) => Promise<Order>,
 *   refund: (args: RefundArgs) => Promise<Refund>,
 *   refundSettle: (args: RefundSettle) => Promise<Refund>,
 *   printSlip: (args: SlipArgs) => Promise<PrintReport>,
 *   printTest: (args: TestPrint) => Promise<null>,
 *   slipPreview: (args: OrderArgs) => Promise<Array<string>>,
 *   dayClose: (args?: DayArgs) => Promise<DayClose>,
 *   dayPrint: (args?: DayArgs) => Promise<DayClose>,
 *   storeDay: (args: StoreArgs) => Promise<StoreDay>,
 *   storeMatch: (args: StoreArgs) => Promise<MatchReport>,
 *   settingsGet: (args?: NoArgs) => Promise<SettingsView>,
 *   settingsSave: (args: SettingsSave) => Promise<SettingsView>,
 *   keyImport: (args: KeyImport) => Promise<KeyImported|null>,
 *   testConnection: (args?: NoArgs) => Promise<ConnectionTest>,
 *   serialPorts: (args?: NoArgs) => Promise<Array<string>>,
 *   customerView: (args?: NoArgs) => Promise<CustomerViewUpdate>,
 *   customerShowAmount: (args: ShowAmount) => Promise<null>,
 * }} Api
 */

/** Every event: the window it goes to and its payload. */
export const EVENTS = Object.freeze({
  "order-changed": Object.freeze({ window: 'main', payload: "Order" }),
  "refund-changed": Object.freeze({ window: 'main', payload: "Refund" }),
  "payment-ended": Object.freeze({ window: 'main', payload: "PaymentEnded" }),
  "scanner-line": Object.freeze({ window: 'main', payload: "ScannerLine" }),
  "scanner-status": Object.freeze({ window: 'main', payload: "ScannerStatus" }),
  "reconciled": Object.freeze({ window: 'main', payload: "ReconcileReport" }),
  "printer-status": Object.freeze({ window: 'main', payload: "PrinterStatus" }),
  "books-sync": Object.freeze({ window: 'main', payload: "SyncState" }),
  "customer-view": Object.freeze({ window: 'customer', payload: "CustomerViewUpdate" }),
});

/** Every error kind a command can fail with (ErrorView.kind). */
export const ERROR_KINDS = Object.freeze([
  'input',
  'code',
  'code_used',
  'auth',
  'locked',
  'shift',
  'shift_open',
  'shift_mode',
  'busy',
  'not_found',
  'config',
  'signature',
  'clock',
  'network',
  'declined',
  'acquirer',
  'storage',
  'scanner',
  'qr_unavailable',
  'central',
  'printer',
]);

/** Every reason an order can carry, with the status it explains. */
export const REASONS = Object.freeze({
  declined: 'FAILED',
  insufficient_funds: 'FAILED',
  code_invalid: 'FAILED',
  cancelled: 'FAILED',
  over_limit: 'FAILED',
  refused: 'FAILED',
  not_sent: 'FAILED',
  never_received: 'FAILED',
  qr_missing: 'FAILED',
  expired: 'EXPIRED',
  confirming: 'PENDING',
  no_answer: 'PENDING',
  acquirer_trouble: 'PENDING',
  unreadable_answer: 'PENDING',
  qr_not_shown: 'PENDING',
});
