//! The ledger at scale (PRODUCT.md): 1,000,000 orders on disk; today's list,
//! a search by number and a shift report each under 20 ms; CSV export of a
//! 100,000-order shift under 1 s. Everything timed goes through the real
//! `Ledger` API on a real file, opened with `Ledger::open` (WAL, FULL sync).
//!
//! The data set is built once per local day (today's list needs orders dated
//! today) under `target/bench-data/` (or `$CASHIER_BENCH_DATA`), by bulk SQL
//! into the schema `Ledger::open` created: 200 days, two shifts a day, one
//! shift of 100,000 orders (the CSV case), one of 5,000 (the report case),
//! today's open shift, about 2 % of paid orders refunded. Building takes
//! about 20 s on a 2-core machine (433 MB); later runs that day reuse it.
//!
//! Run: cargo bench --bench ledger (scripts/bench runs every bench)

// Bench code: a failed setup step should stop the bench loudly.
#![allow(clippy::unwrap_used)]

mod common;

use cashier_core::ledger::{Ledger, OrderFilter, OrderStatus, Role};
use cashier_core::time::{local_day_bounds, today_bounds};
use cashier_core::wallet::mask_code;
use chrono::{Days, FixedOffset, Local, TimeZone};
use common::{measure, ms, stats, Table, Target};
use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Bump when the generator changes, so a stale file is rebuilt.
const DATA_VERSION: &str = "v1";
const TOTAL_ORDERS: u64 = 1_000_000;
const DAYS: i64 = 200;
/// Past days have a morning and an evening shift; today has one, still open.
const SHIFTS: usize = (DAYS as usize - 1) * 2 + 1;
/// Shift indexes (id - 1) of the special cases and their sizes.
const CSV_SHIFT: usize = 100 * 2; // morning of day 100: a 100k-order event day
const CSV_SHIFT_ORDERS: u64 = 100_000;
const REPORT_SHIFT: usize = 150 * 2 + 1; // evening of day 150
const REPORT_SHIFT_ORDERS: u64 = 5_000;
const TODAY_SHIFT: usize = SHIFTS - 1;
const TODAY_ORDERS: u64 = 4_000;
/// Every other shift: (1,000,000 - 100,000 - 5,000 - 4,000) / 396 = 2,250.
const REGULAR_ORDERS: u64 =
    (TOTAL_ORDERS - CSV_SHIFT_ORDERS - REPORT_SHIFT_ORDERS - TODAY_ORDERS) / (SHIFTS as u64 - 3);

const MANAGER_ID: i64 = 1;
const CASHIERS: [&str; 4] = ["Ada", "Ben", "Chi Wai", "Dee"];
const SUBJECTS: [&str; 4] = ["Counter payment", "奶茶 x2", "Lunch set A", "咖啡 & cake"];

