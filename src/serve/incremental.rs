//! The site kept in memory between edits. Every source file is parsed once and kept; a change
//! re-parses only the files it touched (and the pages below a section whose `kind:` changed,
//! and those showing a changed image), links the site again (cheap) or, when a page was
//! edited in place, patches the last good site and computes the content kinds' site-wide
//! figures again. Then it re-renders only the files whose inputs differ from the last good
//! build, as `render::changes` tells (render knows what each page reads; serve asks and
//! writes). Whatever it renders, the result is the same as a fresh build: the tests compare
//! the two after random edit sequences.
//!
//! Every rebuild runs the editorial checks a build runs; what would stop a build fails the
//! rebuild. The publish-date manifest a build writes is not made: serve publishes nothing.
//!
//! A failed rebuild changes nothing that is served; the next successful one is compared with
//! the last good build, not with the failed one.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, RwLock};

use crate::build::{self, Generated};
use crate::check::{Manifest, Rules};
use crate::config::Config;
use crate::content::data::DataFiles;
use crate::content::{
    self, ContentFile, Discovery, LoadOptions, ParseSettings, Parsed, SectionKinds, is_ignored_name,
};
use crate::error::{Diagnostic, Diagnostics};
use crate::output::{self, Bytes, OutputFile};
use crate::pipeline;
use crate::render::changes::{Affected, LastRender};
use crate::render::templates::{self, TemplateSource, ThemeFiles};
use crate::render::{Job, Renderer, shortcodes};
use crate::search;
use crate::site::{PageId, Site, Target, UnexpandedSite};
use jiff::Timestamp;
use rayon::prelude::*;

/// The files of the site as served: copied files, rendered pages, the search index and the
/// other generated files, each layer replacing the one before for the same path, exactly as a
/// build writes them. Copied files (static files, bundle assets) are read when they change,
/// so the last good site stays whole while the sources have errors.
#[derive(Debug, Default)]
pub struct SiteFiles {
    statics: HashMap<String, Bytes>,
    rendered: HashMap<String, Bytes>,
    /// The search index, when search is on.
    search: Option<Arc<LazySearch>>,
    generated: HashMap<String, Bytes>,
    /// The bytes of every copied file, by source path.
    copies: HashMap<PathBuf, Arc<Vec<u8>>>,
}

/// The search index of a site, made when a file below `search/` is first asked for: on a
/// large site it takes a second, which a save should not wait for, and only the search page
/// reads it. Made again after every change of the content.
#[derive(Debug)]
struct LazySearch {
    site: Arc<Site>,
    files: OnceLock<HashMap<String, Bytes>>,
}

impl LazySearch {
    fn new(site: Arc<Site>) -> LazySearch {
        LazySearch {
            site,
            files: OnceLock::new(),
        }
    }

    fn files(&self) -> &HashMap<String, Bytes> {
        self.files
            .get_or_init(|| layer(build::generate(&self.site, Generated::SearchIndex)))
    }
}

impl SiteFiles {
    /// The bytes of the file at `path` (below the output root, `/` separators, no leading `/`).
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        let in_search = path
            .strip_prefix(search::INDEX_DIR)
            .is_some_and(|rest| rest.starts_with('/'));
        let bytes = self
            .generated
            .get(path)
            .or_else(|| {
                let search = self.search.as_ref().filter(|_| in_search)?;
                search.files().get(path)
            })
            .or_else(|| self.rendered.get(path))
            .or_else(|| self.statics.get(path))?;
        match bytes {
            Bytes::Owned(b) => Some(b),
            Bytes::Embedded(b) => Some(b),
            Bytes::File(p) => self.copies.get(p).map(|b| b.as_slice()),
        }
    }

    /// Every path of the site, sorted (this makes the search index).
    pub fn paths(&self) -> BTreeSet<&str> {
        let search = self.search.iter().flat_map(|s| s.files().keys());
        self.statics
            .keys()
            .chain(self.rendered.keys())
            .chain(search)
            .chain(self.generated.keys())
            .map(String::as_str)
            .collect()
    }
}

/// What one rebuild did.
#[derive(Debug)]
pub enum Outcome {
    /// The site was rebuilt; these output paths were added, changed or removed.
    Changed(Changes),
    /// The sources changed in no way that shows on the site.
    Unchanged,
    /// The sources have errors; the previous good site is still served.
    Failed(Diagnostics),
}

/// What a successful rebuild changed, and how much work it took.
#[derive(Debug, Default)]
pub struct Changes {
    /// Output paths added, changed or removed, sorted.
    pub paths: Vec<String>,
    /// Files rendered with templates.
    pub rendered: usize,
    /// Files parsed from `content/`.
    pub parsed: usize,
    /// Warnings of a full build (stray files, symbolic links); empty for partial rebuilds.
    pub warnings: Vec<Diagnostic>,
}

