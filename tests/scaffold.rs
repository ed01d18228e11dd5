//! `wenming init` and `wenming new`: a new site builds at once, and a new page of every kind
//! starts as a draft with the right fields, a pinyin file name and the date.

mod common;

use common::{read, temp, wenming};
use wenming::content::Kind;

fn init_site() -> tempfile::TempDir {
    let dir = temp();
    let site = dir.path().join("site");
    let run = wenming(&["init", site.to_str().unwrap_or_default()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("已在 "), "{}", run.stdout);
    dir
}

#[test]
fn init_creates_a_site_that_builds_at_once() {
    let dir = init_site();
    let site = dir.path().join("site");
    assert_eq!(
        common::files(&site),
        [
            ".gitignore",
            "content/_index.md",
            "content/notices/_index.md",
            "content/notices/zhi-yuan-zhe-zhao-mu.md",
            "content/progress/2026-di-1-qi.md",
            "content/progress/_index.md",
            "content/quiz/_index.md",
            "content/quiz/chuang-wen-zhi-shi.md",
            "content/rankings/2026-w10.md",
            "content/rankings/_index.md",
            "content/rules/_index.md",
            "content/rules/wen-ming-xing-wei-cu-jin-tiao-li.md",
            "content/stories/_index.md",
            "content/stories/xue-lei-feng.md",
            "content/zhen-di/_index.md",
            "data/rankings/2026-w10.csv",
            "data/zhen-di.csv",
            "site.yaml",
        ]
    );
    assert_eq!(
        read(&site, ".gitignore"),
        "# 构建结果：由 wenming build 生成，不必提交\n/public/\n\
         # wenming 的状态目录：只有发布记录 manifest.json 需要提交（它记录每个页面的发布时间）\n\
         /.wenming/*\n!/.wenming/manifest.json\n"
    );
    let site_yaml = read(&site, "site.yaml");
    for key in [
        "sponsor:",
        "organizer:",
        "contact:",
        "icp:",
        "police_record:",
        "site_code:",
        "badge:",
        "unsafe_html:",
        "limit:",
    ] {
        assert!(site_yaml.contains(key), "site.yaml explains {key}");
    }
    let run = wenming(&["build", "--root", site.to_str().unwrap_or_default()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("构建完成：6 个页面，8 个栏目"),
        "{}",
        run.stdout
    );
    assert!(!site.join("themes").exists(), "the embedded theme is used");
    let ranking = read(&site, "public/rankings/2026-w10/index.html");
    assert!(
        ranking.contains(
            "<td class=\"num\" data-label=\"名次\">1</td>\n      <th scope=\"row\">城东街道</th>"
        ),
        "{ranking}"
    );
    let quiz = read(&site, "public/quiz/chuang-wen-zhi-shi/index.html");
    assert_eq!(quiz.matches("<fieldset class=\"quiz-question\"").count(), 2);
    let directory = read(&site, "public/zhen-di/index.html");
    assert!(
        directory.contains(
            "共 3 个阵地：中心 1 个，所 1 个，站 1 个。其中 1 个暂未开放（暂停开放或建设中）。"
        ),
        "{directory}"
    );
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let dir = init_site();
    let site = dir.path().join("site");
    let run = wenming(&["init", site.to_str().unwrap_or_default()]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.ends_with(
            "已存在且不是空目录\n    提示：换一个新的目录名，wenming init 不会覆盖已有文件\n"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn new_writes_a_draft_with_the_kind_fields_and_todays_date() {
    let dir = init_site();
    let site = dir.path().join("site");
    let now = wenming::text::dates::parse("2026-03-05 01:30:00Z")
        .map(|d| d.timestamp())
        .unwrap_or_else(|e| panic!("{e}"));
    let files =
        wenming::scaffold::new_page(&site, Some(Kind::Story), "爱心送考 温暖同行", None, now)
            .unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(
        files,
        [site.join("content/stories/ai-xin-song-kao-wen-nuan-tong-xing.md")]
    );
    assert_eq!(
        read(
            &site,
            "content/stories/ai-xin-song-kao-wen-nuan-tong-xing.md"
        ),
        "---\ntitle: \"爱心送考 温暖同行\"\ndate: 2026-03-05 09:30          # 发布时间（北京时间）\ndraft: true              # 草稿：确认无误后删除这一行再发布\nsource:                  # 来源\nauthor:                  # 作者\neditor:                  # 责任编辑\ntags: []\ndistricts: []\nvolunteers: []           # 志愿者姓名，例如 [李明, 王芳]\nteam:                    # 服务队\nhours: 0                 # 服务时长（小时）\nplace:                   # 服务地点\n---\n正文……\n"
    );
    let again =
        wenming::scaffold::new_page(&site, Some(Kind::Story), "爱心送考 温暖同行", None, now);
    assert_eq!(
        again.map_err(|d| d.to_string()),
        Err("content/stories/ai-xin-song-kao-wen-nuan-tong-xing.md: 文件已存在，未做任何修改\n    提示：换一个标题，或直接编辑这个文件".to_string())
    );
}

#[test]
fn a_new_page_of_every_kind_builds_as_a_draft() {
    let dir = init_site();
    let site = dir.path().join("site");
    let root = site.to_str().unwrap_or_default();
    for kind in ["story", "rule", "progress", "notice", "ranking", "quiz"] {
        let run = wenming(&["new", kind, &format!("新{kind}"), "--root", root]);
        assert_eq!(run.code, 0, "{kind}: {}", run.stderr);
    }
    assert!(
        site.join("data/rankings/xin-ranking.csv").is_file(),
        "a ranking gets its data file"
    );
    let published = wenming(&["build", "--root", root]);
    assert_eq!(published.code, 0, "{}", published.stderr);
    assert!(
        published.stdout.contains("未发布草稿 6 篇"),
        "{}",
        published.stdout
    );
    let preview = wenming(&["build", "--drafts", "--root", root]);
    assert_eq!(preview.code, 0, "{}", preview.stderr);
    assert!(
        preview.stdout.starts_with("构建完成：12 个页面"),
        "{}",
        preview.stdout
    );
}

#[test]
fn new_needs_a_section_of_that_kind_and_a_known_kind() {
    let run = wenming(&[
        "new",
        "story",
        "标题",
        "--root",
        common::fixture("basic").to_str().unwrap_or_default(),
    ]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "错误：content: 站点中没有 kind: story 的栏目\n    提示：在某个栏目的 _index.md 中加一行 kind: story，或用 wenming init 新建一个包含各类栏目的站点\n"
    );
    assert_eq!(wenming(&["new", "blog", "标题"]).code, 2);
    assert_eq!(
        wenming(&["new", "directory", "标题"]).code,
        2,
        "a directory is a section, not a page"
    );
}

/// A site with a plain news section (no kind) and a story section.
fn news_and_stories() -> tempfile::TempDir {
    let dir = temp();
    let write = |rel: &str, text: &str| {
        let path = dir.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    };
    write(
        "site.yaml",
        "title: 测试站\nbase_url: https://test.example.gov.cn\n",
    );
    write("content/news/_index.md", "---\ntitle: 创文动态\n---\n");
    write(
        "content/stories/_index.md",
        "---\ntitle: 志愿服务\nkind: story\n---\n",
    );
    dir
}

/// Issue 14 item 11: `new article` writes a plain 创文动态 item (the default kind) into the
/// first section without a kind; `--section` names the section.
#[test]
fn new_article_goes_to_a_plain_section_and_section_picks_the_folder() {
    let dir = news_and_stories();
    let root = dir.path().to_str().unwrap_or_default();
    let at = |args: &[&str]| common::wenming_at("2026-03-05 09:30", args);
    let run = at(&["new", "article", "市民文明出行倡议", "--root", root]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        read(
            dir.path(),
            "content/news/shi-min-wen-ming-chu-xing-chang-yi.md"
        ),
        "---\ntitle: \"市民文明出行倡议\"\ndate: 2026-03-05 09:30          # 发布时间（北京时间）\ndraft: true              # 草稿：确认无误后删除这一行再发布\nsource:                  # 来源\nauthor:                  # 作者\neditor:                  # 责任编辑\n---\n正文……\n"
    );
    let run = at(&[
        "new",
        "story",
        "周末护河",
        "--section",
        "news",
        "--root",
        root,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let story = read(dir.path(), "content/news/zhou-mo-hu-he.md");
    assert!(
        story.contains("editor:                  # 责任编辑\nkind: story              # 本栏目不是 story 栏目，本篇单独写明类型\nvolunteers: []"),
        "{story}"
    );
    let run = at(&[
        "new",
        "article",
        "标题",
        "--section",
        "stories",
        "--root",
        root,
    ]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "错误：content/stories/_index.md: 栏目 stories 是 story 栏目，不能放普通文章\n    提示：用 wenming new story \"标题\" --section stories，或换一个没有 kind 的栏目\n"
    );
    let run = at(&[
        "new",
        "article",
        "标题",
        "--section",
        "nwes",
        "--root",
        root,
    ]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "错误：content/nwes: 没有这个栏目（找不到 content/nwes/_index.md）\n    提示：是否想写 --section news？--section 写 content/ 下的栏目文件夹，可用的有：news, stories\n"
    );
    let built = at(&["build", "--drafts", "--root", root]);
    assert_eq!(built.code, 0, "{}", built.stderr);
}

/// Issue 14 item 12: a brand-new site builds without a single warning (its pages are dated
/// the day of `init`, the footer items it leaves blank on purpose wait for `check --strict`),
/// has search on, and its site.yaml lists every setting wenming knows.
#[test]
fn a_new_site_builds_quietly_with_search_and_every_setting_listed() {
    let dir = temp();
    let site = dir.path().join("site");
    let root = site.to_str().unwrap_or_default();
    let now = "2026-12-07 08:00";
    let run = common::wenming_at(now, &["init", root]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let story = read(&site, "content/stories/xue-lei-feng.md");
    assert!(story.contains("\ndate: 2026-12-07 08:00\n"), "{story}");
    let built = common::wenming_at(now, &["build", "--root", root]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    assert_eq!(built.stderr, "");
    assert!(
        site.join("public/search/index.html").is_file(),
        "search is on"
    );
    let later = common::wenming_at("2026-12-08 08:00", &["check", "--root", root]);
    assert_eq!(later.code, 0, "{}", later.stdout);
    let strict = common::wenming_at(now, &["check", "--strict", "--root", root]);
    assert_eq!(strict.code, 1, "{}", strict.stdout);
    assert!(
        strict.stdout.contains(
            "site.yaml  警告  footer-missing  页脚缺少“公安机关备案号”（footer.police_record）  (在 site.yaml 的 footer 中填写，例如 police_record: 示公网安备 00000000000000号)\n"
        ),
        "{}",
        strict.stdout
    );
    let site_yaml = read(&site, "site.yaml");
    for key in wenming::config::SITE_KEYS {
        assert!(
            site_yaml.contains(&format!("\n{key}:")),
            "site.yaml lists {key}"
        );
    }
    for key in [
        "badge_link:",
        "max_file_size:",
        "max_pages:",
        "enabled: true",
    ] {
        assert!(site_yaml.contains(key), "site.yaml lists {key}");
    }
    for hint in [&built.stderr, &strict.stdout] {
        assert!(!hint.contains("栖云"), "hints name the demo city: {hint}");
    }
}

/// Issue 15 leftover: a title with a backslash and quotes is written escaped into the new
/// page's YAML, so the page builds and reads back the title exactly as given.
#[test]
fn new_escapes_backslashes_and_quotes_in_the_title() {
    let dir = news_and_stories();
    let root = dir.path().to_str().unwrap_or_default();
    let at = |args: &[&str]| common::wenming_at("2026-03-05 09:30", args);
    let run = at(&[
        "new",
        "article",
        "文件在 D:\\创文\\ 下的\"倡议\"",
        "--root",
        root,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let path = run
        .stdout
        .lines()
        .find_map(|l| l.split("content/").nth(1))
        .unwrap_or_default();
    let text = read(dir.path(), &format!("content/{}", path.trim()));
    assert!(
        text.starts_with("---\ntitle: \"文件在 D:\\\\创文\\\\ 下的\\\"倡议\\\"\"\n"),
        "{text}"
    );
    let out = dir.path().join("public");
    let run = at(&[
        "build",
        "--drafts",
        "--root",
        root,
        "--output",
        &out.to_string_lossy(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = std::fs::read_dir(out.join("news"))
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(Result::ok)
        .find(|e| e.path().join("index.html").is_file() && e.file_name() != "page")
        .map(|e| read(&e.path(), "index.html"))
        .unwrap_or_default();
    assert!(
        page.contains("文件在 D:\\创文\\ 下的&quot;倡议&quot;"),
        "{page}"
    );
}
