//! Journal benchmarks (divan): opening, paging, searching and appending at
//! scale.
//!
//! `cargo bench --bench journal` measures a journal of 1,000,000 synthetic
//! orders (about 3,000,000 operations), built once and kept under
//! `target/bench-journal/` (set `APSDESK_BENCH_ORDERS` for another size).
//! Under `cargo test` the same code runs once on a small journal, so the
//! benchmarks cannot rot.
//!
//! Each query shape is its own benchmark, so the slowest shape's figures are
//! the worst case an operator meets; the README keeps the last figures.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use apsdesk::journal::store::NewEntry;
use apsdesk::journal::synthetic::{SeedSpec, seed};
use apsdesk::journal::{Actor, Journal, OrderFilter, SortColumn};

fn main() {
    let path = bench_journal();
    report_memory("after building or finding the journal");
    println!("journal: {} ({} orders)", path.display(), orders_wanted());
    divan::main();
    report_memory("after the benchmarks");
}

/// How many orders: 1,000,000 when benchmarking, 2,000 under `cargo test`.
fn orders_wanted() -> u64 {
    if let Some(orders) = std::env::var("APSDESK_BENCH_ORDERS")
        .ok()
        .and_then(|text| text.parse().ok())
    {
        return orders;
    }
    if std::env::args().any(|arg| arg == "--bench") {
        1_000_000
    } else {
        2_000
    }
}

/// The benchmark journal, built on first use and kept between runs.
fn bench_journal() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let orders = orders_wanted();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-journal");
        std::fs::create_dir_all(&dir).expect("bench directory");
        let path = dir.join(format!("journal-{orders}.sqlite3"));
        let done = dir.join(format!("journal-{orders}.complete"));
        if !done.exists() {
            for stale in [
                path.clone(),
                path.with_extension("sqlite3-wal"),
                path.with_extension("sqlite3-shm"),
            ] {
                let _ = std::fs::remove_file(stale);
            }
            let mut journal = Journal::open(&path).expect("journal opens");
            let spec = SeedSpec {
                orders,
                profile: "bench".into(),
                environment: apsdesk::aps::client::Environment::Simulator,
                now_ms: 1_790_000_000_000,
            };
            let started = std::time::Instant::now();
            let report = seed(&mut journal, &spec, |done, total| {
                if done % 100_000 == 0 || done == total {
                    eprintln!("seeding {done}/{total}");
                }
            })
            .expect("seeded");
            journal
                .connection()
                .execute_batch("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;")
                .expect("checkpoint");
            eprintln!(
                "seeded {} orders and {} operations in {:.1?}",
                report.orders,
                report.operations,
                started.elapsed()
            );
            std::fs::write(&done, b"").expect("marker");
        }
        path
    })
}

/// The peak resident memory of this process (Linux), to show it does not
/// follow the journal's size.
fn report_memory(when: &str) {
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        for line in status.lines() {
            if line.starts_with("VmHWM") || line.starts_with("VmRSS") {
                println!("{when}: {line}");
            }
        }
    }
}

fn journal() -> &'static std::sync::Mutex<Journal> {
    static JOURNAL: OnceLock<std::sync::Mutex<Journal>> = OnceLock::new();
    JOURNAL.get_or_init(|| std::sync::Mutex::new(Journal::open(bench_journal()).expect("opens")))
}

#[divan::bench(sample_count = 20)]
fn open_journal() -> Journal {
    Journal::open(bench_journal()).expect("opens")
}

/// The query shapes of the order browser: a sort, filters, and whether the
/// page is the first or one deep in the list.
#[derive(Debug, Clone, Copy)]
enum Shape {
    Newest,
    OldestDeep,
    AmountLargest,
    CustomerName,
    StateKwd,
    KnetByAmount,
    DateRangeByCaptured,
    RefundedInSarByReference,
}

const SHAPES: &[Shape] = &[
    Shape::Newest,
    Shape::OldestDeep,
    Shape::AmountLargest,
    Shape::CustomerName,
    Shape::StateKwd,
    Shape::KnetByAmount,
    Shape::DateRangeByCaptured,
    Shape::RefundedInSarByReference,
];

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

