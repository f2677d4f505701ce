//! Protocol pieces shared by the handlers: request params in, HipoPay
//! envelopes (`{"meta":…,"data":…}`) out, and how an answer is delivered.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{json, Map, Value};

/// How the answer reaches the client. Everything but `Normal` is an
/// outcome the app must treat as "unknown", never "failed".
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Delivery {
    Normal,
    /// Close the connection without any HTTP response.
    Drop,
    /// Answer, but only after this long.
    Delay(Duration),
    /// Answer 200 with truncated JSON.
    Malformed,
    /// Answer exactly this status and body.
    Raw(u16, String),
    /// Answer 302 to this location (no body).
    Redirect(String),
    /// Answer 200 with this text file (`text/plain`), not JSON.
    Text(String),
}

/// A 200 that is not JSON at all: what a misconfigured proxy sends.
pub(crate) const NOT_JSON_BODY: &str =
    "<html><head><title>200 OK</title></head><body>Service gateway</body></html>";

/// Valid JSON in the envelope, but every field the client needs is missing
/// or of the wrong type.
pub(crate) const WRONG_SHAPE_BODY: &str = r#"{"meta":{"status_code":200,"message":"ok","success":true},"data":{"order":{"status":42,"amount":"twelve","currency":["HKD"]},"refund":[],"code_url":7,"qrcode":false}}"#;

/// The body a `Malformed` answer carries: the start of a real envelope, cut off.
pub(crate) const MALFORMED_BODY: &str = r#"{"meta": {"status_code": 200,"#;

#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub body: Value,
    pub delivery: Delivery,
}

impl Reply {
    /// 200 with `data` inside the standard envelope.
    pub fn ok(data: Value) -> Reply {
        let mut top = Map::new();
        top.insert("meta".into(), meta(200, "请求成功", true));
        top.insert("data".into(), data);
        Reply::raw(200, Value::Object(top))
    }

    /// A 200 whose payload sits next to `meta` under `key` (Alipay `/alipay/rate`).
    pub fn ok_top_level(key: &str, value: Value) -> Reply {
        let mut top = Map::new();
        top.insert("meta".into(), meta(200, "请求成功", true));
        top.insert(key.into(), value);
        Reply::raw(200, Value::Object(top))
    }

    /// An error in the same envelope, `success:false` and `"data":{}`.
    pub fn error(status: u16, message: impl Into<String>) -> Reply {
        let message = message.into();
        Reply::raw(
            status,
            json!({ "meta": meta(status, &message, false), "data": {} }),
        )
    }

    pub fn bad_request(message: impl Into<String>) -> Reply {
        Reply::error(400, message)
    }

    pub fn not_found(message: impl Into<String>) -> Reply {
        Reply::error(404, message)
    }

    /// WeChat error: HTTP 555 whose `message` is itself a JSON *string*.
    pub fn wechat555(code: &str, message: &str) -> Reply {
        let inner = json!({ "wx_code": code, "wx_message": message }).to_string();
        Reply::error(555, inner)
    }

    pub fn with_delivery(mut self, delivery: Delivery) -> Reply {
        self.delivery = delivery;
        self
    }

    fn raw(status: u16, body: Value) -> Reply {
        Reply {
            status,
            body,
            delivery: Delivery::Normal,
        }
    }
}

fn meta(status: u16, message: &str, success: bool) -> Value {
    json!({ "status_code": status, "message": message, "success": success })
}

/// Decoded request params (query string or form body), one value per key.
#[derive(Debug, Default)]
pub(crate) struct Params {
    map: HashMap<String, String>,
}

impl Params {
    /// A repeated key is refused: which copy the real service would use is
    /// unknown, so the sim makes the ambiguity visible instead of guessing.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Params, Reply> {
        let mut map = HashMap::with_capacity(pairs.len());
        for (k, v) in pairs {
            if map.insert(k.clone(), v.clone()).is_some() {
                return Err(Reply::bad_request(format!("parameter {k:?} given twice")));
            }
        }
        Ok(Params { map })
    }

    /// The value when present and non-empty.
    pub fn opt(&self, key: &str) -> Option<&str> {
        self.map
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A required, non-empty value, else 400.
    pub fn req(&self, key: &str) -> Result<&str, Reply> {
        self.opt(key)
            .ok_or_else(|| Reply::bad_request(format!("missing required parameter {key:?}")))
    }
}

/// Handlers use `Result<Reply, Reply>` so `?` can bail out with an error answer.
pub(crate) fn either(r: Result<Reply, Reply>) -> Reply {
    r.unwrap_or_else(|e| e)
}
