//! A journal on a new PC (issue 22): its backup restored on a computer whose
//! keyring lacks the chain key is read-only and says why; its key, moved in
//! a passphrase-sealed file, makes it writable again, and only its own key
//! does.

use apsdesk::aps::Command;
use apsdesk::aps::Secret;
use apsdesk::journal::key::{KeyLookup, KeySource};
use apsdesk::journal::key_transfer::{KdfCost, KeyImported, KeyTransferError};
use apsdesk::journal::store::NewEntry;
use apsdesk::journal::{Actor, Journal, JournalError};
use apsdesk::profiles::vault::Vault;
use tempfile::TempDir;

/// A keyring of its own: each computer of the story has one.
fn keyring() -> KeySource {
    KeySource::Keyring(Vault::with_store(
        keyring_core::mock::Store::new().expect("mock store"),
    ))
}

fn actor() -> Actor {
    Actor {
        operator: "huda".into(),
        profile: "kw".into(),
        account: "shop".into(),
        environment: apsdesk::aps::client::Environment::Simulator,
    }
}

/// Cheap for tests; the file records its cost, so import follows it.
const LIGHT: KdfCost = KdfCost {
    memory_kib: 256,
    iterations: 1,
    parallelism: 1,
};

fn passphrase() -> Secret {
    Secret::new("a long passphrase the desk typed")
}

/// One request entry on a new order: a write.
fn write(journal: &mut Journal, reference: &str) -> Result<i64, JournalError> {
    let order_id = journal.ensure_order(&actor(), reference)?;
    journal.record_request(
        &actor(),
        order_id,
        Command::CheckStatus,
        false,
        &NewEntry {
            payload: r#"{"request":{"merchant_identifier":"shop"}}"#,
            ..NewEntry::default()
        },
    )
}

/// The old PC's journal, keyed and written, copied to the new PC's folder.
fn journal_from_the_old_pc(new_pc: &TempDir) -> (std::path::PathBuf, KeySource, String) {
    let old_pc = TempDir::new().expect("temp dir");
    let old_keys = keyring();
    let path = old_pc.path().join("journal.sqlite3");
    let mut journal = Journal::open_with(&path, &old_keys).expect("opens");
    write(&mut journal, "OLD-1").expect("written");
    write(&mut journal, "OLD-2").expect("written");
    let journal_id = journal.identity().journal_id.clone();
    let copy = new_pc.path().join("journal.sqlite3");
    journal.backup(&copy).expect("backed up");
    (copy, old_keys, journal_id)
}

#[test]
fn on_a_new_pc_the_journal_says_why_it_is_read_only_and_its_imported_key_makes_it_writable() {
    let new_pc = TempDir::new().expect("temp dir");
    let (path, old_keys, journal_id) = journal_from_the_old_pc(&new_pc);
    let new_keys = keyring();

    // On the new PC: readable, verifiable up to the keyed part, not writable,
    // and the refusal says what happened and what to do.
    let mut journal = Journal::open_with(&path, &new_keys).expect("opens read-only");
    assert_eq!(
        journal.orders_by_reference("OLD-1").expect("reads").len(),
        1
    );
    let refused = write(&mut journal, "NEW-1").expect_err("no key, no write");
    let said = refused.to_string();
    assert!(
        matches!(refused, JournalError::ChainKeyNotOnThisComputer { .. }),
        "{refused:?}"
    );
    assert!(said.contains(&journal_id), "{said}");
    assert!(said.contains("apsdesk journal key import"), "{said}");
    assert!(!said.contains("Unlock the keyring"), "{said}");
    let report = journal.verify().expect("verifies");
    assert!(
        report
            .findings
            .iter()
            .any(|finding| finding.to_string().contains("could not be checked")),
        "{:?}",
        report.findings
    );
    // The new PC has no key to export.
    assert!(matches!(
        journal.export_key(&passphrase(), LIGHT),
        Err(KeyTransferError::NoKeyHere { .. })
    ));

    // On the old PC: the key exported under a passphrase. The file holds no
    // byte of the key.
    let on_old_pc = Journal::open_with(&path, &old_keys).expect("opens");
    let file = on_old_pc
        .export_key(&passphrase(), LIGHT)
        .expect("exported");
    let KeyLookup::Found(key) = old_keys.find(&journal_id) else {
        panic!("the old PC holds the key");
    };
    assert!(!file.contains(&hex::encode(key.bytes())));
    assert!(
        !file
            .as_bytes()
            .windows(6)
            .any(|window| window == &key.bytes()[..6])
    );
    drop(on_old_pc);

    // A wrong passphrase imports nothing.
    assert!(matches!(
        journal.import_key(
            &new_keys,
            &file,
            &Secret::new("a long passphrase the desk typo'd")
        ),
        Err(KeyTransferError::WrongPassphraseOrDamaged)
    ));
    assert!(matches!(new_keys.find(&journal_id), KeyLookup::Absent));

    // The right one stores it; the journal opened again takes writes, and
    // verifies whole.
    assert_eq!(
        journal
            .import_key(&new_keys, &file, &passphrase())
            .expect("imported"),
        KeyImported::Stored
    );
    assert_eq!(
        journal
            .import_key(&new_keys, &file, &passphrase())
            .expect("again"),
        KeyImported::AlreadyHere
    );
    drop(journal);
    let mut journal = Journal::open_with(&path, &new_keys).expect("opens");
    write(&mut journal, "NEW-1").expect("writable with its key");
    let report = journal.verify().expect("verifies");
    assert!(report.is_clean(), "{:?}", report.findings);
}

/// A key file of another journal, or a file whose key is not the one that
/// keyed this journal (same id, forged key), is refused and nothing is
/// stored.
#[test]
fn only_the_journals_own_key_is_imported() {
    let new_pc = TempDir::new().expect("temp dir");
    let (path, _old_keys, journal_id) = journal_from_the_old_pc(&new_pc);
    let new_keys = keyring();
    let journal = Journal::open_with(&path, &new_keys).expect("opens");

    let elsewhere = TempDir::new().expect("temp dir");
    let other_keys = keyring();
    let mut other =
        Journal::open_with(&elsewhere.path().join("other.sqlite3"), &other_keys).expect("opens");
    write(&mut other, "X-1").expect("written");
    let other_file = other.export_key(&passphrase(), LIGHT).expect("exported");
    assert!(matches!(
        journal.import_key(&new_keys, &other_file, &passphrase()),
        Err(KeyTransferError::OfAnotherJournal { .. })
    ));

    // A key sealed for this journal's id that is not its key.
    let forged = apsdesk::journal::key_transfer::seal(
        &apsdesk::journal::key::ChainKey::random(),
        &journal_id,
        &passphrase(),
        LIGHT,
    )
    .expect("sealed");
    assert!(matches!(
        journal.import_key(&new_keys, &forged, &passphrase()),
        Err(KeyTransferError::DoesNotFitJournal { .. })
    ));
    assert!(matches!(new_keys.find(&journal_id), KeyLookup::Absent));
}
