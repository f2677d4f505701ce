//! Raster slips, for printers without Chinese characters: each line is
//! drawn here with a CJK font (ab_glyph) and sent as a picture, GS v 0.
//!
//! The picture keeps the text printers' grid: a column is 12 dots wide and
//! a line 24 dots high (font A), a Chinese character two columns, so the
//! layout (`layout.rs`: labels left, amounts right) is the same on every
//! printer: 48 columns make 576 dots on 80 mm paper, 32 make 384 on 58 mm.
//! Each glyph is centred in its cells (the font's Latin letters are
//! narrower than a cell).
//!
//! GS v 0 is written here rather than through `escpos`'s `graphics`
//! feature: that takes an encoded image file (and pulls in every codec of
//! the `image` crate) to decode it again, while these lines are bitmaps
//! already.

use crate::layout::{width, Line, Paper};
use crate::PrintError;
use ab_glyph::{point, Font, FontVec, PxScale, ScaleFont};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// A column's width and a line's height, in dots (font A's cell).
const CELL_W: usize = 12;
const CELL_H: usize = 24;
/// The glyphs' height in pixels: a Chinese character fills its two
/// columns with a dot to spare on each side.
const GLYPH_PX: f32 = 22.0;
/// Dots between lines.
const LEADING: usize = 6;

/// A line drawn: 1 = ink, row by row.
pub struct Bitmap {
    width: usize,
    height: usize,
    ink: Vec<bool>,
}

impl Bitmap {
    fn new(width: usize, height: usize) -> Bitmap {
        Bitmap {
            width,
            height,
            ink: vec![false; width * height],
        }
    }

    fn set(&mut self, x: i64, y: i64) {
        if let (Ok(x), Ok(y)) = (usize::try_from(x), usize::try_from(y)) {
            if x < self.width && y < self.height {
                self.ink[y * self.width + x] = true;
            }
        }
    }

    /// GS v 0 (print raster bit image, normal size): width in bytes, height
    /// in dots, then the rows, the leftmost dot in the top bit.
    pub fn gs_v_0(&self) -> Vec<u8> {
        let row_bytes = self.width.div_ceil(8);
        let [xl, xh] = u16::try_from(row_bytes).unwrap_or(u16::MAX).to_le_bytes();
        let [yl, yh] = u16::try_from(self.height).unwrap_or(u16::MAX).to_le_bytes();
        let mut out = vec![0x1D, b'v', b'0', 0, xl, xh, yl, yh];
        for row in self.ink.chunks(self.width) {
            let mut bytes = vec![0u8; row_bytes];
            for (x, _) in row.iter().enumerate().filter(|(_, ink)| **ink) {
                bytes[x / 8] |= 0x80 >> (x % 8);
            }
            out.extend_from_slice(&bytes);
        }
        out
    }
}

/// The face for the slip's language in a collection (Noto Sans CJK: JP,
/// KR, SC, TC, HK): TC for 繁體, SC otherwise. A single font, or a
/// collection without that face, gives its first.
fn face_index(language: &str) -> u32 {
    if language == "zh-Hant" {
        3
    } else {
        2
    }
}

/// Fonts read so far, by file and face.
type Fonts = Mutex<HashMap<(String, u32), Arc<FontVec>>>;

/// Fonts are read once per process (a CJK collection is about 20 MB).
fn load_font(path: &str, language: &str) -> Result<Arc<FontVec>, PrintError> {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    let index = face_index(language);
    let key = (path.to_string(), index);
    let fonts = FONTS.get_or_init(Default::default);
    if let Some(font) = fonts.lock().ok().and_then(|f| f.get(&key).cloned()) {
        return Ok(font);
    }
    let data = std::fs::read(path)
        .map_err(|e| PrintError::Content(format!("cannot read the slip's font {path}: {e}")))?;
    let font = FontVec::try_from_vec_and_index(data.clone(), index)
        .or_else(|_| FontVec::try_from_vec(data))
        .map_err(|_| {
            PrintError::Content(format!("{path} is not a font the slip can be drawn with"))
        })?;
    let font = Arc::new(font);
    if let Ok(mut fonts) = fonts.lock() {
        fonts.insert(key, font.clone());
    }
    Ok(font)
}

