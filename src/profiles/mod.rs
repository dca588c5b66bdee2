//! Merchant profiles: which APS account to act on, and how its receipts look.
//!
//! A profile's secrets (access codes, SHA phrases, and the Apple Pay set)
//! live only in the OS keyring ([`vault`]); everything else is a TOML file in
//! the platform's config directory (`profiles.toml`). No secret is ever
//! written to that file, to an export, to a log or to an error message.
//!
//! Keyring entries are keyed by the profile's identity: a random id created
//! with the profile (and stored in `profiles.toml`), its name, merchant
//! identifier and environment. A profile imported or created again under a
//! known name therefore finds no secrets and asks for its own; it never
//! inherits another's (which it would send to its own, possibly hostile,
//! environment). Profiles written before ids existed keep their secrets
//! under `NAME/kind`: they are moved once, the first time they are read,
//! under an id created then.
//!
//! Saving is all or nothing: the secrets are stored first and the file
//! written last (atomically, by rename); a failure on the way removes the
//! secrets already stored, so there is never half a profile.

pub mod connection;
pub mod vault;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::aps::client::{Credentials, Endpoint};
use crate::aps::{Language, Secret, ShaType};
use vault::{SecretKind, Vault};

/// Why a profile operation failed. Never holds a secret.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("the keyring failed while {action}: {detail}. {advice}")]
    Keyring {
        action: &'static str,
        detail: String,
        advice: &'static str,
    },
    #[error("no profile named {0:?}")]
    Unknown(String),
    #[error("a profile named {0:?} already exists")]
    Exists(String),
    #[error("profile {profile:?}: its {secret} is missing from the keyring; add the profile again")]
    MissingSecret {
        profile: String,
        secret: &'static str,
    },
    #[error("{field}: {problem}")]
    Invalid {
        field: &'static str,
        problem: String,
    },
    #[error("profiles file {path}: {detail}")]
    File { path: PathBuf, detail: String },
}

impl ProfileError {
    fn invalid(field: &'static str, problem: impl Into<String>) -> ProfileError {
        ProfileError::Invalid {
            field,
            problem: problem.into(),
        }
    }
}

/// Where a profile's requests go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Environment {
    Sandbox,
    Production,
    /// The apsdesk simulator (or any test server) on a loopback address.
    Simulator {
        url: String,
    },
    /// Another server, allowed explicitly when the profile was made.
    Custom {
        url: String,
    },
}

impl Environment {
    /// `sandbox`, `production`, or a loopback `http(s)://` URL (the
    /// simulator); anything else is refused.
    pub fn parse(text: &str) -> Option<Environment> {
        Environment::parse_allowing(text, false).ok()
    }

    /// As [`Environment::parse`]; with `allow_custom`, another server too.
    pub fn parse_allowing(
        text: &str,
        allow_custom: bool,
    ) -> Result<Environment, crate::aps::client::EndpointError> {
        Ok(match Endpoint::parse_allowing(text, allow_custom)? {
            Endpoint::Sandbox => Environment::Sandbox,
            Endpoint::Production => Environment::Production,
            Endpoint::Simulator(url) => Environment::Simulator { url },
            Endpoint::Custom(url) => Environment::Custom { url },
        })
    }

    pub fn endpoint(&self) -> Endpoint {
        match self {
            Environment::Sandbox => Endpoint::Sandbox,
            Environment::Production => Endpoint::Production,
            Environment::Simulator { url } => Endpoint::Simulator(url.clone()),
            Environment::Custom { url } => Endpoint::Custom(url.clone()),
        }
    }

    /// `sandbox`, `production`, `simulator` or `custom`, as the journal records it.
    pub fn name(&self) -> &'static str {
        self.endpoint().environment().as_str()
    }
}

