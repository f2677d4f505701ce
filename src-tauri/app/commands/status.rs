//! What the header and first-run screens need to know, and the start-up
//! problem screen's two commands.

use super::{state, NoArgs, Result};
use crate::state::StartupProblem;
use cashier_core::ledger::sync::SyncState;
use cashier_core::ledger::Shift;
use cashier_core::money::Currency;
use cashier_till::PrinterStatus;
use schemars::JsonSchema;
use serde::Serialize;
use tauri::AppHandle;

#[derive(Serialize, JsonSchema)]
pub struct ScannerView {
    serial_port: Option<String>,
    connected: bool,
    error: Option<String>,
    wedge_max_gap_ms: u32,
    wedge_min_length: u32,
}

#[derive(Serialize, JsonSchema)]
pub struct AppStatus {
    demo: bool,
    version: String,
    currency: Currency,
    currencies: Vec<Currency>,
    language: String,
    sounds: bool,
    staff_count: i64,
    shift: Option<Shift>,
    attention_count: usize,
    scanner: ScannerView,
    /// This till's pushing to the central books; null when it keeps none.
    books: Option<SyncState>,
    /// The receipt printer's queue; null without a printer.
    printer: Option<PrinterStatus>,
}

#[tauri::command(rename_all = "snake_case")]
pub fn app_status(app: AppHandle, _args: NoArgs) -> Result<AppStatus> {
    let state = state(&app);
    let till = state.till()?;
    let ledger = till.engine.ledger();
    let config = &till.config;
    let serial = state.scanner_status();
    let (orders, refunds) = till.engine.attention()?;
    let locks = ledger.pin_locks()?.len();
    Ok(AppStatus {
        demo: till.is_demo(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        currency: config.terminal.currency,
        currencies: Currency::ALL.to_vec(),
        language: config.ui.language.clone(),
        sounds: config.ui.sounds,
        staff_count: ledger.staff_count()?,
        shift: ledger.current_shift()?,
        attention_count: orders.len() + refunds.len() + locks,
        scanner: ScannerView {
            serial_port: config.scanner.serial_port.clone(),
            connected: serial.connected,
            error: serial.error,
            wedge_max_gap_ms: config.scanner.wedge_max_gap_ms,
            wedge_min_length: config.scanner.wedge_min_length,
        },
        books: till.books_sync()?,
        printer: till.printer_status()?,
    })
}

/// Why the till could not start (null when it is running).
#[tauri::command(rename_all = "snake_case")]
pub fn startup_problem(app: AppHandle, _args: NoArgs) -> Result<Option<StartupProblem>> {
    Ok(state(&app).startup_problem())
}

/// Reads the config and opens the ledger again, after someone fixed them.
#[tauri::command(rename_all = "snake_case")]
pub async fn startup_retry(app: AppHandle, _args: NoArgs) -> Result<()> {
    if state(&app).retry_start().await? {
        crate::background::till_started(&app);
        tauri::async_runtime::spawn(async move { crate::background::reconcile_once(&app).await });
    }
    Ok(())
}
