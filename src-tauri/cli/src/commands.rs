//! One function per command: parse, call the core, print, pick the exit code.

use crate::args::{
    Cli, Command, OrdersArgs, PayArgs, QrArgs, RefundArgs, ShiftCommand, StaffCommand,
};
use crate::output::{self, EXIT_OK, EXIT_PENDING};
use crate::pins;
use cashier_core::engine::{Engine, PayRequest, QrRequest, RefundRequest, Scope, StopSignal};
use cashier_core::ledger::{OrderFilter, PinProof, Role, Shift};
use cashier_core::money::Currency;
use cashier_core::paths::{DefaultPaths, Paths};
use cashier_core::wallet::Wallet;
use cashier_core::CashierError;
use cashier_till::Till;
use std::sync::Arc;
use std::time::Duration;

pub async fn run(cli: Cli) -> Result<i32, CashierError> {
    // --config and --db already fall back to CASHIER_CONFIG and CASHIER_DB.
    let paths = Paths::resolve(
        cli.config.clone(),
        cli.db.clone(),
        &DefaultPaths::of_this_computer(),
    );
    let till = Till::open(paths.load_config()?, &paths, None).await?;
    if till.is_demo() && !cli.json {
        eprintln!("DEMO MODE: built-in HipoPay sandbox, no real money moves.");
    }
    let engine = &till.engine;
    let j = cli.json;
    match cli.command {
        Command::Staff(StaffCommand::Add { name, role }) => staff_add(engine, &name, &role, j),
        Command::Staff(StaffCommand::List) => {
            let staff = engine.ledger().list_staff()?;
            let locks = engine.ledger().pin_locks()?;
            if j {
                output::json(&serde_json::json!({ "staff": staff, "locks": locks }));
            } else {
                for s in staff {
                    println!(
                        "{:<20} {}{}",
                        s.name,
                        s.role.as_str(),
                        if s.active { "" } else { " (inactive)" }
                    );
                }
                for lock in locks {
                    println!(
                        "LOCKED until {}: {}",
                        lock.until,
                        output::lock_subject(&lock.subject)
                    );
                }
            }
            Ok(EXIT_OK)
        }
        Command::Staff(StaffCommand::Pin { name }) => {
            let ledger = engine.ledger();
            let target = ledger.staff_by_name(&name)?;
            let changed = if pins::present(pins::MANAGER_PIN) {
                let manager = pins::read(pins::MANAGER_PIN, "Manager PIN to approve")?;
                let new = pins::read(pins::NEW_PIN, &format!("New PIN for {}", target.name))?;
                ledger.change_pin(&name, &new, PinProof::Manager(&manager))?
            } else {
                let old = pins::read(pins::OWN_PIN, &format!("Current PIN of {}", target.name))?;
                let new = pins::read(pins::NEW_PIN, &format!("New PIN for {}", target.name))?;
                ledger.change_pin(&name, &new, PinProof::Own(&old))?
            };
            if j {
                output::json(&changed);
            } else {
                println!("{}'s PIN is changed", changed.name);
            }
            Ok(EXIT_OK)
        }
        Command::Staff(StaffCommand::Deactivate { name }) => {
            engine.ledger().staff_by_name(&name)?;
            let manager = pins::read(pins::MANAGER_PIN, "Manager PIN to approve")?;
            let staff = engine.ledger().deactivate_staff(&name, &manager)?;
            if j {
                output::json(&staff);
            } else {
                println!("{} is deactivated", staff.name);
            }
            Ok(EXIT_OK)
        }
        Command::Staff(StaffCommand::Unlock { name, by }) => {
            let pin = pins::read(pins::OWN_PIN, &format!("PIN of {by}"))?;
            let subject = engine.ledger().unlock_pin(name.as_deref(), &by, &pin)?;
            if j {
                output::json(&serde_json::json!({ "unlocked": subject }));
            } else {
                println!("unlocked: {}", output::lock_subject(&subject));
            }
            Ok(EXIT_OK)
        }
        Command::Shift(cmd) => shift(engine, cmd, j),
        Command::Books(cmd) => crate::books::run(&till, &paths, cmd, j).await,
        Command::Pay(args) => {
            let code = pay(engine, args, j).await;
            crate::print::after_sale(&till);
            code
        }
        Command::Print(args) => crate::print::run(&till, args, j),
        Command::Day(cmd) => crate::day::run(&till, cmd, j),
        Command::Qr(args) => qr(engine, args, j).await,
        Command::Order { id } => {
            // HipoPay unreachable or unclear: the order as the ledger has it,
            // still "not known yet" (exit 3), with why it could not be checked.
            let (order, check_error) = match engine.refresh_order(&id).await {
                Ok(order) => (order, None),
                Err(e) => match engine.ledger().find_order(&id) {
                    Ok(stored) if !stored.status.is_final() => (stored, Some(e.to_string())),
                    _ => return Err(e),
                },
            };
            let refunds = engine.ledger().refunds_for_order(order.id)?;
            if j {
                let mut value =
                    serde_json::to_value(&order).map_err(|e| CashierError::Input(e.to_string()))?;
                value["refunds"] = serde_json::to_value(&refunds)
                    .map_err(|e| CashierError::Input(e.to_string()))?;
                if let Some(why) = &check_error {
                    value["check_error"] = why.clone().into();
                }
                output::json(&value);
            } else {
                println!("{}", output::order_text(&order));
                for r in &refunds {
                    println!("{}", output::refund_text(r));
                }
            }
            if let Some(why) = &check_error {
                eprintln!("cashier-cli: could not check with HipoPay now: {why}");
            }
            Ok(output::order_exit(&order))
        }
        Command::Orders(args) => orders(engine, args, j),
        Command::Reconcile => {
            let report = engine.reconcile(Scope::All).await?;
            if j {
                output::json(&report);
            } else {
                println!(
                    "checked {} orders and {} refunds; {} changed",
                    report.checked_orders,
                    report.checked_refunds,
                    report.changes.len()
                );
                for c in &report.changes {
                    let loud = if c.paid_after_abandon {
                        "  <-- PAID AFTER THE CASHIER STOPPED WAITING: check with a manager"
                    } else {
                        ""
                    };
                    println!(
                        "  {} #{} {}: {} -> {}{loud}",
                        c.kind, c.id, c.number, c.from, c.to
                    );
                }
                for e in &report.errors {
                    println!("  still unclear: {e}");
                }
                println!(
                    "still pending: {} orders, {} refunds",
                    report.still_pending_orders, report.still_pending_refunds
                );
            }
            Ok(
                if report.still_pending_orders + report.still_pending_refunds > 0 {
                    EXIT_PENDING
                } else {
                    EXIT_OK
                },
            )
        }
        Command::Refund(args) => {
            let code = refund(engine, args, j).await;
            crate::print::after_sale(&till);
            code
        }
        Command::RefundSettle {
            refund_id,
            outcome,
            note,
        } => {
            engine.ledger().refund(refund_id)?;
            let pin = pins::read(pins::MANAGER_PIN, "Manager PIN to settle the refund")?;
            let refund =
                engine.settle_refund(refund_id, outcome == "refunded", &pin, note.as_deref())?;
            if j {
                output::json(&refund);
            } else {
                println!("{}", output::refund_text(&refund));
            }
            Ok(output::refund_exit(&refund))
        }
        Command::Rate { wallet, currency } => {
            let wallet: Wallet = wallet.parse().map_err(CashierError::Input)?;
            let currency = parse_currency(currency.as_deref(), engine)?;
            let rate = engine.exchange_rate(wallet, currency).await?;
            if j {
                output::json(
                    &serde_json::json!({ "wallet": wallet, "currency": currency, "rate": rate }),
                );
            } else {
                println!("1 {currency} = {rate} CNY ({wallet}); the connection and keys work");
            }
            Ok(EXIT_OK)
        }
    }
}

