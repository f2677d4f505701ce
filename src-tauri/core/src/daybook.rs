//! One day's books: what each counter took and gave back, per wallet and
//! currency, and what is still unclear. The same report comes from one
//! till's ledger or from the central books; each source sums its own rows
//! (in SQL, where the rows are) and hands over `DayRow`s.

use crate::error::CashierError;
use crate::ledger::WalletTotals;
use crate::money::{format_minor, Currency, Money};
use crate::wallet::Wallet;
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::BTreeMap;

/// One counter's sums for one wallet and currency: payments made that day
/// (PAID) and refunds made that day (SUCCESS), whatever day their order was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayRow {
    pub counter: String,
    pub wallet: Wallet,
    pub currency: Currency,
    pub paid_minor: i64,
    pub paid_count: i64,
    pub refunded_minor: i64,
    pub refund_count: i64,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CounterDay {
    pub counter: String,
    pub totals: Vec<WalletTotals>,
    /// Its payments and refunds of the day whose outcome is not known yet.
    pub unclear: i64,
}

/// `books day`: the store's day, per counter and in all.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DayReport {
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    pub counters: Vec<CounterDay>,
    pub totals: Vec<WalletTotals>,
    /// Payments and refunds of the day whose outcome is not known yet, at
    /// every counter.
    pub unclear: i64,
    /// Whether HipoPay's statement for the day was matched and agreed to
    /// the cent (`books match`); none until it was checked.
    pub matches_statement: Option<bool>,
}

impl DayReport {
    /// The report from a source's sums and its unclear counts per counter.
    pub fn from_rows(
        date: &str,
        rows: &[DayRow],
        unclear: &BTreeMap<String, i64>,
        matches_statement: Option<bool>,
    ) -> DayReport {
        let mut per_counter: BTreeMap<&str, Vec<&DayRow>> = BTreeMap::new();
        for r in rows {
            per_counter.entry(r.counter.as_str()).or_default().push(r);
        }
        for counter in unclear.keys() {
            per_counter.entry(counter.as_str()).or_default();
        }
        let counters = per_counter
            .iter()
            .map(|(counter, rows)| CounterDay {
                counter: (*counter).to_string(),
                totals: totals(rows.iter().copied()),
                unclear: unclear.get(*counter).copied().unwrap_or(0),
            })
            .collect();
        DayReport {
            date: date.to_string(),
            counters,
            totals: totals(rows.iter()),
            unclear: unclear.values().sum(),
            matches_statement,
        }
    }
}

/// Sums per wallet and currency, in a stable order.
fn totals<'a>(rows: impl Iterator<Item = &'a DayRow>) -> Vec<WalletTotals> {
    let mut sums: BTreeMap<(&'static str, Currency), [i64; 4]> = BTreeMap::new();
    for r in rows {
        let s = sums.entry((r.wallet.as_str(), r.currency)).or_default();
        s[0] += r.paid_minor;
        s[1] += r.paid_count;
        s[2] += r.refunded_minor;
        s[3] += r.refund_count;
    }
    sums.into_iter()
        .map(
            |((wallet, currency), [paid, paid_count, refunded, refund_count])| WalletTotals {
                wallet: wallet.to_string(),
                currency,
                paid_count,
                paid: format_minor(paid, currency),
                refund_count,
                refunded: format_minor(refunded, currency),
                net: format_minor(paid - refunded, currency),
                paid_minor: paid,
                refunded_minor: refunded,
            },
        )
        .collect()
}

/// One line of `books export`: a payment or a refund made that day, at
/// any counter. The field order is the column order.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BooksRow {
    pub counter: String,
    /// "payment" or "refund".
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub time: String,
    pub merchant_order_no: String,
    pub hipopay_order_no: String,
    pub outer_refund_no: String,
    pub hipopay_refund_no: String,
    pub wallet: String,
    pub status: String,
    pub currency: String,
    /// What was asked; refunds negative.
    pub amount: String,
    /// The cashier of a payment, the approving manager of a refund.
    pub staff: String,
    pub note: String,
    pub error: String,
    /// What counted: a PAID payment, a SUCCESS refund (negative); else 0.
    /// The column's sum per currency is the day's net.
    pub net: String,
    /// HipoPay's rate (CNY per unit of `currency`) where the sale had one.
    pub exchange_rate: String,
    /// `amount` in CNY at that rate, to the fen.
    pub cny_amount: String,
    #[serde(skip)]
    pub at_ms: i64,
    /// `amount` in minor units, signed.
    #[serde(skip)]
    pub signed_minor: i64,
}

