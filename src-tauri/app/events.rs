//! What the app tells its windows on its own: one name and one payload type
//! per event, listed once here. The list feeds the contract the UI is
//! generated from (`ui/generated/contract.js`), and each event goes only to
//! the window named beside it, over the channel that window opened
//! (`events_subscribe`): no window can listen to another's events (the
//! customer window never hears a scanner's line or an order it does not
//! show), and no window is granted the event plugin at all.

#[cfg(test)]
use crate::contract::EventSpec;
use crate::state::ScannerStatus;
use cashier_core::customer_view::CustomerView;
use cashier_core::engine::ReconcileReport;
use cashier_core::ledger::sync::SyncState;
use cashier_core::ledger::{Order, Refund};
use cashier_core::CashierError;
use cashier_till::PrinterStatus;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Mutex;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager};

/// The counter window's label (tauri.conf.json).
pub const COUNTER: &str = "main";
/// The customer window's label.
pub const CUSTOMER: &str = "customer";

/// The counter's wait for a scan payment is over.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PaymentEnded {
    pub order_id: i64,
    /// The order now: final, or still unclear (PENDING, abandoned, watched).
    pub order: Order,
    /// Why the wait ended early, when it did.
    pub error: Option<CashierError>,
}

/// A line a serial scanner read.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ScannerLine {
    pub code: String,
    pub source: String,
}

/// What the customer window shows, and how: in the counter's language, with
/// the DEMO marker when no money moves.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CustomerViewUpdate {
    pub language: String,
    pub demo: bool,
    pub view: CustomerView,
}

/// One event as it travels over a window's channel.
#[derive(Debug, Clone, Serialize)]
pub struct EventMessage {
    pub event: &'static str,
    pub payload: serde_json::Value,
}

/// Each window's channel, by window label (a reloaded page opens a new one).
#[derive(Default)]
pub struct Channels(Mutex<HashMap<String, Channel<EventMessage>>>);

impl Channels {
    pub fn open(&self, window: &str, channel: Channel<EventMessage>) {
        self.lock().insert(window.to_string(), channel);
    }

    fn send(&self, window: &str, message: EventMessage) {
        let mut channels = self.lock();
        let gone = match channels.get(window) {
            Some(channel) => channel.send(message).is_err(),
            None => false,
        };
        if gone {
            channels.remove(window);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Channel<EventMessage>>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn send<P: Serialize>(app: &AppHandle, window: &str, event: &'static str, payload: P) {
    let Some(channels) = app.try_state::<Channels>() else {
        return;
    };
    if let Ok(payload) = serde_json::to_value(payload) {
        channels.send(window, EventMessage { event, payload });
    }
}

macro_rules! events {
    ($( $(#[$doc:meta])* $variant:ident($payload:ty) = $name:literal to $window:ident; )*) => {
        #[derive(Debug, Clone)]
        pub enum AppEvent {
            $( $(#[$doc])* $variant($payload), )*
        }

        impl AppEvent {
            /// Sends it to its window (none open: nobody to tell).
            pub fn emit(self, app: &AppHandle) {
                match self {
                    $( AppEvent::$variant(payload) => send(app, $window, $name, payload), )*
                }
            }
        }

        /// Every event, for the contract.
        #[cfg(test)]
        pub fn specs() -> Vec<EventSpec> {
            vec![$( EventSpec::of::<$payload>($name, $window) ),*]
        }
    };
}

events! {
    /// Any change to any order.
    OrderChanged(Order) = "order-changed" to COUNTER;
    /// Any change to any refund.
    RefundChanged(Refund) = "refund-changed" to COUNTER;
    /// A scan payment's wait at the counter ended.
    PaymentEnded(PaymentEnded) = "payment-ended" to COUNTER;
    ScannerLine(ScannerLine) = "scanner-line" to COUNTER;
    ScannerStatus(ScannerStatus) = "scanner-status" to COUNTER;
    /// A background reconcile pass finished.
    Reconciled(ReconcileReport) = "reconciled" to COUNTER;
    /// The print queue after a pass: slips waiting, and why.
    PrinterStatus(PrinterStatus) = "printer-status" to COUNTER;
    /// This till's pushing to the central books, after each push.
    BooksSync(SyncState) = "books-sync" to COUNTER;
    CustomerView(CustomerViewUpdate) = "customer-view" to CUSTOMER;
}
