//! APS message signatures (reference §3).
//!
//! The string to sign is the phrase, then every parameter as `name=value`
//! sorted by name in byte order and joined with nothing, then the phrase again.
//! It is hashed with the merchant's SHA type and written as lowercase hex.
//! Following the go-live checklist, a parameter with an empty value is left
//! out of the string, and no value is ever trimmed.
//! Checking compares in constant time, case-insensitively.

use std::fmt;
use std::str::FromStr;

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use subtle::ConstantTimeEq;

use super::params::{Params, Value};

/// The hash chosen in the APS dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShaType {
    Sha256,
    Sha512,
    Hmac256,
    Hmac512,
    /// The dashboard's "SHA-128", which is almost certainly SHA-1 (unconfirmed).
    /// Kept for old accounts; apsdesk warns whenever it is used.
    LegacySha128,
}

impl ShaType {
    pub const ALL: [ShaType; 5] = [
        ShaType::Sha256,
        ShaType::Sha512,
        ShaType::Hmac256,
        ShaType::Hmac512,
        ShaType::LegacySha128,
    ];

    /// The spelling of the APS dashboard.
    pub fn dashboard_name(self) -> &'static str {
        match self {
            ShaType::Sha256 => "SHA-256",
            ShaType::Sha512 => "SHA-512",
            ShaType::Hmac256 => "HMAC-256",
            ShaType::Hmac512 => "HMAC-512",
            ShaType::LegacySha128 => "SHA-128",
        }
    }

    /// The spelling of apsdesk's command line.
    pub fn cli_name(self) -> &'static str {
        match self {
            ShaType::Sha256 => "sha256",
            ShaType::Sha512 => "sha512",
            ShaType::Hmac256 => "hmac-sha256",
            ShaType::Hmac512 => "hmac-sha512",
            ShaType::LegacySha128 => "sha1",
        }
    }

    pub fn is_legacy(self) -> bool {
        matches!(self, ShaType::LegacySha128)
    }

    /// Length of the hex signature this type produces.
    pub fn hex_len(self) -> usize {
        match self {
            ShaType::Sha256 | ShaType::Hmac256 => 64,
            ShaType::Sha512 | ShaType::Hmac512 => 128,
            ShaType::LegacySha128 => 40,
        }
    }
}

impl fmt::Display for ShaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.dashboard_name())
    }
}

/// The text names no SHA type apsdesk knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown SHA type {0:?}: use sha256, sha512, hmac-sha256, hmac-sha512 or sha1 (or SHA-256, SHA-512, HMAC-256, HMAC-512, SHA-128)"
)]
pub struct UnknownShaType(pub String);

impl FromStr for ShaType {
    type Err = UnknownShaType;

    /// Accepts the command-line spellings and the dashboard spellings, in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sha256" | "sha-256" => Ok(ShaType::Sha256),
            "sha512" | "sha-512" => Ok(ShaType::Sha512),
            "hmac-sha256" | "hmac-256" | "hmac256" | "hmacsha256" => Ok(ShaType::Hmac256),
            "hmac-sha512" | "hmac-512" | "hmac512" | "hmacsha512" => Ok(ShaType::Hmac512),
            "sha1" | "sha-1" | "sha-128" | "sha128" => Ok(ShaType::LegacySha128),
            _ => Err(UnknownShaType(s.to_owned())),
        }
    }
}

/// Parameters never signed in a message. `signature` itself always; the card
/// fields of browser tokenization; the `installment_detail` object of an
/// installment-plans response.
pub fn is_excluded(params: &Params, name: &str) -> bool {
    if name == "signature" {
        return true;
    }
    if params.text("service_command") == Some("TOKENIZATION")
        && matches!(
            name,
            "card_number"
                | "expiry_date"
                | "card_security_code"
                | "card_holder_name"
                | "remember_me"
        )
    {
        return true;
    }
    name == "installment_detail" && params.text("query_command") == Some("GET_INSTALLMENTS_PLANS")
}

/// Whether a top-level parameter has no value. The go-live checklist says to
/// leave such parameters out of the signature ("exclude the empty parameters
/// (without values)"); members of a nested object are not parameters and stay
/// as `k=`, as the SDK vectors show.
fn is_empty_value(value: &Value) -> bool {
    match value {
        Value::Text(text) => text.is_empty(),
        Value::Object(_) | Value::List(_) => false,
    }
}

/// The signed parameters, `name=value`, sorted by name in byte order and joined
/// with nothing: the string to sign without its phrases. Parameters with an
/// empty value are left out; nothing is trimmed.
pub fn canonical_parameters(params: &Params) -> String {
    let mut included: Vec<_> = params
        .iter()
        .filter(|(name, value)| !is_excluded(params, name) && !is_empty_value(value))
        .collect();
    // Sort names, not "name=value" strings: merchant_extra before merchant_extra1.
    included.sort_by(|(a, _), (b, _)| a.as_bytes().cmp(b.as_bytes()));
    let mut out = String::new();
    for (name, value) in included {
        out.push_str(name);
        out.push('=');
        value.write_signed_form(&mut out);
    }
    out
}

/// The full string to sign: phrase, parameters, phrase.
pub fn string_to_sign(params: &Params, phrase: &str) -> String {
    let canonical = canonical_parameters(params);
    let mut out = String::with_capacity(canonical.len() + 2 * phrase.len());
    out.push_str(phrase);
    out.push_str(&canonical);
    out.push_str(phrase);
    out
}

