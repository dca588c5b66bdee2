//! `journal restore`: putting a backup in the journal's place without ever
//! losing the journal.
//!
//! 1. The source must be an existing file; it is opened read-only, so a
//!    mistyped path is refused and no file is created there.
//! 2. It must be a sound SQLite database (`integrity_check`), an apsdesk
//!    journal of a schema this build knows, whose chain verifies (keyed
//!    entries with its key), that is not behind its anchor (beside it, or
//!    inside it as a backup), and whose order rows and open operations agree
//!    with its entries.
//! 3. What would leave the current journal is named, and the restore refused
//!    unless forced: its entries the backup does not hold (an older backup,
//!    or another journal's), with the open operations and orders among them
//!    ([`WhatLeaves`]); open operations in the current journal (money that
//!    may have moved); a current journal that cannot be read (forced, it is
//!    moved aside as it is).
//! 4. The backup is staged beside the journal (a private copy, brought to the
//!    current schema), the current journal is kept as a timestamped backup
//!    beside it, and the staged copy renamed over it: the swap is atomic.
//!    The anchor and this installation's witness (`witness.rs`) then name the
//!    restored head: a restore is the deliberate way back to a copy.
//!
//! Anything refused changes nothing.

use super::lease::LeaseHolder;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::anchor::Anchor;
use super::files;
use super::key::{KeyLookup, KeySource};
use super::schema;
use super::store::{Journal, JournalError, OpenOperationSummary, Result};
use super::verify::{self, ChainHasher};

/// How to restore.
#[derive(Debug, Clone, Copy)]
pub struct RestoreOptions<'a> {
    /// Where the source's and the journal's chain keys come from.
    pub keys: &'a KeySource,
    /// Restore even over open operations (they stay in the kept backup).
    pub force: bool,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreReport {
    /// Entries in the restored journal, all verified.
    pub entries: u64,
    /// Where the journal that was replaced is kept (`None` when there was none).
    pub previous_kept_at: Option<PathBuf>,
    /// Open operations of the replaced journal (only when forced).
    pub replaced_open_operations: Vec<OpenOperationSummary>,
    /// What left the live journal (only when forced).
    pub dropped: Option<WhatLeaves>,
}

/// Why a backup would take something out of the live journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeaveReason {
    /// The backup is this journal at an earlier entry.
    Older {
        backup_entries: i64,
        live_entries: i64,
    },
    /// The backup is this journal, and its history parts from the live one
    /// after entry `shared` (a copy that went on elsewhere).
    Diverged { shared: i64 },
    /// The backup is another journal's.
    OtherJournal {
        backup_journal: String,
        live_journal: String,
    },
}

/// What a restore would take out of the live journal (it stays in the kept
/// copy, `<journal>.before-restore-<time>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhatLeaves {
    pub reason: LeaveReason,
    /// Entries of the live journal the backup does not hold.
    pub entries: i64,
    /// Open operations of the live journal the backup does not hold open.
    pub open_operations: Vec<OpenOperationSummary>,
    /// Orders of the live journal the backup does not know.
    pub orders: i64,
}

impl std::fmt::Display for WhatLeaves {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.reason {
            LeaveReason::Older {
                backup_entries,
                live_entries,
            } => write!(
                f,
                "the backup is older than the journal ({backup_entries} entries against {live_entries})"
            )?,
            LeaveReason::Diverged { shared } => write!(
                f,
                "the backup's history parts from the journal's after entry {shared}"
            )?,
            LeaveReason::OtherJournal {
                backup_journal,
                live_journal,
            } => write!(
                f,
                "the backup is another journal's ({backup_journal}; this one is {live_journal})"
            )?,
        }
        write!(
            f,
            ": {} entries, {} open operation(s){} and {} order(s) would leave the live journal",
            self.entries,
            self.open_operations.len(),
            if self.open_operations.is_empty() {
                String::new()
            } else {
                format!(
                    " ({})",
                    self.open_operations
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ")
                )
            },
            self.orders
        )
    }
}

