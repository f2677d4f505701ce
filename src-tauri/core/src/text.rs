//! Untrusted text (typed, scanned, or sent by a peer) made fit for one line
//! of a message.

/// Control characters (line breaks, terminal escapes) become spaces, runs of
/// whitespace one space, and anything past `max` characters an ellipsis.
pub fn one_line(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut space = false;
    for c in text.chars() {
        if c.is_control() || c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            count += 1;
            space = false;
        }
        if count >= max {
            out.push('…');
            return out;
        }
        out.push(c);
        count += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn one_line_flattens_and_bounds_untrusted_text() {
        assert_eq!(
            one_line("\0\u{1}garbage  x\r\n\ty \u{1b}[2J", 100),
            "garbage x y [2J"
        );
        assert_eq!(one_line("  ", 10), "");
        assert_eq!(one_line("abcdef", 3), "abc…");
        assert_eq!(one_line("中文 ok", 10), "中文 ok");
    }
}
