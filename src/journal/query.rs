//! Finding orders: filters, free-text search, sorting and keyset paging.
//!
//! Every sort is backed by an index on `(sort key, id)` (schema version 2), so
//! a page is an index range scan from the previous page's last row — the cost
//! of page 20,000 is the cost of page 1. Offsets are never used: they make
//! SQLite walk every skipped row.
//!
//! Free text goes through the FTS5 index over references, fort ids, customer
//! emails and names (Arabic too), authorization codes and local-method
//! references. Each word the operator types is matched as a prefix.

use super::vocabulary::OrderState;
use crate::aps::client::Environment;
use rusqlite::types::Value;

use super::store::{Journal, ORDER_COLUMNS, OrderColumns, OrderRecord, Result};

/// The columns an order list can be sorted by.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum SortColumn {
    #[default]
    Created,
    Updated,
    MerchantReference,
    FortId,
    Amount,
    Authorized,
    Captured,
    Refunded,
    State,
    PaymentOption,
    Currency,
    CustomerName,
    CustomerEmail,
    ResponseCode,
}

impl SortColumn {
    pub const ALL: [SortColumn; 14] = [
        SortColumn::Created,
        SortColumn::Updated,
        SortColumn::MerchantReference,
        SortColumn::FortId,
        SortColumn::Amount,
        SortColumn::Authorized,
        SortColumn::Captured,
        SortColumn::Refunded,
        SortColumn::State,
        SortColumn::PaymentOption,
        SortColumn::Currency,
        SortColumn::CustomerName,
        SortColumn::CustomerEmail,
        SortColumn::ResponseCode,
    ];

    /// The name used on the command line and in saved filters.
    pub fn name(self) -> &'static str {
        match self {
            SortColumn::Created => "created",
            SortColumn::Updated => "updated",
            SortColumn::MerchantReference => "merchant_reference",
            SortColumn::FortId => "fort_id",
            SortColumn::Amount => "amount",
            SortColumn::Authorized => "authorized",
            SortColumn::Captured => "captured",
            SortColumn::Refunded => "refunded",
            SortColumn::State => "state",
            SortColumn::PaymentOption => "payment_option",
            SortColumn::Currency => "currency",
            SortColumn::CustomerName => "customer_name",
            SortColumn::CustomerEmail => "customer_email",
            SortColumn::ResponseCode => "response_code",
        }
    }

    pub fn from_name(name: &str) -> Option<SortColumn> {
        SortColumn::ALL
            .into_iter()
            .find(|column| column.name() == name)
    }

    /// The SQL expression sorted on: exactly the expression of its index, so
    /// that SQLite uses it.
    fn key_sql(self) -> &'static str {
        match self {
            SortColumn::Created => "created_ms",
            SortColumn::Updated => "updated_ms",
            SortColumn::MerchantReference => "merchant_reference",
            SortColumn::FortId => "ifnull(fort_id, '')",
            SortColumn::Amount => "ifnull(amount_minor, -1)",
            SortColumn::Authorized => "authorized_minor",
            SortColumn::Captured => "captured_minor",
            SortColumn::Refunded => "refunded_minor",
            SortColumn::State => "state",
            SortColumn::PaymentOption => "ifnull(payment_option, '')",
            SortColumn::Currency => "ifnull(currency, '')",
            SortColumn::CustomerName => "ifnull(customer_name, '')",
            SortColumn::CustomerEmail => "ifnull(customer_email, '')",
            SortColumn::ResponseCode => "ifnull(last_response_code, '')",
        }
    }

    /// The sort key of a row, as the index holds it.
    fn key_of(self, order: &OrderRecord) -> Value {
        let text = |value: &Option<String>| Value::Text(value.clone().unwrap_or_default());
        match self {
            SortColumn::Created => Value::Integer(order.created_ms),
            SortColumn::Updated => Value::Integer(order.updated_ms),
            SortColumn::MerchantReference => Value::Text(order.merchant_reference.clone()),
            SortColumn::FortId => text(&order.fort_id),
            SortColumn::Amount => Value::Integer(order.amount_minor.unwrap_or(-1)),
            SortColumn::Authorized => Value::Integer(order.authorized_minor),
            SortColumn::Captured => Value::Integer(order.captured_minor),
            SortColumn::Refunded => Value::Integer(order.refunded_minor),
            SortColumn::State => Value::Text(order.state.as_str().to_owned()),
            SortColumn::PaymentOption => text(&order.payment_option),
            SortColumn::Currency => text(&order.currency),
            SortColumn::CustomerName => text(&order.customer_name),
            SortColumn::CustomerEmail => text(&order.customer_email),
            SortColumn::ResponseCode => text(&order.last_response_code),
        }
    }
}

/// Which orders to show. Every field is optional; empty means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct OrderFilter {
    /// Free text: every word must match, as a prefix, one of the searchable fields.
    pub text: String,
    pub states: Vec<OrderState>,
    pub payment_options: Vec<String>,
    pub currency: Option<String>,
    /// Inclusive bounds on the order's amount, in the currency's minor units.
    pub amount_min: Option<i64>,
    pub amount_max: Option<i64>,
    /// Creation time bounds, milliseconds since the epoch; `to` is exclusive.
    pub created_from_ms: Option<i64>,
    pub created_to_ms: Option<i64>,
    pub profile: Option<String>,
    pub environment: Option<Environment>,
    /// Only orders made through a payment link.
    pub payment_links_only: bool,
    /// Only authorizations late in their capture window: paid 5 to 7 days
    /// ago, with something left to capture.
    pub expiring_soon: bool,
    /// "Now" for `expiring_soon` (tests); the clock when `None`.
    #[serde(skip)]
    pub now_ms: Option<i64>,
    pub sort: SortColumn,
    pub descending: bool,
}

/// Where the next page starts: the last row's sort key and id.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    key: Value,
    id: i64,
}

/// One page of orders and where the next begins (`None` at the end).
#[derive(Debug, Clone)]
pub struct Page {
    pub rows: Vec<OrderRecord>,
    pub next: Option<Cursor>,
}

