//! The Transactions screen: the journal's orders in a virtualized table,
//! filtered and sorted by the journal's queries, with a detail panel and the
//! actions that apply to the selected order's state.
//!
//! Rows arrive a page at a time from the backend; scrolling near the end asks
//! for the next page (keyset paging), so a million orders cost no more than
//! the rows on screen.

use egui::{Align, Key, Layout, RichText, Ui};
use egui_extras::{Column, TableBuilder};

use super::backend::{Backend, OrderDetail};
use super::bulk::{BulkKind, SkipReason};
use super::i18n::Tr;
use super::icons::{self, Icon};
use super::views::SavedView;
use super::widgets::{colored_text, has_arabic, label, row, state_color, widget_text};
use super::{AppCommand, OperationKind};
use crate::journal::export::{format_amount, format_time_short};
use crate::journal::query::Cursor;
use crate::journal::query::day_start_ms;
use crate::journal::store::OrderRecord;
use crate::journal::vocabulary::{EntryKind, OrderState};
use crate::journal::{OrderFilter, SortColumn};

/// What the screen holds between frames.
// Its flags are independent toggles of one screen, not a state machine.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Default)]
pub struct TransactionsScreen {
    pub filter: OrderFilter,
    pub rows: Vec<OrderRecord>,
    next: Option<Cursor>,
    loading: bool,
    /// Bumped on every new query, so that late pages of an old one are dropped.
    generation: u64,
    pub total: Option<u64>,
    /// The order the detail panel shows (the last one clicked).
    pub selected: Option<i64>,
    /// The orders selected for a bulk run (click, Shift-click, Ctrl-click,
    /// select all filtered), with their rows as listed.
    pub marked: std::collections::BTreeMap<i64, OrderRecord>,
    /// Where a Shift-click range starts: the last row clicked without Shift.
    anchor: Option<usize>,
    pub detail: Option<OrderDetail>,
    search_text: String,
    /// The amount bounds as typed, in the chosen currency's major units.
    pub amount_min_text: String,
    pub amount_max_text: String,
    /// The amount bounds could not be read: why, in the operator's words.
    pub amount_error: Option<String>,
    /// The next page to arrive answers a changed filter: the detail panel
    /// keeps its order only if the list shows it.
    prune_selection: bool,
    /// The generation of the rows on screen (`rows`): the list the
    /// operator sees until the next query's first page replaces it.
    shown_generation: u64,
    /// Every order the journal says the current query matches (up to
    /// [`SELECT_ALL_LIMIT`]), read after each new query while something is
    /// selected: with the rows on screen, what the list shows, loaded or not.
    matching: Option<Matching>,
    /// "Select all filtered" is loading the matching orders.
    pub selecting_all: bool,
    /// The date range as picked (days, UTC), `None` for an open end.
    pub date_from: Option<jiff::civil::Date>,
    pub date_to: Option<jiff::civil::Date>,
    /// The profile's saved views (loaded by the app).
    pub views: Vec<SavedView>,
    /// The name being typed for a new saved view, while naming one.
    pub naming_view: Option<String>,
    /// The question asked before a saved view is deleted or saved over.
    pub view_question: Option<ViewQuestion>,
    /// Whether Check status asks for the third-party response codes.
    pub third_party_codes_wanted: bool,
    /// The paper receipts are made for (Receipt… and Print…).
    pub receipt_paper: crate::receipt::Layout,
    /// A look-up on a search's miss, and the reference it will open.
    pub miss: MissLookup,
    /// The direction the table was last scrolled for (a change shows it
    /// from its first column again: the right in Arabic).
    sideways_rtl: Option<bool>,
    sideways_frames: u8,
    /// How far the table scrolls sideways (its width past the panel's).
    sideways_end: f32,
}

/// A search for a reference the journal does not have offers to look it
/// up at APS (CHECK_STATUS, through the desk like any status check); its
/// detail opens when the answer is recorded.
#[derive(Debug, Default)]
pub struct MissLookup {
    /// Enter was pressed in the search field.
    entered: bool,
    /// The look-up in flight.
    pub ticket: Option<crate::journal::desk::Ticket>,
    /// The reference whose detail is to be opened when it arrives.
    pub opening: Option<String>,
}

/// Which end of the date range a picker sets.
#[derive(Debug, Clone, Copy)]
enum DateBound {
    From,
    To,
}

impl DateBound {
    fn salt(self) -> &'static str {
        match self {
            DateBound::From => "filter-date-from",
            DateBound::To => "filter-date-to",
        }
    }
}

/// The orders a query matches, as the journal said (for one generation).
#[derive(Debug, Clone, Default)]
struct Matching {
    generation: u64,
    ids: std::collections::HashSet<i64>,
    /// All of them (not cut at the limit).
    complete: bool,
}

/// The selection as the operator sees it: what an action on it acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectionView {
    /// The selected orders the list shows (in the list or further down it).
    pub shown: Vec<i64>,
    /// Selected orders the filter now hides (or that the journal has not
    /// yet said it still lists): never acted on.
    pub hidden: usize,
}

/// What is asked before a saved view is lost: deleting it, or saving the
/// current filters over it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViewQuestion {
    Delete(String),
    Replace(String),
}

/// A question with its confirming button (`confirm_id`) and Cancel:
/// `Some(true)` confirmed, `Some(false)` cancelled, `None` not answered
/// yet.
fn confirm_ui(ui: &mut Ui, tr: &Tr, question: &str, confirm_id: &str) -> Option<bool> {
    let rtl = tr.is_rtl();
    label(ui, question, rtl);
    if ui
        .button(widget_text(ui, &tr.text(confirm_id), rtl, true))
        .clicked()
    {
        return Some(true);
    }
    ui.button(widget_text(ui, &tr.text("action-cancel"), rtl, false))
        .clicked()
        .then_some(false)
}

/// How many orders "select all filtered" takes at most: a bulk run is
/// previewed and confirmed as a whole, which a larger one defeats.
pub const SELECT_ALL_LIMIT: usize = 5_000;

/// How a row was clicked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Click {
    /// Selects this order alone.
    Plain,
    /// Adds or removes this order (Ctrl, or Cmd on macOS).
    Toggle,
    /// Selects the rows from the last plain click to this one (Shift).
    Range,
}

/// What the date column shows for an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderDate {
    /// The payment's transaction time, from a source that knew it.
    Transaction(String),
    /// Only when the journal first saw the order, and said so: shown as the
    /// transaction date it would be wrong (issue 12: every demo order looked
    /// paid in the same look-up minute).
    Recorded(String),
}

/// The date column: the payment's time when known, else "recorded …".
pub fn order_date(tr: &Tr, order: &OrderRecord) -> OrderDate {
    match order.payment.time {
        Some(time) => OrderDate::Transaction(format_time_short(time.at_ms)),
        None => OrderDate::Recorded(tr.args(
            "date-recorded",
            &[("time", format_time_short(order.created_ms).into())],
        )),
    }
}

/// The guide's capture window (the journal's "expiring soon" filter uses the
/// same days).
pub use crate::journal::query::{CAPTURE_WARN_DAYS, CAPTURE_WINDOW_DAYS, DAY_MS};

/// Where an authorization stands in its capture window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureWindow {
    /// Capturable: whole days since authorization, whole days left
    /// (rounded up), and whether it is past the guide's 5 days.
    Open {
        age_days: i64,
        left_days: i64,
        late: bool,
    },
    /// More than 7 days old. (Said without the count of days, which would
    /// change the words every day for nothing the operator can act on.)
    Passed,
    /// The authorization's own time is not known (only a status check has
    /// seen it): the window cannot be counted, and is not guessed.
    Unknown,
}

/// The capture window of an order with something left to capture; `None`
/// for one with nothing to capture (captured, voided, a purchase...).
pub fn capture_window(order: &OrderRecord, now_ms: i64) -> Option<CaptureWindow> {
    let capturable = matches!(order.state.as_str(), "authorized" | "partially_captured")
        && order.authorized_minor > order.captured_minor;
    if !capturable {
        return None;
    }
    let Some(time) = order.payment.time else {
        return Some(CaptureWindow::Unknown);
    };
    let age_ms = (now_ms - time.at_ms).max(0);
    let age_days = age_ms / DAY_MS;
    let left_ms = CAPTURE_WINDOW_DAYS * DAY_MS - age_ms;
    Some(if left_ms <= 0 {
        CaptureWindow::Passed
    } else {
        CaptureWindow::Open {
            age_days,
            left_days: (left_ms + DAY_MS - 1) / DAY_MS,
            late: age_ms >= CAPTURE_WARN_DAYS * DAY_MS,
        }
    })
}

