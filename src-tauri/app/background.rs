//! Work the app does on its own: forwarding the engine's changes to the UI,
//! reconciling unclear payments at start-up and every minute, and reading
//! a serial scanner.

use crate::state::{AppState, ScannerStatus};
use cashier_core::engine::EngineEvent;
use cashier_core::scanner::{ScannerEvent, SerialScanner};
use serde::Serialize;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager};
use tokio::sync::broadcast::error::RecvError;

const RECONCILE_EVERY: Duration = Duration::from_secs(60);
/// The counter window: order, refund, scanner and reconcile events go to it
/// alone, never to the customer display.
const COUNTER: &str = "main";

/// What runs once a core is up (at launch, or when a start that failed is
/// tried again): its events reach the UI and the serial scanner is read.
pub fn core_started(app: &AppHandle) {
    forward_engine_events(app);
    start_serial_scanner(app);
    crate::display::sync_window(app);
}

/// Forwards every order and refund change of the current engine to the UI.
pub fn forward_engine_events(app: &AppHandle) {
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    let Ok(engine) = state.engine() else {
        return;
    };
    let mut events = engine.subscribe();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => forward(&app, event),
                // A slow UI missed some: it refreshes from the next one.
                Err(RecvError::Lagged(_)) => continue,
                // The engine was replaced (settings changed).
                Err(RecvError::Closed) => break,
            }
        }
    });
}

/// One engine event to the counter window, and to the customer display when
/// it concerns the payment on its screen.
fn forward(app: &AppHandle, event: EngineEvent) {
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    match event {
        EngineEvent::Started(order) => {
            crate::display::send(app, state.customer.payment_started(&order));
            let _ = app.emit_to(COUNTER, "order-changed", order);
        }
        EngineEvent::Order(order) => {
            crate::display::send(app, state.customer.order_changed(&order));
            let _ = app.emit_to(COUNTER, "order-changed", order);
        }
        EngineEvent::Refund(refund) => {
            let _ = app.emit_to(COUNTER, "refund-changed", refund);
        }
    }
}

/// Reconciles at start-up and every minute, whenever a core is running.
pub fn reconcile_periodically(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            reconcile_once(&app).await;
            tokio::time::sleep(RECONCILE_EVERY).await;
        }
    });
}

/// Checks every unclear order and refund once and tells the UI what changed.
pub async fn reconcile_once(app: &AppHandle) {
    let Some(engine) = app.try_state::<AppState>().and_then(|s| s.engine().ok()) else {
        return;
    };
    if let Ok(report) = engine.reconcile().await {
        let _ = app.emit_to(COUNTER, "reconciled", report);
    }
}

#[derive(Serialize, Clone)]
struct ScannerLine {
    code: String,
    source: &'static str,
}

/// (Re)starts the serial scanner reader from the current config.
pub fn start_serial_scanner(app: &AppHandle) {
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    let Ok(config) = state.config().map(|c| c.scanner) else {
        return;
    };
    state.replace_scanner(None);
    let Some(port) = config.serial_port.filter(|p| !p.trim().is_empty()) else {
        state.set_scanner_status(ScannerStatus::default());
        return;
    };
    state.set_scanner_status(ScannerStatus {
        port: Some(port.clone()),
        connected: false,
        error: None,
    });
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    state.replace_scanner(Some(SerialScanner::start(
        port,
        config.baud,
        config.terminator,
        tx,
    )));
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        while let Some(event) = rx.recv().await {
            let Some(state) = app.try_state::<AppState>() else {
                break;
            };
            match event {
                ScannerEvent::Line(code) => {
                    let _ = app.emit_to(
                        COUNTER,
                        "scanner-line",
                        ScannerLine {
                            code,
                            source: "serial",
                        },
                    );
                }
                ScannerEvent::Connected { port } => {
                    let status = ScannerStatus {
                        port: Some(port),
                        connected: true,
                        error: None,
                    };
                    state.set_scanner_status(status.clone());
                    let _ = app.emit_to(COUNTER, "scanner-status", status);
                }
                ScannerEvent::Disconnected { port, error } => {
                    let status = ScannerStatus {
                        port: Some(port),
                        connected: false,
                        error: Some(error),
                    };
                    state.set_scanner_status(status.clone());
                    let _ = app.emit_to(COUNTER, "scanner-status", status);
                }
            }
        }
    });
}
