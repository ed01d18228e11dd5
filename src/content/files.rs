//! Reading the site's source files: which names are never content (editors' swap and backup
//! files), text files as UTF-8 with `\n` line ends, and content and data files no larger than
//! `limits.max_file_size`. Used by the content loader, the data files and the templates.

use std::path::Path;

use crate::config::{LimitsConfig, format_size};
use crate::error::Diagnostic;

/// Editors' swap, backup and hidden files, which are never content.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
        || name.starts_with("#")
        || name == "Thumbs.db"
}

/// [`read_text`] for content and data files, refusing files larger than
/// `limits.max_file_size`. The file is opened once and read no further than the limit, so a
/// file that grows or is replaced while the build runs is read as one consistent snapshot.
pub fn read_limited(abs: &Path, shown: &Path, limits: LimitsConfig) -> Result<String, Diagnostic> {
    use std::io::Read as _;
    let file = std::fs::File::open(abs).map_err(|e| Diagnostic::io(shown, "读取文件", &e))?;
    let too_big = |size: u64| {
        Diagnostic::new(
            shown,
            format!(
                "文件大小 {} 超过了上限 {}（limits.max_file_size），不会被处理",
                format_size(size),
                format_size(limits.max_file_size)
            ),
        )
        .hint("把内容拆成几个文件；确需更大的文件，请在 site.yaml 的 limits 中调大 max_file_size")
    };
    let size = file
        .metadata()
        .map_err(|e| Diagnostic::io(shown, "读取文件", &e))?
        .len();
    if size > limits.max_file_size {
        return Err(too_big(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limits.max_file_size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Diagnostic::io(shown, "读取文件", &e))?;
    if bytes.len() as u64 > limits.max_file_size {
        return Err(too_big(bytes.len() as u64));
    }
    decode_text(bytes, shown)
}

/// Reads a text file as UTF-8, without BOM, with `\n` line ends.
pub fn read_text(abs: &Path, shown: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(abs).map_err(|e| Diagnostic::io(shown, "读取文件", &e))?;
    decode_text(bytes, shown)
}

/// File bytes as UTF-8 text, without BOM, with `\n` line ends; a file in another encoding is
/// an error pointing at its first invalid byte.
fn decode_text(bytes: Vec<u8>, shown: &Path) -> Result<String, Diagnostic> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = std::str::from_utf8(&e.as_bytes()[..offset]).unwrap_or("");
        let pos = crate::error::Position::of_offset(valid, valid.len());
        Diagnostic::new(shown, "文件不是 UTF-8 编码（可能是 GBK 等旧编码）")
            .at(pos.line, pos.column)
            .hint("用编辑器把文件另存为 UTF-8 编码")
    })?;
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    })
}
