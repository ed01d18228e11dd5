//! What a change of the site invalidates. The views (`views.rs`) and templates decide what
//! each render job reads; this module, next to them, compares a new `Site` with what the last
//! render read ([`LastRender`]) and answers which jobs must be rendered again: the edited page,
//! its neighbours, the listings, taxonomy and home pages that show it, pages whose progress
//! figures, ranking table or replacing rule changed, pages using a changed template, pages
//! whose templates read the site through `get_page`, `get_section`, `get_taxonomy`,
//! `load_data` or `url(path="@/…")`, and those reading the progress dashboard, the
//! volunteer statistics or images of the static files (`image_set`) when these changed. `serve` asks ([`Affected::plan`]) and renders.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;
use tera::Value;

use super::functions::{READ_CLOCK, READ_DASHBOARD, READ_SITE};
use super::templates::TemplateSource;
use super::{Job, RECENT_PAGES, Renderer, countdown, views};
use crate::site::pager::{pager_count, pager_slice};
use crate::site::{self, PageId, SectionId, Site, Target};

/// What the last render read and which files it rendered, kept to tell what the next site
/// changes.
pub struct LastRender {
    site: Arc<Site>,
    summaries: Arc<Vec<Value>>,
    section_summaries: Vec<Value>,
    section_views: Vec<Value>,
    nav: Value,
    templates: Vec<TemplateSource>,
    /// Every rendered file and the job that rendered it (shared while the shape stays).
    shape: Arc<Shape>,
    /// The template of each job of `shape`.
    job_templates: Vec<Option<Arc<str>>>,
    /// What the rendering of each job of `shape` read through the template functions, as
    /// noted while it ran (`functions::READ_*`; of the render that made its file).
    job_reads: Vec<u8>,
}

impl LastRender {
    /// The site that was rendered.
    pub fn site(&self) -> &Arc<Site> {
        &self.site
    }

    /// The next moment at which a file of this render changes with time alone: the Beijing
    /// midnight after the render's moment when a template counted days (`days_until`).
    pub fn next_change(&self) -> Option<jiff::Timestamp> {
        self.job_reads
            .iter()
            .any(|r| r & READ_CLOCK != 0)
            .then(|| countdown::next_midnight(self.site.now))
            .flatten()
    }
}

/// The rendered files of a site and the jobs that render them.
struct Shape {
    jobs: Vec<(String, Job)>,
    /// Output path → index in `jobs`.
    index: HashMap<String, usize>,
}

impl Shape {
    fn new(jobs: Vec<(String, Job)>) -> Shape {
        let index = jobs
            .iter()
            .enumerate()
            .map(|(k, (path, _))| (path.clone(), k))
            .collect();
        Shape { jobs, index }
    }
}

/// The files to render for a new site, and the shape of the site they belong to.
pub struct RenderPlan {
    shape: Arc<Shape>,
    job_templates: Vec<Option<Arc<str>>>,
    /// What each job of `shape` read when it was last rendered (0 for new jobs, all dirty).
    job_reads: Vec<u8>,
    /// The index in `shape` of each of `dirty`.
    dirty_index: Vec<usize>,
    /// The jobs whose output may differ from the last render's.
    pub dirty: Vec<Job>,
}

impl RenderPlan {
    /// Every output path of the new site's rendered files.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.shape.jobs.iter().map(|(p, _)| p.as_str())
    }

    /// Notes what rendering each of `dirty` read (`reads[k]` for `dirty[k]`, from
    /// [`Renderer::render_noting`]), for telling what the next change touches.
    pub fn note_reads(&mut self, reads: &[u8]) {
        for (&k, &r) in self.dirty_index.iter().zip(reads) {
            if let Some(slot) = self.job_reads.get_mut(k) {
                *slot = r;
            }
        }
    }
}

/// A new site compared with the last render ([`LastRender`]; none: everything is new).
pub struct Affected<'a> {
    old: Option<&'a LastRender>,
    site: &'a Arc<Site>,
    templates: &'a [TemplateSource],
    compared: Compared<'a>,
    graph: TemplateGraph,
    changed_templates: HashSet<&'a str>,
    nav: Value,
    /// Something every page shows (the navigation, the fingerprinted names) changed.
    global: bool,
    /// Content or data changed (templates reading the site through functions re-render).
    model_changed: bool,
    dashboard_changed: bool,
    volunteers_changed: bool,
    /// An image of the static files (its plan or size) changed: templates calling
    /// `image_set` re-render.
    images_changed: bool,
}