/// The sources as last read from disk.
struct Disk {
    config: Config,
    theme: ThemeFiles,
    settings: ParseSettings,
    discovery: Discovery,
    /// Every file of `discovery`, parsed; each page with the kind `kinds` gives it.
    parsed: HashMap<PathBuf, Result<Parsed, Diagnostics>>,
    kinds: SectionKinds,
    data: DataFiles,
    templates: Result<Vec<TemplateSource>, Diagnostics>,
}

/// The last good build: what its render read (to tell what a change touches) and whether
/// two generated files have the same path (then order matters: all are made again).
struct Good {
    rendered: LastRender,
    generated_overlap: bool,
}

/// What changed on disk since the last good build (kept across failed rebuilds).
#[derive(Default)]
struct Pending {
    /// Content or data changed.
    model: bool,
    /// Anything beyond re-parsed pages changed the site's shape: files added, removed or
    /// renamed, a section or data file edited.
    structure: bool,
    /// Page files parsed again (each still at its place).
    pages: BTreeSet<PathBuf>,
    /// Files changed, for copied files (static files, bundle assets).
    files: BTreeSet<PathBuf>,
    /// Something under `static/` changed.
    statics: bool,
}

/// The live site: sources, the last good build, and the files being served.
pub struct LiveSite {
    root: PathBuf,
    drafts: bool,
    disk: Result<Disk, Diagnostics>,
    good: Option<Good>,
    pending: Pending,
    files: Arc<RwLock<SiteFiles>>,
}

/// Which part of the site a changed path belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Area {
    Config,
    Content,
    Data,
    Templates,
    Static,
    /// The theme folder itself (its presence decides between disk and embedded theme).
    Theme,
    Other,
}

impl LiveSite {
    /// Reads and renders the whole site. A site with errors still gives a `LiveSite`, which
    /// serves nothing until a later update succeeds.
    pub fn new(root: &Path, drafts: bool, now: Timestamp) -> (LiveSite, Outcome) {
        let mut live = LiveSite {
            root: root.to_path_buf(),
            drafts,
            disk: read_disk(root),
            good: None,
            pending: Pending::default(),
            files: Arc::default(),
        };
        let outcome = live.rebuild(now, true);
        (live, outcome)
    }

    /// The first moment after the last good build at which a scheduled page falls due, a
    /// page expires or a countdown moves on (midnight): serve rebuilds then by itself, as the
    /// timer does on a server.
    pub fn next_due(&self) -> Option<Timestamp> {
        let rendered = &self.good.as_ref()?.rendered;
        let since = rendered.site().now;
        let disk = self.disk.as_ref().ok()?;
        let pages = disk.parsed.values().filter_map(|p| match p {
            Ok(Parsed::Page(page)) => Some(&**page),
            _ => None,
        });
        // A countdown (`days_until`) changes at midnight, as the timer's build does then.
        content::next_due(pages, since)
            .into_iter()
            .chain(rendered.next_change())
            .min()
    }

    /// Rebuilds because time passed: the pages published or expired since the last build
    /// come and go (the site is linked again with the new `now`, nothing is read).
    pub fn republish(&mut self, now: Timestamp) -> Outcome {
        self.pending.model = true;
        self.pending.structure = true;
        self.rebuild(now, false)
    }

    /// The files being served; updated in place by each successful rebuild.
    pub fn files(&self) -> Arc<RwLock<SiteFiles>> {
        self.files.clone()
    }

    /// The site root, as given.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The path part of `base_url` (`/wenming` for `https://x.gov.cn/wenming`), or empty.
    pub fn base_path(&self) -> String {
        match &self.disk {
            Ok(d) => d.config.base_path().to_string(),
            Err(_) => String::new(),
        }
    }

    /// True when a change of `path` may change the site: a source, not an editor's swap or
    /// backup file, and in `content/` a file that exists, or existed as a page, section,
    /// folder of them or file of a bundle (not one that came and went unseen, like vim's
    /// `4913`).
    pub fn is_relevant(&self, path: &Path) -> bool {
        match self.area(path) {
            Area::Other => false,
            Area::Content => {
                path.exists()
                    || self.disk.as_ref().map_or(true, |d| {
                        d.discovery.files.iter().any(|f| {
                            f.abs.starts_with(path)
                                || f.bundle_dir.as_ref().is_some_and(|b| path.starts_with(b))
                        })
                    })
            }
            _ => true,
        }
    }

