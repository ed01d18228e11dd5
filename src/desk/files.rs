//! The files the desk reads and writes: names confined to `content/`, `static/` and `data/`,
//! the hash a form carries to notice a file changed meanwhile, atomic writes (a temporary
//! file beside the target, then a rename), and the previous versions kept under
//! `.wenming/history/`.

use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use jiff::Timestamp;

use crate::text::dates::beijing;

/// The folders below the site root the desk may write into.
pub const WRITABLE: [&str; 3] = ["content", "static", "data"];

/// Where previous versions are kept, below the site root.
pub const HISTORY_DIR: &str = ".wenming/history";

/// A site file the desk may touch: `rel` is the `/`-separated path below the root as the
/// form names it (`content/news/a.md`), `path` the file on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFile {
    pub rel: String,
    pub path: PathBuf,
}

/// Confines `rel` (from a form or a URL) to the writable folders: a relative path of plain
/// names, first one of [`WRITABLE`], no `..`, `.`, empty or hidden names, no backslashes or
/// control characters, and no symbolic link on the way (so it cannot lead out of the site).
/// `None` for anything else.
pub fn confine(root: &Path, rel: &str) -> Option<SiteFile> {
    if rel.is_empty() || rel.contains(|c: char| c == '\\' || c.is_control()) {
        return None;
    }
    let parts: Vec<&str> = rel.split('/').collect();
    if parts.len() < 2
        || !WRITABLE.contains(&parts[0])
        || parts
            .iter()
            .any(|p| p.is_empty() || p.starts_with('.') || *p == "..")
    {
        return None;
    }
    let path = root.join(rel);
    if path
        .strip_prefix(root)
        .ok()?
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    // No symbolic link below the root, up to and including the file itself.
    let mut walked = root.to_path_buf();
    for part in &parts {
        walked.push(part);
        match fs::symlink_metadata(&walked) {
            Ok(m) if m.file_type().is_symlink() => return None,
            Ok(_) => {}
            Err(_) => break,
        }
    }
    Some(SiteFile {
        rel: rel.to_string(),
        path,
    })
}

/// The page file a form or URL names, when it is a Markdown file the desk may edit.
pub fn page_file(root: &Path, rel: &str) -> Option<SiteFile> {
    confine(root, rel).filter(|f| {
        f.rel.starts_with("content/") && f.rel.ends_with(".md") && !f.rel.ends_with("/_index.md")
    })
}

/// The hash a form carries of the file it was opened on ("" for no file).
pub fn hash(bytes: &[u8]) -> String {
    let h = siphasher::sip128::SipHasher13::new_with_keys(0x6465_736b, 0x6861_7368).hash(bytes);
    format!("{:016x}{:016x}", h.h1, h.h2)
}

/// Writes `bytes` to `path` atomically: into a temporary file in the same folder, flushed,
/// then renamed over the target, so that a reader (the preview, a build) sees the old file
/// or the new one, never half of one. Creates the folder when needed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("没有上级目录"))?;
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut suffix = [0u8; 8];
    getrandom::fill(&mut suffix).map_err(|e| std::io::Error::other(e.to_string()))?;
    let suffix: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
    let temp = dir.join(format!(".{name}.{suffix}.desk-tmp"));
    let written = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written
}

/// The folder holding the versions of `file`.
fn history_dir(root: &Path, file: &SiteFile) -> PathBuf {
    root.join(HISTORY_DIR).join(&file.rel)
}

/// Keeps `bytes` (the version about to be replaced) as a version of `file`, named after the
/// moment (Beijing time) so that names sort by age: `20260305-091500.md`, with `-2`, `-3`…
/// when two saves fall in one second.
pub fn keep_version(
    root: &Path,
    file: &SiteFile,
    bytes: &[u8],
    now: Timestamp,
) -> std::io::Result<String> {
    let dir = history_dir(root, file);
    fs::create_dir_all(&dir)?;
    let stamp = now
        .to_zoned(beijing())
        .strftime("%Y%m%d-%H%M%S")
        .to_string();
    let ext = Path::new(&file.rel)
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    for n in 1..1000 {
        let name = if n == 1 {
            format!("{stamp}{ext}")
        } else {
            format!("{stamp}-{n}{ext}")
        };
        let path = dir.join(&name);
        if !path.exists() {
            write_atomic(&path, bytes)?;
            return Ok(name);
        }
    }
    Err(std::io::Error::other("同一秒内保存的版本过多"))
}

