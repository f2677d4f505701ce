//! The back office from the command line, on one till's own ledger: the
//! day's takings, and HipoPay's statement matched to the cent.

use crate::common::{Counter, MANAGER_PIN};
use crate::{s, ALIPAY_OK, WECHAT_OK};
use chrono::{FixedOffset, Local, Utc};
use hipopay_sim::StatementEdit;
use serde_json::Value;

/// Today as the shop counts it (local time) and as HipoPay does (UTC+8).
fn today() -> (String, String) {
    let local = Local::now().format("%Y-%m-%d").to_string();
    let hipopay = Utc::now()
        .with_timezone(&FixedOffset::east_opt(8 * 3600).unwrap())
        .format("%Y-%m-%d")
        .to_string();
    (local, hipopay)
}

/// A till named C1 that took 12.50 by WeChat, 8.00 by Alipay, and refunded
/// 2.50 of the first.
async fn a_day_at_c1() -> (Counter, Value) {
    let c = Counter::start().await;
    let text = std::fs::read_to_string(&c.config).unwrap();
    std::fs::write(
        &c.config,
        text.replace("[terminal]\n", "[terminal]\ncounter = \"C1\"\n"),
    )
    .unwrap();
    c.open_shift().await;
    let wx = c.pay("12.50", WECHAT_OK, &[]).await.json();
    assert_eq!(c.pay("8.00", ALIPAY_OK, &[]).await.code, 0);
    let r = c
        .cli(
            &[
                "refund",
                &wx["id"].to_string(),
                "--amount",
                "2.50",
                "--json",
            ],
            &[("CASHIER_MANAGER_PIN", MANAGER_PIN)],
        )
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    (c, wx)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_day_report_sums_each_wallet_and_currency() {
    let (c, _) = a_day_at_c1().await;
    let (local, _) = today();
    let r = c
        .cli(&["books", "day", "--date", &local, "--json"], &[])
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let day = r.json();
    assert_eq!(s(&day, "date"), local);
    assert_eq!(day["counters"].as_array().unwrap().len(), 1, "{day}");
    assert_eq!(s(&day["counters"][0], "counter"), "C1");
    let totals = day["totals"].as_array().unwrap();
    let wx = totals.iter().find(|t| t["wallet"] == "wechat").unwrap();
    assert_eq!(
        (s(wx, "paid"), s(wx, "refunded"), s(wx, "net")),
        ("12.50".into(), "2.50".into(), "10.00".into())
    );
    assert_eq!(
        (wx["paid_count"].as_i64(), wx["refund_count"].as_i64()),
        (Some(1), Some(1))
    );
    let ali = totals.iter().find(|t| t["wallet"] == "alipay").unwrap();
    assert_eq!(s(ali, "net"), "8.00");
    assert_eq!(day["unclear"], 0);
    assert_eq!(day["matches_statement"], Value::Null, "not matched yet");
    // Another day has nothing; a date that is not one is refused.
    let empty = c
        .cli(&["books", "day", "--date", "2020-01-01", "--json"], &[])
        .await
        .json();
    assert!(empty["totals"].as_array().unwrap().is_empty());
    let bad = c
        .cli(&["books", "day", "--date", "2026-13-01", "--json"], &[])
        .await;
    assert_eq!((bad.code, s(&bad.json(), "kind")), (1, "input".into()));
}

/// The day report's "matches HipoPay's statement" stamp for `day`, read
/// in Hong Kong, where the shop's day is HipoPay's statement day.
async fn stamp(c: &Counter, day: &str) -> Value {
    let r = c
        .cli(
            &["books", "day", "--date", day, "--json"],
            &[("TZ", "Asia/Hong_Kong")],
        )
        .await;
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    r.json()["matches_statement"].clone()
}

/// The statement agrees: exit 0, every entry matched, the raw file kept
/// (owner-only) and the day report stamped. Then HipoPay's file lists a
/// payment no counter took, leaves one out and states another amount:
/// each is reported with both numbers, exit 2, and the stamp says so.
#[tokio::test(flavor = "multi_thread")]
async fn hipopays_statement_is_matched_to_the_cent() {
    use std::os::unix::fs::PermissionsExt;
    let (c, wx) = a_day_at_c1().await;
    let (_, hipopay_day) = today();
    let r = c
        .cli(&["books", "match", "--date", &hipopay_day, "--json"], &[])
        .await;
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    let m = r.json();
    assert_eq!(
        (m["matches"].as_bool(), m["matched"].as_u64()),
        (Some(true), Some(3)),
        "{m}"
    );
    let call = c
        .sim
        .requests()
        .into_iter()
        .find(|q| q.path == "/download_bill")
        .unwrap();
    assert_eq!(call.params["start_date"], hipopay_day.replace('-', ""));
    let kept: Vec<_> = std::fs::read_dir(c.dir.path().join("statements"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        std::fs::metadata(&kept[0]).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(std::fs::read_to_string(&kept[0])
        .unwrap()
        .contains(&s(&wx, "merchant_order_no")));
    assert_eq!(stamp(&c, &hipopay_day).await, true);

    let alipay_no = c
        .sim
        .orders()
        .into_iter()
        .find(|o| o.wallet == "alipay")
        .unwrap()
        .merchant_order_no;
    c.sim.edit_statement(StatementEdit::AddPayment {
        merchant_order_no: "C9-PHANTOM".into(),
        payment_no: "999".into(),
        currency: "HKD".into(),
        amount_minor: 4200,
        at: Utc::now(),
    });
    c.sim.edit_statement(StatementEdit::Omit {
        merchant_order_no: alipay_no.clone(),
    });
    c.sim.edit_statement(StatementEdit::Amount {
        merchant_order_no: s(&wx, "merchant_order_no"),
        amount_minor: 1300,
    });
    let r = c
        .cli(&["books", "match", "--date", &hipopay_day, "--json"], &[])
        .await;
    assert_eq!(r.code, 2, "{} {}", r.stdout, r.stderr);
    let m = r.json();
    assert_eq!(m["matches"], false);
    let only_hipopay = &m["hipopay_only"].as_array().unwrap();
    assert_eq!(only_hipopay.len(), 1, "{m}");
    assert_eq!(s(&only_hipopay[0], "merchant_order_no"), "C9-PHANTOM");
    assert_eq!(s(&only_hipopay[0]["hipopay"], "amount"), "42.00");
    let ours_only = m["ours_only"].as_array().unwrap();
    assert_eq!(ours_only.len(), 1, "{m}");
    assert_eq!(s(&ours_only[0], "merchant_order_no"), alipay_no);
    assert_eq!(s(&ours_only[0], "counter"), "C1");
    let differs = m["differs"].as_array().unwrap();
    assert_eq!(differs.len(), 1, "{m}");
    assert_eq!(
        (
            s(&differs[0]["ours"], "amount"),
            s(&differs[0]["hipopay"], "amount")
        ),
        ("12.50".into(), "13.00".into())
    );
    assert_eq!(stamp(&c, &hipopay_day).await, false);
    // The text form says the same in words.
    let text = c
        .cli(&["books", "match", "--date", &hipopay_day], &[])
        .await;
    assert!(
        text.stdout.contains("only at HipoPay: payment C9-PHANTOM"),
        "{}",
        text.stdout
    );
}
