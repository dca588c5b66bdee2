//! The journal's store: one SQLite database per installation.
//!
//! Durability: WAL with `synchronous=FULL`, and each write in one `BEGIN
//! IMMEDIATE` transaction, so a committed entry survives a crash or a power cut.
//! An operation is written as a *request* entry (and an open operation) before
//! anything is sent; its *result* entry follows when the answer arrives. A crash
//! between the two leaves the operation open, which blocks its order until
//! reconciliation settles it.
//!
//! Secrets never reach this file: the client hands over requests and responses
//! with the access code masked, and the store refuses a payload that still holds
//! a full card number.
//!
//! Before every append, inside its write transaction, the chain's head is
//! compared with the anchor beside the journal and with the witness this
//! installation keeps in the keyring (`verify::check_anchor_at`,
//! `verify::check_witness`): a journal cut short, replaced or put back from
//! a copy takes no entry ([`JournalError::WritesStopped`]) until the
//! operator has seen `journal verify` and accepted it
//! ([`Journal::accept_as_is`], itself an entry) or restored a backup. After
//! every commit both are moved to the new head.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use super::anchor::Anchor;
use super::chain::{self, ChainReport, EntryFields};
use super::files;
use super::key::{ChainKey, KeyLookup, KeySource};
use super::payload::{FeedbackPayload, ParamsField};
use super::payment::PaymentResult;
use super::schema::{self, MigrationError};
use super::verify::{self, ChainHasher, Finding, Identity, VerifyReport};
pub use super::vocabulary::EntryKind;
use super::vocabulary::{EntryOutcome, OpenState, OrderState};
use super::witness::{Witness, WitnessedHead};
use crate::aps::Command;
use crate::aps::client::Environment;
use crate::aps::notification::Notification;

/// Why a journal operation failed.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("journal database {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error(transparent)]
    Migration(#[from] MigrationError),
    #[error("journal: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("journal: {0}")]
    Io(#[from] std::io::Error),
    /// A file apsdesk was asked to write was refused or failed (it names the file).
    #[error(transparent)]
    Output(#[from] super::output::OutputError),
    #[error("refused to record a payload that holds a full card number")]
    CardNumberInPayload,
    #[error("no operation {0} in the journal")]
    UnknownOperation(i64),
    #[error("a second connection to the journal's file found another journal there")]
    NotTheSameJournal,
    #[error("this desk's hold on the order lapsed and another desk took it over: nothing was sent")]
    LeaseLost,
    #[error(
        "the journal's chain is keyed from entry {from_seq} and its key (keyring entry apsdesk / journal/{journal_id}) is not available: {why}. Unlock the keyring and try again; nothing was recorded"
    )]
    ChainKeyMissing {
        journal_id: String,
        from_seq: i64,
        why: String,
    },
    #[error(
        "the key of journal {journal_id} is not in this computer's keyring: this journal was made on another computer, or this computer's keyring was reset. Import its key with `apsdesk journal key import FILE` (a file made with `apsdesk journal key export --out FILE` on the computer that has it). Until then the journal can be read, and verified up to entry {last_checkable}; nothing was recorded"
    )]
    ChainKeyNotOnThisComputer {
        journal_id: String,
        /// The last entry verify can check without the key.
        last_checkable: i64,
    },
    #[error(
        "the order {reference} of this journal belongs to another account than {account} although it was made by profile {profile}: the profile now points at another merchant identifier; use a profile of the order's account"
    )]
    ReferenceOfAnotherAccount {
        profile: String,
        account: String,
        reference: String,
    },
    #[error("nothing was restored: {path} {why}")]
    RestoreSource { path: PathBuf, why: String },
    #[error(
        "nothing was restored: the journal has {} open operation(s) that the backup would replace ({}); reconcile them first, or restore with --force (the current journal is kept as a backup either way)",
        .0.len(),
        .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
    )]
    OpenOperationsWouldBeLost(Vec<OpenOperationSummary>),
    #[error(
        "nothing was restored: the current journal {path} cannot be read ({why}), so its open operations cannot be named; restore with --force to move it aside unchanged (to <journal>.before-restore-<time>) and put the backup in its place"
    )]
    CurrentJournalUnreadable { path: PathBuf, why: String },
    #[error(
        "nothing was restored: an operation is in flight on this journal ({}); wait for it to finish (or stop that apsdesk), then restore",
        .0.join("; ")
    )]
    InFlightWouldBeLost(Vec<String>),
    /// The journal's head disagrees with its anchor or with this
    /// installation's witness: nothing is appended until the operator has
    /// seen `journal verify` and decided.
    #[error(
        "the journal takes no new entry, so nothing was recorded: {}. Run `apsdesk journal verify` to see the journal's state; then restore a verified backup (`apsdesk journal restore`), or continue from the journal as it is with `apsdesk journal verify --accept` (the decision is recorded)",
        .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
    )]
    WritesStopped(Vec<Finding>),
    /// A restore would take entries, open operations or orders out of the
    /// live journal (an older backup, or another journal's).
    #[error(
        "nothing was restored: {0}; restore with --force to do it anyway (the current journal is kept as a backup either way)"
    )]
    RestoreWouldDrop(super::restore::WhatLeaves),
}

/// An open operation named when a restore would replace it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenOperationSummary {
    pub operation_id: i64,
    pub merchant_reference: String,
    pub command: Command,
    pub state: OpenState,
}

impl std::fmt::Display for OpenOperationSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "operation {} {} on {} is {}",
            self.operation_id, self.command, self.merchant_reference, self.state
        )
    }
}

pub type Result<T, E = JournalError> = std::result::Result<T, E>;

/// Who does an operation and on which account: recorded with every entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub operator: String,
    /// The local profile (its name): shown, and recorded with every entry.
    pub profile: String,
    /// The account APS knows: the merchant identifier every request is
    /// signed for. With the environment and the merchant reference it names
    /// one APS order, whichever profile of the account asks.
    pub account: String,
    pub environment: Environment,
}

/// An order as the journal knows it (a projection of what APS answered).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OrderRecord {
    pub id: i64,
    pub profile: String,
    pub environment: Environment,
    pub merchant_reference: String,
    pub fort_id: Option<String>,
    pub kind: Option<String>,
    pub payment_option: Option<String>,
    pub card_brand: Option<String>,
    pub masked_card: Option<String>,
    pub currency: Option<String>,
    pub amount_minor: Option<i64>,
    pub authorized_minor: i64,
    pub captured_minor: i64,
    pub refunded_minor: i64,
    pub state: OrderState,
    pub customer_email: Option<String>,
    pub customer_name: Option<String>,
    pub authorization_code: Option<String>,
    pub knet_ref_number: Option<String>,
    pub third_party_transaction_number: Option<String>,
    pub payment_link_id: Option<String>,
    pub payment_link_url: Option<String>,
    pub payment_link_status: Option<String>,
    pub last_response_code: Option<String>,
    pub created_ms: i64,
    pub updated_ms: i64,
    /// The payment's own answer and time (not the last status check's).
    pub payment: PaymentResult,
}

/// SQLite's page cache for a process that stays open (the app), in KiB:
/// what it reads again while the operator works stays in memory, and the
/// memory does not grow with the journal.
pub const LASTING_PAGE_CACHE_KIB: i64 = 16_000;

/// The page cache of a one-command process, in KiB (SQLite's default):
/// see [`Journal::size_cache_for_one_command`].
pub const ONE_COMMAND_PAGE_CACHE_KIB: i64 = 2_000;

/// The columns of `orders`, in [`OrderRecord`] order.
pub const ORDER_COLUMNS: &str = "id, profile, environment, merchant_reference, fort_id, kind, \
    payment_option, card_brand, masked_card, currency, amount_minor, authorized_minor, \
    captured_minor, refunded_minor, state, customer_email, customer_name, authorization_code, \
    knet_ref_number, third_party_transaction_number, payment_link_id, payment_link_url, \
    payment_link_status, last_response_code, created_ms, updated_ms, payment_response_code, \
    payment_response_message, payment_at_ms, payment_at_source";

impl OrderRecord {
    /// An order as `ensure_order` records it before anything is known of it:
    /// what its entries start from.
    pub fn unknown(
        id: i64,
        profile: &str,
        environment: Environment,
        merchant_reference: &str,
        created_ms: i64,
    ) -> OrderRecord {
        OrderRecord {
            id,
            profile: profile.to_owned(),
            environment,
            merchant_reference: merchant_reference.to_owned(),
            fort_id: None,
            kind: None,
            payment_option: None,
            card_brand: None,
            masked_card: None,
            currency: None,
            amount_minor: None,
            authorized_minor: 0,
            captured_minor: 0,
            refunded_minor: 0,
            state: OrderState::Unknown,
            customer_email: None,
            customer_name: None,
            authorization_code: None,
            knet_ref_number: None,
            third_party_transaction_number: None,
            payment_link_id: None,
            payment_link_url: None,
            payment_link_status: None,
            last_response_code: None,
            created_ms,
            updated_ms: created_ms,
            payment: PaymentResult::default(),
        }
    }
}

