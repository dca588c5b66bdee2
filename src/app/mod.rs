//! The desktop app: an egui back office over the journal, the desk and the
//! profiles.
//!
//! Shape (after rerun and egui's own demo app): one tokio runtime owned by
//! [`run_in`]; a [`backend::Backend`] that runs every network, disk and keyring
//! task on it and sends results back over a channel; the UI only draws and
//! pushes [`AppCommand`]s, which [`DeskApp::logic`] applies in one place, once
//! per frame, together with the results that arrived. The UI thread never
//! waits.
//!
//! - [`transactions`]: the order browser and its detail panel.
//! - [`operation`]: the Capture…, Refund… and Void… dialogs.
//! - [`activity`]: the journal's operations and the chain check.
//! - [`signature`]: the signature tool with the profile's phrase.
//! - [`i18n`]: Fluent texts, English and Arabic; [`widgets`]: fonts and
//!   bidi-aware labels (the same helper as the receipts).
//! - As an installed program: [`about`] (version, licences), [`instance`]
//!   (one window per journal), [`renderer`] (glow, else wgpu); the window's
//!   title names the profile and the environment.

pub mod about;
pub mod activity;
pub mod backend;
pub mod bulk;
pub mod demo_dir;
pub mod explain;
pub mod files;
pub mod forms;
pub mod i18n;
pub mod icons;
pub mod import;
pub mod instance;
pub mod links;
pub mod notice;
pub mod operation;
pub mod palette;
pub mod profiles;
pub mod renderer;
pub mod results;
pub mod signature;
pub mod tokens;
pub mod transactions;
pub mod views;
pub mod widgets;

use egui::{Color32, Ui};
use serde::{Deserialize, Serialize};

use crate::aps::Language;
use crate::aps::client::Environment;
use crate::journal::OrderFilter;
use crate::journal::desk::Operation;
use crate::journal::store::OrderRecord;
use activity::ActivityScreen;
use backend::{Backend, TaskResult};
use i18n::Tr;
use operation::OperationDialog;
use signature::SignatureScreen;
use transactions::TransactionsScreen;
use widgets::{colored_text, widget_text};

/// The money operations a dialog sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    Capture,
    Refund,
    Void,
}

/// The screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Screen {
    #[default]
    Transactions,
    Bulk,
    Links,
    Tokens,
    Profiles,
    Activity,
    Signature,
    Import,
}

/// Who asked for a submission, so that its result goes back there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitOrigin {
    /// The open Capture/Refund/Void dialog.
    Dialog,
    /// A screen that shows results as they come (links, tokens, status).
    Screen,
}

/// What the operator asked for; applied in [`DeskApp::logic`].
#[derive(Debug, Clone)]
pub enum AppCommand {
    /// Send an operation through the desk.
    Submit {
        operation: Box<Operation>,
        origin: SubmitOrigin,
    },
    OpenDialog(OperationKind, Box<OrderRecord>),
    CheckStatus(String),
    Reconcile(Option<i64>),
    /// The operator has checked an order whose figures drifted and says so.
    AcknowledgeDrift(String),
    Copy {
        what: String,
        value: String,
    },
    /// A sentence already in the operator's language, shown as a toast.
    Toast(String),
    /// What the operator asked for did not validate: said in a toast,
    /// nothing sent.
    Refused(crate::aps::validate::FieldErrors),
    LoadActivity,
    VerifyChain,
    SetLanguage(Language),
    SetScreen(Screen),
    SetDark(bool),
    RunBulk(bulk::BulkKind),
    /// Bulk capture, refund or status on the orders selected on Transactions.
    BulkFromSelection(bulk::BulkKind),
    /// Saves the Transactions filters and sort under this name (the
    /// profile's saved views), replacing a view of the same name: the
    /// screen asked the operator first.
    SaveView(String),
    /// Deletes the saved view of this name: the screen asked first.
    DeleteView(String),
    /// Saves a bulk run's results (CSV) to a file.
    SaveBulkResults,
    CreateLink(Box<crate::aps::request::PaymentLink>),
    RefreshLinks,
    UpdateToken(Box<crate::aps::request::UpdateToken>),
    SaveReceipt {
        order_id: i64,
        operation_id: Option<i64>,
    },
    /// Render the receipt on the chosen paper and open it in the system's
    /// PDF viewer, to print from there.
    PrintReceipt {
        order_id: i64,
        operation_id: Option<i64>,
    },
    ExportCsv,
    LoadBulkCsv,
    TestProfile(String),
    UseProfile(String),
    RemoveProfile(String),
    /// The secrets travel once, to the keyring task, and are dropped there.
    SaveProfile(Box<(crate::profiles::Profile, crate::profiles::ProfileSecrets)>),
    /// Look a reference the journal does not have up at APS (CHECK_STATUS)
    /// and open its detail.
    LookUpReference(String),
    /// Read a file for the Import screen, its columns mapped (`COLUMN=FIELD`).
    PreviewImport {
        path: std::path::PathBuf,
        mappings: Vec<String>,
    },
    ChooseImportFile,
    RunImport {
        path: std::path::PathBuf,
        mappings: Vec<String>,
    },
}

/// What is remembered between launches: the language, the theme, the
/// screen, and the Transactions filter's choices (states, currency, sort) —
/// never a secret, never what was typed into search (customer names and
/// emails), never the account the filter was scoped to. [`Settings::persisted`]
/// is what is written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// `en` or `ar`.
    pub language: String,
    pub dark: bool,
    pub screen: Screen,
    pub filter: OrderFilter,
}

impl Settings {
    /// The language the operator chose (English unless it was Arabic).
    #[must_use]
    pub fn language(&self) -> Language {
        if self.language == Language::Ar.as_str() {
            Language::Ar
        } else {
            Language::En
        }
    }

    /// The settings as they may be written to disk: the search text and the
    /// account scope removed (the next session may open another account).
    #[must_use]
    pub fn persisted(&self) -> Settings {
        let mut settings = self.clone();
        settings.filter.text.clear();
        settings.filter.profile = None;
        settings.filter.environment = None;
        settings
    }
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            language: "en".to_owned(),
            dark: false,
            screen: Screen::Transactions,
            // Newest first.
            filter: OrderFilter {
                descending: true,
                ..OrderFilter::default()
            },
        }
    }
}

