//! YAML helpers shared by `site.yaml` and front matter: parsing with positions, typed field
//! extraction that collects every problem, and unknown-key detection with "did you mean" hints.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

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
    /// The whole document this mapping is part of, and where in it the mapping is.
    root: Arc<Root<'a>>,
    path: Vec<Seg>,
}

/// One step of the way from a document's top to a value: a key, or an item of a list.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// Where a value (and the key naming it, in a mapping) is written, counted in its text.
#[derive(Clone, Copy, Debug)]
struct Spot {
    key: Option<Position>,
    value: Position,
}

/// The text of a whole YAML document and, read once when a message first needs one, the
/// position of every key and value in it (serde_yaml keeps none).
struct Root<'a> {
    text: &'a str,
    line_offset: usize,
    spots: OnceLock<HashMap<Vec<Seg>, Spot>>,
}

impl<'a> Root<'a> {
    fn new(text: &'a str, line_offset: usize) -> Arc<Self> {
        Arc::new(Root {
            text,
            line_offset,
            spots: OnceLock::new(),
        })
    }

    /// The spot of `path`, in lines and columns of the file.
    fn spot(&self, path: &[Seg]) -> Option<Spot> {
        let spot = *self.spots.get_or_init(|| spots(self.text)).get(path)?;
        let shift = |p: Position| Position {
            line: p.line + self.line_offset,
            column: p.column,
        };
        Some(Spot {
            key: spot.key.map(shift),
            value: shift(spot.value),
        })
    }
}

/// What a node of the event stream is inside: a mapping (waiting for a key, or holding the
/// key whose value comes next) or a list (counting its items). `as_key`: this container is
/// itself a key (YAML allows a list or mapping as a key).
struct Frame {
    path: Vec<Seg>,
    as_key: bool,
    kind: FrameKind,
}

enum FrameKind {
    Map { key: Option<(String, Position)> },
    Seq { next: usize },
}

/// The key name a complex key (a list, a mapping or an alias used as a key) is filed under.
const COMPLEX_KEY: &str = "\u{0}";

/// Every key's and value's position in `text`, by path, from the YAML event stream. A text
/// the position parser cannot read to the end keeps what it read before (callers fall back
/// to searching the text).
fn spots(text: &str) -> HashMap<Vec<Seg>, Spot> {
    use saphyr_parser::{Event, Parser};
    let mut out: HashMap<Vec<Seg>, Spot> = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut parser = Parser::new_from_str(text);
    while let Some(Ok((event, span))) = parser.next_event() {
        let at = Position {
            line: span.start.line(),
            column: span.start.col() + 1,
        };
        let (opens, name) = match &event {
            Event::Scalar(value, ..) => (false, value.to_string()),
            Event::Alias(_) => (false, COMPLEX_KEY.to_string()),
            Event::SequenceStart(..) | Event::MappingStart(..) => (true, COMPLEX_KEY.to_string()),
            Event::SequenceEnd | Event::MappingEnd => {
                let ended = stack.pop();
                if let (Some(ended), Some(parent)) = (ended, stack.last_mut())
                    && ended.as_key
                    && let FrameKind::Map { key } = &mut parent.kind
                {
                    *key = Some((COMPLEX_KEY.to_string(), at));
                }
                continue;
            }
            _ => continue,
        };
        // The node's path, or None when it is a key of a mapping.
        let path = match stack.last_mut() {
            None => {
                out.entry(Vec::new()).or_insert(Spot {
                    key: None,
                    value: at,
                });
                Some(Vec::new())
            }
            Some(Frame {
                path,
                kind: FrameKind::Seq { next },
                ..
            }) => {
                let mut p = path.clone();
                p.push(Seg::Index(*next));
                *next += 1;
                out.entry(p.clone()).or_insert(Spot {
                    key: None,
                    value: at,
                });
                Some(p)
            }
            Some(Frame {
                path,
                kind: FrameKind::Map { key },
                ..
            }) => match key.take() {
                Some((key_name, key_at)) => {
                    let mut p = path.clone();
                    p.push(Seg::Key(key_name));
                    out.entry(p.clone()).or_insert(Spot {
                        key: Some(key_at),
                        value: at,
                    });
                    Some(p)
                }
                None => {
                    if !opens {
                        *key = Some((name, at));
                    }
                    None
                }
            },
        };
        if opens {
            let as_key = path.is_none();
            let path = path.unwrap_or_else(|| vec![Seg::Key(COMPLEX_KEY.to_string())]);
            let kind = match event {
                Event::SequenceStart(..) => FrameKind::Seq { next: 0 },
                _ => FrameKind::Map { key: None },
            };
            stack.push(Frame { path, as_key, kind });
        }
    }
    out
}

