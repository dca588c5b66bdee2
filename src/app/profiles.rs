//! The Profiles screen: add, test, use and remove merchant profiles. Secrets
//! are typed into password fields, handed to a background task that stores
//! them in the keyring, and cleared from the screen at once: a stored secret
//! is never shown again.
//!
//! The secret fields keep nothing behind: no undo history, no state saved
//! with the window, and a fresh widget identity after every save or clear
//! (egui keys a field's state and undo history by its id, and clearing the
//! text leaves both in place).

use egui::{Align, Layout, Ui};
use egui_extras::{Column, TableBuilder};

use super::AppCommand;
use super::forms::{self, FormGrid, FormRows, Touched};
use super::i18n::Tr;
use super::widgets::{heading, label, row as widgets_row, widget_text};
use crate::aps::client::Environment as ClientEnvironment;
use crate::aps::{Language, Secret, ShaType};
use crate::profiles::{Environment, Profile, ProfileError, ProfileSecrets, ReceiptDetails};

/// A column of the profiles' list, in reading order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ProfileColumn {
    Name,
    Environment,
    Merchant,
    ShaType,
    Actions,
    Verdict,
}

impl ProfileColumn {
    const ALL: [ProfileColumn; 6] = [
        ProfileColumn::Name,
        ProfileColumn::Environment,
        ProfileColumn::Merchant,
        ProfileColumn::ShaType,
        ProfileColumn::Actions,
        ProfileColumn::Verdict,
    ];
}

/// The add-a-profile form; the secrets live here only until Save.
#[derive(Debug)]
pub struct ProfileForm {
    pub name: String,
    /// Where requests go: sandbox, production or the simulator (whose
    /// address is `simulator_url`); a custom server is the command line's.
    pub environment: ClientEnvironment,
    pub simulator_url: String,
    pub merchant_identifier: String,
    pub sha_type: ShaType,
    pub access_code: String,
    pub request_phrase: String,
    pub response_phrase: String,
    pub name_en: String,
    pub name_ar: String,
    /// The receipts' time zone: one of the region's by its word, or another
    /// typed as its IANA name (`time_zone`).
    pub time_zone_choice: TimeZoneChoice,
    pub time_zone: String,
    /// Which fields' errors are shown yet.
    pub touched: Touched,
}

impl Default for ProfileForm {
    fn default() -> ProfileForm {
        ProfileForm {
            name: String::new(),
            environment: ClientEnvironment::Sandbox,
            simulator_url: String::new(),
            merchant_identifier: String::new(),
            // What the APS back office proposes for a new account.
            sha_type: ShaType::Sha256,
            access_code: String::new(),
            request_phrase: String::new(),
            response_phrase: String::new(),
            name_en: String::new(),
            name_ar: String::new(),
            time_zone_choice: TimeZoneChoice::Utc,
            time_zone: String::new(),
            touched: Touched::default(),
        }
    }
}

/// The time zone printed on a profile's receipts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeZoneChoice {
    /// None set: receipts are in UTC.
    Utc,
    /// One of the region's: its IANA name and its word (a Fluent id).
    Zone {
        name: &'static str,
        word: &'static str,
    },
    /// Another, typed as its IANA name.
    Other,
}

/// The time zones offered by their words: those of the countries APS
/// serves, then UTC and any other.
pub const TIME_ZONES: [TimeZoneChoice; 11] = [
    TimeZoneChoice::Zone {
        name: "Asia/Kuwait",
        word: "time-zone-kuwait",
    },
    TimeZoneChoice::Zone {
        name: "Asia/Riyadh",
        word: "time-zone-riyadh",
    },
    TimeZoneChoice::Zone {
        name: "Asia/Dubai",
        word: "time-zone-dubai",
    },
    TimeZoneChoice::Zone {
        name: "Asia/Bahrain",
        word: "time-zone-bahrain",
    },
    TimeZoneChoice::Zone {
        name: "Asia/Qatar",
        word: "time-zone-qatar",
    },
    TimeZoneChoice::Zone {
        name: "Asia/Muscat",
        word: "time-zone-muscat",
    },
    TimeZoneChoice::Zone {
        name: "Africa/Cairo",
        word: "time-zone-cairo",
    },
    TimeZoneChoice::Zone {
        name: "Asia/Amman",
        word: "time-zone-amman",
    },
    TimeZoneChoice::Zone {
        name: "Asia/Beirut",
        word: "time-zone-beirut",
    },
    TimeZoneChoice::Utc,
    TimeZoneChoice::Other,
];

