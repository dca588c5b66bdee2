//! Shaping visual runs into positioned glyphs with harfrust.
//!
//! Positions are in points for a given size, from the left end of the line.
//! Each glyph keeps the characters of its cluster (on the first glyph of the
//! cluster in reading order), which is what a PDF needs for copyable text.

use harfrust::{Direction, FontRef, ShaperData, UnicodeBuffer};
use read_fonts::TableProvider as _;

use super::bidi::{Face, visual_runs};
use super::fonts::{self, Weight};

/// A face ready to shape with.
pub struct ShapingFace {
    bytes: &'static [u8],
    data: ShaperData,
    units_per_em: f32,
}

impl std::fmt::Debug for ShapingFace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ShapingFace({} bytes)", self.bytes.len())
    }
}

impl ShapingFace {
    /// A face from font bytes; `None` when they are not a font.
    pub fn new(bytes: &'static [u8]) -> Option<ShapingFace> {
        let font = FontRef::new(bytes).ok()?;
        let units_per_em = f32::from(font.head().ok()?.units_per_em());
        Some(ShapingFace {
            bytes,
            data: ShaperData::new(&font),
            units_per_em,
        })
    }

    pub fn bytes(&self) -> &'static [u8] {
        self.bytes
    }
}

/// The four bundled faces, shaped with.
#[derive(Debug)]
pub struct Faces {
    latin_regular: ShapingFace,
    latin_bold: ShapingFace,
    arabic_regular: ShapingFace,
    arabic_bold: ShapingFace,
}

impl Faces {
    /// The bundled faces (parsed once; keep the value around).
    pub fn bundled() -> Faces {
        let load = |face, weight| {
            ShapingFace::new(fonts::bytes(face, weight)).unwrap_or_else(|| {
                // The fonts are compiled in: failing here is a broken build.
                unreachable!("bundled font {face:?} {weight:?} does not parse")
            })
        };
        Faces {
            latin_regular: load(Face::Latin, Weight::Regular),
            latin_bold: load(Face::Latin, Weight::Bold),
            arabic_regular: load(Face::Arabic, Weight::Regular),
            arabic_bold: load(Face::Arabic, Weight::Bold),
        }
    }

    pub fn get(&self, face: Face, weight: Weight) -> &ShapingFace {
        match (face, weight) {
            (Face::Latin, Weight::Regular) => &self.latin_regular,
            (Face::Latin, Weight::Bold) => &self.latin_bold,
            (Face::Arabic, Weight::Regular) => &self.arabic_regular,
            (Face::Arabic, Weight::Bold) => &self.arabic_bold,
        }
    }
}

/// One glyph placed on a line.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedGlyph {
    pub face: Face,
    pub glyph_id: u16,
    /// From the line's left end, in points.
    pub x: f32,
    /// Up from the baseline, in points.
    pub y: f32,
    /// The characters this glyph stands for (empty for the other glyphs of a
    /// cluster).
    pub text: String,
}

/// A shaped line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShapedLine {
    pub glyphs: Vec<PlacedGlyph>,
    /// In points.
    pub width: f32,
}

/// The characters each glyph stands for. A PDF maps each glyph id to one
/// text for the whole document, so glyphs get single characters where the
/// cluster allows it (a letter and its mark each their own), and a ligature
/// takes all its characters on its first glyph.
fn cluster_texts(text: &str, infos: &[harfrust::GlyphInfo], right_to_left: bool) -> Vec<String> {
    let mut texts = vec![String::new(); infos.len()];
    let mut clusters: std::collections::BTreeMap<usize, Vec<usize>> =
        std::collections::BTreeMap::new();
    for (index, info) in infos.iter().enumerate() {
        clusters
            .entry(info.cluster as usize)
            .or_default()
            .push(index);
    }
    let starts: Vec<usize> = clusters.keys().copied().collect();
    for (position, (&start, glyphs)) in clusters.iter().enumerate() {
        let end = starts.get(position + 1).copied().unwrap_or(text.len());
        let chars: Vec<char> = text.get(start..end).unwrap_or_default().chars().collect();
        // Glyphs of a cluster in reading order.
        let mut glyphs = glyphs.clone();
        if right_to_left {
            glyphs.reverse();
        }
        if glyphs.len() == chars.len() {
            for (glyph, c) in glyphs.iter().zip(&chars) {
                texts[*glyph] = c.to_string();
            }
        } else if let Some(first) = glyphs.first() {
            texts[*first] = if right_to_left {
                // A right-to-left ligature (lam-alef) is extracted by PDF
                // readers glyph by glyph in visual order, its characters
                // with it: stored in visual order, they read back logically.
                chars.iter().rev().collect()
            } else {
                chars.iter().collect()
            };
        }
    }
    texts
}

