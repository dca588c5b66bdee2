//! The app's async side: everything that touches the network, the disk or
//! the keyring runs here, on the tokio runtime that `main` owns, and comes
//! back to the UI as a [`TaskResult`] over a channel drained once per frame.
//! The UI thread never waits on any of it.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

use crate::aps::client::Client;
use crate::aps::request::{ApsRequest, CheckStatus};
use crate::aps::{Command, Language, OutcomeClass};
use crate::journal::desk::{Resolution, RunError};
use crate::journal::query::Cursor;
use crate::journal::store::{EntryRecord, OpenOperation, OrderRecord};
use crate::journal::verify::VerifyReport;
use crate::journal::{Actor, Desk, Journal, OrderFilter};
use crate::sim::{RunningSimulator, Seed, SimConfig};

use super::bulk::{BulkControl, BulkKind, RowState};

/// Who is working on which account, for the banner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub profile: String,
    /// `sandbox`, `production` or `simulator`.
    pub environment: String,
    pub operator: String,
    pub demo: bool,
    /// The merchant's receipt header (the profile's; the demo's own).
    pub receipt: crate::profiles::ReceiptDetails,
}

impl Session {
    pub fn is_production(&self) -> bool {
        self.environment == "production"
    }
}

/// What an operation came to, for the dialog and the toasts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationResult {
    pub command: Command,
    pub merchant_reference: String,
    /// `None` when nothing was sent (blocked, invalid, unreachable).
    pub class: Option<OutcomeClass>,
    pub response_code: Option<String>,
    pub response_message: Option<String>,
    /// Why it was not sent, or the transport failure.
    pub problem: Option<String>,
    pub operation_id: Option<i64>,
    /// The open operation that blocks the order, when that was the problem.
    pub blocked_by: Option<i64>,
}

/// An order with its timeline, for the detail panel.
#[derive(Debug, Clone)]
pub struct OrderDetail {
    pub order: OrderRecord,
    pub entries: Vec<EntryRecord>,
    pub open: Vec<OpenOperation>,
}

/// A finished background task.
#[derive(Debug)]
pub enum TaskResult {
    DemoProgress {
        done: usize,
        total: usize,
    },
    DemoReady,
    Page {
        generation: u64,
        rows: Vec<OrderRecord>,
        next: Option<Cursor>,
        append: bool,
    },
    Count {
        generation: u64,
        count: u64,
    },
    Detail(Box<OrderDetail>),
    Operation(OperationResult),
    Reconciled(Vec<(i64, Resolution)>),
    Activity(Vec<EntryRecord>),
    /// What `journal verify` found (chain, anchor, derived state).
    Chain(VerifyReport),
    BulkRow {
        index: usize,
        state: RowState,
    },
    Links(Vec<OrderRecord>),
    Saved(PathBuf),
    BulkInput(String),
    Profiles(Result<Vec<crate::profiles::Profile>, String>),
    ProfileTested {
        name: String,
        verdict: crate::profiles::connection::Verdict,
    },
    ProfileSaved(String),
    Switched(Box<Backend>),
    Failed(String),
}

/// The runtime, the desk, and the channel results come back on.
pub struct Backend {
    runtime: tokio::runtime::Handle,
    desk: Desk,
    session: Session,
    sender: Sender<TaskResult>,
    receiver: Receiver<TaskResult>,
    repaint: Arc<Mutex<Option<egui::Context>>>,
    /// Where profiles are kept: the config directory and the keyring.
    /// `None` until first needed (the demo needs no keyring).
    profile_store: Arc<Mutex<Option<crate::profiles::ProfileStore>>>,
    /// The in-process simulator of the demo; stopped when the app closes.
    simulator: Option<RunningSimulator>,
    /// The demo's throw-away journal folder, removed when the app closes.
    demo_dir: Option<PathBuf>,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Backend({:?})", self.session)
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        if let Some(simulator) = self.simulator.take() {
            let _guard = self.runtime.enter();
            drop(simulator);
        }
        if let Some(dir) = &self.demo_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn operator_name() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| "operator".to_owned())
}

