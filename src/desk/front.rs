//! Editing a page's front matter one top-level field at a time, in place: the line of a
//! changed field is rewritten (its trailing comment kept), a new field is added at the end,
//! and every other byte — comments, unknown fields, `extra`, the order, the spacing — stays
//! as it was. A field the form did not change is not touched at all.

use std::ops::Range;

use serde_yaml::Value;

/// A top-level entry of a front matter: the bytes of its line(s).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    /// From the start of the key's line to the end of its last continuation line.
    range: Range<usize>,
    /// Only the key's line (with its `\n`).
    first_line: Range<usize>,
}

/// The entry of top-level `key` (a line `key:` at column 1 and the indented or blank lines
/// that follow it).
fn entry(front: &str, key: &str) -> Option<Entry> {
    let mut offset = 0;
    let mut found: Option<Entry> = None;
    for line in front.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        if let Some(e) = found.as_mut() {
            let continues = line.starts_with([' ', '\t']) || line.trim().is_empty();
            let item = line.starts_with("- ") || line.trim_end() == "-";
            if continues || item {
                e.range.end = offset;
                continue;
            }
            break;
        }
        let Some(rest) = line.strip_prefix(key) else {
            continue;
        };
        if rest.starts_with(':') {
            found = Some(Entry {
                range: start..offset,
                first_line: start..offset,
            });
        }
    }
    // Blank lines after the entry belong to what follows.
    found.map(|mut e| {
        let text = &front[e.range.clone()];
        let kept = text.trim_end_matches(['\n', ' ', '\t']).len();
        let end_of_line = text[kept..].find('\n').map_or(text.len(), |i| kept + i + 1);
        e.range.end = e.range.start + end_of_line.max(e.first_line.end - e.range.start);
        e
    })
}

/// The value of top-level `key` as parsed YAML, `None` when the key is absent or the front
/// matter does not parse.
pub fn value(front: &str, key: &str) -> Option<Value> {
    let map: serde_yaml::Mapping = serde_yaml::from_str(front).ok()?;
    map.get(key).cloned()
}

