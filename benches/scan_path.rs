//! Local work per scan payment, from the line the scanner typed to the bytes
//! of the charge request (PRODUCT.md: under 2 ms at p99). RSA-2048 signing
//! dominates, so it is also reported alone (`Signer::sign_params`, ring);
//! `scripts/bench` runs `openssl speed rsa2048` in the same session and the
//! report puts the two side by side.
//!
//! The target is measured two ways:
//! - without the network: detect + parse + params + sign + form encoding;
//! - over the wire: the same charge sent to the local sandbox on 127.0.0.1
//!   exactly as `HipoPayClient::call` sends it (same reqwest settings and
//!   headers; the client does not expose response headers), answer read and
//!   parsed, minus the sandbox's own time from its `x-sim-elapsed-us` header
//!   (`hipopay_sim::ELAPSED_HEADER`). What is left is our work plus loopback.
//!
//! Two wider rows are for context: the engine also commits the order and its
//! charge attempt to the ledger (two fsync'd SQLite transactions) before the
//! request leaves, and the real client's full round trip includes the
//! sandbox's signature check.
//!
//! Run: cargo bench --bench scan_path (scripts/bench runs every bench)

// Bench code: a failed setup step should stop the bench loudly.
#![allow(clippy::unwrap_used)]

mod common;

use cashier_core::hipopay::sign::signature_string;
use cashier_core::hipopay::{ChargeRequest, ClientConfig, HipoPayClient, RemoteOrder, Signer};
use cashier_core::ledger::{Ledger, NewOrder, PaymentFlow, Role};
use cashier_core::money::{Currency, Money};
use cashier_core::wallet::{detect_wallet, mask_code, Wallet};
use common::{measure, ms, stats, Table, Target};
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};

const PRIVATE_PEM: &str = include_str!("../tests/fixtures/agent_private_pkcs1.pem");
const PUBLIC_PEM: &str = include_str!("../tests/fixtures/agent_public.pem");
const AGENT_NO: &str = "BENCH-AGENT";
const MERCHANT_NO: &str = "BENCH-MERCHANT";

/// What a USB scanner types: the customer's WeChat code and a line end.
const SCANNED_LINE: &str = "134567890123456789\r\n";
/// What the cashier typed on the amount pad.
const TYPED_AMOUNT: &str = "12.50";

/// The wire-level work of one WeChat scan charge, mirroring
/// `HipoPayClient::call` + `wechat_charge_params` (both private): detect the
/// wallet, parse the amount, build the params, sign them, encode the form.
/// Returns the form body and the Signature header.
fn scan_request(signer: &Signer, line: &str, order_no: &str, timestamp: &str) -> (String, String) {
    let code = line.trim();
    let wallet = detect_wallet(code).unwrap();
    assert_eq!(wallet, Wallet::Wechat);
    let amount = Money::parse_positive(TYPED_AMOUNT, Currency::HKD).unwrap();
    let params: Vec<(&str, String)> = vec![
        ("merchant_no", MERCHANT_NO.to_string()),
        ("currency", amount.currency.code().to_string()),
        ("amount", amount.to_decimal_string()),
        ("product_info", "奶茶 x2 & cake".to_string()),
        ("ip", "192.168.1.20".to_string()),
        ("agent_order_id", order_no.to_string()),
        ("auth_code", code.to_string()),
    ];
    let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let signature = signer.sign_params(&pairs, timestamp);
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (k, v) in &pairs {
        form.append_pair(k, v);
    }
    (form.finish(), signature)
}

