//! A journal that cannot be rolled back unnoticed, and one write for one
//! answer (issue 22, items 4, 5 and 8), judged by the simulator's own totals:
//!
//! - the journal and its anchor copied back from an earlier copy (an open
//!   capture recorded since): writes refused, `verify` says rolled back, and
//!   the capture is not sent again;
//! - entries cut from the end, then an unrelated status check: refused, the
//!   anchor not rewritten over the cut, `verify` still says truncated, until
//!   the operator accepts it (a recorded entry);
//! - `journal restore` of an older backup, or another journal's: refused
//!   with what would leave, unless forced; a forced restore resets the witness;
//! - the result entry and the order row it changes written together: a
//!   failing write of the row leaves neither.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use apsdesk::aps::request::{Capture, CheckStatus, MaintenanceForm};
use apsdesk::aps::{Command, Language, OutcomeClass};
use apsdesk::journal::anchor::Anchor;
use apsdesk::journal::desk::{Resolution, RunError};
use apsdesk::journal::key::KeySource;
use apsdesk::journal::restore::{LeaveReason, RestoreOptions};
use apsdesk::journal::verify::Finding;
use apsdesk::journal::vocabulary::{EntryKind, OpenState};
use apsdesk::journal::{Actor, Desk, Journal, JournalError};
use apsdesk::profiles::vault::Vault;
use apsdesk::sim::{FaultKind, FaultRule, RunningSimulator};
use common::{authorize_in_sim, client, sim_totals, start_sim};
use tempfile::TempDir;

fn actor() -> Actor {
    Actor {
        operator: "amal".into(),
        profile: "demo".into(),
        account: apsdesk::sim::config::DEMO_MERCHANT_IDENTIFIER.into(),
        environment: apsdesk::aps::client::Environment::Simulator,
    }
}

/// A keyring of the test's own (keyring-core's mock store): the chain key
/// and the witness live there, outside the journal's folder.
fn keyring() -> KeySource {
    KeySource::Keyring(Vault::with_store(
        keyring_core::mock::Store::new().expect("mock store"),
    ))
}

fn desk_at(sim: &RunningSimulator, path: &Path, keys: &KeySource) -> Desk {
    let journal = Journal::open_with(path, keys).expect("journal opens");
    Desk::new(
        Arc::new(Mutex::new(journal)),
        client(sim),
        actor(),
        Language::En,
    )
}

fn capture(reference: &str, amount: &str) -> Capture {
    Capture::parse(&MaintenanceForm {
        merchant_reference: reference.into(),
        amount: amount.into(),
        currency: "KWD".into(),
        ..MaintenanceForm::default()
    })
    .expect("valid capture")
}

fn status(reference: &str) -> CheckStatus {
    CheckStatus::for_reference(reference).expect("valid")
}

/// The journal's files as someone copying its folder would take them.
fn files_of(path: &Path) -> Vec<PathBuf> {
    let mut files = vec![path.to_owned(), Anchor::path_for(path)];
    files.extend(Journal::sidecars(path));
    files
}

/// Copies the journal's folder (closed) to `to`, file by file.
fn copy_folder(path: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("folder");
    for file in files_of(path) {
        if file.exists() {
            std::fs::copy(&file, to.join(file.file_name().expect("name"))).expect("copied");
        }
    }
}

/// Puts a copied folder back over the journal (its files only).
fn put_back(copy: &Path, path: &Path) {
    for file in files_of(path) {
        let saved = copy.join(file.file_name().expect("name"));
        if saved.exists() {
            std::fs::copy(&saved, &file).expect("put back");
        } else if file.exists() {
            std::fs::remove_file(&file).expect("removed");
        }
    }
}

fn writes_stopped(error: &RunError) -> Option<&[Finding]> {
    match error {
        RunError::JournalBeforeSending(JournalError::WritesStopped(findings))
        | RunError::Journal(JournalError::WritesStopped(findings)) => Some(findings),
        _ => None,
    }
}