    /// Rebuilds after the files at `paths` changed (created, modified or removed).
    pub fn update(&mut self, paths: &[PathBuf], now: Timestamp) -> Outcome {
        let mut by_area: HashMap<Area, Vec<&PathBuf>> = HashMap::new();
        for p in paths.iter().filter(|p| self.is_relevant(p)) {
            by_area.entry(self.area(p)).or_default().push(p);
        }
        by_area.remove(&Area::Other);
        if by_area.is_empty() {
            return Outcome::Unchanged;
        }
        let full = by_area.contains_key(&Area::Config)
            || by_area.contains_key(&Area::Theme)
            || self.disk.is_err()
            || self.theme_moved();
        if full {
            self.disk = read_disk(&self.root);
            return self.rebuild(now, true);
        }
        let root = self.root.clone();
        let Ok(disk) = self.disk.as_mut() else {
            return self.rebuild(now, true);
        };
        let pending = &mut self.pending;
        let mut parsed = 0;
        let no_paths = Vec::new();
        let changed = by_area.get(&Area::Content).unwrap_or(&no_paths);
        // Pages show the pixel sizes of the site's static images.
        let static_dir = root.join("static");
        let images: Vec<&PathBuf> = by_area
            .get(&Area::Static)
            .into_iter()
            .flatten()
            .copied()
            .filter(|p| p.starts_with(&static_dir))
            .collect();
        if !changed.is_empty() || !images.is_empty() {
            let update = update_content(&root, disk, changed, &images);
            parsed = update.parsed;
            if parsed > 0 || !changed.is_empty() {
                pending.model = true;
                match update.pages {
                    Some(pages) => pending.pages.extend(pages),
                    None => pending.structure = true,
                }
            }
            pending
                .files
                .extend(changed.iter().map(|p| p.to_path_buf()));
        }
        if by_area.contains_key(&Area::Data) {
            disk.data = content::data::load(&root, disk.config.limits);
            pending.model = true;
            pending.structure = true;
        }
        if let Some(changed) = by_area.get(&Area::Templates) {
            disk.templates = templates::read_sources(&root, &disk.theme);
            // Shortcode outputs are part of the pages' HTML in the model: every page is
            // linked and its shortcodes expanded again.
            if changed.iter().any(|p| is_shortcode_template(&root, p)) {
                pending.model = true;
                pending.structure = true;
            }
        }
        if let Some(changed) = by_area.get(&Area::Static) {
            pending.statics = true;
            pending
                .files
                .extend(changed.iter().map(|p| p.to_path_buf()));
        }
        let mut outcome = self.rebuild(now, false);
        if let Outcome::Changed(c) = &mut outcome {
            c.parsed = parsed;
        }
        outcome
    }

    /// The theme folder appeared or disappeared (switching between it and the embedded one).
    fn theme_moved(&self) -> bool {
        match &self.disk {
            Ok(d) => templates::theme_files(&self.root, &d.config).ok().as_ref() != Some(&d.theme),
            Err(_) => true,
        }
    }

