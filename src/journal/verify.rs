//! `journal verify`: everything the journal can check about itself.
//!
//! - **The chain**: every entry's link and hash recomputed, keyed entries
//!   with the journal's key (see `chain.rs`).
//! - **The anchor**: the journal is not behind the head anchored outside it
//!   (entries removed from the end), the anchored entry is the one in the
//!   journal, and the anchor is signed by the journal's key.
//! - **The witness** (`witness.rs`): the journal is not older than the head
//!   this installation last committed, kept in the keyring (a copy put back
//!   with its anchor is *rolled back*).
//! - **Derived state**: the order rows (money and state) and the open
//!   operations are rebuilt from the entries and compared with the tables, so
//!   that an edited order or a deleted open operation (which would unblock its
//!   order) is reported with its order.
//!
//! Each problem is a [`Finding`]; `journal verify` exits 1 on any.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use rusqlite::{Connection, OptionalExtension};

use super::anchor::Anchor;
use super::chain::{self, GENESIS};
use super::key::ChainKey;
use super::projection;
use super::store::{ENTRY_COLUMNS, EntryRecord, JOURNAL_ORDER_ID, ORDER_COLUMNS, OrderRecord};
use super::vocabulary::{EntryKind, EntryOutcome, OpenState};
use super::witness::WitnessedHead;
use crate::aps::params::Params;
use crate::aps::{Command, OutcomeClass};

/// The identity rows of `journal_meta` (empty for a journal from before them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    pub journal_id: String,
    pub keyed_from_seq: Option<i64>,
    /// Whether an anchor has ever been written for this journal.
    pub anchored: bool,
}

/// One value of `journal_meta`; `None` when absent or the table is missing
/// (a journal from before it).
pub fn meta(connection: &Connection, name: &str) -> rusqlite::Result<Option<String>> {
    let exists: bool = connection.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'journal_meta'",
        [],
        |row| row.get(0),
    )?;
    if !exists {
        return Ok(None);
    }
    connection
        .query_row(
            "SELECT value FROM journal_meta WHERE name = ?1",
            [name],
            |row| row.get(0),
        )
        .optional()
}

pub fn read_identity(connection: &Connection) -> rusqlite::Result<Identity> {
    Ok(Identity {
        journal_id: meta(connection, "journal_id")?.unwrap_or_default(),
        keyed_from_seq: meta(connection, "keyed_from_seq")?.and_then(|seq| seq.parse().ok()),
        anchored: meta(connection, "anchored")?.is_some(),
    })
}

/// How entries are hashed: SHA-256 before `keyed_from_seq`, HMAC-SHA256
/// under the key from it on.
#[derive(Debug, Clone, Default)]
pub struct ChainHasher {
    pub key: Option<ChainKey>,
    pub keyed_from_seq: Option<i64>,
}

impl ChainHasher {
    /// The hash of entry `fields.seq`; `None` when it must be keyed and there
    /// is no key.
    pub fn hash(&self, prev_hash: &str, fields: &chain::EntryFields<'_>) -> Option<String> {
        match self.keyed_from_seq {
            Some(from) if fields.seq >= from => self
                .key
                .as_ref()
                .map(|key| chain::entry_mac(key.bytes(), prev_hash, fields)),
            Some(_) | None => Some(chain::entry_hash(prev_hash, fields)),
        }
    }
}

