//! The default theme's promises that need no browser: valid HTML on every demo page (the W3C
//! Nu checker), nothing loaded from another host, the compliant footer with empty fields left
//! out, the 公益广告 block from data/ad.yaml (and sites without it), the 长辈模式 toggle hidden
//! until its script runs, zooming never disabled, and the size budget of the theme's files.
//! What a reader sees in a browser is tested in tests/browser.rs.

mod common;

use std::path::Path;
use std::process::Command;

use common::{build, files, read, temp};

fn demo() -> tempfile::TempDir {
    let out = temp();
    let run = common::build_demo(out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    out
}

/// Fixture site `name` built with the default theme.
fn built(name: &str) -> tempfile::TempDir {
    let out = temp();
    let run = build(name, out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    out
}

fn html_files(dir: &Path) -> Vec<String> {
    files(dir)
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .collect()
}

#[test]
fn every_demo_page_is_valid_html() {
    let out = demo();
    let jar = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser/node_modules/vnu-jar/build/dist/vnu.jar");
    assert!(
        jar.is_file(),
        "{} is missing: run scripts/test.sh, which installs it",
        jar.display()
    );
    let run = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--skip-non-html", "--format", "json"])
        .arg(out.path())
        .output()
        .unwrap_or_else(|e| panic!("cannot run java (run scripts/test.sh to install it): {e}"));
    // vnu writes its JSON report to standard error.
    let report: serde_json::Value = serde_json::from_slice(&run.stderr).unwrap_or_else(|e| {
        panic!(
            "vnu printed no JSON ({e}): {}",
            String::from_utf8_lossy(&run.stderr)
        )
    });
    let errors: Vec<String> = report["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["type"] == "error" || m["subType"] == "fatal")
        .map(|m| format!("{}:{}: {}", m["url"], m["lastLine"], m["message"]))
        .collect();
    assert_eq!(errors, Vec::<String>::new());
    assert!(
        html_files(out.path()).len() >= 100,
        "vnu checked the whole demo site"
    );
}

/// Every attribute value of `html` that makes a browser fetch something: `src`, `srcset`,
/// `poster`, `data` (object), `action`, `href` of `<link>` elements that load (stylesheet,
/// icon, preload, manifest…), and every `url(…)` and `@import` in CSS or `style`.
fn fetched_urls(html: &str) -> Vec<String> {
    let mut urls = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start + 1..start + end];
        rest = &rest[start + end..];
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let attrs = attributes(tag);
        let get = |n: &str| attrs.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
        for (key, value) in &attrs {
            match key.as_str() {
                "src" | "poster" | "data" | "action" => urls.push(value.clone()),
                "srcset" => urls.extend(
                    value
                        .split(',')
                        .filter_map(|c| c.split_whitespace().next().map(String::from)),
                ),
                "style" => urls.extend(css_urls(value)),
                _ => {}
            }
        }
        if name == "link" {
            let rel = get("rel").unwrap_or_default().to_ascii_lowercase();
            let loads = rel.split_whitespace().any(|r| {
                matches!(
                    r,
                    "stylesheet" | "icon" | "preload" | "modulepreload" | "prefetch" | "manifest"
                ) || r.starts_with("apple-touch-icon")
            });
            if loads {
                urls.extend(get("href"));
            }
        }
    }
    urls.extend(css_urls(html));
    urls
}

/// `name="value"`, `name='value'` and bare names of a tag's text (without `<` and `>`).
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = tag.char_indices().peekable();
    // Skip the tag name.
    while chars.next_if(|(_, c)| !c.is_whitespace()).is_some() {}
    loop {
        while chars
            .next_if(|(_, c)| c.is_whitespace() || *c == '/')
            .is_some()
        {}
        let Some(&(start, _)) = chars.peek() else {
            break;
        };
        let mut end = start;
        while let Some((i, c)) = chars.next_if(|(_, c)| !c.is_whitespace() && *c != '=') {
            end = i + c.len_utf8();
        }
        let key = tag[start..end].to_ascii_lowercase();
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if(|(_, c)| *c == '=').is_some() {
            while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
            match chars.peek().map(|(_, c)| *c) {
                Some(q @ ('"' | '\'')) => {
                    chars.next();
                    for (_, c) in chars.by_ref() {
                        if c == q {
                            break;
                        }
                        value.push(c);
                    }
                }
                _ => {
                    while let Some((_, c)) = chars.next_if(|(_, c)| !c.is_whitespace()) {
                        value.push(c);
                    }
                }
            }
        }
        if key.is_empty() {
            break;
        }
        out.push((key, value.replace("&amp;", "&")));
    }
    out
}