    fn area(&self, path: &Path) -> Area {
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return Area::Other;
        };
        let parts: Vec<&str> = rel
            .components()
            .map(|c| c.as_os_str().to_str().unwrap_or("."))
            .collect();
        if parts.iter().any(|p| is_ignored_name(p)) {
            return Area::Other;
        }
        let theme = self.disk.as_ref().map(|d| d.config.theme.as_str()).ok();
        match parts.as_slice() {
            ["site.yaml"] => Area::Config,
            ["content", _, ..] => Area::Content,
            ["data", _, ..] => Area::Data,
            ["templates", _, ..] => Area::Templates,
            ["static", _, ..] => Area::Static,
            ["themes", t, rest @ ..] if Some(*t) == theme || theme.is_none() => match rest {
                ["templates", _, ..] => Area::Templates,
                ["static", _, ..] => Area::Static,
                _ => Area::Theme,
            },
            ["content"] | ["data"] | ["templates"] | ["static"] => Area::Config,
            _ => Area::Other,
        }
    }

    /// The last good site with the re-parsed pages put in, when nothing else changed, no
    /// page became published or expired since and the pages have no errors; `None` when the
    /// site must be linked again. The re-parsed pages' shortcodes are still to expand.
    fn patched_site(&self, now: Timestamp) -> Option<UnexpandedSite> {
        let good = self.good.as_ref()?;
        let disk = self.disk.as_ref().ok()?;
        if self.pending.structure {
            return None;
        }
        let since = good.rendered.site().now;
        let crosses = |d: Option<crate::text::dates::Date>| {
            d.is_some_and(|d| since < d.timestamp() && d.timestamp() <= now)
        };
        let moved_in_time = disk.parsed.values().any(|p| match p {
            Ok(Parsed::Page(p)) => crosses(p.meta.date) || crosses(p.meta.expires),
            _ => false,
        });
        if moved_in_time || now < since {
            return None;
        }
        let mut site = Site::clone(good.rendered.site());
        site.now = now;
        let mut site = UnexpandedSite::from(site);
        for path in &self.pending.pages {
            let Some(Ok(Parsed::Page(page))) = disk.parsed.get(path) else {
                return None;
            };
            let Some(&Target::Page(i)) = site.site().by_content_path.get(&page.content_path) else {
                return None;
            };
            // A page with errors: the whole site is linked again, which reports the errors
            // of every file together (the patch would stop at this page's).
            site = site.with_page_replaced(i, page.clone(), now)?.ok()?;
        }
        Some(site)
    }

    /// The site linked again from every parsed source, its shortcodes expanded with
    /// `templates`.
    fn linked_site(
        &self,
        templates: &[TemplateSource],
        now: Timestamp,
    ) -> Result<(Site, Vec<Diagnostic>), Diagnostics> {
        let disk = self.disk.as_ref().map_err(Clone::clone)?;
        let parsed = disk
            .discovery
            .files
            .iter()
            .filter_map(|f| disk.parsed.get(&f.abs).cloned());
        let options = LoadOptions {
            drafts: self.drafts,
            now,
        };
        let (content, errors) = content::assemble(&disk.discovery, parsed, &disk.data, options);
        // Linked even when some files could not be read, so that the preview names a broken
        // link together with a front matter error, as `build` does.
        let linked =
            pipeline::link_and_expand(disk.config.clone(), content, errors, Some(templates), now);
        let mut errors = linked.problems.content;
        errors.extend(linked.problems.links);
        if !errors.is_empty() {
            Err(Diagnostics::unsorted(errors))
        } else if !linked.problems.shortcodes.is_empty() {
            Err(Diagnostics::unsorted(linked.problems.shortcodes))
        } else {
            Ok((linked.site, linked.warnings))
        }
    }

    /// The check rules a build runs (see [`build::editorial_gate`]), against the publish-date
    /// manifest of the last `wenming build` into `ROOT/public`: what would stop that build
    /// fails the preview too (the browser shows it), the rest are warnings. Every rule runs
    /// for a full rebuild, which reports its warnings. Otherwise, to keep a save fast, only
    /// the rules that can stop a build, and personal data is looked for only in the files
    /// changed since the last good build (which had none): pages and sections parsed again,
    /// photos saved under `static/` or in a bundle. `statics`: the new static layer,
    /// when it was made again.
    fn editorial_gate(
        &self,
        site: &Site,
        statics: Option<&HashMap<String, Bytes>>,
        full: bool,
    ) -> Result<Vec<Diagnostic>, Diagnostics> {
        let published = Manifest::read(&self.root, &pipeline::default_output_dir(&self.root))?;
        let changed = match (&self.good, full) {
            (Some(good), false) => {
                let mut changed = changed_texts(good.rendered.site(), site);
                let touched = self.pending.files.iter();
                changed.extend(touched.map(|p| crate::error::relative(&self.root, p)));
                Some(changed)
            }
            _ => None,
        };
        let rules = if changed.is_some() {
            Rules::Blocking
        } else {
            Rules::All
        };
        let files = self.files.read().unwrap_or_else(|e| e.into_inner());
        let statics = statics.unwrap_or(&files.statics);
        build::editorial_gate(
            site,
            &self.root,
            statics.iter().map(|(path, bytes)| (path.as_str(), bytes)),
            published.as_ref(),
            rules,
            changed.as_ref(),
        )
    }

    /// Links the site (or patches the last good one) and renders what differs from the last
    /// good build (everything when `full`), then updates the served files.
    fn rebuild(&mut self, now: Timestamp, full: bool) -> Outcome {
        if full {
            self.good = None;
            self.pending = Pending {
                model: true,
                structure: true,
                statics: true,
                ..Pending::default()
            };
        }
        match self.try_rebuild(now, full) {
            Ok(outcome) => outcome,
            Err(errors) => failed(errors),
        }
    }

    /// [`LiveSite::rebuild`] after the reset; an error leaves the last good build and what
    /// is pending as they were.
    fn try_rebuild(&mut self, now: Timestamp, full: bool) -> Result<Outcome, Diagnostics> {
        let disk = self.disk.as_ref().map_err(Clone::clone)?;
        let templates_now = disk.templates.clone()?;
        let (mut site, same_shape, mut warnings) = self.new_site(now, &templates_now)?;
        // A patched site keeps the fingerprinted names of the site it was patched from.
        let statics = (self.pending.statics || !same_shape).then(|| {
            let (files, assets) = build::static_files(&self.root, &disk.theme, &site);
            site.assets = Arc::new(assets);
            site.images = Arc::new(build::static_images(
                &self.root,
                &site.config.images,
                &files,
            ));
            layer(files)
        });
        warnings.extend(self.editorial_gate(&site, statics.as_ref(), full)?);
        let site = Arc::new(site);
        let affected = Affected::new(
            self.good.as_ref().map(|g| &g.rendered),
            &site,
            &templates_now,
            self.pending.model,
        );
        let renderer = Renderer::new(site.clone(), templates_now.clone(), affected.summaries())?;
        let reparsed = self.reparsed_pages(&site, same_shape);
        let mut plan = affected.plan(&renderer, same_shape, &reparsed);
        let (rendered, reads) = render_jobs(&renderer, &plan.dirty)?;
        plan.note_reads(&reads);
        let (generated, generated_overlap) = self.generated_files(&site, same_shape, &reparsed);
        let generated = self.with_photos(&site, statics.as_ref(), generated)?;
        let copies = self.copied_files(statics.as_ref(), &generated)?;
        let live = (!same_shape).then(|| plan.paths().collect());
        let changed = self.publish(&site, live, &rendered, statics, generated, copies);

        let rendered_count = rendered.len();
        drop(rendered);
        self.good = Some(Good {
            rendered: affected.into_rendered(plan),
            generated_overlap,
        });
        self.pending = Pending::default();
        if changed.is_empty() {
            return Ok(Outcome::Unchanged);
        }
        Ok(Outcome::Changed(Changes {
            paths: changed.into_iter().collect(),
            rendered: rendered_count,
            parsed: 0,
            warnings: if full { warnings } else { Vec::new() },
        }))
    }

    /// The site to render: the last good one patched with the re-parsed pages when it can
    /// be (then `true`: same shape), else linked again; its shortcodes expanded with
    /// `templates`; and the warnings to report.
    fn new_site(
        &self,
        now: Timestamp,
        templates: &[TemplateSource],
    ) -> Result<(Site, bool, Vec<Diagnostic>), Diagnostics> {
        match self.patched_site(now) {
            Some(site) => {
                let site = shortcodes::expand(site, templates)?;
                let warnings = site.warnings.clone();
                Ok((site, true, warnings))
            }
            None => {
                let (site, warnings) = self.linked_site(templates, now)?;
                Ok((site, false, warnings))
            }
        }
    }

    /// Pages parsed again and found in place (on a patched site, `same_shape`).
    fn reparsed_pages(&self, site: &Site, same_shape: bool) -> Vec<PageId> {
        let Some(disk) = self.disk.as_ref().ok().filter(|_| same_shape) else {
            return Vec::new();
        };
        self.pending
            .pages
            .iter()
            .filter_map(|p| match disk.parsed.get(p) {
                Some(Ok(Parsed::Page(page))) => {
                    match site.by_content_path.get(&page.content_path) {
                        Some(&Target::Page(i)) => Some(i),
                        _ => None,
                    }
                }
                _ => None,
            })
            .collect()
    }

    /// `generated` and the site's photos with their resized copies, as a build publishes them
    /// (from the cache after the first time).
    fn with_photos(
        &self,
        site: &Site,
        statics: Option<&HashMap<String, Bytes>>,
        mut generated: HashMap<String, Bytes>,
    ) -> Result<HashMap<String, Bytes>, Diagnostics> {
        let files = self.files.read().unwrap_or_else(|e| e.into_inner());
        let statics = statics.unwrap_or(&files.statics);
        let site_static = self.root.join("static");
        let site_photos = statics.iter().filter_map(|(path, bytes)| match bytes {
            Bytes::File(source) if source.starts_with(&site_static) => {
                Some((path.as_str(), source.as_path()))
            }
            _ => None,
        });
        // (`?` converts the photo pass's errors, a list or `Diagnostics`; `failed` sorts.)
        let photos = build::photo_files(&self.root, site, site_photos)?;
        // The copies of the last run (kept with the generated files of a patched site) go:
        // a photo changed since has copies under other names.
        let cache = self.root.join(output::STATE_DIR).join(build::CACHE_DIR);
        generated.retain(|_, bytes| !matches!(bytes, Bytes::File(f) if f.starts_with(&cache)));
        generated.extend(photos.files.into_iter().map(|f| (f.path, f.bytes)));
        Ok(generated)
    }

    /// The generated files (feeds, sitemaps, aliases, bundle files…) and whether two of them
    /// have the same path: on a patched site, only those that show the re-parsed pages are
    /// made again. The search index is made when asked for (see `LazySearch`).
    fn generated_files(
        &self,
        site: &Site,
        same_shape: bool,
        reparsed: &[PageId],
    ) -> (HashMap<String, Bytes>, bool) {
        let generated_plan: Vec<Generated> = build::generated_plan(site)
            .into_iter()
            .filter(|g| *g != Generated::SearchIndex)
            .collect();
        match &self.good {
            Some(good) if same_shape && !good.generated_overlap => {
                let files = self.files.read().unwrap_or_else(|e| e.into_inner());
                let mut generated = files.generated.clone();
                let mut groups = vec![Generated::SiteFeed];
                for &i in reparsed {
                    let (p, q) = (&site.pages[i], &good.rendered.site().pages[i]);
                    groups.push(Generated::SectionFeed(p.section));
                    groups.push(Generated::PageFiles(i));
                    if p.page.meta.updated != q.page.meta.updated {
                        groups.push(Generated::Sitemaps);
                    }
                }
                for group in groups.into_iter().filter(|g| generated_plan.contains(g)) {
                    for f in build::generate(site, group) {
                        generated.insert(f.path, f.bytes);
                    }
                }
                (generated, false)
            }
            _ => {
                let files: Vec<OutputFile> = generated_plan
                    .iter()
                    .flat_map(|&g| build::generate(site, g))
                    .collect();
                let count = files.len();
                let generated = layer(files);
                let overlap = generated.len() != count;
                (generated, overlap)
            }
        }
    }

    /// The bytes of the copied files of the new static (`statics`, when made again) and
    /// generated layers.
    fn copied_files(
        &self,
        statics: Option<&HashMap<String, Bytes>>,
        generated: &HashMap<String, Bytes>,
    ) -> Result<HashMap<PathBuf, Arc<Vec<u8>>>, Diagnostics> {
        let files = self.files.read().unwrap_or_else(|e| e.into_inner());
        let statics = statics.unwrap_or(&files.statics);
        // Without a good build to compare with (the first, a full rebuild, or any rebuild
        // after a full one failed, which forgot the files changed before it) every
        // copied file is read again.
        let empty = HashMap::new();
        let old_copies = if self.good.is_none() {
            &empty
        } else {
            &files.copies
        };
        read_copies(
            &self.root,
            statics,
            generated,
            old_copies,
            &self.pending.files,
        )
    }

    /// Puts the new files in the served site and returns the output paths added, changed or
    /// removed. `live`: every rendered path of the new site, when its shape changed (the
    /// rendered files not among them are removed).
    fn publish(
        &self,
        site: &Arc<Site>,
        live: Option<HashSet<&str>>,
        rendered: &[OutputFile],
        statics: Option<HashMap<String, Bytes>>,
        generated: HashMap<String, Bytes>,
        copies: HashMap<PathBuf, Arc<Vec<u8>>>,
    ) -> BTreeSet<String> {
        let mut changed: BTreeSet<String> = BTreeSet::new();
        let mut files = self.files.write().unwrap_or_else(|e| e.into_inner());
        files.copies = copies;
        if let Some(live) = live {
            let stale: Vec<String> = files
                .rendered
                .keys()
                .filter(|p| !live.contains(p.as_str()))
                .cloned()
                .collect();
            for p in stale {
                files.rendered.remove(&p);
                changed.insert(p);
            }
        }
        // A page that only links a stylesheet under its new fingerprinted name is not
        // reloaded: the browser swaps the stylesheet.
        let renamed = self.good.as_ref().map_or_else(Vec::new, |g| {
            output::assets::renamed(&g.rendered.site().assets, &site.assets)
        });
        for f in rendered {
            let same = files.rendered.get(&f.path).is_some_and(|old| {
                same_bytes(old, &f.bytes)
                    || matches!((old, &f.bytes), (Bytes::Owned(a), Bytes::Owned(b))
                        if output::assets::differ_only_by_names(a, b, &renamed))
            });
            if !same {
                changed.insert(f.path.clone());
            }
        }
        for f in rendered {
            files.rendered.insert(f.path.clone(), f.bytes.clone());
        }
        let touched = &self.pending.files;
        if let Some(statics) = statics {
            diff_layer(&files.statics, &statics, touched, &mut changed);
            files.statics = statics;
        }
        diff_layer(&files.generated, &generated, touched, &mut changed);
        files.generated = generated;
        // The index changes with the content only (its pages' text, titles and places).
        if !site.config.search.enabled {
            files.search = None;
        } else if self.pending.model || files.search.is_none() {
            files.search = Some(Arc::new(LazySearch::new(site.clone())));
        }
        changed
    }
}

