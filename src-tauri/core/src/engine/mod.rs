//! The payment engine: the cashier's flows over the HipoPay client and the
//! ledger. Its rules: the order is on disk before any request leaves; one
//! charge request per order, ever; an unclear answer is "unknown", resolved
//! only by asking HipoPay with our merchant order number.

mod apply;
mod display;
mod pay;
mod reconcile;
mod refund;

pub use display::{CnyEquivalent, QrDisplay};
pub use pay::{PayRequest, QrRequest};
pub use reconcile::{Change, ReconcileReport};
pub use refund::RefundRequest;

use crate::error::CashierError;
use crate::hipopay::HipoPayClient;
use crate::ledger::{Ledger, Order, Refund};
use crate::money::Currency;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, Notify};

#[derive(Debug, Clone)]
pub struct EngineSettings {
    pub currency: Currency,
    /// Sent to WeChat as the terminal's IP.
    pub terminal_ip: String,
    pub poll_interval: Duration,
    /// How long a QR payload stays payable (HipoPay: up to 2 hours).
    pub qr_lifetime: Duration,
    /// Whose books this engine keeps (`Config::acquirer_key`); "" takes any
    /// shift (tests and benchmarks that build an engine by hand).
    pub acquirer: String,
}

impl EngineSettings {
    pub fn new(currency: Currency, terminal_ip: &str) -> Self {
        EngineSettings {
            currency,
            terminal_ip: terminal_ip.to_string(),
            poll_interval: Duration::from_secs(3),
            qr_lifetime: Duration::from_secs(2 * 60 * 60),
            acquirer: String::new(),
        }
    }
}

/// What the engine tells whoever listens (the desktop UI): every change.
#[derive(Debug, Clone)]
pub enum EngineEvent {
    /// A payment was just started at this counter: its order is on disk and
    /// its charge is about to leave. Later changes come as `Order`.
    Started(Order),
    Order(Order),
    Refund(Refund),
}

/// Lets a cashier stop waiting without cancelling anything.
#[derive(Debug, Clone, Default)]
pub struct StopSignal {
    stopped: Arc<AtomicBool>,
    notify: Arc<Notify>,
}

impl StopSignal {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }
    pub fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }
    async fn wait(&self) {
        if !self.is_stopped() {
            self.notify.notified().await;
        }
    }
}

pub struct Engine {
    ledger: Arc<Ledger>,
    client: HipoPayClient,
    settings: EngineSettings,
    /// One live charge at a time at this counter.
    counter: tokio::sync::Mutex<()>,
    /// Orders and refunds a task of this engine is working on right now, so
    /// reconciliation never races the cashier's own flow.
    in_flight: Mutex<HashSet<(char, i64)>>,
    events: broadcast::Sender<EngineEvent>,
}

/// An acquirer key in words, for messages.
pub fn describe_books(acquirer: &str) -> String {
    match acquirer.split(':').collect::<Vec<_>>().as_slice() {
        ["demo"] => "demo mode (the built-in sandbox)".into(),
        ["live", _agent, merchant] => format!("HipoPay merchant {merchant}"),
        _ => "another acquirer account".into(),
    }
}

/// Marks an order or refund busy for as long as it lives.
pub(super) struct InFlight<'a> {
    engine: &'a Engine,
    key: (char, i64),
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.engine.lock_in_flight().remove(&self.key);
    }
}

impl Engine {
    pub fn new(ledger: Arc<Ledger>, client: HipoPayClient, settings: EngineSettings) -> Self {
        let (events, _) = broadcast::channel(256);
        Engine {
            ledger,
            client,
            settings,
            counter: tokio::sync::Mutex::new(()),
            in_flight: Mutex::new(HashSet::new()),
            events,
        }
    }

    pub fn ledger(&self) -> &Arc<Ledger> {
        &self.ledger
    }

    pub fn client(&self) -> &HipoPayClient {
        &self.client
    }

    pub fn settings(&self) -> &EngineSettings {
        &self.settings
    }

    /// Whether an order or shift with this acquirer key is this engine's to
    /// charge, check or refund (a demo order is never sent to the live
    /// acquirer, nor a live one to the sandbox).
    pub fn owns(&self, acquirer: &str) -> bool {
        crate::ledger::same_books(acquirer, &self.settings.acquirer)
    }

    /// Opens a shift for `staff` (their own PIN) in this engine's books.
    pub fn open_shift(&self, staff: &str, pin: &str) -> Result<crate::ledger::Shift, CashierError> {
        let person = self.ledger.verify_staff_pin(staff, pin)?;
        Ok(self
            .ledger
            .open_shift_for(person.id, &self.settings.acquirer)?)
    }

    /// The open shift, if payments for this engine's acquirer may go into it.
    pub(crate) fn require_shift(&self) -> Result<crate::ledger::Shift, CashierError> {
        let shift = self.ledger.require_open_shift()?;
        if !self.owns(&shift.acquirer) {
            return Err(CashierError::ShiftMode(format!(
                "shift #{} was opened for {}, and this counter now takes payments for {}: close it and open a new shift",
                shift.id,
                describe_books(&shift.acquirer),
                describe_books(&self.settings.acquirer)
            )));
        }
        Ok(shift)
    }

    pub fn subscribe(&self) -> broadcast::Receiver<EngineEvent> {
        self.events.subscribe()
    }

    fn emit_order(&self, order: &Order) {
        // No listener is fine: the CLI has none.
        let _ = self.events.send(EngineEvent::Order(order.clone()));
    }

    fn emit_started(&self, order: &Order) {
        let _ = self.events.send(EngineEvent::Started(order.clone()));
    }

    fn emit_refund(&self, refund: &Refund) {
        let _ = self.events.send(EngineEvent::Refund(refund.clone()));
    }

    fn lock_in_flight(&self) -> std::sync::MutexGuard<'_, HashSet<(char, i64)>> {
        self.in_flight.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn claim(&self, kind: char, id: i64) -> Option<InFlight<'_>> {
        self.lock_in_flight()
            .insert((kind, id))
            .then_some(InFlight {
                engine: self,
                key: (kind, id),
            })
    }
}
