//! PINs come from the environment, never from argv; with a terminal attached
//! and no variable set, they are asked for without echo.

use cashier_core::CashierError;
use std::io::IsTerminal;

pub const OWN_PIN: &str = "CASHIER_PIN";
pub const MANAGER_PIN: &str = "CASHIER_MANAGER_PIN";
pub const NEW_PIN: &str = "CASHIER_NEW_PIN";

/// The PIN in `var`, or a prompt, or a clear error.
pub fn read(var: &str, prompt: &str) -> Result<String, CashierError> {
    if let Ok(pin) = std::env::var(var) {
        return Ok(pin.trim().to_string());
    }
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password(format!("{prompt}: "))
            .map(|p| p.trim().to_string())
            .map_err(|e| CashierError::Input(format!("cannot read the PIN: {e}")));
    }
    Err(CashierError::Auth(format!("{prompt} needed: set {var}")))
}

pub fn present(var: &str) -> bool {
    std::env::var_os(var).is_some()
}
