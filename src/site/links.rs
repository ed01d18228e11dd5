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
        // Shortcodes are expanded from it later.
        if let (Some(_), Some(page)) = (&self.html, Arc::get_mut(&mut p.page))
            && page.body.shortcodes.is_empty()
        {
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
    let base_path = site.config.base_path();
    let resolved = ResolvedPage {
        html: finish_html(&p.page.body.html, &urls, base_path),
        summary_html: summary_html(
            &p.page.body,
            p.page.meta.summary.as_deref(),
            &urls,
            base_path,
        ),
        description: p
            .page
            .meta
            .description
            .clone()
            .or_else(|| p.page.meta.summary.clone())
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
            (
                finish_html(&s.section.body.html, &urls, site.config.base_path()),
                errors,
            )
        })
        .collect();

    let mut errors = Vec::new();
    for (p, (resolved, mut es)) in site.pages.iter_mut().zip(page_results) {
        // Just linked, each page is held here alone: this changes it in place.
        resolved.apply(Arc::make_mut(p));
        errors.append(&mut es);
    }
    for (s, (html, mut es)) in site.sections.iter_mut().zip(section_results) {
        if let (Some(_), Some(section)) = (&html, Arc::get_mut(&mut s.section))
            && section.body.shortcodes.is_empty()
        {
            section.body.html = String::new();
        }
        s.resolved_html = html;
        errors.append(&mut es);
    }
    errors
}

fn summary_html(
    body: &Rendered,
    summary: Option<&str>,
    urls: &[String],
    base_path: &str,
) -> String {
    if let Some(marked) = &body.summary_html {
        return finish_html(marked, urls, base_path).unwrap_or_else(|| marked.clone());
    }
    let text = summary.unwrap_or(&body.excerpt);
    if text.is_empty() {
        String::new()
    } else {
        format!("<p>{}</p>", crate::text::escape_html(text))
    }
}

/// Why an `@/` link cannot be followed, with the message and hint an editor sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkProblem {
    /// The target is a file that could not be read: its own error says why.
    Unreadable,
    /// No page or section has this content path.
    MissingTarget { message: String, hint: String },
    /// The target exists but has no heading with this id.
    MissingAnchor {
        /// The target's URL, still usable without the anchor.
        url: String,
        message: String,
        hint: Option<String>,
    },
}

/// Resolves the `@/` link `target` (a path inside `content/`) and its `#anchor` to a URL.
pub fn resolve_target(
    site: &Site,
    target: &str,
    anchor: Option<&str>,
) -> Result<String, LinkProblem> {
    let (url, anchors) = match site.lookup(target) {
        Some(Target::Page(i)) => (
            site.url_path(&site.pages[i].path),
            &site.pages[i].page.body.anchors,
        ),
        Some(Target::Section(i)) => (
            site.url_path(&site.sections[i].path),
            &site.sections[i].section.body.anchors,
        ),
        None if site.is_unreadable(target) => return Err(LinkProblem::Unreadable),
        None => {
            let known: Vec<&str> = site.by_content_path.keys().map(String::as_str).collect();
            let hint = match closest(target, &known) {
                Some(c) => format!("是否想写 @/{c}？路径从 content/ 下算起"),
                None => "路径从 content/ 下算起，例如 @/rules/tiaoli.md".to_string(),
            };
            return Err(LinkProblem::MissingTarget {
                message: format!("内部链接 @/{target} 指向的文件不存在"),
                hint,
            });
        }
    };
    match anchor {
        Some(anchor) if !anchors.iter().any(|a| a == anchor) => {
            let known: Vec<&str> = anchors.iter().map(String::as_str).collect();
            let hint = if let Some(c) = closest(anchor, &known) {
                Some(format!("是否想写 #{c}？"))
            } else if !known.is_empty() {
                Some(format!(
                    "该页面的锚点有：{}",
                    known
                        .iter()
                        .take(10)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("、")
                ))
            } else {
                None
            };
            Err(LinkProblem::MissingAnchor {
                url,
                message: format!("内部链接 @/{target} 中的锚点 #{anchor} 在该页面中不存在"),
                hint,
            })
        }
        Some(anchor) => Ok(format!("{url}#{anchor}")),
        None => Ok(url),
    }
}

