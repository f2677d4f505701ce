//! `books`: the back office. The store's day, HipoPay's statement matched
//! and the day exported, over the central books when `[central]` says
//! where they are, else over this till's own ledger; and pushing to them.

use crate::args::BooksCommand;
use crate::output::{self, EXIT_DECLINED, EXIT_OK, EXIT_PENDING};
use cashier_central::Central;
use cashier_core::backoffice::{self, DaySource, LocalBooks};
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
    match (cmd, &till.central) {
        (BooksCommand::Push, Some(central)) => push(central, j).await,
        (BooksCommand::Resync, Some(central)) => {
            let queued = central.ledger().resync()?;
            if !j {
                println!("{queued} rows queued again");
            }
            push(central, j).await
        }
        (BooksCommand::Push | BooksCommand::Resync, None) => Err(no_central(till)),
        (BooksCommand::Status, Some(central)) => {
            let status = central.status().await?;
            if j {
                output::json(&status);
            } else {
                print_status(&status);
            }
            Ok(EXIT_OK)
        }
        (BooksCommand::Status, None) => {
            let this_till = engine.ledger().sync_state()?;
            if j {
                output::json(&serde_json::json!({ "central": false, "this_till": this_till }));
            } else {
                println!("{}", no_central(till));
            }
            Ok(EXIT_OK)
        }
        (cmd, Some(central)) => report(cmd, central.as_ref(), till, paths, j).await,
        (cmd, None) => report(cmd, &local, till, paths, j).await,
    }
}

fn no_central(till: &Till) -> CashierError {
    if till.is_demo() && till.config.central.is_some() {
        CashierError::Config(
            "demo mode keeps no central books: the [central] section is used by a live till only"
                .into(),
        )
    } else {
        CashierError::Config(
            "this till keeps its own books: there is no [central] section in its config".into(),
        )
    }
}

async fn push(central: &Central, j: bool) -> Result<i32, CashierError> {
    match central.push().await {
        Ok(report) => {
            if j {
                output::json(&report);
            } else {
                println!(
                    "pushed {} rows ({} already there, {} refused); {} changes left",
                    report.pushed, report.unchanged, report.refused, report.remaining
                );
                for w in &report.warnings {
                    println!("warning: {w}");
                }
            }
            Ok(if report.remaining == 0 {
                EXIT_OK
            } else {
                EXIT_PENDING
            })
        }
        Err(e) if e.is_unreachable() => {
            let waiting = central.ledger().sync_state()?.outbox;
            eprintln!("cashier-cli: {e}; {waiting} changes stay queued and are pushed later");
            if j {
                output::json(&serde_json::json!({
                    "error": e.to_string(),
                    "kind": "central",
                    "remaining": waiting,
                }));
            }
            Ok(EXIT_PENDING)
        }
        Err(e) => Err(e.into()),
    }
}

async fn report(
    cmd: crate::args::BooksCommand,
    src: &impl DaySource,
    till: &Till,
    paths: &Paths,
    j: bool,
) -> Result<i32, CashierError> {
    match cmd {
        BooksCommand::Day { date } => {
            let date = backoffice::parse_date(&date)?;
            let day = backoffice::day_report(src, date).await?;
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
                src,
                till.engine.client(),
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
        BooksCommand::Export { date, out } => {
            let date = backoffice::parse_date(&date)?;
            let rows = backoffice::export_day(src, date, &out).await?;
            if j {
                output::json(&serde_json::json!({ "rows": rows, "path": out }));
            } else {
                println!("{rows} rows written to {}", out.display());
            }
            Ok(EXIT_OK)
        }
        BooksCommand::Push | BooksCommand::Status | BooksCommand::Resync => Ok(EXIT_OK),
    }
}

fn print_status(status: &cashier_central::BooksStatus) {
    let me = &status.this_till;
    println!(
        "this till ({}): {} changes waiting{}{}",
        me.counter.as_deref().unwrap_or("?"),
        me.outbox,
        me.last_push_at
            .as_deref()
            .map(|t| format!(", last push {t}"))
            .unwrap_or_default(),
        me.last_error
            .as_deref()
            .map(|e| format!(", last error: {e}"))
            .unwrap_or_default()
    );
    if !status.reachable {
        println!(
            "the central books cannot be reached: {}",
            status.error.as_deref().unwrap_or("")
        );
        return;
    }
    for c in &status.counters {
        println!(
            "{:<10} last push {}, lag {} s, {} waiting, {} pushed, {} refused{}",
            c.counter,
            c.last_push_at.as_deref().unwrap_or("never"),
            c.lag_secs,
            c.outbox,
            c.pushed_rows,
            c.refused_rows,
            c.errors
                .as_deref()
                .map(|e| format!(", {e}"))
                .unwrap_or_default()
        );
    }
}

fn print_day(day: &DayReport) {
    let stamp = match day.matches_statement {
        Some(true) => "matches HipoPay's statement",
        Some(false) => "DOES NOT MATCH HipoPay's statement (books match)",
        None => "not yet matched with HipoPay's statement (books match)",
    };
    println!("{}: {stamp}", day.date);
    let line = |t: &cashier_core::ledger::WalletTotals| {
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
    };
    for c in &day.counters {
        let unclear = if c.unclear > 0 {
            format!(" ({} unclear)", c.unclear)
        } else {
            String::new()
        };
        println!("counter {}{unclear}", c.counter);
        c.totals.iter().for_each(line);
    }
    println!("all counters");
    day.totals.iter().for_each(line);
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
