//! Runs the whole pipeline: config → content → site → (shortcodes expanded into the model) →
//! render → output. [`render_site`] keeps
//! the result in memory (for `serve` and tests); [`build`] streams it into a staging folder
//! and commits it to the output only when everything succeeded.

mod photos;

pub use photos::{CACHE_DIR, PhotoFiles, photo_files, static_images};

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use jiff::Timestamp;

use crate::check::{self, Finding, Manifest, Rules};
use crate::error::{Diagnostic, Diagnostics};
use crate::output::assets::AssetNames;
use crate::output::{self, Bytes, Emit, OutputFile, OutputWriter, StateDir};
use crate::pipeline::{self, LoadedSite, SiteOptions, Theme};
use crate::render::{self, templates};
use crate::search;
use crate::site::{PageId, SectionId, Site};
use crate::text::dates::Date;

/// What `wenming build` was asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `ROOT/public`.
    pub output: Option<PathBuf>,
    /// Replaces `base_url` from site.yaml.
    pub base_url: Option<String>,
    pub drafts: bool,
    /// The moment that decides what is scheduled or expired.
    pub now: Timestamp,
    /// Write into an output folder wenming has no record of, overwriting files there that
    /// have the name of a file of the site (it still deletes none of them).
    pub force: bool,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            output: None,
            base_url: None,
            drafts: false,
            now: Timestamp::now(),
            force: false,
        }
    }

    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| pipeline::default_output_dir(&self.root))
    }

    /// What decides the site itself (the front half's options).
    pub fn site_options(&self) -> SiteOptions {
        SiteOptions {
            root: self.root.clone(),
            base_url: self.base_url.clone(),
            drafts: self.drafts,
            now: self.now,
        }
    }
}

/// A rendered site held in memory (for tests and the dev server).
pub struct RenderedSite {
    pub site: Arc<Site>,
    pub files: Vec<OutputFile>,
    pub skipped_drafts: usize,
    pub scheduled: usize,
    pub warnings: Vec<Diagnostic>,
    pub photos: PhotoSummary,
}

/// What the build did with the site's photos.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PhotoSummary {
    /// Photos published.
    pub photos: usize,
    /// Photos read and processed; the others' copies came from the cache.
    pub processed: usize,
    /// Photos whose recorded position (GPS) was removed.
    pub located: usize,
}

impl PhotoSummary {
    /// The line the build prints about its photos; `None` for a site without photos.
    pub fn line(&self) -> Option<String> {
        if self.photos == 0 {
            return None;
        }
        let mut line = format!(
            "照片 {} 张：新处理 {} 张，其余取自缓存 .wenming/images/",
            self.photos, self.processed
        );
        if self.located > 0 {
            line.push_str(&format!(
                "；已删除 {} 张照片中的拍摄地点（GPS 坐标）",
                self.located
            ));
        }
        Some(line)
    }
}

/// The summary printed after a build.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub pages: usize,
    pub sections: usize,
    pub expired: usize,
    pub skipped_drafts: usize,
    pub scheduled: usize,
    /// When a scheduled page falls due or a page expires: the next build that changes the site.
    pub next_due: Option<Timestamp>,
    pub files_written: usize,
    pub files_unchanged: usize,
    pub files_removed: usize,
    /// Templated files (pages, listings…) rendered, and kept from the previous build because
    /// nothing they read changed.
    pub rendered: usize,
    pub kept: usize,
    pub output: PathBuf,
    pub seconds: f64,
    pub warnings: Vec<Diagnostic>,
    pub photos: PhotoSummary,
}

/// A build that stopped: its errors, and the warnings it had found by then (an editor should
/// learn of both in one run).
#[derive(Debug, Default)]
pub struct BuildFailure {
    pub errors: Diagnostics,
    pub warnings: Vec<Diagnostic>,
}

impl BuildFailure {
    fn errors(errors: impl Into<Diagnostics>) -> Self {
        BuildFailure {
            errors: errors.into(),
            warnings: Vec::new(),
        }
    }
}

impl std::fmt::Display for BuildFailure {
    /// The warnings first and the errors last, so that the errors stay on screen.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for w in &self.warnings {
            writeln!(f, "警告：{w}")?;
        }
        write!(f, "{}", self.errors)
    }
}