/// The capture window in words, and whether it calls for a warning.
pub fn capture_window_text(tr: &Tr, window: CaptureWindow) -> (String, bool) {
    match window {
        CaptureWindow::Open {
            age_days,
            left_days,
            late,
        } => (
            tr.args(
                "capture-window-open",
                &[("age", age_days.into()), ("left", left_days.into())],
            ),
            late,
        ),
        CaptureWindow::Passed => (tr.text("capture-window-passed"), true),
        CaptureWindow::Unknown => (tr.text("capture-window-unknown"), false),
    }
}

/// The states offered by the filter: the projection's, but for links'.
fn filter_states() -> impl Iterator<Item = OrderState> {
    OrderState::ALL.iter().copied().filter(|state| match state {
        OrderState::Unknown
        | OrderState::LinkOpen
        | OrderState::LinkPaid
        | OrderState::LinkExpired => false,
        OrderState::Authorized
        | OrderState::PartiallyCaptured
        | OrderState::Captured
        | OrderState::PartiallyRefunded
        | OrderState::Refunded
        | OrderState::Voided
        | OrderState::Declined
        | OrderState::NotFound => true,
    })
}
/// The currencies the filter offers: the region's.
const CURRENCIES: [&str; 9] = super::forms::REGION_CURRENCIES;
/// The payment methods offered by the filter: APS's cards and local methods.
const METHODS: [&str; 10] = [
    "VISA",
    "MASTERCARD",
    "AMEX",
    "MADA",
    "KNET",
    "BENEFIT",
    "OMANNET",
    "NAPS",
    "STCPAY",
    "APPLEPAY",
];

/// An amount in its currency's decimals, with the code.
pub fn money(minor: i64, currency: Option<&str>) -> String {
    match currency {
        Some(code) => format!("{} {code}", format_amount(minor, Some(code))),
        None => format_amount(minor, None),
    }
}

impl TransactionsScreen {
    pub fn with_filter(filter: OrderFilter) -> TransactionsScreen {
        TransactionsScreen {
            search_text: filter.text.clone(),
            filter,
            ..TransactionsScreen::default()
        }
    }

    /// Shows `filter` (a saved view, or none): the fields of the filter bar
    /// follow it, and the list starts again. The search text stays as typed.
    pub fn apply_filter(&mut self, filter: &OrderFilter, backend: &Backend) {
        let text = std::mem::take(&mut self.filter.text);
        self.filter = OrderFilter {
            text,
            ..filter.clone()
        };
        let major = |minor: Option<i64>| {
            let currency = self
                .filter
                .currency
                .as_deref()
                .and_then(crate::aps::Currency::from_code);
            match (minor, currency) {
                (Some(minor), Some(currency)) => {
                    crate::aps::money::format_minor_units(minor.unsigned_abs(), currency)
                }
                _ => String::new(),
            }
        };
        self.amount_min_text = major(self.filter.amount_min);
        self.amount_max_text = major(self.filter.amount_max);
        self.amount_error = None;
        let day = |ms: i64| {
            jiff::Timestamp::from_millisecond(ms)
                .ok()
                .map(|time| time.to_zoned(jiff::tz::TimeZone::UTC).date())
        };
        self.date_from = self.filter.created_from_ms.and_then(day);
        // The filter's end is the start of the day after the last one.
        self.date_to = self
            .filter
            .created_to_ms
            .and_then(day)
            .and_then(|next| next.yesterday().ok());
        self.filter_changed(backend);
    }

    /// Recalls a saved view by name.
    pub fn recall(&mut self, name: &str, backend: &Backend) {
        if let Some(view) = super::views::find(&self.views, name).cloned() {
            self.apply_filter(&view.filter, backend);
        }
    }

    /// Asks whether to delete the view named `name` (from the list's
    /// button or the palette); nothing is deleted until the answer.
    pub fn ask_delete_view(&mut self, name: &str) {
        if let Some(view) = super::views::find(&self.views, name) {
            self.view_question = Some(ViewQuestion::Delete(view.name.clone()));
            self.naming_view = None;
        }
    }

    /// Every filter back to "any", the search included (the sort stays).
    pub fn clear_filters(&mut self, backend: &Backend) {
        // The applied search too, not only the box: a search left applied
        // behind an empty box listed nothing until Refresh.
        self.search_text.clear();
        self.filter.text.clear();
        let cleared = OrderFilter {
            sort: self.filter.sort,
            descending: self.filter.descending,
            ..OrderFilter::default()
        };
        self.apply_filter(&cleared, backend);
    }

    /// "Select all filtered": asks for the matching orders (up to
    /// [`SELECT_ALL_LIMIT`]).
    pub fn select_all(&mut self, backend: &Backend) {
        self.selecting_all = true;
        backend.load_all_matching(self.generation, self.filter.clone(), SELECT_ALL_LIMIT);
    }

    /// The filter changed: the query starts again, and the selection and
    /// the detail panel keep only what the new list shows.
    pub fn filter_changed(&mut self, backend: &Backend) {
        self.prune_selection = true;
        self.reload(backend);
    }

    /// Starts the query again from the first page.
    pub fn reload(&mut self, backend: &Backend) {
        // The backend scopes every query too; here so that the filter shown
        // and exported says which account it is.
        self.filter = backend.scoped(std::mem::take(&mut self.filter));
        let generation = self.begin_query();
        backend.load_page(generation, self.filter.clone(), None, false);
        backend.count(generation, self.filter.clone());
        // A selection may reach past the first page: the journal says which
        // of it the new query still lists (the rest leaves the selection).
        if !self.marked.is_empty() {
            backend.load_all_matching(generation, self.filter.clone(), SELECT_ALL_LIMIT);
        }
    }

    /// A new query starts: its generation. (The rows on screen stay until
    /// its first page arrives.)
    pub fn begin_query(&mut self) -> u64 {
        self.generation += 1;
        self.loading = true;
        self.generation
    }

    /// Whether the list shows the order `id`: on screen now, or matched by
    /// the query whose rows are on screen.
    fn shows(&self, id: i64) -> bool {
        self.rows.iter().any(|order| order.id == id)
            || self.matching.as_ref().is_some_and(|matching| {
                matching.generation == self.shown_generation && matching.ids.contains(&id)
            })
    }

    /// The selection as seen: the selected orders the list shows, and how
    /// many selected orders it hides. Every action on the selection (Bulk's
    /// capture, refund, status) takes [`SelectionView::shown`] only.
    pub fn selection(&self) -> SelectionView {
        let listed: std::collections::HashSet<i64> =
            self.rows.iter().map(|order| order.id).collect();
        let matching = self
            .matching
            .as_ref()
            .filter(|matching| matching.generation == self.shown_generation);
        let (shown, hidden): (Vec<i64>, Vec<i64>) = self.marked.keys().partition(|id| {
            listed.contains(id) || matching.is_some_and(|matching| matching.ids.contains(id))
        });
        SelectionView {
            shown,
            hidden: hidden.len(),
        }
    }

    /// Once the journal has said everything the query on screen matches
    /// (its last page arrived, or all its matches), the orders it does not
    /// match leave the selection.
    fn settle_selection(&mut self) {
        let whole_list = self.next.is_none() && !self.loading;
        let all_matches = self.matching.as_ref().is_some_and(|matching| {
            matching.generation == self.shown_generation && matching.complete
        });
        if whole_list || all_matches {
            let shown: std::collections::HashSet<i64> =
                self.selection().shown.into_iter().collect();
            self.marked.retain(|id, _| shown.contains(id));
        }
        // The selected rows as the list now holds them.
        for order in &self.rows {
            if let Some(marked) = self.marked.get_mut(&order.id) {
                marked.clone_from(order);
            }
        }
    }

    pub fn page_arrived(
        &mut self,
        generation: u64,
        rows: Vec<OrderRecord>,
        next: Option<Cursor>,
        append: bool,
    ) {
        if generation != self.generation {
            return;
        }
        if append {
            self.rows.extend(rows);
        } else {
            self.rows = rows;
            self.shown_generation = generation;
            self.anchor = None;
        }
        self.next = next;
        self.loading = false;
        if std::mem::take(&mut self.prune_selection) {
            self.prune_detail();
        }
        self.settle_selection();
    }

    /// A filter that hides the order the detail panel shows clears the
    /// panel (a reload after an operation keeps it: its order just changed).
    fn prune_detail(&mut self) {
        if self.selected.is_some_and(|id| !self.shows(id)) {
            self.selected = None;
            self.detail = None;
        }
    }

