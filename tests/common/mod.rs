//! Shared test harness: the project's own HipoPay sandbox on loopback, a real
//! SQLite file in a temp dir, and the real `cashier-cli` binary.
#![allow(dead_code, clippy::unwrap_used)]

pub mod books;

use cashier_core::hipopay::{ClientConfig, HipoPayClient, Signer};
use hipopay_sim::{SimConfig, SimHandle};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Stdio;

pub const AGENT_NO: &str = "TEST-AGENT";
pub const MERCHANT_NO: &str = "TEST-MERCHANT";
pub const MANAGER_PIN: &str = "9876";
pub const CASHIER_PIN: &str = "1234";

/// The sandbox misbehaves `times` times on `method path`.
#[allow(dead_code)] // not every test binary injects faults
pub fn fault(
    method: &str,
    path: &str,
    fault: hipopay_sim::Fault,
    times: u32,
) -> hipopay_sim::FaultRule {
    hipopay_sim::FaultRule {
        method: method.into(),
        path: path.into(),
        fault,
        times,
    }
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name)
}

pub fn agent_signer() -> Signer {
    Signer::from_pem_file(&fixture("agent_private_pkcs1.pem")).unwrap()
}

pub fn sim_config() -> SimConfig {
    let public = hipopay_sim::public_key_from_pem(
        &std::fs::read_to_string(fixture("agent_public.pem")).unwrap(),
    )
    .unwrap();
    SimConfig::new(AGENT_NO, MERCHANT_NO, public)
}

pub async fn start_sim(config: SimConfig) -> SimHandle {
    SimHandle::start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

pub fn client_for(sim: &SimHandle) -> HipoPayClient {
    HipoPayClient::new(
        ClientConfig::new(&sim.base_url(), AGENT_NO, MERCHANT_NO),
        agent_signer(),
    )
    .unwrap()
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
                fixture("agent_private_pkcs8.pem").display()
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

    pub fn command(&self, args: &[&str], env: &[(&str, &str)]) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_cashier-cli"));
        cmd.arg("--config")
            .arg(&self.config)
            .arg("--db")
            .arg(&self.db)
            .args(args);
        cmd.env_remove("CASHIER_PIN")
            .env_remove("CASHIER_MANAGER_PIN")
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

    /// Requests that could have moved money (charges and refunds).
    pub fn money_requests(&self) -> usize {
        self.sim
            .requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count()
    }
}