/// The storage key of [`Settings`].
pub const SETTINGS_KEY: &str = "apsdesk-settings";

/// When `run` began, to report how long the window took to show its first frame.
static LAUNCHED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// A message shown for a few seconds.
#[derive(Debug, Clone)]
struct Toast {
    text: String,
    until: f64,
}

/// The app.
pub struct DeskApp {
    pub settings: Settings,
    pub tr: Tr,
    pub backend: Backend,
    pub transactions: TransactionsScreen,
    pub activity: ActivityScreen,
    pub signature: SignatureScreen,
    pub bulk: bulk::BulkScreen,
    pub links: links::LinksScreen,
    pub tokens: tokens::TokensScreen,
    pub profiles: profiles::ProfilesScreen,
    pub import: import::ImportScreen,
    /// The journal a profile switched to uses (the installation's).
    pub journal_for_profiles: Option<std::path::PathBuf>,
    pub dialog: Option<OperationDialog>,
    /// Where receipts and exports are saved: the OS dialog, or a folder in tests.
    pub save_target: std::sync::Arc<dyn crate::receipt::SaveTarget + Send + Sync>,
    /// Where Print… puts a receipt before the system's viewer opens it (a
    /// private folder; a test's folder, not opened, in tests).
    pub print_target: std::sync::Arc<dyn crate::receipt::SaveTarget + Send + Sync>,
    pub demo_progress: Option<(usize, usize)>,
    toasts: Vec<Toast>,
    commands: Vec<AppCommand>,
    first_frame_logged: bool,
    /// The About box is open.
    pub about_open: bool,
    /// The window title last sent, so that it is sent only when it changes.
    title_sent: String,
    /// The lock on the journal this window works on (none for the demo,
    /// whose journal is its own).
    pub journal_lock: Option<instance::JournalLock>,
    /// The command palette (Ctrl+K).
    pub palette: palette::Palette,
    /// Where the profiles' saved views are kept (the config folder's
    /// `views`); `None` keeps them for this session only (the demo).
    pub views_dir: Option<std::path::PathBuf>,
    /// Where the open profile's views are kept now: being read, read from
    /// their file, or this session's only.
    pub views_store: views::ViewsStore,
}

impl std::fmt::Debug for DeskApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DeskApp({:?})", self.backend.session())
    }
}

impl DeskApp {
    /// The app over a backend, with remembered settings.
    pub fn new(backend: Backend, settings: Settings, ctx: &egui::Context) -> DeskApp {
        // A settings file of an older version may still hold search text.
        let mut settings = settings;
        settings = settings.persisted();
        widgets::install_fonts(ctx);
        ctx.set_theme(theme(settings.dark));
        backend.set_repaint(ctx);
        let language = settings.language();
        let mut app = DeskApp {
            tr: Tr::new(language),
            transactions: TransactionsScreen::with_filter(settings.filter.clone()),
            activity: ActivityScreen::default(),
            signature: SignatureScreen::default(),
            bulk: bulk::BulkScreen::default(),
            links: links::LinksScreen::default(),
            tokens: tokens::TokensScreen::default(),
            profiles: profiles::ProfilesScreen::default(),
            import: import::ImportScreen::default(),
            journal_for_profiles: crate::journal::store::default_path(),
            dialog: None,
            save_target: std::sync::Arc::new(files::DialogTarget),
            print_target: std::sync::Arc::new(files::PrintFolder),
            demo_progress: backend.session().demo.then_some((0, 0)),
            toasts: Vec::new(),
            commands: Vec::new(),
            first_frame_logged: false,
            about_open: false,
            title_sent: String::new(),
            journal_lock: None,
            palette: palette::Palette::default(),
            views_dir: None,
            views_store: views::ViewsStore::Session,
            settings,
            backend,
        };
        app.transactions.reload(&app.backend);
        // What a crash left pending is settled before anything else is sent;
        // a bulk run the closing of the app cut short is reported.
        if !app.backend.session().demo {
            app.backend.reconcile_at_startup();
            // Imported orders an earlier session left unconfirmed.
            app.backend.confirm_imports();
            app.backend.find_interrupted_run();
        }
        app
    }

    /// The toasts on screen now, oldest first.
    pub fn toast_texts(&self) -> Vec<String> {
        self.toasts.iter().map(|toast| toast.text.clone()).collect()
    }

    /// Keeps saved views in `dir` (one file per profile) and loads the open
    /// profile's.
    pub fn use_views_dir(&mut self, dir: std::path::PathBuf) {
        self.views_dir = Some(dir);
        self.load_views();
    }

    fn views_file(&self) -> Option<std::path::PathBuf> {
        self.views_dir
            .as_deref()
            .map(|dir| views::file_for(dir, &self.backend.session().profile))
    }

    /// Reads the open profile's views file; changes made meanwhile wait
    /// for it.
    fn load_views(&mut self) {
        let path = self.views_file();
        self.views_store = views::ViewsStore::loading(path.clone());
        if let Some(path) = path {
            self.backend.load_views(path);
        }
    }

    /// Shows the views after a change or a read, and writes them where the
    /// store says.
    fn show_views(&mut self, update: views::ViewsUpdate) {
        self.transactions.views = update.views;
        if let Some(path) = update.write_to {
            self.backend
                .save_views(path, self.transactions.views.clone());
        }
    }

