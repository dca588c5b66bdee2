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
/// prefix. `None` when nothing searchable was typed.
pub fn fts_query(text: &str) -> Option<String> {
    let terms: Vec<String> = text
        .split_whitespace()
        .map(|word| word.replace('"', ""))
        .filter(|word| word.chars().any(char::is_alphanumeric))
        .map(|word| format!("\"{word}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// How a query is planned: which indexes the filters may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// Filters may use their own indexes: right when they match few rows,
    /// which are then sorted.
    FilterFirst,
    /// Filters are checked row by row while the sort key's index is walked
    /// (a unary `+` hides a column from the planner): right when they match
    /// many rows, so that a page is found after a short walk and nothing is
    /// sorted.
    SortFirst,
}

/// How many rows in sort order are looked at per row of the page before a
/// filter counts as selective: a window of about 20,000 rows for a page of
/// 50 is a few milliseconds, and a filter that finds fewer than 50 matches in
/// it matches under 0.25% of the orders, few enough to sort.
const WINDOW_PER_ROW: usize = 400;

/// Up to this many full-text matches, they are fetched and sorted rather
/// than looked for in a window of the sort order.
const FEW_TEXT_MATCHES: i64 = 5_000;

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
    }

    /// The WHERE clause (without the keyword, `1` when empty) and its values.
    fn where_sql(&self, plan: Plan) -> (String, Vec<Value>) {
        let mut conditions: Vec<String> = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        let hide = if plan == Plan::SortFirst { "+" } else { "" };
        let bind = |value: Value, values: &mut Vec<Value>| {
            values.push(value);
            format!("?{}", values.len())
        };
        if let Some(query) = fts_query(&self.text) {
            let slot = bind(Value::Text(query), &mut values);
            conditions.push(format!(
                "{hide}id IN (SELECT rowid FROM orders_fts WHERE orders_fts MATCH {slot})"
            ));
        }
        let mut any_of = |column: &str, list: &[String], values: &mut Vec<Value>| {
            if list.is_empty() {
                return;
            }
            let slots: Vec<String> = list
                .iter()
                .map(|item| bind(Value::Text(item.clone()), values))
                .collect();
            conditions.push(format!("{hide}{column} IN ({})", slots.join(", ")));
        };
        let states: Vec<String> = self
            .states
            .iter()
            .map(|state| state.as_str().to_owned())
            .collect();
        any_of("state", &states, &mut values);
        any_of("payment_option", &self.payment_options, &mut values);
        // `column` comes with its `+` when the plan hides it.
        let mut compare = |column: &str, operator: &str, value: Value, values: &mut Vec<Value>| {
            let slot = bind(value, values);
            conditions.push(format!("{column} {operator} {slot}"));
        };
        let text = |value: &String| Value::Text(value.clone());
        if let Some(currency) = &self.currency {
            compare(&format!("{hide}currency"), "=", text(currency), &mut values);
        }
        if let Some(profile) = &self.profile {
            compare(&format!("{hide}profile"), "=", text(profile), &mut values);
        }
        if let Some(environment) = &self.environment {
            compare(
                &format!("{hide}environment"),
                "=",
                Value::Text(environment.as_str().to_owned()),
                &mut values,
            );
        }
        let amount = format!("{hide}amount_minor");
        let created = format!("{hide}created_ms");
        if let Some(min) = self.amount_min {
            compare(&amount, ">=", Value::Integer(min), &mut values);
        }
        if let Some(max) = self.amount_max {
            compare(&amount, "<=", Value::Integer(max), &mut values);
        }
        if let Some(from) = self.created_from_ms {
            compare(&created, ">=", Value::Integer(from), &mut values);
        }
        if let Some(to) = self.created_to_ms {
            compare(&created, "<", Value::Integer(to), &mut values);
        }
        if self.payment_links_only {
            conditions.push(format!("{hide}payment_link_id IS NOT NULL"));
        }
        let sql = if conditions.is_empty() {
            "1".to_owned()
        } else {
            conditions.join(" AND ")
        };
        (sql, values)
    }
}

