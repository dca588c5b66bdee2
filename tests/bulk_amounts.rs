//! A bulk run's preview and its requests read a pasted amount the same way.
//! Whatever digits (Western, Arabic-Indic, Persian), separators, signs and
//! spaces a pasted line carries, a row the request would send is one the
//! preview counted, at the same amount: the total the operator confirms is
//! never less than what the run asks APS to move.

use apsdesk::app::bulk::{BulkRow, RowState, parse_rows, preview};
use apsdesk::aps::request::{ApsRequest, Capture, MaintenanceForm, Refund};
use apsdesk::aps::{Currency, Money};
use std::fmt::Write as _;

use proptest::prelude::*;

/// What a capture and a refund of `amount` would carry, in minor units
/// (`None`: refused before anything is sent).
fn requested(amount: &str, currency: &str) -> [Option<u64>; 2] {
    let form = MaintenanceForm {
        merchant_reference: "BA-1".into(),
        amount: amount.into(),
        currency: currency.into(),
        ..MaintenanceForm::default()
    };
    [
        Capture::parse(&form)
            .ok()
            .and_then(|request| request.amount())
            .map(Money::minor_units),
        Refund::parse(&form)
            .ok()
            .and_then(|request| request.amount())
            .map(Money::minor_units),
    ]
}

/// What the preview counts for a row of `amount` in `currency` (`None`: not
/// in its total).
fn previewed(amount: &str, currency: &str) -> Option<u64> {
    let row = BulkRow {
        merchant_reference: "BA-1".into(),
        amount: Some(amount.into()),
        currency: Some(currency.into()),
        left_at_preview: None,
        state: RowState::Waiting,
    };
    preview(&[row]).totals.first().map(|(_, minor)| *minor)
}

fn amount_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "0", "1", "5", "9", "٠", "١", "٥", "٩", "۰", "۵", ".", "٫", ",", "٬", " ", "-", "+", "e",
        "\u{a0}", "\u{2212}", "00", "12", "٫٥",
    ]);
    prop::collection::vec(pieces, 1..8).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    /// Any amount text: a request that would be sent carries exactly what
    /// the preview counted for it.
    #[test]
    fn a_row_sent_is_a_row_counted_at_the_same_amount(
        amount in amount_text(),
        currency in prop::sample::select(vec!["KWD", "SAR", "JPY", "BHD"]),
    ) {
        for sent in requested(&amount, currency).into_iter().flatten() {
            prop_assert_eq!(previewed(&amount, currency), Some(sent), "{:?} {}", amount, currency);
        }
    }

    /// A pasted line: a row that survives reading (waiting) and would be
    /// sent carries what the preview's total counts for it; the lines
    /// refused when read are not sent at all.
    #[test]
    fn pasted_lines_move_no_more_than_the_total(
        amounts in prop::collection::vec(amount_text(), 1..6),
    ) {
        let mut text = String::new();
        for (index, amount) in amounts.iter().enumerate() {
            writeln!(text, "BA-{index},{amount}").expect("a string takes it");
        }
        let mut rows = parse_rows(&text);
        for row in &mut rows {
            row.currency = Some("KWD".into());
        }
        let total: u64 = preview(&rows).totals.iter().map(|(_, minor)| *minor).sum();
        let sent: u64 = rows
            .iter()
            .filter(|row| matches!(row.state, RowState::Waiting))
            .filter_map(|row| requested(row.amount.as_deref()?, "KWD")[0])
            .sum();
        prop_assert!(sent <= total, "{:?}: sent {} > total {}", text, sent, total);
    }
}

/// The forms an operator pastes, read exactly or refused — never rounded.
#[test]
fn pasted_amounts_read_exactly_or_not_at_all() {
    let kwd = Currency::from_code("KWD").expect("KWD");
    for (amount, expected) in [
        ("١٢٫٥", Some(12_500)),
        ("12.5", Some(12_500)),
        ("0012.500", Some(12_500)),
        ("۱۲.۵", Some(12_500)),
        ("12.5000", None),
        ("1,234.500", None),
        ("1٬234٫500", None),
        ("-5", None),
        ("1e3", None),
        ("", None),
    ] {
        let parsed = Money::parse_major(amount, kwd).ok().map(Money::minor_units);
        assert_eq!(parsed, expected, "{amount:?}");
        assert_eq!(previewed(amount, "KWD"), expected, "{amount:?}");
        assert_eq!(requested(amount, "KWD")[0], expected, "{amount:?}");
    }
}
