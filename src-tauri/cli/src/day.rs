//! `day`: the day's close at this counter, across all its shifts: takings
//! per wallet and currency, refunds by approver, what is still unclear
//! (named); printed here (`day report`) or on the receipt printer
//! (`day print`).

use crate::args::DayCommand;
use crate::output::{self, EXIT_OK, EXIT_PENDING};
use cashier_core::ledger::DayClose;
use cashier_core::CashierError;
use cashier_till::Till;

pub fn run(till: &Till, cmd: DayCommand, j: bool) -> Result<i32, CashierError> {
    match cmd {
        DayCommand::Report { date } => {
            let close = till.day_close(date.as_deref())?;
            if j {
                output::json(&close);
            } else {
                print_close(&close);
            }
            Ok(EXIT_OK)
        }
        DayCommand::Print { date } => match till.day_print(date.as_deref()) {
            Ok(close) => {
                if j {
                    output::json(&serde_json::json!({ "printed": true, "date": close.date }));
                } else {
                    println!("the day's report for {} is printed", close.date);
                }
                Ok(EXIT_OK)
            }
            // The printer away: nothing is lost, print it again later.
            Err(e @ CashierError::Printer(_)) => {
                eprintln!("cashier-cli: {e}; print it again once the printer is back");
                if j {
                    output::json(&serde_json::json!({
                        "printed": false, "error": e.to_string(), "kind": "printer",
                    }));
                }
                Ok(EXIT_PENDING)
            }
            Err(e) => Err(e),
        },
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