#[tokio::test]
async fn a_journal_copied_back_with_its_anchor_is_refused_and_the_capture_is_not_sent_again() {
    let sim = start_sim().await;
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("journal.sqlite3");
    let keys = keyring();
    authorize_in_sim(&sim, "RB-1", "10000", "KWD");

    // The copy: the order known, nothing captured yet.
    let desk = desk_at(&sim, &path, &keys);
    desk.run(&status("RB-1")).await.expect("sent");
    drop(desk);
    let copy = dir.path().join("copy");
    copy_folder(&path, &copy);

    // Since the copy: a capture applied at APS whose answer was lost. It is
    // open, and blocks the order until it is reconciled.
    let desk = desk_at(&sim, &path, &keys);
    sim.inject(FaultRule::once(Command::Capture, FaultKind::DropAfterApply));
    let report = desk.run(&capture("RB-1", "4.000")).await.expect("sent");
    assert_eq!(report.outcome.class, OutcomeClass::Uncertain);
    assert_eq!(sim_totals(&sim, "RB-1").1, 4000, "applied at APS");
    drop(desk);

    // The older folder, journal and anchor together, put back: its anchor
    // agrees with it, so only the witness in the keyring can tell.
    put_back(&copy, &path);
    let desk = desk_at(&sim, &path, &keys);
    let report = desk.journal.lock().expect("lock").verify().expect("verify");
    assert!(
        report.findings.iter().any(Finding::is_rollback),
        "{:?}",
        report.findings
    );
    assert!(
        report
            .findings
            .iter()
            .any(|finding| finding.to_string().contains("entries are missing")),
        "{:?}",
        report.findings
    );
    assert!(
        desk.journal
            .lock()
            .expect("lock")
            .open_operations()
            .expect("read")
            .is_empty(),
        "the copy forgot the open capture"
    );

    // The operator repeats the capture the copy does not know of: refused
    // before anything is recorded or sent.
    let repeated = desk.run(&capture("RB-1", "4.000")).await;
    let refused = repeated.as_ref().err().and_then(writes_stopped);
    assert!(
        refused.is_some_and(|findings| findings.iter().any(Finding::is_rollback)),
        "{repeated:?}"
    );
    assert!(
        repeated
            .as_ref()
            .err()
            .is_some_and(|error| error.to_string().contains("missing")),
        "says how many entries are missing: {repeated:?}"
    );
    assert_eq!(sim.received(Command::Capture), 1, "never sent again");
    assert_eq!(sim_totals(&sim, "RB-1").1, 4000, "captured once at APS");
    // A status check (an ordinary write) is refused too.
    let checked = desk.run(&status("RB-1")).await;
    assert!(
        checked.as_ref().err().and_then(writes_stopped).is_some(),
        "{checked:?}"
    );
    // Nothing was recorded, so there is no drift an operator could
    // acknowledge to let the capture go again (without the witness, the
    // baseline records a drift, its acknowledgement unblocks the order, and
    // the capture is sent twice).
    assert!(matches!(
        desk.acknowledge_drift("RB-1", Some("seen")),
        Ok(None) | Err(JournalError::WritesStopped(_))
    ));
    assert!(
        desk.run(&capture("RB-1", "4.000"))
            .await
            .as_ref()
            .err()
            .and_then(writes_stopped)
            .is_some()
    );
    assert_eq!(sim_totals(&sim, "RB-1").1, 4000, "captured once at APS");
    // And still so for another process opening it later.
    drop(desk);
    let desk = desk_at(&sim, &path, &keys);
    assert!(
        desk.run(&capture("RB-1", "4.000"))
            .await
            .as_ref()
            .err()
            .and_then(writes_stopped)
            .is_some()
    );
    assert_eq!(sim_totals(&sim, "RB-1").1, 4000);
}

