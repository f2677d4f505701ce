//! The store's day and HipoPay's statement, for the app's manager-only
//! Store view: over the central books when the till keeps them (every
//! counter), else over this till's own ledger (this counter). The same
//! core functions answer `cashier-cli books day` and `books match`.

use crate::Till;
use cashier_central::CounterStatus;
use cashier_core::backoffice::{self, LocalBooks};
use cashier_core::daybook::DayReport;
use cashier_core::paths::Paths;
use cashier_core::statement_match::MatchReport;
use cashier_core::CashierError;
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Serialize;
use std::sync::Arc;

/// A day of the store, as the Store view shows it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct StoreDay {
    /// Read from the central books (every counter), not this till alone.
    pub central: bool,
    /// This till's counter name.
    pub counter: String,
    pub report: DayReport,
    /// Every counter's pushing, as the central books saw it (empty without
    /// them, or while they cannot be reached: then `central_error` says why).
    pub counters: Vec<CounterStatus>,
    pub central_error: Option<String>,
}

impl Till {
    pub(crate) fn local_books(&self) -> LocalBooks {
        LocalBooks {
            ledger: Arc::clone(self.engine.ledger()),
            counter: self.engine.settings().counter.to_string(),
            books: self.engine.settings().books.clone(),
        }
    }

    /// The day `date` (today when none) across the counters these books hold.
    pub async fn store_day(&self, date: Option<&str>) -> Result<StoreDay, CashierError> {
        let date = day_or_today(date)?;
        let counter = self.engine.settings().counter.to_string();
        Ok(match &self.central {
            Some(central) => {
                let status = central.status().await?;
                let report = backoffice::day_report(central.as_ref(), date).await?;
                StoreDay {
                    central: true,
                    counter,
                    report,
                    counters: status.counters,
                    central_error: status.error,
                }
            }
            None => StoreDay {
                central: false,
                counter,
                report: backoffice::day_report(&self.local_books(), date).await?,
                counters: Vec::new(),
                central_error: None,
            },
        })
    }

    /// Fetches HipoPay's statement for `date` and matches it against these
    /// books; the raw file is kept beside the ledger (`statements/`).
    pub async fn store_match(
        &self,
        paths: &Paths,
        date: Option<&str>,
    ) -> Result<MatchReport, CashierError> {
        let date = day_or_today(date)?;
        let keep = paths.data_dir.join("statements");
        let client = self.engine.client();
        let (report, _kept) = match &self.central {
            Some(central) => {
                backoffice::match_statement(central.as_ref(), client, &keep, date).await?
            }
            None => backoffice::match_statement(&self.local_books(), client, &keep, date).await?,
        };
        Ok(report)
    }
}

fn day_or_today(date: Option<&str>) -> Result<NaiveDate, CashierError> {
    match date.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => backoffice::parse_date(d),
        None => Ok(chrono::Local::now().date_naive()),
    }
}