impl Backend {
    /// The demo: an in-process simulator with its seeded orders and a fresh
    /// journal in a temporary folder. The orders are looked up in the
    /// background ([`TaskResult::DemoProgress`], then [`TaskResult::DemoReady`]).
    pub fn demo(runtime: &tokio::runtime::Handle) -> anyhow::Result<Backend> {
        let simulator = runtime.block_on(RunningSimulator::start(
            SimConfig::default(),
            "127.0.0.1:0".parse()?,
            Seed::Demo,
        ))?;
        let dir = std::env::temp_dir().join(format!(
            "apsdesk-demo-{}-{}",
            std::process::id(),
            jiff::Timestamp::now().as_millisecond()
        ));
        crate::journal::files::create_private_dir(&dir)?;
        // A throw-away journal, keyed like any other with a key of its own.
        let keys = crate::journal::key::KeySource::Fixed(crate::journal::key::ChainKey::random());
        let journal = Journal::open_with(&dir.join("journal.sqlite3"), &keys)?;
        let client = Client::new(&simulator.endpoint(), simulator.credentials())?;
        let session = Session {
            profile: "demo".to_owned(),
            environment: "simulator".to_owned(),
            operator: operator_name(),
            demo: true,
            receipt: crate::profiles::ReceiptDetails {
                name_en: "apsdesk demo merchant".to_owned(),
                name_ar: "تاجر تجريبي".to_owned(),
                address: "Kuwait City".to_owned(),
                registration_number: "DEMO-0000".to_owned(),
                logo: None,
                time_zone: "Asia/Kuwait".to_owned(),
            },
        };
        let references: Vec<String> = simulator.with_state(|state| {
            let mut references: Vec<String> = state
                .orders()
                .map(|order| order.merchant_reference.clone())
                .collect();
            references.sort();
            references
        });
        let backend = Backend::with_desk(
            runtime,
            journal,
            client,
            session,
            Some(simulator),
            Some(dir),
        );
        backend.load_demo(references);
        Ok(backend)
    }

    /// A real account: a profile's credentials (already read from the keyring)
    /// and the installation's journal. What a crash left pending is
    /// reconciled as the app starts.
    pub fn profile(
        runtime: &tokio::runtime::Handle,
        journal: Journal,
        profile: &crate::profiles::Profile,
        credentials: crate::aps::client::Credentials,
    ) -> anyhow::Result<Backend> {
        let client = Client::new(&profile.environment.endpoint(), credentials)?;
        let session = Session {
            profile: profile.name.clone(),
            environment: profile.environment.name().to_owned(),
            operator: operator_name(),
            demo: false,
            receipt: profile.receipt.clone(),
        };
        Ok(Backend::with_desk(
            runtime, journal, client, session, None, None,
        ))
    }

