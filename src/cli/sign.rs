//! `apsdesk sign` and `apsdesk verify`: the signature debugger.
//!
//! "Signature mismatch" (message 008) is the most common APS support question.
//! These commands sign or check a message exactly as apsdesk does, show the
//! string that was hashed (with the phrase hidden), and never print the phrase,
//! which is read from an environment variable rather than an argument so that
//! it stays out of shell history.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;

use crate::aps::params::{Params, drop_final_newline};
use crate::aps::signature::{self, ShaType};

pub const DEFAULT_PHRASE_ENV: &str = "APSDESK_PHRASE";

#[derive(Debug, Args)]
pub struct SignArgs {
    /// sha256, sha512, hmac-sha256, hmac-sha512, sha1 (legacy), or the dashboard's
    /// SHA-256, SHA-512, HMAC-256, HMAC-512, SHA-128.
    #[arg(long, value_parser = parse_sha_type)]
    pub sha_type: ShaType,
    /// The environment variable holding the SHA phrase.
    #[arg(long, default_value = DEFAULT_PHRASE_ENV)]
    pub phrase_env: String,
    /// The input is a form-encoded body (a notification), not JSON.
    #[arg(long)]
    pub form: bool,
    /// Also print the string that is hashed, exactly (empty parameters left
    /// out, nothing trimmed), with the phrase shown as <phrase>.
    #[arg(long)]
    pub show_string: bool,
    /// The message to read; standard input when absent.
    pub file: Option<PathBuf>,
}

fn parse_sha_type(text: &str) -> Result<ShaType, String> {
    text.parse()
        .map_err(|err: signature::UnknownShaType| err.to_string())
}

struct Prepared {
    params: Params,
    phrase: String,
}

fn prepare(args: &SignArgs) -> anyhow::Result<Prepared> {
    let phrase = match std::env::var(&args.phrase_env) {
        Ok(phrase) if !phrase.is_empty() => phrase,
        _ => bail!(
            "the environment variable {} is not set: put the SHA phrase there (the phrase is never taken as an argument)",
            args.phrase_env
        ),
    };
    let mut input = String::new();
    match &args.file {
        Some(path) => {
            input = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
        }
        None => {
            std::io::stdin()
                .read_to_string(&mut input)
                .context("reading standard input")?;
        }
    }
    // At most the file's final newline goes; trailing spaces are signed
    // (the go-live checklist: "without trimming any trailing spaces").
    let input = drop_final_newline(&input);
    let params = if args.form {
        Params::from_form(input)
    } else {
        Params::from_json(input)
            .context("the input is not a JSON object (use --form for a form-encoded body)")?
    };
    if args.sha_type.is_legacy() {
        eprintln!(
            "warning: SHA-128 is a legacy type (SHA-1); choose SHA-256 or stronger in the APS dashboard"
        );
    }
    Ok(Prepared { params, phrase })
}

fn print_string_to_sign(params: &Params) {
    println!(
        "<phrase>{}<phrase>",
        signature::canonical_parameters(params)
    );
}

pub fn run_sign(args: &SignArgs) -> anyhow::Result<ExitCode> {
    let prepared = prepare(args)?;
    if args.show_string {
        print_string_to_sign(&prepared.params);
    }
    println!(
        "{}",
        signature::sign(&prepared.params, args.sha_type, &prepared.phrase)
    );
    Ok(ExitCode::SUCCESS)
}

pub fn run_verify(args: &SignArgs) -> anyhow::Result<ExitCode> {
    let prepared = prepare(args)?;
    if args.show_string {
        print_string_to_sign(&prepared.params);
    }
    let expected = signature::sign(&prepared.params, args.sha_type, &prepared.phrase);
    println!("expected {expected}");
    match prepared.params.non_empty("signature") {
        None => {
            println!("received (none)");
            println!("invalid");
            Ok(ExitCode::from(1))
        }
        Some(received) => {
            println!("received {received}");
            if signature::hex_equal_constant_time(&expected, received) {
                println!("valid");
                Ok(ExitCode::SUCCESS)
            } else {
                println!("invalid");
                Ok(ExitCode::from(1))
            }
        }
    }
}
