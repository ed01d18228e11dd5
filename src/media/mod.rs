//! Photos made fit to publish. Every JPEG and PNG a site publishes (in `static/` or a page
//! bundle) is *planned* when a page that shows it is loaded — a content hash, its size once
//! turned upright, the widths of its resized copies and their fingerprinted names, so that the
//! page's `<img>` can carry `srcset`, `width` and `height` — and *processed* when the site is
//! built ([`process`]): decoded within a pixel limit, turned upright, resized, encoded again
//! without any metadata, and kept in a cache (`.wenming/images/`) keyed by the source bytes
//! and the settings, so that an unchanged rebuild decodes nothing. A copy published under the
//! photo's own name never carries its Exif or XMP either (see [`strip`]).

pub mod location;
mod plans;
mod process;
pub mod strip;

use std::io::Cursor;
use std::path::{Path, PathBuf};

use crate::config::theme::CoverCrop;
use crate::config::{ImageFormat, ImagesConfig};

pub use plans::{PLAN_RECORD, Plans};
pub use process::{Processed, process};

/// The most pixels a photo may have (100 megapixels; a phone photo has 12 to 50): a larger
/// one, or a file claiming to be one (a "PNG bomb"), is refused before it is decoded.
pub const MAX_PIXELS: u64 = 100_000_000;

/// The largest photo file read (a phone photo is 3 to 15 MB).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Bumped when processing changes, so that cached copies made the old way are not reused.
const PROCESS_VERSION: u32 = 1;

/// The width a page's `<img src>` falls back to when the browser reads no `srcset`.
const FALLBACK_WIDTH: u32 = 960;

/// The `sizes` of a photo in a page's text: the text column is at most 42rem (672 px) wide.
pub const SIZES: &str = "(max-width: 42rem) 100vw, 42rem";

/// The formats wenming reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Jpeg,
    Png,
    /// Published with its metadata removed, not resized (no WebP encoder is built in).
    WebP,
    /// HEIC, TIFF and the like: browsers show few of them; published as they are when they
    /// record no position.
    Other,
}

impl Format {
    fn sniff(bytes: &[u8]) -> Option<Format> {
        if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
            Some(Format::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Format::Png)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Format::WebP)
        } else {
            None
        }
    }

    /// The file name ending of a copy in this format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::WebP => "webp",
            Format::Other => "",
        }
    }
}

/// Why a photo cannot be published; each names what the editor can do (the caller adds the
/// file and the pages that show it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhotoError {
    Unreadable(String),
    TooLarge(u64),
    TooManyPixels(u32, u32),
    NotAnImage,
    Damaged(String),
    /// HEIC/TIFF with a recorded position: wenming cannot remove it.
    LocationKept(&'static str),
    CacheWrite(String),
}

impl PhotoError {
    /// The reason and what to do, in Chinese.
    pub fn message(&self) -> (String, &'static str) {
        match self {
            PhotoError::Unreadable(e) => (
                format!("无法读取图片：{e}"),
                "检查文件是否存在、是否有读取权限",
            ),
            PhotoError::TooLarge(n) => (
                format!(
                    "图片文件太大（{:.1} MB，最多 {} MB）",
                    *n as f64 / 1_048_576.0,
                    MAX_FILE_BYTES / 1_048_576
                ),
                "用相册或画图软件把照片另存为较小的 JPEG 后再放入网站",
            ),
            PhotoError::TooManyPixels(w, h) => (
                format!(
                    "图片尺寸过大（{w}×{h} 像素，超过 {} 万像素）",
                    MAX_PIXELS / 10_000
                ),
                "把照片缩小到 4000 像素宽以内后再放入网站；如果文件来路不明，请删除它",
            ),
            PhotoError::NotAnImage => (
                "文件不是能识别的图片（网站支持 JPEG、PNG 和 WebP 照片）".to_string(),
                "用相册或画图软件把它另存为 JPEG 或 PNG，并使用 .jpg 或 .png 扩展名",
            ),
            PhotoError::Damaged(e) => (
                format!("图片已损坏，无法解码：{e}"),
                "文件可能没有传完整：重新从相机或手机导出这张照片",
            ),
            PhotoError::LocationKept(format) => (
                format!("图片含有拍摄地点（GPS 坐标），wenming 无法从 {format} 文件中删除它"),
                "把照片另存为 JPEG 后再放入网站，wenming 会自动删除其中的位置信息",
            ),
            PhotoError::CacheWrite(e) => (
                format!("无法写入图片缓存 .wenming/images/：{e}"),
                "检查磁盘空间和站点目录的写入权限；这个缓存可以随时删除",
            ),
        }
    }
}