impl OrderRecord {
    /// Reads a row by column name.
    pub fn from_row(row: &Row<'_>) -> rusqlite::Result<OrderRecord> {
        OrderRecord::read(row, &|name| row.as_ref().column_index(name))
    }

    /// Reads a row whose columns `at` finds by name (resolved once per
    /// statement by [`OrderColumns`] when many rows are read: a name lookup
    /// per field and row scans the column names each time).
    pub fn read(
        row: &Row<'_>,
        at: &dyn Fn(&str) -> rusqlite::Result<usize>,
    ) -> rusqlite::Result<OrderRecord> {
        Ok(OrderRecord {
            id: row.get(at("id")?)?,
            profile: row.get(at("profile")?)?,
            environment: row.get(at("environment")?)?,
            merchant_reference: row.get(at("merchant_reference")?)?,
            fort_id: row.get(at("fort_id")?)?,
            kind: row.get(at("kind")?)?,
            payment_option: row.get(at("payment_option")?)?,
            card_brand: row.get(at("card_brand")?)?,
            masked_card: row.get(at("masked_card")?)?,
            currency: row.get(at("currency")?)?,
            amount_minor: row.get(at("amount_minor")?)?,
            authorized_minor: row.get(at("authorized_minor")?)?,
            captured_minor: row.get(at("captured_minor")?)?,
            refunded_minor: row.get(at("refunded_minor")?)?,
            state: row.get(at("state")?)?,
            customer_email: row.get(at("customer_email")?)?,
            customer_name: row.get(at("customer_name")?)?,
            authorization_code: row.get(at("authorization_code")?)?,
            knet_ref_number: row.get(at("knet_ref_number")?)?,
            third_party_transaction_number: row.get(at("third_party_transaction_number")?)?,
            payment_link_id: row.get(at("payment_link_id")?)?,
            payment_link_url: row.get(at("payment_link_url")?)?,
            payment_link_status: row.get(at("payment_link_status")?)?,
            last_response_code: row.get(at("last_response_code")?)?,
            created_ms: row.get(at("created_ms")?)?,
            updated_ms: row.get(at("updated_ms")?)?,
            payment: PaymentResult {
                response_code: row.get(at("payment_response_code")?)?,
                response_message: row.get(at("payment_response_message")?)?,
                time: PaymentResult::time_from_columns(
                    row.get(at("payment_at_ms")?)?,
                    row.get::<_, Option<String>>(at("payment_at_source")?)?
                        .as_deref(),
                ),
            },
        })
    }
}

/// Where each order column is in one statement's rows, found by name once.
#[derive(Debug)]
pub struct OrderColumns(std::collections::HashMap<&'static str, usize>);

impl OrderColumns {
    pub fn of(statement: &rusqlite::Statement<'_>) -> rusqlite::Result<OrderColumns> {
        ORDER_COLUMNS
            .split(',')
            .map(str::trim)
            .map(|name| Ok((name, statement.column_index(name)?)))
            .collect::<rusqlite::Result<_>>()
            .map(OrderColumns)
    }

    pub fn at(&self, name: &str) -> rusqlite::Result<usize> {
        self.0
            .get(name)
            .copied()
            .ok_or_else(|| rusqlite::Error::InvalidColumnName(name.to_owned()))
    }
}

/// One journal entry as recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EntryRecord {
    pub seq: i64,
    pub operation_id: i64,
    pub entry: EntryKind,
    pub order_id: i64,
    pub command: Command,
    pub operator: String,
    pub profile: String,
    pub environment: Environment,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    pub maintenance_reference: Option<String>,
    pub outcome: Option<EntryOutcome>,
    pub response_code: Option<String>,
    pub response_message: Option<String>,
    pub payload: String,
    pub at_ms: i64,
    pub prev_hash: String,
    pub hash: String,
}

pub(super) const ENTRY_COLUMNS: &str = "seq, operation_id, entry, order_id, command, operator, profile, \
    environment, amount_minor, currency, maintenance_reference, outcome, response_code, \
    response_message, payload, at_ms, prev_hash, hash";

impl EntryRecord {
    pub(super) fn from_row(row: &Row<'_>) -> rusqlite::Result<EntryRecord> {
        Ok(EntryRecord {
            seq: row.get("seq")?,
            operation_id: row.get("operation_id")?,
            entry: row.get("entry")?,
            order_id: row.get("order_id")?,
            command: row.get("command")?,
            operator: row.get("operator")?,
            profile: row.get("profile")?,
            environment: row.get("environment")?,
            amount_minor: row.get("amount_minor")?,
            currency: row.get("currency")?,
            maintenance_reference: row.get("maintenance_reference")?,
            outcome: row.get("outcome")?,
            response_code: row.get("response_code")?,
            response_message: row.get("response_message")?,
            payload: row.get("payload")?,
            at_ms: row.get("at_ms")?,
            prev_hash: row.get("prev_hash")?,
            hash: row.get("hash")?,
        })
    }

    pub(super) fn fields(&self) -> EntryFields<'_> {
        EntryFields {
            seq: self.seq,
            operation_id: self.operation_id,
            entry: self.entry.as_str(),
            order_id: self.order_id,
            command: self.command.name(),
            operator: &self.operator,
            profile: &self.profile,
            environment: self.environment.as_str(),
            amount_minor: self.amount_minor,
            currency: self.currency.as_deref(),
            maintenance_reference: self.maintenance_reference.as_deref(),
            outcome: self.outcome.map(EntryOutcome::as_str),
            response_code: self.response_code.as_deref(),
            response_message: self.response_message.as_deref(),
            payload: &self.payload,
            at_ms: self.at_ms,
        }
    }
}

/// What a new entry says (the store adds sequence, time link and hash).
#[derive(Debug, Clone, Default)]
pub struct NewEntry<'a> {
    pub amount_minor: Option<i64>,
    pub currency: Option<&'a str>,
    pub maintenance_reference: Option<&'a str>,
    pub outcome: Option<EntryOutcome>,
    pub response_code: Option<&'a str>,
    pub response_message: Option<&'a str>,
    pub payload: &'a str,
}

/// An operator's acceptance of a journal whose head disagreed
/// ([`Journal::accept_as_is`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptance {
    /// The `accepted` entry that records it.
    pub seq: i64,
    /// What disagreed, as `journal verify` said it.
    pub findings: Vec<Finding>,
}

/// An entry about an order that changes nothing in it: what the desk saw,
/// and what an operator said of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Observation {
    /// APS's figures differ from the journal's ([`super::drift`]).
    Drift,
    /// An operator acknowledged the order's drift.
    Acknowledgement,
}

impl Observation {
    pub fn kind(self) -> EntryKind {
        match self {
            Observation::Drift => EntryKind::Drift,
            Observation::Acknowledgement => EntryKind::Acknowledgement,
        }
    }
}

/// What recording a feedback notification came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackRecord {
    /// A new entry, and what it did to its order.
    Recorded {
        seq: i64,
        order_id: i64,
        effect: super::projection::FeedbackEffect,
    },
    /// The same notification was recorded before, as entry `seq`: nothing added.
    Duplicate { seq: i64 },
}

/// An operation that blocks its order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenOperation {
    pub operation_id: i64,
    pub order_id: i64,
    pub state: OpenState,
    pub request: EntryRecord,
}

/// What a result changes of its order's row, given the order's entries
/// (the result among them): see [`Journal::record_result_and_project`].
type OrderProjection<'p> = &'p mut dyn FnMut(&mut OrderRecord, &[EntryRecord]);

/// The order of entries about the journal itself (an operator's
/// acceptance, `EntryKind::Accepted`): no order has it (ids start at 1).
pub const JOURNAL_ORDER_ID: i64 = 0;

/// What an append needs to know of its journal: how to hash, and where the
/// head is kept outside the database (to check it first).
/// The [`AppendContext`] of a journal, borrowed field by field (a macro, so
/// that it borrows beside a transaction that holds the connection mutably).
macro_rules! append_context {
    ($journal:expr) => {
        &AppendContext {
            hasher: &$journal.hasher,
            identity: &$journal.identity,
            key_problem: $journal.key_problem.as_deref(),
            path: &$journal.path,
            witness: &$journal.witness,
        }
    };
}

struct AppendContext<'a> {
    hasher: &'a ChainHasher,
    identity: &'a Identity,
    key_problem: Option<&'a str>,
    path: &'a Path,
    witness: &'a Witness,
}

/// What checking the chain's head against the anchor and the witness needs,
/// owned (for writers of many entries, which hold the connection mutably).
#[derive(Debug, Clone)]
pub(super) struct HeadGuard {
    path: PathBuf,
    hasher: ChainHasher,
    witness: Witness,
}

impl HeadGuard {
    /// Refuses the write when the head disagrees (see [`head_findings`]).
    pub(super) fn check(&self, connection: &Connection) -> Result<()> {
        check_head(connection, &self.path, &self.hasher, &self.witness)
    }
}

