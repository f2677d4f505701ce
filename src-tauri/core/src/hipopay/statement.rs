//! HipoPay's statement (document §8, "导出对账单"): what HipoPay itself
//! recorded for a range of days, as "a txt file". The document names only
//! `agent_no`, `start_date` and `end_date`; every other choice is made here,
//! in one place, and written down:
//!
//! - the call is `GET /download_bill`, dates as `YYYYMMDD`, both days whole
//!   (00:00:00 to 23:59:59), as HipoPay's official SDKs send it;
//! - a day is HipoPay's day, in China and Hong Kong time (UTC+8), which the
//!   document's own examples use;
//! - the file is text, UTF-8 (with or without a BOM) or else GB18030; its
//!   columns are separated by commas, tabs or `|`, values may carry WeChat's
//!   leading backtick or quotes; a header names the columns, and they are
//!   found by those names (English or Chinese, in any order), never by
//!   position; the detail ends at the first line of another shape (a
//!   summary), which is kept in the raw file but not read.
//!
//! Whatever the real file looks like, the raw bytes are kept beside the
//! match result, so a changed format costs a look, not the books.

use crate::money::{parse_minor, Currency};
use crate::wallet::Wallet;
use chrono::{FixedOffset, NaiveDate};
use serde::Serialize;

/// HipoPay's day: UTC+8.
pub fn hipopay_offset() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"))
}

/// `YYYYMMDD`, as the statement call takes a date.
pub fn statement_date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// A payment or a refund, as one line of the statement says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LineKind {
    Payment,
    Refund,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementLine {
    /// Its line in the file (1-based), for messages.
    pub line: usize,
    pub kind: LineKind,
    pub merchant_order_no: String,
    pub payment_no: Option<String>,
    pub outer_refund_no: Option<String>,
    pub refund_no: Option<String>,
    pub wallet: Option<Wallet>,
    /// As written ("SUCCESS", "PAID", "REFUND", …), upper case.
    pub status: String,
    pub currency: Currency,
    pub amount_minor: i64,
    pub time: Option<String>,
    pub merchant_no: Option<String>,
}

