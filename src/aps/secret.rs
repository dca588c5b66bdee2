//! Secrets (SHA phrases, access codes) in a type that cannot be printed by accident.
//!
//! `Debug` and `Display` print a fixed mask, so a secret that ends up in a log line,
//! an error message or a `{:?}` of a bigger struct shows nothing of its value.
//! [`Secret::expose`] is the one way to the text, and every call to it is a place
//! worth reviewing.

use std::fmt;

/// The mask printed instead of a secret.
pub const MASK: &str = "********";

/// A secret string. Cloning is allowed (the client and the simulator both need
/// their own copy); printing is not.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret text. Use only to sign, to authenticate, or to store in the keyring.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({MASK})")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_mask_the_value() {
        let secret = Secret::new("very-secret-phrase");
        let debug = format!("{secret:?}");
        let display = format!("{secret}");
        assert!(!debug.contains("very-secret"), "{debug}");
        assert!(!display.contains("very-secret"), "{display}");
        assert_eq!(display, MASK);
        assert_eq!(secret.expose(), "very-secret-phrase");
    }

    #[test]
    fn a_struct_holding_a_secret_does_not_leak_it_through_debug() {
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Holder {
            access_code: Secret,
        }
        let holder = Holder {
            access_code: Secret::new("SILgpo7pWbmzuURp2qri"),
        };
        assert!(!format!("{holder:?}").contains("SILgpo7"));
    }
}
