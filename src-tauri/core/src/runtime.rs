//! Wiring: from a config to a ready engine, live or demo.

use crate::config::Config;
use crate::demo::{self, Demo};
use crate::engine::{Engine, EngineSettings};
use crate::error::CashierError;
use crate::hipopay::{ClientConfig, HipoPayClient, Signer};
use crate::ledger::Ledger;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub struct Runtime {
    pub engine: Arc<Engine>,
    /// The in-process sandbox, when running in demo mode (shared, so a new
    /// config that keeps demo mode keeps the same sandbox running).
    pub demo: Option<Arc<Demo>>,
    pub config: Config,
}

impl Runtime {
    /// Opens the ledger and connects the engine: to HipoPay as configured, or
    /// to the built-in sandbox when the config has no `[hipopay]` section.
    pub async fn start(
        config: Config,
        db_path: &Path,
        data_dir: &Path,
    ) -> Result<Runtime, CashierError> {
        Self::start_reusing(config, db_path, data_dir, None).await
    }

    /// Like `start`, but keeps an already running demo sandbox (one sandbox
    /// per state file) when the new config is still demo mode.
    pub async fn start_reusing(
        config: Config,
        db_path: &Path,
        data_dir: &Path,
        running_demo: Option<Arc<Demo>>,
    ) -> Result<Runtime, CashierError> {
        let (client_config, signer, demo) = match &config.hipopay {
            Some(h) => {
                let signer = Signer::from_pem_file(&h.private_key_file)?;
                let mut cc = ClientConfig::new(&h.base_url, &h.agent_no, &h.merchant_no);
                if let Some(secs) = h.timeout_secs {
                    cc.timeout = Duration::from_secs(secs.max(1));
                }
                (cc, signer, None)
            }
            None => {
                let demo = match running_demo {
                    Some(d) => d,
                    None => Arc::new(demo::start(data_dir).await?),
                };
                (demo.client_config.clone(), demo.signer.clone(), Some(demo))
            }
        };
        let ip = config
            .terminal
            .ip
            .clone()
            .unwrap_or_else(|| detect_ip(&client_config.base_url));
        let client = HipoPayClient::new(client_config, signer)?;
        let mut settings = EngineSettings::new(config.terminal.currency, &ip);
        settings.acquirer = config.acquirer_key();
        if let Some(ms) = config.terminal.poll_interval_ms {
            settings.poll_interval = Duration::from_millis(ms);
        }
        let ledger = Arc::new(Ledger::open(db_path)?);
        Ok(Runtime {
            engine: Arc::new(Engine::new(ledger, client, settings)),
            demo,
            config,
        })
    }
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
