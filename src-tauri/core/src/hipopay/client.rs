//! The HipoPay HTTP client: signs every call, sends it, and turns the answer
//! into a typed value or a typed error. The base URL is injectable so tests
//! and demo mode point it at the sandbox.

use super::decode;
use super::model::{RemoteOrder, RemoteRefund};
use super::sign::Signer;
use super::statement;
use super::transport::{self, Method, Transport};
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
    /// Which counter takes it, for HipoPay's records (WeChat `device_info`;
    /// Alipay's calls have no such field). Empty: not sent.
    pub device_info: String,
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
    http: Transport,
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
        let http = Transport::new(config.timeout, config.connect_timeout)?;
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
        let (status, body) = self
            .exchange(method, path, params, transport::MAX_BODY)
            .await?;
        decode::interpret(status, &String::from_utf8_lossy(&body))
    }

    /// HipoPay's statement for whole days `from` to `to` (document §8; the
    /// choices it leaves open are in `statement`): the file's bytes, as
    /// they came. An answer in HipoPay's JSON envelope is its error.
    pub async fn download_statement(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Result<Vec<u8>, HipoPayError> {
        let params = [
            ("agent_no", self.config.agent_no.clone()),
            ("start_date", statement::statement_date(from)),
            ("end_date", statement::statement_date(to)),
        ];
        let (status, body) = self
            .exchange(
                Method::Get,
                "/download_bill",
                &params,
                transport::MAX_STATEMENT,
            )
            .await?;
        let text = String::from_utf8_lossy(&body);
        let enveloped = serde_json::from_str::<Value>(text.trim())
            .ok()
            .is_some_and(|v| v.get("meta").is_some());
        if status != 200 || enveloped {
            decode::interpret(status, &text)?;
            return Err(HipoPayError::Malformed(
                "HipoPay answered the statement call with JSON, not a file".into(),
            ));
        }
        Ok(body)
    }

    /// Signs and sends one call: the status and the body, unread.
    async fn exchange(
        &self,
        method: Method,
        path: &str,
        params: &[(&str, String)],
        max_body: usize,
    ) -> Result<(u16, Vec<u8>), HipoPayError> {
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
        let mut headers = vec![
            ("AgentNo", self.config.agent_no.as_str()),
            ("Signature", signature.as_str()),
            ("Version", "1.0"),
            ("Timestamp", timestamp.as_str()),
            ("User-Agent", concat!("cashier/", env!("CARGO_PKG_VERSION"))),
        ];
        let (url, body) = match method {
            Method::Get => (format!("{url}?{form}"), None),
            Method::Post => {
                headers.push(("Content-Type", "application/x-www-form-urlencoded"));
                (url, Some(form))
            }
        };
        self.http.send(method, &url, &headers, body, max_body).await
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
        decode::order_answer(&body, req.amount.currency)
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
        decode::qr_answer(&body, payload_key, req.amount.currency)
    }

    /// Looks an order up by the merchant order number we sent, and by
    /// HipoPay's own number when we have it (the document's WeChat query
    /// marks `order_no` required; either names the order).
    pub async fn query_order(
        &self,
        wallet: Wallet,
        merchant_order_no: &str,
        payment_no: Option<&str>,
        currency: Currency,
    ) -> Result<RemoteOrder, HipoPayError> {
        let (path, ours, theirs) = match wallet {
            Wallet::Wechat => ("/order", "agent_order_id", "order_no"),
            Wallet::Alipay => ("/alipay/order", "out_order_no", "payment_no"),
        };
        let mut params = vec![(ours, merchant_order_no.to_string())];
        if let Some(no) = payment_no.filter(|n| !n.trim().is_empty()) {
            params.push((theirs, no.to_string()));
        }
        let body = self.call(Method::Get, path, &params).await?;
        decode::order_answer(&body, currency)
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
        decode::refund_answer(&body, amount.currency)
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
        decode::refund_query_answer(&body, outer_refund_no, currency)
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
        decode::rate_answer(&body)
    }

    fn wechat_charge_params(&self, req: &ChargeRequest) -> Vec<(&'static str, String)> {
        let mut params = vec![
            ("merchant_no", self.config.merchant_no.clone()),
            ("currency", req.amount.currency.code().to_string()),
            ("amount", req.amount.to_decimal_string()),
            ("product_info", req.subject.clone()),
            ("ip", req.ip.clone()),
            ("agent_order_id", req.merchant_order_no.clone()),
        ];
        if !req.device_info.is_empty() {
            params.push(("device_info", req.device_info.clone()));
        }
        params
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
