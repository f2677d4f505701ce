//! Our books against HipoPay's statement for one day, to the cent: every
//! line HipoPay lists is found in our books with the same amount and
//! outcome, and everything our books call done that day is on it.

use crate::hipopay::statement::{LineKind, StatementLine};
use crate::money::{format_minor, Currency};
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Where an entry of our books stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EntryState {
    /// PAID, or a refund's SUCCESS.
    Done,
    /// Not known yet (PENDING).
    Unclear,
    /// FAILED or EXPIRED.
    NotDone,
}

/// A payment or a refund in our books (one till's ledger or the central
/// books), for matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookEntry {
    pub counter: String,
    pub kind: LineKind,
    pub merchant_order_no: String,
    pub outer_refund_no: Option<String>,
    /// Our status word (PAID, PENDING, SUCCESS, …).
    pub status: String,
    pub state: EntryState,
    pub currency: Currency,
    pub amount_minor: i64,
    /// When it was made (UTC ms).
    pub created_at: i64,
}

/// One side's view of an entry: its status and amount.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, JsonSchema)]
pub struct Side {
    pub status: String,
    pub amount: String,
}

/// A payment or refund the two books do not agree on.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, JsonSchema)]
pub struct MatchItem {
    pub kind: String,
    pub merchant_order_no: String,
    pub outer_refund_no: Option<String>,
    /// Which counter took it, when our books know it.
    pub counter: Option<String>,
    pub currency: Currency,
    /// Our books' status and amount; none when we have no such entry.
    pub ours: Option<Side>,
    /// The statement's; none when it does not list it.
    pub hipopay: Option<Side>,
    /// Its line in HipoPay's file.
    pub line: Option<usize>,
}

/// `books match`: the day, how many agree, and each that does not.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, JsonSchema)]
pub struct MatchReport {
    pub date: String,
    pub matched: usize,
    pub hipopay_only: Vec<MatchItem>,
    pub ours_only: Vec<MatchItem>,
    pub differs: Vec<MatchItem>,
    pub matches: bool,
}

/// Matches the statement's lines for `day` against our entries.
/// `ours` holds our entries made from the day before to the day after
/// (a payment made just before midnight may be on either side);
/// `made_on_day` says which were made on the day itself. `later_lines` are
/// the next day's statement lines, when that day is over: an entry of ours
/// from the last minutes of the day may be listed there.
pub fn match_day(
    date: &str,
    lines: &[StatementLine],
    later_lines: &[StatementLine],
    ours: &[BookEntry],
    made_on_day: impl Fn(&BookEntry) -> bool,
) -> MatchReport {
    let key_of_entry = |e: &BookEntry| match e.kind {
        LineKind::Payment => (LineKind::Payment, e.merchant_order_no.clone()),
        LineKind::Refund => (
            LineKind::Refund,
            e.outer_refund_no.clone().unwrap_or_default(),
        ),
    };
    let by_key: HashMap<(LineKind, String), &BookEntry> =
        ours.iter().map(|e| (key_of_entry(e), e)).collect();
    let key_of_line = |l: &StatementLine| match l.kind {
        LineKind::Payment => (LineKind::Payment, l.merchant_order_no.clone()),
        LineKind::Refund => (
            LineKind::Refund,
            l.outer_refund_no.clone().unwrap_or_default(),
        ),
    };
    let mut report = MatchReport {
        date: date.to_string(),
        matched: 0,
        hipopay_only: Vec::new(),
        ours_only: Vec::new(),
        differs: Vec::new(),
        matches: false,
    };
    let mut seen: HashSet<(LineKind, String)> = HashSet::new();
    for line in lines {
        let key = key_of_line(line);
        let theirs = Side {
            status: if line.succeeded() {
                "SUCCESS".into()
            } else {
                line.status.clone()
            },
            amount: format_minor(line.amount_minor, line.currency),
        };
        match by_key.get(&key) {
            None => report.hipopay_only.push(MatchItem {
                kind: kind_name(line.kind),
                merchant_order_no: line.merchant_order_no.clone(),
                outer_refund_no: line.outer_refund_no.clone(),
                counter: None,
                currency: line.currency,
                ours: None,
                hipopay: Some(theirs),
                line: Some(line.line),
            }),
            Some(entry) => {
                seen.insert(key);
                let agree = entry.currency == line.currency
                    && entry.amount_minor == line.amount_minor
                    && (entry.state == EntryState::Done) == line.succeeded();
                if agree {
                    report.matched += 1;
                } else {
                    report.differs.push(MatchItem {
                        hipopay: Some(theirs),
                        line: Some(line.line),
                        ..item(entry)
                    });
                }
            }
        }
    }
    let listed_later: HashSet<(LineKind, String)> = later_lines.iter().map(key_of_line).collect();
    for entry in ours {
        let key = key_of_entry(entry);
        if entry.state != EntryState::Done || !made_on_day(entry) || seen.contains(&key) {
            continue;
        }
        if listed_later.contains(&key) {
            // Made before midnight, on HipoPay's next day: it agrees there
            // (that day's match compares it).
            report.matched += 1;
            continue;
        }
        report.ours_only.push(item(entry));
    }
    report.matches =
        report.hipopay_only.is_empty() && report.ours_only.is_empty() && report.differs.is_empty();
    report
}

