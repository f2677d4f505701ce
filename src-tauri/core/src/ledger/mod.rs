//! The SQLite ledger: staff, shifts, orders, payment attempts, refunds and an
//! append-only audit log. Every state change is one transaction, and an order
//! row is committed before any request about it leaves the machine.

mod audit;
mod orders;
mod refunds;
mod report;
mod schema;
mod shifts;
mod staff;

pub use orders::{NewOrder, Order, OrderFilter, OrderStatus, OrderUpdate, PaymentFlow};
pub use refunds::{NewRefund, Refund, RefundStatus};
pub use report::{CurrencyTotals, ShiftReport, WalletTotals};
pub use shifts::Shift;
pub use staff::{Role, Staff};

use rusqlite::Connection;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("cannot open the ledger {path}: {reason}")]
    Open { path: String, reason: String },
    #[error("the ledger's database failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Rule(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("wrong PIN")]
    WrongPin,
}

pub struct Ledger {
    conn: Mutex<Connection>,
}

pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Ledger {
    /// Opens (creating if needed) the ledger file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Ledger, LedgerError> {
        let open_err = |reason: String| LedgerError::Open {
            path: path.display().to_string(),
            reason,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| open_err(e.to_string()))?;
        }
        let conn = Connection::open(path).map_err(|e| open_err(e.to_string()))?;
        Self::setup(conn).map_err(|e| open_err(e.to_string()))
    }

    /// An in-memory ledger, for unit tests and benchmarks.
    pub fn open_in_memory() -> Result<Ledger, LedgerError> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<Ledger, LedgerError> {
        // WAL keeps readers off the writer's back; FULL makes each commit
        // durable across a power cut, which is the point of this file.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        schema::migrations()
            .to_latest(&mut conn)
            .map_err(|e| LedgerError::Rule(format!("migrating the ledger: {e}")))?;
        Ok(Ledger {
            conn: Mutex::new(conn),
        })
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written
        // (transactions roll back), so a poisoned lock is safe to reuse.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The audit trail, newest last (for support and tests).
    pub fn audit_entries(&self) -> Result<Vec<(String, Option<i64>, String)>, LedgerError> {
        audit::entries(&self.conn())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn pragmas_hold_on_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::open(&dir.path().join("sub/ledger.sqlite3")).unwrap();
        let conn = ledger.conn();
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        let sync: i64 = conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .unwrap();
        let fk: i64 = conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert_eq!(mode.to_lowercase(), "wal");
        assert_eq!(sync, 2);
        assert_eq!(fk, 1);
    }

    #[test]
    fn audit_log_is_append_only() {
        let ledger = Ledger::open_in_memory().unwrap();
        let conn = ledger.conn();
        audit::append(&conn, None, "test", None, None, "x").unwrap();
        assert!(conn
            .execute("UPDATE audit_log SET action = 'y'", [])
            .is_err());
        assert!(conn.execute("DELETE FROM audit_log", []).is_err());
    }
}
