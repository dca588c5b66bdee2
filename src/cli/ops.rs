//! The back-office operations from the command line: `capture`, `refund`,
//! `void`, `status`, `token update`, `link create`, `link status`.
//!
//! Each one validates every flag before anything is sent (exit 2 with every
//! error named), runs through the journal's [`Desk`](crate::journal::Desk)
//! (recorded as pending before it is sent, refused while an earlier operation
//! on the order is unresolved), and exits with the outcome's code (see
//! [`exit`](super::exit)). Flags are named after the APS parameters.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::json;

use super::GlobalArgs;
use super::context::{desk, runtime};
use super::exit;
use crate::aps::client::Outcome;
use crate::aps::request::{
    Capture, CheckPaymentLinkStatus, CheckStatus, MaintenanceForm, PaymentLink, PaymentLinkForm,
    Refund, UpdateToken, UpdateTokenForm, VoidAuthorization,
};
use crate::aps::validate::FieldErrors;
use crate::aps::{Language, OutcomeClass};
use crate::journal::Desk;
use crate::journal::desk::{Operation, OperationReport, RunError};
use crate::journal::drift::Drift;

/// Output options shared by every operation.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Print the result as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// A capture's (or refund's) flags: the library's form itself.
#[derive(Debug, Clone, Args)]
pub struct MoneyArgs {
    #[command(flatten)]
    pub form: MaintenanceForm,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Args)]
pub struct RefundArgs {
    #[command(flatten)]
    pub money: MoneyArgs,
    /// Your id for this refund [default: chosen by apsdesk: reused from a
    /// refund of the same amount settled as not applied, else a new one].
    #[arg(long)]
    pub maintenance_reference: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct VoidArgs {
    /// The order's merchant_reference.
    #[arg(long)]
    pub merchant_reference: String,
    /// APS's fort_id of the order (optional with a merchant_reference).
    #[arg(long)]
    pub fort_id: Option<String>,
    /// Free text APS keeps with the operation.
    #[arg(long)]
    pub order_description: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Args)]
pub struct StatusArgs {
    /// The order's merchant_reference.
    #[arg(long)]
    pub merchant_reference: Option<String>,
    /// APS's fort_id of the order (optional with a merchant_reference).
    #[arg(long)]
    pub fort_id: Option<String>,
    /// Ask APS for the acquirer's and processor's own codes too.
    #[arg(long)]
    pub return_third_party_response_codes: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    #[command(subcommand)]
    pub command: TokenCommand,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Update a saved card token: status, expiry, holder name, or its name.
    Update(TokenUpdateArgs),
}

#[derive(Debug, Clone, Args)]
pub struct TokenUpdateArgs {
    #[command(flatten)]
    pub form: UpdateTokenForm,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct LinkArgs {
    #[command(subcommand)]
    pub command: LinkCommand,
}

#[derive(Debug, Subcommand)]
pub enum LinkCommand {
    /// Create a payment link and record it.
    Create(Box<LinkCreateArgs>),
    /// Refresh a payment link's status.
    Status(LinkStatusArgs),
}

#[derive(Debug, Clone, Args)]
pub struct LinkCreateArgs {
    #[command(flatten)]
    pub form: PaymentLinkForm,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Args)]
