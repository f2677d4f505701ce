//! The webview reaches exactly the commands the UI calls, and the CSP
//! forbids inline script and remote origins. Read from the files the build
//! uses, so a command added in one place and not the others fails here.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// The commands of the generated contract: (name, JS function, windows).
fn contract_commands() -> Vec<(String, String, Vec<String>)> {
    let text = read("ui/generated/contract.js");
    let start = text.find("export const COMMANDS").unwrap();
    let end = start + text[start..].find("\n});").unwrap();
    text[start..end]
        .lines()
        .filter_map(|line| {
            let line = line.trim();
            let (name, rest) = line.split_once(": Object.freeze({ fn: '")?;
            let (function, rest) = rest.split_once('\'')?;
            // The channel for the app's events is opened by `api.on(...)`.
            let function = if rest.contains("channel: true") {
                "on"
            } else {
                function
            };
            let windows = rest.split("windows: [").nth(1)?.split(']').next()?;
            let windows = windows
                .split(',')
                .map(|w| w.trim().trim_matches('\'').to_string())
                .filter(|w| !w.is_empty())
                .collect();
            Some((name.to_string(), function.to_string(), windows))
        })
        .collect()
}

/// Every `api.NAME(` in the UI's own code for one window's pages.
fn calls_in(files: &[std::path::PathBuf]) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(file).unwrap();
        for (i, _) in text.match_indices("api.") {
            let name: String = text[i + 4..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if text[i + 4 + name.len()..].starts_with('(') {
                found.insert(name);
            }
        }
    }
    found
}

fn ui_files() -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("ui")];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() && !path.ends_with("generated") {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "js") && !path.ends_with("api.js") {
                files.push(path);
            }
        }
    }
    files
}

fn granted(file: &str, window: &str) -> BTreeSet<String> {
    let capability: serde_json::Value = serde_json::from_str(&read(file)).unwrap();
    assert_eq!(capability["windows"], serde_json::json!([window]));
    capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str().unwrap().strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect()
}

/// Each window is granted exactly the commands its pages call: no grant
/// the UI does not use, and no call the window may not make.
#[test]
fn each_window_is_granted_exactly_what_its_pages_call() {
    let commands = contract_commands();
    assert!(commands.len() > 20, "read the contract: {commands:?}");
    let (customer, counter): (Vec<_>, Vec<_>) = ui_files()
        .into_iter()
        .partition(|f| f.ends_with("customer.js"));
    for (window, file, pages) in [
        ("main", "src-tauri/app/capabilities/counter.json", counter),
        (
            "customer",
            "src-tauri/app/capabilities/customer.json",
            customer,
        ),
    ] {
        let called = calls_in(&pages);
        let used: BTreeSet<String> = commands
            .iter()
            .filter(|(_, function, _)| called.contains(function))
            .map(|(name, _, _)| name.clone())
            .collect();
        let unknown: Vec<&String> = called
            .iter()
            .filter(|f| !commands.iter().any(|(_, function, _)| function == *f))
            .collect();
        assert!(
            unknown.is_empty(),
            "{window} pages call {unknown:?}, not in the contract"
        );
        let contract: BTreeSet<String> = commands
            .iter()
            .filter(|(_, _, windows)| windows.iter().any(|w| w == window))
            .map(|(name, _, _)| name.clone())
            .collect();
        assert_eq!(
            contract, used,
            "the contract's grants to {window} differ from what its pages call"
        );
        assert_eq!(
            granted(file, window),
            used,
            "{file} differs from what the {window} pages call"
        );
    }
    // Nothing beyond the app's own commands: not even the event plugin (the
    // app's events come over each window's own channel).
    for file in [
        "src-tauri/app/capabilities/counter.json",
        "src-tauri/app/capabilities/customer.json",
    ] {
        let capability: serde_json::Value = serde_json::from_str(&read(file)).unwrap();
        let core: Vec<&str> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p.as_str().filter(|p| !p.starts_with("allow-")))
            .collect();
        assert!(core.is_empty(), "{file} grants {core:?}");
    }
}

/// The web inspector is for developers: it is not compiled into the release
/// builds a shop runs (Tauri has it in debug builds only, unless asked).
#[test]
fn the_web_inspector_is_not_in_a_shop_build() {
    let manifest = read("Cargo.toml");
    let tauri_line = manifest
        .lines()
        .find(|l| l.starts_with("tauri = "))
        .unwrap();
    assert!(!tauri_line.contains("devtools"), "{tauri_line}");
    let conf: serde_json::Value = serde_json::from_str(&read("tauri.conf.json")).unwrap();
    for window in conf["app"]["windows"].as_array().unwrap() {
        assert_ne!(window["devtools"], serde_json::json!(true));
    }
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
        BTreeSet::from(["allow-customer-view", "allow-events-subscribe"])
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
