//! The push to the central books, in the background: a thread of its own,
//! in the idle scheduling class, with its own async runtime. Reading a batch
//! from the ledger, encoding it for PostgreSQL and reading the answers all
//! take CPU; on a till's two cores, run beside the sales on the same
//! runtime, that work made a sale wait (benches/central.rs measured +1.6 ms
//! at p99). Here the sale's threads always come first, and the push takes
//! what is left, which on a counter is nearly everything.

use crate::Till;
use cashier_core::ledger::sync::SyncState;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How often the outbox is pushed while the central books answer; while
/// they do not, the wait doubles up to `BACK_OFF_MAX`.
pub const PUSH_EVERY: Duration = Duration::from_secs(2);
pub const BACK_OFF_MAX: Duration = Duration::from_secs(30);

/// A running push loop; `stop` ends it after the push under way.
pub struct PushLoop {
    stop: Arc<AtomicBool>,
    wake: Arc<tokio::sync::Notify>,
}

impl PushLoop {
    /// Pushes with the till `current()` gives (settings may replace it;
    /// none: nothing to push now) every `PUSH_EVERY`, backing off while the
    /// server is away, and hands each state after a push to `on_state`.
    pub fn spawn(
        current: impl Fn() -> Option<Arc<Till>> + Send + 'static,
        on_state: impl Fn(SyncState) + Send + 'static,
        every: Duration,
    ) -> std::io::Result<PushLoop> {
        let stop = Arc::new(AtomicBool::new(false));
        let wake = Arc::new(tokio::sync::Notify::new());
        let (stopping, woken) = (stop.clone(), wake.clone());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        std::thread::Builder::new()
            .name("central-push".into())
            .spawn(move || {
                lowest_cpu_priority();
                runtime.block_on(async move {
                    let mut wait = every;
                    while !stopping.load(Ordering::Relaxed) {
                        if let Some(till) = current() {
                            match till.push_central().await {
                                Ok(Some(sync)) => {
                                    wait = if sync.offline_since.is_some() {
                                        (wait * 2).min(BACK_OFF_MAX)
                                    } else {
                                        every
                                    };
                                    on_state(sync);
                                }
                                Ok(None) => wait = every,
                                Err(e) => eprintln!("cashier: central books: {e}"),
                            }
                        }
                        let _ = tokio::time::timeout(wait, woken.notified()).await;
                    }
                });
            })?;
        Ok(PushLoop { stop, wake })
    }

    /// Ends the loop once the push under way (if any) is done; does not wait.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
        self.wake.notify_one();
    }
}

/// This thread in Linux's idle scheduling class (SCHED_IDLE): it runs
/// only on a core no other thread wants, and a sale's thread that wakes
/// takes the core back at once, where a nice value only weighs the shares.
/// At a counter the cores are idle nearly all the time, so the books are
/// pushed within moments; a machine busy to the full would make them lag,
/// never a sale. Should the class be refused, nice 19 (a thread's nice
/// value is its own on Linux).
fn lowest_cpu_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: sched_setscheduler reads the parameter struct we pass for the
    // call's length; gettid and setpriority take plain integers. A failure
    // only leaves the priority as it was.
    unsafe {
        let param = libc::sched_param { sched_priority: 0 };
        if libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) != 0 {
            let tid = libc::gettid();
            let _ = libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 19);
        }
    }
}
