//! Central books end to end: several tills (real `cashier-cli` processes,
//! each with its own SQLite ledger) against one real PostgreSQL server the
//! test starts itself, and one HipoPay sandbox. One module per concern.
#![allow(clippy::unwrap_used)]

use cashier_testkit as common;

mod faults;
mod refunds;
mod reports;
mod security;
mod staff;

use common::pg::PgServer;
use common::{Counter, MANAGER_PIN};
use serde_json::Value;

const OWNER: &str = "cashier";
const OWNER_PASSWORD: &str = "owner-pw-1";

/// A text field of a JSON answer; a missing one fails the test (never
/// reads as empty).
fn s(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("no {key} in {v}"))
        .to_string()
}

/// A PostgreSQL server with the shop's database, owned by `cashier`.
fn server() -> PgServer {
    let pg = PgServer::start();
    pg.create_owner_and_database(OWNER, OWNER_PASSWORD, "cashier");
    pg
}

/// A till named `name` on the central books, as the owner role, staffed
/// (Mei the manager, Bo the cashier) with a shift open. Beside `first`
/// when given (same HipoPay merchant); its staff then come from the
/// central books.
async fn till(pg: &PgServer, name: &str, first: Option<&Counter>) -> Counter {
    let c = match first {
        Some(other) => Counter::beside(other),
        None => Counter::start().await,
    };
    c.name(name);
    c.join_central(&pg.url(OWNER, "cashier"), OWNER_PASSWORD);
    match first {
        None => c.open_shift().await,
        Some(_) => {
            let r = push(&c).await;
            assert_eq!(r["remaining"], 0, "{r}");
            bo_opens_a_shift(&c).await;
        }
    }
    c
}

/// Bo the cashier opens a shift at `c` with the PIN the central books
/// gave it (staff pulled by the last push).
async fn bo_opens_a_shift(c: &Counter) {
    let r = c
        .cli(
            &["shift", "open", "--staff", "Bo"],
            &[("CASHIER_PIN", common::CASHIER_PIN)],
        )
        .await;
    assert_eq!(r.code, 0, "Bo's PIN works at this counter: {}", r.stderr);
}

/// A server with two counter roles (till_c1, till_c2), and C1 on its own
/// role: the owner set the schema up first (a counter's role may not),
/// with Mei and Bo and a shift open at C1.
async fn c1_on_its_own_role() -> (PgServer, Counter) {
    let pg = server();
    pg.create_role("till_c1", "c1-pw");
    pg.create_role("till_c2", "c2-pw");
    let c1 = Counter::start().await;
    c1.name("C1");
    c1.join_central(&pg.url(OWNER, "cashier"), OWNER_PASSWORD);
    c1.open_shift().await;
    assert_eq!(c1.cli(&["books", "status"], &[]).await.code, 0);
    c1.join_central(&pg.url("till_c1", "cashier"), "c1-pw");
    (pg, c1)
}

/// `books push --json`, which must succeed.
async fn push(c: &Counter) -> Value {
    let r = c.cli(&["books", "push", "--json"], &[]).await;
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    r.json()
}

/// Rows of a table in the central books, as text, for comparing.
fn central_rows(pg: &PgServer, sql: &str) -> Vec<String> {
    let out = pg.sql("cashier", sql);
    out.lines()
        .map(str::to_string)
        .filter(|l| !l.is_empty())
        .collect()
}

/// A refund by a manager at `c`, as the CLI answers it.
async fn refund(c: &Counter, order: &str, amount: &str) -> common::CliOutput {
    c.cli(
        &["refund", order, "--amount", amount, "--json"],
        &[("CASHIER_MANAGER_PIN", MANAGER_PIN)],
    )
    .await
}

/// A session as the database's owner, for a test to look and lock.
async fn owner_connection(pg: &PgServer) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(
        &format!(
            "{} password={OWNER_PASSWORD}",
            pg.conninfo(OWNER, "cashier")
        ),
        tokio_postgres::NoTls,
    )
    .await
    .unwrap();
    tokio::spawn(conn);
    client
}
