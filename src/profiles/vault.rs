//! The OS keyring, where a profile's secrets live and nowhere else.
//!
//! Built on keyring-core with the native store of each OS: the Secret Service
//! on Linux (gnome-keyring, KWallet, KeePassXC), Keychain on macOS, Credential
//! Manager on Windows. Tests use keyring-core's in-memory mock store.
//!
//! A [`Vault`] holds its store explicitly rather than through keyring-core's
//! process-wide default, so that tests never share one by accident.

use std::sync::Arc;

use keyring_core::{CredentialStore, Error as KeyringError};

use super::ProfileError;
use crate::aps::Secret;

/// The keyring service name of every apsdesk secret.
pub const SERVICE: &str = "apsdesk";

/// Which secret of a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    AccessCode,
    RequestPhrase,
    ResponsePhrase,
    ApplePayAccessCode,
    ApplePayRequestPhrase,
    ApplePayResponsePhrase,
}

impl SecretKind {
    pub const ALL: [SecretKind; 6] = [
        SecretKind::AccessCode,
        SecretKind::RequestPhrase,
        SecretKind::ResponsePhrase,
        SecretKind::ApplePayAccessCode,
        SecretKind::ApplePayRequestPhrase,
        SecretKind::ApplePayResponsePhrase,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SecretKind::AccessCode => "access_code",
            SecretKind::RequestPhrase => "request_phrase",
            SecretKind::ResponsePhrase => "response_phrase",
            SecretKind::ApplePayAccessCode => "apple_pay_access_code",
            SecretKind::ApplePayRequestPhrase => "apple_pay_request_phrase",
            SecretKind::ApplePayResponsePhrase => "apple_pay_response_phrase",
        }
    }
}

/// A keyring.
#[derive(Clone)]
pub struct Vault {
    store: Arc<CredentialStore>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Vault({})", self.store.vendor())
    }
}

/// What to tell an operator when the keyring cannot be used.
fn advice() -> &'static str {
    if cfg!(target_os = "linux") {
        "apsdesk keeps secrets only in the Secret Service: start and unlock a keyring (gnome-keyring, KWallet or KeePassXC with Secret Service enabled) in this session, then try again"
    } else if cfg!(target_os = "macos") {
        "unlock your login keychain (Keychain Access), then try again"
    } else {
        "Windows Credential Manager refused the request: check that you are logged in interactively, then try again"
    }
}

/// Maps a keyring error to one that says what failed and what to do, and
/// never carries a secret (keyring errors may hold the bytes read).
fn keyring_error(action: &'static str, error: &KeyringError) -> ProfileError {
    let detail = match error {
        KeyringError::PlatformFailure(source) | KeyringError::NoStorageAccess(source) => {
            source.to_string()
        }
        KeyringError::NoEntry => "no such secret".to_owned(),
        KeyringError::BadEncoding(_) | KeyringError::BadDataFormat(..) => {
            "the stored secret is unreadable".to_owned()
        }
        KeyringError::NoDefaultStore => "no keyring store".to_owned(),
        other => other.to_string(),
    };
    ProfileError::Keyring {
        action,
        detail,
        advice: advice(),
    }
}

impl Vault {
    /// The operating system's keyring.
    pub fn native() -> Result<Vault, ProfileError> {
        #[cfg(target_os = "linux")]
        let store = zbus_secret_service_keyring_store::Store::new();
        #[cfg(target_os = "macos")]
        let store = apple_native_keyring_store::keychain::Store::new();
        #[cfg(target_os = "windows")]
        let store = windows_native_keyring_store::Store::new();
        #[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
        let store: Result<Arc<CredentialStore>, KeyringError> = Err(KeyringError::NoDefaultStore);
        let store: Arc<CredentialStore> =
            store.map_err(|error| keyring_error("opening the keyring", &error))?;
        Ok(Vault { store })
    }

    /// A vault over any keyring-core store (tests: the mock store).
    pub fn with_store(store: Arc<CredentialStore>) -> Vault {
        Vault { store }
    }

    fn entry(&self, profile: &str, kind: SecretKind) -> Result<keyring_core::Entry, ProfileError> {
        self.named_entry(&format!("{profile}/{}", kind.name()))
    }

    fn named_entry(&self, user: &str) -> Result<keyring_core::Entry, ProfileError> {
        self.store
            .build(SERVICE, user, None)
            .map_err(|error| keyring_error("reaching the keyring", &error))
    }

    /// A keyring item that belongs to no profile (a journal's chain key,
    /// under `journal/<id>`), or `None` when the keyring has no such entry.
    pub fn get_item(&self, user: &str) -> Result<Option<Secret>, ProfileError> {
        match self.named_entry(user)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(KeyringError::NoEntry) => Ok(None),
            Err(error) => Err(keyring_error("reading a secret from the keyring", &error)),
        }
    }

    /// Stores a keyring item that belongs to no profile.
    pub fn put_item(&self, user: &str, secret: &Secret) -> Result<(), ProfileError> {
        self.named_entry(user)?
            .set_password(secret.expose())
            .map_err(|error| keyring_error("storing a secret in the keyring", &error))
    }

    /// The keyring entry of a secret, for tests that inject errors.
    pub fn raw_entry(
        &self,
        profile: &str,
        kind: SecretKind,
    ) -> Result<keyring_core::Entry, ProfileError> {
        self.entry(profile, kind)
    }

    pub fn put(
        &self,
        profile: &str,
        kind: SecretKind,
        secret: &Secret,
    ) -> Result<(), ProfileError> {
        self.entry(profile, kind)?
            .set_password(secret.expose())
            .map_err(|error| keyring_error("storing a secret in the keyring", &error))
    }

    /// The secret, or `None` when the keyring has no such entry.
    pub fn get(&self, profile: &str, kind: SecretKind) -> Result<Option<Secret>, ProfileError> {
        match self.entry(profile, kind)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(KeyringError::NoEntry) => Ok(None),
            Err(error) => Err(keyring_error("reading a secret from the keyring", &error)),
        }
    }

    /// Deletes a secret; deleting one that is not there is not an error.
    pub fn delete(&self, profile: &str, kind: SecretKind) -> Result<(), ProfileError> {
        match self.entry(profile, kind)?.delete_credential() {
            Ok(()) | Err(KeyringError::NoEntry) => Ok(()),
            Err(error) => Err(keyring_error("deleting a secret from the keyring", &error)),
        }
    }
}