/// Hashes an already-built string to sign.
pub fn digest_hex(sha_type: ShaType, phrase: &str, text: &str) -> String {
    let bytes = text.as_bytes();
    match sha_type {
        ShaType::Sha256 => hex::encode(Sha256::digest(bytes)),
        ShaType::Sha512 => hex::encode(Sha512::digest(bytes)),
        ShaType::LegacySha128 => hex::encode(Sha1::digest(bytes)),
        ShaType::Hmac256 => {
            // HMAC accepts a key of any length, so `new_from_slice` cannot fail.
            let mut mac = Hmac::<Sha256>::new_from_slice(phrase.as_bytes())
                .expect("HMAC accepts keys of any length");
            mac.update(bytes);
            hex::encode(mac.finalize().into_bytes())
        }
        ShaType::Hmac512 => {
            let mut mac = Hmac::<Sha512>::new_from_slice(phrase.as_bytes())
                .expect("HMAC accepts keys of any length");
            mac.update(bytes);
            hex::encode(mac.finalize().into_bytes())
        }
    }
}

/// The signature of a message: lowercase hex.
pub fn sign(params: &Params, sha_type: ShaType, phrase: &str) -> String {
    digest_hex(sha_type, phrase, &string_to_sign(params, phrase))
}

/// What checking a message's `signature` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureCheck {
    Valid,
    Missing,
    Mismatch { expected: String, received: String },
}

impl SignatureCheck {
    pub fn is_valid(&self) -> bool {
        matches!(self, SignatureCheck::Valid)
    }
}

/// Checks the `signature` parameter of a message against its other parameters.
/// Comparison is case-insensitive and in constant time.
pub fn check(params: &Params, sha_type: ShaType, phrase: &str) -> SignatureCheck {
    let Some(received) = params.non_empty("signature") else {
        return SignatureCheck::Missing;
    };
    let expected = sign(params, sha_type, phrase);
    if hex_equal_constant_time(&expected, received) {
        SignatureCheck::Valid
    } else {
        SignatureCheck::Mismatch {
            expected,
            received: received.to_owned(),
        }
    }
}

/// Compares two hex strings without revealing, through timing, how many leading
/// characters agree. Lengths are public (they follow from the SHA type).
pub fn hex_equal_constant_time(expected: &str, received: &str) -> bool {
    let expected = expected.to_ascii_lowercase();
    let received = received.to_ascii_lowercase();
    expected.len() == received.len() && bool::from(expected.as_bytes().ct_eq(received.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorting_is_by_name_not_by_joined_string() {
        let params: Params = [("merchant_extra1", "b"), ("merchant_extra", "a")]
            .into_iter()
            .collect();
        // Sorting "name=value" strings would put "merchant_extra1=b" first ('1' < '=').
        assert_eq!(
            canonical_parameters(&params),
            "merchant_extra=amerchant_extra1=b"
        );
    }

    #[test]
    fn sorting_is_byte_order_so_uppercase_comes_first() {
        let params: Params = [("b", "1"), ("B", "2"), ("a", "3")].into_iter().collect();
        assert_eq!(canonical_parameters(&params), "B=2a=3b=1");
    }

    #[test]
    fn tokenization_card_fields_are_excluded_but_not_elsewhere() {
        let mut params: Params = [
            ("service_command", "TOKENIZATION"),
            ("card_number", "4005550000000001"),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            canonical_parameters(&params),
            "service_command=TOKENIZATION"
        );
        params.set("service_command", "X");
        params.remove("service_command");
        params.push("command", "PURCHASE");
        assert!(canonical_parameters(&params).contains("card_number=4005550000000001"));
    }

    #[test]
    fn spellings_parse() {
        for (text, expected) in [
            ("sha256", ShaType::Sha256),
            ("SHA-256", ShaType::Sha256),
            ("sha512", ShaType::Sha512),
            ("SHA-512", ShaType::Sha512),
            ("hmac-sha256", ShaType::Hmac256),
            ("HMAC-256", ShaType::Hmac256),
            ("hmac-sha512", ShaType::Hmac512),
            ("HMAC-512", ShaType::Hmac512),
            ("sha1", ShaType::LegacySha128),
            ("SHA-128", ShaType::LegacySha128),
        ] {
            assert_eq!(text.parse::<ShaType>(), Ok(expected), "{text}");
        }
        assert!("md5".parse::<ShaType>().is_err());
    }

    #[test]
    fn constant_time_comparison_ignores_case_and_checks_length() {
        assert!(hex_equal_constant_time("abcd", "ABCD"));
        assert!(!hex_equal_constant_time("abcd", "abce"));
        assert!(!hex_equal_constant_time("abcd", "abcd00"));
    }

    #[test]
    fn check_reports_missing_and_mismatch() {
        let mut params: Params = [("a", "1")].into_iter().collect();
        assert_eq!(
            check(&params, ShaType::Sha256, "P"),
            SignatureCheck::Missing
        );
        params.push("signature", "00");
        assert!(matches!(
            check(&params, ShaType::Sha256, "P"),
            SignatureCheck::Mismatch { .. }
        ));
        let good = sign(&params, ShaType::Sha256, "P");
        params.set("signature", good.to_uppercase());
        assert_eq!(check(&params, ShaType::Sha256, "P"), SignatureCheck::Valid);
    }
}
