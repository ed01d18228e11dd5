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
    let files = wenming::scaffold::new_page(&site, Kind::Story, "爱心送考 温暖同行", now)
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
    let again = wenming::scaffold::new_page(&site, Kind::Story, "爱心送考 温暖同行", now);
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
