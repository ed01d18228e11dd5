//! The link stage: pages and sections become one immutable [`Site`] — URLs, the section tree,
//! ordering, previous/next, taxonomies, resolved internal links, and the checks that need the
//! whole site (duplicate URLs, broken links, unsafe paths).

pub mod directory;
pub mod links;
pub mod pager;
pub mod progress;
pub mod ranking;
pub mod volunteers;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use jiff::Timestamp;

use crate::config::Config;
use crate::content::paths::{SitePath, index_file, legacy_name_slug, name_slug};
use crate::content::{Content, Page, Section, SectionMeta, SortBy};
use crate::error::{Diagnostic, Diagnostics};
use crate::text::slug::{legacy_slugify, slugify};

/// A page with everything the link stage adds.
#[derive(Debug, Clone)]
pub struct SitePage {
    pub page: Arc<Page>,
    /// URL path from the site root (`/news/a/`), without the base URL's path.
    pub path: String,
    /// The section that lists this page.
    pub section: SectionId,
    pub previous: Option<PageId>,
    pub next: Option<PageId>,
    /// Body HTML with internal links resolved and shortcodes expanded, when the body has
    /// internal links or shortcodes (else the body's own HTML is used as it is; see
    /// [`SitePage::html`]).
    pub resolved_html: Option<String>,
    /// Summary HTML: the part before `<!-- more -->`, else `summary:`, else the excerpt.
    pub summary_html: String,
    /// Plain-text summary for `<meta name="description">` and feeds.
    pub description: String,
    pub expired: bool,
    /// Aliases as validated site paths.
    pub aliases: Vec<SitePath>,
    /// A progress announcement's figures.
    pub progress: Option<progress::PageProgress>,
    /// A ranking page's table.
    pub ranking: Option<ranking::RankingTable>,
    /// For a revised or repealed rule: the page that replaces it.
    pub superseded_by: Option<PageId>,
}

/// A section with its place in the tree.
#[derive(Debug, Clone)]
pub struct SiteSection {
    pub section: Arc<Section>,
    /// `/news/`, or `/` for the home page.
    pub path: String,
    pub parent: Option<SectionId>,
    pub subsections: Vec<SectionId>,
    /// Pages listed by this section, in its order.
    pub pages: Vec<PageId>,
    /// Body HTML with internal links resolved, when it has any (see [`SiteSection::html`]).
    pub resolved_html: Option<String>,
    /// Items per pager page; 0 means all on one page.
    pub paginate: usize,
    /// False for the home section made up when `content/_index.md` is missing.
    pub from_file: bool,
    /// A `kind: directory` section's 阵地, read from its data file.
    pub directory: Option<Arc<directory::Directory>>,
}

/// One term of a taxonomy, e.g. the tag 学雷锋.
#[derive(Debug)]
pub struct Term {
    pub name: String,
    pub slug: String,
    /// `/tags/xue-lei-feng/`
    pub path: String,
    /// Pages with this term, newest first.
    pub pages: Vec<PageId>,
}

#[derive(Debug)]
pub struct Taxonomy {
    pub name: String,
    pub title: String,
    /// `/tags/`
    pub path: String,
    pub paginate: usize,
    /// Terms in pinyin order.
    pub terms: Vec<Term>,
    /// Each term's place in `terms` by the name pages use for it (see [`Taxonomy::term`]).
    pub term_by_name: HashMap<String, usize>,
}

impl Taxonomy {
    /// The term pages call `name`.
    pub fn term(&self, name: &str) -> Option<&Term> {
        self.term_by_name.get(name).map(|&i| &self.terms[i])
    }
}

impl SitePage {
    /// The page's body HTML, internal links resolved.
    pub fn html(&self) -> &str {
        self.resolved_html
            .as_deref()
            .unwrap_or(&self.page.body.html)
    }
}

impl SiteSection {
    /// The section's body HTML, internal links resolved.
    pub fn html(&self) -> &str {
        self.resolved_html
            .as_deref()
            .unwrap_or(&self.section.body.html)
    }
}

/// The linked, immutable model of the whole site that templates read. Its large parts are
/// shared, so a copy with one page replaced (see [`Site::with_page_replaced`]) is cheap.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    pub pages: Vec<Arc<SitePage>>,
    pub sections: Vec<SiteSection>,
    pub taxonomies: Arc<Vec<Taxonomy>>,
    pub data: Arc<BTreeMap<String, serde_json::Value>>,
    /// The text of each data file, for the check stage.
    pub data_text: Arc<BTreeMap<String, String>>,
    /// When each data file was last modified, for the check stage.
    pub data_modified: Arc<BTreeMap<String, Timestamp>>,
    /// `news/a.md` → page, `news/_index.md` → section.
    pub by_content_path: Arc<HashMap<String, Target>>,
    /// Content paths of Markdown files that could not be read (their errors are reported
    /// already): links to them are not reported a second time.
    pub unreadable: Arc<HashSet<String>>,
    pub now: Timestamp,
    /// Problems worth telling that do not stop the build.
    pub warnings: Vec<Diagnostic>,
    pub volunteers: volunteers::VolunteerStats,
    pub progress: progress::Dashboard,
    /// The fingerprinted names of the copied stylesheets and scripts (`style.css` →
    /// `style.3f9a1c2e.css`), set once the static files are known; read by the `asset`
    /// template function.
    pub assets: Arc<BTreeMap<String, String>>,
    /// The images among the static files (`images/a.jpg` → its plan and size), set with
    /// `assets`; read by the `image_set` template function.
    pub images: Arc<BTreeMap<String, crate::media::StaticImage>>,
    /// Old URLs of sections and taxonomy terms whose slug changed with word-aware pinyin,
    /// kept as redirects (pages keep theirs as aliases).
    pub legacy_redirects: Vec<LegacyRedirect>,
}

