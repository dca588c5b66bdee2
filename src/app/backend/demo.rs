//! The demo: an in-process simulator with seeded orders, a throw-away
//! journal, and an in-process receiver of the simulator's transaction
//! feedback. The seeded orders' history is delivered to the receiver as the
//! notifications APS would have posted at the time (so the demo's orders
//! carry customer names, emails and their real, varied times), then each
//! order is looked up (CHECK_STATUS) for its totals. What the operator does
//! in the demo afterwards (captures, refunds, paid links) is posted by the
//! simulator over loopback HTTP to the same receiver.

use super::{
    Arc, Backend, Client, Journal, RunningSimulator, Seed, Session, SimConfig, TaskError,
    TaskResult, operator_name,
};
use crate::aps::client::Environment;
use crate::aps::notification::form_body;
use crate::feedback::{RateLimit, Receiver, RunningReceiver};
use crate::journal::Actor;

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
        // A throw-away journal, keyed like any other with a key of its own,
        // and its rollback witness in memory (the demo's keys are not in a keyring).
        let keys = crate::journal::key::KeySource::Fixed(crate::journal::key::ChainKey::random());
        let journal = Journal::open_witnessed(
            &dir.join("journal.sqlite3"),
            &keys,
            crate::journal::witness::Witness::memory(),
        )?;
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
        // Orders with more than their payment (captured, refunded, voided)
        // are looked up for their totals: a notification of a capture,
        // refund or void moves no total (`projection::apply_feedback`).
        let references: Vec<String> = simulator.with_state(|state| {
            let mut references: Vec<String> = state
                .orders()
                .filter(|order| order.history.len() > 1)
                .map(|order| order.merchant_reference.clone())
                .collect();
            references.sort();
            references
        });
        // The demo account has an Apple Pay set, as its seeded Apple Pay orders need.
        let apple_pay_credentials = simulator.apple_pay_credentials();
        let apple_pay = client.with_credentials(apple_pay_credentials.clone());
        // Each step signed as APS would: with the set its order was made
        // with (the Apple Pay set's for an Apple Pay order).
        let history = simulator.with_state(|state| {
            let state: &crate::sim::SimState = state;
            let mut history: Vec<(String, i64)> = state
                .orders()
                .flat_map(|order| {
                    let signing = state
                        .credentials_of(order.credential_set())
                        .unwrap_or(state.credentials());
                    order.history.iter().map(move |step| {
                        (
                            form_body(&state.history_notification(order, step), signing),
                            step.at.as_millisecond(),
                        )
                    })
                })
                .collect();
            history.sort_by_key(|(_, at_ms)| *at_ms);
            history
        });
        let credentials = simulator.credentials();
        let mut backend = Backend::with_desk(
            runtime,
            journal,
            client,
            session,
            Some(simulator),
            Some(dir),
        );
        backend.set_apple_pay(apple_pay);
        let receiver = Arc::new(
            Receiver::new(
                credentials.clone(),
                Actor {
                    operator: crate::feedback::OPERATOR.to_owned(),
                    profile: backend.session.profile.clone(),
                    account: credentials.merchant_identifier.clone(),
                    environment: backend.session.environment,
                },
                Arc::clone(&backend.desk.journal),
                RateLimit::default(),
            )
            .with_apple_pay(Some(apple_pay_credentials)),
        );
        let running = runtime.block_on(RunningReceiver::start(receiver, "127.0.0.1:0".parse()?))?;
        if let Some(simulator) = &backend.simulator {
            simulator
                .set_feedback_url(&running.url())
                .map_err(anyhow::Error::msg)?;
        }
        let bodies = history;
        let receiver = Arc::clone(running.receiver());
        backend.feedback = Some(running);
        backend.load_demo(receiver, bodies, references);
        Ok(backend)
    }

    /// Delivers the seeded history's feedback (each at the time it
    /// happened), then looks every order up.
    fn load_demo(
        &self,
        receiver: Arc<Receiver>,
        history: Vec<(String, i64)>,
        references: Vec<String>,
    ) {
        let desk = self.desk.clone();
        let sender = self.sender.clone();
        let repaint = Arc::clone(&self.repaint);
        self.spawn(async move {
            let total = history.len() + references.len();
            let progress = move |done: usize| {
                if done.is_multiple_of(20) || done == total {
                    let _ = sender.send(TaskResult::DemoProgress { done, total });
                    if let Some(ctx) = repaint.lock().ok().and_then(|slot| slot.clone()) {
                        ctx.request_repaint();
                    }
                }
            };
            let delivered_count = history.len();
            let report = progress.clone();
            let delivered = tokio::task::spawn_blocking(move || {
                for (done, (body, at_ms)) in history.iter().enumerate() {
                    let answer = receiver.receive(
                        body.as_bytes(),
                        Some("application/x-www-form-urlencoded"),
                        *at_ms,
                    );
                    if answer.status() != axum::http::StatusCode::OK {
                        // i18n-lint: not shown (the log's detail of TaskError::DemoFeedback)
                        return Err(format!("the demo's feedback was refused: {answer:?}"));
                    }
                    report(done + 1);
                }
                Ok(())
            })
            .await;
            match delivered {
                Ok(Ok(())) => {}
                Ok(Err(why)) => return TaskResult::Failed(TaskError::DemoFeedback(why)),
                Err(error) => return TaskResult::Failed(TaskError::Stopped(error.to_string())),
            }
            desk.lookup(references, 8, move |done, _| {
                progress(delivered_count + done);
            })
            .await;
            TaskResult::DemoReady
        });
    }
}
