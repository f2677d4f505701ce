//! `hipopay-sim`: run the HipoPay sandbox as a standalone server.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use hipopay_sim::{public_key_from_pem, SimConfig, SimHandle};

/// HipoPay sandbox acquirer: serves the HipoPay WeChat Pay / Alipay API on
/// loopback; outcomes are picked by the payment code's last three digits
/// (101 declined, 102 pending then paid, 103 pending, 104 dropped answer,
/// 105 HTTP 503, 106 slow, 107 malformed, 108 HTTP 500, 109 user paying,
/// 110 pending then failed) or injected with POST /_sim/faults.
#[derive(Parser, Debug)]
#[command(name = "hipopay-sim", version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8787")]
    listen: SocketAddr,
    /// Expected AgentNo header.
    #[arg(long)]
    agent_no: String,
    /// The merchant number served (others get 403).
    #[arg(long)]
    merchant_no: String,
    /// The agent's RSA public key, PEM ("PUBLIC KEY" or "RSA PUBLIC KEY").
    #[arg(long, value_name = "PEM_FILE")]
    agent_public_key: PathBuf,
    /// Keep orders and refunds in this file across restarts.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Demo customer: a QR order still unpaid after N seconds reads as PAID.
    #[arg(long, value_name = "N")]
    customer_pays_after_secs: Option<u64>,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hipopay-sim: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let pem = std::fs::read_to_string(&args.agent_public_key)
        .map_err(|e| format!("cannot read {}: {e}", args.agent_public_key.display()))?;
    let key = public_key_from_pem(&pem)?;
    let mut config = SimConfig::new(args.agent_no, args.merchant_no, key);
    config.state_file = args.state;
    config.customer_pays_qr_after = args.customer_pays_after_secs.map(Duration::from_secs);
    let sim = SimHandle::start(config, args.listen).await?;
    println!("hipopay-sim listening on {}", sim.base_url());
    tokio::signal::ctrl_c().await?;
    sim.shutdown();
    Ok(())
}
