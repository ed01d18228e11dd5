//! What templates see: serializable views of pages, sections and taxonomies. A page's light
//! summary is built once and shared (cheaply cloned) by every listing that shows it; full
//! content only goes into the page's own context. `docs/templates.md` documents these fields.

use std::collections::BTreeMap;

use serde::Serialize;
use tera::Value;

use crate::markdown::Heading;
use crate::site::{Site, SitePage, SiteSection, Taxonomy, Term};
use crate::text::reading_minutes;

#[derive(Serialize)]
pub struct TermLink<'a> {
    pub name: &'a str,
    pub path: String,
}

/// A page as listings show it: no body, no table of contents.
#[derive(Serialize)]
pub struct PageSummary<'a> {
    pub title: &'a str,
    pub path: String,
    pub permalink: String,
    pub content_path: &'a str,
    pub date: Option<String>,
    pub updated: Option<String>,
    pub expires: Option<String>,
    pub expired: bool,
    pub summary: &'a str,
    pub description: &'a str,
    pub author: Option<&'a str>,
    pub source: Option<&'a str>,
    pub editor: Option<&'a str>,
    pub taxonomies: BTreeMap<&'a str, Vec<TermLink<'a>>>,
    pub cover: Option<String>,
    pub kind: Option<&'static str>,
    pub weight: Option<i64>,
    pub word_count: usize,
    pub reading_time: usize,
    pub section_title: &'a str,
    pub section_path: String,
    pub extra: &'a serde_json::Value,
}

/// A page's own view: the summary plus body, table of contents and neighbours.
#[derive(Serialize)]
pub struct PageFull<'a> {
    #[serde(flatten)]
    pub summary: PageSummary<'a>,
    pub content: &'a str,
    pub toc: &'a [Heading],
    pub draft: bool,
    pub assets: Vec<String>,
    pub previous: Option<Value>,
    /// The sections above the page, from the home page down to its own section (breadcrumbs).
    pub ancestors: Vec<SectionSummary<'a>>,
    pub next: Option<Value>,
}

/// A section as lists and navigation show it.
#[derive(Serialize)]
pub struct SectionSummary<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub path: String,
    pub permalink: String,
    pub content_path: &'a str,
    pub kind: Option<&'static str>,
    pub weight: Option<i64>,
    pub page_count: usize,
    pub extra: &'a serde_json::Value,
}

/// A section's own view, and what `get_section` returns.
#[derive(Serialize)]
pub struct SectionFull<'a> {
    #[serde(flatten)]
    pub summary: SectionSummary<'a>,
    pub content: &'a str,
    pub toc: &'a [Heading],
    pub subsections: Vec<SectionSummary<'a>>,
    pub parent: Option<SectionSummary<'a>>,
    /// The sections above this one, from the home page down to its parent (breadcrumbs).
    pub ancestors: Vec<SectionSummary<'a>>,
    /// Filled only by `get_section`, limited by its `limit` argument.
    pub pages: Vec<Value>,
}

#[derive(Serialize)]
pub struct TaxonomyView<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub path: String,
    pub permalink: String,
}

#[derive(Serialize)]
pub struct TermView<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub path: String,
    pub permalink: String,
    pub count: usize,
}

/// One entry of the top navigation.
#[derive(Serialize)]
pub struct NavItem<'a> {
    pub title: &'a str,
    pub path: String,
    pub permalink: String,
}

/// The section a page's kind comes from when the page sets none.
pub fn page_kind(site: &Site, p: &SitePage) -> Option<&'static str> {
    p.page
        .meta
        .kind
        .or(site.sections[p.section].section.meta.kind)
        .map(|k| k.name())
}

/// A cover image given as a site path is placed under the base path; others stay as written.
fn asset_url(site: &Site, p: &SitePage, raw: &str) -> String {
    if raw.starts_with('/') {
        site.url_path(raw)
    } else if raw.contains("://") {
        raw.to_string()
    } else {
        site.url_path(&format!("{}{raw}", p.path))
    }
}