impl<'a> Affected<'a> {
    /// Compares `site`, to be rendered with `templates`, with the last render `old`.
    /// `model_changed`: content or data changed since (not only templates or static files).
    pub fn new(
        old: Option<&'a LastRender>,
        site: &'a Arc<Site>,
        templates: &'a [TemplateSource],
        model_changed: bool,
    ) -> Affected<'a> {
        let compared = Compared::new(old, site);
        let changed_templates = match old {
            Some(r) => changed_templates(&r.templates, templates),
            None => HashSet::new(),
        };
        let nav = Value::from_serializable(&views::nav(site));
        // A stylesheet or script with a new fingerprinted name changes every page linking it.
        let global = old.is_none_or(|r| r.nav != nav || r.site.assets != site.assets);
        // Site-wide figures of the content kinds, read by the templates that use them.
        let dashboard_changed = old.is_some_and(|r| r.site.progress != site.progress);
        let volunteers_changed = old.is_some_and(|r| r.site.volunteers != site.volunteers);
        let images_changed = old.is_some_and(|r| r.site.images != site.images);
        Affected {
            old,
            site,
            templates,
            compared,
            graph: TemplateGraph::new(templates),
            changed_templates,
            nav,
            global,
            model_changed,
            dashboard_changed,
            volunteers_changed,
            images_changed,
        }
    }

    /// Every page's summary for the renderer: unchanged ones kept from the last render.
    pub fn summaries(&self) -> Arc<Vec<Value>> {
        self.compared.summaries.clone()
    }

    /// The jobs of the new site and which of them to render. `same_shape`: the site has the
    /// same pages, sections and terms in the same places as the last render's (a patched
    /// site), of which `reparsed` pages were parsed again (only their templates may be
    /// chosen anew).
    pub fn plan(&self, renderer: &Renderer, same_shape: bool, reparsed: &[PageId]) -> RenderPlan {
        let template_of = |job: &Job| renderer.template_for(job).map(Arc::<str>::from);
        let (shape, job_templates) = match self.old {
            Some(old) if same_shape && self.changed_templates.is_empty() => {
                let mut templates = old.job_templates.clone();
                for &i in reparsed {
                    let path = Job::Page(i).output_path(self.site);
                    if let Some(&k) = old.shape.index.get(&path) {
                        templates[k] = template_of(&Job::Page(i));
                    }
                }
                (old.shape.clone(), templates)
            }
            Some(old) if same_shape => {
                let templates = old
                    .shape
                    .jobs
                    .par_iter()
                    .map(|(_, job)| template_of(job))
                    .collect();
                (old.shape.clone(), templates)
            }
            _ => {
                let jobs: Vec<(String, Job)> = renderer
                    .jobs()
                    .into_par_iter()
                    .map(|job| (job.output_path(self.site), job))
                    .collect();
                let templates = jobs.par_iter().map(|(_, job)| template_of(job)).collect();
                (Arc::new(Shape::new(jobs)), templates)
            }
        };
        // Each job's index in the last render's shape, when it was there.
        let old_index: Vec<Option<usize>> = shape
            .jobs
            .par_iter()
            .enumerate()
            .map(|(k, (path, _))| {
                let old = self.old?;
                if same_shape {
                    Some(k)
                } else {
                    old.shape.index.get(path).copied()
                }
            })
            .collect();
        let job_reads = old_index
            .iter()
            .map(|old_k| {
                old_k
                    .zip(self.old)
                    .and_then(|(k, old)| old.job_reads.get(k).copied())
                    .unwrap_or(0)
            })
            .collect();
        let (dirty_index, dirty) = shape
            .jobs
            .par_iter()
            .zip(&job_templates)
            .zip(&old_index)
            .enumerate()
            .filter(|(_, (((_, job), template), old_k))| {
                let (Some(old), Some(old_k)) = (self.old, **old_k) else {
                    return true;
                };
                let (Some(template), Some((_, old_job))) = (template, old.shape.jobs.get(old_k))
                else {
                    return true;
                };
                let old_template = old.job_templates.get(old_k).cloned().flatten();
                let old_reads = old.job_reads.get(old_k).copied().unwrap_or(u8::MAX);
                self.job_changed(
                    old,
                    (job, template),
                    (old_job, old_template.as_deref(), old_reads),
                )
            })
            .map(|(k, (((_, job), _), _))| (k, *job))
            .unzip();
        RenderPlan {
            shape,
            job_templates,
            job_reads,
            dirty_index,
            dirty,
        }
    }

    /// Whether `job` with `template` renders anything else than `old_job` did with
    /// `old_template` in the last render, where it read `old_reads` through the functions
    /// (both render the same output path). What a template reads is known from its text
    /// (`TemplateGraph`) and, for what its text does not show (`url(path=variable)` naming
    /// an `@/` file, a function called in a branch), from what its last rendering noted.
    fn job_changed(
        &self,
        old: &LastRender,
        (job, template): (&Job, &str),
        (old_job, old_template, old_reads): (&Job, Option<&str>, u8),
    ) -> bool {
        let read =
            |what: Reads, noted: u8| self.graph.reads(template, what) || old_reads & noted != 0;
        self.global
            || old_template != Some(template)
            || self.graph.uses_any(template, &self.changed_templates)
            || (self.model_changed && read(Reads::Site, READ_SITE))
            || (self.dashboard_changed && read(Reads::Dashboard, READ_DASHBOARD))
            || (old_reads & READ_CLOCK != 0
                && countdown::day(self.site.now) != countdown::day(old.site.now))
            || (self.volunteers_changed && self.graph.reads(template, Reads::Volunteers))
            || (self.images_changed && self.graph.reads(template, Reads::Images))
            || self.compared.job_changed(old, job, old_job)
    }

    /// What this render read, for comparing the next site with.
    pub fn into_rendered(self, plan: RenderPlan) -> LastRender {
        let Compared {
            summaries,
            section_summaries,
            section_views,
            ..
        } = self.compared;
        LastRender {
            site: self.site.clone(),
            summaries,
            section_summaries,
            section_views,
            nav: self.nav,
            templates: self.templates.to_vec(),
            shape: plan.shape,
            job_templates: plan.job_templates,
            job_reads: plan.job_reads,
        }
    }
}

