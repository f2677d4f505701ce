//! Drives the real `cashier` binary in its real webview (WebKitGTK through
//! tauri-driver and WebKitWebDriver), against the HipoPay sandbox on
//! loopback, with a real SQLite file, each app on its own Xvfb server.

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, ClientBuilder, Locator};
use hipopay_sim::{SimConfig, SimHandle};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const MANAGER: &str = "Mei";
pub const MANAGER_PIN: &str = "9876";
const AGENT_NO: &str = "E2E-AGENT";
const MERCHANT_NO: &str = "E2E-MERCHANT";

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn tauri_driver() -> PathBuf {
    let on_path = Command::new("sh")
        .args(["-c", "command -v tauri-driver"])
        .output()
        .ok();
    if let Some(out) = on_path.filter(|o| o.status.success()) {
        return PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    }
    let home = std::env::var("CARGO_HOME")
        .unwrap_or_else(|_| format!("{}/.cargo", std::env::var("HOME").unwrap_or_default()));
    PathBuf::from(home).join("bin/tauri-driver")
}

#[derive(Default)]
pub struct Options {
    pub language: Option<&'static str>,
    pub serial_port: Option<String>,
    /// A private-key fixture other than the agent's own (e.g. one HipoPay does not know).
    pub key_fixture: Option<&'static str>,
    pub sim: Option<SimConfig>,
    /// Turns the working config's text into a broken one before launch;
    /// `App::restore_config` writes the working one back.
    pub break_config: Option<fn(&str) -> String>,
    /// Bytes that stand in for the ledger file before launch.
    pub ledger_bytes: Option<Vec<u8>>,
    /// Opens the customer display window at start.
    pub customer_display: bool,
}

/// A private X server for one app. Tests run side by side, and windows on a
/// shared screen with no window manager would cover one another: WebKit does
/// not paint a covered view, so a screenshot of it waits for a paint that
/// may never come. Killing it also ends an app a failed test left behind.
pub struct XServer {
    child: Child,
    pub display: String,
}

impl XServer {
    pub fn start() -> XServer {
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb must be installed (scripts/install-deps installs it)");
        // With -displayfd the server prints its display number once it is ready.
        let mut line = String::new();
        let stdout = child.stdout.take().expect("Xvfb's stdout");
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .expect("Xvfb's display number");
        assert!(
            line.trim().parse::<u32>().is_ok(),
            "Xvfb did not start: {line:?}"
        );
        XServer {
            child,
            display: format!(":{}", line.trim()),
        }
    }
}

impl Drop for XServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct App {
    pub client: Client,
    pub sim: SimHandle,
    /// Holds the config, ledger and exports for as long as the app runs.
    _workdir: tempfile::TempDir,
    pub export_dir: PathBuf,
    pub config_file: PathBuf,
    pub db_file: PathBuf,
    good_config: String,
    driver: Child,
    /// Last to go: the app and its driver first.
    _x: XServer,
}

pub fn sim_config() -> SimConfig {
    let pem = std::fs::read_to_string(fixture("agent_public.pem")).expect("fixture");
    SimConfig::new(
        AGENT_NO,
        MERCHANT_NO,
        hipopay_sim::public_key_from_pem(&pem).expect("key"),
    )
}

