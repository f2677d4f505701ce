//! What the app tells its windows on its own: one name and one payload type
//! per event, listed once here. The list feeds the contract the UI is
//! generated from (`ui/generated/contract.js`), and each event goes only to
//! the window named beside it (a serial scanner's line never reaches the
//! customer window).

#[cfg(test)]
use crate::contract::EventSpec;
use crate::state::ScannerStatus;
use cashier_core::customer_view::CustomerView;
use cashier_core::engine::ReconcileReport;
use cashier_core::ledger::{Order, Refund};
use cashier_core::CashierError;
use schemars::JsonSchema;
use serde::Serialize;
use tauri::{AppHandle, Emitter};

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

macro_rules! events {
    ($( $(#[$doc:meta])* $variant:ident($payload:ty) = $name:literal to $window:ident; )*) => {
        #[derive(Debug, Clone)]
        pub enum AppEvent {
            $( $(#[$doc])* $variant($payload), )*
        }

        impl AppEvent {
            /// Sends it to its window (no window open: nobody to tell).
            pub fn emit(self, app: &AppHandle) {
                let _ = match self {
                    $( AppEvent::$variant(payload) => app.emit_to($window, $name, payload), )*
                };
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
    CustomerView(CustomerViewUpdate) = "customer-view" to CUSTOMER;
}
