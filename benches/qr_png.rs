//! QR payload to PNG, as the sale screen shows it (PRODUCT.md: under 5 ms).
//! `qr::png` encodes the payload (error correction M), renders at least
//! 480 px a side and writes the PNG; all three are inside each sample.
//!
//! Run: cargo bench --bench qr_png (scripts/bench runs every bench)

// Bench code: a failed setup step should stop the bench loudly.
#![allow(clippy::unwrap_used)]

mod common;

use common::{measure, ms, Table, Target};

/// Payloads as HipoPay hands them out: WeChat's short `code_url`, Alipay's
/// `qrcode` URL, and a long URL that needs a bigger QR version (worst case).
const PAYLOADS: [(&str, &str, &str); 3] = [
    ("qr.wechat", "wechat code_url", "weixin://wxpay/bizpayurl?pr=AbCdEf1234"),
    ("qr.alipay", "alipay qrcode", "https://qr.alipay.com/bax08222f7vyfnbbnmvd00a7"),
    (
        "qr.long",
        "long URL (worst case)",
        "https://qr.alipay.com/bax08222f7vyfnbbnmvd00a7?t=1763780709000&merchant=BENCH-MERCHANT&order=CS2026112211050912345678&amount=12.50&currency=HKD&x=y",
    ),
];

/// The size the sale screen asks for.
const MIN_PX: u32 = 480;

fn main() {
    let mut table = Table::new("QR payload -> PNG (qr::png, min 480 px)");
    for (key, label, payload) in PAYLOADS {
        let png = cashier_core::qr::png(payload, MIN_PX).unwrap();
        let img = image::load_from_memory(&png).unwrap();
        let s = measure(20, 500, || cashier_core::qr::png(payload, MIN_PX).unwrap());
        let name = format!(
            "{label}: {} B payload -> {}x{} px, {} B PNG",
            payload.len(),
            img.width(),
            img.height(),
            png.len()
        );
        table.keyed(key, &name, &s, Target::P99Under(ms(5)));
    }
    table.summary();
}
