//! CSV export of any filtered view of the orders, streamed.
//!
//! The file starts with a UTF-8 byte order mark: without it Excel reads the
//! file in the system's code page and Arabic names turn to mojibake. Amounts
//! are written in major units with their currency's decimals (`12.500` KWD),
//! and cells that a spreadsheet would run as a formula are defused.

use std::io::Write;

use super::query::OrderFilter;
use super::store::{Journal, JournalError, OrderRecord};
use crate::aps::Currency;
use crate::aps::money::format_minor_units;

/// The UTF-8 byte order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The header row.
pub const HEADER: [&str; 21] = [
    "merchant_reference",
    "fort_id",
    "created_utc",
    "updated_utc",
    "state",
    "payment_option",
    "card_brand",
    "masked_card",
    "currency",
    "amount",
    "authorized",
    "captured",
    "refunded",
    "customer_name",
    "customer_email",
    "authorization_code",
    "knet_ref_number",
    "third_party_transaction_number",
    "last_response_code",
    "profile",
    "environment",
];

/// An amount in major units when the currency is known, else minor units.
pub fn format_amount(minor: i64, currency: Option<&str>) -> String {
    match (u64::try_from(minor), currency.and_then(Currency::from_code)) {
        (Ok(minor), Some(currency)) => format_minor_units(minor, currency),
        _ => minor.to_string(),
    }
}

/// Milliseconds since the epoch as an ISO-8601 UTC time, to the second.
pub fn format_time(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|time| time.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// A time as people read it in a list: `2026-11-30 14:05:09` (UTC, no `T`
/// or `Z`), the app's and the command line's one spelling.
pub fn format_time_short(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|time| time.strftime("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// A cell that Excel or LibreOffice would evaluate (`=`, `+`, `@`, a `-` that
/// is not a number) gets a leading apostrophe: an export must not be a way to
/// run a formula on the operator's machine.
fn defuse(cell: &str) -> String {
    let risky = match cell.chars().next() {
        Some('=' | '+' | '@' | '\t' | '\r') => true,
        Some('-') => cell[1..].parse::<f64>().is_err(),
        _ => false,
    };
    if risky {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

fn row(order: &OrderRecord) -> [String; 21] {
    let text = |value: &Option<String>| defuse(value.as_deref().unwrap_or_default());
    let currency = order.currency.as_deref();
    [
        defuse(&order.merchant_reference),
        text(&order.fort_id),
        format_time(order.created_ms),
        format_time(order.updated_ms),
        order.state.to_string(),
        text(&order.payment_option),
        text(&order.card_brand),
        text(&order.masked_card),
        text(&order.currency),
        order
            .amount_minor
            .map(|amount| format_amount(amount, currency))
            .unwrap_or_default(),
        format_amount(order.authorized_minor, currency),
        format_amount(order.captured_minor, currency),
        format_amount(order.refunded_minor, currency),
        text(&order.customer_name),
        text(&order.customer_email),
        text(&order.authorization_code),
        text(&order.knet_ref_number),
        text(&order.third_party_transaction_number),
        text(&order.last_response_code),
        defuse(&order.profile),
        order.environment.to_string(),
    ]
}

/// Writes the orders the filter matches as CSV to `out`, a page at a time.
/// Returns how many rows were written.
pub fn export_csv(
    journal: &Journal,
    filter: &OrderFilter,
    out: impl Write,
) -> Result<u64, JournalError> {
    let mut out = out;
    out.write_all(BOM)?;
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(HEADER).map_err(csv_error)?;
    let count = journal.for_each_order(filter, |order| {
        writer.write_record(row(order)).map_err(csv_io)
    })?;
    writer.flush()?;
    Ok(count)
}

fn csv_io(error: csv::Error) -> std::io::Error {
    std::io::Error::other(error)
}

fn csv_error(error: csv::Error) -> JournalError {
    JournalError::Io(csv_io(error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_numbers_kept() {
        assert_eq!(defuse("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defuse("-12.5"), "-12.5");
        assert_eq!(defuse("-cmd"), "'-cmd");
        assert_eq!(defuse("أحمد"), "أحمد");
    }

    #[test]
    fn amounts_keep_their_currency_decimals() {
        assert_eq!(format_amount(12_500, Some("KWD")), "12.500");
        assert_eq!(format_amount(1_250, Some("SAR")), "12.50");
        assert_eq!(format_amount(1_250, Some("JPY")), "1250");
        assert_eq!(format_amount(1_250, None), "1250");
        assert_eq!(format_time(0), "1970-01-01T00:00:00Z");
    }
}