/// Renders `jobs` in parallel; every job's error is reported.
/// Also gives what each rendering read through the template functions, in job order.
fn render_jobs(
    renderer: &Renderer,
    jobs: &[Job],
) -> Result<(Vec<OutputFile>, Vec<u8>), Diagnostics> {
    let results: Vec<Result<(OutputFile, u8), Diagnostic>> = jobs
        .par_iter()
        .map(|job| renderer.render_noting(job))
        .collect();
    let mut errors = Vec::new();
    let mut rendered = Vec::with_capacity(results.len());
    let mut reads = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok((f, read)) => {
                rendered.push(f);
                reads.push(read);
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok((rendered, reads))
    } else {
        Err(Diagnostics::unsorted(errors))
    }
}

/// True when `path` is below `shortcodes/` of the site's or a theme's `templates/`.
fn is_shortcode_template(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let parts: Vec<&std::ffi::OsStr> = rel.components().map(|c| c.as_os_str()).collect();
    match parts.as_slice() {
        [t, s, ..] if *t == "templates" => *s == "shortcodes",
        [th, _, t, s, ..] if *th == "themes" && *t == "templates" => *s == "shortcodes",
        _ => false,
    }
}

/// The files (relative to the root) of the pages and sections of `site` that were parsed
/// since `old` was built: new, or read again. Unchanged files share their parsed page.
fn changed_texts(old: &Site, site: &Site) -> HashSet<PathBuf> {
    let old_page = |content_path: &str| match old.by_content_path.get(content_path) {
        Some(&Target::Page(j)) => Some(&old.pages[j].page),
        _ => None,
    };
    let old_section = |content_path: &str| match old.by_content_path.get(content_path) {
        Some(&Target::Section(j)) => Some(&old.sections[j].section),
        _ => None,
    };
    let pages = site
        .pages
        .iter()
        .filter(|p| old_page(&p.page.content_path).is_none_or(|q| !Arc::ptr_eq(&p.page, q)))
        .map(|p| p.page.source.clone());
    let sections = site
        .sections
        .iter()
        .filter(|s| {
            old_section(&s.section.content_path).is_none_or(|t| !Arc::ptr_eq(&s.section, t))
        })
        .map(|s| s.section.source.clone());
    pages.chain(sections).collect()
}