    /// Runs what the palette chose: the same commands as the screens'
    /// buttons and shortcuts.
    fn run_palette_action(&mut self, action: &palette::PaletteAction) {
        use palette::PaletteAction;
        if let Some(command) = palette::command_for(action) {
            self.commands.push(command);
            return;
        }
        let shown = self
            .transactions
            .detail
            .as_ref()
            .map(|detail| detail.order.clone());
        match action {
            PaletteAction::ClearFilters => {
                self.settings.screen = Screen::Transactions;
                self.transactions.clear_filters(&self.backend);
            }
            PaletteAction::SelectAllFiltered => {
                self.settings.screen = Screen::Transactions;
                self.transactions.select_all(&self.backend);
            }
            PaletteAction::CaptureShown | PaletteAction::RefundShown => {
                let kind = if *action == PaletteAction::CaptureShown {
                    OperationKind::Capture
                } else {
                    OperationKind::Refund
                };
                match shown {
                    Some(order) => self
                        .commands
                        .push(AppCommand::OpenDialog(kind, Box::new(order))),
                    None => self
                        .commands
                        .push(AppCommand::Toast(self.tr.text("detail-none"))),
                }
            }
            PaletteAction::StatusShown => match shown {
                Some(order) => self
                    .commands
                    .push(AppCommand::CheckStatus(order.merchant_reference)),
                None => self
                    .commands
                    .push(AppCommand::Toast(self.tr.text("detail-none"))),
            },
            PaletteAction::ToggleTheme => {
                self.commands.push(AppCommand::SetDark(!self.settings.dark));
            }
            PaletteAction::SaveView => {
                self.settings.screen = Screen::Transactions;
                self.transactions.naming_view = Some(String::new());
            }
            PaletteAction::RecallView(name) => {
                self.settings.screen = Screen::Transactions;
                self.transactions.recall(name, &self.backend);
            }
            PaletteAction::DeleteView(name) => {
                // The same question as the list's delete button asks.
                self.settings.screen = Screen::Transactions;
                self.transactions.ask_delete_view(name);
            }
            PaletteAction::Go(_)
            | PaletteAction::ExportCsv
            | PaletteAction::BulkOnSelection(_)
            | PaletteAction::Language(_) => {}
        }
    }

    fn toast(&mut self, ctx: &egui::Context, text: String) {
        let now = ctx.input(|input| input.time);
        self.toasts.push(Toast {
            text,
            until: now + 5.0,
        });
    }

    /// Applies the results that arrived and the commands of the last frame.
    pub fn logic(&mut self, ctx: &egui::Context) {
        for result in self.backend.drain() {
            self.apply_result(ctx, result);
        }
        for command in std::mem::take(&mut self.commands) {
            self.apply_command(ctx, command);
        }
        let now = ctx.input(|input| input.time);
        self.toasts.retain(|toast| toast.until > now);
        if !self.toasts.is_empty() {
            ctx.request_repaint_after(std::time::Duration::from_millis(500));
        }
    }

    fn refresh_selected(&mut self) {
        self.transactions.reload(&self.backend);
        if let Some(id) = self.transactions.selected {
            self.backend.load_detail(id);
        }
    }

