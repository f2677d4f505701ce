//! From `[central]` to a pool of connections: the URL, the password from
//! the environment or an owner-only file, TLS when the URL asks for it.

use crate::CentralError;
use cashier_core::config::CentralConfig;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use std::time::Duration;

/// The environment variable that may hold the password.
pub const PASSWORD_ENV: &str = "CASHIER_CENTRAL_PASSWORD";

/// How long a till waits to connect before it calls the books unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

pub fn pool(config: &CentralConfig) -> Result<Pool, CentralError> {
    let mut pg: tokio_postgres::Config =
        config.url.trim().parse().map_err(|e| {
            CentralError::Config(format!("central.url is not a PostgreSQL URL: {e}"))
        })?;
    if let Some(password) = password(config)? {
        pg.password(password);
    }
    pg.connect_timeout(CONNECT_TIMEOUT)
        .application_name("cashier")
        .keepalives_idle(Duration::from_secs(30));
    let manager_config = ManagerConfig {
        recycling_method: RecyclingMethod::Fast,
    };
    let manager = if pg.get_ssl_mode() == tokio_postgres::config::SslMode::Require {
        Manager::from_config(pg, tls()?, manager_config)
    } else {
        // Plain only to this computer (the config refuses anything else).
        pg.ssl_mode(tokio_postgres::config::SslMode::Disable);
        Manager::from_config(pg, tokio_postgres::NoTls, manager_config)
    };
    Pool::builder(manager)
        .max_size(4)
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(CONNECT_TIMEOUT))
        .create_timeout(Some(CONNECT_TIMEOUT))
        .recycle_timeout(Some(CONNECT_TIMEOUT))
        .build()
        .map_err(|e| CentralError::Config(format!("cannot set up the central books: {e}")))
}

/// `CASHIER_CENTRAL_PASSWORD`, else the `password_file` (its owner's
/// alone, or refused), else none (the server trusts this till otherwise).
fn password(config: &CentralConfig) -> Result<Option<String>, CentralError> {
    if let Some(pw) = std::env::var_os(PASSWORD_ENV) {
        return Ok(Some(pw.to_string_lossy().into_owned()));
    }
    let Some(path) = &config.password_file else {
        return Ok(None);
    };
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| {
        CentralError::Config(format!("cannot read central.password_file {shown}: {e}"))
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            return Err(CentralError::Config(format!(
                "central.password_file {shown} can be read by others: make it its owner's alone (chmod 600 {shown})"
            )));
        }
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        CentralError::Config(format!("cannot read central.password_file {shown}: {e}"))
    })?;
    let pw = text.trim_end_matches(['\n', '\r']).to_string();
    if pw.is_empty() {
        return Err(CentralError::Config(format!(
            "central.password_file {shown} is empty"
        )));
    }
    Ok(Some(pw))
}

/// TLS with the system's trusted certificates.
fn tls() -> Result<tokio_postgres_rustls::MakeRustlsConnect, CentralError> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| CentralError::Config(format!("cannot set up TLS: {e}")))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_password_file_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pw");
        std::fs::write(&file, "s3cret\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let config = CentralConfig {
            url: "postgresql://cashier@127.0.0.1/cashier".into(),
            password_file: Some(file.clone()),
        };
        if std::env::var_os(PASSWORD_ENV).is_none() {
            let e = password(&config).unwrap_err().to_string();
            assert!(e.contains("chmod 600") && !e.contains("s3cret"), "{e}");
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
            assert_eq!(password(&config).unwrap().as_deref(), Some("s3cret"));
        }
    }
}
