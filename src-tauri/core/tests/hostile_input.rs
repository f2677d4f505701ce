//! Hostile input, property-tested through the public API: whatever a cashier
//! types, a scanner sends, HipoPay (or a proxy in front of it) answers, or a
//! config file holds, the core never panics, every refusal is one clear line
//! a person can act on, and valid input round-trips exactly.
//!
//! 512 cases per property by default (a few seconds in a debug build);
//! `PROPTEST_CASES=20000 cargo test -p cashier-core --test hostile_input`
//! digs deeper. The parser of HipoPay's HTTP answers (`interpret`, `data`) is
//! private to the client and property-tested in its own module
//! (`cargo test -p cashier-core --lib hipopay::client`).
#![allow(clippy::unwrap_used)]

use cashier_core::config::{Config, LANGUAGES};
use cashier_core::hipopay::sign::{py2_quote, signature_string, verify_notification};
use cashier_core::hipopay::{RemoteOrder, RemoteRefund, RemoteRefundStatus, RemoteStatus, Signer};
use cashier_core::money::{format_minor, parse_minor, Currency, Money, MoneyError};
use cashier_core::wallet::{detect_wallet, mask_code, Wallet};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestCaseError};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::OnceLock;

fn cases() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512);
    ProptestConfig {
        cases,
        // Failures found here are kept as named regression tests below.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// RSA checks with the pure-Rust `rsa` crate are slow in a debug build:
/// a quarter of the cases keeps the file within a few seconds.
fn rsa_cases() -> ProptestConfig {
    let mut config = cases();
    config.cases = (config.cases / 4).max(32);
    config
}

/// One clear line a person can act on: not empty, no line breaks or terminal
/// control characters (a hostile answer must not repaint the screen), no
/// Rust debug dump, and short enough to read on a counter screen.
fn assert_clear(message: &str) -> Result<(), TestCaseError> {
    prop_assert!(!message.trim().is_empty(), "empty message");
    prop_assert!(
        !message.chars().any(char::is_control),
        "control character in {message:?}"
    );
    for dump in ["Err(", "Ok(", "Some(", "None", "Error {", "kind:"] {
        prop_assert!(
            !message.contains(dump),
            "debug dump {dump:?} in {message:?}"
        );
    }
    prop_assert!(
        message.chars().count() <= 400,
        "{} characters: {message:?}",
        message.chars().count()
    );
    Ok(())
}

fn currency() -> impl Strategy<Value = Currency> {
    proptest::sample::select(Currency::ALL.to_vec())
}

/// Strings a keyboard, a scanner or a hostile peer might produce: anything,
/// plus text close to what the parsers look for.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9.,+eE_ -]{0,40}",
        "[ \t\r\n]{0,3}-?[0-9]{0,40}(\\.[0-9]{0,40})?[ \t\r\n]{0,3}",
        "\\PC{0,8}\u{1b}\\[[0-9;]{0,6}m\\PC{0,8}",
        proptest::collection::vec(any::<char>(), 0..2000).prop_map(|v| v.into_iter().collect()),
    ]
}

// ---------------------------------------------------------------- money

