//! The TOML configuration (the CLI contract in PRODUCT.md). No `[hipopay]`
//! section means demo mode against the built-in sandbox.

use crate::books::Books;
use crate::counter::Counter;
use crate::error::CashierError;
use crate::money::Currency;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub hipopay: Option<HipoPayConfig>,
    #[serde(default)]
    pub terminal: TerminalConfig,
    /// Used by the desktop app; the CLI ignores it.
    #[serde(default)]
    pub scanner: ScannerConfig,
    /// Used by the desktop app; the CLI ignores it.
    #[serde(default)]
    pub ui: UiConfig,
    /// Central books on PostgreSQL for many counters; without it the till
    /// keeps its own books alone.
    pub central: Option<CentralConfig>,
    /// The receipt printer; none: no slips.
    pub printer: Option<PrinterConfig>,
    /// The shop's name and address, at the top of every slip.
    #[serde(default)]
    pub shop: ShopConfig,
}

/// `[shop]`: what a slip says about the shop.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ShopConfig {
    pub name: String,
    /// One or more lines.
    pub address: String,
}

/// How the printer is connected.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PrinterKind {
    /// A serial port (`path`, e.g. /dev/ttyUSB0), at `baud`.
    Serial,
    /// The kernel's USB printer device (`path`, default /dev/usb/lp0).
    Usb,
    /// Raw TCP (`host`, `port`, default 9100).
    Network,
}

/// The printer's character set for Chinese: GB18030 (简体, and most
/// 繁體 characters) or Big5 (繁體).
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TextEncoding {
    #[default]
    Gb18030,
    Big5,
    /// No character set at all: every line is drawn here, with a CJK font
    /// (`printer.font`, else Noto Sans CJK from fonts-noto-cjk), and sent as
    /// a picture. For printers without Chinese characters.
    Raster,
}

/// Where Debian's fonts-noto-cjk puts Noto Sans CJK (SC, TC, JP, KR, HK in
/// one collection): raster slips draw their text with it unless
/// `printer.font` names another font.
pub const DEFAULT_RASTER_FONT: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

/// `[printer]`: the receipt printer.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrinterConfig {
    pub kind: PrinterKind,
    pub path: Option<String>,
    pub host: Option<String>,
    #[serde(default = "default_printer_port")]
    pub port: u16,
    #[serde(default = "default_printer_baud")]
    pub baud: u32,
    /// 58 or 80 (mm of paper).
    #[serde(default = "default_width_mm")]
    pub width_mm: u32,
    #[serde(default)]
    pub encoding: TextEncoding,
    /// A slip for every PAID payment and every refund, by itself (else on
    /// a button, or `cashier-cli print`).
    #[serde(default = "default_auto_print")]
    pub auto_print: bool,
    /// With `encoding = "raster"`: the font file (TrueType/OpenType, or a
    /// collection) the text is drawn with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub font: Option<String>,
}

fn default_printer_port() -> u16 {
    9100
}
fn default_printer_baud() -> u32 {
    9600
}
fn default_width_mm() -> u32 {
    80
}
fn default_auto_print() -> bool {
    true
}

impl PrinterConfig {
    /// The device a serial or USB printer is on.
    pub fn path_or_default(&self) -> String {
        match (&self.path, self.kind) {
            (Some(p), _) => p.clone(),
            (None, PrinterKind::Usb) => "/dev/usb/lp0".into(),
            (None, _) => String::new(),
        }
    }

    fn check(&self) -> Result<(), String> {
        if !matches!(self.width_mm, 58 | 80) {
            return Err("printer.width_mm must be 58 or 80".into());
        }
        match self.kind {
            PrinterKind::Serial if self.path.as_deref().is_none_or(|p| p.trim().is_empty()) => {
                Err("a serial printer needs printer.path (e.g. /dev/ttyUSB0)".into())
            }
            PrinterKind::Serial if self.baud == 0 => Err("printer.baud must be above 0".into()),
            PrinterKind::Network if self.host.as_deref().is_none_or(|h| h.trim().is_empty()) => {
                Err("a network printer needs printer.host (its address)".into())
            }
            PrinterKind::Network if self.port == 0 => Err("printer.port must be above 0".into()),
            _ => self.check_font(),
        }
    }

    /// The font raster slips are drawn with.
    pub fn raster_font(&self) -> &str {
        self.font
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .unwrap_or(DEFAULT_RASTER_FONT)
    }

