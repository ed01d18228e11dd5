//! The built demo site in a real headless Chromium (Debian's), driven by playwright-core
//! from tests/browser/. scripts/test.sh installs both.

mod common;

use common::node::{node, serve};

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
