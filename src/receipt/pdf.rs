//! Receipt layouts drawn into a PDF with printpdf.
//!
//! printpdf places text but does not shape it, so every line is shaped by
//! [`crate::text`] and placed glyph by glyph; each glyph carries the
//! characters it stands for, which become the PDF's ToUnicode map, so that
//! copying or extracting the receipt's text gives real Arabic and English
//! words. Fonts are embedded and subset (only the glyphs used).
//!
//! Layouts are drawn top-down on a [`Canvas`] and turned into PDF
//! coordinates (bottom-up) at the end, when the thermal roll's length is
//! known.
//!
//! The merchant's logo (a PNG or JPEG named by the profile) is drawn at the
//! top, scaled to fit a box and never stretched. A logo that cannot be read
//! is left out, with a warning in the log: the receipt matters more.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use printpdf::{
    Codepoint, Color, FontId, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, RawImage, Rgb, TextItem, TextMatrix, XObjectId,
    XObjectTransform,
};

use super::Receipt;
use crate::aps::Language;
use crate::text::Face;
use crate::text::bidi::is_arabic;
use crate::text::fonts::{self, Weight};
use crate::text::shape::{Faces, ShapedLine, shape_line};

/// The paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// 210 × 297 mm; with both languages, English and Arabic side by side.
    #[default]
    A4,
    /// An 80 mm roll (72 mm printable), as long as the receipt; both
    /// languages stacked.
    Thermal,
}

/// Which language(s) the receipt speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptLanguage {
    En,
    Ar,
    Both,
}

impl ReceiptLanguage {
    fn languages(self) -> &'static [Language] {
        match self {
            ReceiptLanguage::En => &[Language::En],
            ReceiptLanguage::Ar => &[Language::Ar],
            ReceiptLanguage::Both => &[Language::En, Language::Ar],
        }
    }
}

const FACES: [(Face, Weight); 4] = [
    (Face::Latin, Weight::Regular),
    (Face::Latin, Weight::Bold),
    (Face::Arabic, Weight::Regular),
    (Face::Arabic, Weight::Bold),
];

/// Parsed once per process: parsing the fonts costs more than a receipt.
fn shaping_faces() -> &'static Faces {
    static FACES_CELL: OnceLock<Faces> = OnceLock::new();
    FACES_CELL.get_or_init(Faces::bundled)
}

fn parsed_fonts() -> &'static [ParsedFont] {
    static PARSED: OnceLock<Vec<ParsedFont>> = OnceLock::new();
    PARSED.get_or_init(|| {
        FACES
            .iter()
            .filter_map(|&(face, weight)| {
                ParsedFont::from_bytes(fonts::bytes(face, weight), 0, &mut Vec::new())
            })
            .collect()
    })
}

/// Something drawn, with `top` measured down from the top of the page.
#[derive(Debug, Clone)]
enum Item {
    Text {
        face: Face,
        weight: Weight,
        size: f32,
        left: f32,
        baseline_from_top: f32,
        line: ShapedLine,
    },
    Rule {
        from: f32,
        to: f32,
        from_top: f32,
    },
    /// The merchant's logo, `width` × `height` points.
    Logo {
        left: f32,
        top: f32,
        width: f32,
        height: f32,
    },
}

/// The largest logo file read (a logo is a few kilobytes; this bounds the
/// memory a wrong path can cost).
const MAX_LOGO_BYTES: u64 = 4 * 1024 * 1024;

/// The box a logo is scaled into, in points: width and height.
const LOGO_BOX: (f32, f32) = (144.0, 56.0);

/// A decoded logo and its size in pixels.
struct Logo {
    image: RawImage,
    width_px: f32,
    height_px: f32,
}

impl Logo {
    /// Reads and decodes the PNG or JPEG at `path`; `None` (and a warning)
    /// when it cannot.
    fn load(path: &std::path::Path) -> Option<Logo> {
        let read = || -> Result<Logo, String> {
            let size = std::fs::metadata(path)
                .map_err(|error| error.to_string())?
                .len();
            if size > MAX_LOGO_BYTES {
                return Err(format!("{size} bytes, more than {MAX_LOGO_BYTES}"));
            }
            let bytes = std::fs::read(path).map_err(|error| error.to_string())?;
            let image = RawImage::decode_from_bytes(&bytes, &mut Vec::new())?;
            #[allow(clippy::cast_precision_loss)]
            let (width_px, height_px) = (image.width as f32, image.height as f32);
            if width_px < 1.0 || height_px < 1.0 {
                return Err("an empty image".to_owned());
            }
            Ok(Logo {
                image,
                width_px,
                height_px,
            })
        };
        match read() {
            Ok(logo) => Some(logo),
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "the receipt's logo was left out");
                None
            }
        }
    }

    /// Its size on the page: the logo box, keeping the aspect ratio, never
    /// enlarged beyond one pixel per point.
    fn size(&self) -> (f32, f32) {
        let scale = (LOGO_BOX.0 / self.width_px)
            .min(LOGO_BOX.1 / self.height_px)
            .min(1.0);
        (self.width_px * scale, self.height_px * scale)
    }
}

