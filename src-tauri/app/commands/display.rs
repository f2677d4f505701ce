//! The customer display: what it shows now, and the amount being entered.

use super::Result;
use crate::display::{self, CustomerScreen};
use crate::state::AppState;
use tauri::{AppHandle, State};

/// What the customer window shows now (it asks once when it opens).
#[tauri::command(rename_all = "snake_case")]
pub fn customer_view(state: State<'_, AppState>) -> CustomerScreen {
    display::screen(&state, state.customer.view())
}

/// The amount on the sale screen, as the cashier types it.
#[tauri::command(rename_all = "snake_case")]
pub fn customer_show_amount(
    app: AppHandle,
    state: State<'_, AppState>,
    amount: String,
    currency: Option<String>,
) -> Result<()> {
    let currency = match super::currency(currency)? {
        Some(c) => c,
        None => state.config()?.terminal.currency,
    };
    display::send(&app, state.customer.show_amount(&amount, currency)?);
    Ok(())
}