    fn check_font(&self) -> Result<(), String> {
        if self.encoding != TextEncoding::Raster {
            return Ok(());
        }
        let font = self.raster_font();
        if std::path::Path::new(font).is_file() {
            Ok(())
        } else if self.font.is_some() {
            Err(format!("printer.font: no font file at {font}"))
        } else {
            Err(format!(
                "encoding = \"raster\" draws the slip's text with a CJK font, and there is none at {font}: install fonts-noto-cjk, or name a font file in printer.font"
            ))
        }
    }
}

/// `[central]`: where the shop's central books are.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CentralConfig {
    /// `postgresql://role@host:port/database` (the password, if any, not
    /// here: in `CASHIER_CENTRAL_PASSWORD` or the file `password_file`).
    pub url: String,
    /// A file holding the password alone, readable by its owner only (0600).
    pub password_file: Option<PathBuf>,
}

/// How the line a serial scanner sends ends.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Terminator {
    #[default]
    Crlf,
    Cr,
    Lf,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ScannerConfig {
    /// A serial scanner's port (e.g. /dev/ttyACM0); none means keyboard-wedge only.
    pub serial_port: Option<String>,
    pub baud: u32,
    pub terminator: Terminator,
    /// Keyboard-wedge: the longest pause between a scanner's keystrokes.
    pub wedge_max_gap_ms: u32,
    /// Keyboard-wedge: the shortest burst that counts as a scan.
    pub wedge_min_length: u32,
}

