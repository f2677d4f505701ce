//! Refunds. Each gets its `outer_refund_no` committed before it is sent, so a
//! retry after a crash or a lost answer is the same refund, never a second one.

use super::orders::{order_from_row, SELECT_ORDER};
use super::{audit, now_ms, Ledger, LedgerError};
use crate::money::{format_minor, Currency, Money};
use rusqlite::{params, OptionalExtension, Row};
use schemars::JsonSchema;
use serde::{Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum RefundStatus {
    Pending,
    Success,
    Failed,
}

impl RefundStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RefundStatus::Pending => "PENDING",
            RefundStatus::Success => "SUCCESS",
            RefundStatus::Failed => "FAILED",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    pub id: i64,
    pub order_id: i64,
    pub merchant_order_no: String,
    pub shift_id: i64,
    pub outer_refund_no: String,
    pub amount: Money,
    pub status: RefundStatus,
    pub refund_no: Option<String>,
    pub reason: String,
    pub approved_by: i64,
    pub approved_by_name: String,
    pub error: Option<String>,
    pub sent_count: i64,
    /// Until then (ms) a send of it may be under way, here or in another
    /// process on this ledger: nobody sends it again before.
    pub in_flight_until: Option<i64>,
    /// When it was last sent (ms).
    pub sent_at: Option<i64>,
    /// Reconciling found that HipoPay can no longer say what became of it:
    /// a manager settles it after checking HipoPay's back office.
    pub needs_manager: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Refund {
    /// A send of this refund may be under way right now.
    pub fn in_flight(&self) -> bool {
        self.in_flight_until.is_some_and(|t| t > now_ms())
    }
}

/// The refund as the CLI and UI see it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RefundView {
    pub id: i64,
    pub order_id: i64,
    pub merchant_order_no: String,
    pub status: RefundStatus,
    /// A decimal string in the currency's units.
    pub amount: String,
    pub currency: Currency,
    /// HipoPay's number for it.
    pub refund_no: Option<String>,
    /// Ours, stored before it was sent: a retry is the same refund.
    pub outer_refund_no: String,
    pub reason: String,
    /// The manager who approved it.
    pub approved_by: String,
    pub error: Option<String>,
    /// How many times it was sent (0: never left the counter).
    pub sent_count: i64,
    /// A send is under way right now (here or in another process).
    pub in_flight: bool,
    /// Only a manager can settle it now (`refund-settle`).
    pub needs_manager: bool,
    pub shift_id: i64,
    pub created_at: String,
}

impl From<&Refund> for RefundView {
    fn from(r: &Refund) -> RefundView {
        RefundView {
            id: r.id,
            order_id: r.order_id,
            merchant_order_no: r.merchant_order_no.clone(),
            status: r.status,
            amount: r.amount.to_decimal_string(),
            currency: r.amount.currency,
            refund_no: r.refund_no.clone(),
            outer_refund_no: r.outer_refund_no.clone(),
            reason: r.reason.clone(),
            approved_by: r.approved_by_name.clone(),
            error: r.error.clone(),
            sent_count: r.sent_count,
            in_flight: r.in_flight(),
            needs_manager: r.needs_manager,
            shift_id: r.shift_id,
            created_at: crate::time::iso(r.created_at),
        }
    }
}

impl Serialize for Refund {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        RefundView::from(self).serialize(s)
    }
}

impl JsonSchema for Refund {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Refund".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        RefundView::json_schema(generator)
    }
}

/// The shortest lease on a refund being sent (ms).
const SEND_LEASE_MS: i64 = 30_000;

/// A manager settles a refund only this long after its last send (ms), and
/// reconciliation concludes nothing about a lost refund before then.
pub const SETTLE_AFTER_MS: i64 = 5 * 60_000;
pub const SETTLE_AFTER: std::time::Duration =
    std::time::Duration::from_millis(SETTLE_AFTER_MS as u64);

pub(crate) const SELECT_REFUND: &str =
    "SELECT r.*, o.currency, o.merchant_order_no, st.name AS approved_by_name
  FROM refunds r JOIN orders o ON o.id = r.order_id JOIN staff st ON st.id = r.approved_by";

