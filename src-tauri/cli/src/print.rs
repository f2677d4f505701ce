//! `print`: a payment's slip again (`--refunds`: its refund slips), or the
//! slips queued while the printer was away (`--pending`). Each slip is
//! queued in the ledger first, so one the printer does not take now waits
//! for the next `print --pending` (the app sends them by itself).

use crate::args::PrintArgs;
use crate::output::{self, EXIT_OK, EXIT_PENDING};
use cashier_core::ledger::{PrintKind, RefundStatus};
use cashier_core::CashierError;
use cashier_till::Till;

pub fn run(till: &Till, args: PrintArgs, j: bool) -> Result<i32, CashierError> {
    let config = &till.config;
    let printer = config.printer.as_ref().ok_or_else(|| {
        CashierError::Config(
            "no receipt printer is set up: add a [printer] section to the config".into(),
        )
    })?;
    let ledger = till.engine.ledger();
    let mut queued = Vec::new();
    match (&args.order, args.pending) {
        (Some(reference), false) => {
            let order = ledger.find_order(reference)?;
            if args.refunds {
                let done: Vec<_> = ledger
                    .refunds_for_order(order.id)?
                    .into_iter()
                    .filter(|r| r.status == RefundStatus::Success)
                    .collect();
                if done.is_empty() {
                    return Err(CashierError::NotFound(format!(
                        "order #{} has no refund HipoPay made, so no refund slip",
                        order.id
                    )));
                }
                for r in done {
                    queued.push(ledger.queue_print(PrintKind::Refund, r.id)?.id);
                }
            } else {
                // Refused before it is queued: only a PAID payment has a slip.
                cashier_receipts::Slip::payment(ledger, order.id, &config.shop)?;
                queued.push(ledger.queue_print(PrintKind::Payment, order.id)?.id);
            }
        }
        (None, true) => {}
        _ => {
            return Err(CashierError::Input(
                "print takes an order (its slip again) or --pending (the slips that wait)".into(),
            ))
        }
    }
    let report =
        cashier_receipts::print_pending(ledger, printer, &config.shop, &config.ui.language)?;
    if j {
        output::json(&serde_json::json!({
            "printed": report.printed,
            "waiting": report.waiting,
            "error": report.error,
            "queued": queued,
        }));
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
    let config = &till.config;
    let Some(printer) = config.printer.as_ref().filter(|p| p.auto_print) else {
        return;
    };
    match cashier_receipts::print_pending(
        till.engine.ledger(),
        printer,
        &config.shop,
        &config.ui.language,
    ) {
        Ok(report) => {
            if let Some(why) = report.error {
                eprintln!(
                    "cashier-cli: {} slip(s) wait for the printer ({why}); `print --pending` sends them",
                    report.waiting
                );
            }
        }
        Err(e) => eprintln!("cashier-cli: the slip was not printed: {e}"),
    }
}