/// The merchant's details printed on receipts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReceiptDetails {
    pub name_en: String,
    pub name_ar: String,
    pub address: String,
    /// VAT or commercial registration number.
    pub registration_number: String,
    pub logo: Option<PathBuf>,
    /// IANA time zone of receipt times, e.g. `Asia/Kuwait`.
    pub time_zone: String,
}

/// The random identity a profile gets when it is saved: part of its keyring
/// entries' names, never taken from an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProfileId(String);

impl ProfileId {
    /// A new random id (128 bits, hex).
    pub fn random() -> ProfileId {
        ProfileId(format!("{:032x}", rand::random::<u128>()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    #[cfg(test)]
    pub(crate) fn fixed(id: &str) -> ProfileId {
        ProfileId(id.to_owned())
    }
}

/// A profile as stored in `profiles.toml`: no secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Set by [`ProfileStore::save`]; `None` only for profiles of older
    /// versions (secrets under the name alone) and in exports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<ProfileId>,
    pub name: String,
    pub environment: Environment,
    pub merchant_identifier: String,
    /// The dashboard spelling (`SHA-256`, `HMAC-512`...).
    pub sha_type: String,
    /// Whether an Apple Pay credential set is in the keyring.
    #[serde(default)]
    pub apple_pay: Option<ApplePay>,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub receipt: ReceiptDetails,
    /// Seconds to wait for APS's answer to one request (the command line's
    /// `--timeout` overrides it); the client's default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_secs: Option<u64>,
}

impl Profile {
    /// The client options this profile asks for.
    pub fn client_options(&self) -> crate::aps::client::ClientOptions {
        let mut options = crate::aps::client::ClientOptions::default();
        if let Some(seconds) = self.timeout_secs.filter(|seconds| *seconds > 0) {
            options.request_timeout = std::time::Duration::from_secs(seconds);
        }
        options
    }
}

fn default_language() -> String {
    "en".to_owned()
}

/// The non-secret part of the Apple Pay set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplePay {
    pub sha_type: String,
}

/// A profile's secrets, held only in memory and the keyring.
#[derive(Debug, Clone)]
pub struct ProfileSecrets {
    pub access_code: Secret,
    pub request_phrase: Secret,
    pub response_phrase: Secret,
    pub apple_pay: Option<[Secret; 3]>,
}

impl ProfileSecrets {
    fn by_kind(&self) -> Vec<(SecretKind, &Secret)> {
        let mut secrets = vec![
            (SecretKind::AccessCode, &self.access_code),
            (SecretKind::RequestPhrase, &self.request_phrase),
            (SecretKind::ResponsePhrase, &self.response_phrase),
        ];
        if let Some([access_code, request, response]) = &self.apple_pay {
            secrets.push((SecretKind::ApplePayAccessCode, access_code));
            secrets.push((SecretKind::ApplePayRequestPhrase, request));
            secrets.push((SecretKind::ApplePayResponsePhrase, response));
        }
        secrets
    }
}

impl Profile {
    /// The keyring account its secrets are stored under (before the kind):
    /// id, name, merchant identifier and environment, so that another
    /// profile of the same name, or this name pointed elsewhere, does not
    /// find them. Without an id, the name alone (older versions).
    pub fn keyring_account(&self) -> String {
        let Some(id) = &self.id else {
            return self.name.clone();
        };
        let environment = match &self.environment {
            Environment::Sandbox => "sandbox",
            Environment::Production => "production",
            Environment::Simulator { url } | Environment::Custom { url } => url.as_str(),
        };
        format!(
            "{}/{}/{}/{environment}",
            id.as_str(),
            self.name,
            self.merchant_identifier
        )
    }

    /// Checks the fields a person typed; the first problem found.
    pub fn validate(&self) -> Result<(), ProfileError> {
        match self.problems().into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(()),
        }
    }

