//! A till, put together: the config read, the ledger opened and the engine
//! connected to its acquirer, which is live HipoPay as `[hipopay]` says or,
//! without that section, the built-in sandbox (demo mode). The desktop app
//! and `cashier-cli` both start here; the core never links the sandbox.

mod demo;
mod printing;
pub mod push_loop;
mod store;

pub use demo::{Demo, DEMO_AGENT_NO, DEMO_CUSTOMER_PAYS_AFTER, DEMO_MERCHANT_NO};
pub use printing::PrinterStatus;
pub use store::StoreDay;

use cashier_central::Central;
use cashier_core::config::Config;
use cashier_core::engine::Engine;
use cashier_core::ledger::sync::SyncState;
use cashier_core::paths::Paths;
use cashier_core::runtime::{self, Acquirer};
use cashier_core::CashierError;
use std::sync::Arc;

/// A running till: its engine, the config it was started with, the
/// sandbox when in demo mode, and the central books when it keeps them.
pub struct Till {
    pub engine: Arc<Engine>,
    pub config: Config,
    /// `[central]`, for a live till: changes are queued for it from now on.
    /// (Demo payments are never the shop's books.)
    pub central: Option<Arc<Central>>,
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
        let engine = Arc::new(runtime::engine(&config, &paths.db_file, acquirer)?);
        // Slips queue themselves (in the ledger, with the sale) only while
        // this till has a printer that prints by itself.
        engine
            .ledger()
            .set_auto_print(config.printer.as_ref().is_some_and(|p| p.auto_print))?;
        let central = match (&config.central, &demo) {
            (Some(central), None) => {
                let counter = engine.settings().counter.to_string();
                engine.ledger().enable_sync(&counter)?;
                let link = Arc::new(Central::new(
                    central,
                    Arc::clone(engine.ledger()),
                    &counter,
                    &engine.settings().books,
                )?);
                engine.link_central(link.clone());
                Some(link)
            }
            _ => None,
        };
        Ok(Till {
            engine,
            config,
            demo,
            central,
        })
    }

    /// The same engine under a config that changed nothing about payments
    /// (language, sounds, scanner, the customer display).
    pub fn with_config(&self, config: Config) -> Till {
        Till {
            engine: self.engine.clone(),
            config,
            demo: self.demo.clone(),
            central: self.central.clone(),
        }
    }

    pub fn is_demo(&self) -> bool {
        self.demo.is_some()
    }

    /// This till's pushing to the central books, when it keeps them.
    pub fn books_sync(&self) -> Result<Option<SyncState>, CashierError> {
        match &self.central {
            Some(central) => Ok(Some(central.ledger().sync_state()?)),
            None => Ok(None),
        }
    }

    /// Pushes what is queued for the central books (and pulls the shared
    /// staff), when the till keeps them. A failure stays queued and is
    /// written down in the ledger's sync state for the header to show; the
    /// caller only needs the state after it.
    pub async fn push_central(&self) -> Result<Option<SyncState>, CashierError> {
        if let Some(central) = &self.central {
            if let Err(e) = central.push().await {
                if !e.is_unreachable() {
                    // Recorded by the push as well; the books go on
                    // pushing what they can next time.
                    eprintln!("cashier: central books: {e}");
                }
            }
        }
        self.books_sync()
    }
}
