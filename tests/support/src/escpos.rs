//! A small ESC/POS reader for the virtual printers: turns the bytes a
//! printer received back into lines of text (GB18030, Big5 or ASCII), the
//! QR codes it was asked to print, and its cuts. An ESC/POS command this
//! reader does not know fails the test: a printer would print garbage.

/// What a receipt printer would have printed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Printed {
    pub lines: Vec<String>,
    pub qr_codes: Vec<String>,
    pub cuts: usize,
    /// Real-time status requests (DLE EOT n) among the bytes.
    pub status_requests: usize,
    /// Raster pictures (GS v 0), in order.
    pub pictures: Vec<Picture>,
}

/// A raster picture as the printer got it: rows of `width_bytes` bytes,
/// the leftmost dot in the top bit, 1 = ink.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Picture {
    pub width_bytes: usize,
    pub height: usize,
    pub rows: Vec<u8>,
}

impl Picture {
    pub fn has_ink(&self) -> bool {
        self.rows.iter().any(|b| *b != 0)
    }
}

impl Printed {
    /// Every picture stacked, top to bottom, as a PBM file (P4: the same
    /// packing as GS v 0), for eyes or OCR.
    pub fn pictures_pbm(&self) -> Vec<u8> {
        let width = self.pictures.first().map_or(0, |p| p.width_bytes);
        assert!(
            self.pictures.iter().all(|p| p.width_bytes == width),
            "pictures of one slip are one width"
        );
        let height: usize = self.pictures.iter().map(|p| p.height).sum();
        let mut out = format!("P4\n{} {height}\n", width * 8).into_bytes();
        for p in &self.pictures {
            out.extend_from_slice(&p.rows);
        }
        out
    }
}

impl Printed {
    /// The line holding `label`, trimmed, or a panic listing every line.
    pub fn line_with(&self, label: &str) -> String {
        self.lines
            .iter()
            .find(|l| l.contains(label))
            .map(|l| l.trim().to_string())
            .unwrap_or_else(|| panic!("no line with {label:?} in {:#?}", self.lines))
    }
}

/// Reads a slip (or several) as sent to the printer.
pub fn read(bytes: &[u8], encoding: &'static encoding_rs::Encoding) -> Printed {
    let mut out = Printed::default();
    let mut text: Vec<u8> = Vec::new();
    let mut i = 0;
    let arg = |i: usize, n: usize| -> u8 {
        *bytes
            .get(i + n)
            .unwrap_or_else(|| panic!("a command cut short at byte {i}"))
    };
    let end_line = |text: &mut Vec<u8>, out: &mut Printed| {
        let (line, _, bad) = encoding.decode(text);
        assert!(!bad, "bytes that are not {}: {text:?}", encoding.name());
        out.lines.push(line.into_owned());
        text.clear();
    };
    while i < bytes.len() {
        match bytes[i] {
            0x0A => {
                end_line(&mut text, &mut out);
                i += 1;
            }
            0x1B => {
                i += match arg(i, 1) {
                    b'@' | b'2' => 2,
                    // print and feed n lines
                    b'd' => {
                        end_line(&mut text, &mut out);
                        for _ in 1..arg(i, 2) {
                            out.lines.push(String::new());
                        }
                        3
                    }
                    // justify, bold, underline, double strike, font, print
                    // mode, code table, line spacing, upside down
                    b'a' | b'E' | b'-' | b'G' | b'M' | b'!' | b't' | b'3' | b'{' | b'R' => 3,
                    other => {
                        panic!("ESC {other:#04x} at byte {i} is not a command this printer knows")
                    }
                }
            }
            // DLE EOT n: the sender asks the printer how it is.
            0x10 if arg(i, 1) == 0x04 => {
                out.status_requests += 1;
                i += 3;
            }
            0x1C => {
                i += match arg(i, 1) {
                    // Chinese character mode on / off
                    b'&' | b'.' => 2,
                    other => panic!("FS {other:#04x} at byte {i} is not known"),
                }
            }
            0x1D => match arg(i, 1) {
                // character size, smoothing, reverse
                b'!' | b'b' | b'B' => i += 3,
                b'V' => {
                    out.cuts += 1;
                    i += if matches!(arg(i, 2), 65 | 66) { 4 } else { 3 };
                }
                b'(' if arg(i, 2) == b'k' => {
                    let len = usize::from(arg(i, 3)) + 256 * usize::from(arg(i, 4));
                    let (cn, f) = (arg(i, 5), arg(i, 6));
                    if cn == 49 && f == 80 {
                        let data = &bytes[i + 8..i + 5 + len];
                        out.qr_codes
                            .push(String::from_utf8_lossy(data).into_owned());
                    }
                    i += 5 + len;
                }
                // GS v 0 m xL xH yL yH d...: a raster picture
                b'v' if arg(i, 2) == b'0' => {
                    let width_bytes = usize::from(arg(i, 4)) + 256 * usize::from(arg(i, 5));
                    let height = usize::from(arg(i, 6)) + 256 * usize::from(arg(i, 7));
                    let end = i + 8 + width_bytes * height;
                    assert!(end <= bytes.len(), "a picture cut short at byte {i}");
                    out.pictures.push(Picture {
                        width_bytes,
                        height,
                        rows: bytes[i + 8..end].to_vec(),
                    });
                    i = end;
                }
                other => panic!("GS {other:#04x} at byte {i} is not known"),
            },
            b if b < 0x20 => panic!("control byte {b:#04x} at byte {i}"),
            b => {
                text.push(b);
                i += 1;
            }
        }
    }
    if !text.is_empty() {
        end_line(&mut text, &mut out);
    }
    out
}
