//! The app's frame cost (divan): one frame of the Transactions screen while
//! scrolling, over the journal benchmark's 1,000,000 orders, drawn headless
//! (egui's CPU work: layout and tessellation inputs, no GPU). And the cost of
//! the first frame: building the app and laying it out once.
//!
//! `cargo bench --bench app_frame` uses `target/bench-journal/journal-1000000.sqlite3`
//! (made by `cargo bench --bench journal`); under `cargo test` a small
//! synthetic journal is made and each benchmark runs once.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use apsdesk::app::backend::{Backend, Session};
use apsdesk::app::{DeskApp, Settings};
use apsdesk::aps::client::{Client, Credentials, Endpoint};
use apsdesk::aps::{Secret, ShaType};
use apsdesk::journal::Journal;
use apsdesk::journal::synthetic::{SeedSpec, seed};

fn main() {
    divan::main();
}

fn benchmarking() -> bool {
    std::env::args().any(|arg| arg == "--bench")
}

/// The journal to browse.
fn journal_path() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-journal");
    let big = dir.join("journal-1000000.sqlite3");
    if benchmarking() {
        assert!(
            dir.join("journal-1000000.complete").exists(),
            "run `cargo bench --bench journal` first: it builds the 1,000,000-order journal"
        );
        return big;
    }
    std::fs::create_dir_all(&dir).expect("bench directory");
    let small = dir.join("app-frame-2000.sqlite3");
    if !small.exists() {
        let mut journal = Journal::open(&small).expect("journal");
        let spec = SeedSpec {
            orders: 2_000,
            profile: "bench".into(),
            environment: apsdesk::aps::client::Environment::Simulator,
            now_ms: 1_790_000_000_000,
        };
        seed(&mut journal, &spec, |_, _| {}).expect("seeded");
    }
    small
}

/// An app over the journal, with a client that is never used (nothing is sent).
fn app(ctx: &egui::Context, runtime: &tokio::runtime::Runtime) -> DeskApp {
    let journal = Journal::open(&journal_path()).expect("journal opens");
    let credentials = Credentials {
        merchant_identifier: "bench".into(),
        access_code: Secret::new("unused"),
        sha_type: ShaType::Sha256,
        request_phrase: Secret::new("unused"),
        response_phrase: Secret::new("unused"),
    };
    let client = Client::new(
        &Endpoint::Simulator("http://127.0.0.1:9".into()),
        credentials,
    )
    .expect("client");
    let session = Session {
        profile: "bench".into(),
        environment: apsdesk::aps::client::Environment::Simulator,
        operator: "bench".into(),
        demo: true,
        receipt: apsdesk::profiles::ReceiptDetails::default(),
    };
    let backend = Backend::with_desk(runtime.handle(), journal, client, session, None, None);
    DeskApp::new(backend, Settings::default(), ctx)
}

fn frame(ctx: &egui::Context, app: &mut DeskApp, events: Vec<egui::Event>) {
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        events,
        ..egui::RawInput::default()
    };
    let mut output = ctx.run_ui(input, |ui| {
        app.logic(ui.ctx());
        app.ui(ui);
    });
    output.textures_delta.clear();
}

/// Frames until the first page of orders is on screen.
fn wait_for_rows(ctx: &egui::Context, app: &mut DeskApp) {
    let started = Instant::now();
    while app.transactions.rows.is_empty() {
        frame(ctx, app, Vec::new());
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no rows arrived"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// Hovers the table (so that wheel events scroll it), then times one frame
/// per wheel step of three rows.
fn scroll_frames(bencher: divan::Bencher, ctx: &egui::Context, app: &mut DeskApp) {
    frame(
        ctx,
        app,
        vec![egui::Event::PointerMoved(egui::pos2(300.0, 400.0))],
    );
    bencher.bench_local(|| {
        frame(
            ctx,
            app,
            vec![egui::Event::MouseWheel {
                unit: egui::MouseWheelUnit::Point,
                delta: egui::vec2(0.0, -78.0),
                modifiers: egui::Modifiers::NONE,
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Wheel,
            }],
        );
    });
}

/// One frame while the table scrolls down by three rows' worth.
#[divan::bench(sample_count = 200)]
fn transactions_frame_while_scrolling(bencher: divan::Bencher) {
    let runtime = runtime();
    let ctx = egui::Context::default();
    let mut app = app(&ctx, &runtime);
    wait_for_rows(&ctx, &mut app);
    scroll_frames(bencher, &ctx, &mut app);
    // It really scrolled: more pages were asked for as the bottom came near.
    assert!(!app.transactions.rows.is_empty());
}

/// The same with the issue-15 rows in use: a method filter and free text
/// (KNET orders of customers named أحمد, about 3,300 at 1,000,000 orders),
/// sorted by amount, and every filtered order selected (under the
/// select-all limit of 5,000), so that each drawn row also draws its
/// selection.
#[divan::bench(sample_count = 200)]
fn filtered_selected_frame_while_scrolling(bencher: divan::Bencher) {
    let runtime = runtime();
    let ctx = egui::Context::default();
    let mut app = app(&ctx, &runtime);
    wait_for_rows(&ctx, &mut app);
    let filter = apsdesk::journal::OrderFilter {
        text: "أحمد".into(),
        payment_options: vec!["KNET".into()],
        sort: apsdesk::journal::SortColumn::Amount,
        ..apsdesk::journal::OrderFilter::default()
    };
    // As a saved view with its search text would open.
    app.transactions = apsdesk::app::transactions::TransactionsScreen::with_filter(filter);
    app.transactions.reload(&app.backend);
    wait_for_rows(&ctx, &mut app);
    app.transactions.select_all(&app.backend);
    let started = Instant::now();
    while app.transactions.marked.is_empty() {
        frame(&ctx, &mut app, Vec::new());
        assert!(started.elapsed() < Duration::from_mins(1), "no selection");
        std::thread::sleep(Duration::from_millis(5));
    }
    scroll_frames(bencher, &ctx, &mut app);
    assert!(
        app.transactions
            .rows
            .iter()
            .all(|order| order.payment_option.as_deref() == Some("KNET")),
        "the filter held"
    );
}

/// Building the app and laying out its first frame (the window's own start
/// is not included: see the README for the launch measured under Xvfb).
#[divan::bench(sample_count = 10)]
fn first_frame(bencher: divan::Bencher) {
    let runtime = runtime();
    bencher.bench_local(|| {
        let ctx = egui::Context::default();
        let mut app = app(&ctx, &runtime);
        frame(&ctx, &mut app, Vec::new());
        app
    });
}
