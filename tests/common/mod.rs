//! Helpers for the integration tests: run the `wenming` binary on a fixture site and read
//! what it wrote.

#![allow(dead_code)]

pub mod edits;
pub mod node;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

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
    build_root_at(DEMO_NOW, Path::new(env!("CARGO_MANIFEST_DIR")), output)
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
    wenming(&build_args(root, output))
}

/// Builds the site at `root` into `output` as if the clock said `now` (`WENMING_NOW`).
pub fn build_root_at(now: &str, root: &Path, output: &Path) -> Run {
    wenming_at(now, &build_args(root, output))
}

fn build_args<'a>(root: &'a Path, output: &'a Path) -> [&'a str; 5] {
    [
        "build",
        "--root",
        root.to_str().unwrap_or_default(),
        "--output",
        output.to_str().unwrap_or_default(),
    ]
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

/// Copies folder `from` with everything in it to `to`.
pub fn copy_dir(from: &Path, to: &Path) {
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

/// A running `wenming serve --port 0` on a site, stopped when dropped. What it prints is
/// passed on to the test's output (shown when the test fails).
pub struct ServeProcess {
    child: Child,
    /// `http://127.0.0.1:PORT/` as printed.
    pub url: String,
    pub port: u16,
    /// Every line printed so far, on stdout or stderr.
    output: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl ServeProcess {
    /// What serve has printed so far.
    pub fn output(&self) -> String {
        self.output
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .join("\n")
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `wenming serve --port 0 --root ROOT EXTRA…` as of [`DEMO_NOW`] (`WENMING_NOW`), so
/// that it agrees with builds made with [`wenming_at`] at the same moment.
pub fn start_serve(root: &Path, extra: &[&str]) -> ServeProcess {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wenming"))
        .env("WENMING_NOW", DEMO_NOW)
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start wenming serve: {e}"));
    let (tx, lines) = mpsc::channel::<String>();
    let output = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    for (name, stream) in [
        (
            "stdout",
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        ),
        (
            "stderr",
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        ),
    ] {
        let Some(stream) = stream else { continue };
        let tx = tx.clone();
        let output = output.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                eprintln!("serve ({name}): {line}");
                output
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(line.clone());
                let _ = tx.send(line);
            }
        });
    }
    let url = loop {
        let line = lines
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|e| panic!("serve printed no address: {e}"));
        if let Some(url) = line.strip_prefix("预览地址：") {
            break url.trim().to_string();
        }
    };
    let port = url
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches('/')
        .parse()
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    ServeProcess {
        child,
        url,
        port,
        output,
    }
}