    /// A desk on any journal and client (a profile's, or a test's).
    pub fn with_desk(
        runtime: &tokio::runtime::Handle,
        journal: Journal,
        client: Client,
        session: Session,
        simulator: Option<RunningSimulator>,
        demo_dir: Option<PathBuf>,
    ) -> Backend {
        let actor = Actor {
            operator: session.operator.clone(),
            profile: session.profile.clone(),
            environment: session.environment.clone(),
        };
        let desk = Desk::new(Arc::new(Mutex::new(journal)), client, actor, Language::En);
        let (sender, receiver) = channel();
        Backend {
            runtime: runtime.clone(),
            desk,
            session,
            sender,
            receiver,
            repaint: Arc::new(Mutex::new(None)),
            profile_store: Arc::new(Mutex::new(None)),
            simulator,
            demo_dir,
        }
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    pub fn desk(&self) -> &Desk {
        &self.desk
    }

    pub fn simulator(&self) -> Option<&RunningSimulator> {
        self.simulator.as_ref()
    }

    /// Where results wake the UI from: set once the UI exists.
    pub fn set_repaint(&self, ctx: &egui::Context) {
        if let Ok(mut slot) = self.repaint.lock() {
            *slot = Some(ctx.clone());
        }
    }

    /// Every result that arrived since the last frame.
    pub fn drain(&self) -> Vec<TaskResult> {
        self.receiver.try_iter().collect()
    }

    /// Runs `task` on the runtime; its result goes to the UI and wakes it.
    fn spawn<F>(&self, task: F)
    where
        F: std::future::Future<Output = TaskResult> + Send + 'static,
    {
        let sender = self.sender.clone();
        let repaint = Arc::clone(&self.repaint);
        self.runtime.spawn(async move {
            let result = task.await;
            let _ = sender.send(result);
            if let Some(ctx) = repaint.lock().ok().and_then(|slot| slot.clone()) {
                ctx.request_repaint();
            }
        });
    }

    /// Runs blocking journal work off the UI thread.
    fn spawn_journal<F>(&self, work: F)
    where
        F: FnOnce(&Journal) -> TaskResult + Send + 'static,
    {
        let journal = Arc::clone(&self.desk.journal);
        self.spawn(async move {
            tokio::task::spawn_blocking(move || {
                let journal = journal
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                work(&journal)
            })
            .await
            .unwrap_or_else(|error| TaskResult::Failed(error.to_string()))
        });
    }

    fn load_demo(&self, references: Vec<String>) {
        let desk = self.desk.clone();
        let sender = self.sender.clone();
        let repaint = Arc::clone(&self.repaint);
        self.spawn(async move {
            let total = references.len();
            desk.lookup(references, 8, move |done, _| {
                if done % 20 == 0 || done == total {
                    let _ = sender.send(TaskResult::DemoProgress { done, total });
                    if let Some(ctx) = repaint.lock().ok().and_then(|slot| slot.clone()) {
                        ctx.request_repaint();
                    }
                }
            })
            .await;
            TaskResult::DemoReady
        });
    }

    /// A page of orders; `append` continues the list after `after`.
    pub fn load_page(
        &self,
        generation: u64,
        filter: OrderFilter,
        after: Option<Cursor>,
        append: bool,
    ) {
        self.spawn_journal(move |journal| {
            match journal.orders_page(&filter, after.as_ref(), 200) {
                Ok(page) => TaskResult::Page {
                    generation,
                    rows: page.rows,
                    next: page.next,
                    append,
                },
                Err(error) => TaskResult::Failed(error.to_string()),
            }
        });
    }

    /// A receipt of an order (or one of its operations) saved where `target`
    /// says, then opened with the OS when the target wants it.
    pub fn save_receipt(
        &self,
        order_id: i64,
        operation_id: Option<i64>,
        target: Arc<dyn crate::receipt::SaveTarget + Send + Sync>,
    ) {
        let merchant = self.session.receipt.clone();
        self.spawn_journal(move |journal| {
            let work = || -> anyhow::Result<Option<PathBuf>> {
                let order = journal
                    .order(order_id)?
                    .ok_or_else(|| anyhow::anyhow!("order {order_id} is gone"))?;
                let entries = match operation_id {
                    Some(id) => Some(journal.operation_entries(id)?),
                    None => None,
                };
                let receipt = crate::receipt::Receipt::build(&order, entries.as_deref(), &merchant);
                let pdf = crate::receipt::render(
                    &receipt,
                    crate::receipt::ReceiptLanguage::Both,
                    crate::receipt::Layout::A4,
                );
                let Some(path) = target.choose(&crate::receipt::file_name(&order, operation_id))
                else {
                    return Ok(None);
                };
                crate::journal::files::write_private(&path, &pdf)?;
                if target.opens_saved_files() {
                    super::files::open_with_os(&path)?;
                }
                Ok(Some(path))
            };
            match work() {
                Ok(Some(path)) => TaskResult::Saved(path),
                Ok(None) => TaskResult::Failed("not saved".to_owned()),
                Err(error) => TaskResult::Failed(format!("{error:#}")),
            }
        });
    }

    /// The filtered orders as CSV (UTF-8 with BOM) where `target` says.
    pub fn export_csv(
        &self,
        filter: OrderFilter,
        target: Arc<dyn crate::receipt::SaveTarget + Send + Sync>,
    ) {
        self.spawn_journal(move |journal| {
            let Some(path) = target.choose(std::path::Path::new("orders.csv")) else {
                return TaskResult::Failed("not saved".to_owned());
            };
            let written = crate::journal::files::create_private_or_replace(&path)
                .map_err(crate::journal::JournalError::from)
                .and_then(|file| {
                    crate::journal::export::export_csv(
                        journal,
                        &filter,
                        std::io::BufWriter::new(file),
                    )
                });
            match written {
                Ok(_) => TaskResult::Saved(path),
                Err(error) => TaskResult::Failed(error.to_string()),
            }
        });
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
        let dir = std::env::var_os("APSDESK_CONFIG_DIR")
            .map(PathBuf::from)
            .or_else(crate::profiles::default_config_dir)
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
                Err(error) => TaskResult::Profiles(Err(format!("{error:#}"))),
            })
            .await
            .unwrap_or_else(|error| TaskResult::Failed(error.to_string()))
        });
    }

    pub fn load_profiles(&self) {
        self.spawn_profiles(|store, _| {
            TaskResult::Profiles(store.list().map_err(|error| error.to_string()))
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
                Err(error) => TaskResult::Failed(error.to_string()),
            },
        );
    }

    pub fn remove_profile(&self, name: String) {
        self.spawn_profiles(move |store, _| match store.remove(&name) {
            Ok(()) => TaskResult::Profiles(store.list().map_err(|error| error.to_string())),
            Err(error) => TaskResult::Failed(error.to_string()),
        });
    }

    pub fn test_profile(&self, name: String) {
        self.spawn_profiles(move |store, runtime| {
            let tested = store
                .credentials(&name)
                .map_err(anyhow::Error::from)
                .and_then(|(profile, credentials)| {
                    let client = Client::new(&profile.environment.endpoint(), credentials)?;
                    Ok(runtime.block_on(crate::profiles::connection::test_connection(&client)))
                });
            match tested {
                Ok(verdict) => TaskResult::ProfileTested { name, verdict },
                Err(error) => TaskResult::Failed(format!("{error:#}")),
            }
        });
    }

    /// Builds a backend for the profile (secrets from the keyring, the
    /// journal at `journal`) and hands it to the UI to switch to.
    pub fn switch_to(&self, name: String, journal: PathBuf) {
        self.spawn_profiles(move |store, runtime| {
            let built = store
                .credentials(&name)
                .map_err(anyhow::Error::from)
                .and_then(|(profile, credentials)| {
                    let keys = crate::journal::key::KeySource::native();
                    let journal = Journal::open_with(&journal, &keys)?;
                    Backend::profile(&runtime, journal, &profile, credentials)
                });
            match built {
                Ok(backend) => TaskResult::Switched(Box::new(backend)),
                Err(error) => TaskResult::Failed(format!("{error:#}")),
            }
        });
    }

    /// Asks the operator for a CSV file (OS dialog, on a backend thread) and
    /// returns its text for the Bulk screen.
    pub fn load_bulk_csv(&self) {
        self.spawn(async move {
            tokio::task::spawn_blocking(|| {
                let Some(path) = rfd::FileDialog::new()
                    .add_filter("CSV", &["csv", "txt"])
                    .pick_file()
                else {
                    return TaskResult::Failed("no file chosen".to_owned());
                };
                match std::fs::read_to_string(&path) {
                    // A BOM from Excel is not part of the first reference.
                    Ok(text) => {
                        TaskResult::BulkInput(text.trim_start_matches('\u{FEFF}').to_owned())
                    }
                    Err(error) => TaskResult::Failed(format!("{}: {error}", path.display())),
                }
            })
            .await
            .unwrap_or_else(|error| TaskResult::Failed(error.to_string()))
        });
    }

    /// The orders made through payment links, newest first.
    pub fn load_links(&self) {
        let filter = OrderFilter {
            payment_links_only: true,
            descending: true,
            ..OrderFilter::default()
        };
        self.spawn_journal(
            move |journal| match journal.orders_page(&filter, None, 500) {
                Ok(page) => TaskResult::Links(page.rows),
                Err(error) => TaskResult::Failed(error.to_string()),
            },
        );
    }

    pub fn count(&self, generation: u64, filter: OrderFilter) {
        self.spawn_journal(move |journal| match journal.count_orders(&filter) {
            Ok(count) => TaskResult::Count { generation, count },
            Err(error) => TaskResult::Failed(error.to_string()),
        });
    }

    pub fn load_detail(&self, order_id: i64) {
        self.spawn_journal(move |journal| {
            let detail = (|| {
                let order = journal.order(order_id)?;
                let entries = journal.order_entries(order_id)?;
                let open = journal.open_operations_for(order_id)?;
                Ok::<_, crate::journal::JournalError>(order.map(|order| OrderDetail {
                    order,
                    entries,
                    open,
                }))
            })();
            match detail {
                Ok(Some(detail)) => TaskResult::Detail(Box::new(detail)),
                Ok(None) => TaskResult::Failed(format!("order {order_id} is gone")),
                Err(error) => TaskResult::Failed(error.to_string()),
            }
        });
    }

    pub fn load_activity(&self, limit: usize) {
        self.spawn_journal(move |journal| match journal.recent_entries(limit) {
            Ok(entries) => TaskResult::Activity(entries),
            Err(error) => TaskResult::Failed(error.to_string()),
        });
    }

    pub fn verify_chain(&self) {
        self.spawn_journal(|journal| match journal.verify() {
            Ok(report) => TaskResult::Chain(report),
            Err(error) => TaskResult::Failed(error.to_string()),
        });
    }

    /// Sends an operation through the desk (journaled, blocked while open).
    pub fn run<R>(&self, request: R, language: Language)
    where
        R: ApsRequest + Send + Sync + 'static,
        R::Response: Send,
    {
        let mut desk = self.desk.clone();
        desk.language = language;
        let command = request.command();
        let reference = request.merchant_reference().unwrap_or_default().to_owned();
        self.spawn(async move {
            let result = desk.run(&request).await;
            TaskResult::Operation(operation_result(command, reference, result))
        });
    }

    /// Sends a refund: reusing the maintenance_reference of an unapplied
    /// uncertain refund when there is one (the desk reads the journal for
    /// that, so it happens here, off the UI thread).
    pub fn run_refund(&self, refund: crate::aps::request::Refund, language: Language) {
        let mut desk = self.desk.clone();
        desk.language = language;
        let reference = refund.merchant_reference.clone();
        self.spawn(async move {
            let result = match desk.refund_with_stable_reference(&refund) {
                Ok(refund) => desk.run(&refund).await,
                Err(error) => Err(error),
            };
            TaskResult::Operation(operation_result(Command::Refund, reference, result))
        });
    }

    pub fn check_status(&self, merchant_reference: &str, language: Language) {
        match CheckStatus::for_reference(merchant_reference) {
            Ok(check) => self.run(check, language),
            Err(errors) => {
                let _ = self
                    .sender
                    .send(TaskResult::Failed(errors.message(language)));
            }
        }
    }

    /// Runs a bulk operation over `rows` (reference, amount), four at a time;
    /// each row's progress comes back as [`TaskResult::BulkRow`].
    pub fn run_bulk(
        &self,
        kind: BulkKind,
        rows: Vec<(String, Option<String>)>,
        control: BulkControl,
        language: Language,
    ) {
        use futures_util::stream::{self, StreamExt};
        let mut desk = self.desk.clone();
        desk.language = language;
        let sender = self.sender.clone();
        let repaint = Arc::clone(&self.repaint);
        let notify = move |index: usize, state: RowState| {
            let _ = sender.send(TaskResult::BulkRow { index, state });
            if let Some(ctx) = repaint.lock().ok().and_then(|slot| slot.clone()) {
                ctx.request_repaint();
            }
        };
        self.runtime.spawn(async move {
            stream::iter(rows.into_iter().enumerate())
                .for_each_concurrent(4, |(index, (reference, amount))| {
                    let desk = desk.clone();
                    let control = control.clone();
                    let notify = notify.clone();
                    async move {
                        while control.paused.load(std::sync::atomic::Ordering::Relaxed)
                            && !control.cancelled.load(std::sync::atomic::Ordering::Relaxed)
                        {
                            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                        }
                        if control.cancelled.load(std::sync::atomic::Ordering::Relaxed) {
                            notify(index, RowState::Skipped("cancelled".to_owned()));
                            return;
                        }
                        notify(index, RowState::Running);
                        let state = bulk_row(&desk, kind, &reference, amount.as_deref()).await;
                        notify(index, state);
                    }
                })
                .await;
        });
    }

    /// Settles the open operations of the account (or one, by id).
    pub fn reconcile(&self, operation_id: Option<i64>) {
        let desk = self.desk.clone();
        self.spawn(async move {
            let result = match operation_id {
                Some(id) => desk
                    .reconcile(id)
                    .await
                    .map(|resolution| vec![(id, resolution)]),
                None => desk.reconcile_all().await,
            };
            match result {
                Ok(resolutions) => TaskResult::Reconciled(resolutions),
                Err(error) => TaskResult::Failed(error.to_string()),
            }
        });
    }

    /// Settles what a crash left open, at start-up.
    pub fn reconcile_at_startup(&self) {
        self.reconcile(None);
    }
}

