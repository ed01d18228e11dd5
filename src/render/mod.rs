//! The render stage: Tera 2 set up with the theme and the site's templates, then every page,
//! section pager, taxonomy page and the 404 page rendered in parallel into output files.

pub mod changes;
pub mod charts;
mod countdown;
mod counts;
mod functions;
mod keyser;
pub mod photos;
pub mod qr;
pub mod reuse;
pub mod shortcodes;
pub mod templates;
pub mod views;

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use tera::{Context, Tera, Value};

use crate::content::paths::index_file;
use crate::error::{Diagnostic, Diagnostics};
use crate::output::{Bytes, Emit, OutputFile};
use crate::site::pager::{pager_count, pager_path, pager_slice};
use crate::site::{PageId, SEARCH_PATH, SITEMAP_PATH, SectionId, Site, TaxonomyId, TermId};
use functions::Shared;
use templates::TemplateSource;
use views::Paginator;

/// One file to render. Jobs are named by what they render, so that `serve` can tell which
/// of them a change touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Job {
    Page(PageId),
    /// A section's pager, by number (1-based).
    Section(SectionId, usize),
    TaxonomyList(TaxonomyId),
    /// A term's pager, by number.
    Term(TermId, usize),
    NotFound,
    /// A page wenming adds itself (the site map, the search page), by site path and template.
    Builtin(&'static str, &'static str),
}

impl Job {
    /// The file this job writes, below the output directory.
    pub fn output_path(&self, site: &Site) -> String {
        match *self {
            Job::Page(i) => index_file(&site.pages[i].path),
            Job::Section(i, k) => index_file(&pager_path(&site.sections[i].path, k)),
            Job::TaxonomyList(t) => index_file(&site.taxonomies[t].path),
            Job::Term(term, k) => index_file(&pager_path(&site.term(term).path, k)),
            Job::NotFound => "404.html".into(),
            Job::Builtin(path, _) => index_file(path),
        }
    }
}

/// How many of the newest pages the home page gets as `recent_pages`.
pub const RECENT_PAGES: usize = 10;

/// Renders every HTML file of the site with the templates `sources` (see
/// [`templates::read_sources`]), handing each to `emit` as soon as it is done, so a large site is
/// never held in memory whole.
pub fn render(
    site: Arc<Site>,
    sources: Vec<TemplateSource>,
    emit: Emit,
) -> Result<RenderCount, Diagnostics> {
    let renderer = Renderer::new(site.clone(), sources, page_summaries(&site))?;
    let jobs = renderer.jobs();
    let errors: Vec<Diagnostic> = jobs
        .par_iter()
        .filter_map(|job| renderer.render(job).and_then(emit).err())
        .collect();
    if errors.is_empty() {
        Ok(RenderCount {
            rendered: jobs.len(),
            kept: 0,
        })
    } else {
        Err(errors.into())
    }
}

/// The previous build of the same output, as [`render_reusing`] asks it: the output writer.
pub trait Previous: Sync {
    /// The key recorded for the file the previous build rendered at `path`.
    fn recorded_key(&self, path: &str) -> Option<&str>;
    /// Keeps that file, recorded with `key`, when the output still holds it; false: render it.
    fn keep(&self, path: &str, key: &str) -> bool;
    /// Takes a rendered file and the key of what its rendering read.
    /// (`None`: a context that cannot be hashed, rendered every time).
    fn put(&self, file: OutputFile, key: Option<String>) -> Result<(), Diagnostic>;
}

/// How many files [`render_reusing`] rendered and kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderCount {
    pub rendered: usize,
    pub kept: usize,
}

