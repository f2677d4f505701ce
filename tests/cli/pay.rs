//! Scan payments from the command line: both wallets, declines, answers
//! lost or late, bad input refused before anything is sent.

use crate::common;
use crate::common::Counter;
use crate::{s, ALIPAY_OK, WECHAT_OK};

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
    // Scripts and screens read why from the code, not the words.
    assert_eq!(s(&order, "reason"), "insufficient_funds", "{order}");
    let r = c.pay("50.00", "284567890123456101", &[]).await;
    assert_eq!(r.code, 2);
    assert!(s(&r.json(), "error").contains("BUYER_BALANCE_NOT_ENOUGH"));
    assert_eq!(s(&r.json(), "reason"), "insufficient_funds");
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
    assert_eq!(s(&order, "reason"), "acquirer_trouble", "{order}");
    assert_eq!(c.sim.charge_requests(&s(&order, "merchant_order_no")), 1);
    // The same code is never submitted twice, and the refusal says nothing moved.
    let again = c.pay("7.00", "134567890123456105", &[]).await;
    assert_eq!(again.code, 1);
    assert_eq!(again.json()["kind"], "code_used", "{}", again.stdout);
    assert_eq!(
        again.json()["money_may_have_moved"],
        false,
        "{}",
        again.stdout
    );
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

/// A counter's name starts our order numbers and reaches HipoPay as WeChat's
/// `device_info`, so HipoPay's own records say which till took a payment;
/// QR orders carry it too.
#[tokio::test(flavor = "multi_thread")]
async fn each_payment_names_the_counter_that_took_it() {
    let c = Counter::start().await;
    let text = std::fs::read_to_string(&c.config).unwrap();
    std::fs::write(
        &c.config,
        text.replace("[terminal]\n", "[terminal]\ncounter = \"C7\"\n"),
    )
    .unwrap();
    c.open_shift().await;
    let wx = c.pay("12.50", WECHAT_OK, &[]).await.json();
    assert_eq!(s(&wx, "counter"), "C7");
    assert!(s(&wx, "merchant_order_no").starts_with("C7-"), "{wx}");
    let qr = c
        .cli(
            &["qr", "--wallet", "wechat", "--amount", "3.00", "--json"],
            &[],
        )
        .await
        .json();
    assert_eq!(s(&qr, "counter"), "C7");
    let ali = c.pay("8.00", ALIPAY_OK, &[]).await.json();
    assert!(s(&ali, "merchant_order_no").starts_with("C7-"), "{ali}");
    let at_hipopay = |no: String| {
        c.sim
            .orders()
            .into_iter()
            .find(|o| o.merchant_order_no == no)
            .unwrap()
    };
    assert_eq!(at_hipopay(s(&wx, "merchant_order_no")).device_info, "C7");
    assert_eq!(at_hipopay(s(&qr, "merchant_order_no")).device_info, "C7");
    // Alipay's calls have no such field; the order number still says it.
    assert_eq!(at_hipopay(s(&ali, "merchant_order_no")).device_info, "");

    // A name that cannot start an order number is refused before anything.
    let text = std::fs::read_to_string(&c.config).unwrap();
    std::fs::write(&c.config, text.replace("\"C7\"", "\"till 7\"")).unwrap();
    let r = c.pay("1.00", "134567890123456999", &[]).await;
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("counter") && r.stderr.contains("letters or digits"),
        "{}",
        r.stderr
    );
    assert_eq!(c.sim.orders().len(), 3, "nothing was sent");
}