/// Refuses `!!binary` values: no field of a page, site.yaml or a data file holds bytes, and
/// serde_yaml would hand on the base64 text for a template to show. Only a text that names
/// the tag is read a second time, for the value's position.
pub fn refuse_binary(text: &str, file: &Path, line_offset: usize) -> Result<(), Diagnostic> {
    use saphyr_parser::{Event, Parser};
    if !text.contains("binary") {
        return Ok(());
    }
    let mut parser = Parser::new_from_str(text);
    while let Some(Ok((event, span))) = parser.next_event() {
        let tag = match &event {
            Event::Scalar(_, _, _, tag) => tag,
            Event::SequenceStart(_, tag) | Event::MappingStart(_, tag) => tag,
            _ => continue,
        };
        if tag.as_ref().is_some_and(|t| t.suffix.ends_with("binary")) {
            return Err(
                Diagnostic::new(file, "YAML 格式错误：不支持二进制数据（!!binary）")
                    .at(span.start.line() + line_offset, span.start.col() + 1)
                    .hint("图片等文件请放在页面文件夹或 static/ 中，用文件名引用；文字值请去掉 !!binary"),
            );
        }
    }
    Ok(())
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
        let doc = |map| YamlDoc {
            text,
            map,
            line_offset,
            file,
            root: Root::new(text, line_offset),
            path: Vec::new(),
        };
        if text.trim().is_empty() {
            return Ok(doc(Mapping::new()));
        }
        refuse_binary(text, file, line_offset)?;
        let value: Value =
            serde_yaml::from_str(text).map_err(|e| yaml_error(&e, file, text, line_offset))?;
        match value {
            Value::Mapping(map) => Ok(doc(map)),
            Value::Null => Ok(doc(Mapping::new())),
            _ => Err(Diagnostic::new(file, "YAML 内容应该是“键: 值”的列表")
                .at(line_offset + 1, 1)
                .hint("每行写一个字段，例如 title: 标题")),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// The path of `key` of this mapping in the whole document.
    fn path_of(&self, key: &str) -> Vec<Seg> {
        let mut path = self.path.clone();
        path.push(Seg::Key(key.to_string()));
        path
    }

    /// Where this mapping itself starts (its first key, or the `{` of a flow mapping).
    pub fn position(&self) -> Position {
        self.root
            .spot(&self.path)
            .filter(|_| !self.path.is_empty())
            .map(|spot| spot.value)
            .unwrap_or(Position {
                line: self.line_offset + 1,
                column: 1,
            })
    }

    /// Where `key` is written, for messages; where this mapping starts when it has no `key`.
    pub fn key_position(&self, key: &str) -> Position {
        if let Some(at) = self.root.spot(&self.path_of(key)).and_then(|spot| spot.key) {
            return at;
        }
        if self.root.spot(&self.path).is_some() {
            // The positions were read and this mapping has no such key.
            return self.position();
        }
        key_line(self.text, key)
            .map(|(line, column)| Position {
                line: line + self.line_offset,
                column,
            })
            .unwrap_or_else(|| self.position())
    }

    /// Where the value of `key` is written (in a flow mapping such as `{limit: x}` too), for
    /// messages about the value; the key's position when the value's is not known.
    pub fn value_position(&self, key: &str) -> Position {
        self.root
            .spot(&self.path_of(key))
            .map(|spot| spot.value)
            .unwrap_or_else(|| self.key_position(key))
    }

    /// Where item `index` of the list `key` is written.
    pub fn item_position(&self, key: &str, index: usize) -> Position {
        let mut path = self.path_of(key);
        path.push(Seg::Index(index));
        self.root
            .spot(&path)
            .map(|spot| spot.value)
            .unwrap_or_else(|| self.value_position(key))
    }

    /// The mapping under `key` as a document of its own, its positions traced in this one.
    pub fn child(&self, key: &str, map: Mapping) -> YamlDoc<'a> {
        let line = self.key_position(key).line;
        // Key positions the event stream misses are searched from the parent key's line on.
        let start = self
            .text
            .lines()
            .take(line.saturating_sub(self.line_offset))
            .map(|l| l.len() + 1)
            .sum::<usize>()
            .min(self.text.len());
        YamlDoc {
            text: &self.text[start..],
            map,
            line_offset: line,
            file: self.file,
            root: Arc::clone(&self.root),
            path: self.path_of(key),
        }
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
                let mut path = self.path_of(key);
                path.push(Seg::Index(i));
                Some(YamlDoc {
                    text: &self.text[start..end],
                    map: map.clone(),
                    line_offset: self.line_offset + line - 1,
                    file: self.file,
                    root: Arc::clone(&self.root),
                    path,
                })
            })
            .collect()
    }

    pub fn error_at(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.file, message).with_position(Some(self.key_position(key)))
    }

    /// A message about the value of `key`, at the value.
    pub fn value_error_at(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.file, message).with_position(Some(self.value_position(key)))
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
            let position = match self.root.spot(&self.path_of(&name)).and_then(|s| s.key) {
                Some(at) => at,
                None => {
                    let lines = lines.get_or_insert_with(|| key_lines(self.text));
                    let (line, column) = lines
                        .get(name.as_str())
                        .copied()
                        .or_else(|| key_line(self.text, &name))
                        .unwrap_or((1, 1));
                    Position {
                        line: line + self.line_offset,
                        column,
                    }
                }
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
    } else {
        let (chinese, hint) = plain_reason(&message, text);
        (chinese, hint.map(str::to_string))
    };
    let mut d = Diagnostic::new(file, format!("YAML 格式错误：{message}"));
    // The alias expansion limit has no position of its own: show the first alias used.
    let first_alias = text
        .find(['*'])
        .filter(|_| full.contains("repetition limit"))
        .map(|offset| Position::of_offset(text, offset));
    // A flow list or mapping left open is found only at the next line's first token: point
    // at the bracket that opened it, on the line where the `]` or `}` is missing.
    let opened = [
        "while parsing a flow sequence at line ",
        "while parsing a flow mapping at line ",
    ]
    .iter()
    .find_map(|context| full.split_once(context))
    .and_then(|(_, at)| line_column(at))
    .filter(|_| full.contains("did not find expected ','"));
    // A key written twice is reported at the mapping: point at its second writing instead.
    let twice = full
        .split_once("duplicate entry with key \"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .and_then(|(key, _)| second_key_line(text, key));
    if let Some(pos) = first_alias {
        d = d.at(pos.line + line_offset, pos.column);
    } else if let Some((line, column)) = twice {
        d = d.at(line + line_offset, column);
    } else if let Some((line, column)) = opened {
        d = d.at(line + line_offset, column);
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

/// The parser's English reason in plain Chinese, with a fix where one is known. An unknown
/// reason is kept in parentheses after a general one, so nothing is lost.
fn plain_reason(message: &str, text: &str) -> (String, Option<&'static str>) {
    const REASONS: &[(&str, &str, Option<&str>)] = &[
        (
            "did not find expected ',' or ']'",
            "从这里开始的“[”缺少对应的“]”，或其中两项之间少了英文逗号",
            Some("列表写成 [甲, 乙]：方括号要配对，各项之间用英文逗号隔开"),
        ),
        (
            "did not find expected ',' or '}'",
            "从这里开始的“{”缺少对应的“}”，或其中两项之间少了英文逗号",
            Some("写成 {键: 值, 键: 值}：花括号要配对，各项之间用英文逗号隔开"),
        ),
        (
            "mapping values are not allowed in this context",
            "这里不能出现“: ”（英文冒号加空格）",
            Some("值中含有英文冒号时，请用引号把整个值括起来，例如 title: \"通知：…\""),
        ),
        (
            "found character that cannot start any token",
            "这里有一个不能作为值开头的字符",
            Some("以 @ 或 ` 开头的值请用引号括起来"),
        ),
        (
            "did not find expected key",
            "这一行的缩进与上面的字段不对齐",
            Some("同一层的字段要从同一列开始；值中含有英文冒号或引号时，请用引号把整个值括起来"),
        ),
        (
            "did not find expected '-' indicator",
            "列表的缩进不对齐",
            Some("同一个列表的每一项都以“- ”开头，并从同一列开始"),
        ),
        (
            "did not find expected node content",
            "这里缺少值",
            Some("检查这一行是否多写或少写了符号，例如 [、{、- 或英文逗号"),
        ),
        (
            "could not find expected ':'",
            "缺少英文冒号“:”",
            Some("每个字段写成“键: 值”，冒号后要有一个空格"),
        ),
        (
            "found unknown escape character",
            "双引号中有无法识别的转义（反斜杠 \\ 后面的字符）",
            Some("反斜杠请写成两个（\\\\），或改用单引号把值括起来"),
        ),
        (
            "block sequence entries are not allowed in this context",
            "这里不能开始列表（“- ”）",
            Some("列表应另起一行，并比字段名多缩进两个空格"),
        ),
        (
            "found unexpected end of stream",
            "内容在中途结束了",
            Some("检查引号和括号是否配对"),
        ),
        (
            "unknown anchor",
            "引用了没有定义的别名（*）",
            Some("别名 *名字 之前要先用 &名字 定义；值以 * 开头时请用引号括起来"),
        ),
        (
            "duplicate entry with key",
            "同一个字段写了两次",
            Some("删去其中一个"),
        ),
        (
            "control characters are not allowed",
            "含有不可见的控制字符",
            Some("删去从别处复制来的不可见字符，或重新输入这一行"),
        ),
    ];
    if message.contains("cannot start any token") && text.contains('\t') {
        return (
            "这一行含有 Tab".to_string(),
            Some("YAML 不能用 Tab 缩进，请改用空格"),
        );
    }
    for (english, chinese, hint) in REASONS {
        if message.contains(english) {
            let mut reason = (*chinese).to_string();
            if *english == "duplicate entry with key"
                && let Some(key) = message.split('"').nth(1)
            {
                reason = format!("字段“{key}”写了两次");
            }
            return (reason, *hint);
        }
    }
    (
        format!("无法读取（{message}）"),
        Some("检查这一行及上一行的缩进、引号和括号是否配对"),
    )
}

/// The line and column where `key:` is written a second time at the same indentation.
fn second_key_line(text: &str, key: &str) -> Option<(usize, usize)> {
    let mut first: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let Some(rest) = trimmed.strip_prefix(key) else {
            continue;
        };
        if !rest.trim_start().starts_with(':') {
            continue;
        }
        match first {
            None => first = Some(indent),
            Some(at) if at == indent => {
                return Some((i + 1, line[..indent].chars().count() + 1));
            }
            Some(_) => {}
        }
    }
    None
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
            .value_error_at(key, format!("字段“{key}”应该是{expected}"));
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
                    .value_error_at(key, format!("字段“{key}”的日期“{text}”无效：{reason}"))
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
                    let d = self
                        .doc
                        .value_error_at(key, format!("字段“{key}”无法读取：{e}"));
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
