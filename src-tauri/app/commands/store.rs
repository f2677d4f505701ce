//! The Store view (managers only): the day across counters, and HipoPay's
//! statement matched against it.

use super::{state, Result};
use cashier_core::statement_match::MatchReport;
use cashier_till::StoreDay;
use schemars::JsonSchema;
use serde::Deserialize;
use tauri::AppHandle;

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StoreArgs {
    /// YYYY-MM-DD; today when left out.
    date: Option<String>,
    manager_pin: String,
}

#[tauri::command(rename_all = "snake_case")]
pub async fn store_day(app: AppHandle, args: StoreArgs) -> Result<StoreDay> {
    let till = state(&app).till()?;
    till.engine
        .ledger()
        .verify_manager_pin(&args.manager_pin, "see the store's day")?;
    till.store_day(args.date.as_deref()).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn store_match(app: AppHandle, args: StoreArgs) -> Result<MatchReport> {
    let state = state(&app);
    let till = state.till()?;
    till.engine
        .ledger()
        .verify_manager_pin(&args.manager_pin, "match HipoPay's statement")?;
    till.store_match(&state.paths, args.date.as_deref()).await
}
