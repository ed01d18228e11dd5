//! Walks `content/` and turns every Markdown file into a [`Page`] or [`Section`], in parallel.
//! Every file's problems are collected; one bad file never hides another's.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::Timestamp;
use rayon::prelude::*;
use walkdir::WalkDir;

use super::data::DataFiles;
use super::files::{is_ignored_name, read_limited};
use super::front_matter::{self, Kind, PageMeta, SectionMeta};
use super::kinds::KindFields;
use super::{Page, RawText, Section, data, images};
use crate::config::{Config, ImagesConfig, LimitsConfig};
use crate::error::{Diagnostic, Diagnostics, relative};
use crate::markdown::{self, MarkdownOptions};
use crate::media::Plans;
use crate::yaml::YamlDoc;

/// What the content stage needs to know beyond the files.
#[derive(Debug, Clone, Copy)]
pub struct LoadOptions {
    /// Include pages and sections marked `draft: true`, and future-dated pages.
    pub drafts: bool,
    /// The moment that decides what is scheduled or expired.
    pub now: Timestamp,
}

/// Everything read from `content/` and `data/`. Pages and sections are shared (`Arc`) so
/// that `serve` can keep its parsed files and link them again without copying them.
#[derive(Debug, Default)]
pub struct Content {
    pub pages: Vec<Arc<Page>>,
    pub sections: Vec<Arc<Section>>,
    /// Data files by path under `data/`, e.g. `ad.yaml` or `rankings/2026.csv`.
    pub data: Arc<BTreeMap<String, serde_json::Value>>,
    /// The text of each data file, by the same key, for the check stage.
    pub data_text: Arc<BTreeMap<String, String>>,
    /// When each data file was last modified, by the same key.
    pub data_modified: Arc<BTreeMap<String, jiff::Timestamp>>,
    pub skipped_drafts: usize,
    pub scheduled: usize,
    /// The earliest moment after `now` at which a scheduled page falls due or a published
    /// page expires: the site must be built again then.
    pub next_due: Option<Timestamp>,
    pub warnings: Vec<Diagnostic>,
    /// Content paths (`news/a.md`) of Markdown files that could not be read or parsed. Their
    /// errors are reported; links to them are not reported again as broken.
    pub unreadable: HashSet<String>,
}

/// A Markdown file found in `content/`, before parsing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContentFile {
    pub abs: PathBuf,
    /// Path inside `content/` with `/` separators.
    pub content_path: String,
    /// An `_index.md` outside any page bundle.
    pub is_section: bool,
    /// The bundle folder when this file is a bundle's `index.md`.
    pub bundle_dir: Option<PathBuf>,
}

/// What walking `content/` found: the Markdown files to parse, and problems with the rest.
#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<ContentFile>,
    pub warnings: Vec<Diagnostic>,
    pub errors: Vec<Diagnostic>,
}

/// One parsed Markdown file.
#[derive(Debug, Clone)]
pub enum Parsed {
    Page(Arc<Page>),
    Section(Arc<Section>),
}

/// What parsing a file needs to know about the site.
#[derive(Debug, Clone)]
pub struct ParseSettings {
    taxonomies: Vec<String>,
    markdown: MarkdownOptions,
    limits: LimitsConfig,
    images: ImagesConfig,
    /// Photo plans remembered between loads (`serve` keeps its settings, so them too).
    plans: Arc<Plans>,
}

impl ParseSettings {
    pub fn new(config: &Config) -> Self {
        ParseSettings {
            taxonomies: config.taxonomies.iter().map(|t| t.name.clone()).collect(),
            markdown: MarkdownOptions {
                unsafe_html: config.markdown.unsafe_html,
                articles: false,
            },
            limits: config.limits,
            images: config.images.clone(),
            plans: Arc::default(),
        }
    }
}

/// The `kind:` each section folder sets, which its pages and those of its subfolders
/// inherit: it decides which fields a page may have and how its body is read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SectionKinds(HashMap<String, Kind>, HashSet<String>);

