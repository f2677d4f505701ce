//! Outcomes by payment code, injected faults, QR expiry.

use std::time::{Duration, Instant};

use hipopay_sim::{Fault, FaultRule};
use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::client::*;

#[tokio::test]
async fn scenario_102_pays_after_two_queries() {
    let sim = start(config()).await;
    let c = Client::new(&sim);
    let (status, body) = c.wechat_scan("S102", "10", "134567890123456102").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["order"]["status"], "INIT");
    assert_eq!(c.wechat_status("S102").await, "INIT");
    assert_eq!(c.wechat_status("S102").await, "INIT");
    assert_eq!(c.wechat_status("S102").await, "PAID");
    assert_eq!(sim.orders()[0].status, "PAID");
}

#[tokio::test]
async fn scenario_declines_and_reused_codes() {
    let sim = start(config()).await;
    let c = Client::new(&sim);

    let (status, body) = c.wechat_scan("D1", "10", "134567890123456101").await;
    assert_eq!(status, 555);
    let inner: Value = serde_json::from_str(message(&body)).unwrap();
    assert_eq!(inner["wx_code"], "NOTENOUGH");
    assert_eq!(c.wechat_status("D1").await, "FAIL");

    let (status, body) = c.wechat_scan("D2", "10", "134567890123456101").await;
    assert_eq!(status, 555);
    let inner: Value = serde_json::from_str(message(&body)).unwrap();
    assert_eq!(inner["wx_code"], "AUTHCODEEXPIRE");
    assert_eq!(c.get("/order", &[("agent_order_id", "D2")]).await.0, 404);

    let (status, body) = c.alipay_scan("A1", "10", "28123456789012345101").await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["order"]["status"], "FAIL");
    assert_eq!(
        body["data"]["order"]["fail_reason"],
        "BUYER_BALANCE_NOT_ENOUGH"
    );

    let (status, body) = c.alipay_scan("A2", "10", "28123456789012345101").await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["order"]["fail_reason"], "AUTH_CODE_USED");
    assert_eq!(
        c.get("/alipay/order", &[("out_order_no", "A2")]).await.0,
        404
    );

    // 109: WeChat says USERPAYING but the order exists and later pays.
    let (status, body) = c.wechat_scan("U1", "10", "134567890123456109").await;
    assert_eq!(status, 555);
    let inner: Value = serde_json::from_str(message(&body)).unwrap();
    assert_eq!(inner["wx_code"], "USERPAYING");
    for _ in 0..2 {
        assert_eq!(c.wechat_status("U1").await, "INIT");
    }
    assert_eq!(c.wechat_status("U1").await, "PAID");

    // 110: INIT then FAIL.
    c.wechat_scan("C1", "10", "134567890123456110").await;
    for _ in 0..2 {
        assert_eq!(c.wechat_status("C1").await, "INIT");
    }
    assert_eq!(c.wechat_status("C1").await, "FAIL");

    // 105 / 108: nothing recorded, so the same code may be retried.
    assert_eq!(c.wechat_scan("E1", "10", "134567890123456105").await.0, 503);
    assert_eq!(c.wechat_scan("E2", "10", "134567890123456108").await.0, 500);
    assert_eq!(c.get("/order", &[("agent_order_id", "E1")]).await.0, 404);

    // Duplicate merchant order number.
    let (status, body) = c.wechat_scan("D1", "10", "134567890123456000").await;
    assert_eq!(status, 400);
    assert!(message(&body).contains("duplicate order"));
    assert_eq!(sim.charge_requests("D1"), 2);
}

#[tokio::test]
async fn scenario_103_waits_for_the_customer() {
    let sim = start(config()).await;
    let c = Client::new(&sim);
    c.alipay_scan("P1", "10", "28123456789012345103").await;
    for _ in 0..4 {
        let (_, body) = c.get("/alipay/order", &[("out_order_no", "P1")]).await;
        assert_eq!(body["data"]["order"]["status"], "INIT");
    }
    sim.customer_pays("P1").unwrap();
    let (_, body) = c.get("/alipay/order", &[("out_order_no", "P1")]).await;
    assert_eq!(body["data"]["order"]["status"], "PAID");
    assert!(sim.customer_pays("P1").is_err());
    assert!(sim.customer_pays("nope").is_err());
}

