//! `wenming check`, the editorial gate: one planted case per rule reported exactly (code, file,
//! line, column, message), a clean site with zero findings, the build refusing personal data
//! and unreviewed pages, photos that record where they were taken (check, build and serve),
//! the publish-date manifest, `--external` against a local server, and the `mask` filter.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{fixture, fixture_copy, read, temp, wenming_at};

/// The date every fixture here is written for.
const NOW: &str = "2026-11-21 10:00";

fn path(p: &std::path::Path) -> &str {
    p.to_str().unwrap_or_default()
}

/// Each finding of a JSON report as `file:line:col  level  code  message`.
fn findings(json: &str) -> Vec<String> {
    let list: Vec<serde_json::Value> =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("not JSON ({e}): {json}"));
    list.iter()
        .map(|f| {
            let mut place = f["file"].as_str().unwrap_or_default().to_string();
            if let (Some(l), Some(c)) = (f["line"].as_u64(), f["column"].as_u64()) {
                place = format!("{place}:{l}:{c}");
            }
            format!(
                "{place}  {}  {}  {}",
                f["level"].as_str().unwrap_or_default(),
                f["code"].as_str().unwrap_or_default(),
                f["message"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn every_planted_problem_is_reported_exactly() {
    let root = fixture("check/planted");
    let published = fixture("check/published");
    let args = ["check", "--root", path(&root), "--output", path(&published)];
    let run = wenming_at(NOW, &[&args[..], &["--format", "json"]].concat());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        findings(&run.stdout),
        [
            "content/_index.md:1:1  warning  home-stale  首页最新内容已是 32 天前（2026-10-20 09:00），要求 14 天内更新",
            "content/empty/_index.md:1:1  error  section-empty  栏目“文明曝光台”没有任何内容（空白栏目）",
            "content/news/_index.md:1:1  warning  section-stale  栏目“创文动态”已 51 天未更新（最后更新 2026-10-01 09:00，要求 14 天内）",
            "content/news/backdated.md:3:1  warning  date-backdated  新页面的发布时间 2026-09-01 09:00 比实际发布早 81 天",
            "content/news/broken.md:3:1  error  site-error  front matter 中有未知字段“dat”",
            "content/news/links.md:3:1  error  date-changed  已发布页面的发布时间被修改：原为 2026-09-28 09:00，现为 2026-10-01 09:00",
            "content/news/links.md:7:2  error  link-broken  内部链接 @/rules/tiaoli.md 指向的文件不存在",
            "content/news/links.md:7:26  error  link-anchor  内部链接 @/notices/a.md 中的锚点 #第九条 在该页面中不存在",
            "content/news/links.md:8:1  error  link-broken  链接 /news/old/ 指向的地址不存在",
            "content/news/links.md:8:19  error  link-anchor  页内链接 #活动现埸 在本页中不存在",
            "content/news/links.md:9:1  error  link-broken  图片 photo.png 指向的地址不存在",
            "content/news/links.md:9:1  error  image-alt-missing  图片 photo.png 缺少替代文字（alt）",
            "content/news/links.md:10:5  warning  link-text-vague  链接文字“点击这里”没有说明链接去向",
            "content/news/links.md:12:1  error  image-alt-missing  <img> 缺少 alt 属性",
            "content/news/links.md:16:1  error  link-broken  图片 /images/missing.jpg 指向的地址不存在",
            "content/news/links.md:18:1  error  image-alt-missing  图片 /poster.png 缺少替代文字（alt）",
            "content/news/links.md:20:1  error  link-broken  链接 /videos/xuan-chuan.mp4 指向的地址不存在",
            "content/news/pii.md:5:12  error  pii-id-number  发现未脱敏的身份证号 110105********002X",
            "content/news/pii.md:5:34  error  pii-mobile  发现未脱敏的手机号 138****5678",
            "content/news/pii.md:6:5  error  pii-bank-card  发现未脱敏的银行卡号 6222 **** **** ***0 128",
            "content/news/pii.md:8:10  error  pii-mobile  发现未脱敏的手机号 １３９</span>****\u{200b}５６７８",
            "content/news/pii.md:8:33  error  pii-id-number  发现未脱敏的身份证号 440305 ******** 4566",
            "content/news/terms.md:2:8  error  term-typo  “扫黑险恶”是错别字",
            "content/news/terms.md:5:2  error  term-typo  “警钟常鸣”是错别字",
            "content/news/terms.md:5:9  warning  term-discouraged  “残废人”是不宜使用的说法",
            "content/news/terms.md:5:17  error  term-name  “杜家豪”疑为“杜家毫”的误写",
            "content/news/undated.md:1:1  warning  date-missing  页面“没有日期”没有发布时间 date",
            "content/notices/a.md:6:3  error  waiver-invalid  waive 中的“pii-phone”不是检查规则的代码",
            "content/notices/a.md:10:3  warning  review-after-publish  终审时间 2026-10-21 10:00 晚于发布时间 2026-10-20 09:00，违反先审后发",
            "data/volunteers.csv:2:4  error  pii-id-number  发现未脱敏的身份证号 440304********5674",
            "site.yaml  warning  footer-missing  页脚缺少“ICP 备案号”（footer.icp）",
        ]
    );

    // The same findings as text, grouped by file, each with its suggestion, then a summary.
    let text = wenming_at(NOW, &args);
    assert_eq!(text.code, 1);
    assert!(text.stdout.contains(
        "\n\ncontent/news/pii.md:5:12  错误  pii-id-number  发现未脱敏的身份证号 110105********002X  (改为 110105********002X（模板中可用 mask 过滤器）；确需公开，请在 waive 中写明 pii-id-number 的理由)\n\
content/news/pii.md:5:34  错误  pii-mobile  "
    ), "{}", text.stdout);
    assert!(
        text.stdout.contains("\n\nsite.yaml  警告  footer-missing  页脚缺少“ICP 备案号”（footer.icp）  (在 site.yaml 的 footer 中填写，例如 icp: 示ICP备00000000号-1)\n\n"),
        "{}",
        text.stdout
    );
    // A shortcode's URL arguments are links, at the call's place in the file.
    assert!(
        text.stdout.contains("\ncontent/news/links.md:18:1  错误  image-alt-missing  图片 /poster.png 缺少替代文字（alt）  (在 alt 中写明图片内容，例如 {{< figure src=\"/poster.png\" alt=\"志愿者在社区清扫街道\" >}})\n"),
        "{}",
        text.stdout
    );
    // A missing image is explained as a file path, a missing page as an `@/` link.
    assert!(
        text.stdout.contains("\ncontent/news/links.md:9:1  错误  link-broken  图片 photo.png 指向的地址不存在  (检查文件名和路径：static/ 下的图片从 static/ 算起写成 /images/a.jpg，与页面放在同一目录（页面包）的图片直接写文件名)\n"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("\ncontent/news/links.md:8:1  错误  link-broken  链接 /news/old/ 指向的地址不存在  (检查网址拼写；站内页面建议写成 @/ 加 content/ 下的文件路径，例如 @/news/a.md，改名后也不会断)\n"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.ends_with("\n检查完成：23 个错误，8 个警告，涉及 12 个文件；共检查 6 个页面、4 个栏目、3 个数据文件。\n"),
        "{}",
        text.stdout
    );
}

#[test]
fn clean_site_with_wrong_checksum_numbers_has_zero_findings() {
    // It contains an 18-digit number whose GB 11643 check digit is wrong, a 16-digit number
    // that fails Luhn, typos inside code and a URL, a mobile number waived in site.yaml, and a
    // figure shortcode whose `src` is a file of its page bundle.
    let root = fixture("check/clean");
    let run = wenming_at(NOW, &["check", "--root", path(&root)]);
    assert_eq!(
        run.stdout,
        "检查完成：没有发现问题；共检查 3 个页面、3 个栏目、1 个数据文件。\n"
    );
    assert_eq!(run.code, 0);
    let json = wenming_at(NOW, &["check", "--root", path(&root), "--format", "json"]);
    assert_eq!(json.stdout, "[]\n");
}

#[test]
fn warnings_fail_only_with_strict() {
    // A month later the clean site's columns are stale: warnings only.
    let root = fixture("check/clean");
    let later = "2026-12-31 10:00";
    let run = wenming_at(later, &["check", "--root", path(&root)]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.ends_with("检查完成：0 个错误，3 个警告，涉及 3 个文件；共检查 3 个页面、3 个栏目、1 个数据文件。\n"),
        "{}",
        run.stdout
    );
    let strict = wenming_at(later, &["check", "--root", path(&root), "--strict"]);
    assert_eq!(strict.code, 1);
}

#[test]
fn bad_command_line_exits_with_2() {
    assert_eq!(common::wenming(&["check", "--format", "xml"]).code, 2);
    let run = wenming_at("2026-02-30", &["check"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "错误：环境变量 WENMING_NOW 的日期“2026-02-30”无效：2026年2月没有30日\n"
    );
}

#[test]
fn build_refuses_personal_data_and_unreviewed_pages_and_reports_every_one() {
    let root = fixture("check/review");
    let check = wenming_at(NOW, &["check", "--root", path(&root), "--format", "json"]);
    assert_eq!(
        findings(&check.stdout),
        [
            "content/news/none.md:1:1  error  review-missing  页面“没有审核”未完成三审，缺少初审、复审、终审，不能发布",
            "content/news/none.md:5:7  error  pii-mobile  发现未脱敏的手机号 138****5678",
            "content/news/partly.md:4:1  error  review-missing  页面“缺少终审”未完成三审，缺少终审，不能发布",
            "data/payees.csv:2:4  error  pii-bank-card  发现未脱敏的银行卡号 6222***********0128",
        ]
    );
    let out = temp();
    let run = wenming_at(
        NOW,
        &["build", "--root", path(&root), "--output", path(out.path())],
    );
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "错误：content/news/none.md:1:1: 页面“没有审核”未完成三审，缺少初审、复审、终审，不能发布 [review-missing]
    提示：例如 review: {初审: {by: 王芳, date: 2026-03-05 09:00, opinion: 同意}, 复审: {…}, 终审: {…}}
错误：content/news/none.md:5:7: 发现未脱敏的手机号 138****5678 [pii-mobile]
    提示：改为 138****5678（模板中可用 mask 过滤器）；确需公开，请在 waive 中写明 pii-mobile 的理由
错误：content/news/partly.md:4:1: 页面“缺少终审”未完成三审，缺少终审，不能发布 [review-missing]
    提示：例如 review: {初审: {by: 王芳, date: 2026-03-05 09:00, opinion: 同意}, 复审: {…}, 终审: {…}}
错误：data/payees.csv:2:4: 发现未脱敏的银行卡号 6222***********0128 [pii-bank-card]
    提示：改为 6222***********0128（模板中可用 mask 过滤器）；确需公开，请在 waive 中写明 pii-bank-card 的理由
构建失败：共 4 个错误，输出目录保持不变。
"
    );
    assert_eq!(common::files(out.path()), Vec::<String>::new());
}

#[test]
fn pages_show_the_first_reviewer_as_editor_and_mask_personal_data() {
    let out = temp();
    let root = fixture("check/clean");
    let run = wenming_at(
        NOW,
        &["build", "--root", path(&root), "--output", path(out.path())],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert_eq!(
        read(out.path(), "news/a/index.html"),
        "学雷锋志愿服务活动|王芳|110105********002X|137****5678\n"
    );
    // The default theme shows the 责任编辑 taken from the review trail.
    let demo = temp();
    let run = common::build_demo(demo.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(demo.path(), "stories/dong-ye-nuan-xin-yi-zhan/index.html");
    assert!(page.contains("<span>责任编辑：林一舟</span>"), "{page}");
}

#[test]
fn the_demo_site_passes_the_check() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = temp();
    let run = wenming_at(
        common::DEMO_NOW,
        &["check", "--root", root, "--output", path(out.path())],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.starts_with("检查完成：没有发现问题"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_changed_publish_date_is_refused_until_it_is_put_back() {
    let site = fixture_copy("check/clean");
    let out = temp();
    let build = || {
        wenming_at(
            NOW,
            &[
                "build",
                "--root",
                path(site.path()),
                "--output",
                path(out.path()),
            ],
        )
    };
    assert_eq!(build().code, 0);
    assert_eq!(
        read(site.path(), ".wenming/manifest.json"),
        r#"{
  "pages": {
    "/news/a/": {
      "date": "2026-11-18T09:30:00+08:00",
      "source": "content/news/a.md"
    },
    "/news/bundle/": {
      "date": "2026-11-10T00:00:00+08:00",
      "source": "content/news/bundle/index.md"
    },
    "/rules/tiaoli/": {
      "date": "2026-06-01T00:00:00+08:00",
      "source": "content/rules/tiaoli.md"
    }
  }
}
"#
    );
    let page = site.path().join("content/news/a.md");
    let original = read(site.path(), "content/news/a.md");
    let edit = |from: &str, to: &str| {
        std::fs::write(&page, original.replace(from, to)).unwrap_or_else(|e| panic!("{e}"));
    };

    edit("date: 2026-11-18 09:30", "date: 2026-11-20 08:00");
    let run = build();
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "错误：content/news/a.md:3:1: 已发布页面的发布时间被修改：原为 2026-11-18 09:30，现为 2026-11-20 08:00 [date-changed]
    提示：把 date 改回 2026-11-18 09:30，修改时间写在 updated 中；确属更正错误，请在 waive 中写明 date-changed 的理由
构建失败：共 1 个错误，输出目录保持不变。
"
    );
    let check = wenming_at(
        NOW,
        &[
            "check",
            "--root",
            path(site.path()),
            "--output",
            path(out.path()),
            "--format",
            "json",
        ],
    );
    assert_eq!(
        findings(&check.stdout),
        [
            "content/news/a.md:3:1  error  date-changed  已发布页面的发布时间被修改：原为 2026-11-18 09:30，现为 2026-11-20 08:00"
        ]
    );

    // The change goes into `updated:`, the publish date stays.
    edit(
        "date: 2026-11-18 09:30",
        "date: 2026-11-18 09:30\nupdated: 2026-11-20 08:00",
    );
    let run = build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");

    // A correction with a recorded reason is accepted and recorded.
    edit(
        "date: 2026-11-18 09:30",
        "date: 2026-11-18 10:00\nwaive: {date-changed: 原稿录入的发布时间有误，经终审同意更正}",
    );
    assert_eq!(build().code, 0);
    assert!(
        read(site.path(), ".wenming/manifest.json")
            .contains("\"date\": \"2026-11-18T10:00:00+08:00\"")
    );

    // A new page dated far in the past is published with a warning.
    std::fs::write(
        site.path().join("content/news/old.md"),
        "---\ntitle: 旧稿\ndate: 2026-10-01 09:00\n---\n正文。\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let run = build();
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stderr,
        "警告：content/news/old.md:3:1: 新页面的发布时间 2026-10-01 09:00 比实际发布早 51 天 [date-backdated]
    提示：发布时间应为实际发布的时间；补发旧稿请在正文中说明（可在 site.yaml 的 check.backdate_days 调整，当前 7 天）
"
    );
}

/// What `pii-location` says about every photo (the place is never printed).
const LOCATION: &str =
    "图片含有拍摄地点（GPS 坐标）：构建时会自动删除，但原图转发给别人仍会泄露拍摄位置";
const LOCATION_HINT: &str = "删除照片中的位置信息后再放入网站：Windows 电脑上右键文件，选“属性→详细信息→删除属性和个人信息”；iPhone 在“照片”中点“分享”，点上方的“选项”，关闭“位置”后再发送或存储；安卓手机在相册中打开照片，点“详情”，删除位置信息。确需公开拍摄地点，请在 site.yaml 的 check.waive 中为这个文件写明 pii-location 的理由";

/// A site last built when the manifest was `wenming-manifest.json` in the output: that copy
/// still guards the publish dates, and the next good build moves it to `.wenming/` and takes
/// it out of the web root.
#[test]
fn the_manifest_in_an_old_output_is_read_then_moved_out_of_the_web_root() {
    let site = fixture_copy("check/clean");
    let out = temp();
    let build = || {
        let args = [
            "build",
            "--root",
            path(site.path()),
            "--output",
            path(out.path()),
        ];
        wenming_at(NOW, &args)
    };
    assert_eq!(build().code, 0);
    let recorded = read(site.path(), ".wenming/manifest.json");
    assert!(!out.path().join("wenming-manifest.json").exists());
    // As an older wenming left it: the manifest in the output, no state folder.
    std::fs::remove_dir_all(site.path().join(".wenming")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(out.path().join("wenming-manifest.json"), &recorded)
        .unwrap_or_else(|e| panic!("{e}"));

    let page = site.path().join("content/news/a.md");
    let original = read(site.path(), "content/news/a.md");
    let moved = original.replace("date: 2026-11-18 09:30", "date: 2026-11-20 08:00");
    std::fs::write(&page, moved).unwrap_or_else(|e| panic!("{e}"));
    let run = build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("[date-changed]"), "{}", run.stderr);
    assert_eq!(read(out.path(), "wenming-manifest.json"), recorded);

    std::fs::write(&page, &original).unwrap_or_else(|e| panic!("{e}"));
    let run = build();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!out.path().join("wenming-manifest.json").exists());
    assert_eq!(read(site.path(), ".wenming/manifest.json"), recorded);
}

#[test]
fn photos_that_record_where_they_were_taken_are_reported_by_file() {
    // Made by tests/fixtures/check/location/make_images.py: a GPS position in a JPEG, PNG,
    // WebP and HEIC of static/ and in a bundle's JPEG; the same in a waived `.JPG` and in a
    // draft's bundle; no position, a GPS block without a fix, no Exif, a cut file and a text
    // named `.jpg`, none of which is reported.
    let root = fixture("check/location");
    let reported = [
        "content/stories/lou-dao/photo.jpg",
        "static/images/ban-hui.png",
        "static/images/hui-yi.jpg",
        "static/images/jie-dao.webp",
        "static/images/xiao-yuan.heic",
    ];
    let text = wenming_at(NOW, &["check", "--root", path(&root)]);
    let lines: Vec<String> = reported
        .iter()
        .map(|file| format!("{file}  警告  pii-location  {LOCATION}  ({LOCATION_HINT})\n\n"))
        .collect();
    assert_eq!(
        (text.code, text.stdout),
        (
            0,
            lines.concat()
                + "检查完成：0 个错误，5 个警告，涉及 5 个文件；共检查 1 个页面、2 个栏目、0 个数据文件。\n"
        )
    );
    // JSON names the same files, and never the place either.
    let json = wenming_at(NOW, &["check", "--root", path(&root), "--format", "json"]);
    let expected = reported.map(|file| format!("{file}  warning  pii-location  {LOCATION}"));
    assert_eq!(findings(&json.stdout), expected);
    assert!(
        !json.stdout.contains("30") && !json.stdout.contains("120"),
        "{}",
        json.stdout
    );
}

/// The `check/location` fixture without the photos wenming cannot publish (a HEIC with a
/// position, a cut file, a text named `.jpg`: see tests/images.rs), and a JPEG without a
/// position and one with.
fn publishable() -> (tempfile::TempDir, Vec<u8>) {
    let site = fixture_copy("check/location");
    let images = site.path().join("static/images");
    let located = std::fs::read(images.join("hui-yi.jpg")).unwrap_or_else(|e| panic!("{e}"));
    for name in ["xiao-yuan.heic", "truncated.jpg", "garbage.jpg"] {
        std::fs::remove_file(images.join(name)).unwrap_or_else(|e| panic!("{e}"));
    }
    (site, located)
}

fn located(bytes: &[u8]) -> bool {
    wenming::media::location::has_location(&mut std::io::Cursor::new(bytes))
}

#[test]
fn build_publishes_photos_with_a_location_without_it_and_warns() {
    let (site, _) = publishable();
    let out = temp();
    let args = [
        "build",
        "--root",
        path(site.path()),
        "--output",
        path(out.path()),
    ];
    let run = wenming_at(NOW, &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for file in [
        "content/stories/lou-dao/photo.jpg",
        "static/images/ban-hui.png",
        "static/images/hui-yi.jpg",
        "static/images/jie-dao.webp",
    ] {
        let warning =
            format!("警告：{file}: {LOCATION} [pii-location]\n    提示：{LOCATION_HINT}\n");
        assert!(run.stderr.contains(&warning), "{file}: {}", run.stderr);
    }
    // The waived `.JPG` is published without its position too.
    assert!(
        run.stdout
            .contains("已删除 5 张照片中的拍摄地点（GPS 坐标）"),
        "{}",
        run.stdout
    );
    for file in [
        "stories/lou-dao/photo.jpg",
        "images/ban-hui.png",
        "images/hui-yi.jpg",
        "images/jie-dao.webp",
        "images/GUANG-CHANG.JPG",
    ] {
        let bytes = std::fs::read(out.path().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(!located(&bytes), "{file}");
    }
}

#[test]
fn serve_publishes_a_saved_photo_without_its_location() {
    use wenming::serve::incremental::{LiveSite, Outcome};
    let (site, located_photo) = publishable();
    let images = site.path().join("static/images");
    let now = wenming::text::dates::parse(NOW)
        .map(|d| d.timestamp())
        .unwrap_or_else(|e| panic!("{e}"));
    let (mut live, outcome) = LiveSite::new(site.path(), false, now);
    assert!(matches!(outcome, Outcome::Changed(_)), "{outcome:?}");
    let saved = images.join("jie-dao/hui-yi.jpg");
    std::fs::create_dir_all(images.join("jie-dao")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&saved, &located_photo).unwrap_or_else(|e| panic!("{e}"));
    let outcome = live.update(std::slice::from_ref(&saved), now);
    assert!(matches!(outcome, Outcome::Changed(_)), "{outcome:?}");
    let files = live.files();
    let files = files.read().unwrap_or_else(|e| e.into_inner());
    let served = files
        .get("images/jie-dao/hui-yi.jpg")
        .unwrap_or_else(|| panic!("not served"));
    assert!(served.len() < located_photo.len());
    assert!(!located(served));
}

/// A local web server for `--external`: `/ok` 200, `/gone` 404, `/nohead` 405 to HEAD and
/// 200 to GET, `/slow` answers after 3 s. Counts requests per path and the most requests in
/// flight at once. Stops when dropped, or after 60 s.
struct LinkServer {
    port: u16,
    stop: Arc<AtomicBool>,
    requests: Arc<Mutex<Vec<String>>>,
    max_in_flight: Arc<AtomicUsize>,
}

impl LinkServer {
    fn start() -> LinkServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
        listener
            .set_nonblocking(true)
            .unwrap_or_else(|e| panic!("{e}"));
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let in_flight = Arc::new(AtomicUsize::new(0));
        let max_in_flight = Arc::new(AtomicUsize::new(0));
        let (s, r, i, m) = (
            stop.clone(),
            requests.clone(),
            in_flight,
            max_in_flight.clone(),
        );
        std::thread::spawn(move || {
            let started = Instant::now();
            while !s.load(Ordering::SeqCst) && started.elapsed() < Duration::from_secs(60) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (r, i, m) = (r.clone(), i.clone(), m.clone());
                        std::thread::spawn(move || answer(stream, &r, &i, &m));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        LinkServer {
            port,
            stop,
            requests,
            max_in_flight,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn count(&self, request: &str) -> usize {
        let requests = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        requests.iter().filter(|r| *r == request).count()
    }
}

impl Drop for LinkServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn answer(
    stream: TcpStream,
    requests: &Mutex<Vec<String>>,
    in_flight: &AtomicUsize,
    max: &AtomicUsize,
) {
    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    max.fetch_max(now, Ordering::SeqCst);
    let _ = stream.set_nonblocking(false);
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    let _ = reader.read_line(&mut request_line);
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    requests
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(format!("{method} {target}"));
    let status = match (method, target) {
        (_, "/ok") => "200 OK",
        (_, "/gone") => "404 Not Found",
        ("HEAD", "/nohead") => "405 Method Not Allowed",
        (_, "/nohead") => "200 OK",
        (_, "/slow") => {
            std::thread::sleep(Duration::from_secs(3));
            "200 OK"
        }
        _ => "404 Not Found",
    };
    in_flight.fetch_sub(1, Ordering::SeqCst);
    let mut stream = &stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
}

#[test]
fn external_links_are_checked_concurrently_with_a_per_host_limit_timeouts_and_a_cache() {
    let server = LinkServer::start();
    let site = temp();
    let write = |file: &str, text: String| {
        let p = site.path().join(file);
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(p, text).unwrap_or_else(|e| panic!("{e}"));
    };
    write(
        "site.yaml",
        "title: 外链测试\nbase_url: https://wm.example.gov.cn\nfooter: {sponsor: 主办, contact: 联系, icp: 备案, police_record: 公安备案}\ncheck:\n  external: {concurrency: 4, per_host: 1, timeout: 1, cache: cache/links.json}\n".into(),
    );
    write("content/_index.md", "---\ntitle: 首页\n---\n".into());
    write(
        "content/links.md",
        format!(
            "---\ntitle: 外部链接\ndate: 2026-11-20\n---\n[正常]({})\n[已删除]({})\n[拒绝 HEAD]({})\n[很慢]({})\n[本站](https://wm.example.gov.cn/links/)\n",
            server.url("/ok"),
            server.url("/gone"),
            server.url("/nohead"),
            server.url("/slow"),
        ),
    );
    let offline_args = ["check", "--root", path(site.path()), "--format", "json"];
    let args = [&offline_args[..], &["--external"]].concat();

    // Without --external nothing is fetched.
    let offline = wenming_at(NOW, &offline_args);
    assert_eq!(offline.code, 0, "{}", offline.stdout);
    assert_eq!(server.requests.lock().map(|r| r.len()).unwrap_or(99), 0);

    let run = wenming_at(NOW, &args);
    assert_eq!(run.code, 1);
    assert_eq!(
        findings(&run.stdout),
        [
            format!(
                "content/links.md:6:1  error  external-broken  外部链接 {} 返回 HTTP 404",
                server.url("/gone")
            ),
            format!(
                "content/links.md:8:1  warning  external-unreachable  外部链接 {} 无法访问：超过 1 秒没有响应",
                server.url("/slow")
            ),
        ]
    );
    assert_eq!(
        server.max_in_flight.load(Ordering::SeqCst),
        1,
        "one request at a time to one host"
    );
    assert_eq!(server.count("HEAD /nohead"), 1);
    assert_eq!(
        server.count("GET /nohead"),
        1,
        "a server refusing HEAD gets a GET"
    );
    let cache = read(site.path(), "cache/links.json");
    assert!(
        cache.contains(&format!(
            "\"{}\": {{\n      \"status\": 404,",
            server.url("/gone")
        )),
        "{cache}"
    );

    // Answers are cached; what timed out is tried again.
    let again = wenming_at(NOW, &args);
    assert_eq!(findings(&again.stdout), findings(&run.stdout));
    assert_eq!(server.count("HEAD /ok"), 1);
    assert_eq!(server.count("HEAD /gone"), 1);
    assert_eq!(server.count("HEAD /slow"), 2);
}
