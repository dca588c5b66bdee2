//! The Bulk screen: one capture, refund or status check per line of a pasted
//! list or CSV (`merchant_reference,amount`), run with bounded concurrency,
//! with progress, pause, cancel, a result per row, and the results as CSV.
//!
//! Each row goes through the desk like a single operation: recorded before it
//! is sent, refused while its order is blocked, never retried automatically.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use egui::{RichText, Ui};

use super::i18n::Tr;
use super::results::OperationResult;
use super::transactions::{amount_refused, left_for, operation_refused};
use super::widgets::{column, heading, label, row, widget_text};
use super::{AppCommand, OperationKind};
use crate::aps::OutcomeClass;
use crate::journal::store::OrderRecord;
use crate::journal::vocabulary::OrderState;

/// What a bulk run does to each row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkKind {
    Capture,
    Refund,
    Status,
}

/// One line of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkRow {
    pub merchant_reference: String,
    /// In major units, as typed.
    pub amount: Option<String>,
    /// The order's currency as the preview knew it: a money row is sent
    /// only in this currency, so that the run moves what the preview showed.
    pub currency: Option<String>,
    /// What the journal said was left for the row's operation when the
    /// preview checked it (minor units): the run says "the order changed
    /// since the preview" only when what is left then differs.
    pub left_at_preview: Option<u64>,
    pub state: RowState,
}

/// A row handed to the run: where it is on the screen and what the
/// preview showed for it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RunRow {
    pub index: usize,
    pub merchant_reference: String,
    pub amount: Option<String>,
    pub currency: Option<String>,
    /// [`BulkRow::left_at_preview`] (absent in records of older versions).
    #[serde(default)]
    pub left_at_preview: Option<u64>,
}

/// A money run as it starts, kept beside the journal until it finishes
/// (`<journal>.bulk-run.json`): a run the closing of the app interrupted is
/// found at the next start, and its rows told apart by the journal — each
/// row that was sent has its request there, written before it left.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RunRecord {
    pub kind: RecordedKind,
    pub operator: String,
    /// The profile the run was made under: only that profile is shown it
    /// (the journal holds every profile's orders, and two accounts may use
    /// the same references). Empty in records written before it was kept.
    #[serde(default)]
    pub profile: String,
    pub started_ms: i64,
    pub rows: Vec<RunRow>,
}

/// [`BulkKind`] as the run record spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordedKind {
    Capture,
    Refund,
    Status,
}

impl From<BulkKind> for RecordedKind {
    fn from(kind: BulkKind) -> RecordedKind {
        match kind {
            BulkKind::Capture => RecordedKind::Capture,
            BulkKind::Refund => RecordedKind::Refund,
            BulkKind::Status => RecordedKind::Status,
        }
    }
}

impl From<RecordedKind> for BulkKind {
    fn from(kind: RecordedKind) -> BulkKind {
        match kind {
            RecordedKind::Capture => BulkKind::Capture,
            RecordedKind::Refund => BulkKind::Refund,
            RecordedKind::Status => BulkKind::Status,
        }
    }
}

/// What the next start found of an interrupted run: which rows were sent
/// (their request is in the journal) and which were not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interrupted {
    pub record: RunRecord,
    /// For each row of the record, what the journal says of it.
    pub fates: Vec<RowFate>,
}

/// One row of an interrupted run, as the journal tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowFate {
    /// No request of the run's kind on the order since the run started.
    NotSent,
    /// Sent, and APS's trusted answer to it is in the journal.
    Answered,
    /// Sent, and no answer came, or one that proves nothing: it is never
    /// sent again; reconciliation settles it from APS's status.
    Unanswered,
}

impl Interrupted {
    /// How many rows had been sent, and how many of those got no answer.
    pub fn sent_and_unanswered(&self) -> (usize, usize) {
        let count = |wanted: &[RowFate]| {
            self.fates
                .iter()
                .filter(|fate| wanted.contains(fate))
                .count()
        };
        (
            count(&[RowFate::Answered, RowFate::Unanswered]),
            count(&[RowFate::Unanswered]),
        )
    }
}

impl BulkScreen {
    /// Shows an interrupted run: the rows sent as done before the app
    /// closed, the others waiting on a preview, to be run or cancelled.
    pub fn show_interrupted(&mut self, interrupted: &Interrupted) {
        if self.running {
            return;
        }
        let kind = BulkKind::from(interrupted.record.kind);
        self.rows = interrupted
            .record
            .rows
            .iter()
            .zip(&interrupted.fates)
            .map(|(row, fate)| BulkRow {
                merchant_reference: row.merchant_reference.clone(),
                amount: row.amount.clone(),
                currency: row.currency.clone(),
                left_at_preview: row.left_at_preview,
                state: match fate {
                    RowFate::NotSent => RowState::Waiting,
                    RowFate::Answered => RowState::Skipped(SkipReason::SentBeforeClosing),
                    RowFate::Unanswered => RowState::Skipped(SkipReason::UnansweredBeforeClosing),
                },
            })
            .collect();
        self.kind = Some(kind);
        self.confirming = Some(kind);
        self.confirmation.clear();
    }
}

/// Where a row is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowState {
    Waiting,
    Running,
    Done(OperationResult),
    Skipped(SkipReason),
}