proptest! {
    #![proptest_config(cases())]

    #[test]
    fn amount_parser_never_panics_and_explains(text in hostile_text(), cur in currency()) {
        match parse_minor(&text, cur) {
            Ok(minor) => {
                prop_assert!(minor.abs() <= 1_000_000_000_000);
                // Whatever parsed is exactly what prints back.
                prop_assert_eq!(parse_minor(&format_minor(minor, cur), cur), Ok(minor));
            }
            Err(e) => assert_clear(&e.to_string())?,
        }
        if let Err(e) = Money::parse_positive(&text, cur) {
            assert_clear(&e.to_string())?;
        }
    }

    #[test]
    fn every_amount_prints_and_parses_back(minor in -1_000_000_000_000i64..=1_000_000_000_000, cur in currency()) {
        let text = format_minor(minor, cur);
        prop_assert_eq!(parse_minor(&text, cur), Ok(minor));
        // Exactly the currency's decimals, digits only.
        let decimals = text.split('.').nth(1).map_or(0, str::len);
        prop_assert_eq!(decimals as u32, cur.exponent());
        prop_assert!(text.trim_start_matches('-').chars().all(|c| c.is_ascii_digit() || c == '.'));
    }

    #[test]
    fn typed_decimals_parse_exactly(units in 0u64..10_000_000_000, frac in "[0-9]{0,2}", zeros in "0{0,5}", cur in currency()) {
        // "12", "12.5", "12.50", "12.500": at most the currency's decimals,
        // trailing zeros allowed; the value is exact.
        let frac = if cur.exponent() == 0 { String::new() } else { frac };
        let text = if frac.is_empty() && zeros.is_empty() {
            units.to_string()
        } else {
            format!("{units}.{frac}{zeros}")
        };
        let scale = 10i64.pow(cur.exponent());
        let mut frac_minor = 0i64;
        for (i, d) in frac.chars().enumerate() {
            frac_minor += i64::from(d.to_digit(10).unwrap()) * 10i64.pow(cur.exponent() - 1 - i as u32);
        }
        let expected = i64::try_from(units).unwrap() * scale + frac_minor;
        prop_assert_eq!(parse_minor(&text, cur), Ok(expected));
        prop_assert_eq!(parse_minor(&format!(" {text}\n"), cur), Ok(expected));
        let money = Money::new(expected, cur);
        prop_assert_eq!(parse_minor(&money.to_decimal_string(), cur), Ok(expected));
    }

    #[test]
    fn more_decimals_than_the_currency_has_are_refused(units in 0u64..1_000_000, extra in "[1-9]", cur in currency()) {
        let text = format!("{units}.{}{extra}", "0".repeat(cur.exponent() as usize));
        let is_too_precise = matches!(parse_minor(&text, cur), Err(MoneyError::TooPrecise { .. }));
        prop_assert!(is_too_precise, "{} in {}", text, cur);
    }
}

#[test]
fn huge_amounts_are_too_large_not_gibberish() {
    // Regression: 29+ digits overflowed the decimal type and were called
    // "not an amount"; they are amounts, just too large ones.
    for text in [
        "9".repeat(23),
        "9".repeat(29),
        "1".repeat(300),
        format!("{}.5", "9".repeat(40)),
    ] {
        let err = parse_minor(&text, Currency::HKD).unwrap_err();
        assert!(matches!(err, MoneyError::TooLarge(_)), "{text}: {err:?}");
        assert!(err.to_string().len() < 120, "{err}");
    }
}

#[test]
fn refusals_do_not_echo_a_flood_or_control_characters() {
    // Regression: the refused text was echoed whole (a scanner dumping a
    // page into the amount field) and raw (an escape sequence repainted the
    // terminal).
    let flood = "x".repeat(100_000);
    let err = parse_minor(&flood, Currency::HKD).unwrap_err().to_string();
    assert!(err.len() < 120, "{} bytes", err.len());
    let err = parse_minor("12\u{1b}[2J", Currency::HKD)
        .unwrap_err()
        .to_string();
    assert!(!err.contains('\u{1b}'), "{err:?}");
}

// ---------------------------------------------------------------- wallet

/// The PRODUCT.md rules, written independently of `detect_wallet`.
fn oracle(code: &str) -> Option<Wallet> {
    let code = code.trim();
    if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let two: u32 = code.get(..2)?.parse().ok()?;
    match (code.len(), two) {
        (18, 10..=15) => Some(Wallet::Wechat),
        (16..=24, 25..=30) => Some(Wallet::Alipay),
        _ => None,
    }
}