/// Text alignment within a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Start,
    End,
    Center,
}

/// Collects items top-down.
#[derive(Debug, Default)]
struct Canvas {
    items: Vec<Item>,
}

/// A column of the page: `left..right` in points, and its reading direction.
#[derive(Debug, Clone, Copy)]
struct Column {
    left: f32,
    right: f32,
    right_to_left: bool,
}

impl Column {
    fn width(self) -> f32 {
        self.right - self.left
    }
}

/// Greedy word wrap of `text` to `width` points.
fn wrap(text: &str, width: f32, right_to_left: bool, weight: Weight, size: f32) -> Vec<ShapedLine> {
    let faces = shaping_faces();
    let whole = shape_line(faces, text, right_to_left, weight, size);
    if whole.width <= width {
        return vec![whole];
    }
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        let candidate = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if !current.is_empty()
            && shape_line(faces, &candidate, right_to_left, weight, size).width > width
        {
            lines.push(shape_line(faces, &current, right_to_left, weight, size));
            word.clone_into(&mut current);
        } else {
            current = candidate;
        }
    }
    if !current.is_empty() {
        lines.push(shape_line(faces, &current, right_to_left, weight, size));
    }
    lines
}

impl Canvas {
    /// Draws (wrapped) text in a column; returns the new cursor.
    fn text(
        &mut self,
        column: Column,
        top: f32,
        text: &str,
        weight: Weight,
        size: f32,
        align: Align,
    ) -> f32 {
        let mut cursor = top;
        for line in wrap(text, column.width(), column.right_to_left, weight, size) {
            let start_is_right = column.right_to_left;
            let left = match (align, start_is_right) {
                (Align::Center, _) => column.left + (column.width() - line.width) / 2.0,
                (Align::Start, false) | (Align::End, true) => column.left,
                (Align::Start, true) | (Align::End, false) => column.right - line.width,
            };
            cursor += size * 1.4;
            self.push_line(line, weight, size, left, cursor);
        }
        cursor
    }

    fn push_line(&mut self, line: ShapedLine, weight: Weight, size: f32, left: f32, baseline: f32) {
        // One item per face, so that the PDF switches fonts only between runs.
        let mut by_face: BTreeMap<bool, ShapedLine> = BTreeMap::new();
        for glyph in line.glyphs {
            by_face
                .entry(glyph.face == Face::Arabic)
                .or_default()
                .glyphs
                .push(glyph);
        }
        for (arabic, glyphs) in by_face {
            self.items.push(Item::Text {
                face: if arabic { Face::Arabic } else { Face::Latin },
                weight,
                size,
                left,
                baseline_from_top: baseline,
                line: glyphs,
            });
        }
    }

    /// A label and its value on one line when they fit, else the value below.
    fn row(&mut self, column: Column, top: f32, label: &str, value: &str, emphasis: bool) -> f32 {
        let faces = shaping_faces();
        let size = if emphasis { 10.5 } else { 8.5 };
        let value_weight = if emphasis {
            Weight::Bold
        } else {
            Weight::Regular
        };
        // A value with no Arabic in it (a card number, an amount, a date) is
        // laid out left to right even in the Arabic column: the bidi
        // algorithm would otherwise flip "400555******0001" around its stars.
        let value_rtl = column.right_to_left && value.chars().any(is_arabic);
        let value_column = Column {
            right_to_left: value_rtl,
            ..column
        };
        let label_line = shape_line(faces, label, column.right_to_left, Weight::Regular, 8.5);
        let value_line = shape_line(faces, value, value_rtl, value_weight, size);
        if label_line.width + value_line.width + 8.0 <= column.width() {
            let baseline = top + size * 1.3;
            let (label_left, value_left) = if column.right_to_left {
                (column.right - label_line.width, column.left)
            } else {
                (column.left, column.right - value_line.width)
            };
            self.push_line(label_line, Weight::Regular, 8.5, label_left, baseline);
            self.push_line(value_line, value_weight, size, value_left, baseline);
            return baseline + 2.5;
        }
        let after_label = self.text(column, top, label, Weight::Regular, 8.5, Align::Start);
        // The value's side: the left in the Arabic column, the right in the English one.
        let align = if column.right_to_left && !value_rtl {
            Align::Start
        } else {
            Align::End
        };
        self.text(value_column, after_label, value, value_weight, size, align) + 2.5
    }

