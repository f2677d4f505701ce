//! The signed HipoPay API: routing, authentication (in the order the real
//! service reports problems), fault injection, bookkeeping of requests.

use hyper::HeaderMap;

use crate::fault::Fault;
use crate::proto::{either, Delivery, Params, Reply, NOT_JSON_BODY, WRONG_SHAPE_BODY};
use crate::sign;
use crate::sim::Sim;
use crate::state::RequestRecord;
use crate::{alipay, statement, wechat, SimConfig};

type Handler = fn(&Sim, &Params) -> Result<Reply, Reply>;

/// (method, path, handler, param carrying the merchant order number on charges)
const ROUTES: &[(&str, &str, Handler, Option<&str>)] = &[
    (
        "POST",
        "/order/scan_pay",
        wechat::scan_pay,
        Some("agent_order_id"),
    ),
    (
        "POST",
        "/order/scanned_pay",
        wechat::scanned_pay,
        Some("agent_order_id"),
    ),
    ("GET", "/order", wechat::query_order, None),
    ("POST", "/refund", wechat::refund, None),
    ("GET", "/refund", wechat::query_refund, None),
    ("GET", "/rate", wechat::rate, None),
    (
        "POST",
        "/alipay/scan_pay",
        alipay::scan_pay,
        Some("out_order_no"),
    ),
    (
        "POST",
        "/alipay/qrcode_pay",
        alipay::qrcode_pay,
        Some("out_order_no"),
    ),
    ("GET", "/alipay/order", alipay::query_order, None),
    ("POST", "/alipay/refund", alipay::refund, None),
    ("GET", "/alipay/refund", alipay::query_refund, None),
    ("GET", "/alipay/rate", alipay::rate, None),
    ("GET", "/download_bill", statement::download_bill, None),
];

/// One API request as read off the wire.
pub(crate) struct ApiRequest<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub headers: &'a HeaderMap,
    /// Decoded params: the query string (GET) or the form body (POST).
    pub pairs: &'a [(String, String)],
    /// False for a POST whose body is not `application/x-www-form-urlencoded`.
    pub form_encoded: bool,
}

/// Answer one API request and log it.
pub(crate) fn handle(sim: &Sim, req: &ApiRequest) -> Reply {
    let route = ROUTES
        .iter()
        .find(|(m, p, _, _)| *m == req.method && *p == req.path);
    if let Some((_, _, _, Some(key))) = route {
        // Counted before any check: the test asks "how many charges went on
        // the wire for this order", rejected ones included.
        if let Some((_, v)) = req.pairs.iter().find(|(k, _)| k == key) {
            sim.count_charge(v);
        }
    }
    let reply = either(answer(sim, req, route.map(|r| r.2)));
    sim.log_request(RequestRecord {
        method: req.method.to_string(),
        path: req.path.to_string(),
        status: match reply.delivery {
            Delivery::Drop => None,
            Delivery::Malformed => Some(200),
            Delivery::Raw(status, _) => Some(status),
            _ => Some(reply.status),
        },
        params: req.pairs.iter().cloned().collect(),
    });
    reply
}