proptest! {
    #![proptest_config(cases())]

    #[test]
    fn wallet_detection_follows_the_rules(code in prop_oneof![
        hostile_text(),
        "[0-9]{0,30}",
        "1[0-9][0-9]{14,18}",
        "[23][0-9][0-9]{12,24}",
    ]) {
        let detected = detect_wallet(&code);
        prop_assert_eq!(detected.as_ref().ok().copied(), oracle(&code), "{:?}", code);
        if let Err(e) = detected {
            let message = e.to_string();
            assert_clear(&message)?;
            // A refused code longer than 8 characters is never shown whole.
            let trimmed = code.trim();
            if trimmed.chars().count() > 8 {
                prop_assert!(!message.contains(trimmed), "{:?}", message);
            }
        }
    }

    #[test]
    fn real_payment_codes_are_recognised(
        wechat in "1[0-5][0-9]{16}",
        alipay in "(2[5-9]|30)[0-9]{14,22}",
        pad in "[ \t\r\n]{0,3}",
    ) {
        prop_assert_eq!(detect_wallet(&format!("{pad}{wechat}{pad}")), Ok(Wallet::Wechat));
        prop_assert_eq!(detect_wallet(&format!("{pad}{alipay}{pad}")), Ok(Wallet::Alipay));
    }

    #[test]
    fn masking_hides_the_middle_of_anything(code in hostile_text()) {
        let masked = mask_code(&code);
        let n = code.chars().count();
        if n > 8 {
            prop_assert_eq!(masked.chars().count(), 9);
            prop_assert!(!masked.contains(code.as_str()));
            let head: String = code.chars().take(4).filter(|c| !c.is_control()).collect();
            prop_assert!(masked.starts_with(&head) || code.chars().take(4).any(char::is_control));
        } else if !code.chars().any(char::is_control) {
            prop_assert_eq!(&masked, &code);
        }
        prop_assert!(!masked.chars().any(char::is_control), "{:?}", masked);
    }
}

#[test]
fn a_refused_code_cannot_repaint_the_terminal() {
    // Regression: a short non-code was echoed raw, escape sequences included.
    let err = detect_wallet("\u{1b}[2J12").unwrap_err().to_string();
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert!(err.contains("not a WeChat or Alipay payment code"));
}

// ---------------------------------------------------------------- signing

fn reference_quote(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"_.-".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

fn signer() -> &'static Signer {
    static SIGNER: OnceLock<Signer> = OnceLock::new();
    SIGNER.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/resources/keys/agent_private_pkcs1.pem");
        Signer::from_pem_file(&path).unwrap()
    })
}

fn params() -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::vec((hostile_text(), hostile_text()), 0..8)
}

proptest! {
    #![proptest_config(cases())]

    #[test]
    fn quoting_keeps_only_unreserved_characters(s in hostile_text()) {
        let q = py2_quote(&s);
        prop_assert_eq!(&q, &reference_quote(&s));
        let bytes = q.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'%' {
                prop_assert!(i + 3 <= bytes.len(), "a cut escape in {}", q);
                let hex = &q[i + 1..i + 3];
                prop_assert!(hex.bytes().all(|h| h.is_ascii_digit() || (b'A'..=b'F').contains(&h)), "{}", hex);
                i += 3;
            } else {
                prop_assert!(b.is_ascii_alphanumeric() || b"_.-".contains(&b), "{:?} left unquoted", b as char);
                i += 1;
            }
        }
        prop_assert_eq!(percent_decode(&q), s);
    }

    #[test]
    fn signature_string_ignores_param_order(
        (original, shuffled) in params().prop_flat_map(|p| (Just(p.clone()), Just(p).prop_shuffle())),
        ts in "[0-9]{1,12}",
    ) {
        let a: Vec<(&str, &str)> = original.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let b: Vec<(&str, &str)> = shuffled.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        prop_assert_eq!(signature_string(&a, &ts), signature_string(&b, &ts));
    }

    #[test]
    fn signature_string_reads_back_as_the_sorted_params(p in params(), ts in "[0-9]{1,12}") {
        // Every separator inside a key or value is quoted, so the string is
        // unambiguous: it splits back into exactly the params, sorted.
        let pairs: Vec<(&str, &str)> = p.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let s = signature_string(&pairs, &ts);
        let (body, stamp) = s.rsplit_once(',').unwrap();
        prop_assert_eq!(stamp, ts.as_str());
        prop_assert!(!body.contains(','));
        let read: Vec<(String, String)> = if body.is_empty() && p.is_empty() {
            Vec::new()
        } else {
            body.split('&')
                .map(|kv| {
                    let (k, v) = kv.split_once('=').unwrap();
                    (percent_decode(k), percent_decode(v))
                })
                .collect()
        };
        let mut expected = p.clone();
        expected.sort();
        prop_assert_eq!(read, expected);
    }

}