impl std::error::Error for BuildFailure {}

/// What producing the files found out, besides the files.
struct Produced {
    site: Arc<Site>,
    skipped_drafts: usize,
    scheduled: usize,
    next_due: Option<Timestamp>,
    warnings: Vec<Diagnostic>,
    photos: PhotoSummary,
    /// The publish-date manifest after this build, when it differs from the site's.
    manifest: Option<Manifest>,
    /// Templated files rendered and kept from the previous build (none kept in memory).
    rendered: render::RenderCount,
}

/// Runs the pipeline, handing every output file to `emit`. Files that override others with
/// the same path come later: theme static < robots.txt < site static < rendered pages <
/// generated files (search index, feeds, sitemap, aliases and bundle files) < the manifest.
fn produce(
    options: &BuildOptions,
    loaded: LoadedSite,
    emit: Emit,
    last_build: Option<&dyn render::Previous>,
) -> Result<Produced, BuildFailure> {
    let root = &options.root;
    let timings = Timings::new();
    // The front half ran on whatever could be read, so that one run reports the errors of
    // every stage together; only now does the build stop.
    let LoadedSite {
        mut site,
        theme,
        problems,
        mut warnings,
        skipped_drafts,
        scheduled,
        next_due,
    } = loaded;
    let Theme {
        files: theme,
        templates,
    } = theme.map_err(|e| BuildFailure {
        errors: e.into(),
        warnings: warnings.clone(),
    })?;
    let mut errors = problems.content;
    errors.extend(problems.links);
    let sources = match templates {
        Ok(sources) => sources,
        Err(found) => {
            errors.extend(found);
            return Err(BuildFailure {
                errors: errors.into(),
                warnings,
            });
        }
    };
    errors.extend(problems.shortcodes);

    let (statics, assets) = static_files(root, &theme, &site);
    site.assets = Arc::new(assets);
    site.images = Arc::new(static_images(root, &site.config.images, &statics));
    errors.extend(output::check_generated_claims(
        &site,
        statics.iter().map(|f| f.path.as_str()),
    ));
    let previous = Manifest::read(root, &options.output_dir()).unwrap_or_else(|d| {
        errors.push(d);
        None
    });
    let copied = statics.iter().map(|f| (f.path.as_str(), &f.bytes));
    match editorial_gate(&site, root, copied, previous.as_ref(), Rules::All, None) {
        Ok(found) => warnings.extend(found),
        Err(found) => errors.extend(found),
    }
    let site_static = root.join("static");
    let is_site_photo = |f: &OutputFile| is_photo_of(&site_static, f);
    let site_photos = statics.iter().filter_map(|f| match &f.bytes {
        Bytes::File(source) if is_site_photo(f) => Some((f.path.as_str(), source.as_path())),
        _ => None,
    });
    timings.lap("static files and check rules");
    let photos = photo_files(root, &site, site_photos).unwrap_or_else(|found| {
        errors.extend(found);
        PhotoFiles::default()
    });
    if !errors.is_empty() {
        // The templates are compiled too (nothing is rendered), so that their syntax errors
        // come in the same report instead of the next run's.
        if let Err(found) = render::Renderer::new(Arc::new(site), sources, Arc::default()) {
            errors.extend(found);
        }
        return Err(BuildFailure {
            warnings: not_repeating(warnings, &errors),
            errors: errors.into(),
        });
    }
    let record = !options.drafts;
    let manifest = Manifest::next(previous.as_ref(), &site, record);
    release_sources(&mut site);
    let site = Arc::new(site);
    let failed = |errors: Diagnostics| BuildFailure {
        errors,
        warnings: warnings.clone(),
    };
    // The site's photos are published by the photo pass, without their metadata.
    for file in statics.into_iter().filter(|f| !is_site_photo(f)) {
        emit(file).map_err(|d| failed(d.relative_to(root).into()))?;
    }
    timings.lap("photos and static files written");
    let rendered =
        render_pages(&site, sources, options.drafts, emit, last_build).map_err(failed)?;
    timings.lap("render");
    for group in generated_plan(&site) {
        generate_into(&site, group, emit).map_err(failed)?;
    }
    timings.lap("feeds, sitemaps, search index");
    let summary = PhotoSummary {
        photos: photos.photos,
        processed: photos.processed,
        located: photos.located,
    };
    for file in photos.files {
        emit(file).map_err(|d| failed(d.relative_to(root).into()))?;
    }
    Ok(Produced {
        site,
        skipped_drafts,
        scheduled,
        next_due,
        warnings,
        photos: summary,
        // A preview of drafts records nothing, not even an empty manifest.
        manifest: (record && (previous.as_ref() != Some(&manifest) || !Manifest::is_saved(root)))
            .then_some(manifest),
        rendered,
    })
}