/// Template names whose text was added, removed or changed.
fn changed_templates<'a>(old: &'a [TemplateSource], new: &'a [TemplateSource]) -> HashSet<&'a str> {
    let old_by: HashMap<&str, &str> = old
        .iter()
        .map(|t| (t.name.as_str(), t.text.as_str()))
        .collect();
    let new_by: HashMap<&str, &str> = new
        .iter()
        .map(|t| (t.name.as_str(), t.text.as_str()))
        .collect();
    let mut out: HashSet<&str> = HashSet::new();
    for (name, text) in &new_by {
        if old_by.get(name) != Some(text) {
            out.insert(name);
        }
    }
    for name in old_by.keys() {
        if !new_by.contains_key(name) {
            out.insert(name);
        }
    }
    out
}

/// Which templates each template uses (through `extends` and `include`, found as quoted
/// template names in its text, which over-approximates safely) and which of them read more
/// than their own context.
pub(super) struct TemplateGraph {
    uses: HashMap<String, HashSet<String>>,
    reads: HashMap<Reads, HashSet<String>>,
}

/// What a template may read beyond its own page's or listing's context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Reads {
    /// Other pages, sections, taxonomies or data files.
    Site,
    /// The progress dashboard (`progress_dashboard()`).
    Dashboard,
    /// The volunteer statistics (the global `volunteer_stats`).
    Volunteers,
    /// Images of the static files (`image_set`).
    Images,
}

/// The names in a template's text that make it read each of [`Reads`] (`__tera_context` is
/// the whole context, globals included).
const READERS: &[(Reads, &[&str])] = &[
    (
        Reads::Site,
        &["get_page", "get_section", "get_taxonomy", "load_data", "@/"],
    ),
    (Reads::Dashboard, &["progress_dashboard", "__tera_context"]),
    (Reads::Volunteers, &["volunteer_stats", "__tera_context"]),
    (Reads::Images, &["image_set"]),
];

