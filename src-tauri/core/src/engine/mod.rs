//! The payment engine: the cashier's flows over the HipoPay client and the
//! ledger. Its rules: the order is on disk before any request leaves; one
//! charge request per order, ever; an unclear answer is "unknown", resolved
//! only by asking HipoPay with our merchant order number.

mod apply;
mod pay;
mod qr_offer;
mod reconcile;
mod refund;

pub use pay::{PayRequest, QrRequest, ScanPayment};
pub use qr_offer::{CnyEquivalent, QrOffer};
pub use reconcile::{Change, ReconcileReport, Scope};
pub use refund::RefundRequest;

use crate::books::Books;
use crate::counter::Counter;
use crate::error::CashierError;
use crate::hipopay::HipoPayClient;
use crate::ledger::{Ledger, Order, Refund};
use crate::money::Currency;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, Notify};

/// What time it is for the engine's age checks, in Unix milliseconds: the
/// system's, or (tests) one moved forward, so "three hours later" needs no
/// three-hour sleep.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> i64 + Send + Sync>);

impl Clock {
    pub fn system() -> Clock {
        Clock(Arc::new(crate::ledger_now_ms))
    }

    /// The system's clock, `ahead` later.
    pub fn ahead(ahead: Duration) -> Clock {
        let ms = i64::try_from(ahead.as_millis()).unwrap_or(i64::MAX);
        Clock(Arc::new(move || crate::ledger_now_ms().saturating_add(ms)))
    }

    pub fn now_ms(&self) -> i64 {
        (self.0)()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Clock({})", self.now_ms())
    }
}

#[derive(Debug, Clone)]
pub struct EngineSettings {
    pub currency: Currency,
    /// Sent to WeChat as the terminal's IP.
    pub terminal_ip: String,
    /// This till's name: it starts our order numbers and goes to WeChat as
    /// `device_info`.
    pub counter: Counter,
    pub poll_interval: Duration,
    /// How long a QR payload stays payable (HipoPay: up to 2 hours).
    pub qr_lifetime: Duration,
    /// Whose books this engine keeps; `Unrecorded` takes any shift (tests
    /// and benchmarks that build an engine by hand).
    pub books: Books,
    pub clock: Clock,
}

impl EngineSettings {
    pub fn new(currency: Currency, terminal_ip: &str) -> Self {
        EngineSettings {
            currency,
            terminal_ip: terminal_ip.to_string(),
            counter: Counter::default(),
            poll_interval: Duration::from_secs(3),
            qr_lifetime: Duration::from_secs(2 * 60 * 60),
            books: Books::Unrecorded,
            clock: Clock::system(),
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
    /// The counter's wait for a scan payment is over: the order is final,
    /// or still unclear and watched (abandoned). `error` says why the wait
    /// ended early, when it did.
    Ended {
        order: Order,
        error: Option<CashierError>,
    },
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
    /// One live charge at a time at this counter (held by a scan payment's
    /// background task until its wait ends).
    counter: Arc<tokio::sync::Mutex<()>>,
    /// Waits at the counter the cashier may stop, by order id.
    waits: Mutex<HashMap<i64, StopSignal>>,
    /// Orders and refunds a task of this engine is working on right now, so
    /// reconciliation never races the cashier's own flow.
    in_flight: Arc<Mutex<HashSet<(char, i64)>>>,
    events: broadcast::Sender<EngineEvent>,
    /// The central books, when the till keeps them with other counters.
    central: std::sync::OnceLock<Arc<dyn crate::central_link::CentralLink>>,
}

/// Marks an order or refund busy for as long as it lives (it may move into
/// the task that charges).
pub(super) struct InFlight {
    set: Arc<Mutex<HashSet<(char, i64)>>>,
    key: (char, i64),
}

impl Drop for InFlight {
    fn drop(&mut self) {
        lock_set(&self.set).remove(&self.key);
    }
}

fn lock_set(set: &Mutex<HashSet<(char, i64)>>) -> std::sync::MutexGuard<'_, HashSet<(char, i64)>> {
    // A panic while holding it cannot leave the set half-changed.
    set.lock().unwrap_or_else(|p| p.into_inner())
}

/// A wait at the counter the cashier can stop by order id, for as long as it lives.
struct WaitRegistration<'a> {
    engine: &'a Engine,
    order_id: i64,
}