/// Whether `f` is a photo copied from the site's own `static/` folder (`site_static`).
fn is_photo_of(site_static: &Path, f: &OutputFile) -> bool {
    match &f.bytes {
        Bytes::File(source) => {
            source.starts_with(site_static) && crate::media::is_photo(Path::new(&f.path))
        }
        _ => false,
    }
}

/// Renders the templated files into `emit`, or, given the previous build (the writer), only
/// those whose inputs changed since (see [`render::reuse`]).
fn render_pages(
    site: &Arc<Site>,
    sources: Vec<templates::TemplateSource>,
    drafts: bool,
    emit: Emit,
    last_build: Option<&dyn render::Previous>,
) -> Result<render::RenderCount, Diagnostics> {
    match last_build {
        Some(last_build) => {
            let salt = render::reuse::Salt::new(site, drafts);
            render::render_reusing(site.clone(), sources, salt, last_build)
        }
        None => render::render(site.clone(), sources, emit),
    }
}

/// The warnings that do not repeat one of `errors`: a check rule that finds what a stage
/// already reported as an error (a broken link) would otherwise print it twice.
fn not_repeating(mut warnings: Vec<Diagnostic>, errors: &[Diagnostic]) -> Vec<Diagnostic> {
    warnings.retain(|w| {
        !errors.iter().any(|e| {
            e.file == w.file
                && e.line == w.line
                && e.column == w.column
                && w.message.starts_with(&e.message)
        })
    });
    warnings
}

/// Runs the check rules (all but `--external`) as `build` and `serve` do: personal data, a
/// missing required review and a publish date changed since `published` (the previous
/// build's manifest) are errors that stop the build; every other finding is a warning.
/// `statics` are the copied files (see [`static_files`]), by their path below the output;
/// the photos among those of the site's own `static/` are read for a recorded location.
/// `serve` passes [`Rules::Blocking`] and the files changed since its last good build (see
/// [`check::Inputs::changed_files`]).
pub fn editorial_gate<'a>(
    site: &Site,
    root: &Path,
    statics: impl Iterator<Item = (&'a str, &'a Bytes)> + Clone,
    published: Option<&Manifest>,
    rules: Rules,
    changed_files: Option<&HashSet<PathBuf>>,
) -> Result<Vec<Diagnostic>, Diagnostics> {
    let site_dir = root.join("static");
    let findings = check::run_rules(&check::Inputs {
        site,
        static_files: statics.clone().map(|(path, _)| path).collect(),
        site_static: statics
            .filter_map(|(path, bytes)| match bytes {
                Bytes::File(source) if source.starts_with(&site_dir) => {
                    Some((path, source.as_path()))
                }
                _ => None,
            })
            .collect(),
        published,
        external: None,
        rules,
        changed_files,
        strict: false,
    });
    let (blocking, other): (Vec<Finding>, Vec<Finding>) =
        findings.into_iter().partition(|f| f.code.blocks_build());
    if blocking.is_empty() {
        Ok(other.iter().map(Finding::to_diagnostic).collect())
    } else {
        Err(Diagnostics::unsorted(
            blocking.iter().map(Finding::to_diagnostic).collect(),
        ))
    }
}

/// Drops the file texts only the check rules needed, and the plain text only the search index
/// needs (all of it when search is off), before rendering: on a large site they are tens of
/// megabytes. (A build holds its pages alone; `serve` keeps the texts.)
fn release_sources(site: &mut Site) {
    let keep_text = site.config.search.enabled;
    for p in &mut site.pages {
        if let Some(page) = Arc::get_mut(p).and_then(|p| Arc::get_mut(&mut p.page)) {
            page.raw = Default::default();
            if !keep_text {
                page.body.text = String::new();
            }
        }
    }
    for s in &mut site.sections {
        if let Some(section) = Arc::get_mut(&mut s.section) {
            section.raw = Default::default();
            section.body.text = String::new();
        }
    }
    site.data_text = Default::default();
}