/// How the chain's head, as the database holds it now, disagrees with the
/// anchor beside the journal and with this installation's witness.
fn head_findings(
    connection: &Connection,
    path: &Path,
    hasher: &ChainHasher,
    witness: &Witness,
) -> Result<Vec<Finding>> {
    // Read again here, not cached: another process may have anchored it.
    let identity = verify::read_identity(connection)?;
    if identity.journal_id.is_empty() {
        // A schema from before `journal_meta` (tests of migrations).
        return Ok(Vec::new());
    }
    let (last_seq, _) = chain_head(connection)?;
    let anchor = Anchor::read(&Anchor::path_for(path));
    let key = hasher.key.as_ref();
    let mut findings = verify::check_anchor_at(connection, &identity, &anchor, key, last_seq)?;
    let witnessed = witness.read(&identity.journal_id);
    findings.extend(verify::check_witness(
        connection, &identity, &witnessed, key, last_seq,
    )?);
    Ok(findings)
}

/// Refuses to append to a journal whose head disagrees with its anchor or
/// its witness ([`JournalError::WritesStopped`]).
fn check_head(
    connection: &Connection,
    path: &Path,
    hasher: &ChainHasher,
    witness: &Witness,
) -> Result<()> {
    let findings = head_findings(connection, path, hasher, witness)?;
    if findings.is_empty() {
        Ok(())
    } else {
        Err(JournalError::WritesStopped(findings))
    }
}

/// The journal database.
#[derive(Debug)]
pub struct Journal {
    connection: Connection,
    path: PathBuf,
    /// The journal's id and how its chain is keyed (`journal_meta`).
    identity: Identity,
    /// How entries are hashed: the key, when the key source has it.
    hasher: ChainHasher,
    /// Why there is no key, when there is none.
    key_problem: Option<String>,
    /// The keyring holds a key for this journal and the journal records no
    /// keyed entries (see [`KEYING_REMOVED`]): nothing is appended.
    keying_removed: bool,
    /// Where this installation keeps the journal's head outside its folder.
    witness: Witness,
    /// Up to how many index entries a filter's matches are read through an
    /// index rather than along the sort order (`query.rs`).
    pub(crate) few_entries: i64,
    /// From how many free-text matches a read through them is split
    /// between two connections (`query.rs`).
    pub(crate) split_text_read_at: usize,
}

/// Why a journal whose keying was removed is refused.
/// Why a keyed journal has no key when the keyring answered and has none
/// for it: see [`JournalError::ChainKeyNotOnThisComputer`].
pub(super) const KEY_NOT_ON_THIS_COMPUTER: &str = "the key of this journal is not in this computer's keyring: it was made on another computer, or the keyring was reset (import its key with `apsdesk journal key import FILE`)";

const KEYING_REMOVED: &str = "the keyring holds a key for this journal, and the journal records no keyed entries: its record of keying was removed (run `apsdesk journal verify`; restore a verified backup)";

/// The platform's place for the journal, e.g.
/// `~/.local/share/apsdesk/journal.sqlite3` on Linux.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("com", "apsdesk", "apsdesk")
        .map(|dirs| dirs.data_dir().join("journal.sqlite3"))
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// Whether a payload holds an unmasked card number or security code,
/// anywhere in it: the entry's own fields, the request and response
/// parameters (JSON documents held as strings inside the payload), and the
/// raw body text as received. Only the card fields are looked at: fort ids
/// are long digit runs too, and must not be mistaken for card numbers.
pub fn contains_card_number(payload: &str) -> bool {
    match serde_json::from_str::<serde_json::Value>(payload) {
        Ok(value) => value_holds_card(&value, 0),
        Err(_) => text_holds_card(payload),
    }
}

/// Deeper than any payload apsdesk writes; a bound so that a hostile body
/// cannot make the guard recurse without end.
const MAX_NESTING: usize = 32;

fn value_holds_card(value: &serde_json::Value, depth: usize) -> bool {
    use serde_json::Value;
    if depth > MAX_NESTING {
        // Refused rather than stored unchecked.
        return true;
    }
    match value {
        Value::Object(fields) => fields.iter().any(|(name, value)| {
            field_holds_card(name, value) || value_holds_card(value, depth + 1)
        }),
        Value::Array(items) => items.iter().any(|item| value_holds_card(item, depth + 1)),
        // Parameters and bodies are kept as text: a JSON document inside a
        // string is looked into; any other text is scanned for card fields.
        Value::String(text) => match serde_json::from_str::<Value>(text) {
            Ok(inner @ (Value::Object(_) | Value::Array(_))) => value_holds_card(&inner, depth + 1),
            Ok(_) | Err(_) => text_holds_card(text),
        },
        Value::Null | Value::Bool(_) | Value::Number(_) => false,
    }
}

fn field_holds_card(name: &str, value: &serde_json::Value) -> bool {
    let text = match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Number(number) => number.to_string(),
        _ => return false,
    };
    match name {
        "card_number" => is_full_card_number(&text),
        "card_security_code" => is_security_code(&text),
        _ => false,
    }
}

/// Twelve digits or more, spaces and dashes aside (a masked number has `*`).
fn is_full_card_number(text: &str) -> bool {
    let digits: Vec<u8> = text
        .bytes()
        .filter(|byte| !matches!(byte, b' ' | b'-'))
        .collect();
    digits.len() >= 12 && digits.iter().all(u8::is_ascii_digit)
}

/// Any digit: a masked code has none.
fn is_security_code(text: &str) -> bool {
    text != crate::aps::secret::MASK && text.bytes().any(|byte| byte.is_ascii_digit())
}

/// Card fields in free text (a form-encoded or malformed body): the value
/// after `card_number` / `card_security_code` and any `"`, `'`, `:`, `=` or
/// spaces.
fn text_holds_card(text: &str) -> bool {
    let value_after = |name: &str| {
        text.match_indices(name)
            .map(|(at, _)| {
                let rest = &text[at + name.len()..];
                let rest = rest.trim_start_matches(|c: char| {
                    matches!(c, '"' | '\'' | ':' | '=' | '\\') || c.is_whitespace()
                });
                rest.chars()
                    .take_while(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '*'))
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
    };
    value_after("card_number")
        .iter()
        .any(|value| is_full_card_number(value.trim()))
        || value_after("card_security_code")
            .iter()
            .any(|value| (3..=4).contains(&value.trim().len()) && is_security_code(value.trim()))
}

/// Inserts one entry row whose hash the caller computed.
pub(super) fn insert_entry(
    connection: &Connection,
    fields: &EntryFields<'_>,
    prev_hash: &str,
    hash: &str,
) -> rusqlite::Result<()> {
    let mut statement = connection.prepare_cached(&format!(
        "INSERT INTO entries ({ENTRY_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
    ))?;
    statement.execute(params![
        fields.seq,
        fields.operation_id,
        fields.entry,
        fields.order_id,
        fields.command,
        fields.operator,
        fields.profile,
        fields.environment,
        fields.amount_minor,
        fields.currency,
        fields.maintenance_reference,
        fields.outcome,
        fields.response_code,
        fields.response_message,
        fields.payload,
        fields.at_ms,
        prev_hash,
        hash,
    ])?;
    Ok(())
}

/// The last entry's sequence number and hash (0 and the genesis hash when empty).
pub(super) fn chain_head(connection: &Connection) -> rusqlite::Result<(i64, String)> {
    Ok(connection
        .query_row(
            "SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?
        .unwrap_or((0, chain::GENESIS.to_owned())))
}

/// The rows of a journal from before orders were one per account that are
/// still the actor's to adopt: made by this profile in this environment,
/// with no account known, and not recorded as the newer row of an order
/// (`order_aliases`, see `schema::ACCOUNTS`).
const ADOPTABLE: &str = "account IS NULL AND profile = ?4 AND environment = ?2 \
    AND merchant_reference = ?3 AND id NOT IN (SELECT alias_id FROM order_aliases)";

/// The id of the order of `reference` on the actor's account (its
/// merchant identifier, whichever profile made it), or the row of this
/// profile that no account was known for yet.
pub(super) fn find_order_id(
    connection: &Connection,
    actor: &Actor,
    merchant_reference: &str,
) -> rusqlite::Result<Option<i64>> {
    connection
        .prepare_cached(&format!(
            "SELECT id FROM orders
             WHERE (account = ?1 AND environment = ?2 AND merchant_reference = ?3) OR ({ADOPTABLE})
             ORDER BY account IS NULL LIMIT 1"
        ))?
        .query_row(
            params![
                actor.account,
                actor.environment,
                merchant_reference,
                actor.profile
            ],
            |row| row.get(0),
        )
        .optional()
}

/// Gives the actor's account to this profile's row of `reference` from a
/// journal from before accounts were recorded, unless the account already
/// has a row for it (then that row is the order, and this one stays as it
/// was). Usually changes nothing: one look-up in a unique index.
pub(super) fn adopt_order(
    connection: &Connection,
    actor: &Actor,
    merchant_reference: &str,
) -> rusqlite::Result<()> {
    connection
        .prepare_cached(&format!(
            "UPDATE orders SET account = ?1 WHERE {ADOPTABLE} AND NOT EXISTS (
                SELECT 1 FROM orders AS known
                WHERE known.account = ?1 AND known.environment = ?2
                    AND known.merchant_reference = ?3)"
        ))?
        .execute(params![
            actor.account,
            actor.environment,
            merchant_reference,
            actor.profile
        ])?;
    Ok(())
}

/// The order of `reference` on the actor's account, created (state
/// `unknown`, `profile` the actor's) if the journal has not seen it, in the
/// caller's connection or transaction. One order per account: a second
/// profile of the same account gets the same row. A row of this profile
/// from before accounts were recorded is adopted (its account set).
pub(super) fn ensure_order_in(
    connection: &Connection,
    actor: &Actor,
    merchant_reference: &str,
    now_ms: i64,
) -> Result<i64> {
    adopt_order(connection, actor, merchant_reference)?;
    // Either unique key may meet a row: the account's (the order exists),
    // or the profile's of version 1 (the profile was pointed at another
    // account since; found below as not this account's).
    connection
        .prepare_cached(
            "INSERT INTO orders (account, environment, merchant_reference, profile, state,
                created_ms, updated_ms)
             VALUES (?1, ?2, ?3, ?4, 'unknown', ?5, ?5)
             ON CONFLICT DO NOTHING",
        )?
        .execute(params![
            actor.account,
            actor.environment,
            merchant_reference,
            actor.profile,
            now_ms
        ])?;
    connection
        .prepare_cached(
            "SELECT id FROM orders WHERE account = ?1 AND environment = ?2 AND merchant_reference = ?3",
        )?
        .query_row(
            params![actor.account, actor.environment, merchant_reference],
            |row| row.get(0),
        )
        .optional()?
        .ok_or_else(|| JournalError::ReferenceOfAnotherAccount {
            profile: actor.profile.clone(),
            account: actor.account.clone(),
            reference: merchant_reference.to_owned(),
        })
}

