//! Every HipoPay endpoint the counter uses, through the real client, over
//! HTTP against the project's sandbox; and every way an answer can go wrong.
#![allow(clippy::unwrap_used)]

use cashier_testkit as common;

use cashier_core::hipopay::{
    ChargeRequest, ClientConfig, HipoPayClient, HipoPayError, RemoteRefundStatus, RemoteStatus,
    Signer,
};
use cashier_core::money::{Currency, Money};
use cashier_core::wallet::Wallet;
use common::{agent_signer, client_for, sim_config, start_sim, AGENT_NO, MERCHANT_NO};
use hipopay_sim::{Fault, FaultRule};
use std::sync::Arc;
use std::time::Duration;

fn charge(no: &str, minor: i64) -> ChargeRequest {
    ChargeRequest {
        merchant_order_no: no.into(),
        amount: Money::new(minor, Currency::HKD),
        subject: "奶茶 & cake 100%".into(),
        ip: "127.0.0.1".into(),
        device_info: "C1".into(),
    }
}

#[tokio::test]
async fn scan_pay_query_refund_and_refund_query_for_both_wallets() {
    let sim = start_sim(sim_config()).await;
    let client = client_for(&sim);
    for (wallet, code) in [
        (Wallet::Wechat, "134567890123456789"),
        (Wallet::Alipay, "284567890123456789"),
    ] {
        let no = format!("T-{wallet}-1");
        let paid = client
            .scan_pay(wallet, &charge(&no, 1250), code)
            .await
            .unwrap();
        assert_eq!(paid.status, RemoteStatus::Paid);
        assert_eq!(paid.amount_minor, Some(1250));
        assert_eq!(paid.merchant_order_no.as_deref(), Some(no.as_str()));
        let payment_no = paid.payment_no.clone().unwrap();
        let queried = client
            .query_order(wallet, &no, None, Currency::HKD)
            .await
            .unwrap();
        assert_eq!(
            (queried.status, queried.payment_no.as_deref()),
            (RemoteStatus::Paid, Some(payment_no.as_str()))
        );
        assert_eq!(queried.refundable_minor, Some(1250));
        let outer = format!("R-{wallet}-1");
        let refund = client
            .refund(wallet, &payment_no, &outer, Money::new(250, Currency::HKD))
            .await
            .unwrap();
        assert_eq!(refund.status, RemoteRefundStatus::Success);
        assert_eq!(refund.amount_minor, Some(250));
        // Sending the same refund again is the same refund, not a second one.
        client
            .refund(wallet, &payment_no, &outer, Money::new(250, Currency::HKD))
            .await
            .unwrap();
        let found = client
            .query_refund(wallet, &outer, Currency::HKD)
            .await
            .unwrap();
        assert_eq!(
            (found.status, found.outer_refund_no.as_deref()),
            (RemoteRefundStatus::Success, Some(outer.as_str()))
        );
        let after = client
            .query_order(wallet, &no, None, Currency::HKD)
            .await
            .unwrap();
        assert_eq!(after.refundable_minor, Some(1000));
    }
    assert_eq!(sim.refunds().len(), 2);
}

#[tokio::test]
async fn qr_orders_for_both_wallets() {
    let sim = start_sim(sim_config()).await;
    let client = client_for(&sim);
    for wallet in [Wallet::Wechat, Wallet::Alipay] {
        let no = format!("T-{wallet}-qr");
        let qr = client.create_qr(wallet, &charge(&no, 880)).await.unwrap();
        assert_eq!(qr.order.status, RemoteStatus::Init);
        assert!(!qr.payload.is_empty());
        sim.customer_pays(&no).unwrap();
        let paid = client
            .query_order(wallet, &no, None, Currency::HKD)
            .await
            .unwrap();
        assert_eq!(paid.status, RemoteStatus::Paid);
    }
}

#[tokio::test]
async fn exchange_rates_from_both_shapes() {
    let sim = start_sim(sim_config()).await;
    let client = client_for(&sim);
    assert_eq!(
        client.rate(Wallet::Wechat, Currency::HKD).await.unwrap(),
        "0.9123"
    );
    // Alipay puts `rate` at the top level.
    assert!(client
        .rate(Wallet::Alipay, Currency::USD)
        .await
        .unwrap()
        .starts_with("7.12"));
}

#[tokio::test]
async fn a_wrong_key_is_refused_with_401() {
    let sim = start_sim(sim_config()).await;
    let wrong = Signer::from_pem_file(&common::fixture("wrong_private.pem")).unwrap();
    let client = HipoPayClient::new(
        ClientConfig::new(&sim.base_url(), AGENT_NO, MERCHANT_NO),
        wrong,
    )
    .unwrap();
    let err = client
        .rate(Wallet::Wechat, Currency::HKD)
        .await
        .unwrap_err();
    assert!(matches!(err, HipoPayError::Signature { .. }), "{err:?}");
    assert!(err.to_string().contains("401"));
    let err = client
        .scan_pay(
            Wallet::Wechat,
            &charge("T-wrong", 100),
            "134567890123456789",
        )
        .await
        .unwrap_err();
    assert!(matches!(err, HipoPayError::Signature { .. }) && !err.outcome_unknown());
    assert!(sim.orders().is_empty());
}