/// Turns what the operator typed into an FTS5 query: each word quoted (so
/// that `-`, `:` or `"` in a reference are not query syntax) and matched as a
/// prefix. Private-use characters are dropped, so that typed words never
/// reach the filter tags (they begin with [`TAG_MARK`]). `None` when nothing
/// searchable was typed.
pub fn fts_query(text: &str) -> Option<String> {
    let terms: Vec<String> = text
        .split_whitespace()
        .map(|word| {
            word.chars()
                .filter(|character| *character != '"' && !is_private_use(*character))
                .collect::<String>()
        })
        .filter(|word| word.chars().any(char::is_alphanumeric))
        .map(|word| format!("\"{word}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// The character every filter tag of the full-text index begins with
/// (`schema::FILTER_TAGS`): U+E000, of the private-use area, which FTS5's
/// `unicode61` keeps in tokens and no one types.
const TAG_MARK: char = '\u{E000}';

/// Whether `character` is of Unicode's private-use areas (nothing an
/// operator types; the filter tags' mark is one).
fn is_private_use(character: char) -> bool {
    matches!(
        character,
        '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{FFFFD}' | '\u{100000}'..='\u{10FFFD}'
    )
}

/// The orders whose fields match a filter's free text, asked of the
/// full-text index once per page: their ids in ascending order, and the same
/// as a bitmap (bit `id` of byte `id / 8`) that the SQL function
/// [`TEXT_MATCH`] reads. Every statement of the page binds the bitmap instead
/// of building its own set of matches (up to tens of thousands of ids), and
/// checking a bit costs less than looking an id up in a table.
#[derive(Debug, Default)]
struct TextMatches {
    ids: Vec<i64>,
    bitmap: Vec<u8>,
}

impl TextMatches {
    fn from_ids(ids: Vec<i64>) -> TextMatches {
        let highest = ids.iter().copied().max().unwrap_or(0);
        let bytes = usize::try_from(highest / 8 + 1).unwrap_or(0);
        let mut bitmap = vec![0_u8; bytes];
        for id in &ids {
            if let Some((byte, bit)) = bitmap_place(*id) {
                bitmap[byte] |= bit;
            }
        }
        TextMatches { ids, bitmap }
    }

    fn len(&self) -> i64 {
        i64::try_from(self.ids.len()).unwrap_or(i64::MAX)
    }

    /// The ids as a JSON array, for `json_each`: the matches as rows, where
    /// the full-text index's own order drives a read.
    fn ids_json(ids: &[i64]) -> String {
        let mut json = String::with_capacity(ids.len() * 8 + 2);
        json.push('[');
        for (at, id) in ids.iter().enumerate() {
            if at > 0 {
                json.push(',');
            }
            json.push_str(&id.to_string());
        }
        json.push(']');
        json
    }
}

/// Where an id's bit is in a [`TextMatches`] bitmap: its byte, and the bit
/// in it. `None` for ids below zero (never an order's).
fn bitmap_place(id: i64) -> Option<(usize, u8)> {
    let id = u64::try_from(id).ok()?;
    Some((usize::try_from(id / 8).ok()?, 1 << (id % 8)))
}

/// The SQL function `text_match(bitmap, id)`: whether `id`'s bit is set in
/// a [`TextMatches`] bitmap bound as a blob. Registered on every journal
/// connection ([`register_functions`]).
pub(super) const TEXT_MATCH: &str = "text_match";

/// Registers the functions the order queries use on `connection`.
pub(super) fn register_functions(connection: &rusqlite::Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    connection.create_scalar_function(
        TEXT_MATCH,
        2,
        FunctionFlags::SQLITE_UTF8
            | FunctionFlags::SQLITE_DETERMINISTIC
            | FunctionFlags::SQLITE_INNOCUOUS,
        |context| {
            let bitmap = context
                .get_raw(0)
                .as_blob()
                .map_err(|error| rusqlite::Error::UserFunctionError(Box::new(error)))?;
            let id: i64 = context.get(1)?;
            Ok(bitmap_place(id)
                .and_then(|(byte, bit)| bitmap.get(byte).map(|bits| bits & bit != 0))
                .unwrap_or(false))
        },
    )
}

/// The guide: capture "must be done within 5-7 days of authorization".
/// Warned from day 5, closed after day 7.
pub const CAPTURE_WARN_DAYS: i64 = 5;
pub const CAPTURE_WINDOW_DAYS: i64 = 7;
pub const DAY_MS: i64 = 24 * 3600 * 1000;

/// The start of a day (UTC), in milliseconds since the epoch: the date
/// filters' bounds (a range "to" a day ends at the start of the next).
pub fn day_start_ms(date: jiff::civil::Date) -> Option<i64> {
    date.to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|zoned| zoned.timestamp().as_millisecond())
}

/// How many rows in sort order are looked at per row of the page before a
/// filter counts as selective: a window of about 20,000 rows for a page of
/// 50 is a few milliseconds, and a filter that finds fewer than 50 matches in
/// it matches under 0.25% of the orders, few enough to sort.
const WINDOW_PER_ROW: usize = 400;

/// Up to this many index entries, a filter's matches are found, counted and
/// sorted inside an index (a few milliseconds) rather than looked for along
/// the sort order; past it, the filter matches enough orders that walking
/// the sort order finds a page after a short walk.
pub(crate) const FEW_ENTRIES: i64 = 20_000;

/// Where a query finds its matches when they are few.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Driver {
    /// `orders_browse`: the account, currency, method and state as seeks,
    /// then the creation range; every other filter checked in the index.
    Browse,
    /// `orders_browse_amount`: the same with the amount range seeked.
    BrowseAmount,
    /// `orders_state_paid`: authorizations by payment time ("expiring soon").
    Expiring,
    /// The full-text index: the orders whose fields match the words.
    Text,
    /// `orders_link`: the orders made through a payment link.
    Links,
}

impl Driver {
    fn index(self) -> &'static str {
        match self {
            Driver::Browse => "orders_browse",
            Driver::BrowseAmount => "orders_browse_amount",
            Driver::Expiring => "orders_state_paid",
            Driver::Links => "orders_link",
            // The matches come from the full-text index in id order; each
            // is checked in this index rather than in its row.
            Driver::Text => "orders_by_id",
        }
    }

    /// Whether the driver's index may be used for this column's condition
    /// (the others are hidden from the planner, so that it keeps to it).
    fn seeks(self, column: &str) -> bool {
        match self {
            // Every filtered column is in the browse indexes.
            Driver::Browse | Driver::BrowseAmount => true,
            Driver::Expiring => column == "state" || column == "payment_at_ms",
            Driver::Text => column == "id",
            Driver::Links => column == "payment_link_id",
        }
    }

    /// Whether reading through the driver checks each entry in its index
    /// (browse) or looks each row up in the table ([`LOOK_UP`]).
    fn reads_rows(self) -> bool {
        match self {
            Driver::Browse | Driver::BrowseAmount => false,
            Driver::Expiring | Driver::Text | Driver::Links => true,
        }
    }
}

/// Every value the equality columns take in the journal (the values
/// present, not every one the vocabulary has: fewer seeks): a filter that
/// does not choose one of them lists them all, so that the column is a set
/// of seeks into the browse indexes rather than a scan (an explicit
/// skip-scan).
#[derive(Debug, Clone, Default)]
struct Facets {
    environments: Vec<String>,
    profiles: Vec<String>,
    currencies: Vec<String>,
    options: Vec<String>,
    states: Vec<String>,
}

/// The keyset condition after `after` (`1` on the first page), binding its
/// values, and the sort direction.
fn keyset_sql(
    filter: &OrderFilter,
    after: Option<&Cursor>,
    values: &mut Vec<Value>,
) -> (String, &'static str) {
    let key = filter.sort.key_sql();
    let (comparison, direction) = if filter.descending {
        ("<", "DESC")
    } else {
        (">", "ASC")
    };
    let Some(cursor) = after else {
        return ("1".to_owned(), direction);
    };
    values.push(cursor.key.clone());
    let key_slot = values.len();
    values.push(Value::Integer(cursor.id));
    let id_slot = values.len();
    // A row value comparison, which SQLite turns into an index range.
    (
        format!("({key}, id) {comparison} (?{key_slot}, ?{id_slot})"),
        direction,
    )
}

/// Where a walk of the sort order starts and ends: the keyset condition
/// after `after`, and a range on the sort column itself when a filter bounds
/// it (dates when sorted by date, amounts by amount), so that the walk
/// starts where the matches are. Their values are bound after `values`.
fn walk_range(
    filter: &OrderFilter,
    after: Option<&Cursor>,
    mut values: Vec<Value>,
) -> (String, String, &'static str, Vec<Value>) {
    let key = filter.sort.key_sql();
    let (keyset, direction) = keyset_sql(filter, after, &mut values);
    let mut bounds = Conditions {
        terms: Vec::new(),
        values,
    };
    match filter.sort {
        SortColumn::Created => {
            if let Some(from) = filter.created_from_ms {
                bounds.compare(key, ">=", Value::Integer(from));
            }
            if let Some(to) = filter.created_to_ms {
                bounds.compare(key, "<", Value::Integer(to));
            }
        }
        SortColumn::Amount => {
            if let Some((min, max)) = filter.amount_bounds() {
                bounds.compare(key, ">=", Value::Integer(min));
                if let Some(max) = max {
                    bounds.compare(key, "<=", Value::Integer(max));
                }
            }
        }
        SortColumn::Updated
        | SortColumn::MerchantReference
        | SortColumn::FortId
        | SortColumn::Authorized
        | SortColumn::Captured
        | SortColumn::Refunded
        | SortColumn::State
        | SortColumn::PaymentOption
        | SortColumn::Currency
        | SortColumn::CustomerName
        | SortColumn::CustomerEmail
        | SortColumn::ResponseCode => {}
    }
    (keyset, bounds.sql(), direction, bounds.values)
}

