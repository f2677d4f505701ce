//! Orders, refunds and the needs-attention tray.

use super::payments::OrderArgs;
use super::{state, NoArgs, Result};
use cashier_core::engine::{ReconcileReport, RefundRequest, Scope};
use cashier_core::ledger::{Order, OrderFilter, OrderStatus, PinLock, Refund};
use cashier_core::wallet::Wallet;
use cashier_core::CashierError;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tauri::AppHandle;

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrdersList {
    /// "today" (the default) or "all".
    day: Option<String>,
    status: Option<String>,
    wallet: Option<Wallet>,
    /// An order number (ours or HipoPay's) or an amount.
    search: Option<String>,
}

#[tauri::command(rename_all = "snake_case")]
pub fn orders_list(app: AppHandle, args: OrdersList) -> Result<Vec<Order>> {
    let today = args.day.as_deref() != Some("all");
    let (from, to) = cashier_core::time::today_bounds();
    let status = args
        .status
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<OrderStatus>())
        .transpose()
        .map_err(CashierError::Input)?;
    let filter = OrderFilter {
        from_ms: today.then_some(from),
        to_ms: today.then_some(to),
        status,
        wallet: args.wallet,
        search: args.search,
        limit: Some(500),
        ..OrderFilter::default()
    };
    Ok(state(&app).engine()?.ledger().list_orders(&filter)?)
}

#[derive(Serialize, JsonSchema)]
pub struct OrderDetail {
    order: Order,
    refunds: Vec<Refund>,
}

#[tauri::command(rename_all = "snake_case")]
pub fn order_detail(app: AppHandle, args: OrderArgs) -> Result<OrderDetail> {
    let ledger = state(&app).engine()?.ledger().clone();
    Ok(OrderDetail {
        order: ledger.order(args.order_id)?,
        refunds: ledger.refunds_for_order(args.order_id)?,
    })
}

/// Asks HipoPay about one order now ("Check now").
#[tauri::command(rename_all = "snake_case")]
pub async fn order_check(app: AppHandle, args: OrderArgs) -> Result<Order> {
    state(&app)
        .engine()?
        .refresh_order(&args.order_id.to_string())
        .await
}

#[derive(Serialize, JsonSchema)]
pub struct Attention {
    orders: Vec<Order>,
    refunds: Vec<Refund>,
    /// PIN checks locked now (a manager can lift them).
    locks: Vec<PinLock>,
}

#[tauri::command(rename_all = "snake_case")]
pub fn attention_list(app: AppHandle, _args: NoArgs) -> Result<Attention> {
    let engine = state(&app).engine()?;
    let (orders, refunds) = engine.attention()?;
    Ok(Attention {
        orders,
        refunds,
        locks: engine.ledger().pin_locks()?,
    })
}

#[tauri::command(rename_all = "snake_case")]
pub async fn reconcile_now(app: AppHandle, _args: NoArgs) -> Result<ReconcileReport> {
    state(&app).engine()?.reconcile(Scope::All).await
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewClear {
    order_id: i64,
    manager_pin: String,
}

/// A manager has looked at an order paid after the cashier gave up.
#[tauri::command(rename_all = "snake_case")]
pub fn review_clear(app: AppHandle, args: ReviewClear) -> Result<Order> {
    let ledger = state(&app).engine()?.ledger().clone();
    let manager = ledger.verify_manager_pin(
        &args.manager_pin,
        &format!("review order #{}", args.order_id),
    )?;
    Ok(ledger.clear_review(args.order_id, manager.id)?)
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderElsewhere {
    /// Our order number (another counter's, with central books).
    reference: String,
    manager_pin: String,
}

/// An order to refund that may be another counter's: found here, or in the
/// central books and copied here (a manager's PIN), for the refund screen.
#[tauri::command(rename_all = "snake_case")]
pub async fn order_elsewhere(app: AppHandle, args: OrderElsewhere) -> Result<Order> {
    let engine = state(&app).engine()?;
    engine
        .order_for_refund(&args.reference, &args.manager_pin)
        .await
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundArgs {
    order_id: i64,
    /// Everything still refundable when left out.
    amount: Option<String>,
    reason: Option<String>,
    manager_pin: String,
}

#[tauri::command(rename_all = "snake_case")]
pub async fn refund(app: AppHandle, args: RefundArgs) -> Result<Refund> {
    let req = RefundRequest {
        order: args.order_id.to_string(),
        amount: args.amount,
        reason: args.reason,
        manager_pin: args.manager_pin,
    };
    state(&app).engine()?.refund(&req).await
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundSettle {
    refund_id: i64,
    /// What HipoPay's back office shows.
    refunded: bool,
    manager_pin: String,
}

/// A manager settles an unclear refund after checking HipoPay's back office.
#[tauri::command(rename_all = "snake_case")]
pub fn refund_settle(app: AppHandle, args: RefundSettle) -> Result<Refund> {
    state(&app)
        .engine()?
        .settle_refund(args.refund_id, args.refunded, &args.manager_pin, None)
}