/// A redirect from the URL a section or taxonomy term had before word-aware pinyin.
#[derive(Debug, Clone)]
pub struct LegacyRedirect {
    pub from: SitePath,
    /// The URL path it has now.
    pub to: String,
    pub title: String,
}

/// What a content path names. (Ordered pages first, then sections, each by index.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    Page(PageId),
    Section(SectionId),
}

/// A page's place in [`Site::pages`] (`site.pages[id]`). Serialized as the index (build's
/// render keys hash listings by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct PageId(usize);

/// A section's place in [`Site::sections`] (`site.sections[id]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SectionId(usize);

/// A taxonomy's place in [`Site::taxonomies`] (`site.taxonomies[id]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TaxonomyId(usize);

/// A taxonomy term: its taxonomy, and its place in that taxonomy's `terms` ([`Site::term`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TermId {
    pub taxonomy: TaxonomyId,
    index: usize,
}

impl PageId {
    pub fn new(index: usize) -> Self {
        PageId(index)
    }

    pub fn index(self) -> usize {
        self.0
    }

    /// The IDs of `count` pages, in site order.
    fn all(count: usize) -> impl DoubleEndedIterator<Item = PageId> + ExactSizeIterator {
        (0..count).map(PageId)
    }
}

impl SectionId {
    pub fn new(index: usize) -> Self {
        SectionId(index)
    }

    pub fn index(self) -> usize {
        self.0
    }
}

impl TaxonomyId {
    pub fn index(self) -> usize {
        self.0
    }
}

impl TermId {
    /// The term's place in its taxonomy's `terms`.
    pub fn index(self) -> usize {
        self.index
    }
}

/// `list[id]` for a list of pages, sections or taxonomies in site order.
macro_rules! index_by_id {
    ($id:ty => $($list:ty),+) => {$(
        impl std::ops::Index<$id> for $list {
            type Output = <$list as std::ops::Index<usize>>::Output;

            fn index(&self, id: $id) -> &Self::Output {
                &self[id.0]
            }
        }

        impl std::ops::IndexMut<$id> for $list {
            fn index_mut(&mut self, id: $id) -> &mut Self::Output {
                &mut self[id.0]
            }
        }
    )+};
}

index_by_id!(PageId => Vec<Arc<SitePage>>, [Arc<SitePage>], Vec<SitePage>, [SitePage]);
index_by_id!(SectionId => Vec<SiteSection>, [SiteSection]);
index_by_id!(TaxonomyId => Vec<Taxonomy>, [Taxonomy]);

impl Site {
    /// The home section.
    pub fn root(&self) -> SectionId {
        SectionId(0)
    }

    /// The term `id` names.
    pub fn term(&self, id: TermId) -> &Term {
        &self.taxonomies[id.taxonomy].terms[id.index]
    }

    /// The IDs of the site's pages, in order.
    pub fn page_ids(&self) -> impl DoubleEndedIterator<Item = PageId> + ExactSizeIterator {
        PageId::all(self.pages.len())
    }

    /// The IDs of the site's sections, in order (the home section first).
    pub fn section_ids(&self) -> impl DoubleEndedIterator<Item = SectionId> + ExactSizeIterator {
        (0..self.sections.len()).map(SectionId)
    }

    /// The IDs of the site's taxonomies, in the order of `site.yaml`.
    pub fn taxonomy_ids(&self) -> impl DoubleEndedIterator<Item = TaxonomyId> + ExactSizeIterator {
        (0..self.taxonomies.len()).map(TaxonomyId)
    }

    /// The IDs of taxonomy `taxonomy`'s terms, in pinyin order.
    pub fn term_ids(&self, taxonomy: TaxonomyId) -> impl Iterator<Item = TermId> {
        (0..self.taxonomies[taxonomy].terms.len()).map(move |index| TermId { taxonomy, index })
    }

    /// Pages wenming adds to the site itself (site paths, and what readers call them).
    pub fn builtin_pages(&self) -> Vec<(&'static str, &'static str)> {
        let mut pages = vec![(SITEMAP_PATH, "网站地图")];
        if self.config.search.enabled {
            pages.push((SEARCH_PATH, "站内搜索"));
        }
        pages
    }

    /// The URL path including the base URL's own path (for sites not at a domain's root).
    pub fn url_path(&self, path: &str) -> String {
        format!("{}{}", self.config.base_path(), path)
    }

    pub fn permalink(&self, path: &str) -> String {
        self.config.absolute_url(path)
    }

