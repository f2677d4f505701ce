//! `books`: the back office. The store's day and HipoPay's statement
//! matched, over this till's ledger or, with `[central]`, the central books.

use crate::args::BooksCommand;
use crate::output::{self, EXIT_DECLINED, EXIT_OK};
use cashier_core::backoffice::{self, LocalBooks};
use cashier_core::daybook::DayReport;
use cashier_core::paths::Paths;
use cashier_core::statement_match::{MatchItem, MatchReport};
use cashier_core::CashierError;
use cashier_till::Till;
use std::sync::Arc;

pub async fn run(
    till: &Till,
    paths: &Paths,
    cmd: BooksCommand,
    j: bool,
) -> Result<i32, CashierError> {
    let engine = &till.engine;
    let local = LocalBooks {
        ledger: Arc::clone(engine.ledger()),
        counter: engine.settings().counter.to_string(),
        books: engine.settings().books.clone(),
    };
    match cmd {
        BooksCommand::Day { date } => {
            let date = backoffice::parse_date(&date)?;
            let day = backoffice::day_report(&local, date).await?;
            if j {
                output::json(&day);
            } else {
                print_day(&day);
            }
            Ok(EXIT_OK)
        }
        BooksCommand::Match { date } => {
            let date = backoffice::parse_date(&date)?;
            let (report, kept) = backoffice::match_statement(
                &local,
                engine.client(),
                &paths.data_dir.join("statements"),
                date,
            )
            .await?;
            if j {
                output::json(&report);
            } else {
                print_match(&report);
                println!("HipoPay's file is kept as {}", kept.display());
            }
            Ok(if report.matches {
                EXIT_OK
            } else {
                EXIT_DECLINED
            })
        }
    }
}

fn print_day(day: &DayReport) {
    let stamp = match day.matches_statement {
        Some(true) => "matches HipoPay's statement",
        Some(false) => "DOES NOT MATCH HipoPay's statement (books match)",
        None => "not yet matched with HipoPay's statement (books match)",
    };
    println!("{}: {stamp}", day.date);
    for c in &day.counters {
        println!(
            "counter {}{}",
            c.counter,
            if c.unclear > 0 {
                format!(" ({} unclear)", c.unclear)
            } else {
                String::new()
            }
        );
        for t in &c.totals {
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
    }
    println!("all counters");
    for t in &day.totals {
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
    if day.unclear > 0 {
        println!(
            "{} payments or refunds of the day are still unclear (Needs attention)",
            day.unclear
        );
    }
}

fn print_match(report: &MatchReport) {
    if report.matches {
        println!(
            "{}: matches HipoPay's statement ({} entries)",
            report.date, report.matched
        );
        return;
    }
    println!(
        "{}: {} match, and these do not:",
        report.date, report.matched
    );
    let side = |s: &Option<cashier_core::statement_match::Side>| match s {
        Some(s) => format!("{} {}", s.status, s.amount),
        None => "none".into(),
    };
    let show = |what: &str, items: &[MatchItem]| {
        for i in items {
            println!(
                "  {what}: {} {}{} {}: ours {}, HipoPay {}",
                i.kind,
                i.merchant_order_no,
                i.outer_refund_no
                    .as_deref()
                    .map(|r| format!(" refund {r}"))
                    .unwrap_or_default(),
                i.currency.code(),
                side(&i.ours),
                side(&i.hipopay)
            );
        }
    };
    show("only at HipoPay", &report.hipopay_only);
    show("only in our books", &report.ours_only);
    show("differs", &report.differs);
}
