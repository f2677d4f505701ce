//! Running the real desktop app (or any Tauri binary) in its real webview:
//! a private Xvfb server, tauri-driver on fresh ports, and a WebDriver
//! session with the app in it. The end-to-end tests drive pages through this;
//! the app bench times and weighs the processes it starts.

use fantoccini::{Client, ClientBuilder};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// tauri-driver on PATH, else where `cargo install` put it.
pub fn tauri_driver() -> PathBuf {
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

/// A private X server for one app. Tests run side by side, and windows on a
/// shared screen with no window manager would cover one another: WebKit does
/// not paint a covered view, so a screenshot of it waits for a paint that
/// may never come. Killing it also ends an app a failed test left behind.
pub struct XServer {
    child: Child,
    /// Openbox on this screen, where one was asked for.
    window_manager: Option<Child>,
    pub display: String,
}

impl XServer {
    /// A 1280×800 screen with no window manager.
    pub fn start() -> XServer {
        XServer::start_sized("1280x800x24")
    }

    /// A `(width, height)` screen with a window manager (Openbox), for what
    /// only a window manager does: full screen, for one.
    pub fn start_managed((width, height): (u32, u32)) -> XServer {
        let mut x = XServer::start_sized(&format!("{width}x{height}x24"));
        let wm = Command::new("openbox")
            .args(["--sm-disable"])
            .env("DISPLAY", &x.display)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("openbox must be installed (scripts/install-deps installs it)");
        x.window_manager = Some(wm);
        // Openbox owns the screen once it has set _NET_SUPPORTING_WM_CHECK;
        // a window mapped before that would never be managed.
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let out = Command::new("xprop")
                .args(["-root", "_NET_SUPPORTING_WM_CHECK"])
                .env("DISPLAY", &x.display)
                .output()
                .expect("xprop must be installed (scripts/install-deps installs it)");
            if String::from_utf8_lossy(&out.stdout).contains("window id") {
                break;
            }
            assert!(Instant::now() < deadline, "openbox did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        x
    }

    fn start_sized(screen: &str) -> XServer {
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                screen,
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
            window_manager: None,
            display: format!(":{}", line.trim()),
        }
    }
}

impl Drop for XServer {
    fn drop(&mut self) {
        if let Some(wm) = &mut self.window_manager {
            let _ = wm.kill();
            let _ = wm.wait();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A running tauri-driver. Stopped with SIGTERM when dropped: SIGKILL would
/// orphan its WebKitWebDriver, which keeps the test's output open.
pub struct Driver {
    child: Child,
    pub port: u16,
}

impl Driver {
    /// Starts tauri-driver on fresh ports with `env` for the app it starts;
    /// returns once it accepts connections.
    pub fn start(env: &[(&str, PathBuf)]) -> Result<Driver, String> {
        let port = free_port();
        let child = Command::new(tauri_driver())
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
        let driver = Driver { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() >= deadline {
                return Err("tauri-driver did not start".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(driver)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A WebDriver session with `binary` started in it.
    pub async fn session(&self, binary: &Path) -> Result<Client, String> {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": binary }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match tokio::time::timeout(
            Duration::from_secs(60),
            ClientBuilder::new(connector)
                .capabilities(caps)
                .connect(&format!("http://127.0.0.1:{}", self.port)),
        )
        .await
        {
            Ok(Ok(client)) => Ok(client),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err("the app's webview did not answer within 60 s".into()),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A driver and a session with `binary` in it, trying again with fresh ports
/// when parallel tests race for them or WebKitWebDriver is slow to come up.
pub async fn launch(binary: &Path, env: &[(&str, PathBuf)]) -> (Client, Driver) {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let started = match Driver::start(env) {
            Ok(driver) => driver.session(binary).await.map(|client| (client, driver)),
            Err(e) => Err(e),
        };
        match started {
            Ok(both) => return both,
            Err(e) if attempt < 3 => eprintln!("WebDriver session attempt {attempt} failed: {e}"),
            Err(e) => panic!("no WebDriver session after {attempt} attempts: {e}"),
        }
    }
}

/// Decodes a QR code from a PNG with zbarimg; `keep_failures` is where an
/// undecodable picture is kept for a look.
pub fn decode_qr(png: &[u8], keep_failures: &Path) -> String {
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
        let keep = keep_failures.join("undecodable-qr.png");
        let _ = std::fs::create_dir_all(keep_failures);
        let _ = std::fs::write(&keep, png);
        panic!(
            "no QR code found in the screenshot (kept at {})",
            keep.display()
        );
    }
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