/// One thing verification found wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// An entry's link or hash does not check: it was changed, inserted or
    /// removed after it was written (or the chain recomputed without the key).
    ChainBroken { seq: i64 },
    /// The keyed part of the chain could not be checked: no key.
    KeyUnavailable { from_seq: i64, why: String },
    /// Fewer entries than the anchor records: entries were removed from the end.
    Truncated { anchored: i64, present: i64 },
    /// The entry the anchor names has another hash: the chain was rewritten.
    AnchorMismatch { seq: i64 },
    /// The anchor is not signed by the journal's key.
    AnchorNotSigned,
    /// The anchor belongs to another journal.
    AnchorOfAnotherJournal { anchor_journal: String },
    /// The journal says it was anchored, and its anchor is gone or unreadable.
    AnchorMissing { why: String },
    /// The keyring holds a key for this journal, and the journal records no
    /// keyed entries: its keying was removed (to rewrite the chain unkeyed).
    KeyingRemoved,
    /// The journal's record of where keying starts differs from the anchor's.
    KeyingChanged {
        journal: Option<i64>,
        anchor: Option<i64>,
    },
    /// Rolled back: fewer entries than this installation last committed (a
    /// copy of the journal put back, with its anchor or without).
    RolledBack { witnessed: i64, present: i64 },
    /// Rolled back: the entry this installation last committed is another
    /// one in this journal (the journal was replaced by another copy).
    WitnessDiverged { seq: i64 },
    /// The installation's record of the head is not signed by the key.
    WitnessNotSigned,
    /// The installation's record of the head could not be read.
    WitnessUnreadable { why: String },
    /// An order row differs from what its entries make of it.
    OrderDiffers {
        order_id: i64,
        merchant_reference: String,
        field: &'static str,
        recorded: String,
        rebuilt: String,
    },
    /// Entries name an order that has no row.
    OrderMissing { order_id: i64 },
    /// An operation the entries leave open is not in `open_operations` (its
    /// order would take another capture, refund or void).
    OpenOperationMissing {
        operation_id: i64,
        order_id: i64,
        merchant_reference: String,
        state: String,
    },
    /// `open_operations` holds an operation the entries closed or never opened.
    OpenOperationUnexplained {
        operation_id: i64,
        order_id: i64,
        merchant_reference: String,
    },
    /// An open operation's state differs from what its entries say.
    OpenOperationState {
        operation_id: i64,
        merchant_reference: String,
        recorded: String,
        rebuilt: String,
    },
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::ChainBroken { seq } => write!(
                f,
                "chain broken at entry {seq}: the record was changed after it was written"
            ),
            Finding::KeyUnavailable { from_seq, why } => write!(
                f,
                "entries from {from_seq} on are keyed and could not be checked: {why}"
            ),
            Finding::Truncated { anchored, present } => write!(
                f,
                "truncated: the anchor records {anchored} entries, the journal has {present}: {} entries are missing",
                anchored - present
            ),
            Finding::AnchorMismatch { seq } => write!(
                f,
                "entry {seq} is not the one anchored: the chain was rewritten"
            ),
            Finding::AnchorNotSigned => f.write_str(
                "the anchor is not signed by this journal's key: it was written by someone without it",
            ),
            Finding::AnchorOfAnotherJournal { anchor_journal } => write!(
                f,
                "the anchor belongs to another journal ({anchor_journal}): the journal file was replaced"
            ),
            Finding::AnchorMissing { why } => {
                write!(f, "the journal was anchored, and its anchor is gone: {why}")
            }
            Finding::KeyingChanged { journal, anchor } => write!(
                f,
                "the journal says its chain is keyed from entry {}, its anchor says from {}: the journal's identity was edited",
                seq_text(*journal),
                seq_text(*anchor)
            ),
            Finding::RolledBack { witnessed, present } => write!(
                f,
                "rolled back: this computer last recorded the journal at {witnessed} entries and it has {present}: {} entries are missing (an older copy was put back), and what they recorded (open operations among it) is not in it",
                witnessed - present
            ),
            Finding::WitnessDiverged { seq } => write!(
                f,
                "rolled back: entry {seq} is not the one this computer last recorded: the journal was replaced by another copy"
            ),
            Finding::WitnessNotSigned => f.write_str(
                "this computer's record of the journal's head (in the keyring) is not signed by the journal's key: it was written by someone without it",
            ),
            Finding::WitnessUnreadable { why } => write!(
                f,
                "this computer's record of the journal's head (in the keyring) could not be read: {why}"
            ),
            Finding::KeyingRemoved => f.write_str(
                "the keyring holds a key for this journal and the journal records no keyed entries: its keying was removed to rewrite the chain without the key",
            ),
            Finding::OrderDiffers {
                order_id,
                merchant_reference,
                field,
                recorded,
                rebuilt,
            } => write!(
                f,
                "order {merchant_reference} (id {order_id}): {field} is {recorded}, its entries make it {rebuilt}"
            ),
            Finding::OrderMissing { order_id } => {
                write!(f, "order id {order_id} has entries and no row")
            }
            Finding::OpenOperationMissing {
                operation_id,
                order_id,
                merchant_reference,
                state,
            } => write!(
                f,
                "order {merchant_reference} (id {order_id}): operation {operation_id} is {state} by its entries and missing from the open operations: the order is unblocked"
            ),
            Finding::OpenOperationUnexplained {
                operation_id,
                order_id,
                merchant_reference,
            } => write!(
                f,
                "order {merchant_reference} (id {order_id}): operation {operation_id} is open, and its entries closed it (or never opened it)"
            ),
            Finding::OpenOperationState {
                operation_id,
                merchant_reference,
                recorded,
                rebuilt,
            } => write!(
                f,
                "order {merchant_reference}: operation {operation_id} is recorded {recorded}, its entries say {rebuilt}"
            ),
        }
    }
}

