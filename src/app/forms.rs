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
use crate::aps::{Currency, ShaType};

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
        | Problem::MoreThanLeft { .. }
        | Problem::OrderVoided
        | Problem::OtherCurrency { .. }
        | Problem::VoidAfterCapture
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
    id_salt: impl egui::AsIdSalt,
    caption: egui::Id,
    value: &mut T,
    choices: &[T],
    words: impl Fn(&T) -> &'static str,
) -> bool {
    choice_shown_ui(ui, tr, id_salt, caption, value, choices, |choice| {
        tr.text(words(choice))
    })
}

/// The most a drop-down's list takes before it scrolls, in points.
const CHOICES_HEIGHT: f32 = 420.0;

/// [`choice_ui`] for values that are shown as they are written in both
/// languages (currency codes): `shown` gives each one's text.
pub fn choice_shown_ui<T: Clone + PartialEq>(
    ui: &mut Ui,
    tr: &Tr,
    id_salt: impl egui::AsIdSalt,
    caption: egui::Id,
    value: &mut T,
    choices: &[T],
    shown: impl Fn(&T) -> String,
) -> bool {
    let rtl = tr.is_rtl();
    let before = value.clone();
    let selected = super::widgets::widget_text(ui, &shown(value), rtl, false);
    egui::ComboBox::from_id_salt(id_salt)
        .selected_text(selected)
        // Room for a dozen words without scrolling (egui's default shows
        // about six of these); a long list (the currencies) scrolls.
        .height(CHOICES_HEIGHT)
        .show_ui(ui, |ui| {
            for choice in choices {
                let text = super::widgets::widget_text(ui, &shown(choice), rtl, false);
                ui.selectable_value(value, choice.clone(), text);
            }
        })
        .response
        .labelled_by(caption);
    *value != before
}

/// The currencies of the region APS serves, offered first (the transactions'
/// filter offers these alone).
pub const REGION_CURRENCIES: [&str; 9] = [
    "KWD", "SAR", "AED", "BHD", "QAR", "OMR", "EGP", "JOD", "USD",
];

/// Every ISO 4217 currency, the region's first, then the rest by code.
pub fn currency_choices() -> Vec<Currency> {
    let mut choices: Vec<Currency> = REGION_CURRENCIES
        .iter()
        .filter_map(|code| Currency::from_code(code))
        .collect();
    choices
        .extend(Currency::all().filter(|currency| !REGION_CURRENCIES.contains(&currency.code())));
    choices
}

/// A form of labelled fields, one row each, read from the operator's side:
/// in English the label on the left and its field to its right; in Arabic
/// the label on the right and its field to its left. Under a field, what the
/// row draws after it (its error) is aligned to the same side as the field.
/// Every form of the app lays out its fields through this one helper, so
/// that no screen mirrors (or forgets to mirror) on its own.
///
/// The labels form a column as wide as the widest of the last frame (egui
/// lays out in one pass; [`egui::Grid`] remembers its widths the same way,
/// but it always places its columns left to right).
pub struct FormGrid {
    id_salt: egui::IdSalt,
    right_to_left: bool,
}

/// The rows of a [`FormGrid`] being drawn.
pub struct FormRows<'a> {
    ui: &'a mut Ui,
    right_to_left: bool,
    /// The label column's width, from the last frame.
    label_width: f32,
    /// The widest label drawn this frame.
    widest_label: f32,
}

impl FormGrid {
    pub fn new(id_salt: impl egui::AsIdSalt, right_to_left: bool) -> FormGrid {
        FormGrid {
            id_salt: egui::IdSalt::new(id_salt),
            right_to_left,
        }
    }

