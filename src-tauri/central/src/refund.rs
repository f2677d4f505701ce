//! Refunds at any counter: the order's row locked in the central books
//! while the refund is written here and there, in one PostgreSQL
//! transaction, so two counters refunding one order at the same moment
//! cannot refund more than was paid between them.

use crate::{db_error, ms, Central, CentralError};
use cashier_core::central_link::{BoxFuture, CentralLink, CentralOrder, LocalWrite};
use cashier_core::ledger::sync::SyncRow;
use cashier_core::ledger::Refund;
use cashier_core::CashierError;

pub use cashier_core::central_link::CentralOrder as ForeignOrder;

/// How a refund was claimed in the central books.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundClaim {
    /// Under the order's row lock, recorded there.
    Locked,
    /// The central books could not be reached: this till's order, refunded
    /// on its own books; pushed later.
    Alone,
}

fn order_from_row(r: &tokio_postgres::Row) -> CentralOrder {
    CentralOrder {
        counter: r.get(0),
        merchant_order_no: r.get(1),
        status: r.get(2),
        wallet: r.get(3),
        flow: r.get(4),
        amount_minor: r.get(5),
        currency: r.get(6),
        payment_no: r.get(7),
        books: r.get(8),
        created_at: ms(r.get(9)),
        subject: r.get(10),
        refunded_elsewhere_minor: r.get(11),
    }
}

impl Central {
    pub async fn find_order(
        &self,
        merchant_order_no: &str,
    ) -> Result<Option<CentralOrder>, CentralError> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT o.counter, o.merchant_order_no, o.status, o.wallet, o.flow, o.amount_minor,
                        o.currency, o.payment_no, o.books, o.created_at, o.subject,
                        COALESCE((SELECT sum(r.amount_minor) FROM refunds r
                                  WHERE r.order_no = o.merchant_order_no AND r.status <> 'FAILED'
                                    AND r.counter <> $2), 0)::bigint
                 FROM orders o WHERE o.merchant_order_no = $1",
                &[&merchant_order_no, &self.counter],
            )
            .await
            .map_err(db_error)?;
        Ok(row.as_ref().map(order_from_row))
    }

    /// See [`CentralLink::refund_locked`]. Returns the refund and how it
    /// was claimed.
    pub async fn refund_locked(
        &self,
        merchant_order_no: &str,
        taken_here: bool,
        write: LocalWrite<'_>,
    ) -> Result<(Refund, RefundClaim), CashierError> {
        let reached = async {
            let client = self.client().await?;
            Ok::<_, CentralError>(client)
        }
        .await;
        let mut client = match reached {
            Ok(client) => client,
            Err(e) if e.is_unreachable() && taken_here => {
                return Ok((write(None)?, RefundClaim::Alone));
            }
            Err(e) if e.is_unreachable() => {
                return Err(CashierError::Central(format!(
                    "order {merchant_order_no} is another counter's, and its refunds need the central books, which cannot be reached now ({e})"
                )))
            }
            Err(e) => return Err(e.into()),
        };
        let tx = client
            .transaction()
            .await
            .map_err(|e| CashierError::from(db_error(e)))?;
        let locked = tx
            .query_opt(
                "SELECT * FROM cashier_lock_order_for_refund($1, $2)",
                &[&merchant_order_no, &self.counter],
            )
            .await
            .map_err(|e| CashierError::from(db_error(e)))?
            .as_ref()
            .map(order_from_row);
        // Under the lock: the refund written here, checked against what
        // every other counter has refunded of the order.
        let refund = write(locked.as_ref())?;
        let recorded = async {
            self.claim_for_refund(&tx).await?;
            if let Some(SyncRow::Refund(row)) =
                self.ledger.sync_row("refunds", &refund.id.to_string())?
            {
                self.upsert_refund(&tx, &row).await?;
            }
            tx.commit().await.map_err(db_error)
        }
        .await;
        if let Err(e) = recorded {
            // Written here, not there: it is pushed later like any change.
            // (HipoPay itself refuses a refund beyond what was paid.)
            self.ledger.push_failed(&e.to_string())?;
        }
        Ok((refund, RefundClaim::Locked))
    }
}

impl CentralLink for Central {
    fn find_order<'a>(
        &'a self,
        merchant_order_no: &'a str,
    ) -> BoxFuture<'a, Result<Option<CentralOrder>, CashierError>> {
        Box::pin(async move { Ok(Central::find_order(self, merchant_order_no).await?) })
    }

    fn refund_locked<'a>(
        &'a self,
        merchant_order_no: &'a str,
        taken_here: bool,
        write: LocalWrite<'a>,
    ) -> BoxFuture<'a, Result<Refund, CashierError>> {
        Box::pin(async move {
            Central::refund_locked(self, merchant_order_no, taken_here, write)
                .await
                .map(|(refund, _)| refund)
        })
    }
}

impl Central {
    async fn claim_for_refund(
        &self,
        tx: &deadpool_postgres::Transaction<'_>,
    ) -> Result<(), CentralError> {
        self.claim_counter(tx).await.map(|_| ())
    }
}
