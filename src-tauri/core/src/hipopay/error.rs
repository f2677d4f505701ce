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

/// WeChat's codes for a payment that did not and will not happen (its
/// micropay error table): the customer's balance, the payment code, the
/// account, a closed order, or a request WeChat refused outright. Any other
/// code (SYSTEMERROR, BANKERROR, USERPAYING, ORDERPAID, and any code this
/// list does not know) says nothing definite: the order is asked about,
/// never failed on it.
const WECHAT_DECLINES: &[&str] = &[
    "NOTENOUGH",
    "NOTSUPORTCARD",
    "AUTHCODEEXPIRE",
    "AUTH_CODE_ERROR",
    "AUTH_CODE_INVALID",
    "BUYER_MISMATCH",
    "PAYER_ACCOUNT_ABNORMAL",
    "ORDERCLOSED",
    "ORDERREVERSED",
    "NOAUTH",
    "PARAM_ERROR",
    "INVALID_REQUEST",
    "LACK_PARAMS",
    "OUT_TRADE_NO_USED",
    "SIGNERROR",
    "XML_FORMAT_ERROR",
    "REQUIRE_POST_METHOD",
    "POST_DATA_EMPTY",
    "NOT_UTF8",
    "APPID_NOT_EXIST",
    "MCHID_NOT_EXIST",
    "APPID_MCHID_NOT_MATCH",
];

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
            HipoPayError::Wechat { .. } => !self.is_decline(),
            _ => false,
        }
    }

    /// A definite refusal by the wallet, to be shown as "declined": one of
    /// WeChat's documented decline codes.
    pub fn is_decline(&self) -> bool {
        matches!(self, HipoPayError::Wechat { wx_code, .. } if WECHAT_DECLINES.contains(&wx_code.as_str()))
    }

    /// After a charge was sent, whether this error settles it as not paid:
    /// a wallet's documented decline, or HipoPay refusing to authenticate
    /// the request (401 signature, 411 clock: refused before anything is
    /// done with it, so nothing was charged; assumed, as the document says
    /// no more). Every other error, 400, 403 and 404 included, leaves the
    /// charge unclear: it is asked about, never failed on a guess.
    pub fn settles_a_charge_as_not_paid(&self) -> bool {
        self.is_decline()
            || matches!(
                self,
                HipoPayError::Signature { .. } | HipoPayError::Clock { .. }
            )
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
