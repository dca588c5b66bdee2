//! The command line: `apsdesk sim`, `apsdesk sign`, `apsdesk verify`.
//!
//! Flags are parsed by clap into the structs below; each subcommand turns them
//! into the library's validated types before doing anything (parse, then act).
//! Every subcommand returns an exit code; errors are printed once, at the edge,
//! in `main`.

pub mod sign;
pub mod sim;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// A desktop back office for Amazon Payment Services (APS, formerly PayFort).
#[derive(Debug, Parser)]
#[command(name = "apsdesk", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: CliCommand,
}

#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Run the APS simulator: the paymentApi protocol on a local port.
    Sim(sim::SimArgs),
    /// Print the signature of a request or response (JSON or form-encoded).
    Sign(sign::SignArgs),
    /// Check the `signature` of a message: prints the expected one, then valid or invalid.
    Verify(sign::SignArgs),
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        CliCommand::Sim(args) => sim::run(&args),
        CliCommand::Sign(args) => sign::run_sign(&args),
        CliCommand::Verify(args) => sign::run_verify(&args),
    }
}
