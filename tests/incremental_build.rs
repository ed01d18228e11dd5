//! `wenming build` renders again only the files whose inputs changed since the previous build
//! of the same output, and its output is byte for byte that of a clean build after every kind
//! of change: an edited title or body, an added or deleted page, a changed template or
//! site.yaml, a page falling due, another base URL, drafts, a file edited by hand.

mod common;

use std::fs;
use std::path::Path;

use common::{DEMO_NOW, Run, copy_dir, temp, wenming_at};

/// A copy of the demo site (the repository's own content, the embedded default theme).
fn demo_copy() -> tempfile::TempDir {
    let dir = temp();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for folder in ["content", "data", "static"] {
        copy_dir(&repo.join(folder), &dir.path().join(folder));
    }
    fs::copy(repo.join("site.yaml"), dir.path().join("site.yaml"))
        .unwrap_or_else(|e| panic!("site.yaml: {e}"));
    dir
}

fn build(now: &str, root: &Path, output: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap_or_default(),
        "--output",
        output.to_str().unwrap_or_default(),
    ];
    args.extend_from_slice(extra);
    let run = wenming_at(now, &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
}

/// The "写入 … 沿用上次构建" part of a build's summary line.
fn counts(run: &Run) -> String {
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("构建完成："))
        .unwrap_or_default();
    let from = line.find("写入").unwrap_or(0);
    let to = line.find("；用时").unwrap_or(line.len());
    line[from..to].to_string()
}

/// Every file below `dir` with its bytes, by relative path.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    common::files(dir)
        .into_iter()
        .filter(|f| !f.starts_with(".wenming"))
        .map(|f| {
            let bytes = fs::read(dir.join(&f)).unwrap_or_else(|e| panic!("{f}: {e}"));
            (f, bytes)
        })
        .collect()
}

/// Asserts that `output` holds exactly what a clean build of `root` (into a new folder) gives.
fn assert_same_as_clean(now: &str, root: &Path, output: &Path, extra: &[&str], step: &str) {
    let clean = temp();
    let out = clean.path().join("public");
    build(now, root, &out, extra);
    let (got, want) = (tree(output), tree(&out));
    let paths = |t: &[(String, Vec<u8>)]| t.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(paths(&got), paths(&want), "{step}: the files differ");
    for ((path, a), (_, b)) in got.iter().zip(&want) {
        assert!(a == b, "{step}: {path} differs from a clean build's");
    }
}

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert!(text.contains(from), "{file} has no {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap_or_else(|e| panic!("{file}: {e}"));
}

#[test]
fn an_unchanged_rebuild_renders_nothing_and_writes_nothing() {
    let site = demo_copy();
    let out = site.path().join("public");
    let first = build(DEMO_NOW, site.path(), &out, &[]);
    assert_eq!(
        counts(&first),
        "写入 675 个文件，0 个未变，删除 0 个；渲染 133 个网页，0 个沿用上次构建"
    );
    let again = build(DEMO_NOW, site.path(), &out, &[]);
    assert_eq!(
        counts(&again),
        "写入 0 个文件，675 个未变，删除 0 个；渲染 0 个网页，133 个沿用上次构建"
    );
}

#[test]
fn a_build_later_the_same_day_keeps_the_countdown_and_the_next_day_renders_it() {
    // The home page counts the days to the 测评 (`days_until`): it reads the calendar day,
    // not the moment, so a timer build an hour later renders nothing again, and one after
    // Beijing midnight renders the pages that count.
    let site = demo_copy();
    let out = site.path().join("public");
    build("2026-11-21 10:00", site.path(), &out, &[]);
    let later = build("2026-11-21 23:59", site.path(), &out, &[]);
    assert!(
        counts(&later).ends_with("渲染 0 个网页，133 个沿用上次构建"),
        "{}",
        counts(&later)
    );
    let next_day = build("2026-11-22 00:01", site.path(), &out, &[]);
    assert!(
        !counts(&next_day).ends_with("渲染 0 个网页，133 个沿用上次构建"),
        "{}",
        counts(&next_day)
    );
    assert_same_as_clean("2026-11-22 00:01", site.path(), &out, &[], "the next day");
}

