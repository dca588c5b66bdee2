//! Order leases: one submission at a time on an order, across threads,
//! `Desk`s and processes that share a journal.
//!
//! A capture, refund or void first takes its order's lease (a row in
//! `order_leases`), then settles what is open on the order, reads the
//! baseline, records its request as pending — binding the lease to that
//! operation in the same transaction — sends, records the answer, and only
//! then releases the lease. Reconciliation takes the same lease, so a pending
//! operation whose owner is alive (still waiting for APS) is never settled by
//! anyone else: a CHECK_STATUS read while the request is in flight would see
//! the totals unmoved and wrongly conclude "not applied".
//!
//! A lease is taken over only when its owner is proven gone: the process that
//! holds it has exited (checked on this host and in this PID namespace, where
//! the operating system can tell), or its heartbeat is older than the time to
//! live. An owner refreshes its heartbeat while it waits for APS.
//!
//! An order is one per account (`schema::ACCOUNTS`), so two profiles of one
//! account meet on one row and one lease. The newer rows that a journal from
//! before kept for the same order (`order_aliases`) are leased as their
//! order: a lease asked for one of them is the order's.
//!
//! What a lease cannot do: protect two machines with separate SQLite journals
//! (each has its own table); that needs the shared team journal.

use std::time::Duration;

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::store::{Journal, Result, now_ms};

/// How long a lease lives without a heartbeat, and how often an owner beats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeasePolicy {
    /// A lease whose last heartbeat is older than this is taken over.
    pub time_to_live: Duration,
    /// How often an owner refreshes its heartbeat while it waits.
    pub heartbeat: Duration,
}

impl Default for LeasePolicy {
    fn default() -> Self {
        LeasePolicy {
            // Well above the heartbeat, so that a busy machine or a slow disk
            // never lets a live owner's lease lapse.
            time_to_live: Duration::from_secs(30),
            heartbeat: Duration::from_secs(3),
        }
    }
}

/// Who asks for a lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseClaim {
    /// Unique per submission (not per process or per desk).
    pub owner: String,
    pub operator: String,
    pub pid: u32,
    pub host: String,
    /// What the submission does, for whoever it blocks ("capture 1.00 USD").
    pub purpose: String,
    /// This process's PID namespace (`pid:[4026531836]`), `None` where
    /// there is none to read: see [`LeaseHolder::is_alive`].
    pub pid_namespace: Option<String>,
}

impl LeaseClaim {
    /// A claim for this process, with a fresh owner id.
    pub fn new(operator: &str, purpose: String) -> LeaseClaim {
        LeaseClaim {
            owner: format!("{:032x}", rand::random::<u128>()),
            operator: operator.to_owned(),
            pid: std::process::id(),
            host: this_host(),
            purpose,
            pid_namespace: this_pid_namespace(),
        }
    }
}

/// The submission holding an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseHolder {
    pub owner: String,
    pub operator: String,
    pub pid: u32,
    pub host: String,
    pub purpose: String,
    /// The operation it recorded as pending, once it did.
    pub operation_id: Option<i64>,
    pub acquired_ms: i64,
    pub heartbeat_ms: i64,
    /// The holder's PID namespace; `None`: not recorded (a lease from
    /// before, a system without namespaces).
    pub pid_namespace: Option<String>,
}