fn parse_currency(text: Option<&str>, engine: &Engine) -> Result<Currency, CashierError> {
    match text {
        Some(t) => Ok(t.parse::<Currency>()?),
        None => Ok(engine.settings().currency),
    }
}

fn staff_add(engine: &Engine, name: &str, role: &str, j: bool) -> Result<i32, CashierError> {
    let role: Role = role.parse().map_err(CashierError::Input)?;
    let ledger = engine.ledger();
    let manager_pin = if ledger.staff_count()? == 0 {
        None
    } else {
        Some(pins::read(pins::MANAGER_PIN, "Manager PIN to approve")?)
    };
    let pin = pins::read(pins::OWN_PIN, &format!("New PIN for {name}"))?;
    let staff = ledger.add_staff_with_approval(name, role, &pin, manager_pin.as_deref())?;
    if j {
        output::json(&staff);
    } else {
        println!("added {} ({})", staff.name, staff.role.as_str());
    }
    Ok(EXIT_OK)
}

fn shift_for(engine: &Engine, id: Option<i64>) -> Result<Shift, CashierError> {
    let ledger = engine.ledger();
    Ok(match id {
        Some(id) => ledger.shift(id)?,
        None => match ledger.current_shift()? {
            Some(s) => s,
            None => ledger.latest_shift()?,
        },
    })
}

