//! Profiles: the store in the config directory and the keyring, read and
//! written as tasks; opening and switching to a profile's account.

use super::{
    Arc, Backend, Client, Journal, Mutex, PathBuf, Session, TaskError, TaskResult, operator_name,
};

impl Backend {
    /// A real account: a profile's credentials (already read from the keyring)
    /// and the installation's journal. What a crash left pending is
    /// reconciled as the app starts.
    pub fn profile(
        runtime: &tokio::runtime::Handle,
        journal: Journal,
        account: crate::profiles::OpenAccount,
    ) -> anyhow::Result<Backend> {
        let crate::profiles::OpenAccount {
            profile,
            credentials,
            apple_pay,
        } = account;
        let client = Client::with_options(
            &profile.environment.endpoint(),
            credentials,
            profile.client_options(),
        )?;
        let session = Session {
            profile: profile.name.clone(),
            environment: profile.environment.endpoint().environment(),
            operator: operator_name(),
            demo: false,
            receipt: profile.receipt.clone(),
        };
        let apple_pay = apple_pay.map(|credentials| client.with_credentials(credentials));
        let mut backend = Backend::with_desk(runtime, journal, client, session, None, None);
        if let Some(apple_pay) = apple_pay {
            backend.set_apple_pay(apple_pay);
        }
        Ok(backend)
    }

    /// Uses this profile store instead of the platform's (tests: a temporary
    /// folder and keyring-core's mock store).
    pub fn set_profile_store(&self, store: crate::profiles::ProfileStore) {
        if let Ok(mut slot) = self.profile_store.lock() {
            *slot = Some(store);
        }
    }

    /// The profile store, opened on first use (the keyring is reached here,
    /// on a backend thread).
    fn profiles(
        slot: &Mutex<Option<crate::profiles::ProfileStore>>,
    ) -> anyhow::Result<crate::profiles::ProfileStore> {
        let mut slot = slot
            .lock()
            .map_err(|_| anyhow::anyhow!("profile store lock"))?;
        if let Some(store) = slot.as_ref() {
            return Ok(store.clone());
        }
        let dir = crate::profiles::config_dir()
            .ok_or_else(|| anyhow::anyhow!("no config directory for this user"))?;
        let store =
            crate::profiles::ProfileStore::new(&dir, crate::profiles::vault::Vault::native()?);
        *slot = Some(store.clone());
        Ok(store)
    }

    fn spawn_profiles<F>(&self, work: F)
    where
        F: FnOnce(crate::profiles::ProfileStore, tokio::runtime::Handle) -> TaskResult
            + Send
            + 'static,
    {
        let slot = Arc::clone(&self.profile_store);
        let runtime = self.runtime.clone();
        self.spawn(async move {
            tokio::task::spawn_blocking(move || match Backend::profiles(&slot) {
                Ok(store) => work(store, runtime),
                Err(error) => TaskResult::Profiles(Err(TaskError::Profile(format!("{error:#}")))),
            })
            .await
            .unwrap_or_else(|error| TaskResult::Failed(TaskError::Stopped(error.to_string())))
        });
    }

    pub fn load_profiles(&self) {
        self.spawn_profiles(|store, _| {
            TaskResult::Profiles(
                store
                    .list()
                    .map_err(|error| TaskError::Profile(error.to_string())),
            )
        });
    }

    pub fn save_profile(
        &self,
        profile: crate::profiles::Profile,
        secrets: crate::profiles::ProfileSecrets,
    ) {
        self.spawn_profiles(
            move |store, _| match store.save(&profile, &secrets, false) {
                Ok(()) => TaskResult::ProfileSaved(profile.name),
                Err(error) => TaskResult::Failed(TaskError::Profile(error.to_string())),
            },
        );
    }

    pub fn remove_profile(&self, name: String) {
        self.spawn_profiles(move |store, _| match store.remove(&name) {
            Ok(()) => TaskResult::Profiles(
                store
                    .list()
                    .map_err(|error| TaskError::Profile(error.to_string())),
            ),
            Err(error) => TaskResult::Failed(TaskError::Profile(error.to_string())),
        });
    }

    pub fn test_profile(&self, name: String) {
        self.spawn_profiles(move |store, runtime| {
            let tested = store
                .credentials(&name)
                .map_err(anyhow::Error::from)
                .and_then(|(profile, credentials)| {
                    let client = Client::with_options(
                        &profile.environment.endpoint(),
                        credentials,
                        profile.client_options(),
                    )?;
                    Ok(runtime.block_on(crate::profiles::connection::test_connection(&client)))
                });
            match tested {
                Ok(verdict) => TaskResult::ProfileTested { name, verdict },
                Err(error) => TaskResult::Failed(TaskError::Profile(format!("{error:#}"))),
            }
        });
    }

    /// Builds a backend for the profile (secrets from the keyring, the
    /// journal at `journal`) and hands it to the UI to switch to.
    pub fn switch_to(&self, name: String, journal: PathBuf) {
        self.spawn_profiles(move |store, runtime| {
            let built = crate::profiles::open_account(&store, &name)
                .map_err(anyhow::Error::from)
                .and_then(|account| {
                    let keys = crate::journal::key::KeySource::native();
                    let journal = Journal::open_with(&journal, &keys)?;
                    Backend::profile(&runtime, journal, account)
                });
            match built {
                Ok(backend) => TaskResult::Switched(Box::new(backend)),
                Err(error) => TaskResult::Failed(TaskError::Profile(format!("{error:#}"))),
            }
        });
    }
}
