//! The incremental rebuild of `serve` against fresh builds: after every edit of a random
//! sequence (pages added, edited, renamed and deleted, sections added and removed, templates
//! overridden, static and data files changed, errors made and fixed, site.yaml changed, and
//! the content kinds' pages and what they depend on: progress figures, rankings and their
//! data, stories' volunteers and hours, replaced rules, a section's `kind:`, image sizes)
//! the site in memory must be byte for byte what a fresh build of the same sources produces,
//! all but the publish-date manifest, which serve does not make.

mod common;

use common::edits::{Rng, demo_copy, random_edit, read, repair, write};

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use jiff::Timestamp;
use wenming::build::{BuildOptions, render_site};
use wenming::output::Bytes;
use wenming::serve::incremental::{LiveSite, Outcome};

/// The demo site's moment ([`common::DEMO_NOW`]): every page of it is published then.
fn now() -> Timestamp {
    at(common::DEMO_NOW)
}

/// A moment in Beijing time (`2026-11-22 00:05`).
fn at(text: &str) -> Timestamp {
    wenming::text::dates::parse(text)
        .map(|d| d.timestamp())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn bytes(b: &Bytes) -> Vec<u8> {
    match b {
        Bytes::Owned(v) => v.clone(),
        Bytes::Embedded(v) => v.to_vec(),
        Bytes::File(p) => fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
    }
}

/// A fresh build in memory: path → bytes (later files replace earlier ones, as on disk),
/// without the publish-date manifest, which `serve` does not make (it publishes nothing).
fn fresh(root: &Path) -> Result<BTreeMap<String, Vec<u8>>, String> {
    fresh_at(root, now())
}

/// [`fresh`] as of `now`.
fn fresh_at(root: &Path, now: Timestamp) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut options = BuildOptions::new(root);
    options.now = now;
    match render_site(&options) {
        Ok(r) => Ok(r
            .files
            .iter()
            .map(|f| (f.path.clone(), bytes(&f.bytes)))
            .collect()),
        Err(e) => Err(e.to_string()),
    }
}

fn served(live: &LiveSite) -> BTreeMap<String, Vec<u8>> {
    let files = live.files();
    let files = files.read().unwrap_or_else(|e| e.into_inner());
    files
        .paths()
        .into_iter()
        .map(|p| {
            (
                p.to_string(),
                files.get(p).map(<[u8]>::to_vec).unwrap_or_default(),
            )
        })
        .collect()
}

fn assert_same(step: &str, live: &LiveSite, expected: &BTreeMap<String, Vec<u8>>) {
    let got = served(live);
    let missing: Vec<&String> = expected.keys().filter(|k| !got.contains_key(*k)).collect();
    let extra: Vec<&String> = got.keys().filter(|k| !expected.contains_key(*k)).collect();
    let differ: Vec<&String> = expected
        .iter()
        .filter(|(k, v)| got.get(*k).is_some_and(|g| g != *v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty() && differ.is_empty(),
        "after {step}: missing {missing:?}, extra {extra:?}, different {differ:?}"
    );
}

/// What a rebuild did, in one line.
fn summary(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Changed(c) => format!(
            "{} files changed, {} parsed, {} rendered",
            c.paths.len(),
            c.parsed,
            c.rendered
        ),
        Outcome::Unchanged => String::from("unchanged"),
        Outcome::Failed(e) => format!("failed: {}", e.to_string().lines().next().unwrap_or("")),
    }
}

#[test]
fn random_edit_sequences_match_fresh_builds() {
    for seed in [1u64, 7, 42, 99, 2026, 8080, 31337, 123_456] {
        let site = demo_copy();
        let root = site.path().canonicalize().unwrap_or_else(|e| panic!("{e}"));
        let (mut live, outcome) = LiveSite::new(&root, false, now());
        assert!(matches!(outcome, Outcome::Changed(_)), "{outcome:?}");
        let mut last_good = fresh(&root).unwrap_or_else(|e| panic!("{e}"));
        assert_same("the first build", &live, &last_good);
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        for n in 0..80 {
            let (what, mut touched) = random_edit(&mut rng, &root, n);
            if rng.below(4) == 0 {
                touched.extend(repair(&root));
            }
            if touched.is_empty() {
                continue; // nothing changed, nothing to notice
            }
            let outcome = live.update(&touched, now());
            let step = format!("seed {seed} step {n}: {what}");
            // Shown when the test fails: what each step did before the one that failed.
            eprintln!("{step}: {}", summary(&outcome));
            match fresh(&root) {
                Ok(expected) => {
                    assert!(
                        !matches!(outcome, Outcome::Failed(_)),
                        "{step}: {outcome:?}"
                    );
                    assert_same(&step, &live, &expected);
                    last_good = expected;
                }
                Err(errors) => {
                    assert!(
                        matches!(outcome, Outcome::Failed(_)),
                        "{step}: a fresh build fails ({errors}) but serve did not"
                    );
                    assert_same(
                        &format!("{step} (failed: the last good site stays)"),
                        &live,
                        &last_good,
                    );
                }
            }
        }
    }
}