    /// Looks up `news/a.md`, `news/a` or `news/a/` (a bundle), and `news` for a section.
    pub fn lookup(&self, content_path: &str) -> Option<Target> {
        lookup_candidates(content_path)
            .iter()
            .find_map(|c| self.by_content_path.get(c).copied())
    }

    /// Whether `content_path` (named as for [`Site::lookup`]) is a file that could not be read.
    pub fn is_unreadable(&self, content_path: &str) -> bool {
        !self.unreadable.is_empty()
            && lookup_candidates(content_path)
                .iter()
                .any(|c| self.unreadable.contains(c))
    }
}

/// The content paths that `@/news/a`, `@/news/a.md` or `@/news/a/` may name.
fn lookup_candidates(content_path: &str) -> [String; 5] {
    let p = content_path.trim_start_matches("@/").trim_matches('/');
    [
        p.to_string(),
        format!("{p}.md"),
        format!("{p}/index.md"),
        format!("{p}/_index.md"),
        if p.is_empty() {
            "_index.md".to_string()
        } else {
            String::new()
        },
    ]
}

/// A linked site whose shortcodes are not expanded yet: the bodies of the pages and sections
/// in `pending` still hold shortcode tokens. Only [`UnexpandedSite::expand_with`] (called by
/// `render::shortcodes::expand` with the templates) makes the [`Site`] that render, search
/// and the check rules read, so a site with tokens cannot be handed to them by mistake.
/// An expanded site becomes one again, with nothing pending, for `serve` to patch
/// ([`UnexpandedSite::from`], [`UnexpandedSite::with_page_replaced`]).
#[derive(Debug, Clone)]
pub struct UnexpandedSite {
    site: Site,
    /// The pages and sections whose bodies hold shortcode tokens, in site order.
    pending: Vec<Target>,
}

/// An expanded site, with nothing pending (the start of `serve`'s patches).
impl From<Site> for UnexpandedSite {
    fn from(site: Site) -> Self {
        UnexpandedSite {
            site,
            pending: Vec::new(),
        }
    }
}

impl UnexpandedSite {
    /// A site just linked: every page and section with shortcodes is pending.
    fn linked(site: Site) -> Self {
        let pages = (site.pages.iter().enumerate())
            .filter(|(_, p)| !p.page.body.shortcodes.is_empty())
            .map(|(i, _)| Target::Page(PageId(i)));
        let sections = (site.sections.iter().enumerate())
            .filter(|(_, s)| !s.section.body.shortcodes.is_empty())
            .map(|(i, _)| Target::Section(SectionId(i)));
        let pending = pages.chain(sections).collect();
        UnexpandedSite { site, pending }
    }

    /// The site as linked, for reading while expanding (its pending bodies hold tokens).
    pub fn site(&self) -> &Site {
        &self.site
    }

    /// The pages and sections whose shortcodes are still to expand.
    pub fn pending(&self) -> &[Target] {
        &self.pending
    }

    /// Expands every pending body with `expand_one`, which gives a body's finished HTML and,
    /// for a page with a marked summary, its summary's. A body whose expansion fails keeps
    /// its tokens; the errors of every body are returned, in site order. The site is
    /// complete when they are none.
    pub fn expand_with<F>(self, expand_one: F) -> (Site, Vec<Diagnostic>)
    where
        F: Fn(&Site, Target) -> Result<(String, Option<String>), Diagnostics> + Sync,
    {
        use rayon::prelude::*;
        let UnexpandedSite { mut site, pending } = self;
        let shared = &site;
        let results: Vec<_> = pending
            .into_par_iter()
            .map(|target| (target, expand_one(shared, target)))
            .collect();
        let mut errors = Vec::new();
        for (target, result) in results {
            match (target, result) {
                (Target::Page(i), Ok((html, summary))) => {
                    let p = Arc::make_mut(&mut site.pages[i]);
                    p.resolved_html = Some(html);
                    if let Some(summary) = summary {
                        p.summary_html = summary;
                    }
                }
                (Target::Section(i), Ok((html, _))) => {
                    site.sections[i].resolved_html = Some(html);
                }
                (_, Err(es)) => errors.extend(es),
            }
        }
        (site, errors)
    }

    /// The site with its pending bodies left as they are, shortcode tokens and all. Only for
    /// checking a site whose templates cannot be read (`pipeline::link_and_expand`): the
    /// check rules still report the other problems, and nothing renders it, since `build`
    /// and `serve` stop on the theme's error.
    pub fn into_site_with_tokens(self) -> Site {
        self.site
    }

