//! The day's close at one counter: every shift of the (local) day, the
//! takings per wallet and currency, refunds by who approved them, and every
//! payment or refund of the day that is still unclear, by number: a close
//! never hides what is still open.

use super::day::books_clause;
use super::{Ledger, LedgerError};
use crate::books::Books;
use crate::daybook::DayReport;
use crate::ledger::report::ApproverTotals;
use crate::ledger::WalletTotals;
use crate::money::{format_minor, Currency};
use rusqlite::params;
use schemars::JsonSchema;
use serde::Serialize;

/// A shift that was open during the day.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, JsonSchema)]
pub struct DayShift {
    pub shift_id: i64,
    pub cashier: String,
    pub opened_at: String,
    pub closed_at: Option<String>,
}

/// A payment or refund of the day that HipoPay has not settled yet.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, JsonSchema)]
pub struct UnclearEntry {
    /// "payment" or "refund".
    pub kind: String,
    /// Our order number (a refund's: our refund number).
    pub number: String,
    pub wallet: String,
    pub currency: Currency,
    pub amount: String,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DayClose {
    pub date: String,
    pub counter: String,
    pub shifts: Vec<DayShift>,
    /// Per wallet and currency: paid, refunded, net.
    pub totals: Vec<WalletTotals>,
    pub refunds_by_approver: Vec<ApproverTotals>,
    pub unclear: Vec<UnclearEntry>,
}

impl Ledger {
    /// The close of the day `[from, to)` (UTC ms) at counter `counter`, in
    /// `books`; `day` is the report's totals for the same day.
    pub fn day_close(
        &self,
        date: &str,
        from: i64,
        to: i64,
        counter: &str,
        books: &Books,
        day: &DayReport,
    ) -> Result<DayClose, LedgerError> {
        let conn = self.conn();
        let clause = books_clause(books);
        let iso = crate::time::iso;
        let mut stmt = conn.prepare(&format!(
            "SELECT s.id, st.name, s.opened_at, s.closed_at FROM shifts s JOIN staff st ON st.id = s.staff_id
             WHERE s.opened_at < ?2 AND (s.closed_at IS NULL OR s.closed_at >= ?1) AND {clause}
             ORDER BY s.id"
        ))?;
        let shifts = stmt
            .query_map(params![from, to], |r| {
                Ok(DayShift {
                    shift_id: r.get(0)?,
                    cashier: r.get(1)?,
                    opened_at: iso(r.get(2)?),
                    closed_at: r.get::<_, Option<i64>>(3)?.map(iso),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut stmt = conn.prepare(&format!(
            "SELECT st.name, o.currency, COUNT(*), SUM(r.amount_minor)
             FROM refunds r JOIN orders o ON o.id = r.order_id JOIN staff st ON st.id = r.approved_by
             JOIN shifts s ON s.id = r.shift_id
             WHERE r.status = 'SUCCESS' AND r.created_at >= ?1 AND r.created_at < ?2 AND {clause}
             GROUP BY st.name, o.currency ORDER BY st.name, o.currency"
        ))?;
        let mut refunds_by_approver = Vec::new();
        for row in stmt.query_map(params![from, to], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })? {
            let (name, cur, count, sum): (String, String, i64, i64) = row?;
            let currency = cur
                .parse::<Currency>()
                .map_err(|e| LedgerError::Rule(e.to_string()))?;
            refunds_by_approver.push(ApproverTotals {
                approved_by: name,
                currency,
                count,
                amount: format_minor(sum, currency),
            });
        }
        let mut stmt = conn.prepare(&format!(
            "SELECT 'payment', o.merchant_order_no, o.wallet, o.currency, o.amount_minor, o.created_at
               FROM orders o JOIN shifts s ON s.id = o.shift_id
              WHERE o.status = 'PENDING' AND o.imported = 0 AND o.created_at >= ?1 AND o.created_at < ?2 AND {clause}
             UNION ALL
             SELECT 'refund', r.outer_refund_no, o.wallet, o.currency, r.amount_minor, r.created_at
               FROM refunds r JOIN orders o ON o.id = r.order_id JOIN shifts s ON s.id = r.shift_id
              WHERE r.status = 'PENDING' AND r.created_at >= ?1 AND r.created_at < ?2 AND {clause}
             ORDER BY 6"
        ))?;
        let mut unclear = Vec::new();
        for row in stmt.query_map(params![from, to], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })? {
            let (kind, number, wallet, cur, minor, at): (String, String, String, String, i64, i64) =
                row?;
            let currency = cur
                .parse::<Currency>()
                .map_err(|e| LedgerError::Rule(e.to_string()))?;
            unclear.push(UnclearEntry {
                kind,
                number,
                wallet,
                currency,
                amount: format_minor(minor, currency),
                created_at: iso(at),
            });
        }
        Ok(DayClose {
            date: date.to_string(),
            counter: counter.to_string(),
            shifts,
            totals: day.totals.clone(),
            refunds_by_approver,
            unclear,
        })
    }
}
