//! The slip as lines of a receipt roll: 32 columns on 58 mm paper, 48 on
//! 80 mm (font A), a Chinese character two columns wide; labels in the
//! counter's language. Rendering (`render.rs`) turns these into ESC/POS.

use crate::slip::{Slip, SlipKind};
use cashier_core::ledger::DayClose;
use cashier_core::wallet::Wallet;

/// Paper width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    Mm58,
    Mm80,
}

impl Paper {
    pub fn from_mm(mm: u32) -> Option<Paper> {
        match mm {
            58 => Some(Paper::Mm58),
            80 => Some(Paper::Mm80),
            _ => None,
        }
    }

    /// Characters of font A on a line.
    pub fn columns(self) -> usize {
        match self {
            Paper::Mm58 => 32,
            Paper::Mm80 => 48,
        }
    }
}

/// One line of the slip and how it is printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// Centered, bold, double height and width.
    Title(String),
    /// Centered.
    Center(String),
    /// Centered, bold.
    Heading(String),
    /// Left as it is.
    Text(String),
    /// Bold.
    Strong(String),
    Rule,
    /// A QR code of this text, centered.
    Qr(String),
}

/// Columns a string takes: CJK and other wide characters two.
pub fn width(text: &str) -> usize {
    text.chars().map(|c| if wide(c) { 2 } else { 1 }).sum()
}

