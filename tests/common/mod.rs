//! Helpers for the integration tests: run the `wenming` binary on a fixture site and read
//! what it wrote.

#![allow(dead_code)]

pub mod node;

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Runs `wenming ARGS…` and captures its exit code and output.
pub fn wenming(args: &[&str]) -> Run {
    run(Command::new(env!("CARGO_BIN_EXE_wenming")).args(args))
}

/// Runs `wenming ARGS…` as if the clock said `now` (`WENMING_NOW`), for results that depend
/// on the date (scheduled pages, stale columns).
pub fn wenming_at(now: &str, args: &[&str]) -> Run {
    run(Command::new(env!("CARGO_BIN_EXE_wenming"))
        .env("WENMING_NOW", now)
        .args(args))
}

/// The moment the demo site's content was written for: its columns are fresh then.
pub const DEMO_NOW: &str = "2026-11-21 10:00";

/// Builds the demo site (the repository root) into `output`, as of [`DEMO_NOW`].
pub fn build_demo(output: &Path) -> Run {
    wenming_at(
        DEMO_NOW,
        &[
            "build",
            "--root",
            env!("CARGO_MANIFEST_DIR"),
            "--output",
            output.to_str().unwrap_or_default(),
        ],
    )
}

fn run(command: &mut Command) -> Run {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run wenming: {e}"));
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Builds fixture `name` into `output`.
pub fn build(name: &str, output: &Path) -> Run {
    build_root(&fixture(name), output)
}

/// Builds the site at `root` into `output`.
pub fn build_root(root: &Path, output: &Path) -> Run {
    wenming(&[
        "build",
        "--root",
        root.to_str().unwrap_or_default(),
        "--output",
        output.to_str().unwrap_or_default(),
    ])
}

pub fn read(output: &Path, file: &str) -> String {
    std::fs::read_to_string(output.join(file)).unwrap_or_else(|e| panic!("cannot read {file}: {e}"))
}

pub fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("no temp dir: {e}"))
}

/// Every file below `dir`, relative, sorted.
pub fn files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir(dir);
    out.sort();
    out
}

fn walkdir(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(rel) = path.strip_prefix(dir) {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

/// Copies fixture `name` into a new temporary folder, so a test can change it.
pub fn fixture_copy(name: &str) -> tempfile::TempDir {
    let dir = temp();
    copy_dir(&fixture(name), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("cannot create {}: {e}", to.display()));
    for entry in std::fs::read_dir(from).into_iter().flatten().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("cannot copy {}: {e}", entry.path().display()));
        }
    }
}
