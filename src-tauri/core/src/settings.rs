//! The Settings screen's view of the config, and the rules for changing it:
//! what anyone at the counter may change (language, sounds, the customer
//! display), what needs a manager's PIN (HipoPay, currency, scanner), and that
//! a till never switches whose books it keeps while a shift is open.

use crate::books::Mode;
use crate::config::{Config, HipoPayConfig, PrinterConfig, ScannerConfig, ShopConfig, UiConfig};
use crate::error::CashierError;
use crate::hipopay::Signer;
use crate::ledger::Shift;
use crate::money::Currency;
use crate::paths::Paths;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

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
    /// Full screen, and started at login (a manager's setting).
    #[serde(default)]
    pub kiosk: bool,
    /// The receipt printer; none: no slips.
    #[serde(default)]
    pub printer: Option<PrinterConfig>,
    /// The shop's name and address, on every slip.
    #[serde(default)]
    pub shop: ShopConfig,
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
            kiosk: config.ui.kiosk,
            printer: config.printer.clone(),
            shop: config.shop.clone(),
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
        next.printer = self.printer.clone();
        next.shop = self.shop.clone();
        next.scanner = self.scanner.clone();
        next.ui = UiConfig {
            language: self.language.clone(),
            sounds: self.sounds,
            customer_display: self.customer_display,
            kiosk: self.kiosk,
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
    pub kiosk_toggled: bool,
}