impl LeaseHolder {
    /// Whether the holder may still be working.
    ///
    /// On this host the process decides, not the heartbeat: a process that
    /// is stopped (Ctrl+Z, a debugger, a laptop's sleep) beats no more but
    /// may still have its request on the wire, and taking its order over
    /// then could send the money twice. So a lease of this very process is
    /// alive while its submission is (dropped submissions end it), one of
    /// another process on this host while that process has not exited; only
    /// where that cannot be known does a stale heartbeat end it: another
    /// host, a system without `/proc`, or a holder in another PID namespace
    /// or one not recorded. A pid names a process only inside its namespace
    /// (a Flatpak, a container sharing the journal file, each count from 1):
    /// looked up in ours it is absent (the holder seems dead) or another
    /// process altogether.
    pub fn is_alive(&self, now_ms: i64, policy: &LeasePolicy) -> bool {
        if self.host == this_host() {
            let ours = this_pid_namespace();
            let same_namespace = ours.is_some() && self.pid_namespace == ours;
            if self.pid == std::process::id() && (same_namespace || ours.is_none()) {
                return submission_is_live(&self.owner);
            }
            if cfg!(target_os = "linux") && same_namespace {
                return !process_has_exited(self.pid);
            }
        }
        let time_to_live = i64::try_from(policy.time_to_live.as_millis()).unwrap_or(i64::MAX);
        now_ms.saturating_sub(self.heartbeat_ms) < time_to_live
    }

    /// "operation 12 (capture 1.00 USD) by alice is in flight since 10:42"
    /// (times in UTC, which every desk agrees on).
    pub fn describe(&self) -> String {
        let since = jiff::Timestamp::from_millisecond(self.acquired_ms)
            .map(|at| at.strftime("%H:%M UTC").to_string())
            .unwrap_or_default();
        match self.operation_id {
            Some(operation_id) => format!(
                "operation {operation_id} ({}) by {} is in flight since {since}",
                self.purpose, self.operator
            ),
            None => format!(
                "the order is held by {} ({}, process {} on {}) since {since}",
                self.operator, self.purpose, self.pid, self.host
            ),
        }
    }
}

/// The lease owners of this process's submissions that are still running.
fn live_owners() -> std::sync::MutexGuard<'static, std::collections::HashSet<String>> {
    static LIVE: std::sync::OnceLock<std::sync::Mutex<std::collections::HashSet<String>>> =
        std::sync::OnceLock::new();
    LIVE.get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn submission_is_live(owner: &str) -> bool {
    live_owners().contains(owner)
}

/// Marks a submission of this process as running until it is dropped —
/// also when its task is cancelled mid-flight, which is how a submission of
/// this process "crashes" (its lease then ends at once; the evidence rules
/// still decide what became of its request).
#[derive(Debug)]
pub struct LiveSubmission(String);

impl LiveSubmission {
    pub fn new(owner: &str) -> LiveSubmission {
        live_owners().insert(owner.to_owned());
        LiveSubmission(owner.to_owned())
    }
}

impl Drop for LiveSubmission {
    fn drop(&mut self) {
        live_owners().remove(&self.0);
    }
}

/// This machine's name, as leases record it.
pub fn this_host() -> String {
    let from_kernel = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|name| name.trim().to_owned());
    from_kernel
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "unknown-host".to_owned())
}

/// This process's PID namespace as the kernel names it (`pid:[4026531836]`),
/// read once; `None` off Linux or where `/proc` does not tell.
pub fn this_pid_namespace() -> Option<String> {
    static NAMESPACE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    NAMESPACE
        .get_or_init(|| {
            if !cfg!(target_os = "linux") {
                return None;
            }
            std::fs::read_link("/proc/self/ns/pid")
                .ok()
                .and_then(|target| target.to_str().map(str::to_owned))
                .filter(|name| name.starts_with("pid:["))
        })
        .clone()
}

/// Whether a process of this host has certainly exited. Only Linux can say so
/// without unsafe code (`/proc`); elsewhere the answer is "not known", and the
/// heartbeat decides.
fn process_has_exited(pid: u32) -> bool {
    if !cfg!(target_os = "linux") {
        return false;
    }
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // A zombie has exited; it only waits for its parent to read its status.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| matches!(rest.trim_start().chars().next(), Some('Z' | 'X'))),
        Err(_) => true,
    }
}

