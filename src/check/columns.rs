//! Column rules from the government-website inspection (国办秘函〔2019〕19号): blank columns
//! (空白栏目), columns not updated in time (news-like kinds 14 days, notices and rules 180 days,
//! per section `stale_after_days`), a home page whose newest item is too old, and pages without
//! a publish date ("未注明信息发布时间的视为不更新").

use jiff::Timestamp;

use super::{Code, Finding};
use crate::content::Kind;
use crate::site::{Site, SiteSection};
use crate::text::dates::Date;

/// Days after which a section of `kind` counts as stale when it does not say.
pub fn default_stale_days(kind: Option<Kind>) -> usize {
    match kind {
        Some(Kind::Notice | Kind::Rule | Kind::Directory) => 180,
        _ => 14,
    }
}

fn days_since(date: Date, now: Timestamp) -> i64 {
    now.duration_since(date.timestamp()).as_secs() / 86_400
}

/// Every column rule over the linked site.
pub fn find(site: &Site, out: &mut Vec<Finding>) {
    // Page count and newest publish date of each section's whole subtree. Parents come before
    // children in `site.sections`, so walking backwards adds children into parents.
    let mut count: Vec<usize> = site.sections.iter().map(|s| s.pages.len()).collect();
    let mut newest: Vec<Option<Date>> = site
        .sections
        .iter()
        .map(|s| {
            s.pages
                .iter()
                .filter_map(|&i| site.pages[i].page.meta.date)
                .max()
        })
        .collect();
    for i in site.section_ids().rev() {
        if let Some(parent) = site.sections[i].parent {
            let (parent, i) = (parent.index(), i.index());
            count[parent] += count[i];
            newest[parent] = newest[parent].max(newest[i]);
        }
    }
    for (i, s) in site.section_ids().zip(&site.sections) {
        // A directory is kept current by its data file (see `super::directory`).
        if i == site.root() || s.directory.is_some() {
            continue;
        }
        let (count, newest) = (count[i.index()], newest[i.index()]);
        if count == 0 {
            if s.section.raw.body().trim().is_empty() {
                out.push(
                    section_finding(Code::SectionEmpty, s, format!("栏目“{}”没有任何内容（空白栏目）", s.section.meta.title))
                        .suggest("发布至少一篇文章，或在 _index.md 正文中写明栏目内容；暂不开放的栏目设 draft: true"),
                );
            }
            continue;
        }
        let days = s
            .section
            .meta
            .stale_after_days
            .unwrap_or_else(|| default_stale_days(s.section.meta.kind));
        stale(site, s, newest, days, out);
    }
    home(site, out);
    for p in &site.pages {
        if p.page.meta.date.is_none() {
            out.push(
                Finding::new(
                    Code::DateMissing,
                    &p.page.source,
                    format!("页面“{}”没有发布时间 date", p.page.meta.title),
                )
                .at_line_start(1)
                .suggest("在 front matter 中写 date: 2026-03-05 09:30；没有发布时间的信息在检查中视为未更新"),
            );
        }
        if let (Some(date), Some(expires)) = (p.page.meta.date, p.page.meta.expires)
            && expires < date
        {
            out.push(
                super::review::at_key(
                    p,
                    "expires",
                    Code::DateExpiresEarly,
                    format!(
                        "有效期至 expires（{}）早于发布时间 date（{}），页面一发布就是已过期",
                        expires.metadata(),
                        date.metadata()
                    ),
                )
                .suggest("核对两个日期：expires 是内容失效的时间，应晚于 date"),
            );
        }
        for taxonomy in &p.page.meta.empty_terms {
            out.push(
                super::review::at_key(
                    p,
                    taxonomy,
                    Code::TaxonomyTermEmpty,
                    format!("{taxonomy} 中有空白的一项，已忽略"),
                )
                .suggest(format!(
                    "删去空白的一项，或写上词条，例如 {taxonomy}: [志愿服务]"
                )),
            );
        }
    }
}

fn section_finding(code: Code, s: &SiteSection, message: String) -> Finding {
    Finding::new(code, &s.section.source, message).at_line_start(1)
}

fn stale(site: &Site, s: &SiteSection, newest: Option<Date>, days: usize, out: &mut Vec<Finding>) {
    if days == 0 {
        return;
    }
    let title = &s.section.meta.title;
    let suggestion = format!(
        "及时发布新内容；该栏目要求 {days} 天内更新，可在 _index.md 中用 stale_after_days 调整"
    );
    match newest {
        None => out.push(
            section_finding(
                Code::SectionStale,
                s,
                format!("栏目“{title}”的页面都没有发布时间，视为未更新"),
            )
            .suggest(suggestion),
        ),
        Some(date) => {
            let since = days_since(date, site.now);
            if since > days as i64 {
                out.push(
                    section_finding(
                        Code::SectionStale,
                        s,
                        format!(
                            "栏目“{title}”已 {since} 天未更新（最后更新 {}，要求 {days} 天内）",
                            date.metadata()
                        ),
                    )
                    .suggest(suggestion),
                );
            }
        }
    }
}

/// The home page shows the newest items of the whole site; inspections treat it as a column.
fn home(site: &Site, out: &mut Vec<Finding>) {
    let root = &site.sections[site.root()];
    let days = root.section.meta.stale_after_days.unwrap_or(14);
    if days == 0 || site.pages.is_empty() {
        return;
    }
    let newest = site.pages.iter().filter_map(|p| p.page.meta.date).max();
    let file = if root.from_file {
        root.section.source.clone()
    } else {
        "content/_index.md".into()
    };
    let message = match newest {
        None => "首页没有任何带发布时间的内容，视为未更新".to_string(),
        Some(date) => {
            let since = days_since(date, site.now);
            if since <= days as i64 {
                return;
            }
            format!(
                "首页最新内容已是 {since} 天前（{}），要求 {days} 天内更新",
                date.metadata()
            )
        }
    };
    let mut f = Finding::new(Code::HomeStale, file, message).suggest(format!(
        "两周不更新首页是单项否决项；可在 content/_index.md 中用 stale_after_days 调整（当前 {days} 天）"
    ));
    if root.from_file {
        f = f.at_line_start(1);
    }
    out.push(f);
}
