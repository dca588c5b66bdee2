//! Icons painted with egui's shapes: sort direction, copy, and what became of
//! an order or an operation. Painted rather than taken from a font, so no
//! glyph can be missing from the bundled faces (Noto Sans has no arrows), and
//! each one is drawn in the colour of the text beside it.
//!
//! An icon-only button carries its words in the accessibility tree (and as
//! its hover text): a screen reader says "Copy fort_id", never nothing.

use egui::{Color32, Pos2, Rect, Response, Sense, Shape, Stroke, Ui, Vec2, WidgetInfo};

/// The icons the app draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Icon {
    /// The column is sorted smallest (or oldest) first.
    SortAscending,
    /// Largest (or newest) first.
    SortDescending,
    Copy,
    /// Money moved as asked (captured, paid, an operation that succeeded).
    Succeeded,
    /// Refused or ended without money (declined, voided, not found, expired).
    Refused,
    /// Waiting: authorized, open, partly done.
    Waiting,
    /// Unknown outcome: reconcile before anything else.
    Warning,
    /// Delete (a saved view): a waste bin.
    Delete,
}

/// The side of an icon, in points (the height of a line of body text).
pub const SIZE: f32 = 14.0;

/// Paints `icon` in `rect` with `color`.
pub fn paint(ui: &Ui, rect: Rect, icon: Icon, color: Color32) {
    let painter = ui.painter();
    let c = rect.center();
    let r = rect.width().min(rect.height()) / 2.0 - 1.0;
    let stroke = Stroke::new(1.6, color);
    match icon {
        Icon::SortAscending | Icon::SortDescending => {
            let (tip, base) = if icon == Icon::SortAscending {
                (c.y - r * 0.7, c.y + r * 0.5)
            } else {
                (c.y + r * 0.7, c.y - r * 0.5)
            };
            let points = vec![
                Pos2::new(c.x, tip),
                Pos2::new(c.x - r * 0.8, base),
                Pos2::new(c.x + r * 0.8, base),
            ];
            painter.add(Shape::convex_polygon(points, color, Stroke::NONE));
        }
        Icon::Copy => {
            let side = r * 1.2;
            let back = Rect::from_min_size(c - Vec2::splat(r * 0.9), Vec2::splat(side));
            let front = Rect::from_min_size(c - Vec2::splat(r * 0.3), Vec2::splat(side));
            painter.rect_stroke(back, 2.0, stroke, egui::StrokeKind::Middle);
            painter.rect_filled(front, 2.0, ui.visuals().window_fill);
            painter.rect_stroke(front, 2.0, stroke, egui::StrokeKind::Middle);
        }
        Icon::Succeeded => {
            painter.circle_stroke(c, r, stroke);
            painter.line(
                vec![
                    Pos2::new(c.x - r * 0.5, c.y),
                    Pos2::new(c.x - r * 0.1, c.y + r * 0.45),
                    Pos2::new(c.x + r * 0.55, c.y - r * 0.4),
                ],
                stroke,
            );
        }
        Icon::Refused => {
            painter.circle_stroke(c, r, stroke);
            let d = r * 0.45;
            painter.line_segment([c + Vec2::new(-d, -d), c + Vec2::new(d, d)], stroke);
            painter.line_segment([c + Vec2::new(d, -d), c + Vec2::new(-d, d)], stroke);
        }
        Icon::Waiting => {
            painter.circle_stroke(c, r, stroke);
            painter.line(
                vec![
                    Pos2::new(c.x, c.y - r * 0.6),
                    c,
                    Pos2::new(c.x + r * 0.45, c.y + r * 0.2),
                ],
                stroke,
            );
        }
        Icon::Warning => {
            let points = vec![
                Pos2::new(c.x, c.y - r),
                Pos2::new(c.x + r, c.y + r * 0.85),
                Pos2::new(c.x - r, c.y + r * 0.85),
            ];
            painter.add(Shape::closed_line(points, stroke));
            painter.line_segment(
                [
                    Pos2::new(c.x, c.y - r * 0.35),
                    Pos2::new(c.x, c.y + r * 0.3),
                ],
                stroke,
            );
            painter.circle_filled(Pos2::new(c.x, c.y + r * 0.58), 1.1, color);
        }
        Icon::Delete => {
            // The lid, its handle, then the bin narrowing to its foot, with
            // two ribs.
            let lid = c.y - r * 0.65;
            painter.line_segment(
                [
                    Pos2::new(c.x - r * 0.85, lid),
                    Pos2::new(c.x + r * 0.85, lid),
                ],
                stroke,
            );
            painter.line_segment(
                [
                    Pos2::new(c.x - r * 0.25, lid - r * 0.25),
                    Pos2::new(c.x + r * 0.25, lid - r * 0.25),
                ],
                stroke,
            );
            let bin = vec![
                Pos2::new(c.x - r * 0.65, lid),
                Pos2::new(c.x - r * 0.45, c.y + r * 0.9),
                Pos2::new(c.x + r * 0.45, c.y + r * 0.9),
                Pos2::new(c.x + r * 0.65, lid),
            ];
            painter.add(Shape::line(bin, stroke));
            for x in [-0.18, 0.18] {
                painter.line_segment(
                    [
                        Pos2::new(c.x + r * x, c.y - r * 0.3),
                        Pos2::new(c.x + r * x, c.y + r * 0.6),
                    ],
                    stroke,
                );
            }
        }
    }
}

/// An icon as a picture beside text (not interactive, not in the tree).
pub fn show(ui: &mut Ui, icon: Icon, color: Color32) -> Response {
    let (rect, response) = ui.allocate_exact_size(Vec2::splat(SIZE), Sense::hover());
    paint(ui, rect, icon, color);
    response
}

/// A small button showing only `icon`; `label` is its accessible name and
/// its hover text.
pub fn button(ui: &mut Ui, icon: Icon, label: &str) -> Response {
    // egui's own button (frame, focus ring, pointer and keyboard), empty,
    // with the icon painted over it.
    let response = ui.add(
        egui::Button::new("")
            .small()
            .min_size(Vec2::splat(SIZE + 6.0)),
    );
    let color = ui.style().interact(&response).fg_stroke.color;
    paint(ui, response.rect.shrink(3.0), icon, color);
    let enabled = ui.is_enabled();
    response.widget_info(|| WidgetInfo::labeled(egui::Role::Button, enabled, label));
    response.on_hover_text(label)
}

/// The icon for an order's state.
pub fn for_state(state: crate::journal::vocabulary::OrderState) -> Icon {
    use crate::journal::vocabulary::OrderState;
    match state {
        OrderState::Captured | OrderState::LinkPaid | OrderState::Refunded => Icon::Succeeded,
        OrderState::Authorized
        | OrderState::PartiallyCaptured
        | OrderState::PartiallyRefunded
        | OrderState::LinkOpen => Icon::Waiting,
        OrderState::Voided
        | OrderState::Declined
        | OrderState::NotFound
        | OrderState::LinkExpired => Icon::Refused,
        OrderState::Unknown => Icon::Warning,
    }
}

/// The icon for what an operation came to (`None`: not sent).
pub fn for_outcome(class: Option<crate::aps::OutcomeClass>) -> Icon {
    use crate::aps::OutcomeClass;
    match class {
        Some(OutcomeClass::Succeeded) => Icon::Succeeded,
        Some(OutcomeClass::Declined) | None => Icon::Refused,
        Some(OutcomeClass::Uncertain | OutcomeClass::Untrusted) => Icon::Warning,
    }
}
