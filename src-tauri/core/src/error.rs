//! The one error type the core hands to the CLI and the desktop shell. It
//! serializes as `{"kind": ..., "message": ...}` so a screen can tell a
//! scanner fault from a network fault without parsing words.

use crate::hipopay::{HipoPayError, KeyError};
use crate::ledger::LedgerError;
use crate::money::MoneyError;
use crate::wallet::CodeError;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

#[derive(Debug, thiserror::Error)]
pub enum CashierError {
    #[error("{0}")]
    Input(String),
    #[error(transparent)]
    Money(#[from] MoneyError),
    #[error(transparent)]
    Code(#[from] CodeError),
    #[error("{0}")]
    Auth(String),
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
    #[error("{0}")]
    Storage(String),
    #[error("{0}")]
    Scanner(String),
}

/// Untrusted text (typed, scanned, or sent by a peer) made fit for one line of
/// an error message: control characters (line breaks, terminal escapes)
/// become spaces, runs of whitespace one space, and anything past `max`
/// characters an ellipsis.
pub fn one_line(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut space = false;
    for c in text.chars() {
        if c.is_control() || c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            count += 1;
            space = false;
        }
        if count >= max {
            out.push('…');
            return out;
        }
        out.push(c);
        count += 1;
    }
    out
}

impl CashierError {
    pub fn kind(&self) -> &'static str {
        match self {
            CashierError::Input(_) | CashierError::Money(_) => "input",
            CashierError::Code(_) => "code",
            CashierError::Auth(_) => "auth",
            CashierError::Shift(_) => "shift",
            CashierError::ShiftOpen(_) => "shift_open",
            CashierError::ShiftMode(_) => "shift_mode",
            CashierError::CodeUsed(_) => "code_used",
            CashierError::QrUnavailable(_) => "qr_unavailable",
            CashierError::Busy(_) => "busy",
            CashierError::NotFound(_) => "not_found",
            CashierError::Config(_) | CashierError::Key(_) => "config",
            CashierError::HipoPay(e) => e.kind(),
            CashierError::Storage(_) => "storage",
            CashierError::Scanner(_) => "scanner",
        }
    }
}

impl From<LedgerError> for CashierError {
    fn from(e: LedgerError) -> Self {
        match e {
            LedgerError::WrongPin => CashierError::Auth("wrong PIN".into()),
            LedgerError::NotFound(what) => CashierError::NotFound(format!("{what} not found")),
            e @ LedgerError::NoOpenShift => CashierError::Shift(e.to_string()),
            e @ LedgerError::ShiftStillOpen(_) => CashierError::ShiftOpen(e.to_string()),
            e @ LedgerError::CodeUsed => CashierError::CodeUsed(e.to_string()),
            LedgerError::Rule(msg) => CashierError::Input(msg),
            other => CashierError::Storage(other.to_string()),
        }
    }
}

impl Serialize for CashierError {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("CashierError", 2)?;
        st.serialize_field("kind", self.kind())?;
        st.serialize_field("message", &self.to_string())?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn one_line_flattens_and_bounds_untrusted_text() {
        assert_eq!(
            one_line("\0\u{1}garbage  x\r\n\ty \u{1b}[2J", 100),
            "garbage x y [2J"
        );
        assert_eq!(one_line("  ", 10), "");
        assert_eq!(one_line("abcdef", 3), "abc…");
        assert_eq!(one_line("中文 ok", 10), "中文 ok");
    }
}
