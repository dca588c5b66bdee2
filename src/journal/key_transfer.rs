//! Moving a journal's chain key to another computer (`apsdesk journal key
//! export` / `import`): a desk's PC dies, its backup is restored on another
//! one, whose keyring does not hold the key; without it the journal is
//! read-only there (`key.rs`).
//!
//! The key leaves the keyring only sealed under a passphrase the operator
//! types: Argon2id (memory-hard, so that guessing a passphrase costs memory
//! as well as time) derives a 256-bit key from it and a random salt, and
//! XChaCha20-Poly1305 seals the chain key with it, the file's header (format,
//! version, journal id, the KDF's parameters) as associated data — a file
//! edited to name another journal, or a weaker cost, no longer opens. The
//! file holds no byte of the key in clear, and a wrong passphrase and a
//! damaged file are the same refusal (the cipher cannot tell them apart).
//!
//! An imported key is checked against the journal it is for before it is
//! stored: the journal's first keyed entry must verify under it. What this
//! cannot protect: a passphrase weak enough to guess, or one typed where
//! someone watches; the file is as safe as its passphrase.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use super::chain;
use super::key::{ChainKey, KeyLookup, KeySource};
use super::store::{ENTRY_COLUMNS, EntryRecord, Journal};
use crate::aps::Secret;

/// What a key file says it is.
pub const FORMAT: &str = "apsdesk journal key";

/// The key file's layout version this build writes and reads.
pub const VERSION: u32 = 1;

/// The shortest passphrase accepted for an export, in characters.
pub const MIN_PASSPHRASE_CHARS: usize = 12;

/// Bounds on what a key file may ask of the KDF when it is opened, so that a
/// file cannot make apsdesk allocate gigabytes or loop for minutes.
const MAX_MEMORY_KIB: u32 = 1 << 20;
const MAX_ITERATIONS: u32 = 64;
const MAX_PARALLELISM: u32 = 16;

/// How much the KDF costs: memory in KiB, passes, lanes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfCost {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl KdfCost {
    /// RFC 9106's second recommended setting for Argon2id (64 MiB, three
    /// passes), with one lane: about a second on a desk's PC.
    pub const RECOMMENDED: KdfCost = KdfCost {
        memory_kib: 64 * 1024,
        iterations: 3,
        parallelism: 1,
    };
}

/// The only KDF and cipher a key file uses (named in it, so that a later
/// version can add others and still read these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum KdfAlgorithm {
    Argon2id,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Cipher {
    Xchacha20poly1305,
}

/// A key file as written (JSON, one document).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct KeyFile {
    format: String,
    version: u32,
    journal_id: String,
    kdf: KdfAlgorithm,
    cost: KdfCost,
    /// Hexadecimal, 16 random bytes.
    salt: String,
    cipher: Cipher,
    /// Hexadecimal, 24 random bytes.
    nonce: String,
    /// Hexadecimal: the sealed key and its tag.
    sealed: String,
}

impl KeyFile {
    /// The associated data: everything in the file but the salt, nonce and
    /// ciphertext (which the KDF and the cipher bind by themselves).
    fn header(&self) -> Vec<u8> {
        format!(
            "{FORMAT}\n{}\n{}\n{:?}\n{}/{}/{}\n{:?}",
            self.version,
            self.journal_id,
            self.kdf,
            self.cost.memory_kib,
            self.cost.iterations,
            self.cost.parallelism,
            self.cipher
        )
        .into_bytes()
    }
}