/// A photo as planned: what it is, how big it is upright, and the key of its copies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo {
    pub source: PathBuf,
    pub format: Format,
    /// Size in pixels, upright (after the Exif orientation is applied).
    pub width: u32,
    pub height: u32,
    /// Exif orientation, 1–8.
    pub orientation: u8,
    /// Whether the file records a GPS position.
    pub located: bool,
    /// Hash of the source bytes and the settings (high 64 bits) and the length (low 64): cache
    /// key, and its first 32 bits the fingerprint in the names.
    pub key: u128,
    /// What the resized copies are encoded as (JPEG or PNG).
    pub output: Format,
    pub quality: u8,
    widths: Vec<u32>,
}

/// One resized (and, for a thumbnail, cropped) copy of a photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rendition {
    pub width: u32,
    pub height: u32,
    /// Cropped to its own aspect ratio (centered) instead of scaled whole.
    pub cropped: bool,
}

/// An image of the site's static files as templates see it (`image_set`): its plan when it
/// is a photo of the site's `static/` that wenming resizes, and its pixel size when known.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StaticImage {
    pub photo: Option<std::sync::Arc<Photo>>,
    /// Width and height in pixels (upright), from the plan or the file's header.
    pub size: Option<(u32, u32)>,
}

/// Whether `path` names a file wenming processes or checks as a photo (by its name ending).
pub fn is_photo(path: &Path) -> bool {
    location::is_photo(path)
}

/// Plans the photo at `file` (reads and hashes it, and its header and Exif; decodes nothing).
pub fn plan(file: &Path, config: &ImagesConfig) -> Result<Photo, PhotoError> {
    let bytes = read(file)?;
    plan_bytes(file, &bytes, config)
}

fn read(file: &Path) -> Result<Vec<u8>, PhotoError> {
    let len = std::fs::metadata(file)
        .map_err(|e| PhotoError::Unreadable(e.to_string()))?
        .len();
    if len > MAX_FILE_BYTES {
        return Err(PhotoError::TooLarge(len));
    }
    std::fs::read(file).map_err(|e| PhotoError::Unreadable(e.to_string()))
}

fn plan_bytes(file: &Path, bytes: &[u8], config: &ImagesConfig) -> Result<Photo, PhotoError> {
    let facts = location::exif_facts(&mut Cursor::new(bytes));
    let Some(format) = Format::sniff(bytes) else {
        let is_known_other = file.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            ["heic", "heif", "tif", "tiff"]
                .iter()
                .any(|x| x.eq_ignore_ascii_case(e))
        });
        if !is_known_other || imagesize::blob_size(bytes).is_err() {
            return Err(PhotoError::NotAnImage);
        }
        if facts.located {
            return Err(PhotoError::LocationKept("HEIC/TIFF"));
        }
        let size = imagesize::blob_size(bytes).map_err(|_| PhotoError::NotAnImage)?;
        return Ok(Photo {
            source: file.to_path_buf(),
            format: Format::Other,
            width: u32::try_from(size.width).unwrap_or(u32::MAX),
            height: u32::try_from(size.height).unwrap_or(u32::MAX),
            orientation: 1,
            located: false,
            key: 0,
            output: Format::Other,
            quality: config.quality,
            widths: Vec::new(),
        });
    };
    let size = imagesize::blob_size(bytes).map_err(|e| PhotoError::Damaged(e.to_string()))?;
    let (w, h) = (
        u32::try_from(size.width).map_err(|_| PhotoError::NotAnImage)?,
        u32::try_from(size.height).map_err(|_| PhotoError::NotAnImage)?,
    );
    if w == 0 || h == 0 {
        return Err(PhotoError::Damaged("宽或高为 0".into()));
    }
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(PhotoError::TooManyPixels(w, h));
    }
    let (width, height) = if facts.orientation >= 5 {
        (h, w)
    } else {
        (w, h)
    };
    let output = match (format, config.format) {
        (Format::Png, ImageFormat::Jpeg) if !png_has_alpha(bytes) => Format::Jpeg,
        (f, _) => f,
    };
    let widths = match format {
        Format::Jpeg | Format::Png => config.widths.clone(),
        _ => Vec::new(),
    };
    // rustc-hash reads bytes at several GB/s (an unchanged rebuild hashes every photo); the
    // length completes the key.
    let mut hasher = rustc_hash::FxHasher::default();
    std::hash::Hash::hash(
        &(PROCESS_VERSION, config.quality, output.extension()),
        &mut hasher,
    );
    std::hash::Hasher::write(&mut hasher, bytes);
    let key = (u128::from(std::hash::Hasher::finish(&hasher)) << 64) | bytes.len() as u128;
    Ok(Photo {
        source: file.to_path_buf(),
        format,
        width,
        height,
        orientation: facts.orientation,
        located: facts.located,
        key,
        output,
        quality: config.quality,
        widths,
    })
}

