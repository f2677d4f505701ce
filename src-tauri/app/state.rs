//! The app's state: the running till (live or demo, swapped when settings
//! change) or why it could not start, the serial scanner, and what the
//! customer window shows.

use cashier_core::config::Config;
use cashier_core::customer_view::CustomerViewState;
use cashier_core::engine::Engine;
use cashier_core::paths::Paths;
use cashier_core::scanner::SerialScanner;
use cashier_core::{CashierError, ErrorKind};
use cashier_till::Till;
use schemars::JsonSchema;
use serde::Serialize;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

#[derive(Debug, Clone, Serialize, Default, JsonSchema)]
pub struct ScannerStatus {
    pub port: Option<String>,
    pub connected: bool,
    pub error: Option<String>,
}

/// Why the till is not running: the config or the ledger could not be used.
/// The window shows this and can try again once someone fixed it; a counter
/// PC started from a launcher has no terminal where a message would be read.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct StartupProblem {
    pub kind: ErrorKind,
    pub message: String,
    pub config_file: String,
    pub db_file: String,
}

impl StartupProblem {
    fn new(error: &CashierError, paths: &Paths) -> StartupProblem {
        StartupProblem {
            kind: error.kind(),
            message: error.to_string(),
            config_file: paths.config_file.display().to_string(),
            db_file: paths.db_file.display().to_string(),
        }
    }

    /// What a command gets while the till is not running.
    fn error(&self) -> CashierError {
        let message = format!("Cashier could not start: {}", self.message);
        match self.kind {
            ErrorKind::Storage => CashierError::StorageUnusable(message),
            _ => CashierError::Config(message),
        }
    }
}

enum Core {
    Running(Arc<Till>),
    NotStarted(StartupProblem),
}

pub struct AppState {
    pub paths: Paths,
    core: RwLock<Core>,
    starting: tokio::sync::Mutex<()>,
    scanner: Mutex<Option<SerialScanner>>,
    scanner_status: Mutex<ScannerStatus>,
    /// What the customer window shows (kept across till restarts).
    pub customer: CustomerViewState,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl AppState {
    /// Reads the config and opens the ledger; a failure is kept for the
    /// window to show, and nothing is written.
    pub fn start(paths: Paths) -> AppState {
        let core = match tauri::async_runtime::block_on(open_till(&paths)) {
            Ok(till) => Core::Running(Arc::new(till)),
            Err(e) => {
                eprintln!("cashier: {e}");
                Core::NotStarted(StartupProblem::new(&e, &paths))
            }
        };
        AppState {
            paths,
            core: RwLock::new(core),
            starting: tokio::sync::Mutex::new(()),
            scanner: Mutex::new(None),
            scanner_status: Mutex::new(ScannerStatus::default()),
            customer: CustomerViewState::new(),
        }
    }

    pub fn till(&self) -> Result<Arc<Till>, CashierError> {
        match &*self.core.read().unwrap_or_else(|p| p.into_inner()) {
            Core::Running(till) => Ok(till.clone()),
            Core::NotStarted(problem) => Err(problem.error()),
        }
    }

    pub fn engine(&self) -> Result<Arc<Engine>, CashierError> {
        Ok(self.till()?.engine.clone())
    }

    pub fn config(&self) -> Result<Config, CashierError> {
        Ok(self.till()?.config.clone())
    }

    /// Why the till is not running, if it is not.
    pub fn startup_problem(&self) -> Option<StartupProblem> {
        match &*self.core.read().unwrap_or_else(|p| p.into_inner()) {
            Core::Running(_) => None,
            Core::NotStarted(problem) => Some(problem.clone()),
        }
    }

    /// Tries again to start a till that could not start (the config or the
    /// ledger was fixed meanwhile). True when it started now.
    pub async fn retry_start(&self) -> Result<bool, CashierError> {
        // One attempt at a time: two would each start a demo sandbox.
        let _one_at_a_time = self.starting.lock().await;
        if self.startup_problem().is_none() {
            return Ok(false);
        }
        let started = open_till(&self.paths).await;
        let mut slot = self.core.write().unwrap_or_else(|p| p.into_inner());
        match started {
            Ok(till) => {
                *slot = Core::Running(Arc::new(till));
                Ok(true)
            }
            Err(e) => {
                *slot = Core::NotStarted(StartupProblem::new(&e, &self.paths));
                Err(e)
            }
        }
    }

    /// Starts the till again with a new config (live or demo, new keys),
    /// keeping the demo sandbox if it stays in demo mode.
    pub async fn restart(&self, config: Config) -> Result<(), CashierError> {
        let running_demo = self.till()?.demo.clone();
        let fresh = Till::open(config, &self.paths, running_demo).await?;
        self.replace(fresh);
        Ok(())
    }

    /// Keeps the running engine but records a new config (language, sounds,
    /// scanner): nothing about payments changed.
    pub fn keep_engine(&self, config: Config) -> Result<(), CashierError> {
        let fresh = self.till()?.with_config(config);
        self.replace(fresh);
        Ok(())
    }

    fn replace(&self, till: Till) {
        *self.core.write().unwrap_or_else(|p| p.into_inner()) = Core::Running(Arc::new(till));
    }

    pub fn scanner_status(&self) -> ScannerStatus {
        lock(&self.scanner_status).clone()
    }

    pub fn set_scanner_status(&self, status: ScannerStatus) {
        *lock(&self.scanner_status) = status;
    }

    pub fn replace_scanner(&self, scanner: Option<SerialScanner>) {
        let old = std::mem::replace(&mut *lock(&self.scanner), scanner);
        drop(old);
    }
}

/// The config read and the till opened on it, live or demo.
async fn open_till(paths: &Paths) -> Result<Till, CashierError> {
    Till::open(paths.load_config()?, paths, None).await
}
