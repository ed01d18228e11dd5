//! What templates see: serializable views of pages, sections and taxonomies. A page's light
//! summary is built once and shared (cheaply cloned) by every listing that shows it; full
//! content only goes into the page's own context. `docs/templates.md` documents these fields.

use std::collections::BTreeMap;

use serde::Serialize;
use tera::Value;

use super::charts;
use crate::content::kinds::{Correction, KindFields, Notice, Rule, RuleStatus, Story};
use crate::markdown::{Article, Chapter, Heading};
use crate::site::pager::pager_path;
use crate::site::progress::{DashboardMetric, DepartmentRow, PageProgress};
use crate::site::ranking::RankingTable;
use crate::site::{SectionId, Site, SitePage, SiteSection, Taxonomy, Term};
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
    /// The resized copies and thumbnails of a cover photo (JPEG, PNG of the site).
    pub cover_image: Option<super::photos::CoverImage>,
    pub kind: Option<&'static str>,
    pub weight: Option<i64>,
    pub word_count: usize,
    pub reading_time: usize,
    pub section_title: &'a str,
    pub section_path: String,
    /// story fields: volunteers, team, hours, place.
    pub story: Option<&'a Story>,
    /// rule fields, with the status and the replacing rule.
    pub rule: Option<RuleView<'a>>,
    /// notice fields: doc_number.
    pub notice: Option<&'a Notice>,
    /// 期号 of a progress announcement.
    pub issue_no: Option<&'a str>,
    /// Dated 更正说明.
    pub corrections: &'a [Correction],
    pub extra: &'a serde_json::Value,
}

/// A link to another page.
#[derive(Serialize)]
pub struct LinkView<'a> {
    pub title: &'a str,
    pub path: String,
}

/// A rule's own fields as templates see them.
#[derive(Serialize)]
pub struct RuleView<'a> {
    pub doc_number: Option<&'a str>,
    pub issuer: Option<&'a str>,
    pub adopted: Option<String>,
    pub effective: Option<String>,
    /// 现行有效, 已修订 or 已废止.
    pub status: RuleStatus,
    pub in_force: bool,
    /// In force, but its `effective` date is still to come (尚未施行).
    pub pending: bool,
    pub superseded_by: Option<LinkView<'a>>,
}

/// A progress announcement's figures with a bar chart of the completion rates.
#[derive(Serialize)]
pub struct ProgressView<'a> {
    #[serde(flatten)]
    pub progress: &'a PageProgress,
    pub chart: String,
}

/// A ranking table with its bar chart.
#[derive(Serialize)]
pub struct RankingView<'a> {
    #[serde(flatten)]
    pub table: &'a RankingTable,
    pub chart: String,
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
    /// A regulation's chapters, each with its articles (rule pages).
    pub chapters: &'a [Chapter],
    /// A regulation's articles in order, each with its anchor (rule pages).
    pub articles: &'a [Article],
    pub progress: Option<ProgressView<'a>>,
    pub ranking: Option<RankingView<'a>>,
    /// A quiz's questions (知识问答).
    pub quiz: Option<&'a crate::content::quiz::Quiz>,
    /// The absolute URL of the picture a shared link shows: the cover photo's moderate copy
    /// (not the camera's original), else the cover as given; none without a cover.
    pub share_image: Option<String>,
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
    /// A directory section's 阵地 and counts (新时代文明实践 directory).
    pub directory: Option<&'a crate::site::directory::Directory>,
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

/// A page's content kind: its own, else its section's.
pub fn page_kind(site: &Site, p: &SitePage) -> Option<crate::content::Kind> {
    p.page
        .meta
        .kind
        .or(site.sections[p.section].section.meta.kind)
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

impl<'a> PageSummary<'a> {
    /// Page `p`'s summary view (listings share it as a value: `render::page_summary`).
    pub fn new(site: &'a Site, p: &'a SitePage) -> PageSummary<'a> {
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
            cover_image: p
                .page
                .cover_photo
                .as_ref()
                .zip(p.page.meta.cover.as_deref())
                .and_then(|(photo, c)| {
                    super::photos::cover_image(
                        photo,
                        &asset_url(site, p, c),
                        &site.config.images.covers,
                    )
                }),
            kind: page_kind(site, p).map(|k| k.name()),
            weight: p.page.meta.weight,
            word_count: p.page.body.word_count,
            reading_time: reading_minutes(p.page.body.word_count),
            section_title: &section.section.meta.title,
            section_path: site.url_path(&section.path),
            story: match &p.page.meta.fields {
                KindFields::Story(s) => Some(s),
                _ => None,
            },
            rule: match &p.page.meta.fields {
                KindFields::Rule(r) => Some(rule_view(site, p, r)),
                _ => None,
            },
            notice: match &p.page.meta.fields {
                KindFields::Notice(n) => Some(n),
                _ => None,
            },
            issue_no: match &p.page.meta.fields {
                KindFields::Progress(pr) => pr.issue_no.as_deref(),
                _ => None,
            },
            corrections: &p.page.meta.corrections,
            extra: &p.page.meta.extra,
        }
    }
}

