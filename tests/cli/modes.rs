//! Demo and live mode, the config, and `--help`: demo needs no config, a
//! named config must exist, and demo and live payments never share a shift.

use crate::common;
use crate::common::{Counter, MANAGER_PIN};
use crate::{s, WECHAT_OK};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread")]
async fn demo_mode_needs_no_config_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: Vec<&str>, env: Vec<(&str, &str)>| {
        let mut cmd = std::process::Command::new(common::cli_bin());
        // Nothing names a config and there is none at the default place.
        cmd.env_remove("CASHIER_CONFIG")
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .env("HOME", dir.path())
            .env("CASHIER_DB", dir.path().join("ledger.sqlite3"))
            .env_remove("CASHIER_PIN")
            .env_remove("CASHIER_MANAGER_PIN")
            .envs(env)
            .args(args)
            .stdin(std::process::Stdio::null());
        cmd.output().unwrap()
    };
    let out = run(
        vec!["staff", "add", "--name", "Mei", "--role", "manager"],
        vec![("CASHIER_PIN", MANAGER_PIN)],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("DEMO"));
    let out = run(
        vec!["shift", "open", "--staff", "Mei"],
        vec![("CASHIER_PIN", MANAGER_PIN)],
    );
    assert!(out.status.success());
    let out = run(
        vec!["pay", "--amount", "12.50", "--code", WECHAT_OK, "--json"],
        vec![],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let order: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s(&order, "status"), "PAID");
    // A later run (a new in-process sandbox) still knows the order.
    let out = run(
        vec!["refund", &order["id"].to_string(), "--json"],
        vec![("CASHIER_MANAGER_PIN", MANAGER_PIN)],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A config someone named but that is not there is an error, never a quiet
/// demo mode whose "PAID" would be the sandbox's word for a real customer.
#[tokio::test(flavor = "multi_thread")]
async fn a_named_config_that_is_missing_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let absent = dir.path().join("absent.toml");
    let db = dir.path().join("ledger.sqlite3");
    for how in ["--config", "CASHIER_CONFIG"] {
        let mut cmd = std::process::Command::new(common::cli_bin());
        cmd.env_remove("CASHIER_CONFIG")
            .env("CASHIER_DB", &db)
            .env("CASHIER_PIN", "1234")
            .stdin(std::process::Stdio::null());
        if how == "--config" {
            cmd.arg("--config").arg(&absent);
        } else {
            cmd.env("CASHIER_CONFIG", &absent);
        }
        let out = cmd
            .args([
                "staff", "add", "--name", "Mei", "--role", "manager", "--json",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{how}");
        let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(answer["kind"], "config", "{how}: {answer}");
        let error = answer["error"].as_str().unwrap();
        assert!(
            error.contains("absent.toml") && error.contains("does not exist"),
            "{error}"
        );
        assert!(!db.exists(), "{how}: nothing was written");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn help_documents_every_command() {
    let out = std::process::Command::new(common::cli_bin())
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for cmd in [
        "staff",
        "shift",
        "pay",
        "qr",
        "order",
        "reconcile",
        "refund",
        "--config",
        "--db",
        "--json",
        "Exit codes",
    ] {
        assert!(help.contains(cmd), "--help lacks {cmd}");
    }
}

/// The same ledger run in demo mode, then live: demo payments never reach
/// the live acquirer, and live payments never go into the demo shift.
#[tokio::test(flavor = "multi_thread")]
async fn demo_and_live_payments_never_share_a_shift_or_an_acquirer() {
    let c = Counter::start().await;
    let manager = [("CASHIER_MANAGER_PIN", MANAGER_PIN)];
    let mei = [("CASHIER_PIN", MANAGER_PIN)];
    let r = c
        .cli(
            &["staff", "add", "--name", "Mei", "--role", "manager"],
            &mei,
        )
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Demo mode on the same ledger: nothing names a config, none by default.
    let demo = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = std::process::Command::new(common::cli_bin());
        cmd.env_remove("CASHIER_CONFIG")
            .env_remove("CASHIER_PIN")
            .env_remove("CASHIER_MANAGER_PIN")
            .env("XDG_CONFIG_HOME", c.dir.path().join("no-config"))
            .env("HOME", c.dir.path())
            .arg("--db")
            .arg(&c.db)
            .args(args)
            .envs(env.iter().copied())
            .stdin(std::process::Stdio::null());
        let out = cmd.output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            serde_json::from_slice::<Value>(&out.stdout).unwrap_or(Value::Null),
        )
    };
    let (code, shift) = demo(&["shift", "open", "--staff", "Mei", "--json"], &mei);
    assert_eq!(code, 0, "{shift}");
    let (code, paid) = demo(
        &[
            "pay",
            "--amount",
            "8.00",
            "--code",
            "134567890123456201",
            "--json",
        ],
        &[],
    );
    assert_eq!((code, s(&paid, "mode").as_str()), (0, "demo"), "{paid}");
    let (code, pending) = demo(
        &[
            "pay",
            "--amount",
            "9.00",
            "--code",
            "134567890123456103",
            "--wait-secs",
            "0",
            "--json",
        ],
        &[],
    );
    assert_eq!(code, 3, "{pending}");

    // Live mode, the demo shift still open: no payment goes into it.
    let r = c.pay("10.00", "134567890123456202", &[]).await;
    assert_eq!(r.code, 1);
    assert_eq!(r.json()["kind"], "shift_mode", "{}", r.stdout);
    assert!(r.json()["error"].as_str().unwrap().contains("demo mode"));
    // Reconcile does not ask the live acquirer about a demo order, and a
    // demo order is not refunded through it.
    let r = c.cli(&["reconcile", "--json"], &[]).await;
    assert_eq!(r.json()["checked_orders"], 0, "{}", r.stdout);
    let r = c
        .cli(&["refund", &paid["id"].to_string(), "--json"], &manager)
        .await;
    assert_eq!(r.json()["kind"], "shift_mode", "{}", r.stdout);
    assert!(
        c.sim.requests().is_empty(),
        "the live acquirer heard nothing"
    );

    // Close the demo shift, open a live one: live payments go through, and
    // the demo shift's report says it was demo.
    let r = c.cli(&["shift", "close", "--json"], &mei).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["mode"], "demo");
    let r = c
        .cli(&["shift", "open", "--staff", "Mei", "--json"], &mei)
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = c.pay("10.00", "134567890123456202", &[]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["mode"], "live");
    let r = c.cli(&["shift", "report", "--json"], &[]).await;
    assert_eq!(r.json()["mode"], "live");
    assert_eq!(r.json()["paid_count"], 1, "the demo payments are not in it");
}