/// Writes an order row back (the projection), in the caller's connection or
/// transaction.
fn write_order(connection: &Connection, order: &OrderRecord) -> rusqlite::Result<()> {
    let (payment_at_ms, payment_at_source) = order.payment.time_columns();
    connection.execute(
        "UPDATE orders SET fort_id = ?2, kind = ?3, payment_option = ?4, card_brand = ?5,
            masked_card = ?6, currency = ?7, amount_minor = ?8, authorized_minor = ?9,
            captured_minor = ?10, refunded_minor = ?11, state = ?12, customer_email = ?13,
            customer_name = ?14, authorization_code = ?15, knet_ref_number = ?16,
            third_party_transaction_number = ?17, payment_link_id = ?18, payment_link_url = ?19,
            payment_link_status = ?20, last_response_code = ?21, updated_ms = ?22,
            payment_response_code = ?23, payment_response_message = ?24, payment_at_ms = ?25,
            payment_at_source = ?26
         WHERE id = ?1",
        params![
            order.id,
            order.fort_id,
            order.kind,
            order.payment_option,
            order.card_brand,
            order.masked_card,
            order.currency,
            order.amount_minor,
            order.authorized_minor,
            order.captured_minor,
            order.refunded_minor,
            order.state,
            order.customer_email,
            order.customer_name,
            order.authorization_code,
            order.knet_ref_number,
            order.third_party_transaction_number,
            order.payment_link_id,
            order.payment_link_url,
            order.payment_link_status,
            order.last_response_code,
            order.updated_ms,
            order.payment.response_code,
            order.payment.response_message,
            payment_at_ms,
            payment_at_source,
        ],
    )?;
    Ok(())
}

/// An order's row, in the caller's connection or transaction.
fn order_in(connection: &Connection, order_id: i64) -> Result<Option<OrderRecord>> {
    Ok(connection
        .query_row(
            &format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = ?1"),
            [order_id],
            OrderRecord::from_row,
        )
        .optional()?)
}

