//! `apsdesk journal verify|backup|restore|seed|reconcile`: looking after the
//! journal itself.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use clap::{Args, Subcommand};

use super::GlobalArgs;
use super::context::{desk, journal_path, open_journal, runtime};
use super::exit;
use crate::journal::Journal;
use crate::journal::desk::Resolution;
use crate::journal::synthetic::{self, SeedSpec};

#[derive(Debug, Args)]
pub struct JournalArgs {
    #[command(subcommand)]
    pub command: JournalCommand,
}

#[derive(Debug, Subcommand)]
pub enum JournalCommand {
    /// Recompute the hash chain over every entry; exit 1 if it is broken.
    Verify,
    /// Write a consistent copy of the journal, even while apsdesk runs.
    Backup {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Replace the journal with a backup, after checking the backup's chain.
    Restore {
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
    },
    /// Add synthetic orders and operations (for benchmarks and trying the browser).
    Seed {
        #[arg(long)]
        orders: u64,
    },
    /// Settle every pending or uncertain operation of the account with CHECK_STATUS.
    Reconcile,
}

pub fn run(global: &GlobalArgs, args: &JournalArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        JournalCommand::Verify => {
            let journal = open_journal(global)?;
            let report = journal.verify_chain()?;
            match report.first_broken_seq {
                None => {
                    println!("intact: {} entries", report.entries_checked);
                    Ok(exit::code(exit::SUCCEEDED))
                }
                Some(seq) => {
                    println!("BROKEN at entry {seq}: the record was changed after it was written");
                    Ok(exit::code(exit::DECLINED))
                }
            }
        }
        JournalCommand::Backup { out } => {
            let journal = open_journal(global)?;
            journal.backup(out)?;
            println!("backed up to {}", out.display());
            Ok(exit::code(exit::SUCCEEDED))
        }
        JournalCommand::Restore { from } => {
            let target = journal_path(global)?;
            let report = Journal::restore(from, &target)?;
            if let Some(seq) = report.first_broken_seq {
                bail!("the backup's chain is broken at entry {seq}: nothing was restored");
            }
            println!(
                "restored {} ({} entries, chain intact)",
                target.display(),
                report.entries_checked
            );
            Ok(exit::code(exit::SUCCEEDED))
        }
        JournalCommand::Seed { orders } => {
            let mut journal = open_journal(global)?;
            let spec = SeedSpec {
                orders: *orders,
                profile: global
                    .profile
                    .clone()
                    .unwrap_or_else(|| "synthetic".to_owned()),
                environment: "simulator".to_owned(),
                now_ms: crate::journal::store::now_ms(),
            };
            let report = synthetic::seed(&mut journal, &spec, |done, total| {
                eprint!("\rseeded {done}/{total} orders");
            })?;
            eprintln!();
            println!(
                "{} orders, {} operations added",
                report.orders, report.operations
            );
            Ok(exit::code(exit::SUCCEEDED))
        }
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
