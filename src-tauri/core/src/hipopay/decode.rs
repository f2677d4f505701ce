//! HipoPay's answers, decoded: the `{meta, data}` envelope (with its errors
//! inside an HTTP 200, and WeChat's details inside a 555's message), and
//! each endpoint's answer shape. Nothing here does I/O, so every shape,
//! including the document's own examples (`tests/resources/hipopay/`), is
//! tested without a server.

use super::client::QrOrder;
use super::model::{RemoteOrder, RemoteRefund};
use super::HipoPayError;
use crate::money::Currency;
use serde_json::Value;

/// A charge's or a query's answer: `data.order`.
pub(crate) fn order_answer(body: &Value, currency: Currency) -> Result<RemoteOrder, HipoPayError> {
    RemoteOrder::from_json(data(body)?.get("order").unwrap_or(&Value::Null), currency)
}

/// A QR order's answer: the payload to show (`code_url` for WeChat, `qrcode`
/// for Alipay) and `data.order`.
pub(crate) fn qr_answer(
    body: &Value,
    payload_key: &str,
    currency: Currency,
) -> Result<QrOrder, HipoPayError> {
    let data = data(body)?;
    let payload = super::model::text(data, &[payload_key])
        .ok_or_else(|| HipoPayError::Malformed(format!("the answer has no {payload_key}")))?;
    let order = RemoteOrder::from_json(data.get("order").unwrap_or(&Value::Null), currency)?;
    Ok(QrOrder { order, payload })
}

/// A refund's answer: `data.refund`.
pub(crate) fn refund_answer(
    body: &Value,
    currency: Currency,
) -> Result<RemoteRefund, HipoPayError> {
    RemoteRefund::from_json(data(body)?.get("refund").unwrap_or(&Value::Null), currency)
}

/// A refund looked up by our `outer_refund_no`.
pub(crate) fn refund_query_answer(
    body: &Value,
    outer_refund_no: &str,
    currency: Currency,
) -> Result<RemoteRefund, HipoPayError> {
    let data = data(body)?;
    // Asked by outer_refund_no the answer is one `refund`; some deployments
    // answer a `refunds` list instead, so pick ours out of it.
    let one = match (data.get("refund"), data.get("refunds")) {
        (Some(r), _) => r.clone(),
        (None, Some(Value::Array(list))) => {
            let ours = list.iter().find(|r| {
                r.get("outer_refund_no").and_then(Value::as_str) == Some(outer_refund_no)
            });
            match ours {
                Some(r) => r.clone(),
                // Absent from a list that names every refund's number: a
                // definite "HipoPay has no such refund".
                None if list.iter().all(|r| r.get("outer_refund_no").is_some()) => {
                    return Err(HipoPayError::NotFound {
                        message: "refund not in the list".into(),
                    })
                }
                // A list without our numbers cannot say whether ours is in
                // it: unknown, so nothing is sent again on its word.
                None => {
                    return Err(HipoPayError::Malformed(
                        "the refunds listed carry no outer_refund_no to find ours by".into(),
                    ))
                }
            }
        }
        _ => Value::Null,
    };
    RemoteRefund::from_json(&one, currency)
}

/// CNY per one unit of the currency asked, as the decimal string HipoPay sent.
pub(crate) fn rate_answer(body: &Value) -> Result<String, HipoPayError> {
    // Alipay's rate sits at the top level; WeChat's inside `data`.
    let holder = body
        .get("rate")
        .filter(|r| r.is_object())
        .or_else(|| body.get("data"))
        .unwrap_or(&Value::Null);
    let rate = super::model::text(holder, &["rate"])
        .ok_or_else(|| HipoPayError::Malformed("the answer has no rate".into()))?;
    if rate.parse::<rust_decimal::Decimal>().is_err() {
        return Err(HipoPayError::Malformed(format!(
            "rate {rate:?} is not a number"
        )));
    }
    Ok(rate)
}

fn data(body: &Value) -> Result<&Value, HipoPayError> {
    body.get("data")
        .filter(|d| d.is_object())
        .ok_or_else(|| HipoPayError::Malformed("the answer has no data".into()))
}

/// Text from the peer as an error shows it: one line, at most 160 characters.
fn short(body: &str) -> String {
    crate::text::one_line(body, 160)
}

