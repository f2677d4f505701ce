//! `books status`: every counter's pushing, as the central books saw it,
//! and this till's own as it sees it (which the central books cannot know
//! while it cannot reach them).

use crate::{db_error, Central, CentralError};
use cashier_core::ledger::sync::SyncState;
use schemars::JsonSchema;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, JsonSchema, PartialEq)]
pub struct CounterStatus {
    pub counter: String,
    pub last_push_at: Option<String>,
    /// Seconds from the oldest change still waiting to be pushed (as the
    /// counter last said) to now; 0 when nothing waits.
    pub lag_secs: i64,
    /// Changes waiting at the counter, as it last said.
    pub outbox: i64,
    pub pushed_rows: i64,
    pub refused_rows: i64,
    pub errors: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema, PartialEq)]
pub struct BooksStatus {
    /// This till, as it sees itself.
    pub this_till: SyncState,
    /// Whether the central books answered now.
    pub reachable: bool,
    /// Why not, when not.
    pub error: Option<String>,
    /// Every counter, as the central books saw them.
    pub counters: Vec<CounterStatus>,
}

impl Central {
    pub async fn status(&self) -> Result<BooksStatus, CentralError> {
        let this_till = self.ledger.sync_state()?;
        let counters = self.counters().await;
        Ok(match counters {
            Ok(counters) => BooksStatus {
                this_till,
                reachable: true,
                error: None,
                counters,
            },
            Err(e) if e.is_unreachable() => BooksStatus {
                this_till,
                reachable: false,
                error: Some(e.to_string()),
                counters: Vec::new(),
            },
            Err(e) => return Err(e),
        })
    }

    async fn counters(&self) -> Result<Vec<CounterStatus>, CentralError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT counter, last_push_at, outbox_depth,
                        COALESCE(EXTRACT(EPOCH FROM now() - oldest_waiting)::bigint, 0),
                        pushed_rows, refused_rows, last_warning
                 FROM counters ORDER BY counter",
                &[],
            )
            .await
            .map_err(db_error)?;
        Ok(rows
            .iter()
            .map(|r| CounterStatus {
                counter: r.get(0),
                last_push_at: r
                    .get::<_, Option<chrono::DateTime<chrono::Utc>>>(1)
                    .map(|t| cashier_core::time::iso(t.timestamp_millis())),
                outbox: r.get(2),
                lag_secs: r.get::<_, i64>(3).max(0),
                pushed_rows: r.get(4),
                refused_rows: r.get(5),
                errors: r.get(6),
            })
            .collect())
    }
}