    /// The orders the query of `generation` matches arrived (`complete`:
    /// all of them). "Select all filtered" selects them; otherwise they tell
    /// which of the selection the list still shows.
    pub fn matching_arrived(&mut self, generation: u64, rows: Vec<OrderRecord>, complete: bool) {
        if generation != self.generation {
            return;
        }
        if self.selecting_all && complete {
            self.selecting_all = false;
            self.marked = rows.iter().map(|order| (order.id, order.clone())).collect();
        }
        self.matching = Some(Matching {
            generation,
            ids: rows.iter().map(|order| order.id).collect(),
            complete,
        });
        for order in rows {
            if let Some(marked) = self.marked.get_mut(&order.id) {
                *marked = order;
            }
        }
        self.settle_selection();
    }

    /// A click on the row at `index`, as the modifiers held say.
    pub fn click(&mut self, index: usize, click: Click, backend: &Backend) {
        let Some(order) = self.rows.get(index) else {
            return;
        };
        match click {
            Click::Plain => {
                self.marked.clear();
                self.marked.insert(order.id, order.clone());
                self.anchor = Some(index);
            }
            Click::Toggle => {
                if self.marked.remove(&order.id).is_none() {
                    self.marked.insert(order.id, order.clone());
                }
                self.anchor = Some(index);
            }
            Click::Range => {
                let anchor = self.anchor.unwrap_or(index);
                let (low, high) = (anchor.min(index), anchor.max(index));
                self.marked = self.rows[low..=high.min(self.rows.len() - 1)]
                    .iter()
                    .map(|order| (order.id, order.clone()))
                    .collect();
            }
        }
        self.select(index, backend);
    }

    pub fn count_arrived(&mut self, generation: u64, count: u64) {
        if generation == self.generation {
            self.total = Some(count);
        }
    }

    fn select(&mut self, index: usize, backend: &Backend) {
        if let Some(order) = self.rows.get(index) {
            self.selected = Some(order.id);
            // The panel shows nothing of the previous order meanwhile.
            if self
                .detail
                .as_ref()
                .is_some_and(|detail| detail.order.id != order.id)
            {
                self.detail = None;
            }
            backend.load_detail(order.id);
        }
    }

    /// The amount bounds typed, read in the chosen currency; an error names
    /// the field in the operator's language.
    fn read_amounts(&mut self, tr: &Tr) {
        use crate::aps::{Currency, Money};
        self.amount_error = None;
        self.filter.amount_min = None;
        self.filter.amount_max = None;
        let typed = [
            (self.amount_min_text.trim().to_owned(), "filter-amount-min"),
            (self.amount_max_text.trim().to_owned(), "filter-amount-max"),
        ];
        if typed.iter().all(|(text, _)| text.is_empty()) {
            return;
        }
        let Some(currency) = self
            .filter
            .currency
            .as_deref()
            .and_then(Currency::from_code)
        else {
            self.amount_error = Some(tr.text("filter-amount-needs-currency"));
            return;
        };
        let mut bounds = [None, None];
        for (slot, (text, field)) in bounds.iter_mut().zip(typed) {
            if text.is_empty() {
                continue;
            }
            match Money::parse_major(&text, currency) {
                Ok(money) => *slot = i64::try_from(money.minor_units()).ok(),
                Err(error) => {
                    self.amount_error = Some(format!(
                        "{}: {}",
                        tr.text(field),
                        error.message(tr.language())
                    ));
                    return;
                }
            }
        }
        [self.filter.amount_min, self.filter.amount_max] = bounds;
    }

    /// The filter bar.
    fn filters_ui(
        &mut self,
        ui: &mut Ui,
        tr: &Tr,
        backend: &Backend,
        commands: &mut Vec<AppCommand>,
    ) {
        let rtl = tr.is_rtl();
        super::widgets::wrapped_row(ui, rtl, |ui| {
            // Not saved with the window: what was searched (names, emails)
            // stays in this session.
            let search_edit = egui::TextEdit::singleline(&mut self.search_text)
                .hint_text(widget_text(ui, &tr.text("search-hint"), rtl, false))
                .desired_width(320.0);
            let search = super::widgets::ephemeral_text_edit(
                ui,
                search_edit,
                egui::Id::unique("transactions-search"),
                true,
            );
            super::widgets::name_for(ui, &search, &tr.text("search-hint"));
            if ui.input_mut(|input| input.consume_key(egui::Modifiers::COMMAND, Key::F)) {
                search.request_focus();
            }
            let mut changed = search.changed();
            self.miss.entered |=
                search.lost_focus() && ui.input(|input| input.key_pressed(Key::Enter));
            let any = tr.text("filter-any");
            let state_label = self
                .filter
                .states
                .first()
                .map_or_else(|| any.clone(), |state| tr.text(&format!("state-{state}")));
            let state_caption = ui.label(widget_text(ui, &tr.text("filter-state"), rtl, false));
            egui::ComboBox::from_id_salt("state-filter")
                .selected_text(widget_text(ui, &state_label, rtl, false))
                .show_ui(ui, |ui| {
                    if ui
                        .selectable_label(self.filter.states.is_empty(), any.clone())
                        .clicked()
                    {
                        self.filter.states.clear();
                        changed = true;
                    }
                    for state in filter_states() {
                        let selected = self
                            .filter
                            .states
                            .first()
                            .is_some_and(|chosen| *chosen == state);
                        if ui
                            .selectable_label(
                                selected,
                                widget_text(ui, &tr.text(&format!("state-{state}")), rtl, false),
                            )
                            .clicked()
                        {
                            self.filter.states = vec![state];
                            changed = true;
                        }
                    }
                })
                .response
                .labelled_by(state_caption.id);
            let currency_caption =
                ui.label(widget_text(ui, &tr.text("filter-currency"), rtl, false));
            egui::ComboBox::from_id_salt("currency-filter")
                .selected_text(self.filter.currency.clone().unwrap_or_else(|| any.clone()))
                .show_ui(ui, |ui| {
                    if ui
                        .selectable_label(self.filter.currency.is_none(), any.clone())
                        .clicked()
                    {
                        self.filter.currency = None;
                        changed = true;
                    }
                    for currency in CURRENCIES {
                        if ui
                            .selectable_label(
                                self.filter.currency.as_deref() == Some(currency),
                                currency,
                            )
                            .clicked()
                        {
                            self.filter.currency = Some(currency.to_owned());
                            changed = true;
                        }
                    }
                })
                .response
                .labelled_by(currency_caption.id);
            if ui
                .button(widget_text(ui, &tr.text("refresh"), rtl, false))
                .clicked()
            {
                changed = true;
            }
            if ui
                .button(widget_text(ui, &tr.text("export-csv"), rtl, false))
                .clicked()
            {
                commands.push(AppCommand::ExportCsv);
            }
            if let Some(total) = self.total {
                label(ui, tr.args("orders-count", &[("count", total.into())]), rtl);
            }
            if changed {
                self.search_text.trim().clone_into(&mut self.filter.text);
                self.filter_changed(backend);
            }
        });
        self.more_filters_ui(ui, tr, backend);
        self.selection_ui(ui, tr, backend, commands);
    }

