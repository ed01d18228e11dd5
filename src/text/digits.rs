//! A normalised view of a text for finding numbers the way a reader sees them: full-width
//! digits and signs read as ASCII, every kind of space reads as one space, zero-width
//! characters, soft hyphens and inline HTML tags (`<span>138</span>0013…`) vanish, and a few
//! HTML entities (`&nbsp;`, `&#8203;`, `&#49;`) read as the character they stand for. Every
//! byte of the view remembers the source bytes it came from, so what is found in the view is
//! reported at its place in the original text.

use std::ops::Range;

/// What a character that is neither ASCII nor mapped reads as in the view: not a digit, not a
/// separator, not part of a word.
pub const OTHER: u8 = 0;

/// The view: one ASCII byte per read character, and where each came from in the source.
#[derive(Debug, Default)]
pub struct DigitView {
    /// The normalised text: ASCII as written, mapped characters, [`OTHER`] for the rest.
    pub bytes: Vec<u8>,
    /// For each byte of `bytes`, the source bytes of the character it was read from.
    pub source: Vec<Range<usize>>,
}

/// Inline HTML elements that do not break a number when they wrap part of it.
const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "code", "del", "em", "font", "i", "ins", "kbd", "mark", "q",
    "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "tt", "u", "var", "wbr",
];

impl DigitView {
    /// Reads `text` into the view.
    pub fn new(text: &str) -> DigitView {
        let mut view = DigitView {
            bytes: Vec::with_capacity(text.len()),
            source: Vec::with_capacity(text.len()),
        };
        let mut i = 0;
        while i < text.len() {
            let rest = &text[i..];
            if rest.starts_with('<')
                && let Some((len, inline)) = html_tag(rest)
            {
                if !inline {
                    view.push(b'\n', i..i + len);
                }
                i += len;
                continue;
            }
            if rest.starts_with('&')
                && let Some((len, c)) = html_entity(rest)
            {
                if let Some(b) = read_char(c) {
                    view.push(b, i..i + len);
                }
                i += len;
                continue;
            }
            let Some(c) = rest.chars().next() else { break };
            if let Some(b) = read_char(c) {
                view.push(b, i..i + c.len_utf8());
            }
            i += c.len_utf8();
        }
        view
    }

    fn push(&mut self, b: u8, source: Range<usize>) {
        self.bytes.push(b);
        self.source.push(source);
    }

    /// The source bytes of the view's bytes `range` (empty range: empty at the source end).
    pub fn source_range(&self, range: Range<usize>) -> Range<usize> {
        match (self.source.get(range.start), range.end.checked_sub(1)) {
            (Some(first), Some(last)) if last >= range.start => {
                first.start..self.source.get(last).map_or(first.end, |r| r.end)
            }
            _ => 0..0,
        }
    }
}

/// What one character reads as, or `None` for characters that vanish.
fn read_char(c: char) -> Option<u8> {
    match c {
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => None,
        ' ' | '\t' | '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{3000}' => Some(b' '),
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{FF0D}' => Some(b'-'),
        '\u{FF01}'..='\u{FF5E}' => {
            // Full-width ASCII (０-９, Ｘ, ＋…): the same character at U+0021..U+007E.
            u8::try_from(u32::from(c) - 0xFF01 + 0x21).ok()
        }
        c if c.is_ascii() => Some(c as u8),
        _ => Some(OTHER),
    }
}

/// An HTML tag (or comment) at the start of `text`: its length, and whether it is inline
/// (vanishes) rather than a break.
fn html_tag(text: &str) -> Option<(usize, bool)> {
    if let Some(body) = text.strip_prefix("<!--") {
        return body.find("-->").map(|end| (4 + end + 3, true));
    }
    let name_start = if text[1..].starts_with('/') { 2 } else { 1 };
    let name: &str = &text[name_start..];
    let name_len = name
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    if name_len == 0 || !name.as_bytes()[0].is_ascii_alphabetic() {
        return None;
    }
    let after = &name[name_len..];
    if !after.starts_with(['>', ' ', '/', '\t', '\n']) {
        return None;
    }
    let close = text.find('>')?;
    if text[1..close].contains('<') || text[..close].contains("\n\n") {
        return None;
    }
    let tag = name[..name_len].to_ascii_lowercase();
    Some((close + 1, INLINE_TAGS.contains(&tag.as_str())))
}

/// An HTML entity at the start of `text` that can matter inside a number: its length and the
/// character it stands for.
fn html_entity(text: &str) -> Option<(usize, char)> {
    // `;` is ASCII, so its byte position is a character boundary.
    let end = text.bytes().take(12).position(|b| b == b';')?;
    let name = &text[1..end];
    let c = match name {
        "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "shy" | "zwsp" | "zwj" | "zwnj" | "ZeroWidthSpace" => '\u{200B}',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((end + 1, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> String {
        DigitView::new(text)
            .bytes
            .iter()
            .map(|&b| if b == OTHER { '·' } else { b as char })
            .collect()
    }

    #[test]
    fn full_width_spaces_and_zero_width_characters() {
        assert_eq!(read("１３８　００１３\u{200B}８０００"), "138 00138000");
        assert_eq!(read("电话＋８６－１３８"), "··+86-138");
        assert_eq!(read("138&nbsp;0013&#8203;8000&#49;"), "138 001380001");
        assert_eq!(read("&#1;和\u{FFFE}。&"), "\u{1}···&");
    }

    #[test]
    fn inline_tags_vanish_and_block_tags_break() {
        assert_eq!(read("<span>138</span>00138000"), "13800138000");
        assert_eq!(
            read("<td>138</td><td class=\"x\">0013</td>"),
            "\n138\n\n0013\n"
        );
        assert_eq!(read("a < b 1<2"), "a < b 1<2");
        assert_eq!(read("1<!-- x -->2"), "12");
    }

    #[test]
    fn source_ranges_point_into_the_original() {
        let text = "号<b>１</b>2";
        let view = DigitView::new(text);
        assert_eq!(view.bytes, [OTHER, b'1', b'2']);
        let range = view.source_range(1..3);
        assert_eq!(&text[range], "１</b>2");
    }
}
