//! The app's state: the running core (live or demo, swapped when settings
//! change), the wait the cashier may stop, and the serial scanner.

use cashier_core::config::{default_paths, Config};
use cashier_core::engine::{Engine, StopSignal};
use cashier_core::runtime::Runtime;
use cashier_core::scanner::SerialScanner;
use cashier_core::CashierError;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

pub struct Paths {
    pub config_file: PathBuf,
    pub db_file: PathBuf,
    pub data_dir: PathBuf,
}

impl Paths {
    /// The same places and variables as `cashier-cli`.
    pub fn from_env() -> Paths {
        let defaults = default_paths();
        let config_file = std::env::var_os("CASHIER_CONFIG")
            .map(PathBuf::from)
            .unwrap_or(defaults.config_file);
        let db_file = std::env::var_os("CASHIER_DB")
            .map(PathBuf::from)
            .unwrap_or_else(|| defaults.data_dir.join("cashier.sqlite3"));
        let data_dir = db_file
            .parent()
            .map(PathBuf::from)
            .unwrap_or(defaults.data_dir);
        Paths {
            config_file,
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

pub struct AppState {
    pub paths: Paths,
    runtime: RwLock<Arc<Runtime>>,
    waiting: Mutex<Option<StopSignal>>,
    pub scanner: Mutex<Option<SerialScanner>>,
    pub scanner_status: Mutex<ScannerStatus>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl AppState {
    pub fn new(paths: Paths, runtime: Runtime) -> AppState {
        AppState {
            paths,
            runtime: RwLock::new(Arc::new(runtime)),
            waiting: Mutex::new(None),
            scanner: Mutex::new(None),
            scanner_status: Mutex::new(ScannerStatus::default()),
        }
    }

    pub fn runtime(&self) -> Arc<Runtime> {
        self.runtime
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn engine(&self) -> Arc<Engine> {
        self.runtime().engine.clone()
    }

    pub fn config(&self) -> Config {
        self.runtime().config.clone()
    }

    /// Starts the core again with a new config (live ↔ demo, new keys).
    pub async fn restart(&self, config: Config) -> Result<Arc<Runtime>, CashierError> {
        let running_demo = self.runtime().demo.clone();
        let fresh = Arc::new(
            Runtime::start_reusing(
                config,
                &self.paths.db_file,
                &self.paths.data_dir,
                running_demo,
            )
            .await?,
        );
        *self.runtime.write().unwrap_or_else(|p| p.into_inner()) = fresh.clone();
        Ok(fresh)
    }

    /// Keeps the running core but records a new config (language, sounds,
    /// scanner): nothing about payments changed.
    pub fn restart_config_only(&self, config: Config) {
        let mut slot = self.runtime.write().unwrap_or_else(|p| p.into_inner());
        let fresh = Runtime {
            engine: slot.engine.clone(),
            demo: slot.demo.clone(),
            config,
        };
        *slot = Arc::new(fresh);
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