impl Drop for WaitRegistration<'_> {
    fn drop(&mut self) {
        self.engine.lock_waits().remove(&self.order_id);
    }
}

impl Engine {
    pub fn new(ledger: Arc<Ledger>, client: HipoPayClient, settings: EngineSettings) -> Self {
        let (events, _) = broadcast::channel(256);
        Engine {
            ledger,
            client,
            settings,
            counter: Arc::new(tokio::sync::Mutex::new(())),
            waits: Mutex::new(HashMap::new()),
            in_flight: Arc::new(Mutex::new(HashSet::new())),
            events,
            central: std::sync::OnceLock::new(),
        }
    }

    /// Joins the central books (once): refunds then take the order's row
    /// lock there, and other counters' orders can be refunded here.
    pub fn link_central(&self, link: Arc<dyn crate::central_link::CentralLink>) {
        let _ = self.central.set(link);
    }

    pub(crate) fn central(&self) -> Option<&Arc<dyn crate::central_link::CentralLink>> {
        self.central.get()
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

    /// Milliseconds since `since` (a ledger time), by the engine's clock.
    pub(super) fn age_ms(&self, since: i64) -> i64 {
        self.settings.clock.now_ms().saturating_sub(since)
    }

    pub(super) fn older_than(&self, since: i64, d: Duration) -> bool {
        self.age_ms(since) > i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
    }

    /// Whether an order or shift in these books is this engine's to charge,
    /// check or refund (a demo order is never sent to the live acquirer, nor
    /// a live one to the sandbox).
    pub fn owns(&self, books: &Books) -> bool {
        books.same_as(&self.settings.books)
    }

    /// Opens a shift for `staff` (their own PIN) in this engine's books.
    pub fn open_shift(&self, staff: &str, pin: &str) -> Result<crate::ledger::Shift, CashierError> {
        let person = self.ledger.verify_staff_pin(staff, pin)?;
        Ok(self
            .ledger
            .open_shift_for(person.id, &self.settings.books)?)
    }

    /// The open shift, if payments for this engine's acquirer may go into it.
    pub(crate) fn require_shift(&self) -> Result<crate::ledger::Shift, CashierError> {
        let shift = self.ledger.require_open_shift()?;
        if !self.owns(&shift.books) {
            return Err(CashierError::ShiftMode(format!(
                "shift #{} was opened for {}, and this counter now takes payments for {}: close it and open a new shift",
                shift.id,
                shift.books.describe(),
                self.settings.books.describe()
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

    fn emit_ended(&self, order: Order, error: Option<CashierError>) {
        let _ = self.events.send(EngineEvent::Ended { order, error });
    }

    /// The cashier stops waiting for this order (it stays PENDING and is
    /// watched). False when nobody is waiting for it at this counter.
    pub fn stop_waiting(&self, order_id: i64) -> bool {
        match self.lock_waits().get(&order_id) {
            Some(stop) => {
                stop.stop();
                true
            }
            None => false,
        }
    }

    fn lock_waits(&self) -> std::sync::MutexGuard<'_, HashMap<i64, StopSignal>> {
        self.waits.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Makes `stop` reachable by order id for as long as the guard lives.
    fn register_wait(&self, order_id: i64, stop: &StopSignal) -> WaitRegistration<'_> {
        self.lock_waits().insert(order_id, stop.clone());
        WaitRegistration {
            engine: self,
            order_id,
        }
    }

    fn claim(&self, kind: char, id: i64) -> Option<InFlight> {
        lock_set(&self.in_flight)
            .insert((kind, id))
            .then(|| InFlight {
                set: self.in_flight.clone(),
                key: (kind, id),
            })
    }
}
