//! End-to-end: the real Cashier app in its real webview, driven like a
//! cashier would, against the HipoPay sandbox. Each app gets its own Xvfb
//! server (`cashier_testkit::app::XServer`). Screenshots land in
//! docs/screenshots/{en,zh-Hant}.
#![allow(clippy::unwrap_used)]

mod app;
mod installed;
mod page;
mod receipts;
mod store;

use app::{App, Options, MANAGED_SCREEN, MANAGER_PIN};
use fantoccini::Locator;

/// Decodes the QR code in a screenshot (kept for a look when it cannot).
fn decode_qr(png: &[u8]) -> String {
    let keep = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-failures");
    cashier_testkit::app::decode_qr(png, &keep)
}
use std::io::Write;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread")]
async fn keyboard_wedge_scan_payment() {
    let app = App::launch(Options::default()).await;
    app.first_run_and_open_shift().await;
    app.keypad("12.50").await;
    app.wait_visible("#scan-ready").await;
    app.scanner_burst("134567890123456789").await;
    app.wait_attr("#result", "data-status", "PAID", 20).await;
    let amount = app.text("#result-amount").await;
    assert!(amount.contains("12.50"), "{amount}");
    let order = app.only_sim_order();
    assert_eq!(
        (
            order.amount_minor,
            order.currency.as_str(),
            order.wallet.as_str()
        ),
        (1250, "HKD", "wechat")
    );
    assert_eq!(order.auth_code.as_deref(), Some("134567890123456789"));
    // The burst never leaked into the note field.
    app.click("#btn-new-sale").await;
    let note = app
        .wait_visible("#note-input")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        !note.contains("1345"),
        "scanned digits leaked into the note: {note:?}"
    );
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_burst_typed_into_the_note_field_is_a_scan_not_text() {
    let app = App::launch(Options::default()).await;
    app.first_run_and_open_shift().await;
    app.keypad("3").await;
    app.click("#note-input").await;
    app.human_types("tea").await;
    app.scanner_burst("284567890123456789").await;
    app.wait_attr("#result", "data-status", "PAID", 20).await;
    assert_eq!(app.only_sim_order().wallet, "alipay");
    assert_eq!(
        app.only_sim_order().description,
        "tea",
        "human typing still reaches the note"
    );
    app.close().await;
}

