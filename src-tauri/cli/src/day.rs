//! `day`: the day's close at this counter, across all its shifts: takings
//! per wallet and currency, refunds by approver, what is still unclear
//! (named); printed here (`day report`) or on the receipt printer
//! (`day print`).

use crate::args::DayCommand;
use crate::output::{self, EXIT_OK, EXIT_PENDING};
use cashier_core::backoffice::{self, LocalBooks};
use cashier_core::ledger::DayClose;
use cashier_core::CashierError;
use cashier_till::Till;
use std::sync::Arc;

pub fn run(till: &Till, cmd: DayCommand, j: bool) -> Result<i32, CashierError> {
    let engine = &till.engine;
    let local = LocalBooks {
        ledger: Arc::clone(engine.ledger()),
        counter: engine.settings().counter.to_string(),
        books: engine.settings().books.clone(),
    };
    let date = |d: Option<String>| match d {
        Some(d) => backoffice::parse_date(&d),
        None => Ok(chrono::Local::now().date_naive()),
    };
    match cmd {
        DayCommand::Report { date: d } => {
            let close = backoffice::close_day(&local, date(d)?)?;
            if j {
                output::json(&close);
            } else {
                print_close(&close);
            }
            Ok(EXIT_OK)
        }
        DayCommand::Print { date: d } => {
            let config = &till.config;
            let printer = config.printer.as_ref().ok_or_else(|| {
                CashierError::Config(
                    "no receipt printer is set up: add a [printer] section to the config".into(),
                )
            })?;
            let close = backoffice::close_day(&local, date(d)?)?;
            let bytes = cashier_receipts::render_day(
                &close,
                &config.shop.name,
                printer,
                &config.ui.language,
            )?;
            match cashier_receipts::send(&bytes, printer) {
                Ok(()) => {
                    if j {
                        output::json(&serde_json::json!({ "printed": true, "date": close.date }));
                    } else {
                        println!("the day's report for {} is printed", close.date);
                    }
                    Ok(EXIT_OK)
                }
                Err(e) => {
                    eprintln!("cashier-cli: {e}; print it again once the printer is back");
                    if j {
                        output::json(&serde_json::json!({
                            "printed": false, "date": close.date, "error": e.to_string(), "kind": "printer",
                        }));
                    }
                    Ok(EXIT_PENDING)
                }
            }
        }
    }
}

fn print_close(close: &DayClose) {
    println!("{} at counter {}", close.date, close.counter);
    for s in &close.shifts {
        println!(
            "  shift #{} {} from {} to {}",
            s.shift_id,
            s.cashier,
            s.opened_at,
            s.closed_at.as_deref().unwrap_or("(open)")
        );
    }
    for t in &close.totals {
        println!(
            "  {:<7} {} paid {} ({}), refunded {} ({}), net {}",
            t.wallet,
            t.currency.code(),
            t.paid,
            t.paid_count,
            t.refunded,
            t.refund_count,
            t.net
        );
    }
    for a in &close.refunds_by_approver {
        println!(
            "  refunds approved by {}: {} {} ({})",
            a.approved_by,
            a.currency.code(),
            a.amount,
            a.count
        );
    }
    if close.unclear.is_empty() {
        println!("  nothing is unclear");
    }
    for u in &close.unclear {
        println!(
            "  STILL UNCLEAR: {} {} {} {} (Needs attention)",
            u.kind,
            u.number,
            u.currency.code(),
            u.amount
        );
    }
}
