//! Kiosk mode in the window: full screen while `[ui] kiosk` is on (at
//! start and as soon as Settings turn it on or off). The start at login is
//! the core's (`cashier_core::kiosk`).

use crate::events::COUNTER;
use crate::state::AppState;
use cashier_core::CashierError;
use tauri::{AppHandle, Manager};

/// The counter window full screen or not, as the config says.
pub fn apply(app: &AppHandle) {
    let on = app
        .state::<AppState>()
        .config()
        .map(|c| c.ui.kiosk)
        .unwrap_or(false);
    if let Some(window) = app.get_webview_window(COUNTER) {
        if window.is_fullscreen().ok() != Some(on) {
            let _ = window.set_fullscreen(on);
        }
    }
}

/// The autostart entry for this program on this till's files.
pub fn set_autostart(app: &AppHandle, on: bool) -> Result<(), CashierError> {
    let program = std::env::current_exe()
        .map_err(|e| CashierError::Config(format!("cannot tell where this program is: {e}")))?;
    let dir = cashier_core::kiosk::autostart_dir()?;
    cashier_core::kiosk::set_autostart(&dir, on, &program, &app.state::<AppState>().paths)
}
