//! Hostile input: content from many hands, some of it broken, some of it an attack. Every
//! case asserts exactly what wenming does: the error it reports (file, line, column, a hint
//! in Chinese), or what it writes. The binary is run, not the library, so a stack overflow
//! or a hang would fail the test instead of taking the test runner down.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{build, build_root, errors_only, files, fixture, read, temp, wenming_at};

/// Every malformed YAML and encoding case is reported together, each with its own message.
#[test]
fn malformed_front_matter_gets_one_chinese_error_per_file() {
    let out = temp();
    let run = build("hostile/yaml", out.path());
    assert_eq!(run.code, 1);
    assert_eq!(
        errors_only(&run.stderr),
        "错误：content/block.md:131:129: YAML 格式错误：嵌套层数过多
    提示：列表和字典的嵌套请少于 128 层
错误：content/bom-only.md:1:1: 文件开头缺少 front matter
    提示：在文件第一行写 ---，接着写 title: 标题 等字段，再用一行 --- 结束
错误：content/bomb.md:5:12: YAML 格式错误：别名（*）展开后的内容过多
    提示：不要层层引用别名（&、*）；直接写出需要的值
错误：content/date.md:3:7: 字段“date”的日期“2026-02-30”无效：2026年2月没有30日
    提示：日期写成 2026-03-05 或 2026-03-05 09:30（北京时间），也可带时区如 2026-03-05T09:30:00+08:00
错误：content/empty.md:1:1: 文件开头缺少 front matter
    提示：在文件第一行写 ---，接着写 title: 标题 等字段，再用一行 --- 结束
错误：content/flow.md:3:72: YAML 的方括号或花括号嵌套超过 64 层，无法处理
    提示：列表和字典请少嵌套几层；也可以检查括号是否配对
错误：content/gbk.md:4:1: 文件不是 UTF-8 编码（可能是 GBK 等旧编码）
    提示：用编辑器把文件另存为 UTF-8 编码
错误：content/indent.md:5:6: YAML 格式错误：这里不能出现“: ”（英文冒号加空格）
    提示：值中含有英文冒号时，请用引号把整个值括起来，例如 title: \"通知：…\"
错误：content/quote.md:2:8: YAML 格式错误：引号没有结束
    提示：值以 \" 或 ' 开头时，必须用同样的引号结束，例如 title: \"标题\"
错误：content/tab.md:4:1: YAML 格式错误：这一行含有 Tab
    提示：YAML 不能用 Tab 缩进，请改用空格
错误：content/unclosed.md:1:1: front matter 没有结束
    提示：在字段之后另起一行写 --- 作为结束
错误：content/zone.md:3:7: 字段“date”的日期“2026-03-01T09:30:00+25:00”无效：时区超出范围
    提示：日期写成 2026-03-05 或 2026-03-05 09:30（北京时间），也可带时区如 2026-03-05T09:30:00+08:00
构建失败：共 12 个错误，输出目录保持不变。
"
    );
    assert!(files(out.path()).is_empty(), "nothing is written");
}