fn failed(errors: Diagnostics) -> Outcome {
    Outcome::Failed(errors.sorted())
}

/// Reads site.yaml, the theme's place, and every content, data and template file.
fn read_disk(root: &Path) -> Result<Disk, Diagnostics> {
    let config = Config::load(root)?;
    let theme = templates::theme_files(root, &config)?;
    let settings = ParseSettings::new(&config);
    let discovery = content::discover(root, config.limits);
    let (kinds, results) = content::parse_all(root, &discovery.files, &settings);
    let parsed = discovery
        .files
        .iter()
        .map(|f| f.abs.clone())
        .zip(results)
        .collect();
    Ok(Disk {
        data: content::data::load(root, config.limits),
        templates: templates::read_sources(root, &theme),
        config,
        theme,
        settings,
        discovery,
        parsed,
        kinds,
    })
}

/// What re-reading `content/` did.
struct ContentUpdate {
    parsed: usize,
    /// The page files parsed again, when nothing else changed (no file added, removed or
    /// renamed, no section file parsed again, no page given another kind).
    pages: Option<Vec<PathBuf>>,
}

/// Re-parses the changed content files (`changed`), and those whose Markdown shows one of
/// the changed image files (`images`: their sizes are in the HTML). A changed known file is
/// parsed again alone; anything else (a file added, removed or renamed, a folder, a bundle's
/// own file) walks `content/` again and parses what is new or changed. Sections are parsed
/// first: when their kinds change, so do the fields and bodies of the pages below them,
/// which are parsed again too.
fn update_content(
    root: &Path,
    disk: &mut Disk,
    changed: &[&PathBuf],
    images: &[&PathBuf],
) -> ContentUpdate {
    let shows_image = |parsed: &Result<Parsed, Diagnostics>| {
        let files = match parsed {
            Ok(Parsed::Page(p)) => &p.image_files,
            Ok(Parsed::Section(s)) => &s.image_files,
            Err(_) => return false,
        };
        files.iter().any(|f| images.contains(&f))
    };
    let known: HashMap<&Path, &ContentFile> = disk
        .discovery
        .files
        .iter()
        .map(|f| (f.abs.as_path(), f))
        .collect();
    let simple = changed
        .iter()
        .all(|p| known.contains_key(p.as_path()) && p.is_file());
    let mut to_parse: Vec<ContentFile> = if simple {
        changed
            .iter()
            .filter_map(|p| known.get(p.as_path()).map(|f| (*f).clone()))
            .collect()
    } else {
        let discovery = content::discover(root, disk.config.limits);
        let old: HashSet<&ContentFile> = disk.discovery.files.iter().collect();
        let to_parse = discovery
            .files
            .iter()
            .filter(|f| {
                !old.contains(f)
                    || changed.iter().any(|c| {
                        c.as_path() == f.abs
                            || f.bundle_dir.as_ref().is_some_and(|b| c.starts_with(b))
                    })
            })
            .cloned()
            .collect();
        let live: HashSet<&Path> = discovery.files.iter().map(|f| f.abs.as_path()).collect();
        disk.parsed.retain(|p, _| live.contains(p.as_path()));
        disk.discovery = discovery;
        to_parse
    };
    if !images.is_empty() {
        let chosen: HashSet<PathBuf> = to_parse.iter().map(|f| f.abs.clone()).collect();
        to_parse.extend(
            disk.discovery
                .files
                .iter()
                .filter(|f| !chosen.contains(&f.abs))
                .filter(|f| disk.parsed.get(&f.abs).is_some_and(shows_image))
                .cloned(),
        );
    }
    let settings = &disk.settings;
    let (sections, mut pages): (Vec<ContentFile>, Vec<ContentFile>) =
        to_parse.into_iter().partition(|f| f.is_section);
    let no_kinds = SectionKinds::default();
    let parsed_sections: Vec<(PathBuf, Result<Parsed, Diagnostics>)> = sections
        .par_iter()
        .map(|f| {
            (
                f.abs.clone(),
                content::parse_file(root, f, settings, &no_kinds),
            )
        })
        .collect();
    disk.parsed.extend(parsed_sections);
    let kinds = SectionKinds::of(disk.parsed.values());
    let kinds_changed = kinds != disk.kinds;
    if kinds_changed {
        let chosen: HashSet<PathBuf> = pages.iter().map(|f| f.abs.clone()).collect();
        pages.extend(
            disk.discovery
                .files
                .iter()
                .filter(|f| !f.is_section && !chosen.contains(&f.abs))
                .filter(|f| {
                    let dir = f.section_dir();
                    disk.kinds.inherited(&dir) != kinds.inherited(&dir)
                })
                .cloned(),
        );
        disk.kinds = kinds;
    }
    let parsed_pages: Vec<(PathBuf, Result<Parsed, Diagnostics>)> = pages
        .par_iter()
        .map(|f| {
            (
                f.abs.clone(),
                content::parse_file(root, f, settings, &disk.kinds),
            )
        })
        .collect();
    let only_pages = simple && sections.is_empty() && !kinds_changed;
    let result = ContentUpdate {
        parsed: sections.len() + pages.len(),
        pages: only_pages.then(|| pages.iter().map(|f| f.abs.clone()).collect()),
    };
    disk.parsed.extend(parsed_pages);
    result
}