#[tokio::test]
async fn a_wrong_agent_or_merchant_is_refused() {
    let sim = start_sim(sim_config()).await;
    let other_agent = HipoPayClient::new(
        ClientConfig::new(&sim.base_url(), "SOMEONE", MERCHANT_NO),
        agent_signer(),
    )
    .unwrap();
    assert!(matches!(
        other_agent.rate(Wallet::Alipay, Currency::HKD).await,
        Err(HipoPayError::Signature { .. })
    ));
    let other_merchant = HipoPayClient::new(
        ClientConfig::new(&sim.base_url(), AGENT_NO, "NOT-MINE"),
        agent_signer(),
    )
    .unwrap();
    assert!(matches!(
        other_merchant.rate(Wallet::Wechat, Currency::HKD).await,
        Err(HipoPayError::Forbidden { .. })
    ));
}

#[tokio::test]
async fn a_stale_clock_is_refused_with_411() {
    let sim = start_sim(sim_config()).await;
    let skewed = client_for(&sim).with_clock(Arc::new(|| chrono::Utc::now().timestamp() - 3600));
    let err = skewed
        .rate(Wallet::Wechat, Currency::HKD)
        .await
        .unwrap_err();
    assert!(matches!(err, HipoPayError::Clock { .. }), "{err:?}");
    assert_eq!(err.kind(), cashier_core::ErrorKind::Clock);
}

#[tokio::test]
async fn declines_unknowns_and_broken_answers_are_told_apart() {
    let sim = start_sim(sim_config()).await;
    let client = client_for(&sim);
    let err = client
        .scan_pay(Wallet::Wechat, &charge("T-d", 100), "134567890123456101")
        .await
        .unwrap_err();
    assert!(matches!(&err, HipoPayError::Wechat { wx_code, .. } if wx_code == "NOTENOUGH"));
    assert!(err.is_decline() && !err.outcome_unknown());
    let fail = client
        .scan_pay(Wallet::Alipay, &charge("T-d2", 100), "284567890123456101")
        .await
        .unwrap();
    assert_eq!(fail.status, RemoteStatus::Fail);
    assert!(fail.fail_reason.is_some());
    let paying = client
        .scan_pay(Wallet::Wechat, &charge("T-u", 100), "134567890123456109")
        .await
        .unwrap_err();
    assert!(paying.outcome_unknown(), "USERPAYING is not a decline");
    for (code, no) in [
        ("134567890123456105", "T-503"),
        ("134567890123456108", "T-500"),
    ] {
        let err = client
            .scan_pay(Wallet::Wechat, &charge(no, 100), code)
            .await
            .unwrap_err();
        assert!(
            matches!(err, HipoPayError::Server { .. }) && err.outcome_unknown(),
            "{err:?}"
        );
    }
    let err = client
        .scan_pay(Wallet::Wechat, &charge("T-drop", 100), "134567890123456104")
        .await
        .unwrap_err();
    assert!(
        matches!(err, HipoPayError::Interrupted(_)) && err.outcome_unknown(),
        "{err:?}"
    );
    let err = client
        .scan_pay(Wallet::Wechat, &charge("T-bad", 100), "134567890123456107")
        .await
        .unwrap_err();
    assert!(
        matches!(err, HipoPayError::Malformed(_)) && err.outcome_unknown(),
        "{err:?}"
    );
    let err = client
        .query_order(Wallet::Alipay, "T-nothing", None, Currency::HKD)
        .await
        .unwrap_err();
    assert!(matches!(err, HipoPayError::NotFound { .. }));
}

#[tokio::test]
async fn a_slow_answer_times_out_as_unknown() {
    let sim = start_sim(sim_config()).await;
    sim.add_fault(FaultRule {
        method: "GET".into(),
        path: "/rate".into(),
        fault: Fault::Delay(Duration::from_millis(1500)),
        times: 1,
    });
    let mut config = ClientConfig::new(&sim.base_url(), AGENT_NO, MERCHANT_NO);
    config.timeout = Duration::from_millis(300);
    let client = HipoPayClient::new(config, agent_signer()).unwrap();
    let err = client
        .rate(Wallet::Wechat, Currency::HKD)
        .await
        .unwrap_err();
    assert_eq!(err, HipoPayError::Timeout);
    assert!(err.outcome_unknown());
}