    /// The method, amount, dates and "expiring soon".
    fn more_filters_ui(&mut self, ui: &mut Ui, tr: &Tr, backend: &Backend) {
        let rtl = tr.is_rtl();
        let any = tr.text("filter-any");
        let mut changed = false;
        super::widgets::wrapped_row(ui, rtl, |ui| {
            let method_caption = ui.label(widget_text(ui, &tr.text("filter-method"), rtl, false));
            let method_label = self
                .filter
                .payment_options
                .first()
                .cloned()
                .unwrap_or_else(|| any.clone());
            egui::ComboBox::from_id_salt("method-filter")
                .selected_text(widget_text(ui, &method_label, rtl, false))
                .show_ui(ui, |ui| {
                    if ui
                        .selectable_label(self.filter.payment_options.is_empty(), any.clone())
                        .clicked()
                    {
                        self.filter.payment_options.clear();
                        changed = true;
                    }
                    for method in METHODS {
                        let chosen =
                            self.filter.payment_options.first().map(String::as_str) == Some(method);
                        if ui.selectable_label(chosen, method).clicked() {
                            self.filter.payment_options = vec![method.to_owned()];
                            changed = true;
                        }
                    }
                })
                .response
                .labelled_by(method_caption.id);
            for (id, text) in [
                ("filter-amount-min", &mut self.amount_min_text),
                ("filter-amount-max", &mut self.amount_max_text),
            ] {
                let caption = ui.label(widget_text(ui, &tr.text(id), rtl, false));
                let edit = ui
                    .add(egui::TextEdit::singleline(text).desired_width(80.0))
                    .labelled_by(caption.id);
                // Read when the field is left or Enter pressed, not per key.
                if edit.lost_focus() {
                    changed = true;
                }
            }
            for (id, date, bound) in [
                ("filter-from", &mut self.date_from, DateBound::From),
                ("filter-to", &mut self.date_to, DateBound::To),
            ] {
                let mut on = date.is_some();
                if ui
                    .checkbox(&mut on, widget_text(ui, &tr.text(id), rtl, false))
                    .changed()
                {
                    *date = on.then(|| jiff::Zoned::now().date());
                    changed = true;
                }
                if let Some(day) = date {
                    let before = *day;
                    ui.add(
                        egui_extras::DatePickerButton::new(day)
                            .id_salt(bound.salt())
                            .show_icon(false),
                    );
                    changed |= *day != before;
                }
            }
            if ui
                .checkbox(
                    &mut self.filter.expiring_soon,
                    widget_text(ui, &tr.text("filter-expiring"), rtl, false),
                )
                .on_hover_text(tr.text("filter-expiring-hint"))
                .changed()
            {
                changed = true;
            }
        });
        if let Some(error) = &self.amount_error {
            let color = ui.visuals().error_fg_color;
            ui.label(colored_text(ui, error, rtl, false, color));
        }
        if changed {
            self.read_amounts(tr);
            self.filter.created_from_ms = self.date_from.and_then(day_start_ms);
            self.filter.created_to_ms = self
                .date_to
                .and_then(|day| day.tomorrow().ok())
                .and_then(day_start_ms);
            self.filter_changed(backend);
        }
    }

    /// What is selected, and the bulk runs on it.
    fn selection_ui(
        &mut self,
        ui: &mut Ui,
        tr: &Tr,
        backend: &Backend,
        commands: &mut Vec<AppCommand>,
    ) {
        let rtl = tr.is_rtl();
        let seen = self.selection();
        super::widgets::wrapped_row(ui, rtl, |ui| {
            // Said before any action: an order the filter hides is
            // selected but never acted on.
            let count = if seen.hidden == 0 {
                tr.args("selection-count", &[("count", seen.shown.len().into())])
            } else {
                tr.args(
                    "selection-count-hidden",
                    &[
                        ("count", self.marked.len().into()),
                        ("hidden", seen.hidden.into()),
                        ("shown", seen.shown.len().into()),
                    ],
                )
            };
            label(ui, count, rtl);
            if ui
                .add_enabled(
                    !self.selecting_all,
                    egui::Button::new(widget_text(ui, &tr.text("select-all-filtered"), rtl, false)),
                )
                .clicked()
            {
                self.select_all(backend);
            }
            if ui
                .add_enabled(
                    !self.marked.is_empty(),
                    egui::Button::new(widget_text(ui, &tr.text("select-none"), rtl, false)),
                )
                .clicked()
            {
                self.marked.clear();
            }
            for (kind, id) in [
                (BulkKind::Capture, "selection-capture"),
                (BulkKind::Refund, "selection-refund"),
                (BulkKind::Status, "selection-status"),
            ] {
                if ui
                    .add_enabled(
                        !seen.shown.is_empty(),
                        egui::Button::new(widget_text(ui, &tr.text(id), rtl, false)),
                    )
                    .clicked()
                {
                    commands.push(AppCommand::BulkFromSelection(kind));
                }
            }
            ui.separator();
            self.views_ui(ui, tr, backend);
        });
        self.view_naming_ui(ui, tr, commands);
        self.view_question_ui(ui, tr, commands);
    }

    /// The saved views: recall one, delete one (after asking), or name the
    /// current filters and sort (asking before replacing a view of the same
    /// name). In the selection's row; the name being typed and the questions
    /// on lines of their own ([`Self::view_naming_ui`],
    /// [`Self::view_question_ui`]).
    fn views_ui(&mut self, ui: &mut Ui, tr: &Tr, backend: &Backend) {
        let rtl = tr.is_rtl();
        let caption = ui.label(widget_text(ui, &tr.text("views-title"), rtl, false));
        let mut recalled = None;
        let mut delete_asked = None;
        egui::ComboBox::from_id_salt("saved-views")
            .selected_text(widget_text(ui, &tr.text("views-choose"), rtl, false))
            .show_ui(ui, |ui| {
                for view in &self.views {
                    row(ui, rtl, |ui| {
                        if ui
                            .selectable_label(false, widget_text(ui, &view.name, rtl, false))
                            .clicked()
                        {
                            recalled = Some(view.name.clone());
                        }
                        let delete = tr.args("views-delete", &[("name", view.name.clone().into())]);
                        if icons::button(ui, Icon::Delete, &delete).clicked() {
                            delete_asked = Some(view.name.clone());
                        }
                    });
                }
            })
            .response
            .labelled_by(caption.id);
        if let Some(name) = recalled {
            self.recall(&name, backend);
        }
        if let Some(name) = delete_asked {
            self.ask_delete_view(&name);
        }
        if self.view_question.is_some() {
            // One thing at a time: the question below is answered first.
            return;
        }
        // While a view is named, its name is asked on a line of its own
        // ([`Self::view_naming_ui`]): in this row the field and its buttons
        // pushed the detail panel off the window.
        if self.naming_view.is_none()
            && ui
                .button(widget_text(ui, &tr.text("views-save"), rtl, false))
                .clicked()
        {
            self.naming_view = Some(String::new());
        }
    }

    /// The name of a view being saved, with Save and Cancel, on a line of
    /// its own under the selection's row.
    fn view_naming_ui(&mut self, ui: &mut Ui, tr: &Tr, commands: &mut Vec<AppCommand>) {
        if self.view_question.is_some() {
            return;
        }
        let Some(mut name) = self.naming_view.take() else {
            return;
        };
        let rtl = tr.is_rtl();
        let mut still_naming = true;
        let mut chosen = None;
        row(ui, rtl, |ui| {
            let caption = ui.label(widget_text(ui, &tr.text("views-name"), rtl, false));
            let edit = ui
                .add(egui::TextEdit::singleline(&mut name).desired_width(160.0))
                .labelled_by(caption.id);
            let entered = edit.lost_focus() && ui.input(|input| input.key_pressed(Key::Enter));
            let named = !name.trim().is_empty();
            let save = ui
                .add_enabled(
                    named,
                    egui::Button::new(widget_text(ui, &tr.text("views-save-named"), rtl, true)),
                )
                .clicked();
            if named && (save || entered) {
                chosen = Some(name.trim().to_owned());
                still_naming = false;
            } else if ui
                .button(widget_text(ui, &tr.text("action-cancel"), rtl, false))
                .clicked()
            {
                still_naming = false;
            }
        });
        if let Some(name) = chosen {
            // A view of that name is not saved over without asking.
            if super::views::find(&self.views, &name).is_some() {
                self.view_question = Some(ViewQuestion::Replace(name));
            } else {
                commands.push(AppCommand::SaveView(name));
            }
        } else if still_naming {
            self.naming_view = Some(name);
        }
    }

    /// The question asked before a saved view is deleted or replaced, with
    /// its answers, on a line of its own under the selection's row.
    fn view_question_ui(&mut self, ui: &mut Ui, tr: &Tr, commands: &mut Vec<AppCommand>) {
        let Some(question) = self.view_question.clone() else {
            return;
        };
        let (ask_id, confirm_id, name) = match &question {
            ViewQuestion::Delete(name) => ("views-delete-ask", "views-delete-confirm", name),
            ViewQuestion::Replace(name) => ("views-replace-ask", "views-replace-confirm", name),
        };
        let asked = tr.args(ask_id, &[("name", name.clone().into())]);
        let answer = row(ui, tr.is_rtl(), |ui| confirm_ui(ui, tr, &asked, confirm_id));
        if let Some(confirmed) = answer {
            if confirmed {
                commands.push(match question {
                    ViewQuestion::Delete(name) => AppCommand::DeleteView(name),
                    ViewQuestion::Replace(name) => AppCommand::SaveView(name),
                });
            }
            self.view_question = None;
        }
    }