    /// This site with page `i` parsed again, when the edit moves nothing else: the page keeps
    /// its URL, section, aliases, taxonomies, place in every listing, publication state and
    /// heading anchors (which other pages' links may point to). Then the page's internal links
    /// are resolved again, and the content kinds' site-wide figures computed again, since its
    /// kind fields may change other pages (the next announcement's changes, the next
    /// ranking's rank changes, the rules it replaces) and the dashboard and volunteer
    /// statistics; only the pages whose figures changed get new copies. The page's shortcodes
    /// are pending again. `None` when the edit may change more, and the whole site must be
    /// linked again.
    pub fn with_page_replaced(
        &self,
        i: PageId,
        page: Arc<Page>,
        now: Timestamp,
    ) -> Option<Result<UnexpandedSite, Diagnostics>> {
        let old = self.site.pages.get(i.0)?;
        let (a, b) = (&old.page, &page);
        let section = &self.site.sections[old.section];
        let title_matters =
            section.section.meta.sort_by == SortBy::Title || name_slug(&b.stem).is_empty();
        let same_place = a.content_path == b.content_path
            && a.dir == b.dir
            && a.stem == b.stem
            && a.bundle_dir == b.bundle_dir
            && a.assets == b.assets
            && a.meta.slug == b.meta.slug
            && a.meta.path == b.meta.path
            && a.meta.aliases == b.meta.aliases
            && a.meta.taxonomies == b.meta.taxonomies
            && a.meta.date == b.meta.date
            && a.meta.weight == b.meta.weight
            && a.meta.draft == b.meta.draft
            && (!title_matters || a.meta.title == b.meta.title)
            && a.body.anchors == b.body.anchors;
        if !same_place || now < self.site.now {
            return None;
        }
        let mut site = self.site.clone();
        site.now = now;
        let mut replaced = SitePage::clone(old);
        replaced.expired = page.meta.expires.is_some_and(|e| e.timestamp() <= now);
        replaced.page = page;
        let (resolved, errors) = links::resolve_page(&site, &replaced);
        if !errors.is_empty() {
            return Some(Err(Diagnostics::unsorted(errors)));
        }
        resolved.apply(&mut replaced);
        let has_shortcodes = !replaced.page.body.shortcodes.is_empty();
        site.pages[i] = Arc::new(replaced);
        // The page's kind fields may change figures of other pages and of the whole site.
        let errors = link_kinds(&mut site);
        if !errors.is_empty() {
            return Some(Err(Diagnostics::unsorted(errors)));
        }
        let mut pending = self.pending.clone();
        pending.retain(|t| *t != Target::Page(i));
        if has_shortcodes {
            pending.push(Target::Page(i));
            pending.sort();
        }
        Some(Ok(UnexpandedSite { site, pending }))
    }
}

/// A linked site even when parts of it are broken, and what is broken.
pub struct Linked {
    pub site: UnexpandedSite,
    /// Duplicate URLs and paths that cannot become URLs.
    pub errors: Vec<Diagnostic>,
    /// Broken `@/` links (the check stage finds these itself, with its own codes).
    pub link_errors: Vec<Diagnostic>,
}

/// Links loaded content into a [`Site`], keeping the site when there are errors so that it can
/// still be checked (the pipeline's front half, [`crate::pipeline`], decides what stops).
pub fn link_all(config: Config, content: Content, now: Timestamp) -> Linked {
    let mut errors = Vec::new();
    let Content {
        pages,
        sections,
        data,
        data_text,
        data_modified,
        unreadable,
        ..
    } = content;
    let sections = sections_in_order(sections, &config);
    let urls = FolderUrls::new(&sections);
    let (mut site_sections, section_by_dir, moved_sections) =
        link_sections(sections, &urls, &config, &mut errors);
    let (mut site_pages, moved) = link_pages(pages, &section_by_dir, &urls, now, &mut errors);
    order_listings(&mut site_sections, &mut site_pages);
    let taxonomies = build_taxonomies(&config, &site_pages, &mut errors);
    let by_content_path = content_index(&site_sections, &site_pages);

    let mut site = Site {
        config,
        pages: site_pages.into_iter().map(Arc::new).collect(),
        sections: site_sections,
        taxonomies: Arc::new(taxonomies),
        data,
        data_text,
        data_modified,
        by_content_path: Arc::new(by_content_path),
        unreadable: Arc::new(unreadable),
        now,
        warnings: Vec::new(),
        volunteers: Default::default(),
        progress: Default::default(),
        assets: Default::default(),
        images: Default::default(),
        legacy_redirects: Vec::new(),
    };
    keep_legacy_urls(&mut site, moved, moved_sections);
    errors.extend(check_unique_urls(&site));
    let link_errors = links::resolve(&mut site);
    errors.extend(link_kinds(&mut site));
    errors.extend(directory::link(&mut site));
    Linked {
        site: UnexpandedSite::linked(site),
        errors,
        link_errors,
    }
}

/// The sections with a made-up home section when `content/_index.md` is missing, the root
/// first, then by folder so parents come before children.
fn sections_in_order(mut sections: Vec<Arc<Section>>, config: &Config) -> Vec<Arc<Section>> {
    if !sections.iter().any(|s| s.dir.is_empty()) {
        sections.push(Arc::new(Section {
            // An empty source marks the home section as made up, not read from a file.
            source: std::path::PathBuf::new(),
            content_path: "_index.md".into(),
            dir: String::new(),
            meta: SectionMeta {
                title: config.title.clone(),
                ..SectionMeta::default()
            },
            body: Default::default(),
            body_line_offset: 0,
            raw: Default::default(),
            image_files: Vec::new(),
            photos: Vec::new(),
        }));
    }
    sections.sort_by(|a, b| (depth(&a.dir), &a.dir).cmp(&(depth(&b.dir), &b.dir)));
    sections
}