impl SectionKinds {
    /// The kinds of the sections among `parsed` (files that failed to parse set none).
    pub fn of<'a>(parsed: impl IntoIterator<Item = &'a Result<Parsed, Diagnostics>>) -> Self {
        SectionKinds(
            parsed
                .into_iter()
                .filter_map(|r| match r {
                    Ok(Parsed::Section(s)) => s.meta.kind.map(|k| (s.dir.clone(), k)),
                    _ => None,
                })
                .collect(),
            HashSet::new(),
        )
    }

    /// Also remembers the folders of `sections` whose `_index.md` could not be read: what
    /// kind they give their pages is unknown.
    fn with_unreadable(mut self, sections: impl IntoIterator<Item = String>) -> Self {
        self.1.extend(sections);
        self
    }

    /// True when the section that decides the kind of folder `dir`'s pages could not be read
    /// (its error is reported; the pages' kind fields are not reported as unknown then).
    pub fn unknown(&self, dir: &str) -> bool {
        let mut d = dir;
        loop {
            if self.0.contains_key(d) {
                return false;
            }
            if self.1.contains(d) {
                return true;
            }
            if d.is_empty() {
                return false;
            }
            d = d.rsplit_once('/').map_or("", |(parent, _)| parent);
        }
    }

    /// The kind the pages of content folder `dir` inherit: its section's, else the nearest
    /// ancestor's.
    pub fn inherited(&self, dir: &str) -> Option<Kind> {
        let mut d = dir;
        loop {
            if let Some(k) = self.0.get(d) {
                return Some(*k);
            }
            if d.is_empty() {
                return None;
            }
            d = d.rsplit_once('/').map_or("", |(parent, _)| parent);
        }
    }
}

/// Reads `root/content` and `root/data`, keeping every file that could be read even when
/// others could not (the check stage reports the errors and still checks the rest).
pub fn load_all(root: &Path, config: &Config, options: LoadOptions) -> (Content, Vec<Diagnostic>) {
    let discovery = discover(root, config.limits);
    let (_, parsed) = parse_all(root, &discovery.files, &ParseSettings::new(config));
    assemble(
        &discovery,
        parsed,
        &data::load(root, config.limits),
        options,
    )
}

/// Parses `files` in parallel, sections first: their `kind:` decides which fields their
/// pages may have. The results are in the order of `files`.
pub fn parse_all(
    root: &Path,
    files: &[ContentFile],
    settings: &ParseSettings,
) -> (SectionKinds, Vec<Result<Parsed, Diagnostics>>) {
    settings.plans.open(root);
    let no_kinds = SectionKinds::default();
    let mut results: Vec<Option<Result<Parsed, Diagnostics>>> = files
        .par_iter()
        .map(|f| {
            f.is_section
                .then(|| parse_file(root, f, settings, &no_kinds))
        })
        .collect();
    let unreadable = files
        .iter()
        .zip(&results)
        .filter(|(_, r)| matches!(r, Some(Err(_))))
        .map(|(f, _)| parent_dir(&f.content_path));
    let kinds = SectionKinds::of(results.iter().flatten()).with_unreadable(unreadable);
    results
        .par_iter_mut()
        .zip(files)
        .filter(|(r, _)| r.is_none())
        .for_each(|(r, f)| *r = Some(parse_file(root, f, settings, &kinds)));
    settings.plans.save();
    (kinds, results.into_iter().flatten().collect())
}