impl Finding {
    /// Whether this says the journal was rolled back (older than what this
    /// installation last committed): `journal verify`'s own verdict.
    pub fn is_rollback(&self) -> bool {
        match self {
            Finding::RolledBack { .. } | Finding::WitnessDiverged { .. } => true,
            Finding::ChainBroken { .. }
            | Finding::KeyUnavailable { .. }
            | Finding::Truncated { .. }
            | Finding::AnchorMismatch { .. }
            | Finding::AnchorNotSigned
            | Finding::AnchorOfAnotherJournal { .. }
            | Finding::AnchorMissing { .. }
            | Finding::KeyingRemoved
            | Finding::KeyingChanged { .. }
            | Finding::WitnessNotSigned
            | Finding::WitnessUnreadable { .. }
            | Finding::OrderDiffers { .. }
            | Finding::OrderMissing { .. }
            | Finding::OpenOperationMissing { .. }
            | Finding::OpenOperationUnexplained { .. }
            | Finding::OpenOperationState { .. } => false,
        }
    }

    /// Whether this is about the journal's head as kept outside it (the
    /// anchor, the witness): what stops writes, and what the operator may
    /// accept (`journal verify --accept`).
    pub fn is_about_head(&self) -> bool {
        match self {
            Finding::Truncated { .. }
            | Finding::AnchorMismatch { .. }
            | Finding::AnchorNotSigned
            | Finding::AnchorOfAnotherJournal { .. }
            | Finding::AnchorMissing { .. }
            | Finding::KeyingChanged { .. }
            | Finding::RolledBack { .. }
            | Finding::WitnessDiverged { .. }
            | Finding::WitnessNotSigned
            | Finding::WitnessUnreadable { .. } => true,
            Finding::ChainBroken { .. }
            | Finding::KeyUnavailable { .. }
            | Finding::KeyingRemoved
            | Finding::OrderDiffers { .. }
            | Finding::OrderMissing { .. }
            | Finding::OpenOperationMissing { .. }
            | Finding::OpenOperationUnexplained { .. }
            | Finding::OpenOperationState { .. } => false,
        }
    }
}

fn seq_text(seq: Option<i64>) -> String {
    seq.map_or_else(|| "nowhere (unkeyed)".to_owned(), |seq| seq.to_string())
}

/// What verification found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    pub entries_checked: u64,
    /// The anchor compared against, if there was one.
    pub anchor: Option<Anchor>,
    pub findings: Vec<Finding>,
    /// The operator's recorded decisions to continue from the journal as it
    /// was (`accepted` entries), oldest first: shown, not findings.
    pub acceptances: Vec<EntryRecord>,
}

impl VerifyReport {
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }
}

