//! The publish-date manifest: `build` records the publish date of every published page in
//! `.wenming/manifest.json` beside `site.yaml` (a file to commit with the site, never in the
//! web root), so a later change of an already published date (伪造发稿日期, a veto item) is
//! caught, and a new page dated far in the past is noticed. A site built before the manifest
//! moved has it as `wenming-manifest.json` in its output; that copy is read until the first
//! build writes the new one.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::review::at_key;
use super::{Code, Finding};
use crate::error::Diagnostic;
use crate::site::Site;
use crate::text::dates::{self, Date};

pub use crate::output::{LEGACY_MANIFEST_FILE, MANIFEST_FILE};
use crate::output::{STATE_DIR, StateDir};

/// Published pages by URL path, with the publish date they were first published with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub pages: BTreeMap<String, Published>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Published {
    /// RFC 3339, Beijing time.
    pub date: String,
    /// The content file, for people reading the manifest.
    pub source: String,
}

impl Manifest {
    /// The manifest of the site at `root`: `.wenming/manifest.json`, or, for a site last
    /// built before the manifest moved there, the copy in its output folder `output`.
    pub fn read(root: &Path, output: &Path) -> Result<Option<Manifest>, Diagnostic> {
        match Manifest::read_file(&root.join(STATE_DIR).join(MANIFEST_FILE))? {
            Some(manifest) => Ok(Some(manifest)),
            None => Manifest::read_file(&output.join(LEGACY_MANIFEST_FILE)),
        }
    }

    /// Whether the site at `root` has its manifest in `.wenming/` (not only a legacy copy).
    pub fn is_saved(root: &Path) -> bool {
        root.join(STATE_DIR).join(MANIFEST_FILE).is_file()
    }

    /// Records this manifest as the site's, in one step (a new file renamed over the old).
    pub fn save(&self, root: &Path) -> Result<(), Diagnostic> {
        StateDir::open(root)?.write(MANIFEST_FILE, self.to_json().as_bytes())
    }

    fn read_file(path: &Path) -> Result<Option<Manifest>, Diagnostic> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(Diagnostic::new(path, format!("无法读取发布记录：{e}")));
            }
        };
        serde_json::from_str(&text).map(Some).map_err(|e| {
            Diagnostic::new(path, format!("发布记录格式错误：{e}")).hint(
                "这个文件由 wenming build 生成，请从版本库或备份中恢复它；删除它会失去对已发布页面发布时间的保护",
            )
        })
    }

    /// The manifest after this build: everything recorded before (pages taken down stay
    /// recorded), plus every dated page of `site`. With `record` false (previewing drafts),
    /// nothing new is recorded.
    pub fn next(previous: Option<&Manifest>, site: &Site, record: bool) -> Manifest {
        let mut next = previous.cloned().unwrap_or_default();
        if record {
            for p in &site.pages {
                if let Some(date) = p.page.meta.date {
                    next.pages.insert(
                        p.path.clone(),
                        Published {
                            date: date.rfc3339(),
                            source: p.page.source.to_string_lossy().replace('\\', "/"),
                        },
                    );
                }
            }
        }
        next
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// `date-changed` for published pages whose date differs from the record, `date-backdated`
/// for new pages dated more than `check.backdate_days` ago (only once a record exists).
pub fn find(site: &Site, previous: Option<&Manifest>, out: &mut Vec<Finding>) {
    let Some(previous) = previous else {
        return;
    };
    let backdate_days = site.config.check.backdate_days as i64;
    for p in &site.pages {
        let date = p.page.meta.date;
        match previous.pages.get(&p.path) {
            Some(recorded) => {
                let Ok(was) = dates::parse(&recorded.date) else {
                    continue;
                };
                if date.is_some_and(|d| d.timestamp() == was.timestamp()) {
                    continue;
                }
                let now = date.map_or("已删除".to_string(), |d| {
                    format!("现为 {}", d.metadata())
                });
                out.push(
                    at_key(p, "date", Code::DateChanged, format!(
                        "已发布页面的发布时间被修改：原为 {}，{now}",
                        shown(was)
                    ))
                    .suggest(format!(
                        "把 date 改回 {}，修改时间写在 updated 中；确属更正错误，请在 waive 中写明 date-changed 的理由",
                        shown(was)
                    )),
                );
            }
            None => {
                let Some(d) = date else { continue };
                let days = site.now.duration_since(d.timestamp()).as_secs() / 86_400;
                if days > backdate_days {
                    out.push(
                        at_key(p, "date", Code::DateBackdated, format!(
                            "新页面的发布时间 {} 比实际发布早 {days} 天",
                            d.metadata()
                        ))
                        .suggest(format!(
                            "发布时间应为实际发布的时间；补发旧稿请在正文中说明（可在 site.yaml 的 check.backdate_days 调整，当前 {backdate_days} 天）"
                        )),
                    );
                }
            }
        }
    }
}

/// A recorded date as editors write it: without seconds, and without a time at midnight.
fn shown(d: Date) -> String {
    let midnight = d.local.hour() == 0 && d.local.minute() == 0 && d.local.second() == 0;
    Date {
        has_time: !midnight,
        ..d
    }
    .metadata()
}
