//! Writing exports (CSV, QR images) where the user asked, atomically.

use crate::error::CashierError;
use std::path::Path;

pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CashierError> {
    crate::fsutil::write_atomic(path, bytes)
        .map_err(|e| CashierError::Input(format!("cannot write {}: {e}", path.display())))
}