/// Loads, links and renders the site in memory.
pub fn render_site(options: &BuildOptions) -> Result<RenderedSite, Diagnostics> {
    let files = Mutex::new(Vec::new());
    let loaded = pipeline::load_site(&options.site_options()).map_err(Diagnostics::sorted)?;
    let produced = produce(
        options,
        loaded,
        &|f| {
            files.lock().unwrap_or_else(|e| e.into_inner()).push(f);
            Ok(())
        },
        None,
    )
    .map_err(|failure| failure.errors)?;
    Ok(RenderedSite {
        site: produced.site,
        files: files.into_inner().unwrap_or_else(|e| e.into_inner()),
        skipped_drafts: produced.skipped_drafts,
        scheduled: produced.scheduled,
        warnings: produced.warnings,
        photos: produced.photos,
    })
}

fn static_file((path, source): (String, templates::StaticSource)) -> OutputFile {
    let bytes = match source {
        templates::StaticSource::File(p) => Bytes::File(p),
        templates::StaticSource::Embedded(b) => Bytes::Embedded(b),
    };
    OutputFile { path, bytes }
}

/// Files copied or written before the rendered pages, each replacing an earlier one with the
/// same path: the theme's static files, robots.txt, the site's `static/`, and the
/// fingerprinted copies of the stylesheets and scripts among them, whose names are returned
/// for [`Site::assets`].
pub fn static_files(
    root: &Path,
    theme: &templates::ThemeFiles,
    site: &Site,
) -> (Vec<OutputFile>, AssetNames) {
    let mut site_static = Vec::new();
    templates::disk_static(&root.join("static"), &mut site_static);
    let mut files: Vec<OutputFile> = templates::theme_static(theme)
        .into_iter()
        .map(static_file)
        .chain([OutputFile::text("robots.txt", output::robots_txt(site))])
        .chain(site_static.into_iter().map(static_file))
        .collect();
    let assets = output::assets::fingerprint(&mut files);
    (files, assets)
}

/// One group of files made from the model without templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Generated {
    /// The search index under `search/`, when search is on.
    SearchIndex,
    /// `atom.xml` of the whole site.
    SiteFeed,
    /// `<section>/atom.xml` of a section with pages.
    SectionFeed(SectionId),
    /// `sitemap.xml` (an index and its parts on large sites).
    Sitemaps,
    /// A page's alias redirects and page-bundle files.
    PageFiles(PageId),
    /// Redirects from the URLs sections and taxonomy terms had before word-aware pinyin.
    LegacyRedirects,
}

/// Every group of generated files of the site, in the order they are written.
pub fn generated_plan(site: &Site) -> Vec<Generated> {
    let mut plan = Vec::new();
    if site.config.search.enabled {
        plan.push(Generated::SearchIndex);
    }
    plan.push(Generated::SiteFeed);
    plan.extend(
        (site.section_ids().zip(&site.sections))
            .filter(|(_, s)| !s.path.eq("/") && !s.pages.is_empty())
            .map(|(i, _)| Generated::SectionFeed(i)),
    );
    plan.push(Generated::Sitemaps);
    plan.extend(
        (site.page_ids().zip(&site.pages))
            .filter(|(_, p)| !p.aliases.is_empty() || p.page.bundle_dir.is_some())
            .map(|(i, _)| Generated::PageFiles(i)),
    );
    if !site.legacy_redirects.is_empty() {
        plan.push(Generated::LegacyRedirects);
    }
    plan
}

/// Hands the files of one group to `emit` as they are made (the search index is large).
pub fn generate_into(site: &Site, group: Generated, emit: Emit) -> Result<(), Diagnostics> {
    match group {
        Generated::SearchIndex => search::build(site, emit).map(drop),
        _ => generate(site, group)
            .into_iter()
            .try_for_each(emit)
            .map_err(Diagnostics::from),
    }
}