impl Default for ScannerConfig {
    fn default() -> Self {
        ScannerConfig {
            serial_port: None,
            baud: 9600,
            terminator: Terminator::Crlf,
            wedge_max_gap_ms: 35,
            wedge_min_length: 16,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct UiConfig {
    /// "en", "zh-Hant" or "zh-Hans".
    pub language: String,
    pub sounds: bool,
    /// A second window for the customer (on a second screen when there is
    /// one): the amount, the QR code to scan, and the outcome.
    pub customer_display: bool,
    /// A till that is only a till: the counter window fills the screen, and
    /// the app starts when this computer's user logs in (an XDG autostart
    /// entry, `kiosk.rs`). A manager's setting.
    pub kiosk: bool,
}

impl Default for UiConfig {
    fn default() -> Self {
        UiConfig {
            language: "en".into(),
            sounds: true,
            customer_display: false,
            kiosk: false,
        }
    }
}

pub const LANGUAGES: [&str; 3] = ["en", "zh-Hant", "zh-Hans"];

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HipoPayConfig {
    pub base_url: String,
    pub agent_no: String,
    pub merchant_no: String,
    pub private_key_file: PathBuf,
    pub hipopay_public_key_file: Option<PathBuf>,
    /// Seconds before a call's outcome counts as unknown (default 20).
    pub timeout_secs: Option<u64>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TerminalConfig {
    #[serde(default = "default_currency")]
    pub currency: Currency,
    /// The terminal's IP sent to WeChat; detected when absent.
    pub ip: Option<String>,
    /// How often to ask HipoPay about a payment still in progress (default 3000).
    pub poll_interval_ms: Option<u64>,
    /// This till's name ("C1"): it starts our order numbers, goes to WeChat
    /// as `device_info` and keys the till's rows in the central books.
    /// Default: the host name.
    pub counter: Option<Counter>,
}

fn default_currency() -> Currency {
    Currency::HKD
}

impl Default for TerminalConfig {
    fn default() -> Self {
        TerminalConfig {
            currency: default_currency(),
            ip: None,
            poll_interval_ms: None,
            counter: None,
        }
    }
}

/// The longest a call may take before its outcome counts as unknown.
const MAX_TIMEOUT_SECS: u64 = 600;
/// The slowest useful poll of a payment in progress.
const MAX_POLL_INTERVAL_MS: u64 = 60_000;

impl Config {
    /// Reads a config file. A missing file is demo mode; a broken one is an error
    /// that names the file and the problem, on one line.
    /// Loads a config file someone named (`--config`, `CASHIER_CONFIG`): a
    /// missing one is an error, never a quiet switch to demo mode, where a
    /// real customer's "PAID" would be the sandbox's word.
    pub fn load_named(path: &Path) -> Result<Config, CashierError> {
        if !path.exists() {
            return Err(CashierError::Config(format!(
                "the config {} does not exist; it was named by --config or CASHIER_CONFIG (without a config file at the default place, Cashier runs in demo mode)",
                path.display()
            )));
        }
        Self::load(path)
    }

    /// Loads the config at the default place; none there means demo mode.
    pub fn load(path: &Path) -> Result<Config, CashierError> {
        let shown = format!("the config {}", path.display());
        match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => Self::parse_as(&text, path, &shown),
                Err(_) => Err(CashierError::Config(format!(
                    "{shown} is not a text file (not UTF-8)"
                ))),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(CashierError::Config(format!(
                "cannot read the config {}: {e}",
                path.display()
            ))),
        }
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, CashierError> {
        Self::parse_as(text, path, &format!("the config {}", path.display()))
    }

    /// `shown` names the source in messages ("the config /etc/c.toml").
    fn parse_as(text: &str, path: &Path, shown: &str) -> Result<Config, CashierError> {
        let bad = |problem: String| CashierError::Config(format!("{shown}: {problem}"));
        let mut config: Config = toml::from_str(text).map_err(|e| {
            CashierError::Config(format!("{shown} is not valid: {}", toml_problem(&e, text)))
        })?;
        if let Some(h) = &mut config.hipopay {
            for (name, value) in [
                ("base_url", &h.base_url),
                ("agent_no", &h.agent_no),
                ("merchant_no", &h.merchant_no),
            ] {
                if value.trim().is_empty() {
                    return Err(bad(format!("hipopay.{name} is empty")));
                }
            }
            check_base_url(&h.base_url).map_err(|why| {
                bad(format!(
                    "hipopay.base_url {:?} {why}",
                    crate::text::one_line(&h.base_url, 60)
                ))
            })?;
            if let Some(secs) = h.timeout_secs {
                if !(1..=MAX_TIMEOUT_SECS).contains(&secs) {
                    return Err(bad(format!(
                        "hipopay.timeout_secs must be between 1 and {MAX_TIMEOUT_SECS}"
                    )));
                }
            }
            // Key paths are relative to the config file, not the working directory.
            let base = path.parent().unwrap_or(Path::new("."));
            if h.private_key_file.is_relative() {
                h.private_key_file = base.join(&h.private_key_file);
            }
            if let Some(p) = &mut h.hipopay_public_key_file {
                if p.is_relative() {
                    *p = base.join(&*p);
                }
            }
        }
        if let Some(c) = &mut config.central {
            check_central_url(&c.url).map_err(|why| bad(format!("central.url {why}")))?;
            let base = path.parent().unwrap_or(Path::new("."));
            if let Some(p) = &mut c.password_file {
                if p.is_relative() {
                    *p = base.join(&*p);
                }
            }
        }
        if let Some(p) = &config.printer {
            p.check().map_err(bad)?;
        }
        if !LANGUAGES.contains(&config.ui.language.as_str()) {
            return Err(bad(format!(
                "ui.language must be one of {}",
                LANGUAGES.join(", ")
            )));
        }
        if config.scanner.baud == 0 || config.scanner.wedge_max_gap_ms == 0 {
            return Err(bad(
                "scanner.baud and scanner.wedge_max_gap_ms must be above 0".into(),
            ));
        }
        if let Some(ms) = config.terminal.poll_interval_ms {
            if !(1..=MAX_POLL_INTERVAL_MS).contains(&ms) {
                return Err(bad(format!(
                    "terminal.poll_interval_ms must be between 1 and {MAX_POLL_INTERVAL_MS}"
                )));
            }
        }
        Ok(config)
    }

    /// The checks of reading a file, for a config built in memory (settings screen).
    pub fn checked(&self) -> Result<Config, CashierError> {
        let text = toml::to_string(self).map_err(|e| CashierError::Config(e.to_string()))?;
        Self::parse_as(&text, Path::new("."), "the settings")
    }

    pub fn is_demo(&self) -> bool {
        self.hipopay.is_none()
    }

    /// Whose books the payments go to: the built-in sandbox, or one live
    /// merchant. A shift belongs to one, so demo payments never mix with real
    /// ones, nor two merchants' payments.
    pub fn books(&self) -> Books {
        match &self.hipopay {
            None => Books::Demo,
            Some(h) => Books::live(&h.agent_no, &h.merchant_no, &h.base_url),
        }
    }

    /// This till's name: as configured, else from the host name.
    pub fn counter(&self) -> Counter {
        self.terminal
            .counter
            .clone()
            .unwrap_or_else(Counter::from_host_name)
    }

    pub fn save(&self, path: &Path) -> Result<(), CashierError> {
        let text = toml::to_string_pretty(self).map_err(|e| CashierError::Config(e.to_string()))?;
        crate::fsutil::write_atomic(path, text.as_bytes())
            .map_err(|e| CashierError::Config(format!("cannot write {}: {e}", path.display())))
    }
}

/// A TOML error on one line: where, the offending line, and what is wrong
/// (toml's own rendering spreads over several lines with a caret).
fn toml_problem(e: &toml::de::Error, text: &str) -> String {
    use crate::text::one_line;
    let message = one_line(e.message(), 200);
    let Some(span) = e.span() else {
        return message;
    };
    let at = span.start.min(text.len());
    let before = text.get(..at).unwrap_or(text);
    let line_no = before.matches('\n').count() + 1;
    let line = text.lines().nth(line_no - 1).unwrap_or("");
    let line = one_line(line, 60);
    if line.is_empty() {
        format!("line {line_no}: {message}")
    } else {
        format!("line {line_no} ({line}): {message}")
    }
}

/// A PostgreSQL URL with a host and a database, and no password in it (a
/// config file is no place for one).
fn check_central_url(url: &str) -> Result<(), String> {
    let parsed = url::Url::parse(url.trim())
        .map_err(|_| "is not a URL like postgresql://cashier@127.0.0.1:5432/cashier".to_string())?;
    if !matches!(parsed.scheme(), "postgresql" | "postgres") {
        return Err("must start with postgresql://".into());
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("has no host".into());
    }
    if parsed.password().is_some() {
        return Err(
            "must not hold the password: put it in CASHIER_CENTRAL_PASSWORD or in a 0600 file named by central.password_file"
                .into(),
        );
    }
    if parsed.path().trim_matches('/').is_empty() {
        return Err("names no database (…/cashier at the end)".into());
    }
    // Over the shop's network the books and PIN hashes travel encrypted:
    // only a server on this computer may go without TLS.
    let host = parsed.host_str().unwrap_or_default();
    let tls = parsed
        .query_pairs()
        .any(|(k, v)| k == "sslmode" && v == "require");
    if !is_loopback(host) && !tls {
        return Err(
            "reaches a server over the network without TLS: add ?sslmode=require (plain only for this computer, e.g. 127.0.0.1)"
                .into(),
        );
    }
    Ok(())
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// HipoPay's API base: an http(s) URL with a host, nothing after the path.
fn check_base_url(url: &str) -> Result<(), &'static str> {
    let parsed =
        url::Url::parse(url.trim()).map_err(|_| "is not a URL like https://api.example.com")?;
    if !matches!(parsed.scheme(), "https" | "http") {
        return Err("must start with https://");
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("has no host name");
    }
    // Over plain http anyone on the shop's network could answer "PAID":
    // only a server on this computer (a test sandbox, a local proxy) may
    // go without TLS.
    let host = parsed.host_str().unwrap_or_default();
    if parsed.scheme() == "http" && !is_loopback(host) {
        return Err(
            "must start with https:// (plain http only for this computer, e.g. http://127.0.0.1)",
        );
    }
    if parsed.query().is_some() || parsed.fragment().is_some() || !parsed.username().is_empty() {
        return Err("must not carry a query, a fragment or a user name");
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_printer_section_reads_with_its_defaults_and_bad_ones_say_why() {
        let path = Path::new("/etc/cashier.toml");
        let c = Config::parse("[printer]\nkind = \"usb\"\n", path).unwrap();
        let p = c.printer.unwrap();
        assert_eq!(
            (
                p.path_or_default(),
                p.width_mm,
                p.encoding,
                p.auto_print,
                p.port
            ),
            (
                "/dev/usb/lp0".to_string(),
                80,
                TextEncoding::Gb18030,
                true,
                9100
            )
        );
        let c = Config::parse(
            "[printer]\nkind = \"network\"\nhost = \"10.0.0.9\"\nwidth_mm = 58\nencoding = \"big5\"\nauto_print = false\n[shop]\nname = \"Lucky Tea\"\n",
            path,
        )
        .unwrap();
        assert_eq!(c.shop.name, "Lucky Tea");
        assert_eq!(c.printer.unwrap().encoding, TextEncoding::Big5);
        for (text, says) in [
            ("[printer]\nkind = \"network\"\n", "printer.host"),
            ("[printer]\nkind = \"serial\"\n", "printer.path"),
            ("[printer]\nkind = \"usb\"\nwidth_mm = 76\n", "58 or 80"),
            ("[printer]\nkind = \"parallel\"\n", "kind"),
            (
                "[printer]\nkind = \"usb\"\nencoding = \"latin1\"\n",
                "encoding",
            ),
            (
                "[printer]\nkind = \"usb\"\nencoding = \"raster\"\nfont = \"/nowhere/font.ttc\"\n",
                "printer.font: no font file at /nowhere/font.ttc",
            ),
        ] {
            let e = Config::parse(text, path).unwrap_err().to_string();
            assert!(e.contains(says), "{text}: {e}");
        }
    }

    #[test]
    fn live_answers_come_over_tls_unless_from_this_computer() {
        for ok in [
            "https://api.hipopay.example",
            "https://api.hipopay.example:8443/v1",
            "http://127.0.0.1:8080",
            "http://localhost/hipopay",
            "http://[::1]:9000",
        ] {
            assert_eq!(check_base_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "http://api.hipopay.example",
            "http://192.168.1.20:8080",
            "http://127.0.0.1.evil.example",
            "ftp://api.hipopay.example",
            "https://api.hipopay.example/?x=1",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn no_hipopay_section_is_demo_mode() {
        let c =
            Config::parse("[terminal]\ncurrency = \"JPY\"\n", Path::new("/etc/c.toml")).unwrap();
        assert!(c.is_demo());
        assert_eq!(c.terminal.currency, Currency::JPY);
        assert!(Config::parse("", Path::new("c.toml")).unwrap().is_demo());
    }

    #[test]
    fn central_books_are_a_postgresql_url_without_a_password() {
        let ok = "[central]\nurl = \"postgresql://cashier@127.0.0.1:5432/cashier\"\npassword_file = \"pw\"\n";
        let c = Config::parse(ok, Path::new("/etc/cashier/c.toml")).unwrap();
        let central = c.central.unwrap();
        assert_eq!(
            central.password_file.unwrap(),
            PathBuf::from("/etc/cashier/pw")
        );
        assert!(Config::parse("", Path::new("c.toml"))
            .unwrap()
            .central
            .is_none());
        let lan = "[central]\nurl = \"postgresql://c1@books.shop.lan/cashier?sslmode=require\"\n";
        assert!(Config::parse(lan, Path::new("c.toml")).is_ok());
        for (bad, words) in [
            ("mysql://a@h/db", "postgresql://"),
            ("postgresql://cashier:secret@h/db", "password"),
            ("postgresql://cashier@h", "database"),
            ("not a url", "not a URL"),
            (
                "postgresql://cashier@books.shop.lan/cashier",
                "sslmode=require",
            ),
        ] {
            let text = format!("[central]\nurl = \"{bad}\"\n");
            let e = Config::parse(&text, Path::new("c.toml"))
                .unwrap_err()
                .to_string();
            assert!(e.contains("central.url") && e.contains(words), "{bad}: {e}");
            assert!(!e.contains("secret"), "the password is never repeated: {e}");
        }
    }

    #[test]
    fn a_counter_is_named_or_named_after_the_host() {
        let c = Config::parse("[terminal]\ncounter = \"C7\"\n", Path::new("c.toml")).unwrap();
        assert_eq!(c.counter().as_str(), "C7");
        assert_eq!(
            Config::default().counter(),
            Counter::from_host_name(),
            "the host name by default"
        );
        let e = Config::parse("[terminal]\ncounter = \"till one\"\n", Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("counter") && e.contains("letters or digits"),
            "{e}"
        );
    }

    #[test]
    fn live_config_resolves_key_paths() {
        let text = "[hipopay]\nbase_url = \"https://api.example\"\nagent_no = \"A\"\nmerchant_no = \"M\"\nprivate_key_file = \"k.pem\"\n";
        let c = Config::parse(text, Path::new("/etc/cashier/c.toml")).unwrap();
        assert_eq!(
            c.hipopay.unwrap().private_key_file,
            PathBuf::from("/etc/cashier/k.pem")
        );
    }

    #[test]
    fn broken_configs_are_refused_clearly() {
        let e = Config::parse("[hipopay]\nbase_url = 3\n", Path::new("c.toml")).unwrap_err();
        assert!(e.to_string().contains("c.toml"));
        assert!(Config::parse("[terminal]\ncurrency = \"XYZ\"\n", Path::new("c.toml")).is_err());
        assert!(
            Config::parse("[terminal]\ncurency = \"HKD\"\n", Path::new("c.toml")).is_err(),
            "typos are caught"
        );
        let empty = "[hipopay]\nbase_url = \"\"\nagent_no = \"A\"\nmerchant_no = \"M\"\nprivate_key_file = \"k\"\n";
        assert!(Config::parse(empty, Path::new("c.toml")).is_err());
    }
}