impl App {
    pub async fn launch(options: Options) -> App {
        let sim = SimHandle::start(
            options.sim.unwrap_or_else(sim_config),
            "127.0.0.1:0".parse().expect("addr"),
        )
        .await
        .expect("sandbox starts");
        let dir = tempfile::tempdir().expect("temp dir");
        let export_dir = dir.path().join("exports");
        std::fs::create_dir_all(&export_dir).expect("export dir");
        let config = dir.path().join("cashier.toml");
        let serial = options
            .serial_port
            .map(|p| format!("serial_port = \"{p}\"\n"))
            .unwrap_or_default();
        let good_config = format!(
                "[hipopay]\nbase_url = \"{}\"\nagent_no = \"{AGENT_NO}\"\nmerchant_no = \"{MERCHANT_NO}\"\nprivate_key_file = \"{}\"\ntimeout_secs = 3\n\n\
                 [terminal]\ncurrency = \"HKD\"\npoll_interval_ms = 200\n\n[scanner]\n{serial}\n[ui]\nlanguage = \"{}\"\ncustomer_display = {}\n",
                sim.base_url(),
                fixture(options.key_fixture.unwrap_or("agent_private_pkcs1.pem")).display(),
                options.language.unwrap_or("en"),
                options.customer_display,
        );
        let config_text = match options.break_config {
            Some(damage) => damage(&good_config),
            None => good_config.clone(),
        };
        std::fs::write(&config, config_text).expect("config");
        let db_file = dir.path().join("ledger.sqlite3");
        if let Some(bytes) = &options.ledger_bytes {
            std::fs::write(&db_file, bytes).expect("ledger bytes");
        }
        let x = XServer::start();
        let env = [
            ("DISPLAY", PathBuf::from(&x.display)),
            ("CASHIER_CONFIG", config.clone()),
            ("CASHIER_DB", db_file.clone()),
            ("CASHIER_EXPORT_DIR", export_dir.clone()),
        ];
        // Starting a session can fail when parallel tests race for ports or
        // WebKitWebDriver is slow to come up: try again with fresh ports.
        let mut attempt = 0;
        let (client, driver) = loop {
            attempt += 1;
            match start_session(&env).await {
                Ok(started) => break started,
                Err(e) if attempt < 3 => {
                    eprintln!("WebDriver session attempt {attempt} failed: {e}")
                }
                Err(e) => panic!("no WebDriver session after {attempt} attempts: {e}"),
            }
        };
        let app = App {
            client,
            sim,
            _workdir: dir,
            export_dir,
            config_file: config,
            db_file,
            good_config,
            driver,
            _x: x,
        };
        app.wait_visible("body").await;
        app
    }

    /// Writes the working config back (after `Options::break_config`).
    pub fn restore_config(&self) {
        std::fs::write(&self.config_file, &self.good_config).expect("config");
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        stop_driver(&mut self.driver);
    }

