//! The Payment links screen: create a link with every field of the
//! reference's table (the expiry picked on a calendar), copy its URL, show it
//! as a QR code, and list the links created with their refreshed status.

use egui::{Color32, RichText, Ui, Vec2};

use super::AppCommand;
use super::i18n::Tr;
use super::transactions::money;
use super::widgets::{heading_text, label, widget_text};
use crate::aps::request::{PaymentLink, PaymentLinkForm};
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

    fn field(
        ui: &mut Ui,
        tr: &Tr,
        errors: Option<&FieldErrors>,
        label_id: &str,
        field: &str,
        value: &mut String,
    ) {
        let rtl = tr.is_rtl();
        let caption = ui.label(widget_text(ui, &tr.text(label_id), rtl, false));
        ui.add(egui::TextEdit::singleline(value).desired_width(260.0))
            .labelled_by(caption.id);
        super::widgets::field_error(ui, errors, field, tr);
        ui.end_row();
    }

    pub fn ui(&mut self, ui: &mut Ui, tr: &Tr, commands: &mut Vec<AppCommand>) {
        let rtl = tr.is_rtl();
        ui.label(heading_text(ui, &tr.text("links-title"), rtl));
        let validated = self.validated();
        let errors = validated.as_ref().err();
        egui::Grid::new("link-form").num_columns(3).show(ui, |ui| {
            Self::field(
                ui,
                tr,
                errors,
                "field-merchant-reference",
                "merchant_reference",
                &mut self.form.merchant_reference,
            );
            Self::field(
                ui,
                tr,
                errors,
                "field-amount",
                "amount",
                &mut self.form.amount,
            );
            Self::field(
                ui,
                tr,
                errors,
                "field-currency",
                "currency",
                &mut self.form.currency,
            );
            Self::field(
                ui,
                tr,
                errors,
                "field-customer-email",
                "customer_email",
                &mut self.form.customer_email,
            );
            let caption = ui.label(widget_text(ui, &tr.text("field-expiry"), rtl, false));
            ui.add(
                // No calendar emoji: the bundled fonts do not draw it.
                egui_extras::DatePickerButton::new(&mut self.expiry).show_icon(false),
            )
            .labelled_by(caption.id);
            ui.end_row();
            let caption = ui.label(widget_text(ui, &tr.text("field-notification"), rtl, false));
            egui::ComboBox::from_id_salt("link-notification")
                .selected_text(self.form.notification_type.clone())
                .show_ui(ui, |ui| {
                    for option in ["NONE", "EMAIL", "SMS", "EMAIL,SMS"] {
                        ui.selectable_value(
                            &mut self.form.notification_type,
                            option.to_owned(),
                            option,
                        );
                    }
                })
                .response
                .labelled_by(caption.id);
            ui.end_row();
            let caption = ui.label(widget_text(ui, &tr.text("field-link-command"), rtl, false));
            let command = self
                .form
                .link_command
                .get_or_insert_with(|| "PURCHASE".to_owned());
            egui::ComboBox::from_id_salt("link-command")
                .selected_text(command.clone())
                .show_ui(ui, |ui| {
                    for option in ["PURCHASE", "AUTHORIZATION"] {
                        ui.selectable_value(command, option.to_owned(), option);
                    }
                })
                .response
                .labelled_by(caption.id);
            ui.end_row();
            let mut name = self.form.customer_name.clone().unwrap_or_default();
            Self::field(
                ui,
                tr,
                errors,
                "field-customer-name",
                "customer_name",
                &mut name,
            );
            self.form.customer_name = Some(name).filter(|name| !name.is_empty());
            let mut phone = self.form.customer_phone.clone().unwrap_or_default();
            Self::field(
                ui,
                tr,
                errors,
                "field-customer-phone",
                "customer_phone",
                &mut phone,
            );
            self.form.customer_phone = Some(phone).filter(|phone| !phone.is_empty());
            let mut option = self.form.payment_option.clone().unwrap_or_default();
            Self::field(
                ui,
                tr,
                errors,
                "field-payment-option",
                "payment_option",
                &mut option,
            );
            self.form.payment_option = Some(option).filter(|option| !option.is_empty());
            let mut return_url = self.form.return_url.clone().unwrap_or_default();
            Self::field(
                ui,
                tr,
                errors,
                "field-return-url",
                "return_url",
                &mut return_url,
            );
            self.form.return_url = Some(return_url).filter(|url| !url.is_empty());
            let mut description = self.form.order_description.clone().unwrap_or_default();
            Self::field(
                ui,
                tr,
                errors,
                "field-description",
                "order_description",
                &mut description,
            );
            self.form.order_description = Some(description).filter(|text| !text.is_empty());
        });
        if ui
            .add_enabled(
                validated.is_ok(),
                egui::Button::new(widget_text(ui, &tr.text("action-send"), rtl, true)),
            )
            .clicked()
            && let Ok(link) = validated
        {
            commands.push(AppCommand::CreateLink(Box::new(link)));
        }
        ui.separator();
        ui.horizontal(|ui| {
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
                    ui.label(link.payment_link_status.clone().unwrap_or_default());
                    label(ui, &url, false);
                    if ui
                        .small_button(widget_text(ui, &tr.text("copy"), rtl, false))
                        .clicked()
                    {
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
