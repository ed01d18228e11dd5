//! Build errors as values: every problem carries the file, line and column it came from and a
//! reason an editor can act on. A build collects all of them and reports them together.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem found while building, pointing at the place that caused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Path relative to the site root (e.g. `content/news/a.md`), or empty for the site itself.
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters), when known.
    pub column: Option<usize>,
    /// What is wrong, in words an editor understands.
    pub message: String,
    /// What to do about it, when we can tell.
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            line: None,
            column: None,
            message: message.into(),
            hint: None,
        }
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    pub fn with_position(mut self, position: Option<Position>) -> Self {
        if let Some(p) = position {
            self.line = Some(p.line);
            self.column = Some(p.column);
        }
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// A file that could not be read, written or removed (`action` says which, e.g. `读取文件`),
    /// in words an editor can act on. A file that is gone was most likely deleted or renamed
    /// while wenming ran; running again is the fix.
    pub fn io(file: impl Into<PathBuf>, action: &str, e: &std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::NotFound => Diagnostic::new(
                file,
                format!("{action}失败：文件已不存在，可能在构建过程中被删除或改名"),
            )
            .hint("如果是有意删除或改名，重新运行一次即可"),
            std::io::ErrorKind::PermissionDenied => {
                Diagnostic::new(file, format!("{action}失败：没有权限"))
                    .hint("检查这个文件和所在目录的权限")
            }
            _ => Diagnostic::new(file, format!("{action}失败：{e}")),
        }
    }

    /// Shows the file relative to the site `root` (for errors about files found by absolute
    /// path, such as static files).
    pub fn relative_to(mut self, root: &Path) -> Self {
        self.file = relative(root, &self.file);
        self
    }

    /// Moves the position down by `lines` (used when the text was a slice of a larger file).
    pub fn shifted(mut self, lines: usize) -> Self {
        if let Some(l) = self.line.as_mut() {
            *l += lines;
        }
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file.display().to_string();
        let file = if file.is_empty() { "site" } else { &file };
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{file}:{l}:{c}: {}", self.message)?,
            (Some(l), None) => write!(f, "{file}:{l}: {}", self.message)?,
            _ => write!(f, "{file}: {}", self.message)?,
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n    提示：{hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// All problems of one build, sorted by file and position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// The problems as they were found (neither sorted nor deduplicated, unlike `from`).
    pub fn unsorted(ds: Vec<Diagnostic>) -> Diagnostics {
        Diagnostics(ds)
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(ds);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// Returns `Err(self)` sorted when anything was collected, so a stage can stop cleanly.
    pub fn into_result(mut self) -> Result<(), Diagnostics> {
        if self.0.is_empty() {
            Ok(())
        } else {
            self.sort();
            Err(self)
        }
    }

    /// These problems sorted by file and position, without exact duplicates.
    pub fn sorted(mut self) -> Diagnostics {
        self.sort();
        self
    }

    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message))
        });
        self.0.dedup();
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

/// Problems collected by a stage, sorted and without exact duplicates.
impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(ds: Vec<Diagnostic>) -> Self {
        let mut d = Diagnostics(ds);
        d.sort();
        d
    }
}

impl From<Diagnostics> for Vec<Diagnostic> {
    fn from(ds: Diagnostics) -> Self {
        ds.0
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl std::error::Error for Diagnostics {}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "错误：{d}")?;
        }
        Ok(())
    }
}

/// A 1-based line and column (in characters) inside a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` in `text`.
    pub fn of_offset(text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Position { line, column }
    }
}

/// The line starts of a text, for turning many byte offsets of it into positions: each
/// lookup is a binary search instead of a scan from the start of the text (on a 50 MB page
/// with 100,000 links, scanning made a build take minutes).
#[derive(Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of the start of each line; the first is 0.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    /// The position of byte `offset`, as [`Position::of_offset`] gives it.
    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.starts.partition_point(|&start| start <= offset);
        let line_start = self.starts.get(line.wrapping_sub(1)).copied().unwrap_or(0);
        let column = self.text[line_start..offset].chars().count() + 1;
        Position {
            line: line.max(1),
            column,
        }
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Shows a path relative to `root` with forward slashes, for messages.
pub fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_agrees_with_scanning_at_every_offset() {
        for text in ["", "\n", "a", "第一行\n标题：你好\n\n末行", "\n\nx\n"] {
            let index = LineIndex::new(text);
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    index.position(offset),
                    Position::of_offset(text, offset),
                    "{text:?} at {offset}"
                );
            }
        }
    }

    #[test]
    fn position_counts_characters_not_bytes() {
        let text = "第一行\n标题：你好";
        let offset = text.find('你').unwrap_or(0);
        assert_eq!(
            Position::of_offset(text, offset),
            Position { line: 2, column: 4 }
        );
    }

    #[test]
    fn display_names_file_line_column_and_hint() {
        let d = Diagnostic::new("content/a.md", "未知字段 titel")
            .at(2, 1)
            .hint("是否想写 title？");
        assert_eq!(
            d.to_string(),
            "content/a.md:2:1: 未知字段 titel\n    提示：是否想写 title？"
        );
    }
}
