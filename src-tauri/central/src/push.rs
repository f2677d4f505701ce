//! Pushing the outbox: oldest first, in batches, each batch one PostgreSQL
//! transaction of idempotent upserts keyed by counter and local id. A row
//! is written only over an older version of the same row (same key, same
//! identity): pushed twice it changes nothing, and an older copy (a ledger
//! restored from a backup) never takes the books back. The outbox is
//! emptied only after the transaction committed, so a crash or a dropped
//! connection at any point loses nothing; the next push sends it again.

use crate::{db_error, ts, Central, CentralError};
use cashier_core::ledger::sync::{
    AttemptRow, AuditRow, LockRow, OrderRow, OutboxBatch, RefundRow, ShiftRow, StaffRow, SyncRow,
};
use deadpool_postgres::GenericClient;
use serde::Serialize;
use tokio_postgres::error::SqlState;

/// Queue entries per batch (one transaction).
const BATCH: i64 = 500;

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct PushReport {
    /// Rows written to the central books.
    pub pushed: u64,
    /// Rows the central books already had, as they are here.
    pub unchanged: u64,
    /// Rows refused: the central books hold a newer copy, or another row
    /// under the same key.
    pub refused: u64,
    pub batches: u64,
    /// Changes still queued (0 when the push went through).
    pub remaining: i64,
    pub warnings: Vec<String>,
}

/// What one row's upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Written,
    Unchanged,
    Refused,
}

impl Central {
    /// Pushes everything queued, batch after batch, then pulls the shared
    /// staff. An error leaves the rest queued for the next push.
    pub async fn push(&self) -> Result<PushReport, CentralError> {
        let mut report = PushReport::default();
        let result = self.push_batches(&mut report).await;
        match &result {
            Ok(()) => {
                if report.refused > 0 {
                    let warning = format!(
                        "{} changes were refused: the central books hold newer copies of those rows, or other rows under their numbers (a ledger restored from an old backup, or two tills with one counter name?)",
                        report.refused
                    );
                    self.ledger.push_warning(&warning)?;
                    report.warnings.push(warning);
                }
                self.pull().await?;
            }
            Err(e) => self.ledger.push_failed(&e.to_string())?,
        }
        result.map(|()| report)
    }

    async fn push_batches(&self, report: &mut PushReport) -> Result<(), CentralError> {
        loop {
            let batch = self.ledger.outbox_batch(BATCH)?;
            if batch.upto_seq == 0 {
                report.remaining = 0;
                if report.batches == 0 {
                    // Nothing to push: the counter is still registered (or
                    // checked), so a till joins the books, and a wrong name
                    // or role shows, before its first sale.
                    let mut client = self.client().await?;
                    let tx = client.transaction().await.map_err(db_error)?;
                    self.claim_counter(&tx).await?;
                    tx.commit().await.map_err(db_error)?;
                }
                return Ok(());
            }
            let (outcomes, central_seq) = self.push_batch(&batch).await?;
            let refused = outcomes.iter().filter(|o| **o == Outcome::Refused).count() as u64;
            report.pushed += outcomes.iter().filter(|o| **o == Outcome::Written).count() as u64;
            report.unchanged += outcomes
                .iter()
                .filter(|o| **o == Outcome::Unchanged)
                .count() as u64;
            report.refused += refused;
            report.batches += 1;
            report.remaining = batch.remaining;
            self.ledger
                .outbox_pushed(batch.upto_seq, i64::try_from(refused).unwrap_or(i64::MAX))?;
            // The central books saw changes numbered past ours: this ledger
            // is an older copy of itself. Number on from there.
            if central_seq > batch.upto_seq {
                self.ledger.outbox_skip_to(central_seq)?;
            }
        }
    }

