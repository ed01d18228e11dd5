//! The output stage: the files a build produces (rendered pages, feeds, sitemap, robots.txt,
//! alias redirects, copied static files) and writing them so that `public/` only changes
//! after everything succeeded, only where the bytes differ, and only in files wenming wrote.

pub mod assets;
mod claims;
pub mod compress;
mod feeds;
pub mod nginx;
mod state;
mod write;

use std::path::PathBuf;

/// The publish-date manifest's file name inside the site's state folder (`.wenming/`), written
/// by build and read by the check rules. It lives with the site, never in the web root.
pub const MANIFEST_FILE: &str = "manifest.json";

/// Where builds before the manifest moved to `.wenming/` wrote it: inside the output folder.
/// Read once as the previous manifest when the site has none yet, then left to the writer,
/// which removes it from the output like any file it no longer produces.
pub const LEGACY_MANIFEST_FILE: &str = "wenming-manifest.json";

/// The search index's folder below the output.
pub const SEARCH_INDEX_DIR: &str = "search";

pub use claims::check_generated_claims;
pub use feeds::{alias_page, atom_feed, redirect_page, robots_txt, sitemaps, sitemaps_with_limit};
pub use state::{STATE_DIR, StateDir};
pub use write::{OutputWriter, WriteReport};

/// Where output files go as soon as they are ready (a staging folder, or memory).
pub type Emit<'a> = &'a (dyn Fn(OutputFile) -> Result<(), crate::error::Diagnostic> + Sync);

/// `value` as JSON safe to serve to, and embed in, web pages: `<`, `>` and `&` become
/// `\u003c`, `\u003e` and `\u0026` (they can only occur inside JSON strings, so the data is
/// unchanged), so no content text can ever close a `<script>` or be read as markup.
pub fn web_json(value: &impl serde::Serialize) -> String {
    let json = serde_json::to_string(value).unwrap_or_default();
    if !json.contains(['<', '>', '&']) {
        return json;
    }
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

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

#[cfg(test)]
mod tests {
    #[test]
    fn web_json_escapes_markup_and_keeps_the_data() {
        let text = "<script>alert('x')</script> & 文明";
        let json = super::web_json(&serde_json::json!({ "text": text }));
        assert_eq!(
            json,
            r#"{"text":"\u003cscript\u003ealert('x')\u003c/script\u003e \u0026 文明"}"#
        );
        let back: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(back["text"], text);
    }
}
