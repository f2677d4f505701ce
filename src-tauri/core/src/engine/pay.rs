//! Taking payments: the customer's code scanned at the counter, or a QR the
//! customer scans; then waiting for a final answer.

use super::{Engine, StopSignal};
use crate::counter::Counter;
use crate::crashpoint;
use crate::error::CashierError;
use crate::hipopay::{ChargeRequest, HipoPayError};
use crate::ledger::{NewOrder, Order, OrderStatus, OrderUpdate, PaymentFlow};
use crate::money::{Currency, Money};
use crate::reason::Reason;
use crate::wallet::{detect_wallet, mask_code, Wallet};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Default)]
pub struct PayRequest {
    /// As typed: "12.50".
    pub amount: String,
    pub currency: Option<Currency>,
    /// The customer's payment code, as the scanner read it.
    pub code: String,
    pub subject: Option<String>,
    /// How long to wait for a final answer; the wallet's counter limit if None.
    pub wait: Option<Duration>,
}

#[derive(Debug, Clone)]
pub struct QrRequest {
    pub wallet: Wallet,
    pub amount: String,
    pub currency: Option<Currency>,
    pub subject: Option<String>,
}

/// A scan payment under way: its order (on disk, its one charge recorded)
/// and the task that sends the charge and waits, ending with the order final
/// or given up (PENDING, abandoned, watched).
pub struct ScanPayment {
    pub order: Order,
    pub outcome: tokio::task::JoinHandle<Result<Order, CashierError>>,
}

const DEFAULT_SUBJECT: &str = "Counter payment";

fn busy() -> CashierError {
    CashierError::Busy("another payment is in progress at this counter".into())
}

fn subject(text: Option<&str>) -> Result<String, CashierError> {
    let s = text
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(DEFAULT_SUBJECT);
    if s.chars().count() > 120 {
        return Err(CashierError::Input(
            "the note is longer than 120 characters".into(),
        ));
    }
    if s.chars().any(char::is_control) {
        return Err(CashierError::Input(
            "the note has control characters".into(),
        ));
    }
    Ok(s.to_string())
}

/// Ours, unique, within WeChat's 32-character limit: the counter's name,
/// a dash, local time and 8 random digits ("C1-2026120216342905101759").
pub(crate) fn merchant_order_no(counter: &Counter) -> String {
    use rand::Rng;
    let n: u32 = rand::thread_rng().gen_range(0..100_000_000);
    format!(
        "{counter}-{}{n:08}",
        chrono::Local::now().format("%Y%m%d%H%M%S")
    )
}

