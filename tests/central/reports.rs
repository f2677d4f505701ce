//! The store's day over the central books: every counter's sales in one
//! report, one CSV, and HipoPay's statement matched against all of them.

use super::{push, s, server, till};
use crate::common::Counter;
use chrono::{FixedOffset, Local, Utc};
use hipopay_sim::StatementEdit;

const WECHAT: &str = "134567890123456000";
const ALIPAY: &str = "284567890123456000";

fn today() -> (String, String) {
    let local = Local::now().format("%Y-%m-%d").to_string();
    let hipopay = Utc::now()
        .with_timezone(&FixedOffset::east_opt(8 * 3600).unwrap())
        .format("%Y-%m-%d")
        .to_string();
    (local, hipopay)
}

async fn sell(c: &Counter, amount: &str, code: &str) -> serde_json::Value {
    let r = c.pay(amount, code, &[]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()
}

#[tokio::test(flavor = "multi_thread")]
async fn one_day_report_one_csv_and_one_match_for_every_counter() {
    let pg = server();
    let c1 = till(&pg, "C1", None).await;
    push(&c1).await;
    let c2 = till(&pg, "C2", Some(&c1)).await;
    let sale = sell(&c1, "12.50", WECHAT).await;
    sell(&c1, "8.00", ALIPAY).await;
    sell(&c2, "20.00", "134567890123456001").await;
    let r = super::refund(&c1, &s(&sale, "merchant_order_no"), "2.50").await;
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    push(&c1).await;
    push(&c2).await;
    let (local, hipopay_day) = today();

    // The day, from either till: both counters and the store.
    let day = c2
        .cli(&["books", "day", "--date", &local, "--json"], &[])
        .await;
    assert_eq!(day.code, 0, "{}", day.stderr);
    let day = day.json();
    let counters: Vec<String> = day["counters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| s(c, "counter"))
        .collect();
    assert_eq!(counters, ["C1", "C2"], "{day}");
    let wx = day["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["wallet"] == "wechat")
        .unwrap();
    assert_eq!(
        (s(wx, "paid"), wx["paid_count"].as_i64()),
        ("32.50".into(), Some(2))
    );
    assert_eq!(
        (s(wx, "refunded"), s(wx, "net"), wx["refund_count"].as_i64()),
        ("2.50".into(), "30.00".into(), Some(1))
    );
    let c2_totals = &day["counters"][1]["totals"][0];
    assert_eq!(s(c2_totals, "net"), "20.00");

    // One CSV row per payment and per refund, with its counter.
    let out = c1.dir.path().join("day.csv");
    let r = c1
        .cli(
            &[
                "books",
                "export",
                "--date",
                &local,
                "--out",
                out.to_str().unwrap(),
                "--json",
            ],
            &[],
        )
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["rows"], 4);
    let csv = std::fs::read_to_string(&out).unwrap();
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let counters: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect();
    assert_eq!(
        counters.iter().filter(|c| *c == "C1").count(),
        3,
        "{counters:?}"
    );
    let rows: Vec<std::collections::HashMap<String, String>> =
        csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes())
            .deserialize()
            .map(Result::unwrap)
            .collect();
    let refund_row = rows
        .iter()
        .find(|r| r["type"] == "refund")
        .unwrap_or_else(|| panic!("the refund's row: {csv}"));
    assert_eq!(
        (
            refund_row["counter"].as_str(),
            refund_row["amount"].as_str(),
            refund_row["staff"].as_str(),
            refund_row["merchant_order_no"].as_str()
        ),
        ("C1", "-2.50", "Mei", s(&sale, "merchant_order_no").as_str()),
        "{csv}"
    );
    // Each payment with HipoPay's rate and its CNY amount.
    for r in rows.iter().filter(|r| r["type"] == "payment") {
        assert!(
            !r["exchange_rate"].is_empty() && !r["cny_amount"].is_empty(),
            "{csv}"
        );
    }
    assert_eq!(counters.iter().filter(|c| *c == "C2").count(), 1);

    // HipoPay's statement against every counter's payments.
    let m = c1
        .cli(&["books", "match", "--date", &hipopay_day, "--json"], &[])
        .await;
    assert_eq!(m.code, 0, "{} {}", m.stdout, m.stderr);
    assert_eq!(m.json()["matched"], 4, "three payments and a refund");
    // A payment at C2 HipoPay does not list: named, with its counter.
    let c2_order = c1
        .sim
        .orders()
        .into_iter()
        .find(|o| o.merchant_order_no.starts_with("C2-"))
        .unwrap();
    c1.sim.edit_statement(StatementEdit::Omit {
        merchant_order_no: c2_order.merchant_order_no.clone(),
    });
    let m = c1
        .cli(&["books", "match", "--date", &hipopay_day, "--json"], &[])
        .await;
    assert_eq!(m.code, 2, "{}", m.stdout);
    let m = m.json();
    assert_eq!(s(&m["ours_only"][0], "counter"), "C2", "{m}");
    // Read in Hong Kong, where the shop's day is the statement's day.
    let day = c2
        .cli(
            &["books", "day", "--date", &hipopay_day, "--json"],
            &[("TZ", "Asia/Hong_Kong")],
        )
        .await
        .json();
    assert_eq!(day["matches_statement"], false, "every till sees the stamp");
}
