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
            (None, Some(Value::Array(list))) => list
                .iter()
                .find(|r| r.get("outer_refund_no").and_then(Value::as_str) == Some(outer_refund_no))
                .cloned()
                .ok_or(HipoPayError::NotFound {
                    message: "refund not in the list".into(),
                })?,
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

fn short(body: &str) -> String {
    let trimmed = body.trim();
    match trimmed.char_indices().nth(160) {
        Some((i, _)) => format!("{}…", &trimmed[..i]),
        None => trimmed.to_string(),
    }
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
        .map(str::to_string)
        .unwrap_or_else(|| short(body));
    let success = meta.and_then(|m| m.get("success")).and_then(Value::as_bool);
    // An HTTP 200 may still carry an error in `meta`.
    let effective = match (status, meta_status, success) {
        (200, Some(code), _) if code != 200 => code,
        (200, _, Some(false)) => 400,
        _ => status,
    };
    if effective == 200 {
        return json.ok_or_else(|| HipoPayError::Malformed(format!("not JSON: {}", short(body))));
    }
    Err(match effective {
        400 => HipoPayError::BadRequest { message },
        401 => HipoPayError::Signature { message },
        411 => HipoPayError::Clock { message },
        403 => HipoPayError::Forbidden { message },
        404 => HipoPayError::NotFound { message },
        555 => match serde_json::from_str::<Value>(&message) {
            Ok(wx) => match super::model::text(&wx, &["wx_code"]) {
                Some(wx_code) => HipoPayError::Wechat {
                    wx_code,
                    wx_message: super::model::text(&wx, &["wx_message"]).unwrap_or_default(),
                },
                None => HipoPayError::Server {
                    status: 555,
                    message,
                },
            },
            Err(_) => HipoPayError::Server {
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
