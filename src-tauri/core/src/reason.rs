//! Why an order stands where it does, as a code: the app and the CLI choose
//! their words (in three languages) from it, never from an error message, so
//! rewording a message in Rust cannot change what a cashier is told. The
//! acquirer's own words stay in the order's `error` as the detail.

use crate::hipopay::HipoPayError;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    // FAILED: nothing was taken.
    /// The wallet declined, for a reason it did not name.
    Declined,
    /// The customer's balance is not enough.
    InsufficientFunds,
    /// The payment code was expired, used or not valid.
    CodeInvalid,
    /// The customer cancelled on the phone.
    Cancelled,
    /// Over the customer's or the wallet's limit.
    OverLimit,
    /// HipoPay refused the request itself (bad parameters, a merchant not
    /// allowed, a key or clock it rejected) before anything was charged.
    Refused,
    /// The charge never left this counter (the app stopped first, or no
    /// connection could be made).
    NotSent,
    /// HipoPay says it never received the charge, long after the wallet
    /// would have closed it.
    NeverReceived,
    /// The QR code never reached the counter, so nobody could pay it.
    QrMissing,
    // EXPIRED
    /// The customer did not pay in time.
    Expired,
    // PENDING: the outcome is not known yet; never charge again.
    /// HipoPay says the customer is confirming on the phone.
    Confirming,
    /// No answer arrived (a timeout or a connection that broke) after the
    /// charge left.
    NoAnswer,
    /// HipoPay answered with a server error after the charge left.
    AcquirerTrouble,
    /// HipoPay's answer could not be read or trusted.
    UnreadableAnswer,
    /// HipoPay made the QR order but its code never reached the counter:
    /// nobody can pay it. Watched until HipoPay closes it.
    QrNotShown,
}

/// Which status a reason explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Explains {
    Failed,
    Expired,
    Pending,
}

impl Reason {
    pub const ALL: [Reason; 15] = [
        Reason::Declined,
        Reason::InsufficientFunds,
        Reason::CodeInvalid,
        Reason::Cancelled,
        Reason::OverLimit,
        Reason::Refused,
        Reason::NotSent,
        Reason::NeverReceived,
        Reason::QrMissing,
        Reason::Expired,
        Reason::Confirming,
        Reason::NoAnswer,
        Reason::AcquirerTrouble,
        Reason::UnreadableAnswer,
        Reason::QrNotShown,
    ];