fn kind_name(kind: LineKind) -> String {
    match kind {
        LineKind::Payment => "payment".into(),
        LineKind::Refund => "refund".into(),
    }
}

fn item(entry: &BookEntry) -> MatchItem {
    MatchItem {
        kind: kind_name(entry.kind),
        merchant_order_no: entry.merchant_order_no.clone(),
        outer_refund_no: entry.outer_refund_no.clone(),
        counter: Some(entry.counter.clone()),
        currency: entry.currency,
        ours: Some(Side {
            status: entry.status.clone(),
            amount: format_minor(entry.amount_minor, entry.currency),
        }),
        hipopay: None,
        line: None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn pay(no: &str, minor: i64, state: EntryState) -> BookEntry {
        BookEntry {
            counter: "C1".into(),
            kind: LineKind::Payment,
            merchant_order_no: no.into(),
            outer_refund_no: None,
            status: match state {
                EntryState::Done => "PAID",
                EntryState::Unclear => "PENDING",
                EntryState::NotDone => "FAILED",
            }
            .into(),
            state,
            currency: Currency::HKD,
            amount_minor: minor,
            created_at: 0,
        }
    }

    fn line(no: &str, minor: i64) -> StatementLine {
        StatementLine {
            line: 2,
            kind: LineKind::Payment,
            merchant_order_no: no.into(),
            payment_no: None,
            outer_refund_no: None,
            refund_no: None,
            wallet: None,
            status: "SUCCESS".into(),
            currency: Currency::HKD,
            amount_minor: minor,
            time: None,
            merchant_no: None,
        }
    }

    #[test]
    fn each_disagreement_is_listed_with_both_numbers() {
        let ours = [
            pay("A", 1000, EntryState::Done),
            pay("B", 500, EntryState::Done),
            pay("C", 700, EntryState::Done),
            pay("D", 300, EntryState::NotDone),
            pay("E", 200, EntryState::Unclear),
        ];
        let lines = [
            line("A", 1000),
            line("B", 550),
            line("D", 300),
            line("X", 900),
        ];
        let r = match_day("2026-12-02", &lines, &[], &ours, |_| true);
        assert_eq!(r.matched, 1);
        assert!(!r.matches);
        assert_eq!(
            r.hipopay_only
                .iter()
                .map(|i| i.merchant_order_no.as_str())
                .collect::<Vec<_>>(),
            ["X"]
        );
        assert_eq!(
            r.ours_only
                .iter()
                .map(|i| i.merchant_order_no.as_str())
                .collect::<Vec<_>>(),
            ["C"],
            "an unclear or failed order of ours is not missing from the statement"
        );
        let b = r
            .differs
            .iter()
            .find(|i| i.merchant_order_no == "B")
            .unwrap();
        assert_eq!(b.ours.as_ref().unwrap().amount, "5.00");
        assert_eq!(b.hipopay.as_ref().unwrap().amount, "5.50");
        let d = r
            .differs
            .iter()
            .find(|i| i.merchant_order_no == "D")
            .unwrap();
        assert_eq!(
            d.ours.as_ref().unwrap().status,
            "FAILED",
            "paid at HipoPay, failed here"
        );
    }

    #[test]
    fn a_payment_just_before_midnight_may_be_on_the_next_days_statement() {
        let ours = [pay("A", 1000, EntryState::Done)];
        let r = match_day("2026-12-02", &[], &[line("A", 1000)], &ours, |_| true);
        assert!(r.matches, "{r:?}");
        let r = match_day("2026-12-02", &[], &[], &ours, |_| true);
        assert_eq!(r.ours_only.len(), 1);
        // Made the day before: not this day's to miss.
        let r = match_day("2026-12-02", &[], &[], &ours, |_| false);
        assert!(r.matches);
    }
}
