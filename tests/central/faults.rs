//! The central books under faults: the server away for a whole day of
//! sales, killed in the middle of a batch, five tills pushing at once, a
//! till restored from an old copy of its ledger, the database dropped and
//! made again. Every change arrives once; nothing ever goes back.

use super::{central_rows, push, refund, s, server, till};
use crate::common::Counter;
use cashier_core::ledger::{Ledger, NewOrder, OrderStatus, OrderUpdate, PaymentFlow};
use cashier_core::money::{Currency, Money};
use cashier_core::wallet::Wallet;

/// What the central books hold of one counter, row by row.
fn central_orders(pg: &crate::common::pg::PgServer, counter: &str) -> Vec<String> {
    central_rows(
        pg,
        &format!(
            "SELECT local_id || ' ' || merchant_order_no || ' ' || status || ' ' || amount_minor || ' ' || ver
             FROM orders WHERE counter = '{counter}' ORDER BY local_id"
        ),
    )
}

/// The same, from the till's own ledger.
fn local_orders(c: &Counter) -> Vec<String> {
    let db = rusqlite::Connection::open(&c.db).unwrap();
    let mut stmt = db
        .prepare(
            "SELECT id || ' ' || merchant_order_no || ' ' || status || ' ' || amount_minor || ' ' || ver
             FROM orders WHERE imported = 0 ORDER BY id",
        )
        .unwrap();
    stmt.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn local_count(c: &Counter, table: &str) -> i64 {
    let db = rusqlite::Connection::open(&c.db).unwrap();
    db.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// `count` payments written through the ledger's own API (as a day of
/// sales would), each PAID: many changes queued at once.
fn a_busy_day(c: &Counter, count: usize) {
    let ledger = Ledger::open(&c.db).unwrap();
    let shift = ledger.current_shift().unwrap().unwrap();
    for i in 0..count {
        let order = ledger
            .insert_order(&NewOrder {
                merchant_order_no: format!("C1-BUSY{i:06}"),
                counter: "C1".into(),
                shift_id: shift.id,
                staff_id: shift.staff_id,
                wallet: Wallet::Wechat,
                flow: PaymentFlow::Scan,
                amount: Money::new(100 + i as i64, Currency::HKD),
                subject: "a busy day".into(),
                code_hash: None,
                code_masked: None,
            })
            .unwrap();
        ledger
            .update_order(
                order.id,
                &OrderUpdate {
                    status: Some(OrderStatus::Paid),
                    payment_no: Some(format!("P{i}")),
                    ..OrderUpdate::default()
                },
                "test",
            )
            .unwrap();
    }
}

/// The server away while the till sells and refunds: the till never
/// waits, `books push` says "later" (exit 3) and keeps everything; once the
/// server is back every change arrives once, as the till has it.
#[tokio::test(flavor = "multi_thread")]
async fn a_day_offline_arrives_once_when_the_server_is_back() {
    let pg = server();
    let c = till(&pg, "C1", None).await;
    push(&c).await;
    pg.stop();
    let first = c.pay("12.50", "134567890123456000", &[]).await;
    assert_eq!(first.code, 0, "a sale does not wait for the central books");
    let id = first.json()["id"].to_string();
    assert_eq!(c.pay("3.20", "284567890123456000", &[]).await.code, 0);
    assert_eq!(refund(&c, &id, "2.50").await.code, 0);
    let r = c.cli(&["books", "push", "--json"], &[]).await;
    assert_eq!(r.code, 3, "{} {}", r.stdout, r.stderr);
    assert!(r.json()["remaining"].as_i64().unwrap() > 0);
    let status = c.cli(&["books", "status", "--json"], &[]).await.json();
    assert_eq!(status["reachable"], false, "{status}");
    assert!(status["this_till"]["offline_since"].is_string(), "{status}");
    assert!(status["this_till"]["outbox"].as_i64().unwrap() > 0);

    pg.start_again();
    let done = push(&c).await;
    assert_eq!(done["remaining"], 0);
    assert_eq!(central_orders(&pg, "C1"), local_orders(&c));
    assert_eq!(
        central_rows(&pg, "SELECT count(*) FROM audit_log")[0],
        local_count(&c, "audit_log").to_string(),
        "every audit row, once"
    );
    let refunds = central_rows(&pg, "SELECT amount_minor || ' ' || status FROM refunds");
    assert_eq!(refunds, ["250 SUCCESS"]);
    // In order, to the last: the books have taken the till's changes up to
    // the newest it ever queued (the outbox's sequence), and not beyond.
    let last_queued: i64 = rusqlite::Connection::open(&c.db)
        .unwrap()
        .query_row(
            "SELECT seq FROM sqlite_sequence WHERE name = 'outbox'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        central_rows(&pg, "SELECT last_seq FROM counters WHERE counter = 'C1'"),
        [last_queued.to_string()]
    );
    assert_eq!(local_count(&c, "outbox"), 0, "nothing left to send");
    // Pushing again changes nothing.
    let again = push(&c).await;
    assert_eq!(
        (again["pushed"].as_u64(), again["refused"].as_u64()),
        (Some(0), Some(0))
    );
    let status = c.cli(&["books", "status", "--json"], &[]).await.json();
    assert_eq!(
        status["this_till"]["offline_since"],
        serde_json::Value::Null
    );
    let me = &status["counters"][0];
    assert_eq!(
        (s(me, "counter"), me["outbox"].as_i64()),
        ("C1".into(), Some(0))
    );
    // When it last pushed, and nothing left behind: no lag.
    let last = chrono::DateTime::parse_from_rfc3339(&s(me, "last_push_at")).unwrap();
    let age = chrono::Utc::now().signed_duration_since(last);
    assert!(age.num_seconds().abs() < 300, "{me}");
    assert_eq!(me["lag_secs"], 0, "{me}");
    assert!(me["pushed_rows"].as_i64().unwrap() > 0, "{me}");
}

/// PostgreSQL killed while a batch is half written (its transaction held
/// on a row another session is writing): the batch is lost whole, nothing
/// of it half there; the next push sends it again, and every row is in
/// the books once.
#[tokio::test(flavor = "multi_thread")]
async fn postgres_killed_in_the_middle_of_a_batch_loses_nothing() {
    let pg = server();
    let c = till(&pg, "C1", None).await;
    push(&c).await;
    a_busy_day(&c, 700);
    // Another session writes order #300's key and holds it: the push's
    // batch stops there, its first rows written but not committed.
    let holder = super::owner_connection(&pg).await;
    holder.batch_execute("BEGIN").await.unwrap();
    holder
        .batch_execute(
            "INSERT INTO orders (counter, local_id, ver, merchant_order_no, shift_local_id, staff, wallet,
                 flow, status, amount_minor, currency, subject, abandoned, needs_review, books,
                 created_at, updated_at)
             VALUES ('C1', 300, 1, 'HELD', 1, 'x', 'wechat', 'scan', 'PENDING', 1, 'HKD', 'x', false,
                 false, 'x', now(), now())",
        )
        .await
        .unwrap();
    let mut pushing = c
        .command(&["books", "push", "--json"], &[])
        .spawn()
        .unwrap();
    let watcher = super::owner_connection(&pg).await;
    let mut waited = false;
    for _ in 0..600 {
        let waiting: i64 = watcher
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND application_name = 'cashier'",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        if waiting > 0 {
            waited = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(waited, "the push waits inside its batch");
    pg.kill();
    let status = pushing.wait().await.unwrap();
    assert_eq!(status.code(), Some(3), "the push says: later");
    pg.start_again();
    assert_eq!(
        central_rows(
            &pg,
            "SELECT count(*) FROM orders WHERE merchant_order_no = 'HELD'"
        )[0],
        "0"
    );
    let done = push(&c).await;
    assert_eq!(done["remaining"], 0, "{done}");
    let central = central_orders(&pg, "C1");
    assert_eq!(central.len(), 700, "the whole busy day");
    assert_eq!(
        central,
        local_orders(&c),
        "every row once, as the till has it"
    );
}

/// Two tills, then five, pushing at the same moment: each counter's rows
/// arrive whole, none mixed with another's.
#[tokio::test(flavor = "multi_thread")]
async fn two_then_five_tills_push_at_once() {
    let pg = server();
    let first = till(&pg, "C1", None).await;
    push(&first).await;
    let mut tills = vec![first];
    for n in 2..=5 {
        let c = till(&pg, &format!("C{n}"), Some(&tills[0])).await;
        tills.push(c);
    }
    for (round, group) in [2usize, 5].into_iter().enumerate() {
        for (i, c) in tills.iter().take(group).enumerate() {
            let code = format!("1345678901234{round}{i}000");
            assert_eq!(c.pay("10.00", &code, &[]).await.code, 0);
        }
        let pushes = tills
            .iter()
            .take(group)
            .map(|c| c.cli(&["books", "push", "--json"], &[]));
        for r in futures_join(pushes).await {
            assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
        }
        for (i, c) in tills.iter().take(group).enumerate() {
            assert_eq!(
                central_orders(&pg, &format!("C{}", i + 1)),
                local_orders(c),
                "counter C{}",
                i + 1
            );
        }
    }
}

async fn futures_join<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let handles: Vec<_> = futures.map(Box::pin).collect();
    let mut out = Vec::new();
    // Started together (each future spawns its process on first poll).
    let mut pending: Vec<_> = handles.into_iter().map(Some).collect();
    let mut results: Vec<Option<F::Output>> = (0..pending.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut all = true;
        for (i, slot) in pending.iter_mut().enumerate() {
            if let Some(f) = slot {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => {
                        results[i] = Some(v);
                        *slot = None;
                    }
                    std::task::Poll::Pending => all = false,
                }
            }
        }
        if all {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    for r in results {
        out.push(r.unwrap());
    }
    out
}

/// A till put back to an old copy of its ledger: its older rows never
/// replace newer ones in the central books, not even by `books resync`; a
/// new sale under a number the central books hold for another order is
/// refused (and said), never written over it.
#[tokio::test(flavor = "multi_thread")]
async fn a_till_restored_from_an_old_copy_never_takes_the_books_back() {
    let pg = server();
    let c = till(&pg, "C1", None).await;
    let sale = c.pay("40.00", "134567890123456000", &[]).await.json();
    push(&c).await;
    let copy = c.dir.path().join("old-copy.sqlite3");
    std::fs::copy(&c.db, &copy).unwrap();
    // After the copy: a refund and another sale, pushed.
    assert_eq!(refund(&c, &sale["id"].to_string(), "15").await.code, 0);
    let later = c.pay("7.00", "134567890123456001", &[]).await.json();
    push(&c).await;
    let before = central_orders(&pg, "C1");
    let refunds_before = central_rows(&pg, "SELECT outer_refund_no || ' ' || status FROM refunds");

    // The till is put back to the copy, and goes on selling.
    std::fs::copy(&copy, &c.db).unwrap();
    let _ = std::fs::remove_file(format!("{}-wal", c.db.display()));
    let after_restore = c.pay("9.99", "134567890123456002", &[]).await.json();
    assert_eq!(
        after_restore["id"], later["id"],
        "the same local number, another order"
    );
    let r = c.cli(&["books", "push", "--json"], &[]).await;
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    let pushed = r.json();
    assert!(pushed["refused"].as_u64().unwrap() > 0, "{pushed}");
    assert!(
        pushed["warnings"][0].as_str().unwrap().contains("restored"),
        "{pushed}"
    );
    let r = c.cli(&["books", "resync", "--json"], &[]).await;
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    assert_eq!(
        central_orders(&pg, "C1"),
        before,
        "no central row went back"
    );
    assert_eq!(
        central_rows(&pg, "SELECT outer_refund_no || ' ' || status FROM refunds"),
        refunds_before
    );
    let status = c.cli(&["books", "status", "--json"], &[]).await.json();
    assert!(status["this_till"]["refused_rows"].as_i64().unwrap() > 0);
    assert!(
        status["this_till"]["last_error"]
            .as_str()
            .unwrap()
            .contains("restored"),
        "{status}"
    );
}

/// The central database dropped and made again: `books resync` pushes the
/// till's whole history into it.
#[tokio::test(flavor = "multi_thread")]
async fn a_recreated_database_gets_everything_again_by_resync() {
    let pg = server();
    let c = till(&pg, "C1", None).await;
    let sale = c.pay("40.00", "134567890123456000", &[]).await.json();
    assert_eq!(refund(&c, &sale["id"].to_string(), "15").await.code, 0);
    push(&c).await;
    let before = central_orders(&pg, "C1");
    pg.drop_and_recreate("cashier", super::OWNER);
    push(&c).await;
    assert!(
        central_orders(&pg, "C1").is_empty(),
        "nothing queued, nothing pushed"
    );
    let r = c.cli(&["books", "resync", "--json"], &[]).await;
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    assert_eq!(central_orders(&pg, "C1"), before);
    assert_eq!(
        central_rows(&pg, "SELECT amount_minor || ' ' || status FROM refunds"),
        ["1500 SUCCESS"]
    );
    assert_eq!(
        central_rows(&pg, "SELECT count(*) FROM audit_log")[0],
        local_count(&c, "audit_log").to_string()
    );
}