fn main() {
    let path = data_file();
    if !path.exists() {
        build(&path);
    }
    describe(&path);
    let mut table = Table::new("ledger: 1,000,000 orders through the Ledger API");
    let ledger = Ledger::open(&path).unwrap();
    let (from, to) = today_bounds();

    // Today's list: what the sale screen shows, with the default limit (200).
    let today = OrderFilter {
        from_ms: Some(from),
        to_ms: Some(to),
        ..OrderFilter::default()
    };
    assert_eq!(ledger.list_orders(&today).unwrap().len(), 200);
    let s = measure(5, 200, || ledger.list_orders(&today).unwrap());
    table.keyed(
        "ledger.today",
        "today's list (list_orders, today_bounds, limit 200)",
        &s,
        Target::P99Under(ms(20)),
    );
    let s = cold_today(&path, &today);
    table.keyed(
        "ledger.cold_open",
        "cold: Ledger::open + today's list, file not cached",
        &s,
        // The first screen after boot (issue 9: it took 2 s while the probes
        // at open read whole indexes).
        Target::MaxUnder(ms(300)),
    );
    // The sale screen and `cashier-cli orders` ask for up to 500.
    let app_today = OrderFilter {
        limit: Some(500),
        ..today.clone()
    };
    let s = measure(5, 200, || ledger.list_orders(&app_today).unwrap());
    table.keyed(
        "ledger.today500",
        "today's list as the app asks (limit 500)",
        &s,
        Target::P99Under(ms(20)),
    );
    // The app's "all days" view filtered by status: PENDING orders are rare.
    let pending = OrderFilter {
        status: Some(OrderStatus::Pending),
        limit: Some(500),
        ..OrderFilter::default()
    };
    let s = measure(1, 5, || ledger.list_orders(&pending).unwrap());
    table.row(
        "  all days, status=PENDING (limit 500)",
        &s,
        Target::Info("info: app's all-days filter"),
    );

    // Search by number: 200 orders spread over all 200 days, asked in turn.
    let samples = sample_numbers(&path);
    let mut i = 0;
    let mut next = || {
        i = (i + 1) % samples.len();
        &samples[i]
    };
    let s = measure(20, 400, || ledger.find_order(&next().0).unwrap());
    table.keyed(
        "ledger.find_order_no",
        "find_order(merchant_order_no)",
        &s,
        Target::P99Under(ms(20)),
    );
    let s = measure(20, 400, || ledger.find_order(&next().1).unwrap());
    table.keyed(
        "ledger.find_payment_no",
        "find_order(HipoPay payment_no)",
        &s,
        Target::P99Under(ms(20)),
    );
    let s = measure(20, 400, || {
        let rows = ledger.list_orders(&search(&next().0, None)).unwrap();
        assert_eq!(rows.len(), 1);
        rows
    });
    table.keyed(
        "ledger.search_order_no",
        "list_orders search=merchant_order_no (all dates)",
        &s,
        Target::P99Under(ms(20)),
    );
    let s = measure(20, 400, || {
        ledger.list_orders(&search(&next().1, None)).unwrap()
    });
    table.keyed(
        "ledger.search_payment_no",
        "list_orders search=payment_no (all dates)",
        &s,
        Target::P99Under(ms(20)),
    );
    // The last digits of a receipt's number, typed into today's list.
    let tail = today_tail(&ledger, &today);
    let s = measure(5, 200, || {
        ledger
            .list_orders(&search(&tail, Some((from, to))))
            .unwrap()
    });
    table.keyed(
        "ledger.search_today_tail",
        &format!("list_orders today + partial number {tail:?}"),
        &s,
        Target::P99Under(ms(20)),
    );
    // Not "by number", but the same search box accepts an amount.
    let s = measure(1, 5, || ledger.list_orders(&search("12.50", None)).unwrap());
    table.row(
        "  all days, search=amount \"12.50\"",
        &s,
        Target::Info("info: amount, not a number"),
    );

    // Shift reports.
    let report_shift = ledger.shift(REPORT_SHIFT as i64 + 1).unwrap();
    let s = measure(5, 200, || ledger.shift_report(&report_shift).unwrap());
    table.keyed(
        "ledger.report_5k",
        &format!("shift_report, shift of {REPORT_SHIFT_ORDERS} orders"),
        &s,
        Target::P99Under(ms(20)),
    );
    let open_shift = ledger.shift(TODAY_SHIFT as i64 + 1).unwrap();
    let s = measure(5, 200, || ledger.shift_report(&open_shift).unwrap());
    table.keyed(
        "ledger.report_today",
        &format!("shift_report, today's open shift ({TODAY_ORDERS})"),
        &s,
        Target::P99Under(ms(20)),
    );
    let csv_shift = ledger.shift(CSV_SHIFT as i64 + 1).unwrap();
    let s = measure(1, 20, || ledger.shift_report(&csv_shift).unwrap());
    table.row(
        &format!("shift_report, shift of {CSV_SHIFT_ORDERS} orders"),
        &s,
        Target::Info("info: beyond the target"),
    );

    // CSV export of the 100k shift into memory (the file write is not the ledger's cost).
    let mut out = Vec::new();
    let rows = ledger.export_shift_csv(&csv_shift, &mut out).unwrap();
    let bytes = out.len();
    let s = measure(1, 10, || {
        let mut out = Vec::with_capacity(bytes);
        ledger.export_shift_csv(&csv_shift, &mut out).unwrap();
        out
    });
    table.keyed(
        "ledger.csv_100k",
        &format!("export_shift_csv: {rows} rows, {} MB", bytes / 1_000_000),
        &s,
        Target::MaxUnder(ms(1_000)),
    );
    table.summary();
    explain(&path, (from, to), &samples[0]);
}