#[test]
fn every_kind_of_change_gives_the_clean_build_output() {
    let site = demo_copy();
    let root = site.path();
    let out = root.join("public");
    build(DEMO_NOW, root, &out, &[]);
    let mut seen = Vec::new();
    let mut step = |name: &str, now: &str, extra: &[&str], want: &str| {
        let run = build(now, root, &out, extra);
        seen.push((name.to_string(), counts(&run), want.to_string()));
        assert_same_as_clean(now, root, &out, extra, name);
    };

    edit(
        root,
        "content/news/zheng-gai-du-ban.md",
        "title: ",
        "title: 新标题：",
    );
    step(
        "a title",
        DEMO_NOW,
        &[],
        "写入 57 个文件，618 个未变，删除 0 个；渲染 10 个网页，123 个沿用上次构建",
    );
    edit(
        root,
        "content/news/zheng-gai-du-ban.md",
        "\n---\n",
        "\n---\n新增的第一段。\n\n",
    );
    step(
        "a body",
        DEMO_NOW,
        &[],
        "写入 55 个文件，620 个未变，删除 0 个；渲染 10 个网页，123 个沿用上次构建",
    );
    fs::write(
        root.join("content/news/xin-gao-jian.md"),
        "---\ntitle: 新稿件\ndate: 2026-11-20\ntags: [志愿服务]\n---\n一篇新稿件的正文。\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    step(
        "an added article",
        DEMO_NOW,
        &[],
        "写入 69 个文件，610 个未变，删除 0 个；渲染 9 个网页，125 个沿用上次构建",
    );
    fs::remove_file(root.join("content/news/zheng-gai-du-ban.md"))
        .unwrap_or_else(|e| panic!("{e}"));
    step(
        "a deleted page",
        DEMO_NOW,
        &[],
        "写入 208 个文件，465 个未变，删除 24 个；渲染 18 个网页，115 个沿用上次构建",
    );
    edit(
        root,
        "site.yaml",
        "title: 栖云文明网",
        "title: 栖云市文明网",
    );
    step(
        "the site title",
        DEMO_NOW,
        &[],
        "写入 423 个文件，250 个未变，删除 0 个；渲染 133 个网页，0 个沿用上次构建",
    );
    step(
        "no change at all",
        DEMO_NOW,
        &[],
        "写入 0 个文件，673 个未变，删除 0 个；渲染 0 个网页，133 个沿用上次构建",
    );
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
    let term = fs::read_to_string(theme.join("taxonomy_term.html")).unwrap_or_default();
    fs::create_dir_all(root.join("templates")).unwrap_or_else(|e| panic!("{e}"));
    fs::write(
        root.join("templates/taxonomy_term.html"),
        term.replace("篇</p>", "篇文章</p>"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    step(
        "a template",
        DEMO_NOW,
        &[],
        "写入 165 个文件，508 个未变，删除 0 个；渲染 55 个网页，78 个沿用上次构建",
    );
    fs::write(out.join("news/index.html"), "改坏了").unwrap_or_else(|e| panic!("{e}"));
    step(
        "a file edited by hand in the output",
        DEMO_NOW,
        &[],
        "写入 1 个文件，672 个未变，删除 0 个；渲染 1 个网页，132 个沿用上次构建",
    );
    step(
        "another base URL",
        DEMO_NOW,
        &["--base-url", "https://staging.example.org"],
        "写入 427 个文件，246 个未变，删除 0 个；渲染 133 个网页，0 个沿用上次构建",
    );
    step(
        "drafts",
        DEMO_NOW,
        &["--drafts"],
        "写入 492 个文件，195 个未变，删除 2 个；渲染 136 个网页，0 个沿用上次构建",
    );
    step(
        "back to the site",
        DEMO_NOW,
        &[],
        "写入 171 个文件，502 个未变，删除 16 个；渲染 133 个网页，0 个沿用上次构建",
    );
    step(
        "a page falls due",
        "2027-01-02 10:00",
        &[],
        "写入 33 个文件，640 个未变，删除 0 个；渲染 14 个网页，119 个沿用上次构建",
    );
    let got: Vec<(&str, &str)> = seen
        .iter()
        .map(|(n, c, _)| (n.as_str(), c.as_str()))
        .collect();
    let want: Vec<(&str, &str)> = seen
        .iter()
        .map(|(n, _, w)| (n.as_str(), w.as_str()))
        .collect();
    assert_eq!(got, want);
}

/// The rendered count of the "渲染 N 个网页" part of a build's summary.
fn rendered(run: &Run) -> usize {
    let c = counts(run);
    let from = c.find("渲染 ").map_or(0, |i| i + "渲染 ".len());
    c[from..]
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{c}"))
}

/// Adds an article to 创文动态 (content/news) after a first build, with the site's own
/// `templates/page.html` when given; returns how many pages the rebuild rendered, after
/// checking its output against a clean build's.
fn rendered_when_an_article_is_added(page_template: Option<&str>) -> usize {
    let site = demo_copy();
    let root = site.path();
    let out = root.join("public");
    if let Some(text) = page_template {
        fs::create_dir_all(root.join("templates")).unwrap_or_else(|e| panic!("{e}"));
        fs::write(root.join("templates/page.html"), text).unwrap_or_else(|e| panic!("{e}"));
    }
    build(DEMO_NOW, root, &out, &[]);
    fs::write(
        root.join("content/news/xin-gao-jian.md"),
        "---\ntitle: 新稿件\ndate: 2026-11-20\n---\n一篇新稿件的正文。\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let run = build(DEMO_NOW, root, &out, &[]);
    assert_same_as_clean(DEMO_NOW, root, &out, &[], "an added article");
    rendered(&run)
}

#[test]
fn an_added_article_renders_its_sections_pages_again_only_when_they_show_its_count() {
    let news = common::files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("content/news"))
        .into_iter()
        .filter(|f| f.ends_with(".md") && !f.ends_with("_index.md"))
        .count();
    assert!(news > 5, "{news}");
    // The default theme only asks whether the section has pages.
    let default = rendered_when_an_article_is_added(None);
    // A theme that prints the count renders every page of the section again.
    let printed = rendered_when_an_article_is_added(Some(
        "{% extends \"page-base.html\" %}\n\
         {%- block meta_extra %}<span>本栏目共 {{ section.page_count }} 篇</span>{% endblock meta_extra %}",
    ));
    assert!(
        printed >= default + news - 2,
        "{default} then {printed}, {news} in news"
    );
    // So does one that reads the section whole.
    let whole = rendered_when_an_article_is_added(Some(
        "{% extends \"page-base.html\" %}\n\
         {%- block meta_extra %}<!-- {{ section | json_encode }} -->{% endblock meta_extra %}",
    ));
    assert!(
        whole >= default + news - 2,
        "{default} then {whole}, {news} in news"
    );
}

/// A `width`×`height` JPEG of a gradient, `shade` telling two apart.
fn poster(width: u32, height: u32, shade: u8) -> Vec<u8> {
    use image::ImageEncoder as _;
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, shade])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgb8)
        .unwrap_or_else(|e| panic!("{e}"));
    out
}

