//! The store's day from the central books: the same reports as one till's
//! ledger gives (`cashier_core::backoffice`), over every counter, summed
//! in PostgreSQL where the rows are.

use crate::{db_error, ms, ts, Central};
use cashier_core::backoffice::DaySource;
use cashier_core::daybook::{BooksRow, DayRow};
use cashier_core::hipopay::statement::LineKind;
use cashier_core::money::Currency;
use cashier_core::statement_match::{BookEntry, EntryState, MatchReport};
use cashier_core::wallet::Wallet;
use cashier_core::CashierError;
use std::collections::BTreeMap;

fn wallet(text: &str) -> Wallet {
    if text == "alipay" {
        Wallet::Alipay
    } else {
        Wallet::Wechat
    }
}

fn currency(text: &str) -> Result<Currency, CashierError> {
    text.parse().map_err(|e| {
        CashierError::Central(format!("the central books hold a currency {text:?}: {e}"))
    })
}

impl DaySource for Central {
    async fn day_rows(&self, from: i64, to: i64) -> Result<Vec<DayRow>, CashierError> {
        let client = self.client().await?;
        let mut sums: BTreeMap<(String, String, String), [i64; 4]> = BTreeMap::new();
        for row in client
            .query(
                "SELECT counter, wallet, currency, count(*), sum(amount_minor)::bigint FROM orders
                 WHERE status = 'PAID' AND created_at >= $1 AND created_at < $2 AND books = $3
                 GROUP BY 1, 2, 3",
                &[&ts(from), &ts(to), &self.books],
            )
            .await
            .map_err(db_error)?
        {
            let s = sums
                .entry((row.get(0), row.get(1), row.get(2)))
                .or_default();
            s[0] += row.get::<_, i64>(4);
            s[1] += row.get::<_, i64>(3);
        }
        for row in client
            .query(
                "SELECT counter, wallet, currency, count(*), sum(amount_minor)::bigint FROM refunds
                 WHERE status = 'SUCCESS' AND created_at >= $1 AND created_at < $2 AND books = $3
                 GROUP BY 1, 2, 3",
                &[&ts(from), &ts(to), &self.books],
            )
            .await
            .map_err(db_error)?
        {
            let s = sums
                .entry((row.get(0), row.get(1), row.get(2)))
                .or_default();
            s[2] += row.get::<_, i64>(4);
            s[3] += row.get::<_, i64>(3);
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
            .collect()
    }

    async fn day_unclear(&self, from: i64, to: i64) -> Result<BTreeMap<String, i64>, CashierError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT counter, count(*) FROM (
                     SELECT counter FROM orders WHERE status = 'PENDING'
                         AND created_at >= $1 AND created_at < $2 AND books = $3
                     UNION ALL
                     SELECT counter FROM refunds WHERE status = 'PENDING'
                         AND created_at >= $1 AND created_at < $2 AND books = $3) u
                 GROUP BY 1",
                &[&ts(from), &ts(to), &self.books],
            )
            .await
            .map_err(db_error)?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    async fn entries(&self, from: i64, to: i64) -> Result<Vec<BookEntry>, CashierError> {
        let client = self.client().await?;
        let mut out = Vec::new();
        for r in client
            .query(
                "SELECT counter, merchant_order_no, status, currency, amount_minor, created_at FROM orders
                 WHERE created_at >= $1 AND created_at < $2 AND books = $3",
                &[&ts(from), &ts(to), &self.books],
            )
            .await
            .map_err(db_error)?
        {
            let status: String = r.get(2);
            out.push(BookEntry {
                counter: r.get(0),
                kind: LineKind::Payment,
                merchant_order_no: r.get(1),
                outer_refund_no: None,
                state: match status.as_str() {
                    "PAID" => EntryState::Done,
                    "PENDING" => EntryState::Unclear,
                    _ => EntryState::NotDone,
                },
                status,
                currency: currency(&r.get::<_, String>(3))?,
                amount_minor: r.get(4),
                created_at: ms(r.get(5)),
            });
        }
        for r in client
            .query(
                "SELECT counter, order_no, outer_refund_no, status, currency, amount_minor, created_at
                 FROM refunds WHERE created_at >= $1 AND created_at < $2 AND books = $3",
                &[&ts(from), &ts(to), &self.books],
            )
            .await
            .map_err(db_error)?
        {
            let status: String = r.get(3);
            out.push(BookEntry {
                counter: r.get(0),
                kind: LineKind::Refund,
                merchant_order_no: r.get(1),
                outer_refund_no: Some(r.get(2)),
                state: match status.as_str() {
                    "SUCCESS" => EntryState::Done,
                    "PENDING" => EntryState::Unclear,
                    _ => EntryState::NotDone,
                },
                status,
                currency: currency(&r.get::<_, String>(4))?,
                amount_minor: r.get(5),
                created_at: ms(r.get(6)),
            });
        }
        Ok(out)
    }

