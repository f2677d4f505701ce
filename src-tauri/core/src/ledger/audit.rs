//! The append-only audit log: who did what, written in the same transaction
//! as the change it describes.

use super::{now_ms, LedgerError};
use rusqlite::{params, Connection};

pub(crate) fn append(
    conn: &Connection,
    staff_id: Option<i64>,
    action: &str,
    entity: Option<&str>,
    entity_id: Option<i64>,
    detail: &str,
) -> Result<(), LedgerError> {
    conn.execute(
        "INSERT INTO audit_log (at, staff_id, action, entity, entity_id, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![now_ms(), staff_id, action, entity, entity_id, detail],
    )?;
    Ok(())
}

pub(crate) fn entries(
    conn: &Connection,
) -> Result<Vec<(String, Option<i64>, String)>, LedgerError> {
    let mut stmt = conn.prepare("SELECT action, entity_id, detail FROM audit_log ORDER BY id")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

impl super::Ledger {
    /// Settings were changed (each change "name: old -> new"), approved by
    /// `by` when a manager's PIN was needed.
    pub fn record_settings_change(
        &self,
        by: Option<i64>,
        changes: &[String],
    ) -> Result<(), LedgerError> {
        if changes.is_empty() {
            return Ok(());
        }
        append(
            &self.conn(),
            by,
            "settings_changed",
            Some("settings"),
            None,
            &changes.join("; "),
        )
    }
}
