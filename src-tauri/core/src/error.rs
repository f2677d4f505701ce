//! The one error type the core hands to the CLI and the desktop shell. It
//! serializes as `{kind, message, money_may_have_moved}` so a screen can tell
//! a scanner fault from a network fault, and a refusal from an unclear
//! outcome, without reading words.

use crate::hipopay::{HipoPayError, KeyError};
use crate::ledger::LedgerError;
use crate::money::MoneyError;
use crate::wallet::CodeError;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize, Serializer};

#[derive(Debug, Clone, thiserror::Error)]
pub enum CashierError {
    #[error("{0}")]
    Input(String),
    #[error(transparent)]
    Money(#[from] MoneyError),
    #[error(transparent)]
    Code(#[from] CodeError),
    #[error("{0}")]
    Auth(String),
    /// A PIN check locked after wrong PINs in a row.
    #[error("{0}")]
    Locked(String),
    #[error("{0}")]
    Shift(String),
    /// Opening a shift while another is open.
    #[error("{0}")]
    ShiftOpen(String),
    /// The open shift keeps another acquirer's books (demo versus live).
    #[error("{0}")]
    ShiftMode(String),
    /// A payment code this counter already charged (or tried to).
    #[error("{0}")]
    CodeUsed(String),
    /// HipoPay created no QR code we could show (its answer was lost or
    /// unreadable): make a new one; nobody can pay the old one.
    #[error("{0}")]
    QrUnavailable(String),
    #[error("{0}")]
    Busy(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Config(String),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    HipoPay(#[from] HipoPayError),
    /// The ledger failed while working: it may have failed after a request left.
    #[error("{0}")]
    Storage(String),
    /// Storage the till cannot use at all (a ledger damaged, read-only or
    /// another program's; the demo sandbox's folder): nothing was done.
    #[error("{0}")]
    StorageUnusable(String),
    #[error("{0}")]
    Scanner(String),
    /// The central books could not be reached or refused: the till's own
    /// ledger has everything, and pushes it later.
    #[error("{0}")]
    Central(String),
    /// The receipt printer did not take a slip: the sale is done, the slip
    /// waits in the print queue.
    #[error("{0}")]
    Printer(String),
}

/// What kind of trouble, for screens and scripts (`--json` prints it as `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Bad input: an amount, a name, a note. Nothing was written or sent.
    Input,
    /// Not a WeChat or Alipay payment code.
    Code,
    /// A payment code this counter already charged.
    CodeUsed,
    /// A wrong or missing PIN.
    Auth,
    /// The PIN check is locked after wrong PINs in a row: even the right
    /// PIN is refused until the lock ends or a manager lifts it.
    Locked,
    /// No shift is open.
    Shift,
    /// A shift is still open.
    ShiftOpen,
    /// The open shift keeps another acquirer's books.
    ShiftMode,
    /// Another payment is in progress at this counter.
    Busy,
    NotFound,
    /// The config or the key file.
    Config,
    /// HipoPay rejected the signature (401).
    Signature,
    /// HipoPay says this computer's clock is wrong (411).
    Clock,
    /// HipoPay could not be reached, or the connection broke.
    Network,
    /// The wallet declined.
    Declined,
    /// HipoPay refused or had trouble.
    Acquirer,
    /// The ledger (disk) failed.
    Storage,
    Scanner,
    /// No QR code arrived to show; make a new one.
    QrUnavailable,
    /// The central books (PostgreSQL) could not be reached, or refused.
    Central,
    /// The receipt printer is away (off, out of paper, unplugged).
    Printer,
}

impl ErrorKind {
    pub const ALL: [ErrorKind; 21] = [
        ErrorKind::Input,
        ErrorKind::Code,
        ErrorKind::CodeUsed,
        ErrorKind::Auth,
        ErrorKind::Locked,
        ErrorKind::Shift,
        ErrorKind::ShiftOpen,
        ErrorKind::ShiftMode,
        ErrorKind::Busy,
        ErrorKind::NotFound,
        ErrorKind::Config,
        ErrorKind::Signature,
        ErrorKind::Clock,
        ErrorKind::Network,
        ErrorKind::Declined,
        ErrorKind::Acquirer,
        ErrorKind::Storage,
        ErrorKind::Scanner,
        ErrorKind::QrUnavailable,
        ErrorKind::Central,
        ErrorKind::Printer,
    ];

    /// The name `--json` and the UI use: `code_used`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Input => "input",
            ErrorKind::Code => "code",
            ErrorKind::CodeUsed => "code_used",
            ErrorKind::Auth => "auth",
            ErrorKind::Locked => "locked",
            ErrorKind::Shift => "shift",
            ErrorKind::ShiftOpen => "shift_open",
            ErrorKind::ShiftMode => "shift_mode",
            ErrorKind::Busy => "busy",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Config => "config",
            ErrorKind::Signature => "signature",
            ErrorKind::Clock => "clock",
            ErrorKind::Network => "network",
            ErrorKind::Declined => "declined",
            ErrorKind::Acquirer => "acquirer",
            ErrorKind::Storage => "storage",
            ErrorKind::Scanner => "scanner",
            ErrorKind::QrUnavailable => "qr_unavailable",
            ErrorKind::Central => "central",
            ErrorKind::Printer => "printer",
        }
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error as the UI and `--json` see it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ErrorView {
    pub kind: ErrorKind,
    /// For the detail line and logs; screens choose their words from `kind`.
    pub message: String,
    /// The request may have reached HipoPay and acted: the outcome is
    /// unclear, so the cashier must not charge (or refund) again.
    pub money_may_have_moved: bool,
}

impl CashierError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            CashierError::Input(_) | CashierError::Money(_) => ErrorKind::Input,
            CashierError::Code(_) => ErrorKind::Code,
            CashierError::Auth(_) => ErrorKind::Auth,
            CashierError::Locked(_) => ErrorKind::Locked,
            CashierError::Shift(_) => ErrorKind::Shift,
            CashierError::ShiftOpen(_) => ErrorKind::ShiftOpen,
            CashierError::ShiftMode(_) => ErrorKind::ShiftMode,
            CashierError::CodeUsed(_) => ErrorKind::CodeUsed,
            CashierError::QrUnavailable(_) => ErrorKind::QrUnavailable,
            CashierError::Busy(_) => ErrorKind::Busy,
            CashierError::NotFound(_) => ErrorKind::NotFound,
            CashierError::Config(_) | CashierError::Key(_) => ErrorKind::Config,
            CashierError::HipoPay(e) => e.kind(),
            CashierError::Storage(_) | CashierError::StorageUnusable(_) => ErrorKind::Storage,
            CashierError::Scanner(_) => ErrorKind::Scanner,
            CashierError::Central(_) => ErrorKind::Central,
            CashierError::Printer(_) => ErrorKind::Printer,
        }
    }

