//! The built demo site in a real headless Chromium (Debian's), driven by playwright-core
//! from tests/browser/: a smoke test, axe-core's WCAG 2.1 A/AA rules on the pages listed in
//! tests/browser/pages.mjs, the default theme's promises to readers (tests/browser/theme.mjs),
//! site search as a reader uses it (tests/browser/search.mjs), a 知识问答 quiz answered and
//! scored (tests/browser/quiz.mjs), `wenming serve`'s live reload and error overlay
//! (tests/browser/livereload.mjs), and the theme on a phone (tests/browser/phone.mjs:
//! tables, charts, layout shift, no-JS search, header, 二维码).
//! scripts/test.sh installs Chromium and the npm packages.

mod common;

use common::Run;
use common::node::{Server, node, serve};

/// Serves the output folder of a build that must have succeeded.
fn served(out: &tempfile::TempDir, run: Run) -> Server {
    assert_eq!(run.code, 0, "{}", run.stderr);
    serve(out.path())
}

/// The demo site built into a temporary folder and served; both live as long as the pair.
fn demo_served() -> (tempfile::TempDir, Server) {
    let out = common::temp();
    let server = served(&out, common::build_demo(out.path()));
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
            "meta": "创文动态 · 2026年2月1日",
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
    let (_out, server) = demo_served();
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
    // An excerpt cut in mid-text never starts with a space or a punctuation mark (“…。”).
    let excerpts: Vec<&str> = r["second"]["results"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["excerpt"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(excerpts.len(), 20, "{r}");
    for excerpt in &excerpts {
        let mut chars = excerpt.chars();
        if chars.next() == Some('…') {
            let next = chars.next().unwrap_or(' ');
            assert!(
                !next.is_whitespace() && !"。，、；：？！,.;:?!”’）》」』】".contains(next),
                "{excerpt}"
            );
        }
    }
    // Dates are written as in the site's lists.
    assert!(
        r["second"]["results"][0]["meta"]
            .as_str()
            .is_some_and(|m| m.ends_with('日')),
        "{r}"
    );
    assert_eq!(r["errors"], serde_json::json!([]), "{r}");
    assert_eq!(r["foreign"], serde_json::json!([]));
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

#[test]
fn a_quiz_is_scored_in_the_browser_and_the_score_is_announced() {
    let out = common::temp();
    let run = common::build_root_at(
        "2026-05-10 10:00",
        &common::fixture("quiz-directory"),
        out.path(),
    );
    let server = served(&out, run);
    let url = format!("http://127.0.0.1:{}/wen-da/chuang-wen/", server.port);
    let r = node("quiz.mjs", &[&url]);
    assert_eq!(
        r["scripted"],
        serde_json::json!({"button": true, "hint": true}),
        "交卷 shows once the script runs"
    );

    // All right, answered with the keyboard alone.
    let right = &r["right"];
    assert_eq!(
        right["live"],
        serde_json::json!({
            "role": "status",
            "ariaLive": "polite",
            "text": "得分 3/3全部答对，感谢参与！",
            "paragraphs": ["得分 3/3", "全部答对，感谢参与！"],
            "links": [],
        }),
        "{r}"
    );
    assert_eq!(
        right["feedback"],
        serde_json::json!(["回答正确。", "回答正确。", "回答正确。"])
    );
    assert_eq!(right["open"], serde_json::json!([false, false, false]));

    // Question 1 wrong, question 2 half right (A and B without D): 1 of 3, the two listed
    // with links to them and their answers unfolded.
    let wrong = &r["wrong"];
    assert_eq!(wrong["live"]["role"], "status");
    assert_eq!(
        wrong["live"]["paragraphs"],
        serde_json::json!([
            "得分 1/3",
            "没答对的题：第 1 题、第 2 题。正确答案和解析已在题目下方展开。"
        ]),
        "{r}"
    );
    assert_eq!(wrong["live"]["links"], serde_json::json!(["#q-1", "#q-2"]));
    assert_eq!(
        wrong["feedback"],
        serde_json::json!([
            "回答错误，正确答案和解析见下方。",
            "回答错误，正确答案和解析见下方。",
            "回答正确。"
        ])
    );
    assert_eq!(wrong["open"], serde_json::json!([true, true, false]));
    assert_eq!(
        wrong["classes"],
        serde_json::json!([
            "quiz-question quiz-wrong",
            "quiz-question quiz-wrong",
            "quiz-question quiz-right"
        ])
    );
    assert_eq!(r["sent"], serde_json::json!([]), "answers are sent nowhere");

    // Nothing answered: 0 of 3, each marked as not answered.
    assert_eq!(r["empty"]["live"]["paragraphs"][0], "得分 0/3");
    assert_eq!(r["empty"]["feedback"][2], "未作答，正确答案和解析见下方。");

    // Without JavaScript there is no button; the answers still teach.
    assert_eq!(
        r["withoutJs"],
        serde_json::json!({
            "buttonVisible": false,
            "hintVisible": false,
            "details": 3,
            "opened": true,
            "answer": "正确答案：B．2026年3月5日",
        })
    );
    assert_eq!(r["errors"], serde_json::json!([]), "{r}");
    assert_eq!(r["foreign"], serde_json::json!([]));

    // quiz.js is plain ES5, as WeChat and old Android WebViews run it.
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/quiz.js");
    let checked = node("es5.mjs", &[script.to_str().unwrap_or_default()]);
    assert_eq!(checked["error"], serde_json::Value::Null, "{checked}");
}

#[test]
fn on_a_phone_every_figure_is_on_screen_nothing_jumps_and_pages_can_be_shared() {
    let (_out, server) = demo_served();
    let base = format!("http://127.0.0.1:{}", server.port);
    let shots = target_dir().join("screenshots-phone");
    let _ = std::fs::remove_dir_all(&shots);
    let r = node("phone.mjs", &[&base, shots.to_str().unwrap_or_default()]);

    // Every th/td of the progress, ranking and rule pages inside a 320/375 px screen, in both
    // modes and at 200% text (opened <details> included).
    assert_eq!(r["tables"], serde_json::json!([]), "{:#}", r["tables"]);
    assert!(
        r["cellsChecked"].as_u64() > Some(1000),
        "{}",
        r["cellsChecked"]
    );

    // Chart text inside the viewBox, no two labels overlapping, and as large as body text
    // (18 px) on a phone, larger in 长辈模式 at 375 px.
    assert_eq!(r["charts"], serde_json::json!([]), "{:#}", r["charts"]);
    let font = |k: &str| r["chartFonts"][k].as_f64().unwrap_or(0.0);
    assert!(
        font("320-normal") >= 17.5 && font("375-normal") >= 17.5,
        "{}",
        r["chartFonts"]
    );
    assert!(
        font("375-elder") > font("375-normal") + 2.0,
        "{}",
        r["chartFonts"]
    );

    // Search titles read in lines around their <mark>s.
    assert_eq!(r["marks"]["split"], serde_json::json!([]), "{}", r["marks"]);
    assert_eq!(r["marks"]["checked"], 10, "{}", r["marks"]);

    // Cumulative layout shift ≤ 0.01 on a slow network with a 4× slower CPU.
    let shifts = r["shift"].as_object().cloned().unwrap_or_default();
    assert_eq!(shifts.len(), 6, "{}", r["shift"]);
    for (page, s) in &shifts {
        assert!(s["cls"].as_f64().is_some_and(|c| c <= 0.01), "{page}: {s}");
    }

    // The site name, search and 长辈模式 in about a fifth of a 667 px screen, sections in one row.
    for (key, share) in [
        ("320-normal", 20),
        ("375-normal", 20),
        ("320-elder", 24),
        ("375-elder", 24),
    ] {
        let h = &r["header"][key];
        assert!(
            h["share"].as_u64().is_some_and(|s| s <= share),
            "{key}: {h}"
        );
        assert_eq!(h["navRows"], 1, "{key}: {h}");
    }

    // Without JavaScript the header search is usable and says plainly what it cannot do.
    for width in ["320", "375", "1366"] {
        let n = &r["noScript"][width];
        assert!(n["inputWidth"].as_u64() >= Some(120), "{width}: {n}");
        assert_eq!(
            n["hint"], "站内搜索需要浏览器启用 JavaScript。请到网站地图按栏目查找。",
            "{width}: {n}"
        );
        assert_eq!(
            n["hintLinks"],
            serde_json::json!(["/sitemap/"]),
            "{width}: {n}"
        );
        assert_eq!(n["typed"], "垃圾分类", "{width}: {n}");
        assert_eq!(n["landed"], "/sitemap/?q=垃圾分类", "{width}: {n}");
    }

    // Every <summary> keeps its marker, footer units stay whole, landmarks are told apart.
    let ways = r["wayfinding"].as_object().cloned().unwrap_or_default();
    assert_eq!(ways.len(), 4, "{}", r["wayfinding"]);
    for (page, w) in &ways {
        assert_eq!(w["summaries"], serde_json::json!([]), "{page}: {w}");
        assert_eq!(w["brokenUnits"], serde_json::json!([]), "{page}: {w}");
        assert!(w["units"].as_u64() >= Some(3), "{page}: {w}");
        assert_eq!(w["duplicates"], serde_json::json!([]), "{page}: {w}");
        assert!(w["landmarks"].as_u64() >= Some(3), "{page}: {w}");
    }

    // WeChat share metadata and a 二维码 that decodes to the canonical address.
    let share = &r["share"];
    let url = "https://wenming.qiyun.example.gov.cn/news/gong-yi-guang-gao-shang-jie/";
    let image = "https://wenming.qiyun.example.gov.cn/images/civility-poster.svg";
    assert_eq!(
        share,
        &serde_json::json!({
            "canonical": url,
            "ogTitle": "一批新版创文公益广告亮相街头",
            "ogDescription": "全市在公交站台、建筑围挡、社区宣传栏等处集中更新“讲文明 树新风”公益广告三千余处。",
            "ogImage": image,
            "ogUrl": url,
            "itemName": "一批新版创文公益广告亮相街头",
            "itemDescription": "全市在公交站台、建筑围挡、社区宣传栏等处集中更新“讲文明 树新风”公益广告三千余处。",
            "itemImage": image,
            "qrLabel": format!("本页二维码：{url}"),
            "qrHiddenAtFirst": true,
            "decoded": url,
            "qrPrinted": true,
        })
    );
}
