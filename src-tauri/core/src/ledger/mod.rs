//! The SQLite ledger: staff, shifts, orders, payment attempts, refunds and an
//! append-only audit log. Every state change is one transaction, and an order
//! row is committed before any request about it leaves the machine.

mod audit;
mod csv_export;
mod day;
mod day_close;
mod orders;
mod print_queue;
mod refunds;
mod report;
mod schema;
mod shifts;
mod staff;
pub mod sync;

pub use day_close::{DayClose, DayShift, UnclearEntry};
pub use orders::{NewOrder, Order, OrderFilter, OrderStatus, OrderUpdate, PaymentFlow};
pub use print_queue::{PrintJob, PrintKind};
pub use refunds::{NewRefund, Refund, RefundStatus, SETTLE_AFTER};
pub use report::{ApproverTotals, CurrencyTotals, ShiftReport, WalletTotals};
pub use shifts::Shift;
pub use staff::{check_pin_format, PinLock, PinProof, PinSubject, Role, Staff};

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("cannot open the ledger {path}: {reason}")]
    Open { path: String, reason: String },
    #[error("the ledger {path} is damaged ({reason}); it was left as it is: keep a copy of it for recovery and restore the last backup")]
    Damaged { path: String, reason: String },
    #[error("{path} is not a Cashier ledger (another program's database?); it was left as it is: check --db or CASHIER_DB")]
    NotALedger { path: String },
    #[error("the ledger {path} is read-only ({reason}): Cashier must be able to write the file and its folder {folder}; check their permissions")]
    ReadOnly {
        path: String,
        folder: String,
        reason: String,
    },
    #[error("{}", sqlite_message(.0))]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Rule(String),
    #[error("no shift is open; open a shift first")]
    NoOpenShift,
    #[error("shift #{0} is still open; close it before opening another")]
    ShiftStillOpen(i64),
    #[error("this payment code was already used; ask the customer to refresh it, then scan again")]
    CodeUsed,
    #[error("{0} not found")]
    NotFound(String),
    #[error("wrong PIN")]
    WrongPin,
    #[error("{what} are locked after five wrong PINs in a row, until {until} or until a manager lifts the lock (staff unlock)")]
    Locked { what: String, until: String },
    #[error("too many wrong PINs: wait {wait_secs} s before the next try")]
    TooSoon { wait_secs: i64 },
}

pub struct Ledger {
    conn: Mutex<Connection>,
    /// The file, for a second, read-only connection (none in memory).
    path: Option<PathBuf>,
    /// Long reads that must not hold the writer's lock while a sale waits
    /// for it (the push to the central books): WAL lets them run beside it.
    reader: Mutex<Option<Connection>>,
}

pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Ledger {
    /// Opens (creating if needed) the ledger file and brings its schema up to date.
    ///
    /// A file that is damaged, not a ledger, or read-only is refused before
    /// anything is written to it: it stays byte for byte as it was, for
    /// recovery. (SQLite finds damage in pages it reads; the checks here read
    /// the header and every table's first page, not the whole file, so that
    /// opening a million-order ledger stays fast.)
    pub fn open(path: &Path) -> Result<Ledger, LedgerError> {
        let shown = path.display().to_string();
        let folder = match path.parent().filter(|d| !d.as_os_str().is_empty()) {
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| LedgerError::Open {
                    path: shown.clone(),
                    reason: e.to_string(),
                })?;
                dir.display().to_string()
            }
            None => ".".to_string(),
        };
        let fail = |e: LedgerError| classify(e, &shown, &folder);
        // A new ledger is its owner's alone; SQLite gives its WAL and SHM
        // files the same permissions.
        if !path.exists() {
            match crate::fsutil::create_private(path) {
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => {
                    return Err(classify(
                        LedgerError::Open {
                            path: shown.clone(),
                            reason: e.to_string(),
                        },
                        &shown,
                        &folder,
                    ))
                }
            }
        }
        check_header(path).map_err(|reason| LedgerError::Damaged {
            path: shown.clone(),
            reason,
        })?;
        let conn = Connection::open(path).map_err(|e| fail(e.into()))?;
        if conn
            .is_readonly(rusqlite::MAIN_DB)
            .map_err(|e| fail(e.into()))?
        {
            return Err(LedgerError::ReadOnly {
                path: shown.clone(),
                folder: folder.clone(),
                reason: "the file cannot be written".into(),
            });
        }
        check_ours(&conn).map_err(fail)?;
        let ledger = Self::setup(conn, Some(path.to_path_buf())).map_err(fail)?;
        probe_tables(&ledger.conn()).map_err(|e| fail(e.into()))?;
        Ok(ledger)
    }

    /// An in-memory ledger, for unit tests and benchmarks.
    pub fn open_in_memory() -> Result<Ledger, LedgerError> {
        Self::setup(Connection::open_in_memory()?, None)
    }

    fn setup(mut conn: Connection, path: Option<PathBuf>) -> Result<Ledger, LedgerError> {
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
            path,
            reader: Mutex::new(None),
        })
    }

    /// Runs `read` on the read-only connection (opened on first use), so a
    /// long read never keeps a sale waiting for the writer's lock; in
    /// memory there is only the one connection.
    pub(crate) fn with_reader<T>(
        &self,
        read: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, LedgerError> {
        let Some(path) = &self.path else {
            return Ok(read(&self.conn())?);
        };
        let mut slot = self.reader.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            let conn = Connection::open_with_flags(
                path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            conn.busy_timeout(std::time::Duration::from_secs(5))?;
            *slot = Some(conn);
        }
        match slot.as_ref() {
            Some(conn) => Ok(read(conn)?),
            None => Ok(read(&self.conn())?),
        }
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

/// Damage found after opening (in a page the checks at open did not read)
/// says so plainly: it is not a passing fault to retry.
fn sqlite_message(e: &rusqlite::Error) -> String {
    if is_damage(e) {
        format!("the ledger file is damaged ({e}): stop using it, keep a copy of it for recovery and restore the last backup")
    } else {
        format!("the ledger's database failed: {e}")
    }
}

/// An existing ledger file starts with SQLite's header; anything else
/// (garbage, a text file, a half-written copy) is not opened at all, so
/// SQLite never gets a chance to write to it. An empty file is a new ledger.
fn check_header(path: &Path) -> Result<(), String> {
    use std::io::Read as _;
    const MAGIC: &[u8; 16] = b"SQLite format 3\0";
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        // Missing: created below. Unreadable: SQLite says why.
        Err(_) => return Ok(()),
    };
    let mut head = Vec::with_capacity(100);
    let read = (&mut file).take(100).read_to_end(&mut head);
    match read {
        Ok(0) => Ok(()),
        Ok(_) if head.starts_with(MAGIC) && head.len() == 100 => Ok(()),
        Ok(_) => Err("it is not an SQLite database".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// A database with tables but no schema version was made by another program:
/// migrating it would add Cashier's tables to someone else's file.
fn check_ours(conn: &Connection) -> Result<(), LedgerError> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let objects: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
    if version == 0 && objects > 0 {
        return Err(LedgerError::NotALedger {
            path: String::new(),
        });
    }
    Ok(())
}

/// Reads the first and last pages of every table and index, so a damaged one
/// is found when the ledger opens rather than halfway through a payment.
///
/// Each probe walks one path from the root to a leaf: a table in rowid
/// order, an index in its own order (by its leading column). Ordering an
/// index's rows by rowid instead would read the whole index: on a
/// million-order ledger that was about 2 s of a cold start
/// (benches/ledger.rs, "cold" row).
fn probe_tables(conn: &Connection) -> Result<(), rusqlite::Error> {
    let quote = |name: &str| format!("\"{}\"", name.replace('"', "\"\""));
    let objects: Vec<(String, String, String)> = conn
        .prepare(
            "SELECT type, name, tbl_name FROM sqlite_master \
             WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%'",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (kind, name, table) in objects {
        let probes = if kind == "table" {
            let from = format!("{} NOT INDEXED", quote(&name));
            vec![
                format!("SELECT 1 FROM {from} ORDER BY rowid ASC LIMIT 1"),
                format!("SELECT 1 FROM {from} ORDER BY rowid DESC LIMIT 1"),
            ]
        } else {
            let from = format!("{} INDEXED BY {}", quote(&table), quote(&name));
            let mut probes = vec![format!("SELECT 1 FROM {from} LIMIT 1")];
            // The last leaf, through the leading column (none for an
            // expression index: its first leaf is read).
            let leading: Option<String> = conn
                .query_row(
                    "SELECT name FROM pragma_index_info(?1) WHERE seqno = 0",
                    [&name],
                    |r| r.get(0),
                )
                .ok()
                .flatten();
            if let Some(column) = leading {
                probes.push(format!(
                    "SELECT 1 FROM {from} ORDER BY {} DESC LIMIT 1",
                    quote(&column)
                ));
            }
            probes
        };
        for sql in probes {
            match conn.query_row(&format!("SELECT count(*) FROM ({sql})"), [], |r| {
                r.get::<_, i64>(0)
            }) {
                Ok(_) => {}
                Err(e) if is_damage(&e) => return Err(e),
                // A partial index cannot serve this query: nothing to read.
                Err(_) => {}
            }
        }
    }
    Ok(())
}

fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
    )
}

/// Names the file and says plainly what is wrong with it.
fn classify(e: LedgerError, path: &str, folder: &str) -> LedgerError {
    use rusqlite::ErrorCode;
    let sqlite = match &e {
        LedgerError::Sqlite(rusqlite::Error::SqliteFailure(f, msg)) => Some((f.code, msg.clone())),
        _ => None,
    };
    let reason = match &e {
        LedgerError::Sqlite(inner) => inner.to_string(),
        other => other.to_string(),
    };
    match (e, sqlite) {
        (LedgerError::NotALedger { .. }, _) => LedgerError::NotALedger {
            path: path.to_string(),
        },
        (_, Some((ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase, _))) => {
            LedgerError::Damaged {
                path: path.to_string(),
                reason: reason.clone(),
            }
        }
        (_, Some((ErrorCode::ReadOnly | ErrorCode::CannotOpen, _))) => LedgerError::ReadOnly {
            path: path.to_string(),
            folder: folder.to_string(),
            reason: reason.clone(),
        },
        (
            e @ (LedgerError::Damaged { .. }
            | LedgerError::ReadOnly { .. }
            | LedgerError::Open { .. }),
            _,
        ) => e,
        (e, _) => LedgerError::Open {
            path: path.to_string(),
            reason: e.to_string(),
        },
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

    /// The probes at open read each index's ends, not the whole index (a
    /// million-order ledger opened cold in 2 s), and still find a damaged one.
    #[test]
    fn a_damaged_index_is_found_when_the_ledger_opens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite3");
        {
            let ledger = Ledger::open(&path).unwrap();
            let conn = ledger.conn();
            conn.execute_batch(
                "INSERT INTO staff (id, name, role, pin_hash, created_at) VALUES (1, 'Mei', 'manager', 'x', 1);
                 INSERT INTO shifts (id, staff_id, opened_at) VALUES (1, 1, 1);",
            )
            .unwrap();
            let mut insert = conn
                .prepare(
                    "INSERT INTO orders (merchant_order_no, shift_id, staff_id, wallet, flow, status,
                        amount_minor, currency, subject, created_at, updated_at)
                     VALUES (?1, 1, 1, 'wechat', 'scan', 'PAID', 100, 'HKD', 'x', ?2, ?2)",
                )
                .unwrap();
            for i in 0..2000 {
                insert
                    .execute(rusqlite::params![format!("CS{i:08}"), i])
                    .unwrap();
            }
            drop(insert);
            conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
                .unwrap();
        }
        let (page_size, root): (i64, i64) = {
            let conn = Connection::open(&path).unwrap();
            let page_size = conn
                .pragma_query_value(None, "page_size", |r| r.get(0))
                .unwrap();
            let root = conn
                .query_row(
                    "SELECT rootpage FROM sqlite_master WHERE name = 'orders_created'",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            (page_size, root)
        };
        let mut bytes = std::fs::read(&path).unwrap();
        let start = usize::try_from((root - 1) * page_size).unwrap();
        let end = start + usize::try_from(page_size).unwrap();
        bytes[start..end].fill(0x5a);
        std::fs::write(&path, &bytes).unwrap();
        assert!(
            matches!(Ledger::open(&path), Err(LedgerError::Damaged { .. })),
            "the damaged index went unnoticed"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_new_ledger_and_its_wal_are_the_owners_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite3");
        let ledger = Ledger::open(&path).unwrap();
        ledger
            .add_staff("Mei", Role::Manager, "987654", None)
            .unwrap();
        for file in ["ledger.sqlite3", "ledger.sqlite3-wal", "ledger.sqlite3-shm"] {
            let mode = std::fs::metadata(dir.path().join(file))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "{file}: {mode:o}");
        }
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
