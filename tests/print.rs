//! Receipts on virtual printers: a TCP listener standing in for a network
//! printer and a `socat` pty pair for a serial one, each keeping the real
//! ESC/POS bytes `cashier-cli` sent; `cashier_testkit::escpos::read` turns
//! them back into lines, QR codes and cuts.
#![allow(clippy::unwrap_used)]

use cashier_testkit::escpos::{read, Printed};
use cashier_testkit::printer::{NetPrinter, PrinterOff, PtyPrinter};
use cashier_testkit::{Counter, MANAGER_PIN};
use serde_json::Value;

const WECHAT: &str = "134567890123456789";

/// Adds a printer, the shop's name and address, and the slip's language.
fn set_up(c: &Counter, printer: &str, language: &str) {
    let mut text = std::fs::read_to_string(&c.config).unwrap();
    text.push_str(&format!(
        "\n[printer]\n{printer}\n[shop]\nname = \"Lucky Tea\"\naddress = \"1 Queen's Road Central\\nHong Kong\"\n\n[ui]\nlanguage = \"{language}\"\n"
    ));
    std::fs::write(&c.config, text).unwrap();
}

fn network(port: u16, encoding: &str, width_mm: u32) -> String {
    format!(
        "kind = \"network\"\nhost = \"127.0.0.1\"\nport = {port}\nwidth_mm = {width_mm}\nencoding = \"{encoding}\"\nauto_print = true\n"
    )
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| panic!("no {key} in {v}"))
}

/// The order's time as a slip shows it: local, to the second.
fn slip_time(order: &Value) -> String {
    // `created_at` is local ISO 8601 with the offset (cashier-cli's zone is ours).
    let at = chrono::DateTime::parse_from_rfc3339(s(order, "created_at")).unwrap();
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}

fn assert_fits(slip: &Printed, columns: usize) {
    for l in &slip.lines {
        let width: usize = l
            .chars()
            .map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 })
            .sum();
        assert!(width <= columns, "{l:?} is wider than {columns} columns");
    }
}

/// What was printed from the first line that reads `heading` on (one
/// slip or report among several).
fn from_heading(all: &Printed, heading: &str) -> Printed {
    let start = all
        .lines
        .iter()
        .position(|l| l.trim() == heading)
        .unwrap_or_else(|| panic!("no {heading:?} in {all:#?}"));
    Printed {
        lines: all.lines[start..].to_vec(),
        ..Printed::default()
    }
}

async fn paid(c: &Counter, amount: &str, code: &str) -> Value {
    let r = c.pay(amount, code, &[]).await;
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    let order = r.json();
    assert_eq!(s(&order, "status"), "PAID");
    order
}

#[tokio::test(flavor = "multi_thread")]
async fn a_paid_payment_prints_a_slip_with_every_field_and_reprints_it() {
    let printer = NetPrinter::start();
    let c = Counter::start().await;
    c.name("C1");
    set_up(&c, &network(printer.port, "gb18030", 80), "en");
    c.open_shift().await;
    let order = paid(&c, "12.50", WECHAT).await;
    let number = s(&order, "merchant_order_no");
    let slip = read(&printer.received.wait_for_cuts(1), encoding_rs::GB18030);

    assert!(slip.line_with("Lucky Tea").contains("Lucky Tea"));
    slip.line_with("1 Queen's Road Central");
    slip.line_with("Hong Kong");
    assert_eq!(slip.line_with("PAYMENT"), "PAYMENT");
    assert!(
        slip.line_with("Time").ends_with(&slip_time(&order)),
        "{slip:#?}"
    );
    assert!(slip.line_with("Counter").ends_with(" C1"));
    assert!(slip.line_with("Cashier").ends_with(" Bo"));
    assert!(slip.line_with("Wallet").ends_with(" WeChat Pay"));
    assert!(slip.line_with("Amount").ends_with(" HKD 12.50"));
    let rate = s(&order, "exchange_rate");
    assert!(!rate.is_empty(), "the sandbox quotes a rate: {order}");
    assert!(slip.line_with("Rate (CNY)").ends_with(&format!(" {rate}")));
    assert!(
        slip.line_with("In CNY")
            .ends_with(&format!("CNY {}", cashier_testkit::cny_at_rate(1250, rate))),
        "{slip:#?}"
    );
    assert!(slip.line_with("Order No.").ends_with(number));
    assert!(slip
        .line_with("HipoPay No.")
        .ends_with(s(&order, "payment_no")));
    assert_eq!(
        slip.qr_codes,
        vec![number.to_string()],
        "the QR opens the order"
    );
    assert_eq!(slip.cuts, 1);
    assert_fits(&slip, 48);

    // Reprint from the order: the same slip once more.
    let id = order["id"].to_string();
    let r = c.cli(&["print", &id, "--json"], &[]).await;
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    assert_eq!(r.json()["printed"], 1);
    let both = read(&printer.received.wait_for_cuts(2), encoding_rs::GB18030);
    assert_eq!(both.lines.len(), 2 * slip.lines.len());
    assert_eq!(both.qr_codes, vec![number.to_string(), number.to_string()]);

    // A declined payment has no slip: refused, and nothing is queued.
    let declined = c.pay("3", "134567890123456101", &[]).await;
    assert_eq!(declined.code, 2, "{}", declined.stdout);
    let id = declined.json()["id"].to_string();
    let r = c.cli(&["print", &id], &[]).await;
    assert_eq!(r.code, 1, "{} {}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("only a PAID payment has a slip"),
        "{}",
        r.stderr
    );
    let r = c.cli(&["print", "--pending", "--json"], &[]).await;
    assert_eq!((r.code, r.json()["printed"].clone()), (0, Value::from(0)));
    std::thread::sleep(std::time::Duration::from_millis(300));
    let after = read(&printer.received.bytes(), encoding_rs::GB18030);
    assert_eq!(after.cuts, 2, "nothing more was printed");
}

