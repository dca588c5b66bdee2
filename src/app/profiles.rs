//! The Profiles screen: add, test, use and remove merchant profiles. Secrets
//! are typed into password fields, handed to a background task that stores
//! them in the keyring, and cleared from the screen at once: a stored secret
//! is never shown again.

use egui::Ui;

use super::AppCommand;
use super::i18n::Tr;
use super::widgets::{heading_text, label, widget_text};
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
}

impl ProfileForm {
    /// The profile and its secrets, clearing the secrets from the form.
    fn take(&mut self, language: &str) -> Result<(Profile, ProfileSecrets), String> {
        let environment = Environment::parse(&self.environment)
            .ok_or_else(|| "environment: sandbox, production, or an http(s) URL".to_owned())?;
        let profile = Profile {
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
        };
        profile.validate().map_err(|error| error.to_string())?;
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
                ui.label(profile.environment.name());
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
        let form = &mut self.form;
        egui::Grid::new("profile-form")
            .num_columns(2)
            .show(ui, |ui| {
                let row = |ui: &mut Ui, id: &str, value: &mut String, password: bool| {
                    let caption = ui.label(widget_text(ui, &tr.text(id), rtl, false));
                    ui.add(
                        egui::TextEdit::singleline(value)
                            .password(password)
                            .desired_width(280.0),
                    )
                    .labelled_by(caption.id);
                    ui.end_row();
                };
                row(ui, "profile-name", &mut form.name, false);
                row(ui, "profile-environment", &mut form.environment, false);
                row(
                    ui,
                    "profile-merchant-identifier",
                    &mut form.merchant_identifier,
                    false,
                );
                row(ui, "profile-sha-type", &mut form.sha_type, false);
                row(ui, "profile-access-code", &mut form.access_code, true);
                row(ui, "profile-request-phrase", &mut form.request_phrase, true);
                row(
                    ui,
                    "profile-response-phrase",
                    &mut form.response_phrase,
                    true,
                );
                row(ui, "profile-name-en", &mut form.name_en, false);
                row(ui, "profile-name-ar", &mut form.name_ar, false);
                row(ui, "profile-time-zone", &mut form.time_zone, false);
            });
        if ui
            .button(widget_text(ui, &tr.text("profile-save"), rtl, true))
            .clicked()
        {
            match form.take(tr.language().as_str()) {
                Ok((profile, secrets)) => {
                    self.error = None;
                    commands.push(AppCommand::SaveProfile(Box::new((profile, secrets))));
                }
                Err(error) => self.error = Some(error),
            }
        }
        if let Some(error) = &self.error {
            let color = ui.visuals().error_fg_color;
            ui.label(super::widgets::colored_text(ui, error, rtl, false, color));
        }
    }
}
