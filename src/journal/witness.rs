//! The rollback witness: the journal's head (how many entries, the last
//! hash) as this installation last committed it, kept **outside the
//! journal's folder** — in the OS keyring beside the chain key (entry
//! `journal/<journal id>/head`).
//!
//! The anchor (`anchor.rs`) lives beside the journal, so a copy of the
//! folder put back from a backup brings an anchor that agrees with it: the
//! journal looks whole, and the operations recorded since the copy (an open
//! capture among them) are forgotten. The witness is not in that folder. A
//! journal whose chain is older than its witness — fewer entries, or another
//! entry where the witness's last one was — is *rolled back*: it takes no
//! more entries ([`super::store::JournalError::WritesStopped`]) and `journal
//! verify` says so. `journal restore` (a deliberate return to a backup) and
//! `journal verify --accept` (the operator's recorded decision) reset it.
//!
//! When the journal is keyed, the witness carries an HMAC under the
//! journal's key (a domain of its own: never an anchor's or an entry's).
//!
//! What it cannot catch: a keyring restored together with the journal (both
//! old, they agree), a fresh installation or another computer whose keyring
//! has no witness for the journal (nothing to compare with), and anyone who
//! can write the keyring and holds the key. Without a keyring at all
//! ([`Witness::None`]) there is no witness.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::key::{ChainKey, KeySource};
use crate::aps::Secret;
use crate::profiles::vault::Vault;

/// The keyring entry of a journal's witness.
pub fn keyring_user(journal_id: &str) -> String {
    format!("{}/head", super::key::keyring_user(journal_id))
}

/// The journal's head as this installation last committed it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WitnessedHead {
    pub journal_id: String,
    /// How many entries the journal had (its last `seq`).
    pub entries: i64,
    /// The hash of that entry (the genesis hash when there were none).
    pub last_hash: String,
    /// HMAC-SHA256 under the journal's key; `None` when it had no key.
    pub mac: Option<String>,
}

impl WitnessedHead {
    /// The head of a chain, signed when there is a key.
    pub fn new(
        journal_id: &str,
        entries: i64,
        last_hash: &str,
        key: Option<&ChainKey>,
    ) -> WitnessedHead {
        let mut head = WitnessedHead {
            journal_id: journal_id.to_owned(),
            entries,
            last_hash: last_hash.to_owned(),
            mac: None,
        };
        head.mac = key.map(|key| head.compute_mac(key));
        head
    }

    fn compute_mac(&self, key: &ChainKey) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.bytes())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        // A domain prefix: a witness's MAC is never an anchor's or an entry's.
        let text = format!(
            "apsdesk-witness\n{}\n{}\n{}",
            self.journal_id, self.entries, self.last_hash
        );
        Mac::update(&mut mac, text.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Whether the MAC is the one `key` gives (false when unsigned).
    pub fn signed_by(&self, key: &ChainKey) -> bool {
        self.mac.as_deref().is_some_and(|mac| {
            use subtle::ConstantTimeEq;
            bool::from(mac.as_bytes().ct_eq(self.compute_mac(key).as_bytes()))
        })
    }

    fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    fn from_json(text: &str) -> Result<WitnessedHead, String> {
        serde_json::from_str(text).map_err(|error| format!("not an apsdesk witness: {error}"))
    }
}

/// Witnesses kept in memory, shared by every clone (tests, the demo).
#[derive(Debug, Clone, Default)]
pub struct MemoryWitness(Arc<Mutex<HashMap<String, WitnessedHead>>>);