#[tokio::test(flavor = "multi_thread")]
async fn slips_in_traditional_chinese_on_big5_and_simplified_on_gb18030() {
    for (language, encoding, name, words) in [
        (
            "zh-Hant",
            "big5",
            encoding_rs::BIG5,
            [
                "付款",
                "收銀台",
                "微信支付",
                "金額",
                "訂單號",
                "收銀員",
                "HipoPay 單號",
            ],
        ),
        (
            "zh-Hans",
            "gb18030",
            encoding_rs::GB18030,
            [
                "付款",
                "收银台",
                "微信支付",
                "金额",
                "订单号",
                "收银员",
                "HipoPay 单号",
            ],
        ),
    ] {
        let printer = NetPrinter::start();
        let c = Counter::start().await;
        c.name("C2");
        set_up(&c, &network(printer.port, encoding, 58), language);
        c.open_shift().await;
        let order = paid(&c, "8", WECHAT).await;
        let slip = read(&printer.received.wait_for_cuts(1), name);
        assert_eq!(slip.line_with(words[0]), words[0], "{language}");
        assert!(slip.line_with(words[1]).ends_with(" C2"), "{language}");
        assert!(
            slip.line_with(words[2]).starts_with("支付方式"),
            "{language}"
        );
        assert!(
            slip.line_with(words[3]).ends_with(" HKD 8.00"),
            "{language}"
        );
        // 58 mm: beside its label when both fit in 32 columns, else under it.
        let number = s(&order, "merchant_order_no");
        let at = slip
            .lines
            .iter()
            .position(|l| l.starts_with(words[4]))
            .unwrap_or_else(|| panic!("{language}: {slip:#?}"));
        assert!(
            slip.lines[at].ends_with(number) || slip.lines[at + 1].trim() == number,
            "{language}: {slip:#?}"
        );
        // The rest, in the slip's language; long values go under their label.
        let value_of = |label: &str| -> String {
            let at = slip
                .lines
                .iter()
                .position(|l| l.starts_with(label))
                .unwrap_or_else(|| panic!("{language}: {label} in {slip:#?}"));
            let beside = slip.lines[at][label.len()..].trim().to_string();
            if beside.is_empty() {
                slip.lines[at + 1].trim().to_string()
            } else {
                beside
            }
        };
        assert_eq!(value_of(words[5]), "Bo", "{language}");
        assert_eq!(value_of(words[6]), s(&order, "payment_no"), "{language}");
        slip.line_with("Lucky Tea");
        slip.line_with("1 Queen's Road Central");
        assert!(
            slip.lines.iter().any(|l| l.ends_with(&slip_time(&order))),
            "{language}: the time: {slip:#?}"
        );
        assert_eq!(slip.qr_codes, vec![number.to_string()], "{language}");
        assert_fits(&slip, 32);
    }
}

