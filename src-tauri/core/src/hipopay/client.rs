//! The HipoPay HTTP client: signs every call, sends it, and turns the answer
//! into a typed value or a typed error. The base URL is injectable so tests
//! and demo mode point it at the sandbox.

use super::model::{RemoteOrder, RemoteRefund};
use super::sign::Signer;
use super::HipoPayError;
use crate::money::{Currency, Money};
use crate::wallet::Wallet;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// Seconds since the Unix epoch; injectable so a test can skew the clock.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub base_url: String,
    pub agent_no: String,
    pub merchant_no: String,
    /// Whole-request limit. Past it the outcome is unknown, not failed.
    pub timeout: Duration,
    pub connect_timeout: Duration,
}

impl ClientConfig {
    pub fn new(base_url: &str, agent_no: &str, merchant_no: &str) -> Self {
        ClientConfig {
            base_url: base_url.trim_end_matches('/').to_string(),
            agent_no: agent_no.to_string(),
            merchant_no: merchant_no.to_string(),
            timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(5),
        }
    }
}

/// What a charge needs besides the wallet-specific code.
#[derive(Debug, Clone)]
pub struct ChargeRequest {
    pub merchant_order_no: String,
    pub amount: Money,
    pub subject: String,
    /// The terminal's IP, which WeChat requires.
    pub ip: String,
}

/// A QR order as created: the order plus the payload to show as a QR code.
#[derive(Debug, Clone)]
pub struct QrOrder {
    pub order: RemoteOrder,
    pub payload: String,
}

#[derive(Clone)]
pub struct HipoPayClient {
    config: ClientConfig,
    signer: Arc<Signer>,
    http: reqwest::Client,
    clock: Clock,
}

impl std::fmt::Debug for HipoPayClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HipoPayClient")
            .field("base_url", &self.config.base_url)
            .field("agent_no", &self.config.agent_no)
            .field("merchant_no", &self.config.merchant_no)
            .field("signer", &self.signer)
            .finish()
    }
}

#[derive(Clone, Copy)]
enum Method {
    Get,
    Post,
}

fn system_clock() -> i64 {
    chrono::Utc::now().timestamp()
}