impl TimeZoneChoice {
    /// Its word (a Fluent id).
    fn word(self) -> &'static str {
        match self {
            TimeZoneChoice::Utc => "time-zone-utc",
            TimeZoneChoice::Other => "time-zone-other",
            TimeZoneChoice::Zone { word, .. } => word,
        }
    }
}

/// The environments the form offers, in this order.
pub const ENVIRONMENTS: [ClientEnvironment; 3] = [
    ClientEnvironment::Sandbox,
    ClientEnvironment::Production,
    ClientEnvironment::Simulator,
];

/// An environment's word in the form (a custom server, which only the
/// command line makes, is named too: an edited profile may be one).
fn environment_word(environment: ClientEnvironment) -> &'static str {
    match environment {
        ClientEnvironment::Sandbox => "environment-choice-sandbox",
        ClientEnvironment::Production => "environment-choice-production",
        ClientEnvironment::Simulator => "environment-choice-simulator",
        ClientEnvironment::Custom => "title-custom",
    }
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

    /// The field's name, as the store's errors name it.
    fn name(self) -> &'static str {
        match self {
            SecretField::AccessCode => "access_code",
            SecretField::RequestPhrase => "request_phrase",
            SecretField::ResponsePhrase => "response_phrase",
        }
    }

    fn text(self, form: &ProfileForm) -> &str {
        match self {
            SecretField::AccessCode => &form.access_code,
            SecretField::RequestPhrase => &form.request_phrase,
            SecretField::ResponsePhrase => &form.response_phrase,
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
    /// The profile the form describes, or every field it gets wrong (by the
    /// field's name: `name`, `simulator_url`, `access_code`, ...).
    fn checked(&self, language: Language) -> Result<Profile, Vec<&'static str>> {
        let mut problems = Vec::new();
        let environment = match self.environment {
            ClientEnvironment::Sandbox => Environment::Sandbox,
            ClientEnvironment::Production => Environment::Production,
            ClientEnvironment::Simulator | ClientEnvironment::Custom => {
                match Environment::parse(self.simulator_url.trim()) {
                    Some(simulator @ Environment::Simulator { .. }) => simulator,
                    Some(
                        Environment::Sandbox | Environment::Production | Environment::Custom { .. },
                    )
                    | None => {
                        problems.push("simulator_url");
                        Environment::Sandbox
                    }
                }
            }
        };
        let profile = Profile {
            id: None,
            name: self.name.trim().to_owned(),
            environment,
            merchant_identifier: self.merchant_identifier.trim().to_owned(),
            sha_type: self.sha_type.dashboard_name().to_owned(),
            apple_pay: None,
            language: language.as_str().to_owned(),
            receipt: ReceiptDetails {
                name_en: self.name_en.clone(),
                name_ar: self.name_ar.clone(),
                time_zone: match self.time_zone_choice {
                    TimeZoneChoice::Utc => String::new(),
                    TimeZoneChoice::Zone { name, .. } => name.to_owned(),
                    TimeZoneChoice::Other => self.time_zone.trim().to_owned(),
                },
                ..ReceiptDetails::default()
            },
            timeout_secs: None,
        };
        for problem in profile.problems() {
            match problem {
                ProfileError::Invalid { field, .. } => problems.push(field),
                ProfileError::Keyring { .. }
                | ProfileError::Unknown(_)
                | ProfileError::Exists(_)
                | ProfileError::MissingSecret { .. }
                | ProfileError::File { .. } => {}
            }
        }
        // The keyring refuses an empty secret: say so before the form
        // lets the others go.
        for field in SecretField::ALL {
            if field.text(self).trim().is_empty() {
                problems.push(field.name());
            }
        }
        if problems.is_empty() {
            Ok(profile)
        } else {
            Err(problems)
        }
    }

    /// The profile and its secrets, clearing the secrets from the form.
    fn take(&mut self, language: Language) -> Result<(Profile, ProfileSecrets), Vec<&'static str>> {
        let profile = self.checked(language)?;
        let secrets = ProfileSecrets {
            access_code: Secret::new(std::mem::take(&mut self.access_code)),
            request_phrase: Secret::new(std::mem::take(&mut self.request_phrase)),
            response_phrase: Secret::new(std::mem::take(&mut self.response_phrase)),
            apple_pay: None,
        };
        Ok((profile, secrets))
    }
}