    /// Draws the screen; returns what the operator asked for.
    pub fn ui(&mut self, ui: &mut Ui, tr: &Tr, backend: &Backend, commands: &mut Vec<AppCommand>) {
        let rtl = tr.is_rtl();
        let session = backend.session();
        label(
            ui,
            tr.args(
                "orders-scope",
                &[
                    ("profile", session.profile.clone().into()),
                    (
                        "environment",
                        super::explain::environment(tr, session.environment).into(),
                    ),
                ],
            ),
            rtl,
        );
        self.filters_ui(ui, tr, backend, commands);
        self.miss_ui(ui, tr, commands);
        ui.separator();
        let detail_panel = if rtl {
            egui::Panel::left("order-detail")
        } else {
            egui::Panel::right("order-detail")
        };
        detail_panel
            .resizable(true)
            .min_size(380.0)
            .default_size(400.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| match &self.detail {
                    Some(detail) if Some(detail.order.id) == self.selected => {
                        let choices = DetailChoices {
                            third_party_codes_wanted: &mut self.third_party_codes_wanted,
                            receipt_paper: &mut self.receipt_paper,
                        };
                        detail_ui(ui, tr, detail, choices, commands);
                    }
                    _ => {
                        label(ui, tr.text("detail-none"), rtl);
                    }
                });
            });
        // A window too narrow for every column scrolls the table sideways
        // rather than eliding an amount; in Arabic it starts from the right,
        // where the table's first column is.
        egui::CentralPanel::default().show(ui, |ui| {
            if self.rows.is_empty() && !self.loading {
                // Said, not a blank table: why the list is empty, and the
                // way out.
                self.empty_ui(ui, tr, backend);
                return;
            }
            let mut sideways = egui::ScrollArea::horizontal().id_salt("orders-sideways");
            if self.sideways_rtl != Some(tr.is_rtl()) {
                // A new direction: the table shown from its first column,
                // held for a few frames while its columns find their widths.
                self.sideways_rtl = Some(tr.is_rtl());
                self.sideways_frames = 3;
            }
            if self.sideways_frames > 0 {
                self.sideways_frames -= 1;
                ui.ctx().request_repaint();
                // The far end as the last frame measured it.
                let offset = if tr.is_rtl() { self.sideways_end } else { 0.0 };
                sideways = sideways.horizontal_scroll_offset(offset);
            }
            let shown = sideways.show(ui, |ui| self.table_ui(ui, tr, backend));
            self.sideways_end = (shown.content_size.x - shown.inner_rect.width()).max(0.0);
        });
    }

    /// The reference searched for, when the journal has no order for it:
    /// nothing but the text filters the list, the answer came and is empty,
    /// and the text is a reference APS accepts.
    fn missed_reference(&self) -> Option<String> {
        let text = self.filter.text.trim();
        let bare = OrderFilter {
            text: String::new(),
            profile: None,
            environment: None,
            sort: OrderFilter::default().sort,
            descending: OrderFilter::default().descending,
            ..self.filter.clone()
        };
        let missed = !text.is_empty()
            && !self.loading
            && self.rows.is_empty()
            && self.total == Some(0)
            && bare == OrderFilter::default()
            && crate::aps::request::CheckStatus::for_reference(text).is_ok();
        missed.then(|| text.to_owned())
    }

    /// "No order REF in the journal" and "Look up REF at APS" (Enter in the
    /// search field does the same).
    fn miss_ui(&mut self, ui: &mut Ui, tr: &Tr, commands: &mut Vec<AppCommand>) {
        if self.loading {
            // Enter may come before the search's answer: kept until it is in.
            return;
        }
        let entered = std::mem::take(&mut self.miss.entered);
        let Some(reference) = self.missed_reference() else {
            return;
        };
        let rtl = tr.is_rtl();
        let idle = self.miss.ticket.is_none();
        row(ui, rtl, |ui| {
            label(
                ui,
                tr.args(
                    "lookup-miss-none",
                    &[("reference", reference.clone().into())],
                ),
                rtl,
            );
            let text = tr.args("lookup-miss", &[("reference", reference.clone().into())]);
            let clicked = ui
                .add_enabled(idle, egui::Button::new(widget_text(ui, &text, rtl, false)))
                .clicked();
            if (clicked || entered) && idle {
                commands.push(AppCommand::LookUpReference(reference));
            }
        });
    }

    /// A look-up on a miss was answered: its order is looked for.
    pub fn miss_answered(&mut self, ticket: crate::journal::desk::Ticket, reference: &str) -> bool {
        if self.miss.ticket != Some(ticket) {
            return false;
        }
        self.miss.ticket = None;
        self.miss.opening = Some(reference.to_owned());
        true
    }

    /// An order's detail arrived: selected if a look-up on a miss asked for it.
    pub fn detail_arrived(&mut self, detail: OrderDetail) {
        if self.miss.opening.as_deref() == Some(detail.order.merchant_reference.as_str()) {
            self.miss.opening = None;
            self.selected = Some(detail.order.id);
        }
        // Only the selected order's: a late answer for one clicked before,
        // or since filtered out, is not shown.
        if self.selected == Some(detail.order.id) {
            self.detail = Some(detail);
        }
    }

    /// An empty list says why: no order matches the filters (with the way
    /// to clear them), or the account has none yet.
    fn empty_ui(&mut self, ui: &mut Ui, tr: &Tr, backend: &Backend) {
        let rtl = tr.is_rtl();
        let unfiltered = OrderFilter {
            sort: self.filter.sort,
            descending: self.filter.descending,
            profile: self.filter.profile.clone(),
            environment: self.filter.environment,
            now_ms: self.filter.now_ms,
            ..OrderFilter::default()
        };
        super::widgets::column(ui, rtl, |ui| {
            if self.filter == unfiltered {
                label(ui, tr.text("orders-empty"), rtl);
            } else {
                label(ui, tr.text("orders-empty-filtered"), rtl);
                if ui
                    .button(widget_text(
                        ui,
                        &tr.text("palette-clear-filters"),
                        rtl,
                        false,
                    ))
                    .clicked()
                {
                    self.clear_filters(backend);
                }
            }
        });
    }

    fn table_ui(&mut self, ui: &mut Ui, tr: &Tr, backend: &Backend) {
        let rtl = tr.is_rtl();
        let dark = ui.visuals().dark_mode;
        // Keyboard: up and down move the selection when no field has focus.
        let typing = ui.ctx().memory(|memory| memory.focused().is_some());
        if !typing && !self.rows.is_empty() {
            let position = self
                .selected
                .and_then(|id| self.rows.iter().position(|order| order.id == id));
            if ui.input(|input| input.key_pressed(Key::ArrowDown)) {
                let next = position.map_or(0, |index| (index + 1).min(self.rows.len() - 1));
                self.click(next, Click::Plain, backend);
            } else if ui.input(|input| input.key_pressed(Key::ArrowUp)) {
                let previous = position.map_or(0, |index| index.saturating_sub(1));
                self.click(previous, Click::Plain, backend);
            }
        }
        let mut columns: Vec<(SortColumn, &str)> = vec![
            (SortColumn::MerchantReference, "col-reference"),
            (SortColumn::Created, "col-created"),
            (SortColumn::State, "col-state"),
            (SortColumn::PaymentOption, "col-option"),
            (SortColumn::Amount, "col-amount"),
            (SortColumn::Captured, "col-captured"),
            (SortColumn::Refunded, "col-refunded"),
            (SortColumn::CustomerName, "col-customer"),
        ];
        if rtl {
            // The table reads right to left: its first column on the right.
            columns.reverse();
        }
        let mut sort_clicked = None;
        let mut clicked_row = None;
        let mut wants_more = false;
        let row_count = self.rows.len();
        // A row is clicked anywhere: its cells' text is not selectable (a
        // selectable label takes the click, and a click on a date or an
        // amount selected nothing). Copying is the detail panel's buttons.
        ui.style_mut().interaction.selectable_labels = false;
        let table = TableBuilder::new(ui)
            // Column widths are remembered by position: one table per direction.
            .id_salt(if rtl { "orders-rtl" } else { "orders-ltr" })
            .striped(true)
            .sense(egui::Sense::click())
            .cell_layout(if rtl {
                Layout::right_to_left(Align::Center)
            } else {
                Layout::left_to_right(Align::Center)
            });
        // Money and states are never cut: their columns are as wide as
        // their widest cell (an amount with its currency, a state's badge in
        // either language); the customer's name takes what is left, and a
        // window too narrow for them all scrolls the table sideways.
        let table = columns.iter().fold(table, |table, (column, _)| {
            if *column == SortColumn::Created {
                table.column(Column::exact(135.0).clip(true))
            } else if *column == SortColumn::MerchantReference {
                table.column(Column::exact(118.0).clip(true))
            } else if is_money_column(*column) {
                table.column(Column::auto().at_least(80.0).resizable(false))
            } else if *column == SortColumn::CustomerName {
                table.column(Column::remainder().at_least(80.0).clip(true))
            } else {
                table.column(Column::auto().at_least(50.0))
            }
        });
        table
            .header(28.0, |mut header| {
                for (column, id) in &columns {
                    header.col(|ui| {
                        // The column's name; its sort direction painted
                        // beside it and said in words to a screen reader.
                        let direction =
                            (self.filter.sort == *column).then_some(if self.filter.descending {
                                (super::icons::Icon::SortDescending, "sorted-descending")
                            } else {
                                (super::icons::Icon::SortAscending, "sorted-ascending")
                            });
                        let name = tr.text(id);
                        let response = ui.button(widget_text(ui, &name, rtl, true));
                        if let Some((icon, words)) = direction {
                            let color = ui.visuals().strong_text_color();
                            super::icons::show(ui, icon, color);
                            let label = tr.args(words, &[("column", name.clone().into())]);
                            let enabled = ui.is_enabled();
                            response.widget_info(|| {
                                egui::WidgetInfo::labeled(egui::Role::Button, enabled, &label)
                            });
                        }
                        if response.clicked() {
                            sort_clicked = Some(*column);
                        }
                    });
                }
            })
            .body(|body| {
                body.rows(26.0, row_count, |mut row| {
                    let index = row.index();
                    let Some(order) = self.rows.get(index) else {
                        return;
                    };
                    if index + 20 >= row_count {
                        wants_more = true;
                    }
                    row.set_selected(
                        self.selected == Some(order.id) || self.marked.contains_key(&order.id),
                    );
                    let currency = order.currency.as_deref();
                    for (column, _) in &columns {
                        row.col(|ui| match column {
                            SortColumn::MerchantReference => {
                                // A selectable reference: clickable and reachable by keyboard
                                // and screen readers, as the row itself is not.
                                let selected = self.selected == Some(order.id)
                                    || self.marked.contains_key(&order.id);
                                let text = RichText::new(&order.merchant_reference).monospace();
                                if ui.selectable_label(selected, text).clicked() {
                                    clicked_row = Some(index);
                                }
                            }
                            SortColumn::Created => match order_date(tr, order) {
                                OrderDate::Transaction(text) => {
                                    ui.label(text);
                                }
                                OrderDate::Recorded(text) => {
                                    // Through the bidi helper: in Arabic the word
                                    // and the time are ordered for reading (a plain
                                    // label reverses the time's digits).
                                    let weak = ui.visuals().weak_text_color();
                                    ui.label(colored_text(ui, &text, rtl, false, weak))
                                        .on_hover_text(tr.text("date-recorded-hint"));
                                }
                            },
                            SortColumn::State => {
                                let text = tr.text(&format!("state-{}", order.state));
                                let color = state_color(order.state, dark);
                                super::icons::show(ui, super::icons::for_state(order.state), color);
                                ui.label(RichText::new(text).color(color).strong());
                            }
                            SortColumn::PaymentOption => {
                                ui.label(order.payment_option.clone().unwrap_or_default());
                            }
                            SortColumn::Amount => amount_cell(
                                ui,
                                order
                                    .amount_minor
                                    .map(|amount| money(amount, currency))
                                    .unwrap_or_default(),
                            ),
                            SortColumn::Captured => {
                                amount_cell(ui, money(order.captured_minor, currency));
                            }
                            SortColumn::Refunded => {
                                amount_cell(ui, money(order.refunded_minor, currency));
                            }
                            SortColumn::Authorized => {
                                amount_cell(ui, money(order.authorized_minor, currency));
                            }
                            SortColumn::CustomerName => {
                                label(ui, order.customer_name.clone().unwrap_or_default(), rtl);
                            }
                            SortColumn::CustomerEmail => {
                                ui.label(order.customer_email.clone().unwrap_or_default());
                            }
                            SortColumn::Updated => {
                                ui.label(format_time_short(order.updated_ms));
                            }
                            SortColumn::FortId => {
                                ui.label(
                                    RichText::new(order.fort_id.clone().unwrap_or_default())
                                        .monospace(),
                                );
                            }
                            SortColumn::Currency => {
                                ui.label(order.currency.clone().unwrap_or_default());
                            }
                            SortColumn::ResponseCode => {
                                ui.label(order.last_response_code.clone().unwrap_or_default());
                            }
                        });
                    }
                    if row.response().clicked() {
                        clicked_row = Some(index);
                    }
                });
            });
        if let Some(index) = clicked_row {
            // The modifiers the click itself carried (held keys may have
            // been released within the same frame).
            let modifiers = ui.input(|input| {
                input
                    .events
                    .iter()
                    .rev()
                    .find_map(|event| match event {
                        egui::Event::PointerButton {
                            pressed: false,
                            modifiers,
                            ..
                        } => Some(*modifiers),
                        _ => None,
                    })
                    .unwrap_or(input.modifiers)
            });
            let click = if modifiers.shift {
                Click::Range
            } else if modifiers.command {
                Click::Toggle
            } else {
                Click::Plain
            };
            self.click(index, click, backend);
        }
        if let Some(column) = sort_clicked {
            if self.filter.sort == column {
                self.filter.descending = !self.filter.descending;
            } else {
                self.filter.sort = column;
                self.filter.descending = true;
            }
            self.reload(backend);
        }
        if wants_more
            && !self.loading
            && let Some(next) = self.next.clone()
        {
            self.loading = true;
            backend.load_page(self.generation, self.filter.clone(), Some(next), true);
        }
        if self.loading {
            label(ui, tr.text("loading-more"), rtl);
        }
    }
}

