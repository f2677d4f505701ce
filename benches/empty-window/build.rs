//! Embeds tauri.conf.json and dist/ like the app's build script does.

fn main() {
    tauri_build::build();
}