/// The URL path of each content folder, as now and as wenming gave it before word-aware
/// pinyin (see `text::slug`): a page whose URL changed keeps its old one as an alias.
struct FolderUrls {
    current: HashMap<String, String>,
    legacy: HashMap<String, String>,
}

impl FolderUrls {
    fn new(sections: &[Arc<Section>]) -> FolderUrls {
        FolderUrls {
            current: folder_slugs(sections, name_slug),
            legacy: folder_slugs(sections, legacy_name_slug),
        }
    }

    /// The URL path of folder `dir`; a folder name that cannot become a URL is an error of
    /// `source`.
    fn path(&self, dir: &str, errors: &mut Vec<Diagnostic>, source: &std::path::Path) -> String {
        let (url, unusable) = folder_url(dir, &self.current, name_slug);
        for seg in unusable {
            errors.push(
                Diagnostic::new(source, format!("目录名“{seg}”无法转换成网址"))
                    .hint("请把目录改成英文或拼音名称"),
            );
        }
        url
    }

    fn legacy_path(&self, dir: &str) -> String {
        folder_url(dir, &self.legacy, legacy_name_slug).0
    }
}

/// Sections or pages (by index) whose URL changed with word-aware pinyin, with their old URL.
type MovedUrls = Vec<(usize, String)>;

/// The sections (in the order of [`sections_in_order`]) with their URLs and parents, each
/// folder's section index, and the sections whose URL changed with word-aware pinyin, with
/// their old URL.
fn link_sections(
    sections: Vec<Arc<Section>>,
    urls: &FolderUrls,
    config: &Config,
    errors: &mut Vec<Diagnostic>,
) -> (Vec<SiteSection>, HashMap<String, SectionId>, MovedUrls) {
    let mut moved_sections: MovedUrls = Vec::new();
    let mut site_sections: Vec<SiteSection> = Vec::with_capacity(sections.len());
    let mut section_by_dir: HashMap<String, SectionId> = HashMap::new();
    for section in sections {
        let path = urls.path(&section.dir, errors, &section.source);
        let legacy = urls.legacy_path(&section.dir);
        if legacy != path && !legacy.contains("//") {
            moved_sections.push((site_sections.len(), legacy));
        }
        let parent = if section.dir.is_empty() {
            None
        } else {
            Some(nearest_section(&section_by_dir, parent_of(&section.dir)))
        };
        let paginate = section.meta.paginate.unwrap_or(config.paginate);
        let idx = SectionId(site_sections.len());
        section_by_dir.insert(section.dir.clone(), idx);
        if let Some(p) = parent {
            site_sections[p].subsections.push(idx);
        }
        let from_file = !section.source.as_os_str().is_empty();
        site_sections.push(SiteSection {
            section,
            path,
            parent,
            subsections: Vec::new(),
            pages: Vec::new(),
            resolved_html: None,
            paginate,
            from_file,
            directory: None,
        });
    }
    (site_sections, section_by_dir, moved_sections)
}

/// The pages with their URLs (from `path:`, else section path + slug) and sections, and the
/// pages whose URL changed with word-aware pinyin, with their old URL. A page whose URL
/// cannot be made is left out (an error).
fn link_pages(
    pages: Vec<Arc<Page>>,
    section_by_dir: &HashMap<String, SectionId>,
    urls: &FolderUrls,
    now: Timestamp,
    errors: &mut Vec<Diagnostic>,
) -> (Vec<SitePage>, Vec<(usize, String)>) {
    let mut moved: Vec<(usize, String)> = Vec::new();
    let mut site_pages: Vec<SitePage> = Vec::with_capacity(pages.len());
    for page in pages {
        let section = nearest_section(section_by_dir, &page.dir);
        let path = match (&page.meta.path, &page.meta.slug) {
            (Some(path), _) => path.clone(),
            (None, Some(slug)) => {
                format!("{}{slug}/", urls.path(&page.dir, errors, &page.source))
            }
            (None, None) => {
                let mut slug = name_slug(&page.stem);
                if slug.is_empty() {
                    slug = slugify(&page.meta.title);
                }
                if slug.is_empty() {
                    errors.push(
                        Diagnostic::new(&page.source, "无法根据文件名或标题生成网址")
                            .hint("请在 front matter 中写 slug，例如 slug: xue-lei-feng"),
                    );
                    continue;
                }
                let path = format!("{}{slug}/", urls.path(&page.dir, errors, &page.source));
                let mut legacy = legacy_name_slug(&page.stem);
                if legacy.is_empty() {
                    legacy = legacy_slugify(&page.meta.title);
                }
                let legacy = format!("{}{legacy}/", urls.legacy_path(&page.dir));
                if legacy != path && !legacy.ends_with("//") {
                    moved.push((site_pages.len(), legacy));
                }
                path
            }
        };
        let aliases = page.meta.aliases.clone();
        let expired = page.meta.expires.is_some_and(|e| e.timestamp() <= now);
        site_pages.push(SitePage {
            page,
            path,
            section,
            previous: None,
            next: None,
            resolved_html: None,
            summary_html: String::new(),
            description: String::new(),
            expired,
            aliases,
            progress: None,
            ranking: None,
            superseded_by: None,
        });
    }
    (site_pages, moved)
}

