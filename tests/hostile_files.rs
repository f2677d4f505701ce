//! Hostile files and conditions, end to end through the real `cashier-cli`:
//! a damaged ledger, a read-only ledger, bad key files, a clock far off and
//! broken configs. Each must end in one clear error line (and the `--json`
//! `{error, kind}` object), and lose nothing: a damaged ledger is left byte
//! for byte as it was (the owner needs it for recovery), orders already in
//! the ledger are unchanged, and nothing is charged at the sandbox.
#![allow(clippy::unwrap_used)]

use cashier_testkit as common;

use common::{fixture, sim_config, CliOutput, Counter, CASHIER_PIN};
use rusqlite::{Connection, OpenFlags};
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// A distinctive line of the private key's body: it must never be printed.
fn key_body_line() -> String {
    let pem = std::fs::read_to_string(fixture("agent_private_pkcs8.pem")).unwrap();
    pem.lines().nth(3).unwrap().trim().to_string()
}

/// A self-signed certificate (public, made for this test): a common mix-up
/// with the private key when a merchant is handed several PEM files.
const CERTIFICATE: &str = "-----BEGIN CERTIFICATE-----
MIIBhDCCASmgAwIBAgIUPa4rNGPSaZUNxclRx8ZpLb6ttgUwCgYIKoZIzj0EAwIw
FzEVMBMGA1UEAwwMaGlwb3BheS10ZXN0MB4XDTI2MTEyMjA2MzgwOVoXDTM2MTEx
OTA2MzgwOVowFzEVMBMGA1UEAwwMaGlwb3BheS10ZXN0MFkwEwYHKoZIzj0CAQYI
KoZIzj0DAQcDQgAEXJAE5xrWvpfk1Gfv+5HnM/9D+4wLnOM6O782zKsw4rTbG4wJ
/LHYFVWU/t937GZhxQFL6Oqx/+LGAC1iDqnz0aNTMFEwHQYDVR0OBBYEFFhkvE4R
Xp6Gn1dHZ7yki8TlNNhDMB8GA1UdIwQYMBaAFFhkvE4RXp6Gn1dHZ7yki8TlNNhD
MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIhAILmG3V8e3UXizMs
IeB3yN4SVMHvhXRkf7hBU4MDlDSYAiEA8fwTr6h13mgpHlPyjas8IJMXyx/jLO2l
ka6vElwX3xM=
-----END CERTIFICATE-----
";

/// Deterministic garbage (no two runs differ, no RNG dependency).
fn garbage(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// What the ledger holds, read without writing: every order and refund.
fn snapshot(db: &Path) -> Vec<String> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut rows = Vec::new();
    for sql in [
        "SELECT id || '|' || merchant_order_no || '|' || status || '|' || amount_minor || '|' \
         || ifnull(payment_no, '') || '|' || ifnull(error, '') || '|' || updated_at FROM orders ORDER BY id",
        "SELECT id || '|' || outer_refund_no || '|' || status || '|' || amount_minor FROM refunds ORDER BY id",
        "SELECT count(*) FROM audit_log",
    ] {
        let mut stmt = conn.prepare(sql).unwrap();
        let found: Vec<String> = stmt
            .query_map([], |r| r.get::<_, rusqlite::types::Value>(0))
            .unwrap()
            .map(|v| format!("{:?}", v.unwrap()))
            .collect();
        rows.extend(found);
    }
    rows
}

/// A counter with staff, an open shift and two PAID orders in its ledger.
async fn counter_with_orders() -> Counter {
    counter_with_orders_on(sim_config()).await
}

async fn counter_with_orders_on(config: hipopay_sim::SimConfig) -> Counter {
    let c = Counter::start_with(config).await;
    c.open_shift().await;
    for (amount, code) in [
        ("12.50", "134567890123456001"),
        ("3.20", "284567890123456002"),
    ] {
        let r = c.pay(amount, code, &[]).await;
        assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
        assert_eq!(r.json()["status"], "PAID");
    }
    // The CLI checkpoints and removes the WAL on exit: the file is whole.
    assert!(!wal(&c.db).exists(), "the ledger was left with a WAL file");
    c
}

fn wal(db: &Path) -> PathBuf {
    PathBuf::from(format!("{}-wal", db.display()))
}

/// Requests that reached the sandbox (any kind) and charges it recorded.
fn sim_activity(c: &Counter) -> (usize, usize) {
    (c.sim.requests().len(), c.sim.orders().len())
}

