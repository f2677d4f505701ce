//! Test-side client: keys, an independent signer, and request helpers.

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hipopay_sim::{SimConfig, SimHandle};
use rsa::{Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};
use serde_json::Value;
use sha2::{Digest, Sha256};

pub(crate) const AGENT: &str = "agent-1";
pub(crate) const MERCHANT: &str = "mer-1";

/// Generated once per test binary: 2048-bit generation is the slow part.
pub(crate) fn agent_key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap())
}

pub(crate) fn other_key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| RsaPrivateKey::new(&mut rand::thread_rng(), 1024).unwrap())
}

pub(crate) fn config() -> SimConfig {
    SimConfig::new(AGENT, MERCHANT, RsaPublicKey::from(agent_key()))
}

pub(crate) async fn start(config: SimConfig) -> SimHandle {
    SimHandle::start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .try_into()
        .unwrap()
}

/// Test-side signer, deliberately spelled differently from the sim's.
pub(crate) fn sign(key: &RsaPrivateKey, params: &[(&str, &str)], timestamp: &str) -> String {
    fn quote(s: &str) -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
    let mut sorted = params.to_vec();
    sorted.sort();
    let joined: Vec<String> = sorted
        .iter()
        .map(|(k, v)| format!("{}={}", quote(k), quote(v)))
        .collect();
    let message = format!("{},{timestamp}", joined.join("&"));
    let digest = Sha256::digest(message.as_bytes());
    let sig = key.sign(Pkcs1v15Sign::new::<Sha256>(), &digest).unwrap();
    base64::engine::general_purpose::STANDARD.encode(sig)
}

pub(crate) struct Client {
    base: String,
    http: reqwest::Client,
}

/// What to put in the headers; defaults are a correct request.
pub(crate) struct Headers {
    pub agent: String,
    pub version: String,
    pub timestamp: String,
    pub key: &'static RsaPrivateKey,
    pub signature: Option<String>,
}

impl Default for Headers {
    fn default() -> Self {
        Headers {
            agent: AGENT.into(),
            version: "1.0".into(),
            timestamp: now().to_string(),
            key: agent_key(),
            signature: None,
        }
    }
}

impl Client {
    pub(crate) fn new(sim: &SimHandle) -> Client {
        Client {
            base: sim.base_url(),
            http: reqwest::Client::new(),
        }
    }

    pub(crate) async fn send(
        &self,
        method: &str,
        path: &str,
        params: &[(&str, &str)],
        h: Headers,
    ) -> reqwest::Result<(u16, String)> {
        let encoded = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        let signature = h
            .signature
            .unwrap_or_else(|| sign(h.key, params, &h.timestamp));
        let req = if method == "GET" {
            self.http.get(format!("{}{path}?{encoded}", self.base))
        } else {
            self.http
                .post(format!("{}{path}", self.base))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(encoded)
        };
        let resp = req
            .header("AgentNo", h.agent)
            .header("Version", h.version)
            .header("Timestamp", h.timestamp)
            .header("Signature", signature)
            .send()
            .await?;
        let status = resp.status().as_u16();
        Ok((status, resp.text().await?))
    }

    pub(crate) async fn call(
        &self,
        method: &str,
        path: &str,
        params: &[(&str, &str)],
    ) -> (u16, Value) {
        let (status, text) = self
            .send(method, path, params, Headers::default())
            .await
            .unwrap();
        (status, serde_json::from_str(&text).unwrap())
    }

    pub(crate) async fn post(&self, path: &str, params: &[(&str, &str)]) -> (u16, Value) {
        self.call("POST", path, params).await
    }

    pub(crate) async fn get(&self, path: &str, params: &[(&str, &str)]) -> (u16, Value) {
        self.call("GET", path, params).await
    }

    pub(crate) async fn wechat_scan(
        &self,
        order_id: &str,
        amount: &str,
        code: &str,
    ) -> (u16, Value) {
        self.post(
            "/order/scan_pay",
            &[
                ("merchant_no", MERCHANT),
                ("currency", "HKD"),
                ("amount", amount),
                ("product_info", "咖啡 x1 & cake"),
                ("ip", "127.0.0.1"),
                ("auth_code", code),
                ("agent_order_id", order_id),
            ],
        )
        .await
    }

    pub(crate) async fn alipay_scan(
        &self,
        order_id: &str,
        amount: &str,
        code: &str,
    ) -> (u16, Value) {
        self.post(
            "/alipay/scan_pay",
            &[
                ("merchant_no", MERCHANT),
                ("currency", "HKD"),
                ("amount", amount),
                ("subject", "Tea ~ 茶"),
                ("auth_code", code),
                ("out_order_no", order_id),
            ],
        )
        .await
    }

    pub(crate) async fn wechat_status(&self, order_id: &str) -> String {
        let (status, body) = self.get("/order", &[("agent_order_id", order_id)]).await;
        assert_eq!(status, 200, "{body}");
        body["data"]["order"]["status"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

pub(crate) fn message(body: &Value) -> &str {
    body["meta"]["message"].as_str().unwrap()
}