/// A text field's row: its label, the field, its error under it.
fn text_row(
    rows: &mut FormRows<'_>,
    tr: &Tr,
    problems: &[&'static str],
    touched: &mut Touched,
    label_id: &str,
    field: &'static str,
    value: &mut String,
) {
    rows.row(&tr.text(label_id), |ui, caption| {
        let response = ui
            .add(egui::TextEdit::singleline(value).desired_width(280.0))
            .labelled_by(caption);
        touched.track(field, &response);
        profile_error_ui(ui, tr, problems, field, touched);
    });
}

/// The error about `field` under it, once it was touched or the form sent.
fn profile_error_ui(
    ui: &mut Ui,
    tr: &Tr,
    problems: &[&'static str],
    field: &'static str,
    touched: &Touched,
) {
    if touched.shows(field) && problems.contains(&field) {
        let color = ui.visuals().error_fg_color;
        let text = super::explain::profile_field(tr, field);
        ui.label(super::widgets::colored_text(
            ui,
            &text,
            tr.is_rtl(),
            false,
            color,
        ));
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

    /// The saved profiles, one a row, the name first from the reading side
    /// (a table per direction, as Transactions).
    fn list_ui(&self, ui: &mut Ui, tr: &Tr, active: &str, commands: &mut Vec<AppCommand>) {
        if self.profiles.is_empty() {
            return;
        }
        let rtl = tr.is_rtl();
        let mut columns = ProfileColumn::ALL;
        if rtl {
            columns.reverse();
        }
        let table = TableBuilder::new(ui)
            .id_salt(if rtl { "profiles-rtl" } else { "profiles-ltr" })
            .striped(true)
            .vscroll(false)
            .cell_layout(if rtl {
                Layout::right_to_left(Align::Center)
            } else {
                Layout::left_to_right(Align::Center)
            });
        let table = columns.iter().fold(table, |table, column| match column {
            ProfileColumn::Name
            | ProfileColumn::Environment
            | ProfileColumn::Merchant
            | ProfileColumn::ShaType => table.column(Column::auto().at_least(60.0)),
            ProfileColumn::Actions => table.column(Column::auto()),
            ProfileColumn::Verdict => table.column(Column::remainder().at_least(60.0)),
        });
        table.body(|body| {
            body.rows(28.0, self.profiles.len(), |mut table_row| {
                let profile = &self.profiles[table_row.index()];
                for column in columns {
                    table_row.col(|ui| match column {
                        ProfileColumn::Name => {
                            // The profile in use is shown strong (no symbol glyph needed).
                            let name = egui::RichText::new(&profile.name);
                            ui.label(if profile.name == active {
                                name.strong().underline()
                            } else {
                                name
                            });
                        }
                        ProfileColumn::Environment => {
                            let environment = tr.text(match &profile.environment {
                                Environment::Production => "title-production",
                                Environment::Sandbox => "title-sandbox",
                                Environment::Simulator { .. } => "title-simulator",
                                Environment::Custom { .. } => "title-custom",
                            });
                            label(ui, environment, rtl);
                        }
                        ProfileColumn::Merchant => {
                            ui.label(&profile.merchant_identifier);
                        }
                        ProfileColumn::ShaType => {
                            ui.label(&profile.sha_type);
                        }
                        ProfileColumn::Actions => {
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
                        }
                        ProfileColumn::Verdict => {
                            if let Some((_, verdict)) =
                                self.verdicts.iter().find(|(name, _)| name == &profile.name)
                            {
                                label(ui, verdict, rtl);
                            }
                        }
                    });
                }
            });
        });
    }

    pub fn ui(&mut self, ui: &mut Ui, tr: &Tr, active: &str, commands: &mut Vec<AppCommand>) {
        let rtl = tr.is_rtl();
        heading(ui, &tr.text("profiles-title"), rtl);
        if self.profiles.is_empty() {
            widgets_row(ui, rtl, |ui| label(ui, tr.text("profiles-none"), rtl));
        }
        self.list_ui(ui, tr, active, commands);
        ui.separator();
        heading(ui, &tr.text("profile-add"), rtl);
        let secret_ids = SecretField::ALL.map(|field| (field, self.secret_field_id(field)));
        let language = tr.language();
        let problems = self.form.checked(language).err().unwrap_or_default();
        let form = &mut self.form;
        let mut touched = std::mem::take(&mut form.touched);
        FormGrid::new("profile-form", rtl).show(ui, |rows| {
            text_row(
                rows,
                tr,
                &problems,
                &mut touched,
                "profile-name",
                "name",
                &mut form.name,
            );
            rows.row(&tr.text("profile-environment"), |ui, caption| {
                if forms::choice_ui(
                    ui,
                    tr,
                    "profile-environment",
                    caption,
                    &mut form.environment,
                    &ENVIRONMENTS,
                    |environment| environment_word(*environment),
                ) {
                    touched.mark("environment");
                }
            });
            if form.environment == ClientEnvironment::Simulator {
                text_row(
                    rows,
                    tr,
                    &problems,
                    &mut touched,
                    "profile-simulator-url",
                    "simulator_url",
                    &mut form.simulator_url,
                );
            }
            text_row(
                rows,
                tr,
                &problems,
                &mut touched,
                "profile-merchant-identifier",
                "merchant_identifier",
                &mut form.merchant_identifier,
            );
            rows.row(&tr.text("profile-sha-type"), |ui, caption| {
                if forms::choice_ui(
                    ui,
                    tr,
                    "profile-sha-type",
                    caption,
                    &mut form.sha_type,
                    &ShaType::ALL,
                    |sha_type| forms::sha_type_word(*sha_type),
                ) {
                    touched.mark("sha_type");
                }
            });
            for (field, id) in secret_ids {
                rows.row(&tr.text(field.label_id()), |ui, caption| {
                    let edit = egui::TextEdit::singleline(field.value(form))
                        .password(true)
                        .desired_width(280.0);
                    let response = super::widgets::ephemeral_text_edit(ui, edit, id, false)
                        .labelled_by(caption);
                    touched.track(field.name(), &response);
                    profile_error_ui(ui, tr, &problems, field.name(), &touched);
                });
            }
            text_row(
                rows,
                tr,
                &problems,
                &mut touched,
                "profile-name-en",
                "name_en",
                &mut form.name_en,
            );
            text_row(
                rows,
                tr,
                &problems,
                &mut touched,
                "profile-name-ar",
                "name_ar",
                &mut form.name_ar,
            );
            rows.row(&tr.text("profile-time-zone"), |ui, caption| {
                if forms::choice_ui(
                    ui,
                    tr,
                    "profile-time-zone",
                    caption,
                    &mut form.time_zone_choice,
                    &TIME_ZONES,
                    |choice| choice.word(),
                ) {
                    touched.mark("time_zone");
                }
            });
            if form.time_zone_choice == TimeZoneChoice::Other {
                text_row(
                    rows,
                    tr,
                    &problems,
                    &mut touched,
                    "profile-time-zone-other",
                    "time_zone",
                    &mut form.time_zone,
                );
            }
        });
        form.touched = touched;
        let mut retire = false;
        widgets_row(ui, rtl, |ui| {
            if ui
                .button(widget_text(ui, &tr.text("profile-save"), rtl, true))
                .clicked()
            {
                match form.take(language) {
                    Ok((profile, secrets)) => {
                        self.error = None;
                        retire = true;
                        form.touched.clear();
                        commands.push(AppCommand::SaveProfile(Box::new((profile, secrets))));
                    }
                    // Every error shows, each under its field.
                    Err(_) => form.touched.submit(),
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
