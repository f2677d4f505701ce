//! A window opens its channel for the app's events: what reaches it is
//! what the app sends to that window, and nothing else.

use super::Result;
use crate::events::{Channels, EventMessage};
use tauri::ipc::Channel;
use tauri::{Manager, Webview};

#[tauri::command(rename_all = "snake_case")]
pub fn events_subscribe(webview: Webview, channel: Channel<EventMessage>) -> Result<()> {
    webview
        .app_handle()
        .state::<Channels>()
        .open(webview.label(), channel);
    Ok(())
}
