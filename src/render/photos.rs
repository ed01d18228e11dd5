//! Cover photos as templates see them: the resized copies of a page's `cover:` photo, and its
//! thumbnails cropped to the default theme's shapes (4:3 in lists, 16:9 for the home page's
//! featured story), each as the `src`, `srcset`, `width` and `height` of an `<img>`. The build's
//! photo pass makes the files these name (`build::photos`).

use serde::Serialize;

use crate::media::{COVER_CROPS, Photo, Rendition};

/// One `<img>`'s worth of a photo: the fallback copy, every copy, and the fallback's size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageSet {
    pub src: String,
    pub srcset: String,
    pub width: u32,
    pub height: u32,
}

/// A cover photo's copies: the whole picture, and each thumbnail shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoverImage {
    pub full: ImageSet,
    /// 4:3, 160 and 320 px wide (page lists).
    pub thumbnail: ImageSet,
    /// 16:9, 640 and 1280 px wide (the home page's featured story).
    pub feature: ImageSet,
}

/// The cover image of a page whose cover is `photo`, published at `url` (a site path with the
/// base path).
pub fn cover_image(photo: &Photo, url: &str) -> Option<CoverImage> {
    let set = |renditions: Vec<Rendition>| {
        photo.responsive(url, &renditions).map(|r| ImageSet {
            src: r.src,
            srcset: r.srcset,
            width: r.width,
            height: r.height,
        })
    };
    let [thumbnail, feature] = COVER_CROPS else {
        return None;
    };
    Some(CoverImage {
        full: set(photo.renditions())?,
        thumbnail: set(photo.crops(thumbnail))?,
        feature: set(photo.crops(feature))?,
    })
}