fn filter_of(shape: Shape) -> OrderFilter {
    let month_ms = 30 * 24 * 3600 * 1000;
    match shape {
        Shape::Newest => OrderFilter {
            descending: true,
            ..OrderFilter::default()
        },
        Shape::OldestDeep => OrderFilter::default(),
        Shape::AmountLargest => OrderFilter {
            sort: SortColumn::Amount,
            descending: true,
            ..OrderFilter::default()
        },
        Shape::CustomerName => OrderFilter {
            sort: SortColumn::CustomerName,
            ..OrderFilter::default()
        },
        Shape::StateKwd => OrderFilter {
            states: vec![apsdesk::journal::vocabulary::OrderState::PartiallyRefunded],
            currency: Some("KWD".into()),
            descending: true,
            ..OrderFilter::default()
        },
        Shape::KnetByAmount => OrderFilter {
            payment_options: vec!["KNET".into()],
            sort: SortColumn::Amount,
            descending: true,
            ..OrderFilter::default()
        },
        Shape::DateRangeByCaptured => OrderFilter {
            created_from_ms: Some(1_790_000_000_000 - 3 * month_ms),
            created_to_ms: Some(1_790_000_000_000 - 2 * month_ms),
            sort: SortColumn::Captured,
            descending: true,
            ..OrderFilter::default()
        },
        Shape::RefundedInSarByReference => OrderFilter {
            states: vec![apsdesk::journal::vocabulary::OrderState::Refunded],
            currency: Some("SAR".into()),
            sort: SortColumn::MerchantReference,
            ..OrderFilter::default()
        },
    }
}

/// One page of 50 rows of each shape; `OldestDeep` starts 20 pages in.
#[divan::bench(args = SHAPES, sample_count = 50)]
fn page_of_50(bencher: divan::Bencher, shape: Shape) {
    let journal = journal().lock().expect("lock");
    let filter = filter_of(shape);
    let start = if matches!(shape, Shape::OldestDeep) {
        let mut cursor = None;
        for _ in 0..20 {
            cursor = journal
                .orders_page(&filter, cursor.as_ref(), 50)
                .expect("page")
                .next;
        }
        cursor
    } else {
        None
    };
    bencher.bench_local(|| {
        let page = journal
            .orders_page(&filter, start.as_ref(), 50)
            .expect("page");
        assert!(!page.rows.is_empty(), "{shape:?} found nothing");
        page
    });
}

/// Free-text searches: an Arabic name, a reference prefix, an email.
#[divan::bench(args = ["أحمد الكندري", "SYN-0000123", "customer1234@", "Khalid"], sample_count = 50)]
fn search_page_of_50(bencher: divan::Bencher, text: &str) {
    let journal = journal().lock().expect("lock");
    let filter = OrderFilter {
        text: text.to_owned(),
        descending: true,
        ..OrderFilter::default()
    };
    bencher.bench_local(|| journal.orders_page(&filter, None, 50).expect("search"));
}

/// Appending one operation: its request (pending) and its result, each a
/// durable transaction with its chain hash.
#[divan::bench(sample_count = 30)]
fn append_operation(bencher: divan::Bencher) {
    let mut journal = journal().lock().expect("lock");
    let actor = Actor {
        operator: "bench".into(),
        profile: "bench".into(),
        // The account every synthetic order belongs to.
        account: "synthetic".into(),
        environment: apsdesk::aps::client::Environment::Simulator,
    };
    let order_id = journal.ensure_order(&actor, "SYN-00000001").expect("order");
    let request = r#"{"request":"{\"command\":\"REFUND\",\"access_code\":\"********\",\"merchant_reference\":\"SYN-00000001\",\"amount\":\"100\",\"currency\":\"KWD\"}"}"#;
    bencher.bench_local(|| {
        let operation_id = journal
            .record_request(
                &actor,
                order_id,
                apsdesk::aps::Command::Refund,
                true,
                &NewEntry {
                    amount_minor: Some(100),
                    currency: Some("KWD"),
                    payload: request,
                    ..NewEntry::default()
                },
            )
            .expect("request");
        journal
            .record_result(
                &actor,
                operation_id,
                &NewEntry {
                    outcome: Some(apsdesk::journal::vocabulary::EntryOutcome::Declined),
                    response_code: Some("07048"),
                    payload: r#"{"http_status":200}"#,
                    ..NewEntry::default()
                },
            )
            .expect("result");
    });
}
