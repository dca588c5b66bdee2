//! Running operations through the journal: nothing lost, nothing twice.
//!
//! [`Desk::submit`] (or [`Desk::run`] for one typed request) is the one path
//! by which apsdesk sends anything. For a capture, refund or void:
//!
//! 1. The order's **lease** is taken ([`super::lease`]): one submission at a
//!    time works on an order, in this process or another sharing the journal.
//!    If another live submission holds it, nothing is done
//!    ([`RunError::InFlight`]).
//! 2. If an earlier money operation on the order is open (pending, uncertain
//!    or untrusted), it is settled by CHECK_STATUS and the submission **stops
//!    there**, whatever the settlement found ([`RunError::SettledFirst`]): a
//!    repeat never sends blind. Only an order with nothing open gets a new
//!    operation.
//! 3. A refund gets its `maintenance_reference` here, after the settle: a
//!    refund settled as not applied is retried under its own id.
//! 4. The order's running totals are read with CHECK_STATUS (the baseline);
//!    without a found order and its totals nothing is sent, since nothing
//!    could be proven about the operation afterwards.
//! 5. The request is written to the journal (durably), with the endpoint and
//!    environment it goes to and the credential set that signs it, **before**
//!    it is sent; the same transaction binds the lease to it. The set is the
//!    account's Apple Pay one for an order the journal knows was paid with
//!    Apple Pay ([`order_wallet`], decided after the baseline, which may be
//!    the order's first look-up), the merchant's otherwise.
//! 6. The result is written when the answer arrives, the order's projection
//!    updated from trusted answers only, and the lease released. While the
//!    submission waits, it keeps its lease alive with heartbeats.
//!
//! [`Desk::reconcile`] settles an open operation: it takes the order's lease
//! (an operation whose owner is still waiting for APS is never settled by
//! anyone else), asks the endpoint the operation was sent to for CHECK_STATUS
//! and compares the totals with the baseline. It concludes only from
//! evidence: an order APS does not find, an answer without totals, an
//! untrusted answer, or a different account or environment leaves the
//! operation open, with the reason recorded. [`Desk::reconcile_all`] does this
//! for every open operation of the account (at start-up). [`Desk::lookup`]
//! records orders from a list of references.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures_util::stream::{self, StreamExt};

use super::clock::{Clock, SystemClock};
use super::drift::{self, Drift, DriftPayload};
use super::lease::{LeaseClaim, LeaseHolder, LeasePolicy, LiveSubmission};
use super::payload::{self, ParamsField, RequestPayload, ResolutionPayload, ResultPayload};
use super::projection;
use super::seam::JournalStore;
use super::store::{Actor, EntryRecord, Journal, JournalError, NewEntry, Observation, OrderRecord};
use super::vocabulary::{EntryKind, EntryOutcome};
use crate::aps::client::{
    APPLE_PAY_WALLET, Client, CredentialSet, Environment, Failure, Outcome, SendError,
};
use crate::aps::request::{
    ApsRequest, Capture, CheckPaymentLinkStatus, CheckStatus, PaymentLink, Refund, UpdateToken,
    VoidAuthorization,
};
use crate::aps::response::{CheckStatusResponse, FromParams};
use crate::aps::validate::{FieldError, FieldErrors, Problem};
use crate::aps::{Command, Language, OutcomeClass};

/// How much longer than its own timeout APS is given to finish a request
/// before unmoved totals count as evidence that it did not happen. A gateway
/// may answer 504 (or the connection break) while APS still works on the
/// request, so an answer of that kind proves nothing either.
pub const DEFAULT_SETTLE_GRACE: Duration = Duration::from_mins(1);

/// A journal shared between tasks; locked briefly, never across an await.
pub type SharedJournal = Arc<Mutex<Journal>>;

fn lock<S>(journal: &Arc<Mutex<S>>) -> MutexGuard<'_, S> {
    journal
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Every validated request apsdesk can send.
#[derive(Debug, Clone)]
pub enum Operation {
    Capture(Capture),
    Refund(Refund),
    Void(VoidAuthorization),
    CheckStatus(CheckStatus),
    UpdateToken(UpdateToken),
    PaymentLink(PaymentLink),
    CheckPaymentLinkStatus(CheckPaymentLinkStatus),
}

impl Operation {
    pub fn command(&self) -> Command {
        match self {
            Operation::Capture(request) => request.command(),
            Operation::Refund(request) => request.command(),
            Operation::Void(request) => request.command(),
            Operation::CheckStatus(request) => request.command(),
            Operation::UpdateToken(request) => request.command(),
            Operation::PaymentLink(request) => request.command(),
            Operation::CheckPaymentLinkStatus(request) => request.command(),
        }
    }

    pub fn merchant_reference(&self) -> Option<&str> {
        match self {
            Operation::Capture(request) => request.merchant_reference(),
            Operation::Refund(request) => request.merchant_reference(),
            Operation::Void(request) => request.merchant_reference(),
            Operation::CheckStatus(request) => request.merchant_reference(),
            Operation::UpdateToken(request) => request.merchant_reference(),
            Operation::PaymentLink(request) => request.merchant_reference(),
            Operation::CheckPaymentLinkStatus(request) => request.merchant_reference(),
        }
    }
}

/// Identifies one submission, so that its result is routed to whoever asked
/// (two submissions may name the same order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ticket(pub u64);