    fn apply_result(&mut self, ctx: &egui::Context, result: TaskResult) {
        match result {
            TaskResult::DemoProgress { done, total } => self.demo_progress = Some((done, total)),
            TaskResult::DemoReady => {
                self.demo_progress = None;
                self.transactions.reload(&self.backend);
            }
            TaskResult::Page {
                generation,
                rows,
                next,
                append,
            } => self
                .transactions
                .page_arrived(generation, rows, next, append),
            TaskResult::Count { generation, count } => {
                self.transactions.count_arrived(generation, count);
            }
            TaskResult::AllMatching {
                generation,
                rows,
                complete,
            } => {
                if !complete && self.transactions.selecting_all {
                    self.transactions.selecting_all = false;
                    let text = self.tr.args(
                        "select-all-too-many",
                        &[("limit", transactions::SELECT_ALL_LIMIT.into())],
                    );
                    self.toast(ctx, text);
                }
                self.transactions
                    .matching_arrived(generation, rows, complete);
            }
            TaskResult::ViewsRead { path, read } => {
                if let Some(update) = self.views_store.read(&path, &read) {
                    self.show_views(update);
                    match &read {
                        views::ViewsRead::Read(_) => {}
                        views::ViewsRead::SetAside { kept_as, detail } => {
                            tracing::warn!("saved views set aside: {detail}");
                            let text = self.tr.args(
                                "views-set-aside",
                                &[("path", kept_as.display().to_string().into())],
                            );
                            self.toast(ctx, text);
                        }
                        views::ViewsRead::Unreadable { detail } => {
                            tracing::warn!("saved views unreadable: {detail}");
                            let text = self.tr.args(
                                "views-unreadable",
                                &[("path", path.display().to_string().into())],
                            );
                            self.toast(ctx, text);
                        }
                    }
                }
            }
            TaskResult::ViewsWritten(path) => {
                tracing::debug!("saved views written to {}", path.display());
            }
            TaskResult::SelectionForBulk { kind, orders } => {
                self.bulk.preview_selection(kind, &orders);
            }
            TaskResult::BulkNotStarted(error) => {
                tracing::warn!("a bulk run did not start: {error:?}");
                self.bulk.not_started();
                let text = explain::task_error(&self.tr, &error);
                self.toast(ctx, text);
            }
            TaskResult::InterruptedElsewhere(profile) => {
                let text = self
                    .tr
                    .args("bulk-interrupted-elsewhere", &[("profile", profile.into())]);
                self.toast(ctx, text);
            }
            TaskResult::Interrupted(None) => {}
            TaskResult::Interrupted(Some(interrupted)) => {
                let (sent, unanswered) = interrupted.sent_and_unanswered();
                let text = self.tr.args(
                    "bulk-interrupted",
                    &[
                        ("sent", sent.into()),
                        ("unanswered", unanswered.into()),
                        ("total", interrupted.fates.len().into()),
                    ],
                );
                self.bulk.show_interrupted(&interrupted);
                self.settings.screen = Screen::Bulk;
                self.toast(ctx, text);
            }
            TaskResult::Detail(detail) => self.transactions.detail_arrived(*detail),
            TaskResult::Links(links) => self.links.links = links,
            TaskResult::SavedNotOpened(path) => {
                let text = self.tr.args(
                    "toast-saved-not-opened",
                    &[("path", path.display().to_string().into())],
                );
                self.toast(ctx, text);
            }
            TaskResult::Saved(path) => {
                let text = self.tr.args(
                    "toast-saved",
                    &[("path", path.display().to_string().into())],
                );
                self.toast(ctx, text);
            }
            TaskResult::BulkInput(text) => {
                if !self.bulk.running {
                    self.bulk.input = text;
                }
            }
            TaskResult::Profiles(Ok(profiles)) => self.profiles.profiles = profiles,
            TaskResult::Profiles(Err(error)) => {
                tracing::warn!("profiles: {error:?}");
                let text = explain::task_error(&self.tr, &error);
                self.profiles.error = Some(text.clone());
                self.toast(ctx, text);
            }
            TaskResult::ProfileTested { name, verdict } => {
                let text = verdict.explain(self.tr.language());
                self.profiles.verdicts.retain(|(known, _)| known != &name);
                self.profiles.verdicts.push((name, text.clone()));
                self.toast(ctx, text);
            }
            TaskResult::ProfileSaved(name) => {
                let text = self.tr.args("profile-saved", &[("name", name.into())]);
                self.toast(ctx, text);
                self.profiles.reset_form(ctx);
                self.backend.load_profiles();
            }
            TaskResult::Switched(_) if self.bulk.running => {
                // A run started while the switch was being prepared.
                let text = self.tr.text("profile-switch-bulk-running");
                self.toast(ctx, text);
            }
            TaskResult::Switched(backend) => {
                let name = backend.session().profile.clone();
                backend.set_repaint(ctx);
                self.backend = *backend;
                self.dialog = None;
                // Nothing of the previous account is kept on screen.
                self.transactions =
                    TransactionsScreen::with_filter(self.settings.persisted().filter);
                self.bulk = bulk::BulkScreen::default();
                self.links = links::LinksScreen::default();
                self.activity = ActivityScreen::default();
                self.transactions.reload(&self.backend);
                self.backend.reconcile_at_startup();
                // A run cut short under this profile, kept while another was open.
                self.backend.find_interrupted_run();
                self.demo_progress = None;
                // The views are the profile's own.
                self.load_views();
                let text = self.tr.args("profile-switched", &[("name", name.into())]);
                self.toast(ctx, text);
            }
            TaskResult::Operation(result) => {
                match result.command {
                    crate::aps::Command::PaymentLink
                    | crate::aps::Command::CheckPaymentLinkStatus => {
                        self.backend.load_links();
                    }
                    crate::aps::Command::UpdateToken => {
                        self.tokens.pending = false;
                        self.tokens.result = Some(result.clone());
                    }
                    // Their dialog or Bulk row gets the result by ticket.
                    crate::aps::Command::Authorization
                    | crate::aps::Command::Purchase
                    | crate::aps::Command::Capture
                    | crate::aps::Command::VoidAuthorization
                    | crate::aps::Command::Refund
                    | crate::aps::Command::CheckStatus
                    | crate::aps::Command::GetInstallmentsPlans => {}
                }
                let summary = explain::operation_toast(&self.tr, &result);
                if self
                    .transactions
                    .miss_answered(result.ticket, &result.merchant_reference)
                {
                    self.backend
                        .load_detail_by_reference(result.merchant_reference.clone());
                }
                if let Some(dialog) = &mut self.dialog
                    && dialog.pending
                    && dialog.ticket == Some(result.ticket)
                {
                    dialog.finished(result);
                }
                self.toast(ctx, summary);
                self.refresh_selected();
            }
            TaskResult::Reconciled(resolutions) => {
                for (operation, resolution) in resolutions {
                    let text = explain::resolution(&self.tr, operation, &resolution);
                    self.toast(ctx, text);
                }
                self.refresh_selected();
            }
            TaskResult::DriftAcknowledged {
                merchant_reference,
                recorded,
            } => {
                let id = if recorded {
                    "drift-acknowledged"
                } else {
                    "drift-none-left"
                };
                let text = self
                    .tr
                    .args(id, &[("reference", merchant_reference.into())]);
                self.toast(ctx, text);
                self.refresh_selected();
            }
            TaskResult::Activity(entries) => self.activity.entries = entries,
            TaskResult::Chain(report) => self.activity.chain = Some(report),
            TaskResult::BulkRow { index, state } => {
                let finished =
                    matches!(state, bulk::RowState::Done(_) | bulk::RowState::Skipped(_));
                self.bulk.row_update(index, state);
                if finished && !self.bulk.running {
                    self.refresh_selected();
                }
            }
            TaskResult::ImportPreview(preview) => {
                self.import.path_text = preview.path.display().to_string();
                self.import.preview = Some(*preview);
            }
            TaskResult::Imported(recorded) => {
                self.import.running = false;
                if recorded.is_ok() {
                    self.import.preview = None;
                    self.import.confirmed = None;
                }
                self.import.recorded = Some(recorded);
                self.transactions.reload(&self.backend);
            }
            TaskResult::ImportProgress { done, total } => {
                self.import.progress = Some((done, total));
            }
            TaskResult::ImportConfirmed(report) => {
                let any = report
                    .as_ref()
                    .map_or(true, |report| report.confirmed + report.still_pending > 0);
                if any {
                    self.import.confirmed = Some(report);
                    self.refresh_selected();
                }
            }
            TaskResult::Failed(error) => {
                // The library's English detail goes to the log; the operator
                // reads the sentence.
                tracing::warn!("a background task failed: {error:?}");
                let text = explain::task_error(&self.tr, &error);
                self.toast(ctx, text);
            }
        }
    }

    /// A receipt on the chosen paper, written where `target` says.
    fn receipt_to(
        &self,
        order_id: i64,
        operation_id: Option<i64>,
        target: &std::sync::Arc<dyn crate::receipt::SaveTarget + Send + Sync>,
    ) {
        self.backend.save_receipt(
            order_id,
            operation_id,
            std::sync::Arc::clone(target),
            self.transactions.receipt_paper,
        );
    }

