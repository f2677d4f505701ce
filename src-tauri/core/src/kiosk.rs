//! Kiosk mode's start at login: an XDG autostart entry
//! (`~/.config/autostart/app.cashier.counter.desktop`, the Desktop
//! Application Autostart Specification), which every Linux desktop starts
//! when the user logs in. The entry starts the same program on the same
//! config and ledger as the running app; full screen then comes from the
//! config (`[ui] kiosk`), so turning kiosk off in Settings is enough even if
//! an old entry were left behind.

use crate::error::CashierError;
use crate::paths::{Paths, CONFIG_ENV, DB_ENV};
use std::path::{Path, PathBuf};

/// The entry's file name: the app's identifier (tauri.conf.json), so it
/// never collides with another program's.
pub const AUTOSTART_FILE: &str = "app.cashier.counter.desktop";

/// Where the entry lives for this user: `$XDG_CONFIG_HOME/autostart`, else
/// `~/.config/autostart`.
pub fn autostart_dir() -> Result<PathBuf, CashierError> {
    directories::BaseDirs::new()
        .map(|d| d.config_dir().join("autostart"))
        .ok_or_else(|| CashierError::Config("no home folder to keep the autostart entry in".into()))
}

/// Writes the entry (on) or removes it (off) in `dir`, for `program` on
/// these paths. Paths that were named (`CASHIER_CONFIG`, `CASHIER_DB`) go
/// into the entry, so the till that starts at login is this one.
pub fn set_autostart(
    dir: &Path,
    on: bool,
    program: &Path,
    paths: &Paths,
) -> Result<(), CashierError> {
    let db_named = std::env::var_os(DB_ENV).is_some();
    write_entry(dir, on, program, paths, db_named)
}

fn write_entry(
    dir: &Path,
    on: bool,
    program: &Path,
    paths: &Paths,
    db_named: bool,
) -> Result<(), CashierError> {
    let file = dir.join(AUTOSTART_FILE);
    if !on {
        return match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(CashierError::Config(
                format!("cannot remove the autostart entry {}: {e}", file.display()),
            )),
            _ => Ok(()),
        };
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        CashierError::Config(format!(
            "cannot make the autostart folder {}: {e}",
            dir.display()
        ))
    })?;
    crate::fsutil::write_atomic(&file, desktop_entry(program, paths, db_named).as_bytes()).map_err(
        |e| {
            CashierError::Config(format!(
                "cannot write the autostart entry {}: {e}",
                file.display()
            ))
        },
    )
}

/// Whether the entry is there.
pub fn autostart_is_set(dir: &Path) -> bool {
    dir.join(AUTOSTART_FILE).is_file()
}

fn desktop_entry(program: &Path, paths: &Paths, db_named: bool) -> String {
    let mut exec = Vec::new();
    if paths.config_named || db_named {
        exec.push("env".to_string());
        if paths.config_named {
            exec.push(quote(&format!(
                "{CONFIG_ENV}={}",
                paths.config_file.display()
            )));
        }
        if db_named {
            exec.push(quote(&format!("{DB_ENV}={}", paths.db_file.display())));
        }
    }
    exec.push(quote(&program.display().to_string()));
    format!(
        "[Desktop Entry]\nType=Application\nName=Cashier\nComment=The counter, full screen (kiosk mode; turn off in Settings)\nExec={}\nIcon=cashier\nTerminal=false\nX-GNOME-Autostart-enabled=true\n",
        exec.join(" ")
    )
}

/// An argument of an Exec line: quoted when it holds anything the
/// specification reserves, with `"`, `` ` ``, `$` and `\` escaped; a
/// literal `%` (which starts a field code) is doubled.
fn quote(arg: &str) -> String {
    let reserved = |c: char| c.is_whitespace() || "\"'\\><~|&;$*?#()`".contains(c);
    let arg = arg.replace('%', "%%");
    if !arg.contains(reserved) {
        return arg;
    }
    let mut quoted = String::from("\"");
    for c in arg.chars() {
        if matches!(c, '"' | '`' | '$' | '\\') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn paths(config_named: bool) -> Paths {
        Paths {
            config_file: PathBuf::from("/srv/till 1/config.toml"),
            config_named,
            db_file: PathBuf::from("/srv/till/cashier.sqlite3"),
            data_dir: PathBuf::from("/srv/till"),
        }
    }

    #[test]
    fn the_entry_starts_this_program_on_this_config_and_goes_away_when_off() {
        let dir = tempfile::tempdir().unwrap();
        let autostart = dir.path().join("autostart");
        write_entry(
            &autostart,
            true,
            Path::new("/usr/bin/cashier"),
            &paths(true),
            false,
        )
        .unwrap();
        let text = std::fs::read_to_string(autostart.join(AUTOSTART_FILE)).unwrap();
        assert!(
            text.starts_with("[Desktop Entry]\nType=Application\n"),
            "{text}"
        );
        assert!(
            text.contains("Exec=env \"CASHIER_CONFIG=/srv/till 1/config.toml\" /usr/bin/cashier\n"),
            "{text}"
        );
        assert!(autostart_is_set(&autostart));

        set_autostart(
            &autostart,
            false,
            Path::new("/usr/bin/cashier"),
            &paths(true),
        )
        .unwrap();
        assert!(!autostart_is_set(&autostart));
        // Off twice is still off, not an error.
        set_autostart(
            &autostart,
            false,
            Path::new("/usr/bin/cashier"),
            &paths(true),
        )
        .unwrap();
    }

    #[test]
    fn default_paths_give_a_bare_exec_line() {
        let dir = tempfile::tempdir().unwrap();
        write_entry(
            dir.path(),
            true,
            Path::new("/usr/bin/cashier"),
            &paths(false),
            false,
        )
        .unwrap();
        let text = std::fs::read_to_string(dir.path().join(AUTOSTART_FILE)).unwrap();
        assert!(text.contains("\nExec=/usr/bin/cashier\n"), "{text}");

        write_entry(
            dir.path(),
            true,
            Path::new("/usr/bin/cashier"),
            &paths(false),
            true,
        )
        .unwrap();
        let text = std::fs::read_to_string(dir.path().join(AUTOSTART_FILE)).unwrap();
        assert!(
            text.contains("\nExec=env CASHIER_DB=/srv/till/cashier.sqlite3 /usr/bin/cashier\n"),
            "{text}"
        );
    }

    #[test]
    fn reserved_characters_are_quoted() {
        assert_eq!(quote("/opt/my app/cashier"), "\"/opt/my app/cashier\"");
        assert_eq!(quote("/a/$b"), "\"/a/\\$b\"");
        assert_eq!(quote("/a/50%"), "/a/50%%");
    }
}
