//! Wallet-neutral operations on the books: charge, query, refund. The wallet
//! modules only translate parameter names and response shapes.

use chrono::{DateTime, Utc};

use crate::money::{self, Currency};
use crate::proto::{Params, Reply};
use crate::scenario::Scenario;
use crate::sim::Sim;
use crate::state::{SimOrder, SimRefund, State, FAIL, PAID};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Wallet {
    Wechat,
    Alipay,
}

impl Wallet {
    pub fn as_str(self) -> &'static str {
        match self {
            Wallet::Wechat => "wechat",
            Wallet::Alipay => "alipay",
        }
    }

    /// The wallet's own code for "insufficient balance" (scenario 101).
    fn decline_reason(self) -> &'static str {
        match self {
            Wallet::Wechat => "NOTENOUGH",
            Wallet::Alipay => "BUYER_BALANCE_NOT_ENOUGH",
        }
    }
}

pub(crate) struct NewOrder<'a> {
    pub wallet: Wallet,
    pub merchant_order_no: &'a str,
    pub amount_minor: i64,
    pub currency: &'static Currency,
    pub description: &'a str,
    pub ip: &'a str,
    pub device_info: &'a str,
}

impl NewOrder<'_> {
    /// The order as it would be recorded (also used for answers about
    /// charges that are refused without being recorded).
    pub fn build(&self, payment_no: String, status: &str, now: DateTime<Utc>) -> SimOrder {
        SimOrder {
            wallet: self.wallet.as_str().to_string(),
            payment_no,
            merchant_order_no: self.merchant_order_no.to_string(),
            status: status.to_string(),
            amount_minor: self.amount_minor,
            currency: self.currency.code.to_string(),
            refunded_minor: 0,
            auth_code: None,
            qr_payload: None,
            created_at: now,
            fail_reason: None,
            description: self.description.to_string(),
            ip: self.ip.to_string(),
            device_info: self.device_info.to_string(),
            then_status: None,
            queries: 0,
        }
    }
}

/// `currency` and `amount` params, validated together (digits depend on currency).
pub(crate) fn money_params(p: &Params) -> Result<(&'static Currency, i64), Reply> {
    let cur = money::currency_or_err(p.req("currency")?).map_err(Reply::bad_request)?;
    let amount = money::parse_amount(p.req("amount")?, cur).map_err(Reply::bad_request)?;
    Ok((cur, amount))
}

fn check_not_duplicate(st: &State, new: &NewOrder) -> Result<(), Reply> {
    let dup = st
        .orders
        .iter()
        .any(|o| o.wallet == new.wallet.as_str() && o.merchant_order_no == new.merchant_order_no);
    if dup {
        return Err(Reply::bad_request(format!(
            "duplicate order: merchant order number {:?} was already used",
            new.merchant_order_no
        )));
    }
    Ok(())
}