pub fn page_summary<'a>(site: &'a Site, p: &'a SitePage) -> PageSummary<'a> {
    let section = &site.sections[p.section];
    let taxonomies = p
        .page
        .meta
        .taxonomies
        .iter()
        .map(|(name, terms)| {
            let links = terms
                .iter()
                .map(|t| TermLink {
                    name: t,
                    path: term_path(site, name, t),
                })
                .collect();
            (name.as_str(), links)
        })
        .collect();
    PageSummary {
        title: &p.page.meta.title,
        path: site.url_path(&p.path),
        permalink: site.permalink(&p.path),
        content_path: &p.page.content_path,
        date: p.page.meta.date.map(|d| d.for_templates()),
        updated: p.page.meta.updated.map(|d| d.for_templates()),
        expires: p.page.meta.expires.map(|d| d.for_templates()),
        expired: p.expired,
        summary: &p.summary_html,
        description: &p.description,
        author: p.page.meta.author.as_deref(),
        source: p.page.meta.source.as_deref(),
        editor: p.page.meta.editor.as_deref(),
        taxonomies,
        cover: p.page.meta.cover.as_deref().map(|c| asset_url(site, p, c)),
        kind: page_kind(site, p),
        weight: p.page.meta.weight,
        word_count: p.page.body.word_count,
        reading_time: reading_minutes(p.page.body.word_count),
        section_title: &section.section.meta.title,
        section_path: site.url_path(&section.path),
        extra: &p.page.meta.extra,
    }
}

fn term_path(site: &Site, taxonomy: &str, term: &str) -> String {
    let slug = crate::content::paths::name_slug(term);
    site.taxonomies
        .iter()
        .find(|t| t.name == taxonomy)
        .and_then(|t| t.terms.iter().find(|x| x.name == term || x.slug == slug))
        .map(|t| site.url_path(&t.path))
        .unwrap_or_default()
}

pub fn page_full<'a>(site: &'a Site, p: &'a SitePage, summaries: &[Value]) -> PageFull<'a> {
    PageFull {
        summary: page_summary(site, p),
        content: &p.html,
        toc: &p.page.body.toc,
        draft: p.page.meta.draft,
        assets: p
            .page
            .assets
            .iter()
            .map(|a| {
                site.url_path(&format!(
                    "{}{}",
                    p.path,
                    a.to_string_lossy().replace('\\', "/")
                ))
            })
            .collect(),
        previous: p.previous.and_then(|i| summaries.get(i).cloned()),
        ancestors: chain(site, Some(p.section)),
        next: p.next.and_then(|i| summaries.get(i).cloned()),
    }
}

pub fn section_summary<'a>(site: &'a Site, s: &'a SiteSection) -> SectionSummary<'a> {
    SectionSummary {
        title: &s.section.meta.title,
        description: s.section.meta.description.as_deref(),
        path: site.url_path(&s.path),
        permalink: site.permalink(&s.path),
        content_path: &s.section.content_path,
        kind: s.section.meta.kind.map(|k| k.name()),
        weight: s.section.meta.weight,
        page_count: s.pages.len(),
        extra: &s.section.meta.extra,
    }
}

pub fn section_full<'a>(site: &'a Site, s: &'a SiteSection, pages: Vec<Value>) -> SectionFull<'a> {
    SectionFull {
        summary: section_summary(site, s),
        content: &s.html,
        toc: &s.section.body.toc,
        subsections: s
            .subsections
            .iter()
            .map(|&i| section_summary(site, &site.sections[i]))
            .collect(),
        parent: s.parent.map(|i| section_summary(site, &site.sections[i])),
        ancestors: chain(site, s.parent),
        pages,
    }
}