impl Ticket {
    /// A ticket no other submission of this process has.
    pub fn next() -> Ticket {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Ticket(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// What a submission came to.
#[derive(Debug)]
pub struct OperationReport {
    pub ticket: Ticket,
    pub command: Command,
    pub merchant_reference: Option<String>,
    pub result: Result<RunReport<()>, RunError>,
}

/// Why an operation was not run. Nothing was sent, except where a variant says.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{0}")]
    Invalid(FieldErrors),
    /// Another submission (this desk's or another process's) is working on
    /// the order right now.
    #[error("{}: nothing was sent", .0.describe())]
    InFlight(Box<LeaseHolder>),
    /// Earlier operations on the order were open: they were settled (or
    /// tried), and this submission stopped there.
    #[error("{}", settled_summary(.0))]
    SettledFirst(Vec<SettledOperation>),
    /// The baseline status check did not give evidence to compare against
    /// later; `class` is the check's outcome when it answered.
    #[error("the order's totals could not be read from APS: {reason}; nothing was sent")]
    NoBaseline {
        class: Option<OutcomeClass>,
        reason: NoEvidence,
    },
    /// APS's figures for the order differ from the journal's and no
    /// operator has acknowledged it: nothing was sent.
    #[error("{0}")]
    Drift(Box<Drift>),
    #[error(transparent)]
    NotSent(#[from] SendError),
    /// The journal failed before the request was recorded: nothing was sent.
    #[error("{0}; nothing was sent")]
    JournalBeforeSending(JournalError),
    /// The journal failed after the request may have left: reconcile.
    #[error(transparent)]
    Journal(#[from] JournalError),
}

/// An earlier operation found open by a submission, and what settling it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettledOperation {
    pub operation_id: i64,
    pub command: Command,
    /// "capture of 5.00 USD".
    pub description: String,
    pub resolution: Resolution,
}

impl SettledOperation {
    /// One line for the operator.
    pub fn summary(&self) -> String {
        let SettledOperation {
            operation_id,
            description,
            ..
        } = self;
        match &self.resolution {
            Resolution::Applied => {
                format!("{description}, operation {operation_id}, was applied at APS: nothing sent")
            }
            Resolution::NotApplied => format!(
                "{description}, operation {operation_id}, did not happen at APS: nothing sent; it may be sent again{}",
                if self.command == Command::Refund {
                    " (a refund reuses its maintenance_reference)"
                } else {
                    ""
                }
            ),
            Resolution::Unresolved(why) => format!(
                "{description}, operation {operation_id}, is still open ({why}): nothing sent; reconcile it first"
            ),
            Resolution::InFlight(holder) => format!("{}: nothing sent", holder.describe()),
        }
    }
}

fn settled_summary(settled: &[SettledOperation]) -> String {
    settled
        .iter()
        .map(SettledOperation::summary)
        .collect::<Vec<_>>()
        .join("\n")
}

/// What an operation produced.
#[derive(Debug)]
pub struct RunReport<T> {
    /// `None` when the request names no order and was not journaled.
    pub operation_id: Option<i64>,
    pub outcome: Outcome<T>,
    pub order: Option<OrderRecord>,
}

impl<T> RunReport<T> {
    /// The same report without the typed response.
    pub fn erased(self) -> RunReport<()> {
        RunReport {
            operation_id: self.operation_id,
            outcome: self.outcome.erased(),
            order: self.order,
        }
    }
}

/// How reconciliation settled (or could not settle) an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// The operation took effect at APS.
    Applied,
    /// It did not: the money did not move, and it may be tried again.
    NotApplied,
    /// The evidence was missing or inconclusive (the reason says which): the
    /// operation stays open.
    Unresolved(Unsettled),
    /// Its owner is still working on it (waiting for APS): not touched.
    InFlight(LeaseHolder),
}

/// Why a status check gave no evidence of an order's totals. A type, not a
/// sentence: the journal and the command line print its English `Display`,
/// the app says it in the operator's language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoEvidence {
    #[error("APS does not find the order")]
    OrderNotFound,
    #[error("APS's status answer has no totals (authorized, captured, refunded amounts)")]
    NoTotals,
    /// The check was answered without a trusted, successful status.
    #[error("the status check did not answer: {summary}")]
    NoAnswer {
        class: OutcomeClass,
        failure: Option<Failure>,
        response_code: Option<String>,
        /// The outcome's English one-liner (the journal's record).
        summary: String,
    },
    /// The check could not be sent.
    #[error(transparent)]
    NotSent(SendError),
}

/// Why reconciliation leaves an operation open (see [`Resolution::Unresolved`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unsettled {
    #[error("the order was not found before or after")]
    OrderNotFoundBeforeOrAfter,
    #[error(
        "the total moved by {delta} minor units, not by the operation's {amount}: another operation happened meanwhile"
    )]
    OtherMovement { delta: i64, amount: i64 },
    #[error("APS's status answer does not say the order's last transaction status")]
    NoLastStatus,
    #[error("{0} cannot be reconciled by CHECK_STATUS")]
    NotReconcilable(Command),
    #[error("the operation is no longer open")]
    NoLongerOpen,
    #[error(
        "it was sent with account {sent_profile} ({sent_environment}{}); this desk uses {desk_profile} ({desk_environment} at {desk_url}): reconcile it with the account it was sent with",
        sent_url.as_ref().map(|url| format!(" at {url}")).unwrap_or_default()
    )]
    OtherAccount {
        sent_profile: String,
        sent_environment: Environment,
        sent_url: Option<String>,
        desk_profile: String,
        desk_environment: Environment,
        desk_url: String,
    },
    #[error("the order is missing")]
    OrderMissing,
    #[error("the operation was recorded without a baseline")]
    NoBaseline,
    #[error(
        "no answer was received and APS may still be working on it: the totals prove nothing for another {seconds} s"
    )]
    MayStillBeAtAps { seconds: u64 },
    /// The totals moved by the operation's amount, but the order has a drift
    /// no operator acknowledged: somebody else moves money on it, so the
    /// movement cannot be told to be this operation's.
    #[error(
        "the totals moved by the operation's amount, but APS's figures for the order already differed from the journal's (drift entry {drift_seq}, not acknowledged): the movement may not be this operation's; check the order and acknowledge the drift, then reconcile again"
    )]
    Ambiguous { drift_seq: i64 },
    /// The wall clock stands behind the journal and the request was sent in
    /// another boot (or without a step-proof reading): how long APS has had
    /// cannot be told.
    #[error(
        "this computer's clock stands {behind_ms} ms behind the journal's last entry: how long APS has had the request cannot be told; correct the clock and reconcile again"
    )]
    ClockBehind { behind_ms: i64 },
    #[error(transparent)]
    NoEvidence(NoEvidence),
}

/// When a reconcile's status check was asked, on both clocks.
struct Asked {
    wall_ms: i64,
    monotonic: Option<super::clock::MonotonicReading>,
    /// The newest entry of the order, on the journal's wall clock.
    latest_entry_ms: i64,
}

impl Resolution {
    pub fn as_str(&self) -> &'static str {
        match self {
            Resolution::Applied => "applied",
            Resolution::NotApplied => "not_applied",
            Resolution::Unresolved(_) => "unresolved",
            Resolution::InFlight(_) => "in_flight",
        }
    }

    /// How the journal records it.
    pub fn outcome(&self) -> EntryOutcome {
        match self {
            Resolution::Applied => EntryOutcome::Applied,
            Resolution::NotApplied => EntryOutcome::NotApplied,
            Resolution::Unresolved(_) | Resolution::InFlight(_) => EntryOutcome::Unresolved,
        }
    }

    /// Whether the operation is closed by this resolution.
    pub fn is_settled(&self) -> bool {
        match self {
            Resolution::Applied | Resolution::NotApplied => true,
            Resolution::Unresolved(_) | Resolution::InFlight(_) => false,
        }
    }
}

/// The totals an operation is compared against: taken only from a trusted
/// CHECK_STATUS that found the order and carried all three totals.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Baseline {
    pub authorized: i64,
    pub captured: i64,
    pub refunded: i64,
    pub voided: bool,
    pub found: bool,
    /// The order's last `transaction_status` (absent in baselines recorded
    /// before it was kept).
    #[serde(default)]
    pub last_status: Option<String>,
    /// The order's currency, as APS says it (absent in older baselines).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// The order's payment option (VISA, MASTERCARD, KNET...), as APS says it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_option: Option<String>,
}

impl Baseline {
    /// The evidence in a status answer, or why there is none.
    pub fn from_status(response: &CheckStatusResponse) -> Result<Baseline, NoEvidence> {
        if !response.order_found() {
            return Err(NoEvidence::OrderNotFound);
        }
        let Some(totals) = response.totals else {
            return Err(NoEvidence::NoTotals);
        };
        let as_i64 = |value: u64| i64::try_from(value).unwrap_or(i64::MAX);
        Ok(Baseline {
            authorized: as_i64(totals.authorized),
            captured: as_i64(totals.captured),
            refunded: as_i64(totals.refunded),
            voided: response.transaction_status.as_deref() == Some("08"),
            found: true,
            last_status: response.transaction_status.clone(),
            currency: response.currency.map(|currency| currency.code().to_owned()),
            payment_option: response.payment_option.clone(),
        })
    }
}