/// The chain: entries checked, the first broken one, the last seq and hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainCheck {
    pub entries_checked: u64,
    pub first_broken_seq: Option<i64>,
    pub last_seq: i64,
    pub last_hash: String,
    /// The first keyed entry met without a key (its link is still checked).
    pub unchecked_from: Option<i64>,
}

/// Recomputes the chain from the first entry.
pub fn check_chain(connection: &Connection, hasher: &ChainHasher) -> rusqlite::Result<ChainCheck> {
    let mut statement =
        connection.prepare(&format!("SELECT {ENTRY_COLUMNS} FROM entries ORDER BY seq"))?;
    let mut rows = statement.query([])?;
    let mut check = ChainCheck {
        entries_checked: 0,
        first_broken_seq: None,
        last_seq: 0,
        last_hash: GENESIS.to_owned(),
        unchecked_from: None,
    };
    while let Some(row) = rows.next()? {
        let entry = EntryRecord::from_row(row)?;
        check.entries_checked += 1;
        let hash_ok = if let Some(recomputed) = hasher.hash(&check.last_hash, &entry.fields()) {
            recomputed == entry.hash
        } else {
            // No key: the link is still checked below.
            check.unchecked_from.get_or_insert(entry.seq);
            true
        };
        if check.first_broken_seq.is_none()
            && (entry.seq != check.last_seq + 1 || entry.prev_hash != check.last_hash || !hash_ok)
        {
            check.first_broken_seq = Some(entry.seq);
        }
        check.last_seq = entry.seq;
        check.last_hash = entry.hash;
    }
    Ok(check)
}

/// Compares the journal with its anchor.
pub fn check_anchor(
    connection: &Connection,
    identity: &Identity,
    anchor: &Result<Option<Anchor>, String>,
    key: Option<&ChainKey>,
    chain: &ChainCheck,
) -> rusqlite::Result<Vec<Finding>> {
    check_anchor_at(connection, identity, anchor, key, chain.last_seq)
}

/// The hash of entry `seq`, if the journal has it.
fn hash_at(connection: &Connection, seq: i64) -> rusqlite::Result<Option<String>> {
    connection
        .query_row("SELECT hash FROM entries WHERE seq = ?1", [seq], |row| {
            row.get(0)
        })
        .optional()
}

/// Compares a journal whose last entry is `last_seq` with its anchor (before
/// every append, and in `journal verify`).
pub fn check_anchor_at(
    connection: &Connection,
    identity: &Identity,
    anchor: &Result<Option<Anchor>, String>,
    key: Option<&ChainKey>,
    last_seq: i64,
) -> rusqlite::Result<Vec<Finding>> {
    let mut findings = Vec::new();
    let anchor = match anchor {
        Ok(Some(anchor)) => anchor,
        Ok(None) => {
            // A journal from before anchoring has none until its next entry.
            if identity.anchored {
                findings.push(Finding::AnchorMissing {
                    why: "no anchor file".to_owned(),
                });
            }
            return Ok(findings);
        }
        Err(why) => {
            findings.push(Finding::AnchorMissing { why: why.clone() });
            return Ok(findings);
        }
    };
    if anchor.journal_id != identity.journal_id {
        findings.push(Finding::AnchorOfAnotherJournal {
            anchor_journal: anchor.journal_id.clone(),
        });
    }
    if anchor.keyed_from_seq != identity.keyed_from_seq {
        findings.push(Finding::KeyingChanged {
            journal: identity.keyed_from_seq,
            anchor: anchor.keyed_from_seq,
        });
    }
    // An anchor written while the journal had a key must carry its MAC; an
    // unsigned anchor of a keyed journal is someone else's.
    let keyed = identity.keyed_from_seq.is_some() || anchor.keyed_from_seq.is_some();
    if let Some(key) = key
        && keyed
        && !anchor.signed_by(key)
    {
        findings.push(Finding::AnchorNotSigned);
    }
    if anchor.entries > last_seq {
        findings.push(Finding::Truncated {
            anchored: anchor.entries,
            present: last_seq,
        });
    } else if anchor.entries > 0
        && hash_at(connection, anchor.entries)?.as_deref() != Some(anchor.last_hash.as_str())
    {
        findings.push(Finding::AnchorMismatch {
            seq: anchor.entries,
        });
    }
    Ok(findings)
}

