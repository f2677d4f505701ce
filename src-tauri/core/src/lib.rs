//! Cashier's payments core, free of any UI and of the sandbox: money, wallet
//! detection, the HipoPay client, the SQLite ledger, the payment engine, QR
//! rendering and the serial scanner. The desktop shell and `cashier-cli` are
//! thin layers over this crate (put together by `cashier-till`).

pub mod backoffice;
pub mod books;
pub mod central_link;
pub mod config;
pub mod counter;
pub mod crashpoint;
pub mod customer_view;
pub mod daybook;
pub mod engine;
pub mod error;
pub mod export;
mod fsutil;
pub mod hipopay;
pub mod kiosk;
pub mod ledger;
pub mod money;
pub mod paths;
pub mod qr;
pub mod reason;
pub mod runtime;
pub mod scanner;
pub mod settings;
pub mod statement_match;
pub mod text;
pub mod time;
pub mod wallet;

pub use error::{CashierError, ErrorKind};
pub(crate) use ledger::now_ms as ledger_now_ms;

#[cfg(test)]
pub(crate) mod testkeys {
    use crate::hipopay::Signer;

    pub fn signer() -> Signer {
        let pem = include_str!("../tests/resources/keys/agent_private_pkcs1.pem");
        Signer::from_pem(pem, "fixture").expect("the fixture key loads")
    }
}
