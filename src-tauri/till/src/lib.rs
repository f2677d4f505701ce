//! A till, put together: the config read, the ledger opened and the engine
//! connected to its acquirer, which is live HipoPay as `[hipopay]` says or,
//! without that section, the built-in sandbox (demo mode). The desktop app
//! and `cashier-cli` both start here; the core never links the sandbox.

mod demo;

pub use demo::{Demo, DEMO_AGENT_NO, DEMO_CUSTOMER_PAYS_AFTER, DEMO_MERCHANT_NO};

use cashier_core::config::Config;
use cashier_core::engine::Engine;
use cashier_core::paths::Paths;
use cashier_core::runtime::{self, Acquirer};
use cashier_core::CashierError;
use std::sync::Arc;

/// A running till: its engine, the config it was started with, and the
/// sandbox when in demo mode.
pub struct Till {
    pub engine: Arc<Engine>,
    pub config: Config,
    /// Shared, so a new config that stays in demo mode keeps the sandbox
    /// (one sandbox per state file).
    pub demo: Option<Arc<Demo>>,
}

impl Till {
    /// Opens the ledger and connects the engine. `running_demo` is a sandbox
    /// already running in this process, kept when the config is still demo.
    pub async fn open(
        config: Config,
        paths: &Paths,
        running_demo: Option<Arc<Demo>>,
    ) -> Result<Till, CashierError> {
        let (acquirer, demo) = match &config.hipopay {
            Some(live) => (Acquirer::live(live)?, None),
            None => {
                let demo = match running_demo {
                    Some(d) => d,
                    None => Arc::new(Demo::start(&paths.data_dir).await?),
                };
                (demo.acquirer(), Some(demo))
            }
        };
        let engine = runtime::engine(&config, &paths.db_file, acquirer)?;
        Ok(Till {
            engine: Arc::new(engine),
            config,
            demo,
        })
    }

    /// The same engine under a config that changed nothing about payments
    /// (language, sounds, scanner, the customer display).
    pub fn with_config(&self, config: Config) -> Till {
        Till {
            engine: self.engine.clone(),
            config,
            demo: self.demo.clone(),
        }
    }

    pub fn is_demo(&self) -> bool {
        self.demo.is_some()
    }
}
