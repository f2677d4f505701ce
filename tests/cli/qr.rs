//! QR payments from the command line: the QR shown, paid by the customer.

use crate::common;
use crate::common::Counter;
use crate::s;

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