/// Walks `root/content` and sorts what it finds into sections, pages, bundles and the rest.
/// More Markdown files than `limits.max_pages` is an error, and then none is to be parsed.
pub fn discover(root: &Path, limits: LimitsConfig) -> Discovery {
    let content_dir = root.join("content");
    let mut out = Discovery::default();
    let mut other_files = Vec::new();
    let mut bundle_dirs: BTreeSet<PathBuf> = BTreeSet::new();
    if !content_dir.is_dir() {
        return out;
    }
    let walker = WalkDir::new(&content_dir)
        .follow_links(false)
        .sort_by_file_name();
    let mut it = walker.into_iter();
    while let Some(entry) = it.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| relative(root, p))
                    .unwrap_or_else(|| PathBuf::from("content"));
                out.errors.push(match e.io_error() {
                    Some(io) => Diagnostic::io(path, "读取目录", io),
                    None => Diagnostic::new(path, format!("无法读取：{e}")),
                });
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy();
        if entry.depth() > 0 && is_ignored_name(&name) {
            if entry.file_type().is_dir() {
                it.skip_current_dir();
            }
            continue;
        }
        if entry.path_is_symlink() {
            out.warnings.push(
                Diagnostic::new(relative(root, entry.path()), "符号链接不会被读取")
                    .hint("把文件本身放进 content/，而不是链接到别处"),
            );
            continue;
        }
        if entry.file_type().is_dir() {
            if entry.path().join("index.md").is_file() {
                bundle_dirs.insert(entry.path().to_path_buf());
            }
            continue;
        }
        if !entry.file_type().is_file() {
            // A FIFO, socket or device: reading it could block the build forever.
            out.warnings.push(
                Diagnostic::new(
                    relative(root, entry.path()),
                    "不是普通文件（如管道、设备），不会被读取",
                )
                .hint("从 content/ 中删除它；页面和图片都应是普通文件"),
            );
            continue;
        }
        let abs = entry.path().to_path_buf();
        let Some(content_path) = content_relative(&content_dir, &abs) else {
            out.errors.push(
                Diagnostic::new(relative(root, &abs), "文件名不是有效的 UTF-8，无法处理")
                    .hint("请把文件改成中文或英文名称"),
            );
            continue;
        };
        let bundle_dir = abs
            .ancestors()
            .skip(1)
            .find(|a| bundle_dirs.contains(*a))
            .map(Path::to_path_buf);
        let is_markdown = abs.extension().is_some_and(|e| e == "md");
        let file = |is_section, bundle_dir| ContentFile {
            abs: abs.clone(),
            content_path: content_path.clone(),
            is_section,
            bundle_dir,
        };
        match (&bundle_dir, is_markdown, name.as_ref()) {
            (Some(dir), true, "index.md") if abs.parent() == Some(dir.as_path()) => {
                out.files.push(file(false, bundle_dir.clone()))
            }
            (Some(_), _, _) => {} // a bundle's own file; collected with the bundle
            (None, true, "_index.md") => out.files.push(file(true, None)),
            (None, true, _) => out.files.push(file(false, None)),
            (None, false, _) => other_files.push(abs),
        }
    }
    for file in other_files {
        out.warnings.push(
            Diagnostic::new(
                relative(root, &file),
                "这个文件不属于任何页面包，不会被发布",
            )
            .hint("图片等文件请放到 static/，或与 index.md 放在同一个页面包目录中"),
        );
    }
    if out.files.len() > limits.max_pages {
        out.errors.push(
            Diagnostic::new(
                "content",
                format!(
                    "共有 {} 个 Markdown 文件，超过了每次构建的上限 {} 个（limits.max_pages）",
                    out.files.len(),
                    limits.max_pages
                ),
            )
            .hint("检查是否误把大批文件放进了 content/；确需更多页面，请在 site.yaml 的 limits 中调大 max_pages"),
        );
        out.files.clear();
    }
    out
}

/// A ranking page whose front matter has errors is not linked, so the site never ranks its
/// data file: its rows are checked here instead, so that one run reports both. Problems with
/// the file itself (missing, not CSV) are left to the data stage and the fixed page.
fn broken_ranking_rows(
    root: &Path,
    doc: &YamlDoc,
    section_kind: Option<Kind>,
    limits: LimitsConfig,
) -> Vec<Diagnostic> {
    let mut f = crate::yaml::Fields::new(doc);
    let kind = match f.string("kind") {
        Some(name) => Kind::parse(&name),
        None => section_kind,
    };
    if kind != Some(Kind::Ranking) {
        return Vec::new();
    }
    let KindFields::Ranking(ranking) = super::kinds::parse(kind, doc, &mut f) else {
        return Vec::new();
    };
    let name = Path::new(&ranking.data);
    if ranking.data.is_empty()
        || !name
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
    {
        return Vec::new();
    }
    let shown = Path::new("data").join(name);
    let abs = root.join(&shown);
    let ext = name
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let is_file = std::fs::symlink_metadata(&abs).is_ok_and(|m| m.is_file());
    let Some(text) = is_file
        .then(|| read_limited(&abs, &shown, limits).ok())
        .flatten()
    else {
        return Vec::new();
    };
    match data::parse(&text, &ext, &shown) {
        Ok(value) => super::ranking::rows(&ranking, &value, &shown, Some(&text))
            .err()
            .map(Vec::from)
            .unwrap_or_default(),
        Err(_) => Vec::new(),
    }
}

