//! The anchor: the chain's head (how many entries, the last hash) kept
//! outside the database, so that a journal cut short is told from a whole one.
//!
//! The chain alone cannot see entries removed from its end: what is left
//! still links. The anchor is written beside the journal
//! (`journal.sqlite3.anchor`, atomically) after every committed append, and
//! into every backup (a `backup_anchor` row, and a `.anchor` file beside it).
//! `journal verify` reports a journal behind its anchor as truncated.
//!
//! When the journal is keyed, the anchor carries an HMAC under the journal's
//! key, so that it cannot be rewritten to match a shortened journal without
//! the key. What it cannot catch: an older anchor file put back together with
//! the journal cut to match it, or someone who holds the key and both files.

use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::files;
use super::key::ChainKey;

/// The head of a journal's chain, as anchored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Anchor {
    /// The journal's id (its `journal_meta`), so that one journal's anchor is
    /// not taken for another's.
    pub journal_id: String,
    /// How many entries the journal had (the last `seq`).
    pub entries: i64,
    /// The hash of the last entry (the genesis hash when there are none).
    pub last_hash: String,
    /// The first keyed entry, if the journal is keyed.
    pub keyed_from_seq: Option<i64>,
    /// HMAC-SHA256 under the journal's key over the fields above; `None`
    /// when the journal had no key when the anchor was written.
    pub mac: Option<String>,
}

impl Anchor {
    /// The anchor of a chain head, signed when there is a key.
    pub fn new(
        journal_id: &str,
        entries: i64,
        last_hash: &str,
        keyed_from_seq: Option<i64>,
        key: Option<&ChainKey>,
    ) -> Anchor {
        let mut anchor = Anchor {
            journal_id: journal_id.to_owned(),
            entries,
            last_hash: last_hash.to_owned(),
            keyed_from_seq,
            mac: None,
        };
        anchor.mac = key.map(|key| anchor.compute_mac(key));
        anchor
    }

    fn compute_mac(&self, key: &ChainKey) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.bytes())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        // A domain prefix: an anchor's MAC is never an entry's.
        let text = format!(
            "apsdesk-anchor\n{}\n{}\n{}\n{}",
            self.journal_id,
            self.entries,
            self.last_hash,
            self.keyed_from_seq
                .map_or_else(String::new, |seq| seq.to_string())
        );
        Mac::update(&mut mac, text.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Whether the anchor's MAC is the one `key` gives (false when unsigned).
    pub fn signed_by(&self, key: &ChainKey) -> bool {
        self.mac.as_deref().is_some_and(|mac| {
            use subtle::ConstantTimeEq;
            bool::from(mac.as_bytes().ct_eq(self.compute_mac(key).as_bytes()))
        })
    }

    /// The anchor file of the journal (or backup) at `database`.
    pub fn path_for(database: &Path) -> PathBuf {
        let mut name = database.file_name().unwrap_or_default().to_owned();
        name.push(".anchor");
        database.with_file_name(name)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Result<Anchor, String> {
        serde_json::from_str(text).map_err(|error| format!("not an apsdesk anchor: {error}"))
    }

    /// The anchor at `path`; `Ok(None)` when there is none.
    pub fn read(path: &Path) -> Result<Option<Anchor>, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => Anchor::from_json(&text)
                .map(Some)
                .map_err(|why| format!("{}: {why}", path.display())),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(format!("{}: {error}", path.display())),
        }
    }

    /// Writes the anchor to `path` atomically, readable by its owner only
    /// (whole after a crash; possibly the previous one, which only lags).
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        files::replace_file(path, self.to_json().as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_anchor_cannot_be_moved_without_the_key() {
        let key = ChainKey::from_bytes([7; 32]);
        let anchor = Anchor::new("j", 10, "ab", Some(1), Some(&key));
        assert!(anchor.signed_by(&key));
        assert!(!anchor.signed_by(&ChainKey::from_bytes([8; 32])));
        let mut shortened = anchor.clone();
        shortened.entries = 9;
        assert!(!shortened.signed_by(&key));
        assert!(!Anchor::new("j", 10, "ab", Some(1), None).signed_by(&key));
        assert_eq!(
            Anchor::from_json(&anchor.to_json()).expect("parses"),
            anchor
        );
        assert_eq!(
            Anchor::path_for(Path::new("/d/journal.sqlite3")),
            Path::new("/d/journal.sqlite3.anchor")
        );
    }
}
