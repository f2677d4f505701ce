//! Reading HipoPay's answers, which do not always agree with each other:
//! amounts as strings or numbers, `outer_order_no` in create responses but
//! `out_order_no` in queries, `no` (WeChat) versus `payment_no` (Alipay), and
//! Alipay's `/alipay/rate` outside `data`.

use super::HipoPayError;
use crate::money::{parse_minor, Currency};
use crate::text::one_line;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoteStatus {
    Init,
    Paid,
    Fail,
    Expired,
}

impl RemoteStatus {
    fn parse(s: &str) -> Result<Self, HipoPayError> {
        match s.trim().to_ascii_uppercase().as_str() {
            "INIT" => Ok(RemoteStatus::Init),
            "PAID" => Ok(RemoteStatus::Paid),
            "FAIL" | "FAILED" => Ok(RemoteStatus::Fail),
            "EXPIRED" => Ok(RemoteStatus::Expired),
            other => Err(HipoPayError::Malformed(format!(
                "unknown order status {:?}",
                one_line(other, 40)
            ))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteOrder {
    /// HipoPay's own number (`no` for WeChat, `payment_no` for Alipay).
    pub payment_no: Option<String>,
    /// Our merchant order number as HipoPay echoes it.
    pub merchant_order_no: Option<String>,
    pub status: RemoteStatus,
    pub amount_minor: Option<i64>,
    pub currency: Option<Currency>,
    pub refundable_minor: Option<i64>,
    pub exchange_rate: Option<String>,
    /// Why the wallet declined, when the answer says so.
    pub fail_reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoteRefundStatus {
    Success,
    Fail,
    Processing,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteRefund {
    pub refund_no: Option<String>,
    pub outer_refund_no: Option<String>,
    pub amount_minor: Option<i64>,
    pub status: RemoteRefundStatus,
}

/// Text of a field that may be a string or a number; empty strings count as absent.
pub(crate) fn text(obj: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match obj.get(*k) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        // serde_json prints a number with the shortest digits that read back the
        // same, so "12.5" comes back as "12.5": exact for any real amount.
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

/// An amount HipoPay states: exact, and never negative.
fn amount(obj: &Value, keys: &[&str], currency: Currency) -> Result<Option<i64>, HipoPayError> {
    let Some(t) = text(obj, keys) else {
        return Ok(None);
    };
    let shown = one_line(&t, 40);
    match parse_minor(&t, currency) {
        Ok(minor) if minor < 0 => Err(HipoPayError::Malformed(format!(
            "amount {shown} is negative"
        ))),
        Ok(minor) => Ok(Some(minor)),
        Err(e) => Err(HipoPayError::Malformed(format!("amount {shown:?}: {e}"))),
    }
}

impl RemoteOrder {
    /// `expected` is the currency we sent, used when the answer omits it.
    pub fn from_json(order: &Value, expected: Currency) -> Result<Self, HipoPayError> {
        if !order.is_object() {
            return Err(HipoPayError::Malformed("the answer has no order".into()));
        }
        let status_text = text(order, &["status"])
            .ok_or_else(|| HipoPayError::Malformed("the order has no status".into()))?;
        let currency = match text(order, &["currency"]) {
            Some(c) => Some(
                c.parse::<Currency>()
                    .map_err(|e| HipoPayError::Malformed(e.to_string()))?,
            ),
            None => None,
        };
        let cur = currency.unwrap_or(expected);
        Ok(RemoteOrder {
            payment_no: text(order, &["no", "payment_no"]),
            merchant_order_no: text(order, &["agent_order_id", "out_order_no", "outer_order_no"]),
            status: RemoteStatus::parse(&status_text)?,
            amount_minor: amount(order, &["amount"], cur)?,
            currency,
            refundable_minor: amount(order, &["refundable_amount"], cur)?,
            exchange_rate: text(order, &["exchange_rate"]),
            // Shown to the cashier as the reason: one line, whatever was sent.
            fail_reason: text(order, &["fail_reason", "error_message", "err_msg"])
                .map(|r| one_line(&r, 200)),
        })
    }
}

impl RemoteRefund {
    pub fn from_json(refund: &Value, currency: Currency) -> Result<Self, HipoPayError> {
        if !refund.is_object() {
            return Err(HipoPayError::Malformed("the answer has no refund".into()));
        }
        let status = match text(refund, &["status"])
            .unwrap_or_default()
            .to_ascii_uppercase()
            .as_str()
        {
            "SUCCESS" | "SUCCEEDED" => RemoteRefundStatus::Success,
            "FAIL" | "FAILED" | "CLOSED" | "REFUNDCLOSE" => RemoteRefundStatus::Fail,
            // PART and FULL say how much of the *order* is refunded, not
            // which refund went through: no answer about this one.
            // WeChat's CHANGE: the money left the merchant but did not reach
            // the customer. Not a failure to forget: it stays unclear, in
            // Needs attention, until HipoPay says how it ended.
            _ => RemoteRefundStatus::Processing,
        };
        Ok(RemoteRefund {
            refund_no: text(refund, &["no", "refund_no"]),
            outer_refund_no: text(refund, &["outer_refund_no"]),
            amount_minor: amount(refund, &["refund_amount"], currency)?,
            status,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_wechat_v1_and_v2_orders_alike() {
        let v1 = json!({"no":"2017","agent_order_id":"M1","status":"PAID","amount":"12.50",
                        "currency":"HKD","refundable_amount":"12.5","exchange_rate":"0.8789"});
        let v2 = json!({"no":"2017","agent_order_id":"M1","status":"PAID","amount":12.5,
                        "currency":"HKD","refundable_amount":12.5,"exchange_rate":0.8789});
        let a = RemoteOrder::from_json(&v1, Currency::HKD).unwrap();
        let b = RemoteOrder::from_json(&v2, Currency::HKD).unwrap();
        assert_eq!(a.amount_minor, Some(1250));
        assert_eq!(a.refundable_minor, Some(1250));
        assert_eq!(a.amount_minor, b.amount_minor);
        assert_eq!(a.payment_no.as_deref(), Some("2017"));
        assert_eq!(b.merchant_order_no.as_deref(), Some("M1"));
    }

    #[test]
    fn reads_alipay_names() {
        let create =
            json!({"payment_no":"P1","outer_order_no":"M2","status":"INIT","amount":"100"});
        let query =
            json!({"payment_no":"P1","out_order_no":"M2","status":"paid","amount":"100.00"});
        let c = RemoteOrder::from_json(&create, Currency::HKD).unwrap();
        let q = RemoteOrder::from_json(&query, Currency::HKD).unwrap();
        assert_eq!(c.merchant_order_no.as_deref(), Some("M2"));
        assert_eq!(q.merchant_order_no.as_deref(), Some("M2"));
        assert_eq!(q.status, RemoteStatus::Paid);
        assert_eq!(c.amount_minor, Some(10000));
    }

    #[test]
    fn refuses_orders_it_cannot_trust() {
        assert!(RemoteOrder::from_json(&json!({"amount":"1"}), Currency::HKD).is_err());
        assert!(RemoteOrder::from_json(&json!({"status":"WHO"}), Currency::HKD).is_err());
        assert!(
            RemoteOrder::from_json(&json!({"status":"PAID","amount":"1.234"}), Currency::HKD)
                .is_err()
        );
        assert!(RemoteOrder::from_json(&json!("PAID"), Currency::HKD).is_err());
    }

    #[test]
    fn refund_statuses() {
        let r = RemoteRefund::from_json(
            &json!({"no":"R","refund_amount":50,"status":"SUCCESS"}),
            Currency::HKD,
        )
        .unwrap();
        assert_eq!(r.status, RemoteRefundStatus::Success);
        assert_eq!(r.amount_minor, Some(5000));
        let p = RemoteRefund::from_json(
            &json!({"refund_no":"R","status":"PROCESSING"}),
            Currency::HKD,
        )
        .unwrap();
        assert_eq!(p.status, RemoteRefundStatus::Processing);
        assert_eq!(p.refund_no.as_deref(), Some("R"));
        let status = |s: &str| {
            RemoteRefund::from_json(&json!({"no":"R","status":s}), Currency::HKD)
                .unwrap()
                .status
        };
        assert_eq!(status("CHANGE"), RemoteRefundStatus::Processing);
        assert_eq!(status("PART"), RemoteRefundStatus::Processing);
        assert_eq!(status("FULL"), RemoteRefundStatus::Processing);
        assert_eq!(status("REFUNDCLOSE"), RemoteRefundStatus::Fail);
        assert_eq!(status("closed"), RemoteRefundStatus::Fail);
    }
}
