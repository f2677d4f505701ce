//! Receipts: a slip again, a test print, a slip's preview, the day's close
//! on A4 (the system's print dialog prints the screen) or on the receipt
//! printer. Printers answer slowly: their work runs off the async threads.

use super::payments::OrderArgs;
use super::{state, Result};
use cashier_core::config::{PrinterConfig, ShopConfig};
use cashier_core::ledger::DayClose;
use cashier_core::CashierError;
use cashier_receipts::PrintReport;
use cashier_till::Till;
use schemars::JsonSchema;
use serde::Deserialize;
use std::sync::Arc;
use tauri::AppHandle;

/// Runs blocking printer work for the running till, then tells the header.
async fn with_printer<T: Send + 'static>(
    app: &AppHandle,
    work: impl FnOnce(&Till) -> Result<T> + Send + 'static,
) -> Result<T> {
    let till: Arc<Till> = state(app).till()?;
    let done = tauri::async_runtime::spawn_blocking(move || {
        let out = work(&till);
        (out, till.printer_status())
    })
    .await
    .map_err(|e| CashierError::Printer(format!("the printer task stopped: {e}")))?;
    if let (_, Ok(Some(status))) = &done {
        crate::events::AppEvent::PrinterStatus(status.clone()).emit(app);
    }
    done.0
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SlipArgs {
    order_id: i64,
    /// The order's refund slips instead of its payment slip.
    refunds: bool,
}

/// A slip again (it waits in the queue while the printer is away).
#[tauri::command(rename_all = "snake_case")]
pub async fn print_slip(app: AppHandle, args: SlipArgs) -> Result<PrintReport> {
    with_printer(&app, move |till| {
        till.print_slip(args.order_id, args.refunds)
    })
    .await
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestPrint {
    /// The printer settings on screen (saved or not).
    printer: PrinterConfig,
    shop: ShopConfig,
}

/// A test slip on the printer as set on screen.
#[tauri::command(rename_all = "snake_case")]
pub async fn print_test(app: AppHandle, args: TestPrint) -> Result<()> {
    with_printer(&app, move |till| till.print_test(&args.printer, &args.shop)).await
}

/// The order's slip as text, as the printer lays it out.
#[tauri::command(rename_all = "snake_case")]
pub fn slip_preview(app: AppHandle, args: OrderArgs) -> Result<Vec<String>> {
    state(&app).till()?.slip_preview(args.order_id)
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DayArgs {
    /// YYYY-MM-DD; today when left out.
    date: Option<String>,
}

/// The day's close at this counter, across its shifts.
#[tauri::command(rename_all = "snake_case")]
pub fn day_close(app: AppHandle, args: DayArgs) -> Result<DayClose> {
    state(&app).till()?.day_close(args.date.as_deref())
}

/// The day's close on the receipt printer.
#[tauri::command(rename_all = "snake_case")]
pub async fn day_print(app: AppHandle, args: DayArgs) -> Result<DayClose> {
    with_printer(&app, move |till| till.day_print(args.date.as_deref())).await
}