proptest! {
    #![proptest_config(rsa_cases())]

    #[test]
    fn signing_any_params_never_panics_and_verifies(p in params(), ts in hostile_text()) {
        use base64::Engine as _;
        use rsa::pkcs1v15::{Signature, VerifyingKey};
        use rsa::signature::Verifier as _;
        let pairs: Vec<(&str, &str)> = p.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let sig = signer().sign_params(&pairs, &ts);
        let raw = base64::engine::general_purpose::STANDARD.decode(&sig).unwrap();
        prop_assert_eq!(raw.len(), 256);
        let signature = Signature::try_from(raw.as_slice()).unwrap();
        let verifier = VerifyingKey::<sha2::Sha256>::new(signer().public_key().clone());
        prop_assert!(verifier.verify(signature_string(&pairs, &ts).as_bytes(), &signature).is_ok());
    }

    #[test]
    fn notification_check_never_panics(form in params(), ts in hostile_text(), sig in hostile_text()) {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        prop_assert!(!verify_notification(signer().public_key(), &pairs, &ts, &sig));
    }

}

proptest! {
    #![proptest_config(cases())]

    #[test]
    fn any_key_text_is_refused_clearly_without_echo(text in prop_oneof![
        hostile_text(),
        "[A-Za-z0-9+/=\n]{0,400}".prop_map(|b| format!("-----BEGIN RSA PRIVATE KEY-----\n{b}\n-----END RSA PRIVATE KEY-----\n")),
        "[A-Za-z0-9+/=\n]{0,400}".prop_map(|b| format!("-----BEGIN PRIVATE KEY-----\n{b}\n-----END PRIVATE KEY-----\n")),
        (0usize..1700).prop_map(|cut| {
            let pem = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/resources/keys/agent_private_pkcs8.pem")).unwrap();
            pem.chars().take(cut).collect()
        }),
    ]) {
        match Signer::from_pem(&text, "/etc/cashier/key.pem") {
            Ok(_) => {}
            Err(e) => {
                let message = e.to_string();
                assert_clear(&message)?;
                prop_assert!(message.contains("/etc/cashier/key.pem"));
                // No line of the key's body is ever repeated back.
                for line in text.lines().map(str::trim).filter(|l| l.len() >= 12 && !l.starts_with("-----")) {
                    prop_assert!(!message.contains(line), "{:?} echoed", line);
                }
            }
        }
    }
}

// ---------------------------------------------------------------- HipoPay answers

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        hostile_text().prop_map(Value::String),
        "[A-Za-z]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{1,12}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A value for one field: right type, wrong type, or absent.
fn field_value() -> impl Strategy<Value = Option<Value>> {
    proptest::option::weighted(
        0.8,
        prop_oneof![
            json_value(),
            "(INIT|PAID|FAIL|FAILED|EXPIRED|paid|SUCCESS|PART|FULL|PROCESSING|CLOSED| PAID )"
                .prop_map(Value::String),
            "-?[0-9]{0,14}(\\.[0-9]{0,4})?".prop_map(Value::String),
            (-1_000_000_000i64..1_000_000_000).prop_map(|m| json!(m as f64 / 100.0)),
            proptest::sample::select(Currency::ALL.to_vec()).prop_map(|c| json!(c.code())),
        ],
    )
}

