//! Settings: HipoPay credentials and key, currency, scanner, language,
//! sounds. The private key is read and stored by the backend only; the UI
//! sees its file name and whether it loaded, never its content.

use super::Result;
use crate::state::AppState;
use cashier_core::config::{Config, HipoPayConfig, ScannerConfig, UiConfig};
use cashier_core::engine::describe_books;
use cashier_core::hipopay::Signer;
use cashier_core::money::Currency;
use cashier_core::wallet::Wallet;
use cashier_core::CashierError;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

#[derive(Serialize, Deserialize, Clone, PartialEq)]
pub struct HipoPayView {
    base_url: String,
    agent_no: String,
    merchant_no: String,
    key_file: Option<String>,
    #[serde(default)]
    key_loaded: bool,
}

#[derive(Serialize, Deserialize, Clone)]
pub struct SettingsView {
    #[serde(default)]
    mode: String,
    hipopay: Option<HipoPayView>,
    currency: Currency,
    scanner: ScannerConfig,
    language: String,
    sounds: bool,
    #[serde(default)]
    customer_display: bool,
}

fn view(config: &Config) -> SettingsView {
    SettingsView {
        mode: if config.is_demo() { "demo" } else { "live" }.into(),
        hipopay: config.hipopay.as_ref().map(|h| HipoPayView {
            base_url: h.base_url.clone(),
            agent_no: h.agent_no.clone(),
            merchant_no: h.merchant_no.clone(),
            key_file: Some(h.private_key_file.display().to_string()),
            key_loaded: Signer::from_pem_file(&h.private_key_file).is_ok(),
        }),
        currency: config.terminal.currency,
        scanner: config.scanner.clone(),
        language: config.ui.language.clone(),
        sounds: config.ui.sounds,
        customer_display: config.ui.customer_display,
    }
}

#[tauri::command(rename_all = "snake_case")]
pub fn settings_get(state: State<'_, AppState>) -> Result<SettingsView> {
    Ok(view(&state.config()?))
}

fn apply(current: &Config, new: &SettingsView) -> Result<Config> {
    let mut next = current.clone();
    next.hipopay = match &new.hipopay {
        None => None,
        Some(h) => {
            let key_file = h
                .key_file
                .clone()
                .filter(|k| !k.trim().is_empty())
                .ok_or_else(|| {
                    CashierError::Config("import the HipoPay private key first".into())
                })?;
            let old = current.hipopay.as_ref();
            Some(HipoPayConfig {
                base_url: h.base_url.trim().to_string(),
                agent_no: h.agent_no.trim().to_string(),
                merchant_no: h.merchant_no.trim().to_string(),
                private_key_file: key_file.into(),
                hipopay_public_key_file: old.and_then(|o| o.hipopay_public_key_file.clone()),
                timeout_secs: old.and_then(|o| o.timeout_secs),
            })
        }
    };
    next.terminal.currency = new.currency;
    next.scanner = new.scanner.clone();
    next.ui = UiConfig {
        language: new.language.clone(),
        sounds: new.sounds,
        customer_display: new.customer_display,
    };
    next.checked()
}