/// Why a key could not be exported or imported.
#[derive(Debug, thiserror::Error)]
pub enum KeyTransferError {
    #[error(
        "the key of journal {journal_id} is not in this computer's keyring, so there is nothing to export ({why})"
    )]
    NoKeyHere { journal_id: String, why: String },
    #[error("the journal is not keyed yet: there is no key to move")]
    NotKeyed,
    #[error("the passphrase must have at least {MIN_PASSPHRASE_CHARS} characters")]
    PassphraseTooShort,
    #[error("the two passphrases differ: nothing was written")]
    PassphrasesDiffer,
    #[error("this is not an apsdesk journal key file")]
    NotAKeyFile,
    #[error(
        "this key file has layout version {0}, which this apsdesk does not know: upgrade apsdesk"
    )]
    UnknownVersion(u32),
    #[error(
        "the key file asks the passphrase function for more than it may (memory, passes or lanes)"
    )]
    CostOutOfBounds,
    #[error("wrong passphrase, or the key file was changed: nothing was imported")]
    WrongPassphraseOrDamaged,
    #[error(
        "this key file is journal {file_journal}'s; this journal is {journal_id}: nothing was imported"
    )]
    OfAnotherJournal {
        file_journal: String,
        journal_id: String,
    },
    #[error(
        "the key in this file does not verify journal {journal_id}'s first keyed entry ({seq}): it is not this journal's key, or that entry was changed; nothing was imported"
    )]
    DoesNotFitJournal { journal_id: String, seq: i64 },
    #[error(
        "this computer's keyring already holds another key for journal {journal_id}: nothing was imported (the journal already has its key here)"
    )]
    KeyringHoldsAnother { journal_id: String },
    #[error("the keyring: {0}")]
    Keyring(String),
    #[error(transparent)]
    Journal(#[from] super::store::JournalError),
    #[error("journal: {0}")]
    Sql(#[from] rusqlite::Error),
}

/// The passphrase's key: Argon2id over the passphrase and salt.
fn derive(passphrase: &Secret, salt: &[u8], cost: KdfCost) -> Result<[u8; 32], KeyTransferError> {
    if cost.memory_kib > MAX_MEMORY_KIB
        || cost.iterations > MAX_ITERATIONS
        || cost.parallelism > MAX_PARALLELISM
    {
        return Err(KeyTransferError::CostOutOfBounds);
    }
    let params = Params::new(cost.memory_kib, cost.iterations, cost.parallelism, Some(32))
        .map_err(|_| KeyTransferError::CostOutOfBounds)?;
    let mut derived = [0_u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.expose().as_bytes(), salt, &mut derived)
        .map_err(|_| KeyTransferError::CostOutOfBounds)?;
    Ok(derived)
}

/// Seals `key`, the chain key of journal `journal_id`, under `passphrase`:
/// the text of a key file.
pub fn seal(
    key: &ChainKey,
    journal_id: &str,
    passphrase: &Secret,
    cost: KdfCost,
) -> Result<String, KeyTransferError> {
    if passphrase.expose().chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(KeyTransferError::PassphraseTooShort);
    }
    let salt: [u8; 16] = rand::random();
    let nonce: [u8; 24] = rand::random();
    let mut file = KeyFile {
        format: FORMAT.to_owned(),
        version: VERSION,
        journal_id: journal_id.to_owned(),
        kdf: KdfAlgorithm::Argon2id,
        cost,
        salt: hex::encode(salt),
        cipher: Cipher::Xchacha20poly1305,
        nonce: hex::encode(nonce),
        sealed: String::new(),
    };
    let derived = derive(passphrase, &salt, cost)?;
    let cipher = XChaCha20Poly1305::new(Key::from_slice(&derived));
    let header = file.header();
    let sealed = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: key.bytes(),
                aad: &header,
            },
        )
        .map_err(|_| KeyTransferError::WrongPassphraseOrDamaged)?;
    file.sealed = hex::encode(sealed);
    serde_json::to_string_pretty(&file).map_err(|_| KeyTransferError::NotAKeyFile)
}

/// Opens a key file with `passphrase`: the journal id it is for and its key.
pub fn unseal(text: &str, passphrase: &Secret) -> Result<(String, ChainKey), KeyTransferError> {
    let file: KeyFile = serde_json::from_str(text).map_err(|_| KeyTransferError::NotAKeyFile)?;
    if file.format != FORMAT {
        return Err(KeyTransferError::NotAKeyFile);
    }
    if file.version != VERSION {
        return Err(KeyTransferError::UnknownVersion(file.version));
    }
    let bytes = |text: &str| hex::decode(text).map_err(|_| KeyTransferError::NotAKeyFile);
    let salt = bytes(&file.salt)?;
    let nonce = bytes(&file.nonce)?;
    let sealed = bytes(&file.sealed)?;
    if nonce.len() != 24 {
        return Err(KeyTransferError::NotAKeyFile);
    }
    let derived = derive(passphrase, &salt, file.cost)?;
    let cipher = XChaCha20Poly1305::new(Key::from_slice(&derived));
    let header = file.header();
    let opened = cipher
        .decrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &sealed,
                aad: &header,
            },
        )
        .map_err(|_| KeyTransferError::WrongPassphraseOrDamaged)?;
    let key: [u8; 32] = opened
        .try_into()
        .map_err(|_| KeyTransferError::WrongPassphraseOrDamaged)?;
    Ok((file.journal_id, ChainKey::from_bytes(key)))
}

/// What importing a key did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyImported {
    /// Stored in the keyring; the journal takes writes once opened again.
    Stored,
    /// The keyring already held this very key.
    AlreadyHere,
}

impl Journal {
    /// This journal's chain key sealed under `passphrase` (the text of a key
    /// file; the caller writes it, privately, where the operator said).
    pub fn export_key(
        &self,
        passphrase: &Secret,
        cost: KdfCost,
    ) -> Result<String, KeyTransferError> {
        let identity = self.identity();
        if identity.keyed_from_seq.is_none() {
            return Err(KeyTransferError::NotKeyed);
        }
        let Some(key) = self.hasher().key.as_ref() else {
            return Err(KeyTransferError::NoKeyHere {
                journal_id: identity.journal_id.clone(),
                why: self
                    .key_problem()
                    .unwrap_or("the keyring has no key for this journal")
                    .to_owned(),
            });
        };
        seal(key, &identity.journal_id, passphrase, cost)
    }

