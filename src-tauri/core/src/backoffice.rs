//! The back office's two questions about a day, asked of whichever books a
//! till keeps (its own ledger, or the central books for many counters):
//! what did the store take, and does HipoPay's statement agree to the cent.

use crate::books::Books;
use crate::daybook::{BooksRow, DayReport, DayRow};
use crate::error::CashierError;
use crate::hipopay::statement::{self, StatementLine};
use crate::hipopay::{HipoPayClient, HipoPayError};
use crate::ledger::Ledger;
use crate::statement_match::{match_day, BookEntry, MatchReport};
use chrono::{NaiveDate, TimeZone};
use std::collections::BTreeMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Books a day report and a statement match can be read from.
pub trait DaySource: Sync {
    /// Sums of payments and refunds made in `[from, to)` (UTC ms).
    fn day_rows(
        &self,
        from: i64,
        to: i64,
    ) -> impl Future<Output = Result<Vec<DayRow>, CashierError>> + Send;
    /// Unclear payments and refunds made in `[from, to)`, per counter.
    fn day_unclear(
        &self,
        from: i64,
        to: i64,
    ) -> impl Future<Output = Result<BTreeMap<String, i64>, CashierError>> + Send;
    /// Every payment and refund made in `[from, to)`.
    fn entries(
        &self,
        from: i64,
        to: i64,
    ) -> impl Future<Output = Result<Vec<BookEntry>, CashierError>> + Send;
    /// Every payment and refund made in `[from, to)`, as CSV rows.
    fn export_rows(
        &self,
        from: i64,
        to: i64,
    ) -> impl Future<Output = Result<Vec<BooksRow>, CashierError>> + Send;
    fn save_check(
        &self,
        report: &MatchReport,
        raw_file: Option<&str>,
    ) -> impl Future<Output = Result<(), CashierError>> + Send;
    fn statement_matched(
        &self,
        date: &str,
    ) -> impl Future<Output = Result<Option<bool>, CashierError>> + Send;
}

/// One till's own ledger, in one set of books (demo or live).
pub struct LocalBooks {
    pub ledger: Arc<Ledger>,
    /// This till's counter name.
    pub counter: String,
    pub books: Books,
}

impl DaySource for LocalBooks {
    async fn day_rows(&self, from: i64, to: i64) -> Result<Vec<DayRow>, CashierError> {
        Ok(self.ledger.day_rows(from, to, &self.counter, &self.books)?)
    }
    async fn day_unclear(&self, from: i64, to: i64) -> Result<BTreeMap<String, i64>, CashierError> {
        Ok(self
            .ledger
            .day_unclear(from, to, &self.counter, &self.books)?)
    }
    async fn entries(&self, from: i64, to: i64) -> Result<Vec<BookEntry>, CashierError> {
        Ok(self
            .ledger
            .book_entries(from, to, &self.counter, &self.books)?)
    }
    async fn export_rows(&self, from: i64, to: i64) -> Result<Vec<BooksRow>, CashierError> {
        Ok(self
            .ledger
            .export_rows(from, to, &self.counter, &self.books)?)
    }
    async fn save_check(
        &self,
        report: &MatchReport,
        raw_file: Option<&str>,
    ) -> Result<(), CashierError> {
        Ok(self.ledger.save_statement_check(report, raw_file)?)
    }
    async fn statement_matched(&self, date: &str) -> Result<Option<bool>, CashierError> {
        Ok(self.ledger.statement_matched(date)?)
    }
}

/// The day's close at this counter: its shifts, takings, refunds by
/// approver and what is still unclear, for `date` (local).
pub fn close_day(
    local: &LocalBooks,
    date: NaiveDate,
) -> Result<crate::ledger::DayClose, CashierError> {
    let (from, to) = crate::time::local_day_bounds(date);
    let shown = date.format("%Y-%m-%d").to_string();
    let ledger = &local.ledger;
    let rows = ledger.day_rows(from, to, &local.counter, &local.books)?;
    let unclear = ledger.day_unclear(from, to, &local.counter, &local.books)?;
    let day = DayReport::from_rows(&shown, &rows, &unclear, None);
    Ok(ledger.day_close(&shown, from, to, &local.counter, &local.books, &day)?)
}

/// `YYYY-MM-DD` as typed, or a clear error.
pub fn parse_date(text: &str) -> Result<NaiveDate, CashierError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        CashierError::Input(format!(
            "{:?} is not a date like 2026-12-02",
            crate::text::one_line(text, 20)
        ))
    })
}