const ORDER_FIELDS: [&str; 11] = [
    "status",
    "amount",
    "currency",
    "refundable_amount",
    "no",
    "payment_no",
    "agent_order_id",
    "out_order_no",
    "outer_order_no",
    "exchange_rate",
    "fail_reason",
];

fn order_shaped() -> impl Strategy<Value = Value> {
    proptest::collection::vec(field_value(), ORDER_FIELDS.len()).prop_map(|values| {
        let mut obj = serde_json::Map::new();
        for (k, v) in ORDER_FIELDS.iter().zip(values) {
            if let Some(v) = v {
                obj.insert((*k).to_string(), v);
            }
        }
        Value::Object(obj)
    })
}

fn refund_shaped() -> impl Strategy<Value = Value> {
    proptest::collection::vec(field_value(), 5).prop_map(|values| {
        let mut obj = serde_json::Map::new();
        for (k, v) in [
            "status",
            "refund_amount",
            "no",
            "refund_no",
            "outer_refund_no",
        ]
        .iter()
        .zip(values)
        {
            if let Some(v) = v {
                obj.insert((*k).to_string(), v);
            }
        }
        Value::Object(obj)
    })
}

proptest! {
    #![proptest_config(cases())]

    #[test]
    fn any_json_as_an_order_or_refund_is_read_or_refused_clearly(
        v in prop_oneof![json_value(), order_shaped(), refund_shaped()],
        cur in currency(),
    ) {
        match RemoteOrder::from_json(&v, cur) {
            Ok(order) => {
                // Amounts HipoPay states are never negative, and always exact.
                prop_assert!(order.amount_minor.is_none_or(|m| m >= 0), "{:?}", order);
                prop_assert!(order.refundable_minor.is_none_or(|m| m >= 0), "{:?}", order);
            }
            Err(e) => assert_clear(&e.to_string())?,
        }
        match RemoteRefund::from_json(&v, cur) {
            Ok(refund) => prop_assert!(refund.amount_minor.is_none_or(|m| m >= 0), "{:?}", refund),
            Err(e) => assert_clear(&e.to_string())?,
        }
    }

    #[test]
    fn well_formed_orders_read_back_exactly(
        minor in 1i64..1_000_000_000_000,
        refundable in 0i64..1_000_000_000_000,
        cur in currency(),
        status in proptest::sample::select(vec![("INIT", RemoteStatus::Init), ("paid", RemoteStatus::Paid), ("FAIL", RemoteStatus::Fail), ("Expired", RemoteStatus::Expired)]),
        as_number in any::<bool>(),
        alipay in any::<bool>(),
        no in "[0-9]{10,25}",
    ) {
        let amount = |m: i64| if as_number {
            // What a JSON number carries: the shortest digits of the float.
            serde_json::from_str::<Value>(&format_minor(m, cur)).unwrap()
        } else {
            json!(format_minor(m, cur))
        };
        let mut v = json!({
            "status": status.0,
            "amount": amount(minor),
            "refundable_amount": amount(refundable),
            "currency": cur.code(),
        });
        let (no_key, merchant_key) = if alipay { ("payment_no", "out_order_no") } else { ("no", "agent_order_id") };
        v[no_key] = json!(no);
        v[merchant_key] = json!("CS123");
        let order = RemoteOrder::from_json(&v, Currency::HKD).unwrap();
        prop_assert_eq!(order.status, status.1);
        prop_assert_eq!(order.amount_minor, Some(minor));
        prop_assert_eq!(order.refundable_minor, Some(refundable));
        prop_assert_eq!(order.currency, Some(cur));
        prop_assert_eq!(order.payment_no.as_deref(), Some(no.as_str()));
        prop_assert_eq!(order.merchant_order_no.as_deref(), Some("CS123"));
    }

    #[test]
    fn well_formed_refunds_read_back_exactly(
        minor in 1i64..1_000_000_000,
        cur in currency(),
        status in proptest::sample::select(vec![("SUCCESS", RemoteRefundStatus::Success), ("FULL", RemoteRefundStatus::Processing), ("PART", RemoteRefundStatus::Processing), ("FAIL", RemoteRefundStatus::Fail), ("PROCESSING", RemoteRefundStatus::Processing)]),
        no in "[0-9]{10,25}",
    ) {
        let v = json!({"refund_no": no, "outer_refund_no": "CR1", "refund_amount": format_minor(minor, cur), "status": status.0});
        let refund = RemoteRefund::from_json(&v, cur).unwrap();
        prop_assert_eq!(refund.status, status.1);
        prop_assert_eq!(refund.amount_minor, Some(minor));
        prop_assert_eq!(refund.refund_no.as_deref(), Some(no.as_str()));
        prop_assert_eq!(refund.outer_refund_no.as_deref(), Some("CR1"));
    }
}

