//! The bundled faces (`assets/fonts`, SIL Open Font License 1.1), compiled
//! into the binary so that receipts and the UI look the same on every machine.

use super::bidi::Face;

pub const LATIN_REGULAR: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Regular.ttf");
pub const LATIN_BOLD: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Bold.ttf");
pub const ARABIC_REGULAR: &[u8] = include_bytes!("../../assets/fonts/NotoSansArabic-Regular.ttf");
pub const ARABIC_BOLD: &[u8] = include_bytes!("../../assets/fonts/NotoSansArabic-Bold.ttf");

/// Regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weight {
    Regular,
    Bold,
}

/// The bytes of a face.
pub fn bytes(face: Face, weight: Weight) -> &'static [u8] {
    match (face, weight) {
        (Face::Latin, Weight::Regular) => LATIN_REGULAR,
        (Face::Latin, Weight::Bold) => LATIN_BOLD,
        (Face::Arabic, Weight::Regular) => ARABIC_REGULAR,
        (Face::Arabic, Weight::Bold) => ARABIC_BOLD,
    }
}