impl Journal {
    /// One page of the filtered, sorted orders, starting after `after`.
    ///
    /// A filter that matches many orders is answered from a window of the
    /// next rows in sort order (walking the sort index, nothing sorted); one
    /// that matches few is answered through its own indexes and a sort of
    /// the matches. The window tells which case this is: if it holds a full
    /// page of matches, or reaches the end, it is the answer.
    pub fn orders_page(
        &self,
        filter: &OrderFilter,
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Page> {
        if !filter.is_empty()
            && !self.text_is_selective(filter)?
            && let Some(page) = self.page_from_window(filter, after, limit)?
        {
            return Ok(page);
        }
        let plan = if filter.is_empty() {
            Plan::SortFirst
        } else {
            Plan::FilterFirst
        };
        let (where_sql, mut values) = filter.where_sql(plan);
        let key = filter.sort.key_sql();
        let (keyset, direction) = keyset_sql(filter, after, &mut values);
        let fetch = limit.saturating_add(1);
        let sql = format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE ({where_sql}) AND {keyset} \
             ORDER BY {key} {direction}, id {direction} LIMIT {fetch}"
        );
        let mut statement = self.connection().prepare_cached(&sql)?;
        let columns = OrderColumns::of(&statement)?;
        let rows: Vec<OrderRecord> = statement
            .query_map(rusqlite::params_from_iter(values), |row| {
                OrderRecord::read(row, &|name| columns.at(name))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(page_of(filter, rows, limit))
    }

    /// Whether the free text matches so few orders that they are best
    /// fetched from the full-text index and sorted (a bounded count).
    fn text_is_selective(&self, filter: &OrderFilter) -> Result<bool> {
        let Some(query) = fts_query(&filter.text) else {
            return Ok(false);
        };
        let mut statement = self.connection().prepare_cached(&format!(
            "SELECT count(*) FROM (SELECT rowid FROM orders_fts WHERE orders_fts MATCH ?1 \
             LIMIT {FEW_TEXT_MATCHES})"
        ))?;
        let matches: i64 = statement.query_row([query], |row| row.get(0))?;
        Ok(matches < FEW_TEXT_MATCHES)
    }

    /// The page from the next [`WINDOW_PER_ROW`] × `limit` rows in sort
    /// order, or `None` when they hold too few matches to tell.
    fn page_from_window(
        &self,
        filter: &OrderFilter,
        after: Option<&Cursor>,
        limit: usize,
    ) -> Result<Option<Page>> {
        let (where_sql, mut values) = filter.where_sql(Plan::SortFirst);
        let key = filter.sort.key_sql();
        let (keyset, direction) = keyset_sql(filter, after, &mut values);
        let fetch = limit.saturating_add(1);
        let window = fetch.saturating_mul(WINDOW_PER_ROW);
        let columns: Vec<String> = ORDER_COLUMNS
            .split(',')
            .map(|column| format!("o.{}", column.trim()))
            .collect();
        // The window's count follows the order's columns.
        let count_index = columns.len();
        let columns = columns.join(", ");
        // CROSS JOIN keeps the window as the outer loop: each of its rows is
        // looked up by id and filtered; the window is already in order.
        let sql = format!(
            "WITH window (wid, wkey) AS MATERIALIZED ( \
                 SELECT id, {key} FROM orders WHERE {keyset} \
                 ORDER BY {key} {direction}, id {direction} LIMIT {window}) \
             SELECT {columns}, (SELECT count(*) FROM window) \
             FROM window CROSS JOIN orders AS o ON o.id = window.wid \
             WHERE {where_sql} \
             ORDER BY window.wkey {direction}, window.wid {direction} LIMIT {fetch}"
        );
        let mut statement = self.connection().prepare_cached(&sql)?;
        let columns = OrderColumns::of(&statement)?;
        let mut window_rows = 0_usize;
        let rows: Vec<OrderRecord> = statement
            .query_map(rusqlite::params_from_iter(values), |row| {
                window_rows = usize::try_from(row.get::<_, i64>(count_index)?).unwrap_or(0);
                OrderRecord::read(row, &|name| columns.at(name))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let decided = rows.len() == fetch || (!rows.is_empty() && window_rows < window);
        Ok(decided.then(|| page_of(filter, rows, limit)))
    }

    /// How many orders the filter matches (one pass over the matching rows;
    /// the list itself never needs it).
    pub fn count_orders(&self, filter: &OrderFilter) -> Result<u64> {
        let (where_sql, values) = filter.where_sql(Plan::FilterFirst);
        let sql = format!("SELECT count(*) FROM orders WHERE {where_sql}");
        let mut statement = self.connection().prepare_cached(&sql)?;
        let count: i64 =
            statement.query_row(rusqlite::params_from_iter(values), |row| row.get(0))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_becomes_quoted_prefix_terms() {
        assert_eq!(
            fts_query("DEMO-001 أحمد").as_deref(),
            Some("\"DEMO-001\"* \"أحمد\"*")
        );
        assert_eq!(fts_query(" \"x\" ").as_deref(), Some("\"x\"*"));
        assert_eq!(fts_query(" - : "), None);
    }

    #[test]
    fn sort_names_round_trip() {
        for column in SortColumn::ALL {
            assert_eq!(SortColumn::from_name(column.name()), Some(column));
        }
        assert_eq!(SortColumn::from_name("nope"), None);
    }
}
