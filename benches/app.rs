//! The desktop app's targets from PRODUCT.md, measured on the real binary in
//! its real webview, each beside an empty Tauri window (`benches/empty-window`)
//! measured in the same run by the same method:
//! - cold start to a usable sale screen (< 1 s);
//! - idle memory of the whole app, webview processes included, as PSS
//!   (within 40 MB of the empty window).
//!
//! Needs X and the empty window built with the same profile; `scripts/bench`
//! does both:
//!   cargo build --profile bench -p cashier -p empty-window --bench app --bin empty-window
//!   xvfb-run -a -s "-screen 0 1280x800x24" cargo bench -p cashier --bench app
//!
//! Method, the same for both binaries, alternating runs (5 each, or
//! `$CASHIER_BENCH_APP_RUNS`): a fresh tauri-driver starts the binary through
//! WebKitWebDriver. Start-up is the time from the process's own start (its
//! `starttime` in /proc, 10 ms resolution) to the moment a script run through
//! WebDriver, polled back to back, first sees the ready element laid out:
//! `#screen-sale.active` for the app (its ledger is seeded with a manager and
//! an open shift, so it opens on the sale screen), `#ready` for the empty
//! window. Polling makes it an upper bound by one round trip (a few ms).
//! Also reported: process start to DOMContentLoaded (from the page's own
//! clock), and asking WebDriver for a session to ready (what earlier runs of
//! this bench reported: it includes WebKitWebDriver's own start). The page
//! cache is warm (no root to drop it), so "cold" means a fresh process.
//!
//! Memory: after the ready element is seen, both sit idle for 10 s; then PSS
//! (`Pss:` of /proc/PID/smaps_rollup) is summed over the binary's process and
//! all its descendants (WebKitWebProcess, WebKitNetworkProcess).
//!
//! The app turns WebKitGTK's accelerated compositing off (main.rs); the empty
//! window keeps Tauri's default. For context, two more variants run 3 times
//! each (`$CASHIER_BENCH_APP_EXTRA_RUNS`): the empty window with compositing
//! off (like for like) and the app with it on (what it would cost).
#![allow(clippy::unwrap_used)] // bench code: a failure should stop it loudly

#[path = "common/mod.rs"]
mod common;

use cashier_core::ledger::{Ledger, Role};
use cashier_testkit::app::Driver;
use cashier_testkit::{fixture, sim_config_for};
use common::{fmt_dur, ms, record, stats, Table, Target};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const IDLE: Duration = Duration::from_secs(10);
/// The app turns WebKitGTK's accelerated compositing off unless this is set
/// (src-tauri/app/main.rs); the empty window keeps Tauri's default (on).
const COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
/// The empty window's PSS plus this is the app's budget (PRODUCT.md).
const PSS_MARGIN_KB: u64 = 40 * 1024;

/// A script that answers whether `sel` is laid out and visible, the page's
/// clock now, and its DOMContentLoaded time on that clock (0 if not yet).
fn ready_script(sel: &str) -> String {
    format!(
        "const e = document.querySelector({sel:?});
         const r = e ? e.getBoundingClientRect() : null;
         const ok = !!e && r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';
         return [ok, Date.now(), performance.timing.domContentLoadedEventEnd];"
    )
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    App,
    Empty,
}

struct Run {
    /// Process start to the ready element seen.
    start: Duration,
    /// Process start to DOMContentLoaded.
    dom_ready: Option<Duration>,
    /// WebDriver session asked for to the ready element seen.
    via_driver: Duration,
    pss_kb: u64,
    /// (process name, PSS kB) for every process summed.
    processes: Vec<(String, u64)>,
}

/// One process from /proc/PID/stat: (name, parent, start in clock ticks since boot).
fn proc_stat(pid: u32) -> Option<(String, u32, u64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let name = text[open + 1..close].to_string();
    let fields: Vec<&str> = text[close + 1..].split_whitespace().collect();
    // fields[0] is field 3 (state): ppid is field 4, starttime field 22.
    Some((
        name,
        fields.get(1)?.parse().ok()?,
        fields.get(19)?.parse().ok()?,
    ))
}