/// See the module documentation.
pub fn restore(
    source: &Path,
    target: &Path,
    options: &RestoreOptions<'_>,
) -> Result<RestoreReport> {
    let invalid = |why: String| JournalError::RestoreSource {
        path: source.to_owned(),
        why,
    };
    match std::fs::metadata(source) {
        Ok(metadata) if metadata.is_file() => {}
        Ok(_) => return Err(invalid("is not a file".to_owned())),
        Err(error) => return Err(invalid(format!("cannot be read: {error}"))),
    }
    if let (Ok(source), Ok(target)) = (source.canonicalize(), target.canonicalize())
        && source == target
    {
        return Err(invalid("is the journal itself".to_owned()));
    }
    let _source_untouched = SourceSidecars::note(source);
    let entries = check_source(source, options.keys).map_err(invalid)?;

    // The journal being replaced: read to name what it holds open; a
    // damaged one (the usual reason to restore) is moved aside as it is.
    let mut replaced_open_operations = Vec::new();
    let mut dropped = None;
    let current = if target.exists() {
        match inspect(target, options.keys) {
            Ok((journal, open)) => {
                // An operation in flight would record its request and answer
                // into the replaced file: lost. Not even --force does that.
                let in_flight = journal.live_leases()?;
                if !in_flight.is_empty() {
                    return Err(JournalError::InFlightWouldBeLost(
                        in_flight.iter().map(LeaseHolder::describe).collect(),
                    ));
                }
                dropped = what_leaves(source, &journal, &open)?;
                replaced_open_operations = open;
                Some(Ok(journal))
            }
            Err(error) if options.force => Some(Err(error)),
            Err(error) => {
                return Err(JournalError::CurrentJournalUnreadable {
                    path: target.to_owned(),
                    why: error.to_string(),
                });
            }
        }
    } else {
        None
    };
    if let Some(dropped) = &dropped
        && !options.force
    {
        return Err(JournalError::RestoreWouldDrop(dropped.clone()));
    }
    if !replaced_open_operations.is_empty() && !options.force {
        return Err(JournalError::OpenOperationsWouldBeLost(
            replaced_open_operations,
        ));
    }
    // From here to the swap, the current journal takes no writes: another
    // apsdesk that starts an operation now waits, then fails before it
    // records (or sends) anything. Checked again under that lock: an
    // operation may have started since the first look.
    let _writers_held = match &current {
        Some(Ok(_)) => {
            let guard = rusqlite::Connection::open(target)?;
            guard.busy_timeout(std::time::Duration::from_secs(5))?;
            guard.execute_batch("BEGIN IMMEDIATE")?;
            let in_flight = super::lease::live_leases_in(&guard)?;
            if !in_flight.is_empty() {
                return Err(JournalError::InFlightWouldBeLost(
                    in_flight.iter().map(LeaseHolder::describe).collect(),
                ));
            }
            Some(guard)
        }
        Some(Err(_)) | None => None,
    };

    let staged = beside(target, ".restoring");
    remove_if_present(&staged)?;
    for sidecar in Journal::sidecars(&staged) {
        remove_if_present(&sidecar)?;
    }
    let staged_result = stage(source, &staged, options.keys);
    if let Err(error) = staged_result {
        let _ = std::fs::remove_file(&staged);
        return Err(error);
    }

    let previous_kept_at = match current {
        Some(Err(_unreadable)) => {
            // Moved aside byte for byte, with its WAL: nothing in it is lost.
            let kept = kept_path(target);
            let moved = std::fs::rename(target, &kept).and_then(|()| {
                for (from, to) in Journal::sidecars(target)
                    .into_iter()
                    .zip(Journal::sidecars(&kept))
                {
                    if from.exists() {
                        std::fs::rename(from, to)?;
                    }
                }
                Ok(())
            });
            if let Err(error) = moved {
                let _ = std::fs::remove_file(&staged);
                return Err(error.into());
            }
            Some(kept)
        }
        Some(Ok(current)) => {
            let kept = kept_path(target);
            let kept_result = current
                .copy_into(&kept)
                .and_then(|()| current.checkpoint())
                .map(|()| kept);
            drop(current);
            match kept_result {
                Ok(kept) => Some(kept),
                Err(error) => {
                    let _ = std::fs::remove_file(&staged);
                    return Err(error);
                }
            }
        }
        None => None,
    };
    // The old WAL is empty after the checkpoint and the last connection's
    // close; one left over must not be replayed into the restored file.
    for sidecar in Journal::sidecars(target) {
        remove_if_present(&sidecar)?;
    }
    std::fs::rename(&staged, target)?;
    files::sync_parent(target);

    let mut restored = Journal::open_with(target, options.keys)?;
    // A deliberate return to a copy: the anchor and this installation's
    // witness now name its head (else it would read as rolled back).
    restored.reset_head_records()?;
    let report = restored.verify()?;
    if !report.is_clean() {
        // Checked before the swap; only a concurrent writer gets here.
        return Err(JournalError::RestoreSource {
            path: source.to_owned(),
            why: format!(
                "was restored and no longer verifies: {}",
                join(&report.findings)
            ),
        });
    }
    Ok(RestoreReport {
        entries,
        previous_kept_at,
        replaced_open_operations,
        dropped,
    })
}

