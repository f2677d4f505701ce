//! A counter's name: which till took a payment. It starts our merchant
//! order numbers and goes to WeChat as `device_info`, so HipoPay's own
//! records say which counter took each payment, and it keys this till's
//! rows in the central books.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// 1 to 9 ASCII letters and digits: with a dash, 14 digits of time and 8
/// random ones, an order number stays within WeChat's 32 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "String", into = "String")]
pub struct Counter(String);

pub const MAX_LEN: usize = 9;

impl Counter {
    pub fn parse(name: &str) -> Result<Counter, String> {
        let name = name.trim();
        if name.is_empty() {
            return Err("is empty".into());
        }
        if name.len() > MAX_LEN || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(format!(
                "must be 1 to {MAX_LEN} letters or digits (A-Z, 0-9), like \"C1\""
            ));
        }
        Ok(Counter(name.to_string()))
    }

    /// The default: this computer's host name, as letters and digits in
    /// capitals, its last nine (host names of a shop's tills tend to differ
    /// at the end: pos-counter-1, pos-counter-2).
    pub fn from_host_name() -> Counter {
        let host = gethostname::gethostname();
        Self::from_host(&host.to_string_lossy())
    }

    fn from_host(host: &str) -> Counter {
        // The first label: "till1.shop.lan" is till1.
        let label = host.split('.').next().unwrap_or_default();
        let kept: Vec<char> = label
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let tail: String = kept[kept.len().saturating_sub(MAX_LEN)..].iter().collect();
        if tail.is_empty() {
            Counter::default()
        } else {
            Counter(tail)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// "TILL": a host name with no letters or digits, an engine built by hand.
impl Default for Counter {
    fn default() -> Self {
        Counter("TILL".into())
    }
}

impl fmt::Display for Counter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Counter {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Counter::parse(&s)
    }
}

impl From<Counter> for String {
    fn from(c: Counter) -> String {
        c.0
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn names_are_short_letters_and_digits() {
        assert_eq!(Counter::parse(" C1 ").unwrap().as_str(), "C1");
        assert_eq!(Counter::parse("Front2").unwrap().as_str(), "Front2");
        for bad in ["", "C 1", "C-1", "ABCDEFGHIJ", "收银1"] {
            assert!(Counter::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_default_keeps_what_tells_tills_apart() {
        assert_eq!(Counter::from_host("pos-counter-1").as_str(), "SCOUNTER1");
        assert_eq!(Counter::from_host("till2.shop.lan").as_str(), "TILL2");
        assert_ne!(
            Counter::from_host("pos-counter-1"),
            Counter::from_host("pos-counter-2")
        );
        assert_eq!(Counter::from_host("---").as_str(), "TILL");
        assert!(Counter::parse(Counter::from_host_name().as_str()).is_ok());
    }
}
