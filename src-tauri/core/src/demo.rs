//! Demo mode: the built-in HipoPay sandbox, started in-process on loopback
//! with keys generated on first use, its state kept beside the ledger so
//! orders made in one run can be checked in the next.

use crate::error::CashierError;
use crate::hipopay::{ClientConfig, Signer};
use hipopay_sim::{SimConfig, SimHandle};
use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use std::path::Path;
use std::time::Duration;

pub const DEMO_AGENT_NO: &str = "DEMO-AGENT";
pub const DEMO_MERCHANT_NO: &str = "DEMO-MERCHANT";
/// In the demo a simulated customer pays a shown QR code after this long.
pub const DEMO_CUSTOMER_PAYS_AFTER: Duration = Duration::from_secs(6);

pub struct Demo {
    pub sim: SimHandle,
    pub client_config: ClientConfig,
    pub signer: Signer,
}

/// Loads the demo signing key, creating it the first time.
fn demo_key(dir: &Path) -> Result<Signer, CashierError> {
    let path = dir.join("demo_agent_private.pem");
    if path.exists() {
        return Ok(Signer::from_pem_file(&path)?);
    }
    let mut rng = rand::thread_rng();
    let key = rsa::RsaPrivateKey::new(&mut rng, 2048)
        .map_err(|e| CashierError::Config(format!("cannot generate the demo key: {e}")))?;
    let pem = key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| CashierError::Config(format!("cannot encode the demo key: {e}")))?;
    crate::fsutil::write_atomic(&path, pem.as_bytes()).map_err(|e| {
        CashierError::Storage(format!(
            "cannot save the demo key in {}: {e}",
            dir.display()
        ))
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
    }
    Ok(Signer::new(key)?)
}

pub async fn start(data_dir: &Path) -> Result<Demo, CashierError> {
    let dir = data_dir.join("demo");
    std::fs::create_dir_all(&dir)
        .map_err(|e| CashierError::Storage(format!("cannot create {}: {e}", dir.display())))?;
    let signer = demo_key(&dir)?;
    let mut config = SimConfig::new(DEMO_AGENT_NO, DEMO_MERCHANT_NO, signer.public_key().clone());
    config.state_file = Some(dir.join("sandbox-state.json"));
    config.customer_pays_qr_after = Some(DEMO_CUSTOMER_PAYS_AFTER);
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let sim = SimHandle::start(config, addr)
        .await
        .map_err(|e| CashierError::Storage(format!("cannot start the demo sandbox: {e}")))?;
    let client_config = ClientConfig::new(&sim.base_url(), DEMO_AGENT_NO, DEMO_MERCHANT_NO);
    Ok(Demo {
        sim,
        client_config,
        signer,
    })
}