impl SettingsChange {
    pub fn between(current: &Config, next: &Config) -> SettingsChange {
        // Language, sounds and the customer display are the counter's
        // comfort; kiosk mode (full screen, started at login) is not.
        let comfort_only = Config {
            ui: UiConfig {
                kiosk: next.ui.kiosk,
                ..current.ui.clone()
            },
            ..next.clone()
        } == *current;
        SettingsChange {
            needs_manager: !comfort_only,
            // The books name the host too: test and production are two.
            switches_books: next.books() != current.books(),
            restarts_engine: next.hipopay != current.hipopay || next.terminal != current.terminal,
            scanner: next.scanner != current.scanner,
            customer_display_toggled: next.ui.customer_display != current.ui.customer_display,
            customer_display_retold: next.ui.language != current.ui.language
                || next.is_demo() != current.is_demo(),
            kiosk_toggled: next.ui.kiosk != current.ui.kiosk,
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

impl SettingsChange {
    /// Each changed setting as "name: old -> new", for the audit log. The
    /// key appears by file name only, never its content.
    pub fn describe(current: &Config, next: &Config) -> Vec<String> {
        let mut changes = Vec::new();
        let mut diff = |name: &str, old: String, new: String| {
            if old != new {
                changes.push(format!("{name}: {old} -> {new}"));
            }
        };
        let h = |c: &Config, f: fn(&HipoPayConfig) -> String| {
            c.hipopay.as_ref().map(f).unwrap_or_else(|| "-".into())
        };
        diff("mode", mode_name(current), mode_name(next));
        diff(
            "hipopay.base_url",
            h(current, |h| h.base_url.clone()),
            h(next, |h| h.base_url.clone()),
        );
        diff(
            "hipopay.agent_no",
            h(current, |h| h.agent_no.clone()),
            h(next, |h| h.agent_no.clone()),
        );
        diff(
            "hipopay.merchant_no",
            h(current, |h| h.merchant_no.clone()),
            h(next, |h| h.merchant_no.clone()),
        );
        diff(
            "hipopay.private_key_file",
            h(current, |h| h.private_key_file.display().to_string()),
            h(next, |h| h.private_key_file.display().to_string()),
        );
        diff(
            "terminal.currency",
            current.terminal.currency.to_string(),
            next.terminal.currency.to_string(),
        );
        diff(
            "scanner",
            format!("{:?}", current.scanner),
            format!("{:?}", next.scanner),
        );
        diff(
            "ui.language",
            current.ui.language.clone(),
            next.ui.language.clone(),
        );
        diff(
            "ui.sounds",
            current.ui.sounds.to_string(),
            next.ui.sounds.to_string(),
        );
        diff(
            "ui.customer_display",
            current.ui.customer_display.to_string(),
            next.ui.customer_display.to_string(),
        );
        diff(
            "ui.kiosk",
            current.ui.kiosk.to_string(),
            next.ui.kiosk.to_string(),
        );
        changes
    }
}

fn mode_name(config: &Config) -> String {
    if config.is_demo() { "demo" } else { "live" }.into()
}

/// A key a manager picked: checked, then copied beside the config, but not
/// used until Settings are saved with it (the running till keeps its key).
pub fn stage_key(paths: &Paths, source: &Path) -> Result<PathBuf, CashierError> {
    Signer::from_pem_file(source)?;
    let pem = std::fs::read(source)
        .map_err(|e| CashierError::Config(format!("cannot read {}: {e}", source.display())))?;
    let staged = paths.staged_key_file();
    crate::export::write_private(&staged, &pem)?;
    Ok(staged)
}

/// On saving settings that name the staged key: it becomes the key, and
/// the key it replaces is kept as the previous one.
pub fn adopt_staged_key(paths: &Paths, next: &mut Config) -> Result<(), CashierError> {
    let staged = paths.staged_key_file();
    let Some(h) = next.hipopay.as_mut() else {
        return Ok(());
    };
    if h.private_key_file != staged {
        return Ok(());
    }
    let current = paths.imported_key_file();
    let moved = |from: &Path, to: &Path| {
        std::fs::rename(from, to).map_err(|e| {
            CashierError::Config(format!(
                "cannot move {} to {}: {e}",
                from.display(),
                to.display()
            ))
        })
    };
    if current.exists() {
        moved(&current, &paths.previous_key_file())?;
    }
    moved(&staged, &current)?;
    h.private_key_file = current;
    Ok(())
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
            books: Books::live("A", "M", "https://api.example"),
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

        // Kiosk mode sits beside the comfort settings but is a manager's.
        let mut view = SettingsView::of(&current);
        view.kiosk = true;
        let next = view.apply_to(&current).unwrap();
        let change = SettingsChange::between(&current, &next);
        assert!(change.needs_manager && change.kiosk_toggled && !change.restarts_engine);
        assert_eq!(
            SettingsChange::describe(&current, &next),
            vec!["ui.kiosk: false -> true".to_string()]
        );
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
    fn an_imported_key_waits_for_save_and_the_previous_one_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::resolve(
            Some(dir.path().join("config.toml")),
            Some(dir.path().join("data/ledger.db")),
            &crate::paths::DefaultPaths::of_this_computer(),
        );
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/resources/keys/agent_private_pkcs1.pem");
        let first = stage_key(&paths, &fixture).unwrap();
        assert_eq!(first, paths.staged_key_file());
        assert!(!paths.imported_key_file().exists(), "not used before Save");
        let mut next = live_config();
        next.hipopay.as_mut().unwrap().private_key_file = first;
        adopt_staged_key(&paths, &mut next).unwrap();
        assert_eq!(
            next.hipopay.as_ref().unwrap().private_key_file,
            paths.imported_key_file()
        );
        assert!(paths.imported_key_file().exists() && !paths.staged_key_file().exists());
        // A second import replaces it on Save; the first is kept.
        let second = stage_key(&paths, &fixture).unwrap();
        let mut again = live_config();
        again.hipopay.as_mut().unwrap().private_key_file = second;
        adopt_staged_key(&paths, &mut again).unwrap();
        assert!(paths.previous_key_file().exists());
        // A file that is not a key is refused and nothing is staged.
        let junk = dir.path().join("junk.pem");
        std::fs::write(&junk, "not a key").unwrap();
        assert!(stage_key(&paths, &junk).is_err());
        assert!(!paths.staged_key_file().exists());
    }

    #[test]
    fn changes_are_described_for_the_audit_without_the_key() {
        let current = live_config();
        let mut next = current.clone();
        next.terminal.currency = Currency::JPY;
        next.hipopay.as_mut().unwrap().merchant_no = "M9".into();
        let lines = SettingsChange::describe(&current, &next);
        assert_eq!(
            lines,
            vec![
                "hipopay.merchant_no: M -> M9",
                "terminal.currency: HKD -> JPY"
            ]
        );
        assert!(SettingsChange::describe(&current, &current).is_empty());
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