/// Puts parsed files and data together into [`Content`], applying the publication rules
/// (drafts, scheduled pages). Returns what could be read, and every file's errors.
pub fn assemble(
    discovery: &Discovery,
    parsed: impl IntoIterator<Item = Result<Parsed, Diagnostics>>,
    data: &DataFiles,
    options: LoadOptions,
) -> (Content, Vec<Diagnostic>) {
    let mut errors = discovery.errors.clone();
    let mut content = Content::default();
    for result in parsed {
        match result {
            Ok(Parsed::Page(p)) => content.pages.push(p),
            Ok(Parsed::Section(s)) => content.sections.push(s),
            Err(es) => {
                content.unreadable.extend(es.0.iter().filter_map(|d| {
                    let path = d.file.strip_prefix("content").ok()?;
                    Some(path.to_string_lossy().replace('\\', "/"))
                }));
                errors.extend(es);
            }
        }
    }
    content.data = data.values.clone();
    content.data_text = data.texts.clone();
    content.data_modified = data.modified.clone();
    errors.extend(data.errors.iter().cloned());
    apply_publication_rules(&mut content, options);
    content.warnings = discovery.warnings.clone();
    (content, errors)
}

/// The first moment after `now` at which one of `pages` is published (its `date`), expires,
/// or, for a rule, takes effect (尚未施行 becomes 现行有效): the next time the published site
/// changes by itself.
pub fn next_due<'a>(
    pages: impl IntoIterator<Item = &'a Page>,
    now: Timestamp,
) -> Option<Timestamp> {
    pages
        .into_iter()
        .flat_map(|p| {
            let effective = match &p.meta.fields {
                KindFields::Rule(rule) => rule.effective,
                _ => None,
            };
            [p.meta.date, p.meta.expires, effective]
        })
        .flatten()
        .map(|d| d.timestamp())
        .filter(|&t| t > now)
        .min()
}

/// Drops drafts (and everything under a draft section) and future-dated pages unless asked
/// to keep them, counting what was left out.
fn apply_publication_rules(content: &mut Content, options: LoadOptions) {
    if options.drafts {
        return;
    }
    let draft_dirs: Vec<String> = content
        .sections
        .iter()
        .filter(|s| s.meta.draft)
        .map(|s| s.dir.clone())
        .collect();
    let under_draft = |dir: &str| draft_dirs.iter().any(|d| is_within(dir, d));
    content.sections.retain(|s| !under_draft(&s.dir));
    let before = content.pages.len();
    content
        .pages
        .retain(|p| !p.meta.draft && !under_draft(&p.dir));
    content.skipped_drafts = before - content.pages.len();
    let before = content.pages.len();
    content.next_due = next_due(content.pages.iter().map(|p| &**p), options.now);
    content
        .pages
        .retain(|p| p.meta.date.is_none_or(|d| d.timestamp() <= options.now));
    content.scheduled = before - content.pages.len();
}

/// True when content folder `dir` is `ancestor` or inside it.
pub fn is_within(dir: &str, ancestor: &str) -> bool {
    ancestor.is_empty() || dir == ancestor || dir.starts_with(&format!("{ancestor}/"))
}

