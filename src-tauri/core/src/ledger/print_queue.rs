//! The print queue: slips waiting for the receipt printer. A payment's
//! slip is queued by a trigger in the same transaction that makes it PAID
//! (a refund's when it succeeds) while the shop prints automatically, so a
//! crash or a printer that is away never loses one; a reprint or a test
//! print is queued by hand. A job is done only once its bytes were taken.

use super::{now_ms, Ledger, LedgerError};

/// How long a claimed slip is left to the process that claimed it: well
/// past a send's own timeouts (connect, write, status: seconds).
pub const PRINT_CLAIM_MS: i64 = 60_000;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PrintKind {
    Payment,
    Refund,
    Test,
}

impl PrintKind {
    fn as_str(self) -> &'static str {
        match self {
            PrintKind::Payment => "payment",
            PrintKind::Refund => "refund",
            PrintKind::Test => "test",
        }
    }

    fn parse(text: &str) -> PrintKind {
        match text {
            "payment" => PrintKind::Payment,
            "refund" => PrintKind::Refund,
            _ => PrintKind::Test,
        }
    }
}

/// A slip waiting (or printed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrintJob {
    pub id: i64,
    pub kind: PrintKind,
    /// The order's or the refund's id (0 for a test print).
    pub ref_id: i64,
    pub printed: bool,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
}

fn job(r: &rusqlite::Row<'_>) -> rusqlite::Result<PrintJob> {
    Ok(PrintJob {
        id: r.get(0)?,
        kind: PrintKind::parse(&r.get::<_, String>(1)?),
        ref_id: r.get(2)?,
        printed: r.get::<_, Option<i64>>(3)?.is_some(),
        attempts: r.get(4)?,
        last_error: r.get(5)?,
        created_at: r.get(6)?,
    })
}

const SELECT: &str =
    "SELECT id, kind, ref_id, printed_at, attempts, last_error, created_at FROM print_jobs";

impl Ledger {
    /// Whether PAID payments and successful refunds queue their slips by
    /// themselves (`[printer] auto_print`, and a printer configured).
    /// Written only when it changes: opening a till to read writes nothing.
    pub fn set_auto_print(&self, on: bool) -> Result<(), LedgerError> {
        self.conn().execute(
            "UPDATE print_settings SET auto_print = ?1 WHERE id = 1 AND auto_print <> ?1",
            params![i64::from(on)],
        )?;
        Ok(())
    }

    /// Queues a slip (a reprint, a refund's slip, a test print).
    pub fn queue_print(&self, kind: PrintKind, ref_id: i64) -> Result<PrintJob, LedgerError> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO print_jobs (kind, ref_id, created_at) VALUES (?1, ?2, ?3)",
            params![kind.as_str(), ref_id, now_ms()],
        )?;
        let id = conn.last_insert_rowid();
        Ok(conn.query_row(&format!("{SELECT} WHERE id = ?1"), [id], job)?)
    }

    /// Slips waiting, oldest first.
    pub fn queued_prints(&self) -> Result<Vec<PrintJob>, LedgerError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!("{SELECT} WHERE printed_at IS NULL ORDER BY id"))?;
        let jobs = stmt.query_map([], job)?.collect::<Result<Vec<_>, _>>()?;
        Ok(jobs)
    }

    pub fn print_job(&self, id: i64) -> Result<Option<PrintJob>, LedgerError> {
        Ok(self
            .conn()
            .query_row(&format!("{SELECT} WHERE id = ?1"), [id], job)
            .optional()?)
    }

    /// Takes a waiting slip for sending, in one statement: false when it
    /// is printed already or another process (the app, `cashier-cli`)
    /// holds it now.
    pub fn claim_print(&self, id: i64) -> Result<bool, LedgerError> {
        let now = now_ms();
        let claimed = self.conn().execute(
            "UPDATE print_jobs SET claimed_until = ?2
             WHERE id = ?1 AND printed_at IS NULL AND (claimed_until IS NULL OR claimed_until < ?3)",
            params![id, now + PRINT_CLAIM_MS, now],
        )?;
        Ok(claimed == 1)
    }

    /// The printer took the job's bytes.
    pub fn print_done(&self, id: i64) -> Result<(), LedgerError> {
        self.conn().execute(
            "UPDATE print_jobs SET printed_at = ?2, attempts = attempts + 1, last_error = NULL,
                                   claimed_until = NULL
             WHERE id = ?1 AND printed_at IS NULL",
            params![id, now_ms()],
        )?;
        Ok(())
    }

    /// The printer did not take it: it waits for the next try.
    pub fn print_failed(&self, id: i64, error: &str) -> Result<(), LedgerError> {
        self.conn().execute(
            "UPDATE print_jobs SET attempts = attempts + 1, last_error = ?2, claimed_until = NULL
             WHERE id = ?1",
            params![id, crate::text::one_line(error, 300)],
        )?;
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The app's print task and `cashier-cli print --pending` on one ledger:
    /// a slip one holds is not the other's to send, until it is done, given
    /// back after a failure, or the claim lapses (its holder died).
    #[test]
    fn a_claimed_slip_is_sent_by_one_process_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite3");
        let app = Ledger::open(&path).unwrap();
        let cli = Ledger::open(&path).unwrap();
        let job = app.queue_print(PrintKind::Test, 0).unwrap();
        assert!(app.claim_print(job.id).unwrap());
        assert!(!cli.claim_print(job.id).unwrap(), "held by the app");

        app.print_failed(job.id, "printer away").unwrap();
        assert!(
            cli.claim_print(job.id).unwrap(),
            "given back after a failure"
        );
        cli.print_done(job.id).unwrap();
        assert!(
            !app.claim_print(job.id).unwrap(),
            "printed: nothing to send"
        );

        // A holder that died mid-send: its claim lapses.
        let job = app.queue_print(PrintKind::Test, 0).unwrap();
        assert!(app.claim_print(job.id).unwrap());
        cli.conn()
            .execute(
                "UPDATE print_jobs SET claimed_until = ?2 WHERE id = ?1",
                params![job.id, now_ms() - 1],
            )
            .unwrap();
        assert!(cli.claim_print(job.id).unwrap());
    }
}
