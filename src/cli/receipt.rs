//! `apsdesk receipt`: a receipt PDF for an order or one of its operations, or
//! a batch for the filtered orders.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, anyhow, bail};
use clap::{Args, ValueEnum};

use super::GlobalArgs;
use super::context::open_journal;
use super::exit;
use super::filters::FilterArgs;
use crate::profiles::{ReceiptDetails, find_profile};
use crate::receipt::batch::{BatchOutput, BatchStyle, IntoFolder, write_batch};
use crate::receipt::{Layout, Receipt, ReceiptLanguage, render};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LanguageArg {
    En,
    Ar,
    Both,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LayoutArg {
    A4,
    Thermal,
}

#[derive(Debug, Args)]
pub struct ReceiptArgs {
    /// The order's merchant_reference (omit with --batch).
    pub reference: Option<String>,
    /// A receipt for this operation (its id in `orders show`) instead of the payment.
    #[arg(long, value_name = "ID")]
    pub operation: Option<i64>,
    /// The receipt's language(s).
    #[arg(long, value_enum, default_value = "both")]
    pub receipt_lang: LanguageArg,
    #[arg(long, value_enum, default_value = "a4")]
    pub layout: LayoutArg,
    /// The PDF to write, or the folder with --batch.
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// One receipt per filtered order (filters as in `orders list`).
    #[arg(long)]
    pub batch: bool,
    /// With --batch: one PDF with a page per order, `receipts.pdf` in the folder.
    #[arg(long, requires = "batch")]
    pub combined: bool,
    /// Replace --out if it exists (a batch never replaces: a name taken in
    /// the folder gets the next free one, `name (2).pdf`). The journal's own
    /// files are refused even so.
    #[arg(long, conflicts_with = "batch")]
    pub overwrite: bool,
    #[command(flatten)]
    pub filter: FilterArgs,
}

/// The merchant header: the `--profile`'s receipt details (no keyring needed).
fn merchant(global: &GlobalArgs) -> anyhow::Result<ReceiptDetails> {
    let Some(name) = &global.profile else {
        return Ok(ReceiptDetails::default());
    };
    let dir = crate::profiles::config_dir()
        .ok_or_else(|| anyhow!("no config directory for this user"))?;
    Ok(find_profile(&dir, name)?.receipt)
}

pub fn run(global: &GlobalArgs, args: &ReceiptArgs) -> anyhow::Result<ExitCode> {
    let language = match args.receipt_lang {
        LanguageArg::En => ReceiptLanguage::En,
        LanguageArg::Ar => ReceiptLanguage::Ar,
        LanguageArg::Both => ReceiptLanguage::Both,
    };
    let layout = match args.layout {
        LayoutArg::A4 => Layout::A4,
        LayoutArg::Thermal => Layout::Thermal,
    };
    let merchant = merchant(global)?;
    let journal = open_journal(global)?;
    if args.batch {
        if args.reference.is_some() {
            bail!("--batch takes filters, not a reference");
        }
        std::fs::create_dir_all(&args.out)
            .with_context(|| format!("creating {}", args.out.display()))?;
        let filter = args.filter.to_filter(global)?;
        let output = if args.combined {
            BatchOutput::Combined
        } else {
            BatchOutput::OnePerOrder
        };
        let progress = super::progress::Progress::new("receipts");
        let written = write_batch(
            &journal,
            &filter,
            &merchant,
            BatchStyle {
                language,
                layout,
                output,
            },
            &IntoFolder(args.out.clone()),
            |done, total| progress.update(done, total),
        )?;
        progress.finish();
        println!(
            "{} file(s) written to {}",
            written.len(),
            args.out.display()
        );
        return Ok(exit::code(exit::SUCCEEDED));
    }
    let reference = args
        .reference
        .as_deref()
        .ok_or_else(|| anyhow!("give the order's merchant_reference, or --batch"))?;
    let mut orders = journal.orders_by_reference(reference)?;
    if let Some(profile) = &global.profile {
        orders.retain(|order| &order.profile == profile);
    }
    let Some(order) = orders.into_iter().next() else {
        bail!("no order {reference:?} in the journal");
    };
    let operation = match args.operation {
        Some(id) => {
            let entries = journal.operation_entries(id)?;
            if entries
                .first()
                .is_none_or(|entry| entry.order_id != order.id)
            {
                bail!("--operation: {id} is not an operation of {reference}");
            }
            Some(entries)
        }
        None => None,
    };
    let receipt = Receipt::build(&order, operation.as_deref(), &merchant);
    let bytes = render(&receipt, language, layout);
    let written = journal
        .output_guard()
        .write(&args.out, &bytes, super::if_exists(args.overwrite))
        .map_err(|error| super::output_refused(&error, "--out"))?;
    println!("{} ({} bytes)", written.display(), bytes.len());
    Ok(exit::code(exit::SUCCEEDED))
}
