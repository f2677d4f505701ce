//! The command line, exactly as the contract in PRODUCT.md describes it.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "cashier-cli",
    version,
    about = "Take WeChat Pay and Alipay payments through HipoPay, without a window.",
    long_about = "Take WeChat Pay and Alipay payments through HipoPay, without a window.\n\n\
        With no [hipopay] section in the config (or no config at all) it runs in DEMO mode against \
        the built-in HipoPay sandbox. PINs come from CASHIER_PIN (your own) and CASHIER_MANAGER_PIN \
        (a manager's approval), or a prompt when a terminal is attached; never from arguments.\n\n\
        Exit codes: 0 done (PAID / SUCCESS / succeeded), 2 declined (FAILED or EXPIRED), \
        3 outcome not known yet (PENDING), 1 anything else.",
    after_help = "Demo in two commands:\n  CASHIER_PIN=1234 cashier-cli staff add --name Mei --role manager\n  \
        CASHIER_PIN=1234 cashier-cli shift open --staff Mei && cashier-cli pay --amount 12.50 --code 134567890123456789"
)]
pub struct Cli {
    /// Config file (TOML). Else $CASHIER_CONFIG, else the OS config dir.
    #[arg(long, global = true, env = "CASHIER_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ledger database (SQLite). Else $CASHIER_DB, else the OS data dir.
    #[arg(long, global = true, env = "CASHIER_DB", value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Print exactly one JSON object on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Staff and their PINs.
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Open, close, report and export shifts.
    #[command(subcommand)]
    Shift(ShiftCommand),
    /// Charge the customer's payment code (scan payment); the wallet is chosen by the code.
    Pay(PayArgs),
    /// Show a QR code for the customer to scan (WeChat or Alipay).
    Qr(QrArgs),
    /// Show one order, refreshed from HipoPay when it is not final.
    Order {
        /// Order id, or our or HipoPay's order number.
        id: String,
    },
    /// List orders (today's by default).
    Orders(OrdersArgs),
    /// Check every unclear order and refund with HipoPay; print what changed.
    Reconcile,
    /// Refund an order, fully or partly. Needs CASHIER_MANAGER_PIN.
    Refund(RefundArgs),
    /// Settle an unclear refund HipoPay cannot answer about, after checking
    /// HipoPay's back office. Needs CASHIER_MANAGER_PIN.
    RefundSettle {
        /// The refund's id (see `order ID`).
        refund_id: i64,
        /// What HipoPay's back office shows.
        #[arg(long, value_parser = ["refunded", "not-refunded"])]
        outcome: String,
        /// Why, for the audit log.
        #[arg(long)]
        note: Option<String>,
    },
    /// The back office: the store's day, HipoPay's statement matched, and
    /// the central books ([central] in the config).
    #[command(subcommand)]
    Books(BooksCommand),
    /// The day's close at this counter, across all its shifts.
    #[command(subcommand)]
    Day(DayCommand),
    /// Print a payment's slip again (`--refunds`: its refund slips), or the
    /// slips that waited while the printer was away (`--pending`). Needs a
    /// [printer] section in the config.
    Print(PrintArgs),
    /// Make a signed call to HipoPay (exchange rate) to test the connection and keys.
    Rate {
        #[arg(long, default_value = "wechat")]
        wallet: String,
        /// Currency to quote; the terminal's currency if omitted.
        #[arg(long)]
        currency: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum StaffCommand {
    /// Add a staff member; their PIN comes from CASHIER_PIN. After the first
    /// (who must be a manager), CASHIER_MANAGER_PIN must approve.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = ["manager", "cashier"])]
        role: String,
    },
    /// List staff, and any PIN check locked now.
    List,
    /// Change a PIN: your own (old PIN in CASHIER_PIN, new in CASHIER_NEW_PIN),
    /// or a manager's reset (CASHIER_MANAGER_PIN approves; new in CASHIER_NEW_PIN).
    /// A manager's PIN is at least 6 digits.
    Pin {
        #[arg(long)]
        name: String,
    },
    /// Deactivate a staff member (CASHIER_MANAGER_PIN): they can no longer
    /// open a shift or approve anything. Their orders and refunds stay.
    Deactivate {
        #[arg(long)]
        name: String,
    },
    /// Lift a PIN lock early (five wrong PINs in a row lock a check for 15
    /// minutes): on one person with --name, else on manager approvals at
    /// this till. The unlocking manager is named by --by, their PIN in CASHIER_PIN.
    Unlock {
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        by: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum BooksCommand {
    /// The day's takings per counter, wallet and currency: paid, refunded,
    /// net, and what is still unclear (all counters with central books;
    /// this till's alone without).
    Day {
        /// The day, YYYY-MM-DD (local time).
        #[arg(long)]
        date: String,
    },
    /// Fetch HipoPay's statement for the day and match it against the books
    /// to the cent. Exit 0 when everything matches, 2 when something differs.
    Match {
        /// The day, YYYY-MM-DD (HipoPay's day: China and Hong Kong time).
        #[arg(long)]
        date: String,
    },
    /// The day's payments and refunds as CSV, one row each, with the counter.
    Export {
        /// The day, YYYY-MM-DD (local time).
        #[arg(long)]
        date: String,
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
    },
    /// Push this till's queued changes to the central books now (and pull
    /// the shared staff). Exit 0 when nothing is left queued, 3 when the
    /// central books cannot be reached (nothing is lost: pushed later).
    Push,
    /// Every counter's pushing: last push, lag, changes waiting, errors.
    Status,
    /// Queue everything in this till's ledger again and push it (after the
    /// central database was recreated). Older copies never replace newer rows.
    Resync,
}

#[derive(Subcommand, Debug)]
pub enum ShiftCommand {
    /// Open a shift for a staff member (their PIN in CASHIER_PIN).
    Open {
        #[arg(long)]
        staff: String,
    },
    /// Close the open shift (its cashier's CASHIER_PIN, or CASHIER_MANAGER_PIN) and print its summary.
    Close,
    /// Totals per wallet and currency, refunds and who approved them, pending and failed counts.
    Report {
        /// The shift; the open one (else the latest) if omitted.
        #[arg(long)]
        shift: Option<i64>,
    },
    /// Export a shift as CSV: one row per order and per refund.
    Export {
        #[arg(long)]
        shift: Option<i64>,
        #[arg(long, value_parser = ["csv"], default_value = "csv")]
        format: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum DayCommand {
    /// Takings per wallet and currency, refunds by approver, what is still unclear.
    Report {
        /// YYYY-MM-DD (local); today when left out.
        #[arg(long)]
        date: Option<String>,
    },
    /// The same on the receipt printer ([printer]).
    Print {
        #[arg(long)]
        date: Option<String>,
    },
}

#[derive(Args, Debug)]
pub struct PrintArgs {
    /// Order id, or our or HipoPay's order number.
    pub order: Option<String>,
    /// The order's refund slips instead of its payment slip.
    #[arg(long, requires = "order")]
    pub refunds: bool,
    /// Send the slips that wait in the print queue.
    #[arg(long, conflicts_with_all = ["order", "refunds"])]
    pub pending: bool,
}

#[derive(Args, Debug)]
pub struct PayArgs {
    /// Amount in the currency's units, e.g. 12.50 (1200 for JPY).
    #[arg(long, allow_hyphen_values = true)]
    pub amount: String,
    #[arg(long)]
    pub currency: Option<String>,
    /// The customer's payment code as scanned.
    #[arg(long)]
    pub code: String,
    /// A note for the order (what was sold).
    #[arg(long)]
    pub subject: Option<String>,
    /// Wait at most this long for a final answer (default: 45 s WeChat, 60 s Alipay).
    #[arg(long, value_name = "N")]
    pub wait_secs: Option<u64>,
}

#[derive(Args, Debug)]
pub struct QrArgs {
    #[arg(long, value_parser = ["wechat", "alipay"])]
    pub wallet: String,
    #[arg(long, allow_hyphen_values = true)]
    pub amount: String,
    #[arg(long)]
    pub currency: Option<String>,
    #[arg(long)]
    pub subject: Option<String>,
    /// Wait this long for the customer to pay; without it, return once the QR exists.
    #[arg(long, value_name = "N")]
    pub wait_secs: Option<u64>,
    /// Also write the QR code as a PNG image.
    #[arg(long, value_name = "FILE")]
    pub png: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct OrdersArgs {
    /// Only this shift's orders.
    #[arg(long)]
    pub shift: Option<i64>,
    /// PENDING, PAID, FAILED or EXPIRED.
    #[arg(long)]
    pub status: Option<String>,
    #[arg(long)]
    pub wallet: Option<String>,
    /// An order number or an amount.
    #[arg(long)]
    pub search: Option<String>,
    /// All days, not just today.
    #[arg(long)]
    pub all: bool,
}

#[derive(Args, Debug)]
pub struct RefundArgs {
    /// Order id, or our or HipoPay's order number.
    pub order_id: String,
    /// Amount to refund; everything still refundable if omitted.
    #[arg(long, allow_hyphen_values = true)]
    pub amount: Option<String>,
    #[arg(long)]
    pub reason: Option<String>,
}
