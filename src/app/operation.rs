//! The Capture…, Refund… and Void… dialogs: prefilled with what remains,
//! validated as the operator types (errors in the operator's language, next
//! to the field), showing exactly what will be sent, asking for the amount
//! to be typed again in production, and sending once.

use egui::{Align, Layout, RichText, Ui};

use super::backend::Backend;
use super::forms::{self, FormGrid, FormRows, Touched};
use super::i18n::Tr;
use super::results::OperationResult;
use super::transactions::{CaptureWindow, capture_window, capture_window_text, left_for};
use super::widgets::{colored_text, label, widget_text};
use super::{AppCommand, OperationKind, SubmitOrigin};
use crate::aps::money::format_minor_units;
use crate::aps::request::{Capture, MaintenanceForm, Refund, VoidAuthorization};
use crate::aps::validate::{FieldError, FieldErrors, Problem};
use crate::aps::{Currency, OutcomeClass};
use crate::journal::desk::{Operation, Ticket};
use crate::journal::store::OrderRecord;

/// The width of the dialog's text fields (the amount's is narrower).
const FIELD_WIDTH: f32 = 220.0;

/// An open operation dialog.
#[derive(Debug)]
pub struct OperationDialog {
    pub kind: OperationKind,
    pub order: OrderRecord,
    pub amount: String,
    pub description: String,
    pub maintenance_reference: String,
    /// The merchant's invoice (capture) or credit-note (refund) number.
    pub document_number: String,
    /// The credential set the request will be signed with (the Apple Pay
    /// set for an order the journal knows was paid with Apple Pay).
    pub signing: crate::aps::client::CredentialSet,
    pub confirmation: String,
    /// Sent and waiting: the send button stays disabled.
    pub pending: bool,
    /// The submission whose result this dialog waits for.
    pub ticket: Option<Ticket>,
    pub result: Option<OperationResult>,
    /// Which fields' errors are shown yet: none on a dialog as it opened.
    pub touched: Touched,
    /// The amount the dialog opened with (what remains).
    prefilled_amount: String,
    /// The first field takes the keyboard focus on the first frame, so that
    /// the operator can type (and Tab to Send) without the mouse.
    focus_first_field: bool,
}

/// A validated request, ready to send.
enum Validated {
    Capture(Capture),
    Refund(Refund),
    Void(VoidAuthorization),
}

impl OperationDialog {
    /// A dialog for `order`, the amount prefilled with what remains.
    pub fn new(kind: OperationKind, order: OrderRecord) -> OperationDialog {
        let remaining = left_for(kind, &order);
        let amount = match (
            u64::try_from(remaining),
            order.currency.as_deref().and_then(Currency::from_code),
        ) {
            (Ok(minor), Some(currency)) if minor > 0 => format_minor_units(minor, currency),
            _ => String::new(),
        };
        OperationDialog {
            kind,
            order,
            prefilled_amount: amount.clone(),
            focus_first_field: true,
            touched: Touched::default(),
            amount,
            description: String::new(),
            maintenance_reference: String::new(),
            document_number: String::new(),
            signing: crate::aps::client::CredentialSet::Merchant,
            confirmation: String::new(),
            pending: false,
            ticket: None,
            result: None,
        }
    }

    fn form(&self) -> MaintenanceForm {
        let optional = |text: &str| Some(text.trim().to_owned()).filter(|text| !text.is_empty());
        MaintenanceForm {
            merchant_reference: self.order.merchant_reference.clone(),
            fort_id: self.order.fort_id.clone(),
            amount: self.amount.trim().to_owned(),
            currency: self.order.currency.clone().unwrap_or_default(),
            order_description: optional(&self.description),
            maintenance_reference: optional(&self.maintenance_reference),
            document_number: optional(&self.document_number),
            payment_option: self
                .order
                .payment_option
                .clone()
                .or_else(|| self.order.card_brand.clone()),
        }
    }