/// The content path (`news/a.md`) a relative link `written` in `source` (`content/news/b.md`)
/// names: from the folder of `source`, `.` and `..` resolved. `None` when it climbs out of
/// `content/`.
pub fn relative_content_path(source: &std::path::Path, written: &str) -> Option<String> {
    let inside = source.strip_prefix("content").unwrap_or(source);
    let folder = inside
        .parent()
        .map(|p| p.to_string_lossy().replace('\\', "/"));
    let mut segments: Vec<&str> = Vec::new();
    let folder = folder.unwrap_or_default();
    for seg in folder.split('/').chain(written.split('/')) {
        match seg {
            "" | "." => {}
            ".." => {
                segments.pop()?;
            }
            s => segments.push(s),
        }
    }
    Some(segments.join("/"))
}

/// Resolves a link to another Markdown file by its relative name, as an `@/` link to the
/// content path it names; the messages show the link as the editor wrote it.
pub fn resolve_relative(
    site: &Site,
    source: &std::path::Path,
    written: &str,
    anchor: Option<&str>,
) -> Result<String, LinkProblem> {
    let shown = match anchor {
        Some(a) => format!("{written}#{a}"),
        None => written.to_string(),
    };
    let missing = |hint: String| LinkProblem::MissingTarget {
        message: format!("内部链接 {shown} 指向的文件不存在"),
        hint,
    };
    let Some(target) = relative_content_path(source, written) else {
        return Err(missing(
            "相对链接从本文件所在的文件夹算起，不能超出 content/；也可以写成 @/ 加 content/ 下的路径".to_string(),
        ));
    };
    match resolve_target(site, &target, anchor) {
        Err(LinkProblem::MissingTarget { .. }) => Err(missing(format!(
            "相对链接从本文件所在的文件夹算起，这里指向 content/{target}；检查文件名，或写成 @/ 加 content/ 下的路径"
        ))),
        Err(LinkProblem::MissingAnchor { url, hint, .. }) => Err(LinkProblem::MissingAnchor {
            url,
            message: format!(
                "内部链接 {written} 中的锚点 #{} 在该页面中不存在",
                anchor.unwrap_or_default()
            ),
            hint,
        }),
        other => other,
    }
}

/// The resolved `href` of each link, in order, and an error for each broken one.
pub fn link_urls(
    site: &Site,
    links: &[InternalLink],
    source: &std::path::Path,
    line_offset: usize,
) -> (Vec<String>, Vec<Diagnostic>) {
    let mut urls = Vec::with_capacity(links.len());
    let mut errors = Vec::new();
    for link in links {
        let at = |message: String| {
            Diagnostic::new(source, message)
                .at(link.position.line + line_offset, link.position.column)
        };
        let resolved = if link.relative {
            resolve_relative(site, source, &link.target, link.anchor.as_deref())
        } else {
            resolve_target(site, &link.target, link.anchor.as_deref())
        };
        match resolved {
            Ok(url) => urls.push(url),
            Err(LinkProblem::Unreadable) => urls.push("#".to_string()),
            Err(LinkProblem::MissingTarget { message, hint }) => {
                errors.push(at(message).hint(hint));
                urls.push("#".to_string());
            }
            Err(LinkProblem::MissingAnchor { url, message, hint }) => {
                let mut d = at(message);
                if let Some(hint) = hint {
                    d = d.hint(hint);
                }
                errors.push(d);
                urls.push(url);
            }
        }
    }
    (urls, errors)
}

/// [`finish_html`], keeping `html` when nothing changes.
pub fn finished(html: String, urls: &[String], base_path: &str) -> String {
    finish_html(&html, urls, base_path).unwrap_or(html)
}

/// The final body HTML: site paths written in the content (`/images/a.svg`, `/news/`) get the
/// base URL's path (for sites served under one, e.g. `/wenming`), and internal links their
/// URLs. `None` when neither changes anything: then the HTML is used as it is, without a copy.
fn finish_html(html: &str, urls: &[String], base_path: &str) -> Option<String> {
    let has_site_paths =
        !base_path.is_empty() && SITE_PATH_ATTRIBUTES.iter().any(|a| html.contains(a));
    (!urls.is_empty() || has_site_paths)
        .then(|| replace_placeholders(&prefix_site_paths(html, base_path), urls))
}

