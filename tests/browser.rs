//! The built demo site in a real headless Chromium (Debian's), driven by playwright-core
//! from tests/browser/. scripts/test.sh installs both.

mod common;

use common::Run;
use common::node::{Server, node, serve};

/// Serves the output folder of a build that must have succeeded.
fn served(out: &tempfile::TempDir, run: Run) -> Server {
    assert_eq!(run.code, 0, "{}", run.stderr);
    serve(out.path())
}

#[test]
fn demo_pages_render_in_chromium_without_errors_or_foreign_requests() {
    let out = common::temp();
    let server = served(&out, common::build_demo(out.path()));
    for (path, h1) in [
        ("/", "栖云文明网"),
        ("/news/", "创文动态"),
        (
            "/rules/wen-ming-xing-wei-cu-jin-tiao-li/",
            "栖云市文明行为促进条例",
        ),
        ("/tags/", "标签"),
        ("/sitemap/", "网站地图"),
        ("/search/?q=%E6%96%87%E6%98%8E", "站内搜索"),
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
fn search_in_chromium_finds_substrings_and_shows_queries_as_text() {
    let out = common::temp();
    let server = served(&out, common::build("search", out.path()));
    let base = format!("http://127.0.0.1:{}", server.port);
    let r = node("search.mjs", &["fixture", &base]);

    // Typed into the header box: 分类 finds 垃圾分类, highlighted, title matches first.
    let typed = &r["typed"];
    assert_eq!(typed["path"], "/search/?q=分类", "{r}");
    assert_eq!(typed["title"], "“分类”的搜索结果 - 站内搜索 - 搜索测试网");
    assert_eq!(typed["status"], "“分类”共找到 6 条结果。");
    assert_eq!(typed["statusRole"], "status", "announced to screen readers");
    assert_eq!(typed["input"], "分类");
    let titles: Vec<&str> = typed["results"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["title"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        titles,
        [
            "垃圾分类新规实施",
            "社区设立分类亭",
            "分类指南",
            "河道清洁行动",
            "去年的创文工作回顾",
            "生活垃圾管理條例"
        ]
    );
    assert_eq!(
        typed["results"][1],
        serde_json::json!({
            "title": "社区设立分类亭",
            "url": "/news/fen-lei-ting/",
            "meta": "创文动态 · 2026-02-01",
            "excerpt": "望湖社区新建八座分类亭，志愿者现场指导居民做好垃圾分类。",
            "marks": ["分类", "分类", "分类"],
            "elements": ["a", "mark", "time", "mark", "mark"],
        })
    );
    // Traditional text is highlighted as written.
    assert_eq!(
        typed["results"][5]["excerpt"],
        "第五条 生活垃圾應當分類投放。"
    );
    assert_eq!(typed["results"][5]["marks"], serde_json::json!(["分類"]));
    assert_eq!(r["label"], 1, "the search field has its label");
    assert_eq!(
        r["tabbedTo"], "/news/la-ji-fen-lei-xin-gui/",
        "Tab goes from the field over the button to the first result"
    );

    // No result says so and offers the site map.
    assert_eq!(
        r["none"]["status"],
        "没有找到与“不存在的内容”相关的内容。请检查是否有错别字、换个说法，或浏览网站地图。"
    );
    assert_eq!(r["none"]["statusLinks"], serde_json::json!(["/sitemap/"]));
    assert_eq!(r["none"]["results"], serde_json::json!([]));

    // <script> in a query is text: in the field, the title and the status, never run.
    let script = &r["script"];
    assert_eq!(script["path"], "/search/?q=<script>alert(1)</script>");
    assert_eq!(script["input"], "<script>alert(1)</script>");
    assert_eq!(
        script["status"],
        "没有找到与“<script>alert(1)</script>”相关的内容。请检查是否有错别字、换个说法，或浏览网站地图。"
    );
    assert_eq!(script["scripts"], 1, "only search.js itself");
    assert_eq!(r["dialogs"], serde_json::json!([]), "alert never ran");

    // A title that looks like HTML is shown as text, with the match marked.
    let markup = &r["markup"]["results"][0];
    assert_eq!(markup["title"], "<b>加粗</b>标题测试");
    assert_eq!(
        markup["elements"],
        serde_json::json!(["a", "mark", "time", "mark"])
    );

    // Without JavaScript the box leads to the site map, which explains why.
    assert_eq!(
        r["withoutJs"],
        serde_json::json!({"path": "/sitemap/?q=分类", "h1": "网站地图", "notice": true})
    );
    assert_eq!(r["errors"], serde_json::json!([]), "{r}");
    assert_eq!(
        r["foreign"],
        serde_json::json!([]),
        "no request leaves the site"
    );
}

#[test]
fn search_results_load_ten_at_a_time_and_more_moves_focus_to_them() {
    let out = common::temp();
    let server = served(&out, common::build_demo(out.path()));
    let r = node(
        "search.mjs",
        &["more", &format!("http://127.0.0.1:{}", server.port)],
    );
    let count = |v: &serde_json::Value| v["results"].as_array().map_or(0, Vec::len);
    assert_eq!(count(&r["first"]), 10, "{r}");
    assert!(
        r["first"]["status"].as_str().is_some_and(
            |s| s.starts_with("“文明”共找到 ") && s.ends_with("条结果，显示前 10 条。")
        ),
        "{r}"
    );
    assert_eq!(r["first"]["more"], "显示更多结果");
    assert_eq!(count(&r["second"]), 20);
    assert_eq!(r["focused"], 10, "focus moves to the first new result");
    assert_eq!(r["errors"], serde_json::json!([]), "{r}");
    assert_eq!(r["foreign"], serde_json::json!([]));
}