    async fn export_rows(&self, from: i64, to: i64) -> Result<Vec<BooksRow>, CashierError> {
        let client = self.client().await?;
        let mut out = Vec::new();
        for r in client
            .query(
                "SELECT counter, created_at, merchant_order_no, payment_no, wallet, status, currency,
                        amount_minor, staff, subject, error, exchange_rate
                 FROM orders WHERE created_at >= $1 AND created_at < $2 AND books = $3",
                &[&ts(from), &ts(to), &self.books],
            )
            .await
            .map_err(db_error)?
        {
            let cur = currency(&r.get::<_, String>(6))?;
            out.push(
                BooksRow::new(
                    r.get(0),
                    false,
                    ms(r.get(1)),
                    [Some(r.get(2)), r.get(3), None, None],
                    r.get(4),
                    r.get(5),
                    cur,
                    r.get(7),
                    r.get(8),
                    r.get(9),
                    r.get(10),
                )
                .at_rate(r.get(11), cur),
            );
        }
        for r in client
            .query(
                "SELECT r.counter, r.created_at, r.order_no, o.payment_no, r.outer_refund_no, r.refund_no,
                        r.wallet, r.status, r.currency, r.amount_minor, r.approved_by, r.reason, r.error,
                        o.exchange_rate
                 FROM refunds r LEFT JOIN orders o ON o.merchant_order_no = r.order_no
                 WHERE r.created_at >= $1 AND r.created_at < $2 AND r.books = $3",
                &[&ts(from), &ts(to), &self.books],
            )
            .await
            .map_err(db_error)?
        {
            let cur = currency(&r.get::<_, String>(8))?;
            out.push(
                BooksRow::new(
                    r.get(0),
                    true,
                    ms(r.get(1)),
                    [Some(r.get(2)), r.get(3), Some(r.get(4)), r.get(5)],
                    r.get(6),
                    r.get(7),
                    cur,
                    r.get(9),
                    r.get(10),
                    r.get(11),
                    r.get(12),
                )
                .at_rate(r.get(13), cur),
            );
        }
        Ok(out)
    }

    async fn save_check(
        &self,
        report: &MatchReport,
        raw_file: Option<&str>,
    ) -> Result<(), CashierError> {
        let client = self.client().await?;
        let date = chrono::NaiveDate::parse_from_str(&report.date, "%Y-%m-%d")
            .map_err(|e| CashierError::Input(e.to_string()))?;
        let json = serde_json::to_value(report).map_err(|e| CashierError::Input(e.to_string()))?;
        client
            .execute(
                "INSERT INTO statement_checks (date, matches, report, raw_file, checked_by)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (date) DO UPDATE SET matches = EXCLUDED.matches, report = EXCLUDED.report,
                     raw_file = EXCLUDED.raw_file, checked_by = EXCLUDED.checked_by, checked_at = now()",
                &[&date, &report.matches, &json, &raw_file, &self.counter],
            )
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn statement_matched(&self, date: &str) -> Result<Option<bool>, CashierError> {
        let client = self.client().await?;
        let date = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .map_err(|e| CashierError::Input(e.to_string()))?;
        let row = client
            .query_opt(
                "SELECT matches FROM statement_checks WHERE date = $1",
                &[&date],
            )
            .await
            .map_err(db_error)?;
        Ok(row.map(|r| r.get(0)))
    }
}
