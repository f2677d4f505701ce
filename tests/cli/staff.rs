//! Staff from the command line: five wrong PINs in a row lock the check
//! (even the right PIN is refused, nothing reaches HipoPay), a manager lifts
//! the lock, PINs are changed and reset, and staff deactivated.

use crate::common::{Counter, CASHIER_PIN, MANAGER_PIN};
use crate::{s, WECHAT_OK};
use serde_json::Value;

/// The seconds a till makes a person wait between wrong tries pass at once
/// (the ledger's record of the last wrong try is moved back).
fn pause_passes(c: &Counter) {
    let conn = rusqlite::Connection::open(&c.db).unwrap();
    conn.execute("UPDATE pin_failures SET last_failed_at = 0", [])
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn five_wrong_approvals_lock_refunds_until_a_manager_lifts_it() {
    let c = Counter::start().await;
    c.open_shift().await;
    let paid = c.pay("20.00", WECHAT_OK, &[]).await.json();
    let id = paid["id"].to_string();
    let refund = |pin: &'static str| {
        let id = id.clone();
        let c = &c;
        async move {
            c.cli(
                &["refund", &id, "--amount", "1.00", "--json"],
                &[("CASHIER_MANAGER_PIN", pin)],
            )
            .await
        }
    };
    let before = c.money_requests();
    for n in 1..=5 {
        let r = refund("000000").await;
        assert_eq!(
            (r.code, r.json()["kind"].clone()),
            (1, Value::from("auth")),
            "try {n}"
        );
        pause_passes(&c);
    }
    // Locked: the right PIN is refused too, and nothing reaches HipoPay.
    let r = refund(MANAGER_PIN).await;
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.json()["kind"], "locked", "{}", r.stdout);
    assert_eq!(r.json()["money_may_have_moved"], false);
    assert!(r.stderr.contains("locked"), "{}", r.stderr);
    assert_eq!(
        c.money_requests(),
        before,
        "a locked approval sends nothing"
    );
    let listed = c.cli(&["staff", "list", "--json"], &[]).await.json();
    assert_eq!(
        listed["locks"][0]["subject"]["who"], "approvals",
        "{listed}"
    );
    // A manager lifts it with their own named PIN; a wrong one is refused.
    let wrong = c
        .cli(
            &["staff", "unlock", "--by", "Mei", "--json"],
            &[("CASHIER_PIN", "111111")],
        )
        .await;
    assert_eq!(wrong.code, 1);
    let r = c
        .cli(
            &["staff", "unlock", "--by", "Mei", "--json"],
            &[("CASHIER_PIN", MANAGER_PIN)],
        )
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = refund(MANAGER_PIN).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(s(&r.json(), "status"), "SUCCESS");
}

#[tokio::test(flavor = "multi_thread")]
async fn five_wrong_logins_lock_that_person_only() {
    let c = Counter::start().await;
    c.open_shift().await;
    let close = c
        .cli(&["shift", "close"], &[("CASHIER_PIN", CASHIER_PIN)])
        .await;
    assert_eq!(close.code, 0, "{}", close.stderr);
    for _ in 0..5 {
        let r = c
            .cli(
                &["shift", "open", "--staff", "Bo", "--json"],
                &[("CASHIER_PIN", "9999")],
            )
            .await;
        assert_eq!(r.json()["kind"], "auth");
        pause_passes(&c);
    }
    let r = c
        .cli(
            &["shift", "open", "--staff", "Bo", "--json"],
            &[("CASHIER_PIN", CASHIER_PIN)],
        )
        .await;
    assert_eq!((r.code, r.json()["kind"].as_str()), (1, Some("locked")));
    // Mei is not locked; she lifts Bo's lock.
    let r = c
        .cli(
            &["staff", "unlock", "--name", "Bo", "--by", "Mei"],
            &[("CASHIER_PIN", MANAGER_PIN)],
        )
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = c
        .cli(
            &["shift", "open", "--staff", "Bo"],
            &[("CASHIER_PIN", CASHIER_PIN)],
        )
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn pins_are_changed_reset_and_staff_deactivated() {
    let c = Counter::start().await;
    c.open_shift().await;
    // Bo changes his own PIN: the old one, then the new one.
    let r = c
        .cli(
            &["staff", "pin", "--name", "Bo"],
            &[("CASHIER_PIN", CASHIER_PIN), ("CASHIER_NEW_PIN", "5555")],
        )
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    // A manager's new PIN has at least six digits.
    let short = c
        .cli(
            &["staff", "pin", "--name", "Mei", "--json"],
            &[("CASHIER_PIN", MANAGER_PIN), ("CASHIER_NEW_PIN", "1234")],
        )
        .await;
    assert_eq!(short.code, 1);
    assert!(short.json()["error"].as_str().unwrap().contains("6 to 12"));
    // A manager resets Bo's PIN.
    let r = c
        .cli(
            &["staff", "pin", "--name", "Bo"],
            &[
                ("CASHIER_MANAGER_PIN", MANAGER_PIN),
                ("CASHIER_NEW_PIN", "6666"),
            ],
        )
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    c.cli(&["shift", "close"], &[("CASHIER_PIN", "6666")]).await;
    // Deactivated, Bo can no longer open a shift; Mei, the last manager, stays.
    let r = c
        .cli(
            &["staff", "deactivate", "--name", "Bo"],
            &[("CASHIER_MANAGER_PIN", MANAGER_PIN)],
        )
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = c
        .cli(
            &["shift", "open", "--staff", "Bo"],
            &[("CASHIER_PIN", "6666")],
        )
        .await;
    assert_eq!(r.code, 1);
    let r = c
        .cli(
            &["staff", "deactivate", "--name", "Mei", "--json"],
            &[("CASHIER_MANAGER_PIN", MANAGER_PIN)],
        )
        .await;
    assert_eq!(r.code, 1);
    assert!(r.json()["error"]
        .as_str()
        .unwrap()
        .contains("last active manager"));
}
