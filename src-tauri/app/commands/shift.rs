//! Shifts: open, report, close, export.

use super::{state, Result};
use cashier_core::ledger::{Shift, ShiftReport};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShiftOpen {
    staff: String,
    pin: String,
}

#[tauri::command(rename_all = "snake_case")]
pub fn shift_open(app: AppHandle, args: ShiftOpen) -> Result<Shift> {
    state(&app).engine()?.open_shift(&args.staff, &args.pin)
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShiftClose {
    /// The shift's own cashier's PIN, or any manager's.
    pin: String,
}

#[tauri::command(rename_all = "snake_case")]
pub fn shift_close(app: AppHandle, args: ShiftClose) -> Result<ShiftReport> {
    let ledger = state(&app).engine()?.ledger().clone();
    let closed = ledger.close_shift_with_pin(&args.pin)?;
    Ok(ledger.shift_report(&closed)?)
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WhichShift {
    /// The open shift (else the latest) when left out.
    shift_id: Option<i64>,
}

fn shift_or_latest(app: &AppHandle, shift_id: Option<i64>) -> Result<Shift> {
    let ledger = state(app).engine()?.ledger().clone();
    Ok(match shift_id {
        Some(id) => ledger.shift(id)?,
        None => match ledger.current_shift()? {
            Some(s) => s,
            None => ledger.latest_shift()?,
        },
    })
}

#[tauri::command(rename_all = "snake_case")]
pub fn shift_report(app: AppHandle, args: WhichShift) -> Result<ShiftReport> {
    let shift = shift_or_latest(&app, args.shift_id)?;
    Ok(state(&app).engine()?.ledger().shift_report(&shift)?)
}

#[derive(Serialize, JsonSchema)]
pub struct Exported {
    path: String,
    rows: usize,
}

/// Exports through a native save dialog, or straight into
/// `$CASHIER_EXPORT_DIR` when set (kiosk setups, a mounted USB stick, tests).
/// None when the dialog was cancelled.
#[tauri::command(rename_all = "snake_case")]
pub async fn shift_export_csv(app: AppHandle, args: WhichShift) -> Result<Option<Exported>> {
    let shift = shift_or_latest(&app, args.shift_id)?;
    let name = format!("shift-{}.csv", shift.id);
    let path = match std::env::var_os("CASHIER_EXPORT_DIR") {
        Some(dir) => Some(std::path::PathBuf::from(dir).join(&name)),
        None => {
            let dialog = app
                .dialog()
                .file()
                .set_file_name(&name)
                .add_filter("CSV", &["csv"]);
            let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
                .await
                .map_err(|e| cashier_core::CashierError::Input(e.to_string()))?;
            picked.and_then(|p| p.into_path().ok())
        }
    };
    let Some(path) = path else { return Ok(None) };
    let mut bytes = Vec::new();
    let rows = state(&app)
        .engine()?
        .ledger()
        .export_shift_csv(&shift, &mut bytes)?;
    cashier_core::export::write_file(&path, &bytes)?;
    Ok(Some(Exported {
        path: path.display().to_string(),
        rows,
    }))
}
