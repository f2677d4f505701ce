//! Exact money: integer minor units per currency, parsed from and printed as
//! decimal strings. Never a float: a cent lost in rounding is a support call.

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The currencies HipoPay settles (document section 11.3).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum Currency {
    CNY,
    GBP,
    HKD,
    USD,
    JPY,
    CAD,
    AUD,
    EUR,
    NZD,
    KRW,
    THB,
}

impl Currency {
    pub const ALL: [Currency; 11] = [
        Currency::CNY,
        Currency::GBP,
        Currency::HKD,
        Currency::USD,
        Currency::JPY,
        Currency::CAD,
        Currency::AUD,
        Currency::EUR,
        Currency::NZD,
        Currency::KRW,
        Currency::THB,
    ];

    /// Digits after the decimal point: JPY and KRW have no minor unit.
    pub fn exponent(self) -> u32 {
        match self {
            Currency::JPY | Currency::KRW => 0,
            _ => 2,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Currency::CNY => "CNY",
            Currency::GBP => "GBP",
            Currency::HKD => "HKD",
            Currency::USD => "USD",
            Currency::JPY => "JPY",
            Currency::CAD => "CAD",
            Currency::AUD => "AUD",
            Currency::EUR => "EUR",
            Currency::NZD => "NZD",
            Currency::KRW => "KRW",
            Currency::THB => "THB",
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let upper = s.trim().to_ascii_uppercase();
        Currency::ALL
            .into_iter()
            .find(|c| c.code() == upper)
            .ok_or_else(|| MoneyError::UnknownCurrency(shown(s)))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("unknown currency {0:?}; HipoPay takes CNY GBP HKD USD JPY CAD AUD EUR NZD KRW THB")]
    UnknownCurrency(String),
    #[error("{0:?} is not an amount; write it like 12.50")]
    NotANumber(String),
    #[error("{amount} has more decimals than {currency} allows ({digits})")]
    TooPrecise {
        amount: String,
        currency: Currency,
        digits: u32,
    },
    #[error("the amount must be greater than zero")]
    NotPositive,
    #[error("{0} is too large an amount")]
    TooLarge(String),
}

/// The refused text as an error message shows it: one line, not a flood.
fn shown(text: &str) -> String {
    crate::text::one_line(text, 24)
}

/// Largest single amount we accept, in minor units: far above any counter sale,
/// far below i64 overflow when summed over millions of orders.
const MAX_MINOR: i64 = 1_000_000_000_000;

/// An exact amount of one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    /// Parses a cashier-entered amount: positive, at most the currency's decimals.
    pub fn parse_positive(text: &str, currency: Currency) -> Result<Money, MoneyError> {
        let minor = parse_minor(text, currency)?;
        if minor <= 0 {
            return Err(MoneyError::NotPositive);
        }
        Ok(Money { minor, currency })
    }

    /// The decimal string in the currency's units: "12.50", "1200" for JPY.
    pub fn to_decimal_string(self) -> String {
        format_minor(self.minor, self.currency)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_decimal_string(), self.currency)
    }
}

/// Parses a decimal string (as typed, or as an acquirer sent it) into minor units.
/// Zero and negative values parse; callers decide whether they are acceptable.
pub fn parse_minor(text: &str, currency: Currency) -> Result<i64, MoneyError> {
    let trimmed = text.trim();
    // Decimal also accepts exponents and underscores; an amount is plain digits.
    let plain = !trimmed.is_empty()
        && trimmed
            .chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || c == '.' || (i == 0 && c == '-'));
    if !plain {
        return Err(MoneyError::NotANumber(shown(text)));
    }
    let digits = currency.exponent();
    let value = Decimal::from_str_exact(trimmed).map_err(|_| beyond_decimal(trimmed, currency))?;
    let normalized = value.normalize();
    if normalized.scale() > digits {
        return Err(MoneyError::TooPrecise {
            amount: shown(trimmed),
            currency,
            digits,
        });
    }
    let scaled = normalized
        .checked_mul(Decimal::from(10i64.pow(digits)))
        .ok_or_else(|| MoneyError::TooLarge(shown(trimmed)))?;
    let minor = i64::try_from(scaled.trunc().mantissa() / 10i128.pow(scaled.trunc().scale()))
        .map_err(|_| MoneyError::TooLarge(shown(trimmed)))?;
    if minor.abs() > MAX_MINOR {
        return Err(MoneyError::TooLarge(shown(trimmed)));
    }
    Ok(minor)
}

