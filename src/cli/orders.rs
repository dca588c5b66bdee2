//! `apsdesk orders list|show|export|lookup|import|confirm-imports`: the
//! journal's orders from the command line.

use std::io::{BufWriter, Read as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use serde_json::json;

use super::GlobalArgs;
use super::context::{desk, open_journal, runtime};
use super::exit;
use super::filters::FilterArgs;
use super::progress::Progress;
use crate::journal::desk::references_from_text;
use crate::journal::export::{export_csv, format_amount, format_time, format_time_short};
use crate::journal::import::ImportPayload;
use crate::journal::output::IfExists;
use crate::journal::store::{EntryRecord, OrderRecord};
use crate::journal::vocabulary::{EntryKind, EntryOutcome};

#[derive(Debug, Args)]
pub struct OrdersArgs {
    #[command(subcommand)]
    pub command: OrdersCommand,
}

#[derive(Debug, Subcommand)]
pub enum OrdersCommand {
    /// List orders, newest first, filtered and sorted.
    List {
        #[command(flatten)]
        filter: FilterArgs,
        /// How many rows.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// One JSON object per line instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// One order with its timeline of operations.
    Show {
        /// The merchant_reference.
        reference: String,
        #[arg(long)]
        json: bool,
    },
    /// Write the filtered orders to a CSV file (UTF-8 with BOM, for Excel).
    Export {
        #[command(flatten)]
        filter: FilterArgs,
        /// The CSV file to write (and its `.anchor` beside it).
        #[arg(long, value_name = "FILE.csv")]
        out: PathBuf,
        /// Replace --out (and its `.anchor`) if they exist. The journal's own
        /// files are refused even so.
        #[arg(long)]
        overwrite: bool,
    },
    /// Check the status of many references with APS and record their orders.
    Lookup {
        /// A list of references, or a CSV with a merchant_reference column
        /// [default: standard input].
        file: Option<PathBuf>,
        /// How many status checks in flight at once.
        #[arg(long, default_value_t = 4)]
        concurrency: usize,
    },
    /// Import orders from a CSV file (an APS report or the merchant's own),
    /// then confirm each with CHECK_STATUS so its money comes from APS.
    Import(ImportArgs),
    /// Confirm the imported orders still waiting for APS (after an
    /// interrupted import).
    ConfirmImports {
        /// How many status checks in flight at once.
        #[arg(long, default_value_t = 4)]
        concurrency: usize,
    },
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file, with a header row.
    pub file: PathBuf,
    /// Map a column to a journal field (`Order No=merchant_reference`), or
    /// `COLUMN=ignore`. Headers named as APS's reporting API names them
    /// (merchant_reference, fort_id, customer_name, customer_email, amount,
    /// currency, payment_option, transaction_date, authorization_code,
    /// knet_ref_number, third_party_transaction_number) map themselves.
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    pub mappings: Vec<String>,
    /// How many confirmations (CHECK_STATUS) in flight at once.
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    /// Record the rows only; confirm later with `orders confirm-imports`.
    #[arg(long)]
    pub no_confirm: bool,
    /// Show the mapping, the first rows and every refused row; record nothing.
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(global: &GlobalArgs, args: &OrdersArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        OrdersCommand::List {
            filter,
            limit,
            json,
        } => list(global, filter, *limit, *json),
        OrdersCommand::Show { reference, json } => show(global, reference, *json),
        OrdersCommand::Export {
            filter,
            out,
            overwrite,
        } => export(global, filter, out, super::if_exists(*overwrite)),
        OrdersCommand::Lookup { file, concurrency } => lookup(global, file.as_ref(), *concurrency),
        OrdersCommand::Import(args) => super::import::run(global, args),
        OrdersCommand::ConfirmImports { concurrency } => {
            super::import::confirm(global, *concurrency)
        }
    }
}

fn amount(order: &OrderRecord, minor: i64) -> String {
    format_amount(minor, order.currency.as_deref())
}

fn list(
    global: &GlobalArgs,
    args: &FilterArgs,
    limit: usize,
    as_json: bool,
) -> anyhow::Result<ExitCode> {
    let filter = args.to_filter(global)?;
    let journal = open_journal(global)?;
    let page = journal.orders_page(&filter, None, limit)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if as_json {
        for order in &page.rows {
            writeln!(out, "{}", serde_json::to_string(order)?)?;
        }
        return Ok(exit::code(exit::SUCCEEDED));
    }
    writeln!(
        out,
        "{:<20} {:<20} {:<20} {:<12} {:<4} {:>12} {:>12} {:>12}  customer",
        "merchant_reference",
        "state",
        "date (UTC)",
        "option",
        "cur",
        "amount",
        "captured",
        "refunded"
    )?;
    let mut recorded_only = false;
    for order in &page.rows {
        // The payment's own time when a source knew it (as the app's date
        // column); otherwise when this journal first saw the order, marked.
        let date = if let Some(time) = order.payment.time {
            format!("{} ", format_time_short(time.at_ms))
        } else {
            recorded_only = true;
            format!("{}*", format_time_short(order.created_ms))
        };
        writeln!(
            out,
            "{:<20} {:<20} {:<20} {:<12} {:<4} {:>12} {:>12} {:>12}  {}",
            order.merchant_reference,
            // As text: the state's Display ignores the column's width.
            order.state.as_str(),
            date,
            order.payment_option.as_deref().unwrap_or("-"),
            order.currency.as_deref().unwrap_or("-"),
            order
                .amount_minor
                .map(|minor| amount(order, minor))
                .unwrap_or_default(),
            amount(order, order.captured_minor),
            amount(order, order.refunded_minor),
            order.customer_name.as_deref().unwrap_or_default(),
        )?;
    }
    if recorded_only {
        writeln!(
            out,
            "* when this journal first saw the order: its payment time is not known yet"
        )?;
    }
    if page.next.is_some() {
        writeln!(out, "(more: raise --limit, or narrow the filters)")?;
    }
    Ok(exit::code(exit::SUCCEEDED))
}

fn show(global: &GlobalArgs, reference: &str, as_json: bool) -> anyhow::Result<ExitCode> {
    let journal = open_journal(global)?;
    let mut orders = journal.orders_by_reference(reference)?;
    if let Some(profile) = &global.profile {
        orders.retain(|order| &order.profile == profile);
    }
    if orders.is_empty() {
        eprintln!("no order {reference:?} in the journal");
        return Ok(exit::code(exit::DECLINED));
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for order in &orders {
        let entries = journal.order_entries(order.id)?;
        let open = journal.open_operations_for(order.id)?;
        if as_json {
            let open: Vec<_> = open
                .iter()
                .map(|operation| json!({"operation_id": operation.operation_id, "state": operation.state}))
                .collect();
            writeln!(
                out,
                "{}",
                json!({ "order": order, "entries": entries, "open_operations": open })
            )?;
            continue;
        }
        print_order(&mut out, order)?;
        for operation in &open {
            writeln!(
                out,
                "  BLOCKED: operation {} ({}) is {}: run `apsdesk journal reconcile`",
                operation.operation_id, operation.request.command, operation.state
            )?;
        }
        writeln!(out, "  timeline:")?;
        for entry in &entries {
            print_entry(&mut out, order, entry)?;
        }
    }
    Ok(exit::code(exit::SUCCEEDED))
}

fn print_order(out: &mut impl std::io::Write, order: &OrderRecord) -> std::io::Result<()> {
    let field = |value: &Option<String>| value.clone().unwrap_or_else(|| "-".to_owned());
    writeln!(
        out,
        "{} ({} / {})",
        order.merchant_reference, order.profile, order.environment
    )?;
    writeln!(out, "  state              {}", order.state)?;
    writeln!(out, "  fort_id            {}", field(&order.fort_id))?;
    writeln!(
        out,
        "  payment            {} {} {}",
        field(&order.payment_option),
        field(&order.card_brand),
        field(&order.masked_card)
    )?;
    let currency = field(&order.currency);
    writeln!(
        out,
        "  authorized         {} {currency}",
        amount(order, order.authorized_minor)
    )?;
    writeln!(
        out,
        "  captured           {} {currency}",
        amount(order, order.captured_minor)
    )?;
    writeln!(
        out,
        "  refunded           {} {currency}",
        amount(order, order.refunded_minor)
    )?;
    writeln!(
        out,
        "  customer           {} {}",
        field(&order.customer_name),
        field(&order.customer_email)
    )?;
    writeln!(
        out,
        "  authorization_code {}",
        field(&order.authorization_code)
    )?;
    if order.knet_ref_number.is_some() || order.third_party_transaction_number.is_some() {
        writeln!(
            out,
            "  knet_ref_number    {}",
            field(&order.knet_ref_number)
        )?;
        writeln!(
            out,
            "  third_party_txn    {}",
            field(&order.third_party_transaction_number)
        )?;
    }
    if order.payment_link_id.is_some() {
        writeln!(
            out,
            "  payment link       {} {} {}",
            field(&order.payment_link_id),
            field(&order.payment_link_status),
            field(&order.payment_link_url)
        )?;
    }
    writeln!(
        out,
        "  last response      {}",
        field(&order.last_response_code)
    )
}

fn print_entry(
    out: &mut impl std::io::Write,
    order: &OrderRecord,
    entry: &EntryRecord,
) -> std::io::Result<()> {
    let amount = entry
        .amount_minor
        .map(|minor| {
            format!(
                " {}",
                format_amount(
                    minor,
                    entry.currency.as_deref().or(order.currency.as_deref())
                )
            )
        })
        .unwrap_or_default();
    if entry.entry == EntryKind::Imported {
        // What a file said, never APS's answer: named by its file and line.
        let payload: ImportPayload = crate::journal::payload::read(&entry.payload);
        return writeln!(
            out,
            "    #{:<6} op {:<6} {} {} from {} line {} (sha256 {}) [{}]",
            entry.seq,
            entry.operation_id,
            format_time(entry.at_ms),
            entry.entry,
            payload.file_name,
            payload.line,
            payload.sha256,
            entry.operator,
        );
    }
    writeln!(
        out,
        "    #{:<6} op {:<6} {} {:<10} {:<18}{} {} {} {} [{}]",
        entry.seq,
        entry.operation_id,
        format_time(entry.at_ms),
        entry.entry,
        entry.command,
        amount,
        entry.outcome.map_or("", EntryOutcome::as_str),
        entry.response_code.as_deref().unwrap_or(""),
        entry.response_message.as_deref().unwrap_or(""),
        entry.operator,
    )
}

fn export(
    global: &GlobalArgs,
    args: &FilterArgs,
    out: &std::path::Path,
    if_exists: IfExists,
) -> anyhow::Result<ExitCode> {
    let filter = args.to_filter(global)?;
    let journal = open_journal(global)?;
    let guard = journal.output_guard();
    // The export and its anchor are checked before either is written.
    let anchor_path = crate::journal::anchor::Anchor::path_for(out);
    for path in [out, anchor_path.as_path()] {
        guard
            .check(path, if_exists)
            .map_err(|error| super::output_refused(&error, "--out"))?;
    }
    // Private (0600): an export is customer data, wherever it is written.
    let file = guard
        .create(out, if_exists)
        .map_err(|error| super::output_refused(&error, "--out"))?;
    let mut writer = BufWriter::new(file);
    let count = export_csv(&journal, &filter, &mut writer)?;
    let file = writer
        .into_inner()
        .map_err(|error| anyhow::anyhow!("writing {}: {}", out.display(), error.error()))?;
    file.commit()?;
    let anchor = journal.anchor_export(out, if_exists)?;
    eprintln!(
        "{count} orders written to {} (the journal's head at export: {})",
        out.display(),
        anchor.display()
    );
    Ok(exit::code(exit::SUCCEEDED))
}

fn lookup(
    global: &GlobalArgs,
    file: Option<&PathBuf>,
    concurrency: usize,
) -> anyhow::Result<ExitCode> {
    let text = if let Some(path) = file {
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?
    } else {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        text
    };
    let references = references_from_text(&text);
    if references.is_empty() {
        bail!("no merchant references in the input");
    }
    let desk = desk(global)?;
    let progress = Progress::new("checked");
    let results = runtime()?.block_on(desk.lookup(references, concurrency, |done, total| {
        progress.update_usize(done, total);
    }));
    progress.finish();
    let mut failures = 0;
    for result in &results {
        match (&result.result, &result.order) {
            (Ok(class), Some(order)) => {
                println!("{}\t{class}\t{}", result.merchant_reference, order.state);
            }
            (Ok(class), None) => println!("{}\t{class}", result.merchant_reference),
            (Err(error), _) => {
                failures += 1;
                println!("{}\terror\t{error}", result.merchant_reference);
            }
        }
    }
    Ok(exit::code(if failures == 0 {
        exit::SUCCEEDED
    } else {
        exit::DECLINED
    }))
}