/// Compares a journal whose last entry is `last_seq` with the head this
/// installation last committed (`witness.rs`). A witness behind the journal
/// only lags (another process's commit, a crash before it was written); one
/// ahead of it, or naming another entry, means the journal was rolled back.
pub fn check_witness(
    connection: &Connection,
    identity: &Identity,
    witnessed: &Result<Option<WitnessedHead>, String>,
    key: Option<&ChainKey>,
    last_seq: i64,
) -> rusqlite::Result<Vec<Finding>> {
    let head = match witnessed {
        Ok(Some(head)) => head,
        Ok(None) => return Ok(Vec::new()),
        Err(why) => return Ok(vec![Finding::WitnessUnreadable { why: why.clone() }]),
    };
    let mut findings = Vec::new();
    // A head witnessed once the journal was keyed carries the key's MAC; one
    // from before keying has none, and needs none.
    let must_be_signed = head.mac.is_some()
        || identity
            .keyed_from_seq
            .is_some_and(|from| head.entries >= from);
    if let Some(key) = key
        && must_be_signed
        && !head.signed_by(key)
    {
        findings.push(Finding::WitnessNotSigned);
    }
    if head.entries > last_seq {
        findings.push(Finding::RolledBack {
            witnessed: head.entries,
            present: last_seq,
        });
    } else if head.entries > 0
        && hash_at(connection, head.entries)?.as_deref() != Some(head.last_hash.as_str())
    {
        findings.push(Finding::WitnessDiverged { seq: head.entries });
    }
    Ok(findings)
}

/// One order's entries replayed: its row and its operations as the entries
/// leave them.
struct Replay {
    order_id: i64,
    recorded: Option<OrderRecord>,
    rebuilt: Option<OrderRecord>,
    /// Each money-moving operation's state by the entries (`None`: closed).
    operations: BTreeMap<i64, Option<OpenState>>,
    /// Each operation's command and amount, from its request.
    requests: HashMap<i64, (Command, Option<i64>)>,
    /// The last money entry's sequence number (any kind): a read answered
    /// after it was asked before it, and is stale (`projection::read_is_stale`).
    last_money_entry: i64,
}

