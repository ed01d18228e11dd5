//! `text-control-char`: characters an editor cannot see and XML does not allow (C0 control
//! characters but tab and line breaks, U+FFFE, U+FFFF), written as they are or as a numeric
//! character reference (`&#1;`, `&#x0B;`). Pasted from Word or a PDF, they are invisible in
//! the editor and would make the feeds and the sitemap unreadable: wenming drops them there
//! (`text::escape_xml`) and reports where they are.

use std::path::Path;

use super::{Code, Finding};
use crate::error::LineIndex;
use crate::text::is_xml_char;

/// Every control character in `text` (a content file whose front matter ends at byte
/// `front_matter_end`): written as it is, as a character reference, or as a YAML escape in a
/// double-quoted front matter value (`title: "控制\x01字符"`).
pub fn find(text: &str, front_matter_end: usize, file: &Path, out: &mut Vec<Finding>) {
    let mut lines = None;
    let mut quotes_on_line = 0;
    for (offset, c) in text.char_indices() {
        match c {
            '\n' => quotes_on_line = 0,
            '"' => quotes_on_line += 1,
            _ => {}
        }
        let in_quoted_yaml = offset < front_matter_end && quotes_on_line % 2 == 1;
        let found = if !is_xml_char(c) {
            Some((c, 0))
        } else if c == '&' {
            character_reference(&text[offset..]).filter(|(c, _)| !is_xml_char(*c))
        } else if c == '\\' && in_quoted_yaml {
            yaml_escape(&text[offset..]).filter(|(c, _)| !is_xml_char(*c))
        } else {
            None
        };
        let Some((c, written_len)) = found else {
            continue;
        };
        let written = match text.get(offset..offset + written_len) {
            Some(w) if w.starts_with('&') => format!("字符引用 {w} 表示"),
            Some(w) if !w.is_empty() => format!("转义 {w} 表示"),
            _ => String::new(),
        };
        let index = lines.get_or_insert_with(|| LineIndex::new(text));
        out.push(
            Finding::new(
                Code::TextControlChar,
                file,
                format!(
                    "{written}不可见的控制字符 U+{:04X}，订阅源（atom.xml）和网站地图中不允许，生成时已删除",
                    u32::from(c)
                ),
            )
            .at(index.position(offset))
            .suggest("在编辑器中删除它（常见于从 Word、PDF 复制的文字）：把光标移到该位置前后逐个删除再重新输入"),
        );
    }
}

/// A numeric character reference at the start of `text` (`&#1;`, `&#x1F;`): the character
/// and the reference's length.
fn character_reference(text: &str) -> Option<(char, usize)> {
    let body = text.strip_prefix("&#")?;
    let end = body.bytes().take(9).position(|b| b == b';')?;
    let number = &body[..end];
    let code = match number.strip_prefix(['x', 'X']) {
        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
        None => number.parse().ok()?,
    };
    Some((char::from_u32(code)?, 2 + end + 1))
}

/// A YAML double-quoted escape at the start of `text` (`\x01`, `\u000B`, `\a`…): the
/// character and the escape's length.
fn yaml_escape(text: &str) -> Option<(char, usize)> {
    let rest = text.strip_prefix('\\')?;
    let simple = |c| Some((c, 2));
    let hex = |digits: usize| {
        let code = rest.get(1..1 + digits)?;
        let code = u32::from_str_radix(code, 16).ok()?;
        Some((char::from_u32(code)?, 2 + digits))
    };
    match rest.bytes().next()? {
        b'0' => simple('\0'),
        b'a' => simple('\u{7}'),
        b'b' => simple('\u{8}'),
        b'v' => simple('\u{B}'),
        b'f' => simple('\u{C}'),
        b'e' => simple('\u{1B}'),
        b'x' => hex(2),
        b'u' => hex(4),
        b'U' => hex(8),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let front_matter_end = text.find("\n---\n").map_or(0, |i| i + 5);
        find(text, front_matter_end, Path::new("content/a.md"), &mut out);
        out.into_iter()
            .map(|f| {
                format!(
                    "{}:{} {}",
                    f.line.unwrap_or(0),
                    f.column.unwrap_or(0),
                    f.message
                )
            })
            .collect()
    }

    #[test]
    fn control_characters_written_or_referenced_are_found_where_they_are() {
        assert_eq!(
            found(
                "---\ntitle: \"控制\u{1}字符\\x01\\u0007\\n\"\nsummary: 反斜杠\\x01\n---\n正文\u{B}有\\x01\n&#1;与&#x0b;和&#65;\u{FFFE}\n"
            ),
            [
                "2:11 不可见的控制字符 U+0001，订阅源（atom.xml）和网站地图中不允许，生成时已删除",
                "2:14 转义 \\x01 表示不可见的控制字符 U+0001，订阅源（atom.xml）和网站地图中不允许，生成时已删除",
                "2:18 转义 \\u0007 表示不可见的控制字符 U+0007，订阅源（atom.xml）和网站地图中不允许，生成时已删除",
                "5:3 不可见的控制字符 U+000B，订阅源（atom.xml）和网站地图中不允许，生成时已删除",
                "6:1 字符引用 &#1; 表示不可见的控制字符 U+0001，订阅源（atom.xml）和网站地图中不允许，生成时已删除",
                "6:6 字符引用 &#x0b; 表示不可见的控制字符 U+000B，订阅源（atom.xml）和网站地图中不允许，生成时已删除",
                "6:18 不可见的控制字符 U+FFFE，订阅源（atom.xml）和网站地图中不允许，生成时已删除",
            ]
        );
        assert_eq!(found("制表\t换行\r\n&amp;&#10;"), Vec::<String>::new());
    }
}
