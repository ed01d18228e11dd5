//! Opening a submitted Word file: telling a .docx (a zip) from an old binary .doc, a
//! password-protected document and anything else, and reading the parts of the zip within
//! fixed bounds, so that a zip bomb is refused before it is inflated.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use zip::ZipArchive;
use zip::result::ZipError;

use crate::error::Diagnostic;

/// The largest file `import` reads (a document with many photos can be tens of MB).
pub const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;
/// The largest part once inflated.
pub const MAX_ENTRY_BYTES: u64 = 64 * 1024 * 1024;
/// All parts read together, once inflated.
pub const MAX_TOTAL_BYTES: u64 = 256 * 1024 * 1024;
/// Parts in the zip (Word writes about 15, plus one per picture).
pub const MAX_ENTRIES: usize = 10_000;

/// The start of an OLE compound file: a Word 97–2003 .doc, or a password-protected .docx
/// (Office wraps the encrypted zip in one).
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

const SAVE_AS_DOCX: &str =
    "在 Word 或 WPS 中打开，点“文件→另存为”，保存类型选“Word 文档（*.docx）”，再导入新保存的文件";

/// An opened .docx: its zip and how much of it has been inflated so far.
pub struct Package {
    archive: ZipArchive<Cursor<Vec<u8>>>,
    /// The file as messages show it.
    shown: PathBuf,
    inflated: u64,
}

/// Reads the file at `path`, refusing one larger than [`MAX_FILE_BYTES`].
pub fn read_file(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    let size = std::fs::metadata(path)
        .map_err(|e| Diagnostic::io(path, "读取文件", &e))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(Diagnostic::new(
            path,
            format!(
                "文件有 {} MB，超过了导入的上限 {} MB",
                size / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        )
        .hint("把文档中的照片另外发送，文档只留文字后再导入"));
    }
    std::fs::read(path).map_err(|e| Diagnostic::io(path, "读取文件", &e))
}

/// Opens `bytes` as a .docx, or says in Chinese what they are instead; `shown` names the
/// file in messages.
pub fn open(bytes: Vec<u8>, shown: &Path) -> Result<Package, Diagnostic> {
    let shown = shown.to_path_buf();
    if bytes.starts_with(&OLE_MAGIC) {
        return Err(if is_encrypted_ole(&bytes) {
            encrypted(&shown)
        } else {
            Diagnostic::new(
                &shown,
                "这是旧版 Word 文档（.doc），wenming 只能导入 .docx 格式",
            )
            .hint(SAVE_AS_DOCX)
        });
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(not_docx(&shown, "文件内容不是 .docx 格式"));
    }
    let archive = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| not_docx(&shown, &format!("文件已损坏，无法作为 .docx 打开（{e}）")))?;
    let mut package = Package {
        archive,
        shown,
        inflated: 0,
    };
    package.check_sizes()?;
    Ok(package)
}

/// A password-protected document is an OLE container holding an `EncryptionInfo` stream
/// (its directory entry names are UTF-16LE).
fn is_encrypted_ole(bytes: &[u8]) -> bool {
    let name: Vec<u8> = "EncryptionInfo"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    bytes.windows(name.len()).any(|w| w == name.as_slice())
}

fn encrypted(shown: &Path) -> Diagnostic {
    Diagnostic::new(shown, "文档设置了打开密码（已加密），无法读取其中的内容").hint(
        "在 Word 中点“文件→信息→保护文档→用密码进行加密”，清空密码；WPS 中点“文件→文档加密→密码加密”，清空密码；保存后再导入",
    )
}

fn not_docx(shown: &Path, reason: &str) -> Diagnostic {
    Diagnostic::new(shown, format!("不是 Word 文档（.docx）：{reason}")).hint(SAVE_AS_DOCX)
}

fn zip_error(shown: &Path, e: ZipError) -> Diagnostic {
    match e {
        ZipError::UnsupportedArchive(ZipError::PASSWORD_REQUIRED) | ZipError::InvalidPassword => {
            encrypted(shown)
        }
        other => not_docx(shown, &format!("文件已损坏（{other}）")),
    }
}