fn search(text: &str, day: Option<(i64, i64)>) -> OrderFilter {
    OrderFilter {
        from_ms: day.map(|d| d.0),
        to_ms: day.map(|d| d.1),
        search: Some(text.to_string()),
        ..OrderFilter::default()
    }
}

/// Today's list as the first thing after the app starts: `Ledger::open` plus
/// the query, timed together, with SQLite's cache empty and the file evicted
/// from the OS page cache first (GNU dd's `nocache` asks the kernel to drop
/// this one file's clean pages; no root needed). VM disks may still hit the
/// host's cache, so this is a best case for a real cold boot.
fn cold_today(path: &Path, today: &OrderFilter) -> common::Stats {
    let mut samples = Vec::new();
    for _ in 0..5 {
        let dropped = std::process::Command::new("dd")
            .arg(format!("if={}", path.display()))
            .args(["iflag=nocache", "count=0", "status=none"])
            .status()
            .is_ok_and(|s| s.success());
        if !dropped {
            println!("   (dd could not drop the page cache: the cold row is SQLite-cold only)");
        }
        let start = Instant::now();
        let ledger = Ledger::open(path).unwrap();
        std::hint::black_box(ledger.list_orders(today).unwrap());
        samples.push(start.elapsed());
    }
    stats(samples)
}

/// (merchant_order_no, payment_no) of 200 paid orders spread over the file.
fn sample_numbers(path: &Path) -> Vec<(String, String)> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT merchant_order_no, payment_no FROM orders
             WHERE id >= ?1 AND status = 'PAID' ORDER BY id LIMIT 1",
        )
        .unwrap();
    (0..200)
        .map(|k| {
            let id = (1 + k * (TOTAL_ORDERS / 200) + 777) as i64;
            stmt.query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
        })
        .collect()
}

/// The last six characters of an order number from today's list.
fn today_tail(ledger: &Ledger, today: &OrderFilter) -> String {
    let list = ledger.list_orders(today).unwrap();
    let no = &list[list.len() / 2].merchant_order_no;
    no[no.len() - 6..].to_string()
}

fn data_file() -> PathBuf {
    let dir = match std::env::var_os("CASHIER_BENCH_DATA") {
        Some(dir) => PathBuf::from(dir),
        // target/release/deps/ledger-HASH -> target/bench-data
        None => std::env::current_exe()
            .unwrap()
            .ancestors()
            .nth(3)
            .unwrap()
            .join("bench-data"),
    };
    let day = Local::now().format("%Y-%m-%d");
    dir.join(format!("ledger-1m-{DATA_VERSION}-{day}.sqlite3"))
}

fn describe(path: &Path) {
    let conn = Connection::open(path).unwrap();
    let count = |table: &str| -> i64 {
        conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    };
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    println!(
        "   {} orders, {} refunds, {} shifts, {} charge attempts; {} MB on disk",
        count("orders"),
        count("refunds"),
        count("shifts"),
        count("payment_attempts"),
        size / 1_000_000
    );
}

// ---------------------------------------------------------------------------
// Building the data set.

/// splitmix64: deterministic, so every build of the file is the same.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

struct ShiftPlan {
    opened_at: i64,
    closed_at: Option<i64>,
    staff_id: i64,
    orders: u64,
}