/// Why plain digits (at most one point) did not fit the decimal type: far
/// too many digits before the point (too large) or after it (too precise).
fn beyond_decimal(trimmed: &str, currency: Currency) -> MoneyError {
    let mut parts = trimmed.trim_start_matches('-').split('.');
    let units = parts.next().unwrap_or("");
    let fraction = parts.next();
    let well_formed =
        parts.next().is_none() && (!units.is_empty() || fraction.is_some_and(|f| !f.is_empty()));
    if !well_formed {
        MoneyError::NotANumber(shown(trimmed))
    } else if units.trim_start_matches('0').len() > 13 {
        MoneyError::TooLarge(shown(trimmed))
    } else {
        MoneyError::TooPrecise {
            amount: shown(trimmed),
            currency,
            digits: currency.exponent(),
        }
    }
}

/// Prints minor units as the currency's decimal string.
pub fn format_minor(minor: i64, currency: Currency) -> String {
    Decimal::new(minor, currency.exponent()).to_string()
}

/// `amount` in CNY at HipoPay's `rate` (CNY per unit), to the fen, half up.
/// None when the rate is not a plain positive decimal.
pub fn cny_at(amount: Money, rate: &str) -> Option<Money> {
    let rate = rate.trim();
    let (int, frac) = rate.split_once('.').unwrap_or((rate, ""));
    if int.is_empty() && frac.is_empty()
        || !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit())
        || frac.len() > 12
    {
        return None;
    }
    let scaled: i128 = format!("{int}{frac}").parse().ok()?;
    if scaled <= 0 {
        return None;
    }
    // amount.minor / 10^a * scaled / 10^f CNY = that * 100 fen.
    let a = amount.currency.exponent();
    let num = i128::from(amount.minor) * scaled * 100;
    let den = 10i128.pow(a + u32::try_from(frac.len()).ok()?);
    let fen = (num + den / 2) / den;
    Some(Money::new(i64::try_from(fen).ok()?, Currency::CNY))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn cny_is_exact_to_the_fen_half_up() {
        let hkd = |minor| Money::new(minor, Currency::HKD);
        assert_eq!(
            cny_at(hkd(1250), "0.9125"),
            Some(Money::new(1141, Currency::CNY))
        );
        assert_eq!(
            cny_at(hkd(100), "0.915"),
            Some(Money::new(92, Currency::CNY))
        );
        assert_eq!(
            cny_at(Money::new(1000, Currency::JPY), "0.05"),
            Some(Money::new(5000, Currency::CNY))
        );
        for bad in ["", ".", "-1", "1e3", "abc", "0"] {
            assert_eq!(cny_at(hkd(100), bad), None, "{bad:?}");
        }
    }

    #[test]
    fn parses_and_prints_exactly() {
        assert_eq!(parse_minor("12.5", Currency::HKD), Ok(1250));
        assert_eq!(parse_minor("12.50", Currency::HKD), Ok(1250));
        assert_eq!(parse_minor("0.01", Currency::USD), Ok(1));
        assert_eq!(parse_minor("1200", Currency::JPY), Ok(1200));
        assert_eq!(parse_minor("1200.00", Currency::JPY), Ok(1200));
        assert_eq!(parse_minor("0.10", Currency::HKD), Ok(10));
        assert_eq!(format_minor(1250, Currency::HKD), "12.50");
        assert_eq!(format_minor(5, Currency::HKD), "0.05");
        assert_eq!(format_minor(1200, Currency::JPY), "1200");
        assert_eq!(format_minor(-1250, Currency::HKD), "-12.50");
        assert_eq!(format_minor(0, Currency::HKD), "0.00");
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        for bad in [
            "", " ", "abc", "1e3", "1_000", "+5", "12.5.0", "0x10", "NaN", "1,50",
        ] {
            assert!(
                matches!(
                    parse_minor(bad, Currency::HKD),
                    Err(MoneyError::NotANumber(_))
                ),
                "{bad:?} should be refused"
            );
        }
        assert!(matches!(
            parse_minor("12.345", Currency::HKD),
            Err(MoneyError::TooPrecise { .. })
        ));
        assert!(matches!(
            parse_minor("12.5", Currency::JPY),
            Err(MoneyError::TooPrecise { .. })
        ));
        assert_eq!(
            Money::parse_positive("0", Currency::HKD),
            Err(MoneyError::NotPositive)
        );
        assert_eq!(
            Money::parse_positive("-1", Currency::HKD),
            Err(MoneyError::NotPositive)
        );
        assert!(matches!(
            parse_minor("99999999999999999999999", Currency::HKD),
            Err(MoneyError::TooLarge(_))
        ));
    }

    #[test]
    fn currency_codes_round_trip() {
        for c in Currency::ALL {
            assert_eq!(c.code().parse::<Currency>().unwrap(), c);
        }
        assert_eq!("hkd".parse::<Currency>().unwrap(), Currency::HKD);
        assert!("XXX".parse::<Currency>().is_err());
    }
}
