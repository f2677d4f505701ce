//! Staff and shifts: open, report, close, export.

use super::Result;
use crate::state::AppState;
use cashier_core::ledger::{Role, Shift, ShiftReport, Staff};
use cashier_core::CashierError;
use serde::Serialize;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

#[tauri::command(rename_all = "snake_case")]
pub fn staff_list(state: State<'_, AppState>) -> Result<Vec<Staff>> {
    Ok(state.engine()?.ledger().list_staff()?)
}

#[tauri::command(rename_all = "snake_case")]
pub fn staff_add(
    state: State<'_, AppState>,
    name: String,
    role: String,
    pin: String,
    manager_pin: Option<String>,
) -> Result<Staff> {
    let role: Role = role.parse().map_err(CashierError::Input)?;
    Ok(state.engine()?.ledger().add_staff_with_approval(
        &name,
        role,
        &pin,
        manager_pin.as_deref(),
    )?)
}

#[tauri::command(rename_all = "snake_case")]
pub fn shift_open(state: State<'_, AppState>, staff: String, pin: String) -> Result<Shift> {
    state.engine()?.open_shift(&staff, &pin)
}

#[tauri::command(rename_all = "snake_case")]
pub fn shift_close(state: State<'_, AppState>, pin: String) -> Result<ShiftReport> {
    let ledger = state.engine()?.ledger().clone();
    let closed = ledger.close_shift_with_pin(&pin)?;
    Ok(ledger.shift_report(&closed)?)
}

fn shift_or_latest(state: &AppState, shift_id: Option<i64>) -> Result<Shift> {
    let ledger = state.engine()?.ledger().clone();
    Ok(match shift_id {
        Some(id) => ledger.shift(id)?,
        None => match ledger.current_shift()? {
            Some(s) => s,
            None => ledger.latest_shift()?,
        },
    })
}

#[tauri::command(rename_all = "snake_case")]
pub fn shift_report(state: State<'_, AppState>, shift_id: Option<i64>) -> Result<ShiftReport> {
    let shift = shift_or_latest(&state, shift_id)?;
    Ok(state.engine()?.ledger().shift_report(&shift)?)
}

#[derive(Serialize)]
pub struct Exported {
    path: String,
    rows: usize,
}

/// Exports through a native save dialog, or straight into
/// `$CASHIER_EXPORT_DIR` when set (kiosk setups, a mounted USB stick, tests).
#[tauri::command(rename_all = "snake_case")]
pub async fn shift_export_csv(
    app: AppHandle,
    state: State<'_, AppState>,
    shift_id: Option<i64>,
) -> Result<Option<Exported>> {
    let shift = shift_or_latest(&state, shift_id)?;
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
                .map_err(|e| CashierError::Input(e.to_string()))?;
            picked.and_then(|p| p.into_path().ok())
        }
    };
    let Some(path) = path else { return Ok(None) };
    let mut bytes = Vec::new();
    let rows = state
        .engine()?
        .ledger()
        .export_shift_csv(&shift, &mut bytes)?;
    cashier_core::export::write_file(&path, &bytes)?;
    Ok(Some(Exported {
        path: path.display().to_string(),
        rows,
    }))
}
