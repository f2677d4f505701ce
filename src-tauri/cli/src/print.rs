//! `print`: a payment's slip again (`--refunds`: its refund slips), or the
//! slips queued while the printer was away (`--pending`). The till does the
//! work (`cashier_till::Till::print_slip`, the same as the app's button):
//! each slip is queued in the ledger first, so one the printer does not
//! take now waits for the next `print --pending`.

use crate::args::PrintArgs;
use crate::output::{self, EXIT_OK, EXIT_PENDING};
use cashier_core::CashierError;
use cashier_receipts::PrintReport;
use cashier_till::Till;

pub fn run(till: &Till, args: PrintArgs, j: bool) -> Result<i32, CashierError> {
    let report = match (&args.order, args.pending) {
        (Some(reference), false) => {
            let order = till.engine.ledger().find_order(reference)?;
            till.print_slip(order.id, args.refunds)?
        }
        (None, true) => till.print_pending()?.ok_or_else(|| {
            CashierError::Config(
                "no receipt printer is set up: add a [printer] section to the config".into(),
            )
        })?,
        _ => {
            return Err(CashierError::Input(
                "print takes an order (its slip again) or --pending (the slips that wait)".into(),
            ))
        }
    };
    if j {
        output::json(&report);
    } else {
        println!("{} slip(s) printed", report.printed);
        if let Some(why) = &report.error {
            println!(
                "{} slip(s) wait for the printer: {why}; they print with `print --pending` (the app sends them by itself)",
                report.waiting
            );
        }
    }
    Ok(if report.waiting == 0 {
        EXIT_OK
    } else {
        EXIT_PENDING
    })
}

/// After a payment or a refund, with `auto_print`: the slips the ledger
/// queued (a PAID payment, a refund made) go to the printer now. Nothing
/// here changes the command's outcome: a printer that is away is told on
/// stderr, and the slips wait for `print --pending`.
pub fn after_sale(till: &Till) {
    if !till.config.printer.as_ref().is_some_and(|p| p.auto_print) {
        return;
    }
    match till.print_pending() {
        Ok(Some(PrintReport {
            error: Some(why),
            waiting,
            ..
        })) => eprintln!(
            "cashier-cli: {waiting} slip(s) wait for the printer ({why}); `print --pending` sends them"
        ),
        Ok(_) => {}
        Err(e) => eprintln!("cashier-cli: the slip was not printed: {e}"),
    }
}
