//! The central schema, versioned (migrations/, applied with refinery). The
//! database's owner brings it up to date; a counter's own role only checks
//! it, and says plainly when it cannot.

use crate::{db_error, pool_error, CentralError};
use deadpool_postgres::Pool;

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// The newest schema version this build knows.
fn latest() -> i32 {
    embedded::migrations::runner()
        .get_migrations()
        .iter()
        .map(|m| m.version())
        .max()
        .unwrap_or(0)
}

pub async fn ensure(pool: &Pool) -> Result<(), CentralError> {
    let mut client = pool.get().await.map_err(pool_error)?;
    let applied: Option<i32> = match client
        .query_one("SELECT max(version) FROM refinery_schema_history", &[])
        .await
    {
        Ok(row) => row.get(0),
        // No history table: a new database.
        Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::UNDEFINED_TABLE) => None,
        Err(e) => return Err(db_error(e)),
    };
    let latest = latest();
    match applied {
        Some(v) if v > latest => Err(CentralError::Refused(format!(
            "the central books were set up by a newer Cashier (schema {v}, this till knows {latest}): update this till"
        ))),
        Some(v) if v == latest => Ok(()),
        _ => {
            let client: &mut tokio_postgres::Client = &mut client;
            embedded::migrations::runner()
                .run_async(client)
                .await
                .map(|_| ())
                .map_err(|e| {
                    CentralError::Refused(format!(
                        "the central books' schema must be brought to version {latest}, and this role may not do it ({e}): connect once as the database's owner"
                    ))
                })
        }
    }
}