fn holder_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<LeaseHolder> {
    Ok(LeaseHolder {
        owner: row.get("owner")?,
        operator: row.get("operator")?,
        pid: row.get("pid")?,
        host: row.get("host")?,
        purpose: row.get("purpose")?,
        operation_id: row.get("operation_id")?,
        acquired_ms: row.get("acquired_ms")?,
        heartbeat_ms: row.get("heartbeat_ms")?,
        pid_namespace: row.get("pid_namespace")?,
    })
}

const HOLDER_COLUMNS: &str =
    "owner, operator, pid, host, purpose, operation_id, acquired_ms, heartbeat_ms, pid_namespace";

/// The order whose lease covers the row `order_id`: itself, or for a newer
/// row a journal from before kept for the same order (`order_aliases`), that
/// order.
pub(super) fn leased_order(
    connection: &rusqlite::Connection,
    order_id: i64,
) -> rusqlite::Result<i64> {
    connection
        .prepare_cached("SELECT order_id FROM order_aliases WHERE alias_id = ?1")?
        .query_row([order_id], |row| row.get(0))
        .optional()
        .map(|order| order.unwrap_or(order_id))
}

pub(super) fn lease_of(
    connection: &rusqlite::Connection,
    order_id: i64,
) -> rusqlite::Result<Option<LeaseHolder>> {
    connection
        .query_row(
            &format!("SELECT {HOLDER_COLUMNS} FROM order_leases WHERE order_id = ?1"),
            [order_id],
            holder_from_row,
        )
        .optional()
}