    fn validate(&self) -> Result<Validated, FieldErrors> {
        let form = self.form();
        let validated = match self.kind {
            OperationKind::Capture => Capture::parse(&form).map(Validated::Capture),
            OperationKind::Refund => Refund::parse(&form).map(Validated::Refund),
            OperationKind::Void => VoidAuthorization::parse(&form).map(Validated::Void),
        }?;
        // More than the journal knows is left is refused here, named on the
        // amount, rather than sent for APS to decline.
        let amount = match &validated {
            Validated::Capture(capture) => capture.amount,
            Validated::Refund(refund) => refund.amount,
            Validated::Void(_) => return Ok(validated),
        };
        let left_minor = u64::try_from(left_for(self.kind, &self.order)).unwrap_or(0);
        if amount.minor_units() > left_minor {
            return Err(FieldErrors(vec![FieldError::new(
                "amount",
                Problem::MoreThanLeft {
                    left_minor,
                    currency: amount.currency(),
                },
            )]));
        }
        Ok(validated)
    }

    fn title_id(&self) -> &'static str {
        match self.kind {
            OperationKind::Capture => "dialog-capture",
            OperationKind::Refund => "dialog-refund",
            OperationKind::Void => "dialog-void",
        }
    }

    /// Whether the dialog's result leaves the order needing reconciliation.
    fn needs_reconciliation(&self) -> Option<i64> {
        let result = self.result.as_ref()?;
        match result.class {
            Some(OutcomeClass::Uncertain | OutcomeClass::Untrusted) => result.operation_id,
            Some(OutcomeClass::Succeeded | OutcomeClass::Declined) | None => result.blocked_by,
        }
    }

    /// Draws the dialog; returns false when it is to be closed.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        tr: &Tr,
        backend: &Backend,
        commands: &mut Vec<AppCommand>,
    ) -> bool {
        let rtl = tr.is_rtl();
        let mut keep_open = true;
        // The operation and its order, in the title bar too.
        let title = tr.args(
            "dialog-title",
            &[
                ("operation", tr.text(self.title_id()).into()),
                ("reference", self.order.merchant_reference.clone().into()),
            ],
        );
        egui::Window::new(super::widgets::window_title(ctx, &title, rtl))
            .id(egui::Id::unique("operation-dialog"))
            .collapsible(false)
            .resizable(false)
            .default_width(460.0)
            // Centred, hanging from a fixed top edge: the dialog grows
            // downwards when the result arrives, its buttons stay put.
            .pivot(egui::Align2::CENTER_TOP)
            .default_pos(egui::pos2(ctx.content_rect().center().x, 140.0))
            .show(ctx, |ui| {
                ui.with_layout(
                    if rtl {
                        Layout::top_down(Align::Max)
                    } else {
                        Layout::top_down(Align::Min)
                    },
                    |ui| keep_open = self.body_ui(ui, tr, backend, commands),
                );
            });
        // Escape closes it, as Cancel or Close would (never while sending).
        if !self.pending && ctx.input(|input| input.key_pressed(egui::Key::Escape)) {
            keep_open = false;
        }
        keep_open
    }

    fn body_ui(
        &mut self,
        ui: &mut Ui,
        tr: &Tr,
        backend: &Backend,
        commands: &mut Vec<AppCommand>,
    ) -> bool {
        let rtl = tr.is_rtl();
        let language = tr.language();
        let currency = self.order.currency.clone().unwrap_or_default();
        let validated = self.validate();
        self.money_summary_ui(ui, tr, validated.as_ref().ok());
        if self.kind == OperationKind::Capture {
            // The guide's 5-7 day window: warn before a late capture.
            let now_ms = jiff::Timestamp::now().as_millisecond();
            if let Some(window @ (CaptureWindow::Open { late: true, .. } | CaptureWindow::Passed)) =
                capture_window(&self.order, now_ms)
            {
                let (text, _) = capture_window_text(tr, window);
                ui.label(colored_text(
                    ui,
                    &text,
                    rtl,
                    true,
                    egui::Color32::from_rgb(0xd0, 0x40, 0x20),
                ));
            }
        }
        let errors = validated.as_ref().err();
        if self.amount != self.prefilled_amount {
            self.touched.mark("amount");
        }
        let editable = !self.pending && self.result.is_none();
        let document_label = match self.kind {
            OperationKind::Capture => Some("field-invoice-number"),
            OperationKind::Refund => Some("field-credit-note-number"),
            OperationKind::Void => None,
        };
        let kind = self.kind;
        let touched = &mut self.touched;
        let focus_first_field = &mut self.focus_first_field;
        // One text field's row: the field, the keyboard focus on the first
        // frame for the first of them, its error under it.
        let mut field_row = |rows: &mut FormRows<'_>,
                             caption: &str,
                             field: &'static str,
                             value: &mut String,
                             width: f32| {
            rows.row(caption, |ui, caption| {
                let response = ui
                    .add_enabled(
                        editable,
                        egui::TextEdit::singleline(value).desired_width(width),
                    )
                    .labelled_by(caption);
                touched.track(field, &response);
                if std::mem::take(focus_first_field) {
                    response.request_focus();
                }
                let lines = if field == "amount" { 2 } else { 1 };
                forms::error_slot_ui(ui, tr, errors, field, touched, lines);
            });
        };
        FormGrid::new("operation-form", rtl).show(ui, |rows| {
            if kind != OperationKind::Void {
                let caption = format!("{} · {currency}", tr.text("field-amount"));
                field_row(rows, &caption, "amount", &mut self.amount, 160.0);
            }
            field_row(
                rows,
                &tr.text("field-description"),
                "order_description",
                &mut self.description,
                FIELD_WIDTH,
            );
            if let Some(label_id) = document_label {
                field_row(
                    rows,
                    &tr.text(label_id),
                    "document_number",
                    &mut self.document_number,
                    FIELD_WIDTH,
                );
            }
            if kind == OperationKind::Refund {
                field_row(
                    rows,
                    &tr.text("field-maintenance-reference"),
                    "maintenance_reference",
                    &mut self.maintenance_reference,
                    FIELD_WIDTH,
                );
            }
        });
        // Exactly what will be sent (access code masked, signature computed).
        let desk = backend.desk();
        let signer = match (self.signing, &desk.apple_pay) {
            (crate::aps::client::CredentialSet::ApplePay, Some(apple_pay)) => {
                label(ui, tr.text("signed-apple-pay"), rtl);
                Some(apple_pay)
            }
            (crate::aps::client::CredentialSet::ApplePay, None) => {
                ui.label(colored_text(
                    ui,
                    &tr.text("apple-pay-set-missing"),
                    rtl,
                    false,
                    ui.visuals().error_fg_color,
                ));
                None
            }
            (crate::aps::client::CredentialSet::Merchant, _) => Some(&desk.client),
        };
        if let (Ok(request), Some(signer)) = (&validated, signer) {
            let preview = match request {
                Validated::Capture(request) => signer.preview(request, language),
                Validated::Refund(request) => signer.preview(request, language),
                Validated::Void(request) => signer.preview(request, language),
            };
            // Closed until asked for: the parameters and the signature are
            // for whoever checks the integration, not the operator's choice.
            egui::CollapsingHeader::new(widget_text(ui, &tr.text("will-send"), rtl, false))
                .id_salt("will-send")
                .default_open(false)
                .show(ui, |ui| {
                    for (name, value) in &preview {
                        let text = value
                            .as_text()
                            .map_or_else(|| "…".to_owned(), str::to_owned);
                        ui.label(
                            RichText::new(format!("{name} = {text}"))
                                .monospace()
                                .small(),
                        );
                    }
                });
        }
        // Production: the account is named, and the operator types the
        // amount again (a void, which has none, its merchant reference).
        let production = backend.session().is_production();
        let confirmed = if production {
            let account = format!(
                "{} · {}",
                backend.session().profile,
                backend.desk().client.credentials().merchant_identifier
            );
            ui.label(colored_text(
                ui,
                &tr.args("confirm-account", &[("account", account.into())]),
                rtl,
                true,
                ui.visuals().error_fg_color,
            ));
            self.production_confirmation_ui(ui, tr, editable, &currency)
        } else {
            true
        };
        if let Some(result) = &self.result {
            result_ui(ui, tr, result);
        } else if self.pending {
            ui.horizontal(|ui| {
                ui.spinner();
                label(ui, tr.text("sending"), rtl);
            });
        }
        let mut keep_open = true;
        ui.horizontal(|ui| {
            // Clickable on errors (pressing it shows them all), never
            // before production's typed confirmation matches.
            let can_send = editable && confirmed;
            if ui
                .add_enabled(
                    can_send,
                    egui::Button::new(widget_text(ui, &self.confirm_label(tr), rtl, true)),
                )
                .clicked()
            {
                match validated {
                    Ok(request) => {
                        self.pending = true;
                        commands.push(AppCommand::Submit {
                            operation: Box::new(request.into_operation()),
                            origin: SubmitOrigin::Dialog,
                        });
                    }
                    Err(_) => self.touched.submit(),
                }
            }
            // The receipt of what was just done, in one click.
            if let Some(result) = &self.result
                && result.class == Some(OutcomeClass::Succeeded)
                && let Some(operation_id) = result.operation_id
                && ui
                    .button(widget_text(
                        ui,
                        &tr.text("action-print-receipt"),
                        rtl,
                        false,
                    ))
                    .clicked()
            {
                commands.push(AppCommand::PrintReceipt {
                    order_id: self.order.id,
                    operation_id: Some(operation_id),
                });
            }
            if let Some(operation) = self.needs_reconciliation()
                && ui
                    .button(widget_text(ui, &tr.text("action-reconcile"), rtl, false))
                    .clicked()
            {
                commands.push(AppCommand::Reconcile(Some(operation)));
            }
            let close_id = if self.result.is_some() {
                "action-close"
            } else {
                "action-cancel"
            };
            if ui
                .add_enabled(
                    !self.pending,
                    egui::Button::new(widget_text(ui, &tr.text(close_id), rtl, false)),
                )
                .clicked()
            {
                keep_open = false;
            }
        });
        keep_open
    }

    /// The amount this dialog's request moves, with its currency, once it
    /// is valid (a void: the authorization it releases).
    fn moved(&self, validated: Option<&Validated>) -> Option<(u64, Currency)> {
        match validated? {
            Validated::Capture(capture) => {
                Some((capture.amount.minor_units(), capture.amount.currency()))
            }
            Validated::Refund(refund) => {
                Some((refund.amount.minor_units(), refund.amount.currency()))
            }
            Validated::Void(_) => {
                let currency = self
                    .order
                    .currency
                    .as_deref()
                    .and_then(Currency::from_code)?;
                let authorized = u64::try_from(self.order.authorized_minor).ok()?;
                Some((authorized, currency))
            }
        }
    }

    /// The send button's words: the action and the amount it moves
    /// ("Capture 40.000 KWD"), or the action alone while the amount is not
    /// valid.
    pub fn confirm_label(&self, tr: &Tr) -> String {
        let validated = self.validate();
        let amount = self
            .moved(validated.as_ref().ok())
            .map(|(minor, currency)| {
                super::widgets::ltr_unit(&money_text(minor, currency), tr.is_rtl())
            });
        let (with_amount, without) = match self.kind {
            OperationKind::Capture => ("dialog-send-capture", "dialog-capture"),
            OperationKind::Refund => ("dialog-send-refund", "dialog-refund"),
            OperationKind::Void => ("dialog-send-void", "dialog-void"),
        };
        match amount {
            Some(amount) => tr.args(with_amount, &[("amount", amount.into())]),
            None => tr.text(without),
        }
    }

    /// What the operator decides on, before any field: the order and its
    /// customer, what is left before and after this operation, and for a
    /// void the authorization it releases and that it cannot be undone.
    fn money_summary_ui(&self, ui: &mut Ui, tr: &Tr, validated: Option<&Validated>) {
        let rtl = tr.is_rtl();
        let unit = |minor: u64, currency: Currency| {
            super::widgets::ltr_unit(&money_text(minor, currency), rtl)
        };
        let order_line = tr.args(
            "dialog-order",
            &[
                (
                    "reference",
                    super::widgets::ltr_unit(&self.order.merchant_reference, rtl).into(),
                ),
                (
                    "customer",
                    self.order
                        .customer_name
                        .clone()
                        .filter(|name| !name.trim().is_empty())
                        .unwrap_or_else(|| tr.text("dialog-customer-unknown"))
                        .into(),
                ),
            ],
        );
        ui.label(widget_text(ui, &order_line, rtl, true));
        let Some(currency) = self.order.currency.as_deref().and_then(Currency::from_code) else {
            return;
        };
        let left = u64::try_from(left_for(self.kind, &self.order)).unwrap_or(0);
        let moved = self.moved(validated);
        let line = match self.kind {
            OperationKind::Capture | OperationKind::Refund => {
                let (before_id, after_id) = if self.kind == OperationKind::Capture {
                    ("dialog-left-capture", "dialog-left-capture-after")
                } else {
                    ("dialog-left-refund", "dialog-left-refund-after")
                };
                match moved {
                    Some((minor, _)) if minor <= left => tr.args(
                        after_id,
                        &[
                            ("left", unit(left, currency).into()),
                            ("after", unit(left - minor, currency).into()),
                        ],
                    ),
                    Some(_) | None => tr.args(before_id, &[("left", unit(left, currency).into())]),
                }
            }
            OperationKind::Void => {
                let authorized = u64::try_from(self.order.authorized_minor).unwrap_or(0);
                tr.args(
                    "dialog-void-releases",
                    &[("amount", unit(authorized, currency).into())],
                )
            }
        };
        ui.label(widget_text(ui, &line, rtl, false));
        if self.kind == OperationKind::Void {
            ui.label(colored_text(
                ui,
                &tr.text("dialog-void-final"),
                rtl,
                true,
                ui.visuals().error_fg_color,
            ));
        }
    }

    /// The typed confirmation of production; whether it matches.
    fn production_confirmation_ui(
        &mut self,
        ui: &mut Ui,
        tr: &Tr,
        editable: bool,
        currency: &str,
    ) -> bool {
        let rtl = tr.is_rtl();
        let (prompt, matches, mismatch_id) = match self.kind {
            OperationKind::Capture | OperationKind::Refund => {
                let expected = format!("{} {currency}", self.amount.trim());
                let matches = self.confirmation.trim() == self.amount.trim()
                    || self.confirmation.trim() == expected;
                (
                    tr.args("confirm-production", &[("amount", expected.into())]),
                    matches,
                    "confirm-mismatch",
                )
            }
            OperationKind::Void => {
                let reference = self.order.merchant_reference.clone();
                let matches = self.confirmation.trim() == reference;
                (
                    tr.args(
                        "confirm-production-void",
                        &[("reference", reference.into())],
                    ),
                    matches,
                    "confirm-reference-mismatch",
                )
            }
        };
        let caption = ui.label(widget_text(ui, &prompt, rtl, true));
        ui.add_enabled(editable, egui::TextEdit::singleline(&mut self.confirmation))
            .labelled_by(caption.id);
        if !self.confirmation.is_empty() && !matches {
            ui.label(colored_text(
                ui,
                &tr.text(mismatch_id),
                rtl,
                false,
                ui.visuals().error_fg_color,
            ));
        }
        matches
    }

    /// The backend's answer for this dialog's submission arrived.
    pub fn finished(&mut self, result: OperationResult) {
        self.pending = false;
        self.result = Some(result);
    }
}