impl MemoryWitness {
    fn heads(&self) -> std::sync::MutexGuard<'_, HashMap<String, WitnessedHead>> {
        // A panic elsewhere while holding it leaves plain data: still usable.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Where the witness of a journal is kept.
#[derive(Debug, Clone)]
pub enum Witness {
    /// Nowhere (no keyring in this session, benchmarks, read-only tools):
    /// a rollback goes unnoticed.
    None,
    /// The OS keyring (or keyring-core's mock store in tests), beside the
    /// chain key.
    Keyring(Vault),
    /// In this process's memory (tests, the demo).
    Memory(MemoryWitness),
}

impl Witness {
    /// The witness that goes with a key source: the keyring's when the key
    /// is in a keyring, none otherwise.
    pub fn of_keys(keys: &KeySource) -> Witness {
        match keys {
            KeySource::Keyring(vault) => Witness::Keyring(vault.clone()),
            KeySource::Unkeyed | KeySource::Unavailable(_) | KeySource::Fixed(_) => Witness::None,
        }
    }

    /// A witness in memory, empty.
    pub fn memory() -> Witness {
        Witness::Memory(MemoryWitness::default())
    }

    /// Whether this witness keeps anything at all.
    pub fn is_kept(&self) -> bool {
        match self {
            Witness::None => false,
            Witness::Keyring(_) | Witness::Memory(_) => true,
        }
    }

    /// The witnessed head of `journal_id`: `Ok(None)` when there is none.
    pub fn read(&self, journal_id: &str) -> Result<Option<WitnessedHead>, String> {
        match self {
            Witness::None => Ok(None),
            Witness::Memory(memory) => Ok(memory.heads().get(journal_id).cloned()),
            Witness::Keyring(vault) => match vault.get_item(&keyring_user(journal_id)) {
                Ok(Some(text)) => WitnessedHead::from_json(text.expose()).map(Some),
                Ok(None) => Ok(None),
                Err(error) => Err(error.to_string()),
            },
        }
    }

    /// Records a head after a commit. Never moves the witness back: when
    /// another process sharing the journal has recorded a later head
    /// meanwhile, that one stays.
    pub fn advance(&self, head: &WitnessedHead) -> Result<(), String> {
        if let Some(kept) = self.read(&head.journal_id)?
            && kept.entries > head.entries
        {
            return Ok(());
        }
        self.reset(head)
    }

    /// Records a head whatever was witnessed before: a restore, or the
    /// operator's decision to continue from the journal as it is.
    pub fn reset(&self, head: &WitnessedHead) -> Result<(), String> {
        match self {
            Witness::None => Ok(()),
            Witness::Memory(memory) => {
                memory.heads().insert(head.journal_id.clone(), head.clone());
                Ok(())
            }
            Witness::Keyring(vault) => vault
                .put_item(
                    &keyring_user(&head.journal_id),
                    &Secret::new(head.to_json()),
                )
                .map_err(|error| error.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_witness_survives_the_keyring_and_never_moves_back_by_itself() {
        let vault = Vault::with_store(keyring_core::mock::Store::new().expect("mock store"));
        let key = ChainKey::from_bytes([3; 32]);
        for witness in [Witness::Keyring(vault), Witness::memory()] {
            assert_eq!(witness.read("j").expect("reads"), None);
            let ten = WitnessedHead::new("j", 10, "aa", Some(&key));
            witness.advance(&ten).expect("kept");
            assert_eq!(witness.read("j").expect("reads"), Some(ten.clone()));
            // Another process's later head stays.
            witness
                .advance(&WitnessedHead::new("j", 9, "bb", Some(&key)))
                .expect("kept");
            assert_eq!(witness.read("j").expect("reads"), Some(ten.clone()));
            // A reset is a decision: it does move back.
            let nine = WitnessedHead::new("j", 9, "bb", Some(&key));
            witness.reset(&nine).expect("kept");
            assert_eq!(witness.read("j").expect("reads"), Some(nine));
            assert_eq!(witness.read("other").expect("reads"), None);
        }
        let signed = WitnessedHead::new("j", 10, "aa", Some(&key));
        assert!(signed.signed_by(&key));
        assert!(!signed.signed_by(&ChainKey::from_bytes([4; 32])));
        let mut moved = signed.clone();
        moved.entries = 9;
        assert!(!moved.signed_by(&key));
        assert_eq!(keyring_user("abc"), "journal/abc/head");
    }
}
