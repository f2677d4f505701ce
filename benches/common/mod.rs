//! Shared by the harness-less benches (no criterion, to keep compile time
//! down): time a closure with `Instant`, summarise the samples, and print one
//! table row with the PRODUCT.md target beside it.
//!
//! Benches print numbers; they never assert on speed. A missed target shows
//! as "over" in the table and in the summary line, and the exit code stays 0.

// Each bench binary compiles its own copy and uses only part of it.
#![allow(dead_code)]

use std::time::{Duration, Instant};

pub struct Stats {
    pub iters: usize,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
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
    Stats {
        iters: n,
        p50: rank(50),
        p99: rank(99),
        max: samples[n - 1],
    }
}

/// What PRODUCT.md asks of a row, or `Info` for a row that only explains another.
#[derive(Clone, Copy)]
pub enum Target {
    P99Under(Duration),
    MaxUnder(Duration),
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
        let verdict = match target {
            Target::P99Under(limit) => self.check(name, s.p99 < limit, "p99", limit),
            Target::MaxUnder(limit) => self.check(name, s.max < limit, "max", limit),
            Target::Info(note) => note.to_string(),
        };
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