    fn apply_command(&mut self, ctx: &egui::Context, command: AppCommand) {
        match command {
            AppCommand::OpenDialog(kind, order) => {
                if let Some(reason) = transactions::operation_refused(kind, &order) {
                    let text = explain::skip_reason(&self.tr, &reason);
                    self.commands.push(AppCommand::Toast(text));
                    return;
                }
                let mut dialog = OperationDialog::new(kind, *order);
                // What the journal knows of the order's wallet decides the
                // credential set the preview signs with, as the desk will.
                if let Some(detail) = &self.transactions.detail
                    && detail.order.id == dialog.order.id
                    && let Some(set) = detail.credential_set
                {
                    dialog.signing = set;
                }
                self.dialog = Some(dialog);
            }
            AppCommand::LookUpReference(reference) => {
                match crate::aps::request::CheckStatus::for_reference(&reference) {
                    Ok(check) => {
                        let ticket = self
                            .backend
                            .submit(Operation::CheckStatus(check), self.tr.language());
                        self.transactions.miss.ticket = Some(ticket);
                    }
                    Err(errors) => self.toast(ctx, errors.message(self.tr.language())),
                }
            }
            AppCommand::PreviewImport { path, mappings } => {
                self.backend.preview_import(path, mappings);
            }
            AppCommand::ChooseImportFile => self.backend.choose_import_file(),
            AppCommand::RunImport { path, mappings } => {
                self.import.running = true;
                self.import.recorded = None;
                self.import.progress = None;
                self.backend.run_import(path, mappings);
            }
            AppCommand::CheckStatus(reference) => {
                self.backend.check_status(&reference, self.tr.language());
            }
            AppCommand::Reconcile(operation) => self.backend.reconcile(operation),
            AppCommand::AcknowledgeDrift(reference) => self.backend.acknowledge_drift(reference),
            AppCommand::Copy { what, value } => {
                ctx.copy_text(value);
                let text = self.tr.args("copied", &[("what", what.into())]);
                self.toast(ctx, text);
            }
            AppCommand::Toast(text) => self.toast(ctx, text),
            AppCommand::Refused(errors) => {
                let text = explain::problem(&self.tr, &results::Problem::Invalid(errors));
                self.toast(ctx, text);
            }
            AppCommand::LoadActivity => self.backend.load_activity(500),
            AppCommand::VerifyChain => self.backend.verify_chain(),
            AppCommand::SetLanguage(language) => {
                self.tr.set_language(language);
                language.as_str().clone_into(&mut self.settings.language);
            }
            AppCommand::SetScreen(screen) => {
                self.settings.screen = screen;
                if screen == Screen::Activity {
                    self.backend.load_activity(500);
                }
                if screen == Screen::Links {
                    self.backend.load_links();
                }
                if screen == Screen::Profiles {
                    self.backend.load_profiles();
                }
            }
            AppCommand::SaveView(name) => {
                let replaced = views::find(&self.transactions.views, &name).is_some();
                let view = views::SavedView::new(&name, &self.transactions.filter);
                let update = self.views_store.change(
                    std::mem::take(&mut self.transactions.views),
                    views::ViewChange::Save(Box::new(view)),
                );
                self.show_views(update);
                let id = if replaced {
                    "views-replaced"
                } else {
                    "views-saved"
                };
                let text = self.tr.args(id, &[("name", name.into())]);
                self.toast(ctx, text);
            }
            AppCommand::DeleteView(name) => {
                let Some(known) = views::find(&self.transactions.views, &name) else {
                    return;
                };
                let shown_name = known.name.clone();
                let update = self.views_store.change(
                    std::mem::take(&mut self.transactions.views),
                    views::ViewChange::Delete(name),
                );
                self.show_views(update);
                let text = self
                    .tr
                    .args("views-deleted", &[("name", shown_name.into())]);
                self.toast(ctx, text);
            }
            AppCommand::SaveBulkResults => {
                self.backend.save_bulk_results(
                    bulk::results_csv(&self.bulk.rows, &self.tr),
                    std::sync::Arc::clone(&self.save_target),
                );
            }
            AppCommand::BulkFromSelection(kind) => {
                // Previewed as the journal holds the orders now, not as
                // they were when clicked.
                // Only the selected orders the list shows: one the filter
                // hides is left out, and the operator told so.
                let seen = self.transactions.selection();
                if seen.hidden > 0 {
                    let text = self.tr.args(
                        "selection-hidden-left-out",
                        &[("hidden", seen.hidden.into())],
                    );
                    self.toast(ctx, text);
                }
                self.backend.load_selection_for_bulk(kind, seen.shown);
                self.settings.screen = Screen::Bulk;
            }
            AppCommand::RunBulk(kind) => {
                // Rows refused when read (with their reason) are not sent.
                let rows = self
                    .bulk
                    .rows
                    .iter()
                    .enumerate()
                    .filter(|(_, row)| matches!(row.state, bulk::RowState::Waiting))
                    .map(|(index, row)| bulk::RunRow {
                        index,
                        merchant_reference: row.merchant_reference.clone(),
                        amount: row.amount.clone(),
                        currency: row.currency.clone(),
                        left_at_preview: row.left_at_preview,
                    })
                    .collect();
                self.backend
                    .run_bulk(kind, rows, self.bulk.control.clone(), self.tr.language());
            }
            AppCommand::Submit { operation, origin } => {
                let ticket = self.backend.submit(*operation, self.tr.language());
                match origin {
                    SubmitOrigin::Dialog => {
                        if let Some(dialog) = &mut self.dialog {
                            dialog.ticket = Some(ticket);
                        }
                    }
                    SubmitOrigin::Screen => {}
                }
            }
            AppCommand::CreateLink(link) => {
                self.backend
                    .submit(Operation::PaymentLink(*link), self.tr.language());
            }
            AppCommand::UpdateToken(update) => {
                self.backend
                    .submit(Operation::UpdateToken(*update), self.tr.language());
            }
            AppCommand::RefreshLinks => {
                for link in &self.links.links {
                    if let Ok(check) = crate::aps::request::CheckPaymentLinkStatus::parse(
                        link.payment_link_id.as_deref(),
                        Some(&link.merchant_reference),
                    ) {
                        // By id the desk cannot name the order: ask by reference.
                        let check = match check {
                            crate::aps::request::CheckPaymentLinkStatus::ById { .. } => {
                                crate::aps::request::CheckPaymentLinkStatus::ByReference {
                                    merchant_reference: link.merchant_reference.clone(),
                                }
                            }
                            by_reference @ crate::aps::request::CheckPaymentLinkStatus::ByReference { .. } => by_reference,
                        };
                        self.backend
                            .submit(Operation::CheckPaymentLinkStatus(check), self.tr.language());
                    }
                }
            }
            AppCommand::SaveReceipt {
                order_id,
                operation_id,
            } => self.receipt_to(order_id, operation_id, &self.save_target.clone()),
            AppCommand::PrintReceipt {
                order_id,
                operation_id,
            } => self.receipt_to(order_id, operation_id, &self.print_target.clone()),
            AppCommand::ExportCsv => {
                self.backend.export_csv(
                    self.transactions.filter.clone(),
                    std::sync::Arc::clone(&self.save_target),
                );
            }
            AppCommand::LoadBulkCsv => self.backend.load_bulk_csv(),
            AppCommand::TestProfile(name) => self.backend.test_profile(name),
            AppCommand::RemoveProfile(name) => self.backend.remove_profile(name),
            AppCommand::SaveProfile(boxed) => {
                let (profile, secrets) = *boxed;
                self.backend.save_profile(profile, secrets);
            }
            AppCommand::UseProfile(_) if self.bulk.running => {
                // The run would go on unseen under the other account, and
                // the next run would take over its record.
                let text = self.tr.text("profile-switch-bulk-running");
                self.toast(ctx, text);
            }
            AppCommand::UseProfile(name) => {
                if let Some(journal) = self.journal_for_profiles.clone() {
                    // The installation's journal may be open in another
                    // window: one window per journal.
                    if self
                        .journal_lock
                        .as_ref()
                        .is_some_and(|lock| lock.journal() == journal)
                    {
                        self.backend.switch_to(name, journal);
                    } else {
                        match instance::JournalLock::acquire(&journal) {
                            Ok(lock) => {
                                self.journal_lock = Some(lock);
                                self.backend.switch_to(name, journal);
                            }
                            Err(instance::LockError::Held(_)) => {
                                let text = self.tr.text("journal-already-open");
                                self.toast(ctx, text);
                            }
                            Err(error @ instance::LockError::Io { .. }) => {
                                tracing::warn!("{error}");
                                let text = explain::task_error(
                                    &self.tr,
                                    &backend::TaskError::JournalLock(error.to_string()),
                                );
                                self.toast(ctx, text);
                            }
                        }
                    }
                } else {
                    let text = explain::task_error(&self.tr, &backend::TaskError::NoDataDirectory);
                    self.toast(ctx, text);
                }
            }
            AppCommand::SetDark(dark) => {
                self.settings.dark = dark;
                ctx.set_theme(theme(dark));
            }
        }
    }

