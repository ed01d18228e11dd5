//! What copying from a PDF or a web page leaves in a text: `text-stray-space`, a space between
//! two Chinese characters (`引导 和促进`, `行政法 规`) outside quotation marks (a quoted
//! slogan, “讲文明 树新风”, is spaced on purpose), and `rule-toc-pasted`, a 目录 block
//! pasted into a 条例 whose table of contents the theme already makes.

use super::document::{Doc, Prose};
use super::{Code, Finding};
use crate::markdown::articles::{chapter_line, is_toc_line, leading_number};
use crate::text::is_han;

/// Every run of spaces (ASCII or no-break) between two Han characters in the prose of `doc`,
/// except the space after a leading 第X条, 第X章 or 第X节 label, and in chapter and 目录
/// lines (whose spaces the rendering removes).
pub fn stray_spaces(prose: &Prose, doc: &Doc, out: &mut Vec<Finding>) {
    let mut line_start = 0;
    for line in prose.text.split('\n') {
        if !is_toc_line(line) && chapter_line(line).is_none() {
            for (at, quoted) in spaces_between_han(line) {
                out.push(
                    Finding::new(
                        Code::TextStraySpace,
                        doc.file,
                        format!("汉字之间有空格：“{quoted}”"),
                    )
                    .at(doc.position(prose.file_offset(line_start + at)))
                    .suggest("多见于从 PDF 复制的文字；删去空格，确需分开的请用标点"),
                );
            }
        }
        line_start += line.len() + 1;
    }
}

/// The offsets of the runs of spaces between two Han characters in `line`, each with the text
/// around it (two characters on each side).
fn spaces_between_han(line: &str) -> Vec<(usize, &str)> {
    let is_space = |c: char| c == ' ' || c == '\u{A0}';
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut found = Vec::new();
    let mut i = 1;
    while i < chars.len() {
        if !is_space(chars[i].1) || !is_han(chars[i - 1].1) {
            i += 1;
            continue;
        }
        let mut end = i;
        while end < chars.len() && is_space(chars[end].1) {
            end += 1;
        }
        // One or two spaces: a longer run is layout or a blanked URL, not a PDF's leftover.
        if end < chars.len()
            && end - i <= 2
            && is_han(chars[end].1)
            && !after_label(line, chars[i].0)
            && !in_quotes(&line[..chars[i].0])
        {
            let from = chars[i.saturating_sub(2)].0;
            let to = chars.get(end + 2).map_or(line.len(), |(o, _)| *o);
            found.push((chars[i].0, &line[from..to]));
        }
        i = end;
    }
    found
}

/// True when `before` leaves a quotation open: a slogan or a title (“讲文明 树新风”) is
/// spaced on purpose.
fn in_quotes(before: &str) -> bool {
    let depth =
        |open: char, close: char| before.matches(open).count() > before.matches(close).count();
    depth('“', '”')
        || depth('「', '」')
        || depth('《', '》')
        || before.matches('"').count() % 2 == 1
}

/// True when the text of `line` before `offset` is a label: 第X条, 第X章, 第X节 (the space
/// after it is how such lines are written).
fn after_label(line: &str, offset: usize) -> bool {
    let before = line[..offset].trim_start();
    ['条', '章', '节', '款', '项']
        .iter()
        .any(|&marker| leading_number(before, marker).is_some_and(|(_, label)| label == before))
}

/// A line of the prose of a 条例 that says 目录.
pub fn pasted_toc(prose: &Prose, doc: &Doc, out: &mut Vec<Finding>) {
    let mut offset = 0;
    for line in prose.text.split('\n') {
        if is_toc_line(line) {
            let at = offset + (line.len() - line.trim_start().len());
            out.push(
                Finding::new(
                    Code::RuleTocPasted,
                    doc.file,
                    "正文中粘贴了“目录”：主题会根据章节自动生成目录，粘贴的目录会重复",
                )
                .at(doc.position(prose.file_offset(at)))
                .suggest("删去“目录”和其下列出的各章标题"),
            );
        }
        offset += line.len() + 1;
    }
}