/// Decides whether an operation was applied, from the totals before and after
/// (both from found orders with totals). Pure, so it is tested as a table.
pub fn decide(command: Command, amount: i64, before: &Baseline, after: &Baseline) -> Resolution {
    if !before.found || !after.found {
        return Resolution::Unresolved(Unsettled::OrderNotFoundBeforeOrAfter);
    }
    let moved = |before: i64, after: i64| match after - before {
        0 => Resolution::NotApplied,
        delta if delta == amount => Resolution::Applied,
        delta => Resolution::Unresolved(Unsettled::OtherMovement { delta, amount }),
    };
    match command {
        Command::Capture => moved(before.captured, after.captured),
        Command::Refund => moved(before.refunded, after.refunded),
        Command::VoidAuthorization => match (before.voided, after.voided, &after.last_status) {
            (false, true, _) => Resolution::Applied,
            (false, false, None) => Resolution::Unresolved(Unsettled::NoLastStatus),
            // Not voided after; or already voided before it was sent, when
            // it could change nothing.
            (false, false, Some(_)) | (true, _, _) => Resolution::NotApplied,
        },
        Command::Authorization | Command::Purchase => {
            if after.authorized > 0 {
                Resolution::Applied
            } else {
                Resolution::NotApplied
            }
        }
        Command::CheckStatus
        | Command::UpdateToken
        | Command::PaymentLink
        | Command::CheckPaymentLinkStatus
        | Command::GetInstallmentsPlans => {
            Resolution::Unresolved(Unsettled::NotReconcilable(command))
        }
    }
}

/// A resolution entry for an operation: its amount, currency and refund id
/// repeated from the request, so that a reader of the timeline needs no join.
fn resolution_entry<'a>(
    request: &'a EntryRecord,
    resolution: &Resolution,
    payload: &'a str,
) -> NewEntry<'a> {
    NewEntry {
        amount_minor: request.amount_minor,
        currency: request.currency.as_deref(),
        maintenance_reference: request.maintenance_reference.as_deref(),
        outcome: Some(resolution.outcome()),
        payload,
        ..NewEntry::default()
    }
}

/// "capture of 5.00 USD", "void" — from a request entry.
fn describe_entry(entry: &EntryRecord) -> String {
    let command = entry.command.name().to_lowercase().replace('_', " ");
    match (entry.amount_minor, entry.currency.as_deref()) {
        (Some(amount), currency) => format!(
            "{command} of {} {}",
            super::export::format_amount(amount, currency),
            currency.unwrap_or_default()
        ),
        (None, _) => command,
    }
}

/// One looked-up reference.
#[derive(Debug)]
pub struct LookupResult {
    pub merchant_reference: String,
    pub result: Result<OutcomeClass, String>,
    pub order: Option<OrderRecord>,
}

/// An operator's desk: a journal, a client and who is working. The journal
/// is any [`JournalStore`] (the SQLite [`Journal`] unless said otherwise).
pub struct Desk<S: JournalStore = Journal> {
    pub journal: Arc<Mutex<S>>,
    pub client: Client,
    /// The account's Apple Pay set, on the same endpoint: it signs every
    /// request about an order the journal knows was paid with Apple Pay
    /// (reference §2). `None` when the account has no such set.
    pub apple_pay: Option<Client>,
    pub actor: Actor,
    pub language: Language,
    /// How long an order's lease lives without a heartbeat.
    pub lease: LeasePolicy,
    /// After a request's own timeout, how much longer APS is given to finish
    /// a request that got no answer before it may be concluded "not applied".
    pub settle_grace: Duration,
    /// Where the desk reads the time (see [`super::clock`]).
    pub clock: Arc<dyn Clock>,
}

impl<S: JournalStore> Clone for Desk<S> {
    fn clone(&self) -> Self {
        Desk {
            journal: Arc::clone(&self.journal),
            client: self.client.clone(),
            apple_pay: self.apple_pay.clone(),
            actor: self.actor.clone(),
            language: self.language,
            lease: self.lease,
            settle_grace: self.settle_grace,
            clock: Arc::clone(&self.clock),
        }
    }
}

impl<S: JournalStore> std::fmt::Debug for Desk<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desk")
            .field("actor", &self.actor)
            .field("endpoint", &self.client.url())
            .finish_non_exhaustive()
    }
}

fn outcome_payload<T>(outcome: &Outcome<T>) -> String {
    payload::write(&ResultPayload {
        http_status: outcome.http_status,
        attempts: Some(outcome.attempts),
        elapsed_ms: Some(u64::try_from(outcome.elapsed.as_millis()).unwrap_or(u64::MAX)),
        failure: outcome.failure.as_ref().map(ToString::to_string),
        response: outcome.response.as_ref().map(ParamsField::from_params),
        raw_body: outcome.raw_body.clone(),
        not_sent: None,
    })
}

impl<S: JournalStore> Desk<S> {
    pub fn new(
        journal: Arc<Mutex<S>>,
        client: Client,
        actor: Actor,
        language: Language,
    ) -> Desk<S> {
        Desk {
            journal,
            client,
            apple_pay: None,
            actor,
            language,
            lease: LeasePolicy::default(),
            settle_grace: DEFAULT_SETTLE_GRACE,
            clock: Arc::new(SystemClock),
        }
    }

    /// Sends any operation through the journal and reports it with a ticket.
    pub async fn submit(&self, operation: Operation) -> OperationReport {
        self.submit_as(Ticket::next(), operation).await
    }

    /// [`Desk::submit`] under a ticket the caller took beforehand (to route
    /// the report back to whoever asked).
    pub async fn submit_as(&self, ticket: Ticket, operation: Operation) -> OperationReport {
        let command = operation.command();
        let merchant_reference = operation.merchant_reference().map(str::to_owned);
        let result = match &operation {
            Operation::Capture(request) => self.run(request).await.map(RunReport::erased),
            Operation::Refund(request) => self.run(request).await.map(RunReport::erased),
            Operation::Void(request) => self.run(request).await.map(RunReport::erased),
            Operation::CheckStatus(request) => self.run(request).await.map(RunReport::erased),
            Operation::UpdateToken(request) => self.run(request).await.map(RunReport::erased),
            Operation::PaymentLink(request) => self.run(request).await.map(RunReport::erased),
            Operation::CheckPaymentLinkStatus(request) => {
                self.run(request).await.map(RunReport::erased)
            }
        };
        OperationReport {
            ticket,
            command,
            merchant_reference,
            result,
        }
    }

