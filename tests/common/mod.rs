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
    let out = Command::new(env!("CARGO_BIN_EXE_wenming"))
        .args(args)
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