impl StatementLine {
    /// Whether the money moved: a payment paid, a refund made. A file with
    /// no status column lists only what went through.
    pub fn succeeded(&self) -> bool {
        matches!(
            self.status.as_str(),
            "" | "SUCCESS" | "SUCCEEDED" | "PAID" | "TRADE_SUCCESS" | "REFUND"
        ) || matches!(self.status.as_str(), "成功" | "支付成功" | "退款成功")
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StatementError {
    #[error("HipoPay's statement has no header line naming its columns")]
    NoHeader,
    #[error("HipoPay's statement has no {0} column (columns: {1})")]
    MissingColumn(&'static str, String),
    #[error("HipoPay's statement, line {line}: {problem}")]
    BadLine { line: usize, problem: String },
}

/// The columns read, each by the names HipoPay (or WeChat and Alipay, whose
/// bills HipoPay passes on) may give it; compared without case, spaces,
/// underscores or dashes.
const COLUMNS: &[(Column, &[&str])] = &[
    (
        Column::MerchantOrderNo,
        &[
            "merchantorderno",
            "agentorderid",
            "outorderno",
            "outtradeno",
            "商户订单号",
            "服务商订单号",
            "服务商内部单号",
            "商户单号",
        ],
    ),
    (
        Column::PaymentNo,
        &[
            "paymentno",
            "orderno",
            "no",
            "hipopay单号",
            "hipopay支付单号",
            "hipopay订单号",
            "支付单号",
        ],
    ),
    (
        Column::Kind,
        &["type", "transactiontype", "tradetype", "交易类型", "类型"],
    ),
    (
        Column::Status,
        &["status", "tradestatus", "交易状态", "状态"],
    ),
    (Column::Currency, &["currency", "币种", "幣種"]),
    (
        Column::Amount,
        &[
            "amount",
            "totalamount",
            "orderamount",
            "金额",
            "订单金额",
            "交易金额",
            "總金額",
        ],
    ),
    (
        Column::RefundAmount,
        &["refundamount", "退款金额", "申请退款金额"],
    ),
    (
        Column::OuterRefundNo,
        &[
            "outerrefundno",
            "outrefundno",
            "商户退款单号",
            "外部退款单号",
        ],
    ),
    (
        Column::RefundNo,
        &["refundno", "hipopay退款单号", "退款单号"],
    ),
    (
        Column::Wallet,
        &["wallet", "channel", "paymentmethod", "支付方式", "支付渠道"],
    ),
    (
        Column::Time,
        &["tradetime", "time", "transactiontime", "交易时间"],
    ),
    (Column::MerchantNo, &["merchantno", "商户号"]),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    MerchantOrderNo,
    PaymentNo,
    Kind,
    Status,
    Currency,
    Amount,
    RefundAmount,
    OuterRefundNo,
    RefundNo,
    Wallet,
    Time,
    MerchantNo,
}

fn squash(name: &str) -> String {
    clean(name)
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '\u{3000}'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A value without WeChat's leading backtick, quotes or padding.
fn clean(value: &str) -> &str {
    value
        .trim()
        .trim_start_matches('\u{feff}')
        .trim_start_matches('`')
        .trim_matches('"')
        .trim()
}

/// The file as text: UTF-8 (a BOM dropped), else GB18030.
pub fn decode_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.trim_start_matches('\u{feff}').to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

fn separator(header: &str) -> char {
    ['\t', '|', ',']
        .into_iter()
        .max_by_key(|c| header.matches(*c).count())
        .unwrap_or(',')
}

/// Reads a statement's detail lines. An unreadable line is an error that
/// names it: a statement is read whole or not at all.
pub fn parse(bytes: &[u8]) -> Result<Vec<StatementLine>, StatementError> {
    let text = decode_text(bytes);
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    // The header: the first line naming the order-number column.
    let (header, sep, columns) = loop {
        let Some((_, line)) = lines.next() else {
            return Err(StatementError::NoHeader);
        };
        let sep = separator(line);
        let names: Vec<String> = line.split(sep).map(squash).collect();
        let find = |col: Column| {
            let aliases = COLUMNS
                .iter()
                .find(|(c, _)| *c == col)
                .map(|(_, a)| *a)
                .unwrap_or_default();
            names.iter().position(|n| aliases.contains(&n.as_str()))
        };
        if find(Column::MerchantOrderNo).is_some() {
            let columns: Vec<(Column, Option<usize>)> =
                COLUMNS.iter().map(|(c, _)| (*c, find(*c))).collect();
            break (line.to_string(), sep, columns);
        }
    };
    let at = |col: Column| {
        columns
            .iter()
            .find(|(c, _)| *c == col)
            .and_then(|(_, i)| *i)
    };
    let shown_columns = || {
        header
            .split(sep)
            .map(|n| clean(n).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (needed, name) in [(Column::Amount, "amount"), (Column::Currency, "currency")] {
        if at(needed).is_none() {
            return Err(StatementError::MissingColumn(name, shown_columns()));
        }
    }
    let width = header.split(sep).count();
    let mut out = Vec::new();
    for (i, line) in lines {
        let fields: Vec<&str> = line.split(sep).map(clean).collect();
        if fields.len() != width {
            // The summary: another shape; the detail is over.
            break;
        }
        let number = i + 1;
        let get = |col: Column| at(col).map(|i| fields[i]).filter(|v| !v.is_empty());
        let bad = |problem: String| StatementError::BadLine {
            line: number,
            problem,
        };
        let merchant_order_no = get(Column::MerchantOrderNo)
            .ok_or_else(|| bad("no merchant order number".into()))?
            .to_string();
        let currency: Currency = get(Column::Currency)
            .ok_or_else(|| bad("no currency".into()))?
            .parse()
            .map_err(|e| bad(format!("{e}")))?;
        let outer_refund_no = get(Column::OuterRefundNo).map(str::to_string);
        let refund_no = get(Column::RefundNo).map(str::to_string);
        let kind_text = get(Column::Kind).map(str::to_uppercase);
        let kind = match kind_text.as_deref() {
            Some("REFUND" | "退款") => LineKind::Refund,
            Some("PAYMENT" | "PAY" | "SALE" | "支付" | "付款" | "交易") => LineKind::Payment,
            // No type column (or a trade type like NATIVE): a refund shows
            // itself by its refund number.
            _ if outer_refund_no.is_some() || refund_no.is_some() => LineKind::Refund,
            _ => LineKind::Payment,
        };
        let amount_text = match kind {
            LineKind::Refund => get(Column::RefundAmount).or_else(|| get(Column::Amount)),
            LineKind::Payment => get(Column::Amount),
        }
        .ok_or_else(|| bad("no amount".into()))?;
        // Some bills write refunds as negative amounts.
        let amount_minor = parse_minor(amount_text.trim_start_matches('-'), currency)
            .map_err(|e| bad(format!("amount {amount_text:?}: {e}")))?;
        let wallet = get(Column::Wallet).and_then(|w| {
            let w = w.to_lowercase();
            if w.contains("wechat") || w.contains("weixin") || w.contains("微信") {
                Some(Wallet::Wechat)
            } else if w.contains("alipay") || w.contains("支付宝") {
                Some(Wallet::Alipay)
            } else {
                None
            }
        });
        out.push(StatementLine {
            line: number,
            kind,
            merchant_order_no,
            payment_no: get(Column::PaymentNo).map(str::to_string),
            outer_refund_no,
            refund_no,
            wallet,
            status: get(Column::Status).unwrap_or_default().to_uppercase(),
            currency,
            amount_minor,
            time: get(Column::Time).map(str::to_string),
            merchant_no: get(Column::MerchantNo).map(str::to_string),
        });
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const SANDBOX_STYLE: &str = "交易时间,商户号,服务商订单号,HipoPay单号,支付方式,交易类型,交易状态,币种,金额,商户退款单号,HipoPay退款单号
`2026-12-02 10:00:01,`M1,`C1-2026120210000112345678,`2026120210000111,`WECHAT,`PAYMENT,`SUCCESS,`HKD,`12.50,`,`
`2026-12-02 11:00:00,`M1,`C1-2026120210000112345678,`2026120210000111,`WECHAT,`REFUND,`SUCCESS,`HKD,`2.50,`RF1,`R9
`2026-12-02 12:00:00,`M1,`C2-2026120212000000000001,`2026120212000000,`ALIPAY,`PAYMENT,`SUCCESS,`JPY,`1200,`,`
总笔数,总金额,总退款金额
`2,`12.50,`2.50
";

    #[test]
    fn the_sandboxs_file_reads_by_its_column_names() {
        let lines = parse(SANDBOX_STYLE.as_bytes()).unwrap();
        assert_eq!(lines.len(), 3, "the summary is not a line: {lines:?}");
        let pay = &lines[0];
        assert_eq!(pay.kind, LineKind::Payment);
        assert_eq!(pay.merchant_order_no, "C1-2026120210000112345678");
        assert_eq!(pay.payment_no.as_deref(), Some("2026120210000111"));
        assert_eq!((pay.currency, pay.amount_minor), (Currency::HKD, 1250));
        assert_eq!(pay.wallet, Some(Wallet::Wechat));
        assert!(pay.succeeded());
        let refund = &lines[1];
        assert_eq!(refund.kind, LineKind::Refund);
        assert_eq!(refund.outer_refund_no.as_deref(), Some("RF1"));
        assert_eq!(refund.amount_minor, 250);
        assert_eq!(
            (lines[2].currency, lines[2].amount_minor),
            (Currency::JPY, 1200)
        );
        assert_eq!(lines[2].line, 4);
    }

    #[test]
    fn other_spellings_orders_and_encodings_read_the_same() {
        // English names in another order, tabs, a BOM, negative refunds, no type column.
        let english =
            "\u{feff}Refund Amount\tCurrency\tout_order_no\tAmount\tOuter_Refund_No\tStatus
\tHKD\tC1-1\t12.50\t\tPAID
-2.50\tHKD\tC1-1\t12.50\tRF1\tSUCCESS
";
        let lines = parse(english.as_bytes()).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(
            (lines[0].kind, lines[0].amount_minor),
            (LineKind::Payment, 1250)
        );
        assert_eq!(
            (lines[1].kind, lines[1].amount_minor),
            (LineKind::Refund, 250)
        );
        // The sandbox's file in GB18030, as a Chinese Windows tool would save it.
        let (gb, _, _) = encoding_rs::GB18030.encode(SANDBOX_STYLE);
        assert!(std::str::from_utf8(&gb).is_err());
        assert_eq!(
            parse(&gb).unwrap(),
            parse(SANDBOX_STYLE.as_bytes()).unwrap()
        );
    }

    #[test]
    fn a_statement_that_cannot_be_read_whole_is_refused_clearly() {
        assert_eq!(parse(b"").unwrap_err(), StatementError::NoHeader);
        assert_eq!(
            parse(b"<html>Service gateway</html>").unwrap_err(),
            StatementError::NoHeader
        );
        let e = parse("商户订单号,金额\n`C1-1,`1.00\n".as_bytes()).unwrap_err();
        assert!(e.to_string().contains("no currency column"), "{e}");
        let e = parse("商户订单号,币种,金额\n`C1-1,`HKD,`1.001\n`C1-2,`HKD,`x\n".as_bytes())
            .unwrap_err();
        assert!(
            matches!(e, StatementError::BadLine { line: 2, .. }),
            "the first bad line is named: {e}"
        );
        let e = parse("商户订单号,币种,金额\n`C1-1,`XYZ,`1.00\n".as_bytes()).unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
    }
}
