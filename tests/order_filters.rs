//! Every combination of the order filters finds exactly the matching orders,
//! in order, page after page, whichever way the journal answers it (through
//! a browse index, along the sort order, through the full-text index), and
//! counts them right. Issue 15: the filters were made fast by planning; this
//! is the promise that the plans agree with a plain reading of the rows.

use apsdesk::aps::client::Environment;
use apsdesk::journal::query::{CAPTURE_WARN_DAYS, CAPTURE_WINDOW_DAYS, DAY_MS};
use apsdesk::journal::store::OrderRecord;
use apsdesk::journal::synthetic::{SeedSpec, seed};
use apsdesk::journal::vocabulary::OrderState;
use apsdesk::journal::{Journal, OrderFilter, SortColumn};
use tempfile::TempDir;

const NOW_MS: i64 = 1_790_000_000_000;

fn synthetic_journal(dir: &TempDir, orders: u64) -> Journal {
    let mut journal = Journal::open(&dir.path().join("journal.sqlite3")).expect("opens");
    let spec = SeedSpec {
        orders,
        profile: "demo".into(),
        environment: Environment::Simulator,
        now_ms: NOW_MS,
    };
    seed(&mut journal, &spec, |_, _| {}).expect("seeded");
    journal
}

fn all_pages(journal: &Journal, filter: &OrderFilter, page_size: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut cursor = None;
    loop {
        let page = journal
            .orders_page(filter, cursor.as_ref(), page_size)
            .expect("page");
        assert!(page.rows.len() <= page_size);
        ids.extend(page.rows.iter().map(|order| order.id));
        match page.next {
            Some(next) => cursor = Some(next),
            None => return ids,
        }
    }
}

fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether a typed word matches a field as the full-text index matches it:
/// the word's own tokens in a row (`SYN-0000004` is `syn` then `0000004`),
/// the last one as a prefix.
fn word_matches(typed: &str, field: &[String]) -> bool {
    let typed = tokens(typed);
    let Some((last, whole)) = typed.split_last() else {
        return true;
    };
    field.windows(typed.len()).any(|window| {
        window[..whole.len()] == *whole && window[whole.len()].starts_with(last.as_str())
    })
}

/// The searchable fields of an order, as the full-text index splits them.
fn fields(order: &OrderRecord) -> Vec<Vec<String>> {
    [
        Some(&order.merchant_reference),
        order.fort_id.as_ref(),
        order.customer_email.as_ref(),
        order.customer_name.as_ref(),
        order.authorization_code.as_ref(),
        order.knet_ref_number.as_ref(),
        order.third_party_transaction_number.as_ref(),
        order.payment_link_id.as_ref(),
        order.payment_option.as_ref(),
        order.card_brand.as_ref(),
    ]
    .into_iter()
    .flatten()
    .map(|field| tokens(field))
    .collect()
}

/// The filter read plainly, row by row.
fn matches(filter: &OrderFilter, order: &OrderRecord) -> bool {
    let text_ok = filter
        .text
        .split_whitespace()
        .all(|typed| fields(order).iter().any(|field| word_matches(typed, field)));
    let amount_ok = if filter.amount_min.is_some() || filter.amount_max.is_some() {
        order.amount_minor.is_some_and(|amount| {
            filter.amount_min.is_none_or(|min| amount >= min)
                && filter.amount_max.is_none_or(|max| amount <= max)
        })
    } else {
        true
    };
    let expiring_ok = !filter.expiring_soon || {
        let now = filter.now_ms.expect("a fixed now");
        matches!(
            order.state,
            OrderState::Authorized | OrderState::PartiallyCaptured
        ) && order.authorized_minor > order.captured_minor
            && order.payment.time.is_some_and(|time| {
                let age = now - time.at_ms;
                (CAPTURE_WARN_DAYS * DAY_MS..CAPTURE_WINDOW_DAYS * DAY_MS).contains(&age)
            })
    };
    text_ok
        && (filter.states.is_empty() || filter.states.contains(&order.state))
        && (filter.payment_options.is_empty()
            || order
                .payment_option
                .as_ref()
                .is_some_and(|option| filter.payment_options.contains(option)))
        && filter
            .currency
            .as_ref()
            .is_none_or(|currency| order.currency.as_ref() == Some(currency))
        && filter
            .environment
            .is_none_or(|environment| order.environment == environment)
        && filter
            .profile
            .as_ref()
            .is_none_or(|profile| &order.profile == profile)
        && filter
            .created_from_ms
            .is_none_or(|from| order.created_ms >= from)
        && filter.created_to_ms.is_none_or(|to| order.created_ms < to)
        && amount_ok
        && expiring_ok
}