impl Validated {
    fn into_operation(self) -> Operation {
        match self {
            Validated::Capture(request) => Operation::Capture(request),
            Validated::Void(request) => Operation::Void(request),
            // The desk chooses the refund's maintenance_reference (reusing
            // the one of a refund settled as not applied).
            Validated::Refund(request) => Operation::Refund(request),
        }
    }
}

/// An amount in its currency's decimals, with the code: `40.000 KWD`.
fn money_text(minor: u64, currency: Currency) -> String {
    format!(
        "{} {}",
        format_minor_units(minor, currency),
        currency.code()
    )
}

/// The outcome class, the code and APS's message.
fn result_ui(ui: &mut Ui, tr: &Tr, result: &OperationResult) {
    let rtl = tr.is_rtl();
    let (id, color) = match result.class {
        Some(OutcomeClass::Succeeded) => (
            "outcome-succeeded",
            egui::Color32::from_rgb(0x2e, 0x9e, 0x4f),
        ),
        Some(OutcomeClass::Declined) => (
            "outcome-declined",
            egui::Color32::from_rgb(0xc0, 0x60, 0x20),
        ),
        Some(OutcomeClass::Uncertain) => (
            "outcome-uncertain",
            egui::Color32::from_rgb(0xd0, 0x30, 0x30),
        ),
        Some(OutcomeClass::Untrusted) => (
            "outcome-untrusted",
            egui::Color32::from_rgb(0xd0, 0x30, 0x30),
        ),
        None => (
            "outcome-not-sent",
            egui::Color32::from_rgb(0xc0, 0x60, 0x20),
        ),
    };
    super::widgets::row(ui, rtl, |ui| {
        super::icons::show(ui, super::icons::for_outcome(result.class), color);
        ui.label(colored_text(ui, &tr.text(id), rtl, true, color));
    });
    if let Some(code) = &result.response_code {
        let text = super::explain::code_text(tr, Some(code), result.response_message.as_deref());
        label(ui, format!("{code} {text}"), rtl);
    }
    if let Some(problem) = &result.problem {
        label(ui, super::explain::problem(tr, problem), rtl);
    }
}