/// 199 past days with 08:00-15:00 and 15:00-22:00 shifts, then today's shift,
/// open since midnight, whose orders run up to now.
fn plan() -> Vec<ShiftPlan> {
    let today = Local::now().date_naive();
    let now = chrono::Utc::now().timestamp_millis();
    let hour = 3_600_000;
    let mut shifts = Vec::with_capacity(SHIFTS);
    for d in 0..DAYS {
        let (start, _) = local_day_bounds(today - Days::new((DAYS - 1 - d) as u64));
        if d == DAYS - 1 {
            shifts.push(ShiftPlan {
                opened_at: start,
                closed_at: None,
                staff_id: 2,
                orders: TODAY_ORDERS,
            });
            break;
        }
        for half in 0..2 {
            let opened_at = start + (8 + 7 * half) * hour;
            let index = shifts.len();
            let orders = match index {
                CSV_SHIFT => CSV_SHIFT_ORDERS,
                REPORT_SHIFT => REPORT_SHIFT_ORDERS,
                _ => REGULAR_ORDERS,
            };
            shifts.push(ShiftPlan {
                opened_at,
                closed_at: Some((opened_at + 7 * hour).min(now)),
                staff_id: 2 + (index as i64 % CASHIERS.len() as i64),
                orders,
            });
        }
    }
    assert_eq!(shifts.len(), SHIFTS);
    assert_eq!(shifts.iter().map(|s| s.orders).sum::<u64>(), TOTAL_ORDERS);
    shifts
}

fn local_stamp(ms: i64) -> String {
    Local
        .timestamp_millis_opt(ms)
        .unwrap()
        .format("%Y%m%d%H%M%S")
        .to_string()
}

/// HipoPay's 25-digit numbers: UTC+8 time + 11 digits, unique per `n`
/// (multiplying by a number coprime to 10^11 is a bijection mod 10^11).
fn hipopay_no(ms: i64, n: u64) -> String {
    let cst = FixedOffset::east_opt(8 * 3600).unwrap();
    let stamp = cst.timestamp_millis_opt(ms).unwrap().format("%Y%m%d%H%M%S");
    format!(
        "{stamp}{:011}",
        (u128::from(n) * 3_141_592_653) % 100_000_000_000
    )
}