impl TemplateGraph {
    pub(super) fn new(sources: &[TemplateSource]) -> TemplateGraph {
        let code: Vec<String> = sources.iter().map(|t| without_comments(&t.text)).collect();
        // Components are visible to every template, so their definitions are used by all.
        let components: Vec<&str> = sources
            .iter()
            .zip(&code)
            .filter(|(_, code)| code.contains("component "))
            .map(|(t, _)| t.name.as_str())
            .collect();
        let direct: HashMap<&str, Vec<&str>> = sources
            .iter()
            .zip(&code)
            .map(|(t, code)| {
                let refs = sources
                    .iter()
                    .filter(|u| {
                        code.contains(&format!("\"{}\"", u.name))
                            || code.contains(&format!("'{}'", u.name))
                    })
                    .map(|u| u.name.as_str())
                    .chain(components.iter().copied())
                    .collect();
                (t.name.as_str(), refs)
            })
            .collect();
        let mut uses = HashMap::new();
        for t in sources {
            let mut seen: HashSet<String> = HashSet::new();
            let mut stack = vec![t.name.as_str()];
            while let Some(n) = stack.pop() {
                if seen.insert(n.to_string()) {
                    stack.extend(direct.get(n).into_iter().flatten().copied());
                }
            }
            uses.insert(t.name.clone(), seen);
        }
        let reads = READERS
            .iter()
            .map(|(what, names)| {
                let readers: HashSet<&str> = sources
                    .iter()
                    .zip(&code)
                    .filter(|(_, code)| names.iter().any(|f| code.contains(f)))
                    .map(|(t, _)| t.name.as_str())
                    .collect();
                let reading = uses
                    .iter()
                    .filter(|(_, used)| used.iter().any(|u| readers.contains(u.as_str())))
                    .map(|(name, _)| name.clone())
                    .collect();
                (*what, reading)
            })
            .collect();
        TemplateGraph { uses, reads }
    }

    /// True when `template` is, extends or includes one of `names`.
    fn uses_any(&self, template: &str, names: &HashSet<&str>) -> bool {
        if names.is_empty() {
            return false;
        }
        match self.uses.get(template) {
            Some(used) => used.iter().any(|u| names.contains(u.as_str())),
            None => true,
        }
    }

    /// The templates `template` is, extends or includes (`None`: an unknown template).
    pub(super) fn uses(&self, template: &str) -> Option<&HashSet<String>> {
        self.uses.get(template)
    }

    /// True when `template` (or a template it uses) reads `what`.
    pub(super) fn reads(&self, template: &str, what: Reads) -> bool {
        self.reads
            .get(&what)
            .is_some_and(|names| names.contains(template))
    }
}

/// Template text without `{# comments #}`, which use nothing.
pub(super) fn without_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{#") {
        out.push_str(&rest[..start]);
        match rest[start + 2..].find("#}") {
            Some(end) => rest = &rest[start + 2 + end + 2..],
            None => break,
        }
    }
    out.push_str(rest);
    out
}

/// The new site's views next to the last good build's: which pages' summaries and contents,
/// and which sections' views, differ. Unchanged summaries are reused, not rebuilt.
struct Compared<'a> {
    site: &'a Site,
    summaries: Arc<Vec<Value>>,
    section_summaries: Vec<Value>,
    section_views: Vec<Value>,
    /// Each new page's place in the old site (found by content path), by page index.
    old_page: Vec<Option<PageId>>,
    /// Each new section's place in the old site, by section index.
    old_section: Vec<Option<SectionId>>,
    summary_changed: Vec<bool>,
    page_changed: Vec<bool>,
    section_summary_changed: Vec<bool>,
    section_view_changed: Vec<bool>,
}