/// What the form shows for `key`: a scalar as text, a list of scalars joined with `、`, ""
/// for a missing or empty key; `None` for what a text box cannot show (a mapping, a list of
/// mappings, a multi-line text): the form leaves that field alone.
pub fn shown(front: &str, key: &str) -> Option<String> {
    let Some(v) = value(front, key) else {
        return Some(String::new());
    };
    // Written in a way the in-place edit cannot find (`"title": …`, a flow mapping): left
    // alone.
    entry(front, key)?;
    let text = scalar_text(&v);
    match (&v, text) {
        (_, Some(t)) if !t.contains('\n') => Some(t),
        (Value::Sequence(items), _) => {
            let texts: Option<Vec<String>> = items.iter().map(scalar_text).collect();
            texts
                .filter(|t| t.iter().all(|s| !s.contains(['\n', '、', ',', '，'])))
                .map(|t| t.join("、"))
        }
        _ => None,
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => Some(String::new()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// `text` as a YAML scalar: plain when YAML reads it back as the same string (`flow`: inside
/// `[…]`, where `,[]{}` end a plain scalar), else double-quoted.
pub fn scalar(text: &str, flow: bool) -> String {
    let plain_safe = !text.is_empty()
        && text.trim() == text
        && !text.starts_with([
            '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%',
            '@', '`',
        ])
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.ends_with(':')
        && !text.contains(|c: char| c.is_control())
        && !(flow && text.contains([',', '[', ']', '{', '}']))
        && serde_yaml::from_str::<Value>(&format!("k: {text}"))
            .ok()
            .and_then(|v| v.get("k").cloned())
            == Some(Value::String(text.to_string()));
    if plain_safe {
        text.to_string()
    } else {
        // A JSON string is a YAML double-quoted scalar.
        serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
    }
}

/// The trailing comment of a one-line entry (` # …`, with the spaces before it), when its
/// `#` stands outside quotes.
fn trailing_comment(line: &str) -> Option<&str> {
    let body = line.trim_end_matches('\n');
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (i, c) in body.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if (c == '"' || c == '\'') && matches!(previous, ' ' | ':' | '[' | ',') => {
                quote = Some(c)
            }
            None if c == '#' && (previous == ' ' || previous == '\t') => {
                let start = body[..i].trim_end_matches([' ', '\t']).len();
                return Some(&body[start..]);
            }
            None => {}
        }
        previous = c;
    }
    None
}

/// Sets top-level `key` to `yaml` (a value already written as YAML; empty: no value) in
/// `front`, in place. A missing key is added as the last line; an existing one keeps its
/// trailing comment, at the column it had when the new value fits before it.
pub fn set(front: &str, key: &str, yaml: &str) -> String {
    let Some(e) = entry(front, key) else {
        if yaml.is_empty() {
            return front.to_string();
        }
        let mut out = front.to_string();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        match yaml.strip_prefix('\n') {
            Some(block) => out.push_str(&format!("{key}:\n{block}\n")),
            None => out.push_str(&format!("{key}: {yaml}\n")),
        }
        return out;
    };
    let line = &front[e.first_line.clone()];
    let single = e.range == e.first_line;
    let comment = if single { trailing_comment(line) } else { None };
    // A block value (`\n- …`) starts on the next line; the comment stays on the key's.
    let (head, block) = match yaml.strip_prefix('\n') {
        Some(block) => ("", Some(block)),
        None => (yaml, None),
    };
    let mut new_line = if head.is_empty() {
        format!("{key}:")
    } else {
        format!("{key}: {head}")
    };
    if let Some(comment) = comment {
        let line_text = line.trim_end_matches('\n');
        let hash = comment.trim_start_matches([' ', '\t']);
        let hash_column = width(&line_text[..line_text.len() - hash.len()]);
        let used = width(&new_line);
        let pad = if used < hash_column {
            hash_column - used
        } else {
            1
        };
        new_line.push_str(&" ".repeat(pad));
        new_line.push_str(hash);
    }
    new_line.push('\n');
    if let Some(block) = block {
        new_line.push_str(block);
        new_line.push('\n');
    }
    format!(
        "{}{}{}",
        &front[..e.range.start],
        new_line,
        &front[e.range.end..]
    )
}

/// How many columns `text` takes in a monospaced editor: Chinese characters and full-width
/// forms take two.
fn width(text: &str) -> usize {
    text.chars()
        .map(|c| {
            let wide = crate::text::is_cjk(c)
                || ('\u{3000}'..='\u{303f}').contains(&c)
                || ('\u{ff01}'..='\u{ff60}').contains(&c);
            if wide { 2 } else { 1 }
        })
        .sum()
}

/// Removes top-level `key` (its line and continuation lines) from `front`.
pub fn remove(front: &str, key: &str) -> String {
    match entry(front, key) {
        Some(e) => format!("{}{}", &front[..e.range.start], &front[e.range.end..]),
        None => front.to_string(),
    }
}

/// The bytes of top-level `key`'s entry: its line and the indented lines that follow.
pub fn entry_range(front: &str, key: &str) -> Option<Range<usize>> {
    entry(front, key).map(|e| e.range)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRONT: &str = "title: \"旧标题\"\ndate: 2026-03-01          # 发布时间（北京时间）\n# 编辑的备注：不要删\nsource:                  # 来源\ntags: [学雷锋, 志愿服务]\nextra:\n  weird:   {a: 1}   # 保留\n  list:\n  - x\nauthor: 王芳\n";

    #[test]
    fn shown_values() {
        assert_eq!(shown(FRONT, "title").as_deref(), Some("旧标题"));
        assert_eq!(shown(FRONT, "date").as_deref(), Some("2026-03-01"));
        assert_eq!(shown(FRONT, "source").as_deref(), Some(""));
        assert_eq!(shown(FRONT, "missing").as_deref(), Some(""));
        assert_eq!(shown(FRONT, "tags").as_deref(), Some("学雷锋、志愿服务"));
        assert_eq!(shown(FRONT, "extra"), None);
        assert_eq!(shown("\"title\": 引号\n", "title"), None);
    }

    #[test]
    fn a_changed_field_keeps_its_comment_and_everything_else() {
        let out = set(FRONT, "source", "示例市文明办");
        assert_eq!(
            out,
            FRONT.replace(
                "source:                  # 来源",
                "source: 示例市文明办     # 来源"
            )
        );
        let out = set(FRONT, "date", "2026-03-05 09:00");
        assert_eq!(
            out,
            FRONT.replace(
                "date: 2026-03-01          # 发布时间",
                "date: 2026-03-05 09:00    # 发布时间"
            )
        );
        let out = set(FRONT, "title", &scalar("新: 标题", false));
        assert_eq!(
            out,
            FRONT.replace("title: \"旧标题\"", "title: \"新: 标题\"")
        );
        let out = set(FRONT, "editor", "李强");
        assert_eq!(out, format!("{FRONT}editor: 李强\n"));
        assert_eq!(set(FRONT, "editor", ""), FRONT);
        let out = remove(FRONT, "extra");
        assert_eq!(
            out,
            FRONT.replace("extra:\n  weird:   {a: 1}   # 保留\n  list:\n  - x\n", "")
        );
        let long = set(FRONT, "source", "一个很长很长很长很长的来源名称");
        assert!(
            long.contains("source: 一个很长很长很长很长的来源名称 # 来源\n"),
            "{long}"
        );
    }

    #[test]
    fn scalars_read_back_as_written() {
        for text in [
            "学雷锋",
            "2026",
            "true",
            "null",
            "a: b",
            "#1",
            "- x",
            "它说\"好\"",
            "x, y",
            "~",
        ] {
            for flow in [false, true] {
                let yaml = format!("k: [{}]", scalar(text, flow));
                let yaml = if flow {
                    yaml
                } else {
                    format!("k: {}", scalar(text, false))
                };
                let v: Value = serde_yaml::from_str(&yaml).unwrap();
                let got = if flow {
                    v["k"][0].clone()
                } else {
                    v["k"].clone()
                };
                assert_eq!(got, Value::String(text.into()), "{yaml}");
            }
        }
        assert_eq!(scalar("学雷锋", false), "学雷锋");
        assert_eq!(scalar("2026", false), "\"2026\"");
    }
}
