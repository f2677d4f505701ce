//! Tauri commands: thin adapters from the UI to the core. Each returns the
//! core's structured error (`{kind, message}`) so the UI can tell faults apart.
//! Every command here must be listed in build.rs and granted in capabilities.

pub mod display;
pub mod sale;
pub mod settings;
pub mod shift;
pub mod status;

use cashier_core::money::Currency;
use cashier_core::CashierError;

pub type Result<T> = std::result::Result<T, CashierError>;

pub(crate) fn currency(text: Option<String>) -> Result<Option<Currency>> {
    text.filter(|t| !t.trim().is_empty())
        .map(|t| t.parse::<Currency>().map_err(CashierError::from))
        .transpose()
}
