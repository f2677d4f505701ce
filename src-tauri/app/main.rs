//! Cashier's desktop shell: a Tauri window over `cashier-core`, put together
//! by `cashier-till`. Everything that matters happens in the core; this file
//! wires it to the windows.

// Hide the console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod background;
mod commands;
// The contract is generated and checked by its tests (scripts/contract).
#[cfg(test)]
mod contract;
mod customer_window;
mod events;
mod instance;
mod kiosk;
mod state;

use cashier_core::paths::Paths;
use state::AppState;
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
    let paths = Paths::from_env();
    let first = match instance::claim(&paths.db_file) {
        instance::Claim::First(first) => first,
        instance::Claim::Taken => {
            let shown = instance::bring_forward(&paths.db_file);
            eprintln!(
                "cashier: already running on the ledger {}{}",
                paths.db_file.display(),
                if shown {
                    "; its window was brought forward"
                } else {
                    ""
                }
            );
            return;
        }
    };
    let state = AppState::start(paths);
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .manage(events::Channels::default())
        // The customer display never outlives the counter window: closing
        // the counter closes the app.
        .on_window_event(|window, event| {
            if window.label() == events::COUNTER && matches!(event, tauri::WindowEvent::Destroyed) {
                customer_window::close_window(window.app_handle());
            }
        })
        .setup(move |app| {
            let handle = app.handle();
            let to_front = handle.clone();
            first.serve(move || {
                if let Some(window) = to_front.get_webview_window(events::COUNTER) {
                    let _ = window.unminimize();
                    let _ = window.show();
                    let _ = window.set_focus();
                }
            });
            background::reconcile_periodically(handle);
            background::push_periodically(handle);
            background::print_periodically(handle);
            background::till_started(handle);
            kiosk::apply(handle);
            Ok(())
        })
        .invoke_handler(commands::invoke_handler())
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("cashier: {e}");
        std::process::exit(1);
    }
}