/// The last entry's sequence number, and the hash of entry `seq`.
fn last_seq(connection: &Connection) -> rusqlite::Result<i64> {
    connection.query_row("SELECT ifnull(max(seq), 0) FROM entries", [], |row| {
        row.get(0)
    })
}

fn hash_at(connection: &Connection, seq: i64) -> rusqlite::Result<Option<String>> {
    use rusqlite::OptionalExtension;
    connection
        .query_row("SELECT hash FROM entries WHERE seq = ?1", [seq], |row| {
            row.get(0)
        })
        .optional()
}

/// What the backup at `source` would take out of the live journal, or
/// `None` when it holds all of it (the same journal, as far or further).
fn what_leaves(
    source: &Path,
    live: &Journal,
    live_open: &[OpenOperationSummary],
) -> Result<Option<WhatLeaves>> {
    let backup = Connection::open_with_flags(
        source,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let live_connection = live.connection();
    let backup_id = verify::read_identity(&backup)?.journal_id;
    let live_id = live.identity().journal_id.clone();
    let backup_entries = last_seq(&backup)?;
    let live_entries = last_seq(live_connection)?;
    // How many entries the two share: chained, so if entry k is the same in
    // both, so is every entry before it (a binary search).
    let shared = if backup_id == live_id {
        let (mut low, mut high) = (0, backup_entries.min(live_entries));
        while low < high {
            let middle = low + (high - low + 1) / 2;
            let same = hash_at(&backup, middle)?.is_some()
                && hash_at(&backup, middle)? == hash_at(live_connection, middle)?;
            if same {
                low = middle;
            } else {
                high = middle - 1;
            }
        }
        low
    } else {
        0
    };
    if shared == live_entries {
        return Ok(None);
    }
    let reason = if backup_id != live_id {
        LeaveReason::OtherJournal {
            backup_journal: backup_id,
            live_journal: live_id,
        }
    } else if shared == backup_entries {
        LeaveReason::Older {
            backup_entries,
            live_entries,
        }
    } else {
        LeaveReason::Diverged { shared }
    };
    // An operation open in the live journal is kept open by the backup only
    // when the backup holds its request (the shared entries) and has it open.
    let mut open_in_backup =
        backup.prepare("SELECT 1 FROM open_operations WHERE operation_id = ?1")?;
    let mut open_operations = Vec::new();
    for operation in live_open {
        let kept =
            operation.operation_id <= shared && open_in_backup.exists([operation.operation_id])?;
        if !kept {
            open_operations.push(operation.clone());
        }
    }
    // Orders the backup does not know, by their reference on their account.
    let mut known = backup.prepare(
        "SELECT 1 FROM orders WHERE profile = ?1 AND environment = ?2 AND merchant_reference = ?3",
    )?;
    let mut live_orders = live_connection
        .prepare("SELECT profile, environment, merchant_reference FROM orders ORDER BY id")?;
    let mut rows = live_orders.query([])?;
    let mut orders = 0;
    while let Some(row) = rows.next()? {
        let (profile, environment, reference): (String, String, String) =
            (row.get(0)?, row.get(1)?, row.get(2)?);
        if !known.exists(rusqlite::params![profile, environment, reference])? {
            orders += 1;
        }
    }
    Ok(Some(WhatLeaves {
        reason,
        entries: live_entries - shared,
        open_operations,
        orders,
    }))
}

/// Reading a database in WAL mode read-only makes SQLite create its `-wal`
/// and `-shm` files beside it (and leave them). Those that were not there
/// before are removed when the restore ends, so that the source is left as
/// it was found.
struct SourceSidecars(Vec<PathBuf>);

impl SourceSidecars {
    fn note(source: &Path) -> SourceSidecars {
        SourceSidecars(
            Journal::sidecars(source)
                .into_iter()
                .filter(|sidecar| !sidecar.exists())
                .collect(),
        )
    }
}

impl Drop for SourceSidecars {
    fn drop(&mut self) {
        for sidecar in &self.0 {
            // Only an empty WAL: a read-only reader never writes one, and a
            // WAL with frames belongs to someone writing the source.
            let empty = std::fs::metadata(sidecar).is_ok_and(|metadata| metadata.len() == 0);
            if empty || sidecar.to_string_lossy().ends_with("-shm") {
                let _ = std::fs::remove_file(sidecar);
            }
        }
    }
}

/// Opens the current journal and names its open operations.
fn inspect(target: &Path, keys: &KeySource) -> Result<(Journal, Vec<OpenOperationSummary>)> {
    let journal = Journal::open_with(target, keys)?;
    let mut open = Vec::new();
    for operation in journal.open_operations()? {
        let reference = journal
            .order(operation.order_id)?
            .map(|order| order.merchant_reference)
            .unwrap_or_default();
        open.push(OpenOperationSummary {
            operation_id: operation.operation_id,
            merchant_reference: reference,
            command: operation.request.command,
            state: operation.state,
        });
    }
    Ok((journal, open))
}

/// Checks the source read-only: sound, an apsdesk journal, verified.
/// Returns how many entries it holds, or why it cannot be restored.
fn check_source(source: &Path, keys: &KeySource) -> std::result::Result<u64, String> {
    let connection = Connection::open_with_flags(
        source,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|error| format!("cannot be opened as a database: {error}"))?;
    let integrity: String = connection
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .map_err(|error| format!("is not an SQLite database: {error}"))?;
    if integrity != "ok" {
        return Err(format!("is damaged: {integrity}"));
    }
    let version = schema::version(&connection).map_err(|error| error.to_string())?;
    if version == 0 || version > schema::current_version() {
        return Err(format!(
            "is not an apsdesk journal this build can read (schema {version}, this build knows 1 to {})",
            schema::current_version()
        ));
    }
    let tables: i64 = connection
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('entries', 'orders', 'open_operations')",
            [],
            |row| row.get(0),
        )
        .map_err(|error| error.to_string())?;
    if tables != 3 {
        return Err("is not an apsdesk journal (its tables are missing)".to_owned());
    }
    let identity = verify::read_identity(&connection).map_err(|error| error.to_string())?;
    let key = match (keys.find(&identity.journal_id), identity.keyed_from_seq) {
        (KeyLookup::Found(_), None) if keys.remembers_keys() => {
            return Err(verify::Finding::KeyingRemoved.to_string());
        }
        (KeyLookup::Found(key), _) => Some(key),
        (KeyLookup::Absent | KeyLookup::Unavailable(_), None) => None,
        (KeyLookup::Absent, Some(_)) => {
            return Err(
                "is keyed and the keyring has no key for it: it cannot be verified".to_owned(),
            );
        }
        (KeyLookup::Unavailable(why), Some(_)) => {
            return Err(format!("is keyed and its key is not available: {why}"));
        }
    };
    let hasher = ChainHasher {
        key,
        keyed_from_seq: identity.keyed_from_seq,
    };
    // The anchor beside the source, else the one a backup carries inside it.
    let anchor = match Anchor::read(&Anchor::path_for(source)) {
        Ok(None) => verify::meta(&connection, "backup_anchor")
            .map_err(|error| error.to_string())?
            .map(|text| Anchor::from_json(&text))
            .transpose(),
        other => other,
    };
    let report = verify::verify(&connection, &hasher, &anchor, None)
        .map_err(|error| format!("could not be verified: {error}"))?;
    if !report.is_clean() {
        return Err(format!("does not verify: {}", join(&report.findings)));
    }
    Ok(report.entries_checked)
}