/// Two customers, the same amount, one right after the other, with codes
/// that mask alike: each result screen shows its own order, known by the id
/// the start call returned (never by amount or code), even when the first
/// one is paid late, while the second is on screen.
#[tokio::test(flavor = "multi_thread")]
async fn two_quick_scans_of_the_same_amount_each_show_their_own_order() {
    let app = App::launch(Options::default()).await;
    app.first_run_and_open_shift().await;
    let first_code = "134512345678900103"; // the customer never confirms
    let second_code = "134598765432100000"; // paid at once; masks like the first
    app.keypad("8.80").await;
    app.scanner_burst(first_code).await;
    app.wait_attr("#result", "data-status", "WAITING", 20).await;
    app.click("#btn-stop-waiting").await;
    app.wait_attr("#result", "data-status", "PENDING", 20).await;
    let sim_order = |code: &str| {
        app.sim
            .orders()
            .into_iter()
            .find(|o| o.auth_code.as_deref() == Some(code))
            .unwrap()
    };
    let first = sim_order(first_code);
    assert!(app
        .text("#result-order-no")
        .await
        .contains(&first.merchant_order_no));
    let first_id = app
        .wait_visible("#result")
        .await
        .attr("data-order-id")
        .await
        .unwrap();
    // Paid at HipoPay after the cashier gave up: not this next customer's.
    app.sim.customer_pays(&first.merchant_order_no).unwrap();

    app.click("#btn-new-sale").await;
    app.keypad("8.80").await;
    app.scanner_burst(second_code).await;
    app.wait_attr("#result", "data-status", "PAID", 20).await;
    let second = sim_order(second_code);
    let shown = app.text("#result-order-no").await;
    assert!(shown.contains(&second.merchant_order_no), "{shown}");
    assert!(!shown.contains(&first.merchant_order_no), "{shown}");
    let second_id = app
        .wait_visible("#result")
        .await
        .attr("data-order-id")
        .await
        .unwrap();
    assert_ne!(first_id, second_id);
    assert_eq!(app.sim.charge_requests(&first.merchant_order_no), 1);
    assert_eq!(app.sim.charge_requests(&second.merchant_order_no), 1);
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn serial_scanner_payment_through_a_pty_pair() {
    let dir = tempfile::tempdir().unwrap();
    let scanner_end = dir.path().join("scanner");
    let host_end = dir.path().join("host");
    let mut socat = std::process::Command::new("socat")
        .arg(format!("pty,raw,echo=0,link={}", scanner_end.display()))
        .arg(format!("pty,raw,echo=0,link={}", host_end.display()))
        .spawn()
        .expect("socat");
    for _ in 0..100 {
        if host_end.exists() && scanner_end.exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let app = App::launch(Options {
        serial_port: Some(host_end.display().to_string()),
        ..Options::default()
    })
    .await;
    app.first_run_and_open_shift().await;
    app.keypad("88").await;
    app.wait_visible("#scan-ready").await;
    let mut end = std::fs::OpenOptions::new()
        .write(true)
        .open(&scanner_end)
        .unwrap();
    end.write_all(b"134567890123456789\r\n").unwrap();
    app.wait_attr("#result", "data-status", "PAID", 20).await;
    let order = app.only_sim_order();
    assert_eq!(
        (order.amount_minor, order.wallet.as_str()),
        (8800, "wechat")
    );
    app.close().await;
    let _ = socat.kill();
    let _ = socat.wait();
}

#[tokio::test(flavor = "multi_thread")]
async fn qr_payment_paid_by_the_simulated_customer() {
    let app = App::launch(Options::default()).await;
    app.first_run_and_open_shift().await;
    app.keypad("20").await;
    app.click("#btn-qr-alipay").await;
    app.wait_visible("#qr-image").await;
    // Decode what the window shows and compare with what HipoPay issued.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let shown = decode_qr(&app.capture().await.unwrap());
    let order = app.only_sim_order();
    assert_eq!(Some(shown.as_str()), order.qr_payload.as_deref());
    assert!(app.text("#qr-amount").await.contains("20.00"));
    assert!(
        app.text("#qr-cny").await.contains("18.25"),
        "20 HKD at 0.9123 is 18.25 CNY"
    );
    app.sim.customer_pays(&order.merchant_order_no).unwrap();
    app.wait_attr("#result", "data-status", "PAID", 20).await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pending_payment_resolved_from_needs_attention() {
    let app = App::launch(Options::default()).await;
    app.first_run_and_open_shift().await;
    app.keypad("6").await;
    app.scanner_burst("134567890123456103").await; // the customer never confirms
    app.wait_attr("#result", "data-status", "WAITING", 20).await;
    app.click("#btn-stop-waiting").await;
    app.wait_attr("#result", "data-status", "PENDING", 20).await;
    let order = app.only_sim_order();
    app.sim.customer_pays(&order.merchant_order_no).unwrap();
    app.nav("attention").await;
    app.click(".attention-row [data-action=\"check\"]").await;
    // It turned PAID after the cashier stopped waiting: flagged for a manager.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let text = app.text("#screen-attention").await;
        if text.contains("PAID") || text.to_lowercase().contains("paid after") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "attention never showed the paid order: {text}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(app
        .client
        .find(Locator::Css(".attention-row [data-action=\"refund\"]"))
        .await
        .is_ok());
    assert_eq!(
        app.sim.charge_requests(&order.merchant_order_no),
        1,
        "never charged twice"
    );
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn manager_refund_wrong_then_right_pin() {
    let app = App::launch(Options::default()).await;
    app.first_run_and_open_shift().await;
    app.keypad("50").await;
    app.scanner_burst("134567890123456789").await;
    app.wait_attr("#result", "data-status", "PAID", 20).await;
    app.click("#btn-new-sale").await;
    app.nav("orders").await;
    app.click(".order-row").await;
    app.click("#btn-order-refund").await;
    app.wait_visible("#screen-refund").await;
    assert!(app.text("#refund-refundable").await.contains("50.00"));
    app.click("#refund-partial").await;
    app.fill("#refund-amount", "12.50").await;
    app.fill("#refund-reason", "one item returned").await;
    app.fill("#refund-pin", "0000").await;
    app.click("#btn-refund-submit").await;
    let error = app
        .wait_visible("#refund-error")
        .await
        .text()
        .await
        .unwrap();
    assert!(!error.trim().is_empty());
    assert!(app.sim.refunds().is_empty(), "a wrong PIN sends nothing");
    let pin_after = app
        .wait_visible("#refund-pin")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        pin_after.is_empty(),
        "the PIN is cleared after every attempt"
    );
    app.fill("#refund-pin", MANAGER_PIN).await;
    app.click("#btn-refund-submit").await;
    app.wait_attr("#refund-result", "data-status", "SUCCESS", 20)
        .await;
    let refunds = app.sim.refunds();
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0].amount_minor, 1250);
    app.close().await;
}

