//! Text for people who read Arabic and English: the one bidi and shaping
//! helper that both the receipts and the desktop UI use.
//!
//! - [`bidi`]: splits a line into runs in *visual* order (Unicode bidi
//!   algorithm), each with its direction and the face that draws it. Needs no
//!   font; the UI lays out one section per run.
//! - [`shape`]: shapes those runs with harfrust into positioned glyphs that
//!   remember the characters they draw (so a PDF's text can be copied).
//! - [`fonts`]: the bundled faces (Noto Sans, Noto Sans Arabic).
//!
//! Why a helper at all: neither egui 0.37 nor printpdf 0.12 reorders mixed
//! right-to-left and left-to-right text, and printpdf does not join Arabic
//! letters. "المبلغ: 12.500 KWD" must read with the number intact.

pub mod bidi;
pub mod fonts;
pub mod shape;

pub use bidi::{Face, VisualRun, visual_runs};