impl Replay {
    fn start(connection: &Connection, order_id: i64) -> rusqlite::Result<Replay> {
        let recorded = connection
            .prepare_cached(&format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = ?1"))?
            .query_row([order_id], OrderRecord::from_row)
            .optional()?;
        Ok(Replay {
            order_id,
            rebuilt: recorded.as_ref().map(blank),
            recorded,
            operations: BTreeMap::new(),
            requests: HashMap::new(),
            last_money_entry: 0,
        })
    }

    fn apply(&mut self, entry: &EntryRecord) {
        let command = entry.command;
        let money_before = self.last_money_entry;
        if command.moves_money() {
            self.last_money_entry = entry.seq;
        }
        match entry.entry {
            EntryKind::Request => {
                self.requests
                    .insert(entry.operation_id, (command, entry.amount_minor));
                if command.moves_money() {
                    self.operations
                        .insert(entry.operation_id, Some(OpenState::Pending));
                }
            }
            EntryKind::Result => {
                if let Some(state) = self.operations.get_mut(&entry.operation_id) {
                    // An uncertain or untrusted answer keeps the operation
                    // open; any other (`not_sent` included) closes it.
                    *state = entry.outcome.and_then(EntryOutcome::keeps_open);
                }
                // Only succeeded answers move money or state (`projection::apply`).
                if entry.outcome == Some(EntryOutcome::Succeeded)
                    && let Some(order) = self.rebuilt.as_mut()
                    && let Some((command, amount)) = self.requests.get(&entry.operation_id)
                    && !projection::read_is_stale(*command, entry.operation_id, money_before)
                    && let Some(response) = response_params(&entry.payload)
                {
                    projection::apply(order, *command, OutcomeClass::Succeeded, &response, *amount);
                }
            }
            EntryKind::Feedback => {
                // The same function as when it arrived: never settles an
                // operation; money only on an order that showed none.
                let feedback =
                    super::payload::read::<super::payload::FeedbackPayload>(&entry.payload);
                if let Some(order) = self.rebuilt.as_mut()
                    && let Some(notification) = feedback.notification.params()
                    && let Some(class) = entry.outcome.and_then(EntryOutcome::class)
                {
                    projection::apply_feedback(
                        order,
                        command,
                        class,
                        &notification,
                        feedback.received_ms,
                    );
                }
            }
            // What a file said, a drift seen, an operator's acknowledgement:
            // none changes a row or an open operation; an acceptance is about
            // the journal (skipped before replay).
            EntryKind::Imported
            | EntryKind::Drift
            | EntryKind::Acknowledgement
            | EntryKind::Accepted => {}
            EntryKind::Resolution => {
                // Only a conclusion settles an operation; `unresolved` keeps it open.
                if matches!(
                    entry.outcome,
                    Some(EntryOutcome::Applied | EntryOutcome::NotApplied)
                ) && let Some(state) = self.operations.get_mut(&entry.operation_id)
                {
                    *state = None;
                }
            }
        }
    }

    /// Compares the replay with the order's row and its open operations.
    fn finish(
        self,
        connection: &Connection,
        seen_open: &mut HashSet<i64>,
        findings: &mut Vec<Finding>,
    ) -> rusqlite::Result<()> {
        let (Some(recorded), Some(rebuilt)) = (&self.recorded, &self.rebuilt) else {
            findings.push(Finding::OrderMissing {
                order_id: self.order_id,
            });
            return Ok(());
        };
        let reference = &recorded.merchant_reference;
        let mut differs = |field: &'static str, recorded_value: String, rebuilt_value: String| {
            if recorded_value != rebuilt_value {
                findings.push(Finding::OrderDiffers {
                    order_id: self.order_id,
                    merchant_reference: reference.clone(),
                    field,
                    recorded: recorded_value,
                    rebuilt: rebuilt_value,
                });
            }
        };
        differs(
            "authorized_minor",
            recorded.authorized_minor.to_string(),
            rebuilt.authorized_minor.to_string(),
        );
        differs(
            "captured_minor",
            recorded.captured_minor.to_string(),
            rebuilt.captured_minor.to_string(),
        );
        differs(
            "refunded_minor",
            recorded.refunded_minor.to_string(),
            rebuilt.refunded_minor.to_string(),
        );
        differs(
            "state",
            recorded.state.to_string(),
            rebuilt.state.to_string(),
        );

        let mut statement = connection.prepare_cached(
            "SELECT operation_id, state FROM open_operations WHERE order_id = ?1",
        )?;
        let recorded_open: BTreeMap<i64, OpenState> = statement
            .query_map([self.order_id], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (operation_id, state) in &self.operations {
            let Some(state) = state else { continue };
            match recorded_open.get(operation_id) {
                None => findings.push(Finding::OpenOperationMissing {
                    operation_id: *operation_id,
                    order_id: self.order_id,
                    merchant_reference: reference.clone(),
                    state: state.to_string(),
                }),
                Some(recorded) if recorded != state => {
                    findings.push(Finding::OpenOperationState {
                        operation_id: *operation_id,
                        merchant_reference: reference.clone(),
                        recorded: recorded.to_string(),
                        rebuilt: state.to_string(),
                    });
                }
                Some(_) => {}
            }
        }
        for operation_id in recorded_open.keys() {
            seen_open.insert(*operation_id);
            if !matches!(self.operations.get(operation_id), Some(Some(_))) {
                findings.push(Finding::OpenOperationUnexplained {
                    operation_id: *operation_id,
                    order_id: self.order_id,
                    merchant_reference: reference.clone(),
                });
            }
        }
        Ok(())
    }
}

/// Rebuilds each order's money and state, and its open operations, from its
/// entries, and compares them with the tables. One order at a time (entries
/// in `(order_id, seq)` order, by their index), so memory stays flat
/// whatever the journal's size.
pub fn check_derived(connection: &Connection) -> rusqlite::Result<Vec<Finding>> {
    let mut findings = Vec::new();
    let mut seen_open = HashSet::new();
    let mut statement = connection.prepare(&format!(
        "SELECT {ENTRY_COLUMNS} FROM entries ORDER BY order_id, seq"
    ))?;
    let mut rows = statement.query([])?;
    let mut replay: Option<Replay> = None;
    while let Some(row) = rows.next()? {
        let entry = EntryRecord::from_row(row)?;
        if entry.order_id == JOURNAL_ORDER_ID {
            // About the journal itself (an operator's acceptance): no order
            // to rebuild.
            continue;
        }
        if replay
            .as_ref()
            .is_none_or(|replay| replay.order_id != entry.order_id)
        {
            if let Some(done) = replay.take() {
                done.finish(connection, &mut seen_open, &mut findings)?;
            }
            replay = Some(Replay::start(connection, entry.order_id)?);
        }
        if let Some(replay) = replay.as_mut() {
            replay.apply(&entry);
        }
    }
    if let Some(done) = replay {
        done.finish(connection, &mut seen_open, &mut findings)?;
    }
    // Open operations of orders that have no entries at all.
    let mut statement = connection
        .prepare("SELECT o.operation_id, o.order_id, ifnull(r.merchant_reference, '') FROM open_operations o LEFT JOIN orders r ON r.id = o.order_id ORDER BY o.operation_id")?;
    for row in statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))? {
        let (operation_id, order_id, merchant_reference): (i64, i64, String) = row?;
        if !seen_open.contains(&operation_id) {
            findings.push(Finding::OpenOperationUnexplained {
                operation_id,
                order_id,
                merchant_reference,
            });
        }
    }
    Ok(findings)
}

