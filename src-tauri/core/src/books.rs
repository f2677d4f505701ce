//! Whose books a shift (and every order and refund in it) belongs to: the
//! built-in sandbox, or one live HipoPay merchant. Demo and live payments, or
//! two merchants' payments, never share a shift, and reconciliation only ever
//! asks the acquirer an order went to.
//!
//! The ledger stores the key as text (`"demo"`,
//! `"live:<agent>:<merchant>@<host>"`, `"live:<agent>:<merchant>"` from
//! before the host was kept, or `""` from before books were kept); this is
//! the one place that text is written and read.

use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Books {
    /// A record from before books were kept (ledger version 2), or an engine
    /// built by hand for tests: it may belong to any acquirer.
    #[default]
    Unrecorded,
    /// The built-in sandbox: no money moves.
    Demo,
    /// One HipoPay agent and merchant at one API host (HipoPay's test and
    /// production hosts keep different books). `host` is none for shifts
    /// from before the host was kept.
    Live {
        agent_no: String,
        merchant_no: String,
        host: Option<String>,
    },
    /// A key this version does not know (written by a newer one): it matches
    /// only itself, so nothing is ever sent for it to the wrong acquirer.
    Other(String),
}

/// Demo or live, as orders and reports show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Demo,
    Live,
}

const DEMO: &str = "demo";
const LIVE: &str = "live";

impl Books {
    /// A live merchant at the host of `base_url`.
    pub fn live(agent_no: &str, merchant_no: &str, base_url: &str) -> Books {
        Books::Live {
            agent_no: agent_no.trim().to_string(),
            merchant_no: merchant_no.trim().to_string(),
            host: host_of(base_url),
        }
    }

    /// Reads a key as the ledger stores it.
    pub fn parse(key: &str) -> Books {
        if key.is_empty() {
            return Books::Unrecorded;
        }
        if key == DEMO {
            return Books::Demo;
        }
        let (names, host) = match key.rsplit_once('@') {
            Some((names, host)) if !host.is_empty() => (names, Some(host.to_string())),
            Some(_) => return Books::Other(key.to_string()),
            None => (key, None),
        };
        let mut parts = names.splitn(3, ':');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(LIVE), Some(agent), Some(merchant))
                if !agent.is_empty() && !merchant.is_empty() && !merchant.contains(':') =>
            {
                Books::Live {
                    agent_no: agent.to_string(),
                    merchant_no: merchant.to_string(),
                    host,
                }
            }
            _ => Books::Other(key.to_string()),
        }
    }

    /// The key as the ledger stores it.
    pub fn key(&self) -> String {
        match self {
            Books::Unrecorded => String::new(),
            Books::Demo => DEMO.to_string(),
            Books::Live {
                agent_no,
                merchant_no,
                host: Some(host),
            } => format!("{LIVE}:{agent_no}:{merchant_no}@{host}"),
            Books::Live {
                agent_no,
                merchant_no,
                host: None,
            } => format!("{LIVE}:{agent_no}:{merchant_no}"),
            Books::Other(key) => key.clone(),
        }
    }

    /// Demo or live; none for a record from before books were kept.
    pub fn mode(&self) -> Option<Mode> {
        match self {
            Books::Unrecorded => None,
            Books::Demo => Some(Mode::Demo),
            Books::Live { .. } | Books::Other(_) => Some(Mode::Live),
        }
    }

    pub fn is_recorded(&self) -> bool {
        *self != Books::Unrecorded
    }

    /// Whether two records may share books: equal, or one of them from
    /// before books (or the host) were kept, taken to belong to any.
    pub fn same_as(&self, other: &Books) -> bool {
        match (self, other) {
            (Books::Unrecorded, _) | (_, Books::Unrecorded) => true,
            (
                Books::Live {
                    agent_no: a1,
                    merchant_no: m1,
                    host: h1,
                },
                Books::Live {
                    agent_no: a2,
                    merchant_no: m2,
                    host: h2,
                },
            ) => a1 == a2 && m1 == m2 && (h1.is_none() || h2.is_none() || h1 == h2),
            _ => self == other,
        }
    }

    /// Whether HipoPay's "no such order" can be trusted for a record in
    /// these books: only when the record says which acquirer and which host
    /// it went to (another host's "not found" proves nothing about it).
    pub fn names_its_acquirer(&self) -> bool {
        matches!(self, Books::Demo | Books::Live { host: Some(_), .. })
    }

    /// In words, for messages: "demo mode (the built-in sandbox)".
    pub fn describe(&self) -> String {
        match self {
            Books::Demo => "demo mode (the built-in sandbox)".into(),
            // The host too: two hosts' books differ only there, and a
            // message naming the merchant twice would not say why.
            Books::Live {
                merchant_no,
                host: Some(host),
                ..
            } => format!("HipoPay merchant {merchant_no} at {host}"),
            Books::Live { merchant_no, .. } => format!("HipoPay merchant {merchant_no}"),
            Books::Unrecorded | Books::Other(_) => "another acquirer account".into(),
        }
    }
}