/// A grid of filters, drawn from each filter's choices.
fn grid(everything: &[OrderRecord], draws: usize) -> Vec<OrderFilter> {
    // "Now" a little over 6 days after an authorization: some orders are
    // late in their capture window.
    let authorized = everything
        .iter()
        .filter(|order| order.state == OrderState::Authorized)
        .filter_map(|order| order.payment.time)
        .nth(3)
        .expect("an authorization with its time");
    let now_ms = authorized.at_ms + 6 * DAY_MS;
    let middle = everything[everything.len() / 2].created_ms;
    let texts = ["", "knet", "visa", "أحمد", "al", "mada أحمد", "SYN-0000004"];
    let states: [&[OrderState]; 4] = [
        &[],
        &[OrderState::Refunded],
        &[OrderState::Authorized, OrderState::PartiallyCaptured],
        &[OrderState::Voided],
    ];
    let currencies = [None, Some("KWD"), Some("OMR"), Some("JPY"), Some("SAR")];
    let options: [&[&str]; 4] = [&[], &["AMEX"], &["KNET", "MADA"], &["VISA"]];
    let environments = [
        None,
        Some(Environment::Simulator),
        Some(Environment::Production),
    ];
    let dates = [
        None,
        Some((middle, middle + DAY_MS)),
        Some((middle - 30 * DAY_MS, middle)),
    ];
    let amounts = [
        None,
        Some((Some(1_000), Some(50_000))),
        Some((None, Some(9_000))),
    ];
    let sorts = [
        (SortColumn::Created, true),
        (SortColumn::Amount, false),
        (SortColumn::CustomerName, true),
        (SortColumn::State, false),
        (SortColumn::Created, false),
    ];
    // A fixed sequence (SplitMix64): the same grid on every run.
    let mut state: u64 = 15;
    let mut pick = |len: usize| {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        usize::try_from((z ^ (z >> 31)) % len as u64).expect("small")
    };
    // Each filter is left open half the time (its first choice), so that
    // the grid holds broad filters as well as narrow ones.
    let mut choose = |len: usize| if pick(2) == 0 { 0 } else { pick(len) };
    (0..draws)
        .map(|_| {
            let (sort, descending) = sorts[choose(sorts.len())];
            let dates = dates[choose(dates.len())];
            let amount = amounts[choose(amounts.len())];
            OrderFilter {
                text: texts[choose(texts.len())].to_owned(),
                states: states[choose(states.len())].to_vec(),
                payment_options: options[choose(options.len())]
                    .iter()
                    .map(|option| (*option).to_owned())
                    .collect(),
                currency: currencies[choose(currencies.len())].map(str::to_owned),
                amount_min: amount.and_then(|(min, _)| min),
                amount_max: amount.and_then(|(_, max)| max),
                created_from_ms: dates.map(|(from, _)| from),
                created_to_ms: dates.map(|(_, to)| to),
                environment: environments[choose(environments.len())],
                expiring_soon: choose(4) == 3,
                now_ms: Some(now_ms),
                sort,
                descending,
                ..OrderFilter::default()
            }
        })
        .collect()
}

#[test]
fn every_combination_of_filters_finds_exactly_its_orders_in_order() {
    let dir = TempDir::new().expect("temp dir");
    let mut journal = synthetic_journal(&dir, 2_000);
    let everything = journal
        .orders_page(&OrderFilter::default(), None, 5_000)
        .expect("all")
        .rows;
    assert_eq!(everything.len(), 2_000);
    let filters = grid(&everything, 160);
    let mut matched_some = 0;
    let mut matched_none = 0;
    // The default reads few matches through an index; a tiny threshold
    // sends every filter along the sort order first (the 1,000,000-order
    // journal's broad filters), so both ways are checked on every filter.
    // Free-text matches read one by one are split between two connections
    // from 2,000 of them, more than this journal has: from 2 here, each
    // read through the text is split once in the two rounds.
    for (few_entries, split_text_read_at) in [(20_000, 2), (3, usize::MAX)] {
        journal.set_few_entries(few_entries);
        journal.set_split_text_read_at(split_text_read_at);
        for filter in &filters {
            let mut expected: Vec<&OrderRecord> = everything
                .iter()
                .filter(|order| matches(filter, order))
                .collect();
            // Sorted as the journal sorts: the key, then the id.
            expected.sort_by_key(|order| (sort_key(filter.sort, order), order.id));
            if filter.descending {
                expected.reverse();
            }
            let expected: Vec<i64> = expected.iter().map(|order| order.id).collect();
            for page_size in [7, 50] {
                assert_eq!(
                    all_pages(&journal, filter, page_size),
                    expected,
                    "{filter:?} by {page_size}, few_entries {few_entries}"
                );
            }
            assert_eq!(
                journal.count_orders(filter).expect("count"),
                expected.len() as u64,
                "{filter:?}"
            );
            if expected.is_empty() {
                matched_none += 1;
            } else {
                matched_some += 1;
            }
        }
    }
    // The grid is not vacuous: it has filters that match and filters that
    // match nothing.
    assert!(
        matched_some > 40 && matched_none > 40,
        "{matched_some} {matched_none}"
    );
}

