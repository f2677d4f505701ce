//! `cashier-cli`: every counter flow without a window, over the same core as
//! the desktop app. See `cashier-cli --help` and PRODUCT.md for the contract.

mod args;
mod commands;
mod output;
mod pins;

use args::Cli;
use clap::Parser;

fn main() {
    let cli = Cli::parse();
    let as_json = cli.json;
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
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
