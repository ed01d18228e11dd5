//! 历史版本 in git: when the site is a git repository, each change the desk writes is also
//! committed, with the editor or reviewer as its author (the versions are kept under
//! `.wenming/history/` all the same, where the desk lists and restores them). Only the paths
//! written are committed (`git commit --only`): whatever else is staged stays staged. Best
//! effort: a failed commit (git missing, a locked index) leaves the saved file as it is.
//! The 历史版本 page also lists a page's commits ([`log`]); a commit's version of the page
//! is read with [`show`].

use std::path::Path;
use std::process::{Command, Stdio};

/// Who commits: the desk; the author is the person named.
const COMMITTER: &str = "wenming 编辑台";
const EMAIL: &str = "desk@wenming.invalid";

/// Whether the site root is a git work tree of its own.
pub fn is_repo(root: &Path) -> bool {
    root.join(".git").exists()
}

fn git(root: &Path) -> Command {
    let mut c = Command::new("git");
    c.arg("-C")
        .arg(root)
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "core.hooksPath=/dev/null",
        ])
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_COMMITTER_NAME", COMMITTER)
        .env("GIT_COMMITTER_EMAIL", EMAIL)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

/// Commits `paths` (relative to the root; written, added or removed) with `message`,
/// authored by `author`. `Err` says why git did not.
pub fn commit(root: &Path, paths: &[String], message: &str, author: &str) -> Result<(), String> {
    if !is_repo(root) || paths.is_empty() {
        return Ok(());
    }
    let run = |c: &mut Command| -> Result<(), String> {
        let out = c.output().map_err(|e| format!("无法运行 git：{e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    };
    run(git(root).args(["add", "-A", "--"]).args(paths))?;
    let author = author.replace(['<', '>', '\n'], "");
    let author = if author.trim().is_empty() {
        COMMITTER.to_string()
    } else {
        author
    };
    run(git(root)
        .args(["commit", "--quiet", "--no-verify", "--only", "-m", message])
        .arg(format!("--author={} <{EMAIL}>", author.trim()))
        .arg("--")
        .args(paths))
}

/// One commit of a page, as 历史版本 lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    /// The full hash (40 hex digits).
    pub hash: String,
    /// Beijing time, `2026-03-10 08:00:00`.
    pub date: String,
    pub author: String,
    pub subject: String,
}

/// At most this many commits of a page are listed, newest first.
const MAX_LOG: usize = 50;

/// The commits that changed `rel` (a confined path below the root), newest first; none when
/// the site is not a git repository or git fails.
pub fn log(root: &Path, rel: &str) -> Vec<Commit> {
    if !is_repo(root) {
        return Vec::new();
    }
    let out = git(root)
        // Beijing time without a time zone database: POSIX `CST-8`.
        .env("TZ", "CST-8")
        .args(["log", "--no-color", "--format=%H%x1f%ad%x1f%an%x1f%s"])
        .arg("--date=format-local:%Y-%m-%d %H:%M:%S")
        .arg(format!("--max-count={MAX_LOG}"))
        .arg("--")
        .arg(rel)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .output();
    let Ok(out) = out else {
        return Vec::new();
    };
    if !out.status.success() {
        return Vec::new();
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let mut parts = line.splitn(4, '\u{1f}');
            let hash = parts.next()?.to_string();
            is_hash(&hash).then_some(())?;
            Some(Commit {
                hash,
                date: parts.next()?.to_string(),
                author: parts.next()?.to_string(),
                subject: parts.next().unwrap_or_default().to_string(),
            })
        })
        .collect()
}

/// Whether `s` is a full commit hash: 40 lowercase hex digits (nothing git could read as an
/// option, a path or another revision).
pub fn is_hash(s: &str) -> bool {
    s.len() == 40
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The bytes of `rel` in commit `hash`, when the site is a git repository and the commit has
/// that file.
pub fn show(root: &Path, hash: &str, rel: &str) -> Option<Vec<u8>> {
    if !is_repo(root) || !is_hash(hash) {
        return None;
    }
    let out = git(root)
        .arg("show")
        .arg(format!("{hash}:{rel}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}
