//! Photos a site publishes: resized into fingerprinted copies named in `srcset`, turned upright,
//! without their Exif (GPS) metadata, cached between builds, and bad files reported together.
//! The photos are made here with `image`, and their Exif block (orientation, GPS) by hand.

mod common;

use std::path::Path;

use common::exif::exif_segment;
use common::{files, wenming_at};
use image::{ImageEncoder, RgbImage};

const NOW: &str = "2026-11-21 10:00";

/// A `width`×`height` JPEG of a gradient (a photo's worth of detail), with `exif` after SOI.
fn jpeg(width: u32, height: u32, exif: Option<Vec<u8>>) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x * 255 / width) as u8,
            (y * 255 / height) as u8,
            ((x ^ y) & 0xff) as u8,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92)
        .write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgb8)
        .unwrap_or_else(|e| panic!("{e}"));
    match exif {
        Some(segment) => [&out[..2], &segment, &out[2..]].concat(),
        None => out,
    }
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap_or(root)).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{rel}: {e}"));
}

fn site(photo_page: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = dir.path();
    write(
        root,
        "site.yaml",
        b"title: \xe6\xa0\x96\xe4\xba\x91\xe6\x96\x87\xe6\x98\x8e\xe7\xbd\x91\nbase_url: https://wenming.qiyun.example.gov.cn\n",
    );
    write(
        root,
        "content/_index.md",
        "---\ntitle: 首页\n---\n".as_bytes(),
    );
    write(
        root,
        "content/stories/_index.md",
        "---\ntitle: 志愿服务\nkind: story\n---\n".as_bytes(),
    );
    write(root, "content/stories/a/index.md", photo_page.as_bytes());
    dir
}

fn build(root: &Path, out: &Path) -> common::Run {
    wenming_at(
        NOW,
        &[
            "build",
            "--root",
            root.to_str().unwrap_or_default(),
            "--output",
            out.to_str().unwrap_or_default(),
        ],
    )
}

fn has_location(bytes: &[u8]) -> bool {
    wenming::media::location::has_location(&mut std::io::Cursor::new(bytes))
}

/// The summary line about photos in a build's output.
fn photo_line(stdout: &str) -> &str {
    stdout
        .lines()
        .find(|l| l.starts_with("照片"))
        .unwrap_or_default()
}

