//! Turning HipoPay's answers about an order into ledger changes. Only a
//! definite answer moves an order; anything unclear leaves it PENDING.

use super::Engine;
use crate::error::CashierError;
use crate::hipopay::{HipoPayError, RemoteOrder, RemoteStatus};
use crate::ledger::{Order, OrderStatus, OrderUpdate, PaymentFlow};
use crate::reason::Reason;
use std::time::Duration;

fn age_ms(since: i64) -> i64 {
    crate::ledger_now_ms() - since
}

pub(super) fn older_than(since: i64, d: Duration) -> bool {
    age_ms(since) > i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// A charge or refund written but not yet recorded as sent may be on its
/// way out right now, in this process or another one on the same ledger
/// (the app and `cashier-cli`): it counts as "never sent" only after this
/// long. Between writing and sending there are milliseconds.
pub(super) const IN_FLIGHT_GRACE: Duration = Duration::from_secs(30);

impl Engine {
    /// Records what HipoPay said about an order. An answer about another order
    /// or another amount is not trusted: the order stays as it was.
    pub(super) fn apply_remote(
        &self,
        order: &Order,
        remote: &RemoteOrder,
        why: &str,
    ) -> Result<Order, CashierError> {
        if let Some(no) = &remote.merchant_order_no {
            if no != &order.merchant_order_no {
                return Err(HipoPayError::Malformed(format!(
                    "HipoPay answered about order {no}, not {}",
                    order.merchant_order_no
                ))
                .into());
            }
        }
        if let Some(amount) = remote.amount_minor {
            if amount != order.amount.minor
                || remote.currency.is_some_and(|c| c != order.amount.currency)
            {
                return Err(HipoPayError::Malformed(format!(
                    "HipoPay reports a different amount for order {}",
                    order.merchant_order_no
                ))
                .into());
            }
        }
        let (status, reason, error) = match remote.status {
            RemoteStatus::Init => (OrderStatus::Pending, Some(Reason::Confirming), None),
            RemoteStatus::Paid => (OrderStatus::Paid, None, None),
            RemoteStatus::Fail => (
                OrderStatus::Failed,
                Some(Reason::of_decline(remote.fail_reason.as_deref())),
                Some(match &remote.fail_reason {
                    Some(reason) => format!("declined by {}: {reason}", wallet_name(order)),
                    None => format!("declined by {}", wallet_name(order)),
                }),
            ),
            RemoteStatus::Expired => (
                OrderStatus::Expired,
                Some(Reason::Expired),
                Some("expired unpaid".to_string()),
            ),
        };
        let update = OrderUpdate {
            status: Some(status),
            reason,
            payment_no: remote.payment_no.clone(),
            exchange_rate: remote.exchange_rate.clone(),
            error,
            qr_payload: None,
        };
        self.save_order(order.id, &update, why)
    }

    pub(super) fn save_order(
        &self,
        id: i64,
        update: &OrderUpdate,
        why: &str,
    ) -> Result<Order, CashierError> {
        let (after, _) = self.ledger.update_order(id, update, why)?;
        self.emit_order(&after);
        Ok(after)
    }

    pub(super) fn fail_order(
        &self,
        id: i64,
        detail: String,
        reason: Reason,
        why: &str,
    ) -> Result<Order, CashierError> {
        let update = OrderUpdate {
            status: Some(OrderStatus::Failed),
            reason: Some(reason),
            error: Some(detail),
            ..OrderUpdate::default()
        };
        self.save_order(id, &update, why)
    }

    /// Asks HipoPay about a PENDING order and records a definite answer.
    /// Errors mean "still unknown"; the order is unchanged.
    pub(super) async fn check_order(&self, order: &Order) -> Result<Order, CashierError> {
        if order.status.is_final() {
            return Ok(order.clone());
        }
        let Some(_sent_at) = order.charge_sent_at else {
            if !older_than(order.created_at, IN_FLIGHT_GRACE) {
                return Ok(order.clone());
            }
            // The process stopped between writing the order and sending it.
            return self.fail_order(
                order.id,
                "not sent: the app stopped before the charge left; nothing was taken".into(),
                Reason::NotSent,
                "never sent",
            );
        };
        let answer = self
            .client
            .query_order(
                order.wallet,
                &order.merchant_order_no,
                order.amount.currency,
            )
            .await;
        match answer {
            Ok(remote) => {
                let updated = self.apply_remote(order, &remote, "query")?;
                if updated.flow == PaymentFlow::Qr
                    && updated.status == OrderStatus::Pending
                    && updated.qr_payload.is_none()
                {
                    // The order exists but its QR never reached us (the answer
                    // was lost, or we died first): nobody can pay it.
                    return self.fail_order(
                        order.id,
                        "the QR code did not arrive, so nobody can pay it; make a new one".into(),
                        Reason::QrMissing,
                        "no QR payload",
                    );
                }
                self.settle_stale_qr(&updated)
            }
            Err(HipoPayError::NotFound { .. }) => self.not_found(order),
            Err(e) => Err(e.into()),
        }
    }

    /// HipoPay does not know the order. For a scan that is definite once the
    /// wallet would have closed it anyway; for a QR it just means "not paid yet".
    fn not_found(&self, order: &Order) -> Result<Order, CashierError> {
        // An order from before books were recorded may belong to another
        // acquirer than the one asked: its "not found" proves nothing.
        if !order.books.is_recorded() && self.settings.books.is_recorded() {
            return Ok(order.clone());
        }
        let sent_at = order.charge_sent_at.unwrap_or(order.created_at);
        match order.flow {
            PaymentFlow::Scan if older_than(sent_at, order.wallet.scan_order_lifetime()) => self
                .fail_order(
                    order.id,
                    "HipoPay never received this charge; nothing was taken".into(),
                    Reason::NeverReceived,
                    "not found after the wallet's time limit",
                ),
            PaymentFlow::Qr
                if order.qr_payload.is_none()
                    && older_than(sent_at, order.wallet.scan_order_lifetime()) =>
            {
                self.fail_order(
                    order.id,
                    "the QR code never arrived, so nobody could pay it".into(),
                    Reason::QrMissing,
                    "not found",
                )
            }
            PaymentFlow::Qr => self.settle_stale_qr(order),
            PaymentFlow::Scan => Ok(order.clone()),
        }
    }

    /// A QR still unpaid after its payload expired can no longer be paid.
    fn settle_stale_qr(&self, order: &Order) -> Result<Order, CashierError> {
        if order.flow == PaymentFlow::Qr
            && order.status == OrderStatus::Pending
            && older_than(
                order.created_at,
                self.settings.qr_lifetime + Duration::from_secs(60),
            )
        {
            let update = OrderUpdate {
                status: Some(OrderStatus::Expired),
                reason: Some(Reason::Expired),
                error: Some("the QR code expired unpaid".into()),
                ..OrderUpdate::default()
            };
            return self.save_order(order.id, &update, "QR lifetime over");
        }
        Ok(order.clone())
    }
}

fn wallet_name(order: &Order) -> &'static str {
    match order.wallet {
        crate::wallet::Wallet::Wechat => "WeChat Pay",
        crate::wallet::Wallet::Alipay => "Alipay",
    }
}
