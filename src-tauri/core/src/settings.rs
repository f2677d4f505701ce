//! The Settings screen's view of the config, and the rules for changing it:
//! what anyone at the counter may change (language, sounds, the customer
//! display), what needs a manager's PIN (HipoPay, currency, scanner), and that
//! a till never switches whose books it keeps while a shift is open.

use crate::books::Mode;
use crate::config::{Config, HipoPayConfig, ScannerConfig, UiConfig};
use crate::error::CashierError;
use crate::hipopay::Signer;
use crate::ledger::Shift;
use crate::money::Currency;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize, Clone, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HipoPayView {
    pub base_url: String,
    pub agent_no: String,
    pub merchant_no: String,
    /// The merchant's private key file (its content never leaves the backend).
    pub key_file: Option<String>,
    /// Whether that file holds a key that loads (shown, not sent back).
    #[serde(default)]
    pub key_loaded: bool,
}

#[derive(Debug, Serialize, Deserialize, Clone, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsView {
    /// Demo or live, as the config stands (shown; ignored when saved).
    #[serde(default)]
    pub mode: Option<Mode>,
    /// None: demo mode (the built-in sandbox).
    pub hipopay: Option<HipoPayView>,
    pub currency: Currency,
    pub scanner: ScannerConfig,
    pub language: String,
    pub sounds: bool,
    #[serde(default)]
    pub customer_display: bool,
}

impl SettingsView {
    pub fn of(config: &Config) -> SettingsView {
        SettingsView {
            mode: config.books().mode(),
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

    /// The config with these settings, checked as a config file would be.
    pub fn apply_to(&self, current: &Config) -> Result<Config, CashierError> {
        let mut next = current.clone();
        next.hipopay = match &self.hipopay {
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
                    // Not on the screen: kept as the file has them.
                    hipopay_public_key_file: old.and_then(|o| o.hipopay_public_key_file.clone()),
                    timeout_secs: old.and_then(|o| o.timeout_secs),
                })
            }
        };
        next.terminal.currency = self.currency;
        next.scanner = self.scanner.clone();
        next.ui = UiConfig {
            language: self.language.clone(),
            sounds: self.sounds,
            customer_display: self.customer_display,
        };
        next.checked()
    }
}

/// What a new config changes, and so what saving it takes and sets off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettingsChange {
    /// Beyond the counter's comfort settings: a manager must approve.
    pub needs_manager: bool,
    /// Another acquirer's books, or another HipoPay host.
    pub switches_books: bool,
    /// The engine must be rebuilt (HipoPay, currency, polling).
    pub restarts_engine: bool,
    pub scanner: bool,
    pub customer_display_toggled: bool,
    /// The customer display must be told again (its language or the DEMO marker).
    pub customer_display_retold: bool,
}

impl SettingsChange {
    pub fn between(current: &Config, next: &Config) -> SettingsChange {
        let comfort_only = Config {
            ui: current.ui.clone(),
            ..next.clone()
        } == *current;
        let host = |c: &Config| c.hipopay.as_ref().map(|h| h.base_url.trim().to_string());
        SettingsChange {
            needs_manager: !comfort_only,
            switches_books: next.books() != current.books() || host(next) != host(current),
            restarts_engine: next.hipopay != current.hipopay || next.terminal != current.terminal,
            scanner: next.scanner != current.scanner,
            customer_display_toggled: next.ui.customer_display != current.ui.customer_display,
            customer_display_retold: next.ui.language != current.ui.language
                || next.is_demo() != current.is_demo(),
        }
    }

