//! The Payment links screen: create a link with every field of the
//! reference's table (the expiry picked on a calendar), copy its URL, show it
//! as a QR code, and list the links created with their refreshed status.

use egui::{Color32, RichText, Ui, Vec2};

use super::AppCommand;
use super::forms::{self, FormGrid, FormRows, Touched};
use super::i18n::Tr;
use super::transactions::money;
use super::widgets::{self, heading_text, label, widget_text};
use crate::aps::Currency;
use crate::aps::request::{PAYMENT_OPTIONS, PaymentLink, PaymentLinkForm};
use crate::aps::validate::FieldErrors;
use crate::journal::store::OrderRecord;

/// What the screen holds.
#[derive(Debug)]
pub struct LinksScreen {
    pub form: PaymentLinkForm,
    pub expiry: jiff::civil::Date,
    pub links: Vec<OrderRecord>,
    /// The link whose QR code is shown.
    pub shown: Option<String>,
    /// Which fields' errors are shown yet.
    pub touched: Touched,
}

/// How the customer may be told of the link: APS's values, each offered by
/// its words.
const NOTIFICATIONS: [&str; 4] = ["NONE", "EMAIL", "SMS", "EMAIL,SMS"];

fn notification_word(value: &&'static str) -> &'static str {
    match *value {
        "EMAIL" => "notification-email",
        "SMS" => "notification-sms",
        "EMAIL,SMS" => "notification-email-sms",
        // NONE, and anything the form was given from elsewhere.
        _ => "notification-none",
    }
}

const LINK_COMMANDS: [&str; 2] = ["PURCHASE", "AUTHORIZATION"];

fn link_command_word(value: &&'static str) -> &'static str {
    match *value {
        "AUTHORIZATION" => "link-command-authorization",
        _ => "link-command-purchase",
    }
}

/// The payment options offered: any, or one of the methods apsdesk knows.
fn payment_option_word(value: Option<&'static str>) -> &'static str {
    match value {
        None => "payment-option-any",
        Some("VISA") => "payment-option-visa",
        Some("MASTERCARD") => "payment-option-mastercard",
        Some("AMEX") => "payment-option-amex",
        Some("MADA") => "payment-option-mada",
        Some("MEEZA") => "payment-option-meeza",
        Some("KNET") => "payment-option-knet",
        Some("BENEFIT") => "payment-option-benefit",
        Some("OMANNET") => "payment-option-omannet",
        Some("NAPS") => "payment-option-naps",
        Some("STCPAY") => "payment-option-stcpay",
        Some(_) => "payment-option-other",
    }
}

/// `value` as one of `choices` (the first when it is none of them).
fn as_choice(value: &str, choices: &[&'static str]) -> &'static str {
    choices
        .iter()
        .find(|choice| **choice == value)
        .or(choices.first())
        .copied()
        .unwrap_or_default()
}

impl Default for LinksScreen {
    fn default() -> LinksScreen {
        let in_a_week = jiff::Zoned::now()
            .date()
            .checked_add(jiff::Span::new().days(7))
            .unwrap_or_else(|_| jiff::Zoned::now().date());
        LinksScreen {
            form: PaymentLinkForm {
                notification_type: "NONE".to_owned(),
                currency: "KWD".to_owned(),
                link_command: Some("PURCHASE".to_owned()),
                ..PaymentLinkForm::default()
            },
            expiry: in_a_week,
            links: Vec::new(),
            shown: None,
            touched: Touched::default(),
        }
    }
}

/// Draws `text` as a QR code.
pub fn qr_ui(ui: &mut Ui, text: &str) {
    let Ok(code) = qrcode::QrCode::new(text.as_bytes()) else {
        return;
    };
    let width = code.width();
    let colors = code.to_colors();
    let module = 4.0;
    #[allow(clippy::cast_precision_loss)]
    let side = (width as f32 + 8.0) * module;
    let (response, painter) = ui.allocate_painter(Vec2::splat(side), egui::Sense::hover());
    let origin = response.rect.min + Vec2::splat(4.0 * module);
    painter.rect_filled(response.rect, 0.0, Color32::WHITE);
    for (index, color) in colors.iter().enumerate() {
        if *color == qrcode::Color::Dark {
            #[allow(clippy::cast_precision_loss)]
            let (x, y) = ((index % width) as f32, (index / width) as f32);
            let rect = egui::Rect::from_min_size(
                origin + Vec2::new(x * module, y * module),
                Vec2::splat(module),
            );
            painter.rect_filled(rect, 0.0, Color32::BLACK);
        }
    }
}

impl LinksScreen {
    fn validated(&self) -> Result<PaymentLink, FieldErrors> {
        let mut form = self.form.clone();
        // The end of the chosen day, UTC: APS wants ISO 8601 with an offset.
        form.request_expiry_date = format!("{}T23:59:59+00:00", self.expiry);
        PaymentLink::parse(&form, jiff::Timestamp::now())
    }

    /// An optional text field's row: empty means absent.
    fn optional_field(
        rows: &mut FormRows<'_>,
        tr: &Tr,
        errors: Option<&FieldErrors>,
        touched: &mut Touched,
        field: &'static str,
        value: &mut Option<String>,
    ) {
        let mut text = value.clone().unwrap_or_default();
        forms::text_row(rows, tr, errors, touched, field, &mut text);
        *value = Some(text).filter(|text| !text.is_empty());
    }

    /// A drop-down's row; `changed` tells whether the operator chose.
    fn choice_row(
        rows: &mut FormRows<'_>,
        tr: &Tr,
        errors: Option<&FieldErrors>,
        touched: &mut Touched,
        field: &'static str,
        choose: impl FnOnce(&mut Ui, egui::Id) -> bool,
    ) {
        rows.row(&tr.text(forms::label_id(field)), |ui, caption| {
            if choose(ui, caption) {
                touched.mark(field);
            }
            forms::error_ui(ui, tr, errors, field, touched);
        });
    }

    pub fn ui(&mut self, ui: &mut Ui, tr: &Tr, commands: &mut Vec<AppCommand>) {
        let rtl = tr.is_rtl();
        widgets::heading(ui, &tr.text("links-title"), rtl);
        let validated = self.validated();
        let errors = validated.as_ref().err();
        let touched = &mut self.touched;
        let form = &mut self.form;
        let expiry = &mut self.expiry;
        FormGrid::new("link-form", rtl).show(ui, |rows| {
            forms::text_row(
                rows,
                tr,
                errors,
                touched,
                "merchant_reference",
                &mut form.merchant_reference,
            );
            forms::text_row(rows, tr, errors, touched, "amount", &mut form.amount);
            Self::choice_row(rows, tr, errors, touched, "currency", |ui, caption| {
                let choices = forms::currency_choices();
                let mut currency = Currency::from_code(&form.currency);
                let options: Vec<Option<Currency>> = choices.into_iter().map(Some).collect();
                let changed = forms::choice_shown_ui(
                    ui,
                    tr,
                    "link-currency",
                    caption,
                    &mut currency,
                    &options,
                    // An ISO code reads the same in both languages.
                    |currency| currency.map(Currency::code).unwrap_or_default().to_owned(),
                );
                if let Some(currency) = currency {
                    currency.code().clone_into(&mut form.currency);
                }
                changed
            });
            forms::text_row(
                rows,
                tr,
                errors,
                touched,
                "customer_email",
                &mut form.customer_email,
            );
            rows.row(&tr.text("field-expiry"), |ui, caption| {
                ui.add(
                    // No calendar emoji: the bundled fonts do not draw it.
                    egui_extras::DatePickerButton::new(expiry).show_icon(false),
                )
                .labelled_by(caption);
            });
            Self::choice_row(
                rows,
                tr,
                errors,
                touched,
                "notification_type",
                |ui, caption| {
                    let mut notification = as_choice(&form.notification_type, &NOTIFICATIONS);
                    let changed = forms::choice_ui(
                        ui,
                        tr,
                        "link-notification",
                        caption,
                        &mut notification,
                        &NOTIFICATIONS,
                        notification_word,
                    );
                    notification.clone_into(&mut form.notification_type);
                    changed
                },
            );
            Self::choice_row(rows, tr, errors, touched, "link_command", |ui, caption| {
                let mut command = as_choice(
                    form.link_command.as_deref().unwrap_or_default(),
                    &LINK_COMMANDS,
                );
                let changed = forms::choice_ui(
                    ui,
                    tr,
                    "link-command",
                    caption,
                    &mut command,
                    &LINK_COMMANDS,
                    link_command_word,
                );
                form.link_command = Some(command.to_owned());
                changed
            });
            Self::choice_row(
                rows,
                tr,
                errors,
                touched,
                "payment_option",
                |ui, caption| {
                    let options: Vec<Option<&'static str>> = std::iter::once(None)
                        .chain(PAYMENT_OPTIONS.iter().copied().map(Some))
                        .collect();
                    let mut option = PAYMENT_OPTIONS
                        .iter()
                        .copied()
                        .find(|known| form.payment_option.as_deref() == Some(*known));
                    let changed = forms::choice_ui(
                        ui,
                        tr,
                        "link-payment-option",
                        caption,
                        &mut option,
                        &options,
                        |value| payment_option_word(*value),
                    );
                    form.payment_option = option.map(str::to_owned);
                    changed
                },
            );
            Self::optional_field(
                rows,
                tr,
                errors,
                touched,
                "customer_name",
                &mut form.customer_name,
            );
            Self::optional_field(
                rows,
                tr,
                errors,
                touched,
                "customer_phone",
                &mut form.customer_phone,
            );
            Self::optional_field(
                rows,
                tr,
                errors,
                touched,
                "return_url",
                &mut form.return_url,
            );
            Self::optional_field(
                rows,
                tr,
                errors,
                touched,
                "order_description",
                &mut form.order_description,
            );
        });
        widgets::row(ui, rtl, |ui| {
            // Always clickable: pressing it on a form with errors shows them all.
            if ui
                .button(widget_text(ui, &tr.text("action-send"), rtl, true))
                .clicked()
            {
                match validated {
                    Ok(link) => {
                        commands.push(AppCommand::CreateLink(Box::new(link)));
                        self.touched.clear();
                    }
                    Err(_) => self.touched.submit(),
                }
            }
        });
        ui.separator();
        widgets::row(ui, rtl, |ui| {
            ui.label(heading_text(ui, &tr.text("links-list"), rtl));
            if ui
                .button(widget_text(ui, &tr.text("links-refresh"), rtl, false))
                .clicked()
            {
                commands.push(AppCommand::RefreshLinks);
            }
        });
        egui::ScrollArea::vertical().show(ui, |ui| {
            for link in &self.links {
                let url = link.payment_link_url.clone().unwrap_or_default();
                ui.horizontal(|ui| {
                    ui.label(RichText::new(&link.merchant_reference).monospace());
                    ui.label(
                        link.amount_minor
                            .map(|amount| money(amount, link.currency.as_deref()))
                            .unwrap_or_default(),
                    );
                    // APS's status (OPEN, PAID, EXPIRED) as the order's state says it.
                    let status = tr.text(&format!("state-{}", link.state));
                    label(ui, status, rtl);
                    label(ui, &url, false);
                    let copy = tr.args("copy-what", &[("what", tr.text("link-url").into())]);
                    if super::icons::button(ui, super::icons::Icon::Copy, &copy).clicked() {
                        commands.push(AppCommand::Copy {
                            what: tr.text("link-url"),
                            value: url.clone(),
                        });
                    }
                    if ui
                        .small_button(widget_text(ui, &tr.text("qr-code"), rtl, false))
                        .clicked()
                    {
                        self.shown = if self.shown.as_deref() == Some(url.as_str()) {
                            None
                        } else {
                            Some(url.clone())
                        };
                    }
                });
                if self.shown.as_deref() == Some(url.as_str()) && !url.is_empty() {
                    qr_ui(ui, &url);
                }
            }
        });
    }
}
