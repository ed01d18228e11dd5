//! YAML helpers shared by `site.yaml` and front matter: parsing with positions, typed field
//! extraction that collects every problem, and unknown-key detection with "did you mean" hints.

use std::collections::HashMap;
use std::path::Path;

use serde_yaml::{Mapping, Value};

use crate::error::{Diagnostic, Position};
use crate::text::dates::{self, Date};

/// A parsed YAML mapping together with its source text, so fields can be traced to lines.
pub struct YamlDoc<'a> {
    pub text: &'a str,
    pub map: Mapping,
    /// Lines before `text` in its file (front matter starts after the `---` line).
    pub line_offset: usize,
    pub file: &'a Path,
}

/// Longest YAML document we parse; larger front matter is almost certainly a mistake.
const MAX_YAML_BYTES: usize = 1 << 20;

/// Deepest `[`/`{` nesting we hand to the YAML parser. Its own limit (128) comes too late:
/// the scanner's time grows with the square of the depth, so 100,000 brackets take a minute.
pub const MAX_FLOW_DEPTH: usize = 64;

/// The line and column of the first `[` or `{` nested deeper than [`MAX_FLOW_DEPTH`], if
/// any. Quoted text and comments are skipped, roughly as YAML does.
fn too_deep(text: &str) -> Option<Position> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut previous = '\n';
    for (offset, c) in text.char_indices() {
        if comment {
            comment = c != '\n';
        } else if let Some(q) = quote {
            if c == q {
                quote = None;
            }
        } else {
            match c {
                '"' | '\'' if depth > 0 || previous.is_whitespace() || previous == ':' => {
                    quote = Some(c)
                }
                '#' if previous.is_whitespace() => comment = true,
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Some(Position::of_offset(text, offset));
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        previous = c;
    }
    None
}

impl<'a> YamlDoc<'a> {
    /// Parses `text` as a YAML mapping. An empty text is an empty mapping.
    pub fn parse(text: &'a str, file: &'a Path, line_offset: usize) -> Result<Self, Diagnostic> {
        if text.len() > MAX_YAML_BYTES {
            return Err(
                Diagnostic::new(file, "YAML 内容超过 1 MB，无法处理").at_line(line_offset + 1)
            );
        }
        if let Some(pos) = too_deep(text) {
            return Err(Diagnostic::new(
                file,
                format!("YAML 的方括号或花括号嵌套超过 {MAX_FLOW_DEPTH} 层，无法处理"),
            )
            .at(pos.line + line_offset, pos.column)
            .hint("列表和字典请少嵌套几层；也可以检查括号是否配对"));
        }
        if text.trim().is_empty() {
            return Ok(YamlDoc {
                text,
                map: Mapping::new(),
                line_offset,
                file,
            });
        }
        let value: Value =
            serde_yaml::from_str(text).map_err(|e| yaml_error(&e, file, text, line_offset))?;
        match value {
            Value::Mapping(map) => Ok(YamlDoc {
                text,
                map,
                line_offset,
                file,
            }),
            Value::Null => Ok(YamlDoc {
                text,
                map: Mapping::new(),
                line_offset,
                file,
            }),
            _ => Err(Diagnostic::new(file, "YAML 内容应该是“键: 值”的列表")
                .at(line_offset + 1, 1)
                .hint("每行写一个字段，例如 title: 标题")),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// Where `key` is written, for messages. Top-level keys start at column 1.
    pub fn key_position(&self, key: &str) -> Position {
        key_line(self.text, key)
            .map(|(line, column)| Position {
                line: line + self.line_offset,
                column,
            })
            .unwrap_or(Position {
                line: self.line_offset + 1,
                column: 1,
            })
    }

    /// The mappings of list `key` (e.g. `metrics:`), each as its own document whose text
    /// starts at the item's `- ` line, so field positions point into the right item.
    /// Items that are not mappings are `None`.
    pub fn items(&self, key: &str) -> Vec<Option<YamlDoc<'a>>> {
        let Some(Value::Sequence(seq)) = self.get(key) else {
            return Vec::new();
        };
        let starts = item_starts(self.text, key);
        seq.iter()
            .enumerate()
            .map(|(i, item)| {
                let Value::Mapping(map) = item else {
                    return None;
                };
                let (start, line) = match starts.get(i) {
                    Some(&(offset, line)) => (offset, line),
                    None => (0, 1),
                };
                let end = starts
                    .get(i + 1)
                    .map_or(self.text.len(), |&(offset, _)| offset);
                Some(YamlDoc {
                    text: &self.text[start..end],
                    map: map.clone(),
                    line_offset: self.line_offset + line - 1,
                    file: self.file,
                })
            })
            .collect()
    }

    pub fn error_at(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.file, message).with_position(Some(self.key_position(key)))
    }

    /// Reports every key not in `allowed`, each with the closest allowed key as a hint. The
    /// text is read once for all their lines (a page with 100,000 unknown keys stays linear).
    pub fn unknown_keys(&self, allowed: &[&str], what: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let mut lines: Option<HashMap<&str, (usize, usize)>> = None;
        for key in self.map.keys() {
            let name = match key {
                Value::String(s) => s.clone(),
                other => format!("{other:?}"),
            };
            if allowed.contains(&name.as_str()) {
                continue;
            }
            let lines = lines.get_or_insert_with(|| key_lines(self.text));
            let (line, column) = lines
                .get(name.as_str())
                .copied()
                .or_else(|| key_line(self.text, &name))
                .unwrap_or((1, 1));
            let position = Position {
                line: line + self.line_offset,
                column,
            };
            let mut d = Diagnostic::new(self.file, format!("{what}中有未知字段“{name}”"))
                .with_position(Some(position));
            d = match closest(&name, allowed) {
                Some(c) => d.hint(format!(
                    "是否想写“{c}”？可用的字段有：{}",
                    allowed.join(", ")
                )),
                None => d.hint(format!(
                    "可用的字段有：{}；自定义数据请放在 extra 下",
                    allowed.join(", ")
                )),
            };
            out.push(d);
        }
        out
    }
}

/// Finds the first line that defines `key` (as `key:`, or `- key:` in a list item),
/// returning 1-based line and column.
pub fn key_line(text: &str, key: &str) -> Option<(usize, usize)> {
    for (i, line) in text.lines().enumerate() {
        let mut trimmed = line.trim_start();
        if let Some(item) = trimmed.strip_prefix("- ") {
            trimmed = item.trim_start();
        }
        let rest = trimmed
            .strip_prefix(key)
            .or_else(|| trimmed.strip_prefix(&format!("\"{key}\"")))
            .or_else(|| trimmed.strip_prefix(&format!("'{key}'")));
        if let Some(rest) = rest
            && rest.trim_start().starts_with(':')
        {
            let column = line.chars().count() - trimmed.chars().count() + 1;
            return Some((i + 1, column));
        }
    }
    None
}

/// The first line and column of every plain `key:` (or `- key:`, `"key":`, `'key':`) in
/// `text`, as [`key_line`] finds them one by one; keys that contain `:` are left to it.
fn key_lines(text: &str) -> HashMap<&str, (usize, usize)> {
    let mut out = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let mut trimmed = line.trim_start();
        if let Some(item) = trimmed.strip_prefix("- ") {
            trimmed = item.trim_start();
        }
        let Some(colon) = trimmed.find(':') else {
            continue;
        };
        let written = trimmed[..colon].trim_end();
        let key = ['"', '\'']
            .iter()
            .find_map(|q| written.strip_prefix(*q)?.strip_suffix(*q))
            .unwrap_or(written);
        if key.is_empty() {
            continue;
        }
        let column = line.chars().count() - trimmed.chars().count() + 1;
        out.entry(key).or_insert((i + 1, column));
    }
    out
}

