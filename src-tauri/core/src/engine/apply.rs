//! Turning HipoPay's answers about an order into ledger changes. Only a
//! definite answer moves an order; anything unclear leaves it PENDING.

use super::Engine;
use crate::error::CashierError;
use crate::hipopay::{HipoPayError, RemoteOrder, RemoteStatus};
use crate::ledger::{Order, OrderStatus, OrderUpdate, PaymentFlow};
use crate::reason::Reason;
use std::time::Duration;

/// A charge or refund written but not yet recorded as sent may be on its
/// way out right now, in this process or another one on the same ledger
/// (the app and `cashier-cli`): it counts as "never sent" only after this
/// long. Between writing and sending there are milliseconds.
pub(super) const IN_FLIGHT_GRACE: Duration = Duration::from_secs(30);

/// How long after an unclear check of an order the next one is due, after
/// `checks` unclear ones in a row: 15 s doubling to an hour.
pub(super) fn check_backoff(checks: u32) -> Duration {
    Duration::from_secs(15u64.saturating_mul(1 << checks.min(8))).min(Duration::from_secs(3600))
}

/// When an order HipoPay said it does not know, and that we therefore
/// closed, is asked about once more: if it says PAID then, it is raised
/// as paid after we gave up.
pub(super) const RECHECK_CLOSED_AFTER: Duration = Duration::from_secs(3600);

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
            // INIT with no QR here: HipoPay made it, nobody can pay it.
            RemoteStatus::Init if order.flow == PaymentFlow::Qr && order.qr_payload.is_none() => {
                (OrderStatus::Pending, Some(Reason::QrNotShown), None)
            }
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
    /// Errors mean "still unknown"; the order is unchanged but for when it
    /// is next due for a check.
    pub(super) async fn check_order(&self, order: &Order) -> Result<Order, CashierError> {
        if order.status.is_final() {
            return Ok(order.clone());
        }
        if order.charge_sent_at.is_none() {
            if !self.older_than(order.created_at, IN_FLIGHT_GRACE) {
                return Ok(order.clone());
            }
            // The process stopped between writing the order and recording
            // its one charge: the charge never left (nor can it now: a send
            // is recorded only for a PENDING order, in one transaction).
            return self.fail_order(
                order.id,
                "not sent: the app stopped before the charge left; nothing was taken".into(),
                Reason::NotSent,
                "never sent",
            );
        }
        let answer = self.ask(order).await;
        let checked = match answer {
            Ok(remote) => self.apply_remote(order, &remote, "query"),
            Err(HipoPayError::NotFound { .. }) => self.not_found(order),
            Err(e) => Err(e.into()),
        };
        if let Ok(after) = &checked {
            if !after.status.is_final() {
                self.ledger.note_unclear_check(
                    order.id,
                    self.settings.clock.now_ms(),
                    check_backoff(after.checks),
                )?;
            }
        } else {
            self.ledger.note_unclear_check(
                order.id,
                self.settings.clock.now_ms(),
                check_backoff(order.checks),
            )?;
        }
        checked
    }

    /// The order query, by our number and HipoPay's when known.
    async fn ask(&self, order: &Order) -> Result<RemoteOrder, HipoPayError> {
        self.client
            .query_order(
                order.wallet,
                &order.merchant_order_no,
                order.payment_no.as_deref(),
                order.amount.currency,
            )
            .await
    }

    /// HipoPay answered, in its own JSON, that it has no such order. That
    /// closes an order only when it is definite: HipoPay never acknowledged
    /// it (no number of its own came back), the order's books name the
    /// acquirer and host that was asked, and the wallet would have closed an
    /// unpaid order by now. Anything else stays unclear and watched.
    fn not_found(&self, order: &Order) -> Result<Order, CashierError> {
        let acknowledged = order.payment_no.is_some() || order.qr_payload.is_some();
        let sent_at = order.charge_sent_at.unwrap_or(order.created_at);
        let past_limit = self.older_than(sent_at, order.wallet.scan_order_lifetime());
        if acknowledged || !order.books.names_its_acquirer() || !past_limit {
            return Ok(order.clone());
        }
        let (detail, reason) = match order.flow {
            PaymentFlow::Scan => (
                "HipoPay never received this charge; nothing was taken",
                Reason::NeverReceived,
            ),
            PaymentFlow::Qr => (
                "HipoPay never made this QR order, so nobody could pay it",
                Reason::QrMissing,
            ),
        };
        let closed = self.fail_order(
            order.id,
            detail.into(),
            reason,
            "not found past the wallet's limit",
        )?;
        // Asked once more later: should HipoPay say PAID then, the order is
        // raised as paid after we gave up.
        self.ledger.schedule_recheck(
            order.id,
            self.settings.clock.now_ms(),
            RECHECK_CLOSED_AFTER,
        )?;
        Ok(closed)
    }

    /// A second look at an order closed on HipoPay's "no such order".
    pub(super) async fn recheck_closed(&self, order: &Order) -> Result<Order, CashierError> {
        let answer = self.ask(order).await;
        let after = match answer {
            Ok(remote) => self.apply_remote(order, &remote, "second look")?,
            Err(HipoPayError::NotFound { .. }) => order.clone(),
            Err(e) => return Err(e.into()),
        };
        self.ledger.recheck_done(order.id)?;
        Ok(after)
    }
}

fn wallet_name(order: &Order) -> &'static str {
    match order.wallet {
        crate::wallet::Wallet::Wechat => "WeChat Pay",
        crate::wallet::Wallet::Alipay => "Alipay",
    }
}