/// [`render`], keeping every file of the previous build whose inputs did not change (see
/// [`reuse`]) instead of rendering it again.
pub fn render_reusing(
    site: Arc<Site>,
    sources: Vec<TemplateSource>,
    salt: reuse::Salt,
    previous: &dyn Previous,
) -> Result<RenderCount, Diagnostics> {
    let clock = reuse::Clock::new();
    let summaries = page_summaries(&site);
    let renderer = Renderer::new(site.clone(), sources, summaries.clone())?;
    clock.add(0, clock.start);
    let started = std::time::Instant::now();
    let keys = reuse::Keys::new(&site, salt, &summaries, &renderer.sources);
    clock.add(1, started);
    let done: Vec<Result<bool, Diagnostic>> = renderer
        .jobs()
        .par_iter()
        .map(|job| {
            let started = std::time::Instant::now();
            let (tera, summaries) = (&renderer.tera, &renderer.summaries);
            let hashed = prepare(tera, &site, summaries, job, Mode::Hash(keys.pages()))?;
            let base = hashed
                .entries
                .finish()
                .map(|context| keys.base(&hashed.template, &context, matches!(job, Job::Page(_))));
            let started = clock.add(3, started);
            let Some(base) = base else {
                // A context that cannot be hashed: rendered every time, recorded with no key.
                let prepared = prepare(tera, &site, summaries, job, Mode::Values)?;
                let file = render_prepared(tera, &renderer.sources, &prepared)?;
                return previous.put(file, None).map(|()| true);
            };
            if let Some(recorded) = previous.recorded_key(&hashed.output)
                && keys.still(recorded, &base)
                && previous.keep(&hashed.output, recorded)
            {
                return Ok(false);
            }
            let prepared = prepare(tera, &site, summaries, job, Mode::Values)?;
            let started = clock.add(2, started);
            functions::take_reads();
            let file = render_prepared(&renderer.tera, &renderer.sources, &prepared)?;
            let key = keys.full(&base, &functions::take_reads());
            let started = clock.add(4, started);
            let put = previous.put(file, Some(key)).map(|()| true);
            clock.add(5, started);
            put
        })
        .collect();
    clock.report();
    let mut count = RenderCount::default();
    let mut errors = Vec::new();
    for result in done {
        match result {
            Ok(true) => count.rendered += 1,
            Ok(false) => count.kept += 1,
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(count)
    } else {
        Err(errors.into())
    }
}

/// Every page's light summary, as listings and `get_section` show it, in page order.
pub fn page_summaries(site: &Site) -> Arc<Vec<Value>> {
    Arc::new(
        site.pages
            .par_iter()
            .map(|p| page_summary(site, p))
            .collect(),
    )
}

/// One page's light summary as templates get it, a value shared by every listing (see
/// [`page_summaries`]; the view it is made of is [`views::PageSummary`]).
pub fn page_summary(site: &Site, p: &crate::site::SitePage) -> Value {
    Value::from_serializable(&views::PageSummary::new(site, p))
}

/// Tera loaded with the site's templates and functions, ready to render any [`Job`].
pub struct Renderer {
    tera: Tera,
    site: Arc<Site>,
    sources: Vec<TemplateSource>,
    summaries: Arc<Vec<Value>>,
}

impl Renderer {
    /// Loads the templates; every broken template is reported. `summaries` are the pages'
    /// summaries from [`page_summaries`] (`serve` keeps those of unchanged pages).
    pub fn new(
        site: Arc<Site>,
        sources: Vec<TemplateSource>,
        summaries: Arc<Vec<Value>>,
    ) -> Result<Renderer, Diagnostics> {
        let tera = setup_tera(&site, &sources, summaries.clone())?;
        Ok(Renderer {
            tera,
            site,
            sources,
            summaries,
        })
    }

    /// Every file of the site to render.
    pub fn jobs(&self) -> Vec<Job> {
        plan(&self.site, &self.tera)
    }

    pub fn render(&self, job: &Job) -> Result<OutputFile, Diagnostic> {
        render_job(&self.tera, &self.site, &self.summaries, &self.sources, job)
    }

    /// [`Renderer::render`], with what the rendering read through the template functions
    /// beyond its context (the site, the dashboard, the clock: `changes` uses it to tell
    /// what a later change of the site touches).
    pub fn render_noting(&self, job: &Job) -> Result<(OutputFile, u8), Diagnostic> {
        functions::take_reads();
        let file = self.render(job);
        let reads = functions::take_reads();
        file.map(|f| (f, reads.flags))
    }

    /// The template a job renders with, when there is one.
    pub fn template_for(&self, job: &Job) -> Option<String> {
        choose_template(&self.tera, &self.site, job)
    }
}

/// The template for a job: a page's or section's own `template:`, else by kind, else the
/// generic one (see `templates::for_page`, `templates::for_section`).
fn choose_template(tera: &Tera, site: &Site, job: &Job) -> Option<String> {
    match *job {
        Job::Page(i) => {
            let p = &site.pages[i];
            templates::for_page(
                tera,
                p.page.meta.template.as_deref(),
                views::page_kind(site, p),
            )
        }
        Job::Section(i, _) => {
            let s = &site.sections[i];
            templates::for_section(
                tera,
                s.section.meta.template.as_deref(),
                s.section.meta.kind,
                i == site.root(),
            )
        }
        Job::TaxonomyList(_) => Some("taxonomy_list.html".into()),
        Job::Term(..) => Some("taxonomy_term.html".into()),
        Job::NotFound => Some("404.html".into()),
        Job::Builtin(_, template) => Some(template.into()),
    }
}

fn setup_tera(
    site: &Arc<Site>,
    sources: &[TemplateSource],
    summaries: Arc<Vec<Value>>,
) -> Result<Tera, Diagnostics> {
    let mut tera = Tera::new();
    functions::register(
        &mut tera,
        Arc::new(Shared {
            site: site.clone(),
            summaries,
            dashboard: Default::default(),
        }),
    );
    tera.global_context().insert("config", &site.config);
    tera.global_context().insert("nav", &views::nav(site));
    tera.global_context()
        .insert("volunteer_stats", &site.volunteers);

    // Each template alone first, so that every broken template is reported, not just the
    // first; what only fails for want of the other templates is left to the real load.
    let mut errors = Vec::new();
    for t in sources {
        let mut scratch = Tera::new();
        scratch.register_from(&tera);
        if let Err(e) = scratch.add_raw_template(&t.name, &t.text)
            && !matches!(e.kind(), tera::ErrorKind::MissingParent { .. })
        {
            errors.extend(tera_errors(&e, sources).into_iter().filter(|d| {
                !(d.message.contains("Unknown template `")
                    || d.message.contains("is not defined in any parent template"))
            }));
        }
    }
    if !errors.is_empty() {
        return Err(Diagnostics::from(errors));
    }
    tera.add_raw_templates(sources.iter().map(|t| (t.name.as_str(), t.text.as_str())))
        .map_err(|e| Diagnostics::from(tera_errors(&e, sources)))?;
    Ok(tera)
}

fn plan(site: &Site, tera: &Tera) -> Vec<Job> {
    let mut jobs: Vec<Job> = site.page_ids().map(Job::Page).collect();
    for i in site.section_ids() {
        let s = &site.sections[i];
        for k in 1..=pager_count(s.pages.len(), s.paginate) {
            jobs.push(Job::Section(i, k));
        }
    }
    for ti in site.taxonomy_ids() {
        jobs.push(Job::TaxonomyList(ti));
        let paginate = site.taxonomies[ti].paginate;
        for term in site.term_ids(ti) {
            for k in 1..=pager_count(site.term(term).pages.len(), paginate) {
                jobs.push(Job::Term(term, k));
            }
        }
    }
    jobs.push(Job::NotFound);
    // A theme without the template simply has no such page.
    for (path, template) in [(SITEMAP_PATH, "sitemap.html"), (SEARCH_PATH, "search.html")] {
        let wanted = site.builtin_pages().iter().any(|(p, _)| *p == path);
        if wanted && tera.contains_template(template) {
            jobs.push(Job::Builtin(path, template));
        }
    }
    jobs
}

/// The items of pager `k` (1-based) as shared summaries.
fn pager_items(list: &[PageId], per: usize, k: usize, summaries: &[Value]) -> Vec<Value> {
    pager_slice(list, per, k)
        .iter()
        .filter_map(|&i| summaries.get(i.index()).cloned())
        .collect()
}

/// How [`prepare`] takes a job's context.
#[derive(Clone, Copy)]
enum Mode<'k> {
    /// As values, to render.
    Values,
    /// Fed into a hash, for the job's key ([`reuse`]), with the hashes of the pages' full
    /// views already made for the whole-site key.
    Hash(&'k [Option<String>]),
}

/// A job's context: named values, or their hash.
enum Entries<'k> {
    Values(Vec<(&'static str, Value)>),
    Hashed {
        hasher: reuse::KeyHasher,
        ok: bool,
        pages: &'k [Option<String>],
    },
}

impl<'k> Entries<'k> {
    fn new(mode: Mode<'k>, site: &Site, path: &str) -> Entries<'k> {
        Entries::with(mode, site, path, false)
    }

    /// A page's entries: hashed without the sections' page counts, whose key adds what the
    /// template can tell of them instead (see `reuse::Keys::base`).
    fn page(mode: Mode<'k>, site: &Site, path: &str) -> Entries<'k> {
        Entries::with(mode, site, path, true)
    }

    fn with(mode: Mode<'k>, site: &Site, path: &str, page: bool) -> Entries<'k> {
        let mut e = match mode {
            Mode::Values => Entries::Values(Vec::with_capacity(6)),
            Mode::Hash(pages) => Entries::Hashed {
                hasher: if page {
                    reuse::KeyHasher::blind()
                } else {
                    reuse::KeyHasher::new()
                },
                ok: true,
                pages,
            },
        };
        e.insert("current_path", &site.url_path(path));
        e.insert("current_url", &site.permalink(path));
        e
    }

    fn insert(&mut self, name: &'static str, value: &impl serde::Serialize) {
        match self {
            Entries::Values(values) => values.push((name, Value::from_serializable(value))),
            Entries::Hashed { hasher, ok, .. } => *ok &= hasher.json(name, value),
        }
    }

    /// Page `i`'s full view as `name` (hashed once per build when keys are made).
    fn insert_page(&mut self, name: &'static str, site: &Site, i: PageId, summaries: &[Value]) {
        if let Entries::Hashed { hasher, pages, .. } = self
            && let Some(Some(hash)) = pages.get(i.index())
        {
            hasher.text(name, hash);
            return;
        }
        self.insert(name, &views::page_full(site, &site.pages[i], summaries));
    }

    fn context(&self) -> Context {
        let mut ctx = Context::new();
        if let Entries::Values(values) = self {
            for (name, value) in values {
                ctx.insert_value(*name, value.clone());
            }
        }
        ctx
    }

    /// The hash of the context, when it was hashed and could be.
    fn finish(self) -> Option<String> {
        match self {
            Entries::Hashed {
                hasher, ok: true, ..
            } => Some(hasher.finish()),
            _ => None,
        }
    }
}

/// A job ready to render: its template, output file and context, and the content file it
/// renders (named in errors).
struct Prepared<'a, 'k> {
    template: String,
    output: String,
    entries: Entries<'k>,
    source: Option<&'a Path>,
}

fn prepare<'a, 'k>(
    tera: &Tera,
    site: &'a Site,
    summaries: &[Value],
    job: &Job,
    mode: Mode<'k>,
) -> Result<Prepared<'a, 'k>, Diagnostic> {
    let (template, path, entries, source) = match *job {
        Job::Page(i) => {
            let p = &site.pages[i];
            let template = choose_template(tera, site, job).ok_or_else(|| {
                missing_template(&p.page.source, p.page.meta.template.as_deref(), "page.html")
            })?;
            let mut e = Entries::page(mode, site, &p.path);
            e.insert_page("page", site, i, summaries);
            e.insert(
                "section",
                &views::section_summary(site, &site.sections[p.section]),
            );
            (template, p.path.clone(), e, Some(p.page.source.as_path()))
        }
        Job::Section(i, k) => {
            let s = &site.sections[i];
            let template = choose_template(tera, site, job).ok_or_else(|| {
                missing_template(
                    &s.section.source,
                    s.section.meta.template.as_deref(),
                    "section.html",
                )
            })?;
            let path = pager_path(&s.path, k);
            let mut e = Entries::new(mode, site, &path);
            e.insert("section", &views::section_full(site, s, Vec::new()));
            let count = pager_count(s.pages.len(), s.paginate);
            let items = pager_items(&s.pages, s.paginate, k, summaries);
            e.insert(
                "paginator",
                &Paginator::new(site, &s.path, items, k, count, s.pages.len(), s.paginate),
            );
            if i == site.root() {
                e.insert("recent_pages", &recent_pages(site, summaries, RECENT_PAGES));
            }
            let source = s.from_file.then_some(s.section.source.as_path());
            (template, path, e, source)
        }
        Job::TaxonomyList(ti) => {
            let t = &site.taxonomies[ti];
            let mut e = Entries::new(mode, site, &t.path);
            e.insert("taxonomy", &views::taxonomy_view(site, t));
            e.insert(
                "terms",
                &t.terms
                    .iter()
                    .map(|term| views::term_view(site, term))
                    .collect::<Vec<_>>(),
            );
            let template = require(tera, "taxonomy_list.html")?;
            (template, t.path.clone(), e, None)
        }
        Job::Term(term, k) => prepare_term(tera, site, summaries, (term, k), mode)?,
        Job::Builtin(path, template) => {
            let mut e = Entries::new(mode, site, path);
            if path == SITEMAP_PATH {
                e.insert("sitemap", &views::sitemap(site, summaries));
            }
            (template.to_string(), path.to_string(), e, None)
        }
        Job::NotFound => {
            return Ok(Prepared {
                template: require(tera, "404.html")?,
                output: "404.html".into(),
                entries: Entries::new(mode, site, "/404.html"),
                source: None,
            });
        }
    };
    Ok(Prepared {
        template,
        output: index_file(&path),
        entries,
        source,
    })
}

type Parts<'a, 'k> = (String, String, Entries<'k>, Option<&'a Path>);

fn prepare_term<'a, 'k>(
    tera: &Tera,
    site: &'a Site,
    summaries: &[Value],
    (term, k): (TermId, usize),
    mode: Mode<'k>,
) -> Result<Parts<'a, 'k>, Diagnostic> {
    let t = &site.taxonomies[term.taxonomy];
    let term = site.term(term);
    let path = pager_path(&term.path, k);
    let mut e = Entries::new(mode, site, &path);
    e.insert("taxonomy", &views::taxonomy_view(site, t));
    e.insert("term", &views::term_view(site, term));
    let count = pager_count(term.pages.len(), t.paginate);
    let items = pager_items(&term.pages, t.paginate, k, summaries);
    e.insert(
        "paginator",
        &Paginator::new(
            site,
            &term.path,
            items,
            k,
            count,
            term.pages.len(),
            t.paginate,
        ),
    );
    let template = require(tera, "taxonomy_term.html")?;
    Ok((template, path, e, None))
}

fn render_prepared(
    tera: &Tera,
    sources: &[TemplateSource],
    prepared: &Prepared,
) -> Result<OutputFile, Diagnostic> {
    let html = tera
        .render(&prepared.template, &prepared.entries.context())
        .map_err(|e| tera_error(&e, sources, prepared.source))?;
    Ok(OutputFile {
        path: prepared.output.clone(),
        bytes: Bytes::Owned(html.into_bytes()),
    })
}

fn render_job(
    tera: &Tera,
    site: &Site,
    summaries: &[Value],
    sources: &[TemplateSource],
    job: &Job,
) -> Result<OutputFile, Diagnostic> {
    render_prepared(
        tera,
        sources,
        &prepare(tera, site, summaries, job, Mode::Values)?,
    )
}

/// The newest pages of the whole site, for the home page.
pub fn recent_pages(site: &Site, summaries: &[Value], n: usize) -> Vec<Value> {
    recent_page_ids(site, n)
        .into_iter()
        .filter_map(|i| summaries.get(i.index()).cloned())
        .collect()
}

/// The `n` newest dated pages of the whole site, newest first; expired ones (a notice past
/// its `expires`) leave the list, though their pages stay.
pub fn recent_page_ids(site: &Site, n: usize) -> Vec<PageId> {
    let mut dated: Vec<PageId> = (site.page_ids())
        .filter(|&i| site.pages[i].page.meta.date.is_some() && !site.pages[i].expired)
        .collect();
    dated.sort_by(|&a, &b| {
        site.pages[b]
            .page
            .meta
            .date
            .cmp(&site.pages[a].page.meta.date)
            .then_with(|| {
                site.pages[a]
                    .page
                    .content_path
                    .cmp(&site.pages[b].page.content_path)
            })
    });
    dated.truncate(n);
    dated
}

fn require(tera: &Tera, name: &str) -> Result<String, Diagnostic> {
    if tera.contains_template(name) {
        Ok(name.to_string())
    } else {
        Err(
            Diagnostic::new("templates", format!("缺少模板 {name}")).hint(format!(
                "在 templates/{name} 新建该模板，或使用内置 default 主题"
            )),
        )
    }
}

fn missing_template(source: &Path, explicit: Option<&str>, generic: &str) -> Diagnostic {
    match explicit {
        Some(name) => Diagnostic::new(source, format!("找不到 template 指定的模板 {name}")).hint(
            "模板放在 templates/ 或主题的 templates/ 目录下；删掉 template 一行则使用默认模板",
        ),
        None => Diagnostic::new(source, format!("缺少模板 {generic}"))
            .hint(format!("在 templates/{generic} 新建该模板")),
    }
}

/// A Tera error as a diagnostic on the template file, naming the content being rendered.
fn tera_error(e: &tera::Error, sources: &[TemplateSource], rendering: Option<&Path>) -> Diagnostic {
    let shown = |name: &str| {
        sources
            .iter()
            .find(|t| t.name == name)
            .map(|t| t.shown.clone())
            .unwrap_or_else(|| Path::new("templates").join(name))
    };
    let context = rendering
        .map(|p| format!("（渲染 {} 时）", p.display()))
        .unwrap_or_default();
    match e.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let span = report.span();
            let kind = if matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) {
                "模板语法错误"
            } else {
                "模板渲染错误"
            };
            let mut message = format!("{kind}：{}{context}", report.message());
            let mut source = std::error::Error::source(e);
            while let Some(cause) = source {
                message.push_str(&format!("：{cause}"));
                source = cause.source();
            }
            Diagnostic::new(shown(report.filename()), message)
                .at(span.start_line, span.start_col + 1)
        }
        tera::ErrorKind::MissingParent { current, parent } => Diagnostic::new(
            shown(current),
            format!("模板继承的 {parent} 不存在{context}"),
        ),
        tera::ErrorKind::TemplateNotFound(name) => Diagnostic::new(
            Path::new("templates").join(name),
            format!("找不到模板 {name}{context}"),
        ),
        tera::ErrorKind::Msg(text) if !reports(text).is_empty() => {
            let (message, name, line, column) = reports(text).remove(0);
            Diagnostic::new(shown(&name), format!("模板错误：{message}{context}")).at(line, column)
        }
        _ => {
            let mut message = format!("模板错误：{e}{context}");
            let mut source = std::error::Error::source(e);
            while let Some(cause) = source {
                message.push_str(&format!("：{cause}"));
                source = cause.source();
            }
            Diagnostic::new("templates", message)
        }
    }
}

/// Every error of a failed template load. Tera reports unknown filters, functions and tests
/// of a template together as one text of rustc-style reports; each becomes a diagnostic.
fn tera_errors(e: &tera::Error, sources: &[TemplateSource]) -> Vec<Diagnostic> {
    if let tera::ErrorKind::Msg(text) = e.kind() {
        let found = reports(text);
        if !found.is_empty() {
            let first = tera_error(e, sources, None);
            let rest = found
                .into_iter()
                .skip(1)
                .map(|(message, name, line, column)| {
                    let shown = sources
                        .iter()
                        .find(|t| t.name == name)
                        .map(|t| t.shown.clone());
                    Diagnostic::new(
                        shown.unwrap_or_else(|| Path::new("templates").join(&name)),
                        format!("模板错误：{message}"),
                    )
                    .at(line, column)
                });
            return std::iter::once(first).chain(rest).collect();
        }
    }
    vec![tera_error(e, sources, None)]
}

/// Reads `error: MESSAGE` / ` --> NAME:LINE:COL` pairs out of a Tera report text.
fn reports(text: &str) -> Vec<(String, String, usize, usize)> {
    let mut out = Vec::new();
    let mut message: Option<&str> = None;
    for line in text.lines() {
        if let Some(m) = line.strip_prefix("error: ") {
            message = Some(m);
        } else if let (Some(m), Some(location)) = (message, line.trim_start().strip_prefix("--> "))
        {
            let mut parts = location.rsplitn(3, ':');
            let column = parts.next().and_then(|c| c.trim().parse().ok());
            let line_no = parts.next().and_then(|l| l.trim().parse().ok());
            if let (Some(column), Some(line_no), Some(name)) = (column, line_no, parts.next()) {
                out.push((m.to_string(), name.to_string(), line_no, column));
            }
            message = None;
        }
    }
    out
}
