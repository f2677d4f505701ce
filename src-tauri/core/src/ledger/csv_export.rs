//! The shift CSV the back office reconciles against HipoPay: one row per
//! order and one per refund, each row one `CsvRow`, so a column is named
//! once and can never slip to another position.

use super::{Ledger, LedgerError, Shift};
use crate::money::{format_minor, Currency, Money};
use rusqlite::params;
use serde::Serialize;
use std::io::Write;

/// One line of the CSV. The field order is the column order; new columns go
/// at the end, for sheets that read by position.
#[derive(Debug, Serialize, Default)]
struct CsvRow {
    /// "order" or "refund".
    #[serde(rename = "type")]
    kind: &'static str,
    id: i64,
    time: String,
    merchant_order_no: String,
    hipopay_order_no: String,
    outer_refund_no: String,
    hipopay_refund_no: String,
    wallet: String,
    flow: String,
    status: String,
    currency: String,
    /// What was asked; refunds negative.
    amount: String,
    cashier: String,
    approved_by: String,
    note: String,
    error: String,
    /// What counted: a PAID order's amount, a SUCCESS refund's (negative),
    /// else zero; so the column's sum per currency is the shift's net.
    net: String,
    /// "demo" or "live" ("" for a shift from before books were kept).
    mode: &'static str,
    /// HipoPay's rate (CNY per unit of `currency`) where the sale had one.
    exchange_rate: String,
    /// `amount` in CNY at that rate, to the fen.
    cny_amount: String,
}

/// The header row: `CsvRow`'s fields, in order (a test holds them equal).
const HEADER: [&str; 20] = [
    "type",
    "id",
    "time",
    "merchant_order_no",
    "hipopay_order_no",
    "outer_refund_no",
    "hipopay_refund_no",
    "wallet",
    "flow",
    "status",
    "currency",
    "amount",
    "cashier",
    "approved_by",
    "note",
    "error",
    "net",
    "mode",
    "exchange_rate",
    "cny_amount",
];

impl Ledger {
    /// Writes the shift as CSV (UTF-8 with a BOM so spreadsheets read CJK
    /// text right). Returns the row count.
    pub fn export_shift_csv(
        &self,
        shift: &Shift,
        out: &mut dyn Write,
    ) -> Result<usize, LedgerError> {
        let io = |e: std::io::Error| LedgerError::Rule(format!("writing the CSV: {e}"));
        let csv_err = |e: csv::Error| LedgerError::Rule(format!("writing the CSV: {e}"));
        out.write_all("\u{feff}".as_bytes()).map_err(io)?;
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(out);
        w.write_record(HEADER).map_err(csv_err)?;
        let mode = match shift.books.mode() {
            Some(crate::books::Mode::Demo) => "demo",
            Some(crate::books::Mode::Live) => "live",
            None => "",
        };
        let mut rows = 0;
        for row in self.order_rows(shift, mode)? {
            w.serialize(row).map_err(csv_err)?;
            rows += 1;
        }
        for row in self.refund_rows(shift, mode)? {
            w.serialize(row).map_err(csv_err)?;
            rows += 1;
        }
        w.flush().map_err(io)?;
        Ok(rows)
    }

