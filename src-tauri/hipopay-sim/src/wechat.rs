//! WeChat Pay endpoints (`/order/*`, `/order`, `/refund`, `/rate`):
//! parameter names and response shapes as the HipoPay document shows them.

use serde_json::{json, Value};

use crate::money;
use crate::ops::{
    self, currency_of, digits, random_alnum, NewOrder, RefundKey, ScanOutcome, Wallet,
};
use crate::proto::{Params, Reply};
use crate::scenario::Scenario;
use crate::sim::Sim;
use crate::state::{trade_time, SimOrder, SimRefund};

/// `POST /order/scan_pay`: charge the customer's payment code.
pub(crate) fn scan_pay(sim: &Sim, p: &Params) -> Result<Reply, Reply> {
    let new = new_order(p)?;
    let code = p.req("auth_code")?;
    match ops::scan_charge(sim, &new, code)? {
        ScanOutcome::Refused(status, message) => Err(Reply::error(status, message)),
        ScanOutcome::CodeUsed => Err(Reply::wechat555(
            "AUTHCODEEXPIRE",
            "Payment code already used; ask the customer to refresh it",
        )),
        ScanOutcome::Recorded(order, scenario) => {
            let reply = match scenario {
                Scenario::Declined => Reply::wechat555("NOTENOUGH", "Insufficient balance"),
                Scenario::UserPaying => Reply::wechat555("USERPAYING", "user is entering password"),
                _ => Reply::ok(json!({ "order": order_v1(sim, &order)? })),
            };
            Ok(reply.with_delivery(scenario.delivery(sim.config.slow_answer)))
        }
    }
}

/// `POST /order/scanned_pay`: create a NATIVE order and its QR payload.
pub(crate) fn scanned_pay(sim: &Sim, p: &Params) -> Result<Reply, Reply> {
    let new = new_order(p)?;
    let code_url = format!("weixin://wxpay/bizpayurl?pr={}", random_alnum(10));
    let order = ops::qr_charge(sim, &new, code_url.clone())?;
    Ok(Reply::ok(json!({
        "code_url": code_url,
        "order": order_v1(sim, &order)?,
    })))
}

fn new_order(p: &Params) -> Result<NewOrder<'_>, Reply> {
    p.req("merchant_no")?;
    let (currency, amount_minor) = ops::money_params(p)?;
    Ok(NewOrder {
        wallet: Wallet::Wechat,
        merchant_order_no: p.req("agent_order_id")?,
        amount_minor,
        currency,
        description: p.req("product_info")?,
        ip: p.req("ip")?,
        device_info: p.opt("device_info").unwrap_or_default(),
    })
}

/// `GET /order` by `order_no` and/or `agent_order_id` ("Version 2.0" shape:
/// amounts as JSON numbers, refunds listed).
pub(crate) fn query_order(sim: &Sim, p: &Params) -> Result<Reply, Reply> {
    let (no, agent_id) = (p.opt("order_no"), p.opt("agent_order_id"));
    if no.is_none() && agent_id.is_none() {
        return Err(Reply::bad_request("order_no or agent_order_id is required"));
    }
    let (o, refunds) = ops::query_order(sim, Wallet::Wechat, no, agent_id)?;
    let cur = currency_of(&o)?;
    let order = json!({
        "status": o.status,
        "trade_type": trade_type(&o),
        "exchange_rate": money::rate_number(cur),
        "ip": o.ip,
        "no": o.payment_no,
        "device_info": o.device_info,
        "currency": o.currency,
        "amount": money::json_number(o.amount_minor, cur.digits),
        "trade_time": trade_time(o.created_at),
        "merchant_no": sim.config.merchant_no,
        "agent_order_id": o.merchant_order_no,
        "pay_currency": "CNY",
        "product_info": o.description,
        "pay_amount": money::json_number(money::cny_fen(o.amount_minor, cur), 2),
        "refund_status": o.refund_status(),
        "refundable_amount": money::json_number(o.refundable_minor(), cur.digits),
    });
    let refunds = refunds
        .iter()
        .map(|r| {
            Ok(json!({
                "no": r.refund_no,
                "order_no": r.payment_no,
                "outer_refund_no": r.outer_refund_no,
                "refund_amount": money::json_number(r.amount_minor, digits(&r.currency)?),
                "status": r.status,
            }))
        })
        .collect::<Result<Vec<_>, Reply>>()?;
    Ok(Reply::ok(json!({ "order": order, "refunds": refunds })))
}