/// The targets of `url(…)` and `@import "…"` in CSS text.
fn css_urls(css: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for (marker, close) in [("url(", ")"), ("@import \"", "\""), ("@import '", "'")] {
        let mut rest = css;
        while let Some(i) = rest.find(marker) {
            rest = &rest[i + marker.len()..];
            let end = rest.find(close).unwrap_or(rest.len());
            urls.push(
                rest[..end]
                    .trim()
                    .trim_matches(['"', '\''])
                    .replace("&quot;", ""),
            );
        }
    }
    urls
}

/// The host a URL names, if it names one (`https://a.example/x`, `//a.example/x`).
fn host(url: &str) -> Option<&str> {
    let rest = url
        .split_once("://")
        .map(|(_, r)| r)
        .or_else(|| url.strip_prefix("//"))?;
    Some(rest.split(['/', '?', '#', ':']).next().unwrap_or_default())
}

#[test]
fn the_foreign_host_check_finds_what_a_browser_would_fetch() {
    let page = r#"<link rel="stylesheet" href="https://cdn.example/a.css"><link rel="canonical" href="https://other.example/">
<img src="//img.example/a.png" srcset="/a.png 1x, https://img2.example/b.png 2x"><a href="https://beian.miit.gov.cn/">备案</a>
<div style="background:url('https://bg.example/x.png')"></div><iframe src=https://frame.example/></iframe>
<style>@import "https://css.example/b.css";</style><script src="/elder.js"></script>"#;
    let urls = fetched_urls(page);
    let mut hosts: Vec<&str> = urls.iter().filter_map(|u| host(u)).collect();
    hosts.sort_unstable();
    hosts.dedup();
    // Not the canonical link nor the 备案 link: they are not fetched.
    assert_eq!(
        hosts,
        [
            "bg.example",
            "cdn.example",
            "css.example",
            "frame.example",
            "img.example",
            "img2.example"
        ]
    );
    assert!(urls.contains(&"/elder.js".to_string()), "{urls:?}");
}

#[test]
fn no_built_page_loads_anything_from_another_host() {
    let out = demo();
    let own = "wenming.qiyun.example.gov.cn";
    let mut foreign = Vec::new();
    let mut checked = 0;
    for file in files(out.path()) {
        if !(file.ends_with(".html") || file.ends_with(".css") || file.ends_with(".svg")) {
            continue;
        }
        checked += 1;
        let text = read(out.path(), &file);
        for url in fetched_urls(&text) {
            if host(&url).is_some_and(|h| h != own) {
                foreign.push(format!("{file}: {url}"));
            }
        }
    }
    assert_eq!(foreign, Vec::<String>::new());
    assert!(checked >= 100, "checked {checked} files");
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in:\n{text}"));
    let to = text[from..]
        .find(end)
        .map(|i| from + i + end.len())
        .unwrap_or_else(|| panic!("no {end} after {start}"));
    &text[from..to]
}