/// Cuts the extra row fetched to learn whether another page follows.
fn page_of(filter: &OrderFilter, mut rows: Vec<OrderRecord>, limit: usize) -> Page {
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|last| Cursor {
            key: filter.sort.key_of(last),
            id: last.id,
        })
    } else {
        None
    };
    Page { rows, next }
}

/// The conditions of a filter as SQL, with their values bound in order.
#[derive(Debug, Default)]
struct Conditions {
    terms: Vec<String>,
    values: Vec<Value>,
}

impl Conditions {
    fn bind(&mut self, value: Value) -> String {
        self.values.push(value);
        format!("?{}", self.values.len())
    }

    fn any_of(&mut self, column: &str, list: &[String]) {
        let slots: Vec<String> = list
            .iter()
            .map(|item| self.bind(Value::Text(item.clone())))
            .collect();
        self.terms
            .push(format!("{column} IN ({})", slots.join(", ")));
    }

    fn compare(&mut self, column: &str, operator: &str, value: Value) {
        let slot = self.bind(value);
        self.terms.push(format!("{column} {operator} {slot}"));
    }

    fn sql(&self) -> String {
        if self.terms.is_empty() {
            "1".to_owned()
        } else {
            self.terms.join(" AND ")
        }
    }
}

/// How the conditions are written for the plan that uses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// Every column hidden from the planner (a unary `+`): checked row by
    /// row while another index is walked.
    Hidden,
    /// Written as the browse indexes hold them, for a [`Driver`].
    Seek(Driver),
}

impl OrderFilter {
    fn is_empty(&self) -> bool {
        fts_query(&self.text).is_none()
            && self.states.is_empty()
            && self.payment_options.is_empty()
            && self.currency.is_none()
            && self.amount_min.is_none()
            && self.amount_max.is_none()
            && self.created_from_ms.is_none()
            && self.created_to_ms.is_none()
            && self.profile.is_none()
            && self.environment.is_none()
            && !self.payment_links_only
            && !self.expiring_soon
    }

    /// The states the filter lets through: its own, narrowed to those with
    /// a capture window when only those expiring soon are wanted. `None`:
    /// any state.
    fn wanted_states(&self) -> Option<Vec<String>> {
        let capturable = [OrderState::Authorized, OrderState::PartiallyCaptured];
        let states: Vec<OrderState> = match (self.states.is_empty(), self.expiring_soon) {
            (true, false) => return None,
            (true, true) => capturable.to_vec(),
            (false, false) => self.states.clone(),
            (false, true) => self
                .states
                .iter()
                .copied()
                .filter(|state| capturable.contains(state))
                .collect(),
        };
        Some(
            states
                .iter()
                .map(|state| state.as_str().to_owned())
                .collect(),
        )
    }

    /// The payment times of authorizations in the late part of their
    /// capture window: paid more than 5 days and less than 7 days ago.
    fn expiring_bounds(&self) -> (i64, i64) {
        let now_ms = self
            .now_ms
            .unwrap_or_else(|| jiff::Timestamp::now().as_millisecond());
        (
            now_ms - CAPTURE_WINDOW_DAYS * DAY_MS,
            now_ms - CAPTURE_WARN_DAYS * DAY_MS,
        )
    }

    /// The amount bounds as the indexes hold the amount (`-1` for none):
    /// a filter on the amount never lets an order without one through.
    fn amount_bounds(&self) -> Option<(i64, Option<i64>)> {
        if self.amount_min.is_none() && self.amount_max.is_none() {
            return None;
        }
        Some((self.amount_min.unwrap_or(0).max(0), self.amount_max))
    }

    /// The WHERE clause (without the keyword, `1` when empty) and its
    /// values. `facets` lists every value of the equality columns the
    /// filter leaves open (for [`Form::Seek`]); `text` is the free text's
    /// matches, gathered by [`Journal::gather_text_matches`] (`None`: the
    /// free text is not a condition here).
    fn conditions(
        &self,
        form: Form,
        facets: Option<&Facets>,
        text: Option<&TextMatches>,
    ) -> Conditions {
        let mut conditions = Conditions::default();
        // What the seek's index does not hold is hidden, so that the
        // planner keeps to the chosen index.
        let hide = |column: &str| -> String {
            match form {
                Form::Seek(driver) if driver.seeks(column) => column.to_owned(),
                Form::Seek(_) | Form::Hidden => format!("+{column}"),
            }
        };
        if let Some(text) = text {
            // Read through the matches, they are rows (in id order, each
            // looked up in the driver's index); otherwise each candidate's
            // bit is checked.
            let term = if form == Form::Seek(Driver::Text) {
                let slot = conditions.bind(Value::Text(TextMatches::ids_json(&text.ids)));
                format!("id IN (SELECT value FROM json_each({slot}))")
            } else {
                let slot = conditions.bind(Value::Blob(text.bitmap.clone()));
                format!("{TEXT_MATCH}({slot}, id)")
            };
            conditions.terms.push(term);
        }
        let given = |list: Option<Vec<String>>, all: Option<&Vec<String>>| match list {
            Some(list) => Some(list),
            None => all.cloned(),
        };
        let environments = given(
            self.environment
                .map(|environment| vec![environment.as_str().to_owned()]),
            facets.map(|facets| &facets.environments),
        );
        let profiles = given(
            self.profile.clone().map(|profile| vec![profile]),
            facets.map(|facets| &facets.profiles),
        );
        let currencies = given(
            self.currency.clone().map(|currency| vec![currency]),
            facets.map(|facets| &facets.currencies),
        );
        let options = given(
            (!self.payment_options.is_empty()).then(|| self.payment_options.clone()),
            facets.map(|facets| &facets.options),
        );
        let states = given(self.wanted_states(), facets.map(|facets| &facets.states));
        for (column, list) in [
            ("environment", environments),
            ("profile", profiles),
            ("ifnull(currency, '')", currencies),
            ("ifnull(payment_option, '')", options),
            ("state", states),
        ] {
            if let Some(list) = list {
                conditions.any_of(&hide(column), &list);
            }
        }
        if let Some(from) = self.created_from_ms {
            conditions.compare(&hide("created_ms"), ">=", Value::Integer(from));
        }
        if let Some(to) = self.created_to_ms {
            conditions.compare(&hide("created_ms"), "<", Value::Integer(to));
        }
        if let Some((min, max)) = self.amount_bounds() {
            let amount = hide("ifnull(amount_minor, -1)");
            conditions.compare(&amount, ">=", Value::Integer(min));
            if let Some(max) = max {
                conditions.compare(&amount, "<=", Value::Integer(max));
            }
        }
        if self.expiring_soon {
            let (after_ms, until_ms) = self.expiring_bounds();
            conditions.compare(&hide("payment_at_ms"), ">", Value::Integer(after_ms));
            conditions.compare(&hide("payment_at_ms"), "<=", Value::Integer(until_ms));
            conditions.terms.push(format!(
                "{} > {}",
                hide("authorized_minor"),
                hide("captured_minor")
            ));
        }
        if self.payment_links_only {
            conditions
                .terms
                .push(format!("{} IS NOT NULL", hide("payment_link_id")));
        }
        conditions
    }

