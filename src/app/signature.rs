//! The Signature tool: the signature debugger of the command line, inside
//! the app, with the phrase taken from the active profile (never shown).

use egui::{RichText, Ui};

use super::i18n::Tr;
use super::widgets::{colored_text, heading_text, widget_text};
use crate::aps::ShaType;
use crate::aps::client::Credentials;
use crate::aps::params::Params;
use crate::aps::signature::{self, SignatureCheck};

/// Which of the profile's phrases signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PhraseChoice {
    #[default]
    Request,
    Response,
}

/// What the screen holds.
#[derive(Debug, Default)]
pub struct SignatureScreen {
    pub input: String,
    pub sha_type: Option<ShaType>,
    pub phrase: PhraseChoice,
}

/// What the tool computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Computed {
    pub string_to_sign: String,
    pub signature: String,
    pub check: Option<SignatureCheck>,
}

/// Signs `input` (JSON, or a form-encoded body) with the chosen phrase; the
/// string to sign shows the phrase as `<phrase>`.
pub fn compute(input: &str, sha_type: ShaType, phrase: &str) -> Result<Computed, String> {
    let trimmed = input.trim();
    let params = if trimmed.starts_with('{') {
        Params::from_json(trimmed).map_err(|error| error.to_string())?
    } else {
        Params::from_form(trimmed)
    };
    let shown = signature::string_to_sign(&params, "<phrase>");
    let check = params
        .non_empty("signature")
        .map(|_| signature::check(&params, sha_type, phrase));
    Ok(Computed {
        string_to_sign: shown,
        signature: signature::sign(&params, sha_type, phrase),
        check,
    })
}

impl SignatureScreen {
    pub fn ui(&mut self, ui: &mut Ui, tr: &Tr, credentials: &Credentials) {
        let rtl = tr.is_rtl();
        ui.label(heading_text(ui, &tr.text("signature-title"), rtl));
        let sha_type = *self.sha_type.get_or_insert(credentials.sha_type);
        ui.horizontal(|ui| {
            let caption = ui.label(widget_text(ui, &tr.text("signature-sha-type"), rtl, false));
            egui::ComboBox::from_id_salt("signature-sha")
                .selected_text(sha_type.to_string())
                .show_ui(ui, |ui| {
                    for candidate in ShaType::ALL {
                        ui.selectable_value(
                            &mut self.sha_type,
                            Some(candidate),
                            candidate.to_string(),
                        );
                    }
                })
                .response
                .labelled_by(caption.id);
            ui.label(widget_text(
                ui,
                &tr.text("signature-phrase-from"),
                rtl,
                false,
            ));
            ui.radio_value(
                &mut self.phrase,
                PhraseChoice::Request,
                widget_text(ui, &tr.text("signature-request-phrase"), rtl, false),
            );
            ui.radio_value(
                &mut self.phrase,
                PhraseChoice::Response,
                widget_text(ui, &tr.text("signature-response-phrase"), rtl, false),
            );
        });
        let caption = ui.label(widget_text(ui, &tr.text("signature-input"), rtl, false));
        ui.add(
            egui::TextEdit::multiline(&mut self.input)
                .code_editor()
                .desired_rows(8)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(caption.id);
        if self.input.trim().is_empty() {
            return;
        }
        let phrase = match self.phrase {
            PhraseChoice::Request => credentials.request_phrase.expose(),
            PhraseChoice::Response => credentials.response_phrase.expose(),
        };
        match compute(&self.input, sha_type, phrase) {
            Ok(computed) => {
                ui.label(widget_text(ui, &tr.text("signature-string"), rtl, true));
                ui.label(RichText::new(&computed.string_to_sign).monospace().small());
                ui.label(widget_text(ui, &tr.text("signature-result"), rtl, true));
                ui.label(RichText::new(&computed.signature).monospace());
                match computed.check {
                    Some(SignatureCheck::Valid) => {
                        let valid = tr.text("signature-valid");
                        ui.label(colored_text(
                            ui,
                            &valid,
                            rtl,
                            true,
                            egui::Color32::from_rgb(0x2e, 0x9e, 0x4f),
                        ));
                    }
                    Some(_) => {
                        let invalid = tr.text("signature-invalid");
                        ui.label(colored_text(
                            ui,
                            &invalid,
                            rtl,
                            true,
                            egui::Color32::from_rgb(0xd0, 0x30, 0x30),
                        ));
                    }
                    None => {}
                }
            }
            Err(error) => {
                ui.label(colored_text(
                    ui,
                    &tr.args("signature-error", &[("error", error.into())]),
                    rtl,
                    false,
                    ui.visuals().error_fg_color,
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_phrase_is_never_in_the_string_shown() {
        let input = r#"{"command":"REFUND","amount":"1000","signature":"x"}"#;
        let computed = compute(input, ShaType::Sha256, "SECRET-PHRASE").expect("computes");
        assert!(!computed.string_to_sign.contains("SECRET-PHRASE"));
        assert!(computed.string_to_sign.starts_with("<phrase>"));
        assert_eq!(
            computed.check,
            Some(SignatureCheck::Mismatch {
                expected: computed.signature.clone(),
                received: "x".to_owned(),
            })
        );
    }
}