    /// One batch in one transaction: the counter checked and locked, the
    /// rows upserted, the counter's push record updated. Returns each row's
    /// outcome and the highest change number the central books had seen
    /// from this counter before.
    async fn push_batch(&self, batch: &OutboxBatch) -> Result<(Vec<Outcome>, i64), CentralError> {
        let mut client = self.client().await?;
        let first = self.try_batch(&mut client, batch, false).await;
        match first {
            Err(Failure::Constraint) => {
                // A row broke a rule (an order number already held under
                // another key): again, each row on its own, refusing only it.
                match self.try_batch(&mut client, batch, true).await {
                    Ok(done) => Ok(done),
                    Err(Failure::Db(e)) => Err(e),
                    Err(Failure::Constraint) => Err(CentralError::Refused(
                        "a change breaks the central books' rules".into(),
                    )),
                }
            }
            Err(Failure::Db(e)) => Err(e),
            Ok(done) => Ok(done),
        }
    }

    async fn try_batch(
        &self,
        client: &mut deadpool_postgres::Object,
        batch: &OutboxBatch,
        one_by_one: bool,
    ) -> Result<(Vec<Outcome>, i64), Failure> {
        let mut tx = client.transaction().await.map_err(Failure::from)?;
        let central_seq = self.claim_counter(&tx).await?;
        let mut outcomes = Vec::with_capacity(batch.rows.len());
        for row in &batch.rows {
            if !is_live(row) {
                continue;
            }
            let outcome = if one_by_one {
                let sp = tx.savepoint("row").await.map_err(Failure::from)?;
                match self.upsert(&sp, row).await {
                    Ok(o) => {
                        sp.commit().await.map_err(Failure::from)?;
                        o
                    }
                    Err(Failure::Constraint) => {
                        sp.rollback().await.map_err(Failure::from)?;
                        Outcome::Refused
                    }
                    Err(e) => return Err(e),
                }
            } else {
                self.upsert(&tx, row).await?
            };
            outcomes.push(outcome);
        }
        let written = outcomes.iter().filter(|o| **o == Outcome::Written).count() as i64;
        let refused = outcomes.iter().filter(|o| **o == Outcome::Refused).count() as i64;
        tx.execute(
            "UPDATE counters SET last_seq = greatest(last_seq, $2), last_push_at = now(),
                 outbox_depth = $3, oldest_waiting = $4::timestamptz, pushed_rows = pushed_rows + $5,
                 refused_rows = refused_rows + $6,
                 last_warning = CASE WHEN $6 > 0 THEN $7 ELSE last_warning END
             WHERE counter = $1",
            &[
                &self.counter,
                &batch.upto_seq,
                &batch.remaining,
                &batch.remaining_oldest.map(ts),
                &written,
                &refused,
                &format!("{refused} changes refused in the last push"),
            ],
        )
        .await
        .map_err(Failure::from)?;
        tx.commit().await.map_err(Failure::from)?;
        Ok((outcomes, central_seq))
    }

    /// Registers this counter on its first push, and checks it is this
    /// ledger's to write: the same books, the same ledger, a role allowed
    /// to write its rows. Returns the highest change number it pushed.
    pub(crate) async fn claim_counter(&self, tx: &impl GenericClient) -> Result<i64, CentralError> {
        let ledger_id = self
            .ledger
            .sync_state()
            .map_err(CentralError::from)?
            .ledger_id;
        tx.execute(
            "INSERT INTO counters (counter, books, ledger_id) VALUES ($1, $2, $3)
             ON CONFLICT (counter) DO NOTHING",
            &[&self.counter, &self.books, &ledger_id],
        )
        .await
        .map_err(db_error)?;
        let row = tx
            .query_opt(
                "SELECT books, ledger_id, last_seq FROM counters WHERE counter = $1 FOR UPDATE",
                &[&self.counter],
            )
            .await
            .map_err(db_error)?;
        let Some(row) = row else {
            return Err(CentralError::Refused(format!(
                "counter {} was registered by another database role: this till's role may not write its rows",
                self.counter
            )));
        };
        let (books, theirs, last_seq): (String, String, i64) = (row.get(0), row.get(1), row.get(2));
        let same_books = cashier_core::books::Books::parse(&books)
            .same_as(&cashier_core::books::Books::parse(&self.books));
        if !same_books {
            return Err(CentralError::Refused(format!(
                "counter {} keeps the books of {} in the central books, and this till keeps {}'s",
                self.counter,
                cashier_core::books::Books::parse(&books),
                cashier_core::books::Books::parse(&self.books)
            )));
        }
        if theirs != ledger_id {
            return Err(CentralError::Refused(format!(
                "counter {} is already pushed by another till's ledger: give this till its own name ([terminal] counter)",
                self.counter
            )));
        }
        Ok(last_seq)
    }