/// `POST /refund`.
pub(crate) fn refund(sim: &Sim, p: &Params) -> Result<Reply, Reply> {
    let order_no = p.req("order_no")?;
    let r = ops::refund(
        sim,
        Wallet::Wechat,
        order_no,
        p.opt("refund_amount"),
        p.opt("outer_refund_no"),
    )?;
    Ok(Reply::ok(json!({ "refund": refund_v1(&r)? })))
}

/// `GET /refund`: one refund by its numbers, or a list by the order's numbers.
pub(crate) fn query_refund(sim: &Sim, p: &Params) -> Result<Reply, Reply> {
    let (key, single) = if let Some(n) = p.opt("refund_no") {
        (RefundKey::Refund(n), true)
    } else if let Some(n) = p.opt("outer_refund_no") {
        (RefundKey::OuterRefund(n), true)
    } else if let Some(n) = p.opt("order_no") {
        (RefundKey::Payment(n), false)
    } else if let Some(n) = p.opt("agent_order_id") {
        (RefundKey::MerchantOrder(n), false)
    } else {
        return Err(Reply::bad_request(
            "one of refund_no, order_no, agent_order_id, outer_refund_no is required",
        ));
    };
    let found = ops::find_refunds(sim, Wallet::Wechat, key)?;
    let list = found
        .iter()
        .map(refund_v1)
        .collect::<Result<Vec<_>, Reply>>()?;
    Ok(if single {
        Reply::ok(json!({ "refund": list[0] }))
    } else {
        Reply::ok(json!({ "refunds": list }))
    })
}

/// `GET /rate`: CNY per one unit of `currency`.
pub(crate) fn rate(_sim: &Sim, p: &Params) -> Result<Reply, Reply> {
    p.req("merchant_no")?;
    let cur = money::currency_or_err(p.req("currency")?).map_err(Reply::bad_request)?;
    Ok(Reply::ok(json!({
        "currency": cur.code,
        "rate": money::rate_string(cur, 4),
    })))
}

/// The create-response order ("Version 1.0": amounts as strings).
fn order_v1(sim: &Sim, o: &SimOrder) -> Result<Value, Reply> {
    let cur = currency_of(o)?;
    Ok(json!({
        "agent_order_id": o.merchant_order_no,
        "amount": money::format_minor(o.amount_minor, cur.digits),
        "currency": o.currency,
        "exchange_rate": money::rate_string(cur, 4),
        "ip": o.ip,
        "merchant_no": sim.config.merchant_no,
        "no": o.payment_no,
        "product_info": o.description,
        "pay_amount": money::format_minor(money::cny_fen(o.amount_minor, cur), 2),
        "status": o.status,
        "settle_rate": "1",
        "trade_type": trade_type(o),
        "trade_time": trade_time(o.created_at),
    }))
}

fn refund_v1(r: &SimRefund) -> Result<Value, Reply> {
    Ok(json!({
        "no": r.refund_no,
        "order_no": r.payment_no,
        "outer_refund_no": r.outer_refund_no,
        "refund_amount": money::format_minor(r.amount_minor, digits(&r.currency)?),
        "status": r.status,
    }))
}

fn trade_type(o: &SimOrder) -> &'static str {
    if o.is_qr() {
        "NATIVE"
    } else {
        "MICRO"
    }
}