/// Why a row is not sent: found when the input is read, when the preview
/// is made, or when the run reaches the row. Said in the operator's
/// language by [`super::explain::skip_reason`]; its [`SkipCode`] is what an
/// exported results file carries, the same in every language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// The line is not readable as CSV (a quote left open).
    Unreadable {
        line: usize,
    },
    /// More fields than a reference and an amount (often an amount written
    /// with a thousands or decimal comma).
    TooManyFields {
        line: usize,
        count: usize,
    },
    /// A field APS would refuse: the reference as read (`line` known), or
    /// the capture or refund the row made when the run reached it.
    InvalidFields {
        line: Option<usize>,
        errors: crate::aps::validate::FieldErrors,
    },
    /// An amount with separators, letters or a second decimal point.
    AmountNotPlain {
        line: usize,
        amount: String,
    },
    /// A capture or refund row without an amount.
    NoAmount,
    /// The amount does not read in the order's currency (too many
    /// decimals, zero, too large).
    AmountInCurrency(crate::aps::money::AmountError),
    /// The order's currency is not known here, so the preview could not
    /// show what the row moves.
    CurrencyUnknown,
    NothingToCapture,
    NothingToRefund,
    /// The order's state does not allow the operation (a capture of a
    /// voided authorization).
    WrongState(OrderState),
    /// Not in the journal, and APS's trusted answer to a status check
    /// did not name the order either.
    NotFoundAtAps,
    /// Not in the journal, and the status check that would have found it
    /// got no trusted answer: the row is not sent blind.
    StatusNotAnswered,
    /// The order's currency is not the one the preview showed.
    CurrencyChanged,
    /// The same order as an earlier row: a run sends each order once.
    RepeatedOrder,
    /// The row asks more than the journal knows is left of the order:
    /// what is left, in minor units.
    MoreThanLeft {
        left_minor: u64,
        currency: crate::aps::Currency,
    },
    /// The order changed between the preview and the run (a capture from
    /// its dialog, another desk's refund seen by a status check), so that
    /// the row now asks more than is left: what is left now.
    ChangedSincePreview {
        left_minor: u64,
        currency: crate::aps::Currency,
    },
    /// Sent by a run the closing of the app cut short, and answered; its
    /// result is in the journal.
    SentBeforeClosing,
    /// Sent by a run the closing of the app cut short, without a trusted
    /// answer: never sent again, settled from APS's status.
    UnansweredBeforeClosing,
    /// The operator cancelled the rest of the run.
    Cancelled,
}

/// A [`SkipReason`] without its details: the stable code of an exported
/// results file (`skip_reason` column) and the preview's count by reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SkipCode {
    Unreadable,
    TooManyFields,
    InvalidFields,
    AmountNotPlain,
    NoAmount,
    AmountInCurrency,
    CurrencyUnknown,
    NothingToCapture,
    NothingToRefund,
    WrongState,
    NotFoundAtAps,
    StatusNotAnswered,
    CurrencyChanged,
    RepeatedOrder,
    MoreThanLeft,
    ChangedSincePreview,
    SentBeforeClosing,
    UnansweredBeforeClosing,
    Cancelled,
}

impl SkipCode {
    /// Every code, in the order the preview lists them.
    pub const ALL: [SkipCode; 19] = [
        SkipCode::Unreadable,
        SkipCode::TooManyFields,
        SkipCode::InvalidFields,
        SkipCode::AmountNotPlain,
        SkipCode::NoAmount,
        SkipCode::AmountInCurrency,
        SkipCode::CurrencyUnknown,
        SkipCode::NothingToCapture,
        SkipCode::NothingToRefund,
        SkipCode::WrongState,
        SkipCode::NotFoundAtAps,
        SkipCode::StatusNotAnswered,
        SkipCode::CurrencyChanged,
        SkipCode::RepeatedOrder,
        SkipCode::MoreThanLeft,
        SkipCode::ChangedSincePreview,
        SkipCode::SentBeforeClosing,
        SkipCode::UnansweredBeforeClosing,
        SkipCode::Cancelled,
    ];

    /// The code as an exported file spells it; never translated, never
    /// renamed (a merchant's scripts filter on it).
    pub fn as_str(self) -> &'static str {
        match self {
            SkipCode::Unreadable => "csv_unreadable",
            SkipCode::TooManyFields => "too_many_fields",
            SkipCode::InvalidFields => "invalid_field",
            SkipCode::AmountNotPlain => "amount_not_plain",
            SkipCode::NoAmount => "no_amount",
            SkipCode::AmountInCurrency => "amount_invalid_in_currency",
            SkipCode::CurrencyUnknown => "currency_unknown",
            SkipCode::NothingToCapture => "nothing_to_capture",
            SkipCode::NothingToRefund => "nothing_to_refund",
            SkipCode::WrongState => "wrong_state",
            SkipCode::NotFoundAtAps => "not_found_at_aps",
            SkipCode::StatusNotAnswered => "status_not_answered",
            SkipCode::CurrencyChanged => "currency_changed",
            SkipCode::RepeatedOrder => "repeated_order",
            SkipCode::MoreThanLeft => "more_than_left",
            SkipCode::ChangedSincePreview => "changed_since_preview",
            SkipCode::SentBeforeClosing => "sent_before_closing",
            SkipCode::UnansweredBeforeClosing => "unanswered_before_closing",
            SkipCode::Cancelled => "cancelled",
        }
    }
}

