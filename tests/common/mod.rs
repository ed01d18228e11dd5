//! Helpers for the integration tests: run the `wenming` binary on a fixture site and read
//! what it wrote.

#![allow(dead_code)]

pub mod edits;
pub mod exif;
pub mod node;

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

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

/// The text of an output file; a compressed twin (`.gz`, `.br`) is decompressed first, so
/// that checks over every file see what a reader's browser gets.
pub fn read_decoded(output: &Path, file: &str) -> String {
    let bytes =
        std::fs::read(output.join(file)).unwrap_or_else(|e| panic!("cannot read {file}: {e}"));
    let mut text = Vec::new();
    if file.ends_with(".gz") {
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut text)
            .unwrap_or_else(|e| panic!("{file} is not gzip: {e}"));
    } else if file.ends_with(".br") {
        brotli::Decompressor::new(&bytes[..], 4096)
            .read_to_end(&mut text)
            .unwrap_or_else(|e| panic!("{file} is not brotli: {e}"));
    } else {
        text = bytes;
    }
    String::from_utf8(text).unwrap_or_else(|e| panic!("{file} is not UTF-8: {e}"))
}

/// Whether `file` is a compressed twin of another output file.
pub fn is_twin(file: &str) -> bool {
    file.ends_with(".gz") || file.ends_with(".br")
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

/// Copies folder `from` with everything in it to `to`, except the site state folders
/// (`.wenming/`): tests build fixtures in place, and a build running beside this copy writes
/// and renames its state files there, so copying them would race with it.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("cannot create {}: {e}", to.display()));
    for entry in std::fs::read_dir(from).into_iter().flatten().flatten() {
        if entry.file_name() == ".wenming" {
            continue;
        }
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
    start_serve_at(Some(DEMO_NOW), root, extra)
}

/// [`start_serve`] as of `now`, or on the real clock with `None`.
pub fn start_serve_at(now: Option<&str>, root: &Path, extra: &[&str]) -> ServeProcess {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wenming"));
    match now {
        Some(now) => command.env("WENMING_NOW", now),
        None => command.env_remove("WENMING_NOW"),
    };
    let mut child = command
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
    // `http://HOST:PORT/…`: the port is what follows the host's last `:`.
    let authority = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap_or_default();
    let port = authority
        .rsplit_once(':')
        .map_or("", |(_, port)| port)
        .parse()
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    ServeProcess {
        child,
        url,
        port,
        output,
    }
}

/// What came back for a request written by hand with [`raw_request`].
pub struct RawResponse {
    /// The status code, 0 when no status line came back.
    pub status: u16,
    /// Everything received, head and body.
    pub bytes: Vec<u8>,
    /// The server closed the connection (end of stream or reset) before the time was up.
    pub closed: bool,
}

impl RawResponse {
    /// Everything received, as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    /// The response head (status line and headers), as text.
    pub fn head(&self) -> String {
        let end = self.body_start().unwrap_or(self.bytes.len());
        String::from_utf8_lossy(&self.bytes[..end]).into_owned()
    }

    /// The value of header `name` (any case), or empty.
    pub fn header(&self, name: &str) -> String {
        self.head()
            .lines()
            .skip(1)
            .find_map(|l| {
                let (n, v) = l.split_once(':')?;
                n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
            })
            .unwrap_or_default()
    }

    /// The bytes after the head.
    pub fn body(&self) -> &[u8] {
        self.body_start().map_or(&[], |at| &self.bytes[at..])
    }

    fn body_start(&self) -> Option<usize> {
        self.bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map(|at| at + 4)
    }
}

/// Connects to 127.0.0.1:`port`, writes `request` exactly as given (no HTTP client
/// normalizes it), then reads until the server closes the connection or `timeout` has
/// passed. A failed write is not an error: a server may close before reading it all.
pub fn raw_request(port: u16, request: &[u8], timeout: Duration) -> RawResponse {
    let mut stream = TcpStream::connect(("127.0.0.1", port))
        .unwrap_or_else(|e| panic!("cannot connect to port {port}: {e}"));
    let _ = stream.set_write_timeout(Some(timeout));
    let _ = stream.write_all(request);
    read_until_closed(&mut stream, timeout)
}

/// Reads from `stream` until the server closes it or `timeout` has passed.
pub fn read_until_closed(stream: &mut TcpStream, timeout: Duration) -> RawResponse {
    let deadline = Instant::now() + timeout;
    let mut bytes = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let closed = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            break false;
        }
        match stream.read(&mut buf) {
            Ok(0) => break true,
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                break false;
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => break true,
        }
    };
    let status = bytes
        .strip_prefix(b"HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| std::str::from_utf8(code).ok())
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    RawResponse {
        status,
        bytes,
        closed,
    }
}

/// What a failed build printed without its warnings (each `警告：` line and its hint lines)
/// and without the warning count of the last line: for tests about the errors, whose
/// fixtures also draw warnings that depend on the clock.
pub fn errors_only(stderr: &str) -> String {
    let mut out = String::new();
    let mut in_warning = false;
    for line in stderr.lines() {
        if line.starts_with("警告：") {
            in_warning = true;
            continue;
        }
        if in_warning && line.starts_with("    ") {
            continue;
        }
        in_warning = false;
        let line = match (line.find("个错误、"), line.find(" 个警告")) {
            (Some(start), Some(end)) if start < end => {
                let start = start + "个错误".len();
                format!("{}{}", &line[..start], &line[end + " 个警告".len()..])
            }
            _ => line.to_string(),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}
