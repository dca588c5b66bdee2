//! `apsdesk journal key export|import`: the journal's chain key moved to
//! another computer in a file sealed under a passphrase the operator types
//! (`journal::key_transfer`), never in clear.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Subcommand;

use super::GlobalArgs;
use super::context::{journal_keys, journal_path, open_journal};
use super::exit;
use crate::aps::Secret;
use crate::journal::Journal;
use crate::journal::key_transfer::{KdfCost, KeyImported, KeyTransferError};
use crate::journal::output::IfExists;

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Write the journal's chain key to FILE, sealed under a passphrase typed
    /// twice (at a terminal, without echo; otherwise two lines of standard
    /// input). For the computer this journal's backup goes to.
    Export {
        /// The key file to write (must not exist).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Store the chain key from FILE (made by `journal key export`) in this
    /// computer's keyring, after checking it is this journal's; asks the
    /// file's passphrase (a terminal, or one line of standard input).
    Import {
        /// The key file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

/// Reads `prompts.len()` passphrases: at a terminal without echo, else one
/// line each from standard input.
fn read_passphrases(prompts: &[&str]) -> anyhow::Result<Vec<Secret>> {
    if std::io::stdin().is_terminal() {
        return prompts
            .iter()
            .map(|prompt| {
                rpassword::prompt_password(format!("{prompt}: "))
                    .map(Secret::new)
                    .context("reading the passphrase")
            })
            .collect();
    }
    let mut text = String::new();
    std::io::stdin().lock().read_to_string(&mut text)?;
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() < prompts.len() {
        bail!(
            "standard input has {} line(s); expected {}: {}",
            lines.len(),
            prompts.len(),
            prompts.join(", ")
        );
    }
    Ok(lines[..prompts.len()]
        .iter()
        .map(|line| Secret::new(line.trim_end_matches('\r')))
        .collect())
}

/// The key file, written private through the output guard and only where
/// nothing is (never over the journal, its sidecars or another file).
fn write_key_file(journal: &Journal, path: &Path, text: &str) -> anyhow::Result<()> {
    journal
        .output_guard()
        .write(path, text.as_bytes(), IfExists::Refuse)
        .with_context(|| format!("writing the key file {}", path.display()))?;
    Ok(())
}

pub fn run(global: &GlobalArgs, command: &KeyCommand) -> anyhow::Result<ExitCode> {
    let path = journal_path(global)?;
    if !path.is_file() {
        bail!(
            "no journal at {}: check --db (nothing was created)",
            path.display()
        );
    }
    let journal = open_journal(global)?;
    match command {
        KeyCommand::Export { out } => {
            let typed = read_passphrases(&["Passphrase for the key file", "The same again"])?;
            if typed[0].expose() != typed[1].expose() {
                return Err(KeyTransferError::PassphrasesDiffer.into());
            }
            let text = journal.export_key(&typed[0], KdfCost::RECOMMENDED)?;
            write_key_file(&journal, out, &text)?;
            println!(
                "the key of journal {} is in {}, sealed under the passphrase; keep the two apart",
                journal.identity().journal_id,
                out.display()
            );
            Ok(exit::code(exit::SUCCEEDED))
        }
        KeyCommand::Import { file } => {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("reading {}", file.display()))?;
            let typed = read_passphrases(&["Passphrase of the key file"])?;
            match journal.import_key(&journal_keys(), &text, &typed[0]) {
                Ok(KeyImported::Stored) => println!(
                    "the key of journal {} is in this computer's keyring: the journal takes new entries",
                    journal.identity().journal_id
                ),
                Ok(KeyImported::AlreadyHere) => println!(
                    "this computer's keyring already holds the key of journal {}",
                    journal.identity().journal_id
                ),
                Err(
                    error @ (KeyTransferError::WrongPassphraseOrDamaged
                    | KeyTransferError::OfAnotherJournal { .. }
                    | KeyTransferError::DoesNotFitJournal { .. }
                    | KeyTransferError::KeyringHoldsAnother { .. }),
                ) => {
                    eprintln!("error: {error}");
                    return Ok(exit::code(exit::DECLINED));
                }
                Err(error) => return Err(error.into()),
            }
            Ok(exit::code(exit::SUCCEEDED))
        }
    }
}
