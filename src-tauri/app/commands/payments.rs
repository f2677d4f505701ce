//! Taking payments: a scan payment started in one call and followed by
//! events keyed by its order id; a QR payment created, then waited for.

use super::{state, Result};
use cashier_core::engine::{PayRequest, QrOffer, QrRequest, StopSignal};
use cashier_core::ledger::Order;
use cashier_core::money::Currency;
use cashier_core::wallet::Wallet;
use cashier_core::CashierError;
use schemars::JsonSchema;
use serde::Deserialize;
use std::time::Duration;
use tauri::AppHandle;

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PayStart {
    /// As typed: "12.50".
    amount: String,
    /// The terminal's currency when left out.
    currency: Option<Currency>,
    /// The customer's payment code, as scanned.
    code: String,
    note: Option<String>,
}

/// Starts a scan payment: returns its order (on disk, its charge leaving) at
/// once; `order-changed` and then `payment-ended` tell the rest.
#[tauri::command(rename_all = "snake_case")]
pub async fn pay_start(app: AppHandle, args: PayStart) -> Result<Order> {
    let req = PayRequest {
        amount: args.amount,
        currency: args.currency,
        code: args.code,
        subject: args.note,
        wait: None,
    };
    Ok(state(&app)
        .engine()?
        .start_scan(&req, StopSignal::new())?
        .order)
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderArgs {
    pub order_id: i64,
}

/// The cashier stops waiting for this order: it stays PENDING and is
/// watched. False when nobody was waiting for it.
#[tauri::command(rename_all = "snake_case")]
pub fn stop_waiting(app: AppHandle, args: OrderArgs) -> Result<bool> {
    Ok(state(&app).engine()?.stop_waiting(args.order_id))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QrCreate {
    wallet: Wallet,
    amount: String,
    currency: Option<Currency>,
    note: Option<String>,
}

#[tauri::command(rename_all = "snake_case")]
pub async fn qr_create(app: AppHandle, args: QrCreate) -> Result<QrOffer> {
    let engine = state(&app).engine()?;
    let order = engine
        .create_qr(&QrRequest {
            wallet: args.wallet,
            amount: args.amount,
            currency: args.currency,
            subject: args.note,
        })
        .await?;
    engine.qr_offer(order).await
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QrWait {
    order_id: i64,
    /// How long to wait; the QR's lifetime when left out.
    secs: Option<u64>,
}

/// Waits for the customer to pay a shown QR code (or the cashier to stop
/// waiting); returns the order then.
#[tauri::command(rename_all = "snake_case")]
pub async fn qr_wait(app: AppHandle, args: QrWait) -> Result<Order> {
    let engine = state(&app).engine()?;
    let wait = args
        .secs
        .map(Duration::from_secs)
        .unwrap_or(engine.settings().qr_lifetime);
    engine
        .wait_at_counter(args.order_id, wait, &StopSignal::new())
        .await
}

/// Demo mode only: the simulated customer pays a shown QR code.
#[tauri::command(rename_all = "snake_case")]
pub fn demo_customer_pays(app: AppHandle, args: OrderArgs) -> Result<()> {
    let till = state(&app).till()?;
    let demo = till
        .demo
        .as_ref()
        .ok_or_else(|| CashierError::Input("only in demo mode".into()))?;
    let order = till.engine.ledger().order(args.order_id)?;
    demo.customer_pays(&order.merchant_order_no)
}
