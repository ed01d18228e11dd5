//! 历史版本 in git: when the site is a git repository, each change the desk writes is also
//! committed, with the editor or reviewer as its author (the versions are kept under
//! `.wenming/history/` all the same, where the desk lists and restores them). Only the paths
//! written are committed (`git commit --only`): whatever else is staged stays staged. Best
//! effort: a failed commit (git missing, a locked index) leaves the saved file as it is.

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