impl SkipReason {
    pub fn code(&self) -> SkipCode {
        match self {
            SkipReason::Unreadable { .. } => SkipCode::Unreadable,
            SkipReason::TooManyFields { .. } => SkipCode::TooManyFields,
            SkipReason::InvalidFields { .. } => SkipCode::InvalidFields,
            SkipReason::AmountNotPlain { .. } => SkipCode::AmountNotPlain,
            SkipReason::NoAmount => SkipCode::NoAmount,
            SkipReason::AmountInCurrency(_) => SkipCode::AmountInCurrency,
            SkipReason::CurrencyUnknown => SkipCode::CurrencyUnknown,
            SkipReason::NothingToCapture => SkipCode::NothingToCapture,
            SkipReason::NothingToRefund => SkipCode::NothingToRefund,
            SkipReason::WrongState(_) => SkipCode::WrongState,
            SkipReason::NotFoundAtAps => SkipCode::NotFoundAtAps,
            SkipReason::StatusNotAnswered => SkipCode::StatusNotAnswered,
            SkipReason::CurrencyChanged => SkipCode::CurrencyChanged,
            SkipReason::RepeatedOrder => SkipCode::RepeatedOrder,
            SkipReason::MoreThanLeft { .. } => SkipCode::MoreThanLeft,
            SkipReason::ChangedSincePreview { .. } => SkipCode::ChangedSincePreview,
            SkipReason::SentBeforeClosing => SkipCode::SentBeforeClosing,
            SkipReason::UnansweredBeforeClosing => SkipCode::UnansweredBeforeClosing,
            SkipReason::Cancelled => SkipCode::Cancelled,
        }
    }
}

/// Pause and cancel, shared with the running task.
#[derive(Debug, Clone, Default)]
pub struct BulkControl {
    pub paused: Arc<AtomicBool>,
    pub cancelled: Arc<AtomicBool>,
}

/// What the screen holds.
#[derive(Debug, Default)]
pub struct BulkScreen {
    pub input: String,
    pub rows: Vec<BulkRow>,
    pub kind: Option<BulkKind>,
    pub control: BulkControl,
    pub running: bool,
    /// Every run waits here on its preview (how many orders, the total per
    /// currency, what is skipped and why); in production, a money run until
    /// the operator types the total shown.
    pub confirming: Option<BulkKind>,
    pub confirmation: String,
    /// When (egui's clock, seconds) the run was confirmed: Pause and Cancel
    /// take clicks only [`START_GUARD_SECONDS`] later.
    pub started_at: f64,
    /// The references "Use the listed orders" put in the input: while the
    /// input is still exactly that, a money run takes each listed order
    /// with what is left for it, as a selection's run does.
    pub listed_input: Option<String>,
}

/// Longer than a double click (egui's is 0.3 s): the second click of a
/// double click on Confirm, landing on the run's Cancel in its place, is
/// not taken.
pub const START_GUARD_SECONDS: f64 = 0.5;

impl BulkKind {
    pub fn moves_money(self) -> bool {
        match self {
            BulkKind::Capture | BulkKind::Refund => true,
            BulkKind::Status => false,
        }
    }

    /// The single operation each row of a money run is.
    pub fn operation(self) -> Option<OperationKind> {
        match self {
            BulkKind::Capture => Some(OperationKind::Capture),
            BulkKind::Refund => Some(OperationKind::Refund),
            BulkKind::Status => None,
        }
    }

    fn action_id(self) -> &'static str {
        match self {
            BulkKind::Capture => "bulk-capture",
            BulkKind::Refund => "bulk-refund",
            BulkKind::Status => "bulk-status",
        }
    }
}

/// What a previewed run will send: the orders and the total per currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    /// Rows that will be sent.
    pub count: usize,
    /// Minor units per currency, in the order first met.
    pub totals: Vec<(crate::aps::Currency, u64)>,
    /// Rows that will not be sent.
    pub skipped: usize,
    /// How many rows each reason skips, in [`SkipCode::ALL`]'s order.
    pub skipped_by_reason: Vec<(SkipCode, usize)>,
}

