//! Who may write what in the central books: each counter signs in with its
//! own role, and row-level security lets that role write its own counter's
//! rows only; a password is never in a config, a log or an error.

use super::{push, server, OWNER};
use crate::common::Counter;

/// C1 and C2 with their own roles. C2, misnamed "C1", is refused by the
/// central books; and C2's role, writing C1's rows by hand, is stopped by
/// PostgreSQL itself.
#[tokio::test(flavor = "multi_thread")]
async fn a_counters_role_writes_only_its_own_counters_rows() {
    let (pg, c1) = super::c1_on_its_own_role().await;
    assert_eq!(c1.pay("12.50", "134567890123456000", &[]).await.code, 0);
    push(&c1).await;

    let c2 = Counter::beside(&c1);
    c2.name("C1");
    c2.join_central(&pg.url("till_c2", "cashier"), "c2-pw");
    let r = c2.cli(&["books", "push", "--json"], &[]).await;
    assert_eq!(r.code, 1, "{} {}", r.stdout, r.stderr);
    let e = r.json();
    assert_eq!(e["kind"], "central");
    assert!(
        e["error"]
            .as_str()
            .unwrap()
            .contains("another database role"),
        "{e}"
    );

    // By hand, as till_c2: C1's rows cannot be changed or added to.
    let (client, conn) = tokio_postgres::connect(
        &format!("{} password=c2-pw", pg.conninfo("till_c2", "cashier")),
        tokio_postgres::NoTls,
    )
    .await
    .unwrap();
    tokio::spawn(conn);
    let changed = client
        .execute(
            "UPDATE orders SET status = 'FAILED' WHERE counter = 'C1'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(changed, 0, "C1's orders are not C2's to change");
    let added = client
        .execute(
            "INSERT INTO audit_log (counter, local_id, at, action, detail) VALUES ('C1', 999, now(), 'x', 'x')",
            &[],
        )
        .await
        .unwrap_err();
    assert!(
        added.to_string().contains("row-level security")
            || format!("{added:?}").contains("row-level security"),
        "{added:?}"
    );
    assert_eq!(
        pg.sql("cashier", "SELECT status FROM orders WHERE counter = 'C1'"),
        "PAID"
    );
}

/// A wrong password, and a password file others can read: refused with a
/// clear word, the password itself never repeated.
#[tokio::test(flavor = "multi_thread")]
async fn passwords_stay_secret_and_wrong_ones_are_refused_clearly() {
    use std::os::unix::fs::PermissionsExt;
    let pg = server();
    let c = Counter::start().await;
    c.name("C1");
    c.open_shift().await;
    c.join_central(&pg.url(OWNER, "cashier"), "not-the-password-42");
    let r = c.cli(&["books", "push", "--json"], &[]).await;
    assert_eq!(r.code, 1, "{} {}", r.stdout, r.stderr);
    let e = r.json();
    assert_eq!(e["kind"], "central", "{e}");
    assert!(e["error"].as_str().unwrap().contains("password"), "{e}");
    assert!(!r.stdout.contains("not-the-password-42") && !r.stderr.contains("not-the-password-42"));

    let pw = c.dir.path().join("central.password");
    std::fs::set_permissions(&pw, std::fs::Permissions::from_mode(0o644)).unwrap();
    let r = c.cli(&["books", "status", "--json"], &[]).await;
    assert_eq!(r.code, 1, "{} {}", r.stdout, r.stderr);
    assert_eq!(r.json()["kind"], "config");
    assert!(r.stderr.contains("chmod 600"), "{}", r.stderr);
    assert!(!r.stderr.contains("not-the-password-42"));
    // A sale never needs the central books.
    assert_eq!(
        c.pay("1.00", "134567890123456000", &[]).await.code,
        1,
        "the broken config is refused first"
    );
}
