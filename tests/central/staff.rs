//! One staff list for every counter: a person added or a PIN changed at
//! one till works at the others after their next push (which pulls), also
//! offline with the last copy; wrong PINs at one counter lock that person
//! at every counter.

use super::{push, server, till};
use crate::common::{CASHIER_PIN, MANAGER_PIN};

#[tokio::test(flavor = "multi_thread")]
async fn staff_pins_and_locks_are_the_shops() {
    let pg = server();
    let c1 = till(&pg, "C1", None).await;
    push(&c1).await;
    let c2 = till(&pg, "C2", Some(&c1)).await;

    // Kit joins at C2; C1 knows her after its next push.
    let r = c2
        .cli(
            &["staff", "add", "--name", "Kit", "--role", "cashier"],
            &[
                ("CASHIER_PIN", "5678"),
                ("CASHIER_MANAGER_PIN", MANAGER_PIN),
            ],
        )
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    push(&c2).await;
    push(&c1).await;
    let staff = c1.cli(&["staff", "list", "--json"], &[]).await.json();
    assert!(
        staff["staff"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "Kit"),
        "{staff}"
    );

    // Bo changes his PIN at C1: the new one works at C2, the old one not.
    let r = c1
        .cli(
            &["staff", "pin", "--name", "Bo"],
            &[("CASHIER_PIN", CASHIER_PIN), ("CASHIER_NEW_PIN", "4321")],
        )
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    push(&c1).await;
    push(&c2).await;
    let close = c2
        .cli(&["shift", "close"], &[("CASHIER_PIN", "4321")])
        .await;
    assert_eq!(
        close.code, 0,
        "the new PIN closes Bo's shift at C2: {}",
        close.stderr
    );

    // The central server goes away: C2 still knows everyone (its copy).
    pg.stop();
    let r = c2
        .cli(
            &["shift", "open", "--staff", "Kit"],
            &[("CASHIER_PIN", "5678")],
        )
        .await;
    assert_eq!(r.code, 0, "offline with the last copy: {}", r.stderr);
    pg.start_again();

    // Five wrong PINs for Bo at C1: after the push and pull, Bo is locked
    // at C2 too, even with the right PIN, until a manager unlocks him.
    for _ in 0..5 {
        let conn = rusqlite::Connection::open(&c1.db).unwrap();
        conn.execute("UPDATE pin_failures SET last_failed_at = 0", [])
            .unwrap();
        drop(conn);
        let r = c1
            .cli(
                &["shift", "open", "--staff", "Bo"],
                &[("CASHIER_PIN", "0000")],
            )
            .await;
        assert_eq!(r.code, 1);
    }
    push(&c1).await;
    push(&c2).await;
    let r = c2
        .cli(&["shift", "close"], &[("CASHIER_PIN", "5678")])
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = c2
        .cli(
            &["shift", "open", "--staff", "Bo", "--json"],
            &[("CASHIER_PIN", "4321")],
        )
        .await;
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(r.json()["kind"], "locked", "{}", r.stdout);
    let r = c2
        .cli(
            &["staff", "unlock", "--name", "Bo", "--by", "Mei"],
            &[("CASHIER_PIN", MANAGER_PIN)],
        )
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    push(&c2).await;
    push(&c1).await;
    // (Bo's shift at C1, open since the start, closes with his PIN.)
    let r = c1
        .cli(&["shift", "close"], &[("CASHIER_PIN", "4321")])
        .await;
    assert_eq!(r.code, 0, "unlocked at C2, so at C1: {}", r.stderr);
}