/// Every entry about an order, in order, in the caller's connection or
/// transaction.
fn order_entries_in(connection: &Connection, order_id: i64) -> Result<Vec<EntryRecord>> {
    let mut statement = connection.prepare_cached(&format!(
        "SELECT {ENTRY_COLUMNS} FROM entries WHERE order_id = ?1 ORDER BY seq"
    ))?;
    let rows = statement.query_map([order_id], EntryRecord::from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The journal's WAL and shared-memory files.
fn sidecars(path: &Path) -> [PathBuf; 2] {
    ["-wal", "-shm"].map(|suffix| {
        let mut name = path.file_name().unwrap_or_default().to_owned();
        name.push(suffix);
        path.with_file_name(name)
    })
}

impl Journal {
    /// Opens (creating if needed) the journal at `path`, unkeyed (see
    /// [`Journal::open_with`]), and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Journal> {
        Journal::open_with(path, &KeySource::Unkeyed)
    }

    /// Opens (creating if needed) the journal at `path` with the chain key
    /// from `keys`, and brings its schema up to date. A journal that has no
    /// key yet gets one when `keys` can make it, and its chain is keyed from
    /// the next entry on. Created private (`0600` in a `0700` directory).
    pub fn open_with(path: &Path, keys: &KeySource) -> Result<Journal> {
        Journal::open_witnessed(path, keys, Witness::of_keys(keys))
    }

    /// [`Journal::open_with`], with the rollback witness kept in `witness`
    /// (tests and the demo, whose keys are not in a keyring).
    pub fn open_witnessed(path: &Path, keys: &KeySource, witness: Witness) -> Result<Journal> {
        files::create_private_parent(path)?;
        // Created here, private, before SQLite opens it: SQLite gives the WAL
        // and shared-memory files the database file's permissions.
        match files::create_private_file(path) {
            Ok(_) => {}
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                // A journal from before files were private: tightened, best
                // effort (it may be a file the operator cannot chmod).
                for file in std::iter::once(path.to_owned()).chain(sidecars(path)) {
                    if let Err(error) = files::make_private(&file) {
                        tracing::warn!("could not make {} private: {error}", file.display());
                    }
                }
            }
            Err(error) => return Err(error.into()),
        }
        let connection = Connection::open(path).map_err(|source| JournalError::Open {
            path: path.to_owned(),
            source,
        })?;
        let mut journal = Journal::configure(connection, path)?;
        journal.witness = witness;
        journal.use_key(keys)?;
        Ok(journal)
    }

    /// Finds (or makes) the journal's key, and keys the chain from the next
    /// entry when it was not keyed yet.
    fn use_key(&mut self, keys: &KeySource) -> Result<()> {
        self.identity = verify::read_identity(&self.connection)?;
        if self.identity.journal_id.is_empty() {
            // A schema from before `journal_meta` (tests of migrations).
            return Ok(());
        }
        let key = match keys {
            // Nothing to ask: no write, no lock.
            KeySource::Unkeyed => {
                self.key_problem = Some("no key source was given".to_owned());
                None
            }
            KeySource::Unavailable(why) => {
                self.key_problem = Some(why.clone());
                None
            }
            KeySource::Keyring(_) | KeySource::Fixed(_)
                if self.identity.keyed_from_seq.is_some() =>
            {
                self.existing_key(keys)
            }
            KeySource::Keyring(_) | KeySource::Fixed(_) => {
                // An anchor that agreed with the unkeyed journal is signed
                // again once it is keyed: else it would read as another's
                // (its keying changed) and stop the next write.
                let anchor_agreed = head_findings(
                    &self.connection,
                    &self.path,
                    &ChainHasher::default(),
                    &Witness::None,
                )?
                .is_empty();
                let was_keyed = self.identity.keyed_from_seq.is_some();
                let key = self.first_key(keys)?;
                self.hasher = ChainHasher {
                    key: key.clone(),
                    keyed_from_seq: self.identity.keyed_from_seq,
                };
                if key.is_some()
                    && anchor_agreed
                    && !was_keyed
                    && self.identity.anchored
                    && let Err(error) = self.write_anchor()
                {
                    // As after a commit: a lagging anchor catches less, and
                    // another process keying it at once signs it too.
                    tracing::warn!("the journal's anchor could not be signed: {error}");
                }
                key
            }
        };
        self.hasher = ChainHasher {
            key,
            keyed_from_seq: self.identity.keyed_from_seq,
        };
        Ok(())
    }

    /// The key of a journal that is keyed.
    fn existing_key(&mut self, keys: &KeySource) -> Option<ChainKey> {
        match keys.find(&self.identity.journal_id) {
            KeyLookup::Found(key) => Some(key),
            KeyLookup::Absent => {
                self.key_problem = Some(KEY_NOT_ON_THIS_COMPUTER.to_owned());
                None
            }
            KeyLookup::Unavailable(why) => {
                self.key_problem = Some(why);
                None
            }
        }
    }

    /// Keys a journal that is not keyed yet, from its next entry. In one write
    /// transaction, so that processes opening the same journal at once make
    /// one key between them, and no entry slips in between reading the head
    /// and recording where keying starts.
    fn first_key(&mut self, keys: &KeySource) -> Result<Option<ChainKey>> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let identity = verify::read_identity(&transaction)?;
        if identity.keyed_from_seq.is_some() {
            // Keyed by another process meanwhile.
            drop(transaction);
            self.identity = identity;
            return Ok(self.existing_key(keys));
        }
        let key = match keys.find(&identity.journal_id) {
            KeyLookup::Found(_) if keys.remembers_keys() => {
                // The keyring made a key for this journal, so its chain was
                // keyed; a journal that no longer says so had its keying
                // removed to rewrite the chain without the key.
                self.keying_removed = true;
                self.key_problem = Some(KEYING_REMOVED.to_owned());
                return Ok(None);
            }
            KeyLookup::Found(key) => key,
            KeyLookup::Absent => match keys.create(&identity.journal_id) {
                Ok(key) => key,
                Err(why) => {
                    self.key_problem = Some(why);
                    return Ok(None);
                }
            },
            KeyLookup::Unavailable(why) => {
                self.key_problem = Some(why);
                return Ok(None);
            }
        };
        let (last_seq, _) = chain_head(&transaction)?;
        transaction.execute(
            "INSERT INTO journal_meta (name, value) VALUES ('keyed_from_seq', ?1)",
            [(last_seq + 1).to_string()],
        )?;
        transaction.commit()?;
        self.identity = verify::read_identity(&self.connection)?;
        Ok(Some(key))
    }

    /// The journal's id and how its chain is keyed.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// Why this journal has no key, when it has none.
    pub fn key_problem(&self) -> Option<&str> {
        self.key_problem.as_deref()
    }

    /// Whether entries may be appended at all: not to a journal whose record
    /// of keying was removed (for writers of many entries, which do not go
    /// through `append`).
    pub(super) fn check_appendable(&self) -> Result<()> {
        if self.keying_removed {
            return Err(JournalError::ChainKeyMissing {
                journal_id: self.identity.journal_id.clone(),
                from_seq: 0,
                why: KEYING_REMOVED.to_owned(),
            });
        }
        Ok(())
    }

    /// What a writer of many entries checks inside its own transaction
    /// before it appends (see [`HeadGuard::check`]).
    pub(super) fn head_guard(&self) -> HeadGuard {
        HeadGuard {
            path: self.path.clone(),
            hasher: self.hasher.clone(),
            witness: self.witness.clone(),
        }
    }

    /// How the journal's head disagrees with its anchor and this
    /// installation's witness (empty: writes may go on).
    pub fn head_problems(&self) -> Result<Vec<Finding>> {
        head_findings(&self.connection, &self.path, &self.hasher, &self.witness)
    }

    /// How this journal's entries are hashed (for writers of many entries).
    pub(super) fn hasher(&self) -> &ChainHasher {
        &self.hasher
    }

    /// The hash of a new entry, or why it cannot be made.
    pub(super) fn entry_hash(
        hasher: &ChainHasher,
        identity: &Identity,
        key_problem: Option<&str>,
        prev_hash: &str,
        fields: &EntryFields<'_>,
    ) -> Result<String> {
        if key_problem == Some(KEY_NOT_ON_THIS_COMPUTER) && hasher.key.is_none() {
            if let Some(hash) = hasher.hash(prev_hash, fields) {
                return Ok(hash);
            }
            return Err(JournalError::ChainKeyNotOnThisComputer {
                journal_id: identity.journal_id.clone(),
                last_checkable: identity.keyed_from_seq.unwrap_or(1) - 1,
            });
        }
        hasher
            .hash(prev_hash, fields)
            .ok_or_else(|| JournalError::ChainKeyMissing {
                journal_id: identity.journal_id.clone(),
                from_seq: identity.keyed_from_seq.unwrap_or_default(),
                why: key_problem
                    .unwrap_or("the keyring has no key for this journal")
                    .to_owned(),
            })
    }

    /// Writes the chain's head to the anchor beside the journal and to this
    /// installation's witness. Called after every committed append; a
    /// failure is logged, not returned, because the entry is already durable
    /// (a lagging anchor or witness is not reported as tampering; it only
    /// catches less).
    pub(super) fn anchor_after_commit(&mut self) {
        if let Err(error) = self.write_anchor() {
            tracing::warn!("the journal's anchor could not be written: {error}");
        }
        if let Err(error) = self.witness_head(false) {
            tracing::warn!("the journal's witness could not be written: {error}");
        }
    }

    /// Records the chain's head in the witness: moving it forward only, or
    /// (`reset`) wherever the head is (a restore, an accepted journal).
    fn witness_head(&self, reset: bool) -> Result<(), String> {
        if self.identity.journal_id.is_empty() || !self.witness.is_kept() {
            return Ok(());
        }
        let (entries, last_hash) =
            chain_head(&self.connection).map_err(|error| error.to_string())?;
        let head = WitnessedHead::new(
            &self.identity.journal_id,
            entries,
            &last_hash,
            self.hasher.key.as_ref(),
        );
        if reset {
            self.witness.reset(&head)
        } else {
            self.witness.advance(&head)
        }
    }

    /// Makes the anchor and this installation's witness name the journal's
    /// head as it is now, whatever they named before: after a restore, and
    /// after the operator accepted the journal as it is.
    pub fn reset_head_records(&mut self) -> Result<()> {
        self.write_anchor()?;
        self.witness_head(true).map_err(|why| {
            JournalError::Io(std::io::Error::other(format!(
                "the journal's witness in the keyring could not be written: {why}"
            )))
        })
    }

    /// Writes the chain's head to the anchor beside the journal.
    pub fn write_anchor(&mut self) -> Result<()> {
        if self.identity.journal_id.is_empty() {
            return Ok(());
        }
        let (entries, last_hash) = chain_head(&self.connection)?;
        Anchor::new(
            &self.identity.journal_id,
            entries,
            &last_hash,
            self.identity.keyed_from_seq,
            self.hasher.key.as_ref(),
        )
        .write(&Anchor::path_for(&self.path))?;
        if !self.identity.anchored {
            self.connection.execute(
                "INSERT OR IGNORE INTO journal_meta (name, value) VALUES ('anchored', '1')",
                [],
            )?;
            self.identity.anchored = true;
        }
        Ok(())
    }

    /// Opens the journal at `path` at a given schema version only (tests of migrations).
    pub fn open_at_version(path: &Path, version: u32) -> Result<Journal> {
        let mut connection = Connection::open(path).map_err(|source| JournalError::Open {
            path: path.to_owned(),
            source,
        })?;
        Journal::pragmas(&connection)?;
        schema::migrate_to(&mut connection, version)?;
        let identity = verify::read_identity(&connection)?;
        Ok(Journal {
            connection,
            path: path.to_owned(),
            hasher: ChainHasher {
                key: None,
                keyed_from_seq: identity.keyed_from_seq,
            },
            identity,
            key_problem: None,
            keying_removed: false,
            witness: Witness::None,
            few_entries: super::query::FEW_ENTRIES,
            split_text_read_at: super::query::SPLIT_TEXT_READ_AT,
        })
    }

    fn pragmas(connection: &Connection) -> Result<()> {
        // First: switching a new journal to WAL waits for another process
        // opening it at the same moment, instead of failing "locked".
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.pragma_update(None, "foreign_keys", "ON")?;
        // A bounded page cache: memory does not grow with the journal.
        connection.pragma_update(None, "cache_size", -LASTING_PAGE_CACHE_KIB)?;
        // What a query sorts or gathers on the way (the free text's matches
        // as rows, `query.rs`) stays in memory, never a file beside the journal.
        connection.pragma_update(None, "temp_store", "MEMORY")?;
        super::query::register_functions(connection)?;
        Ok(())
    }

    fn configure(mut connection: Connection, path: &Path) -> Result<Journal> {
        Journal::pragmas(&connection)?;
        schema::migrate(&mut connection)?;
        Ok(Journal {
            connection,
            path: path.to_owned(),
            identity: Identity::default(),
            hasher: ChainHasher::default(),
            key_problem: None,
            keying_removed: false,
            witness: Witness::None,
            few_entries: super::query::FEW_ENTRIES,
            split_text_read_at: super::query::SPLIT_TEXT_READ_AT,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Sizes SQLite's page cache for a process that runs one command and
    /// exits (the command line): [`ONE_COMMAND_PAGE_CACHE_KIB`] instead of
    /// the app's [`LASTING_PAGE_CACHE_KIB`]. A cache pays when pages are read
    /// again; one command reads most pages once, and each page of a larger
    /// cache is fresh memory the system must hand over (a page fault, some
    /// microseconds): on the 1,000,000-order journal a search that reads
    /// 6,000 index pages took 20 ms longer with the larger cache.
    pub fn size_cache_for_one_command(&self) -> Result<()> {
        self.connection
            .pragma_update(None, "cache_size", -ONE_COMMAND_PAGE_CACHE_KIB)?;
        Ok(())
    }

    pub fn connection(&self) -> &Connection {
        &self.connection
    }

    pub(super) fn connection_mut(&mut self) -> &mut Connection {
        &mut self.connection
    }

    pub fn schema_version(&self) -> Result<u32> {
        Ok(schema::version(&self.connection)?)
    }

    /// The order of `reference` on the actor's account, created (state
    /// `unknown`) if the journal has not seen it (see [`ensure_order_in`]).
    pub fn ensure_order(&mut self, actor: &Actor, merchant_reference: &str) -> Result<i64> {
        ensure_order_in(&self.connection, actor, merchant_reference, now_ms())
    }

    pub fn order(&self, order_id: i64) -> Result<Option<OrderRecord>> {
        order_in(&self.connection, order_id)
    }

    /// Orders with this merchant reference, on any profile.
    pub fn orders_by_reference(&self, merchant_reference: &str) -> Result<Vec<OrderRecord>> {
        let mut statement = self.connection.prepare_cached(&format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE merchant_reference = ?1 ORDER BY id"
        ))?;
        let rows = statement.query_map([merchant_reference], OrderRecord::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The order of `reference` on the actor's account, if the journal has it.
    pub fn order_by_reference(
        &self,
        actor: &Actor,
        merchant_reference: &str,
    ) -> Result<Option<OrderRecord>> {
        let Some(order_id) = find_order_id(&self.connection, actor, merchant_reference)? else {
            return Ok(None);
        };
        self.order(order_id)
    }

    /// Appends one entry to the chain, in the caller's transaction, once the
    /// head is checked against the anchor and the witness.
    // One entry's parts and the chain it joins: each is needed, and a struct
    // would only rename them.
    #[allow(clippy::too_many_arguments)]
    fn append(
        transaction: &rusqlite::Transaction<'_>,
        chain: &AppendContext<'_>,
        actor: &Actor,
        kind: EntryKind,
        operation_id: Option<i64>,
        order_id: i64,
        command: Command,
        entry: &NewEntry<'_>,
    ) -> Result<i64> {
        if chain.key_problem == Some(KEYING_REMOVED) {
            // Said first: no acceptance can lift it.
            return Err(JournalError::ChainKeyMissing {
                journal_id: chain.identity.journal_id.clone(),
                from_seq: 0,
                why: KEYING_REMOVED.to_owned(),
            });
        }
        check_head(transaction, chain.path, chain.hasher, chain.witness)?;
        Journal::append_unchecked(
            transaction,
            chain,
            actor,
            kind,
            operation_id,
            order_id,
            command,
            entry,
        )
    }

    /// [`Journal::append`] without the head check: only for the operator's
    /// acceptance of the head, which is what lifts it.
    #[allow(clippy::too_many_arguments)]
    fn append_unchecked(
        transaction: &rusqlite::Transaction<'_>,
        chain: &AppendContext<'_>,
        actor: &Actor,
        kind: EntryKind,
        operation_id: Option<i64>,
        order_id: i64,
        command: Command,
        entry: &NewEntry<'_>,
    ) -> Result<i64> {
        if contains_card_number(entry.payload) {
            return Err(JournalError::CardNumberInPayload);
        }
        let (hasher, identity, key_problem) = (chain.hasher, chain.identity, chain.key_problem);
        if key_problem == Some(KEYING_REMOVED) {
            return Err(JournalError::ChainKeyMissing {
                journal_id: identity.journal_id.clone(),
                from_seq: 0,
                why: KEYING_REMOVED.to_owned(),
            });
        }
        let (last_seq, prev_hash) = chain_head(transaction)?;
        let seq = last_seq + 1;
        let operation_id = operation_id.unwrap_or(seq);
        let at_ms = now_ms();
        let fields = EntryFields {
            seq,
            operation_id,
            entry: kind.as_str(),
            order_id,
            command: command.name(),
            operator: &actor.operator,
            profile: &actor.profile,
            environment: actor.environment.as_str(),
            amount_minor: entry.amount_minor,
            currency: entry.currency,
            maintenance_reference: entry.maintenance_reference,
            outcome: entry.outcome.map(EntryOutcome::as_str),
            response_code: entry.response_code,
            response_message: entry.response_message,
            payload: entry.payload,
            at_ms,
        };
        let hash = Journal::entry_hash(hasher, identity, key_problem, &prev_hash, &fields)?;
        insert_entry(transaction, &fields, &prev_hash, &hash)?;
        Ok(seq)
    }

    /// Records an operation's request **before** it is sent, and opens it.
    /// Returns the operation id. Durable when this returns.
    /// `blocks_order`: whether the operation moves money, so that its order
    /// takes no other capture, refund or void until it is settled.
    pub fn record_request(
        &mut self,
        actor: &Actor,
        order_id: i64,
        command: Command,
        blocks_order: bool,
        entry: &NewEntry<'_>,
    ) -> Result<i64> {
        self.record_request_under(actor, order_id, command, blocks_order, entry, None)
    }

    /// [`Journal::record_request`] for a submission holding the order's lease:
    /// in the same transaction, the lease is bound to the new operation. If
    /// the lease is no longer `lease_owner`'s (it lapsed and was taken over),
    /// nothing is recorded and [`JournalError::LeaseLost`] is returned, so the
    /// request is never sent.
    pub fn record_leased_request(
        &mut self,
        actor: &Actor,
        order_id: i64,
        command: Command,
        entry: &NewEntry<'_>,
        lease_owner: &str,
    ) -> Result<i64> {
        self.record_request_under(actor, order_id, command, true, entry, Some(lease_owner))
    }

    fn record_request_under(
        &mut self,
        actor: &Actor,
        order_id: i64,
        command: Command,
        blocks_order: bool,
        entry: &NewEntry<'_>,
        lease_owner: Option<&str>,
    ) -> Result<i64> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let operation_id = Journal::append(
            &transaction,
            append_context!(self),
            actor,
            EntryKind::Request,
            None,
            order_id,
            command,
            entry,
        )?;
        if blocks_order {
            transaction.execute(
                "INSERT INTO open_operations (operation_id, order_id, state) VALUES (?1, ?2, 'pending')",
                params![operation_id, order_id],
            )?;
        }
        if let Some(owner) = lease_owner {
            let leased = super::lease::leased_order(&transaction, order_id)?;
            let bound = transaction.execute(
                "UPDATE order_leases SET operation_id = ?3, heartbeat_ms = ?4
                 WHERE order_id = ?1 AND owner = ?2",
                params![leased, owner, operation_id, now_ms()],
            )?;
            if bound != 1 {
                // Dropping the transaction rolls the request back.
                return Err(JournalError::LeaseLost);
            }
        }
        transaction.commit()?;
        self.anchor_after_commit();
        Ok(operation_id)
    }

    /// Records a checked feedback notification (`aps::notification`) that
    /// arrived at `received_ms`, and projects it onto its order
    /// (`projection::apply_feedback`), creating the order if the journal has
    /// not seen it. In one transaction: the order, the duplicate check, the
    /// entry and the projection are all recorded or none. The same
    /// notification (same fingerprint) again adds nothing.
    pub fn record_feedback(
        &mut self,
        actor: &Actor,
        notification: &Notification,
        received_ms: i64,
    ) -> Result<FeedbackRecord> {
        // What is projected is read back from what is stored, as `journal
        // verify` reads it: the two can never disagree.
        let stored = ParamsField::from_params(&notification.params);
        let projected = stored.params();
        let payload = super::payload::write(&FeedbackPayload {
            notification: stored,
            received_ms,
            fingerprint: notification.fingerprint.clone(),
            format: notification.format.as_str().to_owned(),
        });
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let order_id = ensure_order_in(
            &transaction,
            actor,
            &notification.merchant_reference,
            received_ms,
        )?;
        let mut order = transaction.query_row(
            &format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = ?1"),
            [order_id],
            OrderRecord::from_row,
        )?;
        let earlier: Vec<(i64, String)> = transaction
            .prepare_cached(
                "SELECT seq, payload FROM entries WHERE order_id = ?1 AND entry = 'feedback' ORDER BY seq",
            )?
            .query_map([order.id], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if let Some((seq, _)) = earlier.iter().find(|(_, payload)| {
            super::payload::read::<FeedbackPayload>(payload).fingerprint == notification.fingerprint
        }) {
            // Dropping the transaction rolls back an order it created (none:
            // an earlier feedback made it).
            return Ok(FeedbackRecord::Duplicate { seq: *seq });
        }
        let seq = Journal::append(
            &transaction,
            append_context!(self),
            actor,
            EntryKind::Feedback,
            None,
            order.id,
            notification.command,
            &NewEntry {
                amount_minor: notification.amount_minor,
                currency: notification.currency.as_deref(),
                maintenance_reference: notification.params.non_empty("maintenance_reference"),
                outcome: Some(notification.class.into()),
                response_code: Some(&notification.response_code),
                response_message: notification.params.non_empty("response_message"),
                payload: &payload,
            },
        )?;
        let effect = match &projected {
            Some(params) => super::projection::apply_feedback(
                &mut order,
                notification.command,
                notification.class,
                params,
                received_ms,
            ),
            None => super::projection::FeedbackEffect::DetailsOnly,
        };
        order.updated_ms = now_ms();
        write_order(&transaction, &order)?;
        transaction.commit()?;
        self.anchor_after_commit();
        Ok(FeedbackRecord::Recorded {
            seq,
            order_id: order.id,
            effect,
        })
    }

    /// Records the result of an operation. An uncertain or untrusted result
    /// keeps it open; anything else closes it.
    pub fn record_result(
        &mut self,
        actor: &Actor,
        operation_id: i64,
        entry: &NewEntry<'_>,
    ) -> Result<()> {
        self.record_result_in(actor, operation_id, entry, None)
            .map(|_| ())
    }

    /// Records the result of an operation and, **in the same transaction**,
    /// what it changes of its order's row: `project` gets the row and the
    /// order's entries (the new result among them) and changes the row; a
    /// changed row is written back. Both are recorded or neither: a crash, a
    /// full disk or a failing statement between them can no longer leave
    /// the row behind its entries (`journal verify` would call that an edit).
    /// Returns the order as it now stands.
    pub fn record_result_and_project(
        &mut self,
        actor: &Actor,
        operation_id: i64,
        entry: &NewEntry<'_>,
        project: &mut dyn FnMut(&mut OrderRecord, &[EntryRecord]),
    ) -> Result<Option<OrderRecord>> {
        self.record_result_in(actor, operation_id, entry, Some(project))
    }

    /// A result, and (`project`) its order's row, in one transaction. Without
    /// a projection the row is not read at all (a journal of an older schema,
    /// in tests of migrations, has other columns).
    fn record_result_in(
        &mut self,
        actor: &Actor,
        operation_id: i64,
        entry: &NewEntry<'_>,
        project: Option<OrderProjection<'_>>,
    ) -> Result<Option<OrderRecord>> {
        let request = self.request_entry(operation_id)?;
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        Journal::append(
            &transaction,
            append_context!(self),
            actor,
            EntryKind::Result,
            Some(operation_id),
            request.order_id,
            request.command,
            entry,
        )?;
        match entry.outcome.and_then(EntryOutcome::keeps_open) {
            Some(state) => {
                // Usually it is open and only changes state. If someone settled
                // it meanwhile (its sender was stopped, not dead), an answer
                // that proves nothing reopens it: the conclusion is in doubt.
                let blocks = request.command.moves_money();
                transaction.execute(
                    "INSERT INTO open_operations (operation_id, order_id, state)
                     SELECT ?1, ?2, ?3 WHERE ?4
                     ON CONFLICT (operation_id) DO UPDATE SET state = excluded.state",
                    params![operation_id, request.order_id, state, blocks],
                )?;
            }
            None => {
                transaction.execute(
                    "DELETE FROM open_operations WHERE operation_id = ?1",
                    [operation_id],
                )?;
            }
        }
        let order = match project {
            Some(project) => {
                order_in(&transaction, request.order_id)?.map(|before| (project, before))
            }
            None => None,
        };
        let order = match order {
            Some((project, before)) => {
                let entries = order_entries_in(&transaction, request.order_id)?;
                let mut after = before.clone();
                project(&mut after, &entries);
                if after != before {
                    after.updated_ms = now_ms();
                    write_order(&transaction, &after)?;
                }
                Some(after)
            }
            None => None,
        };
        transaction.commit()?;
        self.anchor_after_commit();
        Ok(order)
    }

    /// Appends an entry that changes no order row and no open operation
    /// (see [`Observation`]), in one transaction of its own. Its `command`
    /// is CHECK_STATUS: a drift is seen by a status read, and an
    /// acknowledgement is answered by the next one.
    pub fn record_observation(
        &mut self,
        actor: &Actor,
        order_id: i64,
        observation: Observation,
        operation_id: Option<i64>,
        entry: &NewEntry<'_>,
    ) -> Result<i64> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let seq = Journal::append(
            &transaction,
            append_context!(self),
            actor,
            observation.kind(),
            operation_id,
            order_id,
            Command::CheckStatus,
            entry,
        )?;
        transaction.commit()?;
        self.anchor_after_commit();
        Ok(seq)
    }

    /// Records how an open operation was settled (`applied` or `not_applied`),
    /// with the evidence, and closes it.
    pub fn record_resolution(
        &mut self,
        actor: &Actor,
        operation_id: i64,
        entry: &NewEntry<'_>,
    ) -> Result<()> {
        self.append_resolution(actor, operation_id, entry, true)
    }

    /// Records that an attempt to settle an open operation concluded nothing
    /// (and why); the operation stays open.
    pub fn record_unresolved(
        &mut self,
        actor: &Actor,
        operation_id: i64,
        entry: &NewEntry<'_>,
    ) -> Result<()> {
        self.append_resolution(actor, operation_id, entry, false)
    }

    fn append_resolution(
        &mut self,
        actor: &Actor,
        operation_id: i64,
        entry: &NewEntry<'_>,
        closes: bool,
    ) -> Result<()> {
        let request = self.request_entry(operation_id)?;
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        Journal::append(
            &transaction,
            append_context!(self),
            actor,
            EntryKind::Resolution,
            Some(operation_id),
            request.order_id,
            request.command,
            entry,
        )?;
        if closes {
            transaction.execute(
                "DELETE FROM open_operations WHERE operation_id = ?1",
                [operation_id],
            )?;
        }
        transaction.commit()?;
        self.anchor_after_commit();
        Ok(())
    }

    /// The request entry of an operation.
    pub fn request_entry(&self, operation_id: i64) -> Result<EntryRecord> {
        self.connection
            .query_row(
                &format!(
                    "SELECT {ENTRY_COLUMNS} FROM entries WHERE seq = ?1 AND entry = 'request'"
                ),
                [operation_id],
                EntryRecord::from_row,
            )
            .optional()?
            .ok_or(JournalError::UnknownOperation(operation_id))
    }

    /// Every entry of an operation, in order.
    pub fn operation_entries(&self, operation_id: i64) -> Result<Vec<EntryRecord>> {
        let mut statement = self.connection.prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM entries WHERE operation_id = ?1 ORDER BY seq"
        ))?;
        let rows = statement.query_map([operation_id], EntryRecord::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The latest entries of every order, newest first (the activity view).
    pub fn recent_entries(&self, limit: usize) -> Result<Vec<EntryRecord>> {
        let mut statement = self.connection.prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM entries ORDER BY seq DESC LIMIT ?1"
        ))?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = statement.query_map([limit], EntryRecord::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every entry about an order, in order: its timeline.
    pub fn order_entries(&self, order_id: i64) -> Result<Vec<EntryRecord>> {
        order_entries_in(&self.connection, order_id)
    }

    fn open_operations_where(
        &self,
        condition: &str,
        value: Option<i64>,
    ) -> Result<Vec<OpenOperation>> {
        let sql = format!(
            "SELECT o.operation_id, o.order_id, o.state FROM open_operations o {condition} ORDER BY o.operation_id"
        );
        let mut statement = self.connection.prepare_cached(&sql)?;
        let read = |row: &Row<'_>| -> rusqlite::Result<(i64, i64, OpenState)> {
            Ok((
                row.get("operation_id")?,
                row.get("order_id")?,
                row.get("state")?,
            ))
        };
        let rows: Vec<(i64, i64, OpenState)> = match value {
            Some(value) => statement
                .query_map([value], read)?
                .collect::<rusqlite::Result<_>>()?,
            None => statement
                .query_map([], read)?
                .collect::<rusqlite::Result<_>>()?,
        };
        rows.into_iter()
            .map(|(operation_id, order_id, state)| {
                Ok(OpenOperation {
                    operation_id,
                    order_id,
                    state,
                    request: self.request_entry(operation_id)?,
                })
            })
            .collect()
    }

    /// Operations blocking this order: its own, and those of the newer rows
    /// a journal from before kept for the same order (`order_aliases`).
    pub fn open_operations_for(&self, order_id: i64) -> Result<Vec<OpenOperation>> {
        self.open_operations_where(
            "WHERE o.order_id = ?1 OR o.order_id IN (
                SELECT alias_id FROM order_aliases WHERE order_id = ?1)",
            Some(order_id),
        )
    }

    /// Every open operation (for reconciliation at start-up).
    pub fn open_operations(&self) -> Result<Vec<OpenOperation>> {
        self.open_operations_where("", None)
    }

    /// Updates an order's projection with a closure over its record; the
    /// caller changes fields, the store writes them back.
    pub fn update_order(
        &mut self,
        order_id: i64,
        change: impl FnOnce(&mut OrderRecord),
    ) -> Result<()> {
        let Some(mut order) = self.order(order_id)? else {
            return Ok(());
        };
        change(&mut order);
        order.updated_ms = now_ms();
        write_order(&self.connection, &order)?;
        Ok(())
    }

    /// Recomputes the chain from the first entry and reports the first break
    /// (keyed entries with the journal's key; without it, their links only).
    pub fn verify_chain(&self) -> Result<ChainReport> {
        let check = verify::check_chain(&self.connection, &self.hasher)?;
        Ok(ChainReport {
            entries_checked: check.entries_checked,
            first_broken_seq: check.first_broken_seq,
        })
    }

    /// Everything `journal verify` checks: the chain, the anchor beside the
    /// journal, and the order rows and open operations against the entries.
    pub fn verify(&self) -> Result<VerifyReport> {
        let anchor = Anchor::read(&Anchor::path_for(&self.path));
        let mut report = verify::verify(
            &self.connection,
            &self.hasher,
            &anchor,
            self.key_problem.as_deref(),
        )?;
        if self.keying_removed {
            report.findings.insert(0, verify::Finding::KeyingRemoved);
        }
        let (last_seq, _) = chain_head(&self.connection)?;
        let witnessed = self.witness.read(&self.identity.journal_id);
        report.findings.extend(verify::check_witness(
            &self.connection,
            &verify::read_identity(&self.connection)?,
            &witnessed,
            self.hasher.key.as_ref(),
            last_seq,
        )?);
        report.acceptances = self.acceptances()?;
        Ok(report)
    }

    /// Records the operator's decision to continue from the journal as it
    /// is, although its head disagrees with its anchor or this
    /// installation's witness (`journal verify --accept`, run once the
    /// operator has read its verdict). The decision is an `accepted` entry
    /// naming what disagreed; the anchor and the witness then name the new
    /// head, and writes go on. `Ok(None)` when nothing disagreed (nothing is
    /// recorded). What the anchor or witness remembered that the journal
    /// lacks stays lost: the decision only says that the operator knew.
    pub fn accept_as_is(&mut self, operator: &str) -> Result<Option<Acceptance>> {
        if self.keying_removed {
            return Err(JournalError::ChainKeyMissing {
                journal_id: self.identity.journal_id.clone(),
                from_seq: 0,
                why: KEYING_REMOVED.to_owned(),
            });
        }
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let findings = head_findings(&transaction, &self.path, &self.hasher, &self.witness)?;
        if findings.is_empty() {
            return Ok(None);
        }
        let (entries_before, _) = chain_head(&transaction)?;
        // Whose journal it is, as far as its last entry says (an entry about
        // the journal itself has no account of its own).
        let (profile, environment): (String, Environment) = transaction
            .query_row(
                "SELECT profile, environment FROM entries ORDER BY seq DESC LIMIT 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?
            .unwrap_or((String::new(), Environment::Production));
        let payload = super::payload::write(&super::payload::AcceptancePayload {
            findings: findings.iter().map(ToString::to_string).collect(),
            entries_before,
        });
        let seq = Journal::append_unchecked(
            &transaction,
            append_context!(self),
            &Actor {
                operator: operator.to_owned(),
                profile,
                // About the journal, not an order of an account.
                account: String::new(),
                environment,
            },
            EntryKind::Accepted,
            None,
            JOURNAL_ORDER_ID,
            Command::CheckStatus,
            &NewEntry {
                payload: &payload,
                ..NewEntry::default()
            },
        )?;
        transaction.commit()?;
        self.reset_head_records()?;
        Ok(Some(Acceptance { seq, findings }))
    }

    /// Every recorded acceptance, oldest first.
    pub fn acceptances(&self) -> Result<Vec<EntryRecord>> {
        let mut statement = self.connection.prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM entries WHERE order_id = ?1 AND entry = 'accepted' ORDER BY seq"
        ))?;
        let rows = statement.query_map([JOURNAL_ORDER_ID], EntryRecord::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Writes a consistent copy of the journal to `destination` while it is in
    /// use (`VACUUM INTO`), private, with the anchor of what it holds inside
    /// it (`backup_anchor`) and beside it (`<destination>.anchor`). Neither
    /// may exist, nor be one of the journal's own files
    /// ([`OutputGuard`](super::output::OutputGuard)).
    pub fn backup(&self, destination: &Path) -> Result<()> {
        use super::output::IfExists;
        let guard = self.output_guard();
        guard.check(destination, IfExists::Refuse)?;
        guard.check(&Anchor::path_for(destination), IfExists::Refuse)?;
        self.copy_into(destination)
    }

    /// The guard for files written at the operator's word while this journal
    /// is open: never over its own files.
    #[must_use]
    pub fn output_guard(&self) -> super::output::OutputGuard {
        super::output::OutputGuard::for_journal(&self.path)
    }

    /// [`Journal::backup`]'s copy, also a restore's copy of the journal it
    /// replaces (`<journal>.before-restore-<time>`, one of the journal's own
    /// names, hence unguarded). The destination must not exist.
    pub(super) fn copy_into(&self, destination: &Path) -> Result<()> {
        if destination.exists() {
            return Err(JournalError::Io(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                format!(
                    "{} already exists: choose a new file for the backup",
                    destination.display()
                ),
            )));
        }
        files::create_private_parent(destination)?;
        // Created empty and private first: VACUUM INTO fills an empty file,
        // and the copy is never readable by others, even for a moment.
        files::create_private_file(destination)?;
        let copied = self
            .connection
            .execute("VACUUM INTO ?1", [destination.to_string_lossy().as_ref()])
            .map_err(JournalError::from)
            .and_then(|_| self.anchor_backup(destination));
        if copied.is_err() {
            let _ = std::fs::remove_file(destination);
            let _ = std::fs::remove_file(Anchor::path_for(destination));
        }
        copied
    }

    /// Writes the chain's head as it is now beside an export (`FILE.anchor`):
    /// whoever keeps the export can later show that the journal had reached
    /// that entry, and `journal verify` of a journal cut below it says so when
    /// given this anchor. A trailing row in the CSV itself would break strict
    /// CSV readers, hence the file beside it.
    ///
    /// The anchor goes through the output guard as its export did
    /// (`if_exists`): callers check both paths before writing the export.
    pub fn anchor_export(
        &self,
        export: &Path,
        if_exists: super::output::IfExists,
    ) -> Result<PathBuf> {
        let (entries, last_hash) = chain_head(&self.connection)?;
        let anchor = Anchor::new(
            &self.identity.journal_id,
            entries,
            &last_hash,
            self.identity.keyed_from_seq,
            self.hasher.key.as_ref(),
        );
        let path = Anchor::path_for(export);
        Ok(self
            .output_guard()
            .write(&path, anchor.to_json().as_bytes(), if_exists)?)
    }

    /// Anchors a fresh backup: inside it and beside it.
    fn anchor_backup(&self, destination: &Path) -> Result<()> {
        let backup = Connection::open_with_flags(
            destination,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let (entries, last_hash) = chain_head(&backup)?;
        let identity = verify::read_identity(&backup)?;
        let anchor = Anchor::new(
            &identity.journal_id,
            entries,
            &last_hash,
            identity.keyed_from_seq,
            self.hasher.key.as_ref(),
        );
        if !identity.journal_id.is_empty() {
            backup.execute(
                "INSERT OR REPLACE INTO journal_meta (name, value) VALUES ('backup_anchor', ?1)",
                [anchor.to_json()],
            )?;
        }
        drop(backup);
        anchor.write(&Anchor::path_for(destination))?;
        Ok(())
    }

    /// Folds the WAL into the database file and empties it (before the file
    /// is replaced: a stale WAL beside a new file would be replayed into it).
    pub(super) fn checkpoint(&self) -> Result<()> {
        self.connection
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Replaces the journal at `target` with the backup at `source`; see
    /// [`super::restore`]. The journal must not be open elsewhere.
    pub fn restore(
        source: &Path,
        target: &Path,
        options: &super::restore::RestoreOptions<'_>,
    ) -> Result<super::restore::RestoreReport> {
        super::restore::restore(source, target, options)
    }

    /// The WAL and shared-memory files of the journal at `path`.
    pub fn sidecars(path: &Path) -> [PathBuf; 2] {
        sidecars(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unmasked_card_fields_are_recognized() {
        assert!(contains_card_number(
            r#"{"card_number":"4005550000000001"}"#
        ));
        assert!(contains_card_number(r#"{"card_security_code":"123"}"#));
        assert!(!contains_card_number(
            r#"{"card_number":"400555******0001","card_security_code":"********"}"#
        ));
        assert!(!contains_card_number(r#"{"fort_id":"169000000000000001"}"#));
    }

    #[test]
    fn card_fields_are_found_however_deep() {
        // A response's parameters, held as a JSON string inside the payload.
        let response = r#"{"response_code":"12000","card_number":"4005550000000001"}"#;
        let payload = serde_json::json!({ "http_status": 200, "response": response }).to_string();
        assert!(contains_card_number(&payload));
        // The raw body as received, JSON or form-encoded.
        let payload = serde_json::json!({ "raw_body": response }).to_string();
        assert!(contains_card_number(&payload));
        let payload = serde_json::json!({ "raw_body": "x=1&card_number=4005 5500 0000 0001&y=2" })
            .to_string();
        assert!(contains_card_number(&payload));
        let payload =
            serde_json::json!({ "raw_body": "<p>card_security_code: 123</p>" }).to_string();
        assert!(contains_card_number(&payload));
        // Nested objects and arrays.
        assert!(contains_card_number(
            r#"{"request":{"items":[{"card_number":4005550000000001}]}}"#
        ));
        // Masked values and fort ids are fine, at any depth.
        let masked = r#"{"card_number":"400555******0001","fort_id":"169000000000000001","card_security_code":"********"}"#;
        let payload = serde_json::json!({ "response": masked, "raw_body": masked }).to_string();
        assert!(!contains_card_number(&payload));
        assert!(!contains_card_number(
            &serde_json::json!({ "raw_body": "card_number=400555******0001" }).to_string()
        ));
    }
}
