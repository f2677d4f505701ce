//! The contract between the UI and Rust, written once, in Rust: every
//! command (its arguments, its result, the windows that may call it), every
//! event, every error kind and every order reason. From it come
//! `ui/generated/contract.js` (what `ui/api.js` builds its calls from, with
//! JSDoc types) and the capability files that grant each window its
//! commands. `scripts/contract` writes them; a test fails while they are stale.

use cashier_core::reason::Reason;
use cashier_core::{CashierError, ErrorKind};
use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::{JsonSchema, Schema};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::future::Future;
use tauri::AppHandle;

type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

fn schema_of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// One command: its Rust function fixes the argument and result types (the
/// constructors below take the function itself, so a table that disagrees
/// with a signature does not compile).
pub struct CommandSpec {
    pub name: &'static str,
    pub windows: &'static [&'static str],
    args: SchemaFn,
    returns: SchemaFn,
    /// Takes a channel for the app's events instead of arguments.
    subscription: bool,
}

impl CommandSpec {
    pub fn sync<A, R, F>(name: &'static str, windows: &'static [&'static str], _f: F) -> Self
    where
        F: Fn(AppHandle, A) -> Result<R, CashierError>,
        A: JsonSchema + DeserializeOwned,
        R: JsonSchema + Serialize,
    {
        CommandSpec {
            name,
            windows,
            args: schema_of::<A>,
            returns: schema_of::<R>,
            subscription: false,
        }
    }

    /// The command a window opens its event channel with.
    pub fn subscription<F>(name: &'static str, windows: &'static [&'static str], _f: F) -> Self
    where
        F: Fn(
            tauri::Webview,
            tauri::ipc::Channel<crate::events::EventMessage>,
        ) -> Result<(), CashierError>,
    {
        CommandSpec {
            name,
            windows,
            args: schema_of::<crate::commands::NoArgs>,
            returns: schema_of::<()>,
            subscription: true,
        }
    }

    pub fn asynchronous<A, R, F, Fut>(
        name: &'static str,
        windows: &'static [&'static str],
        _f: F,
    ) -> Self
    where
        F: Fn(AppHandle, A) -> Fut,
        Fut: Future<Output = Result<R, CashierError>>,
        A: JsonSchema + DeserializeOwned,
        R: JsonSchema + Serialize,
    {
        CommandSpec {
            name,
            windows,
            args: schema_of::<A>,
            returns: schema_of::<R>,
            subscription: false,
        }
    }
}

pub struct EventSpec {
    pub name: &'static str,
    pub window: &'static str,
    payload: SchemaFn,
}

impl EventSpec {
    pub fn of<P: JsonSchema + Serialize>(name: &'static str, window: &'static str) -> Self {
        EventSpec {
            name,
            window,
            payload: schema_of::<P>,
        }
    }
}

/// The files the contract produces, relative to the repository root.
pub fn generated_files() -> Vec<(&'static str, String)> {
    let commands = crate::commands::specs();
    let events = crate::events::specs();
    let mut files = vec![("ui/generated/contract.js", render_js(&commands, &events))];
    for (window, file) in [
        (
            crate::events::COUNTER,
            "src-tauri/app/capabilities/counter.json",
        ),
        (
            crate::events::CUSTOMER,
            "src-tauri/app/capabilities/customer.json",
        ),
    ] {
        files.push((file, render_capability(window, &commands)));
    }
    files
}

/// `pay_start` -> `payStart`.
fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn js_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// A JSON Schema as a JSDoc type expression.
fn js_type(schema: &Value) -> String {
    let Some(obj) = schema.as_object() else {
        // `true`: anything.
        return "*".into();
    };
    if let Some(Value::String(r)) = obj.get("$ref") {
        let name = r.rsplit('/').next().unwrap_or("*").to_string();
        // A flattened struct beside its own fields (a tagged enum's variant).
        if obj.contains_key("properties") {
            return format!("{name} & {}", object_type(obj));
        }
        return name;
    }
    if let Some(c) = obj.get("const") {
        return c.to_string();
    }
    if let Some(Value::Array(values)) = obj.get("enum") {
        return values
            .iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join("|");
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(options)) = obj.get(key) {
            let mut parts: Vec<String> = options.iter().map(js_type).collect();
            parts.dedup();
            return parts
                .into_iter()
                .map(|p| if p.contains('&') { format!("({p})") } else { p })
                .collect::<Vec<_>>()
                .join("|");
        }
    }
    if let Some(Value::Array(parts)) = obj.get("allOf") {
        return parts.iter().map(js_type).collect::<Vec<_>>().join(" & ");
    }
    match obj.get("type") {
        Some(Value::Array(types)) => {
            let base: Vec<String> = types
                .iter()
                .map(|t| {
                    let mut one = obj.clone();
                    one.insert("type".into(), t.clone());
                    js_type(&Value::Object(one))
                })
                .collect();
            base.join("|")
        }
        Some(Value::String(t)) => match t.as_str() {
            "string" => "string".into(),
            "integer" | "number" => "number".into(),
            "boolean" => "boolean".into(),
            "null" => "null".into(),
            "array" => format!("Array<{}>", obj.get("items").map_or("*".into(), js_type)),
            "object" => object_type(obj),
            _ => "*".into(),
        },
        _ if obj.contains_key("properties") => object_type(obj),
        _ => "*".into(),
    }
}

fn object_type(obj: &serde_json::Map<String, Value>) -> String {
    let required: Vec<&str> = obj
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let fields: Vec<String> = obj
        .get("properties")
        .and_then(Value::as_object)
        .map(|props| {
            props
                .iter()
                .map(|(name, schema)| {
                    let optional = if required.contains(&name.as_str()) {
                        ""
                    } else {
                        "?"
                    };
                    format!("{name}{optional}: {}", js_type(schema))
                })
                .collect()
        })
        .unwrap_or_default();
    if fields.is_empty() {
        return match obj.get("additionalProperties") {
            Some(v @ Value::Object(_)) => format!("Object<string, {}>", js_type(v)),
            _ => "{}".into(),
        };
    }
    format!("{{ {} }}", fields.join(", "))
}

/// An argument may be left out when it can be null or has a default.
fn optional(schema: &Value, definitions: &serde_json::Map<String, Value>) -> bool {
    let Some(obj) = schema.as_object() else {
        return true;
    };
    if obj.contains_key("default") {
        return true;
    }
    let null = |v: &Value| v.as_str() == Some("null");
    match obj.get("type") {
        Some(Value::Array(types)) if types.iter().any(null) => return true,
        Some(t) if null(t) => return true,
        _ => {}
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(options)) = obj.get(key) {
            if options.iter().any(|o| optional(o, definitions)) {
                return true;
            }
        }
    }
    if let Some(Value::String(r)) = obj.get("$ref") {
        let name = r.rsplit('/').next().unwrap_or_default();
        return definitions
            .get(name)
            .is_some_and(|d| d.get("type").is_some_and(null));
    }
    false
}

fn definition<'a>(schema: &'a Value, definitions: &'a serde_json::Map<String, Value>) -> &'a Value {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| definitions.get(r.rsplit('/').next().unwrap_or_default()))
        .unwrap_or(schema)
}

