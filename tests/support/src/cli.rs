//! The real `cashier-cli` binary, driven over a real SQLite file against a
//! sandbox on loopback.

use crate::{sim_config, start_sim, CASHIER_PIN, MANAGER_PIN};
use crate::{AGENT_NO, MERCHANT_NO};
use hipopay_sim::{SimConfig, SimHandle};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;

/// The `cashier-cli` binary of this build, brought up to date once per test
/// process. It is another crate's binary, which Cargo does not build for
/// these tests by itself: `cargo build` is asked for it with the profile the
/// running test was built with (a no-op when it is fresh).
pub fn cli_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        // <target>/<profile>/deps/<this test> -> <target>/<profile>/
        let exe = std::env::current_exe().unwrap();
        let profile_dir = exe.parent().and_then(Path::parent).unwrap().to_path_buf();
        let target_dir = profile_dir.parent().unwrap();
        let profile = profile_dir
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut build = std::process::Command::new(cargo);
        build
            .args([
                "build",
                "--quiet",
                "-p",
                "cashier-cli",
                "--bin",
                "cashier-cli",
            ])
            .arg("--target-dir")
            .arg(target_dir)
            .current_dir(env!("CARGO_MANIFEST_DIR"));
        match profile.as_str() {
            "debug" => {}
            "release" => {
                build.arg("--release");
            }
            other => {
                build.args(["--profile", other]);
            }
        }
        let status = build.status().unwrap();
        assert!(status.success(), "building cashier-cli failed");
        let bin = profile_dir.join(format!("cashier-cli{}", std::env::consts::EXE_SUFFIX));
        assert!(bin.exists(), "no cashier-cli at {}", bin.display());
        bin
    })
}

pub struct CliOutput {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl CliOutput {
    /// The one JSON object printed with --json.
    pub fn json(&self) -> Value {
        let lines: Vec<&str> = self
            .stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect();
        assert_eq!(
            lines.len(),
            1,
            "exactly one JSON line expected, got stdout={:?} stderr={:?}",
            self.stdout,
            self.stderr
        );
        serde_json::from_str(lines[0]).unwrap()
    }
}

/// A sandbox, a config pointing at it and a ledger file, for driving the CLI.
pub struct Counter {
    pub sim: SimHandle,
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
    pub db: PathBuf,
}

impl Counter {
    pub async fn start() -> Counter {
        Self::start_with(sim_config()).await
    }

    pub async fn start_with(config: SimConfig) -> Counter {
        let sim = start_sim(config).await;
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("cashier.toml");
        std::fs::write(
            &config,
            format!(
                "[hipopay]\nbase_url = \"{}\"\nagent_no = \"{AGENT_NO}\"\nmerchant_no = \"{MERCHANT_NO}\"\nprivate_key_file = \"{}\"\ntimeout_secs = 2\n\n[terminal]\ncurrency = \"HKD\"\npoll_interval_ms = 100\n",
                sim.base_url(),
                crate::fixture("agent_private_pkcs8.pem").display()
            ),
        )
        .unwrap();
        let db = dir.path().join("ledger.sqlite3");
        Counter {
            sim,
            dir,
            config,
            db,
        }
    }

    /// Another till of the same shop: its own folder, config and ledger,
    /// the same HipoPay merchant (the same sandbox).
    pub fn beside(other: &Counter) -> Counter {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("cashier.toml");
        std::fs::copy(&other.config, &config).unwrap();
        let db = dir.path().join("ledger.sqlite3");
        Counter {
            sim: other.sim.clone(),
            dir,
            config,
            db,
        }
    }

    /// Names this till in its config (`[terminal] counter`).
    pub fn name(&self, counter: &str) {
        let text = std::fs::read_to_string(&self.config).unwrap();
        let kept: String = text
            .lines()
            .filter(|l| !l.starts_with("counter = "))
            .map(|l| format!("{l}\n"))
            .collect();
        std::fs::write(
            &self.config,
            kept.replace(
                "[terminal]\n",
                &format!("[terminal]\ncounter = \"{counter}\"\n"),
            ),
        )
        .unwrap();
    }

    /// Gives this till central books (`[central]`): the URL in its config,
    /// the password in a file of its own (0600) the config names.
    pub fn join_central(&self, url: &str, password: &str) {
        use std::os::unix::fs::PermissionsExt;
        let pw = self.dir.path().join("central.password");
        std::fs::write(&pw, format!("{password}\n")).unwrap();
        std::fs::set_permissions(&pw, std::fs::Permissions::from_mode(0o600)).unwrap();
        let text = std::fs::read_to_string(&self.config).unwrap();
        let kept = match text.find("\n[central]") {
            Some(at) => text[..=at].to_string(),
            None => text,
        };
        std::fs::write(
            &self.config,
            format!(
                "{kept}\n[central]\nurl = \"{url}\"\npassword_file = \"{}\"\n",
                pw.display()
            ),
        )
        .unwrap();
    }

    pub fn command(&self, args: &[&str], env: &[(&str, &str)]) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(cli_bin());
        cmd.arg("--config")
            .arg(&self.config)
            .arg("--db")
            .arg(&self.db)
            .args(args);
        cmd.env_remove("CASHIER_PIN")
            .env_remove("CASHIER_MANAGER_PIN")
            .env_remove("CASHIER_CENTRAL_PASSWORD")
            .env_remove("CASHIER_CONFIG")
            .env_remove("CASHIER_DB");
        cmd.envs(env.iter().copied());
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        cmd
    }

    pub async fn cli(&self, args: &[&str], env: &[(&str, &str)]) -> CliOutput {
        let out = self.command(args, env).output().await.unwrap();
        CliOutput {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// A manager (Mei), a cashier (Bo) and Bo's shift open.
    pub async fn open_shift(&self) {
        let r = self
            .cli(
                &["staff", "add", "--name", "Mei", "--role", "manager"],
                &[("CASHIER_PIN", MANAGER_PIN)],
            )
            .await;
        assert_eq!(r.code, 0, "{}", r.stderr);
        let r = self
            .cli(
                &["staff", "add", "--name", "Bo", "--role", "cashier"],
                &[
                    ("CASHIER_PIN", CASHIER_PIN),
                    ("CASHIER_MANAGER_PIN", MANAGER_PIN),
                ],
            )
            .await;
        assert_eq!(r.code, 0, "{}", r.stderr);
        let r = self
            .cli(
                &["shift", "open", "--staff", "Bo"],
                &[("CASHIER_PIN", CASHIER_PIN)],
            )
            .await;
        assert_eq!(r.code, 0, "{}", r.stderr);
    }

    pub async fn pay(&self, amount: &str, code: &str, extra: &[&str]) -> CliOutput {
        let mut args = vec!["pay", "--amount", amount, "--code", code, "--json"];
        args.extend_from_slice(extra);
        self.cli(&args, &[]).await
    }

    /// Time passes for this counter's ledger (see [`crate::time_passes`]).
    pub fn time_passes(&self, by: std::time::Duration) {
        crate::time_passes(&self.db, by);
    }

    /// Requests that could have moved money (charges and refunds).
    pub fn money_requests(&self) -> usize {
        self.sim
            .requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count()
    }
}
