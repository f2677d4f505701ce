//! Tauri build: embeds tauri.conf.json and the UI, and declares the app's
//! commands so that each needs an explicit grant in a capability file;
//! a command no capability lists cannot be reached from the webview.

const COMMANDS: &[&str] = &[
    "app_status",
    "startup_problem",
    "startup_retry",
    "staff_list",
    "staff_add",
    "shift_open",
    "shift_close",
    "shift_report",
    "shift_export_csv",
    "pay_scan",
    "stop_waiting",
    "qr_create",
    "qr_wait",
    "orders_list",
    "order_detail",
    "order_check",
    "attention_list",
    "reconcile_now",
    "review_clear",
    "refund",
    "refund_settle",
    "settings_get",
    "settings_save",
    "key_import",
    "test_connection",
    "serial_ports",
    "demo_customer_pays",
    "customer_view",
    "customer_show_amount",
];

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/app/capabilities");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/app/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri build step");
}