    /// One refund's row, outside a push (a refund written under the
    /// order's lock).
    pub(crate) async fn upsert_refund(
        &self,
        c: &impl GenericClient,
        row: &RefundRow,
    ) -> Result<(), CentralError> {
        match self.refund(c, row).await {
            Ok(_) => Ok(()),
            Err(Failure::Db(e)) => Err(e),
            Err(Failure::Constraint) => Err(CentralError::Refused(format!(
                "refund {} breaks the central books' rules",
                row.outer_refund_no
            ))),
        }
    }

    async fn upsert(&self, c: &impl GenericClient, row: &SyncRow) -> Result<Outcome, Failure> {
        match row {
            SyncRow::Order(o) => self.order(c, o).await,
            SyncRow::Attempt(a) => self.attempt(c, a).await,
            SyncRow::Refund(r) => self.refund(c, r).await,
            SyncRow::Shift(s) => self.shift(c, s).await,
            SyncRow::Staff(s) => self.staff(c, s).await,
            SyncRow::Audit(a) => self.audit(c, a).await,
            SyncRow::Lock(l) => self.lock(c, l).await,
        }
    }

    async fn order(&self, c: &impl GenericClient, o: &OrderRow) -> Result<Outcome, Failure> {
        let n = c
            .execute(
                "INSERT INTO orders (counter, local_id, ver, merchant_order_no, shift_local_id, staff, wallet,
                     flow, status, reason, amount_minor, currency, subject, payment_no, exchange_rate,
                     error, abandoned, needs_review, books, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                     $19, $20, $21)
                 ON CONFLICT (counter, local_id) DO UPDATE SET ver = EXCLUDED.ver,
                     shift_local_id = EXCLUDED.shift_local_id, staff = EXCLUDED.staff,
                     status = EXCLUDED.status, reason = EXCLUDED.reason, payment_no = EXCLUDED.payment_no,
                     exchange_rate = EXCLUDED.exchange_rate, error = EXCLUDED.error,
                     abandoned = EXCLUDED.abandoned, needs_review = EXCLUDED.needs_review,
                     books = EXCLUDED.books, updated_at = EXCLUDED.updated_at
                 WHERE orders.ver < EXCLUDED.ver AND orders.merchant_order_no = EXCLUDED.merchant_order_no",
                &[
                    &self.counter,
                    &o.local_id,
                    &o.ver,
                    &o.merchant_order_no,
                    &o.shift_local_id,
                    &o.staff,
                    &o.wallet,
                    &o.flow,
                    &o.status,
                    &o.reason,
                    &o.amount_minor,
                    &o.currency,
                    &o.subject,
                    &o.payment_no,
                    &o.exchange_rate,
                    &o.error,
                    &o.abandoned,
                    &o.needs_review,
                    &o.books,
                    &ts(o.created_at),
                    &ts(o.updated_at),
                ],
            )
            .await
            .map_err(Failure::from)?;
        self.classify(
            c,
            n,
            "orders",
            o.local_id,
            o.ver,
            "merchant_order_no",
            &o.merchant_order_no,
        )
        .await
    }

    async fn attempt(&self, c: &impl GenericClient, a: &AttemptRow) -> Result<Outcome, Failure> {
        let n = c
            .execute(
                "INSERT INTO payment_attempts (counter, local_id, ver, order_no, sent_at, answered_at, outcome)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (counter, local_id) DO UPDATE SET ver = EXCLUDED.ver,
                     answered_at = EXCLUDED.answered_at, outcome = EXCLUDED.outcome
                 WHERE payment_attempts.ver < EXCLUDED.ver AND payment_attempts.order_no = EXCLUDED.order_no",
                &[
                    &self.counter,
                    &a.local_id,
                    &a.ver,
                    &a.order_no,
                    &ts(a.sent_at),
                    &a.answered_at.map(ts),
                    &a.outcome,
                ],
            )
            .await
            .map_err(Failure::from)?;
        self.classify(
            c,
            n,
            "payment_attempts",
            a.local_id,
            a.ver,
            "order_no",
            &a.order_no,
        )
        .await
    }

    async fn refund(&self, c: &impl GenericClient, r: &RefundRow) -> Result<Outcome, Failure> {
        let n = c
            .execute(
                "INSERT INTO refunds (counter, local_id, ver, order_no, order_counter, shift_local_id,
                     outer_refund_no, amount_minor, currency, wallet, status, refund_no, reason,
                     approved_by, error, needs_manager, books, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
                 ON CONFLICT (counter, local_id) DO UPDATE SET ver = EXCLUDED.ver, status = EXCLUDED.status,
                     refund_no = EXCLUDED.refund_no, error = EXCLUDED.error,
                     needs_manager = EXCLUDED.needs_manager, updated_at = EXCLUDED.updated_at
                 WHERE refunds.ver < EXCLUDED.ver AND refunds.outer_refund_no = EXCLUDED.outer_refund_no",
                &[
                    &self.counter,
                    &r.local_id,
                    &r.ver,
                    &r.order_no,
                    &r.order_counter.clone().unwrap_or_else(|| self.counter.clone()),
                    &r.shift_local_id,
                    &r.outer_refund_no,
                    &r.amount_minor,
                    &r.currency,
                    &r.wallet,
                    &r.status,
                    &r.refund_no,
                    &r.reason,
                    &r.approved_by,
                    &r.error,
                    &r.needs_manager,
                    &r.books,
                    &ts(r.created_at),
                    &ts(r.updated_at),
                ],
            )
            .await
            .map_err(Failure::from)?;
        self.classify(
            c,
            n,
            "refunds",
            r.local_id,
            r.ver,
            "outer_refund_no",
            &r.outer_refund_no,
        )
        .await
    }

    async fn shift(&self, c: &impl GenericClient, s: &ShiftRow) -> Result<Outcome, Failure> {
        let n = c
            .execute(
                "INSERT INTO shifts (counter, local_id, ver, staff, opened_at, closed_at, closed_by, books)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (counter, local_id) DO UPDATE SET ver = EXCLUDED.ver,
                     closed_at = EXCLUDED.closed_at, closed_by = EXCLUDED.closed_by
                 WHERE shifts.ver < EXCLUDED.ver AND shifts.opened_at = EXCLUDED.opened_at",
                &[
                    &self.counter,
                    &s.local_id,
                    &s.ver,
                    &s.staff,
                    &ts(s.opened_at),
                    &s.closed_at.map(ts),
                    &s.closed_by,
                    &s.books,
                ],
            )
            .await
            .map_err(Failure::from)?;
        self.classify(
            c,
            n,
            "shifts",
            s.local_id,
            s.ver,
            "opened_at",
            &ts(s.opened_at),
        )
        .await
    }

    /// Shared staff: the latest change wins, whichever counter made it.
    async fn staff(&self, c: &impl GenericClient, s: &StaffRow) -> Result<Outcome, Failure> {
        let n = c
            .execute(
                "INSERT INTO staff (name, role, pin_hash, active, ver, created_at, changed_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT ((lower(name))) DO UPDATE SET role = EXCLUDED.role,
                     pin_hash = EXCLUDED.pin_hash, active = EXCLUDED.active, ver = EXCLUDED.ver,
                     changed_by = EXCLUDED.changed_by
                 WHERE staff.ver < EXCLUDED.ver",
                &[
                    &s.name,
                    &s.role,
                    &s.pin_hash,
                    &s.active,
                    &s.ver,
                    &ts(s.created_at),
                    &self.counter,
                ],
            )
            .await
            .map_err(Failure::from)?;
        // Not written: another counter changed this person since; the pull
        // brings that change here.
        Ok(if n > 0 {
            Outcome::Written
        } else {
            Outcome::Unchanged
        })
    }

    async fn lock(&self, c: &impl GenericClient, l: &LockRow) -> Result<Outcome, Failure> {
        let n = c
            .execute(
                "INSERT INTO staff_locks (name, failures, last_failed_at, locked_until, ver, changed_by)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT ((lower(name))) DO UPDATE SET failures = EXCLUDED.failures,
                     last_failed_at = EXCLUDED.last_failed_at, locked_until = EXCLUDED.locked_until,
                     ver = EXCLUDED.ver, changed_by = EXCLUDED.changed_by
                 WHERE staff_locks.ver < EXCLUDED.ver",
                &[
                    &l.name,
                    &l.failures,
                    &l.last_failed_at.map(ts),
                    &l.locked_until.map(ts),
                    &l.ver,
                    &self.counter,
                ],
            )
            .await
            .map_err(Failure::from)?;
        Ok(if n > 0 {
            Outcome::Written
        } else {
            Outcome::Unchanged
        })
    }

    /// Audit rows never change: inserted once; the same row again is
    /// nothing, another row under its key is refused.
    async fn audit(&self, c: &impl GenericClient, a: &AuditRow) -> Result<Outcome, Failure> {
        let n = c
            .execute(
                "INSERT INTO audit_log (counter, local_id, at, staff, action, entity, entity_id, detail)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (counter, local_id) DO NOTHING",
                &[
                    &self.counter,
                    &a.local_id,
                    &ts(a.at),
                    &a.staff,
                    &a.action,
                    &a.entity,
                    &a.entity_id,
                    &a.detail,
                ],
            )
            .await
            .map_err(Failure::from)?;
        if n > 0 {
            return Ok(Outcome::Written);
        }
        let same = c
            .query_opt(
                "SELECT 1 FROM audit_log WHERE counter = $1 AND local_id = $2 AND at = $3 AND action = $4",
                &[&self.counter, &a.local_id, &ts(a.at), &a.action],
            )
            .await
            .map_err(Failure::from)?;
        Ok(if same.is_some() {
            Outcome::Unchanged
        } else {
            Outcome::Refused
        })
    }

    /// After an upsert that wrote nothing: the same version of the same row
    /// was there already (a push repeated), or not (refused).
    #[allow(clippy::too_many_arguments)]
    async fn classify(
        &self,
        c: &impl GenericClient,
        written: u64,
        table: &str,
        local_id: i64,
        ver: i64,
        identity_column: &str,
        identity: &(dyn tokio_postgres::types::ToSql + Sync),
    ) -> Result<Outcome, Failure> {
        if written > 0 {
            return Ok(Outcome::Written);
        }
        let held = c
            .query_opt(
                &format!(
                    "SELECT ver, {identity_column} = $3 FROM {table} WHERE counter = $1 AND local_id = $2"
                ),
                &[&self.counter, &local_id, identity],
            )
            .await
            .map_err(Failure::from)?;
        Ok(match held {
            Some(row) if row.get::<_, i64>(0) == ver && row.get::<_, bool>(1) => Outcome::Unchanged,
            _ => Outcome::Refused,
        })
    }
}

/// Demo payments never reach the central books (they are a live
/// merchant's); staff and the audit trail always do.
fn is_live(row: &SyncRow) -> bool {
    let books = match row {
        SyncRow::Order(o) => &o.books,
        SyncRow::Refund(r) => &r.books,
        SyncRow::Shift(s) => &s.books,
        _ => return true,
    };
    books != "demo"
}

/// Why a batch did not go through.
enum Failure {
    /// A row broke a constraint: retried row by row.
    Constraint,
    Db(CentralError),
}

impl From<tokio_postgres::Error> for Failure {
    fn from(e: tokio_postgres::Error) -> Self {
        match e.code() {
            Some(code)
                if *code == SqlState::UNIQUE_VIOLATION
                    || *code == SqlState::CHECK_VIOLATION
                    || *code == SqlState::NOT_NULL_VIOLATION
                    || *code == SqlState::FOREIGN_KEY_VIOLATION =>
            {
                Failure::Constraint
            }
            _ => Failure::Db(db_error(e)),
        }
    }
}

impl From<CentralError> for Failure {
    fn from(e: CentralError) -> Self {
        Failure::Db(e)
    }
}