/// Copies the source to `staged` (private) and brings it to this schema.
fn stage(source: &Path, staged: &Path, keys: &KeySource) -> Result<()> {
    let connection = Connection::open_with_flags(
        source,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    files::create_private_parent(staged)?;
    files::create_private_file(staged)?;
    connection.execute("VACUUM INTO ?1", [staged.to_string_lossy().as_ref()])?;
    drop(connection);
    let journal = Journal::open_with(staged, keys)?;
    let chain = journal.verify_chain()?;
    if let Some(seq) = chain.first_broken_seq {
        return Err(JournalError::RestoreSource {
            path: source.to_owned(),
            why: format!("copied, its chain breaks at entry {seq}"),
        });
    }
    journal.checkpoint()?;
    Ok(())
}

fn join(findings: &[verify::Finding]) -> String {
    findings
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(suffix);
    path.with_file_name(name)
}

/// `journal.sqlite3.before-restore-20261130T081500Z` (a counter added if taken).
fn kept_path(target: &Path) -> PathBuf {
    let stamp = jiff::Timestamp::now()
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    let first = beside(target, &format!(".before-restore-{stamp}"));
    let mut candidate = first.clone();
    let mut counter = 1;
    while candidate.exists() {
        counter += 1;
        candidate = beside(target, &format!(".before-restore-{stamp}-{counter}"));
    }
    candidate
}

fn remove_if_present(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
        Ok(()) | Err(_) => Ok(()),
    }
}