    /// Every field a person typed wrong, each once (a form shows them all
    /// at once, each under its field).
    pub fn problems(&self) -> Vec<ProfileError> {
        let mut problems = Vec::new();
        let name_ok = !self.name.is_empty()
            && self.name.len() <= 64
            && self
                .name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ' '));
        if !name_ok {
            problems.push(ProfileError::invalid(
                "name",
                "1 to 64 letters, digits, spaces, '-', '_' or '.'",
            ));
        }
        if self.merchant_identifier.trim().is_empty() || self.merchant_identifier.len() > 20 {
            problems.push(ProfileError::invalid(
                "merchant_identifier",
                "1 to 20 characters",
            ));
        }
        if let Err(problem) = self.sha_type() {
            problems.push(problem);
        }
        if let Some(apple_pay) = &self.apple_pay
            && apple_pay.sha_type.parse::<ShaType>().is_err()
        {
            problems.push(ProfileError::invalid(
                "apple_pay_sha_type",
                "not a SHA type",
            ));
        }
        if self.language.parse::<Language>().is_err() {
            problems.push(ProfileError::invalid("language", "en or ar"));
        }
        if !self.receipt.time_zone.is_empty()
            && jiff::tz::TimeZone::get(&self.receipt.time_zone).is_err()
        {
            problems.push(ProfileError::invalid(
                "time_zone",
                "an IANA time zone such as Asia/Kuwait",
            ));
        }
        problems
    }

    pub fn sha_type(&self) -> Result<ShaType, ProfileError> {
        self.sha_type.parse().map_err(|_| {
            ProfileError::invalid(
                "sha_type",
                "SHA-256, SHA-512, HMAC-256, HMAC-512 or SHA-128",
            )
        })
    }

    pub fn language(&self) -> Language {
        self.language.parse().unwrap_or_default()
    }
}

/// The TOML file's shape.
#[derive(Debug, Default, Serialize, Deserialize)]
struct ProfilesFile {
    #[serde(default, rename = "profile")]
    profiles: Vec<Profile>,
}

/// The profiles of this user: the TOML file and the keyring.
#[derive(Debug, Clone)]
pub struct ProfileStore {
    file: PathBuf,
    vault: Vault,
}

/// The platform's config directory for apsdesk, e.g. `~/.config/apsdesk`.
pub fn default_config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("com", "apsdesk", "apsdesk")
        .map(|dirs| dirs.config_dir().to_owned())
}

/// The config directory every way of opening a profile uses: the
/// `APSDESK_CONFIG_DIR` environment variable when set, else the platform's.
pub fn config_dir() -> Option<PathBuf> {
    std::env::var_os(CONFIG_DIR_VARIABLE)
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(default_config_dir)
}

/// The environment variable that moves the config directory (tests, a
/// second installation, a portable setup).
pub const CONFIG_DIR_VARIABLE: &str = "APSDESK_CONFIG_DIR";

/// A profile opened to act on: its settings and both credential sets.
#[derive(Debug, Clone)]
pub struct OpenAccount {
    pub profile: Profile,
    pub credentials: Credentials,
    /// The Apple Pay set, when the profile has one.
    pub apple_pay: Option<Credentials>,
}

/// Opens the profile `name` from `store`: the one way the command line,
/// the app started with `--profile` and the app's profile switch open an
/// account.
pub fn open_account(store: &ProfileStore, name: &str) -> Result<OpenAccount, ProfileError> {
    let (profile, credentials) = store.credentials(name)?;
    let apple_pay = store.apple_pay_credentials(&profile)?;
    Ok(OpenAccount {
        profile,
        credentials,
        apple_pay,
    })
}

/// Opens the profile `name` of the config directory ([`config_dir`]) over
/// the OS keyring. The profile is looked up in `profiles.toml` first, so a
/// name that is not there says so before any keyring is reached. Returns
/// the store too (its vault also holds the journal's chain key).
pub fn open_native_account(name: &str) -> Result<(ProfileStore, OpenAccount), ProfileError> {
    let dir = config_dir().ok_or_else(|| {
        ProfileError::invalid(
            "config_dir",
            format!("no config directory for this user: set {CONFIG_DIR_VARIABLE}"),
        )
    })?;
    find_profile(&dir, name)?;
    let store = ProfileStore::new(&dir, Vault::native()?);
    let account = open_account(&store, name)?;
    Ok((store, account))
}