    /// Draws one frame.
    pub fn ui(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        if !self.first_frame_logged {
            self.first_frame_logged = true;
            if let Some(launched) = LAUNCHED.get() {
                tracing::info!(
                    "first frame {} ms after launch",
                    launched.elapsed().as_millis()
                );
            }
        }
        self.settings.filter = self.transactions.filter.clone();
        let title = self.window_title();
        if title != self.title_sent {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title_sent = title;
        }
        egui::Panel::top("banner").show(ui, |ui| self.banner_ui(ui));
        egui::Panel::top("navigation").show(ui, |ui| self.navigation_ui(ui));
        egui::Panel::bottom("toasts").show(ui, |ui| {
            let rtl = self.tr.is_rtl();
            for toast in &self.toasts {
                // From the reading side, as every row of the app.
                widgets::row(ui, rtl, |ui| widgets::label(ui, &toast.text, rtl));
            }
        });
        let mut commands = Vec::new();
        egui::CentralPanel::default().show(ui, |ui| match self.settings.screen {
            Screen::Transactions => {
                self.transactions
                    .ui(ui, &self.tr, &self.backend, &mut commands);
            }
            Screen::Activity => self.activity.ui(ui, &self.tr, &mut commands),
            Screen::Import => self.import.ui(ui, &self.tr, &mut commands),
            Screen::Links => self.links.ui(ui, &self.tr, &mut commands),
            Screen::Tokens => self.tokens.ui(ui, &self.tr, &mut commands),
            Screen::Profiles => {
                let active = self.backend.session().profile.clone();
                self.profiles.ui(ui, &self.tr, &active, &mut commands);
            }
            Screen::Bulk => {
                // The listed orders are the open account's only (the
                // backend scopes every query).
                let context = bulk::BulkContext {
                    account: self.account_label(),
                    production: self.backend.session().is_production(),
                    listed: self.transactions.rows.clone(),
                };
                self.bulk.ui(ui, &self.tr, &context, &mut commands);
            }
            Screen::Signature => {
                let credentials = self.backend.desk().client.credentials().clone();
                self.signature.ui(ui, &self.tr, &credentials);
            }
        });
        if let Some(dialog) = &mut self.dialog
            && !dialog.ui(&ctx, &self.tr, &self.backend, &mut commands)
        {
            self.dialog = None;
        }
        if self.about_open {
            about::show(&ctx, &self.tr, &mut self.about_open);
        }
        if ctx.input_mut(|input| input.consume_key(egui::Modifiers::COMMAND, egui::Key::K)) {
            self.palette.open = !self.palette.open;
        }
        let names: Vec<String> = self
            .transactions
            .views
            .iter()
            .map(|view| view.name.clone())
            .collect();
        if let Some(action) = self.palette.ui(&ctx, &self.tr, &names) {
            self.run_palette_action(&action);
        }
        self.shortcuts(&ctx, &mut commands);
        self.commands.extend(commands);
        if !self.commands.is_empty() {
            ctx.request_repaint();
        }
    }

    /// The open account, as the operator knows it: profile, merchant
    /// identifier and environment.
    pub fn account_label(&self) -> String {
        let session = self.backend.session();
        format!(
            "{} · {} · {}",
            session.profile,
            self.backend.desk().client.credentials().merchant_identifier,
            explain::environment(&self.tr, session.environment)
        )
    }

    /// The window's title: the app, the profile and the environment, so that
    /// the task bar and Alt-Tab tell a production window from a sandbox one.
    pub fn window_title(&self) -> String {
        let session = self.backend.session();
        if session.demo {
            return self.tr.text("window-title-demo");
        }
        let environment = self.tr.text(match session.environment {
            Environment::Production => "title-production",
            Environment::Sandbox => "title-sandbox",
            Environment::Custom => "title-custom",
            Environment::Simulator => "title-simulator",
        });
        // Without the isolates' marks: the window manager lays out the
        // title itself, and some draw the marks as boxes.
        self.tr
            .args(
                "window-title",
                &[
                    ("profile", session.profile.clone().into()),
                    ("environment", environment.into()),
                ],
            )
            .replace(['\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}'], "")
    }