fn main() {
    let signer = Signer::from_pem(PRIVATE_PEM, "fixture").unwrap();
    let timestamp = chrono::Utc::now().timestamp().to_string();
    let order_no = "CS2026112211050912345678";
    let mut table = Table::new("scan payment: scanned line -> signed request (RSA-2048 with ring)");

    // The cheap steps, each alone, so a regression in one is visible.
    let s = measure(1_000, 20_000, || detect_wallet(SCANNED_LINE.trim()));
    table.row("detect_wallet (scanned line)", &s, Target::Info("info"));
    let s = measure(1_000, 20_000, || {
        Money::parse_positive(TYPED_AMOUNT, Currency::HKD)
    });
    table.row(
        "parse amount (Money::parse_positive)",
        &s,
        Target::Info("info"),
    );
    let params = [
        ("merchant_no", MERCHANT_NO),
        ("currency", "HKD"),
        ("amount", "12.50"),
        ("product_info", "奶茶 x2 & cake"),
        ("ip", "192.168.1.20"),
        ("agent_order_id", order_no),
        ("auth_code", "134567890123456789"),
    ];
    let s = measure(1_000, 20_000, || signature_string(&params, &timestamp));
    table.row(
        "signature_string (7 scan_pay params)",
        &s,
        Target::Info("info"),
    );

    // Signing alone: the bulk of the budget.
    let message = signature_string(&params, &timestamp);
    let s = measure(50, 1_000, || signer.sign(&message));
    table.row(
        "RSA-2048 sign alone (Signer::sign)",
        &s,
        Target::Info("ref: OpenSSL ~0.7 ms"),
    );
    // What the client calls: canonical string + sign. The report sets its
    // mean beside `openssl speed rsa2048` from the same run.
    let s = measure(50, 2_000, || signer.sign_params(&params, &timestamp));
    table.keyed(
        "rsa.sign_params",
        "RSA-2048 Signer::sign_params (7 params, ring)",
        &s,
        Target::Info("vs openssl speed: see report"),
    );

    // The target without the network: everything local to the request bytes.
    let s = measure(50, 1_000, || {
        scan_request(&signer, SCANNED_LINE, order_no, &timestamp)
    });
    table.keyed(
        "scan.local",
        "full local path: detect+parse+params+sign+form",
        &s,
        Target::P99Under(ms(2)),
    );

    ledger_rows(&mut table, &signer, &timestamp);
    sandbox_round_trip(&mut table, &signer);
    table.summary();
}

/// What `Engine::pay_scan` adds before the request leaves: the order row and
/// the charge attempt, each its own durable (synchronous=FULL, WAL) commit on
/// a real file. Context for the target: fsync cost depends on the disk.
fn ledger_rows(table: &mut Table, signer: &Signer, timestamp: &str) {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("ledger.sqlite3")).unwrap();
    let manager = ledger
        .add_staff("Bench Manager", Role::Manager, "987654", None)
        .unwrap();
    let shift = ledger.open_shift(manager.id).unwrap();
    let mut n: u64 = 0;
    let mut next = || {
        n += 1;
        // A fresh one-time code per payment, as the ledger refuses a reused one.
        let line = format!("13{n:016}\r\n");
        let order_no = format!("CS20261122110509{n:08}");
        (line, order_no)
    };
    let pay = |line: &str, order_no: &str| {
        let code = line.trim();
        let wallet = detect_wallet(code).unwrap();
        let amount = Money::parse_positive(TYPED_AMOUNT, Currency::HKD).unwrap();
        let order = ledger
            .insert_order(&NewOrder {
                merchant_order_no: order_no.to_string(),
                counter: "C1".into(),
                shift_id: shift.id,
                staff_id: manager.id,
                wallet,
                flow: PaymentFlow::Scan,
                amount,
                subject: "奶茶 x2 & cake".into(),
                code_hash: Some(hex_sha256(code)),
                code_masked: Some(mask_code(code)),
            })
            .unwrap();
        ledger.record_charge_sent(order.id).unwrap();
        scan_request(signer, line, order_no, timestamp)
    };
    let s = measure(20, 300, || {
        let (line, order_no) = next();
        pay(&line, &order_no)
    });
    table.row(
        "  + engine's 2 ledger commits (file, fsync) before send",
        &s,
        Target::Info("context: not in brief's path"),
    );
}