#[tokio::test]
async fn dropped_response_is_really_dropped() {
    let sim = start(config()).await;
    let c = Client::new(&sim);
    let err = c
        .send(
            "POST",
            "/order/scan_pay",
            &[
                ("merchant_no", MERCHANT),
                ("currency", "HKD"),
                ("amount", "10"),
                ("product_info", "x"),
                ("ip", "127.0.0.1"),
                ("auth_code", "134567890123456104"),
                ("agent_order_id", "DROP1"),
            ],
            Headers::default(),
        )
        .await
        .unwrap_err();
    assert!(!err.is_status(), "{err:?}");
    // The charge was committed even though no answer came.
    assert_eq!(c.wechat_status("DROP1").await, "PAID");
    let log = sim.requests();
    assert_eq!(log[0].status, None);
    assert_eq!(log[0].params["agent_order_id"], "DROP1");

    // The same through fault injection, read off a raw socket: zero bytes.
    sim.add_fault(FaultRule {
        method: "GET".into(),
        path: "/rate".into(),
        fault: Fault::DropAfterCommit,
        times: 1,
    });
    let ts = now().to_string();
    let params = [("currency", "HKD"), ("merchant_no", MERCHANT)];
    let request = format!(
        "GET /rate?currency=HKD&merchant_no={MERCHANT} HTTP/1.1\r\nHost: x\r\nAgentNo: {AGENT}\r\n\
         Version: 1.0\r\nTimestamp: {ts}\r\nSignature: {}\r\n\r\n",
        sign(agent_key(), &params, &ts)
    );
    let mut stream = tokio::net::TcpStream::connect(sim.local_addr())
        .await
        .unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    let n = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut buf))
        .await
        .unwrap()
        .unwrap_or(0);
    assert_eq!(n, 0, "got {:?}", String::from_utf8_lossy(&buf));
    // Fault used up: the next one is answered.
    assert_eq!(
        c.get("/rate", &[("merchant_no", MERCHANT), ("currency", "HKD")])
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn slow_and_malformed_answers() {
    let mut cfg = config();
    cfg.slow_answer = Duration::from_millis(400);
    let sim = start(cfg).await;
    let c = Client::new(&sim);
    let started = Instant::now();
    let (status, _) = c.alipay_scan("SLOW", "10", "28123456789012345106").await;
    assert_eq!(status, 200);
    assert!(started.elapsed() >= Duration::from_millis(400));

    let (status, text) = c
        .send(
            "POST",
            "/alipay/scan_pay",
            &[
                ("merchant_no", MERCHANT),
                ("currency", "HKD"),
                ("amount", "10"),
                ("subject", "x"),
                ("auth_code", "28123456789012345107"),
                ("out_order_no", "BAD"),
            ],
            Headers::default(),
        )
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    let (_, body) = c.get("/alipay/order", &[("out_order_no", "BAD")]).await;
    assert_eq!(body["data"]["order"]["status"], "PAID");
}

#[tokio::test]
async fn injected_status_records_nothing() {
    let sim = start(config()).await;
    let c = Client::new(&sim);
    // Through the HTTP control API, with the documented JSON.
    let resp = reqwest::Client::new()
        .post(format!("{}/_sim/faults", sim.base_url()))
        .body(r#"{"method":"POST","path":"/order/scan_pay","fault":{"status":503},"times":1}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(c.wechat_scan("F1", "10", "134567890123456000").await.0, 503);
    assert!(sim.orders().is_empty());
    assert_eq!(sim.charge_requests("F1"), 1);
    // Code not consumed: the retry pays.
    assert_eq!(c.wechat_scan("F1", "10", "134567890123456000").await.0, 200);
    assert_eq!(sim.charge_requests("F1"), 2);

    sim.add_fault(FaultRule {
        method: "POST".into(),
        path: "/refund".into(),
        fault: Fault::Wechat555 {
            code: "SYSTEMERROR".into(),
            message: "busy".into(),
        },
        times: 1,
    });
    let no = sim.orders()[0].payment_no.clone();
    let (status, body) = c.post("/refund", &[("order_no", &no)]).await;
    assert_eq!(status, 555);
    assert!(message(&body).contains("SYSTEMERROR"));
    assert!(sim.refunds().is_empty());

    let text = reqwest::get(format!("{}/_sim/orders", sim.base_url()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let orders: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(orders[0]["merchant_order_no"], "F1");
}

#[tokio::test]
async fn qr_orders_expire_lazily() {
    let mut cfg = config();
    cfg.qr_expiry = Duration::from_millis(300);
    let sim = start(cfg).await;
    let c = Client::new(&sim);
    let (status, body) = c
        .post(
            "/order/scanned_pay",
            &[
                ("merchant_no", MERCHANT),
                ("currency", "JPY"),
                ("amount", "1200"),
                ("product_info", "x"),
                ("ip", "127.0.0.1"),
                ("agent_order_id", "Q1"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["data"]["code_url"]
        .as_str()
        .unwrap()
        .starts_with("weixin://wxpay/bizpayurl?pr="));
    assert_eq!(body["data"]["order"]["trade_type"], "NATIVE");
    assert_eq!(body["data"]["order"]["amount"], "1200");
    assert_eq!(c.wechat_status("Q1").await, "INIT");
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(c.wechat_status("Q1").await, "EXPIRED");
    assert!(sim.customer_pays("Q1").is_err());
}

#[tokio::test]
async fn faults_after_commit_record_the_work_and_before_commit_do_not() {
    let sim = start(config()).await;
    let c = Client::new(&sim);
    let rule = |fault| FaultRule {
        method: "POST".into(),
        path: "/order/scan_pay".into(),
        fault,
        times: 1,
    };
    sim.add_fault(rule(Fault::StatusAfterCommit(502)));
    assert_eq!(c.wechat_scan("A1", "10", "134567890123456001").await.0, 502);
    sim.add_fault(rule(Fault::NotJson));
    let (status, text) = c
        .send(
            "POST",
            "/order/scan_pay",
            &[
                ("merchant_no", MERCHANT),
                ("currency", "HKD"),
                ("amount", "10"),
                ("product_info", "x"),
                ("ip", "127.0.0.1"),
                ("auth_code", "134567890123456002"),
                ("agent_order_id", "A2"),
            ],
            Headers::default(),
        )
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    sim.add_fault(rule(Fault::WrongShape));
    let (status, body) = c.wechat_scan("A3", "10", "134567890123456003").await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["order"]["status"], 42);
    // All three were charged although none was answered properly.
    let mut paid: Vec<String> = sim
        .orders()
        .into_iter()
        .map(|o| o.merchant_order_no)
        .collect();
    paid.sort();
    assert_eq!(paid, ["A1", "A2", "A3"]);

    sim.add_fault(rule(Fault::DropBeforeCommit));
    let lost = c
        .send(
            "POST",
            "/order/scan_pay",
            &[
                ("merchant_no", MERCHANT),
                ("currency", "HKD"),
                ("amount", "10"),
                ("product_info", "x"),
                ("ip", "127.0.0.1"),
                ("auth_code", "134567890123456004"),
                ("agent_order_id", "A4"),
            ],
            Headers::default(),
        )
        .await;
    assert!(lost.is_err(), "no answer at all");
    assert_eq!(sim.orders().len(), 3, "and no charge either");
}

#[tokio::test]
async fn chaos_is_reproducible_and_answers_carry_the_sandbox_time() {
    let run = |seed| async move {
        let sim = start(config()).await;
        sim.set_chaos(Some(hipopay_sim::Chaos {
            seed,
            percent: 60,
            slow: Duration::from_millis(1),
            timeout: Duration::from_millis(2),
        }));
        let c = Client::new(&sim);
        let mut statuses = Vec::new();
        for i in 0..40 {
            let no = format!("C{i}");
            let code = format!("1345678901234{:05}", 20_000 + i);
            let status = c
                .send(
                    "POST",
                    "/order/scan_pay",
                    &[
                        ("merchant_no", MERCHANT),
                        ("currency", "HKD"),
                        ("amount", "10"),
                        ("product_info", "x"),
                        ("ip", "127.0.0.1"),
                        ("auth_code", &code),
                        ("agent_order_id", &no),
                    ],
                    Headers::default(),
                )
                .await
                .map(|(s, _)| s)
                .ok();
            statuses.push(status);
        }
        (statuses, sim.chaos_injected())
    };
    let (a, injected) = run(42).await;
    let (b, _) = run(42).await;
    assert_eq!(a, b, "same seed, same answers");
    assert!(injected.values().sum::<u64>() > 10, "{injected:?}");
    assert!(a.iter().any(Option::is_none), "some answers were dropped");
    assert!(a.contains(&Some(200)) && a.iter().any(|s| s.is_some_and(|s| s >= 500)));

    let sim = start(config()).await;
    let resp = reqwest::get(format!("{}/rate?currency=HKD", sim.base_url()))
        .await
        .unwrap();
    let elapsed: u64 = resp.headers()[hipopay_sim::ELAPSED_HEADER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(elapsed < 1_000_000, "{elapsed} us");
}
