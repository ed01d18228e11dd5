//! The tail lines of a 稿件 (a submitted news article): `来源：栖云日报`, `作者：李明`,
//! `责任编辑：王芳`, `（通讯员 赵六）` and a date line such as `2026年3月5日`, which become front
//! matter fields instead of body text. Several may share a line (`来源：栖云日报　作者：李明`).

use super::docx::{Block, Inline, plain_text};
use crate::text::dates;

/// The fields read from the tail lines.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TailFields {
    /// `source` (来源).
    pub source: Option<String>,
    /// `author` (作者).
    pub author: Option<String>,
    /// `editor` (责任编辑).
    pub editor: Option<String>,
    /// 通讯员: no front matter field of its own; goes to `extra.correspondent`.
    pub correspondent: Option<String>,
    /// `date`, as front matter writes it (`2026-03-05` or `2026-03-05 09:30`).
    pub date: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Source,
    Author,
    Editor,
    Correspondent,
}

/// The labels editors write, longest first so that `责任编辑` wins over `编辑`.
const LABELS: &[(&str, Field)] = &[
    ("稿件来源", Field::Source),
    ("信息来源", Field::Source),
    ("新闻来源", Field::Source),
    ("责任编辑", Field::Editor),
    ("撰稿人", Field::Author),
    ("通讯员", Field::Correspondent),
    ("来源", Field::Source),
    ("供稿", Field::Source),
    ("作者", Field::Author),
    ("撰稿", Field::Author),
    ("记者", Field::Author),
    ("责编", Field::Editor),
    ("编辑", Field::Editor),
];

impl TailFields {
    fn set(&mut self, field: Field, value: String) {
        let slot = match field {
            Field::Source => &mut self.source,
            Field::Author => &mut self.author,
            Field::Editor => &mut self.editor,
            Field::Correspondent => &mut self.correspondent,
        };
        // Read from the bottom up: a line higher up (written first) wins.
        *slot = Some(value);
    }
}

/// Removes the tail lines from the end of `blocks` and returns their fields. Also takes a
/// `（通讯员 …）` that closes the last paragraph.
pub fn take(blocks: &mut Vec<Block>) -> TailFields {
    let mut fields = TailFields::default();
    while let Some(Block::Paragraph(content)) = blocks.last() {
        if content
            .iter()
            .any(|i| !matches!(i, Inline::Text(_) | Inline::Break))
        {
            break;
        }
        let text = plain_text(content);
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let mut parsed = Vec::new();
        for line in &lines {
            match parse_line(line) {
                Some(found) => parsed.push(found),
                None => break,
            }
        }
        if parsed.len() != lines.len() || lines.is_empty() {
            break;
        }
        for line in parsed.into_iter().rev() {
            apply(&mut fields, line);
        }
        blocks.pop();
    }
    if let Some(Block::Paragraph(content)) = blocks.last_mut()
        && let Some((chars, line)) = closing_correspondent(&plain_text(content))
        && strip_suffix(content, chars)
    {
        apply(&mut fields, line);
    }
    fields
}

enum Line {
    Labelled(Vec<(Field, String)>),
    Date(String),
}

fn apply(fields: &mut TailFields, line: Line) {
    match line {
        Line::Labelled(pairs) => {
            for (field, value) in pairs.into_iter().rev() {
                fields.set(field, value);
            }
        }
        Line::Date(d) => fields.date = Some(d),
    }
}