/// Moves the versions of `from` to those of `to` (a page that became a bundle keeps its
/// history), when `to` has none yet.
pub fn move_versions(root: &Path, from: &SiteFile, to: &SiteFile) {
    let (old, new) = (history_dir(root, from), history_dir(root, to));
    if old.is_dir() && !new.exists() {
        if let Some(parent) = new.parent() {
            let _ = fs::create_dir_all(parent);
        }
        let _ = fs::rename(&old, &new);
    }
}

/// The kept versions of `file`, newest first, with their sizes.
pub fn versions(root: &Path, file: &SiteFile) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = fs::read_dir(history_dir(root, file))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let meta = e.metadata().ok()?;
            (meta.is_file() && is_version_name(&name)).then_some((name, meta.len()))
        })
        .collect();
    out.sort_by_key(|v| std::cmp::Reverse(version_key(&v.0)));
    out
}

/// The bytes of version `name` of `file`, when it is one.
pub fn read_version(root: &Path, file: &SiteFile, name: &str) -> Option<Vec<u8>> {
    if !is_version_name(name) {
        return None;
    }
    fs::read(history_dir(root, file).join(name)).ok()
}

/// `20260305-091500.md` or `20260305-091500-2.md`: digits and hyphens, then the extension.
fn is_version_name(name: &str) -> bool {
    let (stem, _) = name.split_once('.').unwrap_or((name, ""));
    stem.len() >= 15
        && stem.bytes().all(|b| b.is_ascii_digit() || b == b'-')
        && !name.contains('/')
        && name[stem.len()..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.')
}

/// Sorts `…-2` after `…` of the same second, and `-10` after `-9`.
fn version_key(name: &str) -> (String, u32) {
    let stem = name.split_once('.').map_or(name, |(s, _)| s);
    match stem.get(16..) {
        Some(n) if stem.len() > 16 => (stem[..15].to_string(), n.parse().unwrap_or(0)),
        _ => (stem.to_string(), 1),
    }
}

/// `20260305-091500` → `2026-03-05 09:15:00`, for people.
pub fn version_label(name: &str) -> String {
    let b = name.as_bytes();
    if name.len() >= 15 && b[8] == b'-' {
        let mut s = format!(
            "{}-{}-{} {}:{}:{}",
            &name[0..4],
            &name[4..6],
            &name[6..8],
            &name[9..11],
            &name[11..13],
            &name[13..15]
        );
        if let Some(n) = name.split_once('.').and_then(|(stem, _)| stem.get(16..))
            && !n.is_empty()
        {
            s.push_str(&format!("（第 {n} 次）"));
        }
        s
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_in_the_writable_folders_are_confined() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        for good in ["content/news/a.md", "static/img/a.png", "data/x.csv"] {
            assert_eq!(confine(root, good).unwrap().path, root.join(good), "{good}");
        }
        for bad in [
            "",
            "site.yaml",
            "content",
            "themes/default/templates/page.html",
            "content/../site.yaml",
            "content/./a.md",
            "content//a.md",
            "/etc/passwd",
            "content/.hidden.md",
            "content\\..\\site.yaml",
            "content/a\0.md",
            ".wenming/history/x",
            "public/index.html",
        ] {
            assert_eq!(confine(root, bad), None, "{bad:?}");
        }
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::os::unix::fs::symlink("/tmp", root.join("content/out")).unwrap();
        assert_eq!(confine(root, "content/out/a.md"), None);
    }

    #[test]
    fn versions_sort_newest_first() {
        let root = tempfile::tempdir().unwrap();
        let file = confine(root.path(), "content/news/a.md").unwrap();
        let now: Timestamp = "2026-03-05T01:15:00Z".parse().unwrap();
        assert_eq!(
            keep_version(root.path(), &file, b"1", now).unwrap(),
            "20260305-091500.md"
        );
        assert_eq!(
            keep_version(root.path(), &file, b"2", now).unwrap(),
            "20260305-091500-2.md"
        );
        let later: Timestamp = "2026-03-05T01:16:00Z".parse().unwrap();
        keep_version(root.path(), &file, b"3", later).unwrap();
        let names: Vec<String> = versions(root.path(), &file)
            .into_iter()
            .map(|v| v.0)
            .collect();
        assert_eq!(
            names,
            [
                "20260305-091600.md",
                "20260305-091500-2.md",
                "20260305-091500.md"
            ]
        );
        assert_eq!(
            read_version(root.path(), &file, "20260305-091500-2.md").unwrap(),
            b"2"
        );
        assert_eq!(read_version(root.path(), &file, "../../../site.yaml"), None);
        assert_eq!(
            version_label("20260305-091500-2.md"),
            "2026-03-05 09:15:00（第 2 次）"
        );
    }
}
