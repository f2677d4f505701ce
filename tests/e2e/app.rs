//! The real `cashier` binary in its real webview (WebKitGTK through
//! tauri-driver and WebKitWebDriver), against the HipoPay sandbox on
//! loopback, with a real SQLite file, each app on its own Xvfb server
//! (process plumbing from `cashier_testkit::app`). Page helpers: `page.rs`.

use cashier_testkit::app::{launch, Driver, XServer};
use fantoccini::Client;
use hipopay_sim::{SimConfig, SimHandle};
use std::path::{Path, PathBuf};

pub const MANAGER: &str = "Mei";
pub const MANAGER_PIN: &str = "987654";
const AGENT_NO: &str = "E2E-AGENT";
const MERCHANT_NO: &str = "E2E-MERCHANT";

pub use cashier_testkit::fixture;

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
    /// Central books: this till's counter name, the PostgreSQL URL and
    /// the password (kept in a 0600 file the config names).
    pub central: Option<CentralBooks>,
    /// A `[printer]` section's body (a virtual printer).
    pub printer: Option<String>,
    /// `[ui] kiosk = true` in the config from the start.
    pub kiosk: bool,
    /// A larger screen (1600×1000) with a window manager (Openbox) on it,
    /// which full screen needs: without one, nothing acts on the request.
    pub window_manager: bool,
}

/// A shop's counter on central books, in Hong Kong (UTC+8, HipoPay's own
/// time zone: the shop's day and the statement's day are one).
pub struct CentralBooks {
    pub counter: &'static str,
    pub url: String,
    pub password: String,
}

pub struct App {
    pub client: Client,
    /// Dropped in this order: the driver (and the app with it), then its X
    /// server, the sandbox, and last the folder with the config and ledger.
    _driver: Driver,
    _x: XServer,
    pub sim: SimHandle,
    pub export_dir: PathBuf,
    pub config_file: PathBuf,
    pub db_file: PathBuf,
    /// The app's XDG_CONFIG_HOME (kiosk mode's autostart entry goes there).
    pub config_home: PathBuf,
    good_config: String,
    _workdir: tempfile::TempDir,
}

/// The screen of `Options::window_manager`: larger than the app's window
/// (1280×800), so full screen shows in the window's size.
pub const MANAGED_SCREEN: (u32, u32) = (1600, 1000);

