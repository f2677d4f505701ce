//! Which wallet a payment code belongs to, decided by the code itself, and the
//! wallet-specific facts the engine respects.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Wallet {
    Wechat,
    Alipay,
}

impl Wallet {
    pub fn as_str(self) -> &'static str {
        match self {
            Wallet::Wechat => "wechat",
            Wallet::Alipay => "alipay",
        }
    }

    /// How long the cashier waits at the counter by default: WeChat revokes an
    /// unpaid scan order about 45 s after creation, Alipay closes one later.
    pub fn counter_wait(self) -> Duration {
        match self {
            Wallet::Wechat => Duration::from_secs(45),
            Wallet::Alipay => Duration::from_secs(60),
        }
    }

    /// After this long the wallet has closed an unpaid scan order on its own,
    /// so "HipoPay never saw it" is a definite answer.
    pub fn scan_order_lifetime(self) -> Duration {
        match self {
            Wallet::Wechat => Duration::from_secs(120),
            Wallet::Alipay => Duration::from_secs(300),
        }
    }
}

impl fmt::Display for Wallet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Wallet {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "wechat" | "weixin" | "wx" => Ok(Wallet::Wechat),
            "alipay" => Ok(Wallet::Alipay),
            other => Err(format!("unknown wallet {other:?}; use wechat or alipay")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("the scanned code is empty")]
    Empty,
    #[error("{0} is not a WeChat or Alipay payment code (a product barcode or a typo?)")]
    NotAPaymentCode(String),
}

/// Decides the wallet from the customer's payment code.
/// WeChat: `^1[0-5]\d{16}$`; Alipay: `^(2[5-9]|30)\d{14,22}$`.
pub fn detect_wallet(code: &str) -> Result<Wallet, CodeError> {
    let code = code.trim();
    if code.is_empty() {
        return Err(CodeError::Empty);
    }
    let bytes = code.as_bytes();
    if !bytes.iter().all(u8::is_ascii_digit) {
        return Err(CodeError::NotAPaymentCode(mask_code(code)));
    }
    let prefix = |n: usize| code.get(..n).and_then(|p| p.parse::<u32>().ok());
    let len = bytes.len();
    if len == 18 && matches!(prefix(2), Some(10..=15)) {
        return Ok(Wallet::Wechat);
    }
    if (16..=24).contains(&len) && matches!(prefix(2), Some(25..=30)) {
        return Ok(Wallet::Alipay);
    }
    Err(CodeError::NotAPaymentCode(mask_code(code)))
}

/// Shows enough of a payment code to recognise it, not enough to reuse it.
/// Control characters (a scanner's stray escape sequence) show as `?`.
pub fn mask_code(code: &str) -> String {
    let chars: Vec<char> = code
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if chars.len() <= 8 {
        return chars.into_iter().collect();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wechat_codes() {
        assert_eq!(detect_wallet("134567890123456789"), Ok(Wallet::Wechat));
        assert_eq!(detect_wallet("104567890123456789"), Ok(Wallet::Wechat));
        assert_eq!(detect_wallet(" 154567890123456789\r\n"), Ok(Wallet::Wechat));
        // 16 prefix, wrong length, letters
        assert!(detect_wallet("164567890123456789").is_err());
        assert!(detect_wallet("13456789012345678").is_err());
        assert!(detect_wallet("1345678901234567890").is_err());
        assert!(detect_wallet("13456789012345678a").is_err());
    }

    #[test]
    fn alipay_codes() {
        assert_eq!(detect_wallet("2812345678901234"), Ok(Wallet::Alipay)); // 16 digits
        assert_eq!(detect_wallet("281234567890123456"), Ok(Wallet::Alipay));
        assert_eq!(
            detect_wallet("300000000000000000000000"),
            Ok(Wallet::Alipay)
        ); // 24
        assert_eq!(detect_wallet("250000000000000000"), Ok(Wallet::Alipay));
        assert!(detect_wallet("240000000000000000").is_err());
        assert!(detect_wallet("310000000000000000").is_err());
        assert!(detect_wallet("281234567890123").is_err()); // 15
        assert!(detect_wallet("3000000000000000000000000").is_err()); // 25
    }

    #[test]
    fn product_barcodes_and_junk_are_refused() {
        assert_eq!(detect_wallet(""), Err(CodeError::Empty));
        assert!(detect_wallet("4006381333931").is_err()); // EAN-13
        assert!(detect_wallet("hello").is_err());
        assert!(detect_wallet("-134567890123456789").is_err());
    }

    #[test]
    fn masking_hides_the_middle() {
        assert_eq!(mask_code("134567890123456789"), "1345…6789");
    }
}
