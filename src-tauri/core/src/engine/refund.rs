//! Refunds at the counter: a manager's PIN for each, the refundable amount
//! enforced, and an `outer_refund_no` stored before sending so a retry is
//! the same refund.

use super::Engine;
use crate::central_link::CentralOrder;
use crate::crashpoint;
use crate::error::CashierError;
use crate::hipopay::{HipoPayError, RemoteRefund, RemoteRefundStatus};
use crate::ledger::{Refund, RefundStatus};
use crate::money::Money;

#[derive(Debug, Clone, Default)]
pub struct RefundRequest {
    /// Our order id, or our or HipoPay's order number.
    pub order: String,
    /// None: everything still refundable.
    pub amount: Option<String>,
    pub reason: Option<String>,
    pub manager_pin: String,
}

pub(crate) fn outer_refund_no() -> String {
    use rand::Rng;
    let n: u32 = rand::thread_rng().gen_range(0..100_000_000);
    format!("RF{}{n:08}", chrono::Local::now().format("%Y%m%d%H%M%S"))
}

impl Engine {
    /// Refunds an order. A wrong PIN, a bad amount or too large an amount is
    /// refused before anything is written or sent. An acquirer refusal is `Ok`
    /// with a FAILED refund; `Err` after sending means a fault before it landed.
    pub async fn refund(&self, req: &RefundRequest) -> Result<Refund, CashierError> {
        let order = match self.ledger.find_order(&req.order) {
            Ok(order) => Some(order),
            // Maybe another counter's, by our order number.
            Err(crate::ledger::LedgerError::NotFound(_)) if self.central().is_some() => None,
            Err(e) => return Err(e.into()),
        };
        let what = match &order {
            Some(o) => format!("refund order #{}", o.id),
            None => format!("refund order {}", req.order.trim()),
        };
        let manager = self.ledger.verify_manager_pin(&req.manager_pin, &what)?;
        let order = match order {
            Some(order) => order,
            None => self.import_for_refund(req.order.trim(), manager.id).await?,
        };
        let amount = match req
            .amount
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(text) => Some(Money::parse_positive(text, order.amount.currency)?.minor),
            None => None,
        };
        let reason = req
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or("refund at the counter");
        if reason.chars().count() > 120 {
            return Err(CashierError::Input(
                "the reason is longer than 120 characters".into(),
            ));
        }
        if !self.owns(&order.books) {
            return Err(CashierError::ShiftMode(format!(
                "order #{} was taken for {}; it can only be refunded from there",
                order.id,
                order.books.describe()
            )));
        }
        let shift = self.require_shift()?;
        if order.payment_no.is_none() {
            return Err(CashierError::Input(format!(
                "order #{} has no HipoPay number yet; check it first",
                order.id
            )));
        }
        let outer = outer_refund_no();
        let write = |central: Option<&CentralOrder>| -> Result<Refund, CashierError> {
            Ok(self.ledger.insert_refund(&crate::ledger::NewRefund {
                order_id: order.id,
                shift_id: shift.id,
                outer_refund_no: &outer,
                amount_minor: amount,
                reason,
                approved_by: manager.id,
                central_cap_minor: central.map(|c| c.amount_minor - c.refunded_elsewhere_minor),
            })?)
        };
        let refund = match self.central() {
            // Every counter's refunds of this order under its row lock.
            Some(link) => {
                link.refund_locked(&order.merchant_order_no, !order.imported, Box::new(write))
                    .await?
            }
            None => write(None)?,
        };
        crashpoint::hit(crashpoint::REFUND_COMMITTED);
        let _busy = self.claim('r', refund.id).ok_or_else(|| {
            CashierError::Busy(format!("refund #{} is being checked; try again", refund.id))
        })?;
        self.emit_refund(&refund);
        self.send_refund(&refund).await
    }

    /// Whether an order to refund exists: this till's (by id or either
    /// number), or another counter's in the central books (by our number).
    /// Asked before a PIN is asked for.
    pub async fn check_refundable_exists(&self, reference: &str) -> Result<(), CashierError> {
        match self.ledger.find_order(reference) {
            Ok(_) => Ok(()),
            Err(crate::ledger::LedgerError::NotFound(what)) => match self.central() {
                None => Err(crate::ledger::LedgerError::NotFound(what).into()),
                Some(link) => match link.find_order(reference.trim()).await {
                    Ok(Some(_)) => Ok(()),
                    Ok(None) => Err(CashierError::NotFound(format!(
                        "order {:?} not found here or in the central books",
                        reference.trim()
                    ))),
                    Err(CashierError::Central(why)) => Err(CashierError::Central(format!(
                        "order {:?} is not this counter's, and another counter's order can be found and refunded only while the central books can be reached ({why})",
                        reference.trim()
                    ))),
                    Err(e) => Err(e),
                },
            },
            Err(e) => Err(e.into()),
        }
    }

    /// The order to refund, for a screen that refunds by id: this till's
    /// own (by id or either number), or another counter's, found in the
    /// central books by our order number and copied here, which takes a
    /// manager's PIN (the refund itself asks for it again).
    pub async fn order_for_refund(
        &self,
        reference: &str,
        manager_pin: &str,
    ) -> Result<crate::ledger::Order, CashierError> {
        match self.ledger.find_order(reference) {
            Ok(order) => Ok(order),
            Err(crate::ledger::LedgerError::NotFound(_)) if self.central().is_some() => {
                let manager = self.ledger.verify_manager_pin(
                    manager_pin,
                    &format!("refund order {}", reference.trim()),
                )?;
                self.import_for_refund(reference.trim(), manager.id).await
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Another counter's order, found in the central books by our order
    /// number, copied here to be refunded (it must be PAID, in these books).
    async fn import_for_refund(
        &self,
        merchant_order_no: &str,
        manager_id: i64,
    ) -> Result<crate::ledger::Order, CashierError> {
        let Some(link) = self.central() else {
            return Err(CashierError::NotFound(format!(
                "order {merchant_order_no:?} not found"
            )));
        };
        let found = link.find_order(merchant_order_no).await.map_err(|e| match e {
            CashierError::Central(why) => CashierError::Central(format!(
                "order {merchant_order_no} is not this counter's, and another counter's order can be found and refunded only while the central books can be reached ({why})"
            )),
            other => other,
        })?;
        let Some(found) = found else {
            return Err(CashierError::NotFound(format!(
                "order {merchant_order_no:?} not found here or in the central books"
            )));
        };
        if !self.owns(&crate::books::Books::parse(&found.books)) {
            return Err(CashierError::ShiftMode(format!(
                "order {merchant_order_no} was taken for {}; it can only be refunded from there",
                crate::books::Books::parse(&found.books).describe()
            )));
        }
        if found.status != "PAID" {
            return Err(CashierError::Input(format!(
                "order {merchant_order_no} is {}, only PAID orders can be refunded",
                found.status
            )));
        }
        let shift = self.require_shift()?;
        Ok(self.ledger.import_order(&found, shift.id, manager_id)?)
    }

    /// Sends (or re-sends, with the same `outer_refund_no`) a PENDING refund.
    /// Only a definite answer settles it: HipoPay's refund echoing our
    /// number, or, on a first send, a refusal in HipoPay's own words. An
    /// error on a re-send, or an answer lost, leaves it unclear, and its
    /// lease runs out before anyone may send it again.
    pub(super) async fn send_refund(&self, refund: &Refund) -> Result<Refund, CashierError> {
        let order = self.ledger.order(refund.order_id)?;
        let payment_no = order.payment_no.clone().unwrap_or_default();
        let first_send = refund.sent_count == 0;
        // The lease covers the request and, if its answer is unclear, the
        // follow-up query.
        self.ledger
            .record_refund_sent(refund.id, self.refund_lease_ms(2))?;
        crashpoint::hit(crashpoint::REFUND_RECORDED);
        let answer = self
            .client
            .refund(
                order.wallet,
                &payment_no,
                &refund.outer_refund_no,
                refund.amount,
            )
            .await;
        crashpoint::hit(crashpoint::REFUND_ANSWERED);
        let refused_for_certain = |e: &HipoPayError| {
            first_send
                && matches!(
                    e,
                    HipoPayError::BadRequest { .. }
                        | HipoPayError::Forbidden { .. }
                        | HipoPayError::NotFound { .. }
                        | HipoPayError::Signature { .. }
                        | HipoPayError::Clock { .. }
                )
                || e.is_decline()
        };
        match answer {
            Ok(remote) => self.apply_refund(refund, &remote),
            Err(HipoPayError::Connect(e)) => {
                // The request never left: nothing was refunded, and it may
                // be sent again (same number) by the next reconcile.
                self.save_refund(
                    refund.id,
                    RefundStatus::Pending,
                    None,
                    Some(&format!("not sent: could not connect to HipoPay: {e}")),
                )
            }
            Err(e) if refused_for_certain(&e) => {
                let failed =
                    self.save_refund(refund.id, RefundStatus::Failed, None, Some(&e.to_string()))?;
                match e {
                    HipoPayError::Signature { .. } | HipoPayError::Clock { .. } => Err(e.into()),
                    _ => Ok(failed),
                }
            }
            Err(e) => {
                // Maybe refunded, maybe not: ask by our refund number.
                match self
                    .client
                    .query_refund(
                        order.wallet,
                        &refund.outer_refund_no,
                        refund.amount.currency,
                    )
                    .await
                {
                    Ok(remote) => self.apply_refund(refund, &remote),
                    Err(_) => self.save_refund(
                        refund.id,
                        RefundStatus::Pending,
                        None,
                        Some(&format!("checking with HipoPay after: {e}")),
                    ),
                }
            }
        }
    }

    /// Records what HipoPay said of a refund. SUCCESS is taken only with
    /// our refund number echoed back: an answer that does not name it could
    /// be about another refund of the same order.
    pub(super) fn apply_refund(
        &self,
        refund: &Refund,
        remote: &RemoteRefund,
    ) -> Result<Refund, CashierError> {
        match &remote.outer_refund_no {
            Some(outer) if outer != &refund.outer_refund_no => {
                return Err(HipoPayError::Malformed(format!(
                    "HipoPay answered about refund {outer}"
                ))
                .into());
            }
            None if remote.status != RemoteRefundStatus::Processing => {
                return Err(HipoPayError::Malformed(
                    "HipoPay's refund answer does not name our refund number".into(),
                )
                .into());
            }
            _ => {}
        }
        if remote
            .amount_minor
            .is_some_and(|a| a != refund.amount.minor)
        {
            return Err(HipoPayError::Malformed(
                "HipoPay reports a different refund amount".into(),
            )
            .into());
        }
        let status = match remote.status {
            RemoteRefundStatus::Success => RefundStatus::Success,
            RemoteRefundStatus::Fail => RefundStatus::Failed,
            RemoteRefundStatus::Processing => RefundStatus::Pending,
        };
        let error = (status == RefundStatus::Failed).then_some("HipoPay reports the refund failed");
        self.save_refund(refund.id, status, remote.refund_no.as_deref(), error)
    }

    /// How long a lease on a refund lasts for `calls` HipoPay calls in a row:
    /// each may take the client's whole timeout; 10 s to spare.
    pub(super) fn refund_lease_ms(&self, calls: u32) -> i64 {
        let lease = self.client.config().timeout * calls + std::time::Duration::from_secs(10);
        i64::try_from(lease.as_millis()).unwrap_or(i64::MAX)
    }

    /// A manager settles an unclear refund HipoPay cannot answer about,
    /// after checking HipoPay's back office: refunded or not.
    pub fn settle_refund(
        &self,
        refund_id: i64,
        refunded: bool,
        manager_pin: &str,
        note: Option<&str>,
    ) -> Result<Refund, CashierError> {
        let refund = self.ledger.refund(refund_id)?;
        let order = self.ledger.order(refund.order_id)?;
        if !self.owns(&order.books) {
            return Err(CashierError::ShiftMode(format!(
                "refund #{refund_id} was made for {}; settle it from there",
                order.books.describe()
            )));
        }
        let note = note
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or("checked in HipoPay's back office");
        if note.chars().count() > 120 || note.chars().any(char::is_control) {
            return Err(CashierError::Input(
                "the note is one line of at most 120 characters".into(),
            ));
        }
        let manager = self
            .ledger
            .verify_manager_pin(manager_pin, &format!("settle refund #{refund_id}"))?;
        let status = if refunded {
            RefundStatus::Success
        } else {
            RefundStatus::Failed
        };
        let after = self
            .ledger
            .settle_refund(refund_id, status, manager.id, note)?;
        self.emit_refund(&after);
        Ok(after)
    }

    /// Records a status decided from something other than a refund answer.
    pub(super) fn save_refund_note(
        &self,
        refund: &Refund,
        status: RefundStatus,
        note: &str,
    ) -> Result<Refund, CashierError> {
        self.save_refund(refund.id, status, None, Some(note))
    }

    fn save_refund(
        &self,
        id: i64,
        status: RefundStatus,
        refund_no: Option<&str>,
        error: Option<&str>,
    ) -> Result<Refund, CashierError> {
        let (after, _) = self.ledger.update_refund(id, status, refund_no, error)?;
        self.emit_refund(&after);
        Ok(after)
    }
}