#[test]
fn negative_amounts_from_hipopay_are_not_trusted() {
    // Regression: "-12.50" was read as an amount; HipoPay never states one.
    for field in ["amount", "refundable_amount"] {
        let mut v = json!({"status": "PAID", "amount": "12.50"});
        v[field] = json!("-12.50");
        let err = RemoteOrder::from_json(&v, Currency::HKD).unwrap_err();
        assert!(err.to_string().contains("negative"), "{err}");
        assert!(
            err.outcome_unknown(),
            "an unreadable answer is an unknown outcome"
        );
    }
    let err = RemoteRefund::from_json(
        &json!({"status": "SUCCESS", "refund_amount": -1}),
        Currency::HKD,
    )
    .unwrap_err();
    assert!(err.to_string().contains("negative"), "{err}");
}

// ---------------------------------------------------------------- config

const CONFIG_PATH: &str = "/etc/cashier/cashier.toml";

fn toml_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "\"[^\"\\\\\n]{0,20}\"",
        "-?[0-9]{1,22}",
        "-?[0-9]{1,5}\\.[0-9]{1,3}",
        Just("true".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just("\"https://api.example\"".to_string()),
        Just("\"HKD\"".to_string()),
        Just("\"JPY\"".to_string()),
        Just("\"en\"".to_string()),
        Just("\"ftp://x\"".to_string()),
        Just("\"https://\"".to_string()),
        Just("\"http://bad host\"".to_string()),
    ]
}

/// Config-shaped TOML with any keys and values, right or wrong.
fn config_shaped() -> impl Strategy<Value = String> {
    let key = proptest::sample::select(vec![
        "base_url",
        "agent_no",
        "merchant_no",
        "private_key_file",
        "hipopay_public_key_file",
        "timeout_secs",
        "currency",
        "ip",
        "poll_interval_ms",
        "serial_port",
        "baud",
        "terminator",
        "wedge_max_gap_ms",
        "wedge_min_length",
        "language",
        "sounds",
        "curency",
        "base-url",
    ]);
    let table = proptest::sample::select(vec!["hipopay", "terminal", "scanner", "ui", "extra"]);
    proptest::collection::vec(
        (table, proptest::collection::vec((key, toml_value()), 0..7)),
        0..4,
    )
    .prop_map(|tables| {
        let mut text = String::new();
        let mut seen = std::collections::BTreeSet::new();
        for (table, entries) in tables {
            if !seen.insert(table) {
                continue;
            }
            text.push_str(&format!("[{table}]\n"));
            let mut keys = std::collections::BTreeSet::new();
            for (k, v) in entries {
                if keys.insert(k) {
                    text.push_str(&format!("{k} = {v}\n"));
                }
            }
        }
        text
    })
}