fn doc_comment(out: &mut String, text: Option<&str>) {
    if let Some(text) = text.filter(|t| !t.trim().is_empty()) {
        out.push_str("/**\n");
        for line in text.lines() {
            let _ = writeln!(out, " * {}", line.trim_end());
        }
        out.push_str(" */\n");
    }
}

pub fn render_js(commands: &[CommandSpec], events: &[EventSpec]) -> String {
    // Results and events are what Rust sends, so Option fields are always
    // there (null at worst); arguments that may be null may be left out.
    let mut generator: SchemaGenerator = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator();
    let mut calls = Vec::new();
    for c in commands {
        let args = (c.args)(&mut generator).to_value();
        let returns = (c.returns)(&mut generator).to_value();
        calls.push((c, args, returns));
    }
    let payloads: Vec<(&EventSpec, Value)> = events
        .iter()
        .map(|e| (e, (e.payload)(&mut generator).to_value()))
        .collect();
    // Their typedefs, for screens that name them.
    schema_of::<Reason>(&mut generator);
    schema_of::<ErrorKind>(&mut generator);
    let definitions = generator.definitions().clone();

    let mut out = String::new();
    out.push_str(
        "// The contract between the UI and Rust, generated from the Rust types by\n\
         // src-tauri/app/contract.rs. Do not edit: run scripts/contract, and\n\
         // `cargo test -p cashier` fails while this file is stale.\n\n",
    );
    let sorted: BTreeMap<&String, &Value> = definitions.iter().collect();
    for (name, schema) in sorted {
        let description = schema.get("description").and_then(Value::as_str);
        doc_comment(&mut out, description);
        let _ = writeln!(out, "/** @typedef {{{}}} {name} */", js_type(schema));
    }
    out.push('\n');

    out.push_str(
        "/**\n * Every command: its function name in ui/api.js, its arguments (required or\n * optional), what it returns, and the windows that may call it.\n */\n",
    );
    out.push_str("export const COMMANDS = Object.freeze({\n");
    let mut api_type = Vec::new();
    for (c, args, returns) in &calls {
        let args_def = definition(args, &definitions);
        let props = args_def
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let arg_list: Vec<String> = props
            .iter()
            .map(|(name, schema)| {
                let need = if optional(schema, &definitions) {
                    "optional"
                } else {
                    "required"
                };
                format!("{name}: '{need}'")
            })
            .collect();
        let windows: Vec<String> = c.windows.iter().map(|w| format!("'{w}'")).collect();
        if c.subscription {
            let _ = writeln!(
                out,
                "  {}: Object.freeze({{ fn: '{}', channel: true, args: Object.freeze({{}}), returns: \"null\", windows: [{}] }}),",
                c.name,
                camel(c.name),
                windows.join(", ")
            );
            continue;
        }
        let _ = writeln!(
            out,
            "  {}: Object.freeze({{ fn: '{}', args: Object.freeze({{{}}}), returns: {}, windows: [{}] }}),",
            c.name,
            camel(c.name),
            if arg_list.is_empty() {
                String::new()
            } else {
                format!(" {} ", arg_list.join(", "))
            },
            js_string(&js_type(returns)),
            windows.join(", ")
        );
        api_type.push(format!(
            " *   {}: (args{}: {}) => Promise<{}>,",
            camel(c.name),
            if arg_list.iter().all(|a| a.ends_with("'optional'")) {
                "?"
            } else {
                ""
            },
            js_type(args),
            js_type(returns)
        ));
    }
    out.push_str("});\n\n");
    let _ = writeln!(
        out,
        "/**\n * The calls ui/api.js makes from COMMANDS.\n * @typedef {{{{\n{}\n * }}}} Api\n */\n",
        api_type.join("\n")
    );

    out.push_str("/** Every event: the window it goes to and its payload. */\n");
    out.push_str("export const EVENTS = Object.freeze({\n");
    for (e, payload) in &payloads {
        let _ = writeln!(
            out,
            "  {}: Object.freeze({{ window: '{}', payload: {} }}),",
            js_string(e.name),
            e.window,
            js_string(&js_type(payload))
        );
    }
    out.push_str("});\n\n");

    out.push_str(
        "/** Every error kind a command can fail with (ErrorView.kind). */\nexport const ERROR_KINDS = Object.freeze([\n",
    );
    for kind in ErrorKind::ALL {
        let _ = writeln!(out, "  '{kind}',");
    }
    out.push_str("]);\n\n");

    out.push_str(
        "/** Every reason an order can carry, with the status it explains. */\nexport const REASONS = Object.freeze({\n",
    );
    for reason in Reason::ALL {
        let explains = serde_json::to_value(reason.explains()).unwrap_or_default();
        let _ = writeln!(
            out,
            "  {}: '{}',",
            reason.code(),
            explains.as_str().unwrap_or_default()
        );
    }
    out.push_str("});\n");
    out
}