/// The store's day (the shop's local calendar day).
pub async fn day_report(src: &impl DaySource, date: NaiveDate) -> Result<DayReport, CashierError> {
    let (from, to) = crate::time::local_day_bounds(date);
    let shown = date.format("%Y-%m-%d").to_string();
    let rows = src.day_rows(from, to).await?;
    let unclear = src.day_unclear(from, to).await?;
    let matched = src.statement_matched(&shown).await?;
    Ok(DayReport::from_rows(&shown, &rows, &unclear, matched))
}

/// `books export`: the day's payments and refunds at every counter the
/// books hold, one CSV row each, written owner-only to `out`. Returns the
/// row count.
pub async fn export_day(
    src: &impl DaySource,
    date: NaiveDate,
    out: &Path,
) -> Result<usize, CashierError> {
    let (from, to) = crate::time::local_day_bounds(date);
    let rows = src.export_rows(from, to).await?;
    let count = rows.len();
    let bytes = crate::daybook::books_csv(rows)?;
    crate::export::write_private(out, &bytes)?;
    Ok(count)
}

/// HipoPay's day `[start, end)` in UTC ms.
fn hipopay_day_bounds(date: NaiveDate) -> (i64, i64) {
    let offset = statement::hipopay_offset();
    let start = |d: NaiveDate| {
        offset
            .from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
            .single()
            .map_or(0, |t| t.timestamp_millis())
    };
    (start(date), start(date.succ_opt().unwrap_or(date)))
}

/// Fetches HipoPay's statement for `date` (and the day after, when that day
/// is over, for payments made just before midnight), keeps the raw file in
/// `keep_dir`, matches it against `src` and keeps the result.
pub async fn match_statement(
    src: &impl DaySource,
    client: &HipoPayClient,
    keep_dir: &Path,
    date: NaiveDate,
) -> Result<(MatchReport, PathBuf), CashierError> {
    let today = chrono::Utc::now()
        .with_timezone(&statement::hipopay_offset())
        .date_naive();
    if date > today {
        return Err(CashierError::Input(format!(
            "{date} has not begun yet at HipoPay (China and Hong Kong time)"
        )));
    }
    let next = date.succ_opt().filter(|d| *d < today);
    let bytes = client
        .download_statement(date, next.unwrap_or(date))
        .await?;
    let kept = keep(keep_dir, date, next.unwrap_or(date), &bytes)?;
    let lines = statement::parse(&bytes).map_err(|e| {
        CashierError::HipoPay(HipoPayError::Malformed(format!(
            "{e} (the file is kept as {})",
            kept.display()
        )))
    })?;
    let (day_from, day_to) = hipopay_day_bounds(date);
    let on_day = |l: &StatementLine| match l.time.as_deref().and_then(line_time) {
        Some(t) => t < day_to,
        None => true,
    };
    let (lines, later): (Vec<StatementLine>, Vec<StatementLine>) =
        lines.into_iter().partition(on_day);
    // Ours from the day before to the day after: a payment made before
    // midnight may be listed on either side of it.
    let day_ms = 86_400_000;
    let ours = src.entries(day_from - day_ms, day_to + day_ms).await?;
    let shown = date.format("%Y-%m-%d").to_string();
    let report = match_day(&shown, &lines, &later, &ours, |e| {
        (day_from..day_to).contains(&e.created_at)
    });
    src.save_check(&report, Some(&kept.display().to_string()))
        .await?;
    Ok((report, kept))
}

/// A statement line's time ("2026-12-02 10:00:01", HipoPay's time zone) in UTC ms.
fn line_time(text: &str) -> Option<i64> {
    let naive = chrono::NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M:%S").ok()?;
    statement::hipopay_offset()
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.timestamp_millis())
}

/// Every statement fetched is kept as it came, owner-only: the evidence
/// behind a match, and the way to read a file whose format changed.
fn keep(dir: &Path, from: NaiveDate, to: NaiveDate, bytes: &[u8]) -> Result<PathBuf, CashierError> {
    let storage = |e: std::io::Error| {
        CashierError::Storage(format!(
            "cannot keep HipoPay's statement in {}: {e}",
            dir.display()
        ))
    };
    std::fs::create_dir_all(dir).map_err(storage)?;
    let stamp = chrono::Local::now().format("%Y%m%dT%H%M%S%3f");
    let path = dir.join(format!(
        "hipopay-statement-{}-{}-fetched-{stamp}.txt",
        statement::statement_date(from),
        statement::statement_date(to)
    ));
    crate::fsutil::write_atomic(&path, bytes).map_err(storage)?;
    Ok(path)
}
