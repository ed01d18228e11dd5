//! Writes a build into a staging folder beside the output and swaps it in only at the end, so
//! a failed or interrupted build never leaves a half-written site. Files whose bytes did not
//! change are hard-linked from the previous output, keeping their modification time (rsync
//! and caches see them as unchanged).

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{Bytes, OutputFile};
use crate::error::Diagnostic;

/// What a write did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    pub written: usize,
    pub unchanged: usize,
}

fn sibling(output: &Path, suffix: &str) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "public".into());
    output.with_file_name(format!(".{name}.{suffix}"))
}

fn io_error(path: &Path, action: &str, e: io::Error) -> Diagnostic {
    Diagnostic::new(path, format!("{action}失败：{e}"))
}

/// Writes `files` as the new content of `output`. Later files with the same path win.
pub fn write_atomically(output: &Path, files: Vec<OutputFile>) -> Result<WriteReport, Diagnostic> {
    let staging = sibling(output, "wenming-staging");
    let previous = sibling(output, "wenming-previous");
    if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| io_error(parent, "创建输出目录", e))?;
    }
    // Leftovers of an interrupted build are ours to remove.
    for leftover in [&staging, &previous] {
        if leftover.exists() {
            fs::remove_dir_all(leftover)
                .map_err(|e| io_error(leftover, "清理上次中断的构建", e))?;
        }
    }
    fs::create_dir_all(&staging).map_err(|e| io_error(&staging, "创建临时目录", e))?;

    let mut last: HashMap<&str, usize> = HashMap::with_capacity(files.len());
    for (i, f) in files.iter().enumerate() {
        last.insert(f.path.as_str(), i);
    }
    let mut dirs: Vec<PathBuf> = last
        .keys()
        .filter_map(|p| Path::new(p).parent().map(Path::to_path_buf))
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        let dir = staging.join(d);
        fs::create_dir_all(&dir).map_err(|e| io_error(&dir, "创建目录", e))?;
    }

    let outcomes: Vec<Result<bool, Diagnostic>> = files
        .par_iter()
        .enumerate()
        .filter(|(i, f)| last.get(f.path.as_str()) == Some(i))
        .map(|(_, f)| write_one(output, &staging, f))
        .collect();
    let mut report = WriteReport::default();
    let mut first_error = None;
    for o in outcomes {
        match o {
            Ok(true) => report.unchanged += 1,
            Ok(false) => report.written += 1,
            Err(d) => {
                first_error.get_or_insert(d);
            }
        }
    }
    if let Some(d) = first_error {
        let _ = fs::remove_dir_all(&staging);
        return Err(d);
    }

    if output.exists() {
        fs::rename(output, &previous).map_err(|e| io_error(output, "替换旧的输出目录", e))?;
        if let Err(e) = fs::rename(&staging, output) {
            // Put the old site back before reporting.
            let _ = fs::rename(&previous, output);
            return Err(io_error(output, "启用新的输出目录", e));
        }
        let _ = fs::remove_dir_all(&previous);
    } else {
        fs::rename(&staging, output).map_err(|e| io_error(output, "启用新的输出目录", e))?;
    }
    Ok(report)
}

/// Writes one file into staging; returns true when it was unchanged and linked instead.
fn write_one(output: &Path, staging: &Path, file: &OutputFile) -> Result<bool, Diagnostic> {
    let dest = staging.join(&file.path);
    let old = output.join(&file.path);
    let owned;
    let bytes: &[u8] = match &file.bytes {
        Bytes::Owned(b) => b,
        Bytes::Embedded(b) => b,
        Bytes::File(src) => {
            owned = fs::read(src).map_err(|e| io_error(src, "读取文件", e))?;
            &owned
        }
    };
    if same_bytes(&old, bytes) {
        if fs::hard_link(&old, &dest).is_ok() {
            return Ok(true);
        }
        if let Ok(meta) = fs::metadata(&old)
            && let Ok(modified) = meta.modified()
        {
            fs::write(&dest, bytes).map_err(|e| io_error(&dest, "写入文件", e))?;
            let f = fs::File::options()
                .write(true)
                .open(&dest)
                .map_err(|e| io_error(&dest, "写入文件", e))?;
            f.set_modified(modified)
                .map_err(|e| io_error(&dest, "保留修改时间", e))?;
            return Ok(true);
        }
    }
    fs::write(&dest, bytes).map_err(|e| io_error(&dest, "写入文件", e))?;
    Ok(false)
}

fn same_bytes(old: &Path, new: &[u8]) -> bool {
    match fs::symlink_metadata(old) {
        Ok(m) if m.is_file() && m.len() == new.len() as u64 => {
            fs::read(old).is_ok_and(|b| b == new)
        }
        _ => false,
    }
}
