//! Photo benchmark: a generated 4000×3000 phone-sized JPEG (smooth light with sensor-like
//! noise, about 4–6 MB at quality 92, with an Exif block holding a GPS position) through the
//! photo pipeline: the plan the loader makes (read, hash, header, Exif), processing with an
//! empty cache (decode, turn, resize to 480/960/1600, encode, strip), and processing again
//! with the cache full. Then whole-site builds of a small site with 20 such photos: the first
//! build, an unchanged rebuild, and the unchanged rebuild of the same site without photos.
//!
//! `cargo bench --bench images` (release build; uses target/bench-images/).

#[path = "../tests/common/exif.rs"]
mod exif;

use std::path::{Path, PathBuf};
use std::time::Instant;

use image::ImageEncoder;
use wenming::build::{BuildOptions, build};
use wenming::config::ImagesConfig;
use wenming::media;

const PHOTOS: usize = 20;

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-images");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let photo = phone_photo(4000, 3000, 1);
    let file = dir.join("photo.jpg");
    std::fs::write(&file, &photo).unwrap_or_else(|e| panic!("{e}"));
    println!("source: 4000×3000 JPEG, {} bytes", photo.len());

    let config = ImagesConfig::default();
    let best = |times: &mut Vec<f64>| {
        times.sort_by(f64::total_cmp);
        times[0]
    };
    let mut plans = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        std::hint::black_box(media::plan(&file, &config).unwrap_or_else(|e| panic!("{e:?}")));
        plans.push(started.elapsed().as_secs_f64());
    }
    println!(
        "plan (read, hash, header, Exif): best {:.1} ms",
        best(&mut plans) * 1e3
    );

    let plan = media::plan(&file, &config).unwrap_or_else(|e| panic!("{e:?}"));
    let renditions = plan.renditions();
    let mut cold = Vec::new();
    let mut warm = Vec::new();
    for run in 0..3 {
        let cache = dir.join(format!("cache-{run}"));
        let started = Instant::now();
        let done = media::process(&plan, &renditions, &cache).unwrap_or_else(|e| panic!("{e:?}"));
        cold.push(started.elapsed().as_secs_f64());
        assert!(done.worked);
        let started = Instant::now();
        let again = media::process(&plan, &renditions, &cache).unwrap_or_else(|e| panic!("{e:?}"));
        warm.push(started.elapsed().as_secs_f64());
        assert!(!again.worked);
        if run == 0 {
            for (r, cached) in &done.copies {
                let bytes = std::fs::metadata(cached).map(|m| m.len()).unwrap_or(0);
                println!("  {}×{}: {} bytes", r.width, r.height, bytes);
            }
        }
    }
    println!(
        "process, empty cache: best {:.0} ms; cache full: best {:.2} ms",
        best(&mut cold) * 1e3,
        best(&mut warm) * 1e3
    );

    let with = site(&dir.join("site-photos"), Some(&photo));
    let without = site(&dir.join("site-plain"), None);
    let timed = |root: &Path| {
        let mut options = BuildOptions::new(root);
        options.output = Some(root.join("public"));
        let started = Instant::now();
        let report = build(&options).unwrap_or_else(|e| panic!("{e}"));
        (started.elapsed().as_secs_f64(), report)
    };
    let (first, report) = timed(&with);
    println!(
        "site with {PHOTOS} photos: first build {:.2} s ({})",
        first,
        report.photos.line().unwrap_or_default()
    );
    let mut rebuild = Vec::new();
    let mut unrecorded = Vec::new();
    let mut plain = Vec::new();
    timed(&without);
    // The photos were written moments ago: age them past the record's two-second window, as
    // photos copied in before a build are.
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    for i in 0..PHOTOS {
        std::fs::File::options()
            .write(true)
            .open(with.join(format!("content/stories/s{i}/photo.jpg")))
            .and_then(|f| f.set_modified(old))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    std::thread::sleep(std::time::Duration::from_secs(3));
    timed(&with);
    let record = with.join(media::PLAN_RECORD);
    for _ in 0..5 {
        let (t, report) = timed(&with);
        assert_eq!(report.photos.processed, 0);
        rebuild.push(t);
        // Without the record of plans, every photo is read and hashed again (as before it).
        std::fs::remove_file(&record).unwrap_or_else(|e| panic!("{e}"));
        unrecorded.push(timed(&with).0);
        plain.push(timed(&without).0);
    }
    let (r, u, p) = (best(&mut rebuild), best(&mut unrecorded), best(&mut plain));
    println!(
        "unchanged rebuild: with photos best {:.0} ms (without the plan record {:.0} ms), without photos best {:.0} ms (+{:.0} %)",
        r * 1e3,
        u * 1e3,
        p * 1e3,
        (r / p - 1.0) * 100.0
    );
}

/// A small site of 20 story pages, each a bundle showing one photo (different bytes each).
fn site(root: &Path, photo: Option<&[u8]>) -> PathBuf {
    let write = |rel: &str, bytes: &[u8]| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap_or(root)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{e}"));
    };
    write(
        "site.yaml",
        "title: 栖云文明网\nbase_url: https://wenming.qiyun.example.gov.cn\n".as_bytes(),
    );
    write("content/_index.md", "---\ntitle: 首页\n---\n".as_bytes());
    write(
        "content/stories/_index.md",
        "---\ntitle: 志愿服务\nkind: story\n---\n".as_bytes(),
    );
    for i in 0..PHOTOS {
        let image = if photo.is_some() {
            "\n\n![志愿者在河边清理垃圾](photo.jpg)"
        } else {
            ""
        };
        write(
            &format!("content/stories/s{i}/index.md"),
            format!(
                "---\ntitle: 志愿服务第{i}期\ndate: 2026-11-01\n---\n\n志愿者们清理河道。{image}\n"
            )
            .as_bytes(),
        );
        if let Some(photo) = photo {
            // The GPS seconds changed: a different photo to hash and cache.
            let mut bytes = photo.to_vec();
            bytes[123] = i as u8;
            write(&format!("content/stories/s{i}/photo.jpg"), &bytes);
        }
    }
    root.to_path_buf()
}

/// A `width`×`height` JPEG at quality 92 whose detail compresses like a phone photo's, with an
/// Exif APP1 block holding an orientation and a GPS position.
fn phone_photo(width: u32, height: u32, orientation: u16) -> Vec<u8> {
    let mut seed: u32 = 0x9e37_79b9;
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let noise = (seed % 24) as i32 - 12;
        let base = |v: u32, span: u32| (v * 200 / span) as i32 + 20;
        let px = |v: i32| v.clamp(0, 255) as u8;
        image::Rgb([
            px(base(x, width) + noise),
            px(base(y, height) + noise),
            px(base((x + y) / 2, (width + height) / 2) + noise),
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92)
        .write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgb8)
        .unwrap_or_else(|e| panic!("{e}"));
    [&out[..2], &exif::exif_segment(orientation), &out[2..]].concat()
}