/// The error contract: exit 1, one `error:` line on stderr, and with --json
/// exactly `{error, kind}` on stdout carrying the same words.
fn assert_refused(r: &CliOutput, kind: &str, words: &[&str]) -> String {
    assert_eq!(r.code, 1, "stdout={} stderr={}", r.stdout, r.stderr);
    let lines: Vec<&str> = r.stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one error line expected: {:?}", r.stderr);
    let line = lines[0];
    println!("refused as {kind}: {line}");
    assert!(line.starts_with("error: "), "{line}");
    for w in words {
        assert!(
            line.to_lowercase().contains(&w.to_lowercase()),
            "{w:?} not in {line:?}"
        );
    }
    if !r.stdout.trim().is_empty() {
        let j: Value = r.json();
        assert_eq!(j["kind"], kind, "{j}");
        let error = j["error"].as_str().unwrap();
        assert_eq!(format!("error: {error}"), line);
        assert_eq!(j.as_object().unwrap().len(), 3, "{j}");
        // Refused before anything was sent.
        assert_eq!(j["money_may_have_moved"], false, "{j}");
    }
    line.to_string()
}

/// Every command a cashier might run against the ledger: each must refuse.
async fn every_command(c: &Counter) -> Vec<CliOutput> {
    vec![
        c.pay("7.00", "134567890123456003", &[]).await,
        c.cli(&["order", "1", "--json"], &[]).await,
        c.cli(&["shift", "report", "--json"], &[]).await,
        c.cli(&["reconcile", "--json"], &[]).await,
        c.cli(
            &["shift", "open", "--staff", "Bo"],
            &[("CASHIER_PIN", CASHIER_PIN)],
        )
        .await,
    ]
}

// ------------------------------------------------------------ damaged ledger

async fn assert_damaged_ledger_is_refused_and_kept(c: &Counter, damaged: Vec<u8>) {
    std::fs::write(&c.db, &damaged).unwrap();
    let before = sim_activity(c);
    for r in every_command(c).await {
        let line = assert_refused(&r, "storage", &["ledger", &c.db.display().to_string()]);
        assert!(
            line.contains("damaged") || line.contains("not a Cashier ledger"),
            "{line}"
        );
        assert!(line.contains("left as it is"), "{line}");
    }
    assert_eq!(
        std::fs::read(&c.db).unwrap(),
        damaged,
        "the damaged ledger was changed"
    );
    assert_eq!(sim_activity(c), before, "HipoPay was called");
}

#[tokio::test]
async fn garbage_instead_of_a_ledger_is_refused_and_kept() {
    let c = counter_with_orders().await;
    assert_damaged_ledger_is_refused_and_kept(&c, garbage(12_288, 7)).await;
    // Short text, not even a database header.
    assert_damaged_ledger_is_refused_and_kept(&c, b"orders backup 2026\n".to_vec()).await;
}

#[tokio::test]
async fn a_truncated_ledger_is_refused_and_kept() {
    let c = counter_with_orders().await;
    let whole = std::fs::read(&c.db).unwrap();
    assert!(whole.len() >= 4 * 4096, "{} bytes", whole.len());
    assert_damaged_ledger_is_refused_and_kept(&c, whole[..whole.len() / 2].to_vec()).await;
    // Cut in the middle of a page, too.
    assert_damaged_ledger_is_refused_and_kept(&c, whole[..whole.len() / 2 + 1000].to_vec()).await;
}