    /// Only what the driver's index seeks on: the size of that range is
    /// what reading the matches through it costs.
    fn seek_conditions(&self, driver: Driver, facets: &Facets) -> Conditions {
        let seek_only = OrderFilter {
            payment_links_only: false,
            ..self.clone()
        };
        match driver {
            Driver::Browse => OrderFilter {
                amount_min: None,
                amount_max: None,
                expiring_soon: false,
                states: self.wanted_states_as_states(),
                ..seek_only
            }
            .conditions(Form::Seek(driver), Some(facets), None),
            Driver::BrowseAmount => OrderFilter {
                created_from_ms: None,
                created_to_ms: None,
                expiring_soon: false,
                payment_options: Vec::new(),
                states: Vec::new(),
                ..seek_only
            }
            .conditions(
                Form::Seek(Driver::Browse),
                Some(&Facets {
                    options: Vec::new(),
                    states: Vec::new(),
                    ..facets.clone()
                }),
                None,
            )
            .without_empty_lists(),
            Driver::Expiring => {
                let mut conditions = Conditions::default();
                if let Some(states) = self.wanted_states() {
                    conditions.any_of("state", &states);
                }
                let (after_ms, until_ms) = self.expiring_bounds();
                conditions.compare("payment_at_ms", ">", Value::Integer(after_ms));
                conditions.compare("payment_at_ms", "<=", Value::Integer(until_ms));
                conditions
            }
            Driver::Links => {
                let mut conditions = Conditions::default();
                conditions
                    .terms
                    .push("payment_link_id IS NOT NULL".to_owned());
                conditions
            }
            Driver::Text => Conditions::default(),
        }
    }

    /// The filter's state, currency and methods as the full-text index's
    /// filter tags (`schema::FILTER_TAGS`: the mark, the column, the value's
    /// bytes in hexadecimal), for the words' search to intersect: each
    /// column an OR of its values' tokens, the columns joined by AND. A
    /// column compared as `ifnull(column, '')` has the empty value for none,
    /// as the tags do. The tags only narrow the search: every condition is
    /// still checked on the rows. `None`: no column to narrow by.
    fn tag_terms(&self) -> Option<String> {
        let spell = |prefix: &str, value: &str| -> String {
            let hex = value.bytes().fold(String::new(), |mut hex, byte| {
                use std::fmt::Write;
                write!(hex, "{byte:02X}").ok();
                hex
            });
            format!("\"{TAG_MARK}{prefix}{hex}\"")
        };
        let any_of = |prefix: &str, values: &[String]| -> Option<String> {
            let terms: Vec<String> = values.iter().map(|value| spell(prefix, value)).collect();
            (!terms.is_empty()).then(|| format!("({})", terms.join(" OR ")))
        };
        let mut columns = Vec::new();
        if let Some(states) = self.wanted_states() {
            columns.extend(any_of("st", &states));
        }
        if let Some(currency) = &self.currency {
            columns.extend(any_of("cu", std::slice::from_ref(currency)));
        }
        columns.extend(any_of("pm", &self.payment_options));
        (!columns.is_empty()).then(|| columns.join(" AND "))
    }

    fn wanted_states_as_states(&self) -> Vec<OrderState> {
        match self.wanted_states() {
            Some(names) => names
                .iter()
                .filter_map(|name| OrderState::from_name(name))
                .collect(),
            None => Vec::new(),
        }
    }
}

impl Conditions {
    /// Drops `IN ()` terms that came from lists left empty on purpose.
    fn without_empty_lists(mut self) -> Conditions {
        self.terms.retain(|term| !term.ends_with(" IN ()"));
        self
    }
}