/// A row of the detail panel: label, value, and a copy button.
fn field_ui(
    ui: &mut Ui,
    tr: &Tr,
    label_id: &str,
    value: Option<&str>,
    commands: &mut Vec<AppCommand>,
) {
    let Some(value) = value.filter(|value| !value.is_empty()) else {
        return;
    };
    let rtl = tr.is_rtl();
    row(ui, rtl, |ui| {
        let caption = tr.text(label_id);
        ui.label(widget_text(ui, &caption, rtl, false));
        label(ui, value, rtl);
        let copy = tr.args("copy-what", &[("what", caption.clone().into())]);
        if super::icons::button(ui, super::icons::Icon::Copy, &copy).clicked() {
            commands.push(AppCommand::Copy {
                what: caption,
                value: value.to_owned(),
            });
        }
    });
}

/// Check status of an order: the plain check, or one that asks for the
/// third-party response codes, sent through the desk like any operation.
/// Why the order's state refuses `kind` now, or `None` when it allows it:
/// the detail panel's buttons and every other way to open an operation's
/// dialog (the palette, its shortcuts) ask this one question, so that a
/// greyed-out Capture… cannot be reached from the keyboard. (An operation
/// still open on the order is refused by the desk itself, before sending.)
pub fn operation_refused(kind: OperationKind, order: &OrderRecord) -> Option<SkipReason> {
    match kind {
        OperationKind::Capture if order.state == OrderState::Voided => {
            Some(SkipReason::WrongState(order.state))
        }
        OperationKind::Capture => {
            (left_for(kind, order) <= 0).then_some(SkipReason::NothingToCapture)
        }
        OperationKind::Refund => {
            (left_for(kind, order) <= 0).then_some(SkipReason::NothingToRefund)
        }
        OperationKind::Void => (order.state != OrderState::Authorized || order.captured_minor != 0)
            .then_some(SkipReason::WrongState(order.state)),
    }
}

/// Why `minor` units of `kind` cannot go on `order` as the journal holds
/// it, or `None` when they can: the state's rule ([`operation_refused`]),
/// then no more than is left ([`left_for`]). One rule for the operation
/// dialogs, Bulk's preview and each Bulk row as the run reaches it, so
/// that what a preview counts is what the run would send.
pub fn amount_refused(kind: OperationKind, order: &OrderRecord, minor: u64) -> Option<SkipReason> {
    if let Some(reason) = operation_refused(kind, order) {
        return Some(reason);
    }
    let Some(currency) = order
        .currency
        .as_deref()
        .and_then(crate::aps::Currency::from_code)
    else {
        return Some(SkipReason::CurrencyUnknown);
    };
    let left_minor = u64::try_from(left_for(kind, order)).unwrap_or(0);
    match kind {
        OperationKind::Void => None,
        OperationKind::Capture | OperationKind::Refund => {
            (minor > left_minor).then_some(SkipReason::MoreThanLeft {
                left_minor,
                currency,
            })
        }
    }
}