impl Preview {
    /// The totals as shown and as typed to confirm: `1,234.500 KWD, 3.00 SAR`.
    pub fn totals_text(&self) -> String {
        self.totals
            .iter()
            .map(|(currency, minor)| format!("{} {}", grouped(*minor, *currency), currency.code()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// An amount with its thousands grouped: `1,234.500`.
pub fn grouped(minor: u64, currency: crate::aps::Currency) -> String {
    let plain = crate::aps::money::format_minor_units(minor, currency);
    let (whole, fraction) = match plain.split_once('.') {
        Some((whole, fraction)) => (whole.to_owned(), Some(fraction.to_owned())),
        None => (plain, None),
    };
    let mut with_commas = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            with_commas.push(',');
        }
        with_commas.push(digit);
    }
    match fraction {
        Some(fraction) => format!("{with_commas}.{fraction}"),
        None => with_commas,
    }
}

/// The preview of `rows`: what will be sent (rows still waiting), in what
/// currencies. A waiting money row always has a currency and an amount that
/// reads in it ([`BulkScreen::prepare`] skipped the others).
pub fn preview(rows: &[BulkRow]) -> Preview {
    use crate::aps::{Currency, Money};
    let mut totals: Vec<(Currency, u64)> = Vec::new();
    let mut count = 0;
    let mut by_reason = std::collections::BTreeMap::<SkipCode, usize>::new();
    for row in rows {
        if let RowState::Skipped(reason) = &row.state {
            *by_reason.entry(reason.code()).or_default() += 1;
        }
        if !matches!(row.state, RowState::Waiting) {
            continue;
        }
        count += 1;
        let money = row
            .currency
            .as_deref()
            .and_then(Currency::from_code)
            .zip(row.amount.as_deref())
            .and_then(|(currency, amount)| Money::parse_major(amount, currency).ok());
        if let Some(money) = money {
            match totals
                .iter_mut()
                .find(|(known, _)| *known == money.currency())
            {
                Some((_, sum)) => *sum = sum.saturating_add(money.minor_units()),
                None => totals.push((money.currency(), money.minor_units())),
            }
        }
    }
    Preview {
        count,
        totals,
        skipped: rows.len() - count,
        skipped_by_reason: by_reason.into_iter().collect(),
    }
}

/// The account the screen acts on, and the orders listed on Transactions
/// (which are that account's only).
#[derive(Debug, Clone, Default)]
pub struct BulkContext {
    /// The profile, merchant identifier and environment, for the operator.
    pub account: String,
    pub production: bool,
    /// The orders listed on Transactions, as the list last read them from
    /// the journal (reloaded after every operation).
    pub listed: Vec<OrderRecord>,
}

/// A row per order, each with all that is left for `kind` (nothing for a
/// status check); an order that allows nothing is skipped with why, by the
/// detail panel's rule (`operation_refused`: a voided authorization keeps
/// its authorized total, but nothing can be captured of it).
fn rows_with_what_is_left(kind: BulkKind, orders: &[OrderRecord]) -> Vec<BulkRow> {
    orders
        .iter()
        .map(|order| {
            let operation = kind.operation();
            let currency = order
                .currency
                .as_deref()
                .and_then(crate::aps::Currency::from_code);
            let refused = operation.and_then(|operation| operation_refused(operation, order));
            let left = operation.map(|operation| left_for(operation, order).max(0).unsigned_abs());
            let (amount, state) = match (operation, refused, currency) {
                (None, _, _) => (None, RowState::Waiting),
                (Some(_), Some(reason @ SkipReason::WrongState(_)), _) => {
                    (None, RowState::Skipped(reason))
                }
                (Some(_), _, None) => (None, RowState::Skipped(SkipReason::CurrencyUnknown)),
                (Some(_), Some(reason), Some(_)) => (None, RowState::Skipped(reason)),
                (Some(_), None, Some(currency)) => (
                    left.map(|left| crate::aps::money::format_minor_units(left, currency)),
                    RowState::Waiting,
                ),
            };
            BulkRow {
                merchant_reference: order.merchant_reference.clone(),
                amount,
                currency: order.currency.clone(),
                left_at_preview: left,
                state,
            }
        })
        .collect()
}

/// Parses pasted lines or a CSV: `REF`, or `REF,AMOUNT` (tab- or
/// semicolon-separated too, when the text has no comma), quotes respected by
/// the csv crate; a `merchant_reference[,amount]` header is skipped. A row that
/// cannot be read exactly — an amount with a thousands separator or a decimal
/// comma, too many fields, a reference APS would refuse — is kept as
/// [`RowState::Skipped`] with its reason naming the row, and never sent.
pub fn parse_rows(text: &str) -> Vec<BulkRow> {
    let delimiter = if text.contains('\t') {
        b'\t'
    } else if !text.contains(',') && text.contains(';') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 1;
        let row = match record {
            Ok(record) => {
                let fields: Vec<&str> = record.iter().collect();
                if fields.iter().all(|field| field.is_empty()) {
                    continue;
                }
                if index == 0
                    && fields
                        .first()
                        .is_some_and(|field| field.eq_ignore_ascii_case("merchant_reference"))
                {
                    continue;
                }
                row_from_fields(line, &fields)
            }
            Err(error) => {
                tracing::warn!("bulk row {line}: {error}");
                BulkRow {
                    merchant_reference: String::new(),
                    amount: None,
                    currency: None,
                    left_at_preview: None,
                    state: RowState::Skipped(SkipReason::Unreadable { line }),
                }
            }
        };
        rows.push(row);
    }
    rows
}

/// One row's fields, checked: a reference APS accepts and an amount written
/// only with digits and one decimal point.
fn row_from_fields(line: usize, fields: &[&str]) -> BulkRow {
    let reference = fields.first().copied().unwrap_or_default();
    let amount = fields.get(1).copied().filter(|amount| !amount.is_empty());
    let problem = if fields.len() > 2 {
        Some(SkipReason::TooManyFields {
            line,
            count: fields.len(),
        })
    } else if let Err(error) = crate::aps::validate::merchant_reference(reference) {
        Some(SkipReason::InvalidFields {
            line: Some(line),
            errors: crate::aps::validate::FieldErrors(vec![error]),
        })
    } else {
        amount
            .filter(|amount| !is_plain_amount(amount))
            .map(|amount| SkipReason::AmountNotPlain {
                line,
                amount: amount.to_owned(),
            })
    };
    BulkRow {
        merchant_reference: reference.to_owned(),
        amount: amount.map(str::to_owned),
        currency: None,
        left_at_preview: None,
        state: problem.map_or(RowState::Waiting, RowState::Skipped),
    }
}

/// Digits (Western or Arabic-Indic) with at most one decimal point (`.` or
/// the Arabic decimal separator), nothing else.
fn is_plain_amount(text: &str) -> bool {
    let mut points = 0;
    let mut digits = 0;
    for c in text.chars() {
        match c {
            '0'..='9' | '\u{0660}'..='\u{0669}' | '\u{06F0}'..='\u{06F9}' => digits += 1,
            '.' | '\u{066B}' => points += 1,
            _ => return false,
        }
    }
    digits > 0 && points <= 1
}

/// The results as CSV (UTF-8), for the clipboard or a file: the problem
/// column in the operator's language, and for a skipped row its reason's
/// code (`skip_reason`, [`SkipCode::as_str`]), the same in every language,
/// so that a file can be filtered by reason.
pub fn results_csv(rows: &[BulkRow], tr: &Tr) -> String {
    let mut out = String::from(
        "merchant_reference,amount,outcome,response_code,response_message,problem,skip_reason\n",
    );
    for row in rows {
        let (outcome, code, message, problem, skip_reason) = match &row.state {
            RowState::Done(result) => (
                result
                    .class
                    .map_or("not_sent", OutcomeClass::as_str) // i18n-lint: not shown (a CSV column value)
                    .to_owned(),
                result.response_code.clone().unwrap_or_default(),
                result.response_message.clone().unwrap_or_default(),
                result
                    .problem
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                "",
            ),
            RowState::Skipped(why) => (
                "skipped".to_owned(),
                String::new(),
                String::new(),
                super::explain::skip_reason(tr, why),
                why.code().as_str(),
            ),
            RowState::Waiting | RowState::Running => (
                "not_run".to_owned(),
                String::new(),
                String::new(),
                String::new(),
                "",
            ),
        };
        let quote = |field: &str| format!("\"{}\"", field.replace('"', "\"\""));
        out.push_str(
            &[
                quote(&row.merchant_reference),
                quote(row.amount.as_deref().unwrap_or_default()),
                quote(&outcome),
                quote(&code),
                quote(&message),
                quote(&problem),
                quote(skip_reason),
            ]
            .join(","),
        );
        out.push('\n');
    }
    out
}

impl BulkScreen {
    /// Progress: rows finished and rows in all.
    pub fn progress(&self) -> (usize, usize) {
        let done = self
            .rows
            .iter()
            .filter(|row| matches!(row.state, RowState::Done(_) | RowState::Skipped(_)))
            .count();
        (done, self.rows.len())
    }