fn shift(engine: &Engine, cmd: ShiftCommand, j: bool) -> Result<i32, CashierError> {
    let ledger = engine.ledger();
    match cmd {
        ShiftCommand::Open { staff } => {
            let pin = pins::read(pins::OWN_PIN, &format!("PIN for {staff}"))?;
            let shift = engine.open_shift(&staff, &pin)?;
            if j {
                output::json(&shift);
            } else {
                println!("shift #{} open for {}", shift.id, shift.staff_name);
            }
        }
        ShiftCommand::Close => {
            // The shift's own cashier closes it, or a manager does.
            let pin = if pins::present(pins::MANAGER_PIN) {
                pins::read(pins::MANAGER_PIN, "Manager PIN")?
            } else {
                let open = ledger.require_open_shift()?;
                pins::read(pins::OWN_PIN, &format!("PIN for {}", open.staff_name))?
            };
            let closed = ledger.close_shift_with_pin(&pin)?;
            let report = ledger.shift_report(&closed)?;
            if j {
                output::json(&report);
            } else {
                println!("{}", output::report_text(&report));
            }
        }
        ShiftCommand::Report { shift } => {
            let report = ledger.shift_report(&shift_for(engine, shift)?)?;
            if j {
                output::json(&report);
            } else {
                println!("{}", output::report_text(&report));
            }
        }
        ShiftCommand::Export {
            shift,
            format: _,
            out,
        } => {
            let s = shift_for(engine, shift)?;
            let mut bytes = Vec::new();
            let rows = ledger.export_shift_csv(&s, &mut bytes)?;
            cashier_core::export::write_file(&out, &bytes)?;
            if j {
                output::json(&serde_json::json!({ "shift_id": s.id, "rows": rows, "out": out }));
            } else {
                println!("wrote {rows} rows of shift #{} to {}", s.id, out.display());
            }
        }
    }
    Ok(EXIT_OK)
}

/// Ctrl-C while waiting means "stop waiting", never "cancel".
fn stop_on_ctrl_c() -> StopSignal {
    let stop = StopSignal::new();
    let s = stop.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            s.stop();
        }
    });
    stop
}

