//! The Signature tool: the signature debugger of the command line, inside
//! the app, with the phrases taken from the active profile (never shown).
//!
//! It signs requests with the request phrase, and verifies responses with
//! the response phrase. It never produces a response signature: one would be
//! accepted by the merchant's website as coming from APS, so anyone at the
//! desk could forge a payment notification.

use egui::{RichText, Ui};

use super::i18n::Tr;
use super::widgets::{colored_text, column, heading, label, row, widget_text};
use crate::aps::ShaType;
use crate::aps::client::Credentials;
use crate::aps::params::{Params, drop_final_newline};
use crate::aps::signature::{self, SignatureCheck};

/// What the tool does with the input; each mode has its own phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignatureMode {
    /// Sign a request with the request phrase (and check its signature).
    #[default]
    SignRequest,
    /// Check a response's signature with the response phrase; nothing signed.
    VerifyResponse,
}

/// What the screen holds.
#[derive(Debug, Default)]
pub struct SignatureScreen {
    pub input: String,
    pub sha_type: Option<ShaType>,
    pub mode: SignatureMode,
}

/// Whether the input's `signature` matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    Invalid,
    Missing,
}

impl From<&SignatureCheck> for Verdict {
    fn from(check: &SignatureCheck) -> Verdict {
        match check {
            SignatureCheck::Valid => Verdict::Valid,
            SignatureCheck::Missing => Verdict::Missing,
            SignatureCheck::Mismatch { .. } => Verdict::Invalid,
        }
    }
}

/// What the tool computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Computed {
    /// A request, signed with the request phrase.
    Signed {
        string_to_sign: String,
        signature: String,
        /// The input's own signature checked, when it has one.
        check: Option<Verdict>,
    },
    /// A response, checked with the response phrase: the verdict only (a
    /// mismatch's expected value would be a valid response signature).
    Verified {
        string_to_sign: String,
        verdict: Verdict,
    },
}

impl Computed {
    pub fn string_to_sign(&self) -> &str {
        match self {
            Computed::Signed { string_to_sign, .. } | Computed::Verified { string_to_sign, .. } => {
                string_to_sign
            }
        }
    }
}

/// Signs or verifies `input` (JSON, or a form-encoded body) with the phrase
/// of `mode`; the string to sign shows the phrase as `<phrase>`.
/// Why the input is not a message, in the operator's language.
fn parse_error(tr: &Tr, error: &crate::aps::params::ParseError) -> String {
    use crate::aps::params::ParseError;
    match error {
        ParseError::Json(_) => tr.text("signature-not-json"),
        ParseError::NotAnObject => tr.text("signature-not-object"),
        ParseError::DuplicateKey(key) => {
            tr.args("signature-duplicate-key", &[("key", key.clone().into())])
        }
    }
}

pub fn compute(
    input: &str,
    sha_type: ShaType,
    mode: SignatureMode,
    credentials: &Credentials,
) -> Result<Computed, crate::aps::params::ParseError> {
    // Nothing is trimmed (the go-live checklist): spaces around a JSON object
    // are not part of it, but at the ends of a form body they belong to its
    // first name or last value. Only a pasted final newline is dropped.
    let input = drop_final_newline(input);
    let params = if input.trim_start().starts_with('{') {
        Params::from_json(input)?
    } else {
        Params::from_form(input)
    };
    let string_to_sign = signature::string_to_sign(&params, "<phrase>");
    Ok(match mode {
        SignatureMode::SignRequest => {
            let phrase = credentials.request_phrase.expose();
            let check = params
                .non_empty("signature")
                .map(|_| Verdict::from(&signature::check(&params, sha_type, phrase)));
            Computed::Signed {
                string_to_sign,
                signature: signature::sign(&params, sha_type, phrase),
                check,
            }
        }
        SignatureMode::VerifyResponse => {
            let phrase = credentials.response_phrase.expose();
            Computed::Verified {
                string_to_sign,
                verdict: Verdict::from(&signature::check(&params, sha_type, phrase)),
            }
        }
    })
}

fn verdict_ui(ui: &mut Ui, tr: &Tr, verdict: Verdict) {
    let rtl = tr.is_rtl();
    let (id, color) = match verdict {
        Verdict::Valid => ("signature-valid", egui::Color32::from_rgb(0x2e, 0x9e, 0x4f)),
        Verdict::Invalid => (
            "signature-invalid",
            egui::Color32::from_rgb(0xd0, 0x30, 0x30),
        ),
        Verdict::Missing => (
            "signature-verify-missing",
            egui::Color32::from_rgb(0xd0, 0x30, 0x30),
        ),
    };
    ui.label(colored_text(ui, &tr.text(id), rtl, true, color));
}

impl SignatureScreen {
    pub fn ui(&mut self, ui: &mut Ui, tr: &Tr, credentials: &Credentials) {
        let rtl = tr.is_rtl();
        column(ui, rtl, |ui| self.body_ui(ui, tr, credentials));
    }

