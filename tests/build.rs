//! `wenming build` on fixture sites: exact output for pages, listings, taxonomies, feeds and
//! the sitemap, and exact error reports for broken sites.

mod common;

use common::{build, build_root, files, fixture, fixture_copy, read, temp};

#[test]
fn basic_site_produces_exactly_these_files() {
    let out = temp();
    let run = build("basic", out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Fingerprinted names carry a hash of the theme's file: shown as HASH here.
    let listed: Vec<String> = files(out.path())
        .iter()
        .map(|f| {
            f.split('.')
                .map(|part| {
                    let hash = part.len() == 8 && part.bytes().all(|b| b.is_ascii_hexdigit());
                    if hash { "HASH" } else { part }
                })
                .collect::<Vec<_>>()
                .join(".")
        })
        .collect();
    assert_eq!(
        listed,
        [
            "404.html",
            "atom.xml",
            "atom.xml.br",
            "atom.xml.gz",
            "elder.HASH.js",
            "elder.HASH.js.br",
            "elder.HASH.js.gz",
            "elder.js",
            "elder.js.br",
            "elder.js.gz",
            "favicon.svg",
            "index.html",
            "news/a/index.html",
            "news/atom.xml",
            "news/atom.xml.br",
            "news/atom.xml.gz",
            "news/b/index.html",
            "news/bundle/index.html",
            "news/bundle/photo.svg",
            "news/index.html",
            "news/la-ji-fen-lei/index.html",
            "news/link/index.html",
            "news/page/2/index.html",
            "news/page/3/index.html",
            "quiz.HASH.js",
            "quiz.HASH.js.br",
            "quiz.HASH.js.gz",
            "quiz.js",
            "quiz.js.br",
            "quiz.js.gz",
            "robots.txt",
            "rules/atom.xml",
            "rules/gong-yue/index.html",
            "rules/index.html",
            "rules/tiaoli/index.html",
            "search.HASH.js",
            "search.HASH.js.br",
            "search.HASH.js.gz",
            "search.js",
            "search.js.br",
            "search.js.gz",
            "sitemap.xml",
            "sitemap.xml.br",
            "sitemap.xml.gz",
            "sitemap/index.html",
            "sitemap/index.html.br",
            "sitemap/index.html.gz",
            "style.HASH.css",
            "style.css",
            "sw/202601/t20260110_1.shtml",
            "tags/index.html",
            "tags/xue-lei-feng/index.html",
            "tags/zhi-yuan-fu-wu/index.html",
        ]
    );
    assert!(run.stdout.starts_with("构建完成：7 个页面，3 个栏目，未发布草稿 1 篇、定时发布 1 篇，已过期 1 篇；写入 53 个文件"), "{}", run.stdout);
}

#[test]
fn page_has_metadata_summary_toc_terms_and_neighbours() {
    let out = temp();
    assert_eq!(build("basic", out.path()).code, 0);
    assert_eq!(
        read(out.path(), "news/a/index.html"),
        "<h1>学雷锋志愿服务活动</h1>\n\
<p class=\"meta\">2026-03-05 09:30|2026年3月5日|字数 32|1 分钟|</p>\n\
<a class=\"term\" href=\"/tags/xue-lei-feng/\">学雷锋</a><a class=\"term\" href=\"/tags/zhi-yuan-fu-wu/\">志愿服务</a>\n\
<nav><a rel=\"next\" href=\"/news/b/\">文明交通劝导</a></nav>\n\
<div class=\"toc\"><a href=\"#活动现场\">活动现场</a></div>\n\
<div class=\"summary\"><p>3月5日，栖云市各区开展学雷锋志愿服务活动。</p>\n</div>\n\
<article><p>3月5日，栖云市各区开展学雷锋志愿服务活动。</p>\n<!-- more -->\n<h2 id=\"活动现场\">活动现场</h2>\n<p>志愿者们走进社区。</p>\n</article>\n"
    );
}

#[test]
fn date_without_time_prints_without_time_and_expired_is_flagged() {
    let out = temp();
    assert_eq!(build("basic", out.path()).code, 0);
    let page = read(out.path(), "news/la-ji-fen-lei/index.html");
    assert!(
        page.contains("<p class=\"meta\">2026-02-20|2026年2月20日|字数 8|1 分钟|已过期</p>"),
        "{page}"
    );
    let b = read(out.path(), "news/b/index.html");
    assert!(
        b.contains("<div class=\"summary\"><p>劝导员上岗。</p></div>"),
        "{b}"
    );
}

#[test]
fn internal_links_resolve_and_raw_html_is_sanitized() {
    let out = temp();
    assert_eq!(build("basic", out.path()).code, 0);
    let page = read(out.path(), "news/link/index.html");
    assert!(
        page.contains("<article><p>请阅读<a href=\"/rules/tiaoli/#第五条\">条例第五条</a>和<a href=\"/news/\">全部动态</a>。</p>\n<p>原始 HTML</p>\n\n<a>坏链接</a>\n</article>"),
        "{page}"
    );
    assert!(!page.contains("script") && !page.contains("onclick") && !page.contains("javascript"));
}

#[test]
fn sections_paginate_in_date_order_and_weight_order() {
    let out = temp();
    assert_eq!(build("basic", out.path()).code, 0);
    assert_eq!(
        read(out.path(), "news/index.html"),
        "<h1>创文动态</h1>\n<ul><li><a href=\"/news/a/\">学雷锋志愿服务活动</a></li><li><a href=\"/news/b/\">文明交通劝导</a></li></ul>\n<p class=\"pager\">1/3||/news/page/2/</p>\n"
    );
    assert_eq!(
        read(out.path(), "news/page/3/index.html"),
        "<h1>创文动态</h1>\n<ul><li><a href=\"/news/bundle/\">河道守护</a></li></ul>\n<p class=\"pager\">3/3|/news/page/2/|</p>\n"
    );
    let rules = read(out.path(), "rules/index.html");
    assert!(rules.contains("<li><a href=\"/rules/gong-yue/\">市民文明公约</a></li><li><a href=\"/rules/tiaoli/\">文明行为促进条例</a></li>"), "{rules}");
}

/// Expired pages (垃圾分类进社区) leave the latest list.
#[test]
fn home_gets_nav_recent_pages_and_functions() {
    let out = temp();
    assert_eq!(build("basic", out.path()).code, 0);
    assert_eq!(
        read(out.path(), "index.html"),
        "<h1>测试文明网</h1>\n<nav><a href=\"/news/\">创文动态</a><a href=\"/rules/\">文明规范</a></nav>\n\
<ul class=\"recent\"><li>学雷锋志愿服务活动</li><li>文明交通劝导</li><li>条例施行</li><li>河道守护</li></ul>\n\
<p class=\"rules\">文明规范:市民文明公约</p>\n\
<p class=\"url\">/rules/tiaoli/#第五条|https://wm.example.gov.cn/news/</p>\n"
    );
}

#[test]
fn taxonomy_list_and_term_pages() {
    let out = temp();
    assert_eq!(build("basic", out.path()).code, 0);
    assert_eq!(
        read(out.path(), "tags/index.html"),
        "<h1>标签</h1>\n<ul><li><a href=\"/tags/xue-lei-feng/\">学雷锋</a> (1)</li><li><a href=\"/tags/zhi-yuan-fu-wu/\">志愿服务</a> (2)</li></ul>\n"
    );
    assert_eq!(
        read(out.path(), "tags/zhi-yuan-fu-wu/index.html"),
        "<h1>标签：志愿服务</h1>\n<ul><li>学雷锋志愿服务活动</li><li>文明交通劝导</li></ul>\n<p class=\"pager\">1/1</p>\n"
    );
}

#[test]
fn feeds_sitemap_robots_and_aliases() {
    let out = temp();
    assert_eq!(build("basic", out.path()).code, 0);
    let feed = read(out.path(), "news/atom.xml");
    assert!(
        feed.contains("<title>创文动态 - 测试文明网</title>"),
        "{feed}"
    );
    assert!(
        feed.contains("<updated>2026-03-05T09:30:00+08:00</updated>"),
        "{feed}"
    );
    assert!(feed.contains("    <title>学雷锋志愿服务活动</title>\n    <link rel=\"alternate\" type=\"text/html\" href=\"https://wm.example.gov.cn/news/a/\"/>\n    <id>https://wm.example.gov.cn/news/a/</id>\n    <published>2026-03-05T09:30:00+08:00</published>"), "{feed}");
    assert_eq!(feed.matches("<entry>").count(), 5);
    assert!(
        !read(out.path(), "atom.xml").contains("元旦活动预告"),
        "scheduled pages stay out of feeds"
    );

    let sitemap = read(out.path(), "sitemap.xml");
    assert!(sitemap.contains("  <url>\n    <loc>https://wm.example.gov.cn/news/a/</loc>\n    <lastmod>2026-03-05</lastmod>\n  </url>\n"), "{sitemap}");
    assert!(
        sitemap.contains("<loc>https://wm.example.gov.cn/tags/zhi-yuan-fu-wu/</loc>"),
        "{sitemap}"
    );
    assert_eq!(sitemap.matches("<url>").count(), 13);

    assert_eq!(
        read(out.path(), "robots.txt"),
        "User-agent: *\nDisallow:\nSitemap: https://wm.example.gov.cn/sitemap.xml\n"
    );
    let alias = read(out.path(), "sw/202601/t20260110_1.shtml");
    assert!(
        alias.contains("<meta http-equiv=\"refresh\" content=\"0; url=/news/link/\">"),
        "{alias}"
    );
    assert!(
        alias.contains("<link rel=\"canonical\" href=\"https://wm.example.gov.cn/news/link/\">"),
        "{alias}"
    );
}

#[test]
fn drafts_flag_publishes_drafts_and_scheduled_pages() {
    let out = temp();
    let root = fixture("basic");
    let run = common::wenming(&[
        "build",
        "--drafts",
        "--root",
        root.to_str().unwrap_or_default(),
        "--output",
        out.path().to_str().unwrap_or_default(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.path().join("news/draft/index.html").is_file());
    assert!(out.path().join("news/future/index.html").is_file());
}

#[test]
fn base_url_flag_and_subpath_base_urls() {
    let out = temp();
    let root = fixture("basic");
    let run = common::wenming(&[
        "build",
        "--base-url",
        "https://example.org/wm/",
        "--root",
        root.to_str().unwrap_or_default(),
        "--output",
        out.path().to_str().unwrap_or_default(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let home = read(out.path(), "index.html");
    assert!(
        home.contains("<a href=\"/wm/news/\">创文动态</a>"),
        "{home}"
    );
    assert!(
        home.contains("<p class=\"url\">/wm/rules/tiaoli/#第五条|https://example.org/wm/news/</p>"),
        "{home}"
    );
    let page = read(out.path(), "news/link/index.html");
    assert!(
        page.contains("<a href=\"/wm/rules/tiaoli/#第五条\">"),
        "{page}"
    );
    let b = read(out.path(), "news/b/index.html");
    assert!(
        b.contains("<a href=\"/wm/tags/\">全部标签</a>"),
        "site paths written in Markdown get the base path: {b}"
    );
}

#[test]
fn bare_site_builds_with_the_embedded_default_theme() {
    let out = temp();
    let run = build("bare", out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let home = read(out.path(), "index.html");
    assert!(home.contains("<html lang=\"zh-CN\""), "{home}");
    assert!(home.contains("极简站点"), "{home}");
    assert!(out.path().join("hello/index.html").is_file());
    assert!(
        out.path().join("style.css").is_file(),
        "theme static files are copied"
    );
}

#[test]
fn unchanged_files_keep_their_modification_time() {
    let out = temp();
    assert_eq!(build("basic", out.path()).code, 0);
    let before = std::fs::metadata(out.path().join("news/a/index.html"))
        .and_then(|m| m.modified())
        .ok();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let run = build("basic", out.path());
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains("写入 0 个文件，53 个未变"),
        "{}",
        run.stdout
    );
    let after = std::fs::metadata(out.path().join("news/a/index.html"))
        .and_then(|m| m.modified())
        .ok();
    assert_eq!(before, after);
}

#[test]
fn pages_whose_pinyin_url_changed_keep_the_old_url_as_an_alias() {
    let site = fixture_copy("basic");
    let news = site.path().join("content/news");
    let page = |name: &str, title: &str| {
        let text = format!("---\ntitle: {title}\ndate: 2026-03-01 09:00\n---\n正文。\n");
        std::fs::write(news.join(name), text).unwrap_or_else(|e| panic!("{e}"));
    };
    page("长江大桥.md", "长江大桥通车");
    page("銀行行長.md", "銀行行長座谈");
    page("文明曝光台.md", "文明曝光台");
    // Something else now has the old URL of 文明曝光台 (wen-ming-pu-guang-tai): no alias.
    page("wen-ming-pu-guang-tai.md", "旧网址的新页面");
    page("重庆.md", "重庆");
    let out = temp();
    let run = build_root(site.path(), out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let redirect = |file: &str, to: &str| {
        let alias = read(out.path(), file);
        assert!(
            alias.contains(&format!(
                "<meta http-equiv=\"refresh\" content=\"0; url={to}\">"
            )),
            "{file}: {alias}"
        );
    };
    redirect(
        "news/zhang-jiang-da-qiao/index.html",
        "/news/chang-jiang-da-qiao/",
    );
    redirect(
        "news/yin-xing-xing-zhang/index.html",
        "/news/yin-hang-hang-zhang/",
    );
    assert!(read(out.path(), "news/wen-ming-bao-guang-tai/index.html").contains("文明曝光台"));
    assert!(read(out.path(), "news/wen-ming-pu-guang-tai/index.html").contains("旧网址的新页面"));
    let listed = files(out.path());
    assert!(listed.contains(&"news/chong-qing/index.html".to_string()));
    assert!(
        !listed.iter().any(|f| f.starts_with("news/zhong-qing")),
        "a slug that did not change gets no alias: {listed:?}"
    );
}

#[test]
fn control_characters_are_dropped_from_feeds_and_reported_where_they_are() {
    let site = fixture_copy("basic");
    std::fs::write(
        site.path().join("content/news/kong-zhi.md"),
        "---\ntitle: \"控制\\x01字符\"\ndate: 2026-03-06 09:00\n---\n正文\u{B}含有&#1;和\u{FFFE}。\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = temp();
    let run = build_root(site.path(), out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    for feed in ["atom.xml", "news/atom.xml"] {
        let xml = read(out.path(), feed);
        assert!(xml.contains("<title>控制字符</title>"), "{xml}");
        assert!(
            xml.contains("<content type=\"html\">&lt;p&gt;正文含有和。&lt;/p&gt;\n</content>"),
            "{xml}"
        );
        let bad: Vec<char> = xml
            .chars()
            .filter(|c| !wenming::text::is_xml_char(*c))
            .collect();
        assert!(bad.is_empty(), "{feed}: {bad:?}");
    }
    for (place, what) in [
        ("2:11", "转义 \\x01 表示不可见的控制字符 U+0001"),
        ("5:3", "不可见的控制字符 U+000B"),
        ("5:6", "字符引用 &#1; 表示不可见的控制字符 U+0001"),
        ("5:11", "不可见的控制字符 U+FFFE"),
    ] {
        let line = format!(
            "警告：content/news/kong-zhi.md:{place}: {what}，订阅源（atom.xml）和网站地图中不允许，生成时已删除 [text-control-char]\n"
        );
        assert!(run.stderr.contains(&line), "{line}in:\n{}", run.stderr);
    }
}

/// The next moment a scheduled page falls due is printed and kept in `.wenming/next-due` for
/// a scheduler; with nothing due, neither.
#[test]
fn the_next_scheduled_moment_is_printed_and_written_beside_the_site() {
    let site = fixture_copy("basic");
    let out = temp();
    let run = build_root(site.path(), out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout.lines().nth(1),
        Some(
            "下一次定时发布或到期：2099-01-01 00:00，届时需要重新构建（见 docs/deploy.md 的定时构建）。"
        )
    );
    assert_eq!(
        read(site.path(), ".wenming/next-due"),
        "2099-01-01T00:00:00+08:00\n"
    );

    std::fs::remove_file(site.path().join("content/news/future.md"))
        .unwrap_or_else(|e| panic!("{e}"));
    let run = build_root(site.path(), out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert!(!site.path().join(".wenming/next-due").exists());
}

/// A rule that takes effect later (尚未施行) changes the site on that day: it is the next due
/// moment when it comes before every scheduled page.
#[test]
fn a_rule_taking_effect_later_is_the_next_due_moment() {
    let site = fixture_copy("basic");
    std::fs::create_dir_all(site.path().join("content/fagui")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        site.path().join("content/fagui/_index.md"),
        "---\ntitle: 法规\nkind: rule\n---\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        site.path().join("content/fagui/xin-tiao-li.md"),
        "---\ntitle: 新条例\ndate: 2026-03-01\neffective: 2098-07-01\n---\n第一条 内容。\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = temp();
    let run = build_root(site.path(), out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        read(site.path(), ".wenming/next-due"),
        "2098-07-01T00:00:00+08:00\n"
    );
    assert!(read(out.path(), "fagui/xin-tiao-li/index.html").contains("尚未施行"));
}