    pub async fn wait_visible(&self, css: &str) -> fantoccini::elements::Element {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                if el.is_displayed().await.unwrap_or(false) {
                    return el;
                }
            }
            if Instant::now() >= deadline {
                let shot = self.failure_screenshot(css).await;
                panic!("{css} never became visible (screen: {shot})");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `css` has `attr` equal to `value`; returns the element.
    pub async fn wait_attr(
        &self,
        css: &str,
        attr: &str,
        value: &str,
        secs: u64,
    ) -> fantoccini::elements::Element {
        let deadline = Instant::now() + Duration::from_secs(secs);
        let mut last = None;
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                last = el.attr(attr).await.ok().flatten();
                if last.as_deref() == Some(value) {
                    return el;
                }
            }
            if Instant::now() >= deadline {
                let shot = self.failure_screenshot(css).await;
                panic!("{css}[{attr}] stayed {last:?}, wanted {value} (screen: {shot})");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// What the window shows, as a PNG. WebKitGTK, with accelerated
    /// compositing off as the app runs it, answers a screenshot only after
    /// its next paint, and a page standing still never paints again (a
    /// screen without a caret, countdown or animation): a one-pixel, all but
    /// transparent dot keeps paints coming while the picture is taken.
    pub async fn capture(&self) -> Result<Vec<u8>, fantoccini::error::CmdError> {
        const NUDGE: &str = "if (!window.__e2ePaint) {
               const dot = document.createElement('div');
               Object.assign(dot.style, { position: 'fixed', left: '0', top: '0', width: '1px',
                 height: '1px', pointerEvents: 'none', zIndex: '2147483647' });
               document.documentElement.appendChild(dot);
               let on = false;
               const timer = setInterval(() => {
                 on = !on;
                 dot.style.background = on ? 'rgba(0, 0, 0, 0.004)' : 'rgba(0, 0, 0, 0)';
               }, 40);
               window.__e2ePaint = { dot, timer };
             }";
        const STOP: &str = "const p = window.__e2ePaint;
             if (p) { clearInterval(p.timer); p.dot.remove(); delete window.__e2ePaint; }";
        let _ = self.client.execute(NUDGE, vec![]).await;
        let png = self.client.screenshot().await;
        let _ = self.client.execute(STOP, vec![]).await;
        png
    }

    /// Saves what the window showed when a wait failed, and says where.
    async fn failure_screenshot(&self, what: &str) -> String {
        let name: String = what
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-failures");
        let path = dir.join(format!("{name}-{}.png", std::process::id()));
        let saved = match self.capture().await {
            Ok(png) => std::fs::create_dir_all(&dir)
                .and_then(|_| std::fs::write(&path, png))
                .is_ok(),
            Err(_) => false,
        };
        if saved {
            path.display().to_string()
        } else {
            "no screenshot".into()
        }
    }

    /// Clicks, retrying while the element is re-rendered under the pointer
    /// (lists refresh on every order change).
    pub async fn click(&self, css: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let el = self.wait_visible(css).await;
            match el.click().await {
                Ok(_) => return,
                Err(e) if Instant::now() >= deadline => panic!("click {css}: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// Types into a field at human speed: WebDriver's own typing is as fast
    /// as a barcode scanner, and the app rightly treats such bursts as scans.
    pub async fn fill(&self, css: &str, text: &str) {
        let el = self.wait_visible(css).await;
        el.clear()
            .await
            .unwrap_or_else(|e| panic!("clear {css}: {e}"));
        el.click()
            .await
            .unwrap_or_else(|e| panic!("focus {css}: {e}"));
        self.human_types(text).await;
    }

    /// The text of an element once it exists (WebKit's visibility check
    /// misjudges some elements, such as `<output>`).
    pub async fn text(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                let text = el.text().await.unwrap_or_default();
                if !text.is_empty() {
                    return text;
                }
                return el
                    .prop("textContent")
                    .await
                    .ok()
                    .flatten()
                    .unwrap_or_default();
            }
            if Instant::now() >= deadline {
                let shot = self.failure_screenshot(css).await;
                panic!("{css} never appeared (screen: {shot})");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn select(&self, css: &str, value: &str) {
        self.wait_visible(css)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("select {value} in {css}: {e}"));
    }

    /// Keystrokes with no pause between them, as a keyboard-wedge scanner sends them.
    pub async fn scanner_burst(&self, code: &str) {
        let mut keys = KeyActions::new("scanner".into());
        for c in code.chars() {
            keys = keys
                .then(KeyAction::Down { value: c })
                .then(KeyAction::Up { value: c });
        }
        let enter = '\u{E007}';
        keys = keys
            .then(KeyAction::Down { value: enter })
            .then(KeyAction::Up { value: enter });
        self.client
            .perform_actions(keys)
            .await
            .expect("key actions");
    }

    /// Keystrokes at human speed.
    pub async fn human_types(&self, text: &str) {
        let mut keys = KeyActions::new("person".into());
        for c in text.chars() {
            keys = keys
                .then(KeyAction::Down { value: c })
                .then(KeyAction::Up { value: c })
                .then(KeyAction::Pause {
                    duration: Duration::from_millis(80),
                });
        }
        self.client
            .perform_actions(keys)
            .await
            .expect("key actions");
    }

    pub async fn screenshot(&self, lang: &str, name: &str) {
        // Let the screen finish switching and painting.
        tokio::time::sleep(Duration::from_millis(400)).await;
        let png = self.capture().await.expect("screenshot");
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs/screenshots")
            .join(lang);
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
    }

    /// First run: create the manager, then open a shift for them.
    pub async fn first_run_and_open_shift(&self) {
        self.fill("#first-name", MANAGER).await;
        self.fill("#first-pin", MANAGER_PIN).await;
        self.fill("#first-pin2", MANAGER_PIN).await;
        self.click("#btn-first-create").await;
        self.open_shift(MANAGER, MANAGER_PIN).await;
    }

    pub async fn open_shift(&self, staff: &str, pin: &str) {
        self.wait_visible("#screen-login").await;
        self.select("#login-staff", staff).await;
        self.fill("#login-pin", pin).await;
        self.click("#btn-login").await;
        self.wait_visible("#screen-sale").await;
    }

    /// Types an amount on the on-screen keypad.
    pub async fn keypad(&self, amount: &str) {
        self.wait_visible("#screen-sale").await;
        self.click("[data-key=\"clear\"]").await;
        for c in amount.chars() {
            self.click(&format!("[data-key=\"{c}\"]")).await;
        }
        let shown = self.text("#amount-display").await;
        assert!(
            shown.contains(amount),
            "the amount display shows {shown:?}, not {amount}"
        );
    }

    /// The screen shown fits the window: nothing (a button) below the fold.
    pub async fn assert_fits(&self, what: &str) {
        let sizes = self
            .client
            .execute(
                "const m = document.querySelector('main'); return [m.scrollHeight, m.clientHeight];",
                vec![],
            )
            .await
            .expect("sizes");
        let (scroll, client) = (sizes[0].as_i64(), sizes[1].as_i64());
        assert!(
            scroll <= client,
            "{what} needs scrolling: {scroll:?} px of content in {client:?} px"
        );
    }

    /// Makes the window whose title contains `title` (exactly `title` when
    /// several do) the one the next commands drive.
    pub async fn switch_to_window(&self, title: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let mut partial = None;
            for handle in self.client.windows().await.unwrap_or_default() {
                if self.client.switch_to_window(handle.clone()).await.is_err() {
                    continue;
                }
                let shown = self.client.title().await.unwrap_or_default();
                if shown == title {
                    return;
                }
                if shown.contains(title) {
                    partial = Some(handle);
                }
            }
            if let Some(handle) = partial {
                self.client
                    .switch_to_window(handle)
                    .await
                    .expect("switch window");
                return;
            }
            assert!(Instant::now() < deadline, "no window titled {title:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn nav(&self, screen: &str) {
        self.click(&format!("[data-nav=\"{screen}\"]")).await;
        self.wait_visible(&format!("#screen-{screen}")).await;
    }

    pub fn only_sim_order(&self) -> hipopay_sim::SimOrder {
        let orders = self.sim.orders();
        assert_eq!(orders.len(), 1, "{orders:?}");
        orders.into_iter().next().expect("one order")
    }
}

/// Stops tauri-driver with SIGTERM (SIGKILL would orphan WebKitWebDriver).
fn stop_driver(driver: &mut Child) {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(driver.id().to_string())
        .status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = driver.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = driver.kill();
    let _ = driver.wait();
}

/// One tauri-driver on fresh ports and a session with the app in it.
async fn start_session(env: &[(&str, PathBuf)]) -> Result<(Client, Child), String> {
    let port = free_port();
    let mut driver = Command::new(tauri_driver())
        .args([
            "--port",
            &port.to_string(),
            "--native-port",
            &free_port().to_string(),
        ])
        .envs(env.iter().map(|(k, v)| (*k, v.as_os_str())))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            format!("tauri-driver must be installed (scripts/install-deps installs it): {e}")
        })?;
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() >= deadline {
            stop_driver(&mut driver);
            return Err("tauri-driver did not start".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), "wry".into());
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": env!("CARGO_BIN_EXE_cashier") }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let session = tokio::time::timeout(
        Duration::from_secs(60),
        ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}")),
    )
    .await;
    match session {
        Ok(Ok(client)) => Ok((client, driver)),
        Ok(Err(e)) => {
            stop_driver(&mut driver);
            Err(e.to_string())
        }
        Err(_) => {
            stop_driver(&mut driver);
            Err("the app's webview did not answer in time".into())
        }
    }
}

/// Decodes a QR code from a PNG with zbarimg.
pub fn decode_qr(png: &[u8]) -> String {
    let file = tempfile::Builder::new()
        .suffix(".png")
        .tempfile()
        .expect("temp png");
    std::fs::write(file.path(), png).expect("write png");
    let out = Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(file.path())
        .output()
        .expect("zbarimg (zbar-tools) must be installed");
    if !out.status.success() {
        let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-failures/undecodable-qr.png");
        let _ = std::fs::create_dir_all(keep.parent().expect("dir"));
        let _ = std::fs::write(&keep, png);
        panic!(
            "no QR code found in the screenshot (kept at {})",
            keep.display()
        );
    }
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