pub struct LinkStatusArgs {
    /// The link's payment_link_id (or give its merchant_reference).
    #[arg(long)]
    pub payment_link_id: Option<String>,
    /// The order's merchant_reference.
    #[arg(long)]
    pub merchant_reference: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Prints validation errors in the operator's language; nothing was sent.
fn invalid(errors: &FieldErrors, language: Language) -> ExitCode {
    eprintln!("{}", errors.message(language));
    eprintln!("{}", language.pick("nothing was sent.", "لم يُرسل شيء."));
    exit::code(exit::INVALID_INPUT)
}

/// Sends a validated operation through the desk and reports it.
fn execute(
    global: &GlobalArgs,
    output: &OutputArgs,
    build: impl FnOnce() -> Result<Operation, FieldErrors>,
) -> anyhow::Result<ExitCode> {
    let language = global.language();
    let operation = match build() {
        Ok(operation) => operation,
        Err(errors) => return Ok(invalid(&errors, language)),
    };
    let desk = desk(global)?;
    let report = runtime()?.block_on(desk.submit(operation));
    Ok(report_result(&desk, output, report))
}

/// Prints what became of a submission and returns its exit code.
fn report_result(desk: &Desk, output: &OutputArgs, submitted: OperationReport) -> ExitCode {
    let language = desk.language;
    let report = match submitted.result {
        Ok(report) => report,
        Err(RunError::Invalid(errors)) => return invalid(&errors, language),
        Err(error @ RunError::InFlight(_)) => {
            eprintln!("{error}");
            eprintln!(
                "{}",
                language.pick(
                    "Wait for it to finish, then check the order (`apsdesk orders show`).",
                    "انتظر حتى تنتهي، ثم راجع الطلب (`apsdesk orders show`).",
                )
            );
            return exit::code(exit::UNCERTAIN);
        }
        Err(RunError::SettledFirst(settled)) => {
            for operation in &settled {
                println!("{}", operation.summary());
            }
            if output.json {
                println!(
                    "{}",
                    json!({
                        "outcome": "settled_first",
                        "sent": false,
                        "settled": settled.iter().map(|operation| json!({
                            "operation_id": operation.operation_id,
                            "command": operation.command.name(),
                            "resolution": operation.resolution.as_str(),
                        })).collect::<Vec<_>>(),
                    })
                );
            }
            return exit::code(exit::of_settled(&settled));
        }
        Err(error @ RunError::NoBaseline { class, .. }) => {
            eprintln!("{error}");
            return exit::code(match class {
                Some(OutcomeClass::Untrusted) => exit::UNTRUSTED,
                Some(OutcomeClass::Declined | OutcomeClass::Succeeded) => exit::DECLINED,
                Some(OutcomeClass::Uncertain) | None => exit::NOT_CONNECTED,
            });
        }
        Err(error @ RunError::NotSent(_)) => {
            eprintln!("{error}");
            return exit::code(exit::NOT_CONNECTED);
        }
        Err(RunError::Drift(drift)) => {
            print_drift(&drift, language);
            if output.json {
                println!(
                    "{}",
                    json!({
                        "outcome": "drift",
                        "sent": false,
                        "merchant_reference": drift.merchant_reference,
                        "drift_entry": drift.seq,
                    })
                );
            }
            return exit::code(exit::DRIFT);
        }
        Err(error @ RunError::JournalBeforeSending(_)) => {
            eprintln!("{error}");
            return exit::code(exit::INVALID_INPUT);
        }
        Err(error @ RunError::Journal(_)) => {
            // The journal failed after the request left: treat it as
            // uncertain, so that a script reconciles rather than retries.
            eprintln!("{error}");
            eprintln!("run `apsdesk journal reconcile` before trying again.");
            return exit::code(exit::UNCERTAIN);
        }
    };
    let outcome: &Outcome<()> = &report.outcome;
    if output.json {
        println!(
            "{}",
            json!({
                "outcome": outcome.class.as_str(),
                "sent": true,
                "command": outcome.command.name(),
                "response_code": outcome.response_code(),
                "response_message": outcome.response_message(),
                "failure": outcome.failure.as_ref().map(ToString::to_string),
                "operation_id": report.operation_id,
                "order": report.order,
                "response": outcome.response.as_ref().map(|params| serde_json::from_str::<serde_json::Value>(&params.to_json()).unwrap_or_default()),
            })
        );
    } else {
        println!("{}", outcome.summary());
        if let Some(order) = &report.order {
            let currency = order.currency.as_deref();
            let amount = |minor| crate::journal::export::format_amount(minor, currency);
            println!(
                "{}: {} (authorized {}, captured {}, refunded {} {})",
                order.merchant_reference,
                order.state,
                amount(order.authorized_minor),
                amount(order.captured_minor),
                amount(order.refunded_minor),
                currency.unwrap_or_default(),
            );
        }
        // What `--return-third-party-response-codes` asked for.
        if let Some(response) = outcome.trusted_response() {
            for name in crate::journal::projection::THIRD_PARTY_FIELDS {
                if let Some(value) = response.non_empty(name) {
                    println!("{name}: {value}");
                }
            }
        }
    }
    // Only a money command leaves its order blocked; a read that failed is
    // simply failed.
    let blocks = outcome.command.moves_money();
    match outcome.class {
        OutcomeClass::Uncertain if blocks => eprintln!(
            "{}",
            language.pick(
                "UNCERTAIN: the money may have moved. The order is blocked until `apsdesk journal reconcile` settles it with a status check; do not repeat the operation by hand.",
                "غير مؤكد: ربما تحركت الأموال. الطلب موقوف حتى تتم التسوية عبر `apsdesk journal reconcile`؛ لا تكرر العملية يدوياً.",
            )
        ),
        OutcomeClass::Untrusted if blocks => eprintln!(
            "{}",
            language.pick(
                "UNTRUSTED: the answer did not check out (its signature, or it is about another order, amount or operation: the line above says which). It is recorded but not believed; the order is blocked until `apsdesk journal reconcile` settles it. Do not repeat the operation by hand.",
                "غير موثوق: الرد لم يجتز الفحص (توقيعه، أو أنه يخص طلبًا أو مبلغًا أو عملية أخرى: السطر أعلاه يبيّن ذلك). تم تسجيله دون اعتماده؛ الطلب موقوف حتى تتم التسوية عبر `apsdesk journal reconcile`. لا تكرر العملية يدويًا.",
            )
        ),
        OutcomeClass::Uncertain => eprintln!(
            "{}",
            language.pick(
                "The query could not be answered; nothing changed. Try again later.",
                "تعذّر الحصول على رد للاستعلام؛ لم يتغير شيء. حاول لاحقاً.",
            )
        ),
        OutcomeClass::Untrusted => eprintln!(
            "{}",
            language.pick(
                "UNTRUSTED: the answer did not check out (its signature, or it is about another order: the line above says which). It is recorded but not believed.",
                "غير موثوق: الرد لم يجتز الفحص (توقيعه، أو أنه يخص طلبًا آخر: السطر أعلاه يبيّن ذلك). تم تسجيله دون اعتماده.",
            )
        ),
        OutcomeClass::Succeeded | OutcomeClass::Declined => {}
    }
    if !blocks && outcome.class == OutcomeClass::Uncertain {
        // A read that got no usable answer changed nothing: like unreachable.
        return exit::code(exit::NOT_CONNECTED);
    }
    // A read that showed APS's figures differing from the journal's says so,
    // with its own code: the next money command on the order would refuse.
    if let Some(order) = &report.order
        && let Ok(Some(drift)) = desk.unacknowledged_drift(order.id)
    {
        print_drift(&drift, language);
        return exit::code(exit::DRIFT);
    }
    exit::code(exit::of_class(outcome.class))
}

/// A drift, as the command line says it (standard error).
fn print_drift(drift: &Drift, language: Language) {
    match language {
        Language::En => eprintln!("DRIFT: {drift}"),
        Language::Ar => eprintln!(
            "اختلاف: أرقام APS للطلب {reference} تختلف عن أرقام هذا السجل. تقول APS: {aps}. وكان السجل يعرف: {journal}. حرّك أحدهم أموالًا لم يرها هذا السجل (مكتب آخر، أو لوحة APS، أو المتجر، أو سجل أُعيد من نسخة). لم يُرسل شيء؛ راجع الطلب ثم أقِرّ بالاختلاف: `apsdesk acknowledge {reference}`",
            reference = drift.merchant_reference,
            aps = drift.aps,
            journal = drift.journal,
        ),
    }
}

/// `apsdesk acknowledge`'s flags.
#[derive(Debug, Clone, Args)]
pub struct AcknowledgeArgs {
    /// The order's merchant_reference.
    pub merchant_reference: String,
    /// What you found (recorded with the acknowledgement).
    #[arg(long)]
    pub note: Option<String>,
}

/// Records that the operator has seen an order's drift: money commands on
/// it may go again, each after its own fresh baseline.
pub fn acknowledge(global: &GlobalArgs, args: &AcknowledgeArgs) -> anyhow::Result<ExitCode> {
    let language = global.language();
    let desk = desk(global)?;
    let Some(seq) = desk.acknowledge_drift(&args.merchant_reference, args.note.as_deref())? else {
        eprintln!(
            "{}",
            language.pick(
                &format!("{}: no difference to acknowledge.", args.merchant_reference),
                &format!("{}: لا يوجد اختلاف للإقرار به.", args.merchant_reference),
            )
        );
        return Ok(exit::code(exit::DECLINED));
    };
    println!(
        "{}",
        language.pick(
            &format!(
                "acknowledged the difference on {} (entry {seq}); the next capture, refund or void reads APS's figures again first.",
                args.merchant_reference
            ),
            &format!(
                "تم الإقرار بالاختلاف في الطلب {} (القيد {seq})؛ أي تحصيل أو استرداد أو إبطال تالٍ يقرأ أرقام APS من جديد أولًا.",
                args.merchant_reference
            ),
        )
    );
    Ok(exit::code(exit::SUCCEEDED))
}

pub fn capture(global: &GlobalArgs, args: &MoneyArgs) -> anyhow::Result<ExitCode> {
    execute(global, &args.output, || {
        Capture::parse(&args.form).map(Operation::Capture)
    })
}

pub fn refund(global: &GlobalArgs, args: &RefundArgs) -> anyhow::Result<ExitCode> {
    execute(global, &args.money.output, || {
        let mut form = args.money.form.clone();
        form.maintenance_reference
            .clone_from(&args.maintenance_reference);
        // Without --maintenance-reference, the desk chooses it (after settling
        // what is open on the order, so that a retry reuses its own id).
        Refund::parse(&form).map(Operation::Refund)
    })
}

pub fn void(global: &GlobalArgs, args: &VoidArgs) -> anyhow::Result<ExitCode> {
    execute(global, &args.output, || {
        VoidAuthorization::parse(&MaintenanceForm {
            merchant_reference: args.merchant_reference.clone(),
            fort_id: args.fort_id.clone(),
            order_description: args.order_description.clone(),
            ..MaintenanceForm::default()
        })
        .map(Operation::Void)
    })
}

pub fn status(global: &GlobalArgs, args: &StatusArgs) -> anyhow::Result<ExitCode> {
    execute(global, &args.output, || {
        CheckStatus::parse(
            args.merchant_reference.as_deref(),
            args.fort_id.as_deref(),
            args.return_third_party_response_codes,
        )
        .map(Operation::CheckStatus)
    })
}

pub fn token(global: &GlobalArgs, args: &TokenArgs) -> anyhow::Result<ExitCode> {
    let TokenCommand::Update(args) = &args.command;
    execute(global, &args.output, || {
        UpdateToken::parse(&args.form, jiff::Timestamp::now()).map(Operation::UpdateToken)
    })
}

pub fn link(global: &GlobalArgs, args: &LinkArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        LinkCommand::Create(args) => execute(global, &args.output, || {
            PaymentLink::parse(&args.form, jiff::Timestamp::now()).map(Operation::PaymentLink)
        }),
        LinkCommand::Status(args) => execute(global, &args.output, || {
            CheckPaymentLinkStatus::parse(
                args.payment_link_id.as_deref(),
                args.merchant_reference.as_deref(),
            )
            .map(Operation::CheckPaymentLinkStatus)
        }),
    }
}