#[tokio::test]
async fn cut_entries_stop_writes_and_an_unrelated_status_check_does_not_re_anchor_them() {
    for keyed in [true, false] {
        let sim = start_sim().await;
        let dir = TempDir::new().expect("temp dir");
        let path = dir.path().join("journal.sqlite3");
        // Unkeyed and without a keyring (a session without one): the anchor
        // alone must hold.
        let keys = if keyed { keyring() } else { KeySource::Unkeyed };
        authorize_in_sim(&sim, "CUT-1", "10000", "KWD");
        authorize_in_sim(&sim, "CUT-2", "10000", "KWD");
        let desk = desk_at(&sim, &path, &keys);
        desk.run(&capture("CUT-1", "4.000")).await.expect("sent");
        drop(desk);
        let connection = rusqlite::Connection::open(&path).expect("opens");
        let last: i64 = connection
            .query_row("SELECT max(seq) FROM entries", [], |row| row.get(0))
            .expect("count");
        // The capture's request and result removed, as someone with sqlite3 would.
        connection
            .execute_batch(&format!(
                "DROP TRIGGER entries_no_delete; DELETE FROM entries WHERE seq > {};",
                last - 2
            ))
            .expect("cut");
        drop(connection);
        let anchor_before = std::fs::read(Anchor::path_for(&path)).expect("anchor");

        let desk = desk_at(&sim, &path, &keys);
        let checks_before = sim.received(Command::CheckStatus);
        let unrelated = desk.run(&status("CUT-2")).await;
        let refused = unrelated.as_ref().err().and_then(writes_stopped);
        assert!(
            refused.is_some_and(|findings| findings
                .iter()
                .any(|finding| matches!(finding, Finding::Truncated { .. }))),
            "keyed {keyed}: {unrelated:?}"
        );
        assert_eq!(
            sim.received(Command::CheckStatus),
            checks_before,
            "nothing sent"
        );
        assert_eq!(
            std::fs::read(Anchor::path_for(&path)).expect("anchor"),
            anchor_before,
            "keyed {keyed}: the anchor is not rewritten over the cut"
        );
        let report = desk.journal.lock().expect("lock").verify().expect("verify");
        assert!(
            report.findings.contains(&Finding::Truncated {
                anchored: last,
                present: last - 2
            }),
            "keyed {keyed}: {:?}",
            report.findings
        );

        // The operator has seen it and accepts the journal as it is: the
        // decision is an entry, and writes go on.
        let acceptance = desk
            .journal
            .lock()
            .expect("lock")
            .accept_as_is("amal")
            .expect("accepted")
            .expect("there was something to accept");
        assert_eq!(acceptance.seq, last - 1);
        let report = desk.journal.lock().expect("lock").verify().expect("verify");
        // The head agrees again; what the cut did to the order is still
        // reported (its row shows the capture its entries no longer hold).
        assert!(
            !report.findings.iter().any(Finding::is_about_head),
            "keyed {keyed}: {:?}",
            report.findings
        );
        assert!(
            report.findings.iter().any(|finding| matches!(
                finding,
                Finding::OrderDiffers {
                    field: "captured_minor",
                    ..
                }
            )),
            "keyed {keyed}: {:?}",
            report.findings
        );
        assert_eq!(report.acceptances.len(), 1);
        assert_eq!(report.acceptances[0].entry, EntryKind::Accepted);
        assert!(
            report.acceptances[0].payload.contains("truncated"),
            "{}",
            report.acceptances[0].payload
        );
        desk.run(&status("CUT-2")).await.expect("writes go on");
        assert_eq!(
            desk.journal
                .lock()
                .expect("lock")
                .accept_as_is("amal")
                .expect("nothing to accept"),
            None
        );
    }
}