    fn start(&mut self, kind: BulkKind, commands: &mut Vec<AppCommand>) {
        self.control = BulkControl::default();
        // Rows refused when read are already finished (skipped, with why).
        self.running = self
            .rows
            .iter()
            .any(|row| matches!(row.state, RowState::Waiting));
        self.confirming = None;
        self.confirmation.clear();
        commands.push(AppCommand::RunBulk(kind));
    }

    /// Checks each pasted row against its order as listed on Transactions,
    /// with the rule of the dialogs and the run ([`amount_refused`]): its
    /// currency, its state, and no more than is left. A row that cannot go
    /// is skipped with why, so that the preview's total is only what will
    /// be sent. A money row without an amount, or on an order not listed
    /// (its currency unknown here), is skipped too.
    fn prepare(&mut self, kind: BulkKind, context: &BulkContext) {
        for row in &mut self.rows {
            if !matches!(row.state, RowState::Waiting) {
                continue;
            }
            let order = context
                .listed
                .iter()
                .find(|order| order.merchant_reference == row.merchant_reference);
            row.currency = order.and_then(|order| order.currency.clone());
            let Some(operation) = kind.operation() else {
                continue;
            };
            let Some(order) = order.filter(|_| row.currency.is_some()) else {
                row.state = RowState::Skipped(if row.amount.is_none() {
                    SkipReason::NoAmount
                } else {
                    SkipReason::CurrencyUnknown
                });
                continue;
            };
            row.left_at_preview = u64::try_from(left_for(operation, order)).ok();
            let Some(amount) = row.amount.as_deref() else {
                row.state = RowState::Skipped(SkipReason::NoAmount);
                continue;
            };
            let Some(currency) = row
                .currency
                .as_deref()
                .and_then(crate::aps::Currency::from_code)
            else {
                row.state = RowState::Skipped(SkipReason::CurrencyUnknown);
                continue;
            };
            match crate::aps::Money::parse_major(amount, currency) {
                Err(error) => row.state = RowState::Skipped(SkipReason::AmountInCurrency(error)),
                Ok(money) => {
                    if let Some(reason) = amount_refused(operation, order, money.minor_units()) {
                        row.state = RowState::Skipped(reason);
                    }
                }
            }
        }
        // One order, one row: a repeated line (or a list pasted under
        // another) would send the order again.
        let mut seen = std::collections::HashSet::new();
        for row in &mut self.rows {
            if matches!(row.state, RowState::Waiting)
                && !seen.insert(row.merchant_reference.clone())
            {
                row.state = RowState::Skipped(SkipReason::RepeatedOrder);
            }
        }
    }

