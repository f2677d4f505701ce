//! Reconciliation: ask HipoPay about everything still unclear, record every
//! definite answer, and re-send PENDING refunds HipoPay never saw (same
//! `outer_refund_no`, so it is the same refund).

use super::Engine;
use crate::error::CashierError;
use crate::hipopay::HipoPayError;
use crate::ledger::{Order, RefundStatus};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Change {
    /// "order" or "refund".
    pub kind: String,
    pub id: i64,
    pub number: String,
    pub from: String,
    pub to: String,
    /// An order the cashier gave up on turned PAID: the customer may have paid twice.
    pub paid_after_abandon: bool,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct ReconcileReport {
    pub checked_orders: usize,
    pub checked_refunds: usize,
    pub changes: Vec<Change>,
    pub still_pending_orders: usize,
    pub still_pending_refunds: usize,
    /// Orders a manager must look at (paid after the cashier gave up).
    pub needs_review: Vec<Order>,
    /// Why some checks could not finish (network, acquirer trouble).
    pub errors: Vec<String>,
}

impl Engine {
    pub async fn reconcile(&self) -> Result<ReconcileReport, CashierError> {
        let mut report = ReconcileReport::default();
        for order in self.ledger.orders_needing_attention()? {
            if order.status.is_final() {
                continue;
            }
            let Some(_busy) = self.claim('o', order.id) else {
                continue;
            };
            report.checked_orders += 1;
            match self.check_order(&order).await {
                Ok(after) if after.status != order.status => report.changes.push(Change {
                    kind: "order".into(),
                    id: order.id,
                    number: order.merchant_order_no.clone(),
                    from: order.status.as_str().into(),
                    to: after.status.as_str().into(),
                    paid_after_abandon: after.needs_review && !order.needs_review,
                }),
                Ok(_) => {}
                Err(e) => report.errors.push(format!("order #{}: {e}", order.id)),
            }
        }
        for refund in self.ledger.pending_refunds()? {
            let Some(_busy) = self.claim('r', refund.id) else {
                continue;
            };
            report.checked_refunds += 1;
            let order = self.ledger.order(refund.order_id)?;
            let answer = self
                .client
                .query_refund(
                    order.wallet,
                    &refund.outer_refund_no,
                    refund.amount.currency,
                )
                .await;
            let after = match answer {
                Ok(remote) => self.apply_refund(&refund, &remote),
                Err(HipoPayError::NotFound { .. }) => self.send_refund(&refund).await,
                Err(e) => Err(e.into()),
            };
            match after {
                Ok(after) if after.status != refund.status => report.changes.push(Change {
                    kind: "refund".into(),
                    id: refund.id,
                    number: refund.outer_refund_no.clone(),
                    from: refund.status.as_str().into(),
                    to: after.status.as_str().into(),
                    paid_after_abandon: false,
                }),
                Ok(_) => {}
                Err(e) => report.errors.push(format!("refund #{}: {e}", refund.id)),
            }
        }
        let open = self.ledger.orders_needing_attention()?;
        report.still_pending_orders = open.iter().filter(|o| !o.status.is_final()).count();
        report.still_pending_refunds = self
            .ledger
            .pending_refunds()?
            .iter()
            .filter(|r| r.status == RefundStatus::Pending)
            .count();
        report.needs_review = open.into_iter().filter(|o| o.needs_review).collect();
        Ok(report)
    }
}