#[tokio::test]
async fn a_ledger_with_an_overwritten_page_is_refused_and_kept() {
    let c = counter_with_orders().await;
    let (page_size, root): (i64, i64) = {
        let conn = Connection::open_with_flags(&c.db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let page_size = conn
            .pragma_query_value(None, "page_size", |r| r.get(0))
            .unwrap();
        let root = conn
            .query_row(
                "SELECT rootpage FROM sqlite_master WHERE name = 'orders'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        (page_size, root)
    };
    let mut bytes = std::fs::read(&c.db).unwrap();
    let start = ((root - 1) * page_size) as usize;
    let end = start + page_size as usize;
    bytes[start..end].copy_from_slice(&garbage(page_size as usize, 11));
    assert_damaged_ledger_is_refused_and_kept(&c, bytes).await;
}

#[tokio::test]
async fn someone_elses_database_is_not_turned_into_a_ledger() {
    // A typo in --db pointing at another program's SQLite file: Cashier must
    // not add its tables to it.
    let c = Counter::start().await;
    {
        let conn = Connection::open(&c.db).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = DELETE; CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('Mei');",
        )
        .unwrap();
    }
    let before = std::fs::read(&c.db).unwrap();
    let r = c
        .cli(
            &[
                "staff", "add", "--name", "Mei", "--role", "manager", "--json",
            ],
            &[("CASHIER_PIN", CASHIER_PIN)],
        )
        .await;
    let line = assert_refused(&r, "storage", &["not a Cashier ledger", "left as it is"]);
    assert!(line.contains(&c.db.display().to_string()), "{line}");
    assert_eq!(std::fs::read(&c.db).unwrap(), before);
}

// ------------------------------------------------------------ read-only ledger

/// Runs the CLI as an unprivileged user when the tests run as root (root
/// writes through any permission bit, so chmod alone would test nothing).
struct Unprivileged {
    uid: Option<u32>,
}

impl Unprivileged {
    fn new() -> Self {
        let root = euid() == 0;
        Unprivileged {
            uid: root.then_some(65534),
        }
    }

    /// Whether a file with these permission bits stops this user from writing:
    /// checked for real, so a test never passes on a chmod that did nothing.
    async fn cannot_write(&self, path: &Path) -> bool {
        let mut cmd = tokio::process::Command::new("sh");
        cmd.arg("-c")
            .arg(format!(": >> '{}'", path.display()))
            .stderr(std::process::Stdio::null());
        if let Some(uid) = self.uid {
            cmd.uid(uid).gid(uid);
        }
        !cmd.status().await.unwrap().success()
    }

    async fn cli(&self, c: &Counter, args: &[&str], env: &[(&str, &str)]) -> CliOutput {
        let mut cmd = c.command(args, env);
        if let Some(uid) = self.uid {
            cmd.uid(uid).gid(uid);
        }
        let out = cmd.output().await.unwrap();
        CliOutput {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Makes the config and a copy of the key readable by the other user.
    fn share(&self, c: &Counter) {
        if self.uid.is_none() {
            return;
        }
        let key = c.dir.path().join("agent.pem");
        std::fs::copy(fixture("agent_private_pkcs8.pem"), &key).unwrap();
        set_mode(&key, 0o644);
        point_config_at_key(c, &key);
        set_mode(&c.config, 0o644);
    }
}

/// The effective uid, from /proc (no libc call needed in the test).
fn euid() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|u| u.parse().ok())
        .unwrap_or(0)
}

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn point_config_at_key(c: &Counter, key: &Path) {
    let text = std::fs::read_to_string(&c.config).unwrap();
    let text: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with("private_key_file") {
                format!("private_key_file = {:?}", key.display().to_string())
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(&c.config, text.join("\n") + "\n").unwrap();
}

#[tokio::test]
async fn a_read_only_ledger_file_refuses_a_payment_before_any_charge() {
    let c = counter_with_orders().await;
    let user = Unprivileged::new();
    user.share(&c);
    set_mode(c.dir.path(), 0o777);
    set_mode(&c.db, 0o444);
    if !user.cannot_write(&c.db).await {
        println!("SKIPPED: a 0444 file is writable here (cannot drop privileges)");
        return;
    }
    let rows = snapshot(&c.db);
    let before = sim_activity(&c);
    let bytes = std::fs::read(&c.db).unwrap();
    let r = user
        .cli(
            &c,
            &[
                "pay",
                "--amount",
                "7.00",
                "--code",
                "134567890123456004",
                "--json",
            ],
            &[],
        )
        .await;
    assert_refused(
        &r,
        "storage",
        &["ledger", "read-only", &c.db.display().to_string()],
    );
    assert_eq!(sim_activity(&c), before, "HipoPay was called");
    assert_eq!(std::fs::read(&c.db).unwrap(), bytes);
    set_mode(&c.db, 0o644);
    assert_eq!(snapshot(&c.db), rows);
}

#[tokio::test]
async fn a_ledger_in_a_read_only_folder_refuses_a_payment_before_any_charge() {
    let c = counter_with_orders().await;
    let user = Unprivileged::new();
    user.share(&c);
    set_mode(&c.db, 0o666);
    set_mode(c.dir.path(), 0o555);
    let probe = c.dir.path().join("probe");
    if !user.cannot_write(&probe).await {
        set_mode(c.dir.path(), 0o755);
        println!("SKIPPED: a 0555 folder is writable here (cannot drop privileges)");
        return;
    }
    let before = sim_activity(&c);
    let r = user
        .cli(
            &c,
            &[
                "pay",
                "--amount",
                "7.00",
                "--code",
                "134567890123456005",
                "--json",
            ],
            &[],
        )
        .await;
    set_mode(c.dir.path(), 0o755);
    assert_refused(
        &r,
        "storage",
        &["ledger", "read-only", &c.dir.path().display().to_string()],
    );
    assert_eq!(sim_activity(&c), before, "HipoPay was called");
    let rows = snapshot(&c.db);
    assert_eq!(
        rows.iter().filter(|r| r.contains("PAID")).count(),
        2,
        "{rows:?}"
    );
    assert_eq!(rows.len(), 3, "{rows:?}");
}

// ------------------------------------------------------------ key files

async fn assert_key_refused(c: &Counter, user: &Unprivileged, key: &Path, words: &[&str]) {
    point_config_at_key(c, key);
    let rows = snapshot(&c.db);
    let before = sim_activity(c);
    let body = key_body_line();
    let r = user
        .cli(
            c,
            &[
                "pay",
                "--amount",
                "7.00",
                "--code",
                "134567890123456006",
                "--json",
            ],
            &[],
        )
        .await;
    let shown = key.display().to_string();
    let mut all = vec!["key file", shown.as_str()];
    all.extend_from_slice(words);
    assert_refused(&r, "config", &all);
    assert!(
        !r.stdout.contains(&body) && !r.stderr.contains(&body),
        "the private key was printed"
    );
    assert_eq!(sim_activity(c), before, "HipoPay was called");
    assert_eq!(snapshot(&c.db), rows);
}

#[tokio::test]
async fn bad_key_files_are_refused_clearly_without_showing_the_key() {
    let c = counter_with_orders().await;
    let direct = Unprivileged { uid: None };
    let dir = c.dir.path();
    let pem = std::fs::read_to_string(fixture("agent_private_pkcs8.pem")).unwrap();

    assert_key_refused(&c, &direct, &dir.join("missing.pem"), &["not found"]).await;

    let text = dir.join("notes.pem");
    std::fs::write(&text, "my HipoPay key is in the drawer\n").unwrap();
    assert_key_refused(&c, &direct, &text, &["not an RSA private key in PEM form"]).await;

    let public = dir.join("public.pem");
    std::fs::copy(fixture("agent_public.pem"), &public).unwrap();
    assert_key_refused(&c, &direct, &public, &["public key"]).await;

    let truncated = dir.join("truncated.pem");
    std::fs::write(&truncated, &pem[..pem.len() / 2]).unwrap();
    assert_key_refused(&c, &direct, &truncated, &["incomplete"]).await;

    let cut_body = dir.join("cut.pem");
    let lines: Vec<&str> = pem.lines().collect();
    let cut = [&lines[..lines.len() / 2], &lines[lines.len() - 1..]]
        .concat()
        .join("\n");
    std::fs::write(&cut_body, cut).unwrap();
    assert_key_refused(&c, &direct, &cut_body, &["incomplete"]).await;

    let certificate = dir.join("cert.pem");
    std::fs::write(&certificate, CERTIFICATE).unwrap();
    assert_key_refused(&c, &direct, &certificate, &["certificate"]).await;

    // The same key in binary DER form, and a device that never ends.
    let der = dir.join("agent.der");
    let der_bytes = {
        use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey};
        rsa::RsaPrivateKey::from_pkcs8_pem(&pem)
            .unwrap()
            .to_pkcs8_der()
            .unwrap()
    };
    std::fs::write(&der, der_bytes.as_bytes()).unwrap();
    assert_key_refused(&c, &direct, &der, &["not text", "PEM"]).await;
    assert_key_refused(&c, &direct, Path::new("/dev/zero"), &["too large"]).await;
}

#[tokio::test]
async fn an_unreadable_key_file_is_refused_clearly() {
    let c = counter_with_orders().await;
    let user = Unprivileged::new();
    user.share(&c);
    set_mode(c.dir.path(), 0o755);
    set_mode(&c.db, 0o666);
    let key = c.dir.path().join("locked.pem");
    std::fs::copy(fixture("agent_private_pkcs8.pem"), &key).unwrap();
    set_mode(&key, 0o000);
    let readable = {
        let mut cmd = tokio::process::Command::new("cat");
        cmd.arg(&key)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        if let Some(uid) = user.uid {
            cmd.uid(uid).gid(uid);
        }
        cmd.status().await.unwrap().success()
    };
    if readable {
        println!("SKIPPED: a 000 file is readable here (cannot drop privileges)");
        return;
    }
    assert_key_refused(&c, &user, &key, &["permission denied"]).await;
}

// ------------------------------------------------------------ clock

#[tokio::test]
async fn a_clock_far_off_fails_the_payment_clearly_and_charges_nothing() {
    // The earlier orders were taken while the clock was right.
    let c = counter_with_orders().await;
    let rows = snapshot(&c.db);
    let before = sim_activity(&c);
    // Now the terminal's clock is an hour off: HipoPay answers 411.
    let mut skewed = sim_config();
    skewed.clock_offset_secs = 3600;
    let off = common::start_sim(skewed).await;
    let text = std::fs::read_to_string(&c.config).unwrap();
    let text = text.replace(&c.sim.base_url(), &off.base_url());
    std::fs::write(&c.config, text).unwrap();
    // Another host keeps other books: the shift is closed and a new one opened.
    let bo = [("CASHIER_PIN", CASHIER_PIN)];
    let mixed = c.pay("7.00", "134567890123456007", &[]).await;
    let new_host = off.local_addr().to_string();
    assert_refused(
        &mixed,
        "shift_mode",
        &["close it and open a new shift", &new_host],
    );
    assert_eq!(c.cli(&["shift", "close"], &bo).await.code, 0);
    assert_eq!(
        c.cli(&["shift", "open", "--staff", "Bo"], &bo).await.code,
        0
    );

    let r = c.pay("7.00", "134567890123456007", &[]).await;
    // Refused before any charge, like a bad signature: exit 1, kind "clock".
    let line = assert_refused(&r, "clock", &["clock", "411", "set the correct time"]);
    assert!(!line.contains("declined"), "{line}");
    assert!(
        off.requests().iter().all(|r| r.status == Some(411)),
        "{:?}",
        off.requests()
    );
    assert!(
        off.orders().is_empty(),
        "the skewed sandbox recorded a charge"
    );
    assert_eq!(sim_activity(&c), before, "the first sandbox was called");
    // Nothing else in the ledger changed; the new order is FAILED.
    let after = snapshot(&c.db);
    assert_eq!(after[..2], rows[..2], "earlier orders changed");
    assert_eq!(after.len(), rows.len() + 1, "{after:?}");
    assert!(
        after[2].contains("|FAILED|") && after[2].contains("clock"),
        "{after:?}"
    );
    // The order reads FAILED with the reason, and asking again charges nothing.
    let shown = c.cli(&["order", "3", "--json"], &[]).await;
    assert_eq!(shown.code, 2, "{}", shown.stderr);
    let order = shown.json();
    assert_eq!(order["status"], "FAILED", "{order}");
    assert!(order["error"].as_str().unwrap().contains("411"), "{order}");
    assert!(off.orders().is_empty());
}

// ------------------------------------------------------------ config

#[tokio::test]
async fn broken_configs_name_the_file_and_the_problem() {
    let c = counter_with_orders().await;
    let good = std::fs::read_to_string(&c.config).unwrap();
    let shown = c.config.display().to_string();
    let cases: Vec<(String, Vec<&str>)> = vec![
        (
            good.replace("[terminal]", "[terminal"),
            vec!["line", "terminal"],
        ),
        (
            good.replace("currency = ", "curency = "),
            vec!["unknown field", "curency"],
        ),
        (
            good.replace("base_url = \"http://", "base_url = \"ftp://"),
            vec!["hipopay.base_url", "https://"],
        ),
        (
            good.replace("base_url = \"http://", "base_url = \"http://exa mple/"),
            vec!["hipopay.base_url"],
        ),
        (
            good.replace("timeout_secs = 2", "timeout_secs = -2"),
            vec!["timeout_secs"],
        ),
        (
            good.replace("poll_interval_ms = 100", "poll_interval_ms = -100"),
            vec!["poll_interval_ms"],
        ),
        ("\u{0}\u{1}garbage\n".to_string(), vec!["line 1"]),
    ];
    for (text, words) in cases {
        std::fs::write(&c.config, &text).unwrap();
        let rows = snapshot(&c.db);
        let before = sim_activity(&c);
        let r = c.pay("7.00", "134567890123456008", &[]).await;
        let mut all = vec!["config", shown.as_str()];
        all.extend(words);
        assert_refused(&r, "config", &all);
        assert_eq!(sim_activity(&c), before, "HipoPay was called");
        assert_eq!(snapshot(&c.db), rows);
    }
    // Bytes that are not text at all.
    std::fs::write(&c.config, garbage(300, 3)).unwrap();
    let r = c.pay("7.00", "134567890123456009", &[]).await;
    assert_refused(&r, "config", &[shown.as_str(), "not a text file"]);
}