/// Reads a raster slip's pictures back with OCR (tesseract, in the
/// slip's language and English), the way a person reads the paper.
fn ocr(slip: &Printed, languages: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let pbm = dir.path().join("slip.pbm");
    let png = dir.path().join("slip.png");
    std::fs::write(&pbm, slip.pictures_pbm()).unwrap();
    // Twice the size, a white border: what OCR reads best.
    let status = std::process::Command::new("convert")
        .arg(&pbm)
        .args(["-scale", "200%", "-bordercolor", "white", "-border", "20"])
        .arg(&png)
        .status()
        .expect("imagemagick (scripts/install-deps)");
    assert!(status.success());
    let out = std::process::Command::new("tesseract")
        .arg(&png)
        .args(["stdout", "-l", languages, "--psm", "6"])
        .output()
        .expect("tesseract (scripts/install-deps)");
    assert!(out.status.success(), "{out:?}");
    // Kept for a look when a word is not read (target/tmp/raster-<lang>.png).
    let keep = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("raster-{}.png", languages.replace('+', "-")));
    std::fs::copy(&png, keep).unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A printer without Chinese characters: every line arrives as a picture
/// (no text bytes at all), 576 dots wide on 80 mm and 384 on 58 mm; read
/// back with OCR the slip says what the text slip says; its QR code is the
/// printer's own and opens the order.
#[tokio::test(flavor = "multi_thread")]
async fn raster_slips_draw_every_line_for_printers_without_chinese() {
    for (language, width_mm, ocr_languages, words) in [
        (
            "zh-Hans",
            80,
            "chi_sim+eng",
            ["收银台", "支付方式", "订单号"],
        ),
        ("en", 58, "eng", ["Counter", "Wallet", "OrderNo."]),
    ] {
        let printer = NetPrinter::start();
        let c = Counter::start().await;
        c.name("C3");
        set_up(&c, &network(printer.port, "raster", width_mm), language);
        c.open_shift().await;
        let order = paid(&c, "12.50", WECHAT).await;
        let slip = read(&printer.received.wait_for_cuts(1), encoding_rs::GB18030);
        assert!(
            slip.lines.iter().all(|l| l.trim().is_empty()),
            "{language}: no text, only pictures: {:?}",
            slip.lines
        );
        let dots = if width_mm == 80 { 576 } else { 384 };
        assert!(slip.pictures.len() >= 12, "{language}: a picture a line");
        for p in &slip.pictures {
            assert_eq!(p.width_bytes * 8, dots, "{language}");
        }
        assert!(slip.pictures.iter().filter(|p| p.has_ink()).count() >= 12);
        assert_eq!(
            slip.qr_codes,
            vec![s(&order, "merchant_order_no").to_string()]
        );
        assert_eq!(slip.cuts, 1);

        let text = ocr(&slip, ocr_languages);
        // OCR puts spaces between Chinese characters; the words are read
        // without them.
        let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        for word in words {
            assert!(
                squeezed.contains(word),
                "{language}: {word:?} not in {text}"
            );
        }
        assert!(squeezed.contains("HKD12.50"), "{language}: {text}");
        assert!(squeezed.contains("C3"), "{language}: {text}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn raster_without_a_font_is_refused_clearly() {
    let c = Counter::start().await;
    set_up(
        &c,
        &format!(
            "{}font = \"/nowhere/NotoSansCJK.ttc\"\n",
            network(PrinterOff::new().port, "raster", 80)
        ),
        "en",
    );
    let r = c.cli(&["orders", "--json"], &[]).await;
    assert_ne!(r.code, 0);
    assert!(
        r.stderr
            .contains("printer.font: no font file at /nowhere/NotoSansCJK.ttc"),
        "{}",
        r.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refund_prints_a_slip_that_names_who_approved_it() {
    let printer = NetPrinter::start();
    let c = Counter::start().await;
    c.name("C1");
    set_up(&c, &network(printer.port, "gb18030", 80), "en");
    c.open_shift().await;
    let order = paid(&c, "30", WECHAT).await;
    printer.received.wait_for_cuts(1);
    let r = c
        .cli(
            &[
                "refund",
                s(&order, "merchant_order_no"),
                "--amount",
                "7.50",
                "--reason",
                "one cup returned",
                "--json",
            ],
            &[("CASHIER_MANAGER_PIN", MANAGER_PIN)],
        )
        .await;
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    let refund = r.json();
    let bytes = printer.received.wait_for_cuts(2);
    let all = read(&bytes, encoding_rs::GB18030);
    let slip = from_heading(&all, "REFUND");
    assert!(slip.line_with("Refunded").ends_with(" HKD 7.50"));
    assert!(slip.line_with("Approved by").ends_with(" Mei"));
    assert!(slip.line_with("Reason").ends_with(" one cup returned"));
    assert!(slip.line_with("Amount").ends_with(" HKD 30.00"));
    assert!(slip
        .line_with("Order No.")
        .ends_with(s(&order, "merchant_order_no")));
    assert!(slip
        .line_with("Refund No.")
        .ends_with(s(&refund, "outer_refund_no")));
    assert!(slip
        .line_with("HipoPay No.")
        .ends_with(s(&order, "payment_no")));
    // The shop's name and address head both slips.
    for head in ["Lucky Tea", "1 Queen's Road Central", "Hong Kong"] {
        let n = all.lines.iter().filter(|l| l.trim() == head).count();
        assert_eq!(n, 2, "{head}: {all:#?}");
    }
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    assert!(slip.line_with("Time").contains(&today), "{slip:#?}");
    assert!(slip.line_with("Counter").ends_with(" C1"));
    assert!(slip.line_with("Cashier").ends_with(" Bo"));
    assert!(slip.line_with("Wallet").ends_with(" WeChat Pay"));
    let number = s(&order, "merchant_order_no").to_string();
    assert_eq!(
        all.qr_codes,
        vec![number.clone(), number],
        "each slip opens its order"
    );

    // Reprinted from the order: its refund slips, and only those.
    let id = order["id"].to_string();
    let r = c.cli(&["print", &id, "--refunds", "--json"], &[]).await;
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    assert_eq!(r.json()["printed"], 1);
    let again = read(&printer.received.wait_for_cuts(3), encoding_rs::GB18030);
    let headings: Vec<&str> = again
        .lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| *l == "PAYMENT" || *l == "REFUND")
        .collect();
    assert_eq!(headings, ["PAYMENT", "REFUND", "REFUND"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_printer_that_is_away_never_blocks_a_sale_and_prints_once_when_back() {
    let off = PrinterOff::new();
    let c = Counter::start().await;
    set_up(&c, &network(off.port, "gb18030", 80), "en");
    c.open_shift().await;
    let r = c.pay("12.50", WECHAT, &[]).await;
    assert_eq!(r.code, 0, "the sale is done: {}", r.stderr);
    assert_eq!(s(&r.json(), "status"), "PAID");
    assert!(r.stderr.contains("wait for the printer"), "{}", r.stderr);
    let r = c.cli(&["print", "--pending", "--json"], &[]).await;
    assert_eq!(r.code, 3, "still away: {} {}", r.stdout, r.stderr);
    assert_eq!(r.json()["waiting"], 1);

    let printer = off.switch_on();
    let r = c.cli(&["print", "--pending", "--json"], &[]).await;
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    assert_eq!(r.json()["printed"], 1);
    let r = c.cli(&["print", "--pending", "--json"], &[]).await;
    assert_eq!((r.code, r.json()["printed"].clone()), (0, Value::from(0)));
    let slip = read(&printer.received.wait_for_cuts(1), encoding_rs::GB18030);
    assert_eq!(slip.cuts, 1, "printed once");
    slip.line_with("HKD 12.50");
}

/// A network printer switched off in the middle of a slip: the sale is
/// PAID, the torn slip stays queued, and once the printer is back the whole
/// slip prints, once.
#[tokio::test(flavor = "multi_thread")]
async fn a_printer_gone_mid_slip_prints_the_whole_slip_again_once() {
    let printer = NetPrinter::dropping_first_slip_after(200);
    let c = Counter::start().await;
    set_up(&c, &network(printer.port, "gb18030", 80), "en");
    c.open_shift().await;
    let r = c.pay("12.50", WECHAT, &[]).await;
    assert_eq!(r.code, 0, "the sale is done: {}", r.stderr);
    assert_eq!(s(&r.json(), "status"), "PAID");
    assert!(r.stderr.contains("wait for the printer"), "{}", r.stderr);
    let torn = printer.received.bytes();
    assert_eq!(torn.len(), 200, "the printer took part of the slip");

    let r = c.cli(&["print", "--pending", "--json"], &[]).await;
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    assert_eq!(r.json()["printed"], 1);
    let r = c.cli(&["print", "--pending", "--json"], &[]).await;
    assert_eq!((r.code, r.json()["printed"].clone()), (0, Value::from(0)));
    let bytes = printer.received.wait_for_cuts(1);
    // The whole slip again, after the torn start (each begins with ESC @).
    assert!(bytes[200..].starts_with(&[0x1B, b'@']), "a fresh slip");
    let slip = read(&bytes[200..], encoding_rs::GB18030);
    assert_eq!(slip.cuts, 1, "printed once");
    assert_eq!(
        slip.status_requests, 1,
        "the printer was asked after the slip"
    );
    slip.line_with("HKD 12.50");
}

/// A USB printer is the device file the kernel's usblp driver offers
/// (`/dev/usb/lp0`); a plain file stands in for it. Unplugged (no device
/// file): the sale is PAID and the slip waits; plugged in: it prints once.
#[tokio::test(flavor = "multi_thread")]
async fn a_usb_printer_unplugged_then_plugged_in_prints_once() {
    let dir = tempfile::tempdir().unwrap();
    let device = dir.path().join("lp0");
    let c = Counter::start().await;
    set_up(
        &c,
        &format!(
            "kind = \"usb\"\npath = \"{}\"\nwidth_mm = 58\nauto_print = true\n",
            device.display()
        ),
        "en",
    );
    c.open_shift().await;
    let r = c.pay("9.90", WECHAT, &[]).await;
    assert_eq!(r.code, 0, "the sale is done: {}", r.stderr);
    assert_eq!(s(&r.json(), "status"), "PAID");
    assert!(r.stderr.contains("wait for the printer"), "{}", r.stderr);
    assert!(!device.exists(), "nothing made up in the device's place");

    std::fs::write(&device, b"").unwrap();
    let r = c.cli(&["print", "--pending", "--json"], &[]).await;
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    assert_eq!(r.json()["printed"], 1);
    let r = c.cli(&["print", "--pending", "--json"], &[]).await;
    assert_eq!(r.json()["printed"], 0);
    let slip = read(&std::fs::read(&device).unwrap(), encoding_rs::GB18030);
    assert_eq!(slip.cuts, 1, "printed once");
    slip.line_with("HKD 9.90");
    assert_fits(&slip, 32);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_serial_printer_through_a_pty_pair() {
    let printer = PtyPrinter::start();
    let c = Counter::start().await;
    set_up(
        &c,
        &format!(
            "kind = \"serial\"\npath = \"{}\"\nbaud = 19200\nwidth_mm = 58\nencoding = \"gb18030\"\nauto_print = true\n",
            printer.path.display()
        ),
        "en",
    );
    c.open_shift().await;
    let order = paid(&c, "4.20", WECHAT).await;
    let slip = read(&printer.received.wait_for_cuts(1), encoding_rs::GB18030);
    assert!(slip.line_with("Amount").ends_with(" HKD 4.20"));
    assert_eq!(
        slip.qr_codes,
        vec![s(&order, "merchant_order_no").to_string()]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_printer_settings_are_refused_clearly_and_change_nothing() {
    let c = Counter::start().await;
    for (printer, says) in [
        ("kind = \"network\"\n", "printer.host"),
        ("kind = \"serial\"\n", "printer.path"),
        ("kind = \"usb\"\nwidth_mm = 70\n", "58 or 80"),
        (
            "kind = \"network\"\nhost = \"10.0.0.9\"\nencoding = \"latin1\"\n",
            "encoding",
        ),
    ] {
        let before = std::fs::read_to_string(&c.config).unwrap();
        set_up(&c, printer, "en");
        let r = c.cli(&["orders", "--json"], &[]).await;
        assert_eq!(r.code, 1, "{printer}: {}", r.stdout);
        assert!(r.stderr.contains(says), "{printer}: {}", r.stderr);
        std::fs::write(&c.config, before).unwrap();
    }
    let r = c.cli(&["print", "--pending"], &[]).await;
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no receipt printer"), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_days_report_prints_on_the_receipt_printer() {
    let printer = NetPrinter::start();
    let c = Counter::start().await;
    c.name("C3");
    set_up(&c, &network(printer.port, "big5", 80), "zh-Hant");
    c.open_shift().await;
    let order = paid(&c, "12.50", WECHAT).await;
    printer.received.wait_for_cuts(1);
    let r = c
        .cli(
            &[
                "refund",
                s(&order, "merchant_order_no"),
                "--amount",
                "2.50",
                "--json",
            ],
            &[("CASHIER_MANAGER_PIN", MANAGER_PIN)],
        )
        .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    printer.received.wait_for_cuts(2);
    // The customer is still confirming on the phone: unclear at the close.
    let pending = c
        .pay("9.90", "134567890123456103", &["--wait-secs", "1"])
        .await;
    assert_eq!(pending.code, 3, "{}", pending.stdout);
    let pending = pending.json();
    let r = c.cli(&["day", "print", "--json"], &[]).await;
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    let all = read(&printer.received.wait_for_cuts(3), encoding_rs::BIG5);
    let day = from_heading(&all, "日結報告");
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    assert!(day.line_with("日期").ends_with(&today));
    assert!(day.line_with("收銀台").ends_with(" C3"));
    assert_eq!(day.line_with("微信支付"), "微信支付 HKD");
    assert!(day.line_with("收款 (1)").ends_with(" 12.50"));
    assert!(day.line_with("退款金額 (1)").ends_with(" 2.50"));
    assert!(day.line_with("淨額").ends_with(" 10.00"));
    assert!(day.line_with("Mei (1)").ends_with(" HKD 2.50"));
    // The unclear order is named: what it is, how much, its number.
    let at = day
        .lines
        .iter()
        .position(|l| l.trim() == "尚未確定 (1)")
        .unwrap_or_else(|| panic!("{day:#?}"));
    assert!(
        day.lines[at + 1].starts_with("付款") && day.lines[at + 1].ends_with(" HKD 9.90"),
        "{day:#?}"
    );
    assert_eq!(
        day.lines[at + 2].trim(),
        s(&pending, "merchant_order_no"),
        "{day:#?}"
    );

    // The printer away (nothing at its port): not printed, and it says so.
    let off = PrinterOff::new();
    let text = std::fs::read_to_string(&c.config).unwrap();
    std::fs::write(&c.config, with_printer_port(&text, off.port)).unwrap();
    let r = c.cli(&["day", "print"], &[]).await;
    assert_eq!(r.code, 3, "{} {}", r.stdout, r.stderr);
    assert!(r.stderr.contains("printer"), "{}", r.stderr);
}

/// The day's report in simplified Chinese on a GB18030 printer, 58 mm:
/// an Alipay payment, no refund, nothing unclear.
#[tokio::test(flavor = "multi_thread")]
async fn the_days_report_in_simplified_chinese_on_gb18030() {
    let printer = NetPrinter::start();
    let c = Counter::start().await;
    c.name("C5");
    set_up(&c, &network(printer.port, "gb18030", 58), "zh-Hans");
    c.open_shift().await;
    paid(&c, "8.80", "284567890123456789").await;
    printer.received.wait_for_cuts(1);
    let r = c.cli(&["day", "print", "--json"], &[]).await;
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    let all = read(&printer.received.wait_for_cuts(2), encoding_rs::GB18030);
    let day = from_heading(&all, "日结报告");
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    assert!(day.line_with("日期").ends_with(&today));
    assert!(day.line_with("收银台").ends_with(" C5"));
    assert_eq!(day.line_with("支付宝"), "支付宝 HKD");
    assert!(day.line_with("收款 (1)").ends_with(" 8.80"));
    assert!(day.line_with("净额").ends_with(" 8.80"));
    let approvers = day
        .lines
        .iter()
        .position(|l| l.trim() == "退款批准人")
        .unwrap();
    assert_eq!(day.lines[approvers + 1].trim(), "无");
    assert_eq!(day.line_with("尚未确定"), "尚未确定 (0)");
    assert_fits(&day, 32);
}

/// The config with the printer moved to `port`.
fn with_printer_port(config: &str, port: u16) -> String {
    config
        .lines()
        .map(|l| {
            if l.starts_with("port = ") {
                format!("port = {port}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A shop that prints on a button (`auto_print = false`): a sale prints
/// nothing and queues nothing; the slip prints when asked for.
#[tokio::test(flavor = "multi_thread")]
async fn with_printing_on_a_button_a_slip_prints_only_when_asked() {
    let printer = NetPrinter::start();
    let c = Counter::start().await;
    set_up(
        &c,
        &network(printer.port, "gb18030", 80).replace("auto_print = true", "auto_print = false"),
        "en",
    );
    c.open_shift().await;
    let order = paid(&c, "6.60", WECHAT).await;
    let r = c.cli(&["print", "--pending", "--json"], &[]).await;
    assert_eq!((r.code, r.json()["printed"].clone()), (0, Value::from(0)));
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(
        printer.received.bytes().is_empty(),
        "nothing printed by itself"
    );

    let r = c
        .cli(&["print", &order["id"].to_string(), "--json"], &[])
        .await;
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
    let slip = read(&printer.received.wait_for_cuts(1), encoding_rs::GB18030);
    assert!(slip.line_with("Amount").ends_with(" HKD 6.60"));
    assert_eq!(slip.cuts, 1);
}
