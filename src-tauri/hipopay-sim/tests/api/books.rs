//! Orders and refunds: lookups, refund rules, validation, persistence.

use std::time::Duration;

use hipopay_sim::SimHandle;

use crate::client::*;

#[tokio::test]
async fn unknown_order_is_404() {
    let sim = start(config()).await;
    let c = Client::new(&sim);
    let (status, body) = c.get("/order", &[("order_no", "2099")]).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(
        c.get("/alipay/order", &[("out_order_no", "nope")]).await.0,
        404
    );
    assert_eq!(c.post("/refund", &[("order_no", "2099")]).await.0, 404);
    assert_eq!(c.get("/refund", &[("refund_no", "1")]).await.0, 404);
    assert_eq!(c.get("/order", &[]).await.0, 400);
    assert_eq!(c.get("/nowhere", &[]).await.0, 404);
}

#[tokio::test]
async fn refund_is_idempotent_by_outer_refund_no() {
    let sim = start(config()).await;
    let c = Client::new(&sim);
    let (_, body) = c.wechat_scan("R1", "100", "134567890123456000").await;
    let no = body["data"]["order"]["no"].as_str().unwrap().to_string();
    let params = [
        ("order_no", no.as_str()),
        ("refund_amount", "30"),
        ("outer_refund_no", "RF-1"),
    ];
    let (status, first) = c.post("/refund", &params).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["data"]["refund"]["refund_amount"], "30.00");
    let (status, second) = c.post("/refund", &params).await;
    assert_eq!(status, 200);
    assert_eq!(first["data"]["refund"], second["data"]["refund"]);
    assert_eq!(sim.refunds().len(), 1);

    // The query shows the refund, with v2 numbers.
    let (_, body) = c.get("/order", &[("order_no", &no)]).await;
    let order = &body["data"]["order"];
    assert_eq!(order["refund_status"], "PART");
    assert_eq!(order["refundable_amount"].to_string(), "70");
    assert_eq!(order["amount"].to_string(), "100");
    assert_eq!(
        body["data"]["refunds"][0]["refund_amount"].to_string(),
        "30"
    );

    // The rest, without an amount.
    let (status, body) = c
        .post("/refund", &[("order_no", &no), ("outer_refund_no", "RF-2")])
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["refund"]["refund_amount"], "70.00");
    let (_, body) = c.get("/refund", &[("order_no", &no)]).await;
    assert_eq!(body["data"]["refunds"].as_array().unwrap().len(), 2);
    let (_, body) = c.get("/refund", &[("outer_refund_no", "RF-2")]).await;
    assert_eq!(body["data"]["refund"]["refund_amount"], "70.00");
    // Retrying the first refund after the order is fully refunded still answers it.
    let (status, again) = c.post("/refund", &params).await;
    assert_eq!(status, 200);
    assert_eq!(again["data"]["refund"], first["data"]["refund"]);
}

