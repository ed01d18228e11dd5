//! Resolves `@/path.md#anchor` links now that every URL is known, and finishes each page's
//! HTML and summary. A link to a missing page or heading is an error at its line.

use std::sync::Arc;

use rayon::prelude::*;

use super::{Site, SitePage, Target};
use crate::error::Diagnostic;
use crate::markdown::{InternalLink, Rendered};
use crate::yaml::closest;

const PLACEHOLDER_PREFIX: &str = "\"@wm-link/";

/// A page's body with its internal links resolved.
pub struct ResolvedPage {
    html: Option<String>,
    summary_html: String,
    description: String,
}

impl ResolvedPage {
    pub fn apply(self, p: &mut SitePage) {
        // A build owns its pages alone: the placeholder version is not needed any more, and
        // large sites feel the memory. (`serve` shares them with its cache and keeps them.)
        if let (Some(_), Some(page)) = (&self.html, Arc::get_mut(&mut p.page)) {
            page.body.html = String::new();
            page.body.summary_html = None;
        }
        p.resolved_html = self.html;
        p.summary_html = self.summary_html;
        p.description = self.description;
    }
}

/// Resolves the internal links of one page against the site.
pub fn resolve_page(site: &Site, p: &SitePage) -> (ResolvedPage, Vec<Diagnostic>) {
    let (urls, errors) = link_urls(
        site,
        &p.page.body.links,
        &p.page.source,
        p.page.body_line_offset,
    );
    let resolved = ResolvedPage {
        html: resolved(&p.page.body.html, &urls),
        summary_html: summary_html(&p.page.body, p.page.meta.summary.as_deref(), &urls),
        description: p
            .page
            .meta
            .summary
            .clone()
            .unwrap_or_else(|| p.page.body.excerpt.clone()),
    };
    (resolved, errors)
}

/// Fills in the resolved HTML, `summary_html` and `description` of every page and section.
pub fn resolve(site: &mut Site) -> Vec<Diagnostic> {
    let page_results: Vec<(ResolvedPage, Vec<Diagnostic>)> = site
        .pages
        .par_iter()
        .map(|p| resolve_page(site, p))
        .collect();
    let section_results: Vec<(Option<String>, Vec<Diagnostic>)> = site
        .sections
        .par_iter()
        .map(|s| {
            let (urls, errors) = link_urls(
                site,
                &s.section.body.links,
                &s.section.source,
                s.section.body_line_offset,
            );
            (resolved(&s.section.body.html, &urls), errors)
        })
        .collect();

    let mut errors = Vec::new();
    for (p, (resolved, mut es)) in site.pages.iter_mut().zip(page_results) {
        // Just linked, each page is held here alone: this changes it in place.
        resolved.apply(Arc::make_mut(p));
        errors.append(&mut es);
    }
    for (s, (html, mut es)) in site.sections.iter_mut().zip(section_results) {
        if let (Some(_), Some(section)) = (&html, Arc::get_mut(&mut s.section)) {
            section.body.html = String::new();
        }
        s.resolved_html = html;
        errors.append(&mut es);
    }
    errors
}

/// The HTML with its link placeholders replaced, or `None` when it has no internal links
/// (then the HTML is used as it is, without a copy).
fn resolved(html: &str, urls: &[String]) -> Option<String> {
    (!urls.is_empty()).then(|| replace_placeholders(html, urls))
}

fn summary_html(body: &Rendered, summary: Option<&str>, urls: &[String]) -> String {
    if let Some(marked) = &body.summary_html {
        return replace_placeholders(marked, urls);
    }
    let text = summary.unwrap_or(&body.excerpt);
    if text.is_empty() {
        String::new()
    } else {
        format!("<p>{}</p>", crate::text::escape_html(text))
    }
}

/// The resolved `href` of each link, in order, and an error for each broken one.
fn link_urls(
    site: &Site,
    links: &[InternalLink],
    source: &std::path::Path,
    line_offset: usize,
) -> (Vec<String>, Vec<Diagnostic>) {
    let mut urls = Vec::with_capacity(links.len());
    let mut errors = Vec::new();
    for link in links {
        let at = |d: Diagnostic| d.at(link.position.line + line_offset, link.position.column);
        let (url, anchors) = match site.lookup(&link.target) {
            Some(Target::Page(i)) => (
                site.url_path(&site.pages[i].path),
                &site.pages[i].page.body.anchors,
            ),
            Some(Target::Section(i)) => (
                site.url_path(&site.sections[i].path),
                &site.sections[i].section.body.anchors,
            ),
            None => {
                let known: Vec<&str> = site.by_content_path.keys().map(String::as_str).collect();
                let mut d = at(Diagnostic::new(
                    source,
                    format!("内部链接 @/{} 指向的文件不存在", link.target),
                ));
                d = match closest(&link.target, &known) {
                    Some(c) => d.hint(format!("是否想写 @/{c}？路径从 content/ 下算起")),
                    None => d.hint("路径从 content/ 下算起，例如 @/rules/tiaoli.md"),
                };
                errors.push(d);
                urls.push("#".to_string());
                continue;
            }
        };
        match &link.anchor {
            Some(anchor) if !anchors.contains(anchor) => {
                let known: Vec<&str> = anchors.iter().map(String::as_str).collect();
                let mut d = at(Diagnostic::new(
                    source,
                    format!(
                        "内部链接 @/{} 中的锚点 #{anchor} 在该页面中不存在",
                        link.target
                    ),
                ));
                if let Some(c) = closest(anchor, &known) {
                    d = d.hint(format!("是否想写 #{c}？"));
                } else if !known.is_empty() {
                    d = d.hint(format!(
                        "该页面的锚点有：{}",
                        known
                            .iter()
                            .take(10)
                            .cloned()
                            .collect::<Vec<_>>()
                            .join("、")
                    ));
                }
                errors.push(d);
                urls.push(url);
            }
            Some(anchor) => urls.push(format!("{url}#{anchor}")),
            None => urls.push(url),
        }
    }
    (urls, errors)
}

/// Replaces each `"@wm-link/N"` attribute value with the escaped URL of link N.
pub fn replace_placeholders(html: &str, urls: &[String]) -> String {
    if urls.is_empty() || !html.contains(PLACEHOLDER_PREFIX) {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len() + urls.len() * 16);
    let mut rest = html;
    while let Some(start) = rest.find(PLACEHOLDER_PREFIX) {
        let after = &rest[start + PLACEHOLDER_PREFIX.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let url = after[..digits]
            .parse::<usize>()
            .ok()
            .and_then(|n| urls.get(n));
        match url {
            Some(url) if after[digits..].starts_with('"') => {
                out.push_str(&rest[..start]);
                out.push('"');
                out.push_str(&crate::text::escape_html(url));
                out.push('"');
                rest = &after[digits + 1..];
            }
            _ => {
                out.push_str(&rest[..start + 1]);
                rest = &rest[start + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_replaced_and_escaped() {
        let html =
            "<a href=\"@wm-link/0\">a</a><a href=\"@wm-link/1\">b</a><a href=\"@wm-link/9\">c</a>";
        let urls = vec!["/a/#第五条".to_string(), "/b/?x=1&y=2".to_string()];
        assert_eq!(
            replace_placeholders(html, &urls),
            "<a href=\"/a/#第五条\">a</a><a href=\"/b/?x=1&amp;y=2\">b</a><a href=\"@wm-link/9\">c</a>"
        );
    }
}