/// The sort key as the journal's indexes hold it.
fn sort_key(column: SortColumn, order: &OrderRecord) -> (i64, String) {
    match column {
        SortColumn::Created => (order.created_ms, String::new()),
        SortColumn::Amount => (order.amount_minor.unwrap_or(-1), String::new()),
        SortColumn::CustomerName => (0, order.customer_name.clone().unwrap_or_default()),
        SortColumn::State => (0, order.state.as_str().to_owned()),
        other => panic!("not in the grid: {other:?}"),
    }
}

/// Issue 15: "knet" found nothing; the method and the card brand are
/// searchable, in a journal migrated from before too.
#[test]
fn free_text_finds_the_payment_method_in_a_migrated_journal() {
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("journal.sqlite3");
    let before = apsdesk::journal::schema::current_version() - 1;
    {
        let mut journal = Journal::open_at_version(&path, before).expect("older");
        let spec = SeedSpec {
            orders: 300,
            profile: "demo".into(),
            environment: Environment::Simulator,
            now_ms: NOW_MS,
        };
        seed(&mut journal, &spec, |_, _| {}).expect("seeded");
    }
    let journal = Journal::open(&path).expect("migrated");
    let knet = OrderFilter {
        text: "knet".into(),
        ..OrderFilter::default()
    };
    let found = all_pages(&journal, &knet, 50);
    let everything = journal
        .orders_page(&OrderFilter::default(), None, 1_000)
        .expect("all")
        .rows;
    let expected: Vec<i64> = everything
        .iter()
        .filter(|order| order.payment_option.as_deref() == Some("KNET"))
        .map(|order| order.id)
        .collect();
    assert!(!expected.is_empty());
    let mut found_sorted = found.clone();
    found_sorted.sort_unstable();
    let mut expected_sorted = expected;
    expected_sorted.sort_unstable();
    assert_eq!(found_sorted, expected_sorted);
    // An order written after the migration is indexed by its method too.
    let report = journal.verify().expect("verify");
    assert!(report.is_clean(), "{:?}", report.findings);
}

/// A search whose matches are read in two halves (the second on its own
/// connection) finds what one connection finds, and still does when the
/// second connection cannot open (here: the journal's file was renamed
/// under it; the journal's own connection keeps its open file).
#[cfg(unix)]
#[test]
fn a_search_read_in_halves_agrees_with_one_read_even_without_a_second_connection() {
    let dir = TempDir::new().expect("temp dir");
    let mut journal = synthetic_journal(&dir, 600);
    // Few matches among many orders and pages of 50, so that the text's
    // matches are read one by one (a walk of the sort order would cost
    // more).
    let mut filters = Vec::new();
    for text in ["visa", "khalid", "knet"] {
        for state in [
            OrderState::Refunded,
            OrderState::Voided,
            OrderState::Captured,
        ] {
            for sort in [
                SortColumn::CustomerName,
                SortColumn::Amount,
                SortColumn::Created,
            ] {
                filters.push(OrderFilter {
                    text: text.to_owned(),
                    states: vec![state],
                    sort,
                    ..OrderFilter::default()
                });
            }
        }
    }
    let read = |journal: &mut Journal, split_text_read_at: usize| -> Vec<Vec<i64>> {
        journal.set_split_text_read_at(split_text_read_at);
        filters
            .iter()
            .map(|filter| all_pages(journal, filter, 50))
            .collect()
    };
    let read_once = |journal: &mut Journal| read(journal, usize::MAX);
    let read_in_halves = |journal: &mut Journal| read(journal, 2);
    let once = read_once(&mut journal);
    assert!(
        once.iter().filter(|ids| ids.len() > 2).count() > filters.len() / 2,
        "most searches find several orders: {once:?}"
    );
    assert_eq!(read_in_halves(&mut journal), once);
    std::fs::rename(
        dir.path().join("journal.sqlite3"),
        dir.path().join("moved.sqlite3"),
    )
    .expect("renamed");
    assert_eq!(read_in_halves(&mut journal), once);
    // Another journal now at the path (as a restore would put one; this
    // one's write-ahead log and shared memory moved along with it, which
    // its connection holds open): the second connection finds it is not
    // this journal, and this one reads.
    // Its anchor moves with it too: a new journal beside another's anchor
    // takes no entry (the journal file would read as replaced).
    for sidecar in ["-wal", "-shm", ".anchor"] {
        std::fs::rename(
            dir.path().join(format!("journal.sqlite3{sidecar}")),
            dir.path().join(format!("moved.sqlite3{sidecar}")),
        )
        .expect("sidecar moved");
    }
    let other = synthetic_journal(&dir, 100);
    drop(other);
    assert_eq!(read_in_halves(&mut journal), once);
}

