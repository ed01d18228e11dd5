//! Emphasis that touches Chinese punctuation. CommonMark lets `**` close only when it is not
//! preceded by punctuation or is followed by a space or punctuation, so `**“文明”**好` and
//! `**注意：**请` stay literal asterisks: Chinese puts no space after a closing quote or colon
//! (commonmark-spec#650; pulldown-cmark has no option for it yet). Where a delimiter run was
//! left as text and Chinese punctuation on one side blocks it, a marker space is put on its
//! other side, the text parsed again, and the markers taken out of the text events, so that
//! the run opens or closes as a Chinese reader expects. Nothing changes where the text
//! already parses, or inside code.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::shortcodes::Fragment;

/// The space put beside a blocked delimiter run: a Unicode space (so CommonMark's flanking
/// rules see whitespace) that editors do not type. A text that holds one is left alone.
pub(super) const MARKER: char = '\u{205F}';

/// The fragment with markers beside every delimiter run that Chinese punctuation kept from
/// opening or closing, or `None` when there is none (or the text already holds a marker).
pub(super) fn with_markers(
    fragment: &Fragment,
    events: &[(Event, Range<usize>)],
) -> Option<Fragment<'static>> {
    let text: &str = &fragment.text;
    if text.contains(MARKER) {
        return None;
    }
    let mut offsets = Vec::new();
    let mut in_code_block = false;
    for (event, range) in events {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Text(t) if !in_code_block && (t.contains('*') || t.contains('~')) => {
                blocked_runs(text, range.clone(), &mut offsets);
            }
            _ => {}
        }
    }
    if offsets.is_empty() {
        return None;
    }
    offsets.sort_unstable();
    offsets.dedup();
    let mut marker = [0; 4];
    Some(fragment.with_insertions(&offsets, MARKER.encode_utf8(&mut marker)))
}

/// Takes the markers out of a text event.
pub(super) fn without_markers(event: Event<'_>) -> Event<'_> {
    match event {
        Event::Text(t) if t.contains(MARKER) => Event::Text(CowStr::from(t.replace(MARKER, ""))),
        other => other,
    }
}

/// Adds to `offsets` where a marker lets each blocked `*` or `~` run touching `range` of
/// `text` open (a marker before it) or close (after it).
fn blocked_runs(text: &str, range: Range<usize>, offsets: &mut Vec<usize>) {
    let mut at = range.start;
    while at < range.end {
        let Some(c) = text[at..range.end].chars().next() else {
            break;
        };
        if c != '*' && c != '~' {
            at += c.len_utf8();
            continue;
        }
        // The parser gives each unmatched `*` as a text of its own: take the whole run.
        let mut start = at;
        while text[..start].ends_with(c) {
            start -= 1;
        }
        while text[at..].starts_with(c) {
            at += 1;
        }
        if escaped(text, start) {
            continue;
        }
        let before = text[..start].chars().next_back();
        let after = text[at..].chars().next();
        match (before, after) {
            (Some(b), Some(a)) if is_chinese_punctuation(a) && is_word(b) => offsets.push(start),
            (Some(b), Some(a)) if is_chinese_punctuation(b) && is_word(a) => offsets.push(at),
            _ => {}
        }
    }
}

/// Whether the character at `at` is escaped by an odd number of backslashes before it.
fn escaped(text: &str, at: usize) -> bool {
    text[..at].bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1
}

/// Chinese punctuation: 。，、；：？！ “” ‘’ （）《》【】「」 —— …… and the other
/// full-width and CJK symbols.
fn is_chinese_punctuation(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F
        | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65
        | 0x2018..=0x201F | 0x2014 | 0x2026 | 0x00B7
    ) && c != '\u{3000}'
}

/// A character that is neither space nor punctuation: a Han character, a letter or a digit.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() && !is_chinese_punctuation(c)
}

#[cfg(test)]
mod tests {
    use crate::markdown::{MarkdownOptions, render};

    fn html(source: &str) -> String {
        render(source, MarkdownOptions::default()).html
    }

    #[test]
    fn emphasis_closes_and_opens_beside_chinese_punctuation() {
        let cases = [
            ("**“文明”**好", "<p><strong>“文明”</strong>好</p>\n"),
            ("**注意：**请排队", "<p><strong>注意：</strong>请排队</p>\n"),
            (
                "全市**“文明”**创建",
                "<p>全市<strong>“文明”</strong>创建</p>\n",
            ),
            ("一是*（试行）*文件", "<p>一是<em>（试行）</em>文件</p>\n"),
            (
                "**《条例》**第五条",
                "<p><strong>《条例》</strong>第五条</p>\n",
            ),
            ("~~“旧称”~~新称", "<p><del>“旧称”</del>新称</p>\n"),
            ("**真。**她说", "<p><strong>真。</strong>她说</p>\n"),
        ];
        for (source, expected) in cases {
            assert_eq!(html(source), expected, "{source}");
        }
    }

    #[test]
    fn what_already_parses_code_and_escapes_are_left_as_they_are() {
        let cases = [
            ("**文明**城市", "<p><strong>文明</strong>城市</p>\n"),
            ("a **b** c", "<p>a <strong>b</strong> c</p>\n"),
            ("`**“文明”**好`", "<p><code>**“文明”**好</code></p>\n"),
            (
                "```\n**“文明”**好\n```",
                "<pre><code>**“文明”**好\n</code></pre>\n",
            ),
            ("\\*\\*“文明”\\*\\*好", "<p>**“文明”**好</p>\n"),
            ("5 * 3 = 15，2*“3”", "<p>5 * 3 = 15，2*“3”</p>\n"),
        ];
        for (source, expected) in cases {
            assert_eq!(html(source), expected, "{source}");
        }
    }

    #[test]
    fn no_marker_is_ever_published() {
        // Every arrangement of delimiters, Chinese punctuation, words, escapes, code and a
        // shortcode, three to five pieces long.
        let pieces = [
            "**",
            "*",
            "~~",
            "“",
            "”",
            "：",
            "文",
            "a",
            " ",
            "\\",
            "`",
            "{{< tip >}}x{{< /tip >}}",
        ];
        let mut n = 0usize;
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in ["", "**", "。", "好"] {
                        let source = format!("{a}{b}{c}{d}{a}");
                        let r = render(&source, MarkdownOptions::default());
                        assert!(!r.html.contains('\u{205F}'), "{source:?}: {}", r.html);
                        assert!(!r.text.contains('\u{205F}'), "{source:?}");
                        n += 1;
                    }
                }
            }
        }
        assert_eq!(n, 12 * 12 * 12 * 4);
    }

    #[test]
    fn positions_after_a_marker_still_name_the_source() {
        // The link after the fixed emphasis is found at its own line and column.
        let r = render(
            "**“文明”**好\n\n见[条例](@/rules/a.md)",
            MarkdownOptions::default(),
        );
        assert_eq!(r.links.len(), 1);
        assert_eq!(
            (r.links[0].position.line, r.links[0].position.column),
            (3, 2)
        );
        assert_eq!(r.html.matches('\u{205F}').count(), 0);
    }
}