/// Shapes one line at `size` points in a paragraph of the given direction.
pub fn shape_line(
    faces: &Faces,
    line: &str,
    right_to_left: bool,
    weight: Weight,
    size: f32,
) -> ShapedLine {
    let mut shaped = ShapedLine::default();
    for run in visual_runs(line, right_to_left) {
        let face = faces.get(run.face, weight);
        let Ok(font) = FontRef::new(face.bytes) else {
            continue;
        };
        let run_shaper = face.data.shaper(&font).build();
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(run.text);
        buffer.set_direction(if run.right_to_left {
            Direction::RightToLeft
        } else {
            Direction::LeftToRight
        });
        buffer.guess_segment_properties();
        let output = run_shaper.shape(buffer, harfrust::ShapeOptions::new());
        let scale = size / face.units_per_em;
        let infos = output.glyph_infos();
        let positions = output.glyph_positions();
        let texts = cluster_texts(run.text, infos, run.right_to_left);
        let mut pen = shaped.width;
        for (index, (info, position)) in infos.iter().zip(positions).enumerate() {
            #[allow(clippy::cast_precision_loss)]
            let (dx, dy, advance) = (
                position.x_offset as f32 * scale,
                position.y_offset as f32 * scale,
                position.x_advance as f32 * scale,
            );
            shaped.glyphs.push(PlacedGlyph {
                face: run.face,
                glyph_id: u16::try_from(info.glyph_id).unwrap_or(0),
                x: pen + dx,
                y: dy,
                text: texts[index].clone(),
            });
            pen += advance;
        }
        shaped.width = pen;
    }
    shaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_letters_join_and_text_survives() {
        let faces = Faces::bundled();
        let line = shape_line(&faces, "تم الاسترداد", true, Weight::Regular, 10.0);
        assert!(line.width > 10.0);
        // Every character is carried by some glyph; the lam-alef ligature of
        // "الاسترداد" carries its two letters in visual order (see `cluster_texts`).
        let mut carried: Vec<char> = line
            .glyphs
            .iter()
            .flat_map(|glyph| glyph.text.chars())
            .collect();
        let mut expected: Vec<char> = "تم الاسترداد".chars().collect();
        carried.sort_unstable();
        expected.sort_unstable();
        assert_eq!(carried, expected);
        assert!(
            line.glyphs
                .iter()
                .any(|glyph| glyph.text == "\u{0627}\u{0644}")
        );
        // Joined forms: the same letter gets different glyphs by position.
        let alone = shape_line(&faces, "ت", true, Weight::Regular, 10.0);
        let joined = shape_line(&faces, "تت", true, Weight::Regular, 10.0);
        assert_ne!(alone.glyphs[0].glyph_id, joined.glyphs[0].glyph_id);
        assert!(
            line.glyphs
                .windows(2)
                .all(|pair| pair[0].x <= pair[1].x + 0.001)
        );
    }

    #[test]
    fn latin_and_digits_come_from_the_latin_face() {
        let faces = Faces::bundled();
        let line = shape_line(&faces, "12.500 KWD", false, Weight::Bold, 12.0);
        assert!(line.glyphs.iter().all(|glyph| glyph.face == Face::Latin));
        let text: String = line
            .glyphs
            .iter()
            .map(|glyph| glyph.text.as_str())
            .collect();
        assert_eq!(text, "12.500 KWD");
        assert!(
            line.glyphs.iter().all(|glyph| glyph.glyph_id != 0),
            "no missing glyphs"
        );
    }
}
