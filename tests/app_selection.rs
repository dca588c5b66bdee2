//! Issue 24, point 1, as a property: an action on the selection takes only
//! orders the list shows, whatever the filter, the selection, what another
//! desk changed meanwhile and the order the journal's answers arrive in.
//! Driven on the Transactions screen's own state with a real journal's
//! pages (no window needed).

use apsdesk::app::transactions::TransactionsScreen;
use apsdesk::journal::OrderFilter;
use apsdesk::journal::vocabulary::OrderState;

/// Issue 24, point 1: whatever the filter, the selection and the order
/// in which the journal's answers arrive (pages, the check of the
/// selection), and whatever changed in the journal since the selection
/// was made (another desk's capture: an order leaves the filter), an
/// action on the selection takes only orders the list shows. Once the
/// journal has answered, what it does not list has left the selection.
#[test]
fn an_action_on_the_selection_takes_only_orders_the_list_shows() {
    use apsdesk::journal::synthetic::{SeedSpec, seed};
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    use std::collections::HashSet;
    let dir = tempfile::TempDir::new().expect("dir");
    let mut journal =
        apsdesk::journal::Journal::open(&dir.path().join("journal.sqlite3")).expect("journal");
    let spec = SeedSpec {
        orders: 90,
        profile: "p".into(),
        environment: apsdesk::aps::client::Environment::Simulator,
        now_ms: 1_796_000_000_000,
    };
    seed(&mut journal, &spec, |_, _| {}).expect("seed");
    let states = [
        OrderState::Authorized,
        OrderState::PartiallyCaptured,
        OrderState::Captured,
        OrderState::PartiallyRefunded,
        OrderState::Refunded,
        OrderState::Voided,
        OrderState::Declined,
    ];
    let truth = |journal: &apsdesk::journal::Journal, filter: &OrderFilter| -> HashSet<i64> {
        journal
            .orders_page(filter, None, 10_000)
            .expect("all")
            .rows
            .iter()
            .map(|order| order.id)
            .collect()
    };
    // A filter (states, a currency), the rows clicked, the orders another
    // desk changes meanwhile, the page size, how many pages arrive, the
    // check's limit, whether the check arrives before the first page.
    let case = (
        prop::collection::vec(any::<bool>(), states.len()),
        prop::option::of(prop::sample::select(vec!["KWD", "SAR", "AED"])),
        prop::collection::vec(any::<prop::sample::Index>(), 0..12),
        prop::collection::vec(any::<prop::sample::Index>(), 0..8),
        1_usize..40,
        1_usize..4,
        prop::sample::select(vec![5_usize, 30, 10_000]),
        any::<bool>(),
    );
    let mut runner = TestRunner::new(Config {
        cases: 96,
        failure_persistence: None,
        ..Config::default()
    });
    let journal = std::cell::RefCell::new(journal);
    runner
        .run(
            &case,
            |(wanted, currency, clicks, changes, page, pages, limit, check_first)| {
                let journal = &mut *journal.borrow_mut();
                let filter = OrderFilter {
                    states: states
                        .iter()
                        .zip(&wanted)
                        .filter(|(_, on)| **on)
                        .map(|(state, _)| *state)
                        .collect(),
                    currency: currency.map(str::to_owned),
                    ..OrderFilter::default()
                };
                let mut screen = TransactionsScreen::default();
                // The list as first shown, and the rows clicked in it.
                let generation = screen.begin_query();
                let first = journal.orders_page(&filter, None, 10_000).expect("page");
                screen.page_arrived(generation, first.rows, None, false);
                for click in &clicks {
                    if screen.rows.is_empty() {
                        break;
                    }
                    let order = click.get(&screen.rows).clone();
                    screen.marked.insert(order.id, order);
                }
                // Another desk moves some orders (all of them captured or
                // voided), and the list is read again.
                let all: Vec<i64> = journal
                    .orders_page(&OrderFilter::default(), None, 10_000)
                    .expect("all")
                    .rows
                    .iter()
                    .map(|order| order.id)
                    .collect();
                for (turn, change) in changes.iter().enumerate() {
                    let id = *change.get(&all);
                    let state = if turn % 2 == 0 { "captured" } else { "voided" };
                    journal
                        .connection()
                        .execute(
                            "UPDATE orders SET state = ?1 WHERE id = ?2",
                            rusqlite::params![state, id],
                        )
                        .expect("update");
                }
                let now = truth(journal, &filter);
                let generation = screen.begin_query();
                let check = journal.orders_page(&filter, None, limit).expect("check");
                let mut after = None;
                let mut arrivals = Vec::new();
                let mut all_pages = false;
                for index in 0..pages {
                    let got = journal
                        .orders_page(&filter, after.as_ref(), page)
                        .expect("page");
                    after.clone_from(&got.next);
                    arrivals.push((got, index > 0));
                    if after.is_none() {
                        all_pages = true;
                        break;
                    }
                }
                let listed_before: HashSet<i64> =
                    screen.rows.iter().map(|order| order.id).collect();
                let deliver_check = |screen: &mut TransactionsScreen| {
                    screen.matching_arrived(generation, check.rows.clone(), check.next.is_none());
                };
                if check_first {
                    deliver_check(&mut screen);
                    // The old list is still on screen: nothing outside it.
                    let shown: HashSet<i64> = screen.selection().shown.into_iter().collect();
                    prop_assert!(shown.is_subset(&listed_before), "{shown:?}");
                }
                for (got, append) in arrivals {
                    screen.page_arrived(generation, got.rows, got.next, append);
                    let shown: HashSet<i64> = screen.selection().shown.into_iter().collect();
                    prop_assert!(shown.is_subset(&now), "shown {shown:?} listed {now:?}");
                }
                if !check_first {
                    deliver_check(&mut screen);
                }
                let seen = screen.selection();
                let shown: HashSet<i64> = seen.shown.iter().copied().collect();
                prop_assert!(shown.is_subset(&now), "shown {shown:?} listed {now:?}");
                // Every selected order is either shown or counted hidden.
                prop_assert_eq!(seen.shown.len() + seen.hidden, screen.marked.len());
                // The journal said all it lists: nothing hidden is kept.
                if check.next.is_none() || all_pages {
                    prop_assert_eq!(seen.hidden, 0);
                }
                Ok(())
            },
        )
        .expect("an action's rows are among the rows listed");
}