impl<'a> Compared<'a> {
    fn new(old: Option<&LastRender>, site: &'a Site) -> Compared<'a> {
        let find = |content_path: &str| -> Option<Target> {
            old.and_then(|g| g.site.by_content_path.get(content_path).copied())
        };
        // A patched site shares its index with the old one: every page is where it was.
        let same_places =
            old.is_some_and(|g| Arc::ptr_eq(&g.site.by_content_path, &site.by_content_path));
        let old_page: Vec<Option<PageId>> = if same_places {
            site.page_ids().map(Some).collect()
        } else {
            site.pages
                .iter()
                .map(|p| match find(&p.page.content_path) {
                    Some(Target::Page(j)) => Some(j),
                    _ => None,
                })
                .collect()
        };
        let old_section: Vec<Option<SectionId>> = site
            .sections
            .iter()
            .map(|s| match find(&s.section.content_path) {
                Some(Target::Section(j)) => Some(j),
                _ => None,
            })
            .collect();
        let section_summaries: Vec<Value> = site
            .sections
            .iter()
            .map(|s| Value::from_serializable(&views::section_summary(site, s)))
            .collect();
        let section_views: Vec<Value> = site
            .sections
            .iter()
            .map(|s| Value::from_serializable(&views::section_full(site, s, Vec::new())))
            .collect();
        let compare = |values: &[Value], old: Option<&Vec<Value>>| {
            values
                .iter()
                .zip(&old_section)
                .map(|(v, j)| match (j, old) {
                    (Some(j), Some(old)) => old.get(j.index()) != Some(v),
                    _ => true,
                })
                .collect::<Vec<bool>>()
        };
        let section_summary_changed =
            compare(&section_summaries, old.map(|g| &g.section_summaries));
        let section_view_changed = compare(&section_views, old.map(|g| &g.section_views));

        // A summary is reused when everything it is made of is the same.
        let per_page: Vec<(Value, bool, bool)> = site
            .pages
            .par_iter()
            .enumerate()
            .map(|(i, p)| {
                let Some((g, j)) = old.zip(old_page[i]) else {
                    return (super::page_summary(site, p), true, true);
                };
                let q = &g.site.pages[j];
                let same_section = !section_summary_changed[p.section.index()]
                    && old_section[p.section.index()] == Some(q.section);
                // A rule's summary links to the rule replacing it, by title and path, and
                // says 尚未施行 until its effective date, which the clock alone can pass.
                let same_successor = successor(site, p) == successor(&g.site, q)
                    && views::rule_pending(site, p) == views::rule_pending(&g.site, q);
                if Arc::ptr_eq(p, q)
                    && same_section
                    && same_successor
                    && Arc::ptr_eq(&site.taxonomies, &g.site.taxonomies)
                {
                    return (g.summaries[j.index()].clone(), false, false);
                }
                let same_inputs = Arc::ptr_eq(&p.page, &q.page)
                    && p.path == q.path
                    && p.expired == q.expired
                    && p.summary_html == q.summary_html
                    && p.description == q.description
                    && same_section
                    && same_successor
                    && same_term_paths(site, &g.site, p);
                let (summary, summary_changed) = if same_inputs {
                    (g.summaries[j.index()].clone(), false)
                } else {
                    let v = super::page_summary(site, p);
                    let changed = g.summaries[j.index()] != v;
                    (v, changed)
                };
                // Progress figures and ranking tables depend on the announcements before.
                let page_changed = summary_changed
                    || !Arc::ptr_eq(&p.page, &q.page)
                    || p.html() != q.html()
                    || p.progress != q.progress
                    || p.ranking != q.ranking;
                (summary, summary_changed, page_changed)
            })
            .collect();
        let mut summaries = Vec::with_capacity(per_page.len());
        let mut summary_changed = Vec::with_capacity(per_page.len());
        let mut page_changed = Vec::with_capacity(per_page.len());
        for (v, s, p) in per_page {
            summaries.push(v);
            summary_changed.push(s);
            page_changed.push(p);
        }
        Compared {
            site,
            summaries: Arc::new(summaries),
            section_summaries,
            section_views,
            old_page,
            old_section,
            summary_changed,
            page_changed,
            section_summary_changed,
            section_view_changed,
        }
    }

    /// True when the same list of pages (in order, summaries unchanged) was shown before.
    fn same_items(&self, new: &[PageId], old: &[PageId]) -> bool {
        new.len() == old.len()
            && new
                .iter()
                .zip(old)
                .all(|(&i, &j)| self.same_page_summary(i, j))
    }

    /// Page `new` was page `old` of the last render, with the same summary.
    fn same_page_summary(&self, new: PageId, old: PageId) -> bool {
        self.old_page[new.index()] == Some(old) && !self.summary_changed[new.index()]
    }

    fn same_neighbour(&self, new: Option<PageId>, old: Option<PageId>) -> bool {
        match (new, old) {
            (None, None) => true,
            (Some(i), Some(j)) => self.same_page_summary(i, j),
            _ => false,
        }
    }

    /// Section `from` and its ancestors, as the same sections with the same summaries.
    fn same_chain(&self, good: &LastRender, new: SectionId, old: SectionId) -> bool {
        let (mut a, mut b) = (Some(new), Some(old));
        loop {
            match (a, b) {
                (None, None) => return true,
                (Some(x), Some(y)) => {
                    if self.old_section[x.index()] != Some(y)
                        || self.section_summary_changed[x.index()]
                    {
                        return false;
                    }
                    a = self.site.sections[x].parent;
                    b = good.site.sections[y].parent;
                }
                _ => return false,
            }
        }
    }

    /// Whether the context of `job` differs from that of `old_job` in the good build. Both
    /// render the same output path.
    fn job_changed(&self, good: &LastRender, job: &Job, old_job: &Job) -> bool {
        let (site, old_site) = (self.site, &good.site);
        match (*job, *old_job) {
            (Job::Page(i), Job::Page(j)) => {
                let (p, q) = (&site.pages[i], &old_site.pages[j]);
                self.old_page[i.index()] != Some(j)
                    || self.page_changed[i.index()]
                    || !self.same_neighbour(p.previous, q.previous)
                    || !self.same_neighbour(p.next, q.next)
                    || !self.same_chain(good, p.section, q.section)
            }
            (Job::Section(i, k), Job::Section(j, _)) => {
                let (s, t) = (&site.sections[i], &old_site.sections[j]);
                let root = i == site.root();
                self.old_section[i.index()] != Some(j)
                    || self.section_view_changed[i.index()]
                    || s.pages.len() != t.pages.len()
                    || s.paginate != t.paginate
                    || !self.same_items(
                        pager_slice(&s.pages, s.paginate, k),
                        pager_slice(&t.pages, t.paginate, k),
                    )
                    || (root
                        && !self.same_items(
                            &super::recent_page_ids(site, RECENT_PAGES),
                            &super::recent_page_ids(old_site, RECENT_PAGES),
                        ))
            }
            (Job::TaxonomyList(t), Job::TaxonomyList(u)) => {
                let (a, b) = (&site.taxonomies[t], &old_site.taxonomies[u]);
                a.name != b.name
                    || a.terms.len() != b.terms.len()
                    || a.terms.iter().zip(&b.terms).any(|(x, y)| {
                        (&x.name, &x.slug, &x.path, x.pages.len())
                            != (&y.name, &y.slug, &y.path, y.pages.len())
                    })
            }
            (Job::Term(term, k), Job::Term(old_term, _)) => {
                let (tax, old_tax) = (
                    &site.taxonomies[term.taxonomy],
                    &old_site.taxonomies[old_term.taxonomy],
                );
                let (x, y) = (site.term(term), old_site.term(old_term));
                (&x.name, &x.slug, &x.path, x.pages.len())
                    != (&y.name, &y.slug, &y.path, y.pages.len())
                    || tax.paginate != old_tax.paginate
                    || pager_count(x.pages.len(), tax.paginate)
                        != pager_count(y.pages.len(), old_tax.paginate)
                    || !self.same_items(
                        pager_slice(&x.pages, tax.paginate, k),
                        pager_slice(&y.pages, old_tax.paginate, k),
                    )
            }
            (Job::NotFound, Job::NotFound) => false,
            _ => true,
        }
    }
}

/// The title and path of the rule that replaces rule page `p`, as its view shows them.
fn successor<'a>(site: &'a Site, p: &site::SitePage) -> Option<(&'a str, &'a str)> {
    p.superseded_by.map(|t| {
        let target = &site.pages[t];
        (target.page.meta.title.as_str(), target.path.as_str())
    })
}

