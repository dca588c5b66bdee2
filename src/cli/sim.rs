//! `apsdesk sim`: the simulator as a standalone server.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, ValueEnum};

use crate::sim::config::{self, SimConfig};
use crate::sim::{RunningSimulator, Seed};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SeedArg {
    /// No orders.
    Empty,
    /// A few hundred demo orders over the methods and currencies of the Gulf.
    Demo,
}

#[derive(Debug, Args)]
pub struct SimArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8585")]
    pub listen: SocketAddr,
    /// Data to start with.
    #[arg(long, value_enum, default_value = "empty")]
    pub seed: SeedArg,
    /// Post each payment's and maintenance operation's transaction feedback
    /// to this URL (a signed form, as APS does; e.g. `apsdesk feedback serve`).
    #[arg(long, value_name = "URL")]
    pub feedback_url: Option<String>,
}

pub fn run(args: &SimArgs) -> anyhow::Result<ExitCode> {
    let config = SimConfig::from_env().map_err(anyhow::Error::msg)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let seed = match args.seed {
            SeedArg::Empty => Seed::Empty,
            SeedArg::Demo => Seed::Demo,
        };
        let simulator = RunningSimulator::start(config.clone(), args.listen, seed)
            .await
            .with_context(|| format!("listening on {}", args.listen))?;
        if let Some(url) = &args.feedback_url {
            simulator
                .set_feedback_url(url)
                .map_err(|error| anyhow::anyhow!("--feedback-url: {error}"))?;
        }
        let credentials = &config.credentials;
        println!("apsdesk simulator listening on {}", simulator.base_url());
        if let Some(url) = &args.feedback_url {
            println!("  transaction feedback posted to {url}");
        }
        println!("  POST {}/FortAPI/paymentApi", simulator.base_url());
        println!("  merchant_identifier {}", credentials.merchant_identifier);
        println!("  SHA type            {}", credentials.sha_type);
        println!(
            "  access code and phrases: {} (set {} / {} / {} to change them)",
            if std::env::var(config::ENV_ACCESS_CODE).is_ok() {
                "from the environment"
            } else {
                "the demo defaults in the README"
            },
            config::ENV_ACCESS_CODE,
            config::ENV_REQUEST_PHRASE,
            config::ENV_RESPONSE_PHRASE,
        );
        println!(
            "  Apple Pay set: SHA type {}, {} (set {} / {} / {} / {})",
            config.apple_pay.sha_type,
            if std::env::var(config::ENV_APPLE_PAY_ACCESS_CODE).is_ok() {
                "from the environment"
            } else {
                "the demo defaults in the README"
            },
            config::ENV_APPLE_PAY_ACCESS_CODE,
            config::ENV_APPLE_PAY_REQUEST_PHRASE,
            config::ENV_APPLE_PAY_RESPONSE_PHRASE,
            config::ENV_APPLE_PAY_SHA_TYPE,
        );
        println!("Press Ctrl+C to stop.");
        tokio::select! {
            () = simulator.wait() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
        Ok(ExitCode::SUCCESS)
    })
}