impl Journal {
    /// One page of the filtered, sorted orders, starting after `after`.
    ///
    /// The plan follows how many orders the filter can match, measured in
    /// the indexes before any row is read: for each index that can find the
    /// matches, how many entries its seeks cover (counted up to
    /// [`FEW_ENTRIES`]). Reading through the cheapest, the matches are found
    /// and sorted inside it, and only the page's rows are read; walking the
    /// sort order instead, each row is checked and a page comes after
    /// about `limit` × orders ÷ matches rows. The cheaper way goes first
    /// ([`choose_plan`]); a walk is bounded (a window of the next rows) and
    /// when it holds too few matches to decide, the index answers. With free
    /// text, the other filters are also checked on a sample of the text's
    /// matches: a walk that the sample says cannot fill a page is not tried.
    pub fn orders_page(
        &self,
        filter: &OrderFilter,
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Page> {
        if filter.is_empty() {
            return self.page_through(filter, None, None, after, limit);
        }
        let facets = self.facets()?;
        let (counts, text) = self.driver_counts(filter, &facets)?;
        if counts.matches_at_most == Some(0) {
            return Ok(Page {
                rows: Vec::new(),
                next: None,
            });
        }
        let fetch = i64::try_from(limit.saturating_add(1)).unwrap_or(i64::MAX);
        let plan = choose_plan(
            filter,
            &counts,
            self.few_entries,
            fetch,
            self.order_count()?,
        );
        if plan.window_first
            && let Some(page) = self.page_from_window(filter, text.as_ref(), after, limit)?
        {
            return Ok(page);
        }
        self.page_through(
            filter,
            Some((plan.driver, &facets)),
            text.as_ref(),
            after,
            limit,
        )
    }

    /// Sets up to how many index entries a filter is read through an index
    /// (default [`FEW_ENTRIES`]): tests make it small, so that a small
    /// journal takes every plan.
    #[doc(hidden)]
    pub fn set_few_entries(&mut self, entries: i64) {
        self.few_entries = entries;
    }

    /// Sets from how many free-text matches a read through them is split
    /// between two connections (default [`SPLIT_TEXT_READ_AT`]): tests make
    /// it small, so that a small journal's searches are split too.
    #[doc(hidden)]
    pub fn set_split_text_read_at(&mut self, matches: usize) {
        self.split_text_read_at = matches;
    }

    /// The values present in the journal's equality columns (a few index
    /// seeks each: the next value after the last one found).
    fn facets(&self) -> Result<Facets> {
        let distinct = |column: &str| -> Result<Vec<String>> {
            let sql = format!(
                "WITH RECURSIVE value (v) AS ( \
                     SELECT (SELECT min({column}) FROM orders) \
                     UNION ALL \
                     SELECT (SELECT min({column}) FROM orders WHERE {column} > value.v) \
                     FROM value WHERE value.v IS NOT NULL) \
                 SELECT v FROM value WHERE v IS NOT NULL"
            );
            let mut statement = self.connection().prepare_cached(&sql)?;
            let values = statement
                .query_map([], |row| row.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(values)
        };
        // The columns may be NULL (an order known only by its reference):
        // the indexes hold that as ''.
        let with_none = |mut values: Vec<String>| {
            values.insert(0, String::new());
            values
        };
        Ok(Facets {
            environments: distinct("environment")?,
            profiles: distinct("profile")?,
            currencies: with_none(distinct("currency")?),
            options: with_none(distinct("payment_option")?),
            states: distinct("state")?,
        })
    }

    /// For each index that can find the filter's matches, how many entries
    /// its seeks cover, counted up to the journal's `few_entries` (a count
    /// that reaches it means "at least that many"); and the free text's
    /// matches, when the filter has free text and the indexes did not
    /// already settle that nothing matches.
    fn driver_counts(
        &self,
        filter: &OrderFilter,
        facets: &Facets,
    ) -> Result<(Counts, Option<TextMatches>)> {
        let mut drivers = vec![Driver::Browse];
        if filter.amount_bounds().is_some() && filter.currency.is_some() {
            drivers.push(Driver::BrowseAmount);
        }
        if filter.expiring_soon {
            drivers.push(Driver::Expiring);
        }
        if filter.payment_links_only {
            drivers.push(Driver::Links);
        }
        let few = self.few_entries;
        let mut counts = Vec::new();
        for driver in drivers {
            let index = driver.index();
            let conditions = filter.seek_conditions(driver, facets);
            let sql = format!(
                "SELECT count(*) FROM (SELECT 1 FROM orders INDEXED BY {index} WHERE {} \
                 LIMIT {few})",
                conditions.sql()
            );
            let mut statement = self.connection().prepare_cached(&sql)?;
            let entries: i64 = statement
                .query_row(rusqlite::params_from_iter(conditions.values), |row| {
                    row.get(0)
                })?;
            counts.push((driver, entries));
        }
        // An index that holds none of the filter's orders settles it: the
        // free text (the dearest part) is not even looked up.
        if counts.iter().any(|(_, entries)| *entries == 0) {
            return Ok((
                Counts {
                    entries: counts,
                    matches_at_most: Some(0),
                    estimated_matches: None,
                },
                None,
            ));
        }
        let text = self.gather_text_matches(filter)?;
        let mut matches_at_most = None;
        let mut estimated_matches = None;
        if let Some(text) = &text {
            counts.insert(0, (Driver::Text, text.len()));
            match self.sample_text_matches(filter, text)? {
                Sampled::Exact(matches) => matches_at_most = Some(matches),
                Sampled::About(matches) => estimated_matches = Some(matches),
                Sampled::TextOnly => {}
            }
        }
        // Broad text and broad filters may still match few orders together:
        // counted in the browse index with the text, so that a walk that
        // could not find a page is not tried.
        let text_is_broad = counts
            .iter()
            .any(|(driver, entries)| *driver == Driver::Text && *entries >= few);
        let browse_is_broad = counts
            .iter()
            .any(|(driver, entries)| *driver == Driver::Browse && *entries >= few);
        // Where the sort has a walk index, a walk that finds too few costs
        // a few milliseconds, less than this count (tens): it is not made.
        if text_is_broad
            && browse_is_broad
            && walk_index(filter.sort).is_none()
            && matches_at_most.is_none()
        {
            let conditions =
                filter.conditions(Form::Seek(Driver::Browse), Some(facets), text.as_ref());
            let sql = format!(
                "SELECT count(*) FROM (SELECT 1 FROM orders INDEXED BY orders_browse WHERE {} \
                 LIMIT {few})",
                conditions.sql()
            );
            let mut statement = self.connection().prepare_cached(&sql)?;
            matches_at_most = Some(
                statement.query_row(rusqlite::params_from_iter(conditions.values), |row| {
                    row.get(0)
                })?,
            );
        }
        Ok((
            Counts {
                entries: counts,
                matches_at_most,
                estimated_matches,
            },
            text,
        ))
    }

    /// The orders whose fields match the filter's free text, asked of the
    /// full-text index and narrowed there by the filter's tags
    /// ([`OrderFilter::tag_terms`]); `None` when the filter has no free text.
    /// Every query of a page that carries the text uses these.
    fn gather_text_matches(&self, filter: &OrderFilter) -> Result<Option<TextMatches>> {
        let Some(words) = fts_query(&filter.text) else {
            return Ok(None);
        };
        let query = match filter.tag_terms() {
            Some(tags) => format!("({words}) AND {tags}"),
            None => words,
        };
        let mut statement = self.connection().prepare_cached(
            "SELECT rowid FROM orders_fts WHERE orders_fts MATCH ?1 ORDER BY rowid",
        )?;
        let ids = statement
            .query_map([query], |row| row.get::<_, i64>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Some(TextMatches::from_ids(ids)))
    }

    /// How many of the text's matches the filter's other conditions let
    /// through: counted when the text matches at most [`TEXT_SAMPLE`]
    /// orders, else estimated from that many spread evenly over them — when
    /// the estimate can change the plan.
    fn sample_text_matches(&self, filter: &OrderFilter, text: &TextMatches) -> Result<Sampled> {
        let others = OrderFilter {
            text: String::new(),
            ..filter.clone()
        };
        if others.is_empty() {
            return Ok(Sampled::TextOnly);
        }
        let all = text.ids.len();
        let exact = all <= TEXT_SAMPLE;
        // With fewer matches than one in WINDOW_PER_ROW orders, no walk can
        // fill a page whatever the sample says: the text's own count is the
        // estimate, and no look-ups are spent.
        let window = i64::try_from(WINDOW_PER_ROW).unwrap_or(i64::MAX);
        if !exact && text.len().saturating_mul(window) < self.order_count()? {
            return Ok(Sampled::About(text.len()));
        }
        let sample = TextMatches::from_ids(if exact {
            text.ids.clone()
        } else {
            (0..TEXT_SAMPLE)
                .map(|at| text.ids[at * all / TEXT_SAMPLE])
                .collect()
        });
        let conditions = others.conditions(Form::Seek(Driver::Text), None, Some(&sample));
        let sql = format!(
            "SELECT count(*) FROM orders INDEXED BY {} WHERE {}",
            Driver::Text.index(),
            conditions.sql()
        );
        let mut statement = self.connection().prepare_cached(&sql)?;
        let passed: i64 = statement
            .query_row(rusqlite::params_from_iter(conditions.values), |row| {
                row.get(0)
            })?;
        if exact {
            return Ok(Sampled::Exact(passed));
        }
        // The "rule of three": none of n seen means fewer than 3 in n at 95%
        // confidence; three more than seen is an upper estimate at any count.
        let sampled = i64::try_from(TEXT_SAMPLE).unwrap_or(i64::MAX);
        Ok(Sampled::About(
            passed.saturating_add(3).saturating_mul(text.len()) / sampled,
        ))
    }

    /// About how many orders the journal holds (the highest id: ids are
    /// given in order and orders are never deleted).
    fn order_count(&self) -> Result<i64> {
        let mut statement = self
            .connection()
            .prepare_cached("SELECT ifnull(max(id), 0) FROM orders")?;
        Ok(statement.query_row([], |row| row.get(0))?)
    }

    /// The page read through a driver's index (or, for no filter, along the
    /// sort order): the matches' ids and sort keys found and sorted first,
    /// then only the page's rows read. Many free-text matches read one by
    /// one are read in two halves at once ([`Journal::read_text_in_halves`]).
    fn page_through(
        &self,
        filter: &OrderFilter,
        driver: Option<(Driver, &Facets)>,
        text: Option<&TextMatches>,
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Page> {
        if let (Some((Driver::Text, _)), Some(text)) = (driver, text)
            && text.ids.len() >= self.split_text_read_at
            && self.connection().is_autocommit()
        {
            let rows = self.read_text_in_halves(filter, text, after, limit)?;
            return Ok(page_of(filter, rows, limit));
        }
        let rows = read_through(self.connection(), filter, driver, text, after, limit)?;
        Ok(page_of(filter, rows, limit))
    }

    /// The first `limit + 1` matches read through the free text's matches,
    /// each half of them on its own connection and thread, merged. Each
    /// match is a look-up of a few microseconds, most of it waiting for a
    /// page of the file: two cores halve it. The second connection reads
    /// the journal as committed when it opens, a moment after this one (only
    /// asked when this connection has no transaction open, so that nothing
    /// written here is missed); should it fail to open, this connection
    /// reads both halves.
    fn read_text_in_halves(
        &self,
        filter: &OrderFilter,
        text: &TextMatches,
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Vec<OrderRecord>> {
        let middle = text.ids.len() / 2;
        let [first, second] = [&text.ids[..middle], &text.ids[middle..]]
            .map(|ids| TextMatches::from_ids(ids.to_vec()));
        let path = self.path().to_owned();
        let journal_id = self.identity().journal_id.clone();
        let cache_size: i64 = self
            .connection()
            .pragma_query_value(None, "cache_size", |row| row.get(0))?;
        let read_half = |connection: &rusqlite::Connection, half: &TextMatches| {
            read_through(
                connection,
                filter,
                Some((Driver::Text, &Facets::default())),
                Some(half),
                after,
                limit,
            )
        };
        let (first_rows, second_rows) = std::thread::scope(|scope| {
            let helper = scope.spawn(|| -> Result<Vec<OrderRecord>> {
                let reader = open_reader(&path, &journal_id, cache_size)?;
                read_half(&reader, &second)
            });
            let first_rows = read_half(self.connection(), &first);
            let second_rows = match helper.join() {
                Ok(Ok(rows)) => Ok(rows),
                Ok(Err(error)) => {
                    tracing::debug!("a second reader of the journal: {error}; reading here");
                    read_half(self.connection(), &second)
                }
                Err(panic) => std::panic::resume_unwind(panic),
            };
            (first_rows, second_rows)
        });
        let mut rows = merged(filter, first_rows?, second_rows?);
        rows.truncate(limit.saturating_add(1));
        Ok(rows)
    }

    /// The page from the next [`WINDOW_PER_ROW`] × `limit` rows in sort
    /// order, or `None` when they hold too few matches to tell. A range on
    /// the sort column itself (dates when sorted by date, amounts by
    /// amount) bounds the walk, so that it starts where the matches are.
    fn page_from_window(
        &self,
        filter: &OrderFilter,
        text: Option<&TextMatches>,
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Option<Page>> {
        let conditions = filter.conditions(Form::Hidden, None, text);
        let where_sql = conditions.sql();
        let key = filter.sort.key_sql();
        let (keyset, range, direction, values) = walk_range(filter, after, conditions.values);
        let fetch = limit.saturating_add(1);
        let window = fetch.saturating_mul(WINDOW_PER_ROW);
        let columns = qualified_columns();
        if let Some(walk) = walk_index(filter.sort) {
            // The walk reads only its index (every filtered column is in
            // it); the first `fetch` entries that pass are the page, and
            // only their rows are read. `walk` is a co-routine (a LIMIT
            // subquery under a WHERE is never flattened): it yields in sort
            // order and stops when the page is full.
            let sql = format!(
                "WITH walk AS ( \
                     SELECT id, {key} AS wkey, environment, profile, currency, payment_option, \
                         state, created_ms, amount_minor, payment_at_ms, authorized_minor, \
                         captured_minor, payment_link_id \
                     FROM orders INDEXED BY {walk} WHERE {keyset} AND {range} \
                     ORDER BY {key} {direction}, id {direction} LIMIT {window}), \
                 hits (hid, hkey) AS MATERIALIZED ( \
                     SELECT id, wkey FROM walk WHERE {where_sql} LIMIT {fetch}) \
                 SELECT {columns} FROM hits CROSS JOIN orders AS o ON o.id = hits.hid \
                 ORDER BY hits.hkey {direction}, hits.hid {direction}"
            );
            let mut statement = self.connection().prepare_cached(&sql)?;
            let names = OrderColumns::of(&statement)?;
            let rows: Vec<OrderRecord> = statement
                .query_map(rusqlite::params_from_iter(values.iter()), |row| {
                    OrderRecord::read(row, &|name| names.at(name))
                })?
                .collect::<rusqlite::Result<_>>()?;
            if rows.len() == fetch {
                return Ok(Some(page_of(filter, rows, limit)));
            }
            if rows.is_empty() {
                return Ok(None);
            }
            // Fewer than a page: whole only if the walk reached the end of
            // the range before the window's end.
            let (keyset, range, _, values) = walk_range(filter, after, Vec::new());
            let mut statement = self.connection().prepare_cached(&format!(
                "SELECT count(*) FROM (SELECT 1 FROM orders INDEXED BY {walk} \
                 WHERE {keyset} AND {range} LIMIT {window})"
            ))?;
            let walked: i64 =
                statement.query_row(rusqlite::params_from_iter(values), |row| row.get(0))?;
            let whole = usize::try_from(walked).unwrap_or(usize::MAX) < window;
            return Ok(whole.then(|| page_of(filter, rows, limit)));
        }
        // The window's count follows the order's columns.
        let count_index = ORDER_COLUMNS.split(',').count();
        // CROSS JOIN keeps the window as the outer loop: each of its rows is
        // looked up by id and filtered; the window is already in order.
        // Unsorted, SQLite reads the window in the order it was written and
        // stops at a full page (sorted, it would look up every row of the
        // window first); the order is checked, and should it ever differ, the
        // sorted query answers.
        let read = |sorted: bool| -> Result<(Vec<OrderRecord>, usize)> {
            let order = if sorted {
                format!("ORDER BY window.wkey {direction}, window.wid {direction}")
            } else {
                String::new()
            };
            let sql = format!(
                "WITH window (wid, wkey) AS MATERIALIZED ( \
                     SELECT id, {key} FROM orders WHERE {keyset} AND {range} \
                     ORDER BY {key} {direction}, id {direction} LIMIT {window}) \
                 SELECT {columns}, (SELECT count(*) FROM window) \
                 FROM window CROSS JOIN orders AS o ON o.id = window.wid \
                 WHERE {where_sql} {order} LIMIT {fetch}"
            );
            let mut statement = self.connection().prepare_cached(&sql)?;
            let names = OrderColumns::of(&statement)?;
            let mut window_rows = 0_usize;
            let rows: Vec<OrderRecord> = statement
                .query_map(rusqlite::params_from_iter(values.iter()), |row| {
                    window_rows = usize::try_from(row.get::<_, i64>(count_index)?).unwrap_or(0);
                    OrderRecord::read(row, &|name| names.at(name))
                })?
                .collect::<rusqlite::Result<_>>()?;
            Ok((rows, window_rows))
        };
        let (mut rows, mut window_rows) = read(false)?;
        if !in_sort_order(filter, &rows) {
            (rows, window_rows) = read(true)?;
        }
        let decided = rows.len() == fetch || (!rows.is_empty() && window_rows < window);
        Ok(decided.then(|| page_of(filter, rows, limit)))
    }

    /// How many orders the filter matches, counted in the cheapest index
    /// (the list itself never needs it).
    pub fn count_orders(&self, filter: &OrderFilter) -> Result<u64> {
        let (from, conditions) = if filter.is_empty() {
            ("orders".to_owned(), Conditions::default())
        } else {
            let facets = self.facets()?;
            let (counts, text) = self.driver_counts(filter, &facets)?;
            if counts.matches_at_most == Some(0) {
                return Ok(0);
            }
            // Counting reads every match: the driver that covers the fewest.
            let driver = counts
                .entries
                .iter()
                .min_by_key(|(driver, entries)| {
                    (
                        *entries >= self.few_entries,
                        entries.saturating_mul(if driver.reads_rows() { LOOK_UP } else { 1 }),
                    )
                })
                .map_or(Driver::Browse, |(driver, _)| *driver);
            let from = format!("orders INDEXED BY {}", driver.index());
            let facets = match driver {
                Driver::Browse | Driver::BrowseAmount => Some(&facets),
                Driver::Expiring | Driver::Text | Driver::Links => None,
            };
            (
                from,
                filter.conditions(Form::Seek(driver), facets, text.as_ref()),
            )
        };
        let sql = format!("SELECT count(*) FROM {from} WHERE {}", conditions.sql());
        let mut statement = self.connection().prepare_cached(&sql)?;
        let count: i64 = statement
            .query_row(rusqlite::params_from_iter(conditions.values), |row| {
                row.get(0)
            })?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// Visits every order the filter matches, in its sort order, a page at a
    /// time: memory stays flat however many there are.
    pub fn for_each_order(
        &self,
        filter: &OrderFilter,
        mut visit: impl FnMut(&OrderRecord) -> std::io::Result<()>,
    ) -> Result<u64> {
        const BATCH: usize = 1_000;
        let mut cursor: Option<Cursor> = None;
        let mut visited = 0;
        loop {
            let page = self.orders_page(filter, cursor.as_ref(), BATCH)?;
            for order in &page.rows {
                visit(order)?;
                visited += 1;
            }
            match page.next {
                Some(next) => cursor = Some(next),
                None => return Ok(visited),
            }
        }
    }
}

/// Up to `limit + 1` matches in sort order, read through a driver's index
/// on `connection` (or, for no filter, along the sort order): the matches'
/// ids and sort keys found and sorted first, then only their rows read.
fn read_through(
    connection: &rusqlite::Connection,
    filter: &OrderFilter,
    driver: Option<(Driver, &Facets)>,
    text: Option<&TextMatches>,
    after: Option<&Cursor>,
    limit: usize,
) -> Result<Vec<OrderRecord>> {
    let (from, conditions) = match driver {
        Some((driver, facets)) => {
            let from = format!("orders INDEXED BY {}", driver.index());
            let facets = match driver {
                Driver::Browse | Driver::BrowseAmount => Some(facets),
                Driver::Expiring | Driver::Text | Driver::Links => None,
            };
            (from, filter.conditions(Form::Seek(driver), facets, text))
        }
        None => ("orders".to_owned(), Conditions::default()),
    };
    let where_sql = conditions.sql();
    let mut values = conditions.values;
    let key = filter.sort.key_sql();
    let (keyset, direction) = keyset_sql(filter, after, &mut values);
    let fetch = limit.saturating_add(1);
    let columns = qualified_columns();
    let sql = format!(
        "WITH page (pid, pkey) AS MATERIALIZED ( \
             SELECT id, {key} FROM {from} WHERE ({where_sql}) AND {keyset} \
             ORDER BY {key} {direction}, id {direction} LIMIT {fetch}) \
         SELECT {columns} FROM page CROSS JOIN orders AS o ON o.id = page.pid \
         ORDER BY page.pkey {direction}, page.pid {direction}"
    );
    let mut statement = connection.prepare_cached(&sql)?;
    let columns = OrderColumns::of(&statement)?;
    let rows = statement
        .query_map(rusqlite::params_from_iter(values), |row| {
            OrderRecord::read(row, &|name| columns.at(name))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// From this many free-text matches read one by one, two connections read
/// half each: below it, opening the second costs about what it saves.
pub(crate) const SPLIT_TEXT_READ_AT: usize = 2_000;

/// A read-only connection to the journal at `path`, set up to read as the
/// journal's own connection does (its page cache size, temporary storage
/// in memory, the query functions); refused when the file there is not the
/// journal `journal_id` (one restored in its place since it was opened).
fn open_reader(
    path: &std::path::Path,
    journal_id: &str,
    cache_size: i64,
) -> Result<rusqlite::Connection> {
    use rusqlite::OpenFlags;
    let connection = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    connection.busy_timeout(std::time::Duration::from_secs(5))?;
    connection.pragma_update(None, "cache_size", cache_size)?;
    connection.pragma_update(None, "temp_store", "MEMORY")?;
    register_functions(&connection)?;
    if super::verify::read_identity(&connection)?.journal_id != journal_id {
        return Err(super::JournalError::NotTheSameJournal);
    }
    Ok(connection)
}

/// Two lists each in the filter's sort order, as one.
fn merged(
    filter: &OrderFilter,
    first: Vec<OrderRecord>,
    second: Vec<OrderRecord>,
) -> Vec<OrderRecord> {
    let mut rows = Vec::with_capacity(first.len() + second.len());
    let mut first = first.into_iter().peekable();
    let mut second = second.into_iter().peekable();
    loop {
        let take_first = match (first.peek(), second.peek()) {
            (Some(a), Some(b)) => sort_order(filter, a, b) == std::cmp::Ordering::Less,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return rows,
        };
        rows.extend(if take_first {
            first.next()
        } else {
            second.next()
        });
    }
}

/// Where `a` stands against `b` in the filter's sort order: by key, then
/// id, in the filter's direction. Keys compare as SQLite compares them
/// (numbers before text, text by its UTF-8 bytes).
fn sort_order(filter: &OrderFilter, a: &OrderRecord, b: &OrderRecord) -> std::cmp::Ordering {
    let rank = |value: &Value| match value {
        Value::Null => 0,
        Value::Integer(_) | Value::Real(_) => 1,
        Value::Text(_) => 2,
        Value::Blob(_) => 3,
    };
    let (key_a, key_b) = (filter.sort.key_of(a), filter.sort.key_of(b));
    let by_key = match (&key_a, &key_b) {
        (Value::Integer(x), Value::Integer(y)) => x.cmp(y),
        (Value::Text(x), Value::Text(y)) => x.as_str().cmp(y.as_str()),
        _ => rank(&key_a).cmp(&rank(&key_b)),
    };
    let order = by_key.then(a.id.cmp(&b.id));
    if filter.descending {
        order.reverse()
    } else {
        order
    }
}

/// What looking a row up costs, in index entries checked: measured on the
/// 1,000,000-order journal, an order's row is a random page of a file
/// mostly made of journal entries (about 5 µs), an index entry about 0.2 µs.
const LOOK_UP: i64 = 20;

/// What the indexes say of a filter before any row is read.
#[derive(Debug, Clone, Default)]
struct Counts {
    /// Each driver and the entries its seeks cover (up to `few`).
    entries: Vec<(Driver, i64)>,
    /// The matches counted with every condition, when that was needed;
    /// `Some(0)` too when an index holds none of the filter's orders.
    matches_at_most: Option<i64>,
    /// About how many orders match, from a sample of the free text's
    /// matches (an upper estimate, not a bound).
    estimated_matches: Option<i64>,
}

/// What checking the filter's other conditions on the free text's matches
/// said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sampled {
    /// Every match was checked: this many pass.
    Exact(i64),
    /// A sample was checked (or the text's own count said enough): about
    /// this many pass, at most.
    About(i64),
    /// The filter is only its free text: every match passes.
    TextOnly,
}

/// How many of the free text's matches are checked against the other
/// filters to estimate how many pass (each a look-up of a few
/// microseconds): with none of them passing, the estimate is about one in
/// a hundred (3 in 256), few enough to rule out a walk of a page from
/// 66,000 matches at 1,000,000 orders.
const TEXT_SAMPLE: usize = 256;

/// How a page is read: through which index, and whether a window of the
/// sort order is tried first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Plan {
    driver: Driver,
    window_first: bool,
}

/// Whether the sort key is in the browse indexes, so that matches found
/// there are sorted without reading their rows.
fn sort_is_covered(sort: SortColumn) -> bool {
    match sort {
        SortColumn::Created
        | SortColumn::Updated
        | SortColumn::Amount
        | SortColumn::Authorized
        | SortColumn::Captured
        | SortColumn::Refunded
        | SortColumn::State
        | SortColumn::PaymentOption
        | SortColumn::Currency => true,
        SortColumn::MerchantReference
        | SortColumn::FortId
        | SortColumn::CustomerName
        | SortColumn::CustomerEmail
        | SortColumn::ResponseCode => false,
    }
}

/// The index that walks this sort order with every filtered column in it
/// (schema `WALKS`): a walk checks each entry there instead of reading its
/// row. `None`: the sort's own `(key, id)` index, each row looked up.
fn walk_index(sort: SortColumn) -> Option<&'static str> {
    match sort {
        SortColumn::Created => Some("orders_walk_created"),
        SortColumn::Amount => Some("orders_walk_amount"),
        SortColumn::CustomerName => Some("orders_walk_customer"),
        SortColumn::Updated
        | SortColumn::MerchantReference
        | SortColumn::FortId
        | SortColumn::Authorized
        | SortColumn::Captured
        | SortColumn::Refunded
        | SortColumn::State
        | SortColumn::PaymentOption
        | SortColumn::Currency
        | SortColumn::CustomerEmail
        | SortColumn::ResponseCode => None,
    }
}

/// What walking one row of the sort order costs: an entry of its walk
/// index, or a row looked up.
fn walk_step(sort: SortColumn) -> i64 {
    if walk_index(sort).is_some() {
        1
    } else {
        LOOK_UP
    }
}

/// The plan from the counts, in units of one index entry checked (a row
/// looked up is [`LOOK_UP`] of them). Reading through a driver costs its entries,
/// plus a look-up per match when it holds neither the filter's columns nor
/// the sort key. Walking the sort order costs a look-up per row walked,
/// about `fetch` × orders ÷ matches, at best (the matches are at most the
/// smallest count, or what a sample of the free text's matches says to
/// expect). The cheaper goes first; when the window cannot decide,
/// the driver answers, preferring one whose count is exact (under `few`)
/// to one only known to be large.
fn choose_plan(filter: &OrderFilter, counts: &Counts, few: i64, fetch: i64, orders: i64) -> Plan {
    let covered = sort_is_covered(filter.sort);
    let cost = |driver: Driver, entries: i64| {
        if driver.reads_rows() {
            entries.saturating_mul(LOOK_UP)
        } else if covered {
            entries
        } else {
            entries.saturating_mul(1 + LOOK_UP)
        }
    };
    let best = counts
        .entries
        .iter()
        .copied()
        .min_by_key(|(driver, entries)| (*entries >= few, cost(*driver, *entries)))
        .unwrap_or((Driver::Browse, few));
    // A count that reached `few` only says "at least": it bounds nothing.
    // The sample's estimate is not a bound, but it is what to expect.
    let expected_matches = counts
        .entries
        .iter()
        .map(|(_, entries)| *entries)
        .chain(counts.matches_at_most)
        .filter(|entries| *entries < few)
        .chain(counts.estimated_matches)
        .min()
        .unwrap_or(orders)
        .max(1);
    let window_cost = walk_step(filter.sort)
        .saturating_mul(fetch)
        .saturating_mul(orders)
        / expected_matches;
    let driver_cost = if best.1 >= few {
        i64::MAX
    } else {
        cost(best.0, best.1)
    };
    // A window holds `fetch` × WINDOW_PER_ROW rows: fewer matches than
    // one in WINDOW_PER_ROW orders cannot fill a page from it.
    let window_can_decide = expected_matches
        .saturating_mul(i64::try_from(WINDOW_PER_ROW).unwrap_or(i64::MAX))
        >= orders;
    Plan {
        driver: best.0,
        window_first: window_cost < driver_cost && window_can_decide,
    }
}

/// Whether `rows` are in the filter's sort order: by key, then id, each
/// strictly after the one before.
fn in_sort_order(filter: &OrderFilter, rows: &[OrderRecord]) -> bool {
    rows.windows(2)
        .all(|pair| sort_order(filter, &pair[0], &pair[1]) == std::cmp::Ordering::Less)
}

/// The order's columns, read from the table aliased `o`.
fn qualified_columns() -> String {
    ORDER_COLUMNS
        .split(',')
        .map(|column| format!("o.{}", column.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// `text_match` answers exactly "is this id one of the matches", for
        /// ids in the bitmap, past its end and below zero.
        #[test]
        fn text_match_is_membership(
            ids in proptest::collection::btree_set(0_i64..5_000, 0..200),
            probes in proptest::collection::vec(-20_i64..6_000, 1..100),
        ) {
            let connection = rusqlite::Connection::open_in_memory().expect("opens");
            register_functions(&connection).expect("registered");
            let matches = TextMatches::from_ids(ids.iter().copied().collect());
            let mut statement = connection
                .prepare(&format!("SELECT {TEXT_MATCH}(?1, ?2)"))
                .expect("prepared");
            for probe in probes.iter().copied().chain(ids.iter().copied()) {
                let found: bool = statement
                    .query_row(rusqlite::params![matches.bitmap, probe], |row| row.get(0))
                    .expect("answered");
                proptest::prop_assert_eq!(found, ids.contains(&probe), "id {}", probe);
            }
        }
    }

    #[test]
    fn typed_text_becomes_quoted_prefix_terms() {
        assert_eq!(
            fts_query("DEMO-001 أحمد").as_deref(),
            Some("\"DEMO-001\"* \"أحمد\"*")
        );
        assert_eq!(fts_query(" \"x\" ").as_deref(), Some("\"x\"*"));
        assert_eq!(fts_query(" - : "), None);
    }

    /// The plan as a table: (sort, counts) → driver, and whether the sort
    /// order is walked first; at 1,000,000 orders, pages of 50.
    #[test]
    fn plans_follow_the_counts() {
        use Driver::{Browse, BrowseAmount, Expiring, Text};
        use SortColumn::{Amount, Created, CustomerName};
        let orders = 1_000_000;
        let few = FEW_ENTRIES;
        let plan_counted = |sort: SortColumn,
                            entries: &[(Driver, i64)],
                            matches: Option<i64>,
                            estimated: Option<i64>| {
            let filter = OrderFilter {
                sort,
                ..OrderFilter::default()
            };
            let counts = Counts {
                entries: entries.to_vec(),
                matches_at_most: matches,
                estimated_matches: estimated,
            };
            let plan = choose_plan(&filter, &counts, few, 51, orders);
            (plan.driver, plan.window_first)
        };
        let plan_with = |sort: SortColumn, entries: &[(Driver, i64)], matches: Option<i64>| {
            plan_counted(sort, entries, matches, None)
        };
        let plan = |sort: SortColumn, entries: &[(Driver, i64)]| plan_with(sort, entries, None);
        // Refunded + OMR + AMEX: 1,608 matches, sorted inside the index.
        assert_eq!(plan(Created, &[(Browse, 1_608)]), (Browse, false));
        // Nothing matches: nothing to walk.
        assert_eq!(plan(Created, &[(Browse, 0)]), (Browse, false));
        // Captured (480,000): the sort order finds a page at once.
        assert_eq!(plan(Created, &[(Browse, few)]), (Browse, true));
        // 9,000 matches sorted by a name the index does not hold: reading
        // each match's row costs more than walking the names.
        assert_eq!(plan(CustomerName, &[(Browse, 9_000)]), (Browse, true));
        assert_eq!(plan(CustomerName, &[(Browse, 900)]), (Browse, false));
        // A narrow amount range in a broad currency: its own index.
        assert_eq!(
            plan(Amount, &[(Browse, few), (BrowseAmount, 300)]),
            (BrowseAmount, false)
        );
        // A few text matches: the full-text index, each row looked up.
        assert_eq!(plan(Created, &[(Text, 40), (Browse, few)]), (Text, false));
        // Many text matches, broad filters: walk first, and should the walk
        // not decide, the text's exact count beats a large unknown one.
        assert_eq!(plan(Created, &[(Text, 7_575), (Browse, few)]), (Text, true));
        assert_eq!(
            plan(Created, &[(Expiring, 12), (Browse, few)]),
            (Expiring, false)
        );
        // Broad text, broad filters, few matches together: no walk.
        assert_eq!(
            plan_with(Created, &[(Text, few), (Browse, few)], Some(0)),
            (Browse, false)
        );
        assert_eq!(
            plan_with(Created, &[(Text, few), (Browse, few)], Some(few)),
            (Browse, true)
        );
        // "khalid visa" among authorizations: the sample of the text's 7,575
        // matches says about 1,900 pass, too few to fill a page from a
        // window; the text's matches are read at once. Knet with AMEX: none
        // of the sample passes (at most about 800 expected), the browse
        // index answers.
        assert_eq!(
            plan_counted(
                CustomerName,
                &[(Text, 7_575), (Browse, few)],
                None,
                Some(1_893)
            ),
            (Text, false)
        );
        assert_eq!(
            plan_counted(Created, &[(Text, 66_770), (Browse, few)], None, Some(782)),
            (Browse, false)
        );
        // A sample that says most pass: the walk goes first.
        assert_eq!(
            plan_counted(Created, &[(Text, 7_575), (Browse, few)], None, Some(6_000)),
            (Text, true)
        );
    }

    #[test]
    fn sort_names_round_trip() {
        for column in SortColumn::ALL {
            assert_eq!(SortColumn::from_name(column.name()), Some(column));
        }
        assert_eq!(SortColumn::from_name("nope"), None);
    }
}
