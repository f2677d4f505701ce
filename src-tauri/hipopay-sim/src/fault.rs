//! Fault injection: make the next N requests to one endpoint misbehave.
//!
//! JSON form (for `POST /_sim/faults`), externally tagged, snake_case:
//! `{"method":"POST","path":"/order/scan_pay","fault":{"status":503},"times":1}`
//! with `fault` one of `{"status":503}`, `"drop_after_commit"`,
//! `{"delay_ms":1500}`, `"malformed"`,
//! `{"wechat555":{"code":"SYSTEMERROR","message":"system busy"}}`,
//! `{"status_after_commit":502}`, `"drop_before_commit"`, `"not_json"`,
//! `"wrong_shape"`, `{"page":{"status":404,"body":"<html>…","after_commit":false}}`,
//! `{"redirect":{"location":"http://…","after_commit":true}}`.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// What a matching request gets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// Answer this HTTP status (error envelope); nothing is recorded.
    Status(u16),
    /// Do the work (record the charge or refund), then close the connection unanswered.
    DropAfterCommit,
    /// Do the work and answer this much later.
    #[serde(rename = "delay_ms", with = "millis")]
    Delay(Duration),
    /// Do the work and answer 200 with truncated JSON.
    Malformed,
    /// Answer HTTP 555 with this WeChat error; nothing is recorded.
    #[serde(rename = "wechat555")]
    Wechat555 { code: String, message: String },
    /// Do the work, then answer this HTTP status (a gateway failing after
    /// the service behind it acted).
    StatusAfterCommit(u16),
    /// Close the connection unanswered without doing the work (lost on the way in).
    DropBeforeCommit,
    /// Do the work and answer 200 with a body that is not JSON (a proxy's HTML page).
    NotJson,
    /// Do the work and answer 200 with JSON of the wrong shape (fields missing
    /// or of the wrong type).
    WrongShape,
    /// Answer this status with this body, not HipoPay's envelope: what a
    /// proxy or a load balancer in between sends (an HTML 404, a huge page).
    /// With `after_commit` the work is done first.
    Page {
        status: u16,
        body: String,
        #[serde(default)]
        after_commit: bool,
    },
    /// Answer 302 to `location` (a redirect a client must not follow).
    Redirect {
        location: String,
        #[serde(default)]
        after_commit: bool,
    },
}

/// Applies `fault` to the next `times` requests matching `method` and `path`
/// (method case-insensitive, path exact, query string not part of it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    pub method: String,
    pub path: String,
    pub fault: Fault,
    #[serde(default = "one")]
    pub times: u32,
}

fn one() -> u32 {
    1
}

/// Pending rules, first added first used.
#[derive(Debug, Default)]
pub(crate) struct FaultList {
    rules: Vec<FaultRule>,
}

impl FaultList {
    pub fn add(&mut self, rule: FaultRule) {
        if rule.times > 0 {
            self.rules.push(rule);
        }
    }

    /// Consume one use of the first rule matching this request.
    pub fn take(&mut self, method: &str, path: &str) -> Option<Fault> {
        let idx = self
            .rules
            .iter()
            .position(|r| r.method.eq_ignore_ascii_case(method) && r.path == path)?;
        let rule = &mut self.rules[idx];
        let fault = rule.fault.clone();
        rule.times -= 1;
        if rule.times == 0 {
            self.rules.remove(idx);
        }
        Some(fault)
    }
}

mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_representation() {
        let cases = [
            (Fault::Status(503), r#"{"status":503}"#),
            (Fault::DropAfterCommit, r#""drop_after_commit""#),
            (
                Fault::Delay(Duration::from_millis(1500)),
                r#"{"delay_ms":1500}"#,
            ),
            (Fault::Malformed, r#""malformed""#),
            (
                Fault::StatusAfterCommit(502),
                r#"{"status_after_commit":502}"#,
            ),
            (Fault::DropBeforeCommit, r#""drop_before_commit""#),
            (Fault::NotJson, r#""not_json""#),
            (Fault::WrongShape, r#""wrong_shape""#),
            (
                Fault::Wechat555 {
                    code: "SYSTEMERROR".into(),
                    message: "busy".into(),
                },
                r#"{"wechat555":{"code":"SYSTEMERROR","message":"busy"}}"#,
            ),
        ];
        for (fault, json) in cases {
            assert_eq!(serde_json::to_string(&fault).unwrap(), json);
            assert_eq!(serde_json::from_str::<Fault>(json).unwrap(), fault);
        }
        let rule: FaultRule = serde_json::from_str(
            r#"{"method":"POST","path":"/order/scan_pay","fault":{"status":503}}"#,
        )
        .unwrap();
        assert_eq!(rule.times, 1);
    }

    #[test]
    fn rules_are_consumed() {
        let mut list = FaultList::default();
        list.add(FaultRule {
            method: "POST".into(),
            path: "/refund".into(),
            fault: Fault::Status(500),
            times: 2,
        });
        assert_eq!(list.take("GET", "/refund"), None);
        assert_eq!(list.take("post", "/refund"), Some(Fault::Status(500)));
        assert_eq!(list.take("POST", "/refund"), Some(Fault::Status(500)));
        assert_eq!(list.take("POST", "/refund"), None);
    }
}
