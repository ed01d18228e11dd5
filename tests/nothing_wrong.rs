//! Defects an editor meets on an ordinary day (issue 14): each test builds a small site that
//! shows the defect and asserts the exact output or the exact message wenming prints.

mod common;

use std::path::Path;

use common::{read, temp, wenming_at};

/// A site with `site.yaml` and the given files (path relative to the site, text).
fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = temp();
    write(
        dir.path(),
        "site.yaml",
        "title: 测试站\nbase_url: https://test.example.gov.cn\n",
    );
    for (rel, text) in files {
        write(dir.path(), rel, text);
    }
    dir
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("cannot write {rel}: {e}"));
}

/// Builds `root` into its `public/` as of 2026-03-10.
fn build(root: &Path) -> common::Run {
    let out = root.join("public");
    wenming_at(
        "2026-03-10 10:00",
        &[
            "build",
            "--root",
            &root.to_string_lossy(),
            "--output",
            &out.to_string_lossy(),
        ],
    )
}

/// Item 9: a failed build prints its warnings too, before the errors, so that the errors stay
/// on screen and the editor learns of both in one run.
#[test]
fn a_failed_build_prints_its_warnings_before_its_errors() {
    let site = site(&[(
        "content/news/a.md",
        "---\ntitle: 动态\ndate: 2026-03-09\n---\n见[旧文](@/news/old.md)。\n",
    )]);
    let run = build(site.path());
    assert_eq!(run.code, 1);
    let warnings_end = run.stderr.rfind("警告：").unwrap_or(usize::MAX);
    let errors_start = run.stderr.find("错误：").unwrap_or(0);
    assert!(warnings_end < errors_start, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("警告：site.yaml: 页脚缺少“ICP 备案号”（footer.icp） [footer-missing]\n"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.ends_with(
            "错误：content/news/a.md:5:2: 内部链接 @/news/old.md 指向的文件不存在
    提示：是否想写 @/news/a.md？路径从 content/ 下算起
构建失败：共 1 个错误、4 个警告，输出目录保持不变。
"
        ),
        "{}",
        run.stderr
    );
    let _ = read;
}

/// Item 8: `description`, the field Hugo, Zola and Jekyll use, is the page's meta description,
/// its feed summary and the start of its search text; `summary` stays the list teaser.
#[test]
fn description_is_the_meta_description_feed_summary_and_search_text() {
    let site = site(&[
        (
            "site.yaml",
            "title: 测试站\nbase_url: https://test.example.gov.cn\nsearch: {enabled: true}\n",
        ),
        (
            "content/news/a.md",
            "---\ntitle: 动态\ndate: 2026-03-09\ndescription: 栖霞街道开展文明劝导 & 志愿服务\nsummary: 列表里的导语\n---\n正文第一段。\n",
        ),
        ("content/news/_index.md", "---\ntitle: 新闻\n---\n"),
    ]);
    let run = build(site.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = site.path().join("public");
    let page = read(&out, "news/a/index.html");
    assert!(
        page.contains(
            "<meta name=\"description\" content=\"栖霞街道开展文明劝导 &amp; 志愿服务\">"
        ),
        "{page}"
    );
    let list = read(&out, "news/index.html");
    assert!(list.contains("列表里的导语"), "{list}");
    let feed = read(&out, "atom.xml");
    assert!(
        feed.contains("    <summary type=\"text\">栖霞街道开展文明劝导 &amp; 志愿服务</summary>\n"),
        "{feed}"
    );
    let record = read(&out, "search/pages/0.json");
    assert!(
        record.contains(
            "\"text\":\"栖霞街道开展文明劝导 \\u0026 志愿服务\\n列表里的导语\\n正文第一段。"
        ),
        "{record}"
    );
}

/// Item 11: a page that expires before it is published is a warning at its `expires` line.
#[test]
fn expires_before_date_is_a_warning_at_the_expires_line() {
    let site = site(&[(
        "content/notice.md",
        "---\ntitle: 通知\ndate: 2026-03-09\nexpires: 2026-03-01\n---\n正文。\n",
    )]);
    let run = build(site.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "警告：content/notice.md:4:1: 有效期至 expires（2026-03-01）早于发布时间 date（2026-03-09），页面一发布就是已过期 [date-expires-early]\n    提示：核对两个日期：expires 是内容失效的时间，应晚于 date\n"
        ),
        "{}",
        run.stderr
    );
}

/// Item 2: taxonomy terms that differ only in width or case are one term (the first spelling
/// kept); different terms whose pinyin is the same get their own pages at distinct, stable
/// URLs; an empty term is a warning at its line.
#[test]
fn distinct_taxonomy_terms_never_share_a_page_and_empty_ones_are_reported() {
    let site = site(&[
        (
            "site.yaml",
            "title: 测试站\nbase_url: https://test.example.gov.cn\ntaxonomies: [tags]\n",
        ),
        (
            "content/a.md",
            "---\ntitle: 甲\ndate: 2026-03-09\ntags: [公示, ABC, 重庆, '']\n---\n正文。\n",
        ),
        (
            "content/b.md",
            "---\ntitle: 乙\ndate: 2026-03-08\ntags: [攻势, abc]\n---\n正文。\n",
        ),
        (
            "content/c.md",
            "---\ntitle: 丙\ndate: 2026-03-07\ntags:\n  - 公式\n  - ＡＢＣ\n  - chong qing\n  - '　'\n---\n正文。\n",
        ),
    ]);
    let run = build(site.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = site.path().join("public");
    let title_of = |term: &str| {
        let html = read(&out, &format!("tags/{term}/index.html"));
        let start = html.find("<h1").unwrap_or(0);
        let end = html[start..].find("</h1>").map_or(start, |e| start + e);
        html[start..end].to_string()
    };
    assert!(
        title_of("gong-shi").contains("公示"),
        "{}",
        title_of("gong-shi")
    );
    assert!(
        title_of("gong-shi-2").contains("攻势"),
        "{}",
        title_of("gong-shi-2")
    );
    assert!(
        title_of("gong-shi-3").contains("公式"),
        "{}",
        title_of("gong-shi-3")
    );
    assert!(
        title_of("chong-qing").contains("重庆"),
        "{}",
        title_of("chong-qing")
    );
    assert!(
        title_of("chong-qing-2").contains("chong qing"),
        "{}",
        title_of("chong-qing-2")
    );
    let abc = read(&out, "tags/abc/index.html");
    assert!(title_of("abc").contains("ABC"), "{}", title_of("abc"));
    for page in ["/a/", "/b/", "/c/"] {
        assert!(abc.contains(&format!("href=\"{page}\"")), "{page} in {abc}");
    }
    assert!(
        run.stderr.contains(
            "警告：content/a.md:4:1: tags 中有空白的一项，已忽略 [taxonomy-term-empty]\n    提示：删去空白的一项，或写上词条，例如 tags: [志愿服务]\n"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "警告：content/c.md:4:1: tags 中有空白的一项，已忽略 [taxonomy-term-empty]\n"
        ),
        "{}",
        run.stderr
    );
}

/// Item 10: a story in two districts gives each half its hours, so the districts add up to
/// the total; a name written with a stray space is the same volunteer.
#[test]
fn volunteer_hours_split_between_districts_and_names_are_trimmed() {
    let site = site(&[
        (
            "site.yaml",
            "title: 测试站\nbase_url: https://test.example.gov.cn\ntaxonomies: [districts]\n",
        ),
        (
            "templates/index.html",
            "{% for d in volunteer_stats.per_district %}{{ d.name }}={{ d.hours }}h/{{ d.volunteers }}人/{{ d.stories }}篇;{% endfor %}total={{ volunteer_stats.hours }}h/{{ volunteer_stats.volunteers }}人\n",
        ),
        (
            "content/stories/_index.md",
            "---\ntitle: 志愿服务\nkind: story\n---\n",
        ),
        (
            "content/stories/a.md",
            "---\ntitle: 甲\ndate: 2026-03-09\nvolunteers: [李明, 王芳]\nhours: 10\ndistricts: [云栖区, 望湖区]\n---\n正文。\n",
        ),
        (
            "content/stories/b.md",
            "---\ntitle: 乙\ndate: 2026-03-08\nvolunteers: [\" 李明\", \"王芳 \"]\nhours: 4\ndistricts: [云栖区]\n---\n正文。\n",
        ),
    ]);
    let run = build(site.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        read(&site.path().join("public"), "index.html"),
        "云栖区=9h/2人/2篇;望湖区=5h/2人/1篇;total=14h/2人\n"
    );
}

/// A 条例 of the given body in a rule section, with `effective` as given.
fn rule_site(effective: &str, body: &str) -> tempfile::TempDir {
    site(&[
        (
            "content/rules/_index.md",
            "---\ntitle: 文明规范\nkind: rule\n---\n",
        ),
        (
            "content/rules/tiaoli.md",
            &format!(
                "---\ntitle: 示例市文明行为促进条例\ndate: 2026-03-01\nissuer: 示例市人大常委会\neffective: {effective}\n---\n{body}"
            ),
        ),
    ])
}

/// Item 5: a rule whose `effective` date is still to come is 尚未施行, with the date.
#[test]
fn a_rule_not_yet_in_effect_says_so_with_its_date() {
    let site = rule_site("2026-05-01", "**第一条**　为了……\n");
    let run = build(site.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(&site.path().join("public"), "rules/tiaoli/index.html");
    assert!(
        page.contains("<div><dt>效力状态</dt><dd>尚未施行（2026年5月1日起施行）</dd></div>"),
        "{page}"
    );
    let site = rule_site("2026-03-01", "**第一条**　为了……\n");
    let run = build(site.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(&site.path().join("public"), "rules/tiaoli/index.html");
    assert!(
        page.contains("<div><dt>效力状态</dt><dd>现行有效</dd></div>"),
        "{page}"
    );
}

/// Item 5: a 条例 pasted from a PDF: its 目录 block is a warning (the theme makes one) and its
/// lines do not count as chapters; a space a PDF leaves between two Chinese characters is a
/// warning at its line and column.
#[test]
fn a_pasted_table_of_contents_and_stray_spaces_are_warnings() {
    let site = rule_site(
        "2026-03-01",
        "目 录\n\n第一章 总 则\n\n第二章 附 则\n\n第一章 总 则\n\n第一条　为了引导 和促进文明行为，制定本条例。\n\n第二章 附 则\n\n第二条　本条例自公布之日起施行。\n",
    );
    let run = build(site.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "警告：content/rules/tiaoli.md:7:1: 正文中粘贴了“目录”：主题会根据章节自动生成目录，粘贴的目录会重复 [rule-toc-pasted]\n    提示：删去“目录”和其下列出的各章标题\n"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "警告：content/rules/tiaoli.md:15:9: 汉字之间有空格：“引导 和促” [text-stray-space]\n    提示：多见于从 PDF 复制的文字；删去空格，确需分开的请用标点\n"
        ),
        "{}",
        run.stderr
    );
    let page = read(&site.path().join("public"), "rules/tiaoli/index.html");
    assert_eq!(page.matches("<h2 id=\"第一章-总则").count(), 1, "{page}");
    assert!(
        page.contains("<h2 id=\"第一章-总则\">第一章 总则</h2>"),
        "{page}"
    );
}

/// A section folder and a taxonomy term whose slug changed with word-aware pinyin keep their
/// old URLs as redirects, like pages do.
#[test]
fn sections_and_terms_whose_slug_changed_keep_their_old_urls() {
    let site = site(&[
        (
            "site.yaml",
            "title: 测试站\nbase_url: https://test.example.gov.cn\ntaxonomies: [tags]\n",
        ),
        ("content/长江/_index.md", "---\ntitle: 长江专栏\n---\n"),
        (
            "content/长江/a.md",
            "---\ntitle: 甲\ndate: 2026-03-09\ntags: [长江]\n---\n正文。\n",
        ),
    ]);
    let run = build(site.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = site.path().join("public");
    assert!(read(&out, "chang-jiang/index.html").contains("长江专栏"));
    let old = read(&out, "zhang-jiang/index.html");
    assert!(
        old.contains("<meta http-equiv=\"refresh\" content=\"0; url=/chang-jiang/\">")
            && old.contains("<p>本页已迁移至<a href=\"/chang-jiang/\">长江专栏</a>。</p>"),
        "{old}"
    );
    let old_term = read(&out, "tags/zhang-jiang/index.html");
    assert!(
        old_term.contains("<meta http-equiv=\"refresh\" content=\"0; url=/tags/chang-jiang/\">"),
        "{old_term}"
    );
    // The page itself moved with its section and keeps its old URL too.
    assert!(read(&out, "zhang-jiang/a/index.html").contains("url=/chang-jiang/a/"));
}

/// Item 19: a taxonomy's negative `paginate` and a CSV file with a header twice are errors
/// naming the file and line, not accepted silently.
#[test]
fn negative_taxonomy_paginate_and_duplicate_csv_headers_are_errors() {
    let config = site(&[
        (
            "site.yaml",
            "title: 测试站\nbase_url: https://test.example.gov.cn\ntaxonomies:\n  - {name: tags, paginate: -1}\n",
        ),
        (
            "content/a.md",
            "---\ntitle: 甲\ndate: 2026-03-09\n---\n正文。\n",
        ),
    ]);
    let run = build(config.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        common::errors_only(&run.stderr),
        "错误：site.yaml:4:18: 分类法 tags 的 paginate 应该是不小于 0 的整数，现在是 -1
    提示：例如 paginate: 20；0 表示不分页
构建失败：共 1 个错误，输出目录保持不变。
"
    );
    let data = site(&[
        ("data/scores.csv", "unit,score,score\n城东街道,90,95\n"),
        (
            "content/a.md",
            "---\ntitle: 甲\ndate: 2026-03-09\n---\n正文。\n",
        ),
    ]);
    let run = build(data.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        common::errors_only(&run.stderr),
        "错误：data/scores.csv:1:12: CSV 表头中“score”出现了两次
    提示：每一列的表头要不同，否则后一列会覆盖前一列
构建失败：共 1 个错误，输出目录保持不变。
"
    );
}

/// Item 19: a section whose front matter has an error does not make its pages' kind fields
/// "unknown": only the section's own error is reported.
#[test]
fn a_broken_section_does_not_make_its_pages_fields_unknown() {
    let site = site(&[
        (
            "content/stories/_index.md",
            "---\ntitle: 志愿服务\nkind: story\npaginate: -1\n---\n",
        ),
        (
            "content/stories/a.md",
            "---\ntitle: 甲\ndate: 2026-03-01\nhours: 3\nvolunteers: [李明]\n---\n正文。\n",
        ),
    ]);
    let run = build(site.path());
    assert_eq!(run.code, 1);
    assert_eq!(
        common::errors_only(&run.stderr),
        "错误：content/stories/_index.md:4:11: 字段“paginate”应该是不小于 0 的整数
构建失败：共 1 个错误，输出目录保持不变。
"
    );
}

/// Item 19: a number too large for any field is named as such, not as a serde type error.
#[test]
fn a_huge_integer_is_reported_in_chinese() {
    let site = site(&[(
        "content/a.md",
        "---\ntitle: 甲\ndate: 2026-03-01\nweight: 99999999999999999999999\n---\n正文。\n",
    )]);
    let run = build(site.path());
    assert_eq!(run.code, 1);
    assert_eq!(
        common::errors_only(&run.stderr),
        "错误：content/a.md:4:9: YAML 格式错误：数字 99999999999999999999999 太大，无法处理
    提示：确实需要这么长的数字（例如编号）时，用引号把它写成文字，例如 \"99999999999999999999999\"
构建失败：共 1 个错误，输出目录保持不变。
"
    );
}

/// Item 7: a mistake inside a flow (`[{…}]`, `{…}`) or block value is reported at the value
/// itself, not at the page's own `date:` line or the line after the mapping.
#[test]
fn yaml_errors_inside_flow_and_block_values_are_reported_at_the_value() {
    let site = site(&[
        (
            "content/a.md",
            "---\ntitle: 甲\ndate: 2026-03-01\ncorrections: [{date: 2026-13-01, note: 更正}]\n---\n正文。\n",
        ),
        (
            "content/b.md",
            "---\ntitle: 乙\ndate: 2026-03-01\ncorrections:\n  - note: 更正\n    date: 2026-02-30\n  - 3\n---\n正文。\n",
        ),
        (
            "content/c.md",
            "---\ntitle: 丙\ndate: 2026-03-01\ncorrections: [{note: 更正}, 5]\n---\n正文。\n",
        ),
    ]);
    let run = build(site.path());
    assert_eq!(run.code, 1);
    assert_eq!(
        common::errors_only(&run.stderr),
        "错误：content/a.md:4:22: 字段“date”的日期“2026-13-01”无效：没有13月
    提示：日期写成 2026-03-05 或 2026-03-05 09:30（北京时间），也可带时区如 2026-03-05T09:30:00+08:00
错误：content/b.md:6:11: 字段“date”的日期“2026-02-30”无效：2026年2月没有30日
    提示：日期写成 2026-03-05 或 2026-03-05 09:30（北京时间），也可带时区如 2026-03-05T09:30:00+08:00
错误：content/b.md:7:5: corrections 第 2 项应是 {date, note}
错误：content/c.md:4:15: 缺少字段“date”
    提示：例如 date: 2026-05-08
错误：content/c.md:4:27: corrections 第 2 项应是 {date, note}
构建失败：共 5 个错误，输出目录保持不变。
"
    );
    for (config, expected) in [
        (
            "feed: {limit: 很多}\n",
            "错误：site.yaml:3:15: 字段“limit”应该是整数\n",
        ),
        (
            "feed:\n  limit: -1\n",
            "错误：site.yaml:4:10: 字段“limit”应该是不小于 0 的整数\n",
        ),
        (
            "feed: {limt: 5}\n",
            "错误：site.yaml:3:8: site.yaml 的 feed 中有未知字段“limt”\n    提示：是否想写“limit”？可用的字段有：limit\n",
        ),
    ] {
        write(
            site.path(),
            "site.yaml",
            &format!("title: 测试站\nbase_url: https://test.example.gov.cn\n{config}"),
        );
        let run = build(site.path());
        assert_eq!(run.code, 1, "{config}");
        assert_eq!(
            common::errors_only(&run.stderr),
            format!("{expected}构建失败：共 1 个错误，输出目录保持不变。\n"),
            "{config}"
        );
    }
}

/// Item 7: the YAML parser's messages are in Chinese, and a list or mapping left open is
/// reported on the line of its bracket, not on the line after it.
#[test]
fn yaml_syntax_errors_are_in_chinese_at_the_line_of_the_mistake() {
    let site = site(&[
        (
            "content/a.md",
            "---\ntitle: 甲\ntags: [志愿服务, 学雷锋\ndate: 2026-03-01\n---\n正文。\n",
        ),
        (
            "content/b.md",
            "---\ntitle: 乙\nextra: {来源: 区文明办\ndate: 2026-03-01\n---\n正文。\n",
        ),
        (
            "content/c.md",
            "---\ntitle: 丙\ndate: 2026-03-01\n  author: 李明\n---\n正文。\n",
        ),
        (
            "content/d.md",
            "---\ntitle: \"路径 C:\\文明\"\ndate: 2026-03-01\n---\n正文。\n",
        ),
    ]);
    let run = build(site.path());
    assert_eq!(run.code, 1);
    assert_eq!(
        common::errors_only(&run.stderr),
        "错误：content/a.md:3:7: YAML 格式错误：从这里开始的“[”缺少对应的“]”，或其中两项之间少了英文逗号
    提示：列表写成 [甲, 乙]：方括号要配对，各项之间用英文逗号隔开
错误：content/b.md:3:8: YAML 格式错误：从这里开始的“{”缺少对应的“}”，或其中两项之间少了英文逗号
    提示：写成 {键: 值, 键: 值}：花括号要配对，各项之间用英文逗号隔开
错误：content/c.md:4:9: YAML 格式错误：这里不能出现“: ”（英文冒号加空格）
    提示：值中含有英文冒号时，请用引号把整个值括起来，例如 title: \"通知：…\"
错误：content/d.md:2:14: YAML 格式错误：双引号中有无法识别的转义（反斜杠 \\ 后面的字符）
    提示：反斜杠请写成两个（\\\\），或改用单引号把值括起来
构建失败：共 4 个错误，输出目录保持不变。
"
    );
}

/// Items 11 and 19: a ranking page whose front matter has an error still has its data file's
/// rows checked in the same run, and a row after a quoted cell written over two lines is
/// reported at its own line.
#[test]
fn a_ranking_pages_front_matter_error_does_not_hide_its_csv_errors() {
    let csv = "unit,score,found,fixed\n\"城东街道\n（含开发区）\",92,10,8\n城西街道,很高,5,5\n";
    let site = site(&[
        (
            "content/rankings/_index.md",
            "---\ntitle: 红黑榜\nkind: ranking\n---\n",
        ),
        (
            "content/rankings/w1.md",
            "---\ntitle: 第1周\ndate: 2026-03-01\ndata: rankings/w1.csv\nred_at_leest: 90\n---\n",
        ),
        ("data/rankings/w1.csv", csv),
    ]);
    let run = build(site.path());
    assert_eq!(run.code, 1);
    assert_eq!(
        common::errors_only(&run.stderr),
        "错误：content/rankings/w1.md:5:1: front matter 中有未知字段“red_at_leest”
    提示：是否想写“red_at_least”？可用的字段有：title, date, updated, expires, draft, slug, path, summary, description, author, source, editor, weight, cover, aliases, template, kind, search, extra, corrections, review, waive, data, series, red_at_least, black_below
错误：data/rankings/w1.csv:4: 城西街道 的得分 score“很高”不是数字
构建失败：共 2 个错误，输出目录保持不变。
"
    );
    // With the front matter fixed, the site's own ranking names the same line.
    write(
        site.path(),
        "content/rankings/w1.md",
        "---\ntitle: 第1周\ndate: 2026-03-01\ndata: rankings/w1.csv\n---\n",
    );
    let run = build(site.path());
    assert_eq!(
        common::errors_only(&run.stderr),
        "错误：data/rankings/w1.csv:4: 城西街道 的得分 score“很高”不是数字
构建失败：共 1 个错误，输出目录保持不变。
"
    );
    // A row with a cell missing is named by its line, in Chinese, and only by the data stage.
    write(
        site.path(),
        "data/rankings/w1.csv",
        "unit,score,found,fixed\n\"城东街道\n（含开发区）\",92,10,8\n城西街道,85,5\n",
    );
    let run = build(site.path());
    assert_eq!(
        common::errors_only(&run.stderr),
        "错误：data/rankings/w1.csv:4: CSV 格式错误：这一行有 3 列，表头有 4 列
    提示：每一行的列数要与表头相同；含逗号的值请用英文双引号括起来
构建失败：共 1 个错误，输出目录保持不变。
"
    );
}

/// Item 19: a `path:`, slug or alias too long for the file system is an error at the content
/// file's line, not an OS error about the output folder.
#[test]
fn a_path_or_slug_too_long_for_the_file_system_names_the_content_file() {
    let long = "a".repeat(300);
    let site = site(&[
        (
            "content/news/a.md",
            &format!("---\ntitle: 甲\ndate: 2026-03-01\npath: /news/{long}/\n---\n正文。\n"),
        ),
        (
            "content/news/b.md",
            &format!(
                "---\ntitle: 乙\ndate: 2026-03-01\nslug: {}\n---\n正文。\n",
                "b".repeat(101)
            ),
        ),
        (
            "content/news/c.md",
            &format!(
                "---\ntitle: 丙\ndate: 2026-03-01\naliases: [/old/{long}.html]\n---\n正文。\n"
            ),
        ),
    ]);
    let run = build(site.path());
    assert_eq!(run.code, 1);
    assert_eq!(
        common::errors_only(&run.stderr),
        "错误：content/news/a.md:4:1: 路径中的“aaaaaaaaaaaaaaaaaaaa…”这一段太长（300 个字符）：每一段最多 100 个字符
    提示：例如 path: about/contact
错误：content/news/b.md:4:1: slug“bbbbbbbbbbbbbbbbbbbb…”太长（101 个字符）：最多 100 个字符
    提示：例如 slug: xue-lei-feng
错误：content/news/c.md:4:1: 路径中的“aaaaaaaaaaaaaaaaaaaa…”这一段太长（305 个字符）：每一段最多 100 个字符
    提示：例如 aliases: [/old/page.shtml]
构建失败：共 3 个错误，输出目录保持不变。
"
    );
    assert!(!site.path().join("public").exists());
}

/// Item 19: a `!!binary` value is an error at the value (no field holds bytes; the page would
/// show base64 text), in front matter and in data files alike.
#[test]
fn binary_yaml_values_are_errors_at_the_value() {
    let site = site(&[
        (
            "content/a.md",
            "---\ntitle: 甲\ndate: 2026-03-01\nextra:\n  logo: !!binary R0lGODlhAQABAAAAACw=\n---\n正文。\n",
        ),
        (
            "data/units.yaml",
            "- name: 城东街道\n  photo: !!binary |\n    R0lGODlhAQABAAAAACw=\n",
        ),
    ]);
    let run = build(site.path());
    assert_eq!(run.code, 1);
    assert_eq!(
        common::errors_only(&run.stderr),
        "错误：content/a.md:5:9: YAML 格式错误：不支持二进制数据（!!binary）
    提示：图片等文件请放在页面文件夹或 static/ 中，用文件名引用；文字值请去掉 !!binary
错误：data/units.yaml:2:10: YAML 格式错误：不支持二进制数据（!!binary）
    提示：图片等文件请放在页面文件夹或 static/ 中，用文件名引用；文字值请去掉 !!binary
构建失败：共 2 个错误，输出目录保持不变。
"
    );
}

/// Item 19: a Markdown link to another page by its relative file name (Chinese, percent-
/// encoded, with `../` and an anchor) goes to that page's URL like an `@/` link, and only a
/// file that does not exist is reported, by build and by check alike.
#[test]
fn links_to_pages_by_their_relative_file_names_resolve() {
    let site = site(&[
        (
            "content/news/中文文件名.md",
            "---\ntitle: 中文页\ndate: 2026-03-01\n---\n正文。\n",
        ),
        (
            "content/about/联系我们.md",
            "---\ntitle: 联系\n---\n## 电话\n\n正文。\n",
        ),
        (
            "content/news/a.md",
            "---\ntitle: 甲\ndate: 2026-03-02\n---\n见[中文页](中文文件名.md)、[联系电话](../about/联系我们.md#电话)、[编码的链接](%E4%B8%AD%E6%96%87%E6%96%87%E4%BB%B6%E5%90%8D.md)和[缺失的页](不存在.md)。\n",
        ),
    ]);
    let run = build(site.path());
    assert_eq!(run.code, 1);
    assert_eq!(
        common::errors_only(&run.stderr),
        "错误：content/news/a.md:5:104: 内部链接 不存在.md 指向的文件不存在
    提示：相对链接从本文件所在的文件夹算起，这里指向 content/news/不存在.md；检查文件名，或写成 @/ 加 content/ 下的路径
构建失败：共 1 个错误，输出目录保持不变。
"
    );
    let check = common::wenming(&["check", "--root", &site.path().to_string_lossy()]);
    assert!(
        check.stdout.contains(
            "content/news/a.md:5:104  错误  link-broken  内部链接 不存在.md 指向的文件不存在"
        ),
        "{}",
        check.stdout
    );
    assert_eq!(
        check.stdout.matches("link-broken").count(),
        1,
        "{}",
        check.stdout
    );
    write(
        site.path(),
        "content/news/a.md",
        "---\ntitle: 甲\ndate: 2026-03-02\n---\n见[中文页](中文文件名.md)、[联系电话](../about/联系我们.md#电话)、[编码的链接](%E4%B8%AD%E6%96%87%E6%96%87%E4%BB%B6%E5%90%8D.md)。\n",
    );
    let run = build(site.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = read(&site.path().join("public"), "news/a/index.html");
    assert!(
        html.contains("<p>见<a href=\"/news/zhong-wen-wen-jian-ming/\">中文页</a>、<a href=\"/about/lian-xi-wo-men/#电话\">联系电话</a>、<a href=\"/news/zhong-wen-wen-jian-ming/\">编码的链接</a>。</p>"),
        "{html}"
    );
}

/// Item 7: the parser's other messages in Chinese too: a key written twice (at its second
/// line), an undefined alias, a value starting with `@`.
#[test]
fn more_yaml_syntax_errors_are_in_chinese() {
    let site = site(&[
        (
            "content/a.md",
            "---\ntitle: 甲\ntitle: 乙\ndate: 2026-03-01\n---\n正文。\n",
        ),
        (
            "content/b.md",
            "---\ntitle: 甲\ndate: 2026-03-01\nextra: {a: *x}\n---\n正文。\n",
        ),
        (
            "content/c.md",
            "---\ntitle: 甲\ndate: 2026-03-01\nauthor: @李明\n---\n正文。\n",
        ),
    ]);
    let run = build(site.path());
    assert_eq!(run.code, 1);
    assert_eq!(
        common::errors_only(&run.stderr),
        "错误：content/a.md:3:1: YAML 格式错误：字段“title”写了两次
    提示：删去其中一个
错误：content/b.md:4:12: YAML 格式错误：引用了没有定义的别名（*）
    提示：别名 *名字 之前要先用 &名字 定义；值以 * 开头时请用引号括起来
错误：content/c.md:4:9: YAML 格式错误：这里有一个不能作为值开头的字符
    提示：以 @ 或 ` 开头的值请用引号括起来
构建失败：共 3 个错误，输出目录保持不变。
"
    );
}