#[test]
fn editing_one_page_renders_only_what_shows_it() {
    let site = demo_copy();
    let root = site.path().canonicalize().unwrap_or_else(|e| panic!("{e}"));
    let (mut live, first) = LiveSite::new(&root, false, now());
    let Outcome::Changed(first) = first else {
        panic!("{first:?}")
    };
    let page = root.join("content/news/chuang-wen-tui-jin-hui.md");
    write(&page, &(read(&page) + "\n补充一段新的报道内容。\n"));
    let Outcome::Changed(c) = live.update(std::slice::from_ref(&page), now()) else {
        panic!("expected a change")
    };
    assert_eq!(c.parsed, 1, "only the edited file is parsed again");
    assert!(
        c.rendered < 20 && c.rendered * 5 < first.rendered,
        "a text edit renders the page, its neighbours and listings, not the site: {} of {}",
        c.rendered,
        first.rendered
    );
    assert!(
        c.paths
            .contains(&"news/chuang-wen-tui-jin-hui/index.html".to_string()),
        "{:?}",
        c.paths
    );
    assert_same(
        "one edit",
        &live,
        &fresh(&root).unwrap_or_else(|e| panic!("{e}")),
    );

    // Touching a file without changing it changes nothing.
    write(&page, &read(&page));
    assert!(matches!(
        live.update(std::slice::from_ref(&page), now()),
        Outcome::Unchanged
    ));
}

/// Shortcodes: a page gains one, its template is overridden, changed, broken and removed, and
/// the page loses it; after each step the served site is a fresh build's.
#[test]
fn shortcode_edits_match_fresh_builds() {
    let site = demo_copy();
    let root = site.path().canonicalize().unwrap_or_else(|e| panic!("{e}"));
    let (mut live, outcome) = LiveSite::new(&root, false, now());
    assert!(matches!(outcome, Outcome::Changed(_)), "{outcome:?}");
    let page = root.join("content/news/chuang-wen-tui-jin-hui.md");
    let template = root.join("templates/shortcodes/tip.html");
    let original = read(&page);
    let steps: Vec<(&str, &std::path::Path, String)> = vec![
        (
            "a page gains a shortcode",
            &page,
            original.clone()
                + "\n{{< tip title=\"会议提示\" >}}\n请各单位**准时**参会。\n{{< /tip >}}\n",
        ),
        (
            "the site overrides its template",
            &template,
            "<aside class=\"tip\">{{ title }}：{{ body | safe }}</aside>\n".into(),
        ),
        (
            "the template changes",
            &template,
            "<div class=\"tip\" role=\"note\">第{{ nth }}个：{{ body | safe }}</div>\n".into(),
        ),
        (
            "the template breaks",
            &template,
            "<div>{{ missing.field }}{{ body | safe }}</div>\n".into(),
        ),
        (
            "the template is fixed",
            &template,
            "<div class=\"tip\">{{ body | safe }}</div>\n".into(),
        ),
        ("the page loses its shortcode", &page, original.clone()),
    ];
    let mut last_good = fresh(&root).unwrap_or_else(|e| panic!("{e}"));
    let mut failed = 0;
    for (what, path, text) in steps {
        write(path, &text);
        let outcome = live.update(&[path.to_path_buf()], now());
        match fresh(&root) {
            Ok(expected) => {
                assert!(
                    !matches!(outcome, Outcome::Failed(_)),
                    "{what}: {outcome:?}"
                );
                assert_same(what, &live, &expected);
                last_good = expected;
            }
            Err(errors) => {
                assert!(errors.contains("短代码 tip 的模板出错"), "{what}: {errors}");
                assert!(matches!(outcome, Outcome::Failed(_)), "{what}: {outcome:?}");
                assert_same(what, &live, &last_good);
                failed += 1;
            }
        }
    }
    assert_eq!(failed, 1, "only the broken template fails");
    fs::remove_file(&template).unwrap_or_else(|e| panic!("{e}"));
    let outcome = live.update(&[template], now());
    assert!(!matches!(outcome, Outcome::Failed(_)), "{outcome:?}");
    assert_same(
        "the site's template is removed",
        &live,
        &fresh(&root).unwrap_or_else(|e| panic!("{e}")),
    );
}