#[tokio::test]
async fn nothing_listening_is_a_connect_error_not_an_unknown() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let client = HipoPayClient::new(
        ClientConfig::new(&format!("http://127.0.0.1:{port}"), AGENT_NO, MERCHANT_NO),
        agent_signer(),
    )
    .unwrap();
    let err = client
        .scan_pay(Wallet::Wechat, &charge("T-c", 100), "134567890123456789")
        .await
        .unwrap_err();
    assert!(
        matches!(err, HipoPayError::Connect(_)) && !err.outcome_unknown(),
        "{err:?}"
    );
}

#[tokio::test]
async fn bad_client_settings_are_refused() {
    assert!(HipoPayClient::new(
        ClientConfig::new("ftp://x", AGENT_NO, MERCHANT_NO),
        agent_signer()
    )
    .is_err());
    assert!(HipoPayClient::new(
        ClientConfig::new("https://x", "", MERCHANT_NO),
        agent_signer()
    )
    .is_err());
}

/// A merchant key made the way HipoPay's document makes one (the Python
/// `rsa` package: primes of unequal length, which `ring` does not take)
/// signs requests the sandbox accepts: a payment with it goes through.
#[tokio::test]
async fn a_key_made_with_hipopays_python_tooling_takes_a_payment() {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import rsa; print(rsa.newkeys(2048)[1].save_pkcs1().decode('ascii'))",
        ])
        .output()
        .expect("python3 with the rsa package (scripts/install-deps installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pem = String::from_utf8(out.stdout).unwrap();
    let signer = Signer::from_pem(&pem, "the Python key").unwrap();
    assert!(
        !signer.is_fast_path(),
        "signed on the path for any valid key"
    );
    let mut config = sim_config();
    config.agent_public_key = signer.public_key().clone();
    let sim = start_sim(config).await;
    let client = HipoPayClient::new(
        ClientConfig::new(&sim.base_url(), AGENT_NO, MERCHANT_NO),
        signer,
    )
    .unwrap();
    let paid = client
        .scan_pay(
            Wallet::Wechat,
            &charge("T-PY-1", 1250),
            "134567890123456789",
        )
        .await
        .unwrap();
    assert_eq!(paid.status, RemoteStatus::Paid);
    let rate = client.rate(Wallet::Alipay, Currency::HKD).await.unwrap();
    assert!(!rate.is_empty());
}

/// The client takes no proxy from the environment: a payment is never
/// routed through whatever `HTTP_PROXY` says (here, a dead address).
#[tokio::test]
async fn no_proxy_is_taken_from_the_environment() {
    for var in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        // Every test of this binary may see it: none may honour it.
        std::env::set_var(var, "http://127.0.0.1:9");
    }
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("no_proxy");
    let sim = start_sim(sim_config()).await;
    let paid = client_for(&sim)
        .scan_pay(
            Wallet::Alipay,
            &charge("T-PROXY-1", 500),
            "284567890123456789",
        )
        .await
        .unwrap();
    assert_eq!(paid.status, RemoteStatus::Paid);
}

/// The statement (document §8) comes back as a file, read by its column
/// names; HipoPay's refusal in its JSON envelope is an error, never a file.
#[tokio::test]
async fn the_statement_is_a_file_and_its_refusal_an_error() {
    use cashier_core::hipopay::statement::{self, LineKind};
    let sim = start_sim(sim_config()).await;
    let client = client_for(&sim);
    let paid = client
        .scan_pay(
            Wallet::Wechat,
            &charge("T-BILL-1", 1250),
            "134567890123456789",
        )
        .await
        .unwrap();
    client
        .refund(
            Wallet::Wechat,
            paid.payment_no.as_deref().unwrap(),
            "R-BILL-1",
            Money::new(250, Currency::HKD),
        )
        .await
        .unwrap();
    let today = chrono::Utc::now()
        .with_timezone(&statement::hipopay_offset())
        .date_naive();
    let bytes = client.download_statement(today, today).await.unwrap();
    let lines = statement::parse(&bytes).unwrap();
    assert_eq!(lines.len(), 2, "{}", String::from_utf8_lossy(&bytes));
    assert_eq!(
        (
            lines[0].kind,
            lines[0].merchant_order_no.as_str(),
            lines[0].amount_minor
        ),
        (LineKind::Payment, "T-BILL-1", 1250)
    );
    assert_eq!(
        (
            lines[1].kind,
            lines[1].outer_refund_no.as_deref(),
            lines[1].amount_minor
        ),
        (LineKind::Refund, Some("R-BILL-1"), 250)
    );
    let asked = sim.requests().into_iter().last().unwrap();
    assert_eq!(asked.params["agent_no"], AGENT_NO);
    assert_eq!(asked.params["start_date"], statement::statement_date(today));

    // Older than three months: HipoPay says no, in its envelope.
    let long_ago = today - chrono::Duration::days(200);
    let err = client
        .download_statement(long_ago, long_ago)
        .await
        .unwrap_err();
    assert!(
        matches!(err, HipoPayError::BadRequest { ref message } if message.contains("three months")),
        "{err:?}"
    );
}