fn hex_sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn build(path: &Path) {
    let dir = path.parent().unwrap();
    std::fs::create_dir_all(dir).unwrap();
    // One data set at a time: the files are hundreds of MB.
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry
            .file_name()
            .to_string_lossy()
            .starts_with("ledger-1m-")
        {
            std::fs::remove_file(entry.path()).unwrap();
        }
    }
    let partial = path.with_extension("partial");
    println!("building {} (once per day) ...", path.display());
    let started = Instant::now();

    // The real schema and real staff (Argon2 PIN hashes) through the real API.
    {
        let ledger = Ledger::open(&partial).unwrap();
        let manager = ledger
            .add_staff("Mgr Wong", Role::Manager, "987654", None)
            .unwrap();
        assert_eq!(manager.id, MANAGER_ID);
        for (i, name) in CASHIERS.iter().enumerate() {
            let pin = format!("{}", 1111 * (i + 1));
            ledger
                .add_staff(name, Role::Cashier, &pin, Some(manager.id))
                .unwrap();
        }
    }

    // The rows by bulk SQL: one transaction, no journal, big cache. Foreign
    // keys are off here but every reference is valid, checked below.
    let mut conn = Connection::open(&partial).unwrap();
    for (pragma, value) in [
        ("journal_mode", "OFF"),
        ("synchronous", "OFF"),
        ("cache_size", "-1000000"),
        ("temp_store", "MEMORY"),
    ] {
        conn.pragma_update(None, pragma, value).unwrap();
    }
    let tx = conn.transaction().unwrap();
    {
        let mut shift_stmt = tx
            .prepare("INSERT INTO shifts (id, staff_id, opened_at, closed_at, closed_by) VALUES (?1, ?2, ?3, ?4, ?5)")
            .unwrap();
        let mut order_stmt = tx
            .prepare(
                "INSERT INTO orders (id, merchant_order_no, shift_id, staff_id, wallet, flow, status,
                    amount_minor, currency, subject, code_hash, code_masked, payment_no, qr_payload,
                    exchange_rate, error, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
            )
            .unwrap();
        let mut attempt_stmt = tx
            .prepare("INSERT INTO payment_attempts (order_id, sent_at, answered_at, outcome) VALUES (?1, ?2, ?3, 'answered')")
            .unwrap();
        let mut refund_stmt = tx
            .prepare(
                "INSERT INTO refunds (id, order_id, shift_id, outer_refund_no, amount_minor, status, refund_no,
                    reason, approved_by, error, sent_count, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, ?11, ?11)",
            )
            .unwrap();
        let mut rng = Rng(0x5EED);
        let now = chrono::Utc::now().timestamp_millis();
        let mut order_id: u64 = 0;
        let mut refund_id: u64 = 0;
        for (index, shift) in plan().iter().enumerate() {
            let shift_id = index as i64 + 1;
            shift_stmt
                .execute(params![
                    shift_id,
                    shift.staff_id,
                    shift.opened_at,
                    shift.closed_at,
                    shift.closed_at.map(|_| shift.staff_id)
                ])
                .unwrap();
            let open = shift.closed_at.is_none();
            let end = shift.closed_at.unwrap_or(now);
            let step = ((end - shift.opened_at) / shift.orders as i64).max(1);
            for k in 0..shift.orders {
                order_id += 1;
                let t = shift.opened_at + k as i64 * step + rng.below(step as u64) as i64;
                let wechat = rng.below(100) < 60;
                let scan = rng.below(100) < 80;
                let roll = rng.below(1000);
                let status = match roll {
                    _ if open && roll < 10 => "PENDING",
                    0..=919 => "PAID",
                    920..=969 => "FAILED",
                    _ if scan => "FAILED",
                    _ => "EXPIRED",
                };
                let currency = if rng.below(100) < 95 { "HKD" } else { "CNY" };
                let amount = 500 + 10 * rng.below(4_951) as i64;
                let code =
                    scan.then(|| format!("{}{order_id:016}", if wechat { "13" } else { "28" }));
                let qr = (!scan).then(|| {
                    if wechat {
                        format!("weixin://wxpay/bizpayurl?pr={:010x}", rng.next() >> 24)
                    } else {
                        format!("https://qr.alipay.com/bax{:016x}", rng.next())
                    }
                });
                let error = match status {
                    "FAILED" => Some("declined by the wallet: insufficient balance"),
                    "EXPIRED" => Some("the customer did not pay in time"),
                    _ => None,
                };
                order_stmt
                    .execute(params![
                        order_id as i64,
                        format!("CS{}{:08}", local_stamp(t), order_id),
                        shift_id,
                        shift.staff_id,
                        if wechat { "wechat" } else { "alipay" },
                        if scan { "scan" } else { "qr" },
                        status,
                        amount,
                        currency,
                        SUBJECTS[rng.below(SUBJECTS.len() as u64) as usize],
                        code.as_deref().map(hex_sha256),
                        code.as_deref().map(mask_code),
                        (status != "PENDING").then(|| hipopay_no(t, order_id)),
                        qr,
                        (status == "PAID" && currency == "HKD").then_some("0.9132"),
                        error,
                        t,
                        t + 1_500,
                    ])
                    .unwrap();
                attempt_stmt
                    .execute(params![order_id as i64, t + 3, t + 800])
                    .unwrap();
                if status == "PAID" && rng.below(100) < 2 {
                    refund_id += 1;
                    let at = (t + 60_000).min(end);
                    let refund_status = match rng.below(100) {
                        0..=4 if open => "PENDING",
                        0..=94 => "SUCCESS",
                        _ => "FAILED",
                    };
                    let part = if rng.below(100) < 60 {
                        amount
                    } else {
                        amount / 2
                    };
                    refund_stmt
                        .execute(params![
                            refund_id as i64,
                            order_id as i64,
                            shift_id,
                            format!("RF{}{:08}", local_stamp(at), refund_id),
                            part,
                            refund_status,
                            (refund_status == "SUCCESS")
                                .then(|| hipopay_no(at, 50_000_000_000 + refund_id)),
                            if part == amount {
                                "customer changed mind"
                            } else {
                                "wrong amount keyed"
                            },
                            MANAGER_ID,
                            (refund_status == "FAILED").then_some("refund refused: balance"),
                            at,
                        ])
                        .unwrap();
                }
            }
            if index % 50 == 0 {
                println!(
                    "  shift {shift_id}/{SHIFTS}, {order_id} orders, {:.0?}",
                    started.elapsed()
                );
            }
        }
    }
    tx.commit().unwrap();
    let broken: i64 = conn
        .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(broken, 0, "the generated rows break a foreign key");
    // Back to the mode the app's file is always in, then publish the file.
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    drop(conn);
    std::fs::rename(&partial, path).unwrap();
    println!("built in {:.1?}", started.elapsed());
}

