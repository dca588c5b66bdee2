//! Visual runs of a line: the Unicode bidi algorithm, then one run per face.

use unicode_bidi::{BidiInfo, Level};

/// Which bundled face draws a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Face {
    Arabic,
    Latin,
}

/// A piece of a line drawn left to right on the page in this order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisualRun<'a> {
    /// The characters in logical (reading) order; a right-to-left run is
    /// drawn from its end.
    pub text: &'a str,
    pub right_to_left: bool,
    pub face: Face,
}

/// Whether the Arabic face must draw this character.
pub fn is_arabic(c: char) -> bool {
    matches!(c,
        '\u{0600}'..='\u{06FF}'
        | '\u{0750}'..='\u{077F}'
        | '\u{08A0}'..='\u{08FF}'
        | '\u{FB50}'..='\u{FDFF}'
        | '\u{FE70}'..='\u{FEFF}')
}

/// Whether a character takes the face of its neighbours: white space only.
/// Punctuation and digits stay in the Latin face, which has them all (the
/// Arabic face lacks some, such as `/`), except Arabic punctuation.
fn is_neutral(c: char) -> bool {
    c.is_whitespace()
}

/// Splits one bidi run (logical text) into face segments, in logical order.
fn face_segments(text: &str) -> Vec<(&str, Face)> {
    let mut segments: Vec<(usize, usize, Face)> = Vec::new();
    for (index, c) in text.char_indices() {
        let end = index + c.len_utf8();
        let face = if is_arabic(c) {
            Some(Face::Arabic)
        } else if is_neutral(c) {
            None
        } else {
            Some(Face::Latin)
        };
        match (segments.last_mut(), face) {
            (Some(last), None) => last.1 = end,
            (Some(last), Some(face)) if last.2 == face => last.1 = end,
            (_, face) => segments.push((index, end, face.unwrap_or(Face::Latin))),
        }
    }
    // A line that starts with neutrals took the Latin face for them; give them
    // to the first real segment's face instead.
    if segments.len() > 1 && text[segments[0].0..segments[0].1].chars().all(is_neutral) {
        let first = segments.remove(0);
        segments[0].0 = first.0;
    }
    segments
        .into_iter()
        .map(|(start, end, face)| (&text[start..end], face))
        .collect()
}

/// The runs of one line (no line breaks inside) in visual order, left to
/// right. `right_to_left` is the paragraph direction: the layout's (Arabic
/// screens and receipts), not guessed from the text, so that a line starting
/// with a reference still reads right to left.
pub fn visual_runs(line: &str, right_to_left: bool) -> Vec<VisualRun<'_>> {
    if line.is_empty() {
        return Vec::new();
    }
    let base = if right_to_left {
        Level::rtl()
    } else {
        Level::ltr()
    };
    let info = BidiInfo::new(line, Some(base));
    let mut runs = Vec::new();
    for paragraph in &info.paragraphs {
        let (levels, level_runs) = info.visual_runs(paragraph, paragraph.range.clone());
        for range in level_runs {
            let rtl = levels[range.start].is_rtl();
            let text = &line[range];
            let mut segments = face_segments(text);
            if rtl {
                // Logical order runs right to left on the page.
                segments.reverse();
            }
            runs.extend(segments.into_iter().map(|(text, face)| VisualRun {
                text,
                right_to_left: rtl,
                face,
            }));
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'a>(runs: &[VisualRun<'a>]) -> Vec<(&'a str, bool, Face)> {
        runs.iter()
            .map(|run| (run.text, run.right_to_left, run.face))
            .collect()
    }

    #[test]
    fn numbers_and_codes_keep_their_order_inside_arabic() {
        let runs = visual_runs("المبلغ: 12.500 KWD", true);
        // Visual, left to right: "KWD", "12.500", then the Arabic label.
        let shown: Vec<&str> = runs
            .iter()
            .map(|run| run.text.trim())
            .filter(|text| !text.is_empty())
            .collect();
        // The colon is drawn by the Latin face, on the label's left.
        assert_eq!(shown, ["KWD", "12.500", ":", "المبلغ"]);
        assert!(
            runs.last()
                .is_some_and(|run| run.right_to_left && run.face == Face::Arabic)
        );
        assert!(
            runs.iter()
                .any(|run| run.text.contains("12.500") && !run.right_to_left)
        );
    }

    #[test]
    fn english_lines_are_one_latin_run() {
        assert_eq!(
            texts(&visual_runs("Amount: 12.500 KWD", false)),
            [("Amount: 12.500 KWD", false, Face::Latin)]
        );
    }

    #[test]
    fn an_arabic_name_inside_english_is_reversed_as_a_whole() {
        let runs = visual_runs("Customer: نورة الكندري (VIP)", false);
        let arabic: Vec<_> = runs.iter().filter(|run| run.face == Face::Arabic).collect();
        assert_eq!(arabic.len(), 1);
        assert_eq!(arabic[0].text.trim(), "نورة الكندري");
        assert!(arabic[0].right_to_left);
        assert_eq!(runs[0].text, "Customer: ");
    }

    #[test]
    fn an_empty_line_has_no_runs() {
        assert!(visual_runs("", true).is_empty());
    }
}