/// The `<img>` of the 公益广告 poster `alt` on the home page.
fn ad_img(out: &Path, alt: &str) -> String {
    let home = fs::read_to_string(out.join("index.html")).unwrap_or_else(|e| panic!("{e}"));
    let at = home
        .find(&format!("alt=\"{alt}\""))
        .unwrap_or_else(|| panic!("no poster {alt}"));
    let start = home[..at].rfind("<img").unwrap_or(0);
    let end = at + home[at..].find('>').unwrap_or(0) + 1;
    home[start..end].to_string()
}

#[test]
fn a_changed_poster_renders_the_home_page_again_with_its_new_copies() {
    let site = demo_copy();
    let root = site.path();
    let out = root.join("public");
    fs::write(
        root.join("static/images/poster.jpg"),
        poster(2000, 1000, 10),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let ads = fs::read_to_string(root.join("data/ad.yaml")).unwrap_or_else(|e| panic!("{e}"));
    fs::write(
        root.join("data/ad.yaml"),
        format!(
            "{ads}- image: /images/poster.jpg\n  slogan: 文明餐桌 光盘行动\n  alt: 光盘行动海报\n"
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    build(DEMO_NOW, root, &out, &[]);
    let first = ad_img(&out, "光盘行动海报");
    let name = |w: &str, first: &str| {
        let at = first
            .find(&format!("poster.{w}."))
            .unwrap_or_else(|| panic!("{first}"));
        first[at..at + format!("poster.{w}.").len() + 12].to_string()
    };
    let (n480, n960, n1600) = (
        name("480", &first),
        name("960", &first),
        name("1600", &first),
    );
    assert_eq!(
        first,
        format!(
            "<img src=\"/images/{n960}\" srcset=\"/images/{n480} 480w, /images/{n960} 960w, /images/{n1600} 1600w\" sizes=\"(max-width: 34rem) 100vw, 36rem\" alt=\"光盘行动海报\" width=\"960\" height=\"480\" loading=\"lazy\" decoding=\"async\">"
        )
    );
    for n in [&n480, &n960, &n1600] {
        assert!(out.join("images").join(n).is_file(), "{n}");
    }

    // Another picture under the same name, of another shape: the home page is rendered again
    // (nothing else of its inputs changed) and names the new copies, as a clean build does.
    fs::write(
        root.join("static/images/poster.jpg"),
        poster(1200, 1200, 200),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let run = build(DEMO_NOW, root, &out, &[]);
    assert!(
        counts(&run).ends_with("渲染 1 个网页，132 个沿用上次构建"),
        "{}",
        counts(&run)
    );
    let second = ad_img(&out, "光盘行动海报");
    assert_ne!(name("960", &second), n960);
    assert!(second.contains("width=\"960\" height=\"960\""), "{second}");
    assert_same_as_clean(DEMO_NOW, root, &out, &[], "a changed poster");
}