/// One bulk row: the currency comes from the journal (after a status check
/// when the order is not known yet), the amount from the row.
async fn bulk_row(desk: &Desk, kind: BulkKind, reference: &str, amount: Option<&str>) -> RowState {
    use crate::aps::request::{Capture, MaintenanceForm, Refund};
    let language = desk.language;
    let check = match CheckStatus::for_reference(reference) {
        Ok(check) => check,
        Err(errors) => return RowState::Skipped(errors.message(language)),
    };
    if kind == BulkKind::Status {
        let result = desk.run(&check).await;
        return RowState::Done(operation_result(
            Command::CheckStatus,
            reference.to_owned(),
            result,
        ));
    }
    let Some(amount) = amount else {
        return RowState::Skipped("no amount".to_owned());
    };
    let known = |desk: &Desk| {
        desk.journal
            .lock()
            .ok()
            .and_then(|journal| {
                journal
                    .order_by_reference(&desk.actor, reference)
                    .ok()
                    .flatten()
            })
            .and_then(|order| order.currency)
    };
    let currency = if let Some(currency) = known(desk) {
        currency
    } else {
        // Not in the journal yet: its status check records it.
        let _ = desk.run(&check).await;
        let Some(currency) = known(desk) else {
            return RowState::Skipped("APS does not know this order".to_owned());
        };
        currency
    };
    let form = MaintenanceForm {
        merchant_reference: reference.to_owned(),
        amount: amount.to_owned(),
        currency,
        ..MaintenanceForm::default()
    };
    match kind {
        BulkKind::Capture => match Capture::parse(&form) {
            Ok(capture) => RowState::Done(operation_result(
                Command::Capture,
                reference.to_owned(),
                desk.run(&capture).await,
            )),
            Err(errors) => RowState::Skipped(errors.message(language)),
        },
        BulkKind::Refund => match Refund::parse(&form)
            .map_err(RunError::Invalid)
            .and_then(|refund| desk.refund_with_stable_reference(&refund))
        {
            Ok(refund) => RowState::Done(operation_result(
                Command::Refund,
                reference.to_owned(),
                desk.run(&refund).await,
            )),
            Err(RunError::Invalid(errors)) => RowState::Skipped(errors.message(language)),
            Err(error) => RowState::Skipped(error.to_string()),
        },
        BulkKind::Status => RowState::Skipped(String::new()),
    }
}

fn operation_result<T>(
    command: Command,
    merchant_reference: String,
    result: Result<crate::journal::desk::RunReport<T>, RunError>,
) -> OperationResult {
    let mut out = OperationResult {
        command,
        merchant_reference,
        class: None,
        response_code: None,
        response_message: None,
        problem: None,
        operation_id: None,
        blocked_by: None,
    };
    match result {
        Ok(report) => {
            out.class = Some(report.outcome.class);
            out.response_code = report.outcome.response_code().map(str::to_owned);
            out.response_message = report.outcome.response_message().map(str::to_owned);
            out.problem = report.outcome.failure.as_ref().map(ToString::to_string);
            out.operation_id = report.operation_id;
        }
        Err(error @ RunError::Blocked { operation_id, .. }) => {
            out.blocked_by = Some(operation_id);
            out.problem = Some(error.to_string());
        }
        Err(error) => out.problem = Some(error.to_string()),
    }
    out
}