#[test]
fn photos_are_resized_turned_upright_stripped_and_cached() {
    let page = "---\ntitle: 河边清理\ndate: 2026-11-01\ncover: photo.jpg\n---\n\n![志愿者在河边清理垃圾](photo.jpg)\n\n![小图](/images/small.jpg)\n";
    let site = site(page);
    let root = site.path();
    // Stored sideways (2000×1500) with orientation 6: upright it is 1500×2000.
    let photo = jpeg(2000, 1500, Some(exif_segment(6)));
    write(root, "content/stories/a/photo.jpg", &photo);
    let small = jpeg(300, 200, Some(exif_segment(1)));
    write(root, "static/images/small.jpg", &small);
    let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));

    let run = build(root, out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        photo_line(&run.stdout),
        "照片 2 张：新处理 2 张，其余取自缓存 .wenming/images/；已删除 2 张照片中的拍摄地点（GPS 坐标）"
    );
    // `check`'s rule stays, as a warning, so that editors learn.
    assert!(
        run.stderr.contains("警告：content/stories/a/photo.jpg: 图片含有拍摄地点（GPS 坐标）：构建时会自动删除，但原图转发给别人仍会泄露拍摄位置 [pii-location]"),
        "{}",
        run.stderr
    );

    let all = files(out.path());
    let named = |prefix: &str| -> String {
        all.iter()
            .find(|f| f.starts_with(prefix) && f.ends_with(".jpg") && !f.ends_with(".gz"))
            .unwrap_or_else(|| panic!("no {prefix}*: {all:?}"))
            .clone()
    };
    let hash = named("stories/a/photo.480.")
        .trim_start_matches("stories/a/photo.480.")
        .trim_end_matches(".jpg")
        .to_string();
    assert!(
        hash.len() == 8 && hash.chars().all(|c| c.is_ascii_hexdigit()),
        "{hash}"
    );
    let small_hash = named("images/small.300.")
        .trim_start_matches("images/small.300.")
        .trim_end_matches(".jpg")
        .to_string();
    let html = std::fs::read_to_string(out.path().join("stories/a/index.html"))
        .unwrap_or_else(|e| panic!("{e}"));
    let expected = format!(
        "<p><img src=\"photo.960.{hash}.jpg\" alt=\"志愿者在河边清理垃圾\" srcset=\"photo.480.{hash}.jpg 480w, photo.960.{hash}.jpg 960w, photo.1500.{hash}.jpg 1500w\" sizes=\"(max-width: 42rem) 100vw, 42rem\" width=\"960\" height=\"1280\" loading=\"lazy\" decoding=\"async\"></p>\n\
         <p><img src=\"/images/small.300.{small_hash}.jpg\" alt=\"小图\" srcset=\"/images/small.300.{small_hash}.jpg 300w\" sizes=\"(max-width: 42rem) 100vw, 42rem\" width=\"300\" height=\"200\" loading=\"lazy\" decoding=\"async\"></p>"
    );
    assert!(html.contains(&expected), "{html}");
    // The cover's thumbnails, cropped: 4:3 in the section's list, 16:9 on the home page.
    let list = std::fs::read_to_string(out.path().join("stories/index.html"))
        .unwrap_or_else(|e| panic!("{e}"));
    let thumbnail = format!(
        "<img class=\"page-list-cover\" src=\"/stories/a/photo.320x240.{hash}.jpg\" srcset=\"/stories/a/photo.160x120.{hash}.jpg 160w, /stories/a/photo.320x240.{hash}.jpg 320w\" sizes=\"6.5rem\" alt=\"\" width=\"160\" height=\"120\" loading=\"lazy\" decoding=\"async\">"
    );
    assert!(list.contains(&thumbnail), "{list}");
    let home =
        std::fs::read_to_string(out.path().join("index.html")).unwrap_or_else(|e| panic!("{e}"));
    let feature = format!(
        "<img class=\"feature-cover\" src=\"/stories/a/photo.640x360.{hash}.jpg\" srcset=\"/stories/a/photo.640x360.{hash}.jpg 640w, /stories/a/photo.1280x720.{hash}.jpg 1280w\" sizes=\"(max-width: 40rem) 100vw, 40rem\" alt=\"\" width=\"640\" height=\"360\" decoding=\"async\">"
    );
    assert!(home.contains(&feature), "{home}");

    // Every copy has the size its name says, upright, and no Exif at all.
    let read =
        |rel: &str| std::fs::read(out.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    for (name, size) in [
        (format!("stories/a/photo.480.{hash}.jpg"), (480, 640)),
        (format!("stories/a/photo.960.{hash}.jpg"), (960, 1280)),
        (format!("stories/a/photo.1500.{hash}.jpg"), (1500, 2000)),
        (format!("stories/a/photo.160x120.{hash}.jpg"), (160, 120)),
        (format!("stories/a/photo.320x240.{hash}.jpg"), (320, 240)),
        (format!("stories/a/photo.640x360.{hash}.jpg"), (640, 360)),
        (format!("stories/a/photo.1280x720.{hash}.jpg"), (1280, 720)),
        ("stories/a/photo.jpg".to_string(), (1500, 2000)),
        (format!("images/small.300.{small_hash}.jpg"), (300, 200)),
        ("images/small.jpg".to_string(), (300, 200)),
    ] {
        let bytes = read(&name);
        let decoded = image::load_from_memory(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((decoded.width(), decoded.height()), size, "{name}");
        assert!(!has_location(&bytes), "{name}");
        assert!(!bytes.windows(4).any(|w| w == b"Exif"), "{name}");
    }
    // Turned a quarter clockwise (orientation 6): the stored top-left corner (red 0, green 0)
    // is now top-right, the stored bottom-left (green 255) top-left.
    let upright = image::load_from_memory(&read(&format!("stories/a/photo.480.{hash}.jpg")))
        .unwrap_or_else(|e| panic!("{e}"))
        .to_rgb8();
    let [r, g, _] = upright.get_pixel(3, 3).0;
    assert!(r < 40 && g > 215, "top-left {r} {g}");
    let [r, g, _] = upright.get_pixel(476, 3).0;
    assert!(r < 40 && g < 40, "top-right {r} {g}");
    // Smaller than the source; the small photo is the same pixels without its Exif block.
    assert!(read(&format!("stories/a/photo.960.{hash}.jpg")).len() < photo.len());
    let stripped = read("images/small.jpg");
    assert_eq!(stripped.len(), small.len() - exif_segment(1).len());
    assert_eq!(
        read(&format!("images/small.300.{small_hash}.jpg")),
        stripped
    );

    // An unchanged rebuild reads the copies from the cache: nothing is decoded or written again.
    let cache = root.join(".wenming/images");
    let mtimes = || -> Vec<(String, std::time::SystemTime)> {
        let mut v: Vec<_> = std::fs::read_dir(&cache)
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(Result::ok)
            // The record of photo plans (`plans.json`) is not a copy.
            .filter(|e| e.file_name() != "plans.json")
            .filter_map(|e| {
                Some((
                    e.file_name().to_string_lossy().into_owned(),
                    e.metadata().ok()?.modified().ok()?,
                ))
            })
            .collect();
        v.sort();
        v
    };
    let before = mtimes();
    // Seven copies of the photo (three widths, four thumbnails) and the small one without Exif.
    assert_eq!(before.len(), 8, "{before:?}");
    let again = build(root, out.path());
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(
        photo_line(&again.stdout),
        "照片 2 张：新处理 0 张，其余取自缓存 .wenming/images/；已删除 2 张照片中的拍摄地点（GPS 坐标）"
    );
    assert_eq!(mtimes(), before);
    // The cache is safe to delete: the next build makes it again, the same.
    std::fs::remove_dir_all(&cache).unwrap_or_else(|e| panic!("{e}"));
    let fresh = build(root, out.path());
    assert!(
        photo_line(&fresh.stdout).contains("新处理 2 张"),
        "{}",
        fresh.stdout
    );
    assert_eq!(files(out.path()), all);
}

#[test]
fn bad_photos_are_reported_together_naming_the_pages_that_show_them() {
    let page = "---\ntitle: 河边清理\ndate: 2026-11-01\n---\n\n![截断](cut.jpg)\n\n![炸弹](/images/bomb.png)\n";
    let site = site(page);
    let root = site.path();
    let whole = jpeg(800, 600, None);
    write(root, "content/stories/a/cut.jpg", &whole[..whole.len() / 2]);
    // A PNG whose header claims 20000×20000 pixels (400 megapixels).
    let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    bomb.extend_from_slice(&20000u32.to_be_bytes());
    bomb.extend_from_slice(&20000u32.to_be_bytes());
    bomb.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    write(root, "static/images/bomb.png", &bomb);
    write(root, "static/images/notes.jpg", "这不是图片".as_bytes());
    let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));

    let run = build(root, out.path());
    assert_eq!(run.code, 1);
    assert_eq!(
        common::errors_only(&run.stderr),
        "错误：content/stories/a/cut.jpg: 图片已损坏，无法解码：文件不完整或结构错误（显示它的页面：content/stories/a/index.md）\n    \
         提示：文件可能没有传完整：重新从相机或手机导出这张照片\n\
         错误：static/images/bomb.png: 图片尺寸过大（20000×20000 像素，超过 10000 万像素）（显示它的页面：content/stories/a/index.md）\n    \
         提示：把照片缩小到 4000 像素宽以内后再放入网站；如果文件来路不明，请删除它\n\
         错误：static/images/notes.jpg: 文件不是能识别的图片（网站支持 JPEG、PNG 和 WebP 照片）\n    \
         提示：用相册或画图软件把它另存为 JPEG 或 PNG，并使用 .jpg 或 .png 扩展名\n\
         构建失败：共 3 个错误，输出目录保持不变。\n"
    );
    assert!(files(out.path()).is_empty());
}

