//! Cashier's desktop shell: a Tauri window over `cashier-core`. Everything
//! that matters happens in the core; this file wires it to the window.

// Hide the console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod background;
mod commands;
mod display;
mod state;

use state::{AppState, Paths};
use tauri::Manager;

fn main() {
    // Idle memory (PRODUCT.md: within 40 MB of an empty Tauri window): with
    // WebKitGTK's accelerated compositing on, the web process keeps GL
    // (llvmpipe under X without a GPU) surfaces and layers for our simple,
    // flat UI: about 90 MB PSS more than without (benches/app.rs,
    // benches/RESULTS.md). Off unless the environment already says otherwise
    // (WEBKIT_DISABLE_COMPOSITING_MODE=0 turns it back on). Set before any
    // thread or webview exists.
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    // A broken config or ledger does not start the core, and nothing is
    // written; the window opens on a screen that says what is wrong and can
    // try again once it is fixed (state::StartupProblem).
    let state = AppState::start(Paths::from_env());
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        // The customer display never outlives the counter window: closing
        // the counter closes the app.
        .on_window_event(|window, event| {
            if window.label() == "main" && matches!(event, tauri::WindowEvent::Destroyed) {
                display::close_window(window.app_handle());
            }
        })
        .setup(|app| {
            let handle = app.handle();
            background::reconcile_periodically(handle);
            background::core_started(handle);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::status::app_status,
            commands::status::startup_problem,
            commands::status::startup_retry,
            commands::shift::staff_list,
            commands::shift::staff_add,
            commands::shift::shift_open,
            commands::shift::shift_close,
            commands::shift::shift_report,
            commands::shift::shift_export_csv,
            commands::sale::pay_scan,
            commands::sale::stop_waiting,
            commands::sale::qr_create,
            commands::sale::qr_wait,
            commands::sale::orders_list,
            commands::sale::order_detail,
            commands::sale::order_check,
            commands::sale::attention_list,
            commands::sale::reconcile_now,
            commands::sale::review_clear,
            commands::sale::refund,
            commands::sale::refund_settle,
            commands::settings::settings_get,
            commands::settings::settings_save,
            commands::settings::key_import,
            commands::settings::test_connection,
            commands::settings::serial_ports,
            commands::sale::demo_customer_pays,
            commands::display::customer_view,
            commands::display::customer_show_amount,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("cashier: {e}");
        std::process::exit(1);
    }
}
