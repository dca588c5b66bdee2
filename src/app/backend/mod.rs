//! The app's async side: everything that touches the network, the disk or
//! the keyring runs here, on the tokio runtime that `main` owns, and comes
//! back to the UI as a [`TaskResult`] over a channel drained once per frame.
//! The UI thread never waits on any of it.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

use crate::aps::Language;
use crate::aps::client::{Client, Environment};
use crate::aps::request::CheckStatus;
use crate::journal::desk::{Operation, Resolution, Ticket};
use crate::journal::query::Cursor;
use crate::journal::store::{EntryRecord, OpenOperation, OrderRecord};
use crate::journal::verify::VerifyReport;
use crate::journal::{Actor, Desk, Journal, OrderFilter};
use crate::sim::{RunningSimulator, Seed, SimConfig};

use super::bulk::{BulkControl, BulkKind, RowState};
use super::results::{OperationResult, operation_result};
pub use imports::{ImportPreview, PREVIEW_ROWS};

mod demo;
mod files;
mod imports;
mod operations;
mod profiles;
mod reads;
mod views;

/// Who is working on which account, for the banner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub profile: String,
    pub environment: Environment,
    pub operator: String,
    pub demo: bool,
    /// The merchant's receipt header (the profile's; the demo's own).
    pub receipt: crate::profiles::ReceiptDetails,
}

impl Session {
    pub fn is_production(&self) -> bool {
        self.environment == Environment::Production
    }
}

/// An order with its timeline, for the detail panel.
#[derive(Debug, Clone)]
pub struct OrderDetail {
    pub order: OrderRecord,
    pub entries: Vec<EntryRecord>,
    pub open: Vec<OpenOperation>,
    /// The third-party response codes of the latest answer that had them
    /// (a status check that asked for them), field name and value.
    pub third_party_codes: Vec<(&'static str, String)>,
    /// The credential set the order's requests are signed with, as far as
    /// the journal knows (`None`: no trusted answer named its wallet yet).
    pub credential_set: Option<crate::aps::client::CredentialSet>,
    /// APS's figures that differ from the journal's, not yet acknowledged:
    /// no capture, refund or void goes until an operator has.
    pub drift: Option<crate::journal::drift::Drift>,
}

/// Why a background task failed. The English detail (the library's error,
/// with its context) is for the log; the operator reads the variant, said
/// in their language by [`crate::app::explain::task_error`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskError {
    /// The journal could not be read or written.
    Journal(String),
    /// The order is no longer in the journal (or not of this account).
    OrderGone(i64),
    /// The operator closed the save dialog.
    NotSaved,
    /// The operator closed the open dialog.
    NoFileChosen,
    ReadFile {
        path: PathBuf,
        detail: String,
    },
    Receipt(String),
    Export(String),
    /// The profile store or the keyring failed.
    Profile(String),
    Reconcile(String),
    /// The acknowledgement of a drift could not be recorded.
    Acknowledge(String),
    /// The task stopped before it finished (it panicked or was cancelled).
    Stopped(String),
    /// The platform names no folder for the journal.
    NoDataDirectory,
    /// The journal's lock file could not be taken.
    JournalLock(String),
    /// The profile's saved views could not be written.
    Views(String),
    /// A bulk run's record beside the journal could not be written (the run
    /// did not start) or read back.
    BulkRecord(String),
    /// A run of this profile would take the place of the record of another
    /// profile's run, cut short and not yet seen there (the profile named).
    BulkRecordOfProfile(String),
    /// A file's rows could not be recorded (nothing was).
    Import(String),
    /// Imported orders could not be confirmed with APS now (they stay pending).
    ConfirmImports(String),
    /// No order of this reference in the account's journal.
    NotInJournal(String),
    /// The demo's in-process receiver refused its seeded history.
    DemoFeedback(String),
    /// What the operator asked for did not validate; nothing was sent.
    Invalid(crate::aps::validate::FieldErrors),
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
    /// "Select all filtered": the matching orders, and whether that is all.
    AllMatching {
        generation: u64,
        rows: Vec<OrderRecord>,
        complete: bool,
    },
    Detail(Box<OrderDetail>),
    /// The selected orders read again for a bulk run's preview.
    SelectionForBulk {
        kind: BulkKind,
        orders: Vec<OrderRecord>,
    },
    /// A bulk run did not start: nothing was sent (why).
    BulkNotStarted(TaskError),
    /// A bulk run the closing of the app cut short under another profile
    /// (named): reported when that profile is open.
    InterruptedElsewhere(String),
    /// A bulk run the closing of the app interrupted (`None`: there was none).
    Interrupted(Option<crate::app::bulk::Interrupted>),
    /// The profile's saved views file, read (or set aside).
    ViewsRead {
        path: PathBuf,
        read: crate::app::views::ViewsRead,
    },
    /// The profile's saved views were written to this file.
    ViewsWritten(PathBuf),
    Operation(OperationResult),
    Reconciled(Vec<(i64, Resolution)>),
    /// The operator's acknowledgement of an order's drift was recorded
    /// (`false`: there was none left to acknowledge).
    DriftAcknowledged {
        merchant_reference: String,
        recorded: bool,
    },
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
    Profiles(Result<Vec<crate::profiles::Profile>, TaskError>),
    ProfileTested {
        name: String,
        verdict: crate::profiles::connection::Verdict,
    },
    ProfileSaved(String),
    Switched(Box<Backend>),
    /// A file read for the Import screen.
    ImportPreview(Box<ImportPreview>),
    /// What an import recorded (or why it recorded nothing).
    Imported(Result<crate::journal::import::ImportOutcome, TaskError>),
    /// Confirmations of imported orders done so far.
    ImportProgress {
        done: usize,
        total: usize,
    },
    ImportConfirmed(Result<crate::journal::import::ConfirmReport, TaskError>),
    Failed(TaskError),
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
    /// The demo's in-process receiver of the simulator's transaction feedback.
    feedback: Option<crate::feedback::RunningReceiver>,
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
        drop(self.feedback.take());
        if let Some(dir) = &self.demo_dir {
            crate::app::demo_dir::remove(dir);
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
            environment: session.environment,
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
            feedback: None,
        }
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// `filter` narrowed to this session's account: its profile and its
    /// environment. Every order query of the app goes through here, so that
    /// one account's orders are never listed, exported or acted on under
    /// another (the journal holds every profile's).
    pub fn scoped(&self, mut filter: OrderFilter) -> OrderFilter {
        filter.profile = Some(self.session.profile.clone());
        filter.environment = Some(self.session.environment);
        filter
    }

    /// Whether an order belongs to this session's account.
    fn in_scope(session: &Session, order: &OrderRecord) -> bool {
        order.profile == session.profile && order.environment == session.environment
    }

    pub fn desk(&self) -> &Desk {
        &self.desk
    }

    /// Gives the account its Apple Pay set (a client on the same endpoint
    /// signing with it): Apple Pay orders are maintained with it.
    pub fn set_apple_pay(&mut self, client: Client) {
        self.desk.apple_pay = Some(client);
    }

    /// The demo's throw-away folder, if this is the demo.
    pub fn demo_dir(&self) -> Option<&std::path::Path> {
        self.demo_dir.as_deref()
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
            .unwrap_or_else(|error| TaskResult::Failed(TaskError::Stopped(error.to_string())))
        });
    }
}