/// What the journal knows is left for `kind`, in minor units: to capture of
/// the authorization, to refund of the captures (a void moves no amount).
pub fn left_for(kind: OperationKind, order: &OrderRecord) -> i64 {
    match kind {
        OperationKind::Capture => order.authorized_minor - order.captured_minor,
        OperationKind::Refund => order.captured_minor - order.refunded_minor,
        OperationKind::Void => 0,
    }
}

/// Whether `column` shows an amount (right-aligned, sized to fit).
fn is_money_column(column: SortColumn) -> bool {
    match column {
        SortColumn::Amount
        | SortColumn::Captured
        | SortColumn::Refunded
        | SortColumn::Authorized => true,
        SortColumn::Created
        | SortColumn::Updated
        | SortColumn::MerchantReference
        | SortColumn::FortId
        | SortColumn::State
        | SortColumn::PaymentOption
        | SortColumn::Currency
        | SortColumn::CustomerName
        | SortColumn::CustomerEmail
        | SortColumn::ResponseCode => false,
    }
}

/// An amount with its currency in a table cell: right-aligned in either
/// language, so that the digits of a column line up, and never elided.
fn amount_cell(ui: &mut Ui, text: String) {
    ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
        ui.add(egui::Label::new(text).wrap_mode(egui::TextWrapMode::Extend));
    });
}

fn status_command(reference: String, third_party_codes: bool) -> AppCommand {
    if !third_party_codes {
        return AppCommand::CheckStatus(reference);
    }
    match crate::aps::request::CheckStatus::parse(Some(&reference), None, true) {
        Ok(check) => AppCommand::Submit {
            operation: Box::new(crate::journal::desk::Operation::CheckStatus(check)),
            origin: super::SubmitOrigin::Screen,
        },
        Err(errors) => AppCommand::Refused(errors),
    }
}

/// What the operator chooses in the detail panel, kept by the screen.
struct DetailChoices<'a> {
    third_party_codes_wanted: &'a mut bool,
    receipt_paper: &'a mut crate::receipt::Layout,
}

/// The order's unacknowledged drift: both sides' figures, why nothing can
/// be sent, and the acknowledgement.
fn drift_panel(
    ui: &mut Ui,
    tr: &Tr,
    drift: &crate::journal::drift::Drift,
    commands: &mut Vec<AppCommand>,
) {
    let rtl = tr.is_rtl();
    let warn = egui::Color32::from_rgb(0xd0, 0x40, 0x20);
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.5, warn))
        .show(ui, |ui| {
            super::widgets::colored_label(ui, &tr.text("drift-heading"), rtl, true, warn);
            // A paragraph: broken into lines in reading order in Arabic.
            let body = super::explain::drift(tr, drift);
            if super::widgets::has_arabic(&body) {
                super::widgets::label(ui, &body, rtl);
            } else {
                ui.label(body);
            }
            row(ui, rtl, |ui| {
                if ui
                    .button(widget_text(
                        ui,
                        &tr.text("action-acknowledge-drift"),
                        rtl,
                        false,
                    ))
                    .clicked()
                {
                    commands.push(AppCommand::AcknowledgeDrift(
                        drift.merchant_reference.clone(),
                    ));
                }
            });
        });
}

/// The detail panel, each part under the one before from the reading side
/// (mirrored whole in Arabic: heading, actions, choices and sections).
fn detail_ui(
    ui: &mut Ui,
    tr: &Tr,
    detail: &OrderDetail,
    choices: DetailChoices<'_>,
    commands: &mut Vec<AppCommand>,
) {
    let rtl = tr.is_rtl();
    super::widgets::column(ui, rtl, |ui| {
        detail_body_ui(ui, tr, detail, choices, commands);
    });
}

