//! Currencies, amounts and the fixed exchange-rate table.
//!
//! Money is integer minor units (i64) everywhere; decimal strings are parsed
//! and written digit by digit so no binary float ever touches an amount.

use serde_json::Value;

pub(crate) struct Currency {
    pub code: &'static str,
    /// Minor-unit digits: 0 for JPY and KRW, else 2 (HipoPay doc 11.3).
    pub digits: u32,
    /// CNY per 1 unit, in units of 1e-4 (HKD 0.9123 -> 9123).
    rate_e4: i64,
}

const CURRENCIES: [Currency; 11] = [
    Currency {
        code: "CNY",
        digits: 2,
        rate_e4: 10_000,
    },
    Currency {
        code: "GBP",
        digits: 2,
        rate_e4: 90_500,
    },
    Currency {
        code: "HKD",
        digits: 2,
        rate_e4: 9_123,
    },
    Currency {
        code: "USD",
        digits: 2,
        rate_e4: 71_200,
    },
    Currency {
        code: "JPY",
        digits: 0,
        rate_e4: 480,
    },
    Currency {
        code: "CAD",
        digits: 2,
        rate_e4: 52_000,
    },
    Currency {
        code: "AUD",
        digits: 2,
        rate_e4: 47_000,
    },
    Currency {
        code: "EUR",
        digits: 2,
        rate_e4: 77_800,
    },
    Currency {
        code: "NZD",
        digits: 2,
        rate_e4: 43_000,
    },
    Currency {
        code: "KRW",
        digits: 0,
        rate_e4: 52,
    },
    Currency {
        code: "THB",
        digits: 2,
        rate_e4: 2_000,
    },
];

/// Largest accepted amount in major units (keeps every product far from i64 overflow).
const MAX_INTEGER_DIGITS: usize = 12;

pub(crate) fn currency(code: &str) -> Option<&'static Currency> {
    CURRENCIES.iter().find(|c| c.code == code)
}

pub(crate) fn currency_or_err(code: &str) -> Result<&'static Currency, String> {
    currency(code).ok_or_else(|| format!("unsupported currency {code:?}"))
}

/// Parse a positive decimal with at most the currency's minor digits ("12", "12.5", "12.50").
pub(crate) fn parse_amount(s: &str, cur: &Currency) -> Result<i64, String> {
    let bad = || {
        format!(
            "invalid amount {s:?}: expected a positive decimal with at most {} decimal places for {}",
            cur.digits, cur.code
        )
    };
    let (int_part, frac_part) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int_part) || int_part.len() > MAX_INTEGER_DIGITS {
        return Err(bad());
    }
    let frac = frac_part.unwrap_or("");
    if (frac_part.is_some() && !all_digits(frac)) || frac.len() > cur.digits as usize {
        return Err(bad());
    }
    let mut minor: i64 = 0;
    for b in int_part.bytes() {
        minor = minor * 10 + i64::from(b - b'0');
    }
    for i in 0..cur.digits as usize {
        let d = frac.as_bytes().get(i).map_or(0, |b| i64::from(b - b'0'));
        minor = minor * 10 + d;
    }
    if minor <= 0 {
        return Err(bad());
    }
    Ok(minor)
}

/// "12.50" for 1250 with 2 digits, "1200" for 1200 with 0 digits.
pub(crate) fn format_minor(minor: i64, digits: u32) -> String {
    if digits == 0 {
        return minor.to_string();
    }
    let scale = 10_i64.pow(digits);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let scale = scale.unsigned_abs();
    format!(
        "{sign}{}.{:0width$}",
        abs / scale,
        abs % scale,
        width = digits as usize
    )
}

/// A JSON number for the "Version 2.0" responses (`"amount": 12.5`), built
/// from the decimal text; whole amounts become integers (`1`, not `1.0`).
pub(crate) fn json_number(minor: i64, digits: u32) -> Value {
    let text = format_minor(minor, digits);
    let trimmed = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text.as_str()
    };
    trimmed
        .parse::<serde_json::Number>()
        .map(Value::Number)
        // Unreachable for our own digit strings; a string still carries the value.
        .unwrap_or_else(|_| Value::String(text.clone()))
}

/// The rate as text with `decimals` places (the document shows 4 on WeChat, 6 on Alipay).
pub(crate) fn rate_string(cur: &Currency, decimals: u32) -> String {
    let rate = if decimals >= 4 {
        cur.rate_e4 * 10_i64.pow(decimals - 4)
    } else {
        cur.rate_e4 / 10_i64.pow(4 - decimals)
    };
    format_minor(rate, decimals)
}

/// The rate as a JSON number (WeChat order query, Version 2.0 style).
pub(crate) fn rate_number(cur: &Currency) -> Value {
    json_number(cur.rate_e4, 4)
}

/// What the customer pays in CNY fen, rounded half up.
pub(crate) fn cny_fen(minor: i64, cur: &Currency) -> i64 {
    // minor / 10^digits units * rate_e4 / 1e4 CNY * 100 fen.
    let num = i128::from(minor) * i128::from(cur.rate_e4) * 100;
    let den = i128::from(10_i64.pow(cur.digits)) * 10_000;
    let fen = (num + den / 2) / den;
    i64::try_from(fen).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(code: &str) -> &'static Currency {
        currency(code).unwrap()
    }

    #[test]
    fn parses_amounts_by_currency_digits() {
        assert_eq!(parse_amount("12", cur("HKD")), Ok(1200));
        assert_eq!(parse_amount("12.5", cur("HKD")), Ok(1250));
        assert_eq!(parse_amount("12.50", cur("HKD")), Ok(1250));
        assert_eq!(parse_amount("0.01", cur("USD")), Ok(1));
        assert_eq!(parse_amount("1200", cur("JPY")), Ok(1200));
        for bad in [
            "", "0", "0.00", "-1", "+1", "1.", ".5", "1.234", "1e3", " 1", "1,5",
        ] {
            assert!(parse_amount(bad, cur("HKD")).is_err(), "{bad:?}");
        }
        assert!(parse_amount("12.5", cur("JPY")).is_err());
        assert!(parse_amount("1234567890123", cur("KRW")).is_err());
    }

    #[test]
    fn formats_minor_units() {
        assert_eq!(format_minor(1250, 2), "12.50");
        assert_eq!(format_minor(5, 2), "0.05");
        assert_eq!(format_minor(1200, 0), "1200");
        assert_eq!(json_number(1250, 2).to_string(), "12.5");
        assert_eq!(json_number(100, 2).to_string(), "1");
        assert_eq!(json_number(1, 2).to_string(), "0.01");
        assert_eq!(json_number(1200, 0).to_string(), "1200");
    }

    #[test]
    fn rates_and_conversion() {
        assert_eq!(rate_string(cur("HKD"), 4), "0.9123");
        assert_eq!(rate_string(cur("HKD"), 6), "0.912300");
        assert_eq!(rate_string(cur("CNY"), 4), "1.0000");
        assert_eq!(rate_number(cur("USD")).to_string(), "7.12");
        // 100.00 HKD * 0.9123 = 91.23 CNY
        assert_eq!(cny_fen(10_000, cur("HKD")), 9_123);
        // 1200 JPY * 0.0480 = 57.60 CNY
        assert_eq!(cny_fen(1200, cur("JPY")), 5_760);
        // 0.01 HKD * 0.9123 = 0.009123 -> 0.01 CNY
        assert_eq!(cny_fen(1, cur("HKD")), 1);
    }
}
