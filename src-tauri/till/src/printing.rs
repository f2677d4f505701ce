//! Receipts at a till: the slips queued in its ledger sent to its printer
//! (one pass at a time in this process, so a slip never goes twice), a
//! slip again on demand, a test print with settings not yet saved, a
//! slip's preview as text, and the day's close.

use crate::Till;
use cashier_core::backoffice;
use cashier_core::config::{PrinterConfig, ShopConfig};
use cashier_core::ledger::{DayClose, PrintKind, RefundStatus};
use cashier_core::CashierError;
use cashier_receipts::{PrintReport, Slip};
use schemars::JsonSchema;
use serde::Serialize;
use std::sync::Mutex;

/// One pass over the print queue at a time in this process.
static PRINTING: Mutex<()> = Mutex::new(());

/// The receipt printer as the header shows it.
#[derive(Debug, Clone, Serialize, JsonSchema, PartialEq, Eq)]
pub struct PrinterStatus {
    /// Slips waiting for the printer.
    pub waiting: usize,
    /// Why the last one did not print, while any waits.
    pub error: Option<String>,
}

impl Till {
    fn printer(&self) -> Result<&PrinterConfig, CashierError> {
        self.config.printer.as_ref().ok_or_else(|| {
            CashierError::Config(
                "no receipt printer is set up (Settings → Printer, or [printer] in the config)"
                    .into(),
            )
        })
    }

    /// The printer's queue now; none without a printer.
    pub fn printer_status(&self) -> Result<Option<PrinterStatus>, CashierError> {
        if self.config.printer.is_none() {
            return Ok(None);
        }
        let queued = self.engine.ledger().queued_prints()?;
        Ok(Some(PrinterStatus {
            waiting: queued.len(),
            error: queued.first().and_then(|j| j.last_error.clone()),
        }))
    }

    /// Sends what waits in the print queue (blocking: printers answer
    /// slowly; call it off the async threads). Nothing to do without a printer.
    pub fn print_pending(&self) -> Result<Option<PrintReport>, CashierError> {
        let Some(printer) = &self.config.printer else {
            return Ok(None);
        };
        let _one = PRINTING.lock().unwrap_or_else(|p| p.into_inner());
        cashier_receipts::print_pending(
            self.engine.ledger(),
            printer,
            &self.config.shop,
            &self.config.ui.language,
        )
        .map(Some)
    }

    /// Queues an order's payment slip (or its refund slips) and sends the
    /// queue. A printer that is away leaves them waiting, not an error.
    pub fn print_slip(&self, order_id: i64, refunds: bool) -> Result<PrintReport, CashierError> {
        self.printer()?;
        let ledger = self.engine.ledger();
        let order = ledger.order(order_id)?;
        if refunds {
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
                ledger.queue_print(PrintKind::Refund, r.id)?;
            }
        } else {
            // Refused before it is queued: only a PAID payment has a slip.
            Slip::payment(ledger, order.id, &self.config.shop)?;
            ledger.queue_print(PrintKind::Payment, order.id)?;
        }
        Ok(self.print_pending()?.unwrap_or_default())
    }

    /// A test slip on `printer` (the settings on screen, saved or not),
    /// straight to it: an error says what is wrong with it.
    pub fn print_test(
        &self,
        printer: &PrinterConfig,
        shop: &ShopConfig,
    ) -> Result<(), CashierError> {
        let slip = Slip::test(shop);
        let bytes = cashier_receipts::render(&slip, printer, &self.config.ui.language)?;
        let _one = PRINTING.lock().unwrap_or_else(|p| p.into_inner());
        Ok(cashier_receipts::send(&bytes, printer)?)
    }

    /// The order's slip as the printer would print it, as lines of text.
    pub fn slip_preview(&self, order_id: i64) -> Result<Vec<String>, CashierError> {
        let slip = Slip::payment(self.engine.ledger(), order_id, &self.config.shop)?;
        let width = self.config.printer.as_ref().map_or(80, |p| p.width_mm);
        Ok(cashier_receipts::preview(
            &slip,
            width,
            &self.config.ui.language,
        ))
    }

    /// The day's close at this counter (`date` YYYY-MM-DD, today when none).
    pub fn day_close(&self, date: Option<&str>) -> Result<DayClose, CashierError> {
        let date = match date.map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => backoffice::parse_date(d)?,
            None => chrono::Local::now().date_naive(),
        };
        backoffice::close_day(&self.local_books(), date)
    }

    /// The day's close on the receipt printer (blocking).
    pub fn day_print(&self, date: Option<&str>) -> Result<DayClose, CashierError> {
        let printer = self.printer()?;
        let close = self.day_close(date)?;
        let bytes = cashier_receipts::render_day(
            &close,
            &self.config.shop.name,
            printer,
            &self.config.ui.language,
        )?;
        let _one = PRINTING.lock().unwrap_or_else(|p| p.into_inner());
        cashier_receipts::send(&bytes, printer)?;
        Ok(close)
    }
}
