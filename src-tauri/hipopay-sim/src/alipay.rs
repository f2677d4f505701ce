//! Alipay endpoints (`/alipay/*`). Same books as WeChat, different names:
//! `payment_no`, `out_order_no` (but `outer_order_no` in create answers),
//! `refund_no`, and a rate answer outside `data`.

use serde_json::{json, Value};

use crate::money;
use crate::ops::{
    self, currency_of, digits, random_alnum, NewOrder, RefundKey, ScanOutcome, Wallet,
};
use crate::proto::{Params, Reply};
use crate::sim::Sim;
use crate::state::{trade_time, SimOrder, SimRefund, FAIL};

/// `POST /alipay/scan_pay`. Declines are HTTP 200 with status FAIL and a
/// `fail_reason`, unlike WeChat's 555.
pub(crate) fn scan_pay(sim: &Sim, p: &Params) -> Result<Reply, Reply> {
    let new = new_order(p)?;
    let code = p.req("auth_code")?;
    match ops::scan_charge(sim, &new, code)? {
        ScanOutcome::Refused(status, message) => Err(Reply::error(status, message)),
        ScanOutcome::CodeUsed => {
            // Answered like a decline but not recorded: a query for it finds nothing.
            let now = chrono::Utc::now();
            let mut order = new.build(ops::unrecorded_number(sim), FAIL, now);
            order.fail_reason = Some("AUTH_CODE_USED".to_string());
            Ok(Reply::ok(json!({ "order": create_order(sim, &order)? })))
        }
        ScanOutcome::Recorded(order, scenario) => {
            let reply = Reply::ok(json!({ "order": create_order(sim, &order)? }));
            Ok(reply.with_delivery(scenario.delivery(sim.config.slow_answer)))
        }
    }
}

/// `POST /alipay/qrcode_pay`: an INIT order and the `qrcode` to show.
pub(crate) fn qrcode_pay(sim: &Sim, p: &Params) -> Result<Reply, Reply> {
    let new = new_order(p)?;
    let qrcode = format!("https://qr.alipay.com/bax{}", random_alnum(20));
    let order = ops::qr_charge(sim, &new, qrcode.clone())?;
    Ok(Reply::ok(json!({
        "qrcode": qrcode,
        "order": create_order(sim, &order)?,
    })))
}

fn new_order(p: &Params) -> Result<NewOrder<'_>, Reply> {
    p.req("merchant_no")?;
    let (currency, amount_minor) = ops::money_params(p)?;
    Ok(NewOrder {
        wallet: Wallet::Alipay,
        merchant_order_no: p.req("out_order_no")?,
        amount_minor,
        currency,
        description: p.req("subject")?,
        ip: "",
        device_info: "",
    })
}

/// `GET /alipay/order` by `payment_no` and/or `out_order_no`.
pub(crate) fn query_order(sim: &Sim, p: &Params) -> Result<Reply, Reply> {
    let (no, out_no) = (p.opt("payment_no"), p.opt("out_order_no"));
    if no.is_none() && out_no.is_none() {
        return Err(Reply::bad_request("payment_no or out_order_no is required"));
    }
    let (o, _refunds) = ops::query_order(sim, Wallet::Alipay, no, out_no)?;
    let cur = currency_of(&o)?;
    let mut order = json!({
        "payment_no": o.payment_no,
        "out_order_no": o.merchant_order_no,
        "merchant_no": sim.config.merchant_no,
        "amount": money::format_minor(o.amount_minor, cur.digits),
        "currency": o.currency,
        "status": o.status,
        "refund_status": o.refund_status(),
        "refundable_amount": money::format_minor(o.refundable_minor(), cur.digits),
        "exchange_rate": money::rate_string(cur, 6),
        "pay_amount": money::format_minor(money::cny_fen(o.amount_minor, cur), 2),
        "pay_currency": "CNY",
        "subject": o.description,
        "product_info": o.description,
        "trade_time": trade_time(o.created_at),
        "trade_type": "NATIVE",
    });
    add_fail_reason(&mut order, &o);
    Ok(Reply::ok(json!({ "order": order })))
}

/// `POST /alipay/refund`.
pub(crate) fn refund(sim: &Sim, p: &Params) -> Result<Reply, Reply> {
    let payment_no = p.req("payment_no")?;
    let outer = p.req("outer_refund_no")?;
    let r = ops::refund(
        sim,
        Wallet::Alipay,
        payment_no,
        p.opt("refund_amount"),
        Some(outer),
    )?;
    Ok(Reply::ok(json!({ "refund": refund_json(&r)? })))
}

/// `GET /alipay/refund`. The document names the merchant number
/// `outer_order_no` here; `out_order_no` is accepted too.
pub(crate) fn query_refund(sim: &Sim, p: &Params) -> Result<Reply, Reply> {
    let merchant_no = p.opt("outer_order_no").or_else(|| p.opt("out_order_no"));
    let (key, single) = if let Some(n) = p.opt("refund_no") {
        (RefundKey::Refund(n), true)
    } else if let Some(n) = p.opt("outer_refund_no") {
        (RefundKey::OuterRefund(n), true)
    } else if let Some(n) = p.opt("payment_no") {
        (RefundKey::Payment(n), false)
    } else if let Some(n) = merchant_no {
        (RefundKey::MerchantOrder(n), false)
    } else {
        return Err(Reply::bad_request(
            "one of refund_no, payment_no, outer_order_no, outer_refund_no is required",
        ));
    };
    let found = ops::find_refunds(sim, Wallet::Alipay, key)?;
    let list = found
        .iter()
        .map(refund_json)
        .collect::<Result<Vec<_>, Reply>>()?;
    Ok(if single {
        Reply::ok(json!({ "refund": list[0] }))
    } else {
        Reply::ok(json!({ "refunds": list }))
    })
}

/// `GET /alipay/rate`: the document puts `rate` next to `meta`, not in `data`.
pub(crate) fn rate(_sim: &Sim, p: &Params) -> Result<Reply, Reply> {
    let cur = money::currency_or_err(p.req("currency")?).map_err(Reply::bad_request)?;
    Ok(Reply::ok_top_level(
        "rate",
        json!({ "currency": cur.code, "rate": money::rate_string(cur, 6) }),
    ))
}

/// The order in create answers, which say `outer_order_no`.
fn create_order(sim: &Sim, o: &SimOrder) -> Result<Value, Reply> {
    let cur = currency_of(o)?;
    let mut order = json!({
        "payment_no": o.payment_no,
        "merchant_no": sim.config.merchant_no,
        "currency": o.currency,
        "amount": money::format_minor(o.amount_minor, cur.digits),
        "outer_order_no": o.merchant_order_no,
        "status": o.status,
        "trade_type": "NATIVE",
        "trade_time": trade_time(o.created_at),
        "subject": o.description,
        "exchange_rate": money::rate_string(cur, 4),
    });
    add_fail_reason(&mut order, o);
    Ok(order)
}

fn add_fail_reason(order: &mut Value, o: &SimOrder) {
    if let (Some(reason), Some(map)) = (&o.fail_reason, order.as_object_mut()) {
        if o.status == FAIL {
            map.insert("fail_reason".into(), Value::String(reason.clone()));
        }
    }
}

fn refund_json(r: &SimRefund) -> Result<Value, Reply> {
    Ok(json!({
        "refund_no": r.refund_no,
        "payment_no": r.payment_no,
        "outer_refund_no": r.outer_refund_no,
        "refund_amount": money::format_minor(r.amount_minor, digits(&r.currency)?),
        "status": r.status,
    }))
}
