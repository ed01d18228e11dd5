//! The photos a build publishes (JPEG, PNG, WebP and the like in `static/` and page bundles):
//! planned and processed in parallel by `media` into the cache `.wenming/images/`, and handed
//! to the writer as the copies pages name in their `srcset`, the cover thumbnails, and the file
//! under the photo's own name without its metadata. Problems of every photo come together,
//! each naming the file and the pages that show it.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::ImagesConfig;
use crate::error::{Diagnostic, Diagnostics, relative};
use crate::media::{self, Rendition, StaticImage};
use crate::output::{Bytes, OutputFile, STATE_DIR};
use crate::site::Site;

/// The folder of the image cache inside the site's state folder.
pub const CACHE_DIR: &str = "images";

/// What the photo pass made, for the writer and the build's summary.
#[derive(Debug, Default)]
pub struct PhotoFiles {
    pub files: Vec<OutputFile>,
    /// Photos published.
    pub photos: usize,
    /// Photos read and processed (the others came from the cache).
    pub processed: usize,
    /// Photos whose recorded position was removed.
    pub located: usize,
}

/// The files of one photo, whether it was processed (not all from the cache), and whether it
/// recorded a position.
struct Published {
    files: Vec<OutputFile>,
    worked: bool,
    located: bool,
}

/// One published photo: its file, and where it is published (path below the output).
struct Source {
    file: PathBuf,
    output: String,
}

/// The published photos of the site: the site's `static/` files among `statics` (path below
/// the output, file on disk) and the pages' bundle files.
fn sources<'a>(site: &Site, statics: impl Iterator<Item = (&'a str, &'a Path)>) -> Vec<Source> {
    let mut out: Vec<Source> = statics
        .filter(|(path, _)| media::is_photo(Path::new(path)))
        .map(|(path, file)| Source {
            file: file.to_path_buf(),
            output: path.to_string(),
        })
        .collect();
    for p in &site.pages {
        let Some(dir) = &p.page.bundle_dir else {
            continue;
        };
        for asset in p.page.assets.iter().filter(|a| media::is_photo(a)) {
            out.push(Source {
                file: dir.join(asset),
                output: format!(
                    "{}{}",
                    p.path.trim_start_matches('/'),
                    asset.to_string_lossy().replace('\\', "/")
                ),
            });
        }
    }
    out
}

/// The name endings of the static files `image_set` knows the size of.
const IMAGE_EXTENSIONS: [&str; 9] = [
    "jpg", "jpeg", "png", "gif", "webp", "svg", "avif", "bmp", "ico",
];

/// The images among the static files `files`, for
/// [`Site::images`]: each photo of the site's own `static/` (`site_static`) planned as the
/// photo pass plans it (remembered between builds, see `media::Plans`), the others with the
/// size their header gives. A photo that cannot be planned gets neither (the photo pass
/// reports why).
pub fn static_images(
    root: &Path,
    config: &ImagesConfig,
    files: &[OutputFile],
) -> BTreeMap<String, StaticImage> {
    let site_static = root.join("static");
    let images: Vec<(&str, &Bytes)> = files
        .iter()
        .map(|f| (f.path.as_str(), &f.bytes))
        .filter(|(path, _)| {
            Path::new(path)
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| IMAGE_EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
        })
        .collect();
    if images.is_empty() {
        return BTreeMap::new();
    }
    let plans = media::Plans::default();
    plans.open(root);
    let out = images
        .par_iter()
        .map(|&(path, bytes)| {
            let image = match bytes {
                Bytes::File(file)
                    if file.starts_with(&site_static) && media::is_photo(Path::new(path)) =>
                {
                    match plans.plan(file, config) {
                        Ok(photo) => StaticImage {
                            size: Some((photo.width, photo.height)),
                            photo: photo.is_resized().then(|| Arc::new(photo)),
                        },
                        Err(_) => StaticImage::default(),
                    }
                }
                Bytes::File(file) => StaticImage {
                    photo: None,
                    size: crate::content::images::size(file),
                },
                Bytes::Owned(b) => StaticImage {
                    photo: None,
                    size: blob_size(path, b),
                },
                Bytes::Embedded(b) => StaticImage {
                    photo: None,
                    size: blob_size(path, b),
                },
            };
            (path.to_string(), image)
        })
        .collect();
    plans.save();
    out
}