fn hex_sha256(code: &str) -> String {
    Sha256::digest(code.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One WeChat scan charge from the scanned line, sent the way
/// `HipoPayClient::call` sends it, answer read and parsed as `scan_pay` does.
/// Returns the whole round trip and the sandbox's own time from its header.
async fn scan_over_wire(
    http: &reqwest::Client,
    base_url: &str,
    signer: &Signer,
    line: &str,
    order_no: &str,
) -> (Duration, Duration) {
    let start = Instant::now();
    let timestamp = chrono::Utc::now().timestamp().to_string();
    let (form, signature) = scan_request(signer, line, order_no, &timestamp);
    let response = http
        .post(format!("{base_url}/order/scan_pay"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form)
        .header("AgentNo", AGENT_NO)
        .header("Signature", signature)
        .header("Version", "1.0")
        .header("Timestamp", &timestamp)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let sim_us: u64 = response
        .headers()
        .get(hipopay_sim::ELAPSED_HEADER)
        .expect("the sandbox times every answer")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let body = response.text().await.unwrap();
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(status, 200, "{body}");
    let order = RemoteOrder::from_json(
        json.get("data")
            .and_then(|d| d.get("order"))
            .unwrap_or(&serde_json::Value::Null),
        Currency::HKD,
    )
    .unwrap();
    let round_trip = start.elapsed();
    std::hint::black_box(order);
    (round_trip, Duration::from_micros(sim_us))
}

/// The real client against the local sandbox over loopback HTTP, and the
/// target row: the same charge over the wire minus the sandbox's own time.
fn sandbox_round_trip(table: &mut Table, signer: &Signer) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let public = hipopay_sim::public_key_from_pem(PUBLIC_PEM).unwrap();
    let config = hipopay_sim::SimConfig::new(AGENT_NO, MERCHANT_NO, public);
    let sim = rt
        .block_on(hipopay_sim::SimHandle::start(
            config,
            "127.0.0.1:0".parse().unwrap(),
        ))
        .unwrap();
    let client = HipoPayClient::new(
        ClientConfig::new(&sim.base_url(), AGENT_NO, MERCHANT_NO),
        Signer::from_pem(PRIVATE_PEM, "fixture").unwrap(),
    )
    .unwrap();
    let mut n: u64 = 0;
    let s = measure(20, 300, || {
        n += 1;
        // Codes ending in 101..110 script failures in the sandbox; "000" pays.
        let code = format!("13{n:013}000");
        let req = ChargeRequest {
            merchant_order_no: format!("CS20261122110509{n:08}"),
            amount: Money::new(1250, Currency::HKD),
            subject: "奶茶 x2 & cake".into(),
            ip: "192.168.1.20".into(),
            device_info: "C1".into(),
        };
        rt.block_on(client.scan_pay(Wallet::Wechat, &req, &code))
            .unwrap()
    });
    table.row(
        "  round trip: client.scan_pay -> local sandbox (HTTP)",
        &s,
        Target::Info("context: includes sandbox"),
    );

    // The same charge as the client sends it, with the sandbox's time read
    // from its header and subtracted. Same reqwest settings as HipoPayClient.
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .connect_timeout(Duration::from_secs(5))
        .user_agent(concat!("cashier/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap();
    let base_url = sim.base_url();
    let mut round_trips = Vec::new();
    let mut sim_times = Vec::new();
    let mut local = Vec::new();
    for i in 0..2_100 {
        n += 1;
        let line = format!("13{n:013}000\r\n");
        let order_no = format!("CS20261122110509{n:08}");
        let (round_trip, sim_time) =
            rt.block_on(scan_over_wire(&http, &base_url, signer, &line, &order_no));
        // The first 100 warm the connection pool and caches.
        if i >= 100 {
            round_trips.push(round_trip);
            sim_times.push(sim_time);
            local.push(round_trip.saturating_sub(sim_time));
        }
    }
    table.row(
        "  round trip: same charge via reqwest (client's settings)",
        &stats(round_trips),
        Target::Info("context: includes sandbox"),
    );
    table.row(
        "  sandbox's own time (x-sim-elapsed-us)",
        &stats(sim_times),
        Target::Info("subtracted below"),
    );
    table.keyed(
        "scan.wire",
        "scanned line -> wire -> answer parsed, minus sandbox time",
        &stats(local),
        Target::P99Under(ms(2)),
    );
    sim.shutdown();
}
