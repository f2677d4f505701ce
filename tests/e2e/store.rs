//! The Store view with central books: the app (counter C1) and a second
//! counter (C2, `cashier-cli`) of the same merchant push to one real
//! PostgreSQL server; the header says the books are up to date, and a
//! manager sees the day per counter and HipoPay's statement matched.

use crate::app::{App, CentralBooks, Options, MANAGER, MANAGER_PIN};
use cashier_testkit::pg::PgServer;
use cashier_testkit::Counter;

const OWNER: &str = "cashier";
const PASSWORD: &str = "e2e-central-pw";

#[tokio::test(flavor = "multi_thread")]
async fn the_store_view_shows_every_counter_and_the_statement_matches() {
    let pg = PgServer::start();
    pg.create_owner_and_database(OWNER, PASSWORD, "cashier");
    let url = pg.url(OWNER, "cashier");
    let app = App::launch(Options {
        central: Some(CentralBooks {
            counter: "C1",
            url: url.clone(),
            password: PASSWORD.into(),
        }),
        ..Options::default()
    })
    .await;
    app.first_run_and_open_shift().await;
    app.keypad("12.50").await;
    app.wait_visible("#scan-ready").await;
    app.scanner_burst("134567890123456789").await;
    app.wait_attr("#result", "data-status", "PAID", 20).await;
    // The app pushes by itself: the header says when the books have it all.
    app.wait_attr("#books-status", "class", "books-status ok", 20)
        .await;

    // Counter C2 of the same merchant: its staff come from the central
    // books (Mei's PIN works there), and it sells 20.00 by Alipay.
    let dir = tempfile::tempdir().expect("temp dir");
    let c2 = Counter {
        sim: app.sim.clone(),
        config: dir.path().join("cashier.toml"),
        db: dir.path().join("ledger.sqlite3"),
        dir,
    };
    let c1_config = std::fs::read_to_string(&app.config_file).expect("config");
    let without_central = &c1_config[..c1_config.find("\n[central]").expect("central")];
    std::fs::write(&c2.config, format!("{without_central}\n")).expect("c2 config");
    c2.name("C2");
    c2.join_central(&url, PASSWORD);
    let push = c2.cli(&["books", "push", "--json"], &[]).await;
    assert_eq!(push.code, 0, "{} {}", push.stdout, push.stderr);
    let shift = c2
        .cli(
            &["shift", "open", "--staff", MANAGER],
            &[("CASHIER_PIN", MANAGER_PIN)],
        )
        .await;
    assert_eq!(shift.code, 0, "Mei's PIN works at C2: {}", shift.stderr);
    let paid = c2.pay("20.00", "284567890123456789", &[]).await;
    assert_eq!(paid.json()["status"], "PAID", "{}", paid.stdout);
    let c2_order = paid.json()["merchant_order_no"]
        .as_str()
        .expect("order number")
        .to_string();
    let push = c2.cli(&["books", "push", "--json"], &[]).await;
    assert_eq!(push.code, 0, "{} {}", push.stdout, push.stderr);

    // A customer of C2 comes to C1: the manager finds the order by its
    // number at the other counters and refunds 5.00 of it here.
    app.nav("orders").await;
    app.fill("#orders-search", &c2_order).await;
    app.wait_visible("#btn-orders-elsewhere").await;
    app.click("#btn-orders-elsewhere").await;
    app.wait_visible("#pin-dialog").await;
    app.fill("#pin-dialog-input", MANAGER_PIN).await;
    app.click("#pin-dialog-ok").await;
    app.wait_visible("#screen-refund").await;
    assert!(app.text("#refund-refundable").await.contains("20.00"));
    app.click("#refund-partial").await;
    app.fill("#refund-amount", "5").await;
    app.fill("#refund-reason", "bought at C2, returned at C1")
        .await;
    app.fill("#refund-pin", MANAGER_PIN).await;
    app.click("#btn-refund-submit").await;
    app.wait_attr("#refund-result", "data-status", "SUCCESS", 20)
        .await;
    let refunds = app.sim.refunds();
    assert_eq!(refunds.len(), 1, "{refunds:?}");
    assert_eq!(refunds[0].amount_minor, 500);
    // The app pushes the refund by itself, settled, within a few seconds.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let central = pg.sql(
            "cashier",
            "SELECT counter || ' ' || status || ' ' || amount_minor FROM refunds",
        );
        if central.trim() == "C1 SUCCESS 500" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the central books have {central:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    // The Store view asks a manager's PIN: a wrong one shows nothing.
    app.nav("store").await;
    app.wait_visible("#pin-dialog").await;
    app.fill("#pin-dialog-input", "135790").await;
    app.click("#pin-dialog-ok").await;
    app.wait_visible("#pin-dialog-error").await;
    assert!(!app.text("#pin-dialog-error").await.trim().is_empty());
    assert!(
        app.client
            .find_all(fantoccini::Locator::Css(".store-counter"))
            .await
            .unwrap()
            .is_empty(),
        "no counter shown without a manager's PIN"
    );
    // The right one: both counters.
    app.fill("#pin-dialog-input", MANAGER_PIN).await;
    app.click("#pin-dialog-ok").await;
    app.wait_hidden("#pin-dialog").await;
    app.wait_visible(".store-counter[data-counter=\"C2\"]")
        .await;
    let c1 = app.text(".store-counter[data-counter=\"C1\"]").await;
    assert!(c1.contains("12.50") && c1.contains("WeChat"), "{c1}");
    // The refund is C1's (it made it), of C2's Alipay payment.
    assert!(c1.contains("Alipay") && c1.contains("5.00"), "{c1}");
    let c2_day = app.text(".store-counter[data-counter=\"C2\"]").await;
    assert!(
        c2_day.contains("20.00") && c2_day.contains("Alipay"),
        "{c2_day}"
    );
    let scope = app.text("#store-scope").await;
    assert!(scope.contains("All counters"), "{scope}");
    assert!(app.text("#store-stamp").await.contains("Not yet matched"));

    // HipoPay's statement: both payments and the refund, to the cent.
    app.click("#btn-store-match").await;
    app.wait_visible("#store-match").await;
    let matched = app.text("#store-match").await;
    assert!(matched.contains("All 3 entries match"), "{matched}");
    app.wait_attr("#store-stamp", "class", "stamp ok", 10).await;
    app.screenshot("en", "17-store").await;

    // The server goes away: the header says the books are offline.
    pg.stop();
    app.nav("sale").await;
    app.wait_attr("#books-status", "class", "books-status bad", 40)
        .await;
    let before = books_waiting(&app).await;
    // A sale still goes through at once; its changes wait in the outbox, and
    // the header counts them as soon as the sale is made, not only after the
    // next push (4 s and more later, backing off while the server is away).
    app.keypad("3").await;
    app.wait_visible("#scan-ready").await;
    app.scanner_burst("134567890123456790").await;
    app.wait_attr("#result", "data-status", "PAID", 20).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while books_waiting(&app).await <= before {
        assert!(
            std::time::Instant::now() < deadline,
            "the header still counts {before} waiting after the sale"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // Back: the app sends what waited by itself, and the header says so.
    pg.start_again();
    app.wait_attr("#books-status", "class", "books-status ok", 60)
        .await;
    assert_eq!(
        pg.sql(
            "cashier",
            "SELECT count(*) FROM orders WHERE counter = 'C1' AND amount_minor = 300 AND status = 'PAID'"
        )
        .trim(),
        "1",
        "the sale made offline is in the central books"
    );
    app.close().await;
}

/// The changes waiting for the central books, as the header counts them
/// while the server is away ("offline since 17:54 (3 waiting)").
async fn books_waiting(app: &App) -> u32 {
    let header = app.text("#books-status").await;
    assert!(header.contains("offline since"), "{header}");
    header
        .rsplit_once('(')
        .and_then(|(_, n)| n.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a count in {header:?}"))
}
