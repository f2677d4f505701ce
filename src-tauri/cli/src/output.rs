//! What the CLI prints: one JSON object with --json, readable lines otherwise,
//! and the exit code the contract promises.

use cashier_core::ledger::{Order, OrderStatus, Refund, RefundStatus, ShiftReport};
use cashier_core::CashierError;
use serde::Serialize;

pub const EXIT_OK: i32 = 0;
pub const EXIT_OTHER: i32 = 1;
pub const EXIT_DECLINED: i32 = 2;
pub const EXIT_PENDING: i32 = 3;

pub fn order_exit(order: &Order) -> i32 {
    match order.status {
        OrderStatus::Paid => EXIT_OK,
        OrderStatus::Failed | OrderStatus::Expired => EXIT_DECLINED,
        OrderStatus::Pending => EXIT_PENDING,
    }
}

pub fn refund_exit(refund: &Refund) -> i32 {
    match refund.status {
        RefundStatus::Success => EXIT_OK,
        RefundStatus::Failed => EXIT_DECLINED,
        RefundStatus::Pending => EXIT_PENDING,
    }
}

pub fn json<T: Serialize>(value: &T) {
    match serde_json::to_string(value) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("error: cannot print JSON: {e}"),
    }
}

pub fn error(err: &CashierError, as_json: bool) {
    eprintln!("error: {err}");
    if as_json {
        json(&serde_json::json!({
            "error": err.to_string(),
            "kind": err.kind(),
            "money_may_have_moved": err.money_may_have_moved(),
        }));
    }
}

/// Whose PIN checks a lock stops, in words.
pub fn lock_subject(subject: &cashier_core::ledger::PinSubject) -> String {
    match subject {
        cashier_core::ledger::PinSubject::Person { name, .. } => format!("{name}'s PIN"),
        cashier_core::ledger::PinSubject::Approvals => "manager approvals on this till".into(),
    }
}

fn wallet_name(order: &Order) -> &'static str {
    match order.wallet {
        cashier_core::wallet::Wallet::Wechat => "WeChat Pay",
        cashier_core::wallet::Wallet::Alipay => "Alipay",
    }
}

pub fn order_text(order: &Order) -> String {
    let amount = format!(
        "{} {}",
        order.amount.to_decimal_string(),
        order.amount.currency
    );
    let head = match order.status {
        OrderStatus::Paid => format!("PAID {amount} by {}", wallet_name(order)),
        OrderStatus::Failed => format!(
            "FAILED {amount} by {}: {}",
            wallet_name(order),
            order.error.as_deref().unwrap_or("declined")
        ),
        OrderStatus::Expired => format!("EXPIRED {amount}: the customer did not pay in time"),
        OrderStatus::Pending => format!(
            "PENDING {amount} by {}: do not charge again; still checking with HipoPay",
            wallet_name(order)
        ),
    };
    let mut lines = vec![head];
    lines.push(format!(
        "  order #{}  {}  HipoPay no. {}",
        order.id,
        order.merchant_order_no,
        order.payment_no.as_deref().unwrap_or("-")
    ));
    if order.refunded_minor > 0 {
        lines.push(format!(
            "  refunded {} {}",
            cashier_core::money::format_minor(order.refunded_minor, order.amount.currency),
            order.amount.currency
        ));
    }
    if order.needs_review {
        lines.push("  ATTENTION: paid after the cashier stopped waiting; a manager should refund it if the customer paid another way".into());
    }
    lines.join("\n")
}

pub fn refund_text(refund: &Refund) -> String {
    let amount = format!(
        "{} {}",
        refund.amount.to_decimal_string(),
        refund.amount.currency
    );
    let head = match refund.status {
        RefundStatus::Success => format!("REFUNDED {amount} of order #{}", refund.order_id),
        RefundStatus::Failed => format!(
            "REFUND FAILED {amount}: {}",
            refund.error.as_deref().unwrap_or("refused by HipoPay")
        ),
        RefundStatus::Pending => {
            format!("REFUND PENDING {amount}: not confirmed yet; `reconcile` will finish it")
        }
    };
    format!(
        "{head}\n  refund #{}  {}  HipoPay refund no. {}  approved by {}",
        refund.id,
        refund.outer_refund_no,
        refund.refund_no.as_deref().unwrap_or("-"),
        refund.approved_by_name
    )
}

pub fn report_text(r: &ShiftReport) -> String {
    let mut out = vec![format!(
        "Shift #{} ({}) opened {}{}",
        r.shift_id,
        r.cashier,
        r.opened_at,
        r.closed_at
            .as_ref()
            .map(|c| format!(", closed {c}"))
            .unwrap_or_else(|| ", open".into())
    )];
    for w in &r.by_wallet {
        out.push(format!(
            "  {:<7} {}  paid {} x{}  refunded {} x{}  net {}",
            w.wallet, w.currency, w.paid, w.paid_count, w.refunded, w.refund_count, w.net
        ));
    }
    for t in &r.totals {
        out.push(format!(
            "  TOTAL   {}  paid {}  refunded {}  net {}",
            t.currency, t.paid, t.refunded, t.net
        ));
    }
    for a in &r.refunds_by_approver {
        out.push(format!(
            "  refunds approved by {}: {} {} x{}",
            a.approved_by, a.amount, a.currency, a.count
        ));
    }
    out.push(format!(
        "  orders {}  paid {}  pending {}  failed {}  expired {}  pending refunds {}",
        r.order_count,
        r.paid_count,
        r.pending_count,
        r.failed_count,
        r.expired_count,
        r.pending_refund_count
    ));
    out.join("\n")
}
