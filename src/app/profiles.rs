//! The Profiles screen: add, test, use and remove merchant profiles. Secrets
//! are typed into password fields, handed to a background task that stores
//! them in the keyring, and cleared from the screen at once: a stored secret
//! is never shown again.
//!
//! The secret fields keep nothing behind: no undo history, no state saved
//! with the window, and a fresh widget identity after every save or clear
//! (egui keys a field's state and undo history by its id, and clearing the
//! text leaves both in place).

use egui::Ui;

use super::AppCommand;
use super::i18n::Tr;
use super::widgets::{heading_text, label, row as widgets_row, widget_text};
use crate::aps::Secret;
use crate::profiles::{Environment, Profile, ProfileSecrets, ReceiptDetails};

/// The add-a-profile form; the secrets live here only until Save.
#[derive(Debug, Default)]
pub struct ProfileForm {
    pub name: String,
    pub environment: String,
    pub merchant_identifier: String,
    pub sha_type: String,
    pub access_code: String,
    pub request_phrase: String,
    pub response_phrase: String,
    pub name_en: String,
    pub name_ar: String,
    pub time_zone: String,
}

/// What the screen holds.
#[derive(Debug, Default)]
pub struct ProfilesScreen {
    pub profiles: Vec<Profile>,
    pub form: ProfileForm,
    /// The last test's explanation, per profile name.
    pub verdicts: Vec<(String, String)>,
    pub error: Option<String>,
    /// Part of the secret fields' widget ids: bumped whenever the form lets
    /// its secrets go, so that the next ones are typed into new widgets.
    secret_generation: u64,
}

/// The secret fields of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretField {
    AccessCode,
    RequestPhrase,
    ResponsePhrase,
}

impl SecretField {
    const ALL: [SecretField; 3] = [
        SecretField::AccessCode,
        SecretField::RequestPhrase,
        SecretField::ResponsePhrase,
    ];

    fn label_id(self) -> &'static str {
        match self {
            SecretField::AccessCode => "profile-access-code",
            SecretField::RequestPhrase => "profile-request-phrase",
            SecretField::ResponsePhrase => "profile-response-phrase",
        }
    }

    fn value(self, form: &mut ProfileForm) -> &mut String {
        match self {
            SecretField::AccessCode => &mut form.access_code,
            SecretField::RequestPhrase => &mut form.request_phrase,
            SecretField::ResponsePhrase => &mut form.response_phrase,
        }
    }
}

impl ProfileForm {
    /// The profile and its secrets, clearing the secrets from the form.
    fn take(&mut self, tr: &super::i18n::Tr) -> Result<(Profile, ProfileSecrets), String> {
        let language = tr.language().as_str();
        let environment = Environment::parse(&self.environment)
            .ok_or_else(|| super::explain::profile_field(tr, "environment"))?;
        let profile = Profile {
            id: None,
            name: self.name.trim().to_owned(),
            environment,
            merchant_identifier: self.merchant_identifier.trim().to_owned(),
            sha_type: if self.sha_type.trim().is_empty() {
                "SHA-256".to_owned()
            } else {
                self.sha_type.trim().to_owned()
            },
            apple_pay: None,
            language: language.to_owned(),
            receipt: ReceiptDetails {
                name_en: self.name_en.clone(),
                name_ar: self.name_ar.clone(),
                time_zone: self.time_zone.trim().to_owned(),
                ..ReceiptDetails::default()
            },
            timeout_secs: None,
        };
        profile
            .validate()
            .map_err(|error| super::explain::profile_error(tr, &error))?;
        let secrets = ProfileSecrets {
            access_code: Secret::new(std::mem::take(&mut self.access_code)),
            request_phrase: Secret::new(std::mem::take(&mut self.request_phrase)),
            response_phrase: Secret::new(std::mem::take(&mut self.response_phrase)),
            apple_pay: None,
        };
        Ok((profile, secrets))
    }
}

impl ProfilesScreen {
    /// The widget id of a secret field in the current generation.
    pub fn secret_field_id(&self, field: SecretField) -> egui::Id {
        egui::Id::unique(("profile-secret", field.label_id(), self.secret_generation))
    }

    /// Empties the form and retires its secret widgets: what egui kept of
    /// them (cursor, undo history) is dropped, and new ids are used next.
    pub fn reset_form(&mut self, ctx: &egui::Context) {
        self.form = ProfileForm::default();
        self.retire_secret_fields(ctx);
    }