/// Whether a PNG's pixels can be transparent (an alpha channel or a `tRNS` chunk).
fn png_has_alpha(bytes: &[u8]) -> bool {
    // The colour type is the 10th byte of IHDR's data: 4 grey + alpha, 6 RGBA.
    matches!(bytes.get(25), Some(4 | 6)) || bytes.windows(4).take(64 * 1024).any(|w| w == b"tRNS")
}

impl Photo {
    /// Whether wenming makes resized copies of it (JPEG and PNG).
    pub fn is_resized(&self) -> bool {
        matches!(self.format, Format::Jpeg | Format::Png)
    }

    /// The widths a page chooses from: the configured ones narrower than the photo, and the
    /// photo's own width when it is narrower than the widest (a photo is never enlarged).
    pub fn renditions(&self) -> Vec<Rendition> {
        if !self.is_resized() {
            return Vec::new();
        }
        let mut widths: Vec<u32> = self
            .widths
            .iter()
            .copied()
            .filter(|&w| w < self.width)
            .collect();
        if self.widths.last().is_none_or(|&max| self.width <= max) {
            widths.push(self.width);
        }
        widths
            .into_iter()
            .map(|w| Rendition {
                width: w,
                height: scaled(self.height, w, self.width),
                cropped: false,
            })
            .collect()
    }

    /// The copies of a cover thumbnail shape: the widest centered box of its aspect ratio,
    /// at each of its widths no wider than that box.
    pub fn crops(&self, crop: &CoverCrop) -> Vec<Rendition> {
        if !self.is_resized() {
            return Vec::new();
        }
        let (box_w, _) = crop_box(self.width, self.height, crop.aspect);
        let mut widths: Vec<u32> = crop.widths.iter().copied().filter(|&w| w < box_w).collect();
        if crop.widths.last().is_none_or(|&max| box_w <= max) {
            widths.push(box_w);
        }
        widths
            .into_iter()
            .map(|w| Rendition {
                width: w,
                height: scaled(crop.aspect.1, w, crop.aspect.0).max(1),
                cropped: true,
            })
            .collect()
    }

    /// The fingerprinted file name of a copy, beside the photo's own:
    /// `photo.960.3f9a1c2e.jpg`, a cropped one `photo.320x240.3f9a1c2e.jpg` (the names
    /// `nginx-conf` caches for a year).
    pub fn file_name(&self, r: &Rendition) -> String {
        let stem = self
            .source
            .file_stem()
            .map(|s| s.to_string_lossy())
            .unwrap_or_default();
        let size = if r.cropped {
            format!("{}x{}", r.width, r.height)
        } else {
            r.width.to_string()
        };
        format!(
            "{stem}.{size}.{:08x}.{}",
            (self.key >> 96) as u32,
            self.output.extension()
        )
    }

    /// The copy an `<img src>` falls back to: the widest at most 960 px wide, else the
    /// narrowest.
    pub fn fallback(renditions: &[Rendition]) -> Option<&Rendition> {
        renditions
            .iter()
            .rev()
            .find(|r| r.width <= FALLBACK_WIDTH)
            .or_else(|| renditions.first())
    }

    /// The attributes of the `<img>` showing `renditions` of this photo, whose own URL is
    /// `src` as written (site path or relative): the fallback `src`, `srcset`, `width` and
    /// `height` (of the fallback, so the browser knows the aspect ratio).
    pub fn responsive(&self, src: &str, renditions: &[Rendition]) -> Option<Responsive> {
        let fallback = Photo::fallback(renditions)?;
        let folder = src
            .split(['?', '#'])
            .next()
            .unwrap_or_default()
            .rsplit_once('/')
            .map(|(dir, _)| format!("{dir}/"))
            .unwrap_or_default();
        let url = |r: &Rendition| {
            format!(
                "{folder}{}",
                percent_encoding::utf8_percent_encode(&self.file_name(r), NAME_SET)
            )
        };
        // Each URL is made once; the fallback is one of them.
        let mut src = String::new();
        let mut srcset = String::new();
        for r in renditions {
            let u = url(r);
            if !srcset.is_empty() {
                srcset.push_str(", ");
            }
            srcset.push_str(&format!("{u} {}w", r.width));
            if r == fallback && src.is_empty() {
                src = u;
            }
        }
        Some(Responsive {
            src,
            srcset,
            width: fallback.width,
            height: fallback.height,
        })
    }
}