    /// A run on the orders selected on Transactions: each with all that is
    /// left to capture or refund; an order with nothing left is skipped
    /// with why. Waits on its preview.
    pub fn preview_selection(&mut self, kind: BulkKind, orders: &[OrderRecord]) {
        if self.running {
            return;
        }
        self.rows = rows_with_what_is_left(kind, orders);
        self.input = self
            .rows
            .iter()
            .map(|row| match &row.amount {
                Some(amount) => format!("{},{amount}", row.merchant_reference),
                None => row.merchant_reference.clone(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        self.listed_input = None;
        self.kind = Some(kind);
        self.confirming = Some(kind);
        self.confirmation.clear();
    }

    /// The preview every run waits on: the account, the action, how many
    /// orders, the total per currency, how many are skipped (each row says
    /// why below). In production a money run starts only once the operator
    /// has typed the total shown.
    fn preview_ui(
        &mut self,
        ui: &mut Ui,
        tr: &Tr,
        context: &BulkContext,
        kind: BulkKind,
        commands: &mut Vec<AppCommand>,
    ) {
        let rtl = tr.is_rtl();
        let action = tr.text(kind.action_id());
        let preview = preview(&self.rows);
        let totals = preview.totals_text();
        // Shown as one left-to-right block in Arabic: each amount beside its
        // currency, in the order the operator types them to confirm.
        let shown_totals = super::widgets::ltr_unit(&totals, rtl);
        let typed_needed = context.production && kind.moves_money();
        let warn = if typed_needed {
            ui.visuals().error_fg_color
        } else {
            ui.visuals().text_color()
        };
        ui.group(|ui| {
            super::widgets::column(ui, rtl, |ui| {
                super::widgets::colored_label(
                    ui,
                    &tr.args(
                        "bulk-preview",
                        &[
                            ("account", context.account.clone().into()),
                            ("action", action.into()),
                            ("count", preview.count.into()),
                            ("totals", shown_totals.clone().into()),
                        ],
                    ),
                    rtl,
                    true,
                    warn,
                );
                if preview.skipped > 0 {
                    label(
                        ui,
                        tr.args("bulk-preview-skipped", &[("count", preview.skipped.into())]),
                        rtl,
                    );
                    // What is skipped, by reason: a slip (a column of amounts
                    // with commas, the wrong account's list) shows as one
                    // large count before anything is sent.
                    for (code, count) in &preview.skipped_by_reason {
                        label(
                            ui,
                            tr.args(
                                "bulk-preview-skipped-reason",
                                &[
                                    ("count", (*count).into()),
                                    ("reason", super::explain::skip_code(tr, *code).into()),
                                ],
                            ),
                            rtl,
                        );
                    }
                }
                let ready = if typed_needed {
                    let caption = label(
                        ui,
                        tr.args(
                            "bulk-confirm-type-total",
                            &[("totals", shown_totals.clone().into())],
                        ),
                        rtl,
                    );
                    ui.add(egui::TextEdit::singleline(&mut self.confirmation).desired_width(240.0))
                        .labelled_by(caption.id);
                    self.confirmation.trim() == totals
                } else {
                    true
                };
                row(ui, rtl, |ui| {
                    if ui
                        .add_enabled(
                            ready && preview.count > 0,
                            egui::Button::new(widget_text(ui, &tr.text("bulk-confirm"), rtl, true)),
                        )
                        .clicked()
                    {
                        self.started_at = ui.input(|input| input.time);
                        self.start(kind, commands);
                    }
                    if ui
                        .button(widget_text(ui, &tr.text("action-cancel"), rtl, false))
                        .clicked()
                    {
                        self.confirming = None;
                        self.confirmation.clear();
                        self.rows.clear();
                    }
                });
            });
        });
    }

    /// The run did not start (its record could not be written): nothing
    /// was sent, and the preview waits again.
    pub fn not_started(&mut self) {
        if !self.running {
            return;
        }
        self.running = false;
        self.confirming = self.kind;
        self.confirmation.clear();
    }

    /// A row finished (or started).
    pub fn row_update(&mut self, index: usize, state: RowState) {
        if let Some(row) = self.rows.get_mut(index) {
            row.state = state;
        }
        let (done, total) = self.progress();
        if done == total {
            self.running = false;
        }
    }

    pub fn ui(
        &mut self,
        ui: &mut Ui,
        tr: &Tr,
        context: &BulkContext,
        commands: &mut Vec<AppCommand>,
    ) {
        let rtl = tr.is_rtl();
        column(ui, rtl, |ui| self.body_ui(ui, tr, context, commands));
    }

    /// The screen, each widget under the one before from the reading side.
    fn body_ui(
        &mut self,
        ui: &mut Ui,
        tr: &Tr,
        context: &BulkContext,
        commands: &mut Vec<AppCommand>,
    ) {
        let rtl = tr.is_rtl();
        heading(ui, &tr.text("bulk-title"), rtl);
        label(
            ui,
            tr.args("bulk-scope", &[("account", context.account.clone().into())]),
            rtl,
        );
        let caption = label(ui, tr.text("bulk-input"), rtl);
        let idle = !self.running && self.confirming.is_none();
        // A long paste scrolls inside its box instead of pushing the buttons
        // off the screen.
        egui::ScrollArea::vertical()
            .id_salt("bulk-input")
            .max_height(140.0)
            .show(ui, |ui| {
                ui.add_enabled(
                    idle,
                    egui::TextEdit::multiline(&mut self.input)
                        .code_editor()
                        .desired_rows(6)
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(caption.id);
            });
        row(ui, rtl, |ui| {
            if ui
                .add_enabled(
                    idle,
                    egui::Button::new(widget_text(ui, &tr.text("bulk-use-selection"), rtl, false)),
                )
                .clicked()
            {
                self.input = context
                    .listed
                    .iter()
                    .map(|order| order.merchant_reference.as_str())
                    .collect::<Vec<_>>()
                    .join("\n");
                self.listed_input = Some(self.input.clone());
            }
            if ui
                .add_enabled(
                    idle,
                    egui::Button::new(widget_text(ui, &tr.text("bulk-load-csv"), rtl, false)),
                )
                .clicked()
            {
                commands.push(AppCommand::LoadBulkCsv);
            }
            for (kind, id) in [
                (BulkKind::Capture, "bulk-capture"),
                (BulkKind::Refund, "bulk-refund"),
                (BulkKind::Status, "bulk-status"),
            ] {
                if ui
                    .add_enabled(
                        idle && !self.input.trim().is_empty(),
                        egui::Button::new(widget_text(ui, &tr.text(id), rtl, false)),
                    )
                    .clicked()
                {
                    if self.listed_input.as_deref() == Some(self.input.as_str()) {
                        // The listed orders, each with what is left for
                        // this operation.
                        self.rows = rows_with_what_is_left(kind, &context.listed);
                    } else {
                        self.listed_input = None;
                        self.rows = parse_rows(&self.input);
                        self.prepare(kind, context);
                    }
                    self.kind = Some(kind);
                    // Every run waits on its preview.
                    self.confirming = Some(kind);
                    self.confirmation.clear();
                }
            }
        });
        if let Some(kind) = self.confirming {
            self.preview_ui(ui, tr, context, kind, commands);
        }
        if self.rows.is_empty() {
            return;
        }
        let (done, total) = self.progress();
        #[allow(clippy::cast_precision_loss)]
        let fraction = if total == 0 {
            0.0
        } else {
            done as f32 / total as f32
        };
        // Through the bidi helper: drawn as plain text, Arabic put the
        // numbers in reverse ("اكتمل 002 من 002").
        ui.add(egui::ProgressBar::new(fraction).text(widget_text(
            ui,
            &tr.args(
                "bulk-progress",
                &[("done", done.into()), ("total", total.into())],
            ),
            rtl,
            false,
        )));
        row(ui, rtl, |ui| {
            let paused = self.control.paused.load(Ordering::Relaxed);
            let pause_id = if paused { "bulk-resume" } else { "bulk-pause" };
            // These buttons take the place of the preview's Confirm as the
            // run starts: the second click of a double click on Confirm
            // would land on them. They wait a moment before taking clicks.
            let since_start = ui.input(|input| input.time) - self.started_at;
            let controls = self.running && since_start >= START_GUARD_SECONDS;
            if self.running && !controls {
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_secs_f64(START_GUARD_SECONDS));
            }
            if ui
                .add_enabled(
                    controls,
                    egui::Button::new(widget_text(ui, &tr.text(pause_id), rtl, false)),
                )
                .clicked()
            {
                self.control.paused.store(!paused, Ordering::Relaxed);
            }
            if ui
                .add_enabled(
                    controls,
                    egui::Button::new(widget_text(ui, &tr.text("bulk-cancel"), rtl, false)),
                )
                .clicked()
            {
                self.control.cancelled.store(true, Ordering::Relaxed);
                self.control.paused.store(false, Ordering::Relaxed);
            }
            if ui
                .button(widget_text(ui, &tr.text("bulk-copy-results"), rtl, false))
                .clicked()
            {
                commands.push(AppCommand::Copy {
                    what: tr.text("bulk-title"),
                    value: results_csv(&self.rows, tr),
                });
            }
            if ui
                .button(widget_text(ui, &tr.text("bulk-save-results"), rtl, false))
                .clicked()
            {
                commands.push(AppCommand::SaveBulkResults);
            }
        });
        ui.separator();
        egui::ScrollArea::vertical().show_rows(ui, 20.0, self.rows.len(), |ui, range| {
            for bulk_row in &self.rows[range] {
                row(ui, rtl, |ui| {
                    ui.label(RichText::new(&bulk_row.merchant_reference).monospace());
                    ui.label(bulk_row.amount.clone().unwrap_or_default());
                    match &bulk_row.state {
                        RowState::Waiting => {
                            label(ui, tr.text("bulk-waiting"), rtl);
                        }
                        RowState::Running => {
                            label(ui, tr.text("bulk-running"), rtl);
                        }
                        RowState::Skipped(why) => {
                            label(
                                ui,
                                tr.args(
                                    "bulk-skipped-because",
                                    &[("why", super::explain::skip_reason(tr, why).into())],
                                ),
                                rtl,
                            );
                        }
                        RowState::Done(result) => {
                            label(ui, super::explain::outcome_text(tr, result), rtl);
                        }
                    }
                });
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aps::Language;

    #[test]
    fn lines_and_csv_become_rows() {
        let rows = parse_rows("merchant_reference,amount\nA-1, 12.500\n\"B-2\",3\nC-3\n\n");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].merchant_reference, "A-1");
        assert_eq!(rows[0].amount.as_deref(), Some("12.500"));
        assert_eq!(rows[1].merchant_reference, "B-2");
        assert_eq!(rows[2].amount, None);
        assert!(
            rows.iter()
                .all(|row| matches!(row.state, RowState::Waiting))
        );
        let csv = results_csv(&rows, &Tr::new(Language::En));
        assert!(csv.starts_with("merchant_reference,amount,outcome"));
        assert_eq!(csv.lines().count(), 4);
        assert!(csv.contains("\"A-1\",\"12.500\",\"not_run\""));
        let semicolons = parse_rows("A-1;2.5\nB-2;3");
        assert_eq!(semicolons[1].amount.as_deref(), Some("3"));
    }

    #[test]
    fn an_amount_that_cannot_be_read_exactly_is_an_error_naming_the_row() {
        let en = Tr::new(Language::En);
        let skipped = |text: &str| -> Vec<String> {
            parse_rows(text)
                .into_iter()
                .filter_map(|row| match row.state {
                    RowState::Skipped(why) => Some(super::super::explain::skip_reason(&en, &why)),
                    RowState::Waiting | RowState::Running | RowState::Done(_) => None,
                })
                .collect()
        };
        // A European decimal comma: never a silent 1.00.
        let errors = skipped("DEMO-1;1,50");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].starts_with("row 1:"), "{errors:?}");
        // A quoted amount with a thousands separator.
        let errors = skipped("A-1,5.000\nDEMO-2,\"1,000.00\"");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with("row 2:") && errors[0].contains("1,000.00"),
            "{errors:?}"
        );
        // Unquoted, the separator makes a third field.
        let errors = skipped("DEMO-3,1,000.00");
        assert!(errors[0].contains("3 fields"), "{errors:?}");
        let errors = skipped("DEMO-4,1.000.5\nDEMO 5,1");
        assert_eq!(errors.len(), 2, "{errors:?}");
        let arabic = parse_rows("DEMO-6,١٢٫٥");
        assert!(matches!(arabic[0].state, RowState::Waiting));
        let errors: Vec<_> = parse_rows("DEMO-7,1,5")
            .into_iter()
            .map(|row| row.state)
            .collect();
        assert_eq!(
            errors,
            vec![RowState::Skipped(SkipReason::TooManyFields {
                line: 1,
                count: 3
            })]
        );
    }

    /// The preview counts only the rows that will be sent, sums them per
    /// currency exactly, and shows the totals as the operator types them.
    #[test]
    fn the_preview_sums_what_will_be_sent_per_currency() {
        use crate::aps::Currency;
        let kwd = Currency::from_code("KWD").expect("KWD");
        let sar = Currency::from_code("SAR").expect("SAR");
        assert_eq!(grouped(1_234_500, kwd), "1,234.500");
        assert_eq!(grouped(123_456_789_012, kwd), "123,456,789.012");
        assert_eq!(grouped(5, kwd), "0.005");
        assert_eq!(grouped(100_000, sar), "1,000.00");
        let row = |reference: &str, amount: &str, currency: &str, state: RowState| BulkRow {
            merchant_reference: reference.into(),
            amount: Some(amount.into()),
            currency: Some(currency.into()),
            left_at_preview: None,
            state,
        };
        let rows = vec![
            row("A", "1000.250", "KWD", RowState::Waiting),
            row("B", "234.25", "KWD", RowState::Waiting),
            row("C", "3", "SAR", RowState::Waiting),
            row(
                "D",
                "99",
                "KWD",
                RowState::Skipped(SkipReason::NothingToRefund),
            ),
            row("E", "1", "KWD", RowState::Skipped(SkipReason::Cancelled)),
            row(
                "F",
                "2",
                "KWD",
                RowState::Skipped(SkipReason::NothingToRefund),
            ),
        ];
        let preview = preview(&rows);
        assert_eq!(preview.count, 3);
        assert_eq!(preview.skipped, 3);
        assert_eq!(
            preview.skipped_by_reason,
            vec![(SkipCode::NothingToRefund, 2), (SkipCode::Cancelled, 1)]
        );
        assert_eq!(preview.totals, vec![(kwd, 1_234_500), (sar, 300)]);
        assert_eq!(preview.totals_text(), "1,234.500 KWD, 3.00 SAR");
    }

    /// [`SkipCode::ALL`] holds every code once (a new reason given a
    /// position here must be added there too), and the codes an exported
    /// file carries are distinct, lower-case words.
    #[test]
    fn every_skip_code_is_listed_once_with_a_distinct_spelling() {
        let position = |code: SkipCode| match code {
            SkipCode::Unreadable => 0,
            SkipCode::TooManyFields => 1,
            SkipCode::InvalidFields => 2,
            SkipCode::AmountNotPlain => 3,
            SkipCode::NoAmount => 4,
            SkipCode::AmountInCurrency => 5,
            SkipCode::CurrencyUnknown => 6,
            SkipCode::NothingToCapture => 7,
            SkipCode::NothingToRefund => 8,
            SkipCode::WrongState => 9,
            SkipCode::NotFoundAtAps => 10,
            SkipCode::StatusNotAnswered => 11,
            SkipCode::CurrencyChanged => 12,
            SkipCode::RepeatedOrder => 13,
            SkipCode::MoreThanLeft => 14,
            SkipCode::ChangedSincePreview => 15,
            SkipCode::SentBeforeClosing => 16,
            SkipCode::UnansweredBeforeClosing => 17,
            SkipCode::Cancelled => 18,
        };
        for (index, code) in SkipCode::ALL.iter().enumerate() {
            assert_eq!(position(*code), index, "{code:?}");
        }
        let spellings: std::collections::BTreeSet<&str> =
            SkipCode::ALL.iter().map(|code| code.as_str()).collect();
        assert_eq!(spellings.len(), SkipCode::ALL.len());
        assert!(
            spellings
                .iter()
                .all(|spelling| { spelling.chars().all(|c| c.is_ascii_lowercase() || c == '_') })
        );
    }

    /// The selection's preview skips, with why, what nothing can be done
    /// to — nothing left, a voided authorization (which keeps its
    /// authorized total), an unknown currency — and its total is only what
    /// will be sent.
    #[test]
    fn the_selections_preview_skips_what_its_state_or_totals_rule_out() {
        use crate::aps::client::Environment;
        let order = |reference: &str, state: OrderState, authorized, captured, currency: &str| {
            let mut order = OrderRecord::unknown(1, "shop", Environment::Simulator, reference, 0);
            order.state = state;
            order.authorized_minor = authorized;
            order.captured_minor = captured;
            order.currency = Some(currency.to_owned()).filter(|code| !code.is_empty());
            order
        };
        let orders = [
            order("OK-1", OrderState::Authorized, 10_000, 0, "KWD"),
            order(
                "PART-1",
                OrderState::PartiallyCaptured,
                10_000,
                4_000,
                "KWD",
            ),
            order("VOID-1", OrderState::Voided, 10_000, 0, "KWD"),
            order("DONE-1", OrderState::Captured, 10_000, 10_000, "KWD"),
            order("ODD-1", OrderState::Authorized, 10_000, 0, ""),
        ];
        let mut screen = BulkScreen::default();
        screen.preview_selection(BulkKind::Capture, &orders);
        let states: Vec<&RowState> = screen.rows.iter().map(|row| &row.state).collect();
        assert_eq!(
            states,
            [
                &RowState::Waiting,
                &RowState::Waiting,
                &RowState::Skipped(SkipReason::WrongState(OrderState::Voided)),
                &RowState::Skipped(SkipReason::NothingToCapture),
                &RowState::Skipped(SkipReason::CurrencyUnknown),
            ]
        );
        let preview = preview(&screen.rows);
        assert_eq!(preview.totals_text(), "16.000 KWD");
        assert_eq!(preview.skipped, 3);
        // A refund of the voided order: nothing was captured, nothing left.
        screen.preview_selection(BulkKind::Refund, &orders[2..3]);
        assert_eq!(
            screen.rows[0].state,
            RowState::Skipped(SkipReason::NothingToRefund)
        );
    }
}
