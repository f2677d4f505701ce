//! `cashier-cli` end to end: the real binary, a real SQLite file and the
//! HipoPay sandbox over HTTP on loopback. One module per feature.
#![allow(clippy::unwrap_used)]

use cashier_testkit as common;

mod books;
mod day;
mod modes;
mod pay;
mod qr;
mod refund;
mod shift;
mod staff;

use serde_json::Value;

const WECHAT_OK: &str = "134567890123456000";
const ALIPAY_OK: &str = "284567890123456000";

fn s(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}