/// A tail line: a date, or label–value pairs that start at its beginning.
fn parse_line(line: &str) -> Option<Line> {
    if let Some(date) = parse_date(line) {
        return Some(Line::Date(date));
    }
    let inner = unbracket(line);
    let mut pairs: Vec<(Field, usize, usize)> = Vec::new(); // field, label start, value start
    let mut at = 0;
    while at < inner.len() {
        let rest = &inner[at..];
        let starts_item = at == 0
            || inner[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_whitespace() || "，,；;）)】".contains(c));
        let found = starts_item
            .then(|| {
                LABELS.iter().find_map(|(label, field)| {
                    let after = rest.strip_prefix(label)?;
                    let sep = after.chars().next()?;
                    // `通讯员 王五` takes a space; the others a colon.
                    let ok = matches!(sep, '：' | ':')
                        || (*field == Field::Correspondent && sep.is_whitespace());
                    ok.then(|| (*field, at, at + label.len() + sep.len_utf8()))
                })
            })
            .flatten();
        match found {
            Some((field, start, value)) => {
                pairs.push((field, start, value));
                at = value;
            }
            None if pairs.is_empty() => return None,
            None => at += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    if pairs.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for (i, (field, _, value_start)) in pairs.iter().enumerate() {
        let end = pairs.get(i + 1).map_or(inner.len(), |p| p.1);
        let value = clean_value(&inner[*value_start..end]);
        if value.is_empty() {
            return None;
        }
        out.push((*field, value));
    }
    Some(Line::Labelled(out))
}

fn clean_value(value: &str) -> String {
    let trimmed = value
        .trim_matches(|c: char| c.is_whitespace() || "，,；;。".contains(c))
        .to_string();
    // Names separated by full-width spaces: one space each.
    trimmed.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text inside `（…）`, `(…)`, `【…】` or `[…]`, or the line itself.
fn unbracket(line: &str) -> &str {
    for (open, close) in [("（", "）"), ("(", ")"), ("【", "】"), ("[", "]")] {
        if let Some(inner) = line.strip_prefix(open).and_then(|l| l.strip_suffix(close)) {
            return inner.trim();
        }
    }
    line
}

/// `2026年3月5日`, `2026-03-05`, `2026.3.5`, `2026/3/5`, each optionally followed by a time
/// `9:30`, as front matter writes it; `None` for anything else or an impossible date.
fn parse_date(line: &str) -> Option<String> {
    let line = line.trim();
    let (day, time) = match line.split_once(char::is_whitespace) {
        Some((d, t)) => (d, Some(t.trim())),
        None => (line, None),
    };
    let numbers: Vec<&str> = if let Some(rest) = day.strip_suffix('日') {
        let (y, rest) = rest.split_once('年')?;
        let (m, d) = rest.split_once('月')?;
        vec![y, m, d]
    } else {
        let sep = ['-', '.', '/'].into_iter().find(|s| day.contains(*s))?;
        day.split(sep).collect()
    };
    let [y, m, d] = numbers.as_slice() else {
        return None;
    };
    let digits = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
    };
    if y.len() != 4 || !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
        return None;
    }
    let mut text = format!("{y}-{m:0>2}-{d:0>2}");
    if let Some(time) = time {
        let (h, min) = time.split_once([':', '：'])?;
        if !digits(h, 2) || !digits(min, 2) || min.len() != 2 {
            return None;
        }
        text.push_str(&format!(" {h:0>2}:{min}"));
    }
    dates::parse(&text).ok().map(|d| d.metadata())
}

/// A `（通讯员 …）` closing a paragraph: its length in characters and its field.
fn closing_correspondent(text: &str) -> Option<(usize, Line)> {
    let text = text.trim_end();
    let (open, close) = if text.ends_with('）') {
        ('（', '）')
    } else if text.ends_with(')') {
        ('(', ')')
    } else {
        return None;
    };
    let start = text.rfind(open)?;
    let inner = text[start + open.len_utf8()..text.len() - close.len_utf8()].trim();
    let value = inner
        .strip_prefix("通讯员")
        .filter(|rest| rest.starts_with(char::is_whitespace) || rest.starts_with(['：', ':']))?;
    let value = clean_value(value.trim_start_matches(['：', ':']));
    if value.is_empty() || start == 0 {
        return None;
    }
    let chars = text[start..].chars().count();
    Some((chars, Line::Labelled(vec![(Field::Correspondent, value)])))
}

/// Removes the last `chars` characters of text from `content`; false (nothing changed) when
/// they are not all plain text.
fn strip_suffix(content: &mut Vec<Inline>, mut chars: usize) -> bool {
    super::docx::trim_inlines(content);
    let mut cut = content.clone();
    while chars > 0 {
        match cut.last_mut() {
            Some(Inline::Text(span)) => {
                let n = span.text.chars().count();
                if n <= chars {
                    chars -= n;
                    cut.pop();
                } else {
                    let keep: String = span.text.chars().take(n - chars).collect();
                    span.text = keep;
                    chars = 0;
                }
            }
            _ => return false,
        }
    }
    super::docx::trim_inlines(&mut cut);
    *content = cut;
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::docx::Span;

    fn para(text: &str) -> Block {
        Block::Paragraph(vec![Inline::Text(Span {
            text: text.into(),
            bold: false,
            italic: false,
            link: None,
        })])
    }

    #[test]
    fn reads_labelled_lines_and_a_date() {
        let mut blocks = vec![
            para("正文。"),
            para("来源：栖云日报　作者：李明"),
            para("（通讯员 赵六　钱七）"),
            para("责任编辑: 王芳"),
            para("2026年3月5日"),
        ];
        let fields = take(&mut blocks);
        assert_eq!(blocks, vec![para("正文。")]);
        assert_eq!(
            fields,
            TailFields {
                source: Some("栖云日报".into()),
                author: Some("李明".into()),
                editor: Some("王芳".into()),
                correspondent: Some("赵六 钱七".into()),
                date: Some("2026-03-05".into()),
            }
        );
    }

    #[test]
    fn stops_at_the_first_line_that_is_not_a_tail_line() {
        let mut blocks = vec![
            para("作者：李明"),
            para("这句话提到来源：某处。"),
            para("2026-3-5 9:30"),
        ];
        let fields = take(&mut blocks);
        assert_eq!(fields.date.as_deref(), Some("2026-03-05 09:30"));
        assert_eq!(fields.author, None);
        assert_eq!(blocks.len(), 2);
    }

    #[test]
    fn takes_a_correspondent_closing_the_last_paragraph() {
        let mut blocks = vec![para("活动圆满结束。（通讯员 王五）")];
        let fields = take(&mut blocks);
        assert_eq!(fields.correspondent.as_deref(), Some("王五"));
        assert_eq!(blocks, vec![para("活动圆满结束。")]);
    }

    #[test]
    fn an_impossible_date_stays_in_the_text() {
        assert!(parse_date("2026年2月30日").is_none());
        assert_eq!(parse_date("2026.12.1").as_deref(), Some("2026-12-01"));
        assert!(parse_date("共12.5万人").is_none());
    }
}
