//! Signature and header checks, in the order the sim must apply them.

use rsa::RsaPublicKey;
use serde_json::Value;

use crate::client::*;

#[tokio::test]
async fn signed_request_is_accepted() {
    let sim = start(config()).await;
    let c = Client::new(&sim);
    let (status, body) = c
        .get("/rate", &[("merchant_no", MERCHANT), ("currency", "HKD")])
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["meta"]["success"], true);
    assert_eq!(body["data"]["rate"], "0.9123");

    let (status, body) = c.get("/alipay/rate", &[("currency", "USD")]).await;
    assert_eq!(status, 200);
    assert_eq!(body["rate"]["rate"], "7.120000");
    assert!(body.get("data").is_none());

    let (status, _) = c
        .get("/rate", &[("merchant_no", MERCHANT), ("currency", "XYZ")])
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn header_checks_in_order() {
    let sim = start(config()).await;
    let c = Client::new(&sim);
    let params = [("merchant_no", MERCHANT), ("currency", "HKD")];
    // Each case changes one thing (or two, to check which error wins).
    type Tweak = fn(&mut Headers);
    let cases: [(Tweak, u16); 9] = [
        (|h| h.key = other_key(), 401),
        (|h| h.agent = "someone".into(), 401),
        // A wrong AgentNo wins over a wrong Version.
        (|h| (h.agent, h.version) = ("x".into(), "2.0".into()), 401),
        (|h| h.version = "2.0".into(), 400),
        (|h| h.timestamp = format!("{}.25", now()), 400),
        (|h| h.timestamp = (now() - 301).to_string(), 411),
        (|h| h.timestamp = (now() + 3600).to_string(), 411),
        (|h| h.signature = Some("not base64!!".into()), 401),
        (|h| h.signature = Some("AAAA".into()), 401),
    ];
    for (i, (tweak, expected)) in cases.into_iter().enumerate() {
        let mut h = Headers::default();
        tweak(&mut h);
        let (status, text) = c.send("GET", "/rate", &params, h).await.unwrap();
        assert_eq!(status, expected, "case {i}: {text}");
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body["meta"]["success"], false);
        assert_eq!(body["meta"]["status_code"], expected);
        assert_eq!(body["data"], serde_json::json!({}));
    }

    // Signed params tampered with after signing.
    let ts = now().to_string();
    let sig = sign(
        agent_key(),
        &[("merchant_no", MERCHANT), ("currency", "USD")],
        &ts,
    );
    let h = Headers {
        timestamp: ts,
        signature: Some(sig),
        ..Headers::default()
    };
    assert_eq!(c.send("GET", "/rate", &params, h).await.unwrap().0, 401);

    // Another merchant: 403 (after a valid signature).
    let (status, _) = c
        .get("/rate", &[("merchant_no", "mer-2"), ("currency", "HKD")])
        .await;
    assert_eq!(status, 403);

    // A POST that is not form-encoded.
    let resp = reqwest::Client::new()
        .post(format!("{}/refund", sim.base_url()))
        .header("AgentNo", AGENT)
        .header("Version", "1.0")
        .header("Timestamp", now().to_string())
        .header("Signature", sign(agent_key(), &[], &now().to_string()))
        .header("Content-Type", "application/json")
        .body(r#"{"order_no":"1"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
}

#[tokio::test]
async fn empty_values_and_special_characters_are_signed() {
    let sim = start(config()).await;
    let c = Client::new(&sim);
    let (status, body) = c
        .post(
            "/order/scan_pay",
            &[
                ("merchant_no", MERCHANT),
                ("currency", "HKD"),
                ("amount", "12.5"),
                ("product_info", "a b&c=d+e/f%g#h~i*j!k'l(m)中文"),
                ("ip", "127.0.0.1"),
                ("auth_code", "134567890123456000"),
                ("agent_order_id", "SPECIAL-1"),
                ("device_info", ""),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let order = &body["data"]["order"];
    assert_eq!(order["status"], "PAID");
    assert_eq!(order["amount"], "12.50");
    assert_eq!(order["trade_type"], "MICRO");
    assert_eq!(order["pay_amount"], "11.40");
    assert_eq!(order["product_info"], "a b&c=d+e/f%g#h~i*j!k'l(m)中文");
    assert_eq!(order["no"].as_str().unwrap().len(), 25);
}

#[test]
fn public_key_pem_in_both_forms() {
    use rsa::pkcs1::EncodeRsaPublicKey;
    use rsa::pkcs8::{EncodePublicKey, LineEnding};
    let public = RsaPublicKey::from(other_key());
    let spki = public.to_public_key_pem(LineEnding::LF).unwrap();
    let pkcs1 = public.to_pkcs1_pem(LineEnding::LF).unwrap();
    assert!(spki.starts_with("-----BEGIN PUBLIC KEY-----"));
    assert!(pkcs1.starts_with("-----BEGIN RSA PUBLIC KEY-----"));
    assert_eq!(hipopay_sim::public_key_from_pem(&spki).unwrap(), public);
    assert_eq!(hipopay_sim::public_key_from_pem(&pkcs1).unwrap(), public);
    assert!(hipopay_sim::public_key_from_pem("garbage").is_err());
}