/// Lists each section's pages, sorted, with each page's neighbours, and sorts each section's
/// subsections by weight, then title.
fn order_listings(site_sections: &mut [SiteSection], site_pages: &mut [SitePage]) {
    for (i, p) in PageId::all(site_pages.len()).zip(site_pages.iter()) {
        site_sections[p.section].pages.push(i);
    }
    for s in site_sections.iter_mut() {
        sort_pages(&mut s.pages, site_pages, s.section.meta.sort_by);
        for (pos, &pi) in s.pages.iter().enumerate() {
            let previous = pos.checked_sub(1).map(|p| s.pages[p]);
            let next = s.pages.get(pos + 1).copied();
            site_pages[pi].previous = previous;
            site_pages[pi].next = next;
        }
    }
    for s in 0..site_sections.len() {
        let mut subs = std::mem::take(&mut site_sections[s].subsections);
        subs.sort_by(|a, b| {
            let (x, y) = (
                &site_sections[*a].section.meta,
                &site_sections[*b].section.meta,
            );
            (x.weight.unwrap_or(i64::MAX), slugify(&x.title))
                .cmp(&(y.weight.unwrap_or(i64::MAX), slugify(&y.title)))
        });
        site_sections[s].subsections = subs;
    }
}

/// Content path → page or section.
fn content_index(sections: &[SiteSection], pages: &[SitePage]) -> HashMap<String, Target> {
    let mut by_content_path = HashMap::new();
    for (i, s) in sections.iter().enumerate() {
        by_content_path.insert(
            s.section.content_path.clone(),
            Target::Section(SectionId(i)),
        );
    }
    for (i, p) in pages.iter().enumerate() {
        by_content_path.insert(p.page.content_path.clone(), Target::Page(PageId(i)));
    }
    by_content_path
}

/// What the content kinds compute over the whole site: progress figures and dashboard,
/// ranking tables, volunteer statistics, and the rules that replace revised ones. Pages whose
/// figures come out as they were keep their (shared) copy, so that a site patched by
/// [`Site::with_page_replaced`] can compute them again cheaply and `serve` can tell which
/// pages they changed.
fn link_kinds(site: &mut Site) -> Vec<Diagnostic> {
    let base = site.config.base_path().to_string();
    let url_path = |p: &str| format!("{base}{p}");
    let progress::Progress {
        pages: per_page,
        dashboard,
        mut errors,
        warnings,
    } = progress::compute(&site.pages, site.now, url_path);
    let (tables, mut ranking_errors) =
        ranking::compute(&site.pages, &site.data, &site.data_text, url_path);
    errors.append(&mut ranking_errors);
    site.progress = dashboard;
    site.warnings = warnings;
    let district_taxonomy = site
        .config
        .taxonomies
        .iter()
        .find(|t| t.name == "districts")
        .map_or("districts", |t| t.name.as_str());
    site.volunteers = volunteers::compute(&site.pages, district_taxonomy);

    let mut superseded_by = vec![None; site.pages.len()];
    for (i, p) in site.pages.iter().enumerate() {
        let crate::content::kinds::KindFields::Rule(rule) = &p.page.meta.fields else {
            continue;
        };
        let Some(target) = &rule.superseded_by else {
            continue;
        };
        match site.lookup(target) {
            Some(Target::Page(t)) if t.0 != i => superseded_by[i] = Some(t),
            _ => errors.push(
                Diagnostic::new(
                    &p.page.source,
                    format!("superseded_by 指向的 {target} 不存在"),
                )
                .at_line(rule.superseded_by_line)
                .hint(
                    "写取代它的规定在 content/ 下的路径，例如 rules/wen-ming-yang-quan-gui-ding.md",
                ),
            ),
        }
    }
    for (((p, progress), ranking), superseded_by) in site
        .pages
        .iter_mut()
        .zip(per_page)
        .zip(tables)
        .zip(superseded_by)
    {
        if p.progress != progress || p.ranking != ranking || p.superseded_by != superseded_by {
            let p = Arc::make_mut(p);
            p.progress = progress;
            p.ranking = ranking;
            p.superseded_by = superseded_by;
        }
    }
    errors
}

/// Orders pages oldest first (then by path), as announcements and rankings are compared.
fn sort_oldest_first(list: &mut [usize], pages: &[Arc<SitePage>]) {
    list.sort_by(|&a, &b| {
        let (x, y) = (&pages[a].page, &pages[b].page);
        x.meta
            .date
            .cmp(&y.meta.date)
            .then_with(|| x.content_path.cmp(&y.content_path))
    });
}

fn depth(dir: &str) -> usize {
    if dir.is_empty() {
        0
    } else {
        dir.matches('/').count() + 1
    }
}

/// Each section folder's slug: its `slug:`, else `slugify` of the folder name.
fn folder_slugs(sections: &[Arc<Section>], slugify: fn(&str) -> String) -> HashMap<String, String> {
    sections
        .iter()
        .filter(|s| !s.dir.is_empty())
        .map(|s| {
            let slug = s
                .meta
                .slug
                .clone()
                .unwrap_or_else(|| slugify(last_segment(&s.dir)));
            (s.dir.clone(), slug)
        })
        .collect()
}

