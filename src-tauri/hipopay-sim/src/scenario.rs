//! Outcomes chosen by the payment code's last three digits (scan payments).
//!
//! Tests and demos drive the sim by choosing the code, so a single cashier
//! action can reach any outcome without touching the sim itself.

use std::time::Duration;

use crate::proto::Delivery;
use crate::state::{FAIL, INIT, PAID};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scenario {
    /// Anything not listed: PAID at once.
    Paid,
    /// 101: declined (insufficient balance), recorded FAIL.
    Declined,
    /// 102: INIT, PAID after `init_queries_before_paid` queries.
    PaidAfterQueries,
    /// 103: INIT until paid through the control API.
    PendingForever,
    /// 104: recorded PAID, connection dropped without an answer.
    DropResponse,
    /// 105: HTTP 503, nothing recorded.
    Unavailable,
    /// 106: recorded PAID, answered after `slow_answer`.
    Slow,
    /// 107: recorded PAID, answered with truncated JSON.
    Malformed,
    /// 108: HTTP 500, nothing recorded.
    InternalError,
    /// 109: customer entering the password; INIT then PAID (WeChat answers 555 USERPAYING).
    UserPaying,
    /// 110: INIT, then FAIL (customer cancelled) after the queries.
    CancelledAfterQueries,
}

impl Scenario {
    pub fn from_auth_code(code: &str) -> Scenario {
        let suffix = code.len().checked_sub(3).and_then(|i| code.get(i..));
        match suffix {
            Some("101") => Scenario::Declined,
            Some("102") => Scenario::PaidAfterQueries,
            Some("103") => Scenario::PendingForever,
            Some("104") => Scenario::DropResponse,
            Some("105") => Scenario::Unavailable,
            Some("106") => Scenario::Slow,
            Some("107") => Scenario::Malformed,
            Some("108") => Scenario::InternalError,
            Some("109") => Scenario::UserPaying,
            Some("110") => Scenario::CancelledAfterQueries,
            _ => Scenario::Paid,
        }
    }

    /// The status the order is recorded with and the status it moves to
    /// after the scripted queries; `None` when nothing is recorded at all.
    pub fn recorded(self) -> Option<(&'static str, Option<&'static str>)> {
        match self {
            Scenario::Unavailable | Scenario::InternalError => None,
            Scenario::Declined => Some((FAIL, None)),
            Scenario::PaidAfterQueries | Scenario::UserPaying => Some((INIT, Some(PAID))),
            Scenario::CancelledAfterQueries => Some((INIT, Some(FAIL))),
            Scenario::PendingForever => Some((INIT, None)),
            Scenario::Paid | Scenario::DropResponse | Scenario::Slow | Scenario::Malformed => {
                Some((PAID, None))
            }
        }
    }

    /// The HTTP error answered instead of any order (nothing recorded).
    pub fn error_status(self) -> Option<(u16, &'static str)> {
        match self {
            Scenario::Unavailable => {
                Some((503, "service unavailable (simulated), try again later"))
            }
            Scenario::InternalError => Some((500, "internal server error (simulated)")),
            _ => None,
        }
    }

    pub fn delivery(self, slow_answer: Duration) -> Delivery {
        match self {
            Scenario::DropResponse => Delivery::Drop,
            Scenario::Slow => Delivery::Delay(slow_answer),
            Scenario::Malformed => Delivery::Malformed,
            _ => Delivery::Normal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_by_last_three_digits() {
        assert_eq!(
            Scenario::from_auth_code("134567890123456101"),
            Scenario::Declined
        );
        assert_eq!(
            Scenario::from_auth_code("281234567890123110"),
            Scenario::CancelledAfterQueries
        );
        assert_eq!(
            Scenario::from_auth_code("134567890123456111"),
            Scenario::Paid
        );
        assert_eq!(Scenario::from_auth_code("10"), Scenario::Paid);
        assert_eq!(Scenario::from_auth_code("中文"), Scenario::Paid);
    }
}