/// Section `from` and every section above it, home page first.
fn chain(site: &Site, from: Option<usize>) -> Vec<SectionSummary<'_>> {
    let mut out = Vec::new();
    let mut next = from;
    while let Some(i) = next {
        out.push(section_summary(site, &site.sections[i]));
        next = site.sections[i].parent;
    }
    out.reverse();
    out
}

pub fn taxonomy_view<'a>(site: &'a Site, t: &'a Taxonomy) -> TaxonomyView<'a> {
    TaxonomyView {
        name: &t.name,
        title: &t.title,
        path: site.url_path(&t.path),
        permalink: site.permalink(&t.path),
    }
}

pub fn term_view<'a>(site: &'a Site, t: &'a Term) -> TermView<'a> {
    TermView {
        name: &t.name,
        slug: &t.slug,
        path: site.url_path(&t.path),
        permalink: site.permalink(&t.path),
        count: t.pages.len(),
    }
}

pub fn nav(site: &Site) -> Vec<NavItem<'_>> {
    site.sections[site.root()]
        .subsections
        .iter()
        .map(|&i| {
            let s = &site.sections[i];
            NavItem {
                title: &s.section.meta.title,
                path: site.url_path(&s.path),
                permalink: site.permalink(&s.path),
            }
        })
        .collect()
}

/// One section of the site map (网站地图) with the titles of its pages.
#[derive(Serialize)]
pub struct SitemapEntry<'a> {
    pub section: SectionSummary<'a>,
    /// 0 for the home section, 1 for the sections below it, and so on.
    pub depth: usize,
    /// The section's pages in its own order, as summaries.
    pub pages: Vec<Value>,
}

/// Every section, home first and each followed by the sections below it, with its pages.
pub fn sitemap<'a>(site: &'a Site, summaries: &[Value]) -> Vec<SitemapEntry<'a>> {
    let mut entries = Vec::with_capacity(site.sections.len());
    let mut stack = vec![(site.root(), 0)];
    while let Some((i, depth)) = stack.pop() {
        let s = &site.sections[i];
        entries.push(SitemapEntry {
            section: section_summary(site, s),
            depth,
            pages: s
                .pages
                .iter()
                .filter_map(|&p| summaries.get(p).cloned())
                .collect(),
        });
        stack.extend(s.subsections.iter().rev().map(|&sub| (sub, depth + 1)));
    }
    entries
}

/// Pager navigation for listing page `current` (1-based) of `count`.
#[derive(Serialize)]
pub struct Paginator {
    pub items: Vec<Value>,
    pub current_index: usize,
    pub number_pagers: usize,
    pub total_items: usize,
    pub paginate_by: usize,
    pub first: String,
    pub last: String,
    pub previous: Option<String>,
    pub next: Option<String>,
    /// Up to seven pagers around the current one, for numbered links.
    pub window: Vec<PagerLink>,
}

#[derive(Serialize)]
pub struct PagerLink {
    pub index: usize,
    pub path: String,
    pub current: bool,
}

/// The site path of pager `index` (1-based) of a listing at `base`.
pub fn pager_path(base: &str, index: usize) -> String {
    if index <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{index}/")
    }
}

impl Paginator {
    pub fn new(
        site: &Site,
        base: &str,
        items: Vec<Value>,
        current: usize,
        count: usize,
        total: usize,
        per: usize,
    ) -> Self {
        let url = |i: usize| site.url_path(&pager_path(base, i));
        let start = current.saturating_sub(3).max(1);
        let end = (start + 6).min(count);
        let start = end.saturating_sub(6).max(1);
        Paginator {
            items,
            current_index: current,
            number_pagers: count,
            total_items: total,
            paginate_by: per,
            first: url(1),
            last: url(count),
            previous: (current > 1).then(|| url(current - 1)),
            next: (current < count).then(|| url(current + 1)),
            window: (start..=end)
                .map(|i| PagerLink {
                    index: i,
                    path: url(i),
                    current: i == current,
                })
                .collect(),
        }
    }
}