fn term_path(site: &Site, taxonomy: &str, term: &str) -> String {
    site.taxonomies
        .iter()
        .find(|t| t.name == taxonomy)
        .and_then(|t| t.term(term))
        .map(|t| site.url_path(&t.path))
        .unwrap_or_default()
}

pub fn page_full<'a>(site: &'a Site, p: &'a SitePage, summaries: &[Value]) -> PageFull<'a> {
    let summary = PageSummary::new(site, p);
    let share_image = summary
        .cover_image
        .as_ref()
        .map(|c| c.full.src.clone())
        .or_else(|| summary.cover.clone())
        .map(|url| site.config.absolute_from_url_path(&url));
    PageFull {
        summary,
        content: p.html(),
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
        previous: p.previous.and_then(|i| summaries.get(i.index()).cloned()),
        ancestors: chain(site, Some(p.section)),
        next: p.next.and_then(|i| summaries.get(i.index()).cloned()),
        chapters: &p.page.body.chapters,
        articles: &p.page.body.articles,
        progress: p.progress.as_ref().map(|progress| ProgressView {
            progress,
            chart: charts::bars(
                "progress-chart",
                "各项指标完成率（%）",
                charts::Measure::Percent,
                &progress
                    .metrics
                    .iter()
                    .map(|m| {
                        (
                            m.name.clone(),
                            m.rate
                                .as_deref()
                                .and_then(|r| r.parse().ok())
                                .unwrap_or(0.0),
                            None,
                        )
                    })
                    .collect::<Vec<_>>(),
            ),
        }),
        ranking: p.ranking.as_ref().map(|table| RankingView {
            table,
            chart: charts::bars(
                "ranking-chart",
                "综合得分",
                charts::Measure::Score,
                &table
                    .rows
                    .iter()
                    .map(|r| {
                        (
                            r.unit.clone(),
                            r.score,
                            r.list.map(|l| if l == "red" { "红榜" } else { "黑榜" }),
                        )
                    })
                    .collect::<Vec<_>>(),
            ),
        }),
        quiz: match &p.page.meta.fields {
            KindFields::Quiz(q) => Some(q),
            _ => None,
        },
        share_image,
    }
}

/// Whether rule page `page` is in force but its `effective` date is still to come at the
/// site's `now` (尚未施行): a part of a page's own view that the clock alone changes.
pub fn rule_pending(site: &Site, page: &SitePage) -> bool {
    match &page.page.meta.fields {
        KindFields::Rule(r) => {
            r.status == RuleStatus::InForce && r.effective.is_some_and(|d| d.timestamp() > site.now)
        }
        _ => false,
    }
}

fn rule_view<'a>(site: &'a Site, page: &'a SitePage, r: &'a Rule) -> RuleView<'a> {
    RuleView {
        doc_number: r.doc_number.as_deref(),
        issuer: r.issuer.as_deref(),
        adopted: r.adopted.map(|d| d.for_templates()),
        effective: r.effective.map(|d| d.for_templates()),
        status: r.status,
        in_force: r.status == RuleStatus::InForce,
        pending: rule_pending(site, page),
        superseded_by: page.superseded_by.map(|i| {
            let target = &site.pages[i];
            LinkView {
                title: &target.page.meta.title,
                path: site.url_path(&target.path),
            }
        }),
    }
}

/// The progress dashboard with a trend chart per metric.
#[derive(Serialize)]
pub struct DashboardView<'a> {
    pub metrics: Vec<DashboardMetricView<'a>>,
    pub departments: &'a [DepartmentRow],
    pub latest_path: Option<&'a str>,
    pub latest_date: Option<&'a str>,
}

#[derive(Serialize)]
pub struct DashboardMetricView<'a> {
    #[serde(flatten)]
    pub metric: &'a DashboardMetric,
    pub chart: String,
}

pub fn dashboard(site: &Site) -> DashboardView<'_> {
    let d = &site.progress;
    DashboardView {
        metrics: d
            .metrics
            .iter()
            .map(|m| DashboardMetricView {
                metric: m,
                chart: charts::trend(
                    &format!("trend-{}", m.latest.id),
                    &format!("{}完成率变化", m.latest.name),
                    &m.history
                        .iter()
                        .map(|h| {
                            (
                                h.date.get(5..10).unwrap_or(&h.date).to_string(),
                                h.rate_value,
                            )
                        })
                        .collect::<Vec<_>>(),
                ),
            })
            .collect(),
        departments: &d.departments,
        latest_path: d.latest_path.as_deref(),
        latest_date: d.latest_date.as_deref(),
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
        content: s.html(),
        toc: &s.section.body.toc,
        subsections: s
            .subsections
            .iter()
            .map(|&i| section_summary(site, &site.sections[i]))
            .collect(),
        parent: s.parent.map(|i| section_summary(site, &site.sections[i])),
        ancestors: chain(site, s.parent),
        pages,
        directory: s.directory.as_deref(),
    }
}

/// Section `from` and every section above it, home page first.
fn chain(site: &Site, from: Option<SectionId>) -> Vec<SectionSummary<'_>> {
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
                .filter_map(|&p| summaries.get(p.index()).cloned())
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
