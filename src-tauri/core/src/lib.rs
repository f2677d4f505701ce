//! Cashier's payments core, free of any UI: money, wallet detection, the
//! HipoPay client, the SQLite ledger, the payment engine and QR rendering.
//! The desktop shell and `cashier-cli` are thin layers over this crate.

pub mod config;
pub mod crashpoint;
pub mod customer_display;
pub mod demo;
pub mod engine;
pub mod error;
pub mod export;
mod fsutil;
pub mod hipopay;
pub mod ledger;
pub mod money;
pub mod qr;
pub mod runtime;
pub mod scanner;
pub mod time;
pub mod wallet;

pub use error::CashierError;
pub(crate) use ledger::now_ms as ledger_now_ms;

#[cfg(test)]
pub(crate) mod testkeys {
    use crate::hipopay::Signer;

    pub fn signer() -> Signer {
        let pem = include_str!("../../../tests/fixtures/agent_private_pkcs1.pem");
        Signer::from_pem(pem, "fixture").expect("the fixture key loads")
    }
}