    /// Keyboard shortcuts for the frequent actions on the selected order.
    fn shortcuts(&self, ctx: &egui::Context, commands: &mut Vec<AppCommand>) {
        if self.dialog.is_none()
            && self.settings.screen == Screen::Transactions
            && ctx.input_mut(|input| input.consume_key(egui::Modifiers::COMMAND, egui::Key::E))
        {
            commands.push(AppCommand::ExportCsv);
        }
        let Some(detail) = &self.transactions.detail else {
            return;
        };
        if self.dialog.is_some() || self.settings.screen != Screen::Transactions {
            return;
        }
        let shift_command = egui::Modifiers::COMMAND | egui::Modifiers::SHIFT;
        let order = &detail.order;
        ctx.input_mut(|input| {
            if input.consume_key(shift_command, egui::Key::C) {
                commands.push(AppCommand::OpenDialog(
                    OperationKind::Capture,
                    Box::new(order.clone()),
                ));
            } else if input.consume_key(shift_command, egui::Key::R) {
                commands.push(AppCommand::OpenDialog(
                    OperationKind::Refund,
                    Box::new(order.clone()),
                ));
            } else if input.consume_key(shift_command, egui::Key::S) {
                commands.push(AppCommand::CheckStatus(order.merchant_reference.clone()));
            } else if input.consume_key(egui::Modifiers::COMMAND, egui::Key::P) {
                commands.push(AppCommand::SaveReceipt {
                    order_id: order.id,
                    operation_id: None,
                });
            }
        });
    }

    fn banner_ui(&self, ui: &mut Ui) {
        let session = self.backend.session();
        let rtl = self.tr.is_rtl();
        let (id, color) = match (session.demo, session.environment) {
            (true, _) => ("demo-banner", Color32::from_rgb(0xb8, 0x7a, 0x00)),
            (false, Environment::Production) => {
                ("production-banner", Color32::from_rgb(0xc0, 0x10, 0x10))
            }
            (false, Environment::Sandbox) => {
                ("sandbox-banner", Color32::from_rgb(0x1f, 0x5f, 0xbf))
            }
            (false, Environment::Simulator) => {
                ("simulator-banner", Color32::from_rgb(0x55, 0x55, 0x55))
            }
            // Neither APS nor this machine: allowed explicitly, and said so.
            (false, Environment::Custom) => ("custom-banner", Color32::from_rgb(0x7a, 0x1f, 0x9b)),
        };
        egui::Frame::new()
            .fill(color)
            .inner_margin(6.0)
            .show(ui, |ui| {
                widgets::row(ui, rtl, |ui| {
                    let title = self.tr.text(id);
                    ui.label(colored_text(ui, &title, rtl, true, Color32::WHITE));
                    let environment = self.tr.text(match session.environment {
                        Environment::Production => "production-banner",
                        Environment::Sandbox => "sandbox-banner",
                        Environment::Simulator => "simulator-banner",
                        Environment::Custom => "custom-banner",
                    });
                    let text = self.tr.args(
                        "banner-profile",
                        &[
                            ("profile", session.profile.clone().into()),
                            ("environment", environment.into()),
                            ("operator", session.operator.clone().into()),
                        ],
                    );
                    ui.label(colored_text(ui, &text, rtl, false, Color32::WHITE));
                    if let Some((done, total)) = self.demo_progress {
                        ui.spinner();
                        let text = self.tr.args(
                            "demo-loading",
                            &[("done", done.into()), ("total", total.into())],
                        );
                        ui.label(colored_text(ui, &text, rtl, false, Color32::WHITE));
                    }
                });
            });
    }

    fn navigation_ui(&mut self, ui: &mut Ui) {
        let rtl = self.tr.is_rtl();
        widgets::row(ui, rtl, |ui| {
            for (screen, id) in [
                (Screen::Transactions, "nav-transactions"),
                (Screen::Bulk, "nav-bulk"),
                (Screen::Links, "nav-links"),
                (Screen::Tokens, "nav-tokens"),
                (Screen::Profiles, "nav-profiles"),
                (Screen::Activity, "nav-activity"),
                (Screen::Signature, "nav-signature"),
                (Screen::Import, "nav-import"),
            ] {
                let text = widget_text(ui, &self.tr.text(id), rtl, self.settings.screen == screen);
                if ui
                    .selectable_label(self.settings.screen == screen, text)
                    .clicked()
                {
                    self.commands.push(AppCommand::SetScreen(screen));
                }
            }
            ui.separator();
            // Each language is offered in its own name.
            if ui
                .selectable_label(self.tr.language() == Language::En, "English")
                .clicked()
            {
                self.commands.push(AppCommand::SetLanguage(Language::En));
            }
            if ui
                .selectable_label(
                    self.tr.language() == Language::Ar,
                    widget_text(ui, "العربية", rtl, false),
                )
                .clicked()
            {
                self.commands.push(AppCommand::SetLanguage(Language::Ar));
            }
            ui.separator();
            let dark = self.settings.dark;
            let theme = self
                .tr
                .text(if dark { "theme-light" } else { "theme-dark" });
            if ui.button(widget_text(ui, &theme, rtl, false)).clicked() {
                self.commands.push(AppCommand::SetDark(!dark));
            }
            ui.separator();
            let about = self.tr.text("nav-about");
            if ui.button(widget_text(ui, &about, rtl, false)).clicked() {
                self.about_open = true;
            }
        });
    }
}

impl eframe::App for DeskApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        DeskApp::logic(self, ctx);
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        DeskApp::ui(self, ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.settings.persisted());
    }
}

/// Which account the window opens on.
#[derive(Debug, Clone)]
pub enum Launch {
    /// The demo on the in-process simulator (no account needed).
    Demo,
    /// A profile, with the journal at this path. Its secrets are read from
    /// the keyring before the window opens, never from the UI thread.
    Profile {
        name: String,
        journal: std::path::PathBuf,
    },
}