/// Every line of a slip as pictures (`None` for a QR code, which the
/// printer draws itself), `paper` wide.
pub fn draw(
    lines: &[Line],
    paper: Paper,
    font_path: &str,
    language: &str,
) -> Result<Vec<Option<Bitmap>>, PrintError> {
    let font = load_font(font_path, language)?;
    // The collection's bold weight beside it (NotoSansCJK-Bold.ttc), else
    // the regular one drawn a dot wider.
    let bold_path = font_path.replace("Regular", "Bold");
    let bold = if bold_path != font_path && std::path::Path::new(&bold_path).is_file() {
        Some(load_font(&bold_path, language)?)
    } else {
        None
    };
    let dots = paper.columns() * CELL_W;
    let missing: Vec<char> = lines
        .iter()
        .filter_map(text_of)
        .flat_map(|(t, _, _, _)| t.chars())
        .filter(|c| !c.is_whitespace() && font.glyph_id(*c).0 == 0)
        .collect();
    if let Some(c) = missing.first() {
        return Err(PrintError::Content(format!(
            "the slip's font {font_path} has no glyph for '{c}'; name another in printer.font"
        )));
    }
    Ok(lines
        .iter()
        .map(|line| match line {
            Line::Qr(_) => None,
            Line::Rule => {
                let mut b = Bitmap::new(dots, CELL_H / 2 + LEADING);
                for x in 0..dots {
                    for y in CELL_H / 4..CELL_H / 4 + 2 {
                        b.set(x as i64, y as i64);
                    }
                }
                Some(b)
            }
            _ => text_of(line).map(|(text, scale, strong, centred)| {
                let mut b = Bitmap::new(dots, CELL_H * scale + LEADING);
                let used = width(text) * CELL_W * scale;
                let left = if centred {
                    dots.saturating_sub(used) / 2
                } else {
                    0
                };
                match (strong, &bold) {
                    (true, Some(bold)) => draw_text(&mut b, bold, text, left, scale, false),
                    _ => draw_text(&mut b, &font, text, left, scale, strong),
                }
                b
            }),
        })
        .collect())
}

/// A line's text, size, boldness and whether it is centred.
fn text_of(line: &Line) -> Option<(&str, usize, bool, bool)> {
    match line {
        Line::Title(t) => Some((t, 2, true, true)),
        Line::Center(t) => Some((t, 1, false, true)),
        Line::Heading(t) => Some((t, 1, true, true)),
        Line::Text(t) => Some((t, 1, false, false)),
        Line::Strong(t) => Some((t, 1, true, false)),
        Line::Rule | Line::Qr(_) => None,
    }
}

/// `text` from `left` dots, `scale` times the cell; `widen` draws each dot
/// twice, side by side (bold without a bold font).
fn draw_text(b: &mut Bitmap, font: &FontVec, text: &str, left: usize, scale: usize, widen: bool) {
    let px = PxScale::from(GLYPH_PX * scale as f32);
    let scaled = font.as_scaled(px);
    let baseline = (CELL_H * scale) as f32 - scaled.descent().abs() - 1.0;
    let mut x = left;
    for c in text.chars() {
        let cell = width(&c.to_string()) * CELL_W * scale;
        if !c.is_whitespace() {
            let id = font.glyph_id(c);
            let spare = (cell as f32 - scaled.h_advance(id)).max(0.0) / 2.0;
            let glyph = id.with_scale_and_position(px, point(x as f32 + spare, baseline));
            if let Some(outline) = font.outline_glyph(glyph) {
                let bounds = outline.px_bounds();
                let (ox, oy) = (bounds.min.x as i64, bounds.min.y as i64);
                outline.draw(|gx, gy, coverage| {
                    if coverage >= 0.5 {
                        let (px, py) = (ox + i64::from(gx), oy + i64::from(gy));
                        b.set(px, py);
                        if widen {
                            b.set(px + 1, py);
                        }
                    }
                });
            }
        }
        x += cell;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn gs_v_0_packs_rows_left_dot_first() {
        let mut b = Bitmap::new(10, 2);
        b.set(0, 0);
        b.set(9, 1);
        b.set(10, 0); // off the picture: ignored
        assert_eq!(
            b.gs_v_0(),
            vec![0x1D, b'v', b'0', 0, 2, 0, 2, 0, 0x80, 0x00, 0x00, 0x40]
        );
    }
}
