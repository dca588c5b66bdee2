//! `apsdesk journal verify|backup|restore|seed|reconcile|key`: looking after
//! the journal itself.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::GlobalArgs;
use super::context::{
    desk, journal_keys, journal_path, open_journal, open_journal_to_stay, operator, runtime,
};
use super::exit;
use crate::journal::desk::Resolution;
use crate::journal::restore::RestoreOptions;
use crate::journal::synthetic::{self, SeedSpec};
use crate::journal::verify::Finding;
use crate::journal::{Journal, JournalError};

#[derive(Debug, Args)]
pub struct JournalArgs {
    #[command(subcommand)]
    pub command: JournalCommand,
}

#[derive(Debug, Subcommand)]
pub enum JournalCommand {
    /// Check the journal: the hash chain over every entry, the anchor kept
    /// beside it (entries removed from the end), this computer's record of
    /// its head in the keyring (a copy put back: "rolled back"), and the
    /// orders and open operations against the entries; exit 1 on any finding.
    Verify {
        /// Once the verdict is shown: continue from the journal as it is
        /// although its anchor or this computer's record of its head
        /// disagreed (a cut, a copy put back). What they remembered and the
        /// journal lacks stays lost; the decision is recorded in the journal.
        #[arg(long)]
        accept: bool,
    },
    /// Write a consistent copy of the journal (private, anchored), even while apsdesk runs.
    Backup {
        /// The new backup file (must not exist).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Replace the journal with a backup that verifies; the current journal
    /// is kept beside it as `<journal>.before-restore-<time>`.
    Restore {
        /// The backup to restore (an existing apsdesk journal; never created).
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        /// Restore even though the current journal has open operations (they
        /// stay in the kept copy; reconcile them from it).
        #[arg(long)]
        force: bool,
    },
    /// Add synthetic orders and operations (for benchmarks and trying the browser).
    Seed {
        #[arg(long)]
        orders: u64,
    },
    /// Settle every pending or uncertain operation of the account with CHECK_STATUS.
    Reconcile,
    /// The journal's chain key: move it to another computer (export, import).
    Key {
        #[command(subcommand)]
        command: super::journal_key::KeyCommand,
    },
}

/// The journal for a command that reads it: a path with no journal is an
/// error, so that a mistyped `--db` never becomes an empty journal that
/// "verifies" or is backed up.
fn existing_journal(global: &GlobalArgs) -> anyhow::Result<Journal> {
    let path = journal_path(global)?;
    if !path.is_file() {
        anyhow::bail!(
            "no journal at {}: check --db (nothing was created)",
            path.display()
        );
    }
    open_journal(global)
}

pub fn run(global: &GlobalArgs, args: &JournalArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        JournalCommand::Verify { accept } => {
            let mut journal = existing_journal(global)?;
            let report = journal.verify()?;
            let keyed = match journal.identity().keyed_from_seq {
                Some(seq) => format!("chain keyed from entry {seq}"),
                None => format!(
                    "chain not keyed ({})",
                    journal.key_problem().unwrap_or("no key source")
                ),
            };
            let anchored = match &report.anchor {
                Some(anchor) => format!("anchored at {} entries", anchor.entries),
                None => "not anchored yet".to_owned(),
            };
            for accepted in &report.acceptances {
                let said: crate::journal::payload::AcceptancePayload =
                    crate::journal::payload::read(&accepted.payload);
                println!(
                    "note: entry {}: {} accepted the journal as it was at {} entries ({})",
                    accepted.seq,
                    accepted.operator,
                    said.entries_before,
                    said.findings.join("; ")
                );
            }
            if report.is_clean() {
                println!(
                    "intact: {} entries, {keyed}, {anchored}, orders and open operations agree with the entries",
                    report.entries_checked
                );
                if *accept {
                    println!("nothing to accept");
                }
                return Ok(exit::code(exit::SUCCEEDED));
            }
            let verdict = if report.findings.iter().any(Finding::is_rollback) {
                "ROLLED BACK"
            } else {
                "NOT INTACT"
            };
            println!(
                "{verdict}: {} entries checked, {keyed}, {anchored}; {} finding(s):",
                report.entries_checked,
                report.findings.len()
            );
            for finding in &report.findings {
                println!("- {finding}");
            }
            if !*accept {
                if report.findings.iter().any(Finding::is_about_head) {
                    println!(
                        "new entries are refused until this is decided: restore a verified backup (`apsdesk journal restore`), or continue from the journal as it is with `apsdesk journal verify --accept`"
                    );
                }
                return Ok(exit::code(exit::DECLINED));
            }
            // The verdict is on the screen: the operator's decision is recorded.
            let Some(acceptance) = journal.accept_as_is(&operator(global))? else {
                println!(
                    "nothing to accept: the anchor and this computer's record of the head agree with the journal"
                );
                return Ok(exit::code(exit::DECLINED));
            };
            println!(
                "accepted: recorded as entry {}; the anchor and this computer's record of the head now name it, and new entries are taken",
                acceptance.seq
            );
            let left = journal.verify()?;
            for finding in &left.findings {
                println!("- still: {finding}");
            }
            Ok(exit::code(if left.is_clean() {
                exit::SUCCEEDED
            } else {
                exit::DECLINED
            }))
        }
        JournalCommand::Backup { out } => {
            let journal = existing_journal(global)?;
            journal.backup(out)?;
            println!("backed up to {} (anchored)", out.display());
            Ok(exit::code(exit::SUCCEEDED))
        }
        JournalCommand::Restore { from, force } => {
            let target = journal_path(global)?;
            let keys = journal_keys();
            let options = RestoreOptions {
                keys: &keys,
                force: *force,
            };
            let report = match Journal::restore(from, &target, &options) {
                Ok(report) => report,
                // Declined, not invalid: the source is sound, the journal
                // holds operations the restore would drop.
                Err(
                    error @ (JournalError::OpenOperationsWouldBeLost(_)
                    | JournalError::RestoreWouldDrop(_)
                    | JournalError::InFlightWouldBeLost(_)
                    | JournalError::CurrentJournalUnreadable { .. }),
                ) => {
                    eprintln!("error: {error}");
                    return Ok(exit::code(exit::DECLINED));
                }
                Err(error) => return Err(error.into()),
            };
            if let Some(kept) = &report.previous_kept_at {
                println!("the replaced journal is kept at {}", kept.display());
            }
            if let Some(dropped) = &report.dropped {
                println!("left the live journal (kept in the copy above): {dropped}");
            }
            for operation in &report.replaced_open_operations {
                println!("replaced (kept in the copy above): {operation}");
            }
            println!(
                "restored {} ({} entries, verified)",
                target.display(),
                report.entries
            );
            Ok(exit::code(exit::SUCCEEDED))
        }
        JournalCommand::Seed { orders } => {
            let mut journal = open_journal_to_stay(global)?;
            let spec = SeedSpec {
                orders: *orders,
                profile: global
                    .profile
                    .clone()
                    .unwrap_or_else(|| "synthetic".to_owned()),
                environment: crate::aps::client::Environment::Simulator,
                now_ms: crate::journal::store::now_ms(),
            };
            let progress = super::progress::Progress::new("orders seeded");
            let report = synthetic::seed(&mut journal, &spec, |done, total| {
                progress.update(done, total);
            })?;
            progress.finish();
            println!(
                "{} orders, {} operations added",
                report.orders, report.operations
            );
            Ok(exit::code(exit::SUCCEEDED))
        }
        JournalCommand::Key { command } => super::journal_key::run(global, command),
        JournalCommand::Reconcile => {
            let desk = desk(global)?;
            let results = runtime()?.block_on(desk.reconcile_all())?;
            if results.is_empty() {
                println!("nothing to reconcile");
            }
            let mut unresolved = 0;
            for (operation_id, resolution) in &results {
                match resolution {
                    Resolution::Unresolved(why) => {
                        unresolved += 1;
                        println!("operation {operation_id}: still open: {why}");
                    }
                    Resolution::InFlight(holder) => {
                        unresolved += 1;
                        println!(
                            "operation {operation_id}: not touched: {}",
                            holder.describe()
                        );
                    }
                    Resolution::Applied | Resolution::NotApplied => {
                        println!("operation {operation_id}: {}", resolution.as_str());
                    }
                }
            }
            Ok(exit::code(if unresolved == 0 {
                exit::SUCCEEDED
            } else {
                exit::UNCERTAIN
            }))
        }
    }
}
