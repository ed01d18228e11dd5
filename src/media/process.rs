//! The build-time half of photos: makes the copies a plan names, in the cache folder
//! (`.wenming/images/`, safe to delete), decoding the photo only when one is missing there.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageReader, Limits};

use super::{Format, MAX_PIXELS, Photo, PhotoError, Rendition, crop_box, read, strip};

/// The files made for one photo, all in the cache folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Processed {
    /// Each rendition asked for, with its cached file.
    pub copies: Vec<(Rendition, PathBuf)>,
    /// What is published under the photo's own name: a copy without metadata (turned upright,
    /// and no wider than the widest rendition when it is larger); `None` for a photo published
    /// as it is (a format wenming does not read, recording no position).
    pub original: Option<PathBuf>,
    /// Whether the photo was read and new files made (`false`: everything came from the cache).
    pub worked: bool,
}

/// Makes (or finds in `cache`) the `renditions` of `photo` and the copy published under its own
/// name.
pub fn process(
    photo: &Photo,
    renditions: &[Rendition],
    cache: &Path,
) -> Result<Processed, PhotoError> {
    if photo.format == Format::Other {
        return Ok(Processed {
            copies: Vec::new(),
            original: None,
            worked: false,
        });
    }
    // The names of the cached files, all beginning with the key (written out once).
    let key = format!("{:032x}", photo.key);
    let cached =
        |suffix: &str, format: Format| cache.join(format!("{key}.{suffix}.{}", format.extension()));
    let copies: Vec<(Rendition, PathBuf)> = renditions
        .iter()
        .map(|r| {
            let suffix = format!(
                "{}x{}{}",
                r.width,
                r.height,
                if r.cropped { "c" } else { "" }
            );
            (*r, cached(&suffix, photo.output))
        })
        .collect();
    // Published under the photo's own name: its widest plain rendition when that is the photo
    // turned upright or made smaller; else the file without its metadata.
    let widest = photo.renditions().last().copied().filter(|r| {
        photo.output == photo.format && (r.width < photo.width || photo.orientation != 1)
    });
    let original = match widest {
        Some(r) => {
            let suffix = format!("{}x{}", r.width, r.height);
            cached(&suffix, photo.output)
        }
        None => cached("original", photo.format),
    };
    // A rendition of the photo's own size, upright already and in its own format, is the
    // file without metadata: no second encoding.
    let is_identity = |r: &Rendition| {
        !r.cropped
            && r.width == photo.width
            && photo.orientation == 1
            && photo.output == photo.format
    };
    let stripped = cached("original", photo.format);
    let mut missing: Vec<(Rendition, PathBuf)> = copies
        .iter()
        .filter(|(r, _)| !is_identity(r))
        .cloned()
        .chain(widest.map(|r| (r, original.clone())))
        .collect();
    // Plain copies are made from the widest one (much cheaper than from the photo each time,
    // and as sharp), so it comes first; cropped ones from the photo. Each file is looked
    // for once (the widest copy is also the one published under the photo's own name).
    missing.sort_by_key(|(r, _)| std::cmp::Reverse((!r.cropped, r.width)));
    missing.dedup_by(|a, b| a.1 == b.1);
    missing.retain(|(_, file)| !file.exists());
    let needs_stripped =
        (widest.is_none() || copies.iter().any(|(r, _)| is_identity(r))) && !stripped.exists();
    if missing.is_empty() && !needs_stripped {
        return Ok(Processed {
            copies: identity_to(copies, &is_identity, &stripped),
            original: Some(original),
            worked: false,
        });
    }

    let bytes = read(&photo.source)?;
    // The structure is checked (and the metadata removed) first: a file cut short is refused
    // even where a decoder would fill the missing part with grey.
    let without_metadata = match photo.format {
        Format::Jpeg => strip::jpeg(&bytes),
        Format::Png => strip::png(&bytes),
        Format::WebP => strip::webp(&bytes),
        Format::Other => Ok(None),
    }
    .map_err(|_| PhotoError::Damaged("文件不完整或结构错误".into()))?;
    std::fs::create_dir_all(cache).map_err(|e| PhotoError::CacheWrite(e.to_string()))?;
    if needs_stripped {
        write_atomic(&stripped, without_metadata.as_deref().unwrap_or(&bytes))?;
    }
    if !missing.is_empty() {
        make_copies(photo, bytes, &missing)?;
    }
    Ok(Processed {
        copies: identity_to(copies, &is_identity, &stripped),
        original: Some(original),
        worked: true,
    })
}