/// Opens the window; returns when it closes. It opens in `language` when
/// one was asked for (`--lang`), whatever language the window last had.
pub fn run_in(launch: Launch, language: Option<crate::aps::Language>) -> anyhow::Result<()> {
    LAUNCHED.get_or_init(std::time::Instant::now);
    // One window per journal, checked before the keyring or the journal is
    // touched (the demo's journal is its own).
    let journal_lock = match &launch {
        Launch::Demo => None,
        Launch::Profile { journal, .. } => match instance::JournalLock::acquire(journal) {
            Ok(lock) => Some(lock),
            Err(instance::LockError::Held(journal)) => {
                // Started from a menu, stderr is seen by nobody: say it in a
                // window too (a machine without a display just gets stderr).
                show_notice(notice::Notice {
                    heading: "journal-already-open-heading",
                    body: "journal-already-open",
                    detail: journal.display().to_string(),
                });
                return Err(instance::LockError::Held(journal).into());
            }
            Err(error @ instance::LockError::Io { .. }) => return Err(error.into()),
        },
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name("apsdesk-backend")
        .build()?;
    let backend = match launch {
        Launch::Demo => Backend::demo(runtime.handle())?,
        Launch::Profile { name, journal } => {
            let (store, account) = crate::profiles::open_native_account(&name)?;
            // The journal's chain key lives in the same keyring.
            let keys = crate::journal::key::KeySource::Keyring(store.vault().clone());
            let journal = crate::journal::Journal::open_with(&journal, &keys)?;
            Backend::profile(runtime.handle(), journal, account)?
        }
    };
    // Removed on signals here; on a window that cannot open or loses its
    // display, after `run_native` returns (below).
    let demo_dir = backend.demo_dir().map(std::path::Path::to_owned);
    if let Some(dir) = &demo_dir {
        demo_dir::remove_on_signals(runtime.handle(), dir.clone());
    }
    // Taken by the first renderer that gets as far as creating the app; a
    // renderer that fails before leaves it for the next.
    let mut parts = Some((backend, journal_lock));
    let opened = open_window(
        &egui::ViewportBuilder::default().with_inner_size([1280.0, 800.0]),
        &mut |creation| {
            let (backend, journal_lock) = parts.take()?;
            let is_demo = backend.session().demo;
            let mut settings = stored_settings(creation);
            if let Some(language) = language {
                language.as_str().clone_into(&mut settings.language);
            }
            let mut app = DeskApp::new(backend, settings, &creation.egui_ctx);
            app.journal_lock = journal_lock;
            // The demo's views last the session; a profile's are kept in the
            // config folder.
            if !is_demo && let Some(config) = crate::profiles::config_dir() {
                app.use_views_dir(config.join("views"));
            }
            Some(Box::new(app))
        },
    );
    if let Some(dir) = &demo_dir {
        demo_dir::remove(dir);
    }
    opened?;
    drop(runtime);
    Ok(())
}

/// egui's theme for the operator's choice.
fn theme(dark: bool) -> egui::Theme {
    if dark {
        egui::Theme::Dark
    } else {
        egui::Theme::Light
    }
}

/// The settings the operator's last window saved, or the defaults.
fn stored_settings(creation: &eframe::CreationContext<'_>) -> Settings {
    creation
        .storage
        .and_then(|storage| eframe::get_value(storage, SETTINGS_KEY))
        .unwrap_or_default()
}

/// Shows `notice` in a small window of its own until the operator closes it.
/// Where no window can open (no display), the caller's error on stderr is all
/// there is, so a failure here is only logged.
fn show_notice(notice: notice::Notice) {
    let mut notice = Some(notice);
    let opened = open_window(
        &egui::ViewportBuilder::default()
            .with_inner_size([520.0, 200.0])
            .with_resizable(false),
        &mut |creation| {
            let settings = stored_settings(creation);
            creation.egui_ctx.set_theme(theme(settings.dark));
            let window = notice::NoticeWindow::new(
                notice.take()?,
                i18n::Tr::new(settings.language()),
                &creation.egui_ctx,
            );
            Some(Box::new(window))
        },
    );
    if let Err(error) = opened {
        tracing::warn!("the notice could not be shown: {error}");
    }
}

/// Opens one apsdesk window with the first renderer that starts (see
/// [`renderer`]), and returns when it closes. `create` makes the window's app
/// and gives `None` if it was already made: a renderer that fails after that
/// must not open a second window.
fn open_window(
    viewport: &egui::ViewportBuilder,
    create: &mut dyn FnMut(&eframe::CreationContext<'_>) -> Option<Box<dyn eframe::App>>,
) -> anyhow::Result<()> {
    let create = std::cell::RefCell::new(create);
    let app_created = std::cell::Cell::new(false);
    let mut opened = Err(anyhow::anyhow!("no renderer to try"));
    for renderer in renderer::order_from_env() {
        tracing::info!("starting the window with the {} renderer", renderer.name());
        let options = eframe::NativeOptions {
            viewport: viewport
                .clone()
                .with_title("apsdesk")
                .with_app_id("apsdesk")
                .with_icon(std::sync::Arc::new(window_icon())),
            renderer: renderer.into(),
            ..eframe::NativeOptions::default()
        };
        let result = eframe::run_native(
            "apsdesk",
            options,
            Box::new(|creation| {
                let app = (create.borrow_mut())(creation).ok_or("the app was already created")?;
                app_created.set(true);
                Ok(app)
            }),
        );
        match result {
            Ok(()) => {
                opened = Ok(());
                break;
            }
            // The window was up and then failed (lost its display): another
            // renderer would only open a second window.
            Err(error) if app_created.get() => {
                opened = Err(anyhow::anyhow!("the window failed: {error}"));
                break;
            }
            Err(error) => {
                tracing::warn!("the {} renderer could not start: {error}", renderer.name());
                opened = Err(anyhow::anyhow!("the window could not open: {error}"));
            }
        }
    }
    opened
}

/// The window and task bar icon (the installers carry the same design as
/// files for the desktop's menus).
fn window_icon() -> egui::IconData {
    eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icons/apsdesk-256.png"))
        .unwrap_or_default()
}