#[test]
fn image_settings_are_checked_and_change_the_copies() {
    let page = "---\ntitle: 河边清理\ndate: 2026-11-01\n---\n\n![河边](photo.jpg)\n";
    let site = site(page);
    let root = site.path();
    write(root, "content/stories/a/photo.jpg", &jpeg(1000, 750, None));
    let yaml = |images: &str| {
        write(
            root,
            "site.yaml",
            format!("title: 栖云文明网\nbase_url: https://wenming.qiyun.example.gov.cn\nimages: {images}\n").as_bytes(),
        );
    };
    let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    yaml("\n  widths: [0, 640]\n  quality: 101\n  format: webp");
    let run = build(root, out.path());
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (
            1,
            "错误：site.yaml:4:3: images.widths 应该是 16 到 8192 之间的像素宽度列表\n    \
             提示：例如 widths: [480, 960, 1600]\n\
             错误：site.yaml:5:3: images.quality 应该是 1 到 100 之间的整数\n    \
             提示：照片一般用 75 到 85，默认 80\n\
             错误：site.yaml:6:3: images.format“webp”无效：只能是 auto 或 jpeg\n    \
             提示：auto：JPEG 仍为 JPEG，PNG 仍为 PNG；jpeg：不透明的 PNG 照片也转为 JPEG\n\
             构建失败：共 3 个错误，输出目录保持不变。\n"
        )
    );
    yaml("{widths: [640, 320], quality: 70}");
    let run = build(root, out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(out.path().join("stories/a/index.html"))
        .unwrap_or_else(|e| panic!("{e}"));
    let copies: Vec<String> = files(out.path())
        .into_iter()
        .filter(|f| f.starts_with("stories/a/photo.") && !f.ends_with(".gz") && !f.ends_with(".br"))
        .collect();
    // The 320 and 640 px copies (sorted) and the photo under its own name (the 640 px copy,
    // as the photo is wider than the widest); no 1000 px copy.
    assert_eq!(copies.len(), 3, "{copies:?}");
    assert!(html.contains(" 320w, "), "{html}");
    assert!(html.contains(" 640w\""), "{html}");
}