    /// The code as stored and sent: `insufficient_funds`.
    pub fn code(self) -> &'static str {
        match self {
            Reason::Declined => "declined",
            Reason::InsufficientFunds => "insufficient_funds",
            Reason::CodeInvalid => "code_invalid",
            Reason::Cancelled => "cancelled",
            Reason::OverLimit => "over_limit",
            Reason::Refused => "refused",
            Reason::NotSent => "not_sent",
            Reason::NeverReceived => "never_received",
            Reason::QrMissing => "qr_missing",
            Reason::Expired => "expired",
            Reason::Confirming => "confirming",
            Reason::NoAnswer => "no_answer",
            Reason::AcquirerTrouble => "acquirer_trouble",
            Reason::UnreadableAnswer => "unreadable_answer",
            Reason::QrNotShown => "qr_not_shown",
        }
    }

    /// A code read back from the ledger; an unknown one (a newer version's) is none.
    pub fn from_code(code: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn explains(self) -> Explains {
        match self {
            Reason::Declined
            | Reason::InsufficientFunds
            | Reason::CodeInvalid
            | Reason::Cancelled
            | Reason::OverLimit
            | Reason::Refused
            | Reason::NotSent
            | Reason::NeverReceived
            | Reason::QrMissing => Explains::Failed,
            Reason::Expired => Explains::Expired,
            Reason::Confirming
            | Reason::NoAnswer
            | Reason::AcquirerTrouble
            | Reason::UnreadableAnswer
            | Reason::QrNotShown => Explains::Pending,
        }
    }

    /// A wallet's decline code (WeChat's `wx_code`, Alipay's `fail_reason`)
    /// as a reason. These are the wallets' machine codes, not prose.
    pub fn of_decline(wallet_code: Option<&str>) -> Reason {
        let Some(code) = wallet_code else {
            return Reason::Declined;
        };
        let code = code.to_ascii_uppercase();
        let has = |words: &[&str]| words.iter().any(|w| code.contains(w));
        if has(&["NOTENOUGH", "NOT_ENOUGH", "INSUFFICIENT", "BALANCE"]) {
            Reason::InsufficientFunds
        } else if has(&["AUTHCODE", "AUTH_CODE", "BARCODE", "PAYMENT_CODE"]) {
            Reason::CodeInvalid
        } else if has(&["CANCEL", "REVOKED", "USER_ABORT"]) {
            Reason::Cancelled
        } else if has(&["LIMIT", "EXCEED"]) {
            Reason::OverLimit
        } else {
            Reason::Declined
        }
    }

    /// Why a charge whose request failed ended as it did: a definite
    /// refusal, or (for an unknown outcome) why it is still unclear.
    pub fn of_charge_error(e: &HipoPayError) -> Reason {
        match e {
            HipoPayError::Wechat { wx_code, .. } if e.is_decline() => {
                Reason::of_decline(Some(wx_code))
            }
            // The customer is entering the password on the phone.
            HipoPayError::Wechat { wx_code, .. } if wx_code == "USERPAYING" => Reason::Confirming,
            HipoPayError::Connect(_) | HipoPayError::Config(_) => Reason::NotSent,
            HipoPayError::Timeout | HipoPayError::Interrupted(_) => Reason::NoAnswer,
            HipoPayError::Malformed(_) => Reason::UnreadableAnswer,
            HipoPayError::Signature { .. } | HipoPayError::Clock { .. } => Reason::Refused,
            // After the code was sent, these do not say nothing was taken.
            HipoPayError::BadRequest { .. }
            | HipoPayError::Forbidden { .. }
            | HipoPayError::NotFound { .. }
            | HipoPayError::Wechat { .. }
            | HipoPayError::Server { .. }
            | HipoPayError::UnexpectedStatus { .. } => Reason::AcquirerTrouble,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_match_serde() {
        for r in Reason::ALL {
            assert_eq!(Reason::from_code(r.code()), Some(r));
            let json = serde_json::to_string(&r).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", r.code()));
        }
        assert_eq!(Reason::from_code("from_the_future"), None);
    }

    #[test]
    fn wallet_codes_map_to_reasons() {
        assert_eq!(
            Reason::of_decline(Some("NOTENOUGH")),
            Reason::InsufficientFunds
        );
        assert_eq!(
            Reason::of_decline(Some("AUTHCODEEXPIRE")),
            Reason::CodeInvalid
        );
        assert_eq!(
            Reason::of_decline(Some("AUTH_CODE_USED")),
            Reason::CodeInvalid
        );
        assert_eq!(
            Reason::of_decline(Some("USER_CANCELLED")),
            Reason::Cancelled
        );
        assert_eq!(
            Reason::of_decline(Some("EXCEED_LIMIT_SM_AMOUNT")),
            Reason::OverLimit
        );
        assert_eq!(Reason::of_decline(Some("TRADE_ERROR")), Reason::Declined);
        assert_eq!(Reason::of_decline(None), Reason::Declined);
    }

    #[test]
    fn charge_errors_say_declined_refused_or_unclear() {
        let wx = |code: &str| HipoPayError::Wechat {
            wx_code: code.into(),
            wx_message: String::new(),
        };
        assert_eq!(
            Reason::of_charge_error(&wx("NOTENOUGH")),
            Reason::InsufficientFunds
        );
        // WeChat's "in progress" codes are not a decline.
        assert_eq!(
            Reason::of_charge_error(&wx("USERPAYING")),
            Reason::Confirming
        );
        assert_eq!(
            Reason::of_charge_error(&wx("SYSTEMERROR")),
            Reason::AcquirerTrouble
        );
        assert_eq!(
            Reason::of_charge_error(&HipoPayError::Timeout),
            Reason::NoAnswer
        );
        assert_eq!(
            Reason::of_charge_error(&HipoPayError::Connect("refused".into())),
            Reason::NotSent
        );
        for r in Reason::ALL {
            let unclear = r.explains() == Explains::Pending;
            assert_eq!(
                unclear,
                matches!(
                    r,
                    Reason::Confirming
                        | Reason::NoAnswer
                        | Reason::AcquirerTrouble
                        | Reason::UnreadableAnswer
                        | Reason::QrNotShown
                ),
                "{r:?}"
            );
        }
    }
}
