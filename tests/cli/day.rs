//! `day report`: the day's close at this counter, across its shifts.

use super::{s, ALIPAY_OK, WECHAT_OK};
use crate::common::{Counter, CASHIER_PIN, MANAGER_PIN};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread")]
async fn the_days_close_spans_its_shifts_names_approvers_and_what_is_unclear() {
    let c = Counter::start().await;
    c.name("C7");
    c.open_shift().await;
    let first = c.pay("10.00", WECHAT_OK, &[]).await.json();
    assert_eq!(s(&first, "status"), "PAID");
    // A second shift, Mei's, the same day.
    let r = c
        .cli(&["shift", "close"], &[("CASHIER_PIN", CASHIER_PIN)])
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = c
        .cli(
            &["shift", "open", "--staff", "Mei"],
            &[("CASHIER_PIN", MANAGER_PIN)],
        )
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let second = c.pay("25.50", ALIPAY_OK, &[]).await.json();
    assert_eq!(s(&second, "status"), "PAID");
    let r = c
        .cli(
            &[
                "refund",
                &s(&first, "merchant_order_no"),
                "--amount",
                "4",
                "--json",
            ],
            &[("CASHIER_MANAGER_PIN", MANAGER_PIN)],
        )
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The customer is still confirming on the phone: unclear at the close.
    let pending = c
        .pay("9.90", "134567890123456103", &["--wait-secs", "1"])
        .await;
    assert_eq!(pending.code, 3, "{}", pending.stdout);
    let pending = pending.json();

    let r = c.cli(&["day", "report", "--json"], &[]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let close = r.json();
    assert_eq!(s(&close, "counter"), "C7");
    assert_eq!(close["shifts"].as_array().unwrap().len(), 2, "{close}");
    let totals: Vec<(String, String, String, String)> = close["totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (s(t, "wallet"), s(t, "paid"), s(t, "refunded"), s(t, "net")))
        .collect();
    assert_eq!(
        totals,
        vec![
            (
                "alipay".into(),
                "25.50".into(),
                "0.00".into(),
                "25.50".into()
            ),
            (
                "wechat".into(),
                "10.00".into(),
                "4.00".into(),
                "6.00".into()
            ),
        ]
    );
    let approvers: Vec<(String, String)> = close["refunds_by_approver"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (s(a, "approved_by"), s(a, "amount")))
        .collect();
    assert_eq!(approvers, vec![("Mei".to_string(), "4.00".to_string())]);
    let unclear: Vec<&Value> = close["unclear"].as_array().unwrap().iter().collect();
    assert_eq!(unclear.len(), 1, "{close}");
    assert_eq!(s(unclear[0], "number"), s(&pending, "merchant_order_no"));
    assert_eq!(s(unclear[0], "amount"), "9.90");

    // Another day has nothing; a date that is not one is refused.
    let r = c
        .cli(&["day", "report", "--date", "2020-01-01", "--json"], &[])
        .await;
    assert_eq!(r.code, 0);
    assert!(r.json()["totals"].as_array().unwrap().is_empty());
    let r = c.cli(&["day", "report", "--date", "yesterday"], &[]).await;
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("not a date"), "{}", r.stderr);
}