/// Five wrong manager PINs in a row lock manager approvals at this till:
/// the right PIN is refused too, nothing is sent, Needs attention lists the
/// lock, and a manager (named, with their own PIN) lifts it there.
#[tokio::test(flavor = "multi_thread")]
async fn five_wrong_manager_pins_lock_refunds_until_a_manager_unlocks() {
    let app = App::launch(Options::default()).await;
    app.first_run_and_open_shift().await;
    app.keypad("30").await;
    app.scanner_burst("134567890123456789").await;
    app.wait_attr("#result", "data-status", "PAID", 20).await;
    app.click("#btn-new-sale").await;
    app.nav("orders").await;
    app.click(".order-row").await;
    app.click("#btn-order-refund").await;
    app.wait_visible("#screen-refund").await;
    let try_pin = |pin: &'static str| {
        let app = &app;
        async move {
            app.fill("#refund-pin", pin).await;
            app.click("#btn-refund-submit").await;
            // The answer (an error) shows before the next try.
            let deadline = std::time::Instant::now() + Duration::from_secs(20);
            loop {
                let text = app.text("#refund-error").await;
                if !text.trim().is_empty() {
                    return text;
                }
                assert!(std::time::Instant::now() < deadline, "no answer to the PIN");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    };
    for _ in 0..5 {
        let said = try_pin("000000").await;
        assert!(said.to_lowercase().contains("wrong pin"), "{said}");
        // The pause the till makes between wrong tries passes at once.
        app.pause_passes();
        app.clear_text("#refund-error").await;
    }
    let said = try_pin(MANAGER_PIN).await;
    assert!(said.to_lowercase().contains("locked"), "{said}");
    assert!(
        app.sim.refunds().is_empty(),
        "a locked approval sends nothing"
    );
    // Needs attention lists the lock; the manager lifts it there.
    app.nav("attention").await;
    app.wait_visible(".attention-row.lock").await;
    app.select(".attention-row.lock [data-field=\"manager\"]", app::MANAGER)
        .await;
    app.click(".attention-row.lock [data-action=\"unlock\"]")
        .await;
    app.fill("#pin-dialog-input", MANAGER_PIN).await;
    app.click("#pin-dialog-ok").await;
    app.wait_hidden("#pin-dialog").await;
    app.wait_gone(".attention-row.lock").await;
    // The refund goes through now.
    app.nav("orders").await;
    app.click(".order-row").await;
    app.click("#btn-order-refund").await;
    app.fill("#refund-pin", MANAGER_PIN).await;
    app.click("#btn-refund-submit").await;
    app.wait_attr("#refund-result", "data-status", "SUCCESS", 20)
        .await;
    assert_eq!(app.sim.refunds().len(), 1);
    app.close().await;
}

/// A second start on the same ledger brings the first window forward and
/// exits; the first goes on taking payments.
#[tokio::test(flavor = "multi_thread")]
async fn a_second_app_on_the_same_ledger_exits_and_the_first_goes_on() {
    let app = App::launch(Options::default()).await;
    app.first_run_and_open_shift().await;
    let second = std::process::Command::new(env!("CARGO_BIN_EXE_cashier"))
        .env("CASHIER_CONFIG", &app.config_file)
        .env("CASHIER_DB", &app.db_file)
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    assert!(second.status.success(), "{second:?}");
    let said = String::from_utf8_lossy(&second.stderr);
    assert!(said.contains("already running"), "{said}");
    assert!(said.contains("brought forward"), "{said}");
    app.keypad("4").await;
    app.scanner_burst("134567890123456789").await;
    app.wait_attr("#result", "data-status", "PAID", 20).await;
    app.close().await;
}

/// The customer window hears only what it shows: no window may use the
/// event plugin, and the channel the customer window opens carries customer
/// views alone (no order, refund or scanner event).
#[tokio::test(flavor = "multi_thread")]
async fn the_customer_window_hears_only_what_it_shows() {
    let app = App::launch(Options {
        customer_display: true,
        ..Options::default()
    })
    .await;
    app.first_run_and_open_shift().await;
    app.client.set_window_rect(800, 0, 1280, 800).await.unwrap();
    app.switch_to_window("customer display").await;
    app.wait_visible("#customer-screen").await;
    let denied = app
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             window.__TAURI__.event.listen('order-changed', () => {})\
               .then(() => done('allowed'), (e) => done('denied: ' + e));",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        denied.as_str().unwrap_or_default().starts_with("denied"),
        "{denied}"
    );
    // What its own channel carries while the counter takes a payment.
    let opened = app
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             window.__heard = [];\
             const ch = new window.__TAURI__.core.Channel();\
             ch.onmessage = (m) => window.__heard.push(m.event);\
             window.__TAURI__.core.invoke('events_subscribe', { channel: ch })\
               .then(() => done('ok'), (e) => done('refused: ' + e));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(opened.as_str(), Some("ok"), "{opened}");
    app.switch_to_window("Cashier").await;
    app.keypad("12").await;
    app.scanner_burst("134567890123456789").await;
    app.wait_attr("#result", "data-status", "PAID", 20).await;
    app.switch_to_window("customer display").await;
    let heard = app
        .client
        .execute("return window.__heard;", vec![])
        .await
        .unwrap();
    let heard: Vec<&str> = heard
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e.as_str())
        .collect();
    assert!(!heard.is_empty(), "the customer saw the payment");
    assert!(
        heard.iter().all(|e| *e == "customer-view"),
        "the customer window heard {heard:?}"
    );
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn shift_close_and_csv_export() {
    let app = App::launch(Options::default()).await;
    app.first_run_and_open_shift().await;
    for (amount, code) in [
        ("10", "134567890123456001"),
        ("25.50", "284567890123456002"),
    ] {
        app.keypad(amount).await;
        app.scanner_burst(code).await;
        app.wait_attr("#result", "data-status", "PAID", 20).await;
        app.click("#btn-new-sale").await;
    }
    app.nav("shift").await;
    let report = app.text("#shift-report").await;
    assert!(
        report.contains("35.50"),
        "the live report shows the net: {report}"
    );
    app.click("#btn-shift-export").await;
    let csv_path = app.export_dir.join("shift-1.csv");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !csv_path.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "no CSV in {}",
            app.export_dir.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    assert_eq!(csv.lines().count(), 3, "header + one row per order: {csv}");
    for order in app.sim.orders() {
        assert!(csv.contains(&order.merchant_order_no) && csv.contains(&order.payment_no));
    }
    app.fill("#shift-close-pin", MANAGER_PIN).await;
    app.click("#btn-shift-close").await;
    let summary = app.text("#shift-summary").await;
    assert!(summary.contains("35.50"), "{summary}");
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_webview_cannot_reach_what_it_was_not_granted() {
    let app = App::launch(Options::default()).await;
    app.wait_visible("#screen-first-run").await;
    // A plugin command the UI never calls (the native file dialog) is refused.
    let denied = app
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             window.__TAURI__.core.invoke('plugin:dialog|open', {options: {}})\
               .then(() => done('allowed'), (e) => done('denied: ' + e));",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        denied.as_str().unwrap_or_default().starts_with("denied"),
        "{denied}"
    );
    // The CSP forbids inline script.
    let ran = app
        .client
        .execute(
            "window.__inline = 'no'; const s = document.createElement('script');\
             s.textContent = \"window.__inline = 'yes'\"; document.head.appendChild(s); return window.__inline;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(ran.as_str(), Some("no"), "inline script must not run");
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn test_connection_explains_a_wrong_key() {
    for (key, ok) in [
        ("agent_private_pkcs8.pem", true),
        ("wrong_private.pem", false),
    ] {
        let app = App::launch(Options {
            key_fixture: Some(key),
            ..Options::default()
        })
        .await;
        app.first_run_and_open_shift().await;
        app.nav("settings").await;
        app.click("#btn-test-connection").await;
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        let text = loop {
            let text = app.text("#connection-result").await;
            if !text.trim().is_empty() && !text.to_lowercase().contains("testing") {
                break text;
            }
            assert!(std::time::Instant::now() < deadline, "no connection result");
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        if ok {
            assert!(text.contains("0.9123"), "{key}: {text}");
        } else {
            assert!(
                text.contains("401") && text.contains("private key"),
                "{key}: {text}"
            );
            assert!(!text.contains("BEGIN"), "no key material in the UI");
        }
        app.close().await;
    }
}

/// Every screen, in English and 繁體中文, for docs/screenshots.
async fn screenshots(lang: &'static str) {
    let app = App::launch(Options {
        language: Some(lang),
        ..Options::default()
    })
    .await;
    app.wait_visible("#screen-first-run").await;
    app.screenshot(lang, "01-first-run").await;
    app.fill("#first-name", app::MANAGER).await;
    app.fill("#first-pin", MANAGER_PIN).await;
    app.fill("#first-pin2", MANAGER_PIN).await;
    app.click("#btn-first-create").await;
    app.wait_visible("#screen-login").await;
    app.screenshot(lang, "02-open-shift").await;
    app.open_shift(app::MANAGER, MANAGER_PIN).await;
    app.keypad("128.50").await;
    app.screenshot(lang, "03-sale").await;
    app.scanner_burst("134567890123456102").await; // confirming on the phone, then paid
    app.wait_attr("#result", "data-status", "WAITING", 20).await;
    app.screenshot(lang, "04-waiting").await;
    app.assert_fits("04-waiting").await;
    app.wait_attr("#result", "data-status", "PAID", 20).await;
    app.screenshot(lang, "05-paid").await;
    app.assert_fits("05-paid").await;
    app.click("#btn-new-sale").await;
    app.keypad("42").await;
    app.scanner_burst("134567890123456101").await;
    app.wait_attr("#result", "data-status", "FAILED", 20).await;
    app.screenshot(lang, "06-declined").await;
    app.assert_fits("06-declined").await;
    app.click("#btn-new-sale").await;
    app.keypad("9.90").await;
    app.scanner_burst("284567890123456103").await;
    app.wait_attr("#result", "data-status", "WAITING", 20).await;
    app.click("#btn-stop-waiting").await;
    app.wait_attr("#result", "data-status", "PENDING", 20).await;
    app.screenshot(lang, "07-pending").await;
    app.assert_fits("07-pending").await;
    app.click("#btn-new-sale").await;
    app.keypad("66").await;
    app.click("#btn-qr-wechat").await;
    app.wait_visible("#qr-image").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.screenshot(lang, "08-qr").await;
    app.click("#btn-qr-stop").await;
    app.wait_visible("#screen-progress").await;
    app.click("#btn-new-sale").await;
    app.nav("orders").await;
    app.screenshot(lang, "09-orders").await;
    app.click(".order-row").await;
    app.wait_visible("#order-detail").await;
    app.screenshot(lang, "10-order-detail").await;
    app.nav("attention").await;
    app.screenshot(lang, "11-needs-attention").await;
    app.nav("orders").await;
    // A refund needs a PAID order: filter for one.
    app.select("#orders-status", "PAID").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.click(".order-row").await;
    app.click("#btn-order-refund").await;
    app.wait_visible("#screen-refund").await;
    app.screenshot(lang, "12-refund").await;
    app.nav("shift").await;
    app.screenshot(lang, "13-shift").await;
    app.nav("settings").await;
    app.screenshot(lang, "14-settings").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn screenshots_in_english() {
    screenshots("en").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn screenshots_in_traditional_chinese() {
    screenshots("zh-Hant").await;
}

/// The key file the config names is gone (a USB stick left at home): the
/// window says so, names the files, takes no payment, and starts properly
/// once the config is right again, without restarting the app.
#[tokio::test(flavor = "multi_thread")]
async fn a_broken_config_is_explained_and_the_app_starts_once_it_is_fixed() {
    let app = App::launch(Options {
        break_config: Some(|good| {
            good.replace(
                "agent_private_pkcs1.pem",
                "agent_private_on_the_usb_stick.pem",
            )
        }),
        ..Options::default()
    })
    .await;
    app.wait_visible("#screen-startup").await;
    let message = app.text("#startup-message").await;
    assert!(
        message.contains("agent_private_on_the_usb_stick.pem"),
        "names the missing key file: {message}"
    );
    assert!(!message.contains("BEGIN"), "no key material: {message}");
    assert_eq!(
        app.text("#startup-config-file").await,
        app.config_file.display().to_string()
    );
    let nav = app.client.find(Locator::Css(".nav")).await.unwrap();
    assert!(
        !nav.is_displayed().await.unwrap(),
        "no way around the problem"
    );
    app.screenshot("en", "15-cannot-start").await;

    // Still broken: it says so and stays put.
    app.click("#btn-startup-retry").await;
    app.wait_visible("#startup-error span").await;
    app.wait_visible("#screen-startup").await;

    app.restore_config();
    app.click("#btn-startup-retry").await;
    app.first_run_and_open_shift().await;
    app.keypad("7.50").await;
    app.wait_visible("#scan-ready").await;
    app.scanner_burst("134567890123456789").await;
    app.wait_attr("#result", "data-status", "PAID", 20).await;
    assert_eq!(app.only_sim_order().amount_minor, 750);
    app.close().await;
}

/// A ledger that is not a database: the window says the order database
/// could not be opened, and the file is left exactly as it was.
#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_ledger_is_explained_and_left_alone() {
    let damaged: Vec<u8> = (0..64 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let app = App::launch(Options {
        ledger_bytes: Some(damaged.clone()),
        ..Options::default()
    })
    .await;
    app.wait_visible("#screen-startup").await;
    let what = app.text("#startup-what").await;
    assert!(what.contains("order database"), "{what}");
    assert_eq!(
        app.text("#startup-db-file").await,
        app.db_file.display().to_string()
    );
    app.click("#btn-startup-retry").await;
    app.wait_visible("#startup-error span").await;
    // The scanner is ignored here: nothing reaches HipoPay.
    app.scanner_burst("134567890123456789").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(app.sim.orders().is_empty());
    assert_eq!(
        std::fs::read(&app.db_file).unwrap(),
        damaged,
        "the ledger file is untouched"
    );
    app.close().await;
}

/// The customer display shows the amount as it is typed, the QR code of the
/// payment (read from its pixels: the one HipoPay issued), then "paid".
#[tokio::test(flavor = "multi_thread")]
async fn the_customer_display_follows_the_sale() {
    let app = App::launch(Options {
        customer_display: true,
        ..Options::default()
    })
    .await;
    app.first_run_and_open_shift().await;
    // No window manager here: move the counter window off the customer's,
    // as a second screen would, so the customer window is painted.
    app.client.set_window_rect(800, 0, 1280, 800).await.unwrap();
    app.keypad("66").await;
    app.switch_to_window("customer display").await;
    app.wait_attr("#customer-screen", "data-state", "amount", 20)
        .await;
    assert_eq!(app.text("#cust-amount").await, "HKD 66.00");
    assert!(
        app.text("#cust-line2").await.contains("付款码"),
        "and in 简体中文"
    );

    app.switch_to_window("Cashier").await;
    app.click("#btn-qr-wechat").await;
    app.wait_visible("#qr-image").await;
    app.switch_to_window("customer display").await;
    app.wait_attr("#customer-screen", "data-state", "qr", 20)
        .await;
    app.wait_visible("#cust-qr").await;
    // What the customer's screen shows decodes to the payload HipoPay issued.
    let shown = app.capture().await.unwrap();
    let order = app.only_sim_order();
    assert_eq!(
        Some(decode_qr(&shown).as_str()),
        order.qr_payload.as_deref()
    );
    app.screenshot("en", "16-customer-display").await;
    assert_eq!(app.text("#cust-wallet").await, "WeChat Pay");
    assert!(app.text("#cust-amount").await.contains("66.00"));

    app.sim.customer_pays(&order.merchant_order_no).unwrap();
    app.wait_attr("#customer-screen", "data-state", "paid", 20)
        .await;
    assert!(app.text("#cust-line").await.contains("Paid"));
    // The counter's keypad is cleared for the next sale; the customer still reads "paid".
    app.switch_to_window("Cashier").await;
    app.wait_attr("#result", "data-status", "PAID", 20).await;
    app.switch_to_window("customer display").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        app.wait_visible("#customer-screen")
            .await
            .attr("data-state")
            .await
            .unwrap()
            .as_deref(),
        Some("paid")
    );
    app.close().await;
}

/// Settings turn the customer display on and off at once, without a PIN,
/// and the choice is kept in the config file.
#[tokio::test(flavor = "multi_thread")]
async fn the_customer_display_is_switched_on_and_off_in_settings() {
    let app = App::launch(Options::default()).await;
    app.first_run_and_open_shift().await;
    assert_eq!(app.client.windows().await.unwrap().len(), 1);
    app.nav("settings").await;
    app.click("#set-customer-display").await;
    app.switch_to_window("customer display").await;
    app.wait_attr("#customer-screen", "data-state", "welcome", 20)
        .await;
    let config = std::fs::read_to_string(&app.config_file).unwrap();
    assert!(config.contains("customer_display = true"), "{config}");

    app.switch_to_window("Cashier").await;
    app.click("#set-customer-display").await;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while app.client.windows().await.unwrap().len() != 1 {
        assert!(
            std::time::Instant::now() < deadline,
            "the customer window stayed open"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let config = std::fs::read_to_string(&app.config_file).unwrap();
    assert!(config.contains("customer_display = false"), "{config}");
    app.close().await;
}

/// Waits until the counter window covers the whole screen (`full`) or
/// not, as the window manager has placed it.
async fn wait_full_screen(app: &App, full: bool) {
    let (screen_w, screen_h) = MANAGED_SCREEN;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (_, _, w, h) = app.client.get_window_rect().await.unwrap();
        let covers = w as u32 >= screen_w && h as u32 >= screen_h;
        if covers == full {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the window is {w}×{h} on a {screen_w}×{screen_h} screen; full screen wanted: {full}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Kiosk mode is a manager's: on with the PIN, the window goes full screen
/// and the app will start at login on this till's own files (an XDG
/// autostart entry); off takes both away.
#[tokio::test(flavor = "multi_thread")]
async fn kiosk_mode_goes_full_screen_and_starts_at_login_with_a_managers_pin() {
    let app = App::launch(Options {
        window_manager: true,
        ..Options::default()
    })
    .await;
    app.first_run_and_open_shift().await;
    wait_full_screen(&app, false).await;
    app.nav("settings").await;
    let entry = app
        .config_home
        .join("autostart")
        .join("app.cashier.counter.desktop");
    // Without the PIN: refused, nothing written.
    app.click("#set-kiosk").await;
    app.click("#btn-settings-save").await;
    app.wait_visible("#settings-result.bad").await;
    assert!(!entry.exists());
    let config = std::fs::read_to_string(&app.config_file).unwrap();
    assert!(!config.contains("kiosk = true"), "{config}");

    app.fill("#settings-pin", MANAGER_PIN).await;
    app.click("#btn-settings-save").await;
    app.wait_visible("#settings-result.ok").await;
    let text = std::fs::read_to_string(&entry).unwrap();
    let exec = format!(
        "Exec=env CASHIER_CONFIG={} CASHIER_DB={} {}",
        app.config_file.display(),
        app.db_file.display(),
        env!("CARGO_BIN_EXE_cashier")
    );
    assert!(text.contains(&exec), "{text}");
    let config = std::fs::read_to_string(&app.config_file).unwrap();
    assert!(config.contains("kiosk = true"), "{config}");
    wait_full_screen(&app, true).await;

    app.click("#set-kiosk").await;
    app.fill("#settings-pin", MANAGER_PIN).await;
    app.click("#btn-settings-save").await;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while entry.exists() {
        assert!(std::time::Instant::now() < deadline, "the entry stayed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let config = std::fs::read_to_string(&app.config_file).unwrap();
    assert!(config.contains("kiosk = false"), "{config}");
    wait_full_screen(&app, false).await;
    app.close().await;
}

/// A till in kiosk mode starts full screen, first-run screen included: a
/// cashier never sees the desktop behind it.
#[tokio::test(flavor = "multi_thread")]
async fn a_till_in_kiosk_mode_starts_full_screen() {
    let app = App::launch(Options {
        window_manager: true,
        kiosk: true,
        ..Options::default()
    })
    .await;
    app.wait_visible("#first-name").await;
    wait_full_screen(&app, true).await;
    app.close().await;
}

/// A shift keeps one acquirer's books: going back to demo mode waits until
/// the live shift is closed, and nothing changes meanwhile.
#[tokio::test(flavor = "multi_thread")]
async fn demo_mode_waits_for_the_live_shift_to_close() {
    let app = App::launch(Options::default()).await;
    app.first_run_and_open_shift().await;
    app.nav("settings").await;
    app.fill("#settings-pin", MANAGER_PIN).await;
    app.click("#btn-demo-mode").await;
    app.wait_visible("#settings-result .error-detail").await;
    let shown = app.text("#settings-result").await;
    assert!(shown.contains("Close it first"), "{shown}");
    assert!(shown.contains("close shift #1 first"), "{shown}");
    let config = std::fs::read_to_string(&app.config_file).unwrap();
    assert!(config.contains("[hipopay]"), "still live: {config}");
    let demo_banner = app.client.find(Locator::Css("#demo-banner")).await.unwrap();
    assert!(!demo_banner.is_displayed().await.unwrap());
    app.close().await;
}
