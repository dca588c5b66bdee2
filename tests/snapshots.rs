//! Image snapshots of the main screens in English and Arabic, rendered by
//! egui_kittest on wgpu (Mesa's lavapipe where there is no GPU). Behind the
//! `snapshots` feature, which `.ci/run` enables after installing Mesa.
//!
//! The data is a synthetic journal with fixed times, so the pictures are the
//! same on every run. `UPDATE_SNAPSHOTS=1 cargo test --features snapshots
//! --test snapshots` rewrites them after an intended change; look at them
//! before committing.

#![cfg(feature = "snapshots")]

mod common;

use std::time::{Duration, Instant};

use apsdesk::app::backend::{Backend, Session};
use apsdesk::app::{DeskApp, Settings};
use apsdesk::aps::client::{Client, Credentials, Endpoint};
use apsdesk::aps::{Secret, ShaType};
use apsdesk::journal::Journal;
use apsdesk::journal::synthetic::{SeedSpec, seed};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

struct State {
    backend: Option<Backend>,
    app: Option<DeskApp>,
}

#[test]
fn main_screens_in_english_and_arabic() {
    let runtime = common::runtime();
    let dir = tempfile::TempDir::new().expect("temp dir");
    let mut journal = Journal::open(&dir.path().join("journal.sqlite3")).expect("journal");
    let spec = SeedSpec {
        orders: 60,
        profile: "snapshot".into(),
        environment: apsdesk::aps::client::Environment::Sandbox,
        now_ms: 1_790_000_000_000,
    };
    seed(&mut journal, &spec, |_, _| {}).expect("seeded");
    let credentials = Credentials {
        merchant_identifier: "snapshot".into(),
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
        profile: "snapshot".into(),
        environment: apsdesk::aps::client::Environment::Sandbox,
        operator: "operator".into(),
        demo: false,
        receipt: apsdesk::profiles::ReceiptDetails::default(),
    };
    let backend = Backend::with_desk(runtime.handle(), journal, client, session, None, None);
    let mut harness = Harness::builder()
        .with_size(egui::Vec2::new(1280.0, 800.0))
        .build_ui_state(
            |ui, state: &mut State| {
                if state.app.is_none() {
                    let backend = state.backend.take().expect("backend");
                    state.app = Some(DeskApp::new(backend, Settings::default(), ui.ctx()));
                }
                let app = state.app.as_mut().expect("app");
                app.logic(ui.ctx());
                app.ui(ui);
            },
            State {
                backend: Some(backend),
                app: None,
            },
        );
    let wait = |harness: &mut Harness<'_, State>, done: &dyn Fn(&DeskApp) -> bool| {
        let started = Instant::now();
        loop {
            harness.step();
            if harness.state().app.as_ref().is_some_and(done) {
                for _ in 0..5 {
                    harness.step();
                }
                return;
            }
            assert!(started.elapsed() < Duration::from_secs(20), "timed out");
            std::thread::sleep(Duration::from_millis(10));
        }
    };
    wait(&mut harness, &|app| app.transactions.rows.len() == 60);
    let first = harness.state().app.as_ref().expect("app").transactions.rows[0]
        .merchant_reference
        .clone();
    harness.get_by_label(&first).click();
    wait(&mut harness, &|app| app.transactions.detail.is_some());
    harness.snapshot("transactions_en");
    harness.get_by_label("Capture…").click();
    wait(&mut harness, &|app| app.dialog.is_some());
    harness.snapshot("capture_en");
    harness.get_by_label("العربية").click();
    wait(&mut harness, &|app| app.tr.is_rtl());
    harness.snapshot("capture_ar");
    harness.get_by_label("إلغاء الأمر").click();
    wait(&mut harness, &|app| app.dialog.is_none());
    harness.snapshot("transactions_ar");
    // The forms read from the operator's side: the payment link's and the
    // profile editor's labels on the right of their fields in Arabic.
    let show = |harness: &mut Harness<'_, State>, screen| {
        harness
            .state_mut()
            .app
            .as_mut()
            .expect("app")
            .settings
            .screen = screen;
        wait(harness, &|_| true);
    };
    // The link form offers an expiry a week from today: fixed here, so that
    // the picture does not change with the day it is taken.
    harness.state_mut().app.as_mut().expect("app").links.expiry = jiff::civil::date(2026, 12, 15);
    show(&mut harness, apsdesk::app::Screen::Links);
    harness.snapshot("links_ar");
    show(&mut harness, apsdesk::app::Screen::Profiles);
    harness.snapshot("profiles_ar");
    harness.get_by_label("English").click();
    wait(&mut harness, &|app| !app.tr.is_rtl());
    harness.snapshot("profiles_en");
}