    /// Runs one typed request through the journal (see the module documentation).
    pub async fn run<R: ApsRequest>(
        &self,
        request: &R,
    ) -> Result<RunReport<R::Response>, RunError> {
        let command = request.command();
        let Some(reference) = request.merchant_reference().map(str::to_owned) else {
            let outcome = self.client.send(request, self.language).await?;
            return Ok(RunReport {
                operation_id: None,
                outcome,
                order: None,
            });
        };
        let order_id = lock(&self.journal)
            .ensure_order(&self.actor, &reference)
            .map_err(RunError::JournalBeforeSending)?;
        if !command.moves_money() {
            return self.send_recorded(request, order_id, None, None).await;
        }
        let purpose = match request.amount() {
            Some(amount) => format!("{} {amount}", command.name().to_lowercase()),
            None => command.name().to_lowercase().replace('_', " "),
        };
        let claim = LeaseClaim::new(&self.actor.operator, purpose);
        let _live = LiveSubmission::new(&claim.owner);
        if let Err(holder) = lock(&self.journal)
            .acquire_lease(order_id, &claim, &self.lease)
            .map_err(RunError::JournalBeforeSending)?
        {
            return Err(RunError::InFlight(Box::new(holder)));
        }
        let result = self
            .holding(
                order_id,
                &claim.owner,
                self.move_money(request, &reference, order_id, &claim.owner),
            )
            .await;
        // Released on every path that returns here. A crash (or a dropped
        // task) leaves the lease to lapse: its process is gone or its
        // heartbeat stops, and only then may anyone settle what it left.
        if let Err(error) = lock(&self.journal).release_lease(order_id, &claim.owner) {
            tracing::warn!(order_id, %error, "could not release an order's lease; it will lapse");
        }
        result
    }

