//! From a config and an acquirer to a ready engine: the core's half of
//! putting a till together. Which acquirer, live HipoPay or the built-in
//! sandbox, is chosen where a process is assembled (`cashier-till`): the core
//! only ever gets an address, a key and the books they keep.

use crate::books::Books;
use crate::config::{Config, HipoPayConfig};
use crate::engine::{Engine, EngineSettings};
use crate::error::CashierError;
use crate::hipopay::{ClientConfig, HipoPayClient, Signer};
use crate::ledger::Ledger;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// Where payments go: HipoPay's address and agent, the merchant's signing
/// key, and whose books they are.
#[derive(Debug, Clone)]
pub struct Acquirer {
    pub client: ClientConfig,
    pub signer: Signer,
    pub books: Books,
}

impl Acquirer {
    /// Live HipoPay, as the config's `[hipopay]` section says.
    pub fn live(h: &HipoPayConfig) -> Result<Acquirer, CashierError> {
        let signer = Signer::from_pem_file(&h.private_key_file)?;
        let mut client = ClientConfig::new(&h.base_url, &h.agent_no, &h.merchant_no);
        if let Some(secs) = h.timeout_secs {
            client.timeout = Duration::from_secs(secs.max(1));
        }
        Ok(Acquirer {
            client,
            signer,
            books: Books::live(&h.agent_no, &h.merchant_no, &h.base_url),
        })
    }
}

/// Opens the ledger and connects an engine to `acquirer` with the
/// terminal's settings from `config`.
pub fn engine(config: &Config, db_path: &Path, acquirer: Acquirer) -> Result<Engine, CashierError> {
    let ip = config
        .terminal
        .ip
        .clone()
        .unwrap_or_else(|| detect_ip(&acquirer.client.base_url));
    let mut settings = EngineSettings::new(config.terminal.currency, &ip);
    settings.books = acquirer.books;
    settings.counter = config.counter();
    if let Some(ms) = config.terminal.poll_interval_ms {
        settings.poll_interval = Duration::from_millis(ms);
    }
    let client = HipoPayClient::new(acquirer.client, acquirer.signer)?;
    let ledger = Arc::new(Ledger::open(db_path)?);
    Ok(Engine::new(ledger, client, settings))
}

/// The address this machine uses to reach the acquirer (no packet is sent:
/// connecting a UDP socket only picks the route).
fn detect_ip(base_url: &str) -> String {
    let host = base_url
        .split("://")
        .nth(1)
        .unwrap_or(base_url)
        .split('/')
        .next()
        .unwrap_or("");
    let target = if host.contains(':') {
        host.to_string()
    } else {
        format!("{host}:443")
    };
    let found = (|| {
        use std::net::ToSocketAddrs;
        let addr = target.to_socket_addrs().ok()?.next()?;
        let socket = std::net::UdpSocket::bind(if addr.is_ipv4() {
            "0.0.0.0:0"
        } else {
            "[::]:0"
        })
        .ok()?;
        socket.connect(addr).ok()?;
        Some(socket.local_addr().ok()?.ip().to_string())
    })();
    found.unwrap_or_else(|| "127.0.0.1".to_string())
}
