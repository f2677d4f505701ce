//! Writing exports (CSV, QR images) where the user asked, atomically and
//! owner-only.

use crate::error::CashierError;
use std::path::Path;

pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CashierError> {
    crate::fsutil::write_atomic(path, bytes)
        .map_err(|e| CashierError::Input(format!("cannot write {}: {e}", path.display())))
}

/// Writes a secret (a private key): like every file the till writes, it is
/// its owner's alone from the moment it exists.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), CashierError> {
    crate::fsutil::write_atomic(path, bytes)
        .map_err(|e| CashierError::Config(format!("cannot write {}: {e}", path.display())))
}
