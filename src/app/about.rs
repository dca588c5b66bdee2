//! The About box: the version an operator reads out to support, and the
//! licences the app and its bundled fonts ship under, with their full texts
//! (embedded, so that they are there on every platform and installer).

use egui::Ui;

use super::i18n::Tr;
use super::widgets;

/// The licence texts, in the order shown.
pub const LICENCES: [(&str, &str); 3] = [
    ("MIT", include_str!("../../LICENSE-MIT")),
    ("Apache-2.0", include_str!("../../LICENSE-APACHE")),
    ("OFL-1.1", include_str!("../../assets/fonts/OFL.txt")),
];

/// The version shown (Cargo's, so it matches `apsdesk --version`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The About window; `open` goes false when it is closed.
pub fn show(ctx: &egui::Context, tr: &Tr, open: &mut bool) {
    let rtl = tr.is_rtl();
    let mut close = false;
    let title = about_title(ctx, tr);
    egui::Window::new(title)
        .id(egui::Id::unique("about"))
        .open(open)
        .collapsible(false)
        // Centred, below the banner: the account stays in view.
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .resizable(true)
        .default_width(520.0)
        .show(ctx, |ui| {
            widgets::column(ui, rtl, |ui| {
                widgets::heading(
                    ui,
                    &tr.args("about-version", &[("version", VERSION.into())]),
                    rtl,
                );
                for id in [
                    "about-description",
                    "about-licence",
                    "about-fonts",
                    "about-third-party",
                ] {
                    widgets::label(ui, tr.text(id), rtl);
                }
                ui.separator();
                texts_ui(ui, tr);
                ui.separator();
                if ui
                    .button(widgets::widget_text(
                        ui,
                        &tr.text("about-close"),
                        rtl,
                        false,
                    ))
                    .clicked()
                {
                    close = true;
                }
            });
        });
    if close {
        *open = false;
    }
}

fn texts_ui(ui: &mut Ui, tr: &Tr) {
    for (spdx, text) in LICENCES {
        let title = tr.args("about-licence-text", &[("licence", spdx.into())]);
        let title = widgets::widget_text(ui, &title, tr.is_rtl(), false);
        egui::CollapsingHeader::new(title)
            .id_salt(spdx)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .max_height(240.0)
                    .show(ui, |ui| {
                        // Legal texts are shown as written, in English.
                        ui.label(egui::RichText::new(text).monospace().small());
                    });
            });
    }
}

/// The window's title, laid out for the operator's language.
fn about_title(ctx: &egui::Context, tr: &Tr) -> egui::WidgetText {
    widgets::window_title(ctx, &tr.text("about-title"), tr.is_rtl())
}