/// The URL of content folder `dir` (`/` for the top): each folder's slug from `slugs`, or
/// `slugify` of its name for a folder that is no section. Also the folder names that give no
/// slug at all.
fn folder_url<'a>(
    dir: &'a str,
    slugs: &HashMap<String, String>,
    slugify: fn(&str) -> String,
) -> (String, Vec<&'a str>) {
    let mut url = String::from("/");
    let mut unusable = Vec::new();
    let mut end = 0;
    for seg in dir.split('/').filter(|s| !s.is_empty()) {
        end += seg.len() + usize::from(end > 0);
        let slug = slugs
            .get(&dir[..end])
            .cloned()
            .unwrap_or_else(|| slugify(seg));
        if slug.is_empty() {
            unusable.push(seg);
        }
        url.push_str(&slug);
        url.push('/');
    }
    (url, unusable)
}

fn last_segment(dir: &str) -> &str {
    dir.rsplit('/').next().unwrap_or(dir)
}

fn parent_of(dir: &str) -> &str {
    dir.rsplit_once('/').map(|(p, _)| p).unwrap_or("")
}

/// The section for content folder `dir`: itself, or its closest ancestor that is a section.
fn nearest_section(by_dir: &HashMap<String, SectionId>, dir: &str) -> SectionId {
    let mut d = dir;
    loop {
        if let Some(&i) = by_dir.get(d) {
            return i;
        }
        if d.is_empty() {
            return SectionId(0);
        }
        d = parent_of(d);
    }
}

fn sort_pages(list: &mut [PageId], pages: &[SitePage], by: SortBy) {
    let key_title = |i: PageId| slugify(&pages[i].page.meta.title);
    match by {
        SortBy::Date => list.sort_by(|&a, &b| {
            let (da, db) = (pages[a].page.meta.date, pages[b].page.meta.date);
            // Newest first, undated last, then by path for a stable order.
            db.cmp(&da)
                .then_with(|| da.is_none().cmp(&db.is_none()))
                .then_with(|| pages[a].page.content_path.cmp(&pages[b].page.content_path))
        }),
        SortBy::Weight => list.sort_by(|&a, &b| {
            let (wa, wb) = (pages[a].page.meta.weight, pages[b].page.meta.weight);
            wa.unwrap_or(i64::MAX)
                .cmp(&wb.unwrap_or(i64::MAX))
                .then_with(|| pages[a].page.content_path.cmp(&pages[b].page.content_path))
        }),
        SortBy::Title => {
            list.sort_by_cached_key(|&i| (key_title(i), pages[i].page.content_path.clone()))
        }
    }
}

fn build_taxonomies(
    config: &Config,
    pages: &[SitePage],
    errors: &mut Vec<Diagnostic>,
) -> Vec<Taxonomy> {
    let _ = errors;
    config
        .taxonomies
        .iter()
        .map(|tc| {
            let path = format!("/{}/", tc.name);
            let mut terms: Vec<Term> = Vec::new();
            let mut slugs: HashSet<String> = HashSet::new();
            // Spellings that differ only in width or case (ABC, abc, ＡＢＣ) are one term,
            // named as first written.
            let mut by_folded: HashMap<String, usize> = HashMap::new();
            // Pages repeat a few names many times: each name's slug (pinyin) is made once.
            let mut by_name: HashMap<&str, usize> = HashMap::new();
            for (pi, p) in PageId::all(pages.len()).zip(pages) {
                for name in p.page.meta.taxonomies.get(&tc.name).into_iter().flatten() {
                    let ti = match by_name.get(name.as_str()) {
                        Some(&ti) => ti,
                        None => {
                            let folded = crate::text::fold_width_and_case(name);
                            let ti = *by_folded.entry(folded).or_insert_with(|| {
                                let slug = distinct_term_slug(name, terms.len(), &mut slugs);
                                terms.push(Term {
                                    name: name.clone(),
                                    path: format!("{path}{slug}/"),
                                    slug,
                                    pages: Vec::new(),
                                });
                                terms.len() - 1
                            });
                            by_name.insert(name, ti);
                            ti
                        }
                    };
                    // Pages come in order, so a page already listed is the last one.
                    if terms[ti].pages.last() != Some(&pi) {
                        terms[ti].pages.push(pi);
                    }
                }
            }
            for t in &mut terms {
                sort_pages(&mut t.pages, pages, SortBy::Date);
            }
            // Sorting moves the terms: map each name to its term's new place.
            let mut order: Vec<usize> = (0..terms.len()).collect();
            order.sort_by(|&a, &b| terms[a].slug.cmp(&terms[b].slug));
            let mut new_index = vec![0; terms.len()];
            for (new, &old) in order.iter().enumerate() {
                new_index[old] = new;
            }
            let term_by_name = by_name
                .into_iter()
                .map(|(name, ti)| (name.to_string(), new_index[ti]))
                .collect();
            terms.sort_by(|a, b| a.slug.cmp(&b.slug));
            Taxonomy {
                name: tc.name.clone(),
                title: tc.title.clone(),
                path,
                paginate: tc.paginate.unwrap_or(config.paginate),
                terms,
                term_by_name,
            }
        })
        .collect()
}