#[tokio::test]
async fn a_missing_anchor_stops_writes_until_accepted() {
    let sim = start_sim().await;
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("journal.sqlite3");
    let keys = keyring();
    authorize_in_sim(&sim, "AN-1", "10000", "KWD");
    let desk = desk_at(&sim, &path, &keys);
    desk.run(&status("AN-1")).await.expect("sent");
    std::fs::remove_file(Anchor::path_for(&path)).expect("anchor removed");
    let refused = desk.run(&status("AN-1")).await;
    assert!(
        refused
            .as_ref()
            .err()
            .and_then(writes_stopped)
            .is_some_and(|findings| matches!(findings, [Finding::AnchorMissing { .. }])),
        "{refused:?}"
    );
    assert!(!Anchor::path_for(&path).exists(), "not re-anchored");
    let accepted = desk
        .journal
        .lock()
        .expect("lock")
        .accept_as_is("amal")
        .expect("accepted");
    assert!(accepted.is_some());
    desk.run(&status("AN-1")).await.expect("writes go on");
    let report = desk.journal.lock().expect("lock").verify().expect("verify");
    assert!(report.is_clean(), "{:?}", report.findings);
}

/// The journal's open operations, entries and orders.
fn counts(path: &Path, keys: &KeySource) -> (usize, i64, u64) {
    let journal = Journal::open_with(path, keys).expect("opens");
    let entries = journal
        .connection()
        .query_row("SELECT count(*) FROM entries", [], |row| row.get(0))
        .expect("count");
    let orders = journal
        .count_orders(&apsdesk::journal::OrderFilter::default())
        .expect("count");
    (
        journal.open_operations().expect("read").len(),
        entries,
        orders,
    )
}

#[tokio::test]
async fn restoring_an_older_backup_or_another_journals_says_what_leaves_and_needs_force() {
    let sim = start_sim().await;
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("journal.sqlite3");
    let keys = keyring();
    authorize_in_sim(&sim, "RS-1", "10000", "KWD");
    authorize_in_sim(&sim, "RS-2", "10000", "KWD");
    let desk = desk_at(&sim, &path, &keys);
    desk.run(&status("RS-1")).await.expect("sent");
    let backup = dir.path().join("backup.sqlite3");
    desk.journal
        .lock()
        .expect("lock")
        .backup(&backup)
        .expect("backed up");
    let (_, backup_entries, _) = counts(&backup, &keys);
    // Since the backup: an open capture on RS-1, and a new order RS-2.
    sim.inject(FaultRule::once(Command::Capture, FaultKind::DropAfterApply));
    desk.run(&capture("RS-1", "2.000")).await.expect("sent");
    desk.run(&status("RS-2")).await.expect("sent");
    drop(desk);
    let (open, live_entries, orders) = counts(&path, &keys);
    assert_eq!((open, orders), (1, 2));

    let unforced = RestoreOptions {
        keys: &keys,
        force: false,
    };
    let refused = Journal::restore(&backup, &path, &unforced);
    let Err(JournalError::RestoreWouldDrop(leaves)) = &refused else {
        panic!("refused with what leaves: {refused:?}");
    };
    assert_eq!(
        leaves.reason,
        LeaveReason::Older {
            backup_entries,
            live_entries
        }
    );
    assert_eq!(leaves.entries, live_entries - backup_entries);
    assert_eq!(leaves.orders, 1, "RS-2 is not in the backup");
    assert_eq!(leaves.open_operations.len(), 1);
    assert_eq!(leaves.open_operations[0].merchant_reference, "RS-1");
    assert_eq!(leaves.open_operations[0].state, OpenState::Uncertain);
    let said = refused.as_ref().expect_err("refused").to_string();
    assert!(
        said.contains(&format!("{} entries", live_entries - backup_entries))
            && said.contains("1 order(s)")
            && said.contains("--force"),
        "{said}"
    );
    assert_eq!(
        counts(&path, &keys),
        (open, live_entries, orders),
        "nothing changed"
    );

    // Another journal's backup: everything in the live journal would leave.
    let other = dir.path().join("other.sqlite3");
    let other_backup = dir.path().join("other-backup.sqlite3");
    Journal::open_with(&other, &keys)
        .expect("opens")
        .backup(&other_backup)
        .expect("backed up");
    let refused = Journal::restore(&other_backup, &path, &unforced);
    assert!(
        matches!(&refused, Err(JournalError::RestoreWouldDrop(leaves))
            if matches!(leaves.reason, LeaveReason::OtherJournal { .. })
                && leaves.entries == live_entries && leaves.orders == 2),
        "{refused:?}"
    );

    // Forced: restored, what left is reported, and the witness follows the
    // restore (the restored journal takes writes, it is not "rolled back").
    let forced = RestoreOptions {
        keys: &keys,
        force: true,
    };
    let report = Journal::restore(&backup, &path, &forced).expect("restored");
    assert_eq!(
        report.dropped.as_ref().map(|leaves| leaves.entries),
        Some(live_entries - backup_entries)
    );
    let desk = desk_at(&sim, &path, &keys);
    let verified = desk.journal.lock().expect("lock").verify().expect("verify");
    assert!(verified.is_clean(), "{:?}", verified.findings);
    desk.run(&status("RS-1")).await.expect("writes go on");

    // A newer backup of the same journal takes nothing away: no force needed.
    let newer = dir.path().join("newer.sqlite3");
    desk.journal
        .lock()
        .expect("lock")
        .backup(&newer)
        .expect("backed up");
    drop(desk);
    Journal::restore(&newer, &path, &unforced).expect("restored unforced");
}