pub(crate) fn refund_from_row(r: &Row<'_>) -> rusqlite::Result<Refund> {
    let currency: String = r.get("currency")?;
    let currency = currency.parse::<Currency>().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })?;
    let status: String = r.get("status")?;
    Ok(Refund {
        id: r.get("id")?,
        order_id: r.get("order_id")?,
        merchant_order_no: r.get("merchant_order_no")?,
        shift_id: r.get("shift_id")?,
        outer_refund_no: r.get("outer_refund_no")?,
        amount: Money::new(r.get("amount_minor")?, currency),
        status: match status.as_str() {
            "SUCCESS" => RefundStatus::Success,
            "FAILED" => RefundStatus::Failed,
            _ => RefundStatus::Pending,
        },
        refund_no: r.get("refund_no")?,
        reason: r.get("reason")?,
        approved_by: r.get("approved_by")?,
        approved_by_name: r.get("approved_by_name")?,
        error: r.get("error")?,
        sent_count: r.get("sent_count")?,
        in_flight_until: r.get("in_flight_until")?,
        sent_at: r.get("sent_at")?,
        needs_manager: r.get::<_, i64>("needs_manager")? != 0,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

fn load(conn: &rusqlite::Connection, id: i64) -> Result<Refund, LedgerError> {
    conn.query_row(
        &format!("{SELECT_REFUND} WHERE r.id = ?1"),
        [id],
        refund_from_row,
    )
    .optional()?
    .ok_or_else(|| LedgerError::NotFound(format!("refund #{id}")))
}

pub struct NewRefund<'a> {
    pub order_id: i64,
    pub shift_id: i64,
    pub outer_refund_no: &'a str,
    /// None: everything still refundable.
    pub amount_minor: Option<i64>,
    pub reason: &'a str,
    pub approved_by: i64,
    /// What the central books still allow to refund of this order (other
    /// counters' refunds of it taken off); none when there are none.
    pub central_cap_minor: Option<i64>,
}

impl Ledger {
    /// Commits a PENDING refund after checking, in the same transaction, that
    /// the order is PAID and the amount fits in what is still refundable.
    pub fn insert_refund(&self, new: &NewRefund<'_>) -> Result<Refund, LedgerError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let order = tx
            .query_row(
                &format!("{SELECT_ORDER} WHERE o.id = ?1"),
                [new.order_id],
                order_from_row,
            )
            .optional()?
            .ok_or_else(|| LedgerError::NotFound(format!("order #{}", new.order_id)))?;
        if order.status != super::OrderStatus::Paid {
            return Err(LedgerError::Rule(format!(
                "order #{} is {}, only PAID orders can be refunded",
                order.id,
                order.status.as_str()
            )));
        }
        let refundable = match new.central_cap_minor {
            Some(cap) => order.refundable_minor().min(cap.max(0)),
            None => order.refundable_minor(),
        };
        let cur = order.amount.currency;
        let amount = new.amount_minor.unwrap_or(refundable);
        if amount <= 0 || refundable <= 0 {
            return Err(LedgerError::Rule(format!(
                "order #{} has nothing left to refund",
                order.id
            )));
        }
        if amount > refundable {
            return Err(LedgerError::Rule(format!(
                "{} {cur} is more than the refundable {} {cur}",
                format_minor(amount, cur),
                format_minor(refundable, cur)
            )));
        }
        let now = now_ms();
        // Leased from the start: between this commit and its send (a few
        // milliseconds) no other process may take it for a lost refund.
        tx.execute(
            "INSERT INTO refunds (order_id, shift_id, outer_refund_no, amount_minor, status, reason, approved_by, created_at, updated_at, in_flight_until)
             VALUES (?1, ?2, ?3, ?4, 'PENDING', ?5, ?6, ?7, ?7, ?8)",
            params![new.order_id, new.shift_id, new.outer_refund_no, amount, new.reason, new.approved_by, now, now + SEND_LEASE_MS],
        )?;
        let id = tx.last_insert_rowid();
        audit::append(
            &tx,
            Some(new.approved_by),
            "refund_created",
            Some("refund"),
            Some(id),
            &format!(
                "order #{} {} {cur} {}: {}",
                order.id,
                format_minor(amount, cur),
                new.outer_refund_no,
                new.reason
            ),
        )?;
        let refund = load(&tx, id)?;
        tx.commit()?;
        Ok(refund)
    }

    /// Records a send about to leave, leased for `lease_ms` (how long its
    /// answer may take): no other process sends it again before then.
    pub fn record_refund_sent(&self, id: i64, lease_ms: i64) -> Result<(), LedgerError> {
        let conn = self.conn();
        let now = now_ms();
        conn.execute(
            "UPDATE refunds SET sent_count = sent_count + 1, updated_at = ?1, sent_at = ?1, in_flight_until = ?2,
                    needs_manager = 0 WHERE id = ?3",
            params![now, now.saturating_add(lease_ms.max(SEND_LEASE_MS)), id],
        )?;
        audit::append(&conn, None, "refund_sent", Some("refund"), Some(id), "")?;
        Ok(())
    }

    /// Takes the lease on a PENDING refund nobody is sending: true when this
    /// caller now holds it for `lease_ms`, false when another has it. The
    /// check and the take are one statement, so two processes reconciling
    /// the same ledger never both go on to send.
    pub fn take_refund_lease(&self, id: i64, lease_ms: i64) -> Result<bool, LedgerError> {
        let now = now_ms();
        let changed = self.conn().execute(
            "UPDATE refunds SET in_flight_until = ?1
             WHERE id = ?2 AND status = 'PENDING' AND (in_flight_until IS NULL OR in_flight_until <= ?3)",
            params![now.saturating_add(lease_ms), id, now],
        )?;
        Ok(changed == 1)
    }

    /// Gives a lease back (the holder stopped without an answer).
    pub fn release_refund_lease(&self, id: i64) -> Result<(), LedgerError> {
        self.conn().execute(
            "UPDATE refunds SET in_flight_until = NULL WHERE id = ?1 AND status = 'PENDING'",
            [id],
        )?;
        Ok(())
    }

    /// Reconciling found that HipoPay can no longer say what became of this
    /// refund: it stays PENDING (its amount reserved) until a manager settles it.
    pub fn mark_refund_for_manager(&self, id: i64, why: &str) -> Result<Refund, LedgerError> {
        let conn = self.conn();
        conn.execute(
            "UPDATE refunds SET needs_manager = 1, error = ?1, updated_at = ?2, in_flight_until = NULL
             WHERE id = ?3 AND status = 'PENDING'",
            params![why, now_ms(), id],
        )?;
        load(&conn, id)
    }

    /// A manager settles an unclear refund after checking HipoPay's own
    /// records (its back office): SUCCESS or FAILED, with who and why in the
    /// audit log. Only a refund reconciling handed to a manager, sent at
    /// least `SETTLE_AFTER_MS` ago (a late answer could still land before),
    /// and not being sent or checked right now.
    pub fn settle_refund(
        &self,
        id: i64,
        status: RefundStatus,
        manager_id: i64,
        note: &str,
    ) -> Result<Refund, LedgerError> {
        if status == RefundStatus::Pending {
            return Err(LedgerError::Rule(
                "a refund is settled as SUCCESS or FAILED".into(),
            ));
        }
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let before = load(&tx, id)?;
        if before.status != RefundStatus::Pending {
            return Err(LedgerError::Rule(format!(
                "refund #{id} is already {}",
                before.status.as_str()
            )));
        }
        if before.in_flight() {
            return Err(LedgerError::Rule(format!(
                "refund #{id} is being sent or checked right now; try again in a minute"
            )));
        }
        if !before.needs_manager || before.sent_count == 0 {
            return Err(LedgerError::Rule(format!(
                "refund #{id} is still being settled with HipoPay (reconcile); a manager settles only a refund HipoPay can no longer answer about"
            )));
        }
        let quiet_until = before.sent_at.unwrap_or(before.updated_at) + SETTLE_AFTER_MS;
        if now_ms() < quiet_until {
            return Err(LedgerError::Rule(format!(
                "refund #{id} was sent less than {} minutes ago and could still land; settle it after {}",
                SETTLE_AFTER_MS / 60_000,
                crate::time::iso(quiet_until)
            )));
        }
        let error =
            (status == RefundStatus::Failed).then(|| format!("settled by a manager: {note}"));
        tx.execute(
            "UPDATE refunds SET status = ?1, error = ?2, updated_at = ?3, in_flight_until = NULL WHERE id = ?4",
            params![status.as_str(), error, now_ms(), id],
        )?;
        audit::append(
            &tx,
            Some(manager_id),
            "refund_settled",
            Some("refund"),
            Some(id),
            &format!("PENDING -> {}: {note}", status.as_str()),
        )?;
        let after = load(&tx, id)?;
        tx.commit()?;
        Ok(after)
    }

    /// Moves a PENDING refund to its answer. Final refunds do not change.
    pub fn update_refund(
        &self,
        id: i64,
        status: RefundStatus,
        refund_no: Option<&str>,
        error: Option<&str>,
    ) -> Result<(Refund, bool), LedgerError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let before = load(&tx, id)?;
        if before.status != RefundStatus::Pending {
            return Ok((before, false));
        }
        let refund_no = refund_no.map(str::to_string).or(before.refund_no.clone());
        let error = match status {
            RefundStatus::Success => None,
            _ => error.map(str::to_string).or(before.error.clone()),
        };
        // A definite answer (or a decision) ends the send: the lease goes. An
        // unclear one keeps it until it runs out: the first send may still
        // land, and nobody sends it again meanwhile.
        tx.execute(
            "UPDATE refunds SET status = ?1, refund_no = ?2, error = ?3, updated_at = ?4,
                    in_flight_until = CASE WHEN ?1 = 'PENDING' THEN in_flight_until END
             WHERE id = ?5",
            params![status.as_str(), refund_no, error, now_ms(), id],
        )?;
        if status != before.status {
            audit::append(
                &tx,
                None,
                "refund_status",
                Some("refund"),
                Some(id),
                &format!("PENDING -> {}", status.as_str()),
            )?;
        }
        let after = load(&tx, id)?;
        tx.commit()?;
        Ok((after, status != before.status))
    }

    pub fn refund(&self, id: i64) -> Result<Refund, LedgerError> {
        load(&self.conn(), id)
    }

    pub fn refunds_for_order(&self, order_id: i64) -> Result<Vec<Refund>, LedgerError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "{SELECT_REFUND} WHERE r.order_id = ?1 ORDER BY r.id"
        ))?;
        let rows = stmt
            .query_map([order_id], refund_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn pending_refunds(&self) -> Result<Vec<Refund>, LedgerError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "{SELECT_REFUND} WHERE r.status = 'PENDING' ORDER BY r.id"
        ))?;
        let rows = stmt
            .query_map([], refund_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::ledger::{NewOrder, OrderStatus, OrderUpdate, PaymentFlow, Role};
    use crate::wallet::Wallet;

    /// A PAID order of 40.00 and a refund of 10.00 of it, sent once with no
    /// answer, which reconciling handed to a manager.
    fn refund_for_a_manager(l: &Ledger) -> (Refund, i64) {
        let boss = l.add_staff("Mei", Role::Manager, "987654", None).unwrap();
        let shift = l.open_shift(boss.id).unwrap();
        let order = l
            .insert_order(&NewOrder {
                merchant_order_no: "CS1".into(),
                counter: "C1".into(),
                shift_id: shift.id,
                staff_id: boss.id,
                wallet: Wallet::Wechat,
                flow: PaymentFlow::Scan,
                amount: Money::new(4000, Currency::HKD),
                subject: "test".into(),
                code_hash: None,
                code_masked: None,
            })
            .unwrap();
        let paid = OrderUpdate {
            status: Some(OrderStatus::Paid),
            ..OrderUpdate::default()
        };
        l.update_order(order.id, &paid, "paid").unwrap();
        let refund = l
            .insert_refund(&NewRefund {
                order_id: order.id,
                shift_id: shift.id,
                outer_refund_no: "CR1",
                amount_minor: Some(1000),
                reason: "test",
                approved_by: boss.id,
                central_cap_minor: None,
            })
            .unwrap();
        l.record_refund_sent(refund.id, 0).unwrap();
        let refund = l.mark_refund_for_manager(refund.id, "why").unwrap();
        (refund, boss.id)
    }

    /// However it came to a manager, a refund sent minutes ago is not
    /// settled by hand: its late answer could still land, and a refund
    /// marked FAILED that then lands frees money to refund twice.
    #[test]
    fn a_manager_settles_a_refund_only_once_a_late_answer_could_not_land() {
        let l = Ledger::open_in_memory().unwrap();
        let (refund, boss) = refund_for_a_manager(&l);
        let early = l
            .settle_refund(refund.id, RefundStatus::Failed, boss, "not there")
            .unwrap_err();
        assert!(early.to_string().contains("could still land"), "{early}");
        assert_eq!(l.refund(refund.id).unwrap().status, RefundStatus::Pending);

        l.conn()
            .execute(
                "UPDATE refunds SET sent_at = sent_at - ?1",
                [SETTLE_AFTER_MS + 1],
            )
            .unwrap();
        let settled = l
            .settle_refund(refund.id, RefundStatus::Failed, boss, "not there")
            .unwrap();
        assert_eq!(settled.status, RefundStatus::Failed);
    }
}