    /// A shift keeps one acquirer's books: demo and live payments, or two
    /// merchants', never share one; nor do HipoPay's test and production
    /// hosts. Switching waits for the shift to close.
    pub fn allowed_with(
        &self,
        current: &Config,
        open_shift: Option<&Shift>,
    ) -> Result<(), CashierError> {
        match open_shift {
            Some(shift) if self.switches_books => {
                let host = current
                    .hipopay
                    .as_ref()
                    .map(|h| format!(" at {}", h.base_url.trim()))
                    .unwrap_or_default();
                Err(CashierError::ShiftOpen(format!(
                    "close shift #{} first: its payments go to {}{host}, and this change would send new ones elsewhere",
                    shift.id,
                    current.books().describe(),
                )))
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::books::Books;
    use std::path::PathBuf;

    fn live_config() -> Config {
        Config {
            hipopay: Some(HipoPayConfig {
                base_url: "https://api.example".into(),
                agent_no: "A".into(),
                merchant_no: "M".into(),
                private_key_file: PathBuf::from("/keys/k.pem"),
                hipopay_public_key_file: Some(PathBuf::from("/keys/pub.pem")),
                timeout_secs: Some(7),
            }),
            ..Config::default()
        }
    }

    fn shift() -> Shift {
        Shift {
            id: 4,
            staff_id: 1,
            staff_name: "Mei".into(),
            opened_at: 0,
            closed_at: None,
            closed_by: None,
            books: Books::live("A", "M"),
        }
    }

    #[test]
    fn comfort_settings_need_no_manager_and_the_rest_do() {
        let current = Config::default();
        let mut view = SettingsView::of(&current);
        view.language = "zh-Hant".into();
        view.sounds = false;
        view.customer_display = true;
        let next = view.apply_to(&current).unwrap();
        let change = SettingsChange::between(&current, &next);
        assert!(!change.needs_manager && !change.restarts_engine);
        assert!(change.customer_display_toggled && change.customer_display_retold);

        let mut view = SettingsView::of(&current);
        view.currency = Currency::JPY;
        let change = SettingsChange::between(&current, &view.apply_to(&current).unwrap());
        assert!(change.needs_manager && change.restarts_engine && !change.switches_books);

        let mut view = SettingsView::of(&current);
        view.scanner.baud = 115_200;
        let change = SettingsChange::between(&current, &view.apply_to(&current).unwrap());
        assert!(change.needs_manager && change.scanner && !change.restarts_engine);
    }

    #[test]
    fn books_never_switch_under_an_open_shift() {
        let demo = Config::default();
        let live = live_config();
        let to_live = SettingsChange::between(&demo, &live);
        assert!(to_live.switches_books && to_live.needs_manager);
        let e = to_live.allowed_with(&demo, Some(&shift())).unwrap_err();
        assert_eq!(e.kind(), crate::error::ErrorKind::ShiftOpen);
        assert!(e.to_string().contains("demo mode"), "{e}");
        assert!(to_live.allowed_with(&demo, None).is_ok());

        // Same merchant, another host (test versus production): also a switch.
        let mut other_host = live.clone();
        if let Some(h) = other_host.hipopay.as_mut() {
            h.base_url = "https://api2.example".into();
        }
        let change = SettingsChange::between(&live, &other_host);
        assert!(change.switches_books);
        assert!(change.allowed_with(&live, Some(&shift())).is_err());
    }

    #[test]
    fn saved_settings_keep_what_the_screen_does_not_show_and_are_checked() {
        let current = live_config();
        let mut view = SettingsView::of(&current);
        assert_eq!(view.mode, Some(Mode::Live));
        assert!(
            !view.hipopay.as_ref().unwrap().key_loaded,
            "no such key file"
        );
        view.hipopay.as_mut().unwrap().merchant_no = " M2 ".into();
        let next = view.apply_to(&current).unwrap();
        let h = next.hipopay.unwrap();
        assert_eq!(h.merchant_no, "M2");
        assert_eq!(h.timeout_secs, Some(7));
        assert_eq!(
            h.hipopay_public_key_file,
            Some(PathBuf::from("/keys/pub.pem"))
        );

        let mut no_key = SettingsView::of(&current);
        no_key.hipopay.as_mut().unwrap().key_file = None;
        assert!(no_key.apply_to(&current).is_err());
        let mut plain_http = SettingsView::of(&current);
        plain_http.hipopay.as_mut().unwrap().base_url = "http://10.0.0.9".into();
        assert!(plain_http.apply_to(&current).is_err());
        let mut language = SettingsView::of(&current);
        language.language = "fr".into();
        assert!(language.apply_to(&current).is_err());
    }
}