fn valid_config() -> impl Strategy<Value = Config> {
    (
        any::<bool>(),
        currency(),
        proptest::option::of(1u64..=600),
        proptest::option::of(1u64..=60_000),
        proptest::sample::select(LANGUAGES.to_vec()),
        "[A-Za-z0-9-]{1,20}",
        "[A-Z0-9]{1,20}",
        proptest::option::of("[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}"),
        any::<bool>(),
    )
        .prop_map(
            |(live, currency, timeout, poll, language, agent, merchant, ip, customer_display)| {
                let mut c = Config::default();
                c.terminal.currency = currency;
                c.terminal.poll_interval_ms = poll;
                c.terminal.ip = ip;
                c.ui.language = language.to_string();
                c.ui.customer_display = customer_display;
                if live {
                    c.hipopay = Some(cashier_core::config::HipoPayConfig {
                        base_url: "https://api.example.test/v1".into(),
                        agent_no: agent,
                        merchant_no: merchant,
                        private_key_file: "/etc/cashier/agent.pem".into(),
                        hipopay_public_key_file: None,
                        timeout_secs: timeout,
                    });
                }
                c
            },
        )
}

proptest! {
    #![proptest_config(cases())]

    #[test]
    fn any_config_text_loads_or_names_the_file_and_problem(text in prop_oneof![hostile_text(), config_shaped()]) {
        if let Err(e) = Config::parse(&text, Path::new(CONFIG_PATH)) {
            let message = e.to_string();
            assert_clear(&message)?;
            prop_assert!(message.contains(CONFIG_PATH), "{:?}", message);
        }
    }

    #[test]
    fn any_config_bytes_load_or_name_the_file(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cashier.toml");
        std::fs::write(&path, &bytes).unwrap();
        if let Err(e) = Config::load(&path) {
            let message = e.to_string();
            assert_clear(&message)?;
            prop_assert!(message.contains(&path.display().to_string()), "{:?}", message);
        }
    }

    #[test]
    fn valid_configs_save_and_load_back(config in valid_config()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cashier.toml");
        config.save(&path).unwrap();
        prop_assert_eq!(Config::load(&path).unwrap(), config.clone());
        prop_assert_eq!(config.checked().unwrap(), config);
    }
}

fn refused(text: &str) -> String {
    Config::parse(text, Path::new(CONFIG_PATH))
        .unwrap_err()
        .to_string()
}

const LIVE: &str =
    "[hipopay]\nagent_no = \"A\"\nmerchant_no = \"M\"\nprivate_key_file = \"k.pem\"\n";

#[test]
fn broken_configs_name_the_file_and_the_problem_on_one_line() {
    for (text, problem) in [
        ("[terminal\ncurrency = \"HKD\"\n", "line 1"),
        ("[terminal]\ncurency = \"HKD\"\n", "curency"),
        ("[terminal]\ncurrency = \"XYZ\"\n", "XYZ"),
        ("[ui]\nlanguage = \"fr\"\n", "ui.language"),
        ("[terminal]\npoll_interval_ms = -5\n", "poll_interval_ms"),
        ("[terminal]\npoll_interval_ms = 0\n", "poll_interval_ms"),
        ("[scanner]\nbaud = 0\n", "scanner.baud"),
    ] {
        let message = refused(text);
        assert!(message.contains(CONFIG_PATH), "{message}");
        assert!(message.contains(problem), "{problem:?} not in {message:?}");
        assert!(!message.contains('\n'), "{message:?}");
    }
    for (line, problem) in [
        ("base_url = \"ftp://api.example\"", "base_url"),
        ("base_url = \"https://\"", "base_url"),
        ("base_url = \"https://api example.com\"", "base_url"),
        ("base_url = \"api.example.com\"", "base_url"),
        (
            "base_url = \"https://api.example\"\ntimeout_secs = -1",
            "timeout_secs",
        ),
        (
            "base_url = \"https://api.example\"\ntimeout_secs = 0",
            "timeout_secs",
        ),
        (
            "base_url = \"https://api.example\"\ntimeout_secs = 86400",
            "timeout_secs",
        ),
        ("base_url = \"https://api.example\"\nsecret = 1", "secret"),
    ] {
        let message = refused(&format!("{LIVE}{line}\n"));
        assert!(message.contains(CONFIG_PATH), "{message}");
        assert!(message.contains(problem), "{problem:?} not in {message:?}");
        assert!(!message.contains('\n'), "{message:?}");
    }
}
