//! The webview reaches exactly the commands the UI calls, and the CSP
//! forbids inline script and remote origins. Read from the files the build
//! uses, so a command added in one place and not the others fails here.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// Every `'name'` that follows `marker` in `text`.
fn quoted_after(text: &str, marker: &str) -> BTreeSet<String> {
    text.match_indices(marker)
        .filter_map(|(i, _)| {
            let rest = &text[i + marker.len()..];
            let rest = rest.strip_prefix('\'').or_else(|| rest.strip_prefix('"'))?;
            let end = rest.find(['\'', '"'])?;
            Some(rest[..end].to_string())
        })
        .collect()
}

fn ui_calls() -> BTreeSet<String> {
    quoted_after(&read("ui/api.js"), "call(")
}

#[test]
fn the_capability_grants_exactly_what_the_ui_calls() {
    let ui = ui_calls();
    assert!(ui.len() > 10, "found the UI's calls: {ui:?}");
    let capability: serde_json::Value =
        serde_json::from_str(&read("src-tauri/app/capabilities/main.json")).unwrap();
    assert_eq!(capability["windows"], serde_json::json!(["main"]));
    let permissions: Vec<String> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    let granted: BTreeSet<String> = permissions
        .iter()
        .filter_map(|p| p.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect();
    assert_eq!(
        granted, ui,
        "granted commands differ from the commands ui/api.js calls"
    );
    // Beyond app commands, only listening to events.
    let core: BTreeSet<&str> = permissions
        .iter()
        .filter(|p| !p.starts_with("allow-"))
        .map(String::as_str)
        .collect();
    assert_eq!(
        core,
        BTreeSet::from(["core:event:allow-listen", "core:event:allow-unlisten"])
    );

    let manifest = quoted_after(&read("src-tauri/app/build.rs"), "    ");
    assert_eq!(
        manifest, ui,
        "build.rs must declare every command (so each needs a grant)"
    );

    let main = read("src-tauri/app/main.rs");
    let start = main.find("generate_handler![").unwrap();
    let end = start + main[start..].find(']').unwrap();
    let handlers: BTreeSet<String> = main[start..end]
        .split(',')
        .filter_map(|h| {
            h.trim()
                .rsplit("::")
                .next()
                .map(str::trim)
                .map(str::to_string)
        })
        .filter(|h| !h.is_empty() && !h.contains('['))
        .collect();
    assert_eq!(
        handlers, ui,
        "registered handlers differ from what the UI calls"
    );
}

#[test]
fn only_api_js_talks_to_the_backend() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui");
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "js") && !path.ends_with("api.js") {
                let text = std::fs::read_to_string(&path).unwrap();
                assert!(
                    !text.contains("__TAURI__"),
                    "{} talks to the backend directly",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn the_csp_forbids_inline_script_and_remote_origins() {
    let conf: serde_json::Value = serde_json::from_str(&read("tauri.conf.json")).unwrap();
    let csp = conf["app"]["security"]["csp"].as_object().unwrap();
    assert_eq!(csp["script-src"], "'self'");
    assert_eq!(csp["default-src"], "'self'");
    assert_eq!(csp["object-src"], "'none'");
    for (directive, value) in csp {
        let value = value.as_str().unwrap();
        assert!(!value.contains("unsafe"), "{directive} allows {value}");
        for source in value.split_whitespace() {
            let remote = source.starts_with("http") && source != "http://ipc.localhost";
            assert!(
                !remote && source != "*",
                "{directive} allows the remote origin {source}"
            );
        }
    }
    assert_eq!(
        conf["app"]["security"]["dangerousDisableAssetCspModification"],
        serde_json::Value::Null
    );
}

#[test]
fn the_pages_have_no_inline_script_handlers_or_styles() {
    for page in ["ui/index.html", "ui/customer.html"] {
        let lower = read(page).to_lowercase();
        for (i, _) in lower.match_indices("<script") {
            let tag = &lower[i..i + lower[i..].find('>').unwrap()];
            assert!(tag.contains("src="), "inline <script> in {page}: {tag}");
        }
        assert!(
            !lower.contains(" style="),
            "inline style attribute in {page}"
        );
        let handler = lower.split(|c: char| c.is_whitespace()).any(|w| {
            w.starts_with("on")
                && w.contains("=\"")
                && w.len() > 4
                && w[2..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                && w.split('=')
                    .next()
                    .is_some_and(|n| n.chars().all(|c| c.is_ascii_alphabetic()))
        });
        assert!(!handler, "an on* handler attribute in {page}");
    }
}

/// The customer faces this window: it may ask what to show and listen for
/// changes, and nothing else (no payment, refund, settings or file access).
#[test]
fn the_customer_display_window_can_only_ask_what_to_show() {
    let capability: serde_json::Value =
        serde_json::from_str(&read("src-tauri/app/capabilities/customer.json")).unwrap();
    assert_eq!(capability["windows"], serde_json::json!(["customer"]));
    let permissions: BTreeSet<&str> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(
        permissions,
        BTreeSet::from([
            "core:event:allow-listen",
            "core:event:allow-unlisten",
            "allow-customer-view"
        ])
    );
    // No other capability file reaches that window.
    for entry in
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/app/capabilities"))
            .unwrap()
    {
        let path = entry.unwrap().path();
        if path.ends_with("customer.json") {
            continue;
        }
        let other: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let windows = other["windows"].as_array().unwrap();
        assert!(
            windows.iter().all(|w| w != "customer" && w != "*"),
            "{} grants to the customer window",
            path.display()
        );
    }
}
