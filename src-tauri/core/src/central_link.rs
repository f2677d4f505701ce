//! What the engine needs from the central books, without depending on
//! them: another counter's order to refund here, and the order's row lock
//! around writing a refund, so every counter's refunds together never pass
//! what was paid. `cashier-central` implements it; a till alone has none.

use crate::error::CashierError;
use crate::ledger::Refund;
use std::future::Future;
use std::pin::Pin;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An order as the central books hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CentralOrder {
    pub counter: String,
    pub merchant_order_no: String,
    pub wallet: String,
    pub flow: String,
    pub status: String,
    pub amount_minor: i64,
    pub currency: String,
    pub payment_no: Option<String>,
    pub books: String,
    pub subject: String,
    pub created_at: i64,
    /// Refunded (or being refunded: PENDING) of it at every other counter.
    pub refunded_elsewhere_minor: i64,
}

/// Writes the refund in this till's ledger, given what the central books
/// allow (none when they do not hold the order yet).
pub type LocalWrite<'a> =
    Box<dyn FnOnce(Option<&CentralOrder>) -> Result<Refund, CashierError> + Send + 'a>;

pub trait CentralLink: Send + Sync {
    /// Another counter's order, by our order number; none if the central
    /// books do not know it.
    fn find_order<'a>(
        &'a self,
        merchant_order_no: &'a str,
    ) -> BoxFuture<'a, Result<Option<CentralOrder>, CashierError>>;

    /// Locks the order's row in the central books, runs `write` under the
    /// lock, and records the refund there in the same transaction. When the
    /// central books cannot be reached before anything is written, an
    /// order taken here (`taken_here`) is refunded on this till's books
    /// alone (`write(None)`), as a till does alone; another counter's is
    /// refused.
    fn refund_locked<'a>(
        &'a self,
        merchant_order_no: &'a str,
        taken_here: bool,
        write: LocalWrite<'a>,
    ) -> BoxFuture<'a, Result<Refund, CashierError>>;
}
