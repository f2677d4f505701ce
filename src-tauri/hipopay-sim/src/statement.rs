//! `GET /download_bill`: the statement (document §8), served from the
//! sandbox's own books. The document says only "a txt file"; the sandbox's
//! file is its own choice, shaped like a WeChat bill HipoPay might pass on:
//! comma-separated, Chinese column names, values after a backtick, one line
//! per payment and per refund, then a summary. Tests may edit what it says
//! (`StatementEdit`) to play a statement that disagrees with the till.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::money;
use crate::proto::{Delivery, Params, Reply};
use crate::sim::Sim;
use crate::state::{cst, trade_time, PAID};

/// The oldest day the statement reaches back to ("三个月以内").
const MAX_DAYS_BACK: i64 = 92;

/// A change to what the next statements say, for tests of matching.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementEdit {
    /// A payment HipoPay recorded that no till did.
    AddPayment {
        merchant_order_no: String,
        payment_no: String,
        currency: String,
        amount_minor: i64,
        /// Its time, UTC.
        at: DateTime<Utc>,
    },
    /// A payment (and its refunds) left out.
    Omit { merchant_order_no: String },
    /// A payment at another amount.
    Amount {
        merchant_order_no: String,
        amount_minor: i64,
    },
}

const HEADER: &str = "交易时间,商户号,服务商订单号,HipoPay单号,支付方式,交易类型,交易状态,币种,金额,商户退款单号,HipoPay退款单号";

struct Line {
    at: DateTime<Utc>,
    merchant_order_no: String,
    payment_no: String,
    wallet: String,
    kind: &'static str,
    currency: String,
    amount_minor: i64,
    outer_refund_no: String,
    refund_no: String,
}

fn date(p: &Params, key: &str) -> Result<NaiveDate, Reply> {
    let text = p.req(key)?;
    NaiveDate::parse_from_str(text, "%Y%m%d")
        .map_err(|_| Reply::bad_request(format!("{key} must be a date as YYYYMMDD")))
}

pub(crate) fn download_bill(sim: &Sim, p: &Params) -> Result<Reply, Reply> {
    if p.req("agent_no")? != sim.config.agent_no {
        return Err(Reply::error(403, "agent_no is not this agent"));
    }
    let (from, to) = (date(p, "start_date")?, date(p, "end_date")?);
    let today = Utc::now().with_timezone(&cst()).date_naive();
    if to < from {
        return Err(Reply::bad_request("end_date is before start_date"));
    }
    if from < today - Duration::days(MAX_DAYS_BACK) {
        return Err(Reply::bad_request(
            "the statement covers only the last three months",
        ));
    }
    let within = |t: DateTime<Utc>| {
        let day = t.with_timezone(&cst()).date_naive();
        from <= day && day <= to
    };
    let edits = sim.statement_edits();
    let omitted = |no: &str| {
        edits.iter().any(
            |e| matches!(e, StatementEdit::Omit { merchant_order_no } if merchant_order_no == no),
        )
    };
    let mut lines: Vec<Line> = sim
        .with_state(|st, _| {
            let mut lines = Vec::new();
            for o in st
                .orders
                .iter()
                .filter(|o| o.status == PAID && within(o.created_at))
            {
                if omitted(&o.merchant_order_no) {
                    continue;
                }
                let amount_minor = edits
                    .iter()
                    .find_map(|e| match e {
                        StatementEdit::Amount {
                            merchant_order_no,
                            amount_minor,
                        } if *merchant_order_no == o.merchant_order_no => Some(*amount_minor),
                        _ => None,
                    })
                    .unwrap_or(o.amount_minor);
                lines.push(Line {
                    at: o.created_at,
                    merchant_order_no: o.merchant_order_no.clone(),
                    payment_no: o.payment_no.clone(),
                    wallet: o.wallet.to_uppercase(),
                    kind: "PAYMENT",
                    currency: o.currency.clone(),
                    amount_minor,
                    outer_refund_no: String::new(),
                    refund_no: String::new(),
                });
            }
            for r in st.refunds.iter().filter(|r| within(r.created_at)) {
                if omitted(&r.merchant_order_no) {
                    continue;
                }
                lines.push(Line {
                    at: r.created_at,
                    merchant_order_no: r.merchant_order_no.clone(),
                    payment_no: r.payment_no.clone(),
                    wallet: r.wallet.to_uppercase(),
                    kind: "REFUND",
                    currency: r.currency.clone(),
                    amount_minor: r.amount_minor,
                    outer_refund_no: r.outer_refund_no.clone(),
                    refund_no: r.refund_no.clone(),
                });
            }
            lines
        })
        .0;
    for e in &edits {
        if let StatementEdit::AddPayment {
            merchant_order_no,
            payment_no,
            currency,
            amount_minor,
            at,
        } = e
        {
            if within(*at) {
                lines.push(Line {
                    at: *at,
                    merchant_order_no: merchant_order_no.clone(),
                    payment_no: payment_no.clone(),
                    wallet: "WECHAT".into(),
                    kind: "PAYMENT",
                    currency: currency.clone(),
                    amount_minor: *amount_minor,
                    outer_refund_no: String::new(),
                    refund_no: String::new(),
                });
            }
        }
    }
    lines.sort_by_key(|l| l.at);
    let mut text = String::from(HEADER);
    text.push('\n');
    let (mut payments, mut refunds) = (0, 0);
    for l in &lines {
        let digits = money::currency(&l.currency).map_or(2, |c| c.digits);
        let fields = [
            trade_time(l.at),
            sim.config.merchant_no.clone(),
            l.merchant_order_no.clone(),
            l.payment_no.clone(),
            l.wallet.clone(),
            l.kind.to_string(),
            "SUCCESS".to_string(),
            l.currency.clone(),
            money::format_minor(l.amount_minor, digits),
            l.outer_refund_no.clone(),
            l.refund_no.clone(),
        ];
        let row: Vec<String> = fields.iter().map(|f| format!("`{f}")).collect();
        text.push_str(&row.join(","));
        text.push('\n');
        if l.kind == "REFUND" {
            refunds += 1;
        } else {
            payments += 1;
        }
    }
    text.push_str("总笔数,支付笔数,退款笔数\n");
    text.push_str(&format!("`{},`{payments},`{refunds}\n", payments + refunds));
    Ok(Reply::ok(serde_json::Value::Null).with_delivery(Delivery::Text(text)))
}
