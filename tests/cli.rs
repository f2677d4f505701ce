//! `cashier-cli` end to end: the real binary, a real SQLite file and the
//! HipoPay sandbox over HTTP on loopback.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Counter, CASHIER_PIN, MANAGER_PIN};
use serde_json::Value;

const WECHAT_OK: &str = "134567890123456000";
const ALIPAY_OK: &str = "284567890123456000";

fn s(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn scan_payments_in_both_wallets() {
    let c = Counter::start().await;
    c.open_shift().await;
    let wx = c.pay("12.50", WECHAT_OK, &["--subject", "奶茶 x2"]).await;
    assert_eq!(wx.code, 0, "{}", wx.stderr);
    let wx = wx.json();
    assert_eq!(s(&wx, "status"), "PAID");
    assert_eq!(s(&wx, "wallet"), "wechat");
    assert_eq!(s(&wx, "flow"), "scan");
    assert_eq!(s(&wx, "amount"), "12.50");
    assert_eq!(s(&wx, "refunded"), "0.00");
    assert_eq!(s(&wx, "currency"), "HKD");
    let ali = c.pay("1200", ALIPAY_OK, &["--currency", "JPY"]).await;
    assert_eq!(ali.code, 0, "{}", ali.stderr);
    let ali = ali.json();
    assert_eq!(s(&ali, "wallet"), "alipay");
    assert_eq!(s(&ali, "amount"), "1200");
    // The sandbox saw exactly these orders, with our numbers and amounts.
    let orders = c.sim.orders();
    let sim_wx = orders
        .iter()
        .find(|o| o.merchant_order_no == s(&wx, "merchant_order_no"))
        .unwrap();
    assert_eq!(
        (
            sim_wx.amount_minor,
            sim_wx.currency.as_str(),
            sim_wx.status.as_str()
        ),
        (1250, "HKD", "PAID")
    );
    assert_eq!(sim_wx.payment_no, s(&wx, "payment_no"));
    let sim_ali = orders
        .iter()
        .find(|o| o.merchant_order_no == s(&ali, "merchant_order_no"))
        .unwrap();
    assert_eq!(
        (sim_ali.amount_minor, sim_ali.currency.as_str()),
        (1200, "JPY")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn qr_payments_in_both_wallets_paid_by_the_customer() {
    let c = Counter::start().await;
    c.open_shift().await;
    for (wallet, prefix) in [
        ("wechat", "weixin://"),
        ("alipay", "https://qr.alipay.com/"),
    ] {
        let png = c.dir.path().join(format!("{wallet}.png"));
        let r = c
            .cli(
                &[
                    "qr",
                    "--wallet",
                    wallet,
                    "--amount",
                    "8.80",
                    "--json",
                    "--png",
                    png.to_str().unwrap(),
                ],
                &[],
            )
            .await;
        assert_eq!(r.code, 3, "a fresh QR is PENDING: {}", r.stderr);
        let order = r.json();
        let payload = s(&order, "qr_payload");
        assert!(payload.starts_with(prefix), "{payload}");
        assert_eq!(s(&order, "flow"), "qr");
        let sim_order = c
            .sim
            .orders()
            .into_iter()
            .find(|o| o.merchant_order_no == s(&order, "merchant_order_no"))
            .unwrap();
        assert_eq!(sim_order.qr_payload.as_deref(), Some(payload.as_str()));
        assert!(image::open(&png).unwrap().width() >= 512);
        // Not paid yet: still PENDING when asked.
        let r = c
            .cli(&["order", &order["id"].to_string(), "--json"], &[])
            .await;
        assert_eq!((r.code, s(&r.json(), "status")), (3, "PENDING".into()));
        c.sim
            .customer_pays(&s(&order, "merchant_order_no"))
            .unwrap();
        let r = c
            .cli(&["order", &order["id"].to_string(), "--json"], &[])
            .await;
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(s(&r.json(), "status"), "PAID");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn qr_wait_returns_when_the_customer_pays() {
    let mut config = common::sim_config();
    config.customer_pays_qr_after = Some(std::time::Duration::from_millis(300));
    let c = Counter::start_with(config).await;
    c.open_shift().await;
    let r = c
        .cli(
            &[
                "qr",
                "--wallet",
                "alipay",
                "--amount",
                "5",
                "--wait-secs",
                "10",
                "--json",
            ],
            &[],
        )
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(s(&r.json(), "status"), "PAID");
}

#[tokio::test(flavor = "multi_thread")]
async fn init_then_paid_while_waiting() {
    let c = Counter::start().await;
    c.open_shift().await;
    let r = c.pay("3.00", "134567890123456102", &[]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let order = r.json();
    assert_eq!(s(&order, "status"), "PAID");
    assert_eq!(c.sim.charge_requests(&s(&order, "merchant_order_no")), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn init_forever_is_pending_then_reconciled_as_paid() {
    let c = Counter::start().await;
    c.open_shift().await;
    let r = c
        .pay("4.00", "284567890123456103", &["--wait-secs", "1"])
        .await;
    assert_eq!(r.code, 3, "{}", r.stderr);
    let order = r.json();
    assert_eq!(s(&order, "status"), "PENDING");
    assert_eq!(order["abandoned"], true);
    let no = s(&order, "merchant_order_no");
    // Nothing is resolved while the customer has not confirmed.
    let r = c.cli(&["reconcile", "--json"], &[]).await;
    assert_eq!(r.code, 3);
    assert_eq!(r.json()["still_pending_orders"], 1);
    c.sim.customer_pays(&no).unwrap();
    let r = c.cli(&["reconcile", "--json"], &[]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = r.json();
    let change = &report["changes"][0];
    assert_eq!(
        (s(change, "from"), s(change, "to")),
        ("PENDING".into(), "PAID".into())
    );
    assert_eq!(
        change["paid_after_abandon"], true,
        "an abandoned order that turns PAID is shown loudly"
    );
    assert_eq!(report["needs_review"][0]["merchant_order_no"], no.as_str());
    assert_eq!(
        c.sim.charge_requests(&no),
        1,
        "reconcile never charges again"
    );
    let r = c.cli(&["order", &no, "--json"], &[]).await;
    assert_eq!((r.code, s(&r.json(), "status")), (0, "PAID".into()));
}

#[tokio::test(flavor = "multi_thread")]
async fn declined_payment_shows_the_reason() {
    let c = Counter::start().await;
    c.open_shift().await;
    let r = c.pay("50.00", "134567890123456101", &[]).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    let order = r.json();
    assert_eq!(s(&order, "status"), "FAILED");
    assert!(s(&order, "error").contains("NOTENOUGH"), "{order}");
    let r = c.pay("50.00", "284567890123456101", &[]).await;
    assert_eq!(r.code, 2);
    assert!(s(&r.json(), "error").contains("BUYER_BALANCE_NOT_ENOUGH"));
    // Without --json the reason is in words on stdout.
    let r = c
        .cli(
            &["pay", "--amount", "1", "--code", "134567890123457101"],
            &[],
        )
        .await;
    assert_eq!(r.code, 2);
    assert!(
        r.stdout.contains("FAILED") && r.stdout.contains("NOTENOUGH"),
        "{}",
        r.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn dropped_answer_is_recovered_without_a_second_charge() {
    let c = Counter::start().await;
    c.open_shift().await;
    for code in ["134567890123456104", "284567890123456104"] {
        let r = c.pay("9.90", code, &[]).await;
        assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
        let order = r.json();
        assert_eq!(s(&order, "status"), "PAID");
        assert!(!s(&order, "payment_no").is_empty());
        assert_eq!(
            c.sim.charge_requests(&s(&order, "merchant_order_no")),
            1,
            "exactly one charge request"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn service_unavailable_is_unknown_never_failed() {
    let c = Counter::start().await;
    c.open_shift().await;
    let r = c
        .pay("7.00", "134567890123456105", &["--wait-secs", "1"])
        .await;
    assert_eq!(
        r.code, 3,
        "a 503 after a charge request is unknown: {}",
        r.stderr
    );
    let order = r.json();
    assert_eq!(s(&order, "status"), "PENDING");
    assert!(s(&order, "error").contains("503"), "{order}");
    assert_eq!(c.sim.charge_requests(&s(&order, "merchant_order_no")), 1);
    // The same code is never submitted twice.
    let again = c.pay("7.00", "134567890123456105", &[]).await;
    assert_eq!(again.code, 1);
    assert_eq!(again.json()["kind"], "code_used", "{}", again.stdout);
    assert_eq!(c.sim.charge_requests(&s(&order, "merchant_order_no")), 1);
    let text = c
        .cli(&["order", &s(&order, "merchant_order_no")], &[])
        .await;
    assert!(
        text.stdout.contains("do not charge again"),
        "{}",
        text.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn refunds_full_partial_over_and_wrong_pin() {
    let c = Counter::start().await;
    c.open_shift().await;
    let paid = c.pay("100.00", WECHAT_OK, &[]).await.json();
    let id = paid["id"].to_string();
    let manager = [("CASHIER_MANAGER_PIN", MANAGER_PIN)];
    let before = c.money_requests();
    // A wrong PIN (the cashier's own) is refused and nothing is sent.
    let r = c
        .cli(
            &["refund", &id, "--amount", "10", "--json"],
            &[("CASHIER_MANAGER_PIN", CASHIER_PIN)],
        )
        .await;
    assert_eq!(r.code, 1);
    assert!(r.json()["error"].as_str().unwrap().contains("wrong PIN"));
    // No PIN and no terminal: refused, nothing sent.
    let r = c.cli(&["refund", &id, "--amount", "10"], &[]).await;
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("CASHIER_MANAGER_PIN"), "{}", r.stderr);
    assert_eq!(c.money_requests(), before);
    // Partial.
    let r = c
        .cli(
            &[
                "refund",
                &id,
                "--amount",
                "30.50",
                "--reason",
                "one cup returned",
                "--json",
            ],
            &manager,
        )
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let refund = r.json();
    assert_eq!(
        (s(&refund, "status"), s(&refund, "amount")),
        ("SUCCESS".into(), "30.50".into())
    );
    assert_eq!(s(&refund, "approved_by"), "Mei");
    assert!(!s(&refund, "refund_no").is_empty());
    // Over-refund: refused before sending.
    let before = c.money_requests();
    let r = c
        .cli(&["refund", &id, "--amount", "69.51", "--json"], &manager)
        .await;
    assert_eq!(r.code, 1);
    assert!(r.json()["error"]
        .as_str()
        .unwrap()
        .contains("refundable 69.50"));
    assert_eq!(c.money_requests(), before);
    // Full: the rest.
    let r = c.cli(&["refund", &id, "--json"], &manager).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(s(&r.json(), "amount"), "69.50");
    let order = c.cli(&["order", &id, "--json"], &[]).await.json();
    assert_eq!(
        (s(&order, "refunded"), s(&order, "refundable")),
        ("100.00".into(), "0.00".into())
    );
    assert_eq!(order["refunds"].as_array().unwrap().len(), 2);
    let sim_refunds = c.sim.refunds();
    assert_eq!(
        sim_refunds.iter().map(|r| r.amount_minor).sum::<i64>(),
        10000
    );
    // Nothing left.
    let r = c.cli(&["refund", &id], &manager).await;
    assert_eq!(r.code, 1);
    assert_eq!(c.sim.refunds().len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_is_refused_before_anything_is_sent() {
    let c = Counter::start().await;
    c.open_shift().await;
    let cases: &[(&str, &str, &str)] = &[
        (
            "12.50",
            "4006381333931",
            "not a WeChat or Alipay payment code",
        ),
        (
            "12.50",
            "13456789012345678",
            "not a WeChat or Alipay payment code",
        ),
        ("12.50", "abc", "not a WeChat or Alipay payment code"),
        ("12.505", WECHAT_OK, "more decimals"),
        ("0", WECHAT_OK, "greater than zero"),
        ("-5", WECHAT_OK, "greater than zero"),
        ("ten", WECHAT_OK, "not an amount"),
        ("1e3", WECHAT_OK, "not an amount"),
    ];
    for (amount, code, message) in cases {
        let r = c.pay(amount, code, &[]).await;
        assert_eq!(r.code, 1, "{amount} {code}");
        let err = r.json()["error"].as_str().unwrap().to_string();
        assert!(err.contains(message), "{amount} {code}: {err}");
        assert!(r.stderr.starts_with("error: "));
    }
    let r = c.pay("10", WECHAT_OK, &["--currency", "XYZ"]).await;
    assert_eq!(r.code, 1);
    let r = c.pay("10.5", WECHAT_OK, &["--currency", "JPY"]).await;
    assert_eq!(r.code, 1);
    assert!(c.sim.requests().is_empty(), "nothing reached HipoPay");
    let list = c.cli(&["orders", "--all", "--json"], &[]).await.json();
    assert!(
        list["orders"].as_array().unwrap().is_empty(),
        "nothing was written"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn payments_need_an_open_shift_and_a_right_pin() {
    let c = Counter::start().await;
    let r = c
        .cli(
            &["staff", "add", "--name", "Bo", "--role", "cashier"],
            &[("CASHIER_PIN", "1234")],
        )
        .await;
    assert_eq!(r.code, 1, "the first staff member must be a manager");
    c.cli(
        &["staff", "add", "--name", "Mei", "--role", "manager"],
        &[("CASHIER_PIN", MANAGER_PIN)],
    )
    .await;
    let r = c.pay("1", WECHAT_OK, &[]).await;
    assert_eq!(r.code, 1);
    assert!(r.json()["error"]
        .as_str()
        .unwrap()
        .contains("no shift is open"));
    assert_eq!(r.json()["kind"], "shift");
    let r = c
        .cli(
            &["shift", "open", "--staff", "Mei"],
            &[("CASHIER_PIN", "0000")],
        )
        .await;
    assert_eq!(r.code, 1);
    assert!(c.sim.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_shift_cannot_open_while_one_is_open() {
    let c = Counter::start().await;
    c.open_shift().await;
    let r = c
        .cli(
            &["shift", "open", "--staff", "Mei", "--json"],
            &[("CASHIER_PIN", MANAGER_PIN)],
        )
        .await;
    assert_eq!(r.code, 1);
    assert_eq!(r.json()["kind"], "shift_open", "{}", r.stdout);
    assert!(r.json()["error"].as_str().unwrap().contains("still open"));
}

#[tokio::test(flavor = "multi_thread")]
async fn shift_report_and_csv_match_the_sandbox() {
    let c = Counter::start().await;
    c.open_shift().await;
    let codes = [
        "134567890123456001",
        "134567890123456002",
        "284567890123456003",
        "284567890123456004",
    ];
    let amounts = ["10.00", "20.50", "30.25", "40.00"];
    let mut ids = vec![];
    for (code, amount) in codes.iter().zip(amounts) {
        let r = c.pay(amount, code, &[]).await;
        assert_eq!(r.code, 0, "{}", r.stderr);
        ids.push(r.json()["id"].to_string());
    }
    c.pay("5.00", "134567890123456101", &[]).await; // declined
    c.pay("6.00", "134567890123456103", &["--wait-secs", "0"])
        .await; // pending
    let manager = [("CASHIER_MANAGER_PIN", MANAGER_PIN)];
    assert_eq!(
        c.cli(&["refund", &ids[1], "--amount", "5.50"], &manager)
            .await
            .code,
        0
    );
    assert_eq!(c.cli(&["refund", &ids[2]], &manager).await.code, 0);

    let report = c.cli(&["shift", "report", "--json"], &[]).await.json();
    // What HipoPay itself recorded as paid and refunded.
    let sim_paid: i64 = c
        .sim
        .orders()
        .iter()
        .filter(|o| o.status == "PAID")
        .map(|o| o.amount_minor)
        .sum();
    let sim_refunded: i64 = c.sim.refunds().iter().map(|r| r.amount_minor).sum();
    let hkd = &report["totals"][0];
    assert_eq!(s(hkd, "currency"), "HKD");
    let minor = |v: &Value| -> i64 {
        cashier_core::money::parse_minor(v.as_str().unwrap(), cashier_core::money::Currency::HKD)
            .unwrap()
    };
    assert_eq!(minor(&hkd["paid"]), sim_paid);
    assert_eq!(minor(&hkd["refunded"]), sim_refunded);
    assert_eq!(minor(&hkd["net"]), sim_paid - sim_refunded);
    assert_eq!(s(hkd, "net"), "65.00");
    assert_eq!(
        (
            report["paid_count"].as_i64(),
            report["failed_count"].as_i64(),
            report["pending_count"].as_i64()
        ),
        (Some(4), Some(1), Some(1))
    );
    assert_eq!(s(&report["refunds_by_approver"][0], "approved_by"), "Mei");

    let csv_path = c.dir.path().join("shift.csv");
    let r = c
        .cli(
            &[
                "shift",
                "export",
                "--format",
                "csv",
                "--out",
                csv_path.to_str().unwrap(),
                "--json",
            ],
            &[],
        )
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bytes = std::fs::read(&csv_path).unwrap();
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "a BOM so spreadsheets read UTF-8"
    );
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 6 + 2, "one row per order and per refund");
    let mut paid = 0;
    let mut refunded = 0;
    let mut net_column = 0;
    for row in &rows {
        let minor = |column: &str| {
            cashier_core::money::parse_minor(&row[col(column)], cashier_core::money::Currency::HKD)
                .unwrap()
        };
        let amount = minor("amount");
        // A spreadsheet's SUM of `net` is the shift's net, whatever failed.
        net_column += minor("net");
        match (&row[col("type")], &row[col("status")]) {
            ("order", "PAID") => {
                paid += amount;
                let sim = c
                    .sim
                    .orders()
                    .into_iter()
                    .find(|o| o.merchant_order_no == row[col("merchant_order_no")])
                    .unwrap();
                assert_eq!(
                    sim.payment_no,
                    row[col("hipopay_order_no")],
                    "carries HipoPay's number"
                );
            }
            ("refund", "SUCCESS") => refunded -= amount,
            _ => {}
        }
    }
    assert_eq!((paid, refunded), (sim_paid, sim_refunded));
    assert_eq!(net_column, sim_paid - sim_refunded);
    assert!(rows.iter().all(|r| &r[col("mode")] == "live"));

    // Close: the cashier's own PIN; the summary is the report.
    let r = c
        .cli(
            &["shift", "close", "--json"],
            &[("CASHIER_PIN", CASHIER_PIN)],
        )
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["open"], false);
    assert_eq!(
        c.pay("1", "134567890123456099", &[]).await.code,
        1,
        "no payments after close"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_payment_is_recovered_by_reconcile() {
    let c = Counter::start().await;
    c.open_shift().await;
    let mut child = c
        .command(
            &[
                "pay",
                "--amount",
                "15",
                "--code",
                "134567890123456103",
                "--wait-secs",
                "30",
                "--json",
            ],
            &[],
        )
        .spawn()
        .unwrap();
    // Wait until the charge has reached the sandbox, then kill -9 the CLI.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while c.sim.orders().is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the charge never arrived"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    child.start_kill().unwrap();
    child.wait().await.unwrap();
    let no = c.sim.orders()[0].merchant_order_no.clone();
    let r = c.cli(&["order", &no, "--json"], &[]).await;
    assert_eq!(
        s(&r.json(), "status"),
        "PENDING",
        "the order survived the crash"
    );
    c.sim.customer_pays(&no).unwrap();
    let r = c.cli(&["reconcile", "--json"], &[]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = c.cli(&["order", &no, "--json"], &[]).await;
    assert_eq!(s(&r.json(), "status"), "PAID");
    assert_eq!(c.sim.charge_requests(&no), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_mode_needs_no_config_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: Vec<&str>, env: Vec<(&str, &str)>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_cashier-cli"));
        // Nothing names a config and there is none at the default place.
        cmd.env_remove("CASHIER_CONFIG")
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .env("HOME", dir.path())
            .env("CASHIER_DB", dir.path().join("ledger.sqlite3"))
            .env_remove("CASHIER_PIN")
            .env_remove("CASHIER_MANAGER_PIN")
            .envs(env)
            .args(args)
            .stdin(std::process::Stdio::null());
        cmd.output().unwrap()
    };
    let out = run(
        vec!["staff", "add", "--name", "Mei", "--role", "manager"],
        vec![("CASHIER_PIN", "1234")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("DEMO"));
    let out = run(
        vec!["shift", "open", "--staff", "Mei"],
        vec![("CASHIER_PIN", "1234")],
    );
    assert!(out.status.success());
    let out = run(
        vec!["pay", "--amount", "12.50", "--code", WECHAT_OK, "--json"],
        vec![],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let order: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s(&order, "status"), "PAID");
    // A later run (a new in-process sandbox) still knows the order.
    let out = run(
        vec!["refund", &order["id"].to_string(), "--json"],
        vec![("CASHIER_MANAGER_PIN", "1234")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A config someone named but that is not there is an error, never a quiet
/// demo mode whose "PAID" would be the sandbox's word for a real customer.
#[tokio::test(flavor = "multi_thread")]
async fn a_named_config_that_is_missing_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let absent = dir.path().join("absent.toml");
    let db = dir.path().join("ledger.sqlite3");
    for how in ["--config", "CASHIER_CONFIG"] {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_cashier-cli"));
        cmd.env_remove("CASHIER_CONFIG")
            .env("CASHIER_DB", &db)
            .env("CASHIER_PIN", "1234")
            .stdin(std::process::Stdio::null());
        if how == "--config" {
            cmd.arg("--config").arg(&absent);
        } else {
            cmd.env("CASHIER_CONFIG", &absent);
        }
        let out = cmd
            .args([
                "staff", "add", "--name", "Mei", "--role", "manager", "--json",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{how}");
        let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(answer["kind"], "config", "{how}: {answer}");
        let error = answer["error"].as_str().unwrap();
        assert!(
            error.contains("absent.toml") && error.contains("does not exist"),
            "{error}"
        );
        assert!(!db.exists(), "{how}: nothing was written");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn help_documents_every_command() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cashier-cli"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for cmd in [
        "staff",
        "shift",
        "pay",
        "qr",
        "order",
        "reconcile",
        "refund",
        "--config",
        "--db",
        "--json",
        "Exit codes",
    ] {
        assert!(help.contains(cmd), "--help lacks {cmd}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn unclear_refunds_are_finished_as_the_same_refund() {
    use hipopay_sim::Fault;
    let c = Counter::start().await;
    c.open_shift().await;
    let first = c.pay("40.00", WECHAT_OK, &[]).await.json();
    let second = c.pay("30.00", "284567890123456001", &[]).await.json();
    let manager = [("CASHIER_MANAGER_PIN", MANAGER_PIN)];

    // The refund is made but its answer is lost: recovered by asking.
    c.sim
        .add_fault(common::fault("POST", "/refund", Fault::DropAfterCommit, 1));
    let r = c
        .cli(
            &[
                "refund",
                &first["id"].to_string(),
                "--amount",
                "15",
                "--json",
            ],
            &manager,
        )
        .await;
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    assert_eq!(s(&r.json(), "status"), "SUCCESS");
    assert_eq!(c.sim.refunds().len(), 1);

    // HipoPay never received it (503, nothing recorded): PENDING, then
    // reconcile sends it again under the same outer_refund_no.
    c.sim.add_fault(common::fault(
        "POST",
        "/alipay/refund",
        Fault::Status(503),
        1,
    ));
    let r = c
        .cli(&["refund", &second["id"].to_string(), "--json"], &manager)
        .await;
    assert_eq!(r.code, 3, "{} {}", r.stdout, r.stderr);
    let pending = r.json();
    assert_eq!(s(&pending, "status"), "PENDING");
    assert_eq!(c.sim.refunds().len(), 1);
    let r = c.cli(&["reconcile", "--json"], &[]).await;
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    let refunds = c.sim.refunds();
    assert_eq!(refunds.len(), 2);
    assert_eq!(refunds[1].outer_refund_no, s(&pending, "outer_refund_no"));
    assert_eq!(refunds[1].amount_minor, 3000);
    // Reconciling again changes nothing and refunds nothing twice.
    assert_eq!(c.cli(&["reconcile"], &[]).await.code, 0);
    assert_eq!(c.sim.refunds().len(), 2);
    let order = c
        .cli(&["order", &second["id"].to_string(), "--json"], &[])
        .await
        .json();
    assert_eq!(
        (s(&order, "refunded"), s(&order, "refundable")),
        ("30.00".into(), "0.00".into())
    );
}

/// The same ledger run in demo mode, then live: demo payments never reach
/// the live acquirer, and live payments never go into the demo shift.
#[tokio::test(flavor = "multi_thread")]
async fn demo_and_live_payments_never_share_a_shift_or_an_acquirer() {
    let c = Counter::start().await;
    let manager = [("CASHIER_MANAGER_PIN", MANAGER_PIN)];
    let mei = [("CASHIER_PIN", MANAGER_PIN)];
    let r = c
        .cli(
            &["staff", "add", "--name", "Mei", "--role", "manager"],
            &mei,
        )
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Demo mode on the same ledger: nothing names a config, none by default.
    let demo = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_cashier-cli"));
        cmd.env_remove("CASHIER_CONFIG")
            .env_remove("CASHIER_PIN")
            .env_remove("CASHIER_MANAGER_PIN")
            .env("XDG_CONFIG_HOME", c.dir.path().join("no-config"))
            .env("HOME", c.dir.path())
            .arg("--db")
            .arg(&c.db)
            .args(args)
            .envs(env.iter().copied())
            .stdin(std::process::Stdio::null());
        let out = cmd.output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            serde_json::from_slice::<Value>(&out.stdout).unwrap_or(Value::Null),
        )
    };
    let (code, shift) = demo(&["shift", "open", "--staff", "Mei", "--json"], &mei);
    assert_eq!(code, 0, "{shift}");
    let (code, paid) = demo(
        &[
            "pay",
            "--amount",
            "8.00",
            "--code",
            "134567890123456201",
            "--json",
        ],
        &[],
    );
    assert_eq!((code, s(&paid, "mode").as_str()), (0, "demo"), "{paid}");
    let (code, pending) = demo(
        &[
            "pay",
            "--amount",
            "9.00",
            "--code",
            "134567890123456103",
            "--wait-secs",
            "0",
            "--json",
        ],
        &[],
    );
    assert_eq!(code, 3, "{pending}");

    // Live mode, the demo shift still open: no payment goes into it.
    let r = c.pay("10.00", "134567890123456202", &[]).await;
    assert_eq!(r.code, 1);
    assert_eq!(r.json()["kind"], "shift_mode", "{}", r.stdout);
    assert!(r.json()["error"].as_str().unwrap().contains("demo mode"));
    // Reconcile does not ask the live acquirer about a demo order, and a
    // demo order is not refunded through it.
    let r = c.cli(&["reconcile", "--json"], &[]).await;
    assert_eq!(r.json()["checked_orders"], 0, "{}", r.stdout);
    let r = c
        .cli(&["refund", &paid["id"].to_string(), "--json"], &manager)
        .await;
    assert_eq!(r.json()["kind"], "shift_mode", "{}", r.stdout);
    assert!(
        c.sim.requests().is_empty(),
        "the live acquirer heard nothing"
    );

    // Close the demo shift, open a live one: live payments go through, and
    // the demo shift's report says it was demo.
    let r = c.cli(&["shift", "close", "--json"], &mei).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["mode"], "demo");
    let r = c
        .cli(&["shift", "open", "--staff", "Mei", "--json"], &mei)
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = c.pay("10.00", "134567890123456202", &[]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["mode"], "live");
    let r = c.cli(&["shift", "report", "--json"], &[]).await;
    assert_eq!(r.json()["mode"], "live");
    assert_eq!(r.json()["paid_count"], 1, "the demo payments are not in it");
}

/// A refund whose answer was lost, and which HipoPay cannot find by our
/// refund number afterwards: sent again only if the order's refundable
/// amount shows it is not there; settled as SUCCESS if it shows it went
/// through. Never refunded twice.
#[tokio::test(flavor = "multi_thread")]
async fn a_refund_hipopay_cannot_find_is_settled_by_the_refundable_amount() {
    use hipopay_sim::Fault;
    let c = Counter::start().await;
    c.open_shift().await;
    let manager = [("CASHIER_MANAGER_PIN", MANAGER_PIN)];
    for (code, lost) in [
        ("134567890123456301", Fault::DropAfterCommit),
        ("134567890123456302", Fault::DropBeforeCommit),
    ] {
        let before = c.sim.refunds().len();
        let order = c.pay("40.00", code, &[]).await.json();
        let landed = lost == Fault::DropAfterCommit;
        c.sim.add_fault(common::fault("POST", "/refund", lost, 1));
        // Asked by our refund number, HipoPay says "not found" (twice: the
        // refund's own check, then reconcile's).
        c.sim
            .add_fault(common::fault("GET", "/refund", Fault::Status(404), 2));
        let r = c
            .cli(
                &[
                    "refund",
                    &order["id"].to_string(),
                    "--amount",
                    "15",
                    "--json",
                ],
                &manager,
            )
            .await;
        assert_eq!(r.code, 3, "{} {}", r.stdout, r.stderr);
        let refund_id = r.json()["id"].to_string();
        let outer = s(&r.json(), "outer_refund_no");
        let sends = || {
            c.sim
                .requests()
                .iter()
                .filter(|q| {
                    q.method == "POST"
                        && q.path == "/refund"
                        && q.params.get("outer_refund_no") == Some(&outer)
                })
                .count()
        };
        assert_eq!(c.sim.refunds().len(), before + usize::from(landed));
        let r = c.cli(&["reconcile", "--json"], &[]).await;
        assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
        assert_eq!(
            c.sim.refunds().len(),
            before + 1,
            "exactly one refund at HipoPay (landed first time: {landed})"
        );
        // Sent again only when it had not landed.
        assert_eq!(sends(), if landed { 1 } else { 2 }, "landed: {landed}");
        let order = c
            .cli(&["order", &order["id"].to_string(), "--json"], &[])
            .await
            .json();
        assert_eq!(s(&order, "refunded"), "15.00", "{order}");
        let refund = &order["refunds"][0];
        assert_eq!(refund["id"].to_string(), refund_id);
        assert_eq!(s(refund, "status"), "SUCCESS");
    }
}

/// `order ID` when HipoPay cannot be asked: the stored order, exit 3, and why.
#[tokio::test(flavor = "multi_thread")]
async fn an_order_that_cannot_be_checked_now_is_shown_as_not_known_yet() {
    use hipopay_sim::Fault;
    let c = Counter::start().await;
    c.open_shift().await;
    let r = c
        .pay("6.00", "134567890123456103", &["--wait-secs", "0"])
        .await;
    assert_eq!(r.code, 3, "{}", r.stderr);
    let id = r.json()["id"].to_string();
    c.sim
        .add_fault(common::fault("GET", "/order", Fault::Status(503), 1));
    let r = c.cli(&["order", &id, "--json"], &[]).await;
    assert_eq!(r.code, 3, "{} {}", r.stdout, r.stderr);
    assert_eq!(s(&r.json(), "status"), "PENDING");
    assert!(s(&r.json(), "check_error").contains("503"), "{}", r.stdout);
}

/// Sends of one refund that reached the sandbox's door.
fn refund_posts(c: &Counter, outer: &str) -> usize {
    c.sim
        .requests()
        .iter()
        .filter(|q| {
            q.method == "POST"
                && q.path == "/refund"
                && q.params.get("outer_refund_no").map(String::as_str) == Some(outer)
        })
        .count()
}

/// Two partial refunds of one order, both answers lost, and HipoPay unable
/// to find either by its number afterwards.
struct TwoLostRefunds {
    c: Counter,
    order_id: String,
    merchant_order_no: String,
    refunds: Vec<Value>,
}

async fn two_lost_refunds(first: hipopay_sim::Fault, second: hipopay_sim::Fault) -> TwoLostRefunds {
    use hipopay_sim::Fault;
    let c = Counter::start().await;
    c.open_shift().await;
    let order = c.pay("40.00", "134567890123456401", &[]).await.json();
    let order_id = order["id"].to_string();
    c.sim
        .add_fault(common::fault("GET", "/refund", Fault::Status(404), 100));
    let mut refunds = vec![];
    for lost in [first, second] {
        c.sim.add_fault(common::fault("POST", "/refund", lost, 1));
        let r = c
            .cli(
                &["refund", &order_id, "--amount", "10", "--json"],
                &[("CASHIER_MANAGER_PIN", MANAGER_PIN)],
            )
            .await;
        assert_eq!(r.code, 3, "{} {}", r.stdout, r.stderr);
        refunds.push(r.json());
    }
    TwoLostRefunds {
        merchant_order_no: s(&order, "merchant_order_no"),
        c,
        order_id,
        refunds,
    }
}

impl TwoLostRefunds {
    fn sends(&self, i: usize) -> usize {
        refund_posts(&self.c, &s(&self.refunds[i], "outer_refund_no"))
    }

    async fn order(&self) -> Value {
        self.c
            .cli(&["order", &self.order_id, "--json"], &[])
            .await
            .json()
    }

    fn refunded_at_hipopay(&self) -> i64 {
        self.c
            .sim
            .orders()
            .into_iter()
            .find(|o| o.merchant_order_no == self.merchant_order_no)
            .unwrap()
            .refunded_minor
    }
}

/// Both landed: HipoPay's refundable amount (20.00 of 40.00) shows it, so
/// both are SUCCESS and neither is sent again. Neither landed: the amount is
/// untouched, so each is sent again under its own number and lands once.
#[tokio::test(flavor = "multi_thread")]
async fn two_lost_refunds_settle_by_the_refundable_amount() {
    use hipopay_sim::Fault;
    for (lost, sends) in [(Fault::DropAfterCommit, 1), (Fault::DropBeforeCommit, 2)] {
        let t = two_lost_refunds(lost.clone(), lost.clone()).await;
        let r = t.c.cli(&["reconcile", "--json"], &[]).await;
        assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
        assert_eq!((t.sends(0), t.sends(1)), (sends, sends), "{lost:?}");
        let order = t.order().await;
        assert_eq!(s(&order, "refunded"), "20.00", "{lost:?}: {order}");
        assert_eq!(t.refunded_at_hipopay(), 2000, "{lost:?}");
    }
}

/// One landed and one did not, and the refundable amount cannot say which:
/// nothing is sent again. A manager settles one after checking HipoPay's
/// back office (not before reconcile handed it over, not within five
/// minutes of its send, not with a wrong PIN); the next pass then sends the
/// other. The order is never refunded more than the 20.00 asked.
#[tokio::test(flavor = "multi_thread")]
async fn two_unclear_refunds_wait_for_a_manager_then_finish() {
    use hipopay_sim::Fault;
    let t = two_lost_refunds(Fault::DropAfterCommit, Fault::DropBeforeCommit).await;
    let c = &t.c;
    let first = t.refunds[0]["id"].to_string();
    let settle = |pin: &'static str| {
        let first = first.clone();
        async move {
            c.cli(
                &[
                    "refund-settle",
                    &first,
                    "--outcome",
                    "refunded",
                    "--note",
                    "seen in back office",
                    "--json",
                ],
                &[("CASHIER_MANAGER_PIN", pin)],
            )
            .await
        }
    };
    let refused = settle(MANAGER_PIN).await;
    assert_eq!(refused.code, 1);
    assert!(
        s(&refused.json(), "error").contains("still being settled"),
        "{}",
        refused.stdout
    );

    let r = c.cli(&["reconcile", "--json"], &[]).await;
    assert_eq!(r.json()["still_pending_refunds"], 2, "{}", r.stdout);
    assert_eq!(
        (t.sends(0), t.sends(1)),
        (1, 1),
        "nothing sent again on a guess"
    );
    let order = t.order().await;
    assert_eq!(order["refunds"][0]["needs_manager"], true, "{order}");
    assert!(s(&order["refunds"][0], "error").contains("a manager checks"));

    let early = settle(MANAGER_PIN).await;
    assert!(
        s(&early.json(), "error").contains("could still land"),
        "{}",
        early.stdout
    );
    // Ten minutes later.
    rusqlite::Connection::open(&c.db)
        .unwrap()
        .execute("UPDATE refunds SET sent_at = sent_at - 600000", [])
        .unwrap();
    let wrong = settle("0000").await;
    assert_eq!(
        (wrong.code, wrong.json()["kind"].as_str()),
        (1, Some("auth"))
    );
    let r = settle(MANAGER_PIN).await;
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    assert_eq!(s(&r.json(), "status"), "SUCCESS");
    let audit = cashier_core::ledger::Ledger::open(&c.db)
        .unwrap()
        .audit_entries()
        .unwrap();
    assert!(
        audit
            .iter()
            .any(|(action, _, detail)| action == "refund_settled"
                && detail.contains("seen in back office")),
        "{audit:?}"
    );

    // Now the books say the first landed: the second is safely sent again.
    let r = c.cli(&["reconcile", "--json"], &[]).await;
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    assert_eq!((t.sends(0), t.sends(1)), (1, 2));
    let order = t.order().await;
    assert_eq!(
        (s(&order, "refunded"), s(&order, "refundable")),
        ("20.00".into(), "20.00".into()),
        "{order}"
    );
    assert_eq!(
        t.refunded_at_hipopay(),
        2000,
        "refunded 20.00 at HipoPay, not more"
    );
}
