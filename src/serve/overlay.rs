//! Build errors as the browser overlay shows them (the overlay itself is drawn by the
//! live-reload script), and the page served while the site has never built successfully.

use serde::Serialize;

use crate::error::{Diagnostic, Diagnostics};

/// One error, ready for the overlay: where, what, and what to do.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ErrorView {
    /// `content/news/a.md:3:1`
    pub location: String,
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub hint: Option<String>,
}

impl ErrorView {
    pub fn new(d: &Diagnostic) -> Self {
        let file = d.file.display().to_string();
        let shown = if file.is_empty() { "site" } else { &file };
        let location = match (d.line, d.column) {
            (Some(l), Some(c)) => format!("{shown}:{l}:{c}"),
            (Some(l), None) => format!("{shown}:{l}"),
            _ => shown.to_string(),
        };
        ErrorView {
            location,
            file,
            line: d.line,
            column: d.column,
            message: d.message.clone(),
            hint: d.hint.clone(),
        }
    }

    pub fn all(errors: &Diagnostics) -> Vec<ErrorView> {
        errors.0.iter().map(ErrorView::new).collect()
    }
}

/// What the server answers before the site has built once: an empty page that loads the
/// live-reload script, which shows the errors and reloads once they are fixed.
pub const NOT_BUILT_PAGE: &str = "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>网站尚未构建成功</title>\n</head>\n<body>\n<p>网站尚未构建成功，请根据终端或下方提示修改文件，保存后本页会自动刷新。</p>\n</body>\n</html>\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_names_file_line_and_column() {
        let d = Diagnostic::new("content/a.md", "坏了")
            .at(3, 7)
            .hint("修好它");
        let v = ErrorView::new(&d);
        assert_eq!(v.location, "content/a.md:3:7");
        assert_eq!(v.hint.as_deref(), Some("修好它"));
    }
}
