//! The blocks of an imported document written as wenming Markdown: `##`/`###` headings,
//! `**bold**` and `*italic*`, lists, tables, `![图片N](…)` pictures and `[^N]` footnotes. Text
//! is escaped so that a `*` or a `1.` at the start of a line in the document stays text.

use super::docx::{Block, Inline, Span};

/// The Markdown body: `blocks`, then the notes. `picture_names[i]` is the file name of
/// picture `i`.
pub fn write(blocks: &[Block], notes: &[Vec<Inline>], picture_names: &[String]) -> String {
    let mut out = String::new();
    // The marker widths of the open list levels, to indent nested items under their parent.
    let mut list: Vec<usize> = Vec::new();
    for block in blocks {
        let is_item = matches!(block, Block::Item { .. });
        if !out.is_empty() {
            out.push('\n');
            if !is_item || list.is_empty() {
                out.push('\n');
            }
        }
        if !is_item {
            list.clear();
        }
        match block {
            Block::Title(content) | Block::Heading { content, .. } => {
                let level = match block {
                    Block::Heading { level, .. } => (*level).clamp(1, 3) as usize + 1,
                    _ => 2,
                };
                let text = inline(content, picture_names, Context::Heading);
                out.push_str(&"#".repeat(level));
                out.push(' ');
                out.push_str(&text);
            }
            Block::Paragraph(content) => {
                out.push_str(&escape_line_starts(&inline(
                    content,
                    picture_names,
                    Context::Text,
                )));
            }
            Block::Item {
                ordered,
                depth,
                number,
                content,
            } => {
                // A level deeper than one below the current one would be a code block.
                let depth = (*depth).min(list.len());
                list.truncate(depth);
                let indent = " ".repeat(list.iter().sum());
                let marker = if *ordered {
                    format!("{number}. ")
                } else {
                    "- ".to_string()
                };
                list.push(marker.chars().count());
                let continuation = format!("\n{}", " ".repeat(list.iter().sum()));
                let text = escape_line_starts(&inline(content, picture_names, Context::Text));
                out.push_str(&indent);
                out.push_str(&marker);
                out.push_str(&text.replace('\n', &continuation));
            }
            Block::Table(rows) => out.push_str(&table(rows, picture_names)),
        }
    }
    for (i, note) in notes.iter().enumerate() {
        out.push_str(if out.is_empty() { "" } else { "\n\n" });
        let text = inline(note, picture_names, Context::Text).replace('\n', "\n    ");
        out.push_str(&format!("[^{}]: {}", i + 1, text));
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

fn table(rows: &[Vec<Vec<Inline>>], picture_names: &[String]) -> String {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let mut out = String::new();
    for (r, row) in rows.iter().enumerate() {
        out.push('|');
        for c in 0..width {
            let text = row
                .get(c)
                .map(|cell| inline(cell, picture_names, Context::Cell))
                .unwrap_or_default();
            out.push(' ');
            out.push_str(&text);
            out.push_str(if text.is_empty() { "|" } else { " |" });
        }
        if r == 0 {
            out.push_str("\n|");
            out.push_str(&" --- |".repeat(width));
        }
        if r + 1 < rows.len() {
            out.push('\n');
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    Text,
    Heading,
    Cell,
}

/// Inline content as Markdown: runs of the same link and emphasis joined, line breaks as a
/// backslash at the end of the line (a space in headings, `<br>` in table cells).
fn inline(content: &[Inline], picture_names: &[String], context: Context) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < content.len() {
        match &content[i] {
            Inline::Text(first) => {
                // The spans up to the next non-text item that share this link.
                let mut group: Vec<&Span> = Vec::new();
                while let Some(Inline::Text(s)) = content.get(i) {
                    if s.link != first.link {
                        break;
                    }
                    group.push(s);
                    i += 1;
                }
                let text = emphasis(&group, context);
                match first.link.as_deref().filter(|url| safe_url(url)) {
                    Some(url) if !text.trim().is_empty() => {
                        out.push_str(&format!("[{text}]({})", link_destination(url)));
                    }
                    _ => out.push_str(&text),
                }
                continue;
            }
            Inline::Picture(n) => {
                let name = picture_names.get(*n).map_or("", String::as_str);
                out.push_str(&format!("![图片{}]({name})", n + 1));
            }
            Inline::Unsupported(reason) => {
                out.push_str(&format!("（此处原有一张图片，未能导入：{reason}）"));
            }
            Inline::Note(n) => out.push_str(&format!("[^{n}]")),
            Inline::Break => out.push_str(match context {
                Context::Text => "\\\n",
                Context::Heading => " ",
                Context::Cell => "<br>",
            }),
        }
        i += 1;
    }
    out
}

/// Spans of one link as Markdown, neighbours with the same emphasis joined first (Word splits
/// runs for reasons that do not show). Spaces stay outside the markers.
fn emphasis(spans: &[&Span], context: Context) -> String {
    let mut merged: Vec<(String, bool, bool)> = Vec::new();
    for s in spans {
        let bold = s.bold && context != Context::Heading;
        let italic = s.italic;
        match merged.last_mut() {
            Some((text, b, i)) if *b == bold && *i == italic => text.push_str(&s.text),
            _ => merged.push((s.text.clone(), bold, italic)),
        }
    }
    let mut out = String::new();
    for (text, bold, italic) in merged {
        let marker = match (bold, italic) {
            (true, true) => "***",
            (true, false) => "**",
            (false, true) => "*",
            (false, false) => "",
        };
        let core = text.trim();
        if marker.is_empty() || core.is_empty() {
            out.push_str(&escape(&text, context));
            continue;
        }
        let lead = &text[..text.len() - text.trim_start().len()];
        let trail = &text[text.trim_end().len()..];
        out.push_str(lead);
        out.push_str(marker);
        out.push_str(&escape(core, context));
        out.push_str(marker);
        out.push_str(trail);
    }
    out
}

/// Backslash-escapes the characters Markdown would read as syntax.
fn escape(text: &str, context: Context) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\\' | '*' | '_' | '[' | ']' | '`' | '<' | '>' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '|' if context == Context::Cell => out.push_str("\\|"),
            '&' if looks_like_entity(&chars[i + 1..]) => out.push_str("\\&"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

fn looks_like_entity(rest: &[char]) -> bool {
    let name: Vec<&char> = rest
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '#')
        .collect();
    !name.is_empty() && rest.get(name.len()) == Some(&';')
}

/// Escapes what would make a line of a paragraph a heading, quote, list item or rule.
fn escape_line_starts(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            let trimmed = line.trim_start();
            let lead = &line[..line.len() - trimmed.len()];
            let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
            if trimmed.starts_with(['#', '-', '+', '=']) {
                format!("{lead}\\{trimmed}")
            } else if digits > 0 && trimmed[digits..].starts_with(['.', ')']) {
                format!("{lead}{}\\{}", &trimmed[..digits], &trimmed[digits..])
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Only web and mail addresses become links (a `javascript:` or `file:` link stays text).
fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|p| lower.starts_with(p))
}

/// A link address as Markdown writes it: in `<…>` when it has spaces or parentheses.
fn link_destination(url: &str) -> String {
    let url = url.trim();
    if url.contains([' ', '(', ')']) {
        format!("<{}>", url.replace('<', "%3C").replace('>', "%3E"))
    } else {
        url.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(text: &str, bold: bool, italic: bool) -> Inline {
        Inline::Text(Span {
            text: text.into(),
            bold,
            italic,
            link: None,
        })
    }

    #[test]
    fn joins_runs_and_keeps_spaces_outside_markers() {
        let content = vec![
            span("志愿者", false, false),
            span("张三 ", true, false),
            span("和李四", true, false),
            span("在", false, false),
            span("社区", false, true),
        ];
        assert_eq!(
            inline(&content, &[], Context::Text),
            "志愿者**张三 和李四**在*社区*"
        );
        let spaced = vec![span("a", false, false), span(" b ", true, false)];
        assert_eq!(inline(&spaced, &[], Context::Text), "a **b** ");
    }

    #[test]
    fn escapes_markdown_syntax_in_text() {
        assert_eq!(
            escape("a*b_c [d] <e> &amp; {{< x >}} |", Context::Cell),
            "a\\*b\\_c \\[d\\] \\<e\\> \\&amp; {{\\< x \\>}} \\|"
        );
        assert_eq!(
            escape_line_starts("1. 不是列表\n# 不是标题"),
            "1\\. 不是列表\n\\# 不是标题"
        );
    }

    #[test]
    fn nests_lists_under_their_parent_marker() {
        let item = |ordered, depth, number, text: &str| Block::Item {
            ordered,
            depth,
            number,
            content: vec![span(text, false, false)],
        };
        let blocks = vec![
            item(true, 0, 1, "一"),
            item(false, 1, 1, "甲"),
            item(false, 3, 1, "乙"),
            item(true, 0, 2, "二"),
            Block::Paragraph(vec![span("段落", false, false)]),
        ];
        assert_eq!(
            write(&blocks, &[], &[]),
            "1. 一\n   - 甲\n     - 乙\n2. 二\n\n段落\n"
        );
    }
}
