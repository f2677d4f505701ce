//! Shifts from the command line: opening needs the right PIN, one shift at
//! a time, and the report and CSV agree with the sandbox to the cent.

use crate::common::{Counter, CASHIER_PIN, MANAGER_PIN};
use crate::{s, WECHAT_OK};
use serde_json::Value;

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
                // HipoPay's rate, and the amount in CNY at it, to the fen.
                let rate = &row[col("exchange_rate")];
                assert!(!rate.is_empty(), "the rate HipoPay gave: {row:?}");
                assert_eq!(
                    &row[col("cny_amount")],
                    crate::common::cny_at_rate(amount, rate)
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
