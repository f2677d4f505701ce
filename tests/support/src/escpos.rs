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