/// The files of one group.
pub fn generate(site: &Site, group: Generated) -> Vec<OutputFile> {
    match group {
        Generated::SearchIndex => {
            let files = Mutex::new(Vec::new());
            // Kept in memory, the files cannot fail to be written.
            let kept = search::build(site, &|f| {
                files.lock().unwrap_or_else(|e| e.into_inner()).push(f);
                Ok(())
            });
            debug_assert!(kept.is_ok());
            files.into_inner().unwrap_or_else(|e| e.into_inner())
        }
        Generated::SiteFeed => {
            let all: Vec<PageId> = site.page_ids().collect();
            vec![OutputFile::text(
                "atom.xml",
                output::atom_feed(site, &site.config.title, "/", "/atom.xml", &all),
            )]
        }
        Generated::SectionFeed(i) => {
            let s = &site.sections[i];
            let title = format!("{} - {}", s.section.meta.title, site.config.title);
            let feed_path = format!("{}atom.xml", s.path);
            vec![OutputFile::text(
                feed_path.trim_start_matches('/'),
                output::atom_feed(site, &title, &s.path, &feed_path, &s.pages),
            )]
        }
        Generated::Sitemaps => output::sitemaps(site)
            .into_iter()
            .map(|(name, text)| OutputFile::text(name, text))
            .collect(),
        Generated::PageFiles(i) => {
            let p = &site.pages[i];
            let mut files: Vec<OutputFile> = p
                .aliases
                .iter()
                .map(|alias| OutputFile::text(alias.file.clone(), output::alias_page(site, p)))
                .collect();
            if let Some(dir) = &p.page.bundle_dir {
                // Photos are published by the photo pass ([`photo_files`]).
                for asset in p.page.assets.iter().filter(|a| !crate::media::is_photo(a)) {
                    let path = format!(
                        "{}{}",
                        p.path.trim_start_matches('/'),
                        asset.to_string_lossy().replace('\\', "/")
                    );
                    files.push(OutputFile {
                        path,
                        bytes: Bytes::File(dir.join(asset)),
                    });
                }
            }
            files
        }
        Generated::LegacyRedirects => site
            .legacy_redirects
            .iter()
            .map(|r| {
                OutputFile::text(
                    r.from.file.clone(),
                    output::redirect_page(site, &r.to, &r.title),
                )
            })
            .collect(),
    }
}

/// Builds the site and replaces the output directory with the result.
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    let started = Instant::now();
    let output_dir = options.output_dir();
    refuse_unsafe_output_dir(&options.root, &output_dir).map_err(BuildFailure::errors)?;
    let timings = Timings::new();
    let writer = OutputWriter::begin(&options.root, &output_dir, options.force)
        .map_err(BuildFailure::errors)?;
    timings.lap("writer begun");
    let loaded = match pipeline::load_site(&options.site_options()) {
        Ok(loaded) => loaded,
        Err(errors) => {
            writer.abort();
            return Err(BuildFailure::errors(errors.sorted()));
        }
    };
    timings.lap("load, parse, link");
    let writer = writer.compress(loaded.site.config.output.compress);
    let previous = WriterPrevious(&writer);
    let produced = match produce(options, loaded, &|f| writer.put(f), Some(&previous)) {
        Ok(p) => p,
        Err(errors) => {
            writer.abort();
            return Err(errors);
        }
    };
    // The manifest is saved before the output changes: a build that stops in between has
    // recorded dates that the next build publishes again, never published unrecorded ones.
    let failed = |errors: Diagnostics| BuildFailure {
        errors,
        warnings: produced.warnings.clone(),
    };
    if let Some(manifest) = &produced.manifest
        && let Err(d) = manifest.save(&options.root)
    {
        writer.abort();
        return Err(failed(d.into()));
    }
    timings.lap("produce");
    let written = writer.commit().map_err(failed)?;
    timings.lap("commit");
    if !options.drafts {
        record_next_due(&options.root, produced.next_due).map_err(|d| failed(d.into()))?;
    }
    let site = &produced.site;
    Ok(BuildReport {
        pages: site.pages.len(),
        sections: site.sections.len(),
        expired: site.pages.iter().filter(|p| p.expired).count(),
        skipped_drafts: produced.skipped_drafts,
        scheduled: produced.scheduled,
        next_due: produced.next_due,
        files_written: written.written,
        files_unchanged: written.unchanged,
        files_removed: written.removed,
        rendered: produced.rendered.rendered,
        kept: produced.rendered.kept,
        output: output_dir,
        seconds: started.elapsed().as_secs_f64(),
        warnings: produced.warnings,
        photos: produced.photos,
    })
}