    fn rule(&mut self, column: Column, top: f32) -> f32 {
        self.items.push(Item::Rule {
            from: column.left,
            to: column.right,
            from_top: top + 4.0,
        });
        top + 8.0
    }

    /// The logo centred between `left` and `right`; returns the cursor below it.
    fn logo(&mut self, left: f32, right: f32, top: f32, size: Option<(f32, f32)>) -> f32 {
        let Some((width, height)) = size else {
            return top;
        };
        self.items.push(Item::Logo {
            left: left + (right - left - width) / 2.0,
            top,
            width,
            height,
        });
        top + height + 6.0
    }

    /// One language's whole receipt in a column; returns the cursor. A
    /// receipt in one language only still says in both that it is not a tax
    /// invoice (`both_notices`).
    fn receipt(
        &mut self,
        column: Column,
        top: f32,
        receipt: &Receipt,
        language: Language,
        both_notices: bool,
    ) -> f32 {
        let mut cursor = top;
        for (index, line) in receipt.header(language).iter().enumerate() {
            let (weight, size) = if index == 0 {
                (Weight::Bold, 12.5)
            } else {
                (Weight::Regular, 8.5)
            };
            cursor = self.text(column, cursor, line, weight, size, Align::Center);
        }
        cursor = self.text(
            column,
            cursor + 4.0,
            receipt.kind.title(language),
            Weight::Bold,
            11.0,
            Align::Center,
        );
        cursor = self.rule(column, cursor);
        for row in receipt.rows(language) {
            cursor = self.row(column, cursor, row.label, &row.value, row.emphasis);
        }
        cursor = self.rule(column, cursor);
        cursor = self.text(
            column,
            cursor,
            language.pick("Thank you for your business", "نشكركم على تعاملكم معنا"),
            Weight::Regular,
            8.5,
            Align::Center,
        );
        let other = match language {
            Language::En => Language::Ar,
            Language::Ar => Language::En,
        };
        let notices: &[Language] = if both_notices {
            &[language, other]
        } else {
            std::slice::from_ref(&language)
        };
        cursor += 4.0;
        for notice in notices {
            let notice_column = Column {
                right_to_left: *notice == Language::Ar,
                ..column
            };
            cursor = self.text(
                notice_column,
                cursor,
                super::not_a_tax_invoice(*notice),
                Weight::Bold,
                8.5,
                Align::Center,
            );
        }
        cursor
    }

    /// The page's operations, `height` points tall.
    fn into_ops(
        self,
        height: f32,
        font_ids: &BTreeMap<(bool, bool), FontId>,
        logo: Option<(&XObjectId, &Logo)>,
    ) -> Vec<Op> {
        let mut ops = Vec::new();
        let grey = Color::Rgb(Rgb {
            r: 0.55,
            g: 0.55,
            b: 0.55,
            icc_profile: None,
        });
        for item in self.items {
            match item {
                Item::Logo {
                    left,
                    top,
                    width,
                    height: logo_height,
                } => {
                    let Some((id, logo)) = logo else {
                        continue;
                    };
                    // At 72 dpi a pixel is a point; the scale does the rest.
                    ops.push(Op::UseXobject {
                        id: id.clone(),
                        transform: XObjectTransform {
                            translate_x: Some(Pt(left)),
                            translate_y: Some(Pt(height - top - logo_height)),
                            scale_x: Some(width / logo.width_px),
                            scale_y: Some(logo_height / logo.height_px),
                            dpi: Some(72.0),
                            ..XObjectTransform::default()
                        },
                    });
                }
                Item::Rule { from, to, from_top } => {
                    let y = Pt(height - from_top);
                    ops.push(Op::SetOutlineColor { col: grey.clone() });
                    ops.push(Op::SetOutlineThickness { pt: Pt(0.5) });
                    ops.push(Op::DrawLine {
                        line: Line {
                            points: vec![
                                LinePoint {
                                    p: Point { x: Pt(from), y },
                                    bezier: false,
                                },
                                LinePoint {
                                    p: Point { x: Pt(to), y },
                                    bezier: false,
                                },
                            ],
                            is_closed: false,
                        },
                    });
                }
                Item::Text {
                    face,
                    weight,
                    size,
                    left,
                    baseline_from_top,
                    line,
                } => {
                    let Some(font) = font_ids.get(&(face == Face::Arabic, weight == Weight::Bold))
                    else {
                        continue;
                    };
                    ops.push(Op::StartTextSection);
                    ops.push(Op::SetFont {
                        font: PdfFontHandle::External(font.clone()),
                        size: Pt(size),
                    });
                    for glyph in line.glyphs {
                        ops.push(Op::SetTextMatrix {
                            matrix: TextMatrix::Translate(
                                Pt(left + glyph.x),
                                Pt(height - baseline_from_top + glyph.y),
                            ),
                        });
                        ops.push(Op::ShowText {
                            items: vec![TextItem::GlyphIds(vec![Codepoint {
                                gid: glyph.glyph_id,
                                offset: 0.0,
                                cid: Some(glyph.text),
                            }])],
                        });
                    }
                    ops.push(Op::EndTextSection);
                }
            }
        }
        ops
    }
}