/// Decodes the photo (`bytes`) and writes each `missing` copy: resized as stored, then each
/// small copy turned upright (turning the whole photo costs more than everything else). A
/// centered crop turned is the turned photo's centered crop, with width and height swapped
/// when the turn is a quarter. Plain copies are made from the widest one made before them.
fn make_copies(
    photo: &Photo,
    bytes: Vec<u8>,
    missing: &[(Rendition, PathBuf)],
) -> Result<(), PhotoError> {
    let image = decode(photo, &bytes)?;
    drop(bytes);
    let orientation = Orientation::from_exif(photo.orientation);
    let quarter = photo.orientation >= 5;
    let mut widest_made: Option<DynamicImage> = None;
    for (r, file) in missing {
        let (w, h) = if quarter {
            (r.height, r.width)
        } else {
            (r.width, r.height)
        };
        let resized = if r.cropped {
            let (bw, bh) = crop_box(image.width(), image.height(), (w, h));
            let (x, y) = ((image.width() - bw) / 2, (image.height() - bh) / 2);
            downscale(&image.crop_imm(x, y, bw, bh), w, h)
        } else {
            let from = widest_made.as_ref().unwrap_or(&image);
            if (w, h) == (from.width(), from.height()) {
                from.clone()
            } else {
                downscale(from, w, h)
            }
        };
        let bytes = match orientation {
            Some(o) if photo.orientation != 1 => {
                let mut upright = resized.clone();
                upright.apply_orientation(o);
                encode(&upright, photo.output, photo.quality)?
            }
            _ => encode(&resized, photo.output, photo.quality)?,
        };
        write_atomic(file, &bytes)?;
        if !r.cropped && widest_made.is_none() {
            widest_made = Some(resized);
        }
    }
    Ok(())
}

/// Points the renditions that are the photo itself at its copy without metadata.
fn identity_to(
    copies: Vec<(Rendition, PathBuf)>,
    is_identity: &dyn Fn(&Rendition) -> bool,
    stripped: &Path,
) -> Vec<(Rendition, PathBuf)> {
    copies
        .into_iter()
        .map(|(r, file)| {
            if is_identity(&r) {
                (r, stripped.to_path_buf())
            } else {
                (r, file)
            }
        })
        .collect()
}

/// Decodes `bytes` within the pixel limit (the pixels as stored, not turned).
fn decode(photo: &Photo, bytes: &[u8]) -> Result<DynamicImage, PhotoError> {
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(match photo.format {
        Format::Png => image::ImageFormat::Png,
        _ => image::ImageFormat::Jpeg,
    });
    let mut limits = Limits::default();
    let side = u32::try_from(MAX_PIXELS).unwrap_or(u32::MAX);
    limits.max_image_width = Some(side);
    limits.max_image_height = Some(side);
    // Eight bytes a pixel: 16-bit RGBA, the widest a PNG decodes to.
    limits.max_alloc = Some(MAX_PIXELS * 8);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => PhotoError::TooManyPixels(0, 0),
        e => PhotoError::Damaged(e.to_string()),
    })?;
    let (w, h) = if photo.orientation >= 5 {
        (photo.height, photo.width)
    } else {
        (photo.width, photo.height)
    };
    if (image.width(), image.height()) != (w, h) {
        return Err(PhotoError::Damaged(format!(
            "文件头写的尺寸是 {w}×{h}，解码得到 {}×{}",
            image.width(),
            image.height()
        )));
    }
    Ok(image)
}

/// `image` made `width`×`height`: by averaging the pixels each new one covers when it is at
/// least halved (as fast as decoding; Catmull-Rom on a 12-megapixel photo takes half a
/// second), else with a triangle filter.
fn downscale(image: &DynamicImage, width: u32, height: u32) -> DynamicImage {
    if image.width() >= width.saturating_mul(2) && image.height() >= height.saturating_mul(2) {
        image.thumbnail_exact(width, height)
    } else {
        image.resize_exact(width, height, FilterType::Triangle)
    }
}

/// Encodes `image` without any metadata.
fn encode(image: &DynamicImage, format: Format, quality: u8) -> Result<Vec<u8>, PhotoError> {
    let mut out = Vec::new();
    let result = match format {
        Format::Png => image.write_with_encoder(PngEncoder::new_with_quality(
            &mut out,
            CompressionType::Default,
            PngFilter::Adaptive,
        )),
        _ => JpegEncoder::new_with_quality(&mut out, quality).encode_image(&image.to_rgb8()),
    };
    result.map_err(|e| PhotoError::Damaged(e.to_string()))?;
    Ok(out)
}

/// Writes `file` through a temporary name, so that a cached file is complete or absent.
fn write_atomic(file: &Path, bytes: &[u8]) -> Result<(), PhotoError> {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    // A name of this call's own: two pages showing one photo may make its copies at once.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let unique = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let temp = file.with_file_name(format!(".{name}.{}-{unique}.tmp", std::process::id()));
    std::fs::write(&temp, bytes)
        .and_then(|()| std::fs::rename(&temp, file))
        .map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            PhotoError::CacheWrite(e.to_string())
        })
}