/// With `WENMING_TIMINGS` set, a build prints how long each of its stages took (stderr), for
/// measuring where the time goes (docs/perf.md).
struct Timings(Option<Mutex<Instant>>);

impl Timings {
    fn new() -> Timings {
        Timings(std::env::var_os("WENMING_TIMINGS").map(|_| Mutex::new(Instant::now())))
    }

    fn lap(&self, stage: &str) {
        if let Some(last) = &self.0 {
            let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
            eprintln!("timing: {stage} {:.3} s", last.elapsed().as_secs_f64());
            *last = Instant::now();
        }
    }
}

/// The output writer as the render stage sees the previous build.
struct WriterPrevious<'a>(&'a OutputWriter);

impl render::Previous for WriterPrevious<'_> {
    fn recorded_key(&self, path: &str) -> Option<&str> {
        self.0.recorded_key(path)
    }
    fn keep(&self, path: &str, key: &str) -> bool {
        self.0.keep(path, key)
    }
    fn put(&self, file: OutputFile, key: Option<String>) -> Result<(), Diagnostic> {
        self.0.put_keyed(file, key)
    }
}

/// The state file holding when the published site next changes by itself (a scheduled page
/// falls due or a page expires), for a scheduler or a monitoring script to read.
pub const NEXT_DUE_FILE: &str = "next-due";

/// Writes `.wenming/next-due`: that moment as one RFC 3339 line in Beijing time
/// (`2026-12-31T00:00:00+08:00`), or removes the file when nothing is due.
fn record_next_due(root: &Path, next_due: Option<Timestamp>) -> Result<(), Diagnostic> {
    let state = StateDir::open(root)?;
    match next_due {
        Some(due) => {
            let line = format!("{}\n", Date::from_timestamp(due).rfc3339());
            if state.read(NEXT_DUE_FILE)?.as_deref() == Some(line.as_bytes()) {
                return Ok(());
            }
            state.write(NEXT_DUE_FILE, line.as_bytes())
        }
        None => state.remove(NEXT_DUE_FILE),
    }
}

/// The output directory is replaced whole, so it must never be the site itself, a folder
/// holding it, a home directory, or one of the site's source folders.
pub fn refuse_unsafe_output_dir(root: &Path, output: &Path) -> Result<(), Diagnostic> {
    let absolute = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        // Resolve what exists, keep the rest as written.
        let mut existing = p.clone();
        let mut rest = Vec::new();
        while !existing.exists() {
            match (
                existing.file_name().map(|n| n.to_os_string()),
                existing.parent(),
            ) {
                (Some(name), Some(parent)) => {
                    rest.push(name);
                    existing = parent.to_path_buf();
                }
                _ => break,
            }
        }
        let mut resolved = existing.canonicalize().unwrap_or(existing);
        for name in rest.into_iter().rev() {
            resolved.push(name);
        }
        resolved
    };
    let root_abs = absolute(root);
    let out_abs = absolute(output);
    let refuse = |why: &str| {
        Err(Diagnostic::new(
            output,
            format!("拒绝使用 {} 作为输出目录：{why}", output.display()),
        )
        .hint("wenming 会在输出目录中写入和删除它生成的文件，请用 --output 指定一个专用目录，例如 public"))
    };
    if root_abs.starts_with(&out_abs) {
        return refuse("它是站点目录本身或其上级目录");
    }
    // Canonical paths on both sides: a link to the home folder is the home folder.
    let home = std::env::var_os("HOME").map(|h| absolute(Path::new(&h)));
    if home.is_some_and(|h| h.starts_with(&out_abs)) || out_abs.parent().is_none() {
        return refuse("它是主目录或根目录");
    }
    for source in ["content", "static", "templates", "themes", "data"] {
        if out_abs.starts_with(root_abs.join(source)) {
            return refuse(&format!("它在站点的 {source}/ 目录中"));
        }
    }
    Ok(())
}
