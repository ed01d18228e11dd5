//! The content stage: `content/` and `data/` read from disk into typed pages, sections and
//! data values. Files are parsed and their Markdown rendered in parallel.

pub mod data;
pub mod directory;
pub mod editorial;
mod files;
pub mod front_matter;
pub mod images;
pub mod kinds;
mod loader;
pub mod paths;
pub mod quiz;
pub mod ranking;

use std::path::PathBuf;

pub use editorial::RawText;
pub use files::{is_ignored_name, read_text};
pub use front_matter::{Kind, PageMeta, SectionMeta, SortBy};
pub use loader::{
    Content, ContentFile, Discovery, LoadOptions, ParseSettings, Parsed, SectionKinds, assemble,
    discover, load_all, next_due, parse_all, parse_file,
};

use crate::markdown::Rendered;

/// A Markdown page: `news/a.md`, or a bundle `news/a/index.md` with files beside it.
#[derive(Debug, Clone)]
pub struct Page {
    /// Path relative to the site root, for messages: `content/news/a.md`.
    pub source: PathBuf,
    /// Path inside `content/` with `/` separators, as `@/` links and `get_page` name it.
    pub content_path: String,
    /// The content folder whose section lists this page (`news`, or `` for the root).
    pub dir: String,
    /// File stem, or the bundle folder's name for `index.md`.
    pub stem: String,
    /// Other files of a page bundle, relative to the bundle folder.
    pub assets: Vec<PathBuf>,
    /// The bundle folder on disk, when this page is a bundle.
    pub bundle_dir: Option<PathBuf>,
    pub meta: PageMeta,
    pub body: Rendered,
    /// Lines before the Markdown body in the file.
    pub body_line_offset: usize,
    /// The file's text, for the check stage.
    pub raw: RawText,
    /// The image files (in `static/` or the bundle) whose pixel sizes the body carries, and
    /// the cover's.
    pub image_files: Vec<PathBuf>,
    /// The photos the body shows, as planned (see `media::plan`).
    pub photos: Vec<std::sync::Arc<crate::media::Photo>>,
    /// The cover photo as planned, when `cover:` names a JPEG or PNG of the site.
    pub cover_photo: Option<std::sync::Arc<crate::media::Photo>>,
}

/// A section: a content folder with an `_index.md`.
#[derive(Debug, Clone)]
pub struct Section {
    pub source: PathBuf,
    /// `news/_index.md`, or `_index.md` for the home page.
    pub content_path: String,
    /// `news`, or `` for the root.
    pub dir: String,
    pub meta: SectionMeta,
    pub body: Rendered,
    pub body_line_offset: usize,
    pub raw: RawText,
    pub image_files: Vec<PathBuf>,
    /// The photos the body shows, as planned.
    pub photos: Vec<std::sync::Arc<crate::media::Photo>>,
}

/// What a page and a section have alike as Markdown files, for the stages that treat both the
/// same way (shortcodes, checks).
#[derive(Debug, Clone, Copy)]
pub struct SourceFile<'a> {
    /// Path relative to the site root: `content/news/a.md`.
    pub source: &'a std::path::Path,
    pub content_path: &'a str,
    pub title: &'a str,
    pub body: &'a Rendered,
    /// Lines before the Markdown body in the file.
    pub body_line_offset: usize,
    pub raw: &'a RawText,
    pub waive: &'a editorial::Waivers,
}

impl Page {
    pub fn source_file(&self) -> SourceFile<'_> {
        SourceFile {
            source: &self.source,
            content_path: &self.content_path,
            title: &self.meta.title,
            body: &self.body,
            body_line_offset: self.body_line_offset,
            raw: &self.raw,
            waive: &self.meta.waive,
        }
    }
}

impl Section {
    pub fn source_file(&self) -> SourceFile<'_> {
        SourceFile {
            source: &self.source,
            content_path: &self.content_path,
            title: &self.meta.title,
            body: &self.body,
            body_line_offset: self.body_line_offset,
            raw: &self.raw,
            waive: &self.meta.waive,
        }
    }
}
