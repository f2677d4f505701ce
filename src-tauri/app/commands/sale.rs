//! Payments, orders, refunds and the needs-attention tray.

use super::Result;
use crate::state::AppState;
use cashier_core::engine::{PayRequest, QrDisplay, QrRequest, ReconcileReport, RefundRequest};
use cashier_core::ledger::{Order, OrderFilter, Refund};
use cashier_core::wallet::Wallet;
use cashier_core::CashierError;
use serde::Serialize;
use std::time::Duration;
use tauri::State;

#[tauri::command(rename_all = "snake_case")]
pub async fn pay_scan(
    state: State<'_, AppState>,
    amount: String,
    currency: Option<String>,
    code: String,
    note: Option<String>,
) -> Result<Order> {
    let req = PayRequest {
        amount,
        currency: super::currency(currency)?,
        code,
        subject: note,
        wait: None,
    };
    let stop = state.begin_wait();
    let result = state.engine()?.pay_scan(&req, &stop).await;
    state.end_wait();
    result
}

#[tauri::command(rename_all = "snake_case")]
pub fn stop_waiting(state: State<'_, AppState>) {
    state.stop_waiting();
}

#[tauri::command(rename_all = "snake_case")]
pub async fn qr_create(
    state: State<'_, AppState>,
    wallet: String,
    amount: String,
    currency: Option<String>,
    note: Option<String>,
) -> Result<QrDisplay> {
    let wallet = wallet.parse::<Wallet>().map_err(CashierError::Input)?;
    let engine = state.engine()?;
    let order = engine
        .create_qr(&QrRequest {
            wallet,
            amount,
            currency: super::currency(currency)?,
            subject: note,
        })
        .await?;
    engine.qr_display(order).await
}

#[tauri::command(rename_all = "snake_case")]
pub async fn qr_wait(
    state: State<'_, AppState>,
    order_id: i64,
    secs: Option<u64>,
) -> Result<Order> {
    let engine = state.engine()?;
    let wait = secs
        .map(Duration::from_secs)
        .unwrap_or(engine.settings().qr_lifetime);
    let stop = state.begin_wait();
    let result = engine.wait_at_counter(order_id, wait, &stop).await;
    state.end_wait();
    result
}

#[tauri::command(rename_all = "snake_case")]
pub fn orders_list(
    state: State<'_, AppState>,
    day: Option<String>,
    status: Option<String>,
    wallet: Option<String>,
    search: Option<String>,
) -> Result<Vec<Order>> {
    let today = day.as_deref() != Some("all");
    let (from, to) = cashier_core::time::today_bounds();
    let filter = OrderFilter {
        from_ms: today.then_some(from),
        to_ms: today.then_some(to),
        status: status
            .filter(|s| !s.is_empty())
            .map(|s| s.parse())
            .transpose()
            .map_err(CashierError::Input)?,
        wallet: wallet
            .filter(|w| !w.is_empty())
            .map(|w| w.parse())
            .transpose()
            .map_err(CashierError::Input)?,
        search,
        limit: Some(500),
        ..OrderFilter::default()
    };
    Ok(state.engine()?.ledger().list_orders(&filter)?)
}

#[derive(Serialize)]
pub struct OrderDetail {
    order: Order,
    refunds: Vec<Refund>,
}

#[tauri::command(rename_all = "snake_case")]
pub fn order_detail(state: State<'_, AppState>, order_id: i64) -> Result<OrderDetail> {
    let ledger = state.engine()?.ledger().clone();
    Ok(OrderDetail {
        order: ledger.order(order_id)?,
        refunds: ledger.refunds_for_order(order_id)?,
    })
}

#[tauri::command(rename_all = "snake_case")]
pub async fn order_check(state: State<'_, AppState>, order_id: i64) -> Result<Order> {
    state.engine()?.refresh_order(&order_id.to_string()).await
}

#[derive(Serialize)]
pub struct Attention {
    orders: Vec<Order>,
    refunds: Vec<Refund>,
}

#[tauri::command(rename_all = "snake_case")]
pub fn attention_list(state: State<'_, AppState>) -> Result<Attention> {
    let (orders, refunds) = state.engine()?.attention()?;
    Ok(Attention { orders, refunds })
}

#[tauri::command(rename_all = "snake_case")]
pub async fn reconcile_now(state: State<'_, AppState>) -> Result<ReconcileReport> {
    state.engine()?.reconcile().await
}

#[tauri::command(rename_all = "snake_case")]
pub fn review_clear(
    state: State<'_, AppState>,
    order_id: i64,
    manager_pin: String,
) -> Result<Order> {
    let ledger = state.engine()?.ledger().clone();
    let manager = ledger.verify_manager_pin(&manager_pin, &format!("review order #{order_id}"))?;
    Ok(ledger.clear_review(order_id, manager.id)?)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn refund(
    state: State<'_, AppState>,
    order_id: i64,
    amount: Option<String>,
    reason: Option<String>,
    manager_pin: String,
) -> Result<Refund> {
    let req = RefundRequest {
        order: order_id.to_string(),
        amount,
        reason,
        manager_pin,
    };
    state.engine()?.refund(&req).await
}

/// A manager settles an unclear refund after checking HipoPay's back office.
#[tauri::command(rename_all = "snake_case")]
pub fn refund_settle(
    state: State<'_, AppState>,
    refund_id: i64,
    refunded: bool,
    manager_pin: String,
) -> Result<Refund> {
    state
        .engine()?
        .settle_refund(refund_id, refunded, &manager_pin, None)
}

/// Demo mode only: the simulated customer pays a shown QR code.
#[tauri::command(rename_all = "snake_case")]
pub fn demo_customer_pays(state: State<'_, AppState>, order_id: i64) -> Result<()> {
    let rt = state.runtime()?;
    let demo = rt
        .demo
        .as_ref()
        .ok_or_else(|| CashierError::Input("only in demo mode".into()))?;
    let order = rt.engine.ledger().order(order_id)?;
    demo.sim
        .customer_pays(&order.merchant_order_no)
        .map_err(|e| CashierError::Input(e.to_string()))
}
