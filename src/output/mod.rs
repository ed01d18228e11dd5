//! The output stage: the files a build produces (rendered pages, feeds, sitemap, robots.txt,
//! alias redirects, copied static files) and writing them so that `public/` only changes
//! after everything succeeded, and only where the bytes differ.

mod feeds;
mod write;

use std::path::PathBuf;

pub use feeds::{alias_page, atom_feed, robots_txt, sitemaps, sitemaps_with_limit};
pub use write::{OutputWriter, WriteReport};

/// Where the bytes of an output file come from.
#[derive(Debug, Clone)]
pub enum Bytes {
    Owned(Vec<u8>),
    Embedded(&'static [u8]),
    /// Copied from this file when written.
    File(PathBuf),
}

/// One file of the built site, at `path` below the output directory (`/` separators).
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Bytes,
}

impl OutputFile {
    pub fn text(path: impl Into<String>, text: String) -> Self {
        OutputFile {
            path: path.into(),
            bytes: Bytes::Owned(text.into_bytes()),
        }
    }
}
