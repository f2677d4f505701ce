//! Settings: HipoPay credentials and key, currency, scanner, language,
//! sounds. What needs a manager and what may not change under an open shift
//! is the core's rule (`cashier_core::settings`); this applies it. The
//! private key is read and stored by the backend only: the UI sees its file
//! name and whether it loads, never its content.

use super::{state, NoArgs, Result};
use cashier_core::settings::{self, SettingsChange, SettingsView};
use cashier_core::wallet::Wallet;
use cashier_core::{CashierError, ErrorKind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;

#[tauri::command(rename_all = "snake_case")]
pub fn settings_get(app: AppHandle, _args: NoArgs) -> Result<SettingsView> {
    Ok(SettingsView::of(&state(&app).config()?))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsSave {
    settings: SettingsView,
    /// Needed for anything beyond language, sounds and the customer display.
    manager_pin: Option<String>,
}

/// Saves settings. The new till is started before the file is written, so
/// a bad key or URL changes nothing.
#[tauri::command(rename_all = "snake_case")]
pub async fn settings_save(app: AppHandle, args: SettingsSave) -> Result<SettingsView> {
    let state = state(&app);
    let current = state.config()?;
    let mut next = args.settings.apply_to(&current)?;
    let change = SettingsChange::between(&current, &next);
    let ledger = state.engine()?.ledger().clone();
    let approved_by = if change.needs_manager {
        let pin = args.manager_pin.ok_or_else(|| {
            CashierError::Auth("a manager's PIN is needed to change these settings".into())
        })?;
        Some(ledger.verify_manager_pin(&pin, "change settings")?.id)
    } else {
        None
    };
    change.allowed_with(&current, ledger.current_shift()?.as_ref())?;
    // A key imported for these settings becomes the key now (the one it
    // replaces is kept), and the new till starts with it.
    settings::adopt_staged_key(&state.paths, &mut next)?;
    if change.kiosk_toggled {
        crate::kiosk::set_autostart(&app, next.ui.kiosk)?;
    }
    if change.restarts_engine {
        state.restart(next.clone()).await?;
        crate::background::forward_engine_events(&app);
    } else {
        state.keep_engine(next.clone())?;
    }
    next.save(&state.paths.config_file)?;
    ledger.set_auto_print(next.printer.as_ref().is_some_and(|p| p.auto_print))?;
    ledger.record_settings_change(approved_by, &SettingsChange::describe(&current, &next))?;
    if change.scanner {
        crate::background::start_serial_scanner(&app);
    }
    if change.kiosk_toggled {
        crate::kiosk::apply(&app);
    }
    if change.customer_display_toggled {
        crate::customer_window::sync(&app);
    } else if change.customer_display_retold {
        // Said in the new language, or with (or without) the DEMO marker.
        crate::customer_window::resend(&app);
    }
    Ok(SettingsView::of(&next))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyImport {
    manager_pin: String,
}

#[derive(Serialize, JsonSchema)]
pub struct KeyImported {
    key_file: String,
    key_loaded: bool,
}

/// A manager picks the PEM file; it is checked, then copied (owner-only)
/// beside the config, and used once Settings are saved with it. None when
/// the picker was cancelled.
#[tauri::command(rename_all = "snake_case")]
pub async fn key_import(app: AppHandle, args: KeyImport) -> Result<Option<KeyImported>> {
    let state = state(&app);
    state
        .engine()?
        .ledger()
        .verify_manager_pin(&args.manager_pin, "import key")?;
    let dialog = app
        .dialog()
        .file()
        .add_filter("PEM key", &["pem", "key", "txt"]);
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_file())
        .await
        .map_err(|e| CashierError::Input(e.to_string()))?;
    let Some(source) = picked.and_then(|p| p.into_path().ok()) else {
        return Ok(None);
    };
    let staged = settings::stage_key(&state.paths, &source)?;
    Ok(Some(KeyImported {
        key_file: staged.display().to_string(),
        key_loaded: true,
    }))
}

#[derive(Serialize, JsonSchema)]
pub struct ConnectionTest {
    ok: bool,
    /// CNY per one unit of the terminal's currency, when it worked.
    rate: Option<String>,
    /// What went wrong, when it did: the screen explains it from this.
    kind: Option<ErrorKind>,
    /// The detail in words.
    message: String,
}

/// A signed call (`/rate`) with the saved settings.
#[tauri::command(rename_all = "snake_case")]
pub async fn test_connection(app: AppHandle, _args: NoArgs) -> Result<ConnectionTest> {
    let engine = state(&app).engine()?;
    let currency = engine.settings().currency;
    Ok(match engine.exchange_rate(Wallet::Wechat, currency).await {
        Ok(rate) => ConnectionTest {
            ok: true,
            message: format!("1 {currency} = {rate} CNY"),
            rate: Some(rate),
            kind: None,
        },
        Err(e) => ConnectionTest {
            ok: false,
            message: e.to_string(),
            rate: None,
            kind: Some(e.kind()),
        },
    })
}

#[tauri::command(rename_all = "snake_case")]
pub fn serial_ports(_app: AppHandle, _args: NoArgs) -> Result<Vec<String>> {
    Ok(cashier_core::scanner::available_ports())
}
