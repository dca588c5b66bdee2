//! The command line: the simulator, the signature debugger, the journal,
//! the profiles and the back-office operations, for scripting and for tests.
//!
//! Flags are parsed by clap into the structs below; each subcommand turns them
//! into the library's validated types before doing anything (parse, then act).
//! Every subcommand returns an exit code ([`exit`]); errors are printed once,
//! at the edge, in `main`.

pub mod context;
pub mod exit;
pub mod feedback;
pub mod filters;
pub mod import;
pub mod journal;
pub mod journal_key;
pub mod ops;
pub mod orders;
pub mod profile;
pub mod progress;
pub mod receipt;
pub mod sign;
pub mod sim;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::aps::Language;
use crate::journal::output::{IfExists, OutputError};

/// A desktop back office for Amazon Payment Services (APS, formerly PayFort).
#[derive(Debug, Parser)]
#[command(name = "apsdesk", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    /// Without a subcommand, the desktop app opens.
    #[command(subcommand)]
    pub command: Option<CliCommand>,
}

/// Options every subcommand accepts, before or after its name.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// The journal database [default: the platform's data directory].
    #[arg(long, global = true, value_name = "PATH", env = "APSDESK_DB")]
    pub db: Option<PathBuf>,
    /// Take the APS credentials from APSDESK_MERCHANT_IDENTIFIER, APSDESK_ACCESS_CODE,
    /// APSDESK_REQUEST_PHRASE, APSDESK_RESPONSE_PHRASE, APSDESK_SHA_TYPE and
    /// APSDESK_ENDPOINT (for automation).
    #[arg(long, global = true)]
    pub credentials_from_env: bool,
    /// The merchant profile to work with.
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Who is working, recorded with every operation [default: the login name].
    #[arg(long, global = true, value_name = "NAME", env = "APSDESK_OPERATOR")]
    pub operator: Option<String>,
    /// Accept an endpoint that is neither APS (sandbox, production) nor a
    /// simulator on this machine; its operations are recorded as environment
    /// `custom`.
    #[arg(long, global = true)]
    pub custom_endpoint: bool,
    /// Seconds to wait for APS's answer to one request (money commands are
    /// never retried; a timeout after sending is uncertain).
    #[arg(long, global = true, value_name = "SECONDS", env = "APSDESK_TIMEOUT",
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: Option<u64>,
    /// The language of messages and of APS's answers [default: en; the app
    /// opens in the language it last used].
    #[arg(long, global = true, value_enum)]
    pub lang: Option<LangArg>,
}

impl GlobalArgs {
    /// The language of messages: `--lang`, else English.
    pub fn language(&self) -> Language {
        self.lang.map_or(Language::En, Language::from)
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LangArg {
    En,
    Ar,
}

impl From<LangArg> for Language {
    fn from(value: LangArg) -> Language {
        match value {
            LangArg::En => Language::En,
            LangArg::Ar => Language::Ar,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Run the APS simulator: the paymentApi protocol on a local port.
    Sim(sim::SimArgs),
    /// Print the signature of a request or response (JSON or form-encoded).
    Sign(sign::SignArgs),
    /// Check the `signature` of a message: prints the expected one, then valid or invalid.
    Verify(sign::SignArgs),
    /// Browse, show, export and look up the journal's orders.
    Orders(orders::OrdersArgs),
    /// Verify, back up, restore, seed and reconcile the journal.
    Journal(journal::JournalArgs),
    /// Capture some or all of an authorized amount.
    Capture(ops::MoneyArgs),
    /// Refund some or all of a captured amount.
    Refund(ops::RefundArgs),
    /// Void an authorization that has not been captured.
    Void(ops::VoidArgs),
    /// Check an order's status and record it.
    Status(ops::StatusArgs),
    /// Acknowledge that APS's figures for an order differ from the
    /// journal's (exit code 7), after checking the order: its money
    /// commands may go again.
    Acknowledge(ops::AcknowledgeArgs),
    /// Saved card tokens.
    Token(ops::TokenArgs),
    /// Payment links.
    Link(ops::LinkArgs),
    /// Merchant profiles, their secrets in the OS keyring.
    Profile(profile::ProfileArgs),
    /// Receipt PDFs in Arabic and English, A4 or 80 mm thermal.
    Receipt(Box<receipt::ReceiptArgs>),
    /// APS's transaction feedback: receive and record its notifications.
    Feedback(feedback::FeedbackArgs),
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let global = cli.global;
    let Some(command) = cli.command else {
        // No subcommand: the desktop app, on `--profile` or the demo.
        let launch = match &global.profile {
            Some(name) => crate::app::Launch::Profile {
                name: name.clone(),
                journal: context::journal_path(&global)?,
            },
            None => crate::app::Launch::Demo,
        };
        // `--lang` given opens the window in that language.
        crate::app::run_in(launch, global.lang.map(Language::from))?;
        return Ok(ExitCode::SUCCESS);
    };
    match command {
        CliCommand::Sim(args) => sim::run(&args),
        CliCommand::Sign(args) => sign::run_sign(&args),
        CliCommand::Verify(args) => sign::run_verify(&args),
        CliCommand::Orders(args) => orders::run(&global, &args),
        CliCommand::Journal(args) => journal::run(&global, &args),
        CliCommand::Capture(args) => ops::capture(&global, &args),
        CliCommand::Refund(args) => ops::refund(&global, &args),
        CliCommand::Void(args) => ops::void(&global, &args),
        CliCommand::Status(args) => ops::status(&global, &args),
        CliCommand::Acknowledge(args) => ops::acknowledge(&global, &args),
        CliCommand::Token(args) => ops::token(&global, &args),
        CliCommand::Link(args) => ops::link(&global, &args),
        CliCommand::Profile(args) => profile::run(&global, &args),
        CliCommand::Receipt(args) => receipt::run(&global, &args),
        CliCommand::Feedback(args) => feedback::run(&global, &args),
    }
}

/// What `--overwrite` says to the output guard.
fn if_exists(overwrite: bool) -> IfExists {
    if overwrite {
        IfExists::Replace
    } else {
        IfExists::Refuse
    }
}

/// A refused output said on the command line: the guard's sentence (it names
/// the file), and for a file that exists, how to replace it.
fn output_refused(error: &OutputError, flag: &str) -> anyhow::Error {
    match error {
        OutputError::Exists { .. } => {
            anyhow::anyhow!(
                "{flag}: {error}; choose another name, or add --overwrite to replace it"
            )
        }
        OutputError::JournalsOwn { .. }
        | OutputError::SameFileAsJournals { .. }
        | OutputError::NoFreeName { .. }
        | OutputError::Io { .. } => anyhow::anyhow!("{flag}: {error}"),
    }
}
