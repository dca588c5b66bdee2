//! Forms that speak to people: a field's error names the field by its label
//! in the operator's language and says how to fix it, and appears only once
//! the field was touched or the form was submitted — never on a form nothing
//! was typed into. Choices of a closed list are drop-downs whose entries are
//! words in the operator's language, never APS's parameter values.

use std::collections::BTreeSet;

use egui::Ui;

use super::i18n::Tr;
use super::widgets::colored_text;
use crate::aps::money::AmountError;
use crate::aps::validate::{FieldError, FieldErrors, Problem};

/// The label (a Fluent id) of the form field that sets an APS parameter.
pub fn label_id(field: &str) -> &'static str {
    match field {
        "merchant_reference" => "field-merchant-reference",
        "amount" => "field-amount",
        "currency" => "field-currency",
        "customer_email" => "field-customer-email",
        "customer_name" => "field-customer-name",
        "customer_phone" => "field-customer-phone",
        "request_expiry_date" => "field-expiry",
        "notification_type" => "field-notification",
        "link_command" => "field-link-command",
        "payment_option" => "field-payment-option",
        "return_url" => "field-return-url",
        "order_description" => "field-description",
        "maintenance_reference" => "field-maintenance-reference",
        "token_name" => "field-token-name",
        "token_status" => "field-token-status",
        "expiry_date" => "field-token-expiry",
        "card_holder_name" => "field-card-holder",
        "new_token_name" => "field-new-token-name",
        // A parameter no field of the app sets (the order's own fort_id,
        // a form's hidden values): named by a generic word.
        _ => "field-other",
    }
}

/// One field's error: its label, then what is wrong and how to fix it.
pub fn field_error_text(tr: &Tr, error: &FieldError) -> String {
    let problem = match &error.problem {
        // The choice is a drop-down of words: say which word to pick.
        Problem::PurchaseOnly { method } => tr.args(
            "form-purchase-only",
            &[
                ("method", (*method).into()),
                ("purchase", tr.text("link-command-purchase").into()),
            ],
        ),
        Problem::Missing | Problem::Amount(AmountError::Empty) => tr.text("form-missing"),
        Problem::TooLong { .. }
        | Problem::Charset { .. }
        | Problem::NotOneOf { .. }
        | Problem::Amount(
            AmountError::NotANumber
            | AmountError::Negative
            | AmountError::Zero
            | AmountError::TooManyDecimals { .. }
            | AmountError::TooManyDigits,
        )
        | Problem::UnknownCurrency
        | Problem::NotYymm
        | Problem::CardExpired
        | Problem::NotIsoDateTime
        | Problem::NotInFuture
        | Problem::NotEmail
        | Problem::NotHttpsUrl
        | Problem::RequiredFor { .. }
        | Problem::OneOfRequired { .. }
        | Problem::VisaLastDecimal { .. }
        | Problem::MethodCurrency { .. }
        | Problem::AlreadyUsed { .. }
        | Problem::ApplePayCredentialsMissing => error.problem_text(tr.language()),
    };
    tr.args(
        "form-field-error",
        &[
            ("field", tr.text(label_id(error.field)).into()),
            ("problem", problem.into()),
        ],
    )
}

/// Which fields the operator has touched, and whether they tried to submit:
/// what decides whether a field's error is shown yet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Touched {
    fields: BTreeSet<&'static str>,
    submitted: bool,
}

impl Touched {
    /// Marks `field` touched when its widget changed or lost the focus.
    pub fn track(&mut self, field: &'static str, response: &egui::Response) {
        if response.changed() || response.lost_focus() {
            self.fields.insert(field);
        }
    }

    /// Marks `field` touched (a drop-down's choice changed; a prefilled
    /// value no longer what the form opened with).
    pub fn mark(&mut self, field: &'static str) {
        self.fields.insert(field);
    }

    /// The operator pressed the form's send button.
    pub fn submit(&mut self) {
        self.submitted = true;
    }

    pub fn shows(&self, field: &str) -> bool {
        self.submitted || self.fields.contains(field)
    }

    /// Forgets everything (a new, empty form).
    pub fn clear(&mut self) {
        *self = Touched::default();
    }
}

/// The error about `field` beside it, once it was touched or submitted.
pub fn error_ui(
    ui: &mut Ui,
    tr: &Tr,
    errors: Option<&FieldErrors>,
    field: &'static str,
    touched: &Touched,
) {
    if !touched.shows(field) {
        return;
    }
    if let Some(error) = errors.and_then(|errors| errors.for_field(field)) {
        let color = ui.visuals().error_fg_color;
        let text = field_error_text(tr, error);
        ui.label(colored_text(ui, &text, tr.is_rtl(), false, color));
    }
}

/// A drop-down over a closed list: each value shown by its word in the
/// operator's language (`words` gives the Fluent id of each), labelled by
/// `caption` for assistive technology. Returns whether the choice changed.
pub fn choice_ui<T: Clone + PartialEq>(
    ui: &mut Ui,
    tr: &Tr,
    id_salt: &str,
    caption: egui::Id,
    value: &mut T,
    choices: &[T],
    words: impl Fn(&T) -> &'static str,
) -> bool {
    let rtl = tr.is_rtl();
    let before = value.clone();
    let selected = super::widgets::widget_text(ui, &tr.text(words(value)), rtl, false);
    egui::ComboBox::from_id_salt(id_salt)
        .selected_text(selected)
        .show_ui(ui, |ui| {
            for choice in choices {
                let text = super::widgets::widget_text(ui, &tr.text(words(choice)), rtl, false);
                ui.selectable_value(value, choice.clone(), text);
            }
        })
        .response
        .labelled_by(caption);
    *value != before
}
