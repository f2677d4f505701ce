//! One app per ledger. A second start on the same ledger brings the first
//! window forward and exits: two windows taking payments into one ledger
//! would each think they are the only counter. (`cashier-cli` may still run
//! beside the app: the ledger's claims and leases keep them apart.)
//!
//! The first app holds a lock on `<ledger>.lock` for as long as it runs, and
//! listens on a local socket for "bring your window forward".

use std::fs::File;
use std::path::{Path, PathBuf};

pub enum Claim {
    /// This is the first app on the ledger.
    First(FirstApp),
    /// Another app runs on this ledger.
    Taken,
}

pub struct FirstApp {
    /// Held until the process ends.
    _lock: Option<File>,
    socket: PathBuf,
}

fn lock_file(db_file: &Path) -> PathBuf {
    let mut name = db_file.as_os_str().to_os_string();
    name.push(".lock");
    PathBuf::from(name)
}

/// A short socket path for the ledger (socket paths are limited to about
/// 100 bytes), the same in every process of this build.
fn socket_path(db_file: &Path) -> PathBuf {
    use std::hash::{Hash, Hasher};
    let canonical = std::fs::canonicalize(db_file).unwrap_or_else(|_| db_file.to_path_buf());
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    canonical.hash(&mut hasher);
    let dir = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|d| d.is_dir())
        .unwrap_or_else(std::env::temp_dir);
    dir.join(format!("cashier-{:016x}.sock", hasher.finish()))
}

/// Takes the ledger for this app, or finds another app has it. When the
/// lock file cannot be made at all (a read-only folder), the app starts and
/// its start-up screen explains the ledger's trouble.
pub fn claim(db_file: &Path) -> Claim {
    let path = lock_file(db_file);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = std::fs::create_dir_all(dir);
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path);
    let lock = match file {
        Ok(file) => match file.try_lock() {
            Ok(()) => Some(file),
            Err(std::fs::TryLockError::WouldBlock) => return Claim::Taken,
            Err(std::fs::TryLockError::Error(_)) => None,
        },
        Err(_) => None,
    };
    Claim::First(FirstApp {
        _lock: lock,
        socket: socket_path(db_file),
    })
}

/// Asks the app that has the ledger to bring its window forward.
pub fn bring_forward(db_file: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::io::Write;
        std::os::unix::net::UnixStream::connect(socket_path(db_file))
            .and_then(|mut s| s.write_all(b"show\n"))
            .is_ok()
    }
    #[cfg(not(unix))]
    {
        let _ = db_file;
        false
    }
}

impl FirstApp {
    /// Answers "bring your window forward" with `show`, on a thread of its own.
    pub fn serve(self, show: impl Fn() + Send + 'static) {
        #[cfg(unix)]
        {
            use std::io::Read;
            // Ours alone while we hold the lock: a leftover from a crash goes.
            let _ = std::fs::remove_file(&self.socket);
            let Ok(listener) = std::os::unix::net::UnixListener::bind(&self.socket) else {
                return;
            };
            std::thread::spawn(move || {
                let _keep = self;
                for stream in listener.incoming().flatten() {
                    let mut word = [0u8; 5];
                    let mut stream = stream;
                    if stream.read_exact(&mut word).is_ok() && &word == b"show\n" {
                        show();
                    }
                }
            });
        }
        #[cfg(not(unix))]
        {
            let _ = (self, show);
        }
    }
}

impl Drop for FirstApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.socket);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_claim_on_one_ledger_finds_it_taken_and_another_ledger_free() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("ledger.sqlite3");
        let first = claim(&db);
        assert!(matches!(first, Claim::First(_)));
        assert!(matches!(claim(&db), Claim::Taken));
        assert!(matches!(
            claim(&dir.path().join("other.sqlite3")),
            Claim::First(_)
        ));
        drop(first);
        assert!(
            matches!(claim(&db), Claim::First(_)),
            "free once the first app ends"
        );
    }
}
