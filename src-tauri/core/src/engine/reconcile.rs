//! Reconciliation: ask HipoPay about everything still unclear, record every
//! definite answer, and re-send PENDING refunds HipoPay never saw (same
//! `outer_refund_no`, so it is the same refund).

use super::apply::IN_FLIGHT_GRACE;
use super::Engine;
use crate::error::CashierError;
use crate::hipopay::HipoPayError;
use crate::ledger::{Order, Refund, RefundStatus};
use schemars::JsonSchema;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, Eq, JsonSchema)]
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

#[derive(Debug, Clone, Serialize, Default, JsonSchema)]
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

/// Which unclear orders a reconcile pass asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Those due by their back-off (the app's pass every minute): an order
    /// HipoPay keeps saying nothing definite about is asked less and less
    /// often, up to once an hour.
    Due,
    /// All of them now (a person asked: `reconcile`, "Check again").
    All,
}

impl Engine {
    pub async fn reconcile(&self, scope: Scope) -> Result<ReconcileReport, CashierError> {
        let mut report = ReconcileReport::default();
        let now = self.settings.clock.now_ms();
        for listed in self.ledger.orders_needing_attention()? {
            // Another acquirer's order (demo seen from live, or the other way)
            // is never asked about here: that acquirer does not know it.
            if listed.status.is_final()
                || !self.owns(&listed.books)
                || (listed.charge_sent_at.is_none()
                    && !self.older_than(listed.created_at, IN_FLIGHT_GRACE))
                || (scope == Scope::Due && listed.next_check_at.is_some_and(|at| at > now))
            {
                continue;
            }
            let Some(_busy) = self.claim('o', listed.id) else {
                continue;
            };
            // The list is a snapshot; the cashier's own flow may have moved
            // this order since. Work from what the ledger says now.
            let order = self.ledger.order(listed.id)?;
            if order.status.is_final() {
                continue;
            }
            let order = self.abandon_if_nobody_waits(order)?;
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
        // Orders closed on HipoPay's "no such order", asked once more.
        for listed in self.ledger.orders_to_recheck(now)? {
            if !self.owns(&listed.books) {
                continue;
            }
            let Some(_busy) = self.claim('o', listed.id) else {
                continue;
            };
            match self.recheck_closed(&listed).await {
                Ok(after) if after.status != listed.status => report.changes.push(Change {
                    kind: "order".into(),
                    id: listed.id,
                    number: listed.merchant_order_no.clone(),
                    from: listed.status.as_str().into(),
                    to: after.status.as_str().into(),
                    paid_after_abandon: after.needs_review,
                }),
                Ok(_) => {}
                Err(e) => report.errors.push(format!("order #{}: {e}", listed.id)),
            }
        }
        for listed in self.ledger.pending_refunds()? {
            // Being sent right now, here or by another process on this ledger
            // (its lease): a second send must not race it.
            if listed.in_flight() {
                continue;
            }
            let Some(_busy) = self.claim('r', listed.id) else {
                continue;
            };
            let order = self.ledger.order(listed.order_id)?;
            if !self.owns(&order.books) {
                continue;
            }
            // The lease in the ledger, taken in one statement: another process
            // reconciling this ledger now cannot also check (and send) it.
            // It covers every call below: query, order query, send, follow-up.
            if !self
                .ledger
                .take_refund_lease(listed.id, self.refund_lease_ms(4))?
            {
                continue;
            }
            let refund = self.ledger.refund(listed.id)?;
            report.checked_refunds += 1;
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
                Err(HipoPayError::NotFound { .. }) => self.refund_not_found(&refund, &order).await,
                Err(e) => Err(e.into()),
            };
            if after.is_err() && self.ledger.refund(refund.id)?.sent_count == refund.sent_count {
                // No answer settled it and nothing was sent: free it for the
                // next pass. (After a send, its lease runs out on its own.)
                self.ledger.release_refund_lease(refund.id)?;
            }
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
        let (open, refunds) = self.attention()?;
        report.still_pending_orders = open.iter().filter(|o| !o.status.is_final()).count();
        report.still_pending_refunds = refunds.len();
        report.needs_review = open.into_iter().filter(|o| o.needs_review).collect();
        Ok(report)
    }

    /// What needs a person's eye in this engine's books: unclear orders and
    /// orders paid after the cashier gave up, and unclear refunds. Another
    /// acquirer's (demo orders seen from live mode) are not this counter's
    /// to settle and stay out of the tray.
    pub fn attention(&self) -> Result<(Vec<Order>, Vec<Refund>), CashierError> {
        let orders = self
            .ledger
            .orders_needing_attention()?
            .into_iter()
            .filter(|o| self.owns(&o.books))
            .collect();
        let mut refunds = Vec::new();
        for r in self.ledger.pending_refunds()? {
            if r.status == RefundStatus::Pending && self.owns(&self.ledger.order(r.order_id)?.books)
            {
                refunds.push(r);
            }
        }
        Ok((orders, refunds))
    }
}

impl Engine {
    /// An unclear order nobody can still be waiting for at a counter (its
    /// wait would have ended long ago: the process that took it stopped) is
    /// marked abandoned, so that if it turns PAID later it is raised as paid
    /// after we gave up: the cashier has probably charged the customer
    /// another way meanwhile.
    fn abandon_if_nobody_waits(&self, order: Order) -> Result<Order, CashierError> {
        let longest_wait = match order.flow {
            crate::ledger::PaymentFlow::Scan => order.wallet.counter_wait(),
            crate::ledger::PaymentFlow::Qr => self.settings.qr_lifetime,
        };
        if order.abandoned || !self.older_than(order.created_at, longest_wait + IN_FLIGHT_GRACE) {
            return Ok(order);
        }
        self.abandon(order.id)
    }
}

impl Engine {
    /// HipoPay does not know this refund by our refund number. Never sent,
    /// it is sent now (same number: the same refund). Sent before, it may
    /// have landed all the same (an answer whose shape hides our number):
    /// the order's refundable amount at HipoPay tells, and only a clear
    /// "it is not there" sends it again. Anything else waits for a manager.
    async fn refund_not_found(
        &self,
        refund: &Refund,
        order: &Order,
    ) -> Result<Refund, CashierError> {
        if refund.sent_count == 0 {
            return self.send_refund(refund).await;
        }
        // A refund sent moments ago may not show yet in HipoPay's answers:
        // nothing is concluded from them before the last send has had time
        // to show (both signals below would have to be stale that long to
        // cost money).
        let last_sent = refund.sent_at.unwrap_or(refund.updated_at);
        if !self.older_than(last_sent, crate::ledger::SETTLE_AFTER) {
            return Ok(refund.clone());
        }
        // An order whose books do not name the acquirer and host asked:
        // nothing is concluded from its refund's "not found".
        if !order.books.names_its_acquirer() {
            return self.for_a_manager(refund);
        }
        let remote = self
            .client
            .query_order(
                order.wallet,
                &order.merchant_order_no,
                order.payment_no.as_deref(),
                order.amount.currency,
            )
            .await?;
        let mine = self.ledger.refunds_for_order(order.id)?;
        let sum = |status: RefundStatus| -> i64 {
            mine.iter()
                .filter(|r| r.status == status)
                .map(|r| r.amount.minor)
                .sum()
        };
        // What HipoPay would still let us refund if none of the unclear
        // refunds had landed, and if all of them had.
        let none_landed = order.amount.minor - sum(RefundStatus::Success);
        let all_landed = none_landed - sum(RefundStatus::Pending);
        match remote.refundable_minor {
            // Nothing unclear reached HipoPay: sending this one again (its own
            // number) cannot refund anything twice.
            Some(left) if left == none_landed => self.send_refund(refund).await,
            Some(left) if left == all_landed => self.save_refund_note(
                refund,
                RefundStatus::Success,
                "HipoPay's refundable amount for the order shows this refund went through",
            ),
            _ => self.for_a_manager(refund),
        }
    }
}

impl Engine {
    fn for_a_manager(&self, refund: &Refund) -> Result<Refund, CashierError> {
        let after = self
            .ledger
            .mark_refund_for_manager(refund.id, MANAGER_CHECKS)?;
        self.emit_refund(&after);
        Ok(after)
    }
}

/// Why an unclear refund waits for a manager.
const MANAGER_CHECKS: &str = "HipoPay does not find this refund by its number and the order's refundable amount does not settle it: a manager checks it in HipoPay's back office and settles it here before any new refund";
