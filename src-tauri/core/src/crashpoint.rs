//! Named places where the crash suite (`tests/crash.rs`) makes the process
//! die exactly as a power cut would: SIGKILL, no destructors, no flushing.
//!
//! `CASHIER_CRASH_AT=<point>` kills the process the first time it reaches
//! `<point>`; `<point>:<n>` on the n-th time. Unset (always, in a shop), a
//! check is one load of a cached value. The points sit between the steps
//! whose order matters: each one asks "if we die right here, is every order
//! and refund still recoverable, and nothing charged twice?"

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

pub const ENV: &str = "CASHIER_CRASH_AT";

/// The order row is committed; no charge attempt recorded, nothing sent.
pub const ORDER_COMMITTED: &str = "order_committed";
/// The charge attempt is recorded; the request has not left.
pub const CHARGE_RECORDED: &str = "charge_recorded";
/// The acquirer's answer to the charge is in hand; the ledger does not know it.
pub const CHARGE_ANSWERED: &str = "charge_answered";
/// Waiting for a final answer: about to ask HipoPay again.
pub const POLLING: &str = "polling";
/// The refund row (with its `outer_refund_no`) is committed; nothing sent.
pub const REFUND_COMMITTED: &str = "refund_committed";
/// The refund's send is recorded; the request has not left.
pub const REFUND_RECORDED: &str = "refund_recorded";
/// The acquirer's answer to the refund is in hand; the ledger does not know it.
pub const REFUND_ANSWERED: &str = "refund_answered";

pub const ALL: &[&str] = &[
    ORDER_COMMITTED,
    CHARGE_RECORDED,
    CHARGE_ANSWERED,
    POLLING,
    REFUND_COMMITTED,
    REFUND_RECORDED,
    REFUND_ANSWERED,
];

struct Armed {
    point: String,
    nth: u32,
    seen: AtomicU32,
}

fn armed() -> Option<&'static Armed> {
    static ARMED: OnceLock<Option<Armed>> = OnceLock::new();
    ARMED
        .get_or_init(|| {
            let spec = std::env::var(ENV).ok()?;
            let (point, nth) = match spec.split_once(':') {
                Some((p, n)) => (p, n.trim().parse().ok()?),
                None => (spec.as_str(), 1),
            };
            Some(Armed {
                point: point.trim().to_string(),
                nth,
                seen: AtomicU32::new(0),
            })
        })
        .as_ref()
}

/// Dies here if the crash suite asked for this point.
pub fn hit(point: &str) {
    let Some(armed) = armed() else { return };
    if armed.point == point && armed.seen.fetch_add(1, Ordering::SeqCst) + 1 == armed.nth {
        kill_self();
    }
}

#[cfg(unix)]
fn kill_self() -> ! {
    // SAFETY: kill(2) on our own pid has no memory-safety preconditions.
    unsafe {
        libc::kill(libc::getpid(), libc::SIGKILL);
    }
    // SIGKILL cannot be caught; this is never reached.
    std::process::abort()
}

#[cfg(not(unix))]
fn kill_self() -> ! {
    std::process::abort()
}
