//! Receipts on a real receipt printer: a customer slip for a payment or a
//! refund, laid out for 58 or 80 mm paper, turned into ESC/POS bytes (text
//! in GB18030 or Big5 for Chinese, or drawn as pictures for printers
//! without Chinese characters; a QR code of our order number) by the
//! `escpos` crate, and sent over a serial port, a USB printer device
//! (`/dev/usb/lp*`) or the network (raw TCP, port 9100).
//!
//! Slips wait in the ledger's print queue (`Ledger::queue_print`): a
//! printer that is off, out of paper or unplugged never blocks a sale, and
//! [`print_pending`] sends what waits once it is back.

mod layout;
mod raster;
mod render;
mod send;
mod slip;

pub use layout::{preview, Paper};
pub use render::{render, render_day};
pub use send::send;
pub use slip::{Slip, SlipKind};

use cashier_core::config::{PrinterConfig, ShopConfig};
use cashier_core::ledger::{Ledger, PrintJob, PrintKind};
use cashier_core::CashierError;

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// The printer could not be reached or took no bytes: the slip waits.
    #[error("the printer {0}")]
    Offline(String),
    /// What was to be printed cannot be (an encoding without a glyph for a
    /// name, a slip for an order that is not PAID).
    #[error("{0}")]
    Content(String),
}

impl From<PrintError> for CashierError {
    fn from(e: PrintError) -> Self {
        match e {
            PrintError::Offline(m) => CashierError::Printer(format!("the printer {m}")),
            PrintError::Content(m) => CashierError::Input(m),
        }
    }
}

/// What a pass over the print queue did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct PrintReport {
    pub printed: usize,
    /// Still waiting (the printer went away during the pass).
    pub waiting: usize,
    pub error: Option<String>,
}

/// The slip a queued job stands for, read from the ledger now.
pub fn slip_for(ledger: &Ledger, job: &PrintJob, shop: &ShopConfig) -> Result<Slip, CashierError> {
    match job.kind {
        PrintKind::Payment => Slip::payment(ledger, job.ref_id, shop),
        PrintKind::Refund => Slip::refund(ledger, job.ref_id, shop),
        PrintKind::Test => Ok(Slip::test(shop)),
    }
}

/// Sends every queued slip, oldest first, and stops at the first the
/// printer does not take (it and the rest wait for the next pass). A job
/// is marked printed only after its bytes were written and flushed. Each
/// is claimed first: one another process is sending now is left to it.
pub fn print_pending(
    ledger: &Ledger,
    printer: &PrinterConfig,
    shop: &ShopConfig,
    language: &str,
) -> Result<PrintReport, CashierError> {
    let mut report = PrintReport::default();
    let jobs = ledger.queued_prints()?;
    for (i, job) in jobs.iter().enumerate() {
        if !ledger.claim_print(job.id)? {
            continue;
        }
        let bytes = match slip_for(ledger, job, shop)
            .and_then(|slip| render(&slip, printer, language).map_err(CashierError::from))
        {
            Ok(bytes) => bytes,
            Err(e) => {
                // Released at once: fixed settings print it on the next pass.
                ledger.print_failed(job.id, &e.to_string())?;
                return Err(e);
            }
        };
        match send(&bytes, printer) {
            Ok(()) => {
                ledger.print_done(job.id)?;
                report.printed += 1;
            }
            Err(e) => {
                let why = e.to_string();
                ledger.print_failed(job.id, &why)?;
                report.waiting = jobs.len() - i;
                report.error = Some(why);
                break;
            }
        }
    }
    Ok(report)
}