    /// The screen, each widget under the one before from the reading side.
    fn body_ui(&mut self, ui: &mut Ui, tr: &Tr, credentials: &Credentials) {
        let rtl = tr.is_rtl();
        heading(ui, &tr.text("signature-title"), rtl);
        let sha_type = *self.sha_type.get_or_insert(credentials.sha_type);
        row(ui, rtl, |ui| {
            let caption = ui.label(widget_text(ui, &tr.text("signature-sha-type"), rtl, false));
            let mut chosen = sha_type;
            super::forms::choice_ui(
                ui,
                tr,
                "signature-sha",
                caption.id,
                &mut chosen,
                &ShaType::ALL,
                |sha_type| super::forms::sha_type_word(*sha_type),
            );
            self.sha_type = Some(chosen);
            ui.label(widget_text(
                ui,
                &tr.text("signature-phrase-from"),
                rtl,
                false,
            ));
            ui.radio_value(
                &mut self.mode,
                SignatureMode::SignRequest,
                widget_text(ui, &tr.text("signature-request-phrase"), rtl, false),
            );
            ui.radio_value(
                &mut self.mode,
                SignatureMode::VerifyResponse,
                widget_text(ui, &tr.text("signature-response-phrase"), rtl, false),
            );
        });
        if self.mode == SignatureMode::VerifyResponse {
            label(ui, tr.text("signature-response-note"), rtl);
        }
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
        match compute(&self.input, sha_type, self.mode, credentials) {
            Ok(computed) => {
                ui.label(widget_text(ui, &tr.text("signature-string"), rtl, true));
                // Protocol text, read left to right in either language.
                ui.add(
                    egui::Label::new(RichText::new(computed.string_to_sign()).monospace().small())
                        .halign(egui::Align::LEFT),
                );
                match computed {
                    Computed::Signed {
                        signature, check, ..
                    } => {
                        ui.label(widget_text(ui, &tr.text("signature-result"), rtl, true));
                        ui.label(RichText::new(signature).monospace());
                        if let Some(verdict) = check {
                            verdict_ui(ui, tr, verdict);
                        }
                    }
                    Computed::Verified { verdict, .. } => verdict_ui(ui, tr, verdict),
                }
            }
            Err(error) => {
                ui.label(colored_text(
                    ui,
                    &tr.args(
                        "signature-error",
                        &[("error", parse_error(tr, &error).into())],
                    ),
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
    use crate::aps::Secret;

    fn credentials() -> Credentials {
        Credentials {
            merchant_identifier: "MID".to_owned(),
            access_code: Secret::new("ACCESS"),
            sha_type: ShaType::Sha256,
            request_phrase: Secret::new("REQUEST-PHRASE"),
            response_phrase: Secret::new("RESPONSE-PHRASE"),
        }
    }

    #[test]
    fn the_phrase_is_never_in_the_string_shown() {
        let input = r#"{"command":"REFUND","amount":"1000","signature":"x"}"#;
        let computed = compute(
            input,
            ShaType::Sha256,
            SignatureMode::SignRequest,
            &credentials(),
        )
        .expect("computes");
        assert!(!computed.string_to_sign().contains("REQUEST-PHRASE"));
        assert!(computed.string_to_sign().starts_with("<phrase>"));
        assert!(matches!(
            computed,
            Computed::Signed {
                check: Some(Verdict::Invalid),
                ..
            }
        ));
    }

    /// The go-live checklist: no trimming. Spaces at both ends of a form body
    /// belong to its first name and last value; only a final newline goes.
    #[test]
    fn the_tool_trims_nothing() {
        let computed = compute(
            "  a=1&b=x  \n",
            ShaType::Sha256,
            SignatureMode::SignRequest,
            &credentials(),
        )
        .expect("computes");
        assert_eq!(computed.string_to_sign(), "<phrase>  a=1b=x  <phrase>");
        let Computed::Signed { signature, .. } = computed else {
            panic!("a request is signed");
        };
        assert_eq!(
            signature,
            signature::digest_hex(
                ShaType::Sha256,
                "REQUEST-PHRASE",
                "REQUEST-PHRASE  a=1b=x  REQUEST-PHRASE"
            )
        );
        // JSON keeps its values as they are; an empty one is left out.
        let computed = compute(
            " {\"a\":\" 1 \",\"b\":\"\"} ",
            ShaType::Sha256,
            SignatureMode::SignRequest,
            &credentials(),
        )
        .expect("computes");
        assert_eq!(computed.string_to_sign(), "<phrase>a= 1 <phrase>");
    }

    #[test]
    fn a_response_is_verified_never_signed() {
        let unsigned = r#"{"command":"CAPTURE","response_code":"04000","amount":"1000"}"#;
        let params = Params::from_json(unsigned).expect("json");
        let forged = signature::sign(&params, ShaType::Sha256, "RESPONSE-PHRASE");
        let computed = compute(
            unsigned,
            ShaType::Sha256,
            SignatureMode::VerifyResponse,
            &credentials(),
        )
        .expect("computes");
        assert_eq!(
            computed,
            Computed::Verified {
                string_to_sign: signature::string_to_sign(&params, "<phrase>"),
                verdict: Verdict::Missing,
            }
        );
        assert!(!format!("{computed:?}").contains(&forged));
        // A request is signed with the request phrase, not the response's.
        let Computed::Signed { signature, .. } = compute(
            unsigned,
            ShaType::Sha256,
            SignatureMode::SignRequest,
            &credentials(),
        )
        .expect("computes") else {
            panic!("a request is signed");
        };
        assert_eq!(
            signature,
            crate::aps::signature::sign(&params, ShaType::Sha256, "REQUEST-PHRASE")
        );
    }
}
