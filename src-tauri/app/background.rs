//! Work the app does on its own: forwarding the engine's changes to the
//! windows, reconciling unclear payments at start-up and every minute,
//! pushing to the central books, and reading a serial scanner.

use crate::events::{AppEvent, PaymentEnded, ScannerLine};
use crate::state::{AppState, ScannerStatus};
use cashier_core::engine::{EngineEvent, Scope};
use cashier_core::scanner::{ScannerEvent, SerialScanner};
use std::time::Duration;
use tauri::{AppHandle, Manager};
use tokio::sync::broadcast::error::RecvError;

const RECONCILE_EVERY: Duration = Duration::from_secs(60);
/// How often waiting slips are sent to the receipt printer.
const PRINT_EVERY: Duration = Duration::from_secs(2);

/// What runs once a till is up (at launch, or when a start that failed is
/// tried again): its events reach the windows and the serial scanner is read.
pub fn till_started(app: &AppHandle) {
    forward_engine_events(app);
    start_serial_scanner(app);
    crate::customer_window::sync(app);
}

/// Forwards every change of the current engine to the windows.
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

/// One engine event to the counter window, and to the customer window when
/// it moves the payment on its screen.
fn forward(app: &AppHandle, event: EngineEvent) {
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    match event {
        EngineEvent::Started(order) => {
            crate::customer_window::send(app, state.customer.payment_started(&order));
            AppEvent::OrderChanged(order).emit(app);
        }
        EngineEvent::Order(order) => {
            crate::customer_window::send(app, state.customer.order_changed(&order));
            AppEvent::OrderChanged(order).emit(app);
        }
        EngineEvent::Refund(refund) => AppEvent::RefundChanged(refund).emit(app),
        EngineEvent::Ended { order, error } => AppEvent::PaymentEnded(PaymentEnded {
            order_id: order.id,
            order,
            error,
        })
        .emit(app),
    }
    tell_books_waiting(app, &state);
}

/// Every change of an order or refund queues rows for the central books;
/// the header counts them at once, not only after the next push, which
/// comes up to `BACK_OFF_MAX` later while the server is away.
fn tell_books_waiting(app: &AppHandle, state: &AppState) {
    let Ok(till) = state.till() else {
        return;
    };
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let read = tauri::async_runtime::spawn_blocking(move || till.books_sync()).await;
        if let Ok(Ok(Some(sync))) = read {
            AppEvent::BooksSync(sync).emit(&app);
        }
    });
}

/// Reconciles at start-up and every minute, whenever a till is running.
pub fn reconcile_periodically(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            reconcile_once(&app).await;
            tokio::time::sleep(RECONCILE_EVERY).await;
        }
    });
}

/// Checks every unclear order and refund once and tells the counter what changed.
pub async fn reconcile_once(app: &AppHandle) {
    let Some(engine) = app.try_state::<AppState>().and_then(|s| s.engine().ok()) else {
        return;
    };
    if let Ok(report) = engine.reconcile(Scope::Due).await {
        AppEvent::Reconciled(report).emit(app);
    }
}

/// Pushes the outbox to the central books (when the till keeps them) on a
/// thread of its own in the idle scheduling class (`cashier_till::push_loop`),
/// so a sale never waits on the server or on the push, and tells the header
/// how far behind the books are.
pub fn push_periodically(app: &AppHandle) {
    let current = app.clone();
    let tell = app.clone();
    let started = cashier_till::push_loop::PushLoop::spawn(
        // The till of the moment: settings may have replaced it.
        move || current.try_state::<AppState>().and_then(|s| s.till().ok()),
        move |sync| AppEvent::BooksSync(sync).emit(&tell),
        cashier_till::push_loop::PUSH_EVERY,
    );
    if let Err(e) = started {
        eprintln!("cashier: central books: the push cannot start: {e}");
    }
}

/// Sends the slips waiting in the ledger's print queue (a PAID payment's,
/// a refund's, one the printer was away for) every few seconds, off the
/// async threads, and tells the header how many wait.
pub fn print_periodically(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut last = None;
        loop {
            let till = app.try_state::<AppState>().and_then(|s| s.till().ok());
            if let Some(till) = till {
                let status = tauri::async_runtime::spawn_blocking(move || {
                    if let Err(e) = till.print_pending() {
                        eprintln!("cashier: printing: {e}");
                    }
                    till.printer_status().ok().flatten()
                })
                .await
                .ok()
                .flatten();
                if let Some(status) = status {
                    if last.as_ref() != Some(&status) {
                        AppEvent::PrinterStatus(status.clone()).emit(&app);
                    }
                    last = Some(status);
                }
            }
            tokio::time::sleep(PRINT_EVERY).await;
        }
    });
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
            let status = match event {
                ScannerEvent::Line(code) => {
                    AppEvent::ScannerLine(ScannerLine {
                        code,
                        source: "serial".into(),
                    })
                    .emit(&app);
                    continue;
                }
                ScannerEvent::Connected { port } => ScannerStatus {
                    port: Some(port),
                    connected: true,
                    error: None,
                },
                ScannerEvent::Disconnected { port, error } => ScannerStatus {
                    port: Some(port),
                    connected: false,
                    error: Some(error),
                },
            };
            state.set_scanner_status(status.clone());
            AppEvent::ScannerStatus(status).emit(&app);
        }
    });
}