#[tokio::test]
async fn a_failed_write_of_the_order_row_leaves_no_result_entry_either() {
    let sim = start_sim().await;
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("journal.sqlite3");
    let keys = keyring();
    authorize_in_sim(&sim, "TX-1", "10000", "KWD");
    let desk = desk_at(&sim, &path, &keys);
    desk.run(&status("TX-1")).await.expect("sent");
    // The second statement fails (a full disk, a kill): here a trigger that
    // refuses the capture's change to the row.
    let connection = rusqlite::Connection::open(&path).expect("opens");
    connection
        .execute_batch(
            "CREATE TRIGGER fault BEFORE UPDATE OF captured_minor ON orders
             WHEN new.captured_minor <> old.captured_minor
             BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
        )
        .expect("fault armed");
    let failed = desk.run(&capture("TX-1", "4.000")).await;
    assert!(failed.is_err(), "{failed:?}");
    assert_eq!(sim_totals(&sim, "TX-1").1, 4000, "APS applied it");

    {
        let journal = desk.journal.lock().expect("lock");
        let open = journal.open_operations().expect("read");
        assert_eq!(open.len(), 1, "the capture stays open");
        assert_eq!(open[0].state, OpenState::Pending);
        let entries = journal
            .operation_entries(open[0].operation_id)
            .expect("entries");
        assert_eq!(
            entries.iter().map(|entry| entry.entry).collect::<Vec<_>>(),
            [EntryKind::Request],
            "no result without its row"
        );
        let order = journal
            .order_by_reference(&actor(), "TX-1")
            .expect("read")
            .expect("order");
        assert_eq!(order.captured_minor, 0);
        let report = journal.verify().expect("verify");
        assert!(report.is_clean(), "{:?}", report.findings);
    }

    // Once the fault is gone, reconciliation settles it from APS's totals.
    connection
        .execute_batch("DROP TRIGGER fault")
        .expect("fault cleared");
    let resolutions = desk.reconcile_all().await.expect("reconciled");
    assert_eq!(resolutions.len(), 1);
    assert_eq!(resolutions[0].1, Resolution::Applied);
    assert_eq!(sim.received(Command::Capture), 1);
    let report = desk.journal.lock().expect("lock").verify().expect("verify");
    assert!(report.is_clean(), "{:?}", report.findings);
}