fn detail_body_ui(
    ui: &mut Ui,
    tr: &Tr,
    detail: &OrderDetail,
    choices: DetailChoices<'_>,
    commands: &mut Vec<AppCommand>,
) {
    let DetailChoices {
        third_party_codes_wanted,
        receipt_paper,
    } = choices;
    let rtl = tr.is_rtl();
    let order = &detail.order;
    let currency = order.currency.as_deref();
    let dark = ui.visuals().dark_mode;
    row(ui, rtl, |ui| {
        ui.heading(RichText::new(&order.merchant_reference).monospace());
    });
    row(ui, rtl, |ui| {
        let color = state_color(order.state, dark);
        super::icons::show(ui, super::icons::for_state(order.state), color);
        ui.label(
            RichText::new(tr.text(&format!("state-{}", order.state)))
                .color(color)
                .strong(),
        );
    });
    for open in &detail.open {
        let text = tr.args(
            "detail-blocked",
            &[
                ("operation", open.operation_id.into()),
                (
                    "command",
                    super::explain::command(tr, open.request.command).into(),
                ),
                ("state", super::explain::open_state(tr, open.state).into()),
            ],
        );
        ui.label(colored_text(
            ui,
            &text,
            rtl,
            true,
            egui::Color32::from_rgb(0xd0, 0x40, 0x20),
        ));
    }
    if let Some(drift) = &detail.drift {
        drift_panel(ui, tr, drift, commands);
    }
    let now_ms = jiff::Timestamp::now().as_millisecond();
    if let Some(window) = capture_window(order, now_ms) {
        let (text, warn) = capture_window_text(tr, window);
        let color = if warn {
            egui::Color32::from_rgb(0xd0, 0x40, 0x20)
        } else {
            ui.visuals().text_color()
        };
        // Wrapped (in reading order in Arabic): at 1024 points the panel is
        // narrower than the line.
        if has_arabic(&text) {
            super::widgets::colored_label(ui, &text, rtl, warn, color);
        } else {
            ui.add(egui::Label::new(colored_text(ui, &text, rtl, warn, color)).wrap());
        }
    }
    // The actions that apply to this state, first, so that they are in view
    // without scrolling; a blocked order offers reconciliation.
    let actions = if rtl {
        Layout::right_to_left(Align::Center).with_main_wrap(true)
    } else {
        Layout::left_to_right(Align::Center).with_main_wrap(true)
    };
    // One line high to start with (as `horizontal_wrapped`): laid out in
    // the whole height left, the buttons would sit in its middle.
    let line = egui::vec2(ui.available_width(), ui.spacing().interact_size.y);
    ui.allocate_ui_with_layout(line, actions, |ui| {
        let blocked = !detail.open.is_empty();
        // A drift no one acknowledged stops money commands in the desk; the
        // buttons say so before the operator tries.
        let drifted = detail.drift.is_some();
        let allowed = |kind| !blocked && !drifted && operation_refused(kind, order).is_none();
        let can_capture = allowed(OperationKind::Capture);
        let can_refund = allowed(OperationKind::Refund);
        let can_void = allowed(OperationKind::Void);
        let reference = order.merchant_reference.clone();
        for (kind, enabled, label_id) in [
            (OperationKind::Capture, can_capture, "action-capture"),
            (OperationKind::Refund, can_refund, "action-refund"),
            (OperationKind::Void, can_void, "action-void"),
        ] {
            if ui
                .add_enabled(
                    enabled,
                    egui::Button::new(widget_text(ui, &tr.text(label_id), rtl, false)),
                )
                .clicked()
            {
                commands.push(AppCommand::OpenDialog(kind, Box::new(order.clone())));
            }
        }
        if ui
            .button(widget_text(ui, &tr.text("action-status"), rtl, false))
            .clicked()
        {
            commands.push(status_command(reference, *third_party_codes_wanted));
        }

        if ui
            .button(widget_text(ui, &tr.text("action-receipt"), rtl, false))
            .clicked()
        {
            commands.push(AppCommand::SaveReceipt {
                order_id: order.id,
                operation_id: None,
            });
        }
        if blocked
            && ui
                .button(widget_text(ui, &tr.text("action-reconcile"), rtl, false))
                .clicked()
        {
            for open in &detail.open {
                commands.push(AppCommand::Reconcile(Some(open.operation_id)));
            }
        }
    });
    // What Check status asks for, under the actions (a checkbox among the
    // buttons would move them as its text changes length).
    if rtl {
        // The box on the reading side, its words after it (egui draws a
        // checkbox's box on the left of its text).
        row(ui, rtl, |ui| {
            let words = tr.text("action-status-third-party");
            let response = ui.checkbox(third_party_codes_wanted, "");
            super::widgets::name_for(ui, &response, &words);
            ui.label(widget_text(ui, &words, rtl, false));
        });
    } else {
        ui.checkbox(
            third_party_codes_wanted,
            widget_text(ui, &tr.text("action-status-third-party"), rtl, false),
        );
    }
    row(ui, rtl, |ui| {
        if ui
            .button(widget_text(ui, &tr.text("action-print"), rtl, false))
            .clicked()
        {
            commands.push(AppCommand::PrintReceipt {
                order_id: order.id,
                operation_id: None,
            });
        }
        for (paper, label_id) in [
            (crate::receipt::Layout::A4, "paper-a4"),
            (crate::receipt::Layout::Thermal, "paper-roll"),
        ] {
            ui.selectable_value(
                receipt_paper,
                paper,
                widget_text(ui, &tr.text(label_id), rtl, false),
            );
        }
    });
    ui.separator();
    ui.label(widget_text(ui, &tr.text("detail-totals"), rtl, true));
    let authorized = money(order.authorized_minor, currency);
    let captured = money(order.captured_minor, currency);
    let refunded = money(order.refunded_minor, currency);
    let left_to_capture = money(
        (order.authorized_minor - order.captured_minor).max(0),
        currency,
    );
    let left_to_refund = money(
        (order.captured_minor - order.refunded_minor).max(0),
        currency,
    );
    field_ui(ui, tr, "detail-authorized", Some(&authorized), commands);
    field_ui(ui, tr, "detail-captured", Some(&captured), commands);
    field_ui(ui, tr, "detail-refunded", Some(&refunded), commands);
    field_ui(
        ui,
        tr,
        "detail-remaining-capture",
        Some(&left_to_capture),
        commands,
    );
    field_ui(
        ui,
        tr,
        "detail-remaining-refund",
        Some(&left_to_refund),
        commands,
    );
    ui.separator();
    field_ui(ui, tr, "detail-fort-id", order.fort_id.as_deref(), commands);
    let method = [order.payment_option.as_deref(), order.card_brand.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" / ");
    field_ui(ui, tr, "detail-method", Some(&method), commands);
    field_ui(
        ui,
        tr,
        "detail-card",
        order.masked_card.as_deref(),
        commands,
    );
    field_ui(
        ui,
        tr,
        "detail-customer",
        order.customer_name.as_deref(),
        commands,
    );
    field_ui(
        ui,
        tr,
        "detail-authorization-code",
        order.authorization_code.as_deref(),
        commands,
    );
    field_ui(
        ui,
        tr,
        "detail-knet-ref",
        order.knet_ref_number.as_deref(),
        commands,
    );
    field_ui(
        ui,
        tr,
        "detail-third-party",
        order.third_party_transaction_number.as_deref(),
        commands,
    );
    ui.separator();
    if !detail.third_party_codes.is_empty() {
        ui.separator();
        ui.label(widget_text(
            ui,
            &tr.text("detail-third-party-codes"),
            rtl,
            true,
        ));
        for (name, value) in &detail.third_party_codes {
            let label_id = format!("detail-{}", name.replace('_', "-"));
            field_ui(ui, tr, &label_id, Some(value), commands);
        }
    }
    ui.separator();
    ui.label(widget_text(ui, &tr.text("detail-timeline"), rtl, true));
    for entry in &detail.entries {
        let amount = entry
            .amount_minor
            .map(|minor| format!(" {}", money(minor, entry.currency.as_deref().or(currency))))
            .unwrap_or_default();
        let line = super::explain::timeline_line(tr, entry, &amount);
        // Wrapped in reading order, from the reading side (a long line must
        // not widen the panel; its date and time stay together).
        if rtl {
            label(ui, &line, rtl);
        } else {
            ui.add(egui::Label::new(widget_text(ui, &line, rtl, false)).wrap());
        }
    }
    if let Some(raw) = detail
        .entries
        .iter()
        .rev()
        .find(|entry| entry.entry == EntryKind::Result)
        .and_then(|entry| {
            crate::journal::payload::read::<crate::journal::payload::ResultPayload>(&entry.payload)
                .raw_body
        })
    {
        ui.separator();
        egui::CollapsingHeader::new(widget_text(ui, &tr.text("detail-raw"), rtl, true))
            .id_salt("raw-response")
            .show(ui, |ui| {
                // As received; the access code was masked before it was stored.
                ui.label(RichText::new(raw).monospace().small());
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aps::Language;
    use crate::journal::payment::{PaymentTime, TimeSource};

    fn order(created_ms: i64, paid_ms: Option<i64>) -> OrderRecord {
        let mut order = blank_order();
        order.created_ms = created_ms;
        order.payment.time = paid_ms.map(|at_ms| PaymentTime {
            at_ms,
            source: TimeSource::Answer,
        });
        order
    }

    fn blank_order() -> OrderRecord {
        OrderRecord::unknown(1, "p", crate::aps::client::Environment::Simulator, "A", 0)
    }

    /// The guide's capture window: counted from the authorization's own
    /// time, warned from day 5, closed after day 7, never guessed.
    #[test]
    fn the_capture_window_counts_down_from_the_authorization() {
        let paid = 1_795_162_500_000;
        let mut authorized = order(paid, Some(paid));
        authorized.state = crate::journal::vocabulary::OrderState::Authorized;
        authorized.authorized_minor = 10_000;
        let at = |days: i64, hours: i64| paid + days * DAY_MS + hours * 3_600_000;
        assert_eq!(
            capture_window(&authorized, at(0, 1)),
            Some(CaptureWindow::Open {
                age_days: 0,
                left_days: 7,
                late: false
            })
        );
        assert_eq!(
            capture_window(&authorized, at(5, 2)),
            Some(CaptureWindow::Open {
                age_days: 5,
                left_days: 2,
                late: true
            })
        );
        assert_eq!(
            capture_window(&authorized, at(7, 1)),
            Some(CaptureWindow::Passed)
        );
        let en = Tr::new(Language::En);
        let (text, warn) =
            capture_window_text(&en, capture_window(&authorized, at(5, 2)).expect("open"));
        assert!(text.contains("expires in 2 days") && warn, "{text}");
        let ar = Tr::new(Language::Ar);
        // The words as read, without the isolates' marks around numbers.
        let unmarked =
            |(text, warn): (String, bool)| (text.replace(['\u{2068}', '\u{2069}'], ""), warn);
        let (text, _) = unmarked(capture_window_text(
            &ar,
            capture_window(&authorized, at(5, 2)).expect("open"),
        ));
        // Arabic counts: "5 أيام", and two days in the dual, "يومين".
        assert!(
            text.contains('5') && text.contains("أيام") && text.contains("بعد يومين"),
            "{text}"
        );
        let (text, _) = unmarked(capture_window_text(
            &ar,
            capture_window(&authorized, at(1, 6)).expect("open"),
        ));
        assert!(
            text.contains("يوم واحد") && text.contains("6 أيام") && !text.contains("6 يوم"),
            "{text}"
        );
        let mut unknown = authorized.clone();
        unknown.payment.time = None;
        assert_eq!(
            capture_window(&unknown, at(1, 0)),
            Some(CaptureWindow::Unknown)
        );
        let mut captured = authorized;
        captured.state = crate::journal::vocabulary::OrderState::Captured;
        captured.captured_minor = 10_000;
        assert_eq!(capture_window(&captured, at(1, 0)), None);
    }

    /// Issue 12: the date column shows the payment's time, and the journal's
    /// first sight of an order only as "recorded", in both languages.
    #[test]
    fn the_date_column_is_the_payments_time_or_says_recorded() {
        let looked_up = 1_796_025_720_000; // 2026-11-30 08:02 UTC
        let paid = 1_795_162_500_000; // 2026-11-20 08:15 UTC
        let en = Tr::new(Language::En);
        assert_eq!(
            order_date(&en, &order(looked_up, Some(paid))),
            OrderDate::Transaction("2026-11-20 08:15:00".into())
        );
        let OrderDate::Recorded(text) = order_date(&en, &order(looked_up, None)) else {
            panic!("no payment time: recorded");
        };
        assert!(text.starts_with("recorded ") && text.contains("2026-11-30 08:02"));
        let ar = Tr::new(Language::Ar);
        let OrderDate::Recorded(text) = order_date(&ar, &order(looked_up, None)) else {
            panic!("no payment time: recorded");
        };
        assert!(text.contains("سُجّل") && text.contains("2026-11-30 08:02"));
    }
}