    fn order_rows(&self, shift: &Shift, mode: &'static str) -> Result<Vec<CsvRow>, LedgerError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT o.id, o.created_at, o.merchant_order_no, o.payment_no, o.wallet, o.flow, o.status,
                    o.currency, o.amount_minor, st.name, o.subject, o.error, o.exchange_rate
             FROM orders o JOIN staff st ON st.id = o.staff_id WHERE o.shift_id = ?1 AND o.imported = 0 ORDER BY o.id",
        )?;
        let mut rows = Vec::new();
        let mut q = stmt.query(params![shift.id])?;
        while let Some(r) = q.next()? {
            let text = |i: usize| -> Result<String, rusqlite::Error> {
                Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default())
            };
            let currency = currency_of(&text(7)?)?;
            let amount: i64 = r.get(8)?;
            let status = text(6)?;
            // A PAID order adds its amount; declined, expired or unclear nothing.
            let net = if status == "PAID" { amount } else { 0 };
            rows.push(
                CsvRow {
                    kind: "order",
                    id: r.get(0)?,
                    time: crate::time::iso(r.get(1)?),
                    merchant_order_no: text(2)?,
                    hipopay_order_no: text(3)?,
                    wallet: text(4)?,
                    flow: text(5)?,
                    status,
                    currency: currency.code().to_string(),
                    amount: format_minor(amount, currency),
                    cashier: inert(text(9)?),
                    note: inert(text(10)?),
                    error: inert(text(11)?),
                    net: format_minor(net, currency),
                    mode,
                    ..CsvRow::default()
                }
                .at_rate(r.get(12)?, amount, currency),
            );
        }
        Ok(rows)
    }

    fn refund_rows(&self, shift: &Shift, mode: &'static str) -> Result<Vec<CsvRow>, LedgerError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT r.id, r.created_at, o.merchant_order_no, o.payment_no, r.outer_refund_no, r.refund_no,
                    o.wallet, o.flow, r.status, o.currency, r.amount_minor, cs.name, ap.name, r.reason, r.error,
                    o.exchange_rate
             FROM refunds r JOIN orders o ON o.id = r.order_id JOIN staff ap ON ap.id = r.approved_by
             JOIN shifts s ON s.id = r.shift_id JOIN staff cs ON cs.id = s.staff_id
             WHERE r.shift_id = ?1 ORDER BY r.id",
        )?;
        let mut rows = Vec::new();
        let mut q = stmt.query(params![shift.id])?;
        while let Some(r) = q.next()? {
            let text = |i: usize| -> Result<String, rusqlite::Error> {
                Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default())
            };
            let currency = currency_of(&text(9)?)?;
            // Money going out: negative; only a SUCCESS refund counts in `net`.
            let amount: i64 = r.get(10)?;
            let status = text(8)?;
            let net = if status == "SUCCESS" { -amount } else { 0 };
            rows.push(
                CsvRow {
                    kind: "refund",
                    id: r.get(0)?,
                    time: crate::time::iso(r.get(1)?),
                    merchant_order_no: text(2)?,
                    hipopay_order_no: text(3)?,
                    outer_refund_no: text(4)?,
                    hipopay_refund_no: text(5)?,
                    wallet: text(6)?,
                    flow: text(7)?,
                    status,
                    currency: currency.code().to_string(),
                    amount: format_minor(-amount, currency),
                    cashier: inert(text(11)?),
                    approved_by: inert(text(12)?),
                    note: inert(text(13)?),
                    error: inert(text(14)?),
                    net: format_minor(net, currency),
                    mode,
                    ..CsvRow::default()
                }
                .at_rate(r.get(15)?, -amount, currency),
            );
        }
        Ok(rows)
    }
}

impl CsvRow {
    /// The rate HipoPay gave the sale, and `minor` (this row's signed
    /// amount) in CNY at it; both empty without one.
    fn at_rate(mut self, rate: Option<String>, minor: i64, currency: Currency) -> CsvRow {
        if let Some(rate) = rate.filter(|r| !r.trim().is_empty()) {
            self.cny_amount = crate::money::cny_at(Money::new(minor.abs(), currency), &rate)
                .map(|c| format_minor(minor.signum() * c.minor, Currency::CNY))
                .unwrap_or_default();
            self.exchange_rate = rate;
        }
        self
    }
}

fn currency_of(code: &str) -> Result<Currency, LedgerError> {
    code.parse::<Currency>()
        .map_err(|e| LedgerError::Rule(e.to_string()))
}

/// Free text (a note, a reason, a name, an error) as a spreadsheet shows it,
/// never as a formula it runs: a leading `=`, `+`, `-`, `@` or control
/// character gets a `'` in front.
fn inert(text: String) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_the_rows_fields_in_order() {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.serialize(CsvRow::default()).unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        let header = text.lines().next().unwrap();
        assert_eq!(header, HEADER.join(","));
    }

    #[test]
    fn free_text_never_becomes_a_formula() {
        assert_eq!(inert("=HYPERLINK(\"x\")".into()), "'=HYPERLINK(\"x\")");
        assert_eq!(inert("@SUM(A1)".into()), "'@SUM(A1)");
        assert_eq!(inert("-2+3".into()), "'-2+3");
        assert_eq!(inert("奶茶 x2".into()), "奶茶 x2");
        assert_eq!(inert(String::new()), "");
    }
}