/// A profile's non-secret settings, read without touching the keyring
/// (receipts need the merchant's details, not its secrets).
pub fn find_profile(config_dir: &Path, name: &str) -> Result<Profile, ProfileError> {
    let file = config_dir.join("profiles.toml");
    let text = match std::fs::read_to_string(&file) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(error) => {
            return Err(ProfileError::File {
                path: file,
                detail: error.to_string(),
            });
        }
    };
    let contents: ProfilesFile = toml::from_str(&text).map_err(|error| ProfileError::File {
        path: file.clone(),
        detail: error.to_string(),
    })?;
    contents
        .profiles
        .into_iter()
        .find(|profile| profile.name == name)
        .ok_or_else(|| ProfileError::Unknown(name.to_owned()))
}

impl ProfileStore {
    pub fn new(config_dir: &Path, vault: Vault) -> ProfileStore {
        ProfileStore {
            file: config_dir.join("profiles.toml"),
            vault,
        }
    }

    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The keyring this store keeps its secrets in.
    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    fn file_error(&self, detail: &impl ToString) -> ProfileError {
        ProfileError::File {
            path: self.file.clone(),
            detail: detail.to_string(),
        }
    }

    fn read(&self) -> Result<ProfilesFile, ProfileError> {
        match std::fs::read_to_string(&self.file) {
            Ok(text) => toml::from_str(&text).map_err(|error| self.file_error(&error)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                Ok(ProfilesFile::default())
            }
            Err(error) => Err(self.file_error(&error)),
        }
    }

    /// Writes the whole file to a temporary name and renames it over the old
    /// one, so that a crash leaves the old file or the new, never half.
    fn write(&self, contents: &ProfilesFile) -> Result<(), ProfileError> {
        let text = toml::to_string_pretty(contents).map_err(|error| self.file_error(&error))?;
        if let Some(dir) = self.file.parent() {
            std::fs::create_dir_all(dir).map_err(|error| self.file_error(&error))?;
        }
        let staged = self.file.with_extension("toml.new");
        std::fs::write(&staged, text).map_err(|error| self.file_error(&error))?;
        std::fs::rename(&staged, &self.file).map_err(|error| self.file_error(&error))
    }

    pub fn list(&self) -> Result<Vec<Profile>, ProfileError> {
        Ok(self.read()?.profiles)
    }

    pub fn get(&self, name: &str) -> Result<Profile, ProfileError> {
        self.read()?
            .profiles
            .into_iter()
            .find(|profile| profile.name == name)
            .ok_or_else(|| ProfileError::Unknown(name.to_owned()))
    }

    /// Adds a profile, or replaces one of the same name when `replace`. The
    /// profile gets a new id (whatever it had): the secrets stored are its
    /// own, and a replaced profile's old secrets are deleted.
    pub fn save(
        &self,
        profile: &Profile,
        secrets: &ProfileSecrets,
        replace: bool,
    ) -> Result<(), ProfileError> {
        self.save_with_id(profile, secrets, replace, ProfileId::random())
    }

