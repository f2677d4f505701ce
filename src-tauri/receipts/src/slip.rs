//! What a slip says, read from the ledger: the shop, when, which counter
//! and cashier, the wallet, the amount (and the CNY equivalent at the rate
//! the sale showed), our order number and HipoPay's, and for a refund its
//! numbers and who approved it. Printed in the counter's language.

use cashier_core::config::ShopConfig;
use cashier_core::ledger::{Ledger, OrderStatus, RefundStatus};
use cashier_core::money::{cny_at, Money};
use cashier_core::wallet::Wallet;
use cashier_core::CashierError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlipKind {
    Payment,
    Refund,
    /// Settings → Printer → Test print.
    Test,
}

/// A refund's own lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundLines {
    pub amount: Money,
    pub outer_refund_no: String,
    pub refund_no: Option<String>,
    pub approved_by: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slip {
    pub kind: SlipKind,
    pub shop_name: String,
    pub shop_address: String,
    /// Local time, to the second.
    pub time: String,
    pub counter: String,
    pub cashier: String,
    pub wallet: Option<Wallet>,
    /// The payment's amount.
    pub amount: Option<Money>,
    /// HipoPay's rate, and the amount in CNY at it, where the sale showed one.
    pub cny: Option<(String, Money)>,
    pub merchant_order_no: String,
    pub hipopay_no: Option<String>,
    pub refund: Option<RefundLines>,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn local_time(ms: i64) -> String {
    cashier_core::time::iso(ms)
        .get(..19)
        .unwrap_or_default()
        .replace('T', " ")
}

impl Slip {
    /// The customer's slip for a PAID payment.
    pub fn payment(
        ledger: &Ledger,
        order_id: i64,
        shop: &ShopConfig,
    ) -> Result<Slip, CashierError> {
        let order = ledger.order(order_id)?;
        if order.status != OrderStatus::Paid {
            return Err(CashierError::Input(format!(
                "order #{order_id} is {}: only a PAID payment has a slip",
                order.status.as_str()
            )));
        }
        let cashier = ledger.staff_by_id(order.staff_id)?.name;
        Ok(Slip {
            kind: SlipKind::Payment,
            shop_name: shop.name.clone(),
            shop_address: shop.address.clone(),
            time: local_time(order.created_at),
            counter: order.counter.clone().unwrap_or_default(),
            cashier,
            wallet: Some(order.wallet),
            amount: Some(order.amount),
            cny: order
                .exchange_rate
                .as_deref()
                .and_then(|rate| cny_at(order.amount, rate).map(|cny| (rate.to_string(), cny))),
            merchant_order_no: order.merchant_order_no,
            hipopay_no: order.payment_no,
            refund: None,
        })
    }

    /// The customer's slip for a SUCCESS refund, with who approved it.
    pub fn refund(
        ledger: &Ledger,
        refund_id: i64,
        shop: &ShopConfig,
    ) -> Result<Slip, CashierError> {
        let refund = ledger.refund(refund_id)?;
        if refund.status != RefundStatus::Success {
            return Err(CashierError::Input(format!(
                "refund #{refund_id} is {}: only a refund HipoPay made has a slip",
                refund.status.as_str()
            )));
        }
        let order = ledger.order(refund.order_id)?;
        let shift = ledger.shift(refund.shift_id)?;
        Ok(Slip {
            kind: SlipKind::Refund,
            shop_name: shop.name.clone(),
            shop_address: shop.address.clone(),
            time: local_time(refund.updated_at),
            counter: order.counter.clone().unwrap_or_default(),
            cashier: shift.staff_name,
            wallet: Some(order.wallet),
            amount: Some(order.amount),
            cny: None,
            merchant_order_no: order.merchant_order_no,
            hipopay_no: order.payment_no,
            refund: Some(RefundLines {
                amount: refund.amount,
                outer_refund_no: refund.outer_refund_no,
                refund_no: refund.refund_no,
                approved_by: refund.approved_by_name,
                reason: refund.reason,
            }),
        })
    }

    /// A test slip: the shop's header and every kind of line.
    pub fn test(shop: &ShopConfig) -> Slip {
        Slip {
            kind: SlipKind::Test,
            shop_name: shop.name.clone(),
            shop_address: shop.address.clone(),
            time: local_time(now_ms()),
            counter: String::new(),
            cashier: String::new(),
            wallet: None,
            amount: None,
            cny: None,
            merchant_order_no: "TEST-0123456789".into(),
            hipopay_no: None,
            refund: None,
        }
    }
}
