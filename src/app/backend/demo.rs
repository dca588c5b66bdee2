//! The demo: an in-process simulator with seeded orders, looked up into a
//! throw-away journal.

use super::{
    Arc, Backend, Client, Journal, RunningSimulator, Seed, Session, SimConfig, TaskResult,
    operator_name,
};
use crate::aps::client::Environment;

impl Backend {
    /// The demo: an in-process simulator with its seeded orders and a fresh
    /// journal in a temporary folder. The orders are looked up in the
    /// background ([`TaskResult::DemoProgress`], then [`TaskResult::DemoReady`]).
    pub fn demo(runtime: &tokio::runtime::Handle) -> anyhow::Result<Backend> {
        let simulator = runtime.block_on(RunningSimulator::start(
            SimConfig::default(),
            "127.0.0.1:0".parse()?,
            Seed::Demo,
        ))?;
        // What crashed or killed runs left behind goes first.
        crate::app::demo_dir::clean_stale(&std::env::temp_dir());
        let dir = crate::app::demo_dir::new_path(&std::env::temp_dir());
        crate::journal::files::create_private_dir(&dir)?;
        // A throw-away journal, keyed like any other with a key of its own.
        let keys = crate::journal::key::KeySource::Fixed(crate::journal::key::ChainKey::random());
        let journal = Journal::open_with(&dir.join("journal.sqlite3"), &keys)?;
        let client = Client::new(&simulator.endpoint(), simulator.credentials())?;
        let session = Session {
            profile: "demo".to_owned(),
            environment: Environment::Simulator,
            operator: operator_name(),
            demo: true,
            receipt: crate::profiles::ReceiptDetails {
                // i18n-lint: not shown (the demo receipt's English name, data)
                name_en: "apsdesk demo merchant".to_owned(),
                name_ar: "تاجر تجريبي".to_owned(),
                // i18n-lint: not shown (the demo merchant's address, data)
                address: "Kuwait City".to_owned(),
                registration_number: "DEMO-0000".to_owned(),
                logo: None,
                time_zone: "Asia/Kuwait".to_owned(),
            },
        };
        let references: Vec<String> = simulator.with_state(|state| {
            let mut references: Vec<String> = state
                .orders()
                .map(|order| order.merchant_reference.clone())
                .collect();
            references.sort();
            references
        });
        let backend = Backend::with_desk(
            runtime,
            journal,
            client,
            session,
            Some(simulator),
            Some(dir),
        );
        backend.load_demo(references);
        Ok(backend)
    }

    fn load_demo(&self, references: Vec<String>) {
        let desk = self.desk.clone();
        let sender = self.sender.clone();
        let repaint = Arc::clone(&self.repaint);
        self.spawn(async move {
            let total = references.len();
            desk.lookup(references, 8, move |done, _| {
                if done % 20 == 0 || done == total {
                    let _ = sender.send(TaskResult::DemoProgress { done, total });
                    if let Some(ctx) = repaint.lock().ok().and_then(|slot| slot.clone()) {
                        ctx.request_repaint();
                    }
                }
            })
            .await;
            TaskResult::DemoReady
        });
    }
}