/// A slug for a new term that no earlier term has: its pinyin (`gong-shi`), and for a different
/// term read the same (公示, 攻势, 公式) the next free `gong-shi-2`, `gong-shi-3`, in the order
/// the pages are read, so a term's URL stays put from build to build.
fn distinct_term_slug(name: &str, index: usize, taken: &mut HashSet<String>) -> String {
    let mut base = name_slug(name);
    if base.is_empty() {
        base = format!("term-{}", index + 1);
    }
    let mut slug = base.clone();
    let mut n = 2;
    while !taken.insert(slug.clone()) {
        slug = format!("{base}-{n}");
        n += 1;
    }
    slug
}

/// The HTML site map (网站地图): every section and page title, and where the search box leads
/// without JavaScript.
pub const SITEMAP_PATH: &str = "/sitemap/";

/// The search results page, when search is enabled.
pub const SEARCH_PATH: &str = "/search/";

/// Adds each page's URL from before word-aware pinyin (`moved`: page index, old URL) as an
/// alias, and each section's (`moved_sections`) and taxonomy term's as a redirect, unless
/// something else now has that URL.
fn keep_legacy_urls(
    site: &mut Site,
    moved: Vec<(usize, String)>,
    moved_sections: Vec<(usize, String)>,
) {
    let moved_terms: Vec<LegacyRedirect> = site
        .taxonomies
        .iter()
        .flat_map(|t| {
            t.terms.iter().filter_map(|term| {
                let legacy = legacy_name_slug(&term.name);
                (!legacy.is_empty() && legacy != term.slug).then(|| LegacyRedirect {
                    from: {
                        let url = format!("{}{legacy}/", t.path);
                        SitePath {
                            file: index_file(&url),
                            url,
                        }
                    },
                    to: term.path.clone(),
                    title: term.name.clone(),
                })
            })
        })
        .collect();
    if moved.is_empty() && moved_sections.is_empty() && moved_terms.is_empty() {
        return;
    }
    let mut claimed: HashSet<String> = site
        .builtin_pages()
        .into_iter()
        .map(|(path, _)| path.to_string())
        .collect();
    claimed.extend(site.sections.iter().map(|s| s.path.clone()));
    claimed.extend(site.taxonomies.iter().flat_map(|t| {
        std::iter::once(t.path.clone()).chain(t.terms.iter().map(|term| term.path.clone()))
    }));
    for p in &site.pages {
        claimed.insert(p.path.clone());
        claimed.extend(p.aliases.iter().map(|a| a.url.clone()));
    }
    for (i, url) in moved {
        if claimed.insert(url.clone())
            && let Some(page) = site.pages.get_mut(i).and_then(Arc::get_mut)
        {
            let file = index_file(&url);
            page.aliases.push(SitePath { url, file });
        }
    }
    let sections = moved_sections.into_iter().map(|(i, url)| LegacyRedirect {
        from: SitePath {
            file: index_file(&url),
            url,
        },
        to: site.sections[i].path.clone(),
        title: site.sections[i].section.meta.title.clone(),
    });
    let redirects: Vec<LegacyRedirect> = sections
        .chain(moved_terms)
        .filter(|r| claimed.insert(r.from.url.clone()))
        .collect();
    site.legacy_redirects = redirects;
}

/// Two things may not claim one URL: pages, sections, taxonomy pages, aliases.
fn check_unique_urls(site: &Site) -> Vec<Diagnostic> {
    let mut owners: BTreeMap<String, String> = BTreeMap::new();
    let mut errors = Vec::new();
    let mut claim =
        |file: String, owner: String, errors: &mut Vec<Diagnostic>, source: &std::path::Path| {
            if let Some(first) = owners.get(&file) {
                errors.push(
                    Diagnostic::new(source, format!("网址与 {first} 重复：两者都会生成 {file}"))
                        .hint("修改其中一个的 slug、path 或文件名"),
                );
            } else {
                owners.insert(file, owner);
            }
        };
    for (path, owner) in site.builtin_pages() {
        let owner = format!("{owner}（wenming 生成的页面）");
        claim(
            index_file(path),
            owner,
            &mut errors,
            std::path::Path::new(""),
        );
    }
    for s in &site.sections {
        let src = s.section.source.display().to_string();
        claim(index_file(&s.path), src, &mut errors, &s.section.source);
    }
    for t in site.taxonomies.iter() {
        let owner = format!("site.yaml 的分类法 {}", t.name);
        claim(
            index_file(&t.path),
            owner.clone(),
            &mut errors,
            std::path::Path::new("site.yaml"),
        );
        for term in &t.terms {
            claim(
                index_file(&term.path),
                owner.clone(),
                &mut errors,
                std::path::Path::new("site.yaml"),
            );
        }
    }
    for p in &site.pages {
        let src = p.page.source.display().to_string();
        claim(
            index_file(&p.path),
            src.clone(),
            &mut errors,
            &p.page.source,
        );
        for a in &p.aliases {
            claim(
                a.file.clone(),
                format!("{src} 的 aliases"),
                &mut errors,
                &p.page.source,
            );
        }
    }
    errors
}
