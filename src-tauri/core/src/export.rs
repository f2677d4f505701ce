//! Writing exports (CSV, QR images) where the user asked, atomically.

use crate::error::CashierError;
use std::path::Path;

pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CashierError> {
    crate::fsutil::write_atomic(path, bytes)
        .map_err(|e| CashierError::Input(format!("cannot write {}: {e}", path.display())))
}

/// Writes a secret (a private key) readable by its owner only.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), CashierError> {
    write_file(path, bytes)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| CashierError::Config(format!("cannot protect {}: {e}", path.display())))?;
    }
    Ok(())
}