fn too_large(shown: &Path, what: String) -> Diagnostic {
    Diagnostic::new(
        shown,
        format!("文档超出导入的限制（{what}），可能已损坏或不是正常的 Word 文档，未导入"),
    )
    .hint("在 Word 或 WPS 中打开文档，另存为一个新的 .docx 后再导入；照片可以另外发送")
}

impl Package {
    /// Refuses a zip whose declared sizes or entry count are beyond the bounds. (Reading
    /// also counts the bytes actually inflated, for a zip whose declared sizes lie.)
    fn check_sizes(&mut self) -> Result<(), Diagnostic> {
        let count = self.archive.len();
        if count > MAX_ENTRIES {
            return Err(too_large(
                &self.shown,
                format!("有 {count} 个部件，上限 {MAX_ENTRIES} 个"),
            ));
        }
        let mut total: u64 = 0;
        for i in 0..count {
            let entry = self
                .archive
                .by_index_raw(i)
                .map_err(|e| zip_error(&self.shown, e))?;
            let size = entry.size();
            if size > MAX_ENTRY_BYTES {
                let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
                return Err(too_large(
                    &self.shown,
                    format!(
                        "其中 {name} 解压后有 {} MB，上限 {} MB",
                        size / (1024 * 1024),
                        MAX_ENTRY_BYTES / (1024 * 1024)
                    ),
                ));
            }
            total = total.saturating_add(size);
        }
        if total > MAX_TOTAL_BYTES {
            return Err(too_large(
                &self.shown,
                format!(
                    "共 {} MB，上限 {} MB",
                    total / (1024 * 1024),
                    MAX_TOTAL_BYTES / (1024 * 1024)
                ),
            ));
        }
        Ok(())
    }

    /// The file as messages show it.
    pub fn shown(&self) -> &Path {
        &self.shown
    }

    /// The bytes of part `name` (`word/document.xml`), or `None` when there is no such part.
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, Diagnostic> {
        let Some(index) = self.archive.index_for_name(name) else {
            return Ok(None);
        };
        let budget = MAX_ENTRY_BYTES.min(MAX_TOTAL_BYTES.saturating_sub(self.inflated));
        let shown = self.shown.clone();
        let mut entry = self
            .archive
            .by_index(index)
            .map_err(|e| zip_error(&shown, e))?;
        let mut bytes = Vec::new();
        let read = entry
            .by_ref()
            .take(budget + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| not_docx(&shown, &format!("其中 {name} 已损坏（{e}）")))?;
        let read = read as u64;
        if read > budget {
            return Err(too_large(
                &shown,
                format!("其中 {name} 解压后超过 {} MB", budget / (1024 * 1024)),
            ));
        }
        self.inflated += read;
        Ok(Some(bytes))
    }

    /// Part `name` as text (XML parts are UTF-8; a byte order mark is dropped).
    pub fn read_text(&mut self, name: &str) -> Result<Option<String>, Diagnostic> {
        let Some(bytes) = self.read(name)? else {
            return Ok(None);
        };
        let text = String::from_utf8(bytes)
            .map_err(|_| not_docx(&self.shown, &format!("其中 {name} 不是 UTF-8 编码的 XML")))?;
        Ok(Some(match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        }))
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use zip::write::{SimpleFileOptions, ZipWriter};

    use super::*;

    fn zip_with(entries: usize) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = std::fs::File::create(dir.path().join("many.docx")).expect("file");
        let mut zip = ZipWriter::new(file);
        let options =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for i in 0..entries {
            zip.start_file(format!("word/media/{i}.png"), options)
                .expect("entry");
            zip.write_all(b"x").expect("write");
        }
        zip.finish().expect("finish");
        dir
    }

    #[test]
    fn refuses_more_entries_than_the_bound() {
        let dir = zip_with(MAX_ENTRIES + 1);
        let path = dir.path().join("many.docx");
        let error = open(read_file(&path).expect("read"), &path)
            .err()
            .expect("refused");
        assert_eq!(
            error.message,
            "文档超出导入的限制（有 10001 个部件，上限 10000 个），可能已损坏或不是正常的 Word 文档，未导入"
        );
        let dir = zip_with(3);
        let path = dir.path().join("many.docx");
        assert!(open(read_file(&path).expect("read"), &path).is_ok());
    }
}