    /// Runs `work` while keeping the order's lease alive.
    async fn holding<F: std::future::Future>(
        &self,
        order_id: i64,
        owner: &str,
        work: F,
    ) -> F::Output {
        let mut work = std::pin::pin!(work);
        let mut beat = tokio::time::interval(self.lease.heartbeat);
        beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                output = &mut work => return output,
                _ = beat.tick() => {
                    match lock(&self.journal).heartbeat_lease(order_id, owner) {
                        Ok(true) => {}
                        Ok(false) => tracing::warn!(order_id, "an order's lease was taken over while held"),
                        Err(error) => tracing::warn!(order_id, %error, "lease heartbeat failed"),
                    }
                }
            }
        }
    }

    /// A capture, refund or void, with the order's lease held.
    async fn move_money<R: ApsRequest>(
        &self,
        request: &R,
        reference: &str,
        order_id: i64,
        lease_owner: &str,
    ) -> Result<RunReport<R::Response>, RunError> {
        let open = lock(&self.journal)
            .open_operations_for(order_id)
            .map_err(RunError::JournalBeforeSending)?;
        if !open.is_empty() {
            let mut settled = Vec::with_capacity(open.len());
            for operation in open {
                // Boxed: settling runs a CHECK_STATUS through `run`, which is what called us.
                let resolution = Box::pin(self.settle(&operation.request)).await?;
                settled.push(SettledOperation {
                    operation_id: operation.operation_id,
                    command: operation.request.command,
                    description: describe_entry(&operation.request),
                    resolution,
                });
            }
            return Err(RunError::SettledFirst(settled));
        }
        // A refund's own id names one refund: an id already used by a refund
        // that happened would make APS answer that refund again, moving
        // nothing, and the journal would record a refund that never was.
        if let Some(reference) = request.maintenance_reference()
            && let Some(operation_id) = self
                .applied_refund_with_reference(order_id, reference)
                .map_err(RunError::JournalBeforeSending)?
        {
            return Err(RunError::Invalid(FieldErrors(vec![FieldError::new(
                "maintenance_reference",
                Problem::AlreadyUsed { operation_id },
            )])));
        }
        // A refund without an id gets one now, after the settle: the id of a
        // refund just settled as not applied is reused.
        let chosen;
        let mut request = request;
        if request.command() == Command::Refund && request.maintenance_reference().is_none() {
            let amount = request
                .amount()
                .map(|amount| i64::try_from(amount.minor_units()).unwrap_or(i64::MAX));
            let stable = self
                .stable_refund_reference(order_id, amount)
                .map_err(RunError::JournalBeforeSending)?;
            if let Some(with_reference) = request.with_maintenance_reference(&stable) {
                chosen = with_reference;
                request = &chosen;
            }
        }
        // Somebody moved money this journal did not see: nothing goes until
        // an operator has looked (before the baseline, and after it, which
        // may be the read that sees it).
        self.refuse_on_drift(order_id)?;
        let baseline = self.baseline(reference).await?;
        self.refuse_on_drift(order_id)?;
        // What APS just said of the order decides what it can still take:
        // one check here, for every path that sends money.
        drift::refused_by_aps(request.command(), request.amount(), &baseline)
            .map_err(RunError::Invalid)?;
        self.send_recorded(request, order_id, Some(baseline), Some(lease_owner))
            .await
    }

    /// `Err(RunError::Drift)` while the order has a drift no operator acknowledged.
    fn refuse_on_drift(&self, order_id: i64) -> Result<(), RunError> {
        match self
            .unacknowledged_drift(order_id)
            .map_err(RunError::JournalBeforeSending)?
        {
            Some(drift) => Err(RunError::Drift(Box::new(drift))),
            None => Ok(()),
        }
    }

    /// The order's drift that no operator has acknowledged yet, if any.
    pub fn unacknowledged_drift(&self, order_id: i64) -> Result<Option<Drift>, JournalError> {
        let journal = lock(&self.journal);
        let Some(order) = journal.order(order_id)? else {
            return Ok(None);
        };
        Ok(drift::unacknowledged(
            &order,
            &journal.order_entries(order_id)?,
        ))
    }

    /// Records that the operator has seen the order's drift (with what they
    /// said of it): money commands on it may go again, each after its own
    /// baseline. `Ok(None)` when the order has no drift to acknowledge.
    pub fn acknowledge_drift(
        &self,
        merchant_reference: &str,
        note: Option<&str>,
    ) -> Result<Option<i64>, JournalError> {
        let Some(order) =
            lock(&self.journal).order_by_reference(&self.actor, merchant_reference)?
        else {
            return Ok(None);
        };
        let Some(drift) = self.unacknowledged_drift(order.id)? else {
            return Ok(None);
        };
        let payload = payload::write(&drift::AcknowledgementPayload {
            drift_seq: drift.seq,
            note: note.map(str::to_owned),
        });
        lock(&self.journal)
            .record_observation(
                &self.actor,
                order.id,
                Observation::Acknowledgement,
                None,
                &NewEntry {
                    payload: &payload,
                    ..NewEntry::default()
                },
            )
            .map(Some)
    }

    /// Records the request (pending), sends it, records the result.
    async fn send_recorded<R: ApsRequest>(
        &self,
        request: &R,
        order_id: i64,
        baseline: Option<Baseline>,
        lease_owner: Option<&str>,
    ) -> Result<RunReport<R::Response>, RunError> {
        let command = request.command();
        let amount = request
            .amount()
            .map(|amount| i64::try_from(amount.minor_units()).unwrap_or(i64::MAX));
        let currency = request.amount().map(|amount| amount.currency().code());
        // Chosen here, after the baseline: a first status check may just have
        // told the journal that the order was paid with Apple Pay.
        let (client, credential_set) = self
            .client_for(order_id, command)
            .map_err(RunError::JournalBeforeSending)?
            .map_err(RunError::Invalid)?;
        let payload = payload::write(&RequestPayload {
            request: ParamsField::from_params(&client.preview(request, self.language)),
            baseline,
            credential_set: Some(credential_set),
            document_number: request.document_number().map(str::to_owned),
            endpoint: Some(client.url().to_owned()),
            // How long this desk waits for the answer: until then (and a
            // grace), APS may still be working on a request that got none.
            timeout_ms: Some(
                u64::try_from(self.client.options().request_timeout.as_millis())
                    .unwrap_or(u64::MAX),
            ),
            sent_wall_ms: Some(self.clock.wall_ms()),
            sent_clock: self.clock.monotonic(),
        });
        let entry = NewEntry {
            amount_minor: amount,
            currency,
            maintenance_reference: request.maintenance_reference(),
            payload: &payload,
            ..NewEntry::default()
        };
        // The answer must be about this order: beyond what the request
        // carries, the fort_id the journal already knows of it.
        let known_fort_id = lock(&self.journal)
            .order(order_id)
            .map_err(RunError::JournalBeforeSending)?
            .and_then(|order| order.fort_id);
        let recorded = match lease_owner {
            Some(owner) => lock(&self.journal).record_leased_request(
                &self.actor,
                order_id,
                command,
                &entry,
                owner,
            ),
            None => lock(&self.journal).record_request(
                &self.actor,
                order_id,
                command,
                command.moves_money(),
                &entry,
            ),
        };
        let operation_id = recorded.map_err(RunError::JournalBeforeSending)?;
        let known: Vec<(&'static str, &str)> = known_fort_id
            .as_deref()
            .map(|fort_id| ("fort_id", fort_id))
            .into_iter()
            .collect();
        let outcome = match client.send_known(request, self.language, &known).await {
            Ok(outcome) => outcome,
            Err(error) => {
                let payload = payload::write(&ResultPayload {
                    not_sent: Some(error.to_string()),
                    ..ResultPayload::default()
                });
                lock(&self.journal).record_result(
                    &self.actor,
                    operation_id,
                    &NewEntry {
                        outcome: Some(EntryOutcome::NotSent),
                        payload: &payload,
                        ..NewEntry::default()
                    },
                )?;
                return Err(RunError::NotSent(error));
            }
        };
        let order = self.record_outcome(operation_id, order_id, command, amount, &outcome)?;
        Ok(RunReport {
            operation_id: Some(operation_id),
            outcome,
            order,
        })
    }

    /// The client (and so the credential set) a request about an order is
    /// signed with: the Apple Pay set when the journal knows the order was
    /// paid with Apple Pay, the merchant's otherwise. A capture, refund or
    /// void of an Apple Pay order with no Apple Pay set is refused here,
    /// before anything is recorded or sent (APS would refuse its signature);
    /// a status check then goes with the merchant's set, which is all there is.
    fn client_for(
        &self,
        order_id: i64,
        command: Command,
    ) -> Result<Result<(&Client, CredentialSet), FieldErrors>, JournalError> {
        let wallet = order_wallet(&lock(&self.journal).order_entries(order_id)?);
        if wallet != Some(CredentialSet::ApplePay) {
            return Ok(Ok((&self.client, CredentialSet::Merchant)));
        }
        Ok(match (&self.apple_pay, command.moves_money()) {
            (Some(apple_pay), _) => Ok((apple_pay, CredentialSet::ApplePay)),
            (None, false) => Ok((&self.client, CredentialSet::Merchant)),
            (None, true) => Err(FieldErrors(vec![FieldError::new(
                "apple_pay",
                Problem::ApplePayCredentialsMissing,
            )])),
        })
    }

    /// Writes an outcome and updates the order from it, in one transaction
    /// (`record_result_and_project`): a crash or a failed write between the
    /// two can no longer leave the row behind its entries. A drift the
    /// answer shows is recorded before both.
    fn record_outcome<T>(
        &self,
        operation_id: i64,
        order_id: i64,
        command: Command,
        amount: Option<i64>,
        outcome: &Outcome<T>,
    ) -> Result<Option<OrderRecord>, RunError> {
        let payload = outcome_payload(outcome);
        let now = self.clock.wall_ms();
        let mut journal = lock(&self.journal);
        // Anything recorded about money on the order since this request was
        // (another operation's request, answer or settlement) is newer than
        // what a read answers.
        let stale = |entries: &[EntryRecord]| {
            let latest_money_entry = entries
                .iter()
                .filter(|entry| entry.operation_id != operation_id && entry.command.moves_money())
                .map(|entry| entry.seq)
                .max()
                .unwrap_or(0);
            projection::read_is_stale(command, operation_id, latest_money_entry)
        };
        // A status answer that disagrees with what the journal knew, with
        // nothing open here to explain it, is a drift: recorded before the
        // answer is projected over the row, so that no crash between the
        // two can leave the row updated and the drift unrecorded.
        // Only a status answer is compared with what the journal knew.
        let entries = if command == Command::CheckStatus {
            journal.order_entries(order_id)?
        } else {
            Vec::new()
        };
        if command == Command::CheckStatus
            && !stale(&entries)
            && let Some(response) = outcome.trusted_response()
            && let Ok(status) = Baseline::from_status(&CheckStatusResponse::from_params(response))
            && journal.open_operations_for(order_id)?.is_empty()
            && drift::figures_are_known(&entries)
            && let Some(order) = journal.order(order_id)?
            && let Some((known, aps)) = drift::compare(&order, &status)
        {
            let payload = payload::write(&DriftPayload {
                journal: known,
                aps,
                check_status_operation_id: operation_id,
            });
            journal.record_observation(
                &self.actor,
                order_id,
                Observation::Drift,
                Some(operation_id),
                &NewEntry {
                    payload: &payload,
                    ..NewEntry::default()
                },
            )?;
        }
        let order = journal.record_result_and_project(
            &self.actor,
            operation_id,
            &NewEntry {
                outcome: Some(outcome.class.into()),
                response_code: outcome.response_code(),
                response_message: outcome.response_message(),
                payload: &payload,
                ..NewEntry::default()
            },
            // Staleness judged again on the entries inside the transaction.
            &mut |order, entries| {
                if let Some(response) = outcome.trusted_response()
                    && !stale(entries)
                {
                    projection::apply(order, command, outcome.class, response, amount);
                    projection::record_payment(order, command, outcome.class, response, now);
                }
            },
        )?;
        debug_assert_eq!(order.as_ref().map(|order| order.id), Some(order_id));
        Ok(order)
    }

    /// The order's totals by a journaled CHECK_STATUS, or why there are none.
    async fn status_evidence(
        &self,
        reference: &str,
    ) -> Result<
        (
            Option<i64>,
            Result<Baseline, (Option<OutcomeClass>, NoEvidence)>,
        ),
        RunError,
    > {
        let check = CheckStatus::for_reference(reference).map_err(RunError::Invalid)?;
        let report = match Box::pin(self.run(&check)).await {
            Ok(report) => report,
            Err(RunError::NotSent(error)) => {
                return Ok((None, Err((None, NoEvidence::NotSent(error)))));
            }
            Err(error) => return Err(error),
        };
        let evidence = match (&report.outcome.class, &report.outcome.typed) {
            (OutcomeClass::Succeeded, Some(response)) => Baseline::from_status(response)
                .map_err(|reason| (Some(OutcomeClass::Succeeded), reason)),
            (class, Some(response)) if !response.order_found() => {
                Err((Some(*class), NoEvidence::OrderNotFound))
            }
            (class, _) => Err((
                Some(*class),
                NoEvidence::NoAnswer {
                    class: *class,
                    failure: report.outcome.failure.clone(),
                    response_code: report.outcome.response_code().map(str::to_owned),
                    summary: report.outcome.summary(),
                },
            )),
        };
        Ok((report.operation_id, evidence))
    }

    /// The baseline before moving money.
    async fn baseline(&self, reference: &str) -> Result<Baseline, RunError> {
        match self.status_evidence(reference).await? {
            (_, Ok(baseline)) => Ok(baseline),
            (_, Err((class, reason))) => Err(RunError::NoBaseline { class, reason }),
        }
    }

    /// Settles an open operation by CHECK_STATUS (see the module
    /// documentation), taking the order's lease for the time it takes.
    pub async fn reconcile(&self, operation_id: i64) -> Result<Resolution, RunError> {
        let request = lock(&self.journal).request_entry(operation_id)?;
        let claim = LeaseClaim::new(
            &self.actor.operator,
            format!("reconciling operation {operation_id}"),
        );
        let _live = LiveSubmission::new(&claim.owner);
        if let Err(holder) =
            lock(&self.journal).acquire_lease(request.order_id, &claim, &self.lease)?
        {
            return Ok(Resolution::InFlight(holder));
        }
        let result = self
            .holding(request.order_id, &claim.owner, self.settle(&request))
            .await;
        if let Err(error) = lock(&self.journal).release_lease(request.order_id, &claim.owner) {
            tracing::warn!(operation_id, %error, "could not release an order's lease; it will lapse");
        }
        result
    }

    /// Settles one open operation; the caller holds its order's lease.
    async fn settle(&self, request: &EntryRecord) -> Result<Resolution, RunError> {
        let operation_id = request.operation_id;
        // Still open? (Another desk may have settled it before we held the order.)
        let still_open = lock(&self.journal)
            .open_operations_for(request.order_id)?
            .iter()
            .any(|open| open.operation_id == operation_id);
        if !still_open {
            let settled = lock(&self.journal)
                .operation_entries(operation_id)?
                .into_iter()
                .rev()
                .filter(|entry| entry.entry == EntryKind::Resolution)
                .find_map(|entry| match entry.outcome {
                    Some(EntryOutcome::Applied) => Some(Resolution::Applied),
                    Some(EntryOutcome::NotApplied) => Some(Resolution::NotApplied),
                    Some(
                        EntryOutcome::Succeeded
                        | EntryOutcome::Declined
                        | EntryOutcome::Uncertain
                        | EntryOutcome::Untrusted
                        | EntryOutcome::NotSent
                        | EntryOutcome::Unresolved,
                    )
                    | None => None,
                });
            return Ok(settled.unwrap_or(Resolution::Unresolved(Unsettled::NoLongerOpen)));
        }
        let resolution = self.conclude(request).await?;
        match &resolution {
            Resolution::Applied | Resolution::NotApplied | Resolution::InFlight(_) => {}
            Resolution::Unresolved(reason) => {
                let payload = payload::write(&ResolutionPayload {
                    conclusion: Some(EntryOutcome::Unresolved),
                    reason: Some(reason.to_string()),
                    ..ResolutionPayload::default()
                });
                lock(&self.journal).record_unresolved(
                    &self.actor,
                    operation_id,
                    &resolution_entry(request, &resolution, &payload),
                )?;
            }
        }
        Ok(resolution)
    }

    /// What the evidence says of an open operation; records a settlement.
    async fn conclude(&self, request: &EntryRecord) -> Result<Resolution, RunError> {
        let operation_id = request.operation_id;
        let command = request.command;
        let payload: RequestPayload = payload::read(&request.payload);
        // Only the account and environment the request went to can say what
        // became of it.
        let sent_to = payload.endpoint.as_deref();
        if !self.is_this_account(request)
            || request.environment != self.actor.environment
            || sent_to.is_some_and(|url| url != self.client.url())
        {
            return Ok(Resolution::Unresolved(Unsettled::OtherAccount {
                sent_profile: request.profile.clone(),
                sent_environment: request.environment,
                sent_url: sent_to.map(str::to_owned),
                desk_profile: self.actor.profile.clone(),
                desk_environment: self.actor.environment,
                desk_url: self.client.url().to_owned(),
            }));
        }
        let Some(order) = lock(&self.journal).order(request.order_id)? else {
            return Ok(Resolution::Unresolved(Unsettled::OrderMissing));
        };
        let before = payload.baseline.clone();
        // When the status check is asked, not when it is answered: totals read
        // before APS had to be done with the operation prove nothing, however
        // late they arrive.
        let asked = Asked {
            wall_ms: self.clock.wall_ms(),
            monotonic: self.clock.monotonic(),
            latest_entry_ms: lock(&self.journal)
                .order_entries(request.order_id)?
                .iter()
                .map(|entry| entry.at_ms)
                .max()
                .unwrap_or(i64::MIN),
        };
        let (check_operation, after) = self.status_evidence(&order.merchant_reference).await?;
        let after = match after {
            Ok(after) => after,
            Err((_, reason)) => return Ok(Resolution::Unresolved(Unsettled::NoEvidence(reason))),
        };
        let amount = request.amount_minor.unwrap_or(0);
        let resolution = match (&before, command) {
            (Some(before), _) => decide(command, amount, before, &after),
            (None, Command::Authorization | Command::Purchase) => {
                decide(command, amount, &after, &after)
            }
            (None, _) => Resolution::Unresolved(Unsettled::NoBaseline),
        };
        if !resolution.is_settled() {
            return Ok(resolution);
        }
        if resolution == Resolution::Applied
            && let Some(drift) = self.unacknowledged_drift(request.order_id)?
        {
            return Ok(Resolution::Unresolved(Unsettled::Ambiguous {
                drift_seq: drift.seq,
            }));
        }
        if resolution == Resolution::NotApplied {
            match self.still_possibly_at_aps(request, &payload, &asked) {
                Ok(None) => {}
                Ok(Some(wait)) => {
                    return Ok(Resolution::Unresolved(Unsettled::MayStillBeAtAps {
                        seconds: wait.as_secs().max(1),
                    }));
                }
                Err(reason) => return Ok(Resolution::Unresolved(reason)),
            }
        }
        let evidence = payload::write(&ResolutionPayload {
            conclusion: Some(resolution.outcome()),
            before,
            after: Some(after),
            check_status_operation_id: check_operation,
            reason: None,
        });
        lock(&self.journal).record_resolution(
            &self.actor,
            operation_id,
            &resolution_entry(request, &resolution, &evidence),
        )?;
        Ok(resolution)
    }

    /// For an open operation (no trusted answer: none at all, a broken
    /// connection, a 5xx from a gateway, an unreadable or unsigned body), the
    /// time left until APS must have finished with it: the sender's own
    /// timeout plus a grace, from when it was recorded. Before that, unmoved
    /// totals are not evidence that it did not happen.
    ///
    /// The time is measured on the step-proof clock when the request's
    /// reading is of this boot (a wall-clock step then changes nothing);
    /// otherwise on the wall clock, which is refused when it stands behind
    /// the order's last entry (it was set back, so how much time has passed
    /// cannot be told).
    fn still_possibly_at_aps(
        &self,
        request: &EntryRecord,
        payload: &RequestPayload,
        asked: &Asked,
    ) -> Result<Option<Duration>, Unsettled> {
        let timeout_ms = payload.timeout_ms.unwrap_or_else(|| {
            u64::try_from(self.client.options().request_timeout.as_millis()).unwrap_or(u64::MAX)
        });
        let grace_ms = u64::try_from(self.settle_grace.as_millis()).unwrap_or(u64::MAX);
        let needed = Duration::from_millis(timeout_ms.saturating_add(grace_ms));
        let same_boot = match (&payload.sent_clock, &asked.monotonic) {
            (Some(sent), Some(now)) => now.since(sent),
            (Some(_) | None, None) | (None, Some(_)) => None,
        };
        let elapsed = if let Some(elapsed) = same_boot {
            elapsed
        } else {
            if asked.wall_ms < asked.latest_entry_ms {
                return Err(Unsettled::ClockBehind {
                    behind_ms: asked.latest_entry_ms - asked.wall_ms,
                });
            }
            let sent_ms = payload.sent_wall_ms.unwrap_or(request.at_ms);
            Duration::from_millis(u64::try_from(asked.wall_ms - sent_ms).unwrap_or(0))
        };
        Ok(needed.checked_sub(elapsed).filter(|left| !left.is_zero()))
    }

    /// Whether `request` was sent for this desk's account: the merchant
    /// identifier it was signed for (recorded in its payload), whichever
    /// profile sent it; the profile's name for a request whose payload does
    /// not say.
    fn is_this_account(&self, request: &EntryRecord) -> bool {
        let sent: RequestPayload = payload::read(&request.payload);
        let account = sent
            .request
            .params()
            .and_then(|params| params.non_empty("merchant_identifier").map(str::to_owned));
        match account {
            Some(account) => account == self.actor.account,
            None => request.profile == self.actor.profile,
        }
    }

    /// Settles every open operation of this desk's account (run at start-up).
    /// Returns each operation with what became of it.
    pub async fn reconcile_all(&self) -> Result<Vec<(i64, Resolution)>, RunError> {
        // Only this account's operations (whichever of its profiles sent
        // them): another account's orders can only be checked with its
        // credentials.
        let open: Vec<_> = lock(&self.journal)
            .open_operations()?
            .into_iter()
            .filter(|operation| {
                self.is_this_account(&operation.request)
                    && operation.request.environment == self.actor.environment
            })
            .collect();
        let mut results = Vec::with_capacity(open.len());
        for operation in open {
            let resolution = match self.reconcile(operation.operation_id).await {
                Ok(resolution) => resolution,
                Err(RunError::NotSent(error)) => {
                    Resolution::Unresolved(Unsettled::NoEvidence(NoEvidence::NotSent(error)))
                }
                Err(error) => return Err(error),
            };
            results.push((operation.operation_id, resolution));
        }
        Ok(results)
    }

    /// A refund on the order that used `reference` and happened (succeeded,
    /// or was settled as applied).
    fn applied_refund_with_reference(
        &self,
        order_id: i64,
        reference: &str,
    ) -> Result<Option<i64>, JournalError> {
        let entries = lock(&self.journal).order_entries(order_id)?;
        Ok(entries
            .iter()
            .filter(|entry| {
                entry.entry == EntryKind::Request
                    && entry.command == Command::Refund
                    && entry.maintenance_reference.as_deref() == Some(reference)
            })
            .map(|request| request.operation_id)
            .find(|operation_id| {
                entries.iter().any(|entry| {
                    entry.operation_id == *operation_id
                        && matches!(
                            (entry.entry, entry.outcome),
                            (EntryKind::Result, Some(EntryOutcome::Succeeded))
                                | (EntryKind::Resolution, Some(EntryOutcome::Applied))
                        )
                })
            }))
    }

    /// The `maintenance_reference` for a new refund of `amount` on the order:
    /// when an earlier refund of the same amount was settled as not applied
    /// and has not been retried, its id is reused so that APS can tell the
    /// retry from a new refund; otherwise a fresh one.
    fn stable_refund_reference(
        &self,
        order_id: i64,
        amount: Option<i64>,
    ) -> Result<String, JournalError> {
        let entries = lock(&self.journal).order_entries(order_id)?;
        let reusable = entries
            .iter()
            .filter(|entry| {
                entry.entry == EntryKind::Resolution && entry.command == Command::Refund
            })
            .filter(|entry| {
                entry.outcome == Some(EntryOutcome::NotApplied) && entry.amount_minor == amount
            })
            .filter_map(|entry| entry.maintenance_reference.clone())
            .rfind(|reference| {
                // Not already used again by a later request.
                entries
                    .iter()
                    .filter(|entry| entry.entry == EntryKind::Request)
                    .filter(|entry| entry.maintenance_reference.as_deref() == Some(reference))
                    .count()
                    == 1
            });
        Ok(reusable.unwrap_or_else(new_maintenance_reference))
    }

    /// Checks the status of each reference with at most `concurrency` requests
    /// in flight, recording every order; `progress(done, total)` after each.
    pub async fn lookup(
        &self,
        references: Vec<String>,
        concurrency: usize,
        progress: impl Fn(usize, usize),
    ) -> Vec<LookupResult> {
        let total = references.len();
        let mut done = 0;
        let mut results = Vec::with_capacity(total);
        let mut checks = stream::iter(references)
            .map(|reference| async move {
                let result = match CheckStatus::for_reference(&reference) {
                    Err(errors) => Err(errors.message(self.language)),
                    Ok(check) => match self.run(&check).await {
                        Ok(report) => Ok((report.outcome.class, report.order)),
                        Err(error) => Err(error.to_string()),
                    },
                };
                (reference, result)
            })
            .buffer_unordered(concurrency.max(1));
        while let Some((merchant_reference, result)) = checks.next().await {
            done += 1;
            progress(done, total);
            let (result, order) = match result {
                Ok((class, order)) => (Ok(class), order),
                Err(error) => (Err(error), None),
            };
            results.push(LookupResult {
                merchant_reference,
                result,
                order,
            });
        }
        results
    }
}

