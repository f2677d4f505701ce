//! Tauri commands: thin adapters from the UI to the core. Each takes the app
//! and one arguments struct, and returns the core's structured error
//! (`{kind, message, money_may_have_moved}`) so the UI can tell faults apart.
//!
//! The table at the bottom is the one list of commands: it builds the invoke
//! handler, and the contract (`crate::contract`) that generates the UI's
//! calls and each window's capability file.

pub mod customer;
pub mod events;
pub mod orders;
pub mod payments;
pub mod printing;
pub mod settings;
pub mod shift;
pub mod staff;
pub mod status;
pub mod store;

use crate::state::AppState;
use cashier_core::CashierError;
use schemars::JsonSchema;
use serde::Deserialize;
use tauri::{AppHandle, Manager};

pub type Result<T> = std::result::Result<T, CashierError>;

/// The arguments of a command that takes none.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoArgs {}

/// The app's state, from the handle every command gets.
pub(crate) fn state(app: &AppHandle) -> tauri::State<'_, AppState> {
    app.state::<AppState>()
}

macro_rules! commands {
    ($( $module:ident::$name:ident ($kind:ident) for [$($window:expr),+]; )*) => {
        /// The handler Tauri dispatches the webview's calls to.
        pub fn invoke_handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($module::$name),*]
        }

        /// Every command, for the contract.
        #[cfg(test)]
        pub fn specs() -> Vec<crate::contract::CommandSpec> {
            vec![$(
                crate::contract::CommandSpec::$kind(stringify!($name), &[$($window),+], $module::$name)
            ),*]
        }
    };
}

#[cfg(test)]
use crate::events::{COUNTER, CUSTOMER};

commands! {
    status::app_status (sync) for [COUNTER];
    status::startup_problem (sync) for [COUNTER];
    status::startup_retry (asynchronous) for [COUNTER];
    staff::staff_list (sync) for [COUNTER];
    staff::staff_add (sync) for [COUNTER];
    staff::staff_pin (sync) for [COUNTER];
    staff::staff_deactivate (sync) for [COUNTER];
    staff::staff_unlock (sync) for [COUNTER];
    shift::shift_open (sync) for [COUNTER];
    shift::shift_close (sync) for [COUNTER];
    shift::shift_report (sync) for [COUNTER];
    shift::shift_export_csv (asynchronous) for [COUNTER];
    payments::pay_start (asynchronous) for [COUNTER];
    payments::stop_waiting (sync) for [COUNTER];
    payments::qr_create (asynchronous) for [COUNTER];
    payments::qr_wait (asynchronous) for [COUNTER];
    payments::demo_customer_pays (sync) for [COUNTER];
    orders::orders_list (sync) for [COUNTER];
    orders::order_detail (sync) for [COUNTER];
    orders::order_check (asynchronous) for [COUNTER];
    orders::attention_list (sync) for [COUNTER];
    orders::reconcile_now (asynchronous) for [COUNTER];
    orders::review_clear (sync) for [COUNTER];
    orders::order_elsewhere (asynchronous) for [COUNTER];
    orders::refund (asynchronous) for [COUNTER];
    orders::refund_settle (sync) for [COUNTER];
    printing::print_slip (asynchronous) for [COUNTER];
    printing::print_test (asynchronous) for [COUNTER];
    printing::slip_preview (sync) for [COUNTER];
    printing::day_close (sync) for [COUNTER];
    printing::day_print (asynchronous) for [COUNTER];
    store::store_day (asynchronous) for [COUNTER];
    store::store_match (asynchronous) for [COUNTER];
    settings::settings_get (sync) for [COUNTER];
    settings::settings_save (asynchronous) for [COUNTER];
    settings::key_import (asynchronous) for [COUNTER];
    settings::test_connection (asynchronous) for [COUNTER];
    settings::serial_ports (sync) for [COUNTER];
    customer::customer_view (sync) for [CUSTOMER];
    customer::customer_show_amount (sync) for [COUNTER];
    events::events_subscribe (subscription) for [COUNTER, CUSTOMER];
}