const A4_WIDTH: f32 = 595.28;
const A4_HEIGHT: f32 = 841.89;
/// 80 mm.
const ROLL_WIDTH: f32 = 226.77;

/// Lays out one receipt: its canvas and page height. `logo` is the logo's
/// size on the page, when there is one.
fn lay_out(
    receipt: &Receipt,
    language: ReceiptLanguage,
    layout: Layout,
    logo: Option<(f32, f32)>,
) -> (Canvas, f32, f32) {
    let mut canvas = Canvas::default();
    let single = language.languages().len() == 1;
    let column = |left, right, language: Language| Column {
        left,
        right,
        right_to_left: language == Language::Ar,
    };
    match layout {
        Layout::A4 => {
            let top = canvas.logo(40.0, A4_WIDTH - 40.0, 40.0, logo) + 8.0;
            if let [only] = language.languages() {
                canvas.receipt(
                    column(90.0, A4_WIDTH - 90.0, *only),
                    top,
                    receipt,
                    *only,
                    single,
                );
            } else {
                canvas.receipt(
                    column(40.0, 282.0, Language::En),
                    top,
                    receipt,
                    Language::En,
                    single,
                );
                canvas.receipt(
                    column(313.0, A4_WIDTH - 40.0, Language::Ar),
                    top,
                    receipt,
                    Language::Ar,
                    single,
                );
            }
            (canvas, A4_WIDTH, A4_HEIGHT)
        }
        Layout::Thermal => {
            // A roll prints narrower than the A4 box.
            let logo = logo.map(|(width, height)| {
                let scale = ((ROLL_WIDTH - 60.0) / width).min(1.0);
                (width * scale, height * scale)
            });
            let mut cursor = canvas.logo(12.0, ROLL_WIDTH - 12.0, 14.0, logo);
            for (index, language) in language.languages().iter().enumerate() {
                if index > 0 {
                    cursor =
                        canvas.rule(column(10.0, ROLL_WIDTH - 10.0, *language), cursor + 6.0) + 6.0;
                }
                cursor = canvas.receipt(
                    column(12.0, ROLL_WIDTH - 12.0, *language),
                    cursor,
                    receipt,
                    *language,
                    single,
                );
            }
            (canvas, ROLL_WIDTH, cursor + 20.0)
        }
    }
}

fn document(
    receipts: &[Receipt],
    language: ReceiptLanguage,
    layout: Layout,
    title: &str,
) -> Vec<u8> {
    let mut document = PdfDocument::new(title);
    let mut font_ids = BTreeMap::new();
    for (&(face, weight), parsed) in FACES.iter().zip(parsed_fonts()) {
        font_ids.insert(
            (face == Face::Arabic, weight == Weight::Bold),
            document.add_font(parsed),
        );
    }
    // One image object per logo file, however many receipts use it.
    let mut logos: BTreeMap<std::path::PathBuf, Option<(XObjectId, Logo)>> = BTreeMap::new();
    for path in receipts
        .iter()
        .filter_map(|receipt| receipt.merchant.logo.clone())
    {
        if let std::collections::btree_map::Entry::Vacant(slot) = logos.entry(path) {
            let loaded = Logo::load(slot.key()).map(|logo| (document.add_image(&logo.image), logo));
            slot.insert(loaded);
        }
    }
    let pages = receipts
        .iter()
        .map(|receipt| {
            let logo = receipt
                .merchant
                .logo
                .as_ref()
                .and_then(|path| logos.get(path))
                .and_then(Option::as_ref)
                .map(|(id, logo)| (id, logo));
            let (canvas, width, height) =
                lay_out(receipt, language, layout, logo.map(|(_, logo)| logo.size()));
            let ops = canvas.into_ops(height, &font_ids, logo);
            PdfPage::new(Mm::from(Pt(width)), Mm::from(Pt(height)), ops)
        })
        .collect();
    document
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut Vec::new())
}

/// One receipt as a PDF.
pub fn render(receipt: &Receipt, language: ReceiptLanguage, layout: Layout) -> Vec<u8> {
    let title = format!(
        "{} {}",
        receipt.kind.title(Language::En),
        receipt.merchant_reference
    );
    document(std::slice::from_ref(receipt), language, layout, &title)
}

/// Several receipts, one page each, in one PDF.
pub fn render_many(receipts: &[Receipt], language: ReceiptLanguage, layout: Layout) -> Vec<u8> {
    document(receipts, language, layout, "Receipts")
}