// ---------------------------------------------------------------------------
// Query plans, for reading a miss. These copy the SQL the ledger builds
// (src/ledger/orders.rs, report.rs) for the filters above; keep them in step.

const SELECT_ORDER: &str = "SELECT o.*,
    (SELECT COALESCE(SUM(amount_minor), 0) FROM refunds r WHERE r.order_id = o.id AND r.status = 'SUCCESS') AS refunded_minor,
    (SELECT COALESCE(SUM(amount_minor), 0) FROM refunds r WHERE r.order_id = o.id AND r.status = 'PENDING') AS refund_pending_minor,
    a.sent_at AS charge_sent_at
  FROM orders o LEFT JOIN payment_attempts a ON a.order_id = o.id";
const ORDER_BY: &str = "ORDER BY o.created_at DESC, o.id DESC LIMIT 200";

fn explain(path: &Path, (from, to): (i64, i64), sample: &(String, String)) {
    let conn = Connection::open(path).unwrap();
    let no = &sample.0;
    let (report, csv) = (REPORT_SHIFT + 1, CSV_SHIFT + 1);
    let queries = [
        (
            "today's list",
            format!("{SELECT_ORDER} WHERE o.created_at >= {from} AND o.created_at < {to} {ORDER_BY}"),
        ),
        (
            "find_order",
            format!("{SELECT_ORDER} WHERE o.merchant_order_no = '{no}' OR o.payment_no = '{no}'"),
        ),
        (
            "list_orders search=number (all dates)",
            format!("{SELECT_ORDER} WHERE (o.merchant_order_no = '{no}' OR o.payment_no = '{no}') {ORDER_BY}"),
        ),
        (
            "list_orders search=amount (all dates)",
            format!("{SELECT_ORDER} WHERE (o.amount_minor = 1250 OR o.merchant_order_no = '12.50' OR o.payment_no = '12.50') {ORDER_BY}"),
        ),
        (
            "all days, status=PENDING",
            format!("{SELECT_ORDER} WHERE o.status = 'PENDING' ORDER BY o.created_at DESC, o.id DESC LIMIT 500"),
        ),
        (
            "shift_report: paid by wallet",
            format!(
                "SELECT wallet, currency, COUNT(*), SUM(amount_minor) FROM orders
                 WHERE shift_id = {report} AND status = 'PAID' GROUP BY wallet, currency"
            ),
        ),
        (
            "shift_report: refunds by wallet",
            format!(
                "SELECT o.wallet, o.currency, COUNT(*), SUM(r.amount_minor) FROM refunds r JOIN orders o ON o.id = r.order_id
                 WHERE r.shift_id = {report} AND r.status = 'SUCCESS' GROUP BY o.wallet, o.currency"
            ),
        ),
        (
            "shift_report: status counts",
            format!("SELECT status, COUNT(*) FROM orders WHERE shift_id = {report} GROUP BY status"),
        ),
        (
            "export_shift_csv: orders",
            format!(
                "SELECT o.id, o.created_at, o.merchant_order_no, o.payment_no, o.wallet, o.flow, o.status, o.currency,
                        o.amount_minor, st.name, o.subject, o.error
                 FROM orders o JOIN staff st ON st.id = o.staff_id WHERE o.shift_id = {csv} ORDER BY o.id"
            ),
        ),
    ];
    println!();
    println!("== EXPLAIN QUERY PLAN (SQL copied from src/ledger)");
    for (name, sql) in queries {
        println!("{name}:");
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(3)?,
                ))
            })
            .unwrap();
        let mut depth: Vec<i64> = Vec::new();
        for row in rows {
            let (id, parent, detail) = row.unwrap();
            while depth.last().is_some_and(|p| *p != parent) {
                depth.pop();
            }
            println!("  {}{detail}", "  ".repeat(depth.len()));
            depth.push(id);
        }
    }
}