impl BooksRow {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        counter: String,
        refund: bool,
        at_ms: i64,
        numbers: [Option<String>; 4],
        wallet: String,
        status: String,
        currency: Currency,
        amount_minor: i64,
        staff: String,
        note: String,
        error: Option<String>,
    ) -> BooksRow {
        let [merchant_order_no, hipopay_order_no, outer_refund_no, hipopay_refund_no] = numbers;
        let signed = if refund { -amount_minor } else { amount_minor };
        let counts = if refund {
            status == "SUCCESS"
        } else {
            status == "PAID"
        };
        BooksRow {
            counter,
            kind: if refund { "refund" } else { "payment" },
            time: crate::time::iso(at_ms),
            merchant_order_no: merchant_order_no.unwrap_or_default(),
            hipopay_order_no: hipopay_order_no.unwrap_or_default(),
            outer_refund_no: outer_refund_no.unwrap_or_default(),
            hipopay_refund_no: hipopay_refund_no.unwrap_or_default(),
            wallet,
            status,
            currency: currency.code().to_string(),
            amount: format_minor(signed, currency),
            staff,
            note,
            error: error.unwrap_or_default(),
            net: format_minor(if counts { signed } else { 0 }, currency),
            exchange_rate: String::new(),
            cny_amount: String::new(),
            at_ms,
            signed_minor: signed,
        }
    }

    /// The rate HipoPay gave the sale, and this row's amount in CNY at it.
    pub fn at_rate(mut self, rate: Option<String>, currency: Currency) -> BooksRow {
        let Some(rate) = rate.filter(|r| !r.trim().is_empty()) else {
            return self;
        };
        let minor = self.signed_minor;
        if let Some(cny) = crate::money::cny_at(Money::new(minor.abs(), currency), &rate) {
            self.cny_amount = format_minor(minor.signum() * cny.minor, Currency::CNY);
        }
        self.exchange_rate = rate;
        self
    }
}

/// The rows as CSV, oldest first: UTF-8 with a BOM (spreadsheets then read
/// Chinese right), a header naming the columns.
pub fn books_csv(mut rows: Vec<BooksRow>) -> Result<Vec<u8>, CashierError> {
    rows.sort_by(|a, b| (a.at_ms, &a.counter).cmp(&(b.at_ms, &b.counter)));
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        for row in &rows {
            w.serialize(row)
                .map_err(|e| CashierError::Input(format!("writing the CSV: {e}")))?;
        }
        if rows.is_empty() {
            w.write_record(BOOKS_HEADER)
                .map_err(|e| CashierError::Input(format!("writing the CSV: {e}")))?;
        }
        w.flush()
            .map_err(|e| CashierError::Input(format!("writing the CSV: {e}")))?;
    }
    Ok(out)
}

/// The header `books_csv` writes (also for a day with no rows).
pub const BOOKS_HEADER: [&str; 17] = [
    "counter",
    "type",
    "time",
    "merchant_order_no",
    "hipopay_order_no",
    "outer_refund_no",
    "hipopay_refund_no",
    "wallet",
    "status",
    "currency",
    "amount",
    "staff",
    "note",
    "error",
    "net",
    "exchange_rate",
    "cny_amount",
];

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn row(counter: &str, wallet: Wallet, currency: Currency, paid: i64, refunded: i64) -> DayRow {
        DayRow {
            counter: counter.into(),
            wallet,
            currency,
            paid_minor: paid,
            paid_count: i64::from(paid > 0),
            refunded_minor: refunded,
            refund_count: i64::from(refunded > 0),
        }
    }

    #[test]
    fn counters_add_up_to_the_store() {
        let rows = [
            row("C1", Wallet::Wechat, Currency::HKD, 1250, 250),
            row("C2", Wallet::Wechat, Currency::HKD, 1000, 0),
            row("C2", Wallet::Alipay, Currency::JPY, 1200, 0),
        ];
        let unclear = BTreeMap::from([("C3".to_string(), 2)]);
        let day = DayReport::from_rows("2026-12-02", &rows, &unclear, None);
        assert_eq!(
            day.counters
                .iter()
                .map(|c| c.counter.as_str())
                .collect::<Vec<_>>(),
            ["C1", "C2", "C3"],
            "a counter with only unclear payments is listed"
        );
        let wx = day.totals.iter().find(|t| t.wallet == "wechat").unwrap();
        assert_eq!(
            (
                wx.paid.as_str(),
                wx.refunded.as_str(),
                wx.net.as_str(),
                wx.paid_count
            ),
            ("22.50", "2.50", "20.00", 2)
        );
        let yen = day
            .totals
            .iter()
            .find(|t| t.currency == Currency::JPY)
            .unwrap();
        assert_eq!(yen.net, "1200", "never mixed with HKD");
        assert_eq!(day.unclear, 2);
    }

    #[test]
    fn the_csv_header_names_the_columns_in_order() {
        let row = BooksRow::new(
            "C1".into(),
            true,
            0,
            [Some("C1-1".into()), None, Some("RF1".into()), None],
            "wechat".into(),
            "SUCCESS".into(),
            Currency::HKD,
            250,
            "Mei".into(),
            "one cup".into(),
            None,
        );
        let at_rate = row.clone().at_rate(Some("0.9125".into()), Currency::HKD);
        let text = String::from_utf8(books_csv(vec![row, at_rate]).unwrap()).unwrap();
        let mut lines = text.trim_start_matches('\u{feff}').lines();
        assert_eq!(lines.next().unwrap(), BOOKS_HEADER.join(","));
        let line = lines.next().unwrap();
        assert!(line.starts_with("C1,refund,"), "{line}");
        assert!(
            line.ends_with(",-2.50,,"),
            "a refund counts negative: {line}"
        );
        let line = lines.next().unwrap();
        assert!(
            line.ends_with(",-2.50,0.9125,-2.28"),
            "HKD 2.50 at 0.9125 is CNY 2.28 (2.28125, to the fen): {line}"
        );
        let empty = String::from_utf8(books_csv(vec![]).unwrap()).unwrap();
        assert_eq!(
            empty.trim_start_matches('\u{feff}').trim(),
            BOOKS_HEADER.join(",")
        );
    }
}