#[test]
fn a_shared_link_shows_the_covers_copy_under_the_sites_base_path() {
    // WeChat shows `og:image` beside a forwarded link: a page with a cover photo shares its
    // 960 px copy (not the 4000 px original), a page with any other cover shares that, and a
    // page without one the site's `share_image`; every URL absolute, the base path once.
    let page = "---\ntitle: 河边清理\ndate: 2026-11-01\ncover: photo.jpg\n---\n\n正文。\n";
    let site = site(page);
    let root = site.path();
    write(
        root,
        "site.yaml",
        "title: 栖云文明网\nbase_url: https://wenming.qiyun.example.gov.cn/wm/\nshare_image: /images/share.jpg\n".as_bytes(),
    );
    write(root, "content/stories/a/photo.jpg", &jpeg(2000, 1500, None));
    write(
        root,
        "content/stories/poster.md",
        "---\ntitle: 海报\ndate: 2026-11-02\ncover: /images/poster.svg\n---\n\n正文。\n".as_bytes(),
    );
    write(
        root,
        "content/stories/plain.md",
        "---\ntitle: 没有封面\ndate: 2026-11-03\n---\n\n正文。\n".as_bytes(),
    );
    write(
        root,
        "static/images/poster.svg",
        b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    write(root, "static/images/share.jpg", &jpeg(600, 400, None));
    let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let run = build(root, out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);

    let og_image = |file: &str| -> String {
        let html = common::read(out.path(), file);
        let start = "<meta property=\"og:image\" content=\"";
        html.split_once(start)
            .and_then(|(_, rest)| rest.split_once('"'))
            .map(|(url, _)| url.to_string())
            .unwrap_or_else(|| panic!("no og:image in {file}: {html}"))
    };
    let copy = files(out.path())
        .into_iter()
        .find(|f| f.starts_with("stories/a/photo.960.") && f.ends_with(".jpg"))
        .unwrap_or_else(|| panic!("no 960 px copy"));
    let site_url = "https://wenming.qiyun.example.gov.cn/wm";
    assert_eq!(
        og_image("stories/a/index.html"),
        format!("{site_url}/{copy}")
    );
    assert_eq!(
        og_image("stories/poster/index.html"),
        format!("{site_url}/images/poster.svg")
    );
    assert_eq!(
        og_image("stories/plain/index.html"),
        format!("{site_url}/images/share.jpg")
    );
}

#[test]
fn a_theme_declares_its_cover_shapes_in_its_theme_yaml() {
    // A copy of the default theme that also shows covers square: its theme.yaml names the
    // shapes (the default theme's two, which its templates use, and a square one), a template
    // shows `cover_image.square`, and the build makes exactly those crops.
    let page = "---\ntitle: 河边清理\ndate: 2026-11-01\ncover: photo.jpg\n---\n\n正文。\n";
    let site = site(page);
    let root = site.path();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    common::copy_dir(&repo.join("themes/default"), &root.join("themes/square"));
    write(
        root,
        "themes/square/theme.yaml",
        b"covers:\n  thumbnail: {aspect: \"4:3\", widths: [160, 320]}\n  feature: {aspect: \"16:9\", widths: [640, 1280]}\n  square:\n    aspect: \"1:1\"\n    widths: [200, 400]\n",
    );
    write(
        root,
        "templates/page-story.html",
        b"{% set c = page.cover_image %}{{ c.square.src }}|{{ c.square.srcset }}|{{ c.square.width }}x{{ c.square.height }}|{{ c.thumbnail.width }}x{{ c.thumbnail.height }}",
    );
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap_or_default();
    write(
        root,
        "site.yaml",
        format!("{yaml}theme: square\n").as_bytes(),
    );
    write(root, "content/stories/a/photo.jpg", &jpeg(1200, 900, None));
    let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let run = build(root, out.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut crops: Vec<String> = files(out.path())
        .into_iter()
        .filter(|f| f.starts_with("stories/a/photo.") && f.contains("0x"))
        .collect();
    crops.sort();
    let fp = crops
        .first()
        .and_then(|f| f.split('.').nth(2))
        .unwrap_or_else(|| panic!("no crops"))
        .to_string();
    assert_eq!(
        crops,
        [
            format!("stories/a/photo.1200x675.{fp}.jpg"),
            format!("stories/a/photo.160x120.{fp}.jpg"),
            format!("stories/a/photo.200x200.{fp}.jpg"),
            format!("stories/a/photo.320x240.{fp}.jpg"),
            format!("stories/a/photo.400x400.{fp}.jpg"),
            format!("stories/a/photo.640x360.{fp}.jpg"),
        ]
    );
    assert_eq!(
        common::read(out.path(), "stories/a/index.html"),
        format!(
            "/stories/a/photo.400x400.{fp}.jpg|/stories/a/photo.200x200.{fp}.jpg 200w, /stories/a/photo.400x400.{fp}.jpg 400w|400x400|320x240"
        )
    );

    // A shape the theme gets wrong stops the build, naming the theme's file and line.
    write(
        root,
        "themes/square/theme.yaml",
        b"covers:\n  square:\n    aspect: 1x1\n    widths: [200]\n",
    );
    let run = build(root, out.path());
    assert_eq!(
        common::errors_only(&run.stderr),
        "错误：themes/square/theme.yaml:3:5: covers.square.aspect 应该是“宽:高”，例如 \"4:3\"（1 到 100 的整数）\n    提示：写在英文引号里：aspect: \"16:9\"\n构建失败：共 1 个错误，输出目录保持不变。\n"
    );
}