/// `https://api.example:8443/v1` -> `api.example:8443` (lower case).
fn host_of(base_url: &str) -> Option<String> {
    let url = url::Url::parse(base_url.trim()).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

impl fmt::Display for Books {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// JSON carries the stored key (`"demo"`, `"live:A:M"`, `""`).
impl Serialize for Books {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.key())
    }
}

impl JsonSchema for Books {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Books".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        String::json_schema(generator)
    }
}

impl ToSql for Books {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.key()))
    }
}

impl FromSql for Books {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value {
            ValueRef::Null => Ok(Books::Unrecorded),
            other => String::column_result(other).map(|s| Books::parse(&s)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_the_ledger_text() {
        for books in [
            Books::Unrecorded,
            Books::Demo,
            Books::live("A1", "M1", "https://api.example"),
            Books::parse("live:A1:M1"),
            Books::Other("sandbox2:x".into()),
        ] {
            assert_eq!(Books::parse(&books.key()), books, "{books:?}");
        }
        assert_eq!(Books::parse("live:A:M").key(), "live:A:M");
        assert_eq!(
            Books::live(" A ", " M ", "https://API.example:8443/v1").key(),
            "live:A:M@api.example:8443"
        );
    }

    #[test]
    fn malformed_keys_match_only_themselves() {
        for odd in [
            "live",
            "live:",
            "live:A",
            "live::M",
            "live:A:M:X",
            "LIVE:A:M",
            "live:A:M@",
        ] {
            let books = Books::parse(odd);
            assert!(matches!(books, Books::Other(_)), "{odd}: {books:?}");
            assert!(!books.same_as(&Books::live("A", "M", "https://h")), "{odd}");
            assert!(books.same_as(&Books::parse(odd)), "{odd}");
        }
    }

    #[test]
    fn unrecorded_books_belong_to_any_and_the_rest_only_to_themselves() {
        let demo = Books::Demo;
        let live = Books::live("A", "M", "https://h1");
        assert!(Books::Unrecorded.same_as(&demo) && live.same_as(&Books::Unrecorded));
        assert!(!demo.same_as(&live));
        assert!(!live.same_as(&Books::live("A", "M2", "https://h1")));
        // HipoPay's test and production hosts keep different books.
        assert!(!live.same_as(&Books::live("A", "M", "https://h2")));
        // A shift from before the host was kept goes with either.
        assert!(Books::parse("live:A:M").same_as(&live));
        assert!(live.names_its_acquirer() && demo.names_its_acquirer());
        assert!(!Books::parse("live:A:M").names_its_acquirer());
        assert!(!Books::Unrecorded.names_its_acquirer());
        assert_eq!(demo.mode(), Some(Mode::Demo));
        assert_eq!(live.mode(), Some(Mode::Live));
        assert_eq!(Books::Unrecorded.mode(), None);
        assert_eq!(live.describe(), "HipoPay merchant M at h1");
        assert_eq!(Books::parse("live:A:M").describe(), "HipoPay merchant M");
    }
}