#[test]
fn the_footer_shows_the_filled_fields_and_links_the_filings() {
    let out = built("theme");
    // 承办单位 and 网站标识码 are not set, so they are left out.
    let expected = r#"<footer class="site-footer">
  <div class="wrap">
    <a class="footer-badge" href="https://bszs.conac.cn/sitename?method=show&amp;id=TEST"><img src="/sub/images/dzjg.svg" alt="党政机关网站标识" width="55" height="70" loading="lazy"></a>
    <div class="footer-info">
      <p class="footer-links"><a href="/sub/sitemap/">网站地图</a>
        <a href="https://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteInfo.action?sitecode=TEST">我为政府网站找错</a></p>
      <p><span class="unit">主办单位：</span><span class="unit">中共测试市委宣传部</span></p>
      <p><span class="unit">联系方式：</span><span class="unit">0000-12345678</span></p>
      <p class="footer-records">
        <a href="https://beian.miit.gov.cn/">测ICP备00000001号-1</a>
        <a href="https://beian.mps.gov.cn/#/query/webSearch?code=12345678901234">测公网安备 12345678901234号</a>
      </p>
    </div>
  </div>
</footer>"#;
    for page in [
        "index.html",
        "news/index.html",
        "news/a/index.html",
        "404.html",
    ] {
        let html = read(out.path(), page);
        assert_eq!(between(&html, "<footer", "</footer>"), expected, "{page}");
    }
    // The demo site sets every text field and no badge.
    let demo = demo();
    let footer = read(demo.path(), "index.html");
    let footer = between(&footer, "<footer", "</footer>");
    for part in [
        "<p><span class=\"unit\">主办单位：</span><span class=\"unit\">中共栖云市委宣传部</span><span class=\"unit\">栖云市精神文明建设指导委员会办公室</span></p>",
        "<p><span class=\"unit\">承办单位：</span><span class=\"unit\">栖云市融媒体中心</span></p>",
        "<p><span class=\"unit\">联系方式：</span><span class=\"unit\">栖云市文明办综合科</span><span class=\"unit\">（栖云市云栖区府前路 1 号）</span></p>",
        "<a href=\"https://beian.miit.gov.cn/\">栖ICP备20260001号-1</a>",
        "<a href=\"https://beian.mps.gov.cn/#/query/webSearch?code=00000000000001\">栖公网安备 00000000000001号</a>",
        "<span>网站标识码：0000000001</span>",
    ] {
        assert!(footer.contains(part), "{part} in {footer}");
    }
    assert!(!footer.contains("footer-badge"), "{footer}");
}

#[test]
fn a_site_without_footer_fields_or_ad_data_builds_without_either() {
    let out = built("bare");
    let home = read(out.path(), "index.html");
    // Only the link to the site map, which every site has.
    assert_eq!(
        between(&home, "<footer", "</footer>"),
        r#"<footer class="site-footer">
  <div class="wrap">
    <div class="footer-info">
      <p class="footer-links"><a href="/sitemap/">网站地图</a></p>
    </div>
  </div>
</footer>"#
    );
    assert!(!home.contains("公益广告"), "{home}");
}

#[test]
fn the_ad_block_shows_every_poster_with_its_slogan_as_text() {
    let out = built("theme");
    let home = read(out.path(), "index.html");
    assert_eq!(
        between(
            &home,
            "<section class=\"home-block home-ads\"",
            "</section>"
        ),
        r#"<section class="home-block home-ads" aria-labelledby="home-ads-title">
  <h2 id="home-ads-title">公益广告</h2>
  <ul class="ads">
    <li class="ad"><a class="ad-link" href="/sub/news/a/">
      <img src="/sub/images/p.svg" alt="红底黄字海报" width="600" height="300" loading="lazy" decoding="async">
      <span class="ad-slogan">讲文明 树新风</span></a>
    </li>
    <li class="ad">
      <img src="/sub/images/p.svg" alt="" width="600" height="300" loading="lazy" decoding="async">
      <span class="ad-slogan">文明出行</span>
    </li>
  </ul>
</section>"#
    );
    // The size comes from the file (`image_set`), also for the poster whose entry gives none.
    // No carousel, no autoplay, no pop-up: the home page has no script but the 长辈模式 one.
    assert_eq!(home.matches("<script").count(), 1, "{home}");
}

