//! Demo mode: the built-in HipoPay sandbox, started in-process on loopback
//! with keys generated on first use, its state kept beside the ledger so
//! orders made in one run can be checked in the next.

use cashier_core::books::Books;
use cashier_core::hipopay::{ClientConfig, Signer};
use cashier_core::runtime::Acquirer;
use cashier_core::CashierError;
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
    signer: Signer,
}

impl Demo {
    /// Starts the sandbox with its state in `<data_dir>/demo/`.
    pub async fn start(data_dir: &Path) -> Result<Demo, CashierError> {
        let dir = data_dir.join("demo");
        std::fs::create_dir_all(&dir).map_err(|e| {
            CashierError::StorageUnusable(format!("cannot create {}: {e}", dir.display()))
        })?;
        let signer = demo_key(&dir)?;
        let mut config =
            SimConfig::new(DEMO_AGENT_NO, DEMO_MERCHANT_NO, signer.public_key().clone());
        config.state_file = Some(dir.join("sandbox-state.json"));
        config.customer_pays_qr_after = Some(DEMO_CUSTOMER_PAYS_AFTER);
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        let sim = SimHandle::start(config, addr).await.map_err(|e| {
            CashierError::StorageUnusable(format!("cannot start the demo sandbox: {e}"))
        })?;
        Ok(Demo { sim, signer })
    }

    /// The sandbox as the engine's acquirer.
    pub fn acquirer(&self) -> Acquirer {
        Acquirer {
            client: ClientConfig::new(&self.sim.base_url(), DEMO_AGENT_NO, DEMO_MERCHANT_NO),
            signer: self.signer.clone(),
            books: Books::Demo,
        }
    }

    /// The simulated customer pays a QR order now ("Simulate: customer pays").
    pub fn customer_pays(&self, merchant_order_no: &str) -> Result<(), CashierError> {
        self.sim
            .customer_pays(merchant_order_no)
            .map_err(|e| CashierError::Input(e.to_string()))
    }
}

/// Loads the demo signing key, creating it the first time (owner-only).
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
    cashier_core::export::write_private(&path, pem.as_bytes())?;
    Ok(Signer::new(key)?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_demo_key_is_made_once_and_kept_private() {
        let dir = tempfile::tempdir().unwrap();
        let first = Demo::start(dir.path()).await.unwrap();
        let key_file = dir.path().join("demo/demo_agent_private.pem");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "the demo key is owner-only: {mode:o}");
        }
        let before = std::fs::read(&key_file).unwrap();
        drop(first);
        let again = Demo::start(dir.path()).await.unwrap();
        assert_eq!(
            std::fs::read(&key_file).unwrap(),
            before,
            "the same key next time"
        );
        assert_eq!(again.acquirer().books, Books::Demo);
    }
}