/// The pixel size of an image held in memory (a theme's embedded file).
fn blob_size(path: &str, bytes: &[u8]) -> Option<(u32, u32)> {
    if path.to_ascii_lowercase().ends_with(".svg") {
        let head = &bytes[..bytes.len().min(4096)];
        return crate::content::images::svg_size(&String::from_utf8_lossy(head));
    }
    let s = imagesize::blob_size(bytes).ok()?;
    Some((u32::try_from(s.width).ok()?, u32::try_from(s.height).ok()?))
}

/// Plans and processes every published photo (see the module comment). `statics` are the
/// site's own static files, as (path below the output, file on disk). The problems of every
/// photo come together, sorted by file.
pub fn photo_files<'a>(
    root: &Path,
    site: &Site,
    statics: impl Iterator<Item = (&'a str, &'a Path)>,
) -> Result<PhotoFiles, Diagnostics> {
    let sources = sources(site, statics);
    if sources.is_empty() {
        return Ok(PhotoFiles::default());
    }
    let cache = root.join(STATE_DIR).join(CACHE_DIR);
    let config = &site.config.images;
    // The crops each cover needs, by its file.
    let covers: HashSet<&Path> = site
        .pages
        .iter()
        .filter_map(|p| p.page.cover_photo.as_ref().map(|c| c.source.as_path()))
        .collect();
    // The plans the loader made (the pages' `<img>` name their copies): each photo a page
    // shows is read once per build, unless its copies are missing from the cache.
    let planned = crate::pipeline::planned_photos(site);
    // Photos no page shows (in `static/`, or beside a page) are planned here, remembered
    // between builds like the pages' ones.
    let plans = media::Plans::default();
    plans.open(root);
    let results: Vec<Result<Published, Diagnostic>> = sources
        .par_iter()
        .map(|s| {
            let fail = |e: media::PhotoError| problem(root, site, &s.file, &e);
            let photo = match planned.get(s.file.as_path()) {
                Some(photo) => Arc::clone(photo),
                None => Arc::new(plans.plan(&s.file, config).map_err(fail)?),
            };
            let mut renditions: Vec<Rendition> = photo.renditions();
            if covers.contains(s.file.as_path()) {
                for crop in &config.covers {
                    renditions.extend(photo.crops(crop));
                }
            }
            let done = media::process(&photo, &renditions, &cache).map_err(fail)?;
            let folder = s.output.rsplit_once('/').map_or("", |(dir, _)| dir);
            let mut files: Vec<OutputFile> = done
                .copies
                .into_iter()
                .map(|(r, cached)| OutputFile {
                    path: if folder.is_empty() {
                        photo.file_name(&r)
                    } else {
                        format!("{folder}/{}", photo.file_name(&r))
                    },
                    bytes: Bytes::File(cached),
                })
                .collect();
            files.push(OutputFile {
                path: s.output.clone(),
                bytes: Bytes::File(done.original.unwrap_or_else(|| s.file.clone())),
            });
            Ok(Published {
                files,
                worked: done.worked,
                located: photo.located,
            })
        })
        .collect();
    plans.save();
    let mut out = PhotoFiles::default();
    let mut errors = Diagnostics::default();
    for r in results {
        match r {
            Ok(p) => {
                out.photos += 1;
                out.processed += usize::from(p.worked);
                out.located += usize::from(p.located);
                out.files.extend(p.files);
            }
            Err(d) => errors.push(d),
        }
    }
    errors.into_result().map(|()| out)
}

/// A photo's problem, naming the file and the pages that show it.
fn problem(root: &Path, site: &Site, file: &Path, e: &media::PhotoError) -> Diagnostic {
    let (reason, hint) = e.message();
    let pages: Vec<String> = site
        .pages
        .iter()
        .map(|p| (&p.page.image_files, &p.page.source))
        .chain(
            site.sections
                .iter()
                .map(|s| (&s.section.image_files, &s.section.source)),
        )
        .filter(|(files, _)| files.iter().any(|f| f == file))
        .map(|(_, source)| source.display().to_string())
        .collect();
    let message = if pages.is_empty() {
        reason
    } else {
        format!("{reason}（显示它的页面：{}）", pages.join("、"))
    };
    Diagnostic::new(relative(root, file), message).hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_record_lives_in_the_image_cache() {
        assert_eq!(
            Path::new(media::PLAN_RECORD),
            Path::new(STATE_DIR).join(CACHE_DIR).join("plans.json")
        );
    }
}
