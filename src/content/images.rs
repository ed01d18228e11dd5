//! What a page's `<img>` says of the images its Markdown shows: the pixel sizes, read from the
//! files' headers, so that the text does not jump while images arrive on a slow phone, and
//! for a photo (JPEG, PNG) the resized copies the build makes of it (see `media`).

use std::cell::RefCell;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::config::ImagesConfig;
use crate::markdown::{ImageInfo, ResponsiveImage};
use crate::media::{self, Photo, Plans};

/// What the `<img>` of `file` (written `src` in the page) carries. A photo gets its resized
/// copies and loads lazily like every image in a page's text (where it falls on a phone's
/// first screen is not known; the theme promises that nothing below it loads early), and its
/// plan is added to `planned` (the build's photo pass uses it instead of
/// reading the photo again); other images, and photos that cannot be planned (the build
/// reports why), get the size their header gives.
pub fn image_info(
    src: &str,
    file: &Path,
    config: &ImagesConfig,
    plans: &Plans,
    planned: &RefCell<Vec<Arc<Photo>>>,
) -> Option<ImageInfo> {
    if media::is_photo(file)
        && let Ok(photo) = plans.plan(file, config)
        && let Some(r) = photo.responsive(src, &photo.renditions())
    {
        planned.borrow_mut().push(Arc::new(photo));
        return Some(ImageInfo {
            width: r.width,
            height: r.height,
            responsive: Some(ResponsiveImage {
                src: r.src,
                srcset: r.srcset,
                sizes: media::SIZES.to_string(),
            }),
        });
    }
    let (width, height) = size(file)?;
    Some(ImageInfo {
        width,
        height,
        responsive: None,
    })
}

/// The cover photo planned, when `file` is a JPEG or PNG wenming resizes.
pub fn cover_photo(file: &Path, config: &ImagesConfig, plans: &Plans) -> Option<Arc<Photo>> {
    media::is_photo(file)
        .then(|| plans.plan(file, config).ok())
        .flatten()
        .filter(Photo::is_resized)
        .map(Arc::new)
}

/// The file an image `src` written in a page points to: a site path (`/images/a.png`) in the
/// site's `static/`, a relative one (`photo.jpg`) next to a page bundle's `index.md`. URLs of
/// other hosts, `data:` URLs and paths leaving their folder give `None`.
pub fn local_file(src: &str, static_dir: &Path, bundle_dir: Option<&Path>) -> Option<PathBuf> {
    if src.contains("://") || src.starts_with("//") || src.starts_with("data:") {
        return None;
    }
    let path = src.split(['?', '#']).next().unwrap_or_default();
    let (base, rest) = match path.strip_prefix('/') {
        Some(rest) => (static_dir, rest),
        None => (bundle_dir?, path),
    };
    let rest = percent_decode(rest)?;
    let rest = Path::new(&rest);
    if rest
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return None;
    }
    Some(base.join(rest))
}

/// Width and height in pixels of an SVG, PNG, JPEG, GIF, WebP, BMP or AVIF file.
pub fn size(file: &Path) -> Option<(u32, u32)> {
    let is_svg = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    if is_svg {
        let mut head = Vec::with_capacity(4096);
        std::fs::File::open(file)
            .ok()?
            .take(4096)
            .read_to_end(&mut head)
            .ok()?;
        svg_size(&String::from_utf8_lossy(&head))
    } else {
        let s = imagesize::size(file).ok()?;
        Some((u32::try_from(s.width).ok()?, u32::try_from(s.height).ok()?))
    }
}

/// The size an SVG declares on its root element: `width` and `height` in pixels (or without
/// unit), else the `viewBox`.
pub fn svg_size(text: &str) -> Option<(u32, u32)> {
    let start = text.find("<svg")?;
    let tag = &text[start..start + text[start..].find('>')?];
    let attr = |name: &str| -> Option<&str> {
        let mut rest = tag;
        while let Some(i) = rest.find(name) {
            let before = rest[..i].chars().next_back();
            let after = rest[i + name.len()..].trim_start();
            if before.is_some_and(char::is_whitespace)
                && let Some(value) = after.strip_prefix('=')
            {
                let value = value.trim_start();
                let quote = value.chars().next().filter(|q| *q == '"' || *q == '\'')?;
                let value = &value[1..];
                return value.find(quote).map(|end| &value[..end]);
            }
            rest = &rest[i + name.len()..];
        }
        None
    };
    let pixels = |v: &str| -> Option<u32> {
        let n: f64 = v.trim().trim_end_matches("px").parse().ok()?;
        (1.0..100_000.0).contains(&n).then_some(n.round() as u32)
    };
    if let (Some(w), Some(h)) = (
        attr("width").and_then(pixels),
        attr("height").and_then(pixels),
    ) {
        return Some((w, h));
    }
    let view_box: Vec<&str> = attr("viewBox")?
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .collect();
    match view_box[..] {
        [_, _, w, h] => Some((pixels(w)?, pixels(h)?)),
        _ => None,
    }
}

/// `%E7%85%A7` → `照`; `None` for broken escapes or non-UTF-8 results.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_sizes_come_from_width_and_height_or_the_view_box() {
        assert_eq!(
            svg_size(
                r#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="640" height="360px" viewBox="0 0 64 36">"#
            ),
            Some((640, 360))
        );
        assert_eq!(
            svg_size(r#"<svg stroke-width="2" viewBox='0 0 480.4 270'>"#),
            Some((480, 270))
        );
        assert_eq!(svg_size(r#"<svg width="100%" height="100%">"#), None);
        assert_eq!(svg_size("<p>not an svg</p>"), None);
    }

    #[test]
    fn image_sources_map_to_static_or_the_bundle() {
        let st = Path::new("/site/static");
        let bundle = Path::new("/site/content/stories/a");
        assert_eq!(
            local_file("/images/a.svg?v=2", st, None),
            Some(PathBuf::from("/site/static/images/a.svg"))
        );
        assert_eq!(
            local_file("%E7%85%A7%E7%89%87.png", st, Some(bundle)),
            Some(PathBuf::from("/site/content/stories/a/照片.png"))
        );
        assert_eq!(local_file("photo.png", st, None), None);
        assert_eq!(local_file("../b/photo.png", st, Some(bundle)), None);
        assert_eq!(local_file("/../secret.png", st, None), None);
        assert_eq!(local_file("https://cdn.example/a.png", st, None), None);
        assert_eq!(local_file("data:image/png;base64,AAAA", st, None), None);
    }
}