/// The demo home page counts the days to the 测评 (`days_until`): a serve left running over
/// midnight wakes up at midnight and shows the new count, and an edit made after midnight
/// shows it too, as a fresh build then would.
#[test]
fn the_countdown_changes_at_midnight() {
    let site = demo_copy();
    let root = site.path().canonicalize().unwrap_or_else(|e| panic!("{e}"));
    let (mut live, first) = LiveSite::new(&root, false, now());
    assert!(matches!(first, Outcome::Changed(_)), "{first:?}");
    let midnight = at("2026-11-22 00:00");
    assert_eq!(live.next_due(), Some(midnight));

    let after = at("2026-11-22 00:00:01");
    let outcome = live.republish(after);
    assert!(matches!(outcome, Outcome::Changed(_)), "{outcome:?}");
    let expected = fresh_at(&root, after).unwrap_or_else(|e| panic!("{e}"));
    assert_same("midnight", &live, &expected);
    assert_eq!(live.next_due(), Some(at("2026-11-23 00:00")));

    // An edit two days later, with no wake-up in between: the count moves on with it.
    let later = at("2026-11-24 09:00");
    let page = root.join("content/news/chuang-wen-tui-jin-hui.md");
    write(&page, &(read(&page) + "\n补充一段新的报道内容。\n"));
    let outcome = live.update(std::slice::from_ref(&page), later);
    assert!(matches!(outcome, Outcome::Changed(_)), "{outcome:?}");
    let expected = fresh_at(&root, later).unwrap_or_else(|e| panic!("{e}"));
    assert_same("an edit two days later", &live, &expected);
}

/// A small site of its own templates: the about page links to a news page through
/// `url(path=page.extra.link)`, whose value (`@/news/b.md`) is not in the template's text.
fn linking_site() -> tempfile::TempDir {
    let dir = common::temp();
    let root = dir.path();
    let files = [
        (
            "site.yaml",
            "title: 栖云市文明网\nbase_url: https://wm.example.org\n",
        ),
        ("content/_index.md", "---\ntitle: 首页\n---\n"),
        ("content/news/_index.md", "---\ntitle: 新闻\n---\n"),
        (
            "content/news/a.md",
            "---\ntitle: 新闻甲\ndate: 2026-05-01\n---\n正文甲。\n",
        ),
        (
            "content/news/b.md",
            "---\ntitle: 新闻乙\ndate: 2026-05-02\n---\n正文乙。\n",
        ),
        (
            "content/about.md",
            "---\ntitle: 关于\ntemplate: about.html\nextra:\n  link: \"@/news/b.md\"\n---\n关于。\n",
        ),
        ("templates/page.html", "{{ page.title }}"),
        (
            "templates/about.html",
            "{{ page.title }}|{{ url(path=page.extra.link) }}",
        ),
        ("templates/section.html", "{{ section.title }}"),
        ("templates/index.html", "{{ section.title }}"),
        ("templates/404.html", "404"),
    ];
    for (rel, text) in files {
        write(&root.join(rel), text);
    }
    dir
}

/// A template reaching the site through a variable (`url(path=page.extra.link)`): when the
/// linked page moves, serve renders the linking page again, as a fresh build does.
#[test]
fn a_link_through_a_variable_follows_the_page_it_names() {
    let site = linking_site();
    let root = site.path().canonicalize().unwrap_or_else(|e| panic!("{e}"));
    let (mut live, first) = LiveSite::new(&root, false, now());
    assert!(matches!(first, Outcome::Changed(_)), "{first:?}");
    assert_eq!(
        served(&live).get("about/index.html").map(Vec::as_slice),
        Some("关于|/news/b/".as_bytes())
    );
    let page = root.join("content/news/b.md");
    write(
        &page,
        "---\ntitle: 新闻乙\ndate: 2026-05-02\nslug: yi\n---\n正文乙。\n",
    );
    let outcome = live.update(std::slice::from_ref(&page), now());
    assert!(matches!(outcome, Outcome::Changed(_)), "{outcome:?}");
    assert_eq!(
        served(&live).get("about/index.html").map(Vec::as_slice),
        Some("关于|/news/yi/".as_bytes())
    );
    assert_same(
        "the linked page moved",
        &live,
        &fresh(&root).unwrap_or_else(|e| panic!("{e}")),
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

/// A 公益广告 poster of `static/` replaced by another picture: serve renders the home page
/// again (it shows the poster through `image_set`) and serves its new copies, as a fresh build.
#[test]
fn a_changed_poster_is_served_as_a_fresh_build_shows_it() {
    let site = demo_copy();
    let root = site.path().canonicalize().unwrap_or_else(|e| panic!("{e}"));
    let file = root.join("static/images/poster.jpg");
    fs::write(&file, poster(2000, 1000, 10)).unwrap_or_else(|e| panic!("{e}"));
    let ads = root.join("data/ad.yaml");
    write(
        &ads,
        &(read(&ads)
            + "- image: /images/poster.jpg\n  slogan: 文明餐桌 光盘行动\n  alt: 光盘行动海报\n"),
    );
    let (mut live, first) = LiveSite::new(&root, false, now());
    assert!(matches!(first, Outcome::Changed(_)), "{}", summary(&first));
    assert_same(
        "a poster",
        &live,
        &fresh(&root).unwrap_or_else(|e| panic!("{e}")),
    );
    fs::write(&file, poster(1200, 1200, 200)).unwrap_or_else(|e| panic!("{e}"));
    let Outcome::Changed(c) = live.update(std::slice::from_ref(&file), now()) else {
        panic!("expected a change")
    };
    assert!(c.paths.contains(&"index.html".to_string()), "{:?}", c.paths);
    assert_same(
        "the poster changed",
        &live,
        &fresh(&root).unwrap_or_else(|e| panic!("{e}")),
    );
}