/// A window's capability: listening to events, and exactly the commands the
/// contract lets it call.
fn render_capability(window: &str, commands: &[CommandSpec]) -> String {
    let (identifier, description) = match window {
        crate::events::CUSTOMER => (
            "customer-display",
            "The customer window: it asks what to show and opens its event channel; nothing else (no payments, settings, files, windows or other events). Generated by src-tauri/app/contract.rs.",
        ),
        _ => (
            "counter",
            "The counter window: the app commands the UI calls, its events over its own channel; nothing else (no dialog, window, file, shell or event-plugin access from the webview). Generated by src-tauri/app/contract.rs.",
        ),
    };
    // No event plugin: the app's events come over the window's own channel.
    let mut permissions: Vec<String> = Vec::new();
    permissions.extend(
        commands
            .iter()
            .filter(|c| c.windows.contains(&window))
            .map(|c| format!("allow-{}", c.name.replace('_', "-"))),
    );
    let capability = serde_json::json!({
        "identifier": identifier,
        "description": description,
        "windows": [window],
        "permissions": permissions,
    });
    let mut text = serde_json::to_string_pretty(&capability).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn repo_root() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR"))
    }

    /// The generated files say what the Rust side says; with
    /// CASHIER_WRITE_CONTRACT=1 (scripts/contract) they are written instead.
    #[test]
    fn the_generated_contract_is_fresh() {
        let write = std::env::var_os("CASHIER_WRITE_CONTRACT").is_some();
        let mut stale = Vec::new();
        for (file, text) in generated_files() {
            let path = repo_root().join(file);
            if write {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).expect("folder for the generated file");
                }
                std::fs::write(&path, &text).expect("write the generated file");
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                stale.push(file);
            }
        }
        assert!(
            stale.is_empty(),
            "stale generated files {stale:?}: run scripts/contract and commit them"
        );
    }

    #[test]
    fn names_are_camel_cased_for_javascript() {
        assert_eq!(camel("pay_start"), "payStart");
        assert_eq!(camel("app_status"), "appStatus");
    }

    #[test]
    fn schemas_become_jsdoc_types() {
        let t = |v: Value| js_type(&v);
        assert_eq!(
            t(serde_json::json!({"type": ["string", "null"]})),
            "string|null"
        );
        assert_eq!(t(serde_json::json!({"enum": ["a", "b"]})), "\"a\"|\"b\"");
        assert_eq!(
            t(serde_json::json!({"type": "array", "items": {"$ref": "#/$defs/Order"}})),
            "Array<Order>"
        );
        assert_eq!(
            t(
                serde_json::json!({"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "boolean"}}, "required": ["a"]})
            ),
            "{ a: number, b?: boolean }"
        );
    }

    #[test]
    fn every_command_is_granted_to_some_window_and_the_customer_window_to_one() {
        let commands = crate::commands::specs();
        for c in &commands {
            assert!(!c.windows.is_empty(), "{} is granted to no window", c.name);
        }
        let customer: Vec<&str> = commands
            .iter()
            .filter(|c| c.windows.contains(&crate::events::CUSTOMER))
            .map(|c| c.name)
            .collect();
        assert_eq!(customer, ["customer_view", "events_subscribe"]);
    }
}
