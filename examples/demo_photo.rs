//! Draws the demo site's river "photo" (content/stories/he-dao-shou-hu-zhe/song-xi-he.jpg): a
//! 1600×1200 procedural landscape — sky, hills, a river with ripples — with the grain of a
//! phone camera, saved as a JPEG of about 200 KB, so the demo shows resized photos without a
//! real photo (and its real place) in the repository.
//!
//! `cargo run --example demo_photo -- OUTPUT.jpg`

use image::ImageEncoder;

fn main() {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "song-xi-he.jpg".to_string());
    let (w, h) = (1600u32, 1200u32);
    let mut seed: u32 = 0x2545_f491;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let grain = (seed % 9) as f32 - 4.0;
        let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
        let hills = 0.42 + 0.06 * (fx * 9.0).sin() + 0.03 * (fx * 23.0).cos();
        let bank = 0.62 + 0.04 * (fx * 5.0).sin();
        let rgb = if fy < hills {
            // Morning sky, lighter towards the horizon.
            [150.0 + 90.0 * fy, 190.0 + 50.0 * fy, 235.0]
        } else if fy < bank {
            // Green hills, darker lower down.
            let d = (fy - hills) / (bank - hills);
            [70.0 - 30.0 * d, 130.0 - 40.0 * d, 80.0 - 30.0 * d]
        } else {
            // The river, with ripples.
            let ripple = 12.0 * ((fx * 140.0 + fy * 40.0).sin() * (fy * 90.0).cos());
            [60.0 + ripple, 120.0 + ripple, 150.0 + ripple]
        };
        image::Rgb(rgb.map(|c| (c + grain).clamp(0.0, 255.0) as u8))
    });
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 85)
        .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&out, &bytes).unwrap_or_else(|e| panic!("{out}: {e}"));
    println!("{out}: {} bytes", bytes.len());
}
