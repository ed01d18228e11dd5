//! The built demo site in a real headless Chromium (Debian's), driven by playwright-core
//! from tests/browser/: a smoke test, axe-core's WCAG 2.1 A/AA rules on the pages listed in
//! tests/browser/pages.mjs, the default theme's promises to readers (tests/browser/theme.mjs),
//! and `wenming serve`'s live reload and error overlay (tests/browser/livereload.mjs).
//! scripts/test.sh installs Chromium and the npm packages.

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

/// The demo site built into a temporary folder and served; both live as long as the pair.
fn demo_served() -> (tempfile::TempDir, Server) {
    let out = common::temp();
    let run = common::build_demo(out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let server = serve(out.path());
    (out, server)
}

#[test]
fn demo_pages_render_in_chromium_without_errors_or_foreign_requests() {
    let (_out, server) = demo_served();
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
fn axe_finds_no_wcag_21_aa_violation_in_either_mode_at_phone_and_desktop_width() {
    let (_out, server) = demo_served();
    let base = format!("http://127.0.0.1:{}", server.port);
    let result = node("axe.mjs", &[&base]);
    assert_eq!(result["violations"], serde_json::json!([]), "{result:#}");
    assert_eq!(
        result["notElder"],
        serde_json::json!([]),
        "长辈模式 applied on every visit meant to use it: {result}"
    );
    // pages.mjs lists 19 pages (the lead may add more), each seen in 2 modes at 2 widths.
    let checked = result["checked"].as_u64().unwrap_or(0);
    assert!(checked >= 19 * 4, "{result}");
    assert_eq!(checked % 4, 0, "{result}");
}

/// The folder `cargo test` builds into (`target/`), found from this test binary's path
/// (`target/debug/deps/browser-…`).
fn target_dir() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("no test binary path: {e}"));
    exe.ancestors()
        .nth(3)
        .map(std::path::Path::to_path_buf)
        .unwrap_or_else(|| std::path::PathBuf::from("target"))
}

#[test]
fn the_theme_keeps_its_promises_to_readers() {
    let (_out, server) = demo_served();
    let base = format!("http://127.0.0.1:{}", server.port);
    let shots = target_dir().join("screenshots");
    // Screenshots of an earlier run must not pass for this run's.
    let _ = std::fs::remove_dir_all(&shots);
    let r = node("theme.mjs", &[&base, shots.to_str().unwrap_or_default()]);

    // 长辈模式: labelled, off at first, on with a click, kept on the next page, and off again.
    let toggle = &r["toggle"];
    assert_eq!(toggle["before"]["visible"], true, "{toggle}");
    assert_eq!(toggle["before"]["name"], "长辈模式", "{toggle}");
    for (step, pressed) in [
        ("before", false),
        ("afterClick", true),
        ("nextPage", true),
        ("offAgain", false),
        ("offNextPage", false),
    ] {
        assert_eq!(toggle[step]["elder"], pressed, "{step}: {toggle}");
        assert_eq!(
            toggle[step]["pressed"],
            if pressed { "true" } else { "false" },
            "{step}: {toggle}"
        );
    }

    // Text sizes: 18 px body text normally, at least 20 px and line height 1.8 in 长辈模式,
    // and black text for more contrast.
    let normal = &r["modes"]["normal"];
    let elder = &r["modes"]["elder"];
    assert!(normal["minBodyFontPx"].as_f64() >= Some(18.0), "{normal}");
    assert!(normal["minLineHeight"].as_f64() >= Some(1.5), "{normal}");
    assert!(elder["minBodyFontPx"].as_f64() >= Some(20.0), "{elder}");
    assert!(
        elder["minParagraphFontPx"].as_f64() >= Some(20.0),
        "{elder}"
    );
    assert!(elder["minLineHeight"].as_f64() >= Some(1.8), "{elder}");
    assert_eq!(
        elder["colours"],
        serde_json::json!(["rgb(0, 0, 0)"]),
        "{elder}"
    );

    // Targets of 44 px (60 px in 长辈模式), sized images, lazy below the fold, reflow at
    // 320 px, 200% text and the text-spacing override without loss.
    for key in [
        "smallTargets",
        "images",
        "reflow320",
        "text200",
        "textSpacing",
    ] {
        assert_eq!(r[key], serde_json::json!([]), "{key}: {:#}", r[key]);
    }

    // Keyboard focus: the skip link first, then every focused element outlined on screen.
    for mode in ["normal", "elder"] {
        let focus = &r["focus"][mode];
        assert_eq!(focus["first"], "a “跳到正文”", "{mode}: {focus}");
        assert_eq!(focus["firstOnScreen"], true, "{mode}: {focus}");
        assert_eq!(focus["invisible"], serde_json::json!([]), "{mode}: {focus}");
        assert!(focus["count"].as_u64() >= Some(20), "{mode}: {focus}");
    }

    // Without JavaScript the toggle is hidden and the site still reads and navigates.
    let no_script = &r["noScript"];
    assert_eq!(no_script["toggleVisible"], false, "{no_script}");
    assert_eq!(no_script["h1"], "栖云文明网", "{no_script}");
    assert_eq!(no_script["navigatedTo"], "/notices/", "{no_script}");
    assert_eq!(no_script["problems"], serde_json::json!([]), "{no_script}");

    // The budget: one host, one stylesheet, under 10 KB of script, home under 60 KB without
    // images.
    let budget = &r["budget"];
    assert_eq!(
        budget["hosts"],
        serde_json::json!([format!("127.0.0.1:{}", server.port)]),
        "{budget}"
    );
    assert_eq!(budget["styleSheets"], 1, "{budget}");
    assert_eq!(budget["styleElements"], 0, "{budget}");
    let js = budget["js"].as_u64().unwrap_or(u64::MAX)
        + budget["inlineScriptBytes"].as_u64().unwrap_or(u64::MAX);
    assert!(js > 0 && js < 10 * 1024, "{budget}");
    let total = budget["totalWithoutImages"].as_u64().unwrap_or(u64::MAX);
    assert!(total < 60 * 1024, "{budget}");

    // Printing a 条例 or an article: only the text, black, with its address.
    for (path, printed) in r["print"].as_object().into_iter().flatten() {
        assert_eq!(
            printed["hidden"],
            serde_json::json!([]),
            "{path}: {printed}"
        );
        assert_eq!(printed["contentShown"], true, "{path}: {printed}");
        assert_eq!(printed["urlShown"], true, "{path}: {printed}");
        assert_eq!(printed["colour"], "rgb(0, 0, 0)", "{path}: {printed}");
        assert!(
            printed["pdfBytes"].as_u64() > Some(1000),
            "{path}: {printed}"
        );
    }
    let rule = &r["print"]["/rules/wen-ming-xing-wei-cu-jin-tiao-li/"];
    assert!(
        rule["fontFamily"]
            .as_str()
            .unwrap_or_default()
            .starts_with("FangSong"),
        "{rule}"
    );

    // Screenshots for review: home and an article at 375 px, in both modes.
    for name in ["home", "article"] {
        for mode in ["normal", "elder"] {
            let file = shots.join(format!("{name}-375-{mode}.png"));
            let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            assert!(bytes.starts_with(b"\x89PNG"), "{}", file.display());
        }
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
