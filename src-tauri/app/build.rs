//! Tauri build: embeds tauri.conf.json and the UI, and declares the app's
//! commands so that each needs an explicit grant in a capability file; a
//! command no capability lists cannot be reached from the webview.
//!
//! The commands are read from the capability files, which the contract
//! generates from the one command table (src-tauri/app/commands/mod.rs):
//! a build script cannot run the crate's own code.

use std::collections::BTreeSet;

const CAPABILITIES: &str = "src-tauri/app/capabilities";

fn granted_commands() -> BTreeSet<String> {
    let mut commands = BTreeSet::new();
    let entries = std::fs::read_dir(CAPABILITIES).expect("the capabilities folder");
    for entry in entries {
        let path = entry.expect("a capability file").path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a readable capability file");
        let capability: serde_json::Value =
            serde_json::from_str(&text).expect("a capability file in JSON");
        for permission in capability["permissions"].as_array().into_iter().flatten() {
            if let Some(command) = permission.as_str().and_then(|p| p.strip_prefix("allow-")) {
                commands.insert(command.replace('-', "_"));
            }
        }
    }
    commands
}

fn main() {
    println!("cargo:rerun-if-changed={CAPABILITIES}");
    let commands: Vec<&'static str> = granted_commands()
        .into_iter()
        .map(|c| &*Box::leak(c.into_boxed_str()))
        .collect();
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/app/capabilities/**/*")
        .app_manifest(
            tauri_build::AppManifest::new().commands(Box::leak(commands.into_boxed_slice())),
        );
    tauri_build::try_build(attributes).expect("tauri build step");
}