#[tokio::test]
async fn over_refund_is_400() {
    let sim = start(config()).await;
    let c = Client::new(&sim);
    let (_, body) = c.alipay_scan("O1", "12.50", "28123456789012345000").await;
    let no = body["data"]["order"]["payment_no"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, body) = c
        .post(
            "/alipay/refund",
            &[
                ("payment_no", &no),
                ("refund_amount", "12.51"),
                ("outer_refund_no", "X1"),
            ],
        )
        .await;
    assert_eq!(status, 400);
    assert!(message(&body).contains("exceeds"), "{body}");
    let (status, body) = c
        .post(
            "/alipay/refund",
            &[
                ("payment_no", &no),
                ("refund_amount", "2.50"),
                ("outer_refund_no", "X2"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"]["refund"]["refund_no"].as_str().unwrap().len(),
        25
    );
    let (status, _) = c
        .post(
            "/alipay/refund",
            &[
                ("payment_no", &no),
                ("refund_amount", "10.01"),
                ("outer_refund_no", "X3"),
            ],
        )
        .await;
    assert_eq!(status, 400);
    let (_, body) = c.get("/alipay/order", &[("payment_no", &no)]).await;
    assert_eq!(body["data"]["order"]["refundable_amount"], "10.00");
    assert_eq!(body["data"]["order"]["refund_status"], "PART");
    let (_, body) = c.get("/alipay/refund", &[("outer_order_no", "O1")]).await;
    assert_eq!(body["data"]["refunds"].as_array().unwrap().len(), 1);

    // Not PAID: 400.
    c.alipay_scan("O2", "5", "28123456789012345103").await;
    let no2 = sim.orders()[1].payment_no.clone();
    let (status, body) = c
        .post(
            "/alipay/refund",
            &[("payment_no", &no2), ("outer_refund_no", "X4")],
        )
        .await;
    assert_eq!(status, 400);
    assert!(message(&body).contains("INIT"));
}

#[tokio::test]
async fn amount_validation() {
    let sim = start(config()).await;
    let c = Client::new(&sim);
    for (amount, currency) in [
        ("0", "HKD"),
        ("1.234", "HKD"),
        ("1.5", "JPY"),
        ("-1", "USD"),
        ("1", "XXX"),
    ] {
        let (status, body) = c
            .post(
                "/order/scanned_pay",
                &[
                    ("merchant_no", MERCHANT),
                    ("currency", currency),
                    ("amount", amount),
                    ("product_info", "x"),
                    ("ip", "127.0.0.1"),
                    ("agent_order_id", "V1"),
                ],
            )
            .await;
        assert_eq!(status, 400, "{amount} {currency}: {body}");
    }
    // Missing required parameter.
    let (status, body) = c
        .post(
            "/order/scanned_pay",
            &[("merchant_no", MERCHANT), ("currency", "HKD")],
        )
        .await;
    assert_eq!(status, 400);
    assert!(message(&body).contains("amount"));
}

#[tokio::test]
async fn state_file_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim-state.json");
    let mut cfg = config();
    cfg.state_file = Some(path.clone());
    cfg.customer_pays_qr_after = Some(Duration::from_millis(300));

    let sim = start(cfg.clone()).await;
    let c = Client::new(&sim);
    let (_, body) = c.wechat_scan("K1", "20", "134567890123456000").await;
    let no = body["data"]["order"]["no"].as_str().unwrap().to_string();
    c.post(
        "/refund",
        &[
            ("order_no", &no),
            ("refund_amount", "5"),
            ("outer_refund_no", "KR1"),
        ],
    )
    .await;
    c.wechat_scan("K2", "20", "134567890123456102").await;
    c.wechat_status("K2").await; // one of two INIT queries used up
    let (status, body) = c
        .post(
            "/alipay/qrcode_pay",
            &[
                ("merchant_no", MERCHANT),
                ("currency", "HKD"),
                ("amount", "8"),
                ("subject", "QR"),
                ("out_order_no", "K3"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["data"]["qrcode"]
        .as_str()
        .unwrap()
        .starts_with("https://qr.alipay.com/bax"));
    let orders_before = sim.orders();
    let refunds_before = sim.refunds();
    sim.shutdown();
    drop(sim);
    assert!(
        std::fs::read_dir(dir.path()).unwrap().count() == 1,
        "temp files left behind"
    );

    // A new process-like instance on the same file.
    let sim = start(cfg.clone()).await;
    let c = Client::new(&sim);
    assert_eq!(sim.orders()[..2], orders_before[..2]);
    assert_eq!(sim.refunds(), refunds_before);
    let (_, body) = c.get("/order", &[("agent_order_id", "K1")]).await;
    assert_eq!(body["data"]["order"]["refundable_amount"].to_string(), "15");
    assert_eq!(c.wechat_status("K2").await, "INIT");
    assert_eq!(c.wechat_status("K2").await, "PAID");
    // The payment code is remembered as used.
    assert_eq!(c.wechat_scan("K4", "1", "134567890123456000").await.0, 555);
    // Demo customer pays the QR order, evaluated at query time.
    tokio::time::sleep(Duration::from_millis(350)).await;
    let (_, body) = c.get("/alipay/order", &[("out_order_no", "K3")]).await;
    assert_eq!(body["data"]["order"]["status"], "PAID");
    sim.shutdown();

    // Corrupt file: refuse to start rather than forget orders.
    std::fs::write(&path, "{ not json").unwrap();
    assert!(SimHandle::start(cfg, "127.0.0.1:0".parse().unwrap())
        .await
        .is_err());
}