/// Byte offset and 1-based line of each `- ` item of the block list under top-level `key`.
fn item_starts(text: &str, key: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut offset = 0;
    let mut inside = false;
    let mut indent: Option<usize> = None;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_start();
        let this_indent = line.len() - trimmed.len();
        if !inside {
            inside = this_indent == 0
                && trimmed
                    .strip_prefix(key)
                    .is_some_and(|r| r.trim_start().starts_with(':'));
        } else if this_indent == 0 && !trimmed.trim().is_empty() && !trimmed.starts_with('-') {
            break;
        } else if trimmed.starts_with("- ") || trimmed.trim_end() == "-" {
            if indent.is_none() {
                indent = Some(this_indent);
            }
            if indent == Some(this_indent) {
                out.push((offset, i + 1));
            }
        }
        offset += line.len();
    }
    out
}

/// The allowed name closest to `name`, if it is close enough to be a likely typo.
pub fn closest<'s>(name: &str, allowed: &[&'s str]) -> Option<&'s str> {
    allowed
        .iter()
        .map(|c| (strsim::jaro_winkler(name, c), *c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Turns a serde_yaml error into a diagnostic with a plain reason and a fix where we know one.
pub fn yaml_error(
    e: &serde_yaml::Error,
    file: &Path,
    text: &str,
    line_offset: usize,
) -> Diagnostic {
    let full = e.to_string();
    let message = match full.find(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full.clone(),
    };
    // An unclosed quote is found only at the end of the text; point at where it opened.
    if let Some((line, column)) = full
        .split_once("while scanning a quoted scalar at line ")
        .and_then(|(_, at)| line_column(at))
    {
        return Diagnostic::new(file, "YAML 格式错误：引号没有结束")
            .at(line + line_offset, column)
            .hint("值以 \" 或 ' 开头时，必须用同样的引号结束，例如 title: \"标题\"");
    }
    let huge = message
        .split_once("invalid type: integer `")
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(digits, _)| digits.to_string());
    let (message, hint) = if let Some(digits) = huge {
        (
            format!("数字 {digits} 太大，无法处理"),
            Some(format!(
                "确实需要这么长的数字（例如编号）时，用引号把它写成文字，例如 \"{digits}\""
            )),
        )
    } else if message.contains("recursion limit") {
        (
            "嵌套层数过多".to_string(),
            Some("列表和字典的嵌套请少于 128 层".to_string()),
        )
    } else if message.contains("repetition limit") {
        (
            "别名（*）展开后的内容过多".to_string(),
            Some("不要层层引用别名（&、*）；直接写出需要的值".to_string()),
        )
    } else if message.contains("cannot start any token") && text.contains('\t') {
        (
            message,
            Some("YAML 不能用 Tab 缩进，请改用空格".to_string()),
        )
    } else if message.contains("mapping values are not allowed") {
        (
            message,
            Some("值中含有英文冒号时，请用引号把整个值括起来，例如 title: \"通知：…\"".to_string()),
        )
    } else if message.contains("did not find expected") {
        (
            message,
            Some("检查这一行及上一行的缩进和引号是否配对".to_string()),
        )
    } else {
        (message, None)
    };
    let mut d = Diagnostic::new(file, format!("YAML 格式错误：{message}"));
    // The alias expansion limit has no position of its own: show the first alias used.
    let first_alias = text
        .find(['*'])
        .filter(|_| message.contains("别名"))
        .map(|offset| Position::of_offset(text, offset));
    if let Some(pos) = first_alias {
        d = d.at(pos.line + line_offset, pos.column);
    } else if let Some(loc) = e.location() {
        d = d.at(loc.line() + line_offset, loc.column());
    } else {
        d = d.at_line(line_offset + 1);
    }
    if let Some(h) = hint {
        d = d.hint(h);
    }
    d
}

/// `4 column 8…` → (4, 8).
fn line_column(at: &str) -> Option<(usize, usize)> {
    let (line, rest) = at.split_once(" column ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.trim().parse().ok()?, column.parse().ok()?))
}

/// Typed access to fields of a [`YamlDoc`], collecting every problem instead of stopping.
pub struct Fields<'d, 'a> {
    pub doc: &'d YamlDoc<'a>,
    pub errors: Vec<Diagnostic>,
}

impl<'d, 'a> Fields<'d, 'a> {
    pub fn new(doc: &'d YamlDoc<'a>) -> Self {
        Fields {
            doc,
            errors: Vec::new(),
        }
    }

    pub fn wrong_type(&mut self, key: &str, expected: &str) {
        let d = self
            .doc
            .error_at(key, format!("字段“{key}”应该是{expected}"));
        self.errors.push(d);
    }

    /// A text value; numbers and booleans are accepted and written as text.
    pub fn string(&mut self, key: &str) -> Option<String> {
        match self.doc.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => {
                self.wrong_type(key, "一段文字");
                None
            }
        }
    }

    pub fn bool(&mut self, key: &str) -> Option<bool> {
        match self.doc.get(key)? {
            Value::Bool(b) => Some(*b),
            _ => {
                self.wrong_type(key, "true 或 false");
                None
            }
        }
    }

    pub fn integer(&mut self, key: &str) -> Option<i64> {
        match self.doc.get(key)? {
            Value::Number(n) if n.as_i64().is_some() => n.as_i64(),
            _ => {
                self.wrong_type(key, "整数");
                None
            }
        }
    }

    /// A number (integer or decimal).
    pub fn number(&mut self, key: &str) -> Option<f64> {
        match self.doc.get(key)? {
            Value::Number(n) => n.as_f64(),
            _ => {
                self.wrong_type(key, "数字");
                None
            }
        }
    }

    /// A number that may not be negative (counts, hours, scores).
    pub fn non_negative(&mut self, key: &str) -> Option<f64> {
        let n = self.number(key)?;
        if n >= 0.0 && n.is_finite() {
            Some(n)
        } else {
            self.wrong_type(key, "不小于 0 的数字");
            None
        }
    }

    /// Reports `key` as missing when it is absent.
    pub fn require<T>(&mut self, key: &str, value: Option<T>, example: &str) -> Option<T> {
        if value.is_none() && self.doc.get(key).is_none() {
            let d = self
                .doc
                .error_at(key, format!("缺少字段“{key}”"))
                .hint(format!("例如 {example}"));
            self.errors.push(d);
        }
        value
    }

    /// A non-negative integer (page sizes, limits).
    pub fn count(&mut self, key: &str) -> Option<usize> {
        let n = self.integer(key)?;
        match usize::try_from(n) {
            Ok(n) => Some(n),
            Err(_) => {
                self.wrong_type(key, "不小于 0 的整数");
                None
            }
        }
    }

    /// A list of texts; a single text is accepted as a list of one.
    pub fn string_list(&mut self, key: &str) -> Vec<String> {
        match self.doc.get(key) {
            None => Vec::new(),
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Sequence(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        Value::String(s) => out.push(s.clone()),
                        Value::Number(n) => out.push(n.to_string()),
                        _ => {
                            self.wrong_type(key, "文字列表，例如 [志愿服务, 学雷锋]");
                            return Vec::new();
                        }
                    }
                }
                out
            }
            Some(_) => {
                self.wrong_type(key, "文字列表，例如 [志愿服务, 学雷锋]");
                Vec::new()
            }
        }
    }

    pub fn date(&mut self, key: &str) -> Option<Date> {
        let text = match self.doc.get(key)? {
            Value::String(s) => s.clone(),
            _ => {
                self.wrong_type(key, "日期，例如 2026-03-05 或 2026-03-05 09:30");
                return None;
            }
        };
        match dates::parse(&text) {
            Ok(d) => Some(d),
            Err(reason) => {
                let d = self
                    .doc
                    .error_at(key, format!("字段“{key}”的日期“{text}”无效：{reason}"))
                    .hint("日期写成 2026-03-05 或 2026-03-05 09:30（北京时间），也可带时区如 2026-03-05T09:30:00+08:00");
                self.errors.push(d);
                None
            }
        }
    }

    /// A free-form map (e.g. `extra`), converted to JSON for templates.
    pub fn map(&mut self, key: &str) -> Option<serde_json::Value> {
        match self.doc.get(key)? {
            v @ Value::Mapping(_) => match serde_json::to_value(v) {
                Ok(json) => Some(json),
                Err(e) => {
                    let d = self.doc.error_at(key, format!("字段“{key}”无法读取：{e}"));
                    self.errors.push(d);
                    None
                }
            },
            _ => {
                self.wrong_type(key, "一组“键: 值”");
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_lines_agree_with_key_line() {
        let text = "title: a\n  nested: b\n- item: c\n\"quoted\": d\n'single' : e\ntitle: again\nurl: http://x\n";
        let lines = key_lines(text);
        for key in ["title", "nested", "item", "quoted", "single", "url"] {
            assert_eq!(lines.get(key).copied(), key_line(text, key), "{key}");
        }
    }

    #[test]
    fn finds_key_lines_and_suggests_typos() {
        let path = Path::new("site.yaml");
        let doc = YamlDoc::parse("title: 站点\ntitel: 错字\n", path, 0).expect("valid yaml");
        let errors = doc.unknown_keys(&["title", "base_url"], "site.yaml ");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, Some(2));
        assert!(
            errors[0]
                .hint
                .as_deref()
                .unwrap_or("")
                .starts_with("是否想写“title”？")
        );
    }

    #[test]
    fn tab_indentation_gets_a_hint() {
        let path = Path::new("a.md");
        let err = YamlDoc::parse("extra:\n\tkey: 1\n", path, 1)
            .err()
            .expect("tabs are invalid");
        assert_eq!(err.line, Some(3));
        assert_eq!(
            err.hint.as_deref(),
            Some("YAML 不能用 Tab 缩进，请改用空格")
        );
    }
}
