//! The front matter of a `kind: directory` section (新时代文明实践 阵地 directory): the data
//! file under `data/` that lists the 阵地. The rows themselves are read by the link stage
//! (`site::directory`), which has the data files.

use super::front_matter::Kind;
use crate::yaml::{Fields, YamlDoc};

/// Front matter keys a directory section adds to the common section keys.
pub fn section_keys(kind: Option<Kind>) -> &'static [&'static str] {
    match kind {
        Some(Kind::Directory) => &["data"],
        _ => &[],
    }
}

/// Where a directory section's entries come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectorySource {
    /// Path below `data/`, e.g. `zhen-di.csv`.
    pub data: String,
    /// Line of `data:` in the `_index.md`, for a missing file.
    pub data_line: usize,
}

/// Reads `data:` of a `kind: directory` section; `None` for other sections, and when `data`
/// is missing (reported in `f.errors`).
pub fn source(kind: Option<Kind>, doc: &YamlDoc, f: &mut Fields) -> Option<DirectorySource> {
    if kind != Some(Kind::Directory) {
        return None;
    }
    let data = f.string("data");
    let data = f.require("data", data, "data: zhen-di.csv")?;
    Some(DirectorySource {
        data: data.trim().trim_start_matches("data/").to_string(),
        data_line: doc.key_position("data").line,
    })
}