fn wide(c: char) -> bool {
    matches!(u32::from(c),
        0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// `label ... value` on one line when both fit, else the value on its own.
fn pair(out: &mut Vec<Line>, columns: usize, label: &str, value: &str, strong: bool) {
    if value.is_empty() {
        return;
    }
    let used = width(label) + width(value);
    let lines = if used < columns {
        vec![format!("{label}{}{value}", " ".repeat(columns - used))]
    } else {
        vec![
            label.to_string(),
            format!(
                "{}{value}",
                " ".repeat(columns.saturating_sub(width(value)))
            ),
        ]
    };
    for l in lines {
        out.push(if strong {
            Line::Strong(l)
        } else {
            Line::Text(l)
        });
    }
}

/// The words of a slip in one language.
struct Words {
    payment: &'static str,
    refund: &'static str,
    test: &'static str,
    time: &'static str,
    counter: &'static str,
    cashier: &'static str,
    wallet: &'static str,
    amount: &'static str,
    refunded: &'static str,
    rate: &'static str,
    cny: &'static str,
    order_no: &'static str,
    hipopay_no: &'static str,
    refund_no: &'static str,
    hipopay_refund_no: &'static str,
    approved_by: &'static str,
    reason: &'static str,
    wechat: &'static str,
    alipay: &'static str,
    thanks: &'static str,
    test_text: &'static str,
    day: &'static str,
    date: &'static str,
    shifts: &'static str,
    paid: &'static str,
    net: &'static str,
    approvers: &'static str,
    unclear: &'static str,
    none: &'static str,
}

const EN: Words = Words {
    payment: "PAYMENT",
    refund: "REFUND",
    test: "TEST PRINT",
    time: "Time",
    counter: "Counter",
    cashier: "Cashier",
    wallet: "Wallet",
    amount: "Amount",
    refunded: "Refunded",
    rate: "Rate (CNY)",
    cny: "In CNY",
    order_no: "Order No.",
    hipopay_no: "HipoPay No.",
    refund_no: "Refund No.",
    hipopay_refund_no: "HipoPay Refund No.",
    approved_by: "Approved by",
    reason: "Reason",
    wechat: "WeChat Pay",
    alipay: "Alipay",
    thanks: "Thank you",
    test_text: "The printer works.",
    day: "DAY REPORT",
    date: "Date",
    shifts: "Shifts",
    paid: "Paid",
    net: "Net",
    approvers: "Refunds by approver",
    unclear: "Still unclear",
    none: "None",
};

const ZH_HANT: Words = Words {
    payment: "付款",
    refund: "退款",
    test: "測試列印",
    time: "時間",
    counter: "收銀台",
    cashier: "收銀員",
    wallet: "支付方式",
    amount: "金額",
    refunded: "退款金額",
    rate: "匯率（人民幣）",
    cny: "人民幣",
    order_no: "訂單號",
    hipopay_no: "HipoPay 單號",
    refund_no: "退款單號",
    hipopay_refund_no: "HipoPay 退款單號",
    approved_by: "批准人",
    reason: "原因",
    wechat: "微信支付",
    alipay: "支付寶",
    thanks: "多謝惠顧",
    test_text: "印表機運作正常。",
    day: "日結報告",
    date: "日期",
    shifts: "班次",
    paid: "收款",
    net: "淨額",
    approvers: "退款批准人",
    unclear: "尚未確定",
    none: "無",
};

const ZH_HANS: Words = Words {
    payment: "付款",
    refund: "退款",
    test: "测试打印",
    time: "时间",
    counter: "收银台",
    cashier: "收银员",
    wallet: "支付方式",
    amount: "金额",
    refunded: "退款金额",
    rate: "汇率（人民币）",
    cny: "人民币",
    order_no: "订单号",
    hipopay_no: "HipoPay 单号",
    refund_no: "退款单号",
    hipopay_refund_no: "HipoPay 退款单号",
    approved_by: "批准人",
    reason: "原因",
    wechat: "微信支付",
    alipay: "支付宝",
    thanks: "谢谢惠顾",
    test_text: "打印机工作正常。",
    day: "日结报告",
    date: "日期",
    shifts: "班次",
    paid: "收款",
    net: "净额",
    approvers: "退款批准人",
    unclear: "尚未确定",
    none: "无",
};

fn words(language: &str) -> &'static Words {
    match language {
        "zh-Hant" => &ZH_HANT,
        "zh-Hans" => &ZH_HANS,
        _ => &EN,
    }
}

/// The slip as plain text lines, as the printer lays it out on paper
/// `width_mm` wide (80 when it is not 58): the app's preview.
pub fn preview(slip: &Slip, width_mm: u32, language: &str) -> Vec<String> {
    let paper = Paper::from_mm(width_mm).unwrap_or(Paper::Mm80);
    let cols = paper.columns();
    let center = |t: &str| format!("{}{t}", " ".repeat(cols.saturating_sub(width(t)) / 2));
    lines(slip, paper, language)
        .into_iter()
        .map(|l| match l {
            Line::Title(t) | Line::Center(t) | Line::Heading(t) => center(&t),
            Line::Text(t) | Line::Strong(t) => t,
            Line::Rule => "-".repeat(cols),
            Line::Qr(data) => center(&format!("[QR {data}]")),
        })
        .collect()
}

/// The day's close at this counter, for the receipt printer.
pub fn day_lines(close: &DayClose, shop_name: &str, paper: Paper, language: &str) -> Vec<Line> {
    let w = words(language);
    let cols = paper.columns();
    let mut out = Vec::new();
    if !shop_name.is_empty() {
        out.push(Line::Title(shop_name.to_string()));
    }
    out.push(Line::Heading(w.day.to_string()));
    pair(&mut out, cols, w.date, &close.date, false);
    pair(&mut out, cols, w.counter, &close.counter, false);
    out.push(Line::Rule);
    out.push(Line::Strong(w.shifts.to_string()));
    for s in &close.shifts {
        let time = |iso: &str| iso.get(11..16).unwrap_or_default().to_string();
        let until = s
            .closed_at
            .as_deref()
            .map(time)
            .unwrap_or_else(|| "…".into());
        pair(
            &mut out,
            cols,
            &format!("#{} {}", s.shift_id, s.cashier),
            &format!("{}-{until}", time(&s.opened_at)),
            false,
        );
    }
    for t in &close.totals {
        out.push(Line::Rule);
        let wallet = match t.wallet.as_str() {
            "alipay" => w.alipay,
            _ => w.wechat,
        };
        out.push(Line::Strong(format!("{wallet} {}", t.currency.code())));
        pair(
            &mut out,
            cols,
            &format!("{} ({})", w.paid, t.paid_count),
            &t.paid,
            false,
        );
        pair(
            &mut out,
            cols,
            &format!("{} ({})", w.refunded, t.refund_count),
            &t.refunded,
            false,
        );
        pair(&mut out, cols, w.net, &t.net, true);
    }
    out.push(Line::Rule);
    out.push(Line::Strong(w.approvers.to_string()));
    if close.refunds_by_approver.is_empty() {
        out.push(Line::Text(w.none.to_string()));
    }
    for a in &close.refunds_by_approver {
        pair(
            &mut out,
            cols,
            &format!("{} ({})", a.approved_by, a.count),
            &format!("{} {}", a.currency.code(), a.amount),
            false,
        );
    }
    out.push(Line::Rule);
    out.push(Line::Strong(format!(
        "{} ({})",
        w.unclear,
        close.unclear.len()
    )));
    if close.unclear.is_empty() {
        out.push(Line::Text(w.none.to_string()));
    }
    for u in &close.unclear {
        let kind = if u.kind == "refund" {
            w.refund
        } else {
            w.payment
        };
        pair(
            &mut out,
            cols,
            kind,
            &format!("{} {}", u.currency.code(), u.amount),
            false,
        );
        out.push(Line::Text(u.number.clone()));
    }
    out
}

/// The slip's lines for this paper, in this language.
pub fn lines(slip: &Slip, paper: Paper, language: &str) -> Vec<Line> {
    let w = words(language);
    let cols = paper.columns();
    let mut out = Vec::new();
    if !slip.shop_name.is_empty() {
        out.push(Line::Title(slip.shop_name.clone()));
    }
    for part in slip.shop_address.lines().filter(|l| !l.trim().is_empty()) {
        out.push(Line::Center(part.trim().to_string()));
    }
    out.push(Line::Rule);
    out.push(Line::Heading(
        match slip.kind {
            SlipKind::Payment => w.payment,
            SlipKind::Refund => w.refund,
            SlipKind::Test => w.test,
        }
        .to_string(),
    ));
    pair(&mut out, cols, w.time, &slip.time, false);
    pair(&mut out, cols, w.counter, &slip.counter, false);
    pair(&mut out, cols, w.cashier, &slip.cashier, false);
    if let Some(wallet) = slip.wallet {
        let name = match wallet {
            Wallet::Wechat => w.wechat,
            Wallet::Alipay => w.alipay,
        };
        pair(&mut out, cols, w.wallet, name, false);
    }
    if let Some(amount) = slip.amount {
        let shown = format!("{} {}", amount.currency.code(), amount.to_decimal_string());
        pair(&mut out, cols, w.amount, &shown, slip.refund.is_none());
    }
    if let Some((rate, cny)) = &slip.cny {
        pair(&mut out, cols, w.rate, rate, false);
        pair(
            &mut out,
            cols,
            w.cny,
            &format!("CNY {}", cny.to_decimal_string()),
            false,
        );
    }
    if let Some(r) = &slip.refund {
        let shown = format!(
            "{} {}",
            r.amount.currency.code(),
            r.amount.to_decimal_string()
        );
        pair(&mut out, cols, w.refunded, &shown, true);
        pair(&mut out, cols, w.approved_by, &r.approved_by, false);
        pair(&mut out, cols, w.reason, &r.reason, false);
    }
    out.push(Line::Rule);
    pair(&mut out, cols, w.order_no, &slip.merchant_order_no, false);
    pair(
        &mut out,
        cols,
        w.hipopay_no,
        slip.hipopay_no.as_deref().unwrap_or(""),
        false,
    );
    if let Some(r) = &slip.refund {
        pair(&mut out, cols, w.refund_no, &r.outer_refund_no, false);
        pair(
            &mut out,
            cols,
            w.hipopay_refund_no,
            r.refund_no.as_deref().unwrap_or(""),
            false,
        );
    }
    if slip.kind == SlipKind::Test {
        out.push(Line::Text(w.test_text.to_string()));
    }
    // Scanned on the Orders screen, it opens the order (a refund days later).
    out.push(Line::Qr(slip.merchant_order_no.clone()));
    out.push(Line::Center(w.thanks.to_string()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_and_its_value_fill_the_line_in_columns() {
        let mut out = Vec::new();
        pair(&mut out, 32, "金額", "HKD 12.50", false);
        let Line::Text(l) = &out[0] else {
            panic!("{out:?}")
        };
        assert_eq!(width(l), 32, "{l:?}");
        assert!(l.starts_with("金額") && l.ends_with("HKD 12.50"));
        let mut out = Vec::new();
        pair(
            &mut out,
            32,
            "HipoPay Refund No.",
            "4200001234567890123456",
            false,
        );
        assert_eq!(out.len(), 2, "too long for one line: {out:?}");
    }
}