    /// Draws the rows `add_rows` adds, aligned to the reading side.
    pub fn show<R>(self, ui: &mut Ui, add_rows: impl FnOnce(&mut FormRows<'_>) -> R) -> R {
        let id = ui.make_persistent_id(self.id_salt);
        let remembered = ui.ctx().data(|data| data.get_temp::<f32>(id));
        let column = if self.right_to_left {
            egui::Layout::top_down(egui::Align::Max)
        } else {
            egui::Layout::top_down(egui::Align::Min)
        };
        let (inner, widest_label) = ui
            .with_layout(column, |ui| {
                let mut rows = FormRows {
                    ui,
                    right_to_left: self.right_to_left,
                    label_width: remembered.unwrap_or_default(),
                    widest_label: 0.0,
                };
                let inner = add_rows(&mut rows);
                (inner, rows.widest_label)
            })
            .inner;
        if remembered.is_none_or(|width| (width - widest_label).abs() > 0.5) {
            // The column was narrower than a label (a form's first frame,
            // or the other language): lay out again with the new width
            // before this pass is shown, as `egui::Grid` does; a repaint
            // too, should egui decline another pass.
            ui.ctx().data_mut(|data| data.insert_temp(id, widest_label));
            ui.ctx()
                .request_discard("the form's label column changed width");
            ui.ctx().request_repaint();
        }
        inner
    }
}

impl FormRows<'_> {
    pub fn right_to_left(&self) -> bool {
        self.right_to_left
    }

    /// One row: `caption` on the reading side, then `field`, which gets a
    /// top-down area aligned to the label and the caption's id (to be
    /// `labelled_by`), and draws the field and whatever goes under it.
    pub fn row<R>(&mut self, caption: &str, field: impl FnOnce(&mut Ui, egui::Id) -> R) -> R {
        let text = super::widgets::widget_text(self.ui, caption, self.right_to_left, false);
        self.row_with(text, field)
    }

    /// [`FormRows::row`] with a caption already made into widget text (a
    /// CSV column's name in a monospace face).
    pub fn row_with<R>(
        &mut self,
        caption: impl Into<egui::WidgetText>,
        field: impl FnOnce(&mut Ui, egui::Id) -> R,
    ) -> R {
        let rtl = self.right_to_left;
        let (line, under) = if rtl {
            (
                egui::Layout::right_to_left(egui::Align::Min),
                egui::Layout::top_down(egui::Align::Max),
            )
        } else {
            (
                egui::Layout::left_to_right(egui::Align::Min),
                egui::Layout::top_down(egui::Align::Min),
            )
        };
        let label_cell = if rtl {
            egui::Layout::right_to_left(egui::Align::Center)
        } else {
            egui::Layout::left_to_right(egui::Align::Center)
        };
        let label_width = self.label_width;
        let line_height = self.ui.spacing().interact_size.y;
        let width = self.ui.available_width();
        let (inner, caption_width) = self
            .ui
            .allocate_ui_with_layout(egui::vec2(width, line_height), line, |ui| {
                // The label centred on the field's first line.
                let caption = ui
                    .allocate_ui_with_layout(
                        egui::vec2(label_width, line_height),
                        label_cell,
                        |ui| {
                            // Before the label: the width is taken from the
                            // cell's start, whatever the label's own.
                            ui.set_min_width(label_width);
                            ui.add(egui::Label::new(caption).wrap_mode(egui::TextWrapMode::Extend))
                        },
                    )
                    .inner;
                let field_width = ui.available_width();
                let inner = ui
                    .allocate_ui_with_layout(egui::vec2(field_width, line_height), under, |ui| {
                        field(ui, caption.id)
                    })
                    .inner;
                (inner, caption.rect.width())
            })
            .inner;
        self.widest_label = self.widest_label.max(caption_width);
        inner
    }
}

/// A text field's row of a [`FormGrid`]: the label of `field` (an APS
/// parameter, named by [`label_id`]), the field, and its error under it.
pub fn text_row(
    rows: &mut FormRows<'_>,
    tr: &Tr,
    errors: Option<&FieldErrors>,
    touched: &mut Touched,
    field: &'static str,
    value: &mut String,
) {
    rows.row(&tr.text(label_id(field)), |ui, caption| {
        let response = ui
            .add(egui::TextEdit::singleline(value).desired_width(260.0))
            .labelled_by(caption);
        touched.track(field, &response);
        error_ui(ui, tr, errors, field, touched);
    });
}

/// A SHA type's word: the APS back office's spelling, which the operator
/// matches against it.
pub fn sha_type_word(sha_type: ShaType) -> &'static str {
    match sha_type {
        ShaType::Sha256 => "sha-type-sha256",
        ShaType::Sha512 => "sha-type-sha512",
        ShaType::Hmac256 => "sha-type-hmac256",
        ShaType::Hmac512 => "sha-type-hmac512",
        ShaType::LegacySha128 => "sha-type-legacy-sha128",
    }
}
