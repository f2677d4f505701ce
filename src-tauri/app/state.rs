//! The app's state: the running core (live or demo, swapped when settings
//! change) or why it could not start, the wait the cashier may stop, and the
//! serial scanner.

use cashier_core::config::{default_paths, Config};
use cashier_core::customer_display::CustomerDisplay;
use cashier_core::engine::{Engine, StopSignal};
use cashier_core::runtime::Runtime;
use cashier_core::scanner::SerialScanner;
use cashier_core::CashierError;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

pub struct Paths {
    pub config_file: PathBuf,
    /// Named by CASHIER_CONFIG: it must exist (no quiet demo mode).
    pub config_named: bool,
    pub db_file: PathBuf,
    pub data_dir: PathBuf,
}

impl Paths {
    /// The same places and variables as `cashier-cli`.
    pub fn from_env() -> Paths {
        let defaults = default_paths();
        let named = std::env::var_os("CASHIER_CONFIG").map(PathBuf::from);
        let config_named = named.is_some();
        let config_file = named.unwrap_or(defaults.config_file);
        let db_file = std::env::var_os("CASHIER_DB")
            .map(PathBuf::from)
            .unwrap_or_else(|| defaults.data_dir.join("cashier.sqlite3"));
        let data_dir = db_file
            .parent()
            .map(PathBuf::from)
            .unwrap_or(defaults.data_dir);
        Paths {
            config_file,
            config_named,
            db_file,
            data_dir,
        }
    }
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct ScannerStatus {
    pub port: Option<String>,
    pub connected: bool,
    pub error: Option<String>,
}

/// Why the core is not running: the config or the ledger could not be used.
/// The window shows this and can try again once someone fixed it; a counter
/// PC started from a launcher has no terminal where a message would be read.
#[derive(Debug, Clone, Serialize)]
pub struct StartupProblem {
    pub kind: &'static str,
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

    /// What a command gets while the core is not running.
    fn error(&self) -> CashierError {
        let message = format!("Cashier could not start: {}", self.message);
        match self.kind {
            "storage" => CashierError::Storage(message),
            _ => CashierError::Config(message),
        }
    }
}

enum Core {
    Running(Arc<Runtime>),
    NotStarted(StartupProblem),
}

pub struct AppState {
    pub paths: Paths,
    core: RwLock<Core>,
    starting: tokio::sync::Mutex<()>,
    waiting: Mutex<Option<StopSignal>>,
    pub scanner: Mutex<Option<SerialScanner>>,
    pub scanner_status: Mutex<ScannerStatus>,
    /// What the customer display shows (kept across core restarts).
    pub customer: CustomerDisplay,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl AppState {
    /// Reads the config and opens the ledger; a failure is kept for the
    /// window to show, and nothing is written.
    pub fn start(paths: Paths) -> AppState {
        let core = match tauri::async_runtime::block_on(start_core(&paths)) {
            Ok(rt) => Core::Running(Arc::new(rt)),
            Err(e) => {
                eprintln!("cashier: {e}");
                Core::NotStarted(StartupProblem::new(&e, &paths))
            }
        };
        AppState {
            paths,
            core: RwLock::new(core),
            starting: tokio::sync::Mutex::new(()),
            waiting: Mutex::new(None),
            scanner: Mutex::new(None),
            scanner_status: Mutex::new(ScannerStatus::default()),
            customer: CustomerDisplay::new(),
        }
    }

    pub fn runtime(&self) -> Result<Arc<Runtime>, CashierError> {
        match &*self.core.read().unwrap_or_else(|p| p.into_inner()) {
            Core::Running(rt) => Ok(rt.clone()),
            Core::NotStarted(problem) => Err(problem.error()),
        }
    }

    pub fn engine(&self) -> Result<Arc<Engine>, CashierError> {
        Ok(self.runtime()?.engine.clone())
    }

    pub fn config(&self) -> Result<Config, CashierError> {
        Ok(self.runtime()?.config.clone())
    }

    /// Why the core is not running, if it is not.
    pub fn startup_problem(&self) -> Option<StartupProblem> {
        match &*self.core.read().unwrap_or_else(|p| p.into_inner()) {
            Core::Running(_) => None,
            Core::NotStarted(problem) => Some(problem.clone()),
        }
    }

    /// Tries again to start a core that could not start (the config or the
    /// ledger was fixed meanwhile). Returns the new core, or None when one
    /// was already running.
    pub async fn retry_start(&self) -> Result<Option<Arc<Runtime>>, CashierError> {
        // One attempt at a time: two would each start a demo sandbox.
        let _one_at_a_time = self.starting.lock().await;
        if self.startup_problem().is_none() {
            return Ok(None);
        }
        let started = start_core(&self.paths).await;
        let mut slot = self.core.write().unwrap_or_else(|p| p.into_inner());
        match started {
            Ok(rt) => {
                let rt = Arc::new(rt);
                *slot = Core::Running(rt.clone());
                Ok(Some(rt))
            }
            Err(e) => {
                *slot = Core::NotStarted(StartupProblem::new(&e, &self.paths));
                Err(e)
            }
        }
    }

    /// Starts the core again with a new config (live ↔ demo, new keys).
    pub async fn restart(&self, config: Config) -> Result<Arc<Runtime>, CashierError> {
        let running_demo = self.runtime()?.demo.clone();
        let fresh = Arc::new(
            Runtime::start_reusing(
                config,
                &self.paths.db_file,
                &self.paths.data_dir,
                running_demo,
            )
            .await?,
        );
        *self.core.write().unwrap_or_else(|p| p.into_inner()) = Core::Running(fresh.clone());
        Ok(fresh)
    }

    /// Keeps the running core but records a new config (language, sounds,
    /// scanner): nothing about payments changed.
    pub fn restart_config_only(&self, config: Config) -> Result<(), CashierError> {
        let running = self.runtime()?;
        let fresh = Runtime {
            engine: running.engine.clone(),
            demo: running.demo.clone(),
            config,
        };
        *self.core.write().unwrap_or_else(|p| p.into_inner()) = Core::Running(Arc::new(fresh));
        Ok(())
    }

    /// A new wait the cashier can stop; only one at a time at a counter.
    pub fn begin_wait(&self) -> StopSignal {
        let stop = StopSignal::new();
        *lock(&self.waiting) = Some(stop.clone());
        stop
    }

    pub fn end_wait(&self) {
        lock(&self.waiting).take();
    }

    pub fn stop_waiting(&self) {
        if let Some(stop) = lock(&self.waiting).as_ref() {
            stop.stop();
        }
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

/// The config file read and the core started on it, live or demo.
async fn start_core(paths: &Paths) -> Result<Runtime, CashierError> {
    let config = if paths.config_named {
        Config::load_named(&paths.config_file)?
    } else {
        Config::load(&paths.config_file)?
    };
    Runtime::start(config, &paths.db_file, &paths.data_dir).await
}