/// An order as `ensure_order` creates it: what the entries start from.
fn blank(recorded: &OrderRecord) -> OrderRecord {
    OrderRecord {
        updated_ms: recorded.updated_ms,
        ..OrderRecord::unknown(
            recorded.id,
            &recorded.profile,
            recorded.environment,
            &recorded.merchant_reference,
            recorded.created_ms,
        )
    }
}

/// The response parameters a result entry recorded (a JSON object, or a
/// JSON string holding one).
fn response_params(payload: &str) -> Option<Params> {
    super::payload::read::<super::payload::ResultPayload>(payload)
        .response?
        .params()
}

/// Everything: the chain, the anchor and the derived state.
pub fn verify(
    connection: &Connection,
    hasher: &ChainHasher,
    anchor: &Result<Option<Anchor>, String>,
    key_problem: Option<&str>,
) -> rusqlite::Result<VerifyReport> {
    let identity = read_identity(connection)?;
    let chain = check_chain(connection, hasher)?;
    let mut findings = Vec::new();
    if let Some(seq) = chain.first_broken_seq {
        findings.push(Finding::ChainBroken { seq });
    }
    if let Some(from_seq) = chain.unchecked_from {
        findings.push(Finding::KeyUnavailable {
            from_seq,
            why: key_problem
                .unwrap_or("the journal's key is not in the keyring")
                .to_owned(),
        });
    }
    findings.extend(check_anchor(
        connection,
        &identity,
        anchor,
        hasher.key.as_ref(),
        &chain,
    )?);
    findings.extend(check_derived(connection)?);
    Ok(VerifyReport {
        entries_checked: chain.entries_checked,
        anchor: anchor.clone().ok().flatten(),
        findings,
        acceptances: Vec::new(),
    })
}
