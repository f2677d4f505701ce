//! Shifts: every order and refund belongs to the shift open when it was made.

use super::{audit, now_ms, Ledger, LedgerError};
use crate::books::Books;
use rusqlite::{params, OptionalExtension, Row};
use schemars::JsonSchema;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Shift {
    pub id: i64,
    pub staff_id: i64,
    pub staff_name: String,
    pub opened_at: i64,
    pub closed_at: Option<i64>,
    pub closed_by: Option<i64>,
    /// Whose books its payments go to.
    pub books: Books,
}

const SELECT: &str =
    "SELECT s.id, s.staff_id, st.name AS staff_name, s.opened_at, s.closed_at, s.closed_by, s.acquirer AS books
                      FROM shifts s JOIN staff st ON st.id = s.staff_id";

fn shift_from_row(r: &Row<'_>) -> rusqlite::Result<Shift> {
    Ok(Shift {
        id: r.get("id")?,
        staff_id: r.get("staff_id")?,
        staff_name: r.get("staff_name")?,
        opened_at: r.get("opened_at")?,
        closed_at: r.get("closed_at")?,
        closed_by: r.get("closed_by")?,
        books: r.get("books")?,
    })
}

impl Ledger {
    /// Opens a shift whose payments go to no acquirer in particular (tests,
    /// benchmarks); the app and the CLI use `open_shift_for`.
    pub fn open_shift(&self, staff_id: i64) -> Result<Shift, LedgerError> {
        self.open_shift_for(staff_id, &Books::Unrecorded)
    }

    /// Opens a shift for one acquirer's books.
    pub fn open_shift_for(&self, staff_id: i64, books: &Books) -> Result<Shift, LedgerError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let open: Option<i64> = tx
            .query_row("SELECT id FROM shifts WHERE closed_at IS NULL", [], |r| {
                r.get(0)
            })
            .optional()?;
        if let Some(id) = open {
            return Err(LedgerError::ShiftStillOpen(id));
        }
        tx.execute(
            "INSERT INTO shifts (staff_id, opened_at, acquirer) VALUES (?1, ?2, ?3)",
            params![staff_id, now_ms(), books],
        )?;
        let id = tx.last_insert_rowid();
        audit::append(
            &tx,
            Some(staff_id),
            "shift_opened",
            Some("shift"),
            Some(id),
            &books.key(),
        )?;
        let shift = tx.query_row(&format!("{SELECT} WHERE s.id = ?1"), [id], shift_from_row)?;
        tx.commit()?;
        Ok(shift)
    }

    pub fn current_shift(&self) -> Result<Option<Shift>, LedgerError> {
        Ok(self
            .conn()
            .query_row(
                &format!("{SELECT} WHERE s.closed_at IS NULL"),
                [],
                shift_from_row,
            )
            .optional()?)
    }

    /// The open shift, or a clear error telling the cashier to open one.
    pub fn require_open_shift(&self) -> Result<Shift, LedgerError> {
        self.current_shift()?.ok_or(LedgerError::NoOpenShift)
    }

    pub fn shift(&self, id: i64) -> Result<Shift, LedgerError> {
        self.conn()
            .query_row(&format!("{SELECT} WHERE s.id = ?1"), [id], shift_from_row)
            .optional()?
            .ok_or_else(|| LedgerError::NotFound(format!("shift #{id}")))
    }

    /// The most recent shift, open or closed (the default for reports).
    pub fn latest_shift(&self) -> Result<Shift, LedgerError> {
        self.conn()
            .query_row(
                &format!("{SELECT} ORDER BY s.id DESC LIMIT 1"),
                [],
                shift_from_row,
            )
            .optional()?
            .ok_or_else(|| LedgerError::NotFound("any shift".into()))
    }

    pub fn close_shift(&self, closed_by: i64) -> Result<Shift, LedgerError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let id: i64 = tx
            .query_row("SELECT id FROM shifts WHERE closed_at IS NULL", [], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or(LedgerError::NoOpenShift)?;
        tx.execute(
            "UPDATE shifts SET closed_at = ?1, closed_by = ?2 WHERE id = ?3",
            params![now_ms(), closed_by, id],
        )?;
        audit::append(
            &tx,
            Some(closed_by),
            "shift_closed",
            Some("shift"),
            Some(id),
            "",
        )?;
        let shift = tx.query_row(&format!("{SELECT} WHERE s.id = ?1"), [id], shift_from_row)?;
        tx.commit()?;
        Ok(shift)
    }
}