fn answer(sim: &Sim, req: &ApiRequest, handler: Option<Handler>) -> Result<Reply, Reply> {
    let Some(handler) = handler else {
        return Err(if ROUTES.iter().any(|(_, p, _, _)| *p == req.path) {
            Reply::error(
                405,
                format!("method {} not allowed on {}", req.method, req.path),
            )
        } else {
            Reply::not_found(format!("no such endpoint: {}", req.path))
        });
    };
    let now = chrono::Utc::now()
        .timestamp()
        .saturating_add(sim.config.clock_offset_secs);
    authenticate(&sim.config, req, now)?;
    let params = Params::from_pairs(req.pairs)?;
    if let Some(m) = params.opt("merchant_no") {
        if m != sim.config.merchant_no {
            return Err(Reply::error(
                403,
                format!("merchant {m:?} is not served by this agent"),
            ));
        }
    }
    let fault = sim.take_fault(req.method, req.path);
    let delivery = match fault {
        None => None,
        Some(Fault::Status(code)) => {
            let code = if (100..=999).contains(&code) {
                code
            } else {
                500
            };
            return Err(Reply::error(code, format!("injected fault: HTTP {code}")));
        }
        Some(Fault::Wechat555 { code, message }) => return Err(Reply::wechat555(&code, &message)),
        Some(Fault::DropAfterCommit) => Some(Delivery::Drop),
        Some(Fault::Delay(d)) => Some(Delivery::Delay(d)),
        Some(Fault::Malformed) => Some(Delivery::Malformed),
        Some(Fault::DropBeforeCommit) => {
            return Err(Reply::error(502, "dropped before it arrived").with_delivery(Delivery::Drop))
        }
        Some(Fault::StatusAfterCommit(code)) => {
            let code = if (100..=999).contains(&code) {
                code
            } else {
                500
            };
            let body = Reply::error(code, format!("injected fault after commit: HTTP {code}"));
            Some(Delivery::Raw(code, body.body.to_string()))
        }
        Some(Fault::NotJson) => Some(Delivery::Raw(200, NOT_JSON_BODY.to_string())),
        Some(Fault::WrongShape) => Some(Delivery::Raw(200, WRONG_SHAPE_BODY.to_string())),
        Some(Fault::Page {
            status,
            body,
            after_commit,
        }) => {
            let delivery = Delivery::Raw(status, body);
            if !after_commit {
                return Err(Reply::error(status, "a page").with_delivery(delivery));
            }
            Some(delivery)
        }
        Some(Fault::Redirect {
            location,
            after_commit,
        }) => {
            let delivery = Delivery::Redirect(location);
            if !after_commit {
                return Err(Reply::error(302, "moved").with_delivery(delivery));
            }
            Some(delivery)
        }
    };
    let reply = either(handler(sim, &params));
    Ok(match delivery {
        Some(d) => reply.with_delivery(d),
        None => reply,
    })
}

/// Header checks, then the signature, each with the status HipoPay uses.
fn authenticate(cfg: &SimConfig, req: &ApiRequest, now: i64) -> Result<(), Reply> {
    let header = |name: &str| req.headers.get(name).and_then(|v| v.to_str().ok());
    if header("AgentNo") != Some(cfg.agent_no.as_str()) {
        return Err(Reply::error(401, "unknown or missing AgentNo header"));
    }
    if header("Version") != Some("1.0") {
        return Err(Reply::bad_request("Version header must be 1.0"));
    }
    let ts_text = header("Timestamp").unwrap_or("");
    // Integer Unix seconds only: a float like Python's str(time.time()) is refused.
    let ts = if !ts_text.is_empty()
        && ts_text.len() <= 15
        && ts_text.bytes().all(|b| b.is_ascii_digit())
    {
        ts_text.parse::<i64>().ok()
    } else {
        None
    };
    let Some(ts) = ts else {
        return Err(Reply::bad_request(
            "Timestamp header must be an integer of Unix seconds",
        ));
    };
    let skew = now.abs_diff(ts);
    if skew > cfg.clock_tolerance_secs.max(0).unsigned_abs() {
        return Err(Reply::error(
            411,
            format!(
                "Timestamp is {skew} s away from server time (allowed {} s); check the clock",
                cfg.clock_tolerance_secs
            ),
        ));
    }
    if !req.form_encoded {
        return Err(Reply::bad_request(
            "POST body must be application/x-www-form-urlencoded",
        ));
    }
    let Some(signature) = header("Signature") else {
        return Err(Reply::error(401, "missing Signature header"));
    };
    let message = sign::string_to_sign(req.pairs, ts_text);
    if !sign::verify(&cfg.agent_public_key, &message, signature) {
        return Err(Reply::error(401, "signature verification failed"));
    }
    Ok(())
}