    /// Whether money may have moved although the call failed: a request that
    /// may have reached HipoPay with no definite answer, or the ledger failing
    /// (it may have failed after a request left). Conservative on purpose: a
    /// wrong "maybe" costs a look in Needs attention, a wrong "no" a second
    /// charge.
    pub fn money_may_have_moved(&self) -> bool {
        match self {
            CashierError::HipoPay(e) => e.outcome_unknown(),
            CashierError::Storage(_) => true,
            _ => false,
        }
    }

    pub fn view(&self) -> ErrorView {
        ErrorView {
            kind: self.kind(),
            message: self.to_string(),
            money_may_have_moved: self.money_may_have_moved(),
        }
    }
}

impl From<LedgerError> for CashierError {
    fn from(e: LedgerError) -> Self {
        match e {
            LedgerError::WrongPin => CashierError::Auth("wrong PIN".into()),
            e @ (LedgerError::Locked { .. } | LedgerError::TooSoon { .. }) => {
                CashierError::Locked(e.to_string())
            }
            LedgerError::NotFound(what) => CashierError::NotFound(format!("{what} not found")),
            e @ LedgerError::NoOpenShift => CashierError::Shift(e.to_string()),
            e @ LedgerError::ShiftStillOpen(_) => CashierError::ShiftOpen(e.to_string()),
            e @ LedgerError::CodeUsed => CashierError::CodeUsed(e.to_string()),
            LedgerError::Rule(msg) => CashierError::Input(msg),
            e @ (LedgerError::Open { .. }
            | LedgerError::Damaged { .. }
            | LedgerError::NotALedger { .. }
            | LedgerError::ReadOnly { .. }) => CashierError::StorageUnusable(e.to_string()),
            other => CashierError::Storage(other.to_string()),
        }
    }
}

impl Serialize for CashierError {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.view().serialize(s)
    }
}

impl JsonSchema for CashierError {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        ErrorView::schema_name()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        ErrorView::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_serialize_as_their_names() {
        for kind in ErrorKind::ALL {
            let json = serde_json::to_string(&kind).unwrap_or_default();
            assert_eq!(json, format!("\"{kind}\""));
        }
    }

    #[test]
    fn only_an_unclear_answer_or_a_failing_ledger_may_have_moved_money() {
        assert!(CashierError::HipoPay(HipoPayError::Timeout).money_may_have_moved());
        assert!(
            !CashierError::HipoPay(HipoPayError::Connect("refused".into())).money_may_have_moved()
        );
        assert!(!CashierError::HipoPay(HipoPayError::Signature {
            message: String::new()
        })
        .money_may_have_moved());
        assert!(CashierError::Storage("disk full".into()).money_may_have_moved());
        assert!(!CashierError::from(LedgerError::NotALedger {
            path: "x.db".into()
        })
        .money_may_have_moved());
        assert!(!CashierError::Busy("another payment".into()).money_may_have_moved());
        let view = serde_json::to_value(CashierError::Input("bad".into())).unwrap_or_default();
        assert_eq!(
            view,
            serde_json::json!({"kind": "input", "message": "bad", "money_may_have_moved": false})
        );
    }
}
