//! HipoPay sandbox acquirer.
//!
//! Serves the HipoPay counter API (WeChat Pay and Alipay endpoints) over plain
//! HTTP on loopback, so the cashier app's integration tests and its demo mode
//! run without a real acquirer, and so every outcome the app must survive
//! (declines, pending payments, dropped answers, 5xx, slow and malformed
//! answers) can be produced on demand.
//!
//! Outcomes are chosen by the last three digits of the payment code (see
//! *Scenarios* below) or injected per endpoint with [`FaultRule`], or at
//! random from a fixed seed with [`Chaos`] ([`SimHandle::set_chaos`]). Every
//! answer carries [`ELAPSED_HEADER`]: the sandbox's own time, in microseconds.
//!
//! # Scenarios
//! On `scan_pay` (both wallets) the payment code's last three digits pick the
//! outcome: `101` declined, `102` INIT then PAID, `103` INIT forever, `104`
//! recorded PAID but the connection is dropped, `105` HTTP 503, `106` PAID but
//! answered after `slow_answer`, `107` PAID with truncated JSON, `108` HTTP 500,
//! `109` WeChat 555 USERPAYING / Alipay INIT then PAID, `110` INIT then FAIL.
//! Anything else is PAID at once. A code used in an earlier recorded charge is
//! refused. "Then" transitions happen on order queries: the first
//! `init_queries_before_paid` queries of the order answer INIT, the next one
//! answers the final status.
//!
//! # Control API (unsigned, JSON without the HipoPay envelope)
//! * `POST /_sim/faults` body: a [`FaultRule`], e.g.
//!   `{"method":"POST","path":"/order/scan_pay","fault":{"status":503},"times":1}`.
//!   `fault` is one of `{"status":503}`, `"drop_after_commit"`,
//!   `{"delay_ms":1500}`, `"malformed"`,
//!   `{"wechat555":{"code":"SYSTEMERROR","message":"..."}}`; `times` defaults to 1.
//! * `POST /_sim/pay` body `{"merchant_order_no":"..."}`: the customer pays an INIT order.
//! * `GET /_sim/orders`, `GET /_sim/refunds`, `GET /_sim/requests`: JSON arrays.
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod alipay;
mod api;
mod chaos;
mod control;
mod fault;
mod money;
mod ops;
mod proto;
mod scenario;
mod server;
mod sign;
mod sim;
mod state;
mod statement;
mod wechat;

use std::path::PathBuf;
use std::time::Duration;

pub use chaos::Chaos;
pub use fault::{Fault, FaultRule};
pub use server::{SimHandle, ELAPSED_HEADER};
pub use state::{RequestRecord, SimOrder, SimRefund};
pub use statement::StatementEdit;

/// How the sandbox behaves. Build with [`SimConfig::new`] and adjust fields.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Expected `AgentNo` header.
    pub agent_no: String,
    /// The only merchant number accepted (others get 403).
    pub merchant_no: String,
    /// Public half of the agent's signing key; every API request is verified against it.
    pub agent_public_key: rsa::RsaPublicKey,
    /// Allowed distance between the `Timestamp` header and now (else 411).
    pub clock_tolerance_secs: i64,
    /// How far the clock the Timestamp check reads is from the real one, in
    /// seconds (0: none).
    /// Set it beyond the tolerance to play a client whose clock is wrong.
    pub clock_offset_secs: i64,
    /// Scenarios 102/109/110: how many order queries still answer INIT.
    pub init_queries_before_paid: u32,
    /// Scenario 106: how late the answer comes.
    pub slow_answer: Duration,
    /// A QR order still unpaid this long after creation reads as EXPIRED.
    pub qr_expiry: Duration,
    /// Demo mode: a QR order still INIT this long after creation reads as PAID.
    pub customer_pays_qr_after: Option<Duration>,
    /// When set, state (orders, refunds, used codes, query counts) is loaded
    /// from here at start and saved atomically after every change. The file is
    /// only read at start: one running sim per file at a time.
    pub state_file: Option<PathBuf>,
}

impl SimConfig {
    /// A config with the defaults: 300 s clock tolerance, 2 INIT queries,
    /// 3 s slow answers, 2 h QR expiry, no simulated QR customer, no state file.
    pub fn new(
        agent_no: impl Into<String>,
        merchant_no: impl Into<String>,
        agent_public_key: rsa::RsaPublicKey,
    ) -> Self {
        SimConfig {
            agent_no: agent_no.into(),
            merchant_no: merchant_no.into(),
            agent_public_key,
            clock_tolerance_secs: 300,
            clock_offset_secs: 0,
            init_queries_before_paid: 2,
            slow_answer: Duration::from_secs(3),
            qr_expiry: Duration::from_secs(2 * 3600),
            customer_pays_qr_after: None,
            state_file: None,
        }
    }
}

/// Errors from the library API.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error("state file {path}: {reason}")]
    StateFile { path: PathBuf, reason: String },
    #[error("no order with merchant order number {0:?}")]
    UnknownOrder(String),
    #[error("order {merchant_order_no:?} is {status}, only an INIT order can be paid")]
    NotPayable {
        merchant_order_no: String,
        status: String,
    },
    #[error("invalid RSA public key: {0}")]
    Key(String),
}

/// Parse an RSA public key from PEM, either SPKI (`PUBLIC KEY`) or PKCS#1
/// (`RSA PUBLIC KEY`); agents are handed either form.
pub fn public_key_from_pem(pem: &str) -> Result<rsa::RsaPublicKey, SimError> {
    use rsa::pkcs1::DecodeRsaPublicKey;
    use rsa::pkcs8::DecodePublicKey;
    match rsa::RsaPublicKey::from_public_key_pem(pem) {
        Ok(key) => Ok(key),
        Err(spki_err) => rsa::RsaPublicKey::from_pkcs1_pem(pem).map_err(|pkcs1_err| {
            SimError::Key(format!("not SPKI ({spki_err}) nor PKCS#1 ({pkcs1_err})"))
        }),
    }
}