impl HipoPayClient {
    pub fn new(config: ClientConfig, signer: Signer) -> Result<Self, HipoPayError> {
        let url = config.base_url.trim();
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(HipoPayError::Config(format!(
                "the API base URL {url:?} must start with https://"
            )));
        }
        if config.agent_no.trim().is_empty() || config.merchant_no.trim().is_empty() {
            return Err(HipoPayError::Config(
                "the agent number and merchant number must not be empty".into(),
            ));
        }
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .user_agent(concat!("cashier/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| HipoPayError::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(HipoPayClient {
            config,
            signer: Arc::new(signer),
            http,
            clock: Arc::new(system_clock),
        })
    }

    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Signs and sends one call; returns the parsed JSON body of a success.
    async fn call(
        &self,
        method: Method,
        path: &str,
        params: &[(&str, String)],
    ) -> Result<Value, HipoPayError> {
        let timestamp = (self.clock)().to_string();
        let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let signature = self.signer.sign_params(&pairs, &timestamp);
        let form = {
            let mut s = form_urlencoded::Serializer::new(String::new());
            for (k, v) in &pairs {
                s.append_pair(k, v);
            }
            s.finish()
        };
        let url = format!("{}{}", self.config.base_url, path);
        let builder = match method {
            Method::Get => self.http.get(format!("{url}?{form}")),
            Method::Post => self
                .http
                .post(url)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(form),
        };
        let response = builder
            .header("AgentNo", &self.config.agent_no)
            .header("Signature", signature)
            .header("Version", "1.0")
            .header("Timestamp", &timestamp)
            .send()
            .await
            .map_err(transport_error)?;
        let status = response.status().as_u16();
        let body = response.text().await.map_err(transport_error)?;
        interpret(status, &body)
    }

    pub async fn scan_pay(
        &self,
        wallet: Wallet,
        req: &ChargeRequest,
        auth_code: &str,
    ) -> Result<RemoteOrder, HipoPayError> {
        let (path, mut params) = match wallet {
            Wallet::Wechat => ("/order/scan_pay", self.wechat_charge_params(req)),
            Wallet::Alipay => ("/alipay/scan_pay", self.alipay_charge_params(req)),
        };
        params.push(("auth_code", auth_code.to_string()));
        let body = self.call(Method::Post, path, &params).await?;
        RemoteOrder::from_json(
            data(&body)?.get("order").unwrap_or(&Value::Null),
            req.amount.currency,
        )
    }

    /// WeChat `scanned_pay` (`code_url`) or Alipay `qrcode_pay` (`qrcode`).
    pub async fn create_qr(
        &self,
        wallet: Wallet,
        req: &ChargeRequest,
    ) -> Result<QrOrder, HipoPayError> {
        let (path, params, payload_key) = match wallet {
            Wallet::Wechat => (
                "/order/scanned_pay",
                self.wechat_charge_params(req),
                "code_url",
            ),
            Wallet::Alipay => (
                "/alipay/qrcode_pay",
                self.alipay_charge_params(req),
                "qrcode",
            ),
        };
        let body = self.call(Method::Post, path, &params).await?;
        let data = data(&body)?;
        let payload = super::model::text(data, &[payload_key])
            .ok_or_else(|| HipoPayError::Malformed(format!("the answer has no {payload_key}")))?;
        let order = RemoteOrder::from_json(
            data.get("order").unwrap_or(&Value::Null),
            req.amount.currency,
        )?;
        Ok(QrOrder { order, payload })
    }

    /// Looks an order up by the merchant order number we sent.
    pub async fn query_order(
        &self,
        wallet: Wallet,
        merchant_order_no: &str,
        currency: Currency,
    ) -> Result<RemoteOrder, HipoPayError> {
        let (path, key) = match wallet {
            Wallet::Wechat => ("/order", "agent_order_id"),
            Wallet::Alipay => ("/alipay/order", "out_order_no"),
        };
        let body = self
            .call(Method::Get, path, &[(key, merchant_order_no.to_string())])
            .await?;
        RemoteOrder::from_json(data(&body)?.get("order").unwrap_or(&Value::Null), currency)
    }

    pub async fn refund(
        &self,
        wallet: Wallet,
        payment_no: &str,
        outer_refund_no: &str,
        amount: Money,
    ) -> Result<RemoteRefund, HipoPayError> {
        let (path, key) = match wallet {
            Wallet::Wechat => ("/refund", "order_no"),
            Wallet::Alipay => ("/alipay/refund", "payment_no"),
        };
        let params = [
            (key, payment_no.to_string()),
            ("outer_refund_no", outer_refund_no.to_string()),
            ("refund_amount", amount.to_decimal_string()),
        ];
        let body = self.call(Method::Post, path, &params).await?;
        RemoteRefund::from_json(
            data(&body)?.get("refund").unwrap_or(&Value::Null),
            amount.currency,
        )
    }

    /// Looks a refund up by the `outer_refund_no` we stored before sending it.
    pub async fn query_refund(
        &self,
        wallet: Wallet,
        outer_refund_no: &str,
        currency: Currency,
    ) -> Result<RemoteRefund, HipoPayError> {
        let path = match wallet {
            Wallet::Wechat => "/refund",
            Wallet::Alipay => "/alipay/refund",
        };
        let body = self
            .call(
                Method::Get,
                path,
                &[("outer_refund_no", outer_refund_no.to_string())],
            )
            .await?;
        let data = data(&body)?;
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

    /// CNY per one unit of `currency`, as the decimal string HipoPay sent.
    pub async fn rate(&self, wallet: Wallet, currency: Currency) -> Result<String, HipoPayError> {
        let body = match wallet {
            Wallet::Wechat => {
                let params = [
                    ("merchant_no", self.config.merchant_no.clone()),
                    ("currency", currency.code().to_string()),
                ];
                self.call(Method::Get, "/rate", &params).await?
            }
            Wallet::Alipay => {
                self.call(
                    Method::Get,
                    "/alipay/rate",
                    &[("currency", currency.code().to_string())],
                )
                .await?
            }
        };
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

    fn wechat_charge_params(&self, req: &ChargeRequest) -> Vec<(&'static str, String)> {
        vec![
            ("merchant_no", self.config.merchant_no.clone()),
            ("currency", req.amount.currency.code().to_string()),
            ("amount", req.amount.to_decimal_string()),
            ("product_info", req.subject.clone()),
            ("ip", req.ip.clone()),
            ("agent_order_id", req.merchant_order_no.clone()),
        ]
    }

    fn alipay_charge_params(&self, req: &ChargeRequest) -> Vec<(&'static str, String)> {
        vec![
            ("merchant_no", self.config.merchant_no.clone()),
            ("currency", req.amount.currency.code().to_string()),
            ("amount", req.amount.to_decimal_string()),
            ("subject", req.subject.clone()),
            ("out_order_no", req.merchant_order_no.clone()),
        ]
    }
}

fn transport_error(e: reqwest::Error) -> HipoPayError {
    if e.is_timeout() {
        HipoPayError::Timeout
    } else if e.is_connect() {
        HipoPayError::Connect(root_cause(&e))
    } else {
        HipoPayError::Interrupted(root_cause(&e))
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

fn data(body: &Value) -> Result<&Value, HipoPayError> {
    body.get("data")
        .filter(|d| d.is_object())
        .ok_or_else(|| HipoPayError::Malformed("the answer has no data".into()))
}

/// Text from the peer as an error shows it: one line, at most 160 characters.
fn short(body: &str) -> String {
    crate::error::one_line(body, 160)
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
    Err(match effective {
        400 => HipoPayError::BadRequest { message },
        401 => HipoPayError::Signature { message },
        411 => HipoPayError::Clock { message },
        403 => HipoPayError::Forbidden { message },
        404 => HipoPayError::NotFound { message },
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
                        prop_assert_eq!(e.kind(), "declined");
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
                401 => "signature",
                411 => "clock",
                _ => "acquirer",
            };
            prop_assert_eq!(e.kind(), kind);
            prop_assert_eq!(e.outcome_unknown(), code >= 500, "{:?}", e);
        }
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
        assert!(matches!(err(401, "{}"), HipoPayError::Signature { .. }));
        assert!(matches!(err(411, ""), HipoPayError::Clock { .. }));
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
