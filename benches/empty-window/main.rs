//! An empty Tauri v2 window showing a static page: the floor any webview app
//! pays here, measured beside the app by `benches/app.rs`.

fn main() {
    if let Err(e) = tauri::Builder::default().run(tauri::generate_context!()) {
        eprintln!("empty-window: {e}");
        std::process::exit(1);
    }
}
