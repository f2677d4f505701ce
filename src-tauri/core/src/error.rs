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

impl CashierError {
    pub fn kind(&self) -> &'static str {
        match self {
            CashierError::Input(_) | CashierError::Money(_) => "input",
            CashierError::Code(_) => "code",
            CashierError::Auth(_) => "auth",
            CashierError::Shift(_) => "shift",
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
            LedgerError::Rule(msg) if msg.contains("shift") => CashierError::Shift(msg),
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
