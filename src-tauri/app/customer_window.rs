//! The customer window: a second window that faces the customer, on a
//! second screen when there is one. What it shows comes from the core
//! (`cashier_core::customer_view`); this file opens and closes the window
//! and sends it each new view.

use crate::events::{AppEvent, CustomerViewUpdate, CUSTOMER as LABEL};
use crate::state::AppState;
use cashier_core::customer_view::CustomerView;
use tauri::{AppHandle, Manager, PhysicalPosition, WebviewUrl, WebviewWindowBuilder};

/// The view with the language to say it in, and whether this is the demo
/// sandbox (the customer must not think they paid).
pub fn update(state: &AppState, view: CustomerView) -> CustomerViewUpdate {
    let till = state.till().ok();
    CustomerViewUpdate {
        language: till
            .as_ref()
            .map(|t| t.config.ui.language.clone())
            .unwrap_or_else(|| "en".into()),
        demo: till.is_some_and(|t| t.is_demo()),
        view,
    }
}

/// Sends a changed view to the customer window, if it is open.
pub fn send(app: &AppHandle, view: Option<CustomerView>) {
    let (Some(view), Some(state)) = (view, app.try_state::<AppState>()) else {
        return;
    };
    if app.get_webview_window(LABEL).is_some() {
        AppEvent::CustomerView(update(&state, view)).emit(app);
    }
}

/// Sends the current view again (the language changed).
pub fn resend(app: &AppHandle) {
    if let Some(state) = app.try_state::<AppState>() {
        send(app, Some(state.customer.view()));
    }
}

/// Opens or closes the window as the settings say.
pub fn sync(app: &AppHandle) {
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    let wanted = state
        .config()
        .map(|c| c.ui.customer_display)
        .unwrap_or(false);
    match (wanted, app.get_webview_window(LABEL)) {
        (true, None) => {
            if let Err(e) = open_window(app) {
                eprintln!("cashier: cannot open the customer display: {e}");
            }
        }
        (false, Some(_)) => close_window(app),
        _ => {}
    }
}

pub fn close_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(LABEL) {
        let _ = window.destroy();
    }
}

fn open_window(app: &AppHandle) -> tauri::Result<()> {
    let builder = WebviewWindowBuilder::new(app, LABEL, WebviewUrl::App("customer.html".into()))
        .title("Cashier: customer display")
        // Keystrokes (a keyboard-wedge scanner) must keep going to the
        // counter window: this one never takes the focus.
        .focused(false)
        .focusable(false)
        .skip_taskbar(true)
        .inner_size(800.0, 600.0)
        .min_inner_size(480.0, 400.0);
    match second_screen(app) {
        // Full screen on the screen that holds that point: the monitor is
        // picked by position, whatever scale each screen has.
        Some(at) => {
            let window = builder.visible(false).build()?;
            let placed = window
                .set_fullscreen_on_monitor(PhysicalPosition::new(f64::from(at.x), f64::from(at.y)))
                .and_then(|()| window.show());
            if let Err(e) = placed {
                // Never leave a hidden window under the label: the next
                // attempt would think the display is open.
                let _ = window.destroy();
                return Err(e);
            }
        }
        None => {
            builder.build()?;
        }
    }
    Ok(())
}

/// The top-left corner of a screen other than the counter window's, when the
/// computer has two and we know which one the counter is on.
fn second_screen(app: &AppHandle) -> Option<PhysicalPosition<i32>> {
    let counter = app
        .get_webview_window(crate::events::COUNTER)?
        .current_monitor()
        .ok()??;
    let monitors = app.available_monitors().ok()?;
    if monitors.len() < 2 {
        return None;
    }
    monitors
        .into_iter()
        .find(|m| m.position() != counter.position())
        .map(|m| *m.position())
}
