//! The front matter of a `kind: directory` section (新时代文明实践 阵地 directory): the data
//! file under `data/` that lists the 阵地. The rows themselves are read by the link stage
//! (`site::directory`), which has the data files.

use crate::vocabulary::Kind;
use crate::yaml::{Fields, YamlDoc};

/// The columns of a directory's data file, in the order editors write them.
pub const COLUMNS: &[&str] = &[
    "名称",
    "级别",
    "区县",
    "街道",
    "地址",
    "开放时间",
    "联系电话",
    "状态",
];

/// 中心 (city or county), 所 (street or town), 站 (community or village).
pub const LEVELS: &[&str] = &["中心", "所", "站"];

/// What a 阵地's 状态 may say; only the first counts as open.
pub const STATUSES: &[&str] = &["正常开放", "暂停开放", "建设中"];

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
    let Some(data) = f.string("data") else {
        if doc.get("data").is_none() {
            f.errors.push(
                doc.error_at("kind", "阵地目录（kind: directory）缺少数据文件 data")
                    .hint(format!(
                        "例如 data: zhen-di.csv，把这个 CSV 文件放在 data/ 下，表头为 {}",
                        COLUMNS.join(",")
                    )),
            );
        }
        return None;
    };
    Some(DirectorySource {
        data: data.trim().trim_start_matches("data/").to_string(),
        data_line: doc.key_position("data").line,
    })
}
