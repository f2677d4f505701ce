//! Receipts in the real app: a network receipt printer stands in as a TCP
//! listener keeping the real ESC/POS bytes; the slip prints by itself after
//! a payment, again from the order's detail (which previews it), a slip's
//! QR scanned on the Orders screen opens its order, Settings → Printer →
//! Test print reaches the printer as the form is set, and the day's close
//! shows on screen and prints.

use crate::app::{App, Options};
use cashier_testkit::escpos::read;
use cashier_testkit::printer::{NetPrinter, PrinterOff};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread")]
async fn slips_print_by_themselves_again_on_a_button_and_a_test_print_from_settings() {
    let printer = NetPrinter::start();
    let app = App::launch(Options {
        printer: Some(format!(
            "kind = \"network\"\nhost = \"127.0.0.1\"\nport = {}\nwidth_mm = 80\nencoding = \"gb18030\"\nauto_print = true\n",
            printer.port
        )),
        ..Options::default()
    })
    .await;
    app.first_run_and_open_shift().await;
    app.keypad("12.50").await;
    app.wait_visible("#scan-ready").await;
    app.scanner_burst("134567890123456789").await;
    app.wait_attr("#result", "data-status", "PAID", 20).await;
    let order = app.only_sim_order();
    let slip = read(&printer.received.wait_for_cuts(1), encoding_rs::GB18030);
    assert!(
        slip.line_with("Amount").ends_with(" HKD 12.50"),
        "{slip:#?}"
    );
    assert!(slip.line_with("Cashier").ends_with(" Mei"));
    assert_eq!(slip.qr_codes, vec![order.merchant_order_no.clone()]);
    app.wait_attr("#printer-status", "class", "printer-status ok", 10)
        .await;

    // The order's detail previews the slip and prints it again.
    app.click("#btn-new-sale").await;
    app.nav("orders").await;
    app.click(".order-row").await;
    app.wait_visible("#btn-order-print").await;
    app.click(".slip-box summary").await;
    let mut preview = String::new();
    for _ in 0..50 {
        preview = app.text("#slip-preview").await;
        if preview.contains("HKD 12.50") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(preview.contains("HKD 12.50"), "{preview}");
    assert!(preview.contains(&order.merchant_order_no), "{preview}");
    app.client
        .execute(
            "document.getElementById('slip-preview').scrollIntoView({block: 'center'})",
            vec![],
        )
        .await
        .expect("scroll");
    app.screenshot("en", "18-slip-preview").await;
    app.click("#btn-order-print").await;
    let both = read(&printer.received.wait_for_cuts(2), encoding_rs::GB18030);
    assert_eq!(both.qr_codes.len(), 2, "printed again, once");

    // Days later: the slip's QR, scanned on the Orders screen, opens it.
    app.click("#btn-order-close").await;
    app.wait_hidden("#order-detail").await;
    app.scanner_burst(&order.merchant_order_no).await;
    app.wait_visible("#btn-order-print").await;
    let detail = app.text("#order-detail").await;
    assert!(detail.contains(&order.merchant_order_no), "{detail}");

    // Settings → Printer → Test print, as the form is set.
    app.nav("settings").await;
    app.fill("#set-shop-name", "Lucky Tea").await;
    // Below the fold, under the sticky save bar: scrolled to, as a person would.
    app.client
        .execute(
            "document.getElementById('btn-test-print').scrollIntoView({block: 'center'})",
            vec![],
        )
        .await
        .expect("scroll");
    app.click("#btn-test-print").await;
    app.wait_attr("#test-print-result", "class", "notice ok", 20)
        .await;
    let all = read(&printer.received.wait_for_cuts(3), encoding_rs::GB18030);
    assert_eq!(all.line_with("TEST PRINT"), "TEST PRINT");
    assert_eq!(all.line_with("Lucky Tea"), "Lucky Tea");
    app.client
        .execute(
            "document.getElementById('settings-printer').scrollIntoView()",
            vec![],
        )
        .await
        .expect("scroll");
    app.screenshot("en", "19-settings-printer").await;

    // The day's close: on screen (printable on A4), and on the receipt printer.
    app.nav("shift").await;
    app.click("#btn-day-report").await;
    app.wait_visible("#day-report").await;
    let day = app.text("#day-report").await;
    assert!(
        day.contains("12.50") && day.contains("Nothing is unclear"),
        "{day}"
    );
    // On A4: the print button opens the system's print dialog (stood in
    // for here, as a dialog cannot be driven) with the day's report as the
    // only report on the page.
    let printed = app
        .client
        .execute(
            "window.__printed = [];
             window.print = () => window.__printed.push(
                 [...document.querySelectorAll('#screen-shift .print-area')]
                     .filter((el) => !el.hidden).map((el) => el.id));
             document.getElementById('btn-shift-print').click();
             return window.__printed;",
            vec![],
        )
        .await
        .expect("print");
    assert_eq!(printed, serde_json::json!([["day-report"]]), "{printed}");
    app.click("#btn-day-print").await;
    let all = read(&printer.received.wait_for_cuts(4), encoding_rs::GB18030);
    assert_eq!(all.line_with("DAY REPORT"), "DAY REPORT");
    assert!(all.line_with("Paid (1)").ends_with(" 12.50"));
    app.close().await;
}

/// A printer that is away when a sale is paid: the sale is PAID at once,
/// the header says a slip waits, and once the printer is back the app
/// prints it by itself, once, and the header is clear again.
#[tokio::test(flavor = "multi_thread")]
async fn a_slip_waits_for_a_printer_that_is_away_and_prints_by_itself_when_it_is_back() {
    let off = PrinterOff::new();
    let port = off.port;
    let app = App::launch(Options {
        printer: Some(format!(
            "kind = \"network\"\nhost = \"127.0.0.1\"\nport = {port}\nwidth_mm = 58\nencoding = \"gb18030\"\nauto_print = true\n"
        )),
        ..Options::default()
    })
    .await;
    app.first_run_and_open_shift().await;
    app.keypad("7.70").await;
    app.wait_visible("#scan-ready").await;
    app.scanner_burst("134567890123456789").await;
    app.wait_attr("#result", "data-status", "PAID", 20).await;
    app.wait_attr("#printer-status", "class", "printer-status bad", 20)
        .await;
    let header = app.text("#printer-status").await;
    assert!(header.contains("1 slip"), "{header}");

    let printer = off.switch_on();
    let slip = read(&printer.received.wait_for_cuts(1), encoding_rs::GB18030);
    assert!(slip.line_with("Amount").ends_with(" HKD 7.70"), "{slip:#?}");
    app.wait_attr("#printer-status", "class", "printer-status ok", 20)
        .await;
    // Some rounds of the print queue later: still the one slip.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let all = read(&printer.received.bytes(), encoding_rs::GB18030);
    assert_eq!(all.cuts, 1, "printed once");
    app.close().await;
}
