//! The customer window: what it shows now, and the amount being entered.

use super::{state, NoArgs, Result};
use crate::customer_window;
use crate::events::CustomerViewUpdate;
use cashier_core::money::Currency;
use schemars::JsonSchema;
use serde::Deserialize;
use tauri::AppHandle;

/// What the customer window shows now (it asks once when it opens).
#[tauri::command(rename_all = "snake_case")]
pub fn customer_view(app: AppHandle, _args: NoArgs) -> Result<CustomerViewUpdate> {
    let state = state(&app);
    Ok(customer_window::update(&state, state.customer.view()))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShowAmount {
    /// As typed so far ("" when nothing).
    amount: String,
    currency: Option<Currency>,
}

/// The amount on the sale screen, as the cashier types it.
#[tauri::command(rename_all = "snake_case")]
pub fn customer_show_amount(app: AppHandle, args: ShowAmount) -> Result<()> {
    let state = state(&app);
    let currency = match args.currency {
        Some(c) => c,
        None => state.config()?.terminal.currency,
    };
    let changed = state.customer.show_amount(&args.amount, currency)?;
    customer_window::send(&app, changed);
    Ok(())
}