/// The bytes of every copied file of the new layers: kept from the last good build when the
/// source did not change, read now when it did (or is new).
fn read_copies(
    root: &Path,
    statics: &HashMap<String, Bytes>,
    generated: &HashMap<String, Bytes>,
    old: &HashMap<PathBuf, Arc<Vec<u8>>>,
    touched: &BTreeSet<PathBuf>,
) -> Result<HashMap<PathBuf, Arc<Vec<u8>>>, Diagnostics> {
    let mut copies = HashMap::new();
    let mut errors = Vec::new();
    for bytes in statics.values().chain(generated.values()) {
        let Bytes::File(source) = bytes else { continue };
        if copies.contains_key(source) {
            continue;
        }
        let kept = old.get(source).filter(|_| !touched.contains(source));
        match kept {
            Some(b) => {
                copies.insert(source.clone(), b.clone());
            }
            None => match std::fs::read(source) {
                Ok(b) => {
                    copies.insert(source.clone(), Arc::new(b));
                }
                Err(e) => errors.push(Diagnostic::io(
                    crate::error::relative(root, source),
                    "读取文件",
                    &e,
                )),
            },
        }
    }
    if errors.is_empty() {
        Ok(copies)
    } else {
        Err(Diagnostics::unsorted(errors))
    }
}

