//! `cashier-cli`: every counter flow without a window, over the same core as
//! the desktop app. See `cashier-cli --help` and PRODUCT.md for the contract.

mod args;
mod books;
mod commands;
mod day;
mod output;
mod pins;
mod print;

use args::Cli;
use clap::Parser;

fn main() {
    // Usage errors exit 1, not clap's 2: 2 means "declined" in our contract.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let informational = matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
            );
            let _ = e.print();
            if !informational && std::env::args().any(|a| a == "--json") {
                output::json(
                    &serde_json::json!({ "error": e.kind().to_string(), "kind": "input" }),
                );
            }
            std::process::exit(if informational {
                output::EXIT_OK
            } else {
                output::EXIT_OTHER
            });
        }
    };
    let as_json = cli.json;
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            std::process::exit(output::EXIT_OTHER);
        }
    };
    let code = match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(err) => {
            output::error(&err, as_json);
            output::EXIT_OTHER
        }
    };
    // Do not wait for background tasks (the demo sandbox) to wind down.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    std::process::exit(code);
}