/// A bracket bomb of 100,000 levels used to keep the YAML scanner busy for a minute.
#[test]
fn a_huge_bracket_bomb_fails_at_once() {
    let site = common::fixture_copy("hostile/paths");
    clear_content(site.path());
    let depth = 100_000;
    write(
        site.path(),
        "content/deep.md",
        &format!(
            "---\ntitle: 深\nextra: {}{}\n---\n正文\n",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
    );
    let out = temp();
    let started = Instant::now();
    let run = build_root(site.path(), out.path());
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(
        errors_only(&run.stderr),
        "错误：content/deep.md:3:72: YAML 的方括号或花括号嵌套超过 64 层，无法处理
    提示：列表和字典请少嵌套几层；也可以检查括号是否配对
构建失败：共 1 个错误，输出目录保持不变。
"
    );
}

#[test]
fn slugs_paths_aliases_and_templates_cannot_leave_the_site() {
    let out = temp();
    let run = build("hostile/paths", out.path());
    assert_eq!(run.code, 1);
    assert_eq!(
        errors_only(&run.stderr),
        "错误：content/alias-dots.md:3:1: 路径“../../../tmp/x.html”中的“..”无效：只能用英文字母、数字、-、_ 和 .，且不能是 . 或 ..
    提示：例如 aliases: [/old/page.shtml]
错误：content/alias-unc.md:3:1: 路径“\\\\server\\share”含有不允许的字符（\\、:、?、# 或空字符）
    提示：例如 aliases: [/old/page.shtml]
错误：content/path-dots.md:3:1: 路径“/../../outside”中的“..”无效：只能用英文字母、数字、-、_ 和 .，且不能是 . 或 ..
    提示：例如 path: about/contact
错误：content/path-nul.md:3:1: 路径“news/\\0/x”含有不允许的字符（\\、:、?、# 或空字符）
    提示：例如 path: about/contact
错误：content/path-windows.md:3:1: 路径“C:\\Windows\\system32”含有不允许的字符（\\、:、?、# 或空字符）
    提示：例如 path: about/contact
错误：content/slug-abs.md:3:1: slug“/etc/passwd”只能包含小写英文字母、数字、- 和 _，不能含 /、.. 或中文
    提示：例如 slug: xue-lei-feng
错误：content/slug-dots.md:3:1: slug“../../etc”只能包含小写英文字母、数字、- 和 _，不能含 /、.. 或中文
    提示：例如 slug: xue-lei-feng
错误：content/slug-nul.md:3:1: slug“a\\0b”只能包含小写英文字母、数字、- 和 _，不能含 /、.. 或中文
    提示：例如 slug: xue-lei-feng
错误：content/template-abs.md:3:1: 模板名“/etc/passwd”无效：应是模板目录下的相对名称，不能以 / 开头，不能含 ..、\\ 或 :
    提示：写 templates/ 下的模板名，例如 template: notice.html
错误：content/template-dots.md:3:1: 模板名“../../../etc/passwd”无效：应是模板目录下的相对名称，不能以 / 开头，不能含 ..、\\ 或 :
    提示：写 templates/ 下的模板名，例如 template: notice.html
错误：content/template-windows.md:3:1: 模板名“..\\..\\page.html”无效：应是模板目录下的相对名称，不能以 / 开头，不能含 ..、\\ 或 :
    提示：写 templates/ 下的模板名，例如 template: notice.html
构建失败：共 11 个错误，输出目录保持不变。
"
    );
}

#[test]
fn a_page_path_and_an_alias_on_another_pages_url_are_both_reported() {
    let out = temp();
    let run = build("hostile/same-url", out.path());
    assert_eq!(run.code, 1);
    assert_eq!(
        errors_only(&run.stderr),
        "错误：content/same-a.md: 网址与 content/news.md 重复：两者都会生成 same/index.html
    提示：修改其中一个的 slug、path 或文件名
错误：content/same-b.md: 网址与 content/news.md 重复：两者都会生成 same/index.html
    提示：修改其中一个的 slug、path 或文件名
构建失败：共 2 个错误，输出目录保持不变。
"
    );
}

/// Chinese and emoji file names get pinyin URLs; a BOM and CRLF line ends are accepted;
/// dates without a zone are Beijing time, dates with one are converted to it.
#[test]
fn chinese_and_emoji_names_bom_crlf_and_time_zones_build() {
    let out = temp();
    let run = build("hostile/names", out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pages: Vec<String> = files(out.path())
        .into_iter()
        .filter(|f| f.ends_with("/index.html") && !f.starts_with("sitemap/"))
        .collect();
    assert_eq!(
        pages,
        [
            "bom-crlf/index.html",
            "qing-zhu/index.html",
            "zhi-yuan-fu-wu/index.html",
            "zone/index.html"
        ]
    );
    let times = |page: &str| {
        let html = read(out.path(), page);
        let start = html.find("<time").unwrap_or(0);
        let end = html[start..].find("</time>").map_or(start, |e| start + e);
        html[start..end].to_string()
    };
    assert_eq!(
        times("bom-crlf/index.html"),
        "<time datetime=\"2026-03-05T09:30:00+08:00\">2026年3月5日 09:30"
    );
    assert_eq!(
        times("qing-zhu/index.html"),
        "<time datetime=\"2026-03-05T17:30:00+08:00\">2026年3月5日 17:30"
    );
    assert_eq!(
        times("zhi-yuan-fu-wu/index.html"),
        "<time datetime=\"2026-03-05\">2026年3月5日"
    );
    assert_eq!(
        times("zone/index.html"),
        "<time datetime=\"2026-03-05T22:30:00+08:00\">2026年3月5日 22:30"
    );
    let crlf = read(out.path(), "bom-crlf/index.html");
    assert!(
        crlf.contains("<h1>BOM 与 CRLF</h1>"),
        "the BOM is not part of the title"
    );
    assert!(crlf.contains("<li>第一项</li>\n<li>第二项</li>"));
    assert!(!crlf.contains('\r') && !crlf.contains('\u{feff}'));
}

/// `<script>` and friends in front matter, raw HTML and Markdown links never reach a reader
/// as markup: escaped in HTML, feeds, sitemap and the search index, removed by the sanitizer
/// from the body. Template syntax in Markdown is text.
#[test]
fn scripts_and_event_handlers_never_survive_anywhere() {
    let out = temp();
    let run = build("hostile/xss", out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let all = files(out.path());
    for name in [
        "atom.xml",
        "sitemap.xml",
        "xss/index.html",
        "search/pages/0.json",
    ] {
        assert!(all.iter().any(|f| f == name), "{name} is written");
    }
    for name in &all {
        if name.ends_with(".bin") || name == "favicon.svg" {
            continue;
        }
        let text = common::read_decoded(out.path(), name);
        let lower = text.to_lowercase();
        assert!(
            !lower.contains("<script>alert"),
            "{name}: script from content"
        );
        // The only SVG is the theme's own 二维码 of the page's address (「扫码分享」).
        assert_eq!(
            lower.matches("<svg").count(),
            lower
                .matches("<svg class=\"qr\" role=\"img\" aria-label=\"本页二维码：")
                .count(),
            "{name}: an <svg> that is not the theme's 二维码"
        );
        for bad in ["<iframe", "<style>body", "javascript:", "data:text/html"] {
            assert!(!lower.contains(bad), "{name} contains {bad}");
        }
        if name.ends_with(".html") || name.ends_with(".html.gz") || name.ends_with(".html.br") {
            for tag in wenming::fuzz::tags(&lower) {
                let attributes = wenming::fuzz::attributes(tag);
                let handler = attributes.iter().any(|(attr, _)| attr.starts_with("on"));
                assert!(!handler, "{name}: event handler in {tag}");
            }
        }
    }
    let page = read(out.path(), "xss/index.html");
    assert!(page.contains("<h1>&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;标题</h1>"));
    assert!(page.contains("<p>正文  结束。</p>\n<img src=\"x.png\" alt=\"图\">"));
    assert!(page.contains("<p><a>链接一</a> <a>链接二</a>\n<a>链接三</a>\n<a>链接四</a></p>"));
    assert!(page.contains("<div>点击</div>"));
    // Heading attributes (`{#id .class key=value}`) in a page without raw HTML: the id and
    // classes stay, any other attribute is dropped.
    let heading = read(out.path(), "heading/index.html");
    assert!(heading.contains("<h2 id=\"ok\" class=\"note\">小标题</h2>"));
    assert!(page.contains("<a href=\"#\">Markdown 链接</a>"));
    assert!(page.contains(
        "<p>模板语法：{{ config.base_url }} {% include \"page.html\" %} {# 注释 #}</p>\n<p><code>{{ config }}</code></p>"
    ));
    let feed = read(out.path(), "atom.xml");
    assert!(
        feed.contains("<title>&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;标题</title>")
    );
    let record = read(out.path(), "search/pages/0.json");
    assert!(
        record.starts_with(
            "{\"title\":\"\\u003cscript\\u003ealert('title')\\u003c/script\\u003e标题\""
        )
    );
    assert!(!record.contains(['<', '>']));
}

/// 10,000 levels of lists, quotes and raw HTML: no stack overflow, and quick. Raw HTML nested
/// deeper than the sanitizer can handle in bounded time is shown as text.
#[test]
fn ten_thousand_levels_of_nesting_build_quickly() {
    let site = common::fixture_copy("hostile/paths");
    clear_content(site.path());
    let n = 10_000;
    let cases = [
        ("list", format!("{}x", "- ".repeat(n))),
        ("quote", format!("{} x", ">".repeat(n))),
        ("mixed", format!("{}x", "> - ".repeat(n / 2))),
        ("emphasis", format!("{}x{}", "*".repeat(n), "*".repeat(n))),
        ("links", format!("{}x{}", "[".repeat(n), "](u)".repeat(n))),
        (
            "html",
            format!("{}x{}", "<div>".repeat(n), "</div>".repeat(n)),
        ),
        (
            "list-html",
            format!("{}x <b>粗</b><script>alert(1)</script>", "- ".repeat(n)),
        ),
    ];
    for (name, body) in &cases {
        write(
            site.path(),
            &format!("content/{name}.md"),
            &format!("---\ntitle: {name}\n---\n{body}\n"),
        );
    }
    let out = temp();
    let started = Instant::now();
    let run = build_root(site.path(), out.path());
    let took = started.elapsed();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(took < Duration::from_secs(20), "took {took:?}");
    // (The theme has a list of its own.)
    let lists = read(out.path(), "list/index.html").matches("<ul>").count();
    assert!((n..n + 5).contains(&lists), "{lists} lists");
    let quotes = read(out.path(), "quote/index.html")
        .matches("<blockquote>")
        .count();
    assert_eq!(quotes, n);
    let html = read(out.path(), "list-html/index.html");
    assert!(html.contains("x &lt;b&gt;粗&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<script>alert"));
}

/// Default limit 10 MB: an 8 MB page builds, in bounded time.
#[test]
fn an_eight_megabyte_page_builds() {
    let site = common::fixture_copy("hostile/paths");
    clear_content(site.path());
    let paragraph = "全市志愿者深入社区开展文明劝导、环境整治和关爱老人活动，共建文明城市。\n\n";
    let body = paragraph.repeat(8 * 1024 * 1024 / paragraph.len());
    write(
        site.path(),
        "content/big.md",
        &format!("---\ntitle: 大文件\n---\n{body}"),
    );
    let out = temp();
    let started = Instant::now();
    let run = build_root(site.path(), out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(started.elapsed() < Duration::from_secs(60));
    let html = read(out.path(), "big/index.html");
    assert_eq!(
        html.matches("<p>全市志愿者").count(),
        8 * 1024 * 1024 / paragraph.len()
    );
}

#[test]
fn files_and_page_counts_over_the_limits_are_refused_with_the_setting_named() {
    let site = common::fixture_copy("hostile/paths");
    clear_content(site.path());
    write(
        site.path(),
        "site.yaml",
        "title: 限制\nbase_url: https://limits.example.gov.cn\nlimits:\n  max_file_size: 1KB\n  max_pages: 3\n",
    );
    write(
        site.path(),
        "content/big.md",
        &format!("---\ntitle: 大\n---\n{}", "文".repeat(700)),
    );
    write(
        site.path(),
        "content/small.md",
        "---\ntitle: 小\n---\n正文\n",
    );
    write(
        site.path(),
        "data/big.json",
        &format!("[{}1]", "1,".repeat(600)),
    );
    let out = temp();
    let run = build_root(site.path(), out.path());
    assert_eq!(
        errors_only(&run.stderr),
        "错误：content/big.md: 文件大小 2.1 KB 超过了上限 1 KB（limits.max_file_size），不会被处理
    提示：把内容拆成几个文件；确需更大的文件，请在 site.yaml 的 limits 中调大 max_file_size
错误：data/big.json: 文件大小 1.2 KB 超过了上限 1 KB（limits.max_file_size），不会被处理
    提示：把内容拆成几个文件；确需更大的文件，请在 site.yaml 的 limits 中调大 max_file_size
构建失败：共 2 个错误，输出目录保持不变。
"
    );
    for name in ["a", "b", "c"] {
        write(
            site.path(),
            &format!("content/{name}.md"),
            "---\ntitle: 页\n---\n",
        );
    }
    std::fs::remove_file(site.path().join("content/big.md")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::remove_file(site.path().join("data/big.json")).unwrap_or_else(|e| panic!("{e}"));
    let run = build_root(site.path(), out.path());
    assert_eq!(
        errors_only(&run.stderr),
        "错误：content: 共有 4 个 Markdown 文件，超过了每次构建的上限 3 个（limits.max_pages）
    提示：检查是否误把大批文件放进了 content/；确需更多页面，请在 site.yaml 的 limits 中调大 max_pages
构建失败：共 1 个错误，输出目录保持不变。
"
    );
}

#[test]
fn bad_limits_are_config_errors() {
    let site = common::fixture_copy("hostile/paths");
    clear_content(site.path());
    write(
        site.path(),
        "site.yaml",
        "title: 限制\nbase_url: https://limits.example.gov.cn\nlimits:\n  max_file_size: 10 XB\n  max_pages: 0\n  max_page: 3\n",
    );
    let out = temp();
    let run = build_root(site.path(), out.path());
    assert_eq!(
        errors_only(&run.stderr),
        "错误：site.yaml:4:3: limits.max_file_size“10 XB”应该是大于 0 的字节数或带单位的大小
    提示：例如 max_file_size: 10MB（可用单位 KB、MB、GB）
错误：site.yaml:5:14: 字段“max_pages”应该是大于 0 的整数
错误：site.yaml:6:3: site.yaml 的 limits 中有未知字段“max_page”
    提示：是否想写“max_pages”？可用的字段有：max_file_size, max_pages
构建失败：共 3 个错误，输出目录保持不变。
"
    );
}

/// Symbolic links are never followed: a link to a secret outside the site is reported and
/// its content is not published.
#[cfg(unix)]
#[test]
fn symlinks_out_of_the_site_are_reported_and_not_followed() {
    let outside = temp();
    write(
        outside.path(),
        "secret.md",
        "---\ntitle: 机密\n---\n机密内容\n",
    );
    std::fs::create_dir_all(outside.path().join("dir")).unwrap_or_else(|e| panic!("{e}"));
    write(
        outside.path(),
        "dir/inner.md",
        "---\ntitle: 机密二\n---\n机密内容二\n",
    );
    let site = common::fixture_copy("hostile/paths");
    clear_content(site.path());
    write(
        site.path(),
        "content/ok.md",
        "---\ntitle: 正常\n---\n正文\n",
    );
    let link = |target: &Path, name: &str| {
        std::os::unix::fs::symlink(target, site.path().join(name)).unwrap_or_else(|e| panic!("{e}"))
    };
    link(&outside.path().join("secret.md"), "content/secret.md");
    link(&outside.path().join("dir"), "content/dir");
    let out = temp();
    let run = wenming_at(
        "2026-01-01 10:00",
        &[
            "build",
            "--root",
            site.path().to_str().unwrap_or_default(),
            "--output",
            out.path().to_str().unwrap_or_default(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(
            "警告：content/dir: 符号链接不会被读取
    提示：把文件本身放进 content/，而不是链接到别处
警告：content/secret.md: 符号链接不会被读取
    提示：把文件本身放进 content/，而不是链接到别处
"
        ),
        "{}",
        run.stderr
    );
    for name in files(out.path()) {
        if !name.ends_with(".bin") {
            assert!(
                !common::read_decoded(out.path(), &name).contains("机密"),
                "{name}"
            );
        }
    }
}

/// A FIFO (or any file that is not a regular file) under content/ is skipped with a warning
/// naming it, instead of blocking the build forever on reading it.
#[cfg(unix)]
#[test]
fn fifos_under_content_are_skipped_with_a_warning() {
    let site = common::fixture_copy("hostile/paths");
    clear_content(site.path());
    write(
        site.path(),
        "content/ok.md",
        "---\ntitle: 正常\n---\n正文\n",
    );
    for fifo in ["content/x.md", "content/photo.jpg"] {
        let made = std::process::Command::new("mkfifo")
            .arg(site.path().join(fifo))
            .status()
            .unwrap_or_else(|e| panic!("mkfifo: {e}"));
        assert!(made.success());
    }
    let out = temp();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wenming"))
        .env("WENMING_NOW", "2026-01-01 10:00")
        .arg("build")
        .arg("--root")
        .arg(site.path())
        .arg("--output")
        .arg(out.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap_or_else(|e| panic!("{e}")) {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("the build blocked on a FIFO");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
    }
    assert!(status.success(), "{stderr}");
    assert!(
        stderr.starts_with(
            "警告：content/photo.jpg: 不是普通文件（如管道、设备），不会被读取
    提示：从 content/ 中删除它；页面和图片都应是普通文件
警告：content/x.md: 不是普通文件（如管道、设备），不会被读取
    提示：从 content/ 中删除它；页面和图片都应是普通文件
"
        ),
        "{stderr}"
    );
    assert!(read(out.path(), "ok/index.html").contains("正文"));
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("cannot write {rel}: {e}"));
}

fn clear_content(root: &Path) {
    let content = root.join("content");
    std::fs::remove_dir_all(&content).unwrap_or_else(|e| panic!("{e}"));
    std::fs::create_dir_all(&content).unwrap_or_else(|e| panic!("{e}"));
    assert!(fixture("hostile/paths").join("content").is_dir());
}
