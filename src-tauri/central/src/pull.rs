//! Pulling what every counter shares: staff and their PINs, and people's
//! PIN locks. Small tables, read whole; the ledger keeps the newer of each.

use crate::{db_error, ms, Central, CentralError};
use cashier_core::ledger::sync::{LockRow, StaffRow};

impl Central {
    /// Brings this till's staff and PIN locks up to the central books'.
    /// Returns how many changed here.
    pub async fn pull(&self) -> Result<usize, CentralError> {
        let client = self.client().await?;
        let staff: Vec<StaffRow> = client
            .query(
                "SELECT name, role, pin_hash, active, ver, created_at FROM staff ORDER BY ver",
                &[],
            )
            .await
            .map_err(db_error)?
            .iter()
            .map(|r| StaffRow {
                name: r.get(0),
                role: r.get(1),
                pin_hash: r.get(2),
                active: r.get(3),
                ver: r.get(4),
                created_at: ms(r.get(5)),
            })
            .collect();
        let locks: Vec<LockRow> = client
            .query(
                "SELECT name, failures, last_failed_at, locked_until, ver FROM staff_locks",
                &[],
            )
            .await
            .map_err(db_error)?
            .iter()
            .map(|r| LockRow {
                name: r.get(0),
                failures: r.get(1),
                last_failed_at: r.get::<_, Option<chrono::DateTime<chrono::Utc>>>(2).map(ms),
                locked_until: r.get::<_, Option<chrono::DateTime<chrono::Utc>>>(3).map(ms),
                ver: r.get(4),
            })
            .collect();
        let changed = self.ledger.apply_central_staff(&staff)?;
        Ok(changed + self.ledger.apply_central_locks(&locks)?)
    }
}
