//! Shift reports and the CSV export the back office reconciles against HipoPay.

use super::{Ledger, LedgerError, Shift};
use crate::money::{format_minor, Currency};
use rusqlite::params;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
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

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
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

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ApproverTotals {
    pub approved_by: String,
    pub currency: Currency,
    pub count: i64,
    pub amount: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ShiftReport {
    pub shift_id: i64,
    pub cashier: String,
    pub opened_at: String,
    pub closed_at: Option<String>,
    pub open: bool,
    /// "demo" (the sandbox: no money moved) or "live"; null for a shift
    /// from before this was recorded.
    pub mode: Option<&'static str>,
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
             WHERE shift_id = ?1 AND status = 'PAID' GROUP BY wallet, currency",
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
            .prepare("SELECT status, COUNT(*) FROM orders WHERE shift_id = ?1 GROUP BY status")?;
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
            mode: crate::config::mode_of(&shift.acquirer),
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

    /// Writes the shift as CSV (UTF-8 with a BOM so spreadsheets read CJK
    /// text right): one row per order and one per refund. `amount` is what
    /// was asked (refunds negative); `net` is what counted (PAID orders,
    /// SUCCESS refunds), so its sum per currency is the shift's net. Returns
    /// the row count.
    pub fn export_shift_csv(
        &self,
        shift: &Shift,
        out: &mut dyn Write,
    ) -> Result<usize, LedgerError> {
        let io = |e: std::io::Error| LedgerError::Rule(format!("writing the CSV: {e}"));
        let csv_err = |e: csv::Error| LedgerError::Rule(format!("writing the CSV: {e}"));
        out.write_all("\u{feff}".as_bytes()).map_err(io)?;
        let mut w = csv::Writer::from_writer(out);
        w.write_record([
            "type",
            "id",
            "time",
            "merchant_order_no",
            "hipopay_order_no",
            "outer_refund_no",
            "hipopay_refund_no",
            "wallet",
            "flow",
            "status",
            "currency",
            "amount",
            "cashier",
            "approved_by",
            "note",
            "error",
            // Added later: new columns go at the end, for sheets that read by position.
            "net",
            "mode",
        ])
        .map_err(csv_err)?;
        let mode = crate::config::mode_of(&shift.acquirer).unwrap_or_default();
        let conn = self.conn();
        let mut rows = 0;
        let mut stmt = conn.prepare(
            "SELECT o.id, o.created_at, o.merchant_order_no, o.payment_no, o.wallet, o.flow, o.status, o.currency,
                    o.amount_minor, st.name, o.subject, o.error
             FROM orders o JOIN staff st ON st.id = o.staff_id WHERE o.shift_id = ?1 ORDER BY o.id",
        )?;
        let mut q = stmt.query(params![shift.id])?;
        while let Some(r) = q.next()? {
            let cur: String = r.get(7)?;
            let currency = cur
                .parse::<Currency>()
                .map_err(|e| LedgerError::Rule(e.to_string()))?;
            let id: i64 = r.get(0)?;
            let at: i64 = r.get(1)?;
            let text = |i: usize| -> Result<String, rusqlite::Error> {
                Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default())
            };
            let amount: i64 = r.get(8)?;
            let status = text(6)?;
            // What the row adds to the takings: a PAID order its amount, any
            // other (declined, expired, still unclear) nothing.
            let net = if status == "PAID" { amount } else { 0 };
            w.write_record([
                "order".to_string(),
                id.to_string(),
                crate::time::iso(at),
                text(2)?,
                text(3)?,
                String::new(),
                String::new(),
                text(4)?,
                text(5)?,
                status,
                cur.clone(),
                format_minor(amount, currency),
                inert(text(9)?),
                String::new(),
                inert(text(10)?),
                inert(text(11)?),
                format_minor(net, currency),
                mode.to_string(),
            ])
            .map_err(csv_err)?;
            rows += 1;
        }
        let mut stmt = conn.prepare(
            "SELECT r.id, r.created_at, o.merchant_order_no, o.payment_no, r.outer_refund_no, r.refund_no, o.wallet, o.flow,
                    r.status, o.currency, r.amount_minor, cs.name, ap.name, r.reason, r.error
             FROM refunds r JOIN orders o ON o.id = r.order_id JOIN staff ap ON ap.id = r.approved_by
             JOIN shifts s ON s.id = r.shift_id JOIN staff cs ON cs.id = s.staff_id
             WHERE r.shift_id = ?1 ORDER BY r.id",
        )?;
        let mut q = stmt.query(params![shift.id])?;
        while let Some(r) = q.next()? {
            let cur: String = r.get(9)?;
            let currency = cur
                .parse::<Currency>()
                .map_err(|e| LedgerError::Rule(e.to_string()))?;
            let id: i64 = r.get(0)?;
            let at: i64 = r.get(1)?;
            let text = |i: usize| -> Result<String, rusqlite::Error> {
                Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default())
            };
            // Refunds are money going out: negative. Only a SUCCESS refund
            // counts in `net`, so the column's sum per currency is the net.
            let amount: i64 = r.get(10)?;
            let status = text(8)?;
            let net = if status == "SUCCESS" { -amount } else { 0 };
            w.write_record([
                "refund".to_string(),
                id.to_string(),
                crate::time::iso(at),
                text(2)?,
                text(3)?,
                text(4)?,
                text(5)?,
                text(6)?,
                text(7)?,
                status,
                cur.clone(),
                format_minor(-amount, currency),
                inert(text(11)?),
                inert(text(12)?),
                inert(text(13)?),
                inert(text(14)?),
                format_minor(net, currency),
                mode.to_string(),
            ])
            .map_err(csv_err)?;
            rows += 1;
        }
        w.flush().map_err(io)?;
        Ok(rows)
    }
}

/// Free text (a note, a reason, a name, an error) as a spreadsheet shows it,
/// never as a formula it runs: a leading `=`, `+`, `-`, `@` or control
/// character gets a `'` in front.
fn inert(text: String) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text,
    }
}

#[cfg(test)]
mod csv_tests {
    #[test]
    fn free_text_never_becomes_a_formula() {
        assert_eq!(
            super::inert("=HYPERLINK(\"x\")".into()),
            "'=HYPERLINK(\"x\")"
        );
        assert_eq!(super::inert("@SUM(A1)".into()), "'@SUM(A1)");
        assert_eq!(super::inert("-2+3".into()), "'-2+3");
        assert_eq!(super::inert("奶茶 x2".into()), "奶茶 x2");
        assert_eq!(super::inert(String::new()), "");
    }
}
