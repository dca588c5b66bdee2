//! The journal: apsdesk's crash-safe memory of every order and operation.
//!
//! - [`schema`]: the SQLite schema and its migrations.
//! - [`chain`]: the hash chain that makes edits to the record evident; keyed
//!   (HMAC-SHA256) with the journal's key from [`key`].
//! - [`anchor`]: the chain's head kept outside the database, so that a
//!   journal cut short is told from a whole one.
//! - [`witness`]: the head as this installation last committed it, kept in
//!   the keyring (outside the journal's folder), so that a copy put back is
//!   told from the journal.
//! - [`verify`]: `journal verify`: chain, anchor, and the order rows and open
//!   operations rebuilt from the entries.
//! - [`restore`]: replacing the journal with a verified backup, atomically,
//!   keeping the replaced one.
//! - [`files`]: private files (`0600` in `0700` directories).
//! - [`output`]: [`output::OutputGuard`], the one way a file is written where
//!   the operator said: never over the journal's files, never over a file unasked.
//! - [`seam`]: [`seam::JournalStore`], what the desk needs of a journal
//!   (SQLite today, PostgreSQL next).
//! - [`store`]: [`Journal`], the database: orders, append-only entries, open
//!   operations, backup and restore.
//! - [`lease`]: order leases, so that one submission at a time works on an
//!   order, across processes sharing the journal.
//! - [`payload`]: what an entry's payload holds, as types.
//! - [`projection`]: how trusted answers change an order's row.
//! - [`payment`]: a payment's own result and time, apart from later checks.
//! - [`query`]: filters, free-text search, sorting and keyset paging.
//! - [`export`]: streamed CSV of any filtered view.
//! - [`clock`]: the wall clock and a clock no wall-clock step moves.
//! - [`drift`]: APS's figures against the journal's, and what APS's figures
//!   allow before money moves.
//! - [`desk`]: [`Desk`], the one path by which operations are sent: pending
//!   before sending, blocked while uncertain, reconciled by CHECK_STATUS.
//! - [`synthetic`]: realistic synthetic journals for benchmarks and demos.
//!
//! **Invariants:** entries are never updated or deleted (triggers refuse it);
//! no secret and no full card number is ever written; a capture, refund or
//! void is recorded before it is sent.

pub mod anchor;
pub mod chain;
pub mod clock;
pub mod desk;
pub mod drift;
pub mod export;
pub mod files;
pub mod import;
pub mod key;
pub mod key_transfer;
pub mod lease;
pub mod output;
pub mod payload;
pub mod payment;
pub mod projection;
pub mod query;
pub mod restore;
pub mod schema;
pub mod seam;
pub mod store;
pub mod synthetic;
pub mod verify;
pub mod vocabulary;
pub mod witness;

pub use desk::Desk;
pub use query::{OrderFilter, Page, SortColumn};
pub use seam::JournalStore;
pub use store::{Actor, Journal, JournalError};
