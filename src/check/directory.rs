//! Rules for 新时代文明实践 阵地 directories (`kind: directory` sections): an entry without an
//! 地址 or 开放时间 (`directory-incomplete`, at the data file's line), and a directory whose data
//! file has not changed for longer than the section's `stale_after_days` (`section-stale`, at
//! the section's `data:` line). Inspectors visit the 阵地 a site lists: each must be findable
//! and the list kept current.

use super::columns::default_stale_days;
use super::{Code, Finding};
use crate::site::Site;

/// Every directory rule over the linked site.
pub fn find(site: &Site, out: &mut Vec<Finding>) {
    for s in &site.sections {
        let (Some(directory), Some(source)) = (&s.directory, &s.section.meta.directory) else {
            continue;
        };
        let file = std::path::Path::new("data").join(&directory.data);
        for e in directory.entries() {
            let missing: Vec<&str> = [("地址", &e.address), ("开放时间", &e.hours)]
                .into_iter()
                .filter(|(_, value)| value.is_empty())
                .map(|(name, _)| name)
                .collect();
            if !missing.is_empty() {
                out.push(
                    Finding::new(
                        Code::DirectoryIncomplete,
                        &file,
                        format!("阵地“{}”没有填写{}", e.name, missing.join("、")),
                    )
                    .at_line_start(e.line)
                    .suggest("补全后再发布：群众和检查人员要按地址和开放时间找到阵地；已撤销的阵地请从表中删除"),
                );
            }
        }
        let days = s
            .section
            .meta
            .stale_after_days
            .unwrap_or_else(|| default_stale_days(s.section.meta.kind));
        let Some(modified) = site.data_modified.get(&directory.data) else {
            continue;
        };
        let since = site.now.duration_since(*modified).as_secs() / 86_400;
        if days > 0 && since > days as i64 {
            let date = crate::text::dates::Date::from_timestamp(*modified).metadata();
            out.push(
                Finding::new(
                    Code::SectionStale,
                    &s.section.source,
                    format!(
                        "阵地目录“{}”的数据文件 {} 已 {since} 天未更新（最后修改 {date}，要求 {days} 天内）",
                        s.section.meta.title,
                        file.display()
                    ),
                )
                .at_line_start(source.data_line)
                .suggest(format!(
                    "逐一核实各阵地的地址、开放时间、电话和状态后更新数据文件；可在 _index.md 中用 stale_after_days 调整（当前 {days} 天）"
                )),
            );
        }
    }
}