/// Turns an HTTP status and body into the JSON of a success or a typed error.
pub(crate) fn interpret(status: u16, body: &str) -> Result<Value, HipoPayError> {
    let json: Option<Value> = serde_json::from_str(body).ok();
    let meta = json.as_ref().and_then(|j| j.get("meta"));
    let meta_status = meta
        .and_then(|m| m.get("status_code"))
        .and_then(|s| {
            s.as_u64()
                .or_else(|| s.as_str().and_then(|t| t.parse().ok()))
        })
        .and_then(|s| u16::try_from(s).ok());
    let message = meta
        .and_then(|m| m.get("message"))
        .and_then(Value::as_str)
        .unwrap_or(body);
    let success = meta.and_then(|m| m.get("success")).and_then(Value::as_bool);
    // An HTTP 200 may still carry an error in `meta`.
    let effective = match (status, meta_status, success) {
        (200, Some(code), _) if code != 200 => code,
        // "Not successful" with no code says neither what failed nor whether
        // a charge went through: unknown, so the order is asked about, never
        // failed on this word alone.
        (200, _, Some(false)) => {
            return Err(HipoPayError::UnexpectedStatus {
                status: 200,
                message: format!(
                    "HipoPay answered success=false without a code: {}",
                    short(message)
                ),
            })
        }
        _ => status,
    };
    if effective == 200 {
        return json.ok_or_else(|| HipoPayError::Malformed(format!("not JSON: {}", short(body))));
    }
    // WeChat's details travel as a JSON string inside `message`.
    let wechat = (effective == 555)
        .then(|| serde_json::from_str::<Value>(message).ok())
        .flatten()
        .and_then(|wx| {
            let code = super::model::text(&wx, &["wx_code"])?;
            let text = super::model::text(&wx, &["wx_message"]).unwrap_or_default();
            Some((short(&code), short(&text)))
        });
    let message = short(message);
    // A refusal is HipoPay's only in HipoPay's own envelope: a 404 page from
    // a proxy or a load balancer does not say that HipoPay lacks the order.
    let hipopay_said_so = meta.is_some();
    Err(match effective {
        400 if hipopay_said_so => HipoPayError::BadRequest { message },
        401 if hipopay_said_so => HipoPayError::Signature { message },
        411 if hipopay_said_so => HipoPayError::Clock { message },
        403 if hipopay_said_so => HipoPayError::Forbidden { message },
        404 if hipopay_said_so => HipoPayError::NotFound { message },
        555 => match wechat {
            Some((wx_code, wx_message)) => HipoPayError::Wechat {
                wx_code,
                wx_message,
            },
            None => HipoPayError::Server {
                status: 555,
                message,
            },
        },
        s if s >= 500 => HipoPayError::Server { status: s, message },
        s => HipoPayError::UnexpectedStatus { status: s, message },
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::{Config as ProptestConfig, TestCaseError};
    use serde_json::json;

    fn cases() -> ProptestConfig {
        ProptestConfig {
            cases: std::env::var("PROPTEST_CASES")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(512),
            failure_persistence: None,
            ..ProptestConfig::default()
        }
    }

    /// One line a cashier can read, whatever the peer sent.
    fn assert_clear(message: &str) -> Result<(), TestCaseError> {
        prop_assert!(!message.trim().is_empty(), "empty message");
        prop_assert!(
            !message.chars().any(char::is_control),
            "control character in {message:?}"
        );
        for dump in ["Err(", "Ok(", "Some(", "Object {", "String("] {
            prop_assert!(!message.contains(dump), "debug dump in {message:?}");
        }
        prop_assert!(message.chars().count() <= 500, "{message:?}");
        Ok(())
    }

    fn status() -> impl Strategy<Value = u16> {
        prop_oneof![
            Just(200u16),
            proptest::sample::select(vec![400u16, 401, 403, 404, 411, 500, 502, 503, 555]),
            any::<u16>(),
        ]
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>().prop_map(|f| json!(f)),
            any::<String>().prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 20, 5, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                proptest::collection::btree_map("[a-z_]{1,10}", inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// The envelope HipoPay uses, with every part right, wrong or missing.
    fn envelope() -> impl Strategy<Value = String> {
        let code = prop_oneof![
            Just(json!(200)),
            Just(json!("200")),
            proptest::sample::select(vec![400, 401, 403, 404, 411, 500, 555])
                .prop_map(|c| json!(c)),
            any::<i64>().prop_map(|c| json!(c)),
            json_value(),
        ];
        let message = prop_oneof![
            any::<String>().prop_map(Value::String),
            (any::<String>(), any::<String>())
                .prop_map(|(c, m)| json!(json!({"wx_code": c, "wx_message": m}).to_string())),
            ".{0,3}\n\u{1b}\\[31m.{0,3}".prop_map(Value::String),
            ".{300,600}".prop_map(Value::String),
            json_value(),
        ];
        (
            proptest::option::of(code),
            proptest::option::of(message),
            proptest::option::of(json_value()),
            proptest::option::of(json_value()),
        )
            .prop_map(|(code, message, success, data)| {
                let mut meta = serde_json::Map::new();
                if let Some(c) = code {
                    meta.insert("status_code".into(), c);
                }
                if let Some(m) = message {
                    meta.insert("message".into(), m);
                }
                if let Some(s) = success {
                    meta.insert("success".into(), s);
                }
                let mut body = json!({ "meta": meta });
                if let Some(d) = data {
                    body["data"] = d;
                }
                body.to_string()
            })
    }

    fn body() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            proptest::collection::vec(any::<u8>(), 0..300)
                .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
            json_value().prop_map(|v| v.to_string()),
            envelope(),
            envelope().prop_flat_map(|e| {
                let n = e.len();
                (Just(e), 0..=n).prop_map(|(e, cut)| e.get(..cut).unwrap_or("").to_string())
            }),
            "<html>\n<body>[ -~\n\t]{0,400}</body></html>",
        ]
    }

    proptest! {
        #![proptest_config(cases())]

        #[test]
        fn any_answer_is_a_value_or_a_clear_error(status in status(), body in body()) {
            match interpret(status, &body) {
                Ok(value) => {
                    // Only an HTTP 200 carrying JSON is ever a success.
                    prop_assert_eq!(status, 200);
                    prop_assert_eq!(&value, &serde_json::from_str::<Value>(&body).unwrap());
                    match data(&value) {
                        Ok(d) => prop_assert!(d.is_object()),
                        Err(e) => assert_clear(&e.to_string())?,
                    }
                }
                Err(e) => {
                    assert_clear(&e.to_string())?;
                    // A refusal the cashier might act on never says "declined"
                    // unless WeChat said so.
                    if e.is_decline() {
                        prop_assert_eq!(e.kind(), crate::error::ErrorKind::Declined);
                    }
                }
            }
        }

        #[test]
        fn well_formed_successes_are_read(fields in proptest::collection::btree_map("[a-z_]{1,10}", json_value(), 0..5), code_as_text in any::<bool>()) {
            let fields = Value::Object(fields.into_iter().collect());
            let code = if code_as_text { json!("200") } else { json!(200) };
            let body = json!({"meta": {"status_code": code, "message": "", "success": true}, "data": fields}).to_string();
            let value = interpret(200, &body).unwrap();
            // Compared as parsed: serde_json reads a float of 17 digits to
            // the nearest double, not always the one it printed.
            let sent: Value = serde_json::from_str(&fields.to_string()).unwrap();
            prop_assert_eq!(data(&value).unwrap(), &sent);
        }

        #[test]
        fn documented_errors_keep_their_meaning(code in proptest::sample::select(vec![400u16, 401, 403, 404, 411, 500, 503]), in_meta in any::<bool>(), message in "[ -~]{0,80}") {
            // The same error as an HTTP status or inside an HTTP 200's meta.
            let body = json!({"meta": {"status_code": code, "message": message, "success": false}}).to_string();
            let e = interpret(if in_meta { 200 } else { code }, &body).unwrap_err();
            let kind = match code {
                401 => crate::error::ErrorKind::Signature,
                411 => crate::error::ErrorKind::Clock,
                _ => crate::error::ErrorKind::Acquirer,
            };
            prop_assert_eq!(e.kind(), kind);
            prop_assert_eq!(e.outcome_unknown(), code >= 500, "{:?}", e);
        }
    }

    /// The document's own example answer for an endpoint
    /// (`tests/resources/hipopay/`, see its README), through the envelope.
    macro_rules! example {
        ($file:literal) => {
            interpret(
                200,
                include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/tests/resources/hipopay/",
                    $file
                )),
            )
            .unwrap()
        };
    }

    #[test]
    fn the_documents_wechat_examples_decode() {
        use super::super::model::{RemoteRefundStatus, RemoteStatus};
        let scan = order_answer(&example!("wechat_scan_pay.json"), Currency::HKD).unwrap();
        assert_eq!(scan.status, RemoteStatus::Paid);
        assert_eq!(
            scan.payment_no.as_deref(),
            Some("2017062313070231980966651")
        );
        assert_eq!(scan.merchant_order_no.as_deref(), Some("xxxx"));
        assert_eq!(
            (scan.amount_minor, scan.currency),
            (Some(10000), Some(Currency::HKD))
        );
        assert_eq!(scan.exchange_rate.as_deref(), Some("0.8789"));

        let qr = qr_answer(
            &example!("wechat_scanned_pay.json"),
            "code_url",
            Currency::HKD,
        )
        .unwrap();
        assert_eq!(qr.payload, "weixin://wxpay/bizpayurl?pr=3CaDEKX");
        assert_eq!(qr.order.status, RemoteStatus::Init);
        assert_eq!(qr.order.merchant_order_no.as_deref(), Some("xxxx"));

        // Version 1.0 sends amounts as strings, 2.0 as numbers: the same order.
        let v1 = order_answer(&example!("wechat_order_v1.json"), Currency::HKD).unwrap();
        let v2 = order_answer(&example!("wechat_order_v2.json"), Currency::HKD).unwrap();
        assert_eq!(v1.status, RemoteStatus::Fail);
        assert_eq!(
            (v1.amount_minor, v1.refundable_minor),
            (Some(100), Some(100))
        );
        assert_eq!(
            (v2.status, v2.amount_minor),
            (RemoteStatus::Fail, Some(100))
        );
        assert_eq!(v2.payment_no.as_deref(), Some("2017062221294656822821341"));
        assert_eq!(v2.exchange_rate.as_deref(), Some("0.8777"));

        let refund = refund_answer(&example!("wechat_refund.json"), Currency::HKD).unwrap();
        assert_eq!(refund.status, RemoteRefundStatus::Success);
        assert_eq!(
            refund.refund_no.as_deref(),
            Some("2017062313110444111557843")
        );
        assert_eq!(
            refund.outer_refund_no.as_deref(),
            Some("2017062313070231980966651")
        );
        assert_eq!(refund.amount_minor, Some(10));

        assert_eq!(
            rate_answer(&example!("wechat_rate.json")).unwrap(),
            "6.8575"
        );
    }

    #[test]
    fn the_documents_alipay_examples_decode() {
        use super::super::model::{RemoteRefundStatus, RemoteStatus};
        let scan = order_answer(&example!("alipay_scan_pay.json"), Currency::HKD).unwrap();
        assert_eq!(scan.status, RemoteStatus::Init);
        assert_eq!(
            scan.payment_no.as_deref(),
            Some("2017062312381442716795237")
        );
        // Create answers name our number `outer_order_no`.
        assert_eq!(scan.merchant_order_no.as_deref(), Some("xxxx"));

        let qr = qr_answer(&example!("alipay_qrcode_pay.json"), "qrcode", Currency::HKD).unwrap();
        assert_eq!(qr.payload, "https://qr.alipay.com/bax04448a1pogrhduko280d3");
        assert_eq!(qr.order.amount_minor, Some(10000));

        let order = order_answer(&example!("alipay_order.json"), Currency::HKD).unwrap();
        assert_eq!(order.status, RemoteStatus::Paid);
        assert_eq!(
            (order.amount_minor, order.refundable_minor),
            (Some(10), Some(10))
        );
        // Queries name it `out_order_no`.
        assert_eq!(
            order.merchant_order_no.as_deref(),
            Some("2018020721001003750533954072")
        );
        assert_eq!(
            order.payment_no.as_deref(),
            Some("2018020716122408862056356")
        );

        let refund = refund_answer(&example!("alipay_refund.json"), Currency::HKD).unwrap();
        assert_eq!(refund.status, RemoteRefundStatus::Success);
        assert_eq!(
            refund.refund_no.as_deref(),
            Some("2017062313110444111557843")
        );
        assert_eq!(refund.amount_minor, Some(10));

        // Alipay's rate sits outside `data`.
        assert_eq!(
            rate_answer(&example!("alipay_rate.json")).unwrap(),
            "0.860000"
        );
    }

    #[test]
    fn the_documents_wechat_error_is_a_decline() {
        let body = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/resources/hipopay/wechat_555.json"
        ));
        let e = interpret(555, body).unwrap_err();
        assert!(e.is_decline(), "{e:?}");
        assert!(matches!(e, HipoPayError::Wechat { ref wx_code, .. } if wx_code == "NOTENOUGH"));
    }

    #[test]
    fn a_hostile_answer_cannot_flood_or_repaint_the_screen() {
        // Regression: meta.message and WeChat's wx_message went into the
        // error as sent: any length, line breaks and escape sequences.
        let long = "x".repeat(100_000);
        let body =
            json!({"meta": {"status_code": 400, "message": format!("bad\n\u{1b}[2J{long}")}})
                .to_string();
        let e = interpret(400, &body).unwrap_err().to_string();
        assert!(e.len() < 400, "{} bytes", e.len());
        assert!(!e.chars().any(char::is_control), "{e:?}");
        let wx = json!({"wx_code": "NOTENOUGH\n", "wx_message": format!("\u{1b}[31m{long}")});
        let body = json!({"meta": {"status_code": 555, "message": wx.to_string()}}).to_string();
        let e = interpret(555, &body).unwrap_err();
        assert!(e.is_decline(), "{e:?}");
        let shown = e.to_string();
        assert!(shown.starts_with("WeChat answered NOTENOUGH:"), "{shown}");
        assert!(
            shown.len() < 400 && !shown.chars().any(char::is_control),
            "{shown:?}"
        );
        let html = format!("<html>\n<body>\r\n{long}</body>");
        let e = interpret(200, &html).unwrap_err().to_string();
        assert!(e.len() < 400 && !e.contains('\n'), "{e:?}");
    }

    #[test]
    fn statuses_become_typed_errors() {
        let err = |s, b: &str| interpret(s, b).unwrap_err();
        let envelope = |code: u16| {
            format!(r#"{{"meta":{{"status_code":{code},"message":"m","success":false}}}}"#)
        };
        assert!(matches!(
            err(401, &envelope(401)),
            HipoPayError::Signature { .. }
        ));
        assert!(matches!(
            err(411, &envelope(411)),
            HipoPayError::Clock { .. }
        ));
        assert!(matches!(
            err(404, &envelope(404)),
            HipoPayError::NotFound { .. }
        ));
        // Not HipoPay's words: a proxy's page says nothing about the order.
        for (status, body) in [
            (404, "<html>Not Found</html>"),
            (404, ""),
            (401, "{}"),
            (400, "Bad Request"),
        ] {
            let e = err(status, body);
            assert!(
                matches!(e, HipoPayError::UnexpectedStatus { .. }) && e.outcome_unknown(),
                "{status} {body:?}: {e:?}"
            );
        }
        // A redirect is an answer too, and an unclear one.
        assert!(err(302, "").outcome_unknown());
        assert!(matches!(
            err(503, "<html>down</html>"),
            HipoPayError::Server { status: 503, .. }
        ));
        let wx = r#"{"meta":{"status_code":555,"message":"{\"wx_code\":\"NOTENOUGH\",\"wx_message\":\"balance\"}","success":false}}"#;
        let e = err(555, wx);
        assert_eq!(
            e,
            HipoPayError::Wechat {
                wx_code: "NOTENOUGH".into(),
                wx_message: "balance".into()
            }
        );
        assert!(e.is_decline() && !e.outcome_unknown());
        let paying = r#"{"meta":{"status_code":555,"message":"{\"wx_code\":\"USERPAYING\",\"wx_message\":\"\"}"}}"#;
        assert!(err(555, paying).outcome_unknown());
        assert!(err(555, "garbage").outcome_unknown());
        // success:false inside an HTTP 200
        let e = err(
            200,
            r#"{"meta":{"status_code":400,"message":"bad amount","success":false}}"#,
        );
        assert_eq!(
            e,
            HipoPayError::BadRequest {
                message: "bad amount".into()
            }
        );
        // success:false with no code says nothing definite: unknown, asked about.
        let e = err(200, r#"{"meta":{"message":"busy","success":false}}"#);
        assert!(
            matches!(e, HipoPayError::UnexpectedStatus { status: 200, .. }),
            "{e:?}"
        );
        assert!(e.outcome_unknown());
        assert!(matches!(
            err(200, r#"{"meta": {"status_code": 200,"#),
            HipoPayError::Malformed(_)
        ));
        assert!(interpret(
            200,
            r#"{"meta":{"status_code":200,"success":true},"data":{}}"#
        )
        .is_ok());
    }
}
