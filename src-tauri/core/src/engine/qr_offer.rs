//! What the counter offers the customer to scan for a QR order: the code as
//! a PNG, the CNY equivalent the customer will see in the wallet, and when
//! it expires.

use super::Engine;
use crate::error::CashierError;
use crate::ledger::Order;
use crate::money::Currency;
use base64::Engine as _;
use rust_decimal::{Decimal, RoundingStrategy};
use schemars::JsonSchema;
use serde::Serialize;
use std::str::FromStr;

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CnyEquivalent {
    /// CNY per one unit of the order's currency, as HipoPay quoted it.
    pub rate: String,
    /// The order amount in CNY, rounded to the fen.
    pub amount: String,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct QrOffer {
    pub order: Order,
    /// `data:image/png;base64,...`
    pub png: String,
    pub cny: Option<CnyEquivalent>,
    pub expires_at_ms: i64,
}

/// amount × rate in CNY, exact decimal arithmetic, rounded half-up to 0.01.
pub fn cny_amount(amount: &str, rate: &str) -> Option<String> {
    let a = Decimal::from_str(amount).ok()?;
    let r = Decimal::from_str(rate).ok()?;
    let cny = a
        .checked_mul(r)?
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    Some(format!("{cny:.2}"))
}

impl Engine {
    pub async fn qr_offer(&self, order: Order) -> Result<QrOffer, CashierError> {
        let payload = order
            .qr_payload
            .clone()
            .ok_or_else(|| {
                CashierError::QrUnavailable(format!(
                    "HipoPay's answer with the QR code for order #{} did not arrive; make a new QR code (nobody can pay this one)",
                    order.id
                ))
            })?;
        let png = crate::qr::png(&payload, 480).map_err(|e| CashierError::Input(e.to_string()))?;
        let png = format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(png)
        );
        // The rate is a courtesy for the customer: a failure to fetch it must
        // not stand in the way of the payment.
        let cny = if order.amount.currency == Currency::CNY {
            None
        } else {
            match self.client.rate(order.wallet, order.amount.currency).await {
                Ok(rate) => cny_amount(&order.amount.to_decimal_string(), &rate)
                    .map(|amount| CnyEquivalent { rate, amount }),
                Err(_) => None,
            }
        };
        let lifetime = i64::try_from(self.settings.qr_lifetime.as_millis()).unwrap_or(i64::MAX);
        Ok(QrOffer {
            expires_at_ms: order.created_at.saturating_add(lifetime),
            order,
            png,
            cny,
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cny_is_exact_and_rounded_to_the_fen() {
        assert_eq!(
            super::cny_amount("12.50", "0.9123").as_deref(),
            Some("11.40")
        );
        assert_eq!(
            super::cny_amount("1200", "0.0480").as_deref(),
            Some("57.60")
        );
        assert_eq!(super::cny_amount("0.01", "0.5").as_deref(), Some("0.01"));
        assert_eq!(super::cny_amount("x", "1").as_deref(), None);
    }
}
