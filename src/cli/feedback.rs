//! `apsdesk feedback serve`: the receiver of APS's transaction feedback, for
//! one account (`--profile` or `--credentials-from-env`) into the journal.
//!
//! Plain HTTP on a local address, TLS being the reverse proxy's (README);
//! or https itself with `--tls-cert`/`--tls-key`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use clap::{Args, Subcommand};

use super::GlobalArgs;
use super::context::{account, open_journal_to_stay};
use crate::feedback::{RateLimit, Receiver, RunningReceiver, ServeLimits};
use crate::journal::Actor;

#[derive(Debug, Args)]
pub struct FeedbackArgs {
    #[command(subcommand)]
    pub command: FeedbackCommand,
}

#[derive(Debug, Subcommand)]
pub enum FeedbackCommand {
    /// Receive APS's Direct Feedback and Notification Feedback posts (any
    /// path) and record them in the journal, until stopped.
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on: plain HTTP behind a TLS reverse proxy, or
    /// https with --tls-cert and --tls-key.
    #[arg(long, default_value = "127.0.0.1:8686")]
    pub listen: SocketAddr,
    /// Notifications taken per second at most, on average (more answer 429).
    #[arg(long, default_value_t = 50,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub max_per_second: u32,
    /// Serve https with this certificate chain (PEM) instead of plain HTTP.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Connections open at once at most; more are closed on arrival.
    #[arg(long, default_value_t = 512,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_connections: u32,
    /// Milliseconds a client has to send a request's headers (and, with
    /// TLS, to finish its handshake). For tests: the default is the
    /// production value.
    #[arg(long, hide = true, default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout_ms: u64,
    /// Milliseconds a client has to send a request's body. For tests.
    #[arg(long, hide = true, default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub body_timeout_ms: u64,
}

pub fn run(global: &GlobalArgs, args: &FeedbackArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        FeedbackCommand::Serve(serve) => run_serve(global, serve),
    }
}

fn run_serve(global: &GlobalArgs, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    // Read before anything else: a wrong file is said at once.
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(certificate), Some(key)) => {
            Some(crate::feedback::tls_config(certificate, key).map_err(anyhow::Error::msg)?)
        }
        _ => None,
    };
    let account = account(global)?;
    let journal = open_journal_to_stay(global)?;
    if let Some(problem) = journal.key_problem() {
        tracing::warn!("the journal has no chain key: {problem}");
    }
    let actor = Actor {
        operator: crate::feedback::OPERATOR.to_owned(),
        profile: account.profile.clone(),
        account: account.credentials.merchant_identifier.clone(),
        environment: account.endpoint.environment(),
    };
    let per_second = f64::from(args.max_per_second);
    let receiver = Arc::new(
        Receiver::new(
            account.credentials,
            actor,
            Arc::new(Mutex::new(journal)),
            RateLimit {
                per_second,
                burst: per_second * 4.0,
            },
        )
        .with_apple_pay(account.apple_pay)
        .with_limits(ServeLimits {
            header_read_timeout: std::time::Duration::from_millis(args.header_timeout_ms),
            body_timeout: std::time::Duration::from_millis(args.body_timeout_ms),
            max_connections: usize::try_from(args.max_connections).unwrap_or(usize::MAX),
        }),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let scheme = if tls.is_some() { "https" } else { "http" };
        let running = match tls {
            Some(tls) => RunningReceiver::start_tls(Arc::clone(&receiver), args.listen, tls).await,
            None => RunningReceiver::start(Arc::clone(&receiver), args.listen).await,
        }
        .with_context(|| format!("listening on {}", args.listen))?;
        println!(
            "apsdesk feedback receiver for {} ({}) listening on {scheme}://{} (any path, POST)",
            account.profile,
            account.endpoint.environment(),
            running.address()
        );
        println!("Press Ctrl+C to stop.");
        stopped().await;
        running.shutdown().await;
        let counts = receiver.counts();
        println!(
            "stopped: {} recorded, {} duplicates, {} refused, {} over the rate, {} not recorded (journal)",
            counts.recorded,
            counts.duplicates,
            counts.rejected_total(),
            counts.rate_limited,
            counts.unavailable
        );
        Ok(ExitCode::SUCCESS)
    })
}

/// Ctrl+C, or SIGTERM (how systemd stops a service).
async fn stopped() {
    #[cfg(unix)]
    {
        let Ok(mut terminate) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
