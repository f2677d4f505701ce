//! Shared by the harness-less benches (no criterion, to keep compile time
//! down): time a closure with `Instant`, summarise the samples, and print one
//! table row with the PRODUCT.md target beside it.
//!
//! Benches print numbers; they never assert on speed. A missed target shows
//! as "over" in the table and in the summary line, and the exit code stays 0.
//!
//! Every row is also appended as one JSON object to
//! `target/bench-results/<bench>.jsonl` (or `$CASHIER_BENCH_RESULTS/<bench>.jsonl`),
//! which `scripts/bench-report.py` turns into `benches/RESULTS.md`. Rows the
//! report looks for carry a stable `key` ([`Table::keyed`]).

// Each bench binary compiles its own copy and uses only part of it.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub struct Stats {
    pub iters: usize,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
    pub mean: Duration,
}

/// Runs `f` `warmup` times untimed (caches, lazy statics, branch predictors),
/// then `iters` times timed, one sample per call.
pub fn measure<T>(warmup: usize, iters: usize, mut f: impl FnMut() -> T) -> Stats {
    for _ in 0..warmup {
        std::hint::black_box(f());
    }
    let mut samples = Vec::with_capacity(iters);
    for _ in 0..iters {
        let start = Instant::now();
        let out = std::hint::black_box(f());
        samples.push(start.elapsed());
        // Dropping the result (a PNG, a CSV buffer) is outside the sample.
        drop(out);
    }
    stats(samples)
}

/// Nearest-rank percentiles: p99 of 100 samples is the 99th smallest, so a
/// single outlier shows in `max` but not in p99.
pub fn stats(mut samples: Vec<Duration>) -> Stats {
    assert!(!samples.is_empty(), "a bench needs at least one sample");
    samples.sort_unstable();
    let n = samples.len();
    let rank = |p: usize| samples[((p * n).div_ceil(100)).clamp(1, n) - 1];
    let total: Duration = samples.iter().sum();
    Stats {
        iters: n,
        p50: rank(50),
        p99: rank(99),
        max: samples[n - 1],
        mean: total / u32::try_from(n).unwrap_or(u32::MAX),
    }
}

/// What PRODUCT.md asks of a row, or `Info` for a row that only explains another.
#[derive(Clone, Copy)]
pub enum Target {
    P99Under(Duration),
    MaxUnder(Duration),
    /// For a handful of whole-process samples (app start-up).
    MedianUnder(Duration),
    Info(&'static str),
}

pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

pub fn fmt_dur(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 1e-5 {
        format!("{:.2} µs", s * 1e6)
    } else if s < 1.0 {
        format!("{:.3} ms", s * 1e3)
    } else {
        format!("{s:.3} s")
    }
}

/// Prints rows as they are measured and remembers the ones over target.
pub struct Table {
    over: Vec<String>,
    checked: usize,
}

impl Table {
    pub fn new(title: &str) -> Table {
        println!();
        println!("== {title}");
        println!(
            "{:<64} {:>6} {:>11} {:>11} {:>11}   target",
            "operation", "iters", "p50", "p99", "max"
        );
        Table {
            over: Vec::new(),
            checked: 0,
        }
    }

    pub fn row(&mut self, name: &str, s: &Stats, target: Target) {
        self.keyed("", name, s, target);
    }

    /// A row the report (`scripts/bench-report.py`) picks out by `key`.
    pub fn keyed(&mut self, key: &str, name: &str, s: &Stats, target: Target) {
        let verdict = match target {
            Target::P99Under(limit) => self.check(name, s.p99 < limit, "p99", limit),
            Target::MaxUnder(limit) => self.check(name, s.max < limit, "max", limit),
            Target::MedianUnder(limit) => self.check(name, s.p50 < limit, "median", limit),
            Target::Info(note) => note.to_string(),
        };
        let (stat, limit, ok) = match target {
            Target::P99Under(limit) => (Some("p99"), Some(limit), Some(s.p99 < limit)),
            Target::MaxUnder(limit) => (Some("max"), Some(limit), Some(s.max < limit)),
            Target::MedianUnder(limit) => (Some("p50"), Some(limit), Some(s.p50 < limit)),
            Target::Info(_) => (None, None, None),
        };
        record(&serde_json::json!({
            "key": key,
            "name": name.trim(),
            "iters": s.iters,
            "p50_us": micros(s.p50),
            "p99_us": micros(s.p99),
            "max_us": micros(s.max),
            "mean_us": micros(s.mean),
            "stat": stat,
            "limit_us": limit.map(micros),
            "ok": ok,
            "note": verdict,
        }));
        println!(
            "{:<64} {:>6} {:>11} {:>11} {:>11}   {verdict}",
            name,
            s.iters,
            fmt_dur(s.p50),
            fmt_dur(s.p99),
            fmt_dur(s.max)
        );
    }

    fn check(&mut self, name: &str, ok: bool, stat: &str, limit: Duration) -> String {
        self.checked += 1;
        if !ok {
            self.over.push(name.to_string());
        }
        let verdict = if ok { "ok" } else { "OVER" };
        format!("{stat} < {}: {verdict}", fmt_dur(limit))
    }

    /// One line a script can grep: how many targets were checked, which missed.
    pub fn summary(&self) {
        println!();
        if self.over.is_empty() {
            println!("targets: {} checked, all ok", self.checked);
        } else {
            println!(
                "targets: {} checked, {} over: {}",
                self.checked,
                self.over.len(),
                self.over.join("; ")
            );
        }
    }
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// This bench's name: the executable is `target/release/deps/<name>-<hash>`.
fn bench_name() -> String {
    let exe = std::env::current_exe().unwrap_or_default();
    let stem = exe
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "bench".into());
    match stem.rsplit_once('-') {
        Some((name, hash)) if hash.chars().all(|c| c.is_ascii_hexdigit()) => name.to_string(),
        _ => stem,
    }
}

/// Where the JSON lines go: `$CASHIER_BENCH_RESULTS`, else `target/bench-results`.
pub fn results_file() -> PathBuf {
    let dir = match std::env::var_os("CASHIER_BENCH_RESULTS") {
        Some(dir) => PathBuf::from(dir),
        // target/release/deps/<bench>-HASH -> target/bench-results
        None => std::env::current_exe()
            .ok()
            .and_then(|exe| exe.ancestors().nth(3).map(|t| t.join("bench-results")))
            .unwrap_or_else(|| PathBuf::from("target/bench-results")),
    };
    dir.join(format!("{}.jsonl", bench_name()))
}

/// Appends one JSON object as a line; the first call in a run starts the file
/// afresh. A results file that cannot be written is reported, not fatal: the
/// printed table is still there.
pub fn record(value: &serde_json::Value) {
    static STARTED: AtomicBool = AtomicBool::new(false);
    let path = results_file();
    let fresh = !STARTED.swap(true, Ordering::SeqCst);
    let written = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|_| {
            std::fs::OpenOptions::new()
                .create(true)
                .write(true)
                .append(!fresh)
                .truncate(fresh)
                .open(&path)
        })
        .and_then(|mut f| writeln!(f, "{value}"));
    if let Err(e) = written {
        eprintln!("cannot write {}: {e}", path.display());
    }
}
