//! The acquirer's books: orders, refunds, used payment codes; persisted
//! atomically so a demo survives process restarts and `kill -9`.

use std::collections::{BTreeSet, HashMap};
use std::fs::{self, File};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, FixedOffset, Utc};
use rand::Rng as _;
use serde::{Deserialize, Serialize};

use crate::{SimConfig, SimError};

pub(crate) const INIT: &str = "INIT";
pub(crate) const PAID: &str = "PAID";
pub(crate) const FAIL: &str = "FAIL";
pub(crate) const EXPIRED: &str = "EXPIRED";

/// One payment order as the acquirer sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimOrder {
    /// "wechat" or "alipay".
    pub wallet: String,
    /// HipoPay's number (`no` on WeChat, `payment_no` on Alipay).
    pub payment_no: String,
    /// The merchant's number (`agent_order_id` on WeChat, `out_order_no` on Alipay).
    pub merchant_order_no: String,
    /// INIT, PAID, FAIL or EXPIRED.
    pub status: String,
    pub amount_minor: i64,
    pub currency: String,
    pub refunded_minor: i64,
    /// Scan payments: the customer's payment code.
    pub auth_code: Option<String>,
    /// QR payments: the payload to render (`code_url` / `qrcode`).
    pub qr_payload: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Why a FAIL order failed (wallet's code), when known.
    #[serde(default)]
    pub fail_reason: Option<String>,
    /// `product_info` (WeChat) or `subject` (Alipay).
    #[serde(default)]
    pub description: String,
    /// Terminal IP sent with WeChat orders.
    #[serde(default)]
    pub ip: String,
    /// `device_info` sent with WeChat orders (which counter took it).
    #[serde(default)]
    pub device_info: String,
    /// Scripted final status (scenarios 102/109/110), reached on the query
    /// after `init_queries_before_paid` queries.
    #[serde(default)]
    pub then_status: Option<String>,
    /// How many times the order was queried.
    #[serde(default)]
    pub queries: u32,
}

/// One refund. Refunds in the sim always succeed at once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimRefund {
    pub wallet: String,
    pub refund_no: String,
    pub payment_no: String,
    pub merchant_order_no: String,
    /// Empty when the WeChat client sent none.
    pub outer_refund_no: String,
    pub amount_minor: i64,
    pub currency: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
}

/// One API request as the sim answered it (control endpoints are not logged).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRecord {
    pub method: String,
    pub path: String,
    /// The HTTP status answered; `None` when the connection was dropped.
    pub status: Option<u16>,
    pub params: HashMap<String, String>,
}

impl SimOrder {
    pub(crate) fn is_qr(&self) -> bool {
        self.qr_payload.is_some()
    }

    pub(crate) fn refundable_minor(&self) -> i64 {
        if self.status == PAID {
            self.amount_minor - self.refunded_minor
        } else {
            0
        }
    }

    /// The document spells "no refund" as `None`.
    pub(crate) fn refund_status(&self) -> &'static str {
        if self.refunded_minor == 0 {
            "None"
        } else if self.refunded_minor < self.amount_minor {
            "PART"
        } else {
            "FULL"
        }
    }

    /// Time-driven changes of a QR order, evaluated lazily whenever state is
    /// read, so they also apply to orders created by an earlier process.
    fn settle(&mut self, cfg: &SimConfig, now: DateTime<Utc>) -> bool {
        if self.status != INIT || !self.is_qr() {
            return false;
        }
        let age = (now - self.created_at).to_std().unwrap_or(Duration::ZERO);
        let pays_first = cfg.customer_pays_qr_after.filter(|d| *d <= cfg.qr_expiry);
        self.status = match pays_first {
            Some(after) if age >= after => PAID,
            _ if age >= cfg.qr_expiry => EXPIRED,
            _ => return false,
        }
        .to_string();
        true
    }

    /// Count a query; on the query after the scripted number, move to the final status.
    pub(crate) fn record_query(&mut self, init_queries: u32) {
        if self.status == INIT && self.queries >= init_queries {
            if let Some(then) = self.then_status.take() {
                if then == FAIL {
                    self.fail_reason = Some("USER_CANCELLED".to_string());
                }
                self.status = then;
            }
        }
        self.queries = self.queries.saturating_add(1);
    }
}

/// Wall-clock time as HipoPay prints it (China Standard Time, UTC+8).
pub(crate) fn trade_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&cst())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// HipoPay's time: UTC+8.
pub(crate) fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is within the valid offset range")
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct State {
    #[serde(default)]
    pub orders: Vec<SimOrder>,
    #[serde(default)]
    pub refunds: Vec<SimRefund>,
    /// Payment codes consumed by a recorded charge; a code pays once.
    #[serde(default)]
    pub used_codes: BTreeSet<String>,
    /// Set by every mutation; the owner saves and clears it.
    #[serde(skip)]
    pub dirty: bool,
}

impl State {
    /// Missing file: empty books. Unreadable or corrupt file: an error, never
    /// a silent reset (that would make paid orders vanish in a demo).
    pub fn load(path: &Path) -> Result<State, SimError> {
        let bytes = match fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(State::default()),
            Err(e) => {
                return Err(SimError::StateFile {
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                })
            }
        };
        serde_json::from_slice(&bytes).map_err(|e| SimError::StateFile {
            path: path.to_path_buf(),
            reason: format!("not a valid state file: {e}"),
        })
    }

    /// Write-temp, fsync, rename: a crash leaves either the old or the new file.
    pub fn save(&self, path: &Path) -> io::Result<()> {
        static SEQ: AtomicU64 = AtomicU64::new(0);
        let json = serde_json::to_vec_pretty(self).map_err(io::Error::other)?;
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "state".to_string());
        let seq = SEQ.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.{}.{seq}.tmp", std::process::id()));
        let result = (|| {
            let mut f = File::create(&tmp)?;
            f.write_all(&json)?;
            f.sync_all()?;
            fs::rename(&tmp, path)
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result?;
        // Persist the rename itself (the directory entry); best effort, Unix only.
        #[cfg(unix)]
        if let Ok(d) = File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    pub fn settle(&mut self, cfg: &SimConfig, now: DateTime<Utc>) {
        let mut changed = false;
        for o in &mut self.orders {
            changed |= o.settle(cfg, now);
        }
        self.dirty |= changed;
    }

    /// A 25-digit number, `yyyymmddHHMMSS` (UTC+8) + 11 random digits, unused so far.
    pub fn new_number(&self, now: DateTime<Utc>) -> String {
        let prefix = now.with_timezone(&cst()).format("%Y%m%d%H%M%S").to_string();
        let mut rng = rand::thread_rng();
        loop {
            let n = format!("{prefix}{:011}", rng.gen_range(0..100_000_000_000_u64));
            let taken = self.orders.iter().any(|o| o.payment_no == n)
                || self.refunds.iter().any(|r| r.refund_no == n);
            if !taken {
                return n;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_25_digits() {
        let n = State::default().new_number(Utc::now());
        assert_eq!(n.len(), 25);
        assert!(n.bytes().all(|b| b.is_ascii_digit()));
    }
}
