//! Throwaway measurement for docs/perf.md ("WebP copies"): not part of the build.
//! Put in a scratch crate depending on image (features jpeg, png, webp) and zenwebp 0.4;
//! `cargo run --release` measures generated scenes, `cargo run --release -- PHOTO…` photos.

use image::{DynamicImage, ImageEncoder, RgbImage, imageops::FilterType};
use std::time::Instant;

fn hash(x: u32, y: u32, s: u32) -> f32 {
    let mut h = x.wrapping_mul(374761393) ^ y.wrapping_mul(668265263) ^ s.wrapping_mul(2246822519);
    h = (h ^ (h >> 13)).wrapping_mul(1274126177);
    ((h ^ (h >> 16)) & 0xffff) as f32 / 65535.0
}
fn noise(x: f32, y: f32, s: u32) -> f32 {
    let (xi, yi) = (x.floor() as u32, y.floor() as u32);
    let (fx, fy) = (x - x.floor(), y - y.floor());
    let (sx, sy) = (fx * fx * (3.0 - 2.0 * fx), fy * fy * (3.0 - 2.0 * fy));
    let a = hash(xi, yi, s) + (hash(xi + 1, yi, s) - hash(xi, yi, s)) * sx;
    let b = hash(xi, yi + 1, s) + (hash(xi + 1, yi + 1, s) - hash(xi, yi + 1, s)) * sx;
    a + (b - a) * sy
}
fn fbm(x: f32, y: f32, s: u32, oct: u32) -> f32 {
    let (mut v, mut amp, mut f) = (0.0, 0.5, 1.0);
    for o in 0..oct { v += amp * noise(x * f, y * f, s + o); amp *= 0.5; f *= 2.0; }
    v
}
/// A 4000×3000 "phone photo": sky gradient, textured ground/foliage, hard-edged buildings,
/// sensor grain. `kind` varies the scene.
fn scene(kind: u32) -> RgbImage {
    let (w, h) = (4000u32, 3000u32);
    RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
        let horizon = 0.45 + 0.08 * fbm(fx * 3.0, 0.0, kind, 3);
        let grain = (hash(x, y, 99 + kind) - 0.5) * 10.0;
        let mut c = if fy < horizon {
            let cl = fbm(fx * 6.0, fy * 10.0, kind + 7, 5);
            [120.0 + 80.0 * fy + 60.0 * cl, 160.0 + 50.0 * fy + 50.0 * cl, 230.0 - 20.0 * fy + 20.0 * cl]
        } else {
            let t = fbm(fx * (40.0 + 40.0 * kind as f32), fy * 60.0, kind + 3, 6);
            [60.0 + 90.0 * t, 90.0 + 110.0 * t * (1.0 - 0.3 * kind as f32), 40.0 + 60.0 * t]
        };
        // Buildings with windows (hard edges, text-like detail).
        let bx = (fx * 12.0).floor();
        let top = 0.2 + 0.25 * hash(bx as u32, 1, kind);
        if (kind != 1) && fy > top && fy < 0.75 && (fx * 12.0 - bx) > 0.1 {
            let win = ((x / 37) % 2 == 0) && ((y / 53) % 2 == 0);
            let base = 170.0 + 60.0 * hash(bx as u32, 2, kind);
            c = if win { [40.0, 50.0, 70.0] } else { [base, base * 0.92, base * 0.85] };
        }
        image::Rgb([0, 1, 2].map(|i| (c[i] + grain).clamp(0.0, 255.0) as u8))
    })
}
fn psnr(a: &RgbImage, b: &RgbImage) -> f64 {
    let mse: f64 = a.as_raw().iter().zip(b.as_raw()).map(|(&p, &q)| { let d = p as f64 - q as f64; d * d }).sum::<f64>() / a.as_raw().len() as f64;
    10.0 * (255.0f64 * 255.0 / mse).log10()
}
fn jpeg(img: &RgbImage, q: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, q).encode_image(img).unwrap();
    out
}
fn zen(img: &RgbImage, q: f32) -> Vec<u8> {
    let config = zenwebp::LossyConfig::new().with_quality(q).with_method(4);
    zenwebp::EncodeRequest::lossy(&config, img.as_raw(), zenwebp::PixelLayout::Rgb8, img.width(), img.height()).encode().unwrap()
}
fn lossless(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut out).write_image(img.as_raw(), img.width(), img.height(), image::ExtendedColorType::Rgb8).unwrap();
    out
}
fn decode(b: &[u8]) -> RgbImage { image::load_from_memory(b).unwrap().to_rgb8() }

/// The rows of one picture: resized to 1600 and 960 px wide (never enlarged), keeping its
/// aspect ratio.
fn measure(name: &str, full: &DynamicImage) {
    for w in [1600u32, 960].into_iter().filter(|&w| w < full.width()) {
        let h = (full.height() as u64 * w as u64 / full.width() as u64) as u32;
        let img = full.resize_exact(w, h, FilterType::Triangle).to_rgb8();
        let t = Instant::now();
        let j = jpeg(&img, 80);
        let jms = t.elapsed().as_millis();
        let jp = psnr(&img, &decode(&j));
        let ll = lossless(&img);
        // Lowest zenwebp quality reaching the JPEG's PSNR.
        let mut best = None;
        for q in (30..=100).step_by(5) {
            let t = Instant::now();
            let z = zen(&img, q as f32);
            let zms = t.elapsed().as_millis();
            let zp = psnr(&img, &decode(&z));
            if zp >= jp { best = Some((q, z.len(), zp, zms)); break; }
        }
        let (q, zl, zp, zms) = best.unwrap_or((0, 0, 0.0, 0));
        println!("| {name} | {w} | {} KB | {jp:.1} dB | {} KB | {} KB ({zp:.1} dB) | {q} | {jms} | {zms} |", j.len() / 1024, ll.len() / 1024, zl / 1024);
    }
}

/// With file arguments, measures those photos (JPEG or PNG); without, three generated scenes.
fn main() {
    println!("| photo | width | JPEG q80 (wenming today) | PSNR | WebP lossless (`image`) | WebP lossy, same PSNR (zenwebp) | q | JPEG ms | zenwebp ms |");
    println!("|---|---|---|---|---|---|---|---|---|");
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        for kind in 0..3 {
            measure(&format!("scene {kind}"), &DynamicImage::ImageRgb8(scene(kind)));
        }
    }
    for file in files {
        let full = image::open(&file).unwrap();
        let name = std::path::Path::new(&file).file_name().unwrap().to_string_lossy().to_string();
        measure(&name, &full);
    }
}
