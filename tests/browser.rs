//! The built demo site in a real headless Chromium (Debian's), driven by playwright-core
//! from tests/browser/. scripts/test.sh installs both.

mod common;

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A static file server on 127.0.0.1 for the duration of a test.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

fn serve(dir: &std::path::Path) -> Server {
    let port = free_port();
    let child = Command::new("python3")
        .args([
            "-m",
            "http.server",
            "--bind",
            "127.0.0.1",
            &port.to_string(),
            "-d",
        ])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start python3 http.server: {e}"));
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Server { child, port }
}

/// Runs `node tests/browser/SCRIPT ARGS…` and parses the JSON line it prints.
fn node(script: &str, args: &[&str]) -> serde_json::Value {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let out = Command::new("node")
        .arg(dir.join(script))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node (run scripts/test.sh to install it): {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{script} failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("{script} printed no JSON ({e}): {stdout}"))
}

#[test]
fn demo_pages_render_in_chromium_without_errors_or_foreign_requests() {
    let out = common::temp();
    let root = env!("CARGO_MANIFEST_DIR");
    let run = common::wenming(&[
        "build",
        "--root",
        root,
        "--output",
        out.path().to_str().unwrap_or_default(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let server = serve(out.path());
    for (path, h1) in [
        ("/", "栖云文明网"),
        ("/news/", "创文动态"),
        (
            "/rules/wen-ming-xing-wei-cu-jin-tiao-li/",
            "栖云市文明行为促进条例",
        ),
        ("/tags/", "标签"),
    ] {
        let url = format!("http://127.0.0.1:{}{path}", server.port);
        let result = node("smoke.mjs", &[&url]);
        assert_eq!(result["lang"], "zh-CN", "{path}: {result}");
        assert_eq!(result["h1"], h1, "{path}: {result}");
        assert_eq!(
            result["styled"], true,
            "{path}: the stylesheet applies: {result}"
        );
        assert_eq!(
            result["overflowsAt375"], false,
            "{path}: no sideways scrolling on a phone: {result}"
        );
        assert_eq!(result["errors"], serde_json::json!([]), "{path}: {result}");
        assert_eq!(
            result["foreign"],
            serde_json::json!([]),
            "{path}: no request leaves the site: {result}"
        );
    }
}

#[test]
fn live_reload_in_chromium_shows_edits_swaps_css_and_overlays_errors() {
    let site = common::edits::demo_copy();
    let theme_css =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/style.css");
    let css = site.path().join("static/style.css");
    std::fs::copy(&theme_css, &css).unwrap_or_else(|e| panic!("{e}"));
    let markdown = site.path().join("content/news/chuang-wen-tui-jin-hui.md");
    let serve = common::start_serve(site.path(), &[]);
    let page = format!("{}news/chuang-wen-tui-jin-hui/", serve.url);
    let result = node(
        "livereload.mjs",
        &[
            &page,
            markdown.to_str().unwrap_or_default(),
            css.to_str().unwrap_or_default(),
        ],
    );
    assert_eq!(result["failure"], serde_json::Value::Null, "{result}");
    assert_eq!(result["textAppeared"], true, "{result}");
    assert_eq!(
        result["reloadedItself"], true,
        "the script reloaded the page: {result}"
    );
    assert_eq!(result["cssApplied"], true, "{result}");
    assert_eq!(
        result["cssWithoutReload"], true,
        "a stylesheet is swapped, not reloaded: {result}"
    );
    let overlay = result["overlayText"].as_str().unwrap_or_default();
    assert!(
        overlay.contains("content/news/chuang-wen-tui-jin-hui.md:") && overlay.contains("构建失败"),
        "the overlay names the file and line: {result}"
    );
    assert_eq!(result["lastGoodPageShown"], true, "{result}");
    assert_eq!(result["overlayCleared"], true, "{result}");
    assert_eq!(result["errors"], serde_json::json!([]), "{result}");
}
