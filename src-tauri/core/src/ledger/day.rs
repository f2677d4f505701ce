//! One till's day, for the day report and the statement match when there
//! are no central books: sums per wallet and currency, what is unclear,
//! every payment and refund of a time range, and the stored result of
//! matching a day against HipoPay's statement.

use super::{now_ms, Ledger, LedgerError};
use crate::books::Books;
use crate::daybook::{BooksRow, DayRow};
use crate::hipopay::statement::LineKind;
use crate::money::Currency;
use crate::statement_match::{BookEntry, EntryState, MatchReport};
use crate::wallet::Wallet;
use rusqlite::{params, OptionalExtension};
use std::collections::BTreeMap;

/// Rows of these books only: demo payments never count in a live day, and
/// the other way round. Shifts from before books were kept count in both.
pub(super) fn books_clause(books: &Books) -> &'static str {
    match books {
        Books::Demo => "(s.acquirer = 'demo' OR s.acquirer = '')",
        _ => "(s.acquirer <> 'demo')",
    }
}

fn wallet(text: &str) -> Wallet {
    if text == "alipay" {
        Wallet::Alipay
    } else {
        Wallet::Wechat
    }
}

fn currency(text: &str) -> rusqlite::Result<Currency> {
    text.parse().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

impl Ledger {
    /// Payments (PAID) and refunds (SUCCESS) made in `[from, to)`, summed
    /// per counter, wallet and currency. `own` names this till's orders
    /// from before counters had names, and its refunds.
    pub fn day_rows(
        &self,
        from: i64,
        to: i64,
        own: &str,
        books: &Books,
    ) -> Result<Vec<DayRow>, LedgerError> {
        let conn = self.conn();
        let mut sums: BTreeMap<(String, String, String), [i64; 4]> = BTreeMap::new();
        let clause = books_clause(books);
        let mut paid = conn.prepare(&format!(
            "SELECT COALESCE(o.counter, ?3), o.wallet, o.currency, COUNT(*), SUM(o.amount_minor)
             FROM orders o JOIN shifts s ON s.id = o.shift_id
             WHERE o.status = 'PAID' AND o.imported = 0 AND o.created_at >= ?1 AND o.created_at < ?2 AND {clause}
             GROUP BY 1, 2, 3"
        ))?;
        for row in paid.query_map(params![from, to, own], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })? {
            let (counter, wallet, currency, count, sum): (String, String, String, i64, i64) = row?;
            let s = sums.entry((counter, wallet, currency)).or_default();
            s[0] += sum;
            s[1] += count;
        }
        let mut refunded = conn.prepare(&format!(
            "SELECT o.wallet, o.currency, COUNT(*), SUM(r.amount_minor)
             FROM refunds r JOIN orders o ON o.id = r.order_id JOIN shifts s ON s.id = r.shift_id
             WHERE r.status = 'SUCCESS' AND r.created_at >= ?1 AND r.created_at < ?2 AND {clause}
             GROUP BY 1, 2"
        ))?;
        for row in refunded.query_map(params![from, to], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })? {
            let (wallet, currency, count, sum): (String, String, i64, i64) = row?;
            let s = sums.entry((own.to_string(), wallet, currency)).or_default();
            s[2] += sum;
            s[3] += count;
        }
        sums.into_iter()
            .map(
                |((counter, w, c), [paid, paid_count, refunded, refund_count])| {
                    Ok(DayRow {
                        counter,
                        wallet: wallet(&w),
                        currency: currency(&c)?,
                        paid_minor: paid,
                        paid_count,
                        refunded_minor: refunded,
                        refund_count,
                    })
                },
            )
            .collect::<rusqlite::Result<_>>()
            .map_err(LedgerError::from)
    }

    /// Payments and refunds made in `[from, to)` still PENDING, per counter.
    pub fn day_unclear(
        &self,
        from: i64,
        to: i64,
        own: &str,
        books: &Books,
    ) -> Result<BTreeMap<String, i64>, LedgerError> {
        let conn = self.conn();
        let clause = books_clause(books);
        let mut out = BTreeMap::new();
        let mut orders = conn.prepare(&format!(
            "SELECT COALESCE(o.counter, ?3), COUNT(*) FROM orders o JOIN shifts s ON s.id = o.shift_id
             WHERE o.status = 'PENDING' AND o.imported = 0 AND o.created_at >= ?1 AND o.created_at < ?2 AND {clause}
             GROUP BY 1"
        ))?;
        for row in orders.query_map(params![from, to, own], |r| Ok((r.get(0)?, r.get(1)?)))? {
            let (counter, n): (String, i64) = row?;
            *out.entry(counter).or_insert(0) += n;
        }
        let refunds: i64 = conn.query_row(
            &format!(
                "SELECT COUNT(*) FROM refunds r JOIN shifts s ON s.id = r.shift_id
                 WHERE r.status = 'PENDING' AND r.created_at >= ?1 AND r.created_at < ?2 AND {clause}"
            ),
            params![from, to],
            |r| r.get(0),
        )?;
        if refunds > 0 {
            *out.entry(own.to_string()).or_insert(0) += refunds;
        }
        Ok(out)
    }

    /// Every payment and refund made in `[from, to)`, for matching.
    pub fn book_entries(
        &self,
        from: i64,
        to: i64,
        own: &str,
        books: &Books,
    ) -> Result<Vec<BookEntry>, LedgerError> {
        let conn = self.conn();
        let clause = books_clause(books);
        let mut out = Vec::new();
        let mut orders = conn.prepare(&format!(
            "SELECT COALESCE(o.counter, ?3), o.merchant_order_no, o.status, o.currency, o.amount_minor, o.created_at
             FROM orders o JOIN shifts s ON s.id = o.shift_id
             WHERE o.imported = 0 AND o.created_at >= ?1 AND o.created_at < ?2 AND {clause}"
        ))?;
        let rows = orders.query_map(params![from, to, own], |r| {
            let status: String = r.get(2)?;
            Ok(BookEntry {
                counter: r.get(0)?,
                kind: LineKind::Payment,
                merchant_order_no: r.get(1)?,
                outer_refund_no: None,
                state: match status.as_str() {
                    "PAID" => EntryState::Done,
                    "PENDING" => EntryState::Unclear,
                    _ => EntryState::NotDone,
                },
                status,
                currency: currency(&r.get::<_, String>(3)?)?,
                amount_minor: r.get(4)?,
                created_at: r.get(5)?,
            })
        })?;
        for row in rows {
            out.push(row?);
        }
        let mut refunds = conn.prepare(&format!(
            "SELECT o.merchant_order_no, r.outer_refund_no, r.status, o.currency, r.amount_minor, r.created_at
             FROM refunds r JOIN orders o ON o.id = r.order_id JOIN shifts s ON s.id = r.shift_id
             WHERE r.created_at >= ?1 AND r.created_at < ?2 AND {clause}"
        ))?;
        let rows = refunds.query_map(params![from, to], |r| {
            let status: String = r.get(2)?;
            Ok(BookEntry {
                counter: own.to_string(),
                kind: LineKind::Refund,
                merchant_order_no: r.get(0)?,
                outer_refund_no: Some(r.get(1)?),
                state: match status.as_str() {
                    "SUCCESS" => EntryState::Done,
                    "PENDING" => EntryState::Unclear,
                    _ => EntryState::NotDone,
                },
                status,
                currency: currency(&r.get::<_, String>(3)?)?,
                amount_minor: r.get(4)?,
                created_at: r.get(5)?,
            })
        })?;
        for row in rows {
            out.push(row?);
        }
        Ok(out)
    }

    /// `books export` on this till alone: its payments and refunds made in
    /// `[from, to)`, every status.
    pub fn export_rows(
        &self,
        from: i64,
        to: i64,
        own: &str,
        books: &Books,
    ) -> Result<Vec<BooksRow>, LedgerError> {
        let conn = self.conn();
        let clause = books_clause(books);
        let mut out = Vec::new();
        let mut orders = conn.prepare(&format!(
            "SELECT COALESCE(o.counter, ?3), o.created_at, o.merchant_order_no, o.payment_no, o.wallet,
                    o.status, o.currency, o.amount_minor, st.name, o.subject, o.error, o.exchange_rate
             FROM orders o JOIN shifts s ON s.id = o.shift_id JOIN staff st ON st.id = o.staff_id
             WHERE o.imported = 0 AND o.created_at >= ?1 AND o.created_at < ?2 AND {clause}"
        ))?;
        let rows = orders.query_map(params![from, to, own], |r| {
            let currency = currency(&r.get::<_, String>(6)?)?;
            Ok(BooksRow::new(
                r.get(0)?,
                false,
                r.get(1)?,
                [Some(r.get(2)?), r.get(3)?, None, None],
                r.get(4)?,
                r.get(5)?,
                currency,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
            )
            .at_rate(r.get(11)?, currency))
        })?;
        for row in rows {
            out.push(row?);
        }
        let mut refunds = conn.prepare(&format!(
            "SELECT r.created_at, o.merchant_order_no, o.payment_no, r.outer_refund_no, r.refund_no,
                    o.wallet, r.status, o.currency, r.amount_minor, st.name, r.reason, r.error,
                    o.exchange_rate
             FROM refunds r JOIN orders o ON o.id = r.order_id JOIN shifts s ON s.id = r.shift_id
                  JOIN staff st ON st.id = r.approved_by
             WHERE r.created_at >= ?1 AND r.created_at < ?2 AND {clause}"
        ))?;
        let rows = refunds.query_map(params![from, to], |r| {
            let currency = currency(&r.get::<_, String>(7)?)?;
            Ok(BooksRow::new(
                own.to_string(),
                true,
                r.get(0)?,
                [Some(r.get(1)?), r.get(2)?, Some(r.get(3)?), r.get(4)?],
                r.get(5)?,
                r.get(6)?,
                currency,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
                r.get(11)?,
            )
            .at_rate(r.get(12)?, currency))
        })?;
        for row in rows {
            out.push(row?);
        }
        Ok(out)
    }

    /// Keeps the result of matching a day against HipoPay's statement
    /// (the latest check of a day replaces the one before).
    pub fn save_statement_check(
        &self,
        report: &MatchReport,
        raw_file: Option<&str>,
    ) -> Result<(), LedgerError> {
        let json = serde_json::to_string(report)
            .map_err(|e| LedgerError::Rule(format!("cannot keep the match: {e}")))?;
        self.conn().execute(
            "INSERT INTO statement_checks (date, matches, report, raw_file, checked_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (date) DO UPDATE SET matches = excluded.matches, report = excluded.report,
                 raw_file = excluded.raw_file, checked_at = excluded.checked_at",
            params![report.date, report.matches, json, raw_file, now_ms()],
        )?;
        Ok(())
    }

    /// Whether the day's last statement check matched; none if never checked.
    pub fn statement_matched(&self, date: &str) -> Result<Option<bool>, LedgerError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT matches FROM statement_checks WHERE date = ?1",
                [date],
                |r| r.get(0),
            )
            .optional()?)
    }
}