fn content_relative(content_dir: &Path, abs: &Path) -> Option<String> {
    let rel = abs.strip_prefix(content_dir).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

/// The folder part of a content path (`news` for `news/a.md`, empty at the top).
fn parent_dir(path: &str) -> String {
    path.rsplit_once('/')
        .map(|(d, _)| d.to_string())
        .unwrap_or_default()
}

impl ContentFile {
    /// The content folder of the section this file belongs to: a section's own folder, the
    /// folder of a page (a bundle's: the folder holding the bundle). Pages inherit that
    /// section's kind.
    pub fn section_dir(&self) -> String {
        let dir = parent_dir(&self.content_path);
        match &self.bundle_dir {
            Some(_) => parent_dir(&dir),
            None => dir,
        }
    }
}

/// Reads and parses one Markdown file of `content/` (front matter and Markdown body). A
/// page's fields and body depend on the kind its section folder gives it (`kinds`).
pub fn parse_file(
    root: &Path,
    found: &ContentFile,
    settings: &ParseSettings,
    kinds: &SectionKinds,
) -> Result<Parsed, Diagnostics> {
    let shown = relative(root, &found.abs);
    let text = read_limited(&found.abs, &shown, settings.limits)?;
    let split = front_matter::split(&text, &shown)?;
    let doc = YamlDoc::parse(split.front, &shown, split.front_line_offset)?;
    let body_line_offset = split.body_line_offset;
    let body_start = text.len() - split.body.len();
    let dir = found.section_dir();

    // The image files whose sizes the body carries are kept, so that `serve` knows to
    // parse the page again when one of them changes.
    let static_dir = root.join("static");
    let image_files = std::cell::RefCell::new(Vec::new());
    let photos = std::cell::RefCell::new(Vec::new());
    let image_size = |src: &str| {
        let file = images::local_file(src, &static_dir, found.bundle_dir.as_deref())?;
        let info = images::image_info(src, &file, &settings.images, &settings.plans, &photos);
        image_files.borrow_mut().push(file);
        info
    };

    if found.is_section {
        let meta: SectionMeta = front_matter::section_meta(&doc)?;
        let body = markdown::render_with_images(split.body, settings.markdown, &image_size);
        if !body.shortcode_errors.is_empty() {
            return Err(shortcode_errors(&body, &shown, body_line_offset));
        }
        return Ok(Parsed::Section(Arc::new(Section {
            source: shown,
            content_path: found.content_path.clone(),
            dir,
            meta,
            body,
            body_line_offset,
            raw: RawText { text, body_start },
            image_files: image_files.into_inner(),
            photos: photos.into_inner(),
        })));
    }

    let (stem, assets) = match &found.bundle_dir {
        Some(bundle) => {
            let bundle_path = parent_dir(&found.content_path);
            let stem = bundle_path
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_string();
            (stem, bundle_assets(bundle))
        }
        None => {
            let stem = found
                .abs
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            (stem, Vec::new())
        }
    };
    let meta: PageMeta = front_matter::page_meta(&doc, &settings.taxonomies, kinds.inherited(&dir))
        .map_err(|mut errors| {
            if kinds.unknown(&dir) {
                errors.0.retain(|e| !front_matter::is_kind_field_error(e));
            }
            errors.extend(broken_ranking_rows(
                root,
                &doc,
                kinds.inherited(&dir),
                settings.limits,
            ));
            errors
        })?;
    let cover_photo = meta.cover.as_deref().and_then(|cover| {
        let file = images::local_file(cover, &static_dir, found.bundle_dir.as_deref())?;
        image_files.borrow_mut().push(file.clone());
        images::cover_photo(&file, &settings.images, &settings.plans)
    });
    let is_rule = matches!(meta.fields, KindFields::Rule(_));
    let body = markdown::render_with_images(
        split.body,
        MarkdownOptions {
            articles: is_rule,
            ..settings.markdown
        },
        &image_size,
    );
    if !body.article_errors.is_empty() || !body.shortcode_errors.is_empty() {
        let mut errors = shortcode_errors(&body, &shown, body_line_offset);
        errors.extend(body.article_errors.iter().map(|(pos, message)| {
            Diagnostic::new(&shown, message.clone())
                .at(pos.line + body_line_offset, pos.column)
                .hint(if message.starts_with("章") || message.contains("章重复") {
                    "章应从第一章起连续编号，不能跳号或重复"
                } else {
                    "条文应从第一条起连续编号，不能跳号或重复；修正案插入的条文写作 第二条之一"
                })
        }));
        return Err(errors);
    }
    Ok(Parsed::Page(Arc::new(Page {
        source: shown,
        content_path: found.content_path.clone(),
        dir,
        stem,
        assets,
        bundle_dir: found.bundle_dir.clone(),
        meta,
        body,
        body_line_offset,
        raw: RawText { text, body_start },
        image_files: image_files.into_inner(),
        photos: photos.into_inner(),
        cover_photo,
    })))
}

/// The shortcode syntax errors of a rendered body, at their lines in the file.
fn shortcode_errors(
    body: &markdown::Rendered,
    shown: &Path,
    body_line_offset: usize,
) -> Diagnostics {
    let errors = body.shortcode_errors.iter().map(|e| {
        let d = Diagnostic::new(shown, e.message.clone())
            .at(e.position.line + body_line_offset, e.position.column);
        match &e.hint {
            Some(h) => d.hint(h.clone()),
            None => d,
        }
    });
    Diagnostics::unsorted(errors.collect())
}

/// Files of a page bundle other than `index.md`, relative to the bundle folder.
fn bundle_assets(bundle: &Path) -> Vec<PathBuf> {
    WalkDir::new(bundle)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| !is_ignored_name(&e.file_name().to_string_lossy()))
        .filter_map(|e| e.path().strip_prefix(bundle).ok().map(Path::to_path_buf))
        .filter(|p| p != Path::new("index.md"))
        .collect()
}