/// Inside a transaction, a search reads what the transaction wrote: the
/// second connection (which would see only what was committed) is not
/// asked.
#[test]
fn a_search_inside_a_transaction_reads_the_transaction() {
    let dir = TempDir::new().expect("temp dir");
    let mut journal = synthetic_journal(&dir, 300);
    journal.set_split_text_read_at(2);
    journal
        .connection()
        .execute_batch(
            "BEGIN; \
             UPDATE orders SET customer_name = 'Zuhair Qadri ' || id WHERE id IN (3, 150, 299);",
        )
        .expect("written, not committed");
    let filter = OrderFilter {
        text: "zuhair".into(),
        sort: SortColumn::CustomerName,
        ..OrderFilter::default()
    };
    let names: Vec<String> = journal
        .orders_page(&filter, None, 50)
        .expect("page")
        .rows
        .iter()
        .map(|order| order.customer_name.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        names,
        ["Zuhair Qadri 150", "Zuhair Qadri 299", "Zuhair Qadri 3"]
    );
    journal
        .connection()
        .execute_batch("ROLLBACK")
        .expect("rolled back");
}

/// The filters' tags inside the full-text index (state, currency, method)
/// follow the order: a state changed after the order was indexed is what a
/// search with a state filter finds. And what the operator types never
/// reaches them, not even typed with the tags' private-use mark.
#[test]
fn filter_tags_follow_the_order_and_typed_words_never_reach_them() {
    let dir = TempDir::new().expect("temp dir");
    let journal = synthetic_journal(&dir, 300);
    let everything = journal
        .orders_page(&OrderFilter::default(), None, 1_000)
        .expect("all")
        .rows;
    let order = everything
        .iter()
        .find(|order| order.state == OrderState::Captured && order.customer_name.is_some())
        .expect("a captured order with a name");
    let name = order.customer_name.clone().expect("named");
    let first_word = name.split_whitespace().next().expect("a word").to_owned();
    let search = |states: Vec<OrderState>| -> Vec<i64> {
        let filter = OrderFilter {
            text: first_word.clone(),
            states,
            ..OrderFilter::default()
        };
        all_pages(&journal, &filter, 50)
    };
    assert!(search(vec![OrderState::Captured]).contains(&order.id));
    assert!(!search(vec![OrderState::Voided]).contains(&order.id));
    journal
        .connection()
        .execute(
            "UPDATE orders SET state = 'voided', currency = 'OMR' WHERE id = ?1",
            [order.id],
        )
        .expect("state changed");
    assert!(search(vec![OrderState::Voided]).contains(&order.id));
    assert!(!search(vec![OrderState::Captured]).contains(&order.id));
    let in_omr = OrderFilter {
        text: first_word.clone(),
        currency: Some("OMR".into()),
        ..OrderFilter::default()
    };
    assert!(all_pages(&journal, &in_omr, 50).contains(&order.id));

    // The tags' own spelling finds only what the orders' fields hold; typed
    // with the tags' private-use mark, the mark is dropped.
    let search_text = |typed: &str| -> Vec<i64> {
        let filter = OrderFilter {
            text: typed.into(),
            ..OrderFilter::default()
        };
        let mut ids = all_pages(&journal, &filter, 50);
        ids.sort_unstable();
        ids
    };
    // (The tags spell values in hexadecimal: 6361707475726564 is "captured",
    // 4F4D52 "OMR", 56495341 "VISA".)
    for typed in [
        "stcaptured",
        "st6361707475726564",
        "cu4F4D52",
        "pm56495341",
        "cuomr",
    ] {
        let filter = OrderFilter {
            text: typed.into(),
            ..OrderFilter::default()
        };
        let mut expected: Vec<i64> = everything
            .iter()
            .filter(|order| matches(&filter, order))
            .map(|order| order.id)
            .collect();
        expected.sort_unstable();
        assert_eq!(search_text(typed), expected, "{typed:?}");
        assert_eq!(
            search_text(&format!("\u{E000}{typed}")),
            expected,
            "{typed:?}"
        );
    }
    assert_eq!(search_text("\u{E000}st"), search_text("st"));
    assert_eq!(search_text("\u{E000}"), search_text(""));
}
