//! Every way a HipoPay call can go wrong, in words a cashier can act on, and
//! the one question the engine asks of each: could money have moved?

use crate::error::ErrorKind;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HipoPayError {
    #[error("HipoPay refused the request (400): {message}")]
    BadRequest { message: String },
    #[error("HipoPay rejected the signature (401): check the agent number and the private key")]
    Signature { message: String },
    #[error(
        "HipoPay says this computer's clock is wrong (411): set the correct time and try again"
    )]
    Clock { message: String },
    #[error("HipoPay refused: this merchant may not do that (403): {message}")]
    Forbidden { message: String },
    #[error("HipoPay has no such order or refund (404)")]
    NotFound { message: String },
    #[error("WeChat answered {wx_code}: {wx_message}")]
    Wechat { wx_code: String, wx_message: String },
    #[error("HipoPay is having trouble (HTTP {status}): {message}")]
    Server { status: u16, message: String },
    #[error("HipoPay answered HTTP {status}: {message}")]
    UnexpectedStatus { status: u16, message: String },
    #[error("no answer from HipoPay in time")]
    Timeout,
    #[error("could not connect to HipoPay: {0}")]
    Connect(String),
    #[error("the connection to HipoPay broke before its answer arrived: {0}")]
    Interrupted(String),
    #[error("HipoPay's answer could not be read: {0}")]
    Malformed(String),
    #[error("bad HipoPay settings: {0}")]
    Config(String),
}

/// WeChat codes that mean "still in progress or not known", not "declined".
const WECHAT_UNKNOWN_CODES: &[&str] = &["USERPAYING", "SYSTEMERROR", "BANKERROR", "ORDERPAID"];

impl HipoPayError {
    /// True when the request may have been acted on and its result is unknown:
    /// the only safe next step is to ask HipoPay, never to charge again.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            HipoPayError::Server { .. }
            | HipoPayError::UnexpectedStatus { .. }
            | HipoPayError::Timeout
            | HipoPayError::Interrupted(_)
            | HipoPayError::Malformed(_) => true,
            HipoPayError::Wechat { wx_code, .. } => {
                WECHAT_UNKNOWN_CODES.contains(&wx_code.as_str())
            }
            _ => false,
        }
    }

    /// A definite refusal by the wallet, to be shown as "declined".
    pub fn is_decline(&self) -> bool {
        matches!(self, HipoPayError::Wechat { .. }) && !self.outcome_unknown()
    }

    /// What kind of trouble, so screens can tell faults apart.
    pub fn kind(&self) -> ErrorKind {
        match self {
            HipoPayError::Signature { .. } => ErrorKind::Signature,
            HipoPayError::Clock { .. } => ErrorKind::Clock,
            HipoPayError::Timeout | HipoPayError::Connect(_) | HipoPayError::Interrupted(_) => {
                ErrorKind::Network
            }
            HipoPayError::Wechat { .. } => ErrorKind::Declined,
            HipoPayError::Config(_) => ErrorKind::Config,
            _ => ErrorKind::Acquirer,
        }
    }
}
