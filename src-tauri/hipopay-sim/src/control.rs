//! Unsigned `/_sim/*` control endpoints for the binary and end-to-end tests.
//! Plain JSON, no HipoPay envelope: these are not part of the acquirer API.

use serde::Deserialize;
use serde_json::{json, Value};

use crate::fault::FaultRule;
use crate::sim::Sim;
use crate::SimError;

#[derive(Deserialize)]
struct PayBody {
    merchant_order_no: String,
}

/// Returns the HTTP status and the JSON body.
pub(crate) fn handle(sim: &Sim, method: &str, path: &str, body: &[u8]) -> (u16, Value) {
    match (method, path) {
        ("POST", "/_sim/faults") => match serde_json::from_slice::<FaultRule>(body) {
            Ok(rule) => {
                if let crate::Fault::Status(code) | crate::Fault::StatusAfterCommit(code) =
                    rule.fault
                {
                    if !(100..=999).contains(&code) {
                        return (
                            400,
                            json!({ "error": format!("invalid HTTP status {code}") }),
                        );
                    }
                }
                sim.add_fault(rule);
                (200, json!({ "ok": true }))
            }
            Err(e) => (400, json!({ "error": format!("invalid fault rule: {e}") })),
        },
        ("POST", "/_sim/pay") => match serde_json::from_slice::<PayBody>(body) {
            Ok(b) => match sim.customer_pays(&b.merchant_order_no) {
                Ok(()) => (200, json!({ "ok": true })),
                Err(e @ SimError::UnknownOrder(_)) => (404, json!({ "error": e.to_string() })),
                Err(e @ SimError::NotPayable { .. }) => (409, json!({ "error": e.to_string() })),
                Err(e) => (500, json!({ "error": e.to_string() })),
            },
            Err(e) => (
                400,
                json!({ "error": format!("expected {{\"merchant_order_no\":...}}: {e}") }),
            ),
        },
        ("GET", "/_sim/orders") => (200, to_json(&sim.orders())),
        ("GET", "/_sim/refunds") => (200, to_json(&sim.refunds())),
        ("GET", "/_sim/requests") => (200, to_json(&sim.requests())),
        _ => (
            404,
            json!({ "error": format!("no control endpoint {method} {path}") }),
        ),
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or_else(|e| json!({ "error": e.to_string() }))
}