/// The starts of the attributes whose site paths get the base path (`poster` is written by
/// shortcode templates only: the sanitizer drops it; `srcset` lists a photo's copies).
const SITE_PATH_ATTRIBUTES: [&str; 4] = ["href=\"/", "src=\"/", "poster=\"/", "srcset=\"/"];

/// Puts `base_path` in front of every `href="/…"`, `src="/…"` and `poster="/…"`, and of every
/// URL of a `srcset="/… 480w, /… 960w"` (not `//host`).
pub fn prefix_site_paths(html: &str, base_path: &str) -> String {
    if base_path.is_empty() {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    // Only attributes of tags: text never holds a raw `<` (it is written `&lt;`), so
    // following `<`, quotes and `>` tells where tags are. `src="/a"` written in a code
    // block is text and stays as it is.
    let (mut in_tag, mut quote) = (false, None);
    loop {
        let next = SITE_PATH_ATTRIBUTES
            .iter()
            .filter_map(|p| rest.find(p).map(|i| (i, p.len())))
            .min();
        let Some((i, len)) = next else { break };
        let (before, after) = rest.split_at(i + len - 1);
        for b in before.bytes() {
            match (in_tag, quote, b) {
                (false, _, b'<') => in_tag = true,
                (true, None, b'"' | b'\'') => quote = Some(b),
                (true, Some(q), _) if q == b => quote = None,
                (true, None, b'>') => in_tag = false,
                _ => {}
            }
        }
        out.push_str(before);
        let prefixed = in_tag && !after[1..].starts_with('/');
        if prefixed {
            out.push_str(base_path);
        }
        out.push('/');
        rest = &after[1..];
        if prefixed && before.ends_with("srcset=\"") {
            // The other URLs of the list, up to the closing quote.
            let end = rest.find('"').unwrap_or(rest.len());
            let mut entries = rest[..end].split(", /");
            out.push_str(entries.next().unwrap_or_default());
            for entry in entries {
                out.push_str(", ");
                if !entry.starts_with('/') {
                    out.push_str(base_path);
                }
                out.push('/');
                out.push_str(entry);
            }
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    out
}

/// Replaces each `"@wm-link/N"` attribute value with the escaped URL of link N.
pub fn replace_placeholders(html: &str, urls: &[String]) -> String {
    if urls.is_empty() || !html.contains(PLACEHOLDER_PREFIX) {
        return html.to_string();
    }
    crate::text::replace_numbered(html, PLACEHOLDER_PREFIX, |n, out| match urls.get(n) {
        Some(url) => {
            out.push('"');
            out.push_str(&crate::text::escape_html(url));
            out.push('"');
            true
        }
        None => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_paths_get_the_base_path_but_other_hosts_do_not() {
        assert_eq!(
            prefix_site_paths(
                "<a href=\"/news/\">x</a><img src=\"/images/a.svg\"><a href=\"//cdn.example/x\">y</a><a href=\"https://a.example/\">z</a>",
                "/wm"
            ),
            "<a href=\"/wm/news/\">x</a><img src=\"/wm/images/a.svg\"><a href=\"//cdn.example/x\">y</a><a href=\"https://a.example/\">z</a>"
        );
        assert_eq!(prefix_site_paths("<a href=\"/x\">", ""), "<a href=\"/x\">");
        assert_eq!(
            prefix_site_paths(
                "<img src=\"/a.960.1f.jpg\" srcset=\"/a.480.1f.jpg 480w, /a.960.1f.jpg 960w, //cdn.example/b.jpg 1600w\" sizes=\"100vw\">",
                "/wm"
            ),
            "<img src=\"/wm/a.960.1f.jpg\" srcset=\"/wm/a.480.1f.jpg 480w, /wm/a.960.1f.jpg 960w, //cdn.example/b.jpg 1600w\" sizes=\"100vw\">"
        );
        assert_eq!(
            prefix_site_paths(
                "<pre><code>&lt;img src=\"/a.png\"&gt;</code></pre><img alt=\"a>b\" src=\"/b.png\">",
                "/wm"
            ),
            "<pre><code>&lt;img src=\"/a.png\"&gt;</code></pre><img alt=\"a>b\" src=\"/wm/b.png\">"
        );
    }

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