fn code_hash(code: &str) -> String {
    let digest = Sha256::digest(code.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl Engine {
    /// Validates everything that can be checked locally, before any order exists.
    fn prepare(
        &self,
        amount: &str,
        currency: Option<Currency>,
        note: Option<&str>,
    ) -> Result<(Money, String), CashierError> {
        let currency = currency.unwrap_or(self.settings.currency);
        Ok((Money::parse_positive(amount, currency)?, subject(note)?))
    }

    fn charge_request(&self, order: &Order) -> ChargeRequest {
        ChargeRequest {
            merchant_order_no: order.merchant_order_no.clone(),
            amount: order.amount,
            subject: order.subject.clone(),
            ip: self.settings.terminal_ip.clone(),
            device_info: self.settings.counter.to_string(),
        }
    }

    /// Scan payment, first step: wallet from the code, order on disk, its one
    /// charge recorded; returns the order at once while a task sends the
    /// charge and waits for the final answer. Its progress reaches listeners
    /// as order events and its end as `EngineEvent::Ended`, all keyed by the
    /// order's id. `Err` means nothing was written or sent.
    pub fn start_scan(
        self: &Arc<Self>,
        req: &PayRequest,
        stop: StopSignal,
    ) -> Result<ScanPayment, CashierError> {
        let code = req.code.trim().to_string();
        let wallet = detect_wallet(&code)?;
        let (amount, subject) = self.prepare(&req.amount, req.currency, req.subject.as_deref())?;
        let counter = self.counter.clone().try_lock_owned().map_err(|_| busy())?;
        let shift = self.require_shift()?;
        let (order, busy) = self.start_payment(&NewOrder {
            merchant_order_no: merchant_order_no(&self.settings.counter),
            counter: self.settings.counter.to_string(),
            shift_id: shift.id,
            staff_id: shift.staff_id,
            wallet,
            flow: PaymentFlow::Scan,
            amount,
            subject,
            code_hash: Some(code_hash(&code)),
            code_masked: Some(mask_code(&code)),
        })?;
        let engine = self.clone();
        let started = order.clone();
        let wait = req.wait.unwrap_or(wallet.counter_wait());
        let outcome = tokio::spawn(async move {
            // The counter stays taken, and the order claimed, until the wait ends.
            let _counter = counter;
            let _busy = busy;
            let result = engine.charge_and_wait(&started, &code, wait, &stop).await;
            let result = engine.given_up_on_error(started.id, result);
            let now = engine.ledger.order(started.id).unwrap_or(started);
            engine.emit_ended(now, result.as_ref().err().cloned());
            result
        });
        Ok(ScanPayment { order, outcome })
    }

    /// Scan payment in one call: starts it and waits for its end (the CLI).
    pub async fn pay_scan(
        self: &Arc<Self>,
        req: &PayRequest,
        stop: StopSignal,
    ) -> Result<Order, CashierError> {
        let payment = self.start_scan(req, stop)?;
        payment.outcome.await.map_err(|e| {
            CashierError::Storage(format!("the payment task stopped unexpectedly: {e}"))
        })?
    }

    /// The one charge request of a scan order, then the wait at the counter.
    async fn charge_and_wait(
        &self,
        order: &Order,
        code: &str,
        wait: Duration,
        stop: &StopSignal,
    ) -> Result<Order, CashierError> {
        let answer = {
            // "Stop waiting" pressed while the charge is out counts too.
            let _stoppable = self.register_wait(order.id, stop);
            self.client
                .scan_pay(order.wallet, &self.charge_request(order), code)
                .await
        };
        let order = self.after_charge(order, answer.map(|o| (o, None))).await?;
        self.wait_at_counter(order.id, wait, stop).await
    }

    /// QR payment: creates the order at HipoPay and stores the payload to show.
    /// Returns at once; the caller shows the QR and then waits.
    pub async fn create_qr(&self, req: &QrRequest) -> Result<Order, CashierError> {
        let (amount, subject) = self.prepare(&req.amount, req.currency, req.subject.as_deref())?;
        let _counter = self.counter.try_lock().map_err(|_| busy())?;
        let shift = self.require_shift()?;
        let (order, _busy) = self.start_payment(&NewOrder {
            merchant_order_no: merchant_order_no(&self.settings.counter),
            counter: self.settings.counter.to_string(),
            shift_id: shift.id,
            staff_id: shift.staff_id,
            wallet: req.wallet,
            flow: PaymentFlow::Qr,
            amount,
            subject,
            code_hash: None,
            code_masked: None,
        })?;
        let result = async {
            let answer = self
                .client
                .create_qr(req.wallet, &self.charge_request(&order))
                .await;
            self.after_charge(&order, answer.map(|q| (q.order, Some(q.payload))))
                .await
        }
        .await;
        self.given_up_on_error(order.id, result)
    }

    /// Writes the order, claims it, tells listeners, and records the one
    /// charge request it may send, in that order (the crash suite kills the
    /// process between each step).
    fn start_payment(&self, new: &NewOrder) -> Result<(Order, super::InFlight), CashierError> {
        let order = self.ledger.insert_order(new)?;
        crashpoint::hit(crashpoint::ORDER_COMMITTED);
        // Nobody else can hold a claim on an order this young (reconcile
        // leaves unsent ones alone), so this never fails in practice; if it
        // did, sending would race whoever holds it.
        let busy = self.claim('o', order.id).ok_or_else(|| {
            CashierError::Busy(format!("order #{} is being checked; try again", order.id))
        })?;
        self.emit_started(&order);
        self.ledger.record_charge_sent(order.id)?;
        crashpoint::hit(crashpoint::CHARGE_RECORDED);
        Ok((order, busy))
    }

    /// A payment call that ends in an error leaves the cashier nothing to
    /// wait for: an order still unclear is marked abandoned, so it is watched
    /// and, if it turns PAID later, flagged for a manager.
    fn given_up_on_error(
        &self,
        order_id: i64,
        result: Result<Order, CashierError>,
    ) -> Result<Order, CashierError> {
        if result.is_err() {
            if let Ok(order) = self.ledger.order(order_id) {
                if order.status == OrderStatus::Pending && !order.abandoned {
                    let _ = self.abandon(order_id);
                }
            }
        }
        result
    }

    /// Records the answer to the one charge request.
    async fn after_charge(
        &self,
        order: &Order,
        answer: Result<(crate::hipopay::RemoteOrder, Option<String>), HipoPayError>,
    ) -> Result<Order, CashierError> {
        crashpoint::hit(crashpoint::CHARGE_ANSWERED);
        match answer {
            Ok((remote, payload)) => {
                self.ledger.record_charge_answer(order.id, "answered")?;
                if payload.is_some() {
                    let update = OrderUpdate {
                        qr_payload: payload,
                        ..OrderUpdate::default()
                    };
                    self.save_order(order.id, &update, "QR created")?;
                }
                let current = self.ledger.order(order.id)?;
                match self.apply_remote(&current, &remote, "charge answer") {
                    Ok(o) => Ok(o),
                    // An answer we cannot trust is an unknown outcome.
                    Err(e) => {
                        self.unknown_outcome(&current, &e.to_string(), Reason::UnreadableAnswer)
                            .await
                    }
                }
            }
            // Only a definite refusal settles it now; anything else is asked about.
            Err(e)
                if e.settles_a_charge_as_not_paid()
                    || matches!(e, HipoPayError::Connect(_) | HipoPayError::Config(_)) =>
            {
                self.ledger
                    .record_charge_answer(order.id, &format!("refused: {e}"))?;
                let failed = self.fail_order(
                    order.id,
                    e.to_string(),
                    Reason::of_charge_error(&e),
                    "charge refused",
                )?;
                if e.is_decline() {
                    Ok(failed)
                } else {
                    Err(e.into())
                }
            }
            Err(e) => {
                self.ledger
                    .record_charge_answer(order.id, &format!("unknown: {e}"))?;
                self.unknown_outcome(order, &e.to_string(), Reason::of_charge_error(&e))
                    .await
            }
        }
    }

    /// The charge may or may not have happened: ask, never charge again.
    async fn unknown_outcome(
        &self,
        order: &Order,
        what: &str,
        reason: Reason,
    ) -> Result<Order, CashierError> {
        let update = OrderUpdate {
            error: Some(format!("checking with HipoPay after: {what}")),
            reason: Some(reason),
            ..OrderUpdate::default()
        };
        let order = self.save_order(order.id, &update, "outcome unknown")?;
        match self.check_order(&order).await {
            Ok(checked) => Ok(checked),
            Err(_) => Ok(self.ledger.order(order.id)?),
        }
    }

    /// Polls a PENDING order until it is final, the time is up, or the cashier
    /// stops waiting. Never sends another charge.
    pub async fn wait_for(
        &self,
        order_id: i64,
        wait: Duration,
        stop: &StopSignal,
    ) -> Result<Order, CashierError> {
        let deadline = Instant::now() + wait;
        let mut order = self.ledger.order(order_id)?;
        while !order.status.is_final() && !stop.is_stopped() {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            let pause = self.settings.poll_interval.min(deadline - now);
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = stop.wait() => break,
            }
            crashpoint::hit(crashpoint::POLLING);
            // A failed check (network) just means "ask again next time".
            order = match self.check_order(&order).await {
                Ok(o) => o,
                Err(_) => self.ledger.order(order_id)?,
            };
        }
        Ok(order)
    }

    /// Waits like `wait_for`; if the order is still unclear when the cashier
    /// stops waiting, it is marked abandoned (and watched, and flagged if it
    /// later turns PAID).
    pub async fn wait_at_counter(
        &self,
        order_id: i64,
        wait: Duration,
        stop: &StopSignal,
    ) -> Result<Order, CashierError> {
        let _stoppable = self.register_wait(order_id, stop);
        let order = self.wait_for(order_id, wait, stop).await?;
        if order.status.is_final() {
            Ok(order)
        } else {
            self.abandon(order.id)
        }
    }

    /// The cashier gave up waiting: the order stays PENDING and is watched;
    /// if it turns PAID later it is flagged for a manager.
    pub fn abandon(&self, order_id: i64) -> Result<Order, CashierError> {
        let order = self.ledger.mark_abandoned(order_id)?;
        self.emit_order(&order);
        Ok(order)
    }

    /// Asks HipoPay now about one order (the "check now" button, `order ID`).
    pub async fn refresh_order(&self, reference: &str) -> Result<Order, CashierError> {
        let order = self.ledger.find_order(reference)?;
        // Final, or another acquirer's (a demo order seen from live mode):
        // there is nobody here to ask.
        if order.status.is_final() || !self.owns(&order.books) {
            return Ok(order);
        }
        match self.claim('o', order.id) {
            Some(_busy) => self.check_order(&order).await,
            None => Ok(order),
        }
    }

    /// CNY per one unit of `currency`, from HipoPay.
    pub async fn exchange_rate(
        &self,
        wallet: Wallet,
        currency: Currency,
    ) -> Result<String, CashierError> {
        Ok(self.client.rate(wallet, currency).await?)
    }
}

#[cfg(test)]
mod tests {
    use crate::counter::Counter;

    #[test]
    fn order_numbers_fit_wechat_and_name_their_counter() {
        let longest = Counter::parse("ABCDEFGH9").expect("a valid name");
        let n = super::merchant_order_no(&longest);
        assert!(n.len() <= 32 && n.starts_with("ABCDEFGH9-"), "{n}");
        assert!(n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        assert_ne!(n, super::merchant_order_no(&longest));
    }

    #[test]
    fn notes_are_checked() {
        assert_eq!(
            super::subject(None).ok().as_deref(),
            Some("Counter payment")
        );
        assert_eq!(super::subject(Some(" 奶茶 ")).ok().as_deref(), Some("奶茶"));
        assert!(super::subject(Some(&"x".repeat(121))).is_err());
        assert!(super::subject(Some("a\u{7}b")).is_err());
    }
}