/// `root` and all its descendants, from a scan of /proc.
fn process_tree(root: u32) -> Vec<u32> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        if let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) {
            if let Some((_, ppid, _)) = proc_stat(pid) {
                children.entry(ppid).or_default().push(pid);
            }
        }
    }
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(pid) = stack.pop() {
        out.push(pid);
        stack.extend(children.get(&pid).into_iter().flatten());
    }
    out
}

fn pss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("Pss:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// The process running `binary` under tauri-driver `driver`.
fn find_binary(driver: u32, binary: &Path) -> Option<u32> {
    process_tree(driver).into_iter().find(|pid| {
        std::fs::read_link(format!("/proc/{pid}/exe"))
            .ok()
            .as_deref()
            == Some(binary)
    })
}

/// Seconds since boot, on the clock /proc's `starttime` counts.
fn uptime() -> f64 {
    std::fs::read_to_string("/proc/uptime")
        .ok()
        .and_then(|t| t.split_whitespace().next()?.parse().ok())
        .unwrap()
}

fn clock_ticks() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

/// A config pointing at the bench's sandbox and a ledger with a manager and
/// an open shift, so the app opens on the sale screen.
fn seed_app(dir: &Path, sim: &hipopay_sim::SimHandle) -> Vec<(&'static str, PathBuf)> {
    let config = dir.join("cashier.toml");
    std::fs::write(
        &config,
        format!(
            "[hipopay]\nbase_url = \"{}\"\nagent_no = \"E2E-AGENT\"\nmerchant_no = \"E2E-MERCHANT\"\nprivate_key_file = \"{}\"\n\n\
             [terminal]\ncurrency = \"HKD\"\n\n[ui]\nlanguage = \"en\"\n",
            sim.base_url(),
            fixture("agent_private_pkcs1.pem").display(),
        ),
    )
    .unwrap();
    let db = dir.join("ledger.sqlite3");
    let ledger = Ledger::open(&db).unwrap();
    let manager = ledger
        .add_staff("Mei", Role::Manager, "987654", None)
        .unwrap();
    ledger.open_shift(manager.id).unwrap();
    drop(ledger);
    vec![
        ("CASHIER_CONFIG", config),
        ("CASHIER_DB", db),
        ("CASHIER_EXPORT_DIR", dir.to_path_buf()),
    ]
}

async fn run_once(
    kind: Kind,
    binary: &Path,
    compositing: Option<&str>,
    sim: &hipopay_sim::SimHandle,
    ticks: f64,
) -> Result<Run, String> {
    let dir = tempfile::tempdir().unwrap();
    let (mut env, ready) = match kind {
        Kind::App => (seed_app(dir.path(), sim), "#screen-sale.active"),
        Kind::Empty => (Vec::new(), "#ready"),
    };
    if let Some(value) = compositing {
        env.push((COMPOSITING, PathBuf::from(value)));
    }
    let driver = Driver::start(&env)?;
    let result = measure_session(&driver, binary, ready, ticks).await;
    drop(driver);
    // Let the last run's processes go before the next one starts.
    tokio::time::sleep(Duration::from_secs(1)).await;
    result
}

async fn measure_session(
    driver: &Driver,
    binary: &Path,
    ready: &str,
    ticks: f64,
) -> Result<Run, String> {
    let asked = Instant::now();
    let client = driver.session(binary).await?;
    let outcome = async {
        let pid = find_binary(driver.pid(), binary)
            .ok_or_else(|| format!("{} is not running", binary.display()))?;
        let (_, _, started_ticks) = proc_stat(pid).ok_or("no /proc entry")?;
        let script = ready_script(ready);
        let deadline = Instant::now() + Duration::from_secs(30);
        let (page_now, dcl) = loop {
            // Navigation may still be under way: errors mean "not yet".
            if let Ok(value) = client.execute(&script, vec![]).await {
                if value[0].as_bool() == Some(true) {
                    break (value[1].as_f64(), value[2].as_f64());
                }
            }
            if Instant::now() >= deadline {
                return Err(format!("{ready} never became visible"));
            }
        };
        let now = uptime();
        let via_driver = asked.elapsed();
        let start = Duration::from_secs_f64((now - started_ticks as f64 / ticks).max(0.0));
        // DOMContentLoaded was (page_now - dcl) ms before the ready check.
        let dom_ready = match (page_now, dcl) {
            (Some(now_ms), Some(dcl_ms)) if dcl_ms > 0.0 => {
                start.checked_sub(Duration::from_secs_f64((now_ms - dcl_ms).max(0.0) / 1000.0))
            }
            _ => None,
        };
        tokio::time::sleep(IDLE).await;
        let mut processes = Vec::new();
        for p in process_tree(pid) {
            let name = proc_stat(p).map(|s| s.0).unwrap_or_default();
            processes.push((name, pss_kb(p)));
        }
        let pss_kb = processes.iter().map(|p| p.1).sum();
        Ok(Run {
            start,
            dom_ready,
            via_driver,
            pss_kb,
            processes,
        })
    }
    .await;
    let _ = client.close().await;
    outcome
}

fn median(mut v: Vec<u64>) -> u64 {
    v.sort_unstable();
    v[(v.len() - 1) / 2]
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

#[tokio::main]
async fn main() {
    if std::env::var_os("DISPLAY").is_none() {
        eprintln!("app bench: no display; run it under xvfb-run (scripts/bench does)");
        return;
    }
    let app = std::fs::canonicalize(env!("CARGO_BIN_EXE_cashier")).unwrap();
    // Built by the same `cargo build --profile bench` into the same folder.
    let empty = app.with_file_name("empty-window");
    if !empty.exists() {
        eprintln!(
            "app bench: {} is missing; build it first:\n  cargo build --profile bench -p cashier -p empty-window --bench app --bin empty-window",
            empty.display()
        );
        std::process::exit(1);
    }
    let empty = std::fs::canonicalize(empty).unwrap();
    let count = |var: &str, default: usize| -> usize {
        std::env::var(var)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let runs = count("CASHIER_BENCH_APP_RUNS", 5).max(1);
    let extra_runs = count("CASHIER_BENCH_APP_EXTRA_RUNS", 3);
    // The two the targets compare, each as shipped, then two for context:
    // both with compositing off (like for like), and the app with it on.
    let variants = [
        ("empty", Kind::Empty, &empty, None, runs),
        ("app", Kind::App, &app, None, runs),
        ("empty_nocomp", Kind::Empty, &empty, Some("1"), extra_runs),
        ("app_comp", Kind::App, &app, Some("0"), extra_runs),
    ];
    let sim = hipopay_sim::SimHandle::start(
        sim_config_for("E2E-AGENT", "E2E-MERCHANT"),
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let ticks = clock_ticks();

    let mut results: HashMap<&str, Vec<Run>> = HashMap::new();
    // Round robin, so drift in the machine's load hits all alike.
    let schedule = (0..runs).flat_map(|round| {
        variants
            .iter()
            .filter(move |v| round < v.4)
            .map(move |v| (round, v))
    });
    for (round, &(name, kind, binary, compositing, _)) in schedule {
        let mut attempt = 0;
        let run = loop {
            attempt += 1;
            match run_once(kind, binary, compositing, &sim, ticks).await {
                Ok(run) => break run,
                Err(e) if attempt < 3 => eprintln!("{name}: attempt {attempt} failed: {e}"),
                Err(e) => panic!("{name}: no run after {attempt} attempts: {e}"),
            }
        };
        println!(
            "  {name:<12} run {}: ready {}, DOMContentLoaded {}, via WebDriver {}, idle PSS {:.1} MB ({})",
            round + 1,
            fmt_dur(run.start),
            run.dom_ready.map(fmt_dur).unwrap_or_else(|| "?".into()),
            fmt_dur(run.via_driver),
            mb(run.pss_kb),
            run.processes
                .iter()
                .map(|(n, kb)| format!("{n} {:.1}", mb(*kb)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        results.entry(name).or_default().push(run);
    }
    sim.shutdown();

    let mut table =
        Table::new("app vs empty Tauri window: process start -> ready (same method, same run)");
    let app_runs = &results["app"];
    let empty_runs = &results["empty"];
    let starts = |runs: &[Run]| stats(runs.iter().map(|r| r.start).collect());
    let s = starts(empty_runs);
    table.keyed(
        "empty.start",
        "empty window: process start -> #ready visible",
        &s,
        Target::Info("baseline"),
    );
    let empty_start = s.p50;
    let s = starts(app_runs);
    table.keyed(
        "app.start",
        "app: process start -> sale screen visible (median < 1 s)",
        &s,
        Target::MedianUnder(ms(1_000)),
    );
    println!(
        "{:<64} {:>41}   info",
        "  app minus empty window (medians)",
        fmt_dur(s.p50.saturating_sub(empty_start))
    );
    for (key, name, runs) in [
        (
            "empty.dom_ready",
            "  empty window: process start -> DOMContentLoaded",
            empty_runs,
        ),
        (
            "app.dom_ready",
            "  app: process start -> DOMContentLoaded",
            app_runs,
        ),
    ] {
        let samples: Vec<Duration> = runs.iter().filter_map(|r| r.dom_ready).collect();
        if !samples.is_empty() {
            table.keyed(key, name, &stats(samples), Target::Info("info"));
        }
    }
    for (key, name, runs) in [
        (
            "empty.via_driver",
            "  empty window: session asked -> ready (incl. WebDriver)",
            empty_runs,
        ),
        (
            "app.via_driver",
            "  app: session asked -> ready (incl. WebDriver)",
            app_runs,
        ),
    ] {
        let s = stats(runs.iter().map(|r| r.via_driver).collect());
        table.keyed(key, name, &s, Target::Info("info"));
    }
    for (key, name, variant) in [
        (
            "empty_nocomp.start",
            "  empty window, compositing off: process start -> ready",
            "empty_nocomp",
        ),
        (
            "app_comp.start",
            "  app, compositing on: process start -> ready",
            "app_comp",
        ),
    ] {
        if let Some(runs) = results.get(variant).filter(|r| !r.is_empty()) {
            table.keyed(key, name, &starts(runs), Target::Info("context"));
        }
    }
    table.summary();

    // Memory: medians of the runs, the app against the empty window + 40 MB.
    let empty_pss = median(empty_runs.iter().map(|r| r.pss_kb).collect());
    let app_pss = median(app_runs.iter().map(|r| r.pss_kb).collect());
    let over = app_pss.saturating_sub(empty_pss);
    let ok = over <= PSS_MARGIN_KB;
    println!();
    println!(
        "== idle PSS after {} s, process and its descendants, median of the runs",
        IDLE.as_secs()
    );
    for (variant, name) in [
        ("empty", "empty window"),
        ("app", "app"),
        ("empty_nocomp", "empty window, compositing off"),
        ("app_comp", "app, compositing on"),
    ] {
        let Some(runs) = results.get(variant).filter(|r| !r.is_empty()) else {
            continue;
        };
        let pss: Vec<u64> = runs.iter().map(|r| r.pss_kb).collect();
        let mut by_name: HashMap<&str, Vec<u64>> = HashMap::new();
        for run in runs.iter() {
            for (n, kb) in &run.processes {
                by_name.entry(n.as_str()).or_default().push(*kb);
            }
        }
        let mut parts: Vec<String> = by_name
            .into_iter()
            .map(|(n, v)| format!("{n} {:.1}", mb(median(v))))
            .collect();
        parts.sort();
        println!(
            "{name:<30} median {:>7.1} MB  min {:>7.1}  max {:>7.1}   ({})",
            mb(median(pss.clone())),
            mb(*pss.iter().min().unwrap()),
            mb(*pss.iter().max().unwrap()),
            parts.join(", ")
        );
        record(&serde_json::json!({
            "key": format!("{variant}.pss"),
            "name": format!("{name}: idle PSS"),
            "runs": pss.len(),
            "median_kb": median(pss.clone()),
            "min_kb": pss.iter().min(),
            "max_kb": pss.iter().max(),
            "samples_kb": pss,
            "processes": parts,
        }));
    }
    println!(
        "app - empty window: {:+.1} MB   target <= +{} MB: {}",
        mb(app_pss) - mb(empty_pss),
        PSS_MARGIN_KB / 1024,
        if ok { "ok" } else { "OVER" }
    );
    record(&serde_json::json!({
        "key": "app.pss_over_empty",
        "name": "app idle PSS minus empty window's",
        "app_kb": app_pss,
        "empty_kb": empty_pss,
        "delta_kb": app_pss as i64 - empty_pss as i64,
        "limit_kb": PSS_MARGIN_KB,
        "ok": ok,
    }));
}