fn layer(files: Vec<OutputFile>) -> HashMap<String, Bytes> {
    // Later files replace earlier ones with the same path, as when a build writes them.
    files.into_iter().map(|f| (f.path, f.bytes)).collect()
}

fn same_bytes(a: &Bytes, b: &Bytes) -> bool {
    match (a, b) {
        (Bytes::Owned(x), Bytes::Owned(y)) => x == y,
        (Bytes::Embedded(x), Bytes::Embedded(y)) => x == y,
        (Bytes::File(x), Bytes::File(y)) => x == y,
        _ => false,
    }
}

/// Adds to `changed` every path of a layer that was added, removed or replaced, or whose
/// source file is among `touched`.
fn diff_layer(
    old: &HashMap<String, Bytes>,
    new: &HashMap<String, Bytes>,
    touched: &BTreeSet<PathBuf>,
    changed: &mut BTreeSet<String>,
) {
    for (path, bytes) in new {
        let same = old.get(path).is_some_and(|o| same_bytes(o, bytes));
        let file_touched = matches!(bytes, Bytes::File(p) if touched.contains(p));
        if !same || file_touched {
            changed.insert(path.clone());
        }
    }
    for path in old.keys() {
        if !new.contains_key(path) {
            changed.insert(path.clone());
        }
    }
}
