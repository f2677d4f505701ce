//! What Cashier's cross-crate tests and benches share: the project's own
//! HipoPay sandbox on loopback, the real `cashier-cli` binary driven over a
//! real SQLite file, the check that the ledger agrees with the sandbox's
//! books, and the plumbing that runs the desktop app under Xvfb through
//! tauri-driver.
#![allow(clippy::unwrap_used)] // test support: a failure should stop the test loudly

pub mod app;
pub mod books;
mod cli;
pub mod escpos;
pub mod pg;
pub mod printer;

pub use cli::{cli_bin, CliOutput, Counter};

use cashier_core::hipopay::{ClientConfig, HipoPayClient, Signer};
use hipopay_sim::{SimConfig, SimHandle};
use std::path::{Path, PathBuf};

pub const AGENT_NO: &str = "TEST-AGENT";
pub const MERCHANT_NO: &str = "TEST-MERCHANT";
pub const MANAGER_PIN: &str = "987654";
pub const CASHIER_PIN: &str = "1234";

/// A file in `tests/fixtures/` (keys whose public halves the sandbox knows).
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures")
        .join(name)
}

/// The sandbox misbehaves `times` times on `method path`.
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

pub fn agent_signer() -> Signer {
    Signer::from_pem_file(&fixture("agent_private_pkcs1.pem")).unwrap()
}

/// A sandbox that knows the fixture agent's public key.
pub fn sim_config_for(agent_no: &str, merchant_no: &str) -> SimConfig {
    let public = hipopay_sim::public_key_from_pem(
        &std::fs::read_to_string(fixture("agent_public.pem")).unwrap(),
    )
    .unwrap();
    SimConfig::new(agent_no, merchant_no, public)
}

pub fn sim_config() -> SimConfig {
    sim_config_for(AGENT_NO, MERCHANT_NO)
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

/// Time passes for a ledger: every time its orders, charges and refunds
/// carry (made, sent, changed, next check, lease end) moves `by` into the
/// past, as if that long had gone by since. The CLI has no clock to set,
/// and a test does not sleep for minutes: the ledger file is where the next
/// process, or the next pass of an engine, reads the time from.
pub fn time_passes(db: &std::path::Path, by: std::time::Duration) {
    let ms = i64::try_from(by.as_millis()).unwrap();
    let db = rusqlite::Connection::open(db).unwrap();
    for sql in [
        "UPDATE orders SET created_at = created_at - ?1, updated_at = updated_at - ?1, \
         next_check_at = next_check_at - ?1, recheck_at = recheck_at - ?1",
        "UPDATE payment_attempts SET sent_at = sent_at - ?1, answered_at = answered_at - ?1",
        "UPDATE refunds SET created_at = created_at - ?1, updated_at = updated_at - ?1, \
         sent_at = sent_at - ?1, in_flight_until = in_flight_until - ?1",
    ] {
        db.execute(sql, [ms]).unwrap();
    }
}

/// HipoPay's rate applied by hand, for checking what the app wrote: HKD
/// `minor` (two decimals) at `rate` CNY per HKD, half up to the fen, as
/// "11.40". Whole-number arithmetic, written apart from the app's own.
pub fn cny_at_rate(minor: i64, rate: &str) -> String {
    let (int, frac) = rate.split_once('.').unwrap_or((rate, ""));
    let scaled: i128 = format!("{int}{frac}").parse().unwrap();
    let den = 10i128.pow(2 + u32::try_from(frac.len()).unwrap());
    let fen = (i128::from(minor) * scaled * 100 + den / 2) / den;
    format!("{}.{:02}", fen / 100, fen % 100)
}
