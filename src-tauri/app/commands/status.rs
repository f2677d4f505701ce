//! What the header and first-run screens need to know, and the start-up
//! problem screen's two commands.

use super::Result;
use crate::state::{AppState, StartupProblem};
use cashier_core::ledger::Shift;
use cashier_core::money::Currency;
use serde::Serialize;
use tauri::{AppHandle, State};

#[derive(Serialize)]
pub struct ScannerView {
    serial_port: Option<String>,
    connected: bool,
    error: Option<String>,
    wedge_max_gap_ms: u32,
    wedge_min_length: u32,
}

#[derive(Serialize)]
pub struct AppStatus {
    demo: bool,
    version: &'static str,
    currency: Currency,
    currencies: Vec<Currency>,
    language: String,
    sounds: bool,
    staff_count: i64,
    shift: Option<Shift>,
    attention_count: usize,
    scanner: ScannerView,
}

#[tauri::command(rename_all = "snake_case")]
pub fn app_status(state: State<'_, AppState>) -> Result<AppStatus> {
    let rt = state.runtime()?;
    let ledger = rt.engine.ledger();
    let config = &rt.config;
    let serial = state.scanner_status();
    Ok(AppStatus {
        demo: rt.demo.is_some(),
        version: env!("CARGO_PKG_VERSION"),
        currency: config.terminal.currency,
        currencies: Currency::ALL.to_vec(),
        language: config.ui.language.clone(),
        sounds: config.ui.sounds,
        staff_count: ledger.staff_count()?,
        shift: ledger.current_shift()?,
        attention_count: {
            let (orders, refunds) = rt.engine.attention()?;
            orders.len() + refunds.len()
        },
        scanner: ScannerView {
            serial_port: config.scanner.serial_port.clone(),
            connected: serial.connected,
            error: serial.error,
            wedge_max_gap_ms: config.scanner.wedge_max_gap_ms,
            wedge_min_length: config.scanner.wedge_min_length,
        },
    })
}

/// Why the core could not start (null when it is running).
#[tauri::command(rename_all = "snake_case")]
pub fn startup_problem(state: State<'_, AppState>) -> Option<StartupProblem> {
    state.startup_problem()
}

/// Reads the config and opens the ledger again, after someone fixed them.
#[tauri::command(rename_all = "snake_case")]
pub async fn startup_retry(app: AppHandle, state: State<'_, AppState>) -> Result<()> {
    if state.retry_start().await?.is_some() {
        crate::background::core_started(&app);
        tauri::async_runtime::spawn(async move { crate::background::reconcile_once(&app).await });
    }
    Ok(())
}
