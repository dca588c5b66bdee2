//! A small window that tells the operator why apsdesk did not open, for the
//! launches nobody watches a terminal for: started from the Start menu, the
//! dock or a desktop launcher, a refusal printed on stderr is never seen, and
//! the operator would just click again.
//!
//! Today it says one thing: the journal is already open in another window
//! (see [`super::instance`]). It speaks the language the operator last chose
//! (read from the window settings eframe keeps), draws nothing else, touches
//! neither the keyring nor the journal, and closes on its button, Enter or
//! Escape.

use egui::{Align, Layout, RichText, Ui};

use super::i18n::Tr;
use super::widgets;

/// What a notice says: a Fluent message id and its arguments.
pub struct Notice {
    /// Fluent id of the heading.
    pub heading: &'static str,
    /// Fluent id of the explanation.
    pub body: &'static str,
    /// A path or name shown under the explanation as it is (never translated).
    pub detail: String,
}

/// The notice as an app: the window's whole content.
pub struct NoticeWindow {
    notice: Notice,
    tr: Tr,
    /// Set once the first frame was drawn (logged once, for tests and logs).
    shown: bool,
    /// Set once the operator dismissed it (the window is closing).
    dismissed: bool,
}

impl NoticeWindow {
    pub fn new(notice: Notice, tr: Tr, ctx: &egui::Context) -> NoticeWindow {
        widgets::install_fonts(ctx);
        NoticeWindow {
            notice,
            tr,
            shown: false,
            dismissed: false,
        }
    }

    /// Draws the notice; asks the viewport to close when the operator is done.
    pub fn ui(&mut self, ui: &mut Ui) {
        if !self.shown {
            self.shown = true;
            tracing::info!("notice shown: {}", self.notice.body);
        }
        let layout = if self.tr.is_rtl() {
            Layout::top_down(Align::Max)
        } else {
            Layout::top_down(Align::Min)
        };
        let mut close = ui.input(|input| {
            input.key_pressed(egui::Key::Escape) || input.key_pressed(egui::Key::Enter)
        });
        ui.with_layout(layout, |ui| {
            ui.add_space(8.0);
            ui.label(RichText::new(self.tr.text(self.notice.heading)).heading());
            ui.add_space(6.0);
            ui.label(self.tr.text(self.notice.body));
            ui.add_space(4.0);
            ui.label(RichText::new(&self.notice.detail).monospace().small());
            ui.add_space(12.0);
            close |= ui.button(self.tr.text("notice-close")).clicked();
        });
        if close {
            self.dismissed = true;
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    /// Whether the operator dismissed the notice (the window is closing).
    #[must_use]
    pub fn dismissed(&self) -> bool {
        self.dismissed
    }
}

impl eframe::App for NoticeWindow {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| NoticeWindow::ui(self, ui));
    }
}