    /// Opens the key file `text` with `passphrase` and stores its key in
    /// `keys` for this journal — only if the file is this journal's and the
    /// key verifies its first keyed entry. Open the journal again to write.
    pub fn import_key(
        &self,
        keys: &KeySource,
        text: &str,
        passphrase: &Secret,
    ) -> Result<KeyImported, KeyTransferError> {
        let identity = self.identity();
        if identity.keyed_from_seq.is_none() {
            return Err(KeyTransferError::NotKeyed);
        }
        let (file_journal, key) = unseal(text, passphrase)?;
        if file_journal != identity.journal_id {
            return Err(KeyTransferError::OfAnotherJournal {
                file_journal,
                journal_id: identity.journal_id.clone(),
            });
        }
        if let Some(entry) = self.first_keyed_entry()? {
            let fits = chain::entry_mac(key.bytes(), &entry.prev_hash, &entry.fields());
            if fits != entry.hash {
                return Err(KeyTransferError::DoesNotFitJournal {
                    journal_id: identity.journal_id.clone(),
                    seq: entry.seq,
                });
            }
        }
        match keys.find(&identity.journal_id) {
            KeyLookup::Found(held) if held == key => Ok(KeyImported::AlreadyHere),
            KeyLookup::Found(_) => Err(KeyTransferError::KeyringHoldsAnother {
                journal_id: identity.journal_id.clone(),
            }),
            KeyLookup::Absent => {
                keys.store(&identity.journal_id, &key)
                    .map_err(KeyTransferError::Keyring)?;
                Ok(KeyImported::Stored)
            }
            KeyLookup::Unavailable(why) => Err(KeyTransferError::Keyring(why)),
        }
    }

    /// The first entry hashed under the key, if any was written.
    fn first_keyed_entry(&self) -> Result<Option<EntryRecord>, KeyTransferError> {
        let Some(from_seq) = self.identity().keyed_from_seq else {
            return Ok(None);
        };
        Ok(self
            .connection()
            .query_row(
                &format!(
                    "SELECT {ENTRY_COLUMNS} FROM entries WHERE seq >= ?1 ORDER BY seq LIMIT 1"
                ),
                [from_seq],
                EntryRecord::from_row,
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cheap enough for tests; the file records it, so opening follows it.
    const LIGHT: KdfCost = KdfCost {
        memory_kib: 64,
        iterations: 1,
        parallelism: 1,
    };

    fn passphrase() -> Secret {
        Secret::new("correct horse battery staple")
    }

    #[test]
    fn a_sealed_key_opens_with_its_passphrase_only_and_holds_no_key_byte() {
        let key = ChainKey::from_bytes([0x5a; 32]);
        let text = seal(&key, "j-1", &passphrase(), LIGHT).expect("sealed");
        assert!(!text.contains(&hex::encode(key.bytes())));
        assert!(!text.contains(&hex::encode_upper(key.bytes())));
        assert!(
            !text
                .as_bytes()
                .windows(8)
                .any(|window| window == &key.bytes()[..8])
        );
        let (journal, opened) = unseal(&text, &passphrase()).expect("opens");
        assert_eq!((journal.as_str(), &opened), ("j-1", &key));
        assert!(matches!(
            unseal(&text, &Secret::new("correct horse battery stapler")),
            Err(KeyTransferError::WrongPassphraseOrDamaged)
        ));
        // Re-labelled for another journal, or its cost lowered: refused.
        let relabelled = text.replace("\"j-1\"", "\"j-2\"");
        assert!(matches!(
            unseal(&relabelled, &passphrase()),
            Err(KeyTransferError::WrongPassphraseOrDamaged)
        ));
        let cheaper = text.replace("\"memory_kib\": 64", "\"memory_kib\": 32");
        assert_ne!(cheaper, text);
        assert!(matches!(
            unseal(&cheaper, &passphrase()),
            Err(KeyTransferError::WrongPassphraseOrDamaged)
        ));
        let greedy = text.replace("\"memory_kib\": 64", "\"memory_kib\": 4000000");
        assert!(matches!(
            unseal(&greedy, &passphrase()),
            Err(KeyTransferError::CostOutOfBounds)
        ));
        assert!(matches!(
            unseal("{}", &passphrase()),
            Err(KeyTransferError::NotAKeyFile)
        ));
        assert!(matches!(
            seal(&key, "j-1", &Secret::new("short"), LIGHT),
            Err(KeyTransferError::PassphraseTooShort)
        ));
    }
}
