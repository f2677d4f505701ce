//! The app as a shop installs it: the `.deb` from the Tauri bundler,
//! installed with apt. These tests need that package on the machine, so
//! they are ignored in the plain e2e run; scripts/package-check builds the
//! previous and the current package, installs them one after the other and
//! runs these against `/usr/bin/cashier` on one fresh home folder:
//!
//! 1. `installed_app_starts_on_first_run_and_takes_a_payment` (the previous
//!    version: first run, a shift, a demo payment);
//! 2. `installed_upgrade_keeps_the_payment` (the current version, installed
//!    over it: the ledger migrates and the payment is there).
//!
//! `CASHIER_INSTALLED_APP` names the installed program, `CASHIER_INSTALLED_HOME`
//! the home folder both runs share.

use crate::app::App;
use std::path::PathBuf;

/// The amount of the payment the previous version takes.
const AMOUNT: &str = "37";

fn installed() -> (PathBuf, PathBuf) {
    let var = |name: &str| {
        PathBuf::from(std::env::var_os(name).unwrap_or_else(|| {
            panic!("{name} must be set: run scripts/package-check, which installs the package")
        }))
    };
    (var("CASHIER_INSTALLED_APP"), var("CASHIER_INSTALLED_HOME"))
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the .deb installed: scripts/package-check"]
async fn installed_app_starts_on_first_run_and_takes_a_payment() {
    let (binary, home) = installed();
    let app = App::launch_installed(&binary, &home).await;
    // A fresh home: the first-run screen, in demo mode.
    app.wait_visible("#screen-first-run").await;
    app.wait_visible("#demo-banner").await;
    app.first_run_and_open_shift().await;
    app.keypad(AMOUNT).await;
    app.scanner_burst("134567890123456789").await;
    app.wait_attr("#result", "data-status", "PAID", 30).await;
    app.close().await;
    assert!(
        app_ledger(&home).is_file(),
        "the ledger in the user's data folder"
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the .deb installed: scripts/package-check"]
async fn installed_upgrade_keeps_the_payment() {
    let (binary, home) = installed();
    assert!(
        app_ledger(&home).is_file(),
        "run the first step before the upgrade"
    );
    let app = App::launch_installed(&binary, &home).await;
    // The shift is still open: the sale screen, no first run, no "cannot start".
    app.wait_visible("#screen-sale").await;
    app.nav("orders").await;
    app.wait_visible(".order-row").await;
    assert_eq!(
        app.text(".order-row .col-amount").await.trim(),
        format!("HKD {AMOUNT}.00")
    );
    assert_eq!(app.text(".order-row .col-status").await.trim(), "Paid");
    app.close().await;
}

fn app_ledger(home: &std::path::Path) -> PathBuf {
    home.join(".local/share/cashier/cashier.sqlite3")
}
