//! The shop's central books on PostgreSQL, for many counters. A till stays
//! the source of truth for its own sales: its ledger works alone, and every
//! change it makes is queued in the same SQLite transaction (the ledger's
//! outbox) and pushed from here, in batches, by a background task; a sale
//! never waits on this crate. Back the other way come the staff every
//! counter shares and their PIN locks. Refunds of another counter's order
//! take that order's row lock here, so two counters can never refund more
//! than was paid.

mod connect;
mod pull;
mod push;
mod refund;
mod report;
mod schema;
mod status;

pub use push::PushReport;
pub use refund::{ForeignOrder, RefundClaim};
pub use status::{BooksStatus, CounterStatus};

use cashier_core::config::CentralConfig;
use cashier_core::ledger::{Ledger, LedgerError};
use cashier_core::CashierError;
use deadpool_postgres::Pool;
use std::sync::Arc;
use tokio::sync::OnceCell;

/// Something went wrong with the central books. The till's own ledger is
/// never the worse for it: what was not pushed is pushed later.
#[derive(Debug, thiserror::Error)]
pub enum CentralError {
    /// The server could not be reached, or the connection broke.
    #[error("the central books cannot be reached: {0}")]
    Unreachable(String),
    /// The server answered, and said no (a rule, a permission, a conflict).
    #[error("the central books refused: {0}")]
    Refused(String),
    #[error("{0}")]
    Config(String),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl CentralError {
    pub fn is_unreachable(&self) -> bool {
        matches!(self, CentralError::Unreachable(_))
    }
}

impl From<CentralError> for CashierError {
    fn from(e: CentralError) -> Self {
        match e {
            CentralError::Ledger(e) => e.into(),
            CentralError::Config(m) => CashierError::Config(m),
            other => CashierError::Central(other.to_string()),
        }
    }
}

/// A database error as a `CentralError`: no answer is "unreachable"; an
/// answer is a refusal, in the server's own words.
pub(crate) fn db_error(e: tokio_postgres::Error) -> CentralError {
    match e.as_db_error() {
        Some(db) => CentralError::Refused(format!("{} ({})", db.message(), db.code().code())),
        None => CentralError::Unreachable(one_line(&e)),
    }
}

pub(crate) fn pool_error(e: deadpool_postgres::PoolError) -> CentralError {
    match e {
        deadpool_postgres::PoolError::Backend(e) => db_error(e),
        other => CentralError::Unreachable(one_line(&other)),
    }
}

fn one_line(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cur = e.source();
    while let Some(inner) = cur {
        let more = inner.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        cur = inner.source();
    }
    cashier_core::text::one_line(&text, 300)
}

/// This till's link to the central books.
pub struct Central {
    pool: Pool,
    ledger: Arc<Ledger>,
    /// This till's counter name, and whose books it keeps (the key).
    counter: String,
    books: String,
    /// The schema was checked (and brought up to date) once.
    schema: OnceCell<()>,
}

impl Central {
    /// Ready to connect: nothing is sent until the first call.
    pub fn new(
        config: &CentralConfig,
        ledger: Arc<Ledger>,
        counter: &str,
        books: &cashier_core::books::Books,
    ) -> Result<Central, CentralError> {
        Ok(Central {
            pool: connect::pool(config)?,
            ledger,
            counter: counter.to_string(),
            books: books.key(),
            schema: OnceCell::new(),
        })
    }

    pub fn counter(&self) -> &str {
        &self.counter
    }

    pub fn ledger(&self) -> &Arc<Ledger> {
        &self.ledger
    }

    /// A connection, the schema checked first.
    pub(crate) async fn client(&self) -> Result<deadpool_postgres::Object, CentralError> {
        let client = self.pool.get().await.map_err(pool_error)?;
        self.schema
            .get_or_try_init(|| schema::ensure(&self.pool))
            .await?;
        Ok(client)
    }
}

/// ms since the epoch as PostgreSQL's timestamptz.
pub(crate) fn ts(ms: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

pub(crate) fn ms(t: chrono::DateTime<chrono::Utc>) -> i64 {
    t.timestamp_millis()
}
