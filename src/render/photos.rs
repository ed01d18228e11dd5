//! Cover photos as templates see them: the resized copies of a page's `cover:` photo, and its
//! thumbnails cropped to the theme's shapes (`theme.yaml`; the default theme's are 4:3 in
//! lists, 16:9 for the home page's featured story), each as the `src`, `srcset`, `width` and `height` of an `<img>`. The build's
//! photo pass makes the files these name (`build::photos`).

use serde::Serialize;

use crate::config::theme::CoverCrop;
use crate::media::{Photo, Rendition};

/// One `<img>`'s worth of a photo: the fallback copy, every copy, and the fallback's size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageSet {
    pub src: String,
    pub srcset: String,
    pub width: u32,
    pub height: u32,
}

/// A cover photo's copies: the whole picture (`full`), and each of the theme's thumbnail
/// shapes by its name (the default theme's `thumbnail`, 4:3, and `feature`, 16:9), in the
/// order the theme declares them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverImage {
    pub full: ImageSet,
    pub crops: Vec<(String, ImageSet)>,
}

impl Serialize for CoverImage {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(Some(1 + self.crops.len()))?;
        map.serialize_entry("full", &self.full)?;
        for (name, set) in &self.crops {
            map.serialize_entry(name, set)?;
        }
        map.end()
    }
}

/// The cover image of a page whose cover is `photo`, published at `url` (a site path with the
/// base path), with the thumbnail shapes `crops`.
pub fn cover_image(photo: &Photo, url: &str, crops: &[CoverCrop]) -> Option<CoverImage> {
    let set = |renditions: Vec<Rendition>| {
        photo.responsive(url, &renditions).map(|r| ImageSet {
            src: r.src,
            srcset: r.srcset,
            width: r.width,
            height: r.height,
        })
    };
    Some(CoverImage {
        full: set(photo.renditions())?,
        crops: crops
            .iter()
            .map(|c| Some((c.name.clone(), set(photo.crops(c))?)))
            .collect::<Option<_>>()?,
    })
}

/// What `image_set(path=…)` gives a template for an image of the site's static files: the
/// `src` of an `<img>` (for a photo, its copy at most 960 px wide), `srcset` (every copy;
/// empty for an image wenming does not resize) and the pixel size of `src` when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaticImageSet {
    pub src: String,
    pub srcset: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// The [`StaticImageSet`] of the static file at site path `path` (`/images/a.jpg`); `None`
/// when the static files hold no image there.
pub fn static_image_set(site: &crate::site::Site, path: &str) -> Option<StaticImageSet> {
    let key = static_key(path);
    let image = site.images.get(key)?;
    let url = site.url_path(&format!("/{key}"));
    if let Some(photo) = &image.photo
        && let Some(r) = photo.responsive(&url, &photo.renditions())
    {
        return Some(StaticImageSet {
            src: r.src,
            srcset: r.srcset,
            width: Some(r.width),
            height: Some(r.height),
        });
    }
    Some(StaticImageSet {
        src: url,
        srcset: String::new(),
        width: image.size.map(|(w, _)| w),
        height: image.size.map(|(_, h)| h),
    })
}

/// The key of [`crate::site::Site::images`] a site path names: without its leading `/`, query
/// or fragment.
pub fn static_key(path: &str) -> &str {
    path.split(['?', '#'])
        .next()
        .unwrap_or_default()
        .trim_start_matches('/')
}