/// Saves settings. Language, sounds and the customer display are anyone's;
/// everything else needs a manager's PIN. The new core is started before the
/// file is written, so a bad key or URL changes nothing.
#[tauri::command(rename_all = "snake_case")]
pub async fn settings_save(
    app: AppHandle,
    state: State<'_, AppState>,
    settings: SettingsView,
    manager_pin: Option<String>,
) -> Result<SettingsView> {
    let current = state.config()?;
    let next = apply(&current, &settings)?;
    let only_ui = Config {
        ui: current.ui.clone(),
        ..next.clone()
    } == current;
    if !only_ui {
        let pin = manager_pin.ok_or_else(|| {
            CashierError::Auth("a manager's PIN is needed to change these settings".into())
        })?;
        state
            .engine()?
            .ledger()
            .verify_manager_pin(&pin, "change settings")?;
    }
    // A shift keeps one acquirer's books: demo and live payments, or two
    // merchants', never share one; nor do HipoPay's test and production
    // hosts. Switching waits for the shift to close.
    let host = |c: &Config| c.hipopay.as_ref().map(|h| h.base_url.trim().to_string());
    if next.acquirer_key() != current.acquirer_key() || host(&next) != host(&current) {
        if let Some(shift) = state.engine()?.ledger().current_shift()? {
            return Err(CashierError::ShiftOpen(format!(
                "close shift #{} first: its payments go to {}{}, and this change would send new ones elsewhere",
                shift.id,
                describe_books(&current.acquirer_key()),
                host(&current).map(|h| format!(" at {h}")).unwrap_or_default(),
            )));
        }
    }
    let core_changed = next.hipopay != current.hipopay || next.terminal != current.terminal;
    if core_changed {
        state.restart(next.clone()).await?;
        crate::background::forward_engine_events(&app);
    } else {
        state.restart_config_only(next.clone())?;
    }
    next.save(&state.paths.config_file)?;
    if next.scanner != current.scanner {
        crate::background::start_serial_scanner(&app);
    }
    if next.ui.customer_display != current.ui.customer_display {
        crate::display::sync_window(&app);
    } else if next.ui.language != current.ui.language || next.is_demo() != current.is_demo() {
        // Said in the new language, or with (or without) the DEMO marker.
        crate::display::resend(&app);
    }
    Ok(view(&next))
}

#[derive(Serialize)]
pub struct KeyImported {
    key_file: String,
    key_loaded: bool,
}

/// A manager picks the PEM file; it is checked, then copied (owner-only)
/// into the app's data folder. Returns None if the picker was cancelled.
#[tauri::command(rename_all = "snake_case")]
pub async fn key_import(
    app: AppHandle,
    state: State<'_, AppState>,
    manager_pin: String,
) -> Result<Option<KeyImported>> {
    state
        .engine()?
        .ledger()
        .verify_manager_pin(&manager_pin, "import key")?;
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
    Signer::from_pem_file(&source)?;
    let pem = std::fs::read(&source)
        .map_err(|e| CashierError::Config(format!("cannot read {}: {e}", source.display())))?;
    let target = state.paths.data_dir.join("keys").join("agent_private.pem");
    cashier_core::export::write_private(&target, &pem)?;
    Ok(Some(KeyImported {
        key_file: target.display().to_string(),
        key_loaded: true,
    }))
}

#[derive(Serialize)]
pub struct ConnectionTest {
    ok: bool,
    message: String,
    rate: Option<String>,
    kind: Option<&'static str>,
}

/// A signed call (`/rate`) with the saved settings, its failure explained.
#[tauri::command(rename_all = "snake_case")]
pub async fn test_connection(state: State<'_, AppState>) -> Result<ConnectionTest> {
    let engine = state.engine()?;
    let currency = engine.settings().currency;
    Ok(match engine.exchange_rate(Wallet::Wechat, currency).await {
        Ok(rate) => ConnectionTest {
            ok: true,
            message: format!("Connected: 1 {currency} = {rate} CNY"),
            rate: Some(rate),
            kind: None,
        },
        Err(e) => {
            let advice = match e.kind() {
                "signature" => "HipoPay rejected the signature (401): check the agent number and that the key is the one registered with HipoPay.",
                "clock" => "HipoPay says this computer's clock is wrong (411): set the correct date and time.",
                "network" => "HipoPay could not be reached: check the network and the API address.",
                _ => "HipoPay refused the call.",
            };
            ConnectionTest {
                ok: false,
                message: format!("{advice} ({e})"),
                rate: None,
                kind: Some(e.kind()),
            }
        }
    })
}

#[tauri::command(rename_all = "snake_case")]
pub fn serial_ports() -> Vec<String> {
    cashier_core::scanner::available_ports()
}
