//! Shift reports: totals per wallet and currency, refunds by approver, counts.

use super::{Ledger, LedgerError, Shift};
use crate::books::Mode;
use crate::money::{format_minor, Currency};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, PartialEq, Eq, JsonSchema)]
pub struct WalletTotals {
    pub wallet: String,
    pub currency: Currency,
    pub paid_count: i64,
    pub paid: String,
    pub refund_count: i64,
    pub refunded: String,
    pub net: String,
    #[serde(skip)]
    pub paid_minor: i64,
    #[serde(skip)]
    pub refunded_minor: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, JsonSchema)]
pub struct CurrencyTotals {
    pub currency: Currency,
    pub paid_count: i64,
    pub paid: String,
    pub refund_count: i64,
    pub refunded: String,
    pub net: String,
    #[serde(skip)]
    pub paid_minor: i64,
    #[serde(skip)]
    pub refunded_minor: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, JsonSchema)]
pub struct ApproverTotals {
    pub approved_by: String,
    pub currency: Currency,
    pub count: i64,
    pub amount: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ShiftReport {
    pub shift_id: i64,
    pub cashier: String,
    pub opened_at: String,
    pub closed_at: Option<String>,
    pub open: bool,
    /// "demo" (the sandbox: no money moved) or "live"; null for a shift
    /// from before this was recorded.
    pub mode: Option<Mode>,
    pub by_wallet: Vec<WalletTotals>,
    pub totals: Vec<CurrencyTotals>,
    pub refunds_by_approver: Vec<ApproverTotals>,
    pub order_count: i64,
    pub paid_count: i64,
    pub pending_count: i64,
    pub failed_count: i64,
    pub expired_count: i64,
    pub pending_refund_count: i64,
}

type Key = (String, String);

impl Ledger {
    pub fn shift_report(&self, shift: &Shift) -> Result<ShiftReport, LedgerError> {
        let conn = self.conn();
        let mut sums: BTreeMap<Key, [i64; 4]> = BTreeMap::new();
        let mut stmt = conn.prepare(
            "SELECT wallet, currency, COUNT(*), SUM(amount_minor) FROM orders
             WHERE shift_id = ?1 AND status = 'PAID' AND imported = 0 GROUP BY wallet, currency",
        )?;
        for row in stmt.query_map([shift.id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })? {
            let (w, c, n, s): (String, String, i64, i64) = row?;
            let e = sums.entry((w, c)).or_default();
            e[0] += n;
            e[1] += s;
        }
        // Refunds count in the shift they were made in, like a cash drawer.
        let mut stmt = conn.prepare(
            "SELECT o.wallet, o.currency, COUNT(*), SUM(r.amount_minor) FROM refunds r JOIN orders o ON o.id = r.order_id
             WHERE r.shift_id = ?1 AND r.status = 'SUCCESS' GROUP BY o.wallet, o.currency",
        )?;
        for row in stmt.query_map([shift.id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })? {
            let (w, c, n, s): (String, String, i64, i64) = row?;
            let e = sums.entry((w, c)).or_default();
            e[2] += n;
            e[3] += s;
        }
        let mut by_wallet = Vec::new();
        let mut per_currency: BTreeMap<Currency, [i64; 4]> = BTreeMap::new();
        for ((wallet, cur), [pn, ps, rn, rs]) in sums {
            let currency = cur
                .parse::<Currency>()
                .map_err(|e| LedgerError::Rule(e.to_string()))?;
            let t = per_currency.entry(currency).or_default();
            t[0] += pn;
            t[1] += ps;
            t[2] += rn;
            t[3] += rs;
            by_wallet.push(WalletTotals {
                wallet,
                currency,
                paid_count: pn,
                paid: format_minor(ps, currency),
                refund_count: rn,
                refunded: format_minor(rs, currency),
                net: format_minor(ps - rs, currency),
                paid_minor: ps,
                refunded_minor: rs,
            });
        }
        let totals = per_currency
            .into_iter()
            .map(|(currency, [pn, ps, rn, rs])| CurrencyTotals {
                currency,
                paid_count: pn,
                paid: format_minor(ps, currency),
                refund_count: rn,
                refunded: format_minor(rs, currency),
                net: format_minor(ps - rs, currency),
                paid_minor: ps,
                refunded_minor: rs,
            })
            .collect();
        let mut stmt = conn.prepare(
            "SELECT st.name, o.currency, COUNT(*), SUM(r.amount_minor) FROM refunds r
             JOIN orders o ON o.id = r.order_id JOIN staff st ON st.id = r.approved_by
             WHERE r.shift_id = ?1 AND r.status = 'SUCCESS' GROUP BY st.name, o.currency ORDER BY st.name",
        )?;
        let mut refunds_by_approver = Vec::new();
        for row in stmt.query_map([shift.id], |r| {
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
        let mut counts: BTreeMap<String, i64> = BTreeMap::new();
        let mut stmt = conn
            .prepare("SELECT status, COUNT(*) FROM orders WHERE shift_id = ?1 AND imported = 0 GROUP BY status")?;
        for row in stmt.query_map([shift.id], |r| Ok((r.get(0)?, r.get(1)?)))? {
            let (status, n): (String, i64) = row?;
            counts.insert(status, n);
        }
        let pending_refund_count: i64 = conn.query_row(
            "SELECT COUNT(*) FROM refunds WHERE shift_id = ?1 AND status = 'PENDING'",
            [shift.id],
            |r| r.get(0),
        )?;
        let count = |s: &str| counts.get(s).copied().unwrap_or(0);
        Ok(ShiftReport {
            shift_id: shift.id,
            cashier: shift.staff_name.clone(),
            opened_at: crate::time::iso(shift.opened_at),
            closed_at: shift.closed_at.map(crate::time::iso),
            open: shift.closed_at.is_none(),
            mode: shift.books.mode(),
            by_wallet,
            totals,
            refunds_by_approver,
            order_count: counts.values().sum(),
            paid_count: count("PAID"),
            pending_count: count("PENDING"),
            failed_count: count("FAILED"),
            expired_count: count("EXPIRED"),
            pending_refund_count,
        })
    }
}