    /// [`ProfileStore::save`] with a given new id (tests need to know it).
    pub(crate) fn save_with_id(
        &self,
        profile: &Profile,
        secrets: &ProfileSecrets,
        replace: bool,
        id: ProfileId,
    ) -> Result<(), ProfileError> {
        profile.validate()?;
        if profile.apple_pay.is_some() != secrets.apple_pay.is_some() {
            return Err(ProfileError::invalid(
                "apple_pay",
                "the Apple Pay SHA type and its three secrets go together",
            ));
        }
        for (kind, secret) in secrets.by_kind() {
            if secret.expose().trim().is_empty() {
                return Err(ProfileError::invalid(kind.name(), "must not be empty"));
            }
        }
        let mut contents = self.read()?;
        let existing = contents
            .profiles
            .iter()
            .position(|known| known.name == profile.name);
        if existing.is_some() && !replace {
            return Err(ProfileError::Exists(profile.name.clone()));
        }
        let mut profile = profile.clone();
        profile.id = Some(id);
        let account = profile.keyring_account();
        let mut stored = Vec::new();
        for (kind, secret) in secrets.by_kind() {
            if let Err(error) = self.vault.put(&account, kind, secret) {
                self.forget(&account, &stored);
                return Err(error);
            }
            stored.push(kind);
        }
        let replaced = if let Some(index) = existing {
            Some(std::mem::replace(&mut contents.profiles[index], profile))
        } else {
            contents.profiles.push(profile);
            None
        };
        if let Err(error) = self.write(&contents) {
            self.forget(&account, &stored);
            return Err(error);
        }
        if let Some(old) = replaced {
            // The old identity's secrets are no longer anyone's.
            self.forget(&old.keyring_account(), &SecretKind::ALL);
            self.forget(&old.name, &SecretKind::ALL);
        }
        Ok(())
    }

    /// Best-effort removal of secrets (a rollback, or a replaced identity).
    fn forget(&self, account: &str, kinds: &[SecretKind]) {
        for kind in kinds {
            if let Err(error) = self.vault.delete(account, *kind) {
                tracing::warn!("could not remove a secret of {account}: {error}");
            }
        }
    }

    /// Removes a profile and its secrets.
    pub fn remove(&self, name: &str) -> Result<(), ProfileError> {
        let mut contents = self.read()?;
        let Some(index) = contents
            .profiles
            .iter()
            .position(|profile| profile.name == name)
        else {
            return Err(ProfileError::Unknown(name.to_owned()));
        };
        let removed = contents.profiles.remove(index);
        for kind in SecretKind::ALL {
            self.vault.delete(&removed.keyring_account(), kind)?;
            // Entries an older version left under the name alone.
            self.vault.delete(name, kind)?;
        }
        self.write(&contents)
    }

    fn secret(&self, profile: &Profile, kind: SecretKind) -> Result<Secret, ProfileError> {
        self.vault
            .get(&profile.keyring_account(), kind)?
            .ok_or_else(|| ProfileError::MissingSecret {
                profile: profile.name.clone(),
                secret: kind.name(),
            })
    }

    /// Moves the secrets of a profile written before ids existed (under
    /// `NAME/kind`) to a new id, once; returns the profile with its id.
    fn migrate(&self, profile: Profile) -> Result<Profile, ProfileError> {
        if profile.id.is_some() {
            return Ok(profile);
        }
        let mut kinds = vec![
            SecretKind::AccessCode,
            SecretKind::RequestPhrase,
            SecretKind::ResponsePhrase,
        ];
        if profile.apple_pay.is_some() {
            kinds.extend([
                SecretKind::ApplePayAccessCode,
                SecretKind::ApplePayRequestPhrase,
                SecretKind::ApplePayResponsePhrase,
            ]);
        }
        let mut secrets = Vec::new();
        for kind in &kinds {
            secrets.push((*kind, self.secret(&profile, *kind)?));
        }
        let mut migrated = profile.clone();
        migrated.id = Some(ProfileId::random());
        let account = migrated.keyring_account();
        let mut stored = Vec::new();
        for (kind, secret) in &secrets {
            if let Err(error) = self.vault.put(&account, *kind, secret) {
                self.forget(&account, &stored);
                return Err(error);
            }
            stored.push(*kind);
        }
        let mut contents = self.read()?;
        let slot = contents
            .profiles
            .iter_mut()
            .find(|known| known.name == profile.name && known.id.is_none());
        if let Some(slot) = slot {
            *slot = migrated.clone();
        } else {
            self.forget(&account, &stored);
            return Err(ProfileError::Unknown(profile.name));
        }
        if let Err(error) = self.write(&contents) {
            self.forget(&account, &stored);
            return Err(error);
        }
        self.forget(&profile.name, &SecretKind::ALL);
        Ok(migrated)
    }