/// The term links of a page's summary are the same in both sites.
fn same_term_paths(site: &Site, old_site: &Site, p: &site::SitePage) -> bool {
    p.page.meta.taxonomies.iter().all(|(taxonomy, terms)| {
        let path = |s: &Site, name: &str| {
            s.taxonomies
                .iter()
                .find(|t| &t.name == taxonomy)
                .and_then(|t| t.term(name).map(|term| term.path.clone()))
        };
        terms
            .iter()
            .all(|name| path(site, name) == path(old_site, name))
    })
}

#[cfg(test)]
pub(super) mod tests {
    use std::fs;
    use std::path::Path;

    use super::*;
    use crate::content::Page;
    use crate::pipeline::{self, SiteOptions};
    use crate::site::UnexpandedSite;

    const NOW: &str = "2026-06-01T12:00:00+08:00";

    fn now() -> jiff::Timestamp {
        crate::text::dates::parse(NOW)
            .map(|d| d.timestamp())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    pub(in crate::render) fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().expect("a parent")).expect("folder");
        fs::write(path, text).expect("written");
    }

    /// A small site: a section of three dated pages (two to a pager, tagged), an about page
    /// at the root, and templates of its own that read only their own context, but for
    /// `about.html`, which reads another page through `get_page`.
    pub(in crate::render) fn site_root() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        write(
            root,
            "site.yaml",
            "title: 栖云市文明网\nbase_url: https://wm.example.org\ntaxonomies: [tags]\npaginate: 2\n",
        );
        write(root, "content/_index.md", "---\ntitle: 首页\n---\n");
        write(root, "content/news/_index.md", "---\ntitle: 新闻\n---\n");
        for (stem, day, tag) in [("a", 1, "志愿"), ("b", 2, "志愿"), ("c", 3, "环境")] {
            write(
                root,
                &format!("content/news/{stem}.md"),
                &format!(
                    "---\ntitle: 新闻{stem}\ndate: 2026-05-0{day}\ntags: [{tag}]\n---\n正文{stem}。\n"
                ),
            );
        }
        write(
            root,
            "content/about.md",
            "---\ntitle: 关于\ntemplate: about.html\n---\n关于栖云市。\n",
        );
        let templates = [
            (
                "page.html",
                "{{ page.title }}|{% if page.previous %}{{ page.previous.title }}{% endif %}|{% if page.next %}{{ page.next.title }}{% endif %}|{{ page.content | safe }}",
            ),
            (
                "about.html",
                "{{ page.title }}|{% set a = get_page(path=\"news/a.md\") %}{{ a.title }}",
            ),
            (
                "section.html",
                "{{ section.title }}|{% for p in paginator.pages %}{{ p.title }};{% endfor %}",
            ),
            (
                "index.html",
                "{{ section.title }}|{% for p in recent_pages %}{{ p.title }};{% endfor %}",
            ),
            (
                "taxonomy_list.html",
                "{% for t in terms %}{{ t.name }};{% endfor %}",
            ),
            (
                "taxonomy_term.html",
                "{{ term.name }}|{% for p in paginator.pages %}{{ p.title }};{% endfor %}",
            ),
            ("404.html", "404"),
        ];
        for (name, text) in templates {
            write(root, &format!("templates/{name}"), text);
        }
        dir
    }

    /// The site at `root`, linked and expanded, and its templates.
    pub(in crate::render) fn load(root: &Path) -> (Arc<Site>, Vec<TemplateSource>) {
        let loaded = pipeline::load_site(&SiteOptions {
            root: root.to_path_buf(),
            base_url: None,
            drafts: false,
            now: now(),
        })
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let templates = match loaded.theme {
            Ok(pipeline::Theme {
                templates: Ok(t), ..
            }) => t,
            _ => panic!("templates"),
        };
        (Arc::new(loaded.site), templates)
    }

    /// Renders `site` after `old`; returns the output paths rendered (sorted) and the render.
    fn render_after(
        old: Option<&LastRender>,
        site: &Arc<Site>,
        templates: &[TemplateSource],
        model_changed: bool,
        same_shape: bool,
        reparsed: &[PageId],
    ) -> (Vec<String>, LastRender) {
        let affected = Affected::new(old, site, templates, model_changed);
        let renderer = Renderer::new(site.clone(), templates.to_vec(), affected.summaries())
            .unwrap_or_else(|e| panic!("{e:?}"));
        let plan = affected.plan(&renderer, same_shape, reparsed);
        let mut paths: Vec<String> = plan.dirty.iter().map(|j| j.output_path(site)).collect();
        paths.sort();
        (paths, affected.into_rendered(plan))
    }

    /// The small site, its templates, and its first render.
    fn first_render() -> (
        tempfile::TempDir,
        Arc<Site>,
        Vec<TemplateSource>,
        LastRender,
    ) {
        let dir = site_root();
        let (site, templates) = load(dir.path());
        let (_, first) = render_after(None, &site, &templates, true, false, &[]);
        (dir, site, templates, first)
    }

    fn page_id(site: &Site, content_path: &str) -> PageId {
        match site.by_content_path.get(content_path) {
            Some(&Target::Page(i)) => i,
            other => panic!("{content_path}: {other:?}"),
        }
    }

    /// `site` with page `content_path` edited by `edit`, patched in as `serve` does.
    fn patched(
        site: &Site,
        templates: &[TemplateSource],
        content_path: &str,
        edit: impl FnOnce(&mut Page),
    ) -> (Arc<Site>, PageId) {
        let i = page_id(site, content_path);
        let mut page = Page::clone(&site.pages[i].page);
        edit(&mut page);
        let new = UnexpandedSite::from(site.clone())
            .with_page_replaced(i, Arc::new(page), now())
            .expect("a patch")
            .unwrap_or_else(|e| panic!("{e:?}"));
        let new =
            super::super::shortcodes::expand(new, templates).unwrap_or_else(|e| panic!("{e:?}"));
        (Arc::new(new), i)
    }

    #[test]
    fn first_render_renders_every_file() {
        let dir = site_root();
        let (site, templates) = load(dir.path());
        let (paths, _) = render_after(None, &site, &templates, true, false, &[]);
        assert_eq!(
            paths,
            [
                "404.html",
                "about/index.html",
                "index.html",
                "news/a/index.html",
                "news/b/index.html",
                "news/c/index.html",
                "news/index.html",
                "news/page/2/index.html",
                "sitemap/index.html",
                "tags/huan-jing/index.html",
                "tags/index.html",
                "tags/zhi-yuan/index.html",
            ]
        );
    }

    #[test]
    fn nothing_changed_renders_nothing() {
        let (_dir, site, templates, first) = first_render();
        let (paths, _) = render_after(Some(&first), &site, &templates, false, true, &[]);
        // The pages wenming adds itself (the theme's site map) are always rendered again.
        assert_eq!(paths, ["sitemap/index.html"]);
    }

    #[test]
    fn an_edited_title_renders_the_page_its_neighbours_and_its_listings() {
        let (_dir, site, templates, first) = first_render();
        let (new, i) = patched(&site, &templates, "news/b.md", |p| {
            p.meta.title = "新闻乙".into();
        });
        let (paths, _) = render_after(Some(&first), &new, &templates, true, true, &[i]);
        // Newest first: c, b on pager 1 of the section, a on pager 2; b's neighbours a and c;
        // the home page lists the recent pages; b is tagged 志愿; about.html reads the site.
        assert_eq!(
            paths,
            [
                "about/index.html",
                "index.html",
                "news/a/index.html",
                "news/b/index.html",
                "news/c/index.html",
                "news/index.html",
                "sitemap/index.html",
                "tags/zhi-yuan/index.html",
            ]
        );
    }

    #[test]
    fn an_edited_body_renders_the_page_and_what_reads_the_site() {
        let (_dir, site, templates, first) = first_render();
        let (new, i) = patched(&site, &templates, "news/a.md", |p| {
            p.body.html = p.body.html.replace("正文a", "正文甲");
        });
        let (paths, _) = render_after(Some(&first), &new, &templates, true, true, &[i]);
        assert_eq!(
            paths,
            [
                "about/index.html",
                "news/a/index.html",
                "sitemap/index.html"
            ]
        );
    }

    #[test]
    fn a_changed_template_renders_the_jobs_using_it() {
        let (_dir, site, templates, first) = first_render();
        let edited: Vec<TemplateSource> = templates
            .iter()
            .map(|t| {
                let mut t = t.clone();
                if t.name == "taxonomy_term.html" {
                    t.text.push_str("<!-- new -->");
                }
                t
            })
            .collect();
        let (paths, _) = render_after(Some(&first), &site, &edited, false, true, &[]);
        assert_eq!(
            paths,
            [
                "sitemap/index.html",
                "tags/huan-jing/index.html",
                "tags/zhi-yuan/index.html"
            ]
        );
    }
}