    fn retire_secret_fields(&mut self, ctx: &egui::Context) {
        for field in SecretField::ALL {
            super::widgets::forget_text_edit(ctx, self.secret_field_id(field));
        }
        self.secret_generation += 1;
    }

    pub fn ui(&mut self, ui: &mut Ui, tr: &Tr, active: &str, commands: &mut Vec<AppCommand>) {
        let rtl = tr.is_rtl();
        ui.label(heading_text(ui, &tr.text("profiles-title"), rtl));
        if self.profiles.is_empty() {
            label(ui, tr.text("profiles-none"), rtl);
        }
        egui::Grid::new("profiles").striped(true).show(ui, |ui| {
            for profile in &self.profiles {
                // The profile in use is shown strong (no symbol glyph needed).
                let name = egui::RichText::new(&profile.name);
                ui.label(if profile.name == active {
                    name.strong().underline()
                } else {
                    name
                });
                let environment = tr.text(match &profile.environment {
                    Environment::Production => "title-production",
                    Environment::Sandbox => "title-sandbox",
                    Environment::Simulator { .. } => "title-simulator",
                    Environment::Custom { .. } => "title-custom",
                });
                label(ui, environment, rtl);
                ui.label(&profile.merchant_identifier);
                ui.label(&profile.sha_type);
                if ui
                    .button(widget_text(ui, &tr.text("profile-test"), rtl, false))
                    .clicked()
                {
                    commands.push(AppCommand::TestProfile(profile.name.clone()));
                }
                if ui
                    .button(widget_text(ui, &tr.text("profile-use"), rtl, false))
                    .clicked()
                {
                    commands.push(AppCommand::UseProfile(profile.name.clone()));
                }
                if ui
                    .button(widget_text(ui, &tr.text("profile-remove"), rtl, false))
                    .clicked()
                {
                    commands.push(AppCommand::RemoveProfile(profile.name.clone()));
                }
                if let Some((_, verdict)) =
                    self.verdicts.iter().find(|(name, _)| name == &profile.name)
                {
                    label(ui, verdict, rtl);
                }
                ui.end_row();
            }
        });
        ui.separator();
        ui.label(heading_text(ui, &tr.text("profile-add"), rtl));
        let secret_ids = SecretField::ALL.map(|field| (field, self.secret_field_id(field)));
        let form = &mut self.form;
        egui::Grid::new("profile-form")
            .num_columns(2)
            .show(ui, |ui| {
                let row = |ui: &mut Ui, id: &str, value: &mut String| {
                    let caption = ui.label(widget_text(ui, &tr.text(id), rtl, false));
                    ui.add(egui::TextEdit::singleline(value).desired_width(280.0))
                        .labelled_by(caption.id);
                    ui.end_row();
                };
                row(ui, "profile-name", &mut form.name);
                row(ui, "profile-environment", &mut form.environment);
                row(
                    ui,
                    "profile-merchant-identifier",
                    &mut form.merchant_identifier,
                );
                row(ui, "profile-sha-type", &mut form.sha_type);
                for (field, id) in secret_ids {
                    let caption = ui.label(widget_text(ui, &tr.text(field.label_id()), rtl, false));
                    let edit = egui::TextEdit::singleline(field.value(form))
                        .password(true)
                        .desired_width(280.0);
                    super::widgets::ephemeral_text_edit(ui, edit, id, false)
                        .labelled_by(caption.id);
                    ui.end_row();
                }
                row(ui, "profile-name-en", &mut form.name_en);
                row(ui, "profile-name-ar", &mut form.name_ar);
                row(ui, "profile-time-zone", &mut form.time_zone);
            });
        let mut retire = false;
        widgets_row(ui, rtl, |ui| {
            if ui
                .button(widget_text(ui, &tr.text("profile-save"), rtl, true))
                .clicked()
            {
                match form.take(tr) {
                    Ok((profile, secrets)) => {
                        self.error = None;
                        retire = true;
                        commands.push(AppCommand::SaveProfile(Box::new((profile, secrets))));
                    }
                    Err(error) => self.error = Some(error),
                }
            }
            if ui
                .button(widget_text(ui, &tr.text("profile-clear"), rtl, false))
                .clicked()
            {
                *form = ProfileForm::default();
                self.error = None;
                retire = true;
            }
        });
        if retire {
            self.retire_secret_fields(ui.ctx());
        }
        if let Some(error) = &self.error {
            let color = ui.visuals().error_fg_color;
            ui.label(super::widgets::colored_text(ui, error, rtl, false, color));
        }
    }
}