    /// The APS credentials of a profile, secrets read from the keyring.
    pub fn credentials(&self, name: &str) -> Result<(Profile, Credentials), ProfileError> {
        let profile = self.migrate(self.get(name)?)?;
        let credentials = Credentials {
            merchant_identifier: profile.merchant_identifier.clone(),
            access_code: self.secret(&profile, SecretKind::AccessCode)?,
            sha_type: profile.sha_type()?,
            request_phrase: self.secret(&profile, SecretKind::RequestPhrase)?,
            response_phrase: self.secret(&profile, SecretKind::ResponsePhrase)?,
        };
        Ok((profile, credentials))
    }

    /// A profile's Apple Pay credential set, secrets read from the keyring;
    /// `None` when the profile has none.
    pub fn apple_pay_credentials(
        &self,
        profile: &Profile,
    ) -> Result<Option<Credentials>, ProfileError> {
        let Some(apple_pay) = &profile.apple_pay else {
            return Ok(None);
        };
        let sha_type = apple_pay
            .sha_type
            .parse::<ShaType>()
            .map_err(|_| ProfileError::invalid("apple_pay_sha_type", "not a SHA type"))?;
        Ok(Some(Credentials {
            merchant_identifier: profile.merchant_identifier.clone(),
            access_code: self.secret(profile, SecretKind::ApplePayAccessCode)?,
            sha_type,
            request_phrase: self.secret(profile, SecretKind::ApplePayRequestPhrase)?,
            response_phrase: self.secret(profile, SecretKind::ApplePayResponsePhrase)?,
        }))
    }

    /// Every profile as TOML, without secrets, to share with a colleague.
    pub fn export(&self) -> Result<String, ProfileError> {
        let mut contents = self.read()?;
        // An id names keyring entries of this installation only.
        for profile in &mut contents.profiles {
            profile.id = None;
        }
        toml::to_string_pretty(&contents).map_err(|error| self.file_error(&error))
    }

    /// The profiles of an export, validated, without ids: to be saved, each
    /// with its own secrets ([`ProfileStore::save`]).
    pub fn parse_import(text: &str) -> Result<Vec<Profile>, ProfileError> {
        let incoming: ProfilesFile =
            toml::from_str(text).map_err(|error| ProfileError::Invalid {
                field: "import",
                problem: error.to_string(),
            })?;
        incoming
            .profiles
            .into_iter()
            .map(|mut profile| {
                profile.validate()?;
                profile.id = None;
                Ok(profile)
            })
            .collect()
    }

    /// Profiles from an export, without their secrets (which are not in it).
    /// Each gets a new id, so that no keyring entry already here is taken for
    /// its own: it is unusable until its secrets are entered (`profile add
    /// --replace`). Returns the names imported; a name already here is refused.
    pub fn import(&self, text: &str) -> Result<Vec<String>, ProfileError> {
        let incoming = ProfileStore::parse_import(text)?;
        let mut contents = self.read()?;
        let mut names = Vec::new();
        for mut profile in incoming {
            if contents
                .profiles
                .iter()
                .any(|known| known.name == profile.name)
            {
                return Err(ProfileError::Exists(profile.name));
            }
            profile.id = Some(ProfileId::random());
            names.push(profile.name.clone());
            contents.profiles.push(profile);
        }
        self.write(&contents)?;
        Ok(names)
    }

    /// Whether a profile of this name is here.
    pub fn contains(&self, name: &str) -> Result<bool, ProfileError> {
        Ok(self.read()?.profiles.iter().any(|known| known.name == name))
    }
}

#[cfg(test)]
mod tests;