#[test]
fn an_ad_without_a_slogan_fails_the_build_with_a_reason() {
    let site = temp();
    let src = common::fixture("theme");
    for file in files(&src) {
        let to = site.path().join(&file);
        std::fs::create_dir_all(to.parent().unwrap_or(site.path())).unwrap_or_default();
        std::fs::copy(src.join(&file), &to).unwrap_or_else(|e| panic!("{file}: {e}"));
    }
    std::fs::write(
        site.path().join("data/ad.yaml"),
        "- image: /images/p.svg\n  alt: 海报\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = temp();
    let run = common::wenming(&[
        "build",
        "--root",
        site.path().to_str().unwrap_or_default(),
        "--output",
        out.path().to_str().unwrap_or_default(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("data/ad.yaml 第 1 条公益广告缺少 image（图片）或 slogan（广告语）"),
        "{}",
        run.stderr
    );
}

#[test]
fn every_page_has_the_elder_toggle_shown_once_its_script_runs_and_allows_zoom() {
    let out = demo();
    let pages = html_files(out.path());
    // The script under its fingerprinted name (see `asset` in docs/templates.md).
    let elder = common::files(out.path())
        .into_iter()
        .find(|f| {
            f.starts_with("elder.") && f.ends_with(".js") && f.len() == "elder.12345678.js".len()
        })
        .unwrap_or_else(|| panic!("no fingerprinted elder.js"));
    let elder_tag = format!("<script src=\"/{elder}\"></script>");
    for page in &pages {
        let html = read(out.path(), page);
        if html.contains("http-equiv=\"refresh\"") {
            continue; // an alias redirect
        }
        assert!(
            html.contains(
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            ),
            "{page}"
        );
        assert!(
            html.contains("<button type=\"button\" id=\"elder-toggle\" class=\"elder-toggle\" aria-pressed=\"false\">长辈模式"),
            "{page}"
        );
        assert!(html.contains(&elder_tag), "{page}");
        assert!(
            html.contains("<a class=\"skip-link\" href=\"#main\">跳到正文</a>"),
            "{page}"
        );
        assert!(html.contains("<main id=\"main\""), "{page}");
        assert_eq!(html.matches("<h1").count(), 1, "{page}: one h1");
        assert_eq!(
            html.matches("rel=\"stylesheet\"").count(),
            1,
            "{page}: one stylesheet"
        );
        assert!(!html.contains("<style"), "{page}: no inline stylesheet");
    }
    let css = read(out.path(), "style.css");
    // The toggle keeps its place from the first paint: hidden only while <html> lacks the
    // class "js", which elder.js adds before the page is drawn.
    assert!(css.contains("html:not(.js) .elder-toggle {\n  display: none;\n}"));
    assert!(read(out.path(), "elder.js").contains("root.classList.add('js');"));
    // WeChat's and the browser's text size settings must keep working.
    assert!(
        !css.contains("text-size-adjust:"),
        "style.css sets no text-size-adjust"
    );
    assert!(!css.contains("@font-face"), "no web fonts");
    assert!(
        css.contains("line-break: strict"),
        "Chinese line breaking rules"
    );
}

#[test]
fn the_theme_files_stay_within_the_budget() {
    let out = demo();
    let size = |f: &str| {
        std::fs::metadata(out.path().join(f))
            .map(|m| m.len())
            .unwrap_or_else(|e| panic!("{f}: {e}"))
    };
    assert!(size("elder.js") < 10 * 1024, "JavaScript under 10 KB");
    // Home page, stylesheet and script: well under 60 KB before compression.
    let total = size("index.html") + size("style.css") + size("elder.js");
    assert!(total < 60 * 1024, "home page weighs {total} bytes");
}

#[test]
fn images_have_a_size_and_alt_and_data_tables_a_caption_and_scoped_headers() {
    let out = demo();
    let mut problems = Vec::new();
    let (mut images, mut tables) = (0, 0);
    for page in html_files(out.path()) {
        let html = read(out.path(), &page);
        for (i, _) in html.match_indices("<img ") {
            images += 1;
            let tag = &html[i + 1..i + html[i..].find('>').unwrap_or(0)];
            let attrs = attributes(tag);
            for needed in ["alt", "width", "height"] {
                if !attrs.iter().any(|(k, _)| k == needed) {
                    problems.push(format!("{page}: <{tag}> has no {needed}"));
                }
            }
        }
        for (i, _) in html.match_indices("<table") {
            tables += 1;
            let table = &html[i..i + html[i..].find("</table>").unwrap_or(0)];
            if !table.contains("<caption") && !html[..i].ends_with("aria-label=\"表格\">\n") {
                problems.push(format!("{page}: a table without caption"));
            }
            if table.starts_with("<table class=\"data")
                && table.matches("<th").count() - table.matches("<thead").count()
                    != table.matches(" scope=\"").count()
            {
                problems.push(format!("{page}: a data table header without scope"));
            }
        }
    }
    assert_eq!(problems, Vec::<String>::new());
    assert!(
        images >= 20 && tables >= 20,
        "{images} images, {tables} tables"
    );
}

#[test]
fn the_home_page_features_a_story_and_the_campaigns_key_figures() {
    let out = demo();
    let home = read(out.path(), "index.html");
    // The site name is the home page's only <h1>.
    assert!(home.contains(
        "<h1 class=\"site-title\"><a href=\"/\" aria-current=\"page\">栖云文明网</a></h1>"
    ));
    assert_eq!(home.matches("<h1").count(), 1);
    // The newest story with a cover, then the figures: 180 days from the demo's 2026-11-21 to
    // the 测评 on 2027-05-20 (site.yaml extra.assessment), the progress dashboard's completed
    // projects and the volunteers' totals.
    let expected = r#"<section class="home-feature" aria-labelledby="home-feature-title">
  <h2 id="home-feature-title">志愿服务 · 推荐</h2>
  <a class="feature-link" href="/stories/lei-feng-ji-shi/">
    <img class="feature-cover" src="/images/volunteers.svg" alt="" width="640" height="360">
    <span class="feature-title">学雷锋集市开进老街区：二十四个摊位，一个上午的温暖</span>
  </a>
  <p class="feature-summary">3月5日学雷锋纪念日，云栖区在青石巷老街区举办学雷锋志愿服务集市，二十四个志愿服务摊位为居民提供理发、磨刀、家电维修等便民服务。</p>
</section>
<section class="home-block home-figures" aria-labelledby="home-figures-title">
  <h2 id="home-figures-title">创文数据</h2>
  <ul class="stats">
    <li>距2027年度全国文明城市测评<span class="stat-number">180</span> 天</li>
    <li>重点项目已完成<span class="stat-number">3 / 8</span> 项</li>
    <li><span class="stat-number">55</span> 名志愿者</li>
    <li><span class="stat-number">103869</span> 小时服务时长</li>
    <li><span class="stat-number">6</span> 支服务队</li>
  </ul>
</section>"#;
    let start = home.find("<section class=\"home-feature\"").unwrap_or(0);
    let end = home[start..]
        .find("</ul>\n</section>")
        .map_or(start, |e| start + e + "</ul>\n</section>".len());
    assert_eq!(&home[start..end], expected);
    // Sections and the home page share with their own title and the site's picture.
    for (page, title) in [
        ("index.html", "栖云文明网"),
        ("news/index.html", "创文动态 - 栖云文明网"),
    ] {
        let html = read(out.path(), page);
        assert!(
            html.contains(&format!("<meta property=\"og:title\" content=\"{title}\">")),
            "{page}"
        );
        assert!(
            html.contains("<meta itemprop=\"image\" content=\"https://wenming.qiyun.example.gov.cn/images/share.png\">"),
            "{page}"
        );
    }
    // A PNG, as WeChat shows no SVG, published where the tag says.
    assert!(out.path().join("images/share.png").is_file());
    // Page headers write dates as lists do; a long 条例 links back to its contents.
    let article = read(out.path(), "news/gong-yi-guang-gao-shang-jie/index.html");
    assert!(article.contains(
        "<span>发布时间：<time datetime=\"2025-12-02T11:00:00+08:00\">2025年12月2日 11:00</time></span>"
    ));
    let rule = read(
        out.path(),
        "rules/wen-ming-xing-wei-cu-jin-tiao-li/index.html",
    );
    assert!(rule.contains(
        "<p class=\"back-to-toc\"><a href=\"#toc-title\">回到目录<span aria-hidden=\"true\"> ↑</span></a></p>"
    ));
}