pub(crate) enum ScanOutcome {
    /// The order was recorded; the scenario shapes the answer.
    Recorded(Box<SimOrder>, Scenario),
    /// The payment code paid before; nothing new recorded.
    CodeUsed,
    /// 503/500 scenarios: nothing recorded.
    Refused(u16, &'static str),
}

pub(crate) fn scan_charge(sim: &Sim, new: &NewOrder, code: &str) -> Result<ScanOutcome, Reply> {
    sim.transact(|st, now| {
        check_not_duplicate(st, new)?;
        if st.used_codes.contains(code) {
            return Ok(ScanOutcome::CodeUsed);
        }
        let scenario = Scenario::from_auth_code(code);
        if let Some((status, message)) = scenario.error_status() {
            return Ok(ScanOutcome::Refused(status, message));
        }
        let Some((status, then)) = scenario.recorded() else {
            return Ok(ScanOutcome::Refused(500, "internal server error"));
        };
        let mut order = new.build(st.new_number(now), status, now);
        order.auth_code = Some(code.to_string());
        order.then_status = then.map(str::to_string);
        if status == FAIL {
            order.fail_reason = Some(new.wallet.decline_reason().to_string());
        }
        st.orders.push(order.clone());
        st.used_codes.insert(code.to_string());
        st.dirty = true;
        Ok(ScanOutcome::Recorded(Box::new(order), scenario))
    })
}

pub(crate) fn qr_charge(sim: &Sim, new: &NewOrder, payload: String) -> Result<SimOrder, Reply> {
    sim.transact(|st, now| {
        check_not_duplicate(st, new)?;
        let mut order = new.build(st.new_number(now), crate::state::INIT, now);
        order.qr_payload = Some(payload);
        st.orders.push(order.clone());
        st.dirty = true;
        Ok(order)
    })
}

/// Find an order by HipoPay number and/or merchant number (both must match
/// when both are given), count the query, return it with its refunds.
pub(crate) fn query_order(
    sim: &Sim,
    wallet: Wallet,
    payment_no: Option<&str>,
    merchant_order_no: Option<&str>,
) -> Result<(SimOrder, Vec<SimRefund>), Reply> {
    let init_queries = sim.config.init_queries_before_paid;
    sim.transact(|st, _now| {
        let order = st
            .orders
            .iter_mut()
            .find(|o| {
                o.wallet == wallet.as_str()
                    && wanted(payment_no, &o.payment_no)
                    && wanted(merchant_order_no, &o.merchant_order_no)
            })
            .ok_or_else(|| Reply::not_found("order not found"))?;
        order.record_query(init_queries);
        let order = order.clone();
        st.dirty = true;
        let refunds = refunds_of(st, &order.payment_no);
        Ok((order, refunds))
    })
}

/// An absent criterion matches everything.
fn wanted(criterion: Option<&str>, value: &str) -> bool {
    match criterion {
        Some(c) => c == value,
        None => true,
    }
}

fn refunds_of(st: &State, payment_no: &str) -> Vec<SimRefund> {
    st.refunds
        .iter()
        .filter(|r| r.payment_no == payment_no)
        .cloned()
        .collect()
}

/// Refund a PAID order; the whole refundable amount when no amount is
/// given. A known `outer_refund_no` answers the existing refund unchanged,
/// so a client retry can never refund twice.
pub(crate) fn refund(
    sim: &Sim,
    wallet: Wallet,
    payment_no: &str,
    amount: Option<&str>,
    outer_refund_no: Option<&str>,
) -> Result<SimRefund, Reply> {
    sim.transact(|st, now| {
        let idx = st
            .orders
            .iter()
            .position(|o| o.wallet == wallet.as_str() && o.payment_no == payment_no)
            .ok_or_else(|| Reply::not_found("order not found"))?;
        if let Some(outer) = outer_refund_no {
            if let Some(existing) = st
                .refunds
                .iter()
                .find(|r| r.wallet == wallet.as_str() && r.outer_refund_no == outer)
            {
                if existing.payment_no != payment_no {
                    return Err(Reply::bad_request(format!(
                        "outer_refund_no {outer:?} was already used for another order"
                    )));
                }
                return Ok(existing.clone());
            }
        }
        let order = &st.orders[idx];
        if order.status != PAID {
            return Err(Reply::bad_request(format!(
                "order is {}, only a PAID order can be refunded",
                order.status
            )));
        }
        let cur = money::currency_or_err(&order.currency).map_err(Reply::bad_request)?;
        let refundable = order.refundable_minor();
        let minor = match amount {
            Some(a) => money::parse_amount(a, cur)
                .map_err(|e| Reply::bad_request(format!("refund_amount: {e}")))?,
            None => refundable,
        };
        if refundable <= 0 {
            return Err(Reply::bad_request("order is already fully refunded"));
        }
        if minor > refundable {
            return Err(Reply::bad_request(format!(
                "refund_amount {} exceeds the refundable amount {}",
                money::format_minor(minor, cur.digits),
                money::format_minor(refundable, cur.digits)
            )));
        }
        let refund = SimRefund {
            wallet: wallet.as_str().to_string(),
            refund_no: st.new_number(now),
            payment_no: order.payment_no.clone(),
            merchant_order_no: order.merchant_order_no.clone(),
            outer_refund_no: outer_refund_no.unwrap_or("").to_string(),
            amount_minor: minor,
            currency: order.currency.clone(),
            status: "SUCCESS".to_string(),
            created_at: now,
        };
        st.orders[idx].refunded_minor += minor;
        st.refunds.push(refund.clone());
        st.dirty = true;
        Ok(refund)
    })
}

/// Which number a refund query names.
pub(crate) enum RefundKey<'a> {
    Refund(&'a str),
    OuterRefund(&'a str),
    Payment(&'a str),
    MerchantOrder(&'a str),
}

/// Refunds matching the key within one wallet; none at all is a 404.
pub(crate) fn find_refunds(
    sim: &Sim,
    wallet: Wallet,
    key: RefundKey,
) -> Result<Vec<SimRefund>, Reply> {
    let found = sim.transact(|st, _| {
        Ok(st
            .refunds
            .iter()
            .filter(|r| r.wallet == wallet.as_str())
            .filter(|r| match key {
                RefundKey::Refund(n) => r.refund_no == n,
                RefundKey::OuterRefund(n) => r.outer_refund_no == n,
                RefundKey::Payment(n) => r.payment_no == n,
                RefundKey::MerchantOrder(n) => r.merchant_order_no == n,
            })
            .cloned()
            .collect::<Vec<_>>())
    })?;
    if found.is_empty() {
        return Err(Reply::not_found("refund not found"));
    }
    Ok(found)
}

/// A fresh HipoPay-style number for an answer about something not recorded.
pub(crate) fn unrecorded_number(sim: &Sim) -> String {
    sim.with_state(|st, now| st.new_number(now)).0
}

/// The currency of a stored order (only a hand-edited state file can make this fail).
pub(crate) fn currency_of(o: &SimOrder) -> Result<&'static Currency, Reply> {
    money::currency(&o.currency).ok_or_else(|| {
        Reply::error(
            500,
            format!(
                "order {} has unknown currency {:?}",
                o.payment_no, o.currency
            ),
        )
    })
}

pub(crate) fn digits(currency: &str) -> Result<u32, Reply> {
    money::currency(currency)
        .map(|c| c.digits)
        .ok_or_else(|| Reply::error(500, format!("unknown currency {currency:?} in state")))
}

/// Random letters and digits for QR payloads.
pub(crate) fn random_alnum(len: usize) -> String {
    use rand::distributions::Alphanumeric;
    use rand::Rng as _;
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}