async fn pay(engine: &Arc<Engine>, args: PayArgs, j: bool) -> Result<i32, CashierError> {
    let req = PayRequest {
        amount: args.amount,
        currency: args
            .currency
            .as_deref()
            .map(str::parse::<Currency>)
            .transpose()?,
        code: args.code,
        subject: args.subject,
        wait: args.wait_secs.map(Duration::from_secs),
    };
    let order = engine.pay_scan(&req, stop_on_ctrl_c()).await?;
    if j {
        output::json(&order);
    } else {
        println!("{}", output::order_text(&order));
    }
    Ok(output::order_exit(&order))
}

async fn qr(engine: &Engine, args: QrArgs, j: bool) -> Result<i32, CashierError> {
    let req = QrRequest {
        wallet: args.wallet.parse::<Wallet>().map_err(CashierError::Input)?,
        amount: args.amount,
        currency: args
            .currency
            .as_deref()
            .map(str::parse::<Currency>)
            .transpose()?,
        subject: args.subject,
    };
    let mut order = engine.create_qr(&req).await?;
    if let (Some(payload), Some(path)) = (order.qr_payload.as_deref(), args.png.as_deref()) {
        let png =
            cashier_core::qr::png(payload, 512).map_err(|e| CashierError::Input(e.to_string()))?;
        cashier_core::export::write_file(path, &png)?;
    }
    if !j {
        if let Some(payload) = order.qr_payload.as_deref() {
            let art = cashier_core::qr::terminal(payload)
                .map_err(|e| CashierError::Input(e.to_string()))?;
            println!("{art}");
            println!(
                "Customer: scan with {} to pay {} {}   ({payload})",
                if req.wallet == Wallet::Wechat {
                    "WeChat"
                } else {
                    "Alipay"
                },
                order.amount.to_decimal_string(),
                order.amount.currency
            );
        }
    }
    if let Some(secs) = args.wait_secs {
        if !order.status.is_final() {
            order = engine
                .wait_at_counter(order.id, Duration::from_secs(secs), &stop_on_ctrl_c())
                .await?;
        }
    }
    if j {
        output::json(&order);
    } else if args.wait_secs.is_some() || order.status.is_final() {
        println!("{}", output::order_text(&order));
    } else {
        println!(
            "order #{} waiting for payment; `cashier-cli order {}` checks it",
            order.id, order.id
        );
    }
    Ok(output::order_exit(&order))
}

fn orders(engine: &Engine, args: OrdersArgs, j: bool) -> Result<i32, CashierError> {
    let (from, to) = cashier_core::time::today_bounds();
    let everything = args.all || args.shift.is_some();
    let filter = OrderFilter {
        from_ms: (!everything).then_some(from),
        to_ms: (!everything).then_some(to),
        shift_id: args.shift,
        status: args
            .status
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(CashierError::Input)?,
        wallet: args
            .wallet
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(CashierError::Input)?,
        search: args.search,
        limit: Some(500),
    };
    let list = engine.ledger().list_orders(&filter)?;
    if j {
        output::json(&serde_json::json!({ "orders": list }));
    } else {
        for o in &list {
            println!(
                "#{:<6} {}  {:<8} {:<7} {:>10} {}  {}",
                o.id,
                cashier_core::time::iso(o.created_at),
                o.status.as_str(),
                o.wallet.as_str(),
                o.amount.to_decimal_string(),
                o.amount.currency,
                o.merchant_order_no
            );
        }
    }
    Ok(EXIT_OK)
}

async fn refund(engine: &Engine, args: RefundArgs, j: bool) -> Result<i32, CashierError> {
    // Ask for the PIN only after the order is known to exist.
    engine.check_refundable_exists(&args.order_id).await?;
    let pin = pins::read(pins::MANAGER_PIN, "Manager PIN to approve the refund")?;
    let refund = engine
        .refund(&RefundRequest {
            order: args.order_id,
            amount: args.amount,
            reason: args.reason,
            manager_pin: pin,
        })
        .await?;
    if j {
        output::json(&refund);
    } else {
        println!("{}", output::refund_text(&refund));
    }
    Ok(output::refund_exit(&refund))
}
