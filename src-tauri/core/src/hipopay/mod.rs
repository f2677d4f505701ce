//! The HipoPay acquirer API: signing, the HTTP client and its answers.

mod client;
mod decode;
mod error;
pub mod model;
pub mod sign;
pub mod statement;
mod transport;

pub use client::{ChargeRequest, ClientConfig, Clock, HipoPayClient, QrOrder};
pub use error::HipoPayError;
pub use model::{RemoteOrder, RemoteRefund, RemoteRefundStatus, RemoteStatus};
pub use sign::{KeyError, Signer};