/// What a file name is percent-encoded with in a URL: controls, space and the characters a
/// `srcset` or an attribute would read differently (non-ASCII is always encoded).
const NAME_SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'\'')
    .add(b',')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'&')
    .add(b'`');

/// The `<img>` attributes of a resized photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responsive {
    pub src: String,
    pub srcset: String,
    pub width: u32,
    pub height: u32,
}

/// `value * numerator / denominator`, rounded, at least 1.
fn scaled(value: u32, numerator: u32, denominator: u32) -> u32 {
    let v = (u64::from(value) * u64::from(numerator) + u64::from(denominator) / 2)
        / u64::from(denominator.max(1));
    u32::try_from(v).unwrap_or(u32::MAX).max(1)
}

/// The widest box of `aspect` inside `width`×`height`: (box width, box height).
fn crop_box(width: u32, height: u32, (aw, ah): (u32, u32)) -> (u32, u32) {
    // Wider than the aspect: full height, cut the sides; else full width, cut top and bottom.
    if u64::from(width) * u64::from(ah) > u64::from(height) * u64::from(aw) {
        (scaled(height, aw, ah).min(width), height)
    } else {
        (width, scaled(width, ah, aw).min(height))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo(width: u32, height: u32) -> Photo {
        Photo {
            source: PathBuf::from("/site/content/a/照片 1.jpg"),
            format: Format::Jpeg,
            width,
            height,
            orientation: 1,
            located: false,
            key: 0x3f9a_1c2e_u128 << 96,
            output: Format::Jpeg,
            quality: 80,
            widths: vec![480, 960, 1600],
        }
    }

    #[test]
    fn renditions_never_enlarge_and_include_a_narrower_photos_own_width() {
        let widths = |p: Photo| {
            p.renditions()
                .iter()
                .map(|r| (r.width, r.height))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            widths(photo(4000, 3000)),
            [(480, 360), (960, 720), (1600, 1200)]
        );
        assert_eq!(
            widths(photo(1200, 801)),
            [(480, 320), (960, 641), (1200, 801)]
        );
        assert_eq!(widths(photo(300, 200)), [(300, 200)]);
        assert_eq!(
            widths(photo(1600, 900)),
            [(480, 270), (960, 540), (1600, 900)]
        );
    }

    #[test]
    fn crops_take_the_widest_centered_box_of_their_aspect() {
        assert_eq!(crop_box(4000, 3000, (16, 9)), (4000, 2250));
        assert_eq!(crop_box(3000, 4000, (4, 3)), (3000, 2250));
        assert_eq!(crop_box(4000, 2000, (4, 3)), (2667, 2000));
        let p = photo(4000, 3000);
        let thumbs: Vec<_> = p
            .crops(&crate::config::theme::default_covers()[0])
            .iter()
            .map(|r| (r.width, r.height))
            .collect();
        assert_eq!(thumbs, [(160, 120), (320, 240)]);
        let small: Vec<_> = photo(200, 200)
            .crops(&crate::config::theme::default_covers()[0])
            .iter()
            .map(|r| (r.width, r.height))
            .collect();
        assert_eq!(small, [(160, 120), (200, 150)]);
    }

    #[test]
    fn srcset_names_are_fingerprinted_and_encoded_beside_the_source() {
        let p = photo(4000, 3000);
        let r = p.responsive("/images/照片 1.jpg", &p.renditions()).unwrap();
        let name = |w| format!("%E7%85%A7%E7%89%87%201.{w}.3f9a1c2e.jpg");
        assert_eq!(r.src, format!("/images/{}", name(960)));
        assert_eq!(
            r.srcset,
            format!(
                "/images/{} 480w, /images/{} 960w, /images/{} 1600w",
                name(480),
                name(960),
                name(1600)
            )
        );
        assert_eq!((r.width, r.height), (960, 720));
        let rel = p.responsive("照片 1.jpg", &p.renditions()).unwrap();
        assert_eq!(rel.src, name(960));
    }
}