/// The credential set an order's requests need, from what the journal
/// knows of it. An order's wallet never changes, so one trusted answer that
/// said Apple Pay (`digital_wallet`, or a `payment_option` of APPLE_PAY)
/// decides, whatever later answers leave out; an order some trusted answer
/// described (a payment option or wallet) and none called Apple Pay is the
/// merchant's. `None` when no trusted answer described it (an order not
/// looked up yet).
pub fn order_wallet(entries: &[EntryRecord]) -> Option<CredentialSet> {
    let mut described = false;
    for response in projection::trusted_answers(entries) {
        let wallet = response.non_empty("digital_wallet");
        let option = response.non_empty("payment_option");
        if wallet == Some(APPLE_PAY_WALLET) || option == Some(APPLE_PAY_WALLET) {
            return Some(CredentialSet::ApplePay);
        }
        described |= wallet.is_some() || option.is_some();
    }
    described.then_some(CredentialSet::Merchant)
}

/// A fresh refund id: `apsdesk-` and the time in milliseconds, unique enough
/// for one operator's refunds and within APS's charset.
pub fn new_maintenance_reference() -> String {
    format!("apsdesk-{}", super::store::now_ms())
}

/// Parses a CSV or a plain list into merchant references: the column named
/// `merchant_reference` of a CSV with a header (read by the csv crate, quotes
/// respected), or one or more references per line.
pub fn references_from_text(text: &str) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.trim_start().as_bytes());
    let column = reader.headers().ok().and_then(|header| {
        header
            .iter()
            .position(|name| name.eq_ignore_ascii_case("merchant_reference"))
    });
    if let Some(column) = column {
        return reader
            .records()
            .filter_map(Result::ok)
            .filter_map(|record| record.get(column).map(str::to_owned))
            .filter(|value| !value.is_empty())
            .collect();
    }
    // A plain list: references never contain commas, quotes or spaces.
    text.split([',', ' ', '\t', '\n', '\r'])
        .map(|value| value.trim().trim_matches('"').to_owned())
        .filter(|value| !value.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aps::params::Params;

    /// A result entry answering `response`, with `outcome`.
    fn answer(outcome: EntryOutcome, response: &[(&str, &str)]) -> EntryRecord {
        let params: Params = response.iter().copied().collect();
        EntryRecord {
            seq: 0,
            operation_id: 0,
            entry: EntryKind::Result,
            order_id: 1,
            command: Command::CheckStatus,
            operator: String::new(),
            profile: String::new(),
            environment: crate::aps::client::Environment::Simulator,
            amount_minor: None,
            currency: None,
            maintenance_reference: None,
            outcome: Some(outcome),
            response_code: None,
            response_message: None,
            payload: payload::write(&ResultPayload {
                response: Some(ParamsField::from_params(&params)),
                ..ResultPayload::default()
            }),
            at_ms: 0,
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    /// Which set signs an order's requests, from its recorded answers
    /// (oldest first): only trusted answers count, and an Apple Pay answer
    /// decides for good.
    #[test]
    fn the_wallet_comes_from_trusted_answers_and_apple_pay_sticks() {
        let apple = [("digital_wallet", "APPLE_PAY"), ("payment_option", "VISA")];
        let visa = [("payment_option", "VISA")];
        let cases: [(&str, Vec<EntryRecord>, Option<CredentialSet>); 6] = [
            ("nothing recorded", vec![], None),
            (
                "an answer naming no wallet",
                vec![answer(EntryOutcome::Succeeded, &[("fort_id", "1")])],
                None,
            ),
            (
                "a card order",
                vec![answer(EntryOutcome::Succeeded, &visa)],
                Some(CredentialSet::Merchant),
            ),
            (
                "Apple Pay, then an answer that leaves the wallet out",
                vec![
                    answer(EntryOutcome::Succeeded, &apple),
                    answer(EntryOutcome::Declined, &visa),
                ],
                Some(CredentialSet::ApplePay),
            ),
            (
                "Apple Pay said only by an untrusted answer",
                vec![
                    answer(EntryOutcome::Untrusted, &apple),
                    answer(EntryOutcome::Succeeded, &visa),
                ],
                Some(CredentialSet::Merchant),
            ),
            (
                "payment_option APPLE_PAY",
                vec![answer(
                    EntryOutcome::Succeeded,
                    &[("payment_option", "APPLE_PAY")],
                )],
                Some(CredentialSet::ApplePay),
            ),
        ];
        for (what, entries, expected) in cases {
            assert_eq!(order_wallet(&entries), expected, "{what}");
        }
    }

    fn baseline(captured: i64, refunded: i64, voided: bool) -> Baseline {
        Baseline {
            authorized: 10_000,
            captured,
            refunded,
            voided,
            found: true,
            last_status: Some(if voided { "08" } else { "04" }.to_owned()),
            currency: Some("USD".to_owned()),
            payment_option: None,
        }
    }

    #[test]
    fn decisions_as_a_table() {
        let cases = [
            (
                Command::Refund,
                500,
                baseline(5000, 0, false),
                baseline(5000, 500, false),
                Resolution::Applied,
            ),
            (
                Command::Refund,
                500,
                baseline(5000, 0, false),
                baseline(5000, 0, false),
                Resolution::NotApplied,
            ),
            (
                Command::Capture,
                4000,
                baseline(0, 0, false),
                baseline(4000, 0, false),
                Resolution::Applied,
            ),
            (
                Command::Capture,
                4000,
                baseline(0, 0, false),
                baseline(0, 0, false),
                Resolution::NotApplied,
            ),
            (
                Command::VoidAuthorization,
                0,
                baseline(0, 0, false),
                baseline(0, 0, true),
                Resolution::Applied,
            ),
            (
                Command::VoidAuthorization,
                0,
                baseline(0, 0, false),
                baseline(0, 0, false),
                Resolution::NotApplied,
            ),
        ];
        for (command, amount, before, after, expected) in cases {
            assert_eq!(
                decide(command, amount, &before, &after),
                expected,
                "{command}"
            );
        }
        assert!(matches!(
            decide(
                Command::Refund,
                500,
                &baseline(5000, 0, false),
                &baseline(5000, 700, false)
            ),
            Resolution::Unresolved(_)
        ));
    }

    #[test]
    fn evidence_needs_a_found_order_with_all_three_totals() {
        use crate::aps::response::FromParams;
        let status = |pairs: &[(&str, &str)]| {
            let params: Params = pairs.iter().copied().collect();
            Baseline::from_status(&CheckStatusResponse::from_params(&params))
        };
        let not_found = status(&[("response_code", "12036"), ("status", "12")]);
        assert!(matches!(not_found, Err(NoEvidence::OrderNotFound)));
        let no_totals = status(&[
            ("response_code", "12000"),
            ("status", "12"),
            ("transaction_status", "04"),
            ("captured_amount", "500"),
        ]);
        assert!(matches!(no_totals, Err(NoEvidence::NoTotals)));
        let found = status(&[
            ("response_code", "12000"),
            ("status", "12"),
            ("transaction_status", "04"),
            ("authorized_amount", "1000"),
            ("captured_amount", "500"),
            ("refunded_amount", "0"),
        ])
        .expect("evidence");
        assert_eq!(
            (found.authorized, found.captured, found.refunded),
            (1000, 500, 0)
        );
        // A void cannot be judged without the order's last status.
        let mut unknown_status = baseline(0, 0, false);
        unknown_status.last_status = None;
        assert!(matches!(
            decide(
                Command::VoidAuthorization,
                0,
                &baseline(0, 0, false),
                &unknown_status
            ),
            Resolution::Unresolved(_)
        ));
        // A baseline recorded as "not found" (by an older apsdesk) proves nothing.
        let mut lost = baseline(0, 0, false);
        lost.found = false;
        assert!(matches!(
            decide(Command::Capture, 100, &lost, &baseline(0, 0, false)),
            Resolution::Unresolved(_)
        ));
    }

    #[test]
    fn references_from_lists_and_csv_columns() {
        assert_eq!(
            references_from_text("A-1\nB-2, C-3\n\n"),
            ["A-1", "B-2", "C-3"]
        );
        assert_eq!(
            references_from_text("amount,merchant_reference\n1.000,\"X-1\"\n2,Y-2\n"),
            ["X-1", "Y-2"]
        );
        // A quoted field holding a comma stays one field.
        assert_eq!(
            references_from_text(
                "customer,merchant_reference\n\"Doe, Jane\",Z-1\n\"Roe, Ali\",Z-2\n"
            ),
            ["Z-1", "Z-2"]
        );
    }
}