pub fn sim_config() -> SimConfig {
    cashier_testkit::sim_config_for(AGENT_NO, MERCHANT_NO)
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
                 [terminal]\ncurrency = \"HKD\"\npoll_interval_ms = 200\n\n[scanner]\n{serial}\n[ui]\nlanguage = \"{}\"\ncustomer_display = {}\n{}",
                sim.base_url(),
                fixture(options.key_fixture.unwrap_or("agent_private_pkcs1.pem")).display(),
                options.language.unwrap_or("en"),
                options.customer_display,
                if options.kiosk { "kiosk = true\n" } else { "" },
        );
        let good_config = match &options.central {
            Some(central) => {
                use std::os::unix::fs::PermissionsExt;
                let pw = dir.path().join("central.password");
                std::fs::write(&pw, format!("{}\n", central.password)).expect("password file");
                std::fs::set_permissions(&pw, std::fs::Permissions::from_mode(0o600))
                    .expect("0600");
                format!(
                    "{}\n[central]\nurl = \"{}\"\npassword_file = \"{}\"\n",
                    good_config.replace(
                        "[terminal]\n",
                        &format!("[terminal]\ncounter = \"{}\"\n", central.counter)
                    ),
                    central.url,
                    pw.display()
                )
            }
            None => good_config,
        };
        let good_config = match &options.printer {
            Some(body) => format!("{good_config}\n[printer]\n{body}"),
            None => good_config,
        };
        let config_text = match options.break_config {
            Some(damage) => damage(&good_config),
            None => good_config.clone(),
        };
        std::fs::write(&config, config_text).expect("config");
        let db_file = dir.path().join("ledger.sqlite3");
        if let Some(bytes) = &options.ledger_bytes {
            std::fs::write(&db_file, bytes).expect("ledger bytes");
        }
        let config_home = dir.path().join("xdg-config");
        let x = if options.window_manager {
            XServer::start_managed(MANAGED_SCREEN)
        } else {
            XServer::start()
        };
        let mut env = vec![
            ("DISPLAY", PathBuf::from(&x.display)),
            ("XDG_CONFIG_HOME", config_home.clone()),
            ("CASHIER_CONFIG", config.clone()),
            ("CASHIER_DB", db_file.clone()),
            ("CASHIER_EXPORT_DIR", export_dir.clone()),
        ];
        if options.central.is_some() {
            env.push(("TZ", PathBuf::from("Asia/Hong_Kong")));
        }
        let (client, driver) = launch(Path::new(env!("CARGO_BIN_EXE_cashier")), &env).await;
        let app = App {
            client,
            sim,
            _workdir: dir,
            export_dir,
            config_file: config,
            db_file,
            config_home,
            good_config,
            _driver: driver,
            _x: x,
        };
        app.wait_visible("body").await;
        app
    }

    /// An installed app (`binary`, from the package) on a user's `home`, as
    /// a shop runs it: no config (demo mode), the OS's default places for
    /// the config and ledger. For the package check (scripts/package-check).
    pub async fn launch_installed(binary: &Path, home: &Path) -> App {
        let sim = SimHandle::start(sim_config(), "127.0.0.1:0".parse().expect("addr"))
            .await
            .expect("sandbox starts");
        let dir = tempfile::tempdir().expect("temp dir");
        let config_home = home.join(".config");
        let x = XServer::start();
        let env = vec![
            ("DISPLAY", PathBuf::from(&x.display)),
            ("HOME", home.to_path_buf()),
            ("XDG_CONFIG_HOME", config_home.clone()),
            ("XDG_DATA_HOME", home.join(".local/share")),
        ];
        let (client, driver) = launch(binary, &env).await;
        let app = App {
            client,
            sim,
            export_dir: dir.path().to_path_buf(),
            _workdir: dir,
            config_file: config_home.join("cashier/config.toml"),
            db_file: home.join(".local/share/cashier/cashier.sqlite3"),
            config_home,
            good_config: String::new(),
            _driver: driver,
            _x: x,
        };
        app.wait_visible("body").await;
        app
    }

    /// Writes the working config back (after `Options::break_config`).
    pub fn restore_config(&self) {
        std::fs::write(&self.config_file, &self.good_config).expect("config");
    }

    /// Ends the session; the driver, the app and its X server go with `self`.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
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

    /// Opens a screen from the menu as a cashier who had scrolled the last
    /// one down to its end, and checks it opens at its top (the screens
    /// share one scrolling area).
    pub async fn nav(&self, screen: &str) {
        const SCROLL_DOWN: &str = "const main = document.querySelector('main');
             main.scrollTop = main.scrollHeight;
             return document.body.dataset.screen";
        const SCROLLED: &str = "return document.querySelector('main').scrollTop";
        let from = self
            .client
            .execute(SCROLL_DOWN, vec![])
            .await
            .expect("the screen shown");
        self.click(&format!("[data-nav=\"{screen}\"]")).await;
        self.wait_visible(&format!("#screen-{screen}")).await;
        if from.as_str() != Some(screen) {
            let scrolled = self.client.execute(SCROLLED, vec![]).await.expect("main");
            assert_eq!(scrolled.as_f64(), Some(0.0), "{screen} opened scrolled");
        }
    }

    pub fn only_sim_order(&self) -> hipopay_sim::SimOrder {
        let orders = self.sim.orders();
        assert_eq!(orders.len(), 1, "{orders:?}");
        orders.into_iter().next().expect("one order")
    }

    /// The pause the till makes between wrong PIN tries passes at once (the
    /// ledger's record of the last wrong try is moved back).
    pub fn pause_passes(&self) {
        let conn = rusqlite::Connection::open(&self.db_file).expect("the ledger");
        conn.execute("UPDATE pin_failures SET last_failed_at = 0", [])
            .expect("moved back");
    }
}
