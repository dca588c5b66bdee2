//! The key of a journal's chain: one random 256-bit key per journal, kept in
//! the OS keyring (service `apsdesk`, entry `journal/<journal id>`), never in
//! the journal's files.
//!
//! Where the key comes from is chosen by whoever opens the journal
//! ([`KeySource`]): the command line and the app pass the OS keyring; tests
//! pass keyring-core's mock store or a fixed key; benchmarks and tools that
//! only read pass [`KeySource::Unkeyed`]. A journal opened without a key can
//! still be read and its unkeyed part verified, but it cannot be appended to
//! once it is keyed: an entry hashed without the key would break its chain.

use crate::aps::Secret;
use crate::profiles::vault::Vault;

/// A journal's chain key.
#[derive(Clone, PartialEq, Eq)]
pub struct ChainKey([u8; 32]);

impl std::fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChainKey(********)")
    }
}

impl ChainKey {
    /// A new random key.
    pub fn random() -> ChainKey {
        ChainKey(rand::random())
    }

    /// A key from its bytes (tests and the demo).
    pub fn from_bytes(bytes: [u8; 32]) -> ChainKey {
        ChainKey(bytes)
    }

    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    fn from_hex(text: &str) -> Option<ChainKey> {
        let bytes = hex::decode(text.trim()).ok()?;
        Some(ChainKey(bytes.try_into().ok()?))
    }

    fn to_secret(&self) -> Secret {
        Secret::new(hex::encode(self.0))
    }
}

/// The keyring entry of a journal's key.
pub fn keyring_user(journal_id: &str) -> String {
    format!("journal/{journal_id}")
}

/// Where a journal's chain key comes from.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// No key: the chain stays SHA-256 (benchmarks, read-only tools).
    Unkeyed,
    /// The OS keyring could not be opened (why): as [`KeySource::Unkeyed`],
    /// with the reason to tell the operator.
    Unavailable(String),
    /// A keyring: the OS's, or keyring-core's mock store in tests.
    Keyring(Vault),
    /// One key for every journal opened with it (tests, the demo).
    Fixed(ChainKey),
}

/// What looking up a journal's key found.
#[derive(Debug, Clone)]
pub enum KeyLookup {
    Found(ChainKey),
    /// The source has no key for this journal.
    Absent,
    /// The source could not be asked (a locked or missing keyring): why.
    Unavailable(String),
}

impl KeySource {
    /// The OS keyring, or [`KeySource::Unavailable`] with the reason when
    /// this session has none.
    pub fn native() -> KeySource {
        match Vault::native() {
            Ok(vault) => KeySource::Keyring(vault),
            Err(error) => KeySource::Unavailable(error.to_string()),
        }
    }

    /// Whether the source remembers which journals it made keys for (a
    /// keyring does; a fixed key is everyone's). A remembered key for a
    /// journal that records no keyed entries means its keying was removed.
    pub fn remembers_keys(&self) -> bool {
        match self {
            KeySource::Keyring(_) => true,
            KeySource::Unkeyed | KeySource::Unavailable(_) | KeySource::Fixed(_) => false,
        }
    }

    /// The key of the journal `journal_id`.
    pub fn find(&self, journal_id: &str) -> KeyLookup {
        match self {
            KeySource::Unkeyed => KeyLookup::Unavailable("no key source was given".to_owned()),
            KeySource::Unavailable(why) => KeyLookup::Unavailable(why.clone()),
            KeySource::Fixed(key) => KeyLookup::Found(key.clone()),
            KeySource::Keyring(vault) => match vault.get_item(&keyring_user(journal_id)) {
                Ok(Some(secret)) => ChainKey::from_hex(secret.expose()).map_or_else(
                    || {
                        KeyLookup::Unavailable(format!(
                            "the keyring entry {} is not a journal key",
                            keyring_user(journal_id)
                        ))
                    },
                    KeyLookup::Found,
                ),
                Ok(None) => KeyLookup::Absent,
                Err(error) => KeyLookup::Unavailable(error.to_string()),
            },
        }
    }

    /// Stores `key` as journal `journal_id`'s (an imported key,
    /// `key_transfer.rs`; the caller checked that the source has none).
    pub fn store(&self, journal_id: &str, key: &ChainKey) -> Result<(), String> {
        match self {
            KeySource::Unkeyed => Err("no key source was given".to_owned()),
            KeySource::Unavailable(why) => Err(why.clone()),
            KeySource::Fixed(_) => Err("a fixed key cannot be replaced".to_owned()),
            KeySource::Keyring(vault) => vault
                .put_item(&keyring_user(journal_id), &key.to_secret())
                .map_err(|error| error.to_string()),
        }
    }

    /// Creates and stores a key for a journal that has none yet.
    pub fn create(&self, journal_id: &str) -> Result<ChainKey, String> {
        match self {
            KeySource::Unkeyed => Err("no key source was given".to_owned()),
            KeySource::Unavailable(why) => Err(why.clone()),
            KeySource::Fixed(key) => Ok(key.clone()),
            KeySource::Keyring(vault) => {
                let key = ChainKey::random();
                vault
                    .put_item(&keyring_user(journal_id), &key.to_secret())
                    .map_err(|error| error.to_string())?;
                Ok(key)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_survives_the_keyring_and_is_never_printed() {
        let vault = Vault::with_store(keyring_core::mock::Store::new().expect("mock store"));
        let source = KeySource::Keyring(vault);
        assert!(matches!(source.find("j1"), KeyLookup::Absent));
        let key = source.create("j1").expect("stored");
        assert!(matches!(source.find("j1"), KeyLookup::Found(found) if found == key));
        assert!(matches!(source.find("j2"), KeyLookup::Absent));
        assert_eq!(format!("{key:?}"), "ChainKey(********)");
    }
}
