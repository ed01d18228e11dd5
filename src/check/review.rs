//! The review trail (三审三校, 先审后发): with `check: {require_review: true}` every page needs
//! 初审, 复审 and 终审 in its `review` front matter; a 终审 after the publish time means the
//! page went out before its final review.

use super::{Code, Finding};
use crate::site::{Site, SitePage};
use crate::text::dates::Date;
use crate::yaml::key_line;

const EXAMPLE: &str =
    "例如 review: {初审: {by: 王芳, date: 2026-03-05 09:00, opinion: 同意}, 复审: {…}, 终审: {…}}";

/// Review rules for every page.
pub fn find(site: &Site, out: &mut Vec<Finding>) {
    let required = site.config.check.require_review;
    for p in &site.pages {
        let review = p.page.meta.review.as_ref();
        if required {
            let missing = review.map_or_else(
                || crate::content::editorial::REVIEW_LEVELS.to_vec(),
                |r| r.missing_levels(),
            );
            if !missing.is_empty() {
                out.push(
                    at_key(
                        p,
                        "review",
                        Code::ReviewMissing,
                        format!(
                            "页面“{}”未完成三审，缺少{}，不能发布",
                            p.page.meta.title,
                            missing.join("、")
                        ),
                    )
                    .suggest(EXAMPLE),
                );
            }
        }
        let final_review = review.and_then(|r| r.steps[2].as_ref());
        if let (Some(step), Some(published)) = (final_review, p.page.meta.date)
            && is_later(step.date, published)
        {
            out.push(
                at_key(
                    p,
                    "终审",
                    Code::ReviewAfterPublish,
                    format!(
                        "终审时间 {} 晚于发布时间 {}，违反先审后发",
                        step.date.metadata(),
                        published.metadata()
                    ),
                )
                .suggest("核对终审日期；发布时间不得早于终审"),
            );
        }
    }
}

/// Compares by the minute when both have a time, else by the day.
fn is_later(a: Date, b: Date) -> bool {
    if a.has_time && b.has_time {
        a.local > b.local
    } else {
        a.local.date() > b.local.date()
    }
}

/// A finding at the line of `key` in the page's front matter, or at its first line.
pub fn at_key(p: &SitePage, key: &str, code: Code, message: String) -> Finding {
    let f = Finding::new(code, &p.page.source, message);
    match key_line(p.page.raw.front_matter(), key) {
        Some((line, column)) => f.at_line_column(line, column),
        None => f.at_line_start(1),
    }
}
