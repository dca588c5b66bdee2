//! The Tokens screen: update a saved card token — activate or deactivate
//! it, give it a new expiry or holder name, or rename it.

use egui::Ui;

use super::AppCommand;
use super::forms::{self, FormGrid, Touched};
use super::i18n::Tr;
use super::results::OperationResult;
use super::widgets::{self, label, widget_text};
use crate::aps::request::{UpdateToken, UpdateTokenForm};

/// What the screen holds.
#[derive(Debug, Default)]
pub struct TokensScreen {
    pub form: UpdateTokenForm,
    pub pending: bool,
    pub result: Option<OperationResult>,
    /// Which fields' errors are shown yet.
    pub touched: Touched,
}

/// The token statuses offered: unchanged, or APS's two values.
const STATUSES: [Option<&str>; 3] = [None, Some("ACTIVE"), Some("INACTIVE")];

fn status_word(value: Option<&'static str>) -> &'static str {
    match value {
        None => "token-keep",
        Some("ACTIVE") => "token-status-active",
        Some(_) => "token-status-inactive",
    }
}

fn optional(value: &mut Option<String>) -> &mut String {
    value.get_or_insert_with(String::new)
}

impl TokensScreen {
    fn validated(&self) -> Result<UpdateToken, crate::aps::validate::FieldErrors> {
        let mut form = self.form.clone();
        for field in [
            &mut form.expiry_date,
            &mut form.card_holder_name,
            &mut form.new_token_name,
            &mut form.token_status,
            &mut form.currency,
        ] {
            if field
                .as_deref()
                .is_some_and(|value| value.trim().is_empty())
            {
                *field = None;
            }
        }
        UpdateToken::parse(&form, jiff::Timestamp::now())
    }

    pub fn ui(&mut self, ui: &mut Ui, tr: &Tr, commands: &mut Vec<AppCommand>) {
        let rtl = tr.is_rtl();
        widgets::heading(ui, &tr.text("tokens-title"), rtl);
        let validated = self.validated();
        let errors = validated.as_ref().err();
        let touched = &mut self.touched;
        let form = &mut self.form;
        FormGrid::new("token-form", rtl).show(ui, |rows| {
            forms::text_row(
                rows,
                tr,
                errors,
                touched,
                "token_name",
                &mut form.token_name,
            );
            forms::text_row(
                rows,
                tr,
                errors,
                touched,
                "merchant_reference",
                &mut form.merchant_reference,
            );
            forms::text_row(
                rows,
                tr,
                errors,
                touched,
                "expiry_date",
                optional(&mut form.expiry_date),
            );
            forms::text_row(
                rows,
                tr,
                errors,
                touched,
                "card_holder_name",
                optional(&mut form.card_holder_name),
            );
            forms::text_row(
                rows,
                tr,
                errors,
                touched,
                "new_token_name",
                optional(&mut form.new_token_name),
            );
            rows.row(&tr.text("field-token-status"), |ui, caption| {
                let mut status = STATUSES
                    .iter()
                    .copied()
                    .find(|known| *known == form.token_status.as_deref())
                    .unwrap_or(None);
                if forms::choice_ui(
                    ui,
                    tr,
                    "token-status",
                    caption,
                    &mut status,
                    &STATUSES,
                    |value| status_word(*value),
                ) {
                    touched.mark("token_status");
                }
                form.token_status = status.map(str::to_owned);
                forms::error_ui(ui, tr, errors, "token_status", touched);
            });
        });
        widgets::row(ui, rtl, |ui| {
            // Clickable with errors: pressing it shows them all.
            if ui
                .add_enabled(
                    !self.pending,
                    egui::Button::new(widget_text(ui, &tr.text("action-send"), rtl, true)),
                )
                .clicked()
            {
                match validated {
                    Ok(update) => {
                        self.pending = true;
                        self.result = None;
                        self.touched.clear();
                        commands.push(AppCommand::UpdateToken(Box::new(update)));
                    }
                    Err(_) => self.touched.submit(),
                }
            }
        });
        if let Some(result) = &self.result {
            let text = super::explain::outcome_text(tr, result);
            widgets::row(ui, rtl, |ui| label(ui, text, rtl));
        }
    }
}
