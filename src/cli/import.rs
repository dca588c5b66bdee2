//! `apsdesk orders import FILE.csv [--map COLUMN=FIELD ...]` and
//! `apsdesk orders confirm-imports`: orders from a CSV file, recorded as
//! imported, then confirmed with APS (see `journal::import`).

use std::process::ExitCode;

use anyhow::Context as _;

use super::GlobalArgs;
use super::context::{desk, runtime};
use super::exit;
use super::orders::ImportArgs;
use super::progress::Progress;
use crate::journal::Desk;
use crate::journal::export::format_time;
use crate::journal::import::{
    self, ColumnMap, ImportOutcome, ImportSource, Parsed, confirm_pending,
};

/// Rows shown by `--dry-run`.
const PREVIEW_ROWS: usize = 5;

pub fn run(global: &GlobalArgs, args: &ImportArgs) -> anyhow::Result<ExitCode> {
    let language = global.language();
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let file_name = args.file.file_name().map_or_else(
        || args.file.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    let (map, parsed) = match import::read_file(&bytes, &args.mappings) {
        Ok(read) => read,
        Err(error) => {
            eprintln!("{}: {}", args.file.display(), error.message(language));
            return Ok(exit::code(exit::INVALID_INPUT));
        }
    };
    eprintln!("{}", describe_map(&map));
    for error in &parsed.errors {
        eprintln!("refused {}", error.message(language));
    }
    if args.dry_run {
        print_preview(&parsed);
        return Ok(exit::code(if parsed.errors.is_empty() {
            exit::SUCCEEDED
        } else {
            exit::DECLINED
        }));
    }
    let source = ImportSource::of(&file_name, &bytes);
    let desk = desk(global)?;
    let outcome = import::record(
        &mut desk
            .journal
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
        &desk.actor,
        &source,
        &parsed,
    )?;
    match outcome {
        ImportOutcome::Recorded { imported, refused } => println!(
            "{imported} row(s) imported from {file_name} (sha256 {}), {refused} refused",
            source.sha256
        ),
        ImportOutcome::AlreadyImported { at_ms, imported } => println!(
            "{file_name} (sha256 {}) was imported on {} ({imported} rows): nothing added",
            source.sha256,
            format_time(at_ms)
        ),
    }
    let confirmed_all = args.no_confirm || confirm_all(&desk, args.concurrency)?;
    Ok(exit::code(if !parsed.errors.is_empty() {
        exit::DECLINED
    } else if confirmed_all {
        exit::SUCCEEDED
    } else {
        exit::NOT_CONNECTED
    }))
}

pub fn confirm(global: &GlobalArgs, concurrency: usize) -> anyhow::Result<ExitCode> {
    let desk = desk(global)?;
    Ok(exit::code(if confirm_all(&desk, concurrency)? {
        exit::SUCCEEDED
    } else {
        exit::NOT_CONNECTED
    }))
}

/// Confirms what is pending on the desk's account; whether nothing is left.
fn confirm_all(desk: &Desk, concurrency: usize) -> anyhow::Result<bool> {
    let progress = Progress::new("confirmed with APS");
    let report = runtime()?.block_on(confirm_pending(desk, concurrency, |done, total| {
        progress.update_usize(done, total);
    }))?;
    progress.finish();
    println!(
        "{} order(s) confirmed with CHECK_STATUS, {} still waiting{}",
        report.confirmed,
        report.still_pending,
        if report.still_pending > 0 {
            " (run `apsdesk orders confirm-imports` again)"
        } else {
            ""
        }
    );
    Ok(report.still_pending == 0)
}

/// `columns: Order No → merchant_reference, Notes → ignored`.
fn describe_map(map: &ColumnMap) -> String {
    let columns: Vec<String> = map
        .headers
        .iter()
        .zip(&map.fields)
        .map(|(header, field)| {
            format!(
                "{header} -> {}",
                field.map_or("ignored", import::ImportField::name)
            )
        })
        .collect();
    format!("columns: {}", columns.join(", "))
}

fn print_preview(parsed: &Parsed) {
    println!(
        "{} row(s) would be imported, {} refused; the first:",
        parsed.rows.len(),
        parsed.errors.len()
    );
    for row in parsed.rows.iter().take(PREVIEW_ROWS) {
        let values: Vec<String> = row
            .values
            .iter()
            .map(|(field, value)| format!("{field}={value}"))
            .collect();
        println!("  line {}: {}", row.line, values.join(" "));
    }
}