/// The leases of a journal's connection whose holders may still be working.
pub(super) fn live_leases_in(
    connection: &rusqlite::Connection,
) -> rusqlite::Result<Vec<LeaseHolder>> {
    let mut statement =
        connection.prepare(&format!("SELECT {HOLDER_COLUMNS} FROM order_leases"))?;
    let holders = statement
        .query_map([], holder_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let now = now_ms();
    Ok(holders
        .into_iter()
        .filter(|holder| holder.is_alive(now, &LeasePolicy::default()))
        .collect())
}

impl Journal {
    /// Takes the order's lease for `claim`, or names who holds it. A lease
    /// whose holder is gone (see [`LeaseHolder::is_alive`]) is taken over.
    pub fn acquire_lease(
        &mut self,
        order_id: i64,
        claim: &LeaseClaim,
        policy: &LeasePolicy,
    ) -> Result<Result<(), LeaseHolder>> {
        let transaction = self
            .connection_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now = now_ms();
        let order_id = leased_order(&transaction, order_id)?;
        if let Some(holder) = lease_of(&transaction, order_id)?
            && holder.owner != claim.owner
            && holder.is_alive(now, policy)
        {
            return Ok(Err(holder));
        }
        transaction.execute(
            "INSERT OR REPLACE INTO order_leases
                (order_id, owner, operator, pid, host, purpose, operation_id, acquired_ms,
                 heartbeat_ms, pid_namespace)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7, ?7, ?8)",
            params![
                order_id,
                claim.owner,
                claim.operator,
                claim.pid,
                claim.host,
                claim.purpose,
                now,
                claim.pid_namespace
            ],
        )?;
        transaction.commit()?;
        Ok(Ok(()))
    }

    /// Refreshes the heartbeat; `false` when the lease is no longer this owner's.
    pub fn heartbeat_lease(&mut self, order_id: i64, owner: &str) -> Result<bool> {
        let order_id = leased_order(self.connection(), order_id)?;
        let changed = self.connection().execute(
            "UPDATE order_leases SET heartbeat_ms = ?3 WHERE order_id = ?1 AND owner = ?2",
            params![order_id, owner, now_ms()],
        )?;
        Ok(changed == 1)
    }

    /// Gives the lease up (only this owner's).
    pub fn release_lease(&mut self, order_id: i64, owner: &str) -> Result<()> {
        let order_id = leased_order(self.connection(), order_id)?;
        self.connection().execute(
            "DELETE FROM order_leases WHERE order_id = ?1 AND owner = ?2",
            params![order_id, owner],
        )?;
        Ok(())
    }

    /// The leases whose holders may still be working (see
    /// [`LeaseHolder::is_alive`], with the default time to live).
    pub fn live_leases(&self) -> Result<Vec<LeaseHolder>> {
        Ok(live_leases_in(self.connection())?)
    }

    /// Who holds the order now, alive or not.
    pub fn lease(&self, order_id: i64) -> Result<Option<LeaseHolder>> {
        let order_id = leased_order(self.connection(), order_id)?;
        Ok(lease_of(self.connection(), order_id)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aps::client::Environment;

    fn holder(heartbeat_ms: i64, pid: u32, host: String) -> LeaseHolder {
        LeaseHolder {
            owner: "a".into(),
            operator: "alice".into(),
            pid,
            host,
            purpose: "capture 1.00 USD".into(),
            operation_id: Some(12),
            acquired_ms: 0,
            heartbeat_ms,
            pid_namespace: this_pid_namespace(),
        }
    }

    #[test]
    fn a_holder_is_alive_while_its_submission_or_process_is() {
        let policy = LeasePolicy::default();
        let me = std::process::id();
        // This process: alive while the submission runs, beating or not.
        let live = LiveSubmission::new("a");
        assert!(holder(1_000, me, this_host()).is_alive(2_000, &policy));
        assert!(holder(1_000, me, this_host()).is_alive(999_999, &policy));
        drop(live);
        assert!(!holder(1_000, me, this_host()).is_alive(2_000, &policy));
        // Another host's process cannot be checked: the heartbeat decides.
        assert!(holder(1_000, u32::MAX, "elsewhere".into()).is_alive(2_000, &policy));
        assert!(!holder(1_000, u32::MAX, "elsewhere".into()).is_alive(31_001, &policy));
        if cfg!(target_os = "linux") {
            // Another process here: it decides, whatever its heartbeat.
            assert!(!holder(1_000, u32::MAX, this_host()).is_alive(2_000, &policy));
            assert!(holder(1_000, 1, this_host()).is_alive(999_999, &policy));
        }
    }

    fn actor(profile: &str, account: &str, environment: Environment) -> crate::journal::Actor {
        crate::journal::Actor {
            operator: "o".into(),
            profile: profile.into(),
            account: account.into(),
            environment,
        }
    }

    fn claim(owner: &str) -> LeaseClaim {
        LeaseClaim {
            owner: owner.into(),
            operator: "o".into(),
            pid: std::process::id(),
            host: this_host(),
            purpose: "capture 1.000 KWD".into(),
            pid_namespace: this_pid_namespace(),
        }
    }

    /// Two profiles of one account on one journal are one order and one
    /// lease; another account's order of the same reference, or the same
    /// account's in another environment, is another order and lease.
    #[test]
    fn two_profiles_of_one_account_share_the_order_and_its_lease() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let mut journal = Journal::open(&dir.path().join("journal.sqlite3")).expect("opens");
        let first = journal
            .ensure_order(&actor("kw-1", "shop", Environment::Production), "ORDER-7")
            .expect("order");
        let again = journal
            .ensure_order(&actor("kw-2", "shop", Environment::Production), "ORDER-7")
            .expect("order");
        let other_account = journal
            .ensure_order(&actor("kw-3", "café", Environment::Production), "ORDER-7")
            .expect("order");
        let sandbox = journal
            .ensure_order(&actor("kw-1", "shop", Environment::Sandbox), "ORDER-7")
            .expect("order");
        assert_eq!(first, again, "one APS order, one row");
        assert_ne!(first, other_account);
        assert_ne!(first, sandbox);
        let rows: i64 = journal
            .connection()
            .query_row(
                "SELECT count(*) FROM orders WHERE merchant_reference = 'ORDER-7'",
                [],
                |row| row.get(0),
            )
            .expect("counts");
        assert_eq!(rows, 3);
        let policy = LeasePolicy::default();
        let live = LiveSubmission::new("desk-a");
        journal
            .acquire_lease(first, &claim("desk-a"), &policy)
            .expect("journal")
            .expect("free");
        let held = journal
            .acquire_lease(again, &claim("desk-b"), &policy)
            .expect("journal");
        assert_eq!(
            held.map_err(|holder| holder.owner),
            Err("desk-a".to_owned())
        );
        for free in [other_account, sandbox] {
            journal
                .acquire_lease(free, &claim("desk-c"), &policy)
                .expect("journal")
                .expect("another order is free");
            journal.release_lease(free, "desk-c").expect("released");
        }
        journal.release_lease(first, "desk-a").expect("released");
        drop(live);
        journal
            .acquire_lease(again, &claim("desk-b"), &policy)
            .expect("journal")
            .expect("free once released");
    }

    /// A lease row as a holder in another PID namespace (a Flatpak, a
    /// container sharing the journal) writes it: a pid that is not alive
    /// here, on this host. Only its heartbeat may end it; `/proc` is not
    /// asked. A lease with no namespace recorded is the same "cannot tell";
    /// one of this namespace whose process exited is taken over at once.
    #[test]
    fn a_holder_in_another_pid_namespace_is_ended_by_its_heartbeat_only() {
        if !cfg!(target_os = "linux") || this_pid_namespace().is_none() {
            // Nothing to tell apart: no namespaces (the heartbeat always decides).
            assert!(this_pid_namespace().is_none());
            return;
        }
        let dir = tempfile::tempdir().expect("temporary folder");
        let mut journal = Journal::open(&dir.path().join("journal.sqlite3")).expect("opens");
        let order = journal
            .ensure_order(&actor("kw", "shop", Environment::Production), "NS-1")
            .expect("order");
        // No such process here (pids are far below this).
        let dead_here = 4_000_000_u32;
        assert!(process_has_exited(dead_here));
        let policy = LeasePolicy::default();
        let time_to_live = i64::try_from(policy.time_to_live.as_millis()).expect("fits");
        let write = |journal: &Journal, namespace: Option<&str>, heartbeat_ms: i64| {
            journal
                .connection()
                .execute(
                    "INSERT OR REPLACE INTO order_leases (order_id, owner, operator, pid, host,
                        purpose, operation_id, acquired_ms, heartbeat_ms, pid_namespace)
                     VALUES (?1, 'flatpak-desk', 'huda', ?2, ?3, 'capture 5.000 KWD', 9, ?4, ?4, ?5)",
                    params![order, dead_here, this_host(), heartbeat_ms, namespace],
                )
                .expect("written");
        };
        let take = |journal: &mut Journal, owner: &str| {
            let taken = journal
                .acquire_lease(order, &claim(owner), &policy)
                .expect("journal")
                .is_ok();
            if taken {
                journal.release_lease(order, owner).expect("released");
            }
            taken
        };
        for namespace in [Some("pid:[4026532999]"), None] {
            write(&journal, namespace, now_ms());
            assert!(
                !take(&mut journal, "desk-here"),
                "{namespace:?}: a beating holder elsewhere is alive"
            );
            write(&journal, namespace, now_ms() - time_to_live - 1_000);
            assert!(
                take(&mut journal, "desk-here"),
                "{namespace:?}: no heartbeat for the time to live ends it"
            );
        }
        // Our own namespace: /proc can tell, and the process is gone.
        write(&journal, this_pid_namespace().as_deref(), now_ms());
        assert!(take(&mut journal, "desk-here"), "an exited process of ours");
    }

    #[test]
    fn a_description_names_the_operation_the_operator_and_the_time() {
        let text = holder(0, 1, "desk-2".into()).describe();
        assert_eq!(
            text,
            "operation 12 (capture 1.00 USD) by alice is in flight since 00:00 UTC"
        );
    }
}
