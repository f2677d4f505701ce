//! Where a till keeps its files: the config, the ledger and the folder beside
//! it (demo sandbox state, imported keys). The app and `cashier-cli` resolve
//! them the same way: an explicit path, else `CASHIER_CONFIG` / `CASHIER_DB`,
//! else the OS's config and data folders.

use crate::config::Config;
use crate::error::CashierError;
use std::path::{Path, PathBuf};

pub const CONFIG_ENV: &str = "CASHIER_CONFIG";
pub const DB_ENV: &str = "CASHIER_DB";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config_file: PathBuf,
    /// Named by `--config` or `CASHIER_CONFIG`: it must exist. Only a missing
    /// config at the default place means demo mode, so a typo never turns
    /// real payments into sandbox ones.
    pub config_named: bool,
    pub db_file: PathBuf,
    /// The ledger's folder: the demo sandbox's state and imported keys live here.
    pub data_dir: PathBuf,
}

/// The OS's places, when nothing names others.
#[derive(Debug, Clone)]
pub struct DefaultPaths {
    pub config_file: PathBuf,
    pub data_dir: PathBuf,
}

impl DefaultPaths {
    /// `~/.config/cashier/config.toml` and `~/.local/share/cashier/` on Linux.
    pub fn of_this_computer() -> DefaultPaths {
        match directories::ProjectDirs::from("app", "Cashier", "cashier") {
            Some(d) => DefaultPaths {
                config_file: d.config_dir().join("config.toml"),
                data_dir: d.data_dir().to_path_buf(),
            },
            None => DefaultPaths {
                config_file: PathBuf::from("cashier.toml"),
                data_dir: PathBuf::from("cashier-data"),
            },
        }
    }
}

impl Paths {
    /// Explicit paths (the CLI's options, which already fall back to the
    /// environment), else the defaults.
    pub fn resolve(config: Option<PathBuf>, db: Option<PathBuf>, defaults: &DefaultPaths) -> Paths {
        let config_named = config.is_some();
        let config_file = config.unwrap_or_else(|| defaults.config_file.clone());
        let db_file = db.unwrap_or_else(|| defaults.data_dir.join("cashier.sqlite3"));
        let data_dir = db_file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        Paths {
            config_file,
            config_named,
            db_file,
            data_dir,
        }
    }

    /// `CASHIER_CONFIG` and `CASHIER_DB`, else the defaults (the desktop app).
    pub fn from_env() -> Paths {
        let var = |name| std::env::var_os(name).map(PathBuf::from);
        Self::resolve(
            var(CONFIG_ENV),
            var(DB_ENV),
            &DefaultPaths::of_this_computer(),
        )
    }

    /// The config: a named one must exist; none at the default place is demo mode.
    pub fn load_config(&self) -> Result<Config, CashierError> {
        if self.config_named {
            Config::load_named(&self.config_file)
        } else {
            Config::load(&self.config_file)
        }
    }

    /// Where an imported merchant key is kept (owner-only): beside the
    /// config that names it.
    pub fn imported_key_file(&self) -> PathBuf {
        self.key_dir().join("agent_private.pem")
    }

    /// A key a manager picked, kept apart until Settings are saved.
    pub fn staged_key_file(&self) -> PathBuf {
        self.key_dir().join("agent_private.new.pem")
    }

    /// The key in use before the last one was adopted.
    pub fn previous_key_file(&self) -> PathBuf {
        self.key_dir().join("agent_private.previous.pem")
    }

    fn key_dir(&self) -> PathBuf {
        self.config_file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."))
            .join("keys")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn defaults() -> DefaultPaths {
        DefaultPaths {
            config_file: PathBuf::from("/home/c/.config/cashier/config.toml"),
            data_dir: PathBuf::from("/home/c/.local/share/cashier"),
        }
    }

    #[test]
    fn nothing_named_is_the_defaults_and_demo_mode_is_allowed() {
        let p = Paths::resolve(None, None, &defaults());
        assert_eq!(p.config_file, defaults().config_file);
        assert!(!p.config_named);
        assert_eq!(
            p.db_file,
            PathBuf::from("/home/c/.local/share/cashier/cashier.sqlite3")
        );
        assert_eq!(p.data_dir, defaults().data_dir);
    }

    #[test]
    fn named_files_win_and_the_data_folder_follows_the_ledger() {
        let p = Paths::resolve(
            Some("/etc/till.toml".into()),
            Some("/srv/till/ledger.db".into()),
            &defaults(),
        );
        assert!(p.config_named);
        assert_eq!(p.config_file, PathBuf::from("/etc/till.toml"));
        assert_eq!(p.data_dir, PathBuf::from("/srv/till"));
        // The key lives beside the config that names it.
        assert_eq!(
            p.imported_key_file(),
            PathBuf::from("/etc/keys/agent_private.pem")
        );
        // A bare file name keeps its data beside it, in the working folder.
        let bare = Paths::resolve(None, Some("ledger.db".into()), &defaults());
        assert_eq!(bare.data_dir, PathBuf::from("."));
    }

    #[test]
    fn a_named_config_must_exist_and_a_default_one_may_be_missing() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.toml");
        let named = Paths::resolve(Some(missing.clone()), None, &defaults());
        let e = named.load_config().unwrap_err();
        assert_eq!(e.kind(), crate::error::ErrorKind::Config);
        let default_place = DefaultPaths {
            config_file: missing,
            data_dir: dir.path().to_path_buf(),
        };
        let unnamed = Paths::resolve(None, None, &default_place);
        assert!(unnamed.load_config().unwrap().is_demo());
    }
}
