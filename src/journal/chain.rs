//! The hash chain over journal entries.
//!
//! Each entry's `hash` is computed over the previous entry's hash and every
//! recorded field of the entry, so that editing, inserting or removing an entry
//! anywhere but at the very end changes every hash after it. The chain makes
//! tampering *evident*; it does not prevent it (the file is the operator's).
//!
//! Entries written before a journal had a key are SHA-256 ([`entry_hash`]);
//! from the entry recorded in the journal's meta (`keyed_from_seq`) on, they
//! are HMAC-SHA256 under the journal's key ([`entry_mac`]), so that someone
//! who edits an entry cannot recompute the chain without the key. Removing
//! entries at the end leaves a shorter chain that still links: the anchor
//! (`anchor.rs`) is what catches that.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The recorded fields of one entry, in the order they are hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryFields<'a> {
    pub seq: i64,
    pub operation_id: i64,
    pub entry: &'a str,
    pub order_id: i64,
    pub command: &'a str,
    pub operator: &'a str,
    pub profile: &'a str,
    pub environment: &'a str,
    pub amount_minor: Option<i64>,
    pub currency: Option<&'a str>,
    pub maintenance_reference: Option<&'a str>,
    pub outcome: Option<&'a str>,
    pub response_code: Option<&'a str>,
    pub response_message: Option<&'a str>,
    pub payload: &'a str,
    pub at_ms: i64,
}

/// The hash of an entry following `prev_hash` (unkeyed: entries recorded
/// before the journal had a key).
pub fn entry_hash(prev_hash: &str, fields: &EntryFields<'_>) -> String {
    let mut hasher = Sha256::new();
    feed(prev_hash, fields, |bytes| {
        Digest::update(&mut hasher, bytes);
    });
    hex::encode(hasher.finalize())
}

/// The keyed hash (HMAC-SHA256 under the journal's key) of an entry
/// following `prev_hash`: the same fields, in the same order, as
/// [`entry_hash`].
pub fn entry_mac(key: &[u8], prev_hash: &str, fields: &EntryFields<'_>) -> String {
    // HMAC accepts keys of any length; `new_from_slice` cannot fail for it.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    feed(prev_hash, fields, |bytes| Mac::update(&mut mac, bytes));
    hex::encode(mac.finalize().into_bytes())
}

/// Feeds the link and every field of an entry to `update`.
fn feed(prev_hash: &str, fields: &EntryFields<'_>, mut update: impl FnMut(&[u8])) {
    let mut field = |value: &str| {
        // Length-prefixed, so that no two different entries hash the same
        // text by shifting a separator between fields.
        update(&(value.len() as u64).to_be_bytes());
        update(value.as_bytes());
    };
    let optional =
        |value: Option<&str>| value.map_or_else(|| "\u{0}null".to_owned(), str::to_owned);
    field(prev_hash);
    field(&fields.seq.to_string());
    field(&fields.operation_id.to_string());
    field(fields.entry);
    field(&fields.order_id.to_string());
    field(fields.command);
    field(fields.operator);
    field(fields.profile);
    field(fields.environment);
    field(&optional(
        fields
            .amount_minor
            .map(|amount| amount.to_string())
            .as_deref(),
    ));
    field(&optional(fields.currency));
    field(&optional(fields.maintenance_reference));
    field(&optional(fields.outcome));
    field(&optional(fields.response_code));
    field(&optional(fields.response_message));
    field(fields.payload);
    field(&fields.at_ms.to_string());
}

/// What verifying the chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub entries_checked: u64,
    /// The first entry whose hash or link does not check, if any.
    pub first_broken_seq: Option<i64>,
}

impl ChainReport {
    pub fn is_intact(&self) -> bool {
        self.first_broken_seq.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(payload: &str) -> EntryFields<'_> {
        EntryFields {
            seq: 1,
            operation_id: 1,
            entry: "request",
            order_id: 1,
            command: "REFUND",
            operator: "amal",
            profile: "demo",
            environment: "simulator",
            amount_minor: Some(100),
            currency: Some("KWD"),
            maintenance_reference: None,
            outcome: None,
            response_code: None,
            response_message: None,
            payload,
            at_ms: 1,
        }
    }

    #[test]
    fn every_field_and_the_link_change_the_hash() {
        let base = entry_hash(GENESIS, &fields("{}"));
        assert_ne!(base, entry_hash(GENESIS, &fields("{ }")));
        assert_ne!(base, entry_hash(&"1".repeat(64), &fields("{}")));
        let mut changed = fields("{}");
        changed.amount_minor = Some(101);
        assert_ne!(base, entry_hash(GENESIS, &changed));
        let mut absent = fields("{}");
        absent.currency = None;
        let mut empty = fields("{}");
        empty.currency = Some("");
        assert_ne!(entry_hash(GENESIS, &absent), entry_hash(GENESIS, &empty));
    }

    #[test]
    fn the_keyed_hash_needs_the_key() {
        let plain = entry_hash(GENESIS, &fields("{}"));
        let keyed = entry_mac(b"key one", GENESIS, &fields("{}"));
        assert_ne!(plain, keyed);
        assert_ne!(keyed, entry_mac(b"key two", GENESIS, &fields("{}")));
        assert_eq!(keyed, entry_mac(b"key one", GENESIS, &fields("{}")));
    }
}
