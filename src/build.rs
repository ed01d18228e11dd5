//! Runs the whole pipeline: config → content → site → render → output. [`render_site`] keeps
//! the result in memory (for `serve` and tests); [`build`] streams it into a staging folder
//! and commits it to the output only when everything succeeded.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use jiff::Timestamp;

use crate::check::{self, Finding, Manifest};
use crate::config::Config;
use crate::content::{self, LoadOptions};
use crate::error::{Diagnostic, Diagnostics};
use crate::output::{self, Bytes, OutputFile, OutputWriter};
use crate::render::{self, Emit, templates};
use crate::search;
use crate::site::{self, Site};

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
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            output: None,
            base_url: None,
            drafts: false,
            now: Timestamp::now(),
        }
    }

    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

/// A rendered site held in memory (for tests and the dev server).
pub struct RenderedSite {
    pub site: Arc<Site>,
    pub files: Vec<OutputFile>,
    pub skipped_drafts: usize,
    pub scheduled: usize,
    pub warnings: Vec<Diagnostic>,
}

/// The summary printed after a build.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub pages: usize,
    pub sections: usize,
    pub expired: usize,
    pub skipped_drafts: usize,
    pub scheduled: usize,
    pub files_written: usize,
    pub files_unchanged: usize,
    pub files_removed: usize,
    pub output: PathBuf,
    pub seconds: f64,
    pub warnings: Vec<Diagnostic>,
}

/// What producing the files found out, besides the files.
struct Produced {
    site: Arc<Site>,
    skipped_drafts: usize,
    scheduled: usize,
    warnings: Vec<Diagnostic>,
}

fn collect<T>(r: Result<T, Vec<Diagnostic>>) -> Result<T, Diagnostics> {
    r.map_err(|mut es| {
        let mut d = Diagnostics::default();
        d.extend(es.drain(..));
        d.sort();
        d
    })
}

/// Runs the pipeline, handing every output file to `emit`. Files that override others with
/// the same path come later: theme static < robots.txt < site static < rendered pages <
/// feeds, sitemap, aliases and bundle files.
fn produce(options: &BuildOptions, emit: Emit) -> Result<Produced, Diagnostics> {
    let root = &options.root;
    let mut config = collect(Config::load(root))?;
    if let Some(url) = &options.base_url {
        config.base_url = url.trim_end_matches('/').to_string();
    }
    let theme = templates::theme_files(root, &config).map_err(Diagnostics::from)?;
    let load_options = LoadOptions {
        drafts: options.drafts,
        now: options.now,
    };
    let mut content = collect(content::load(root, &config, load_options))?;
    let mut warnings = std::mem::take(&mut content.warnings);
    let (skipped_drafts, scheduled) = (content.skipped_drafts, content.scheduled);
    let mut site = collect(site::link(config, content, options.now))?;
    warnings.append(&mut site.warnings);

    let mut site_static = Vec::new();
    templates::disk_static(&root.join("static"), &mut site_static);
    let theme_static = templates::theme_static(&theme);
    let static_files = theme_static
        .iter()
        .chain(&site_static)
        .map(|(p, _)| p.as_str());
    let manifest = editorial_gate(options, &site, static_files.collect(), &mut warnings)?;
    release_sources(&mut site);
    let site = Arc::new(site);
    let theme_static = theme_static.into_iter().map(static_file);
    let robots = OutputFile::text("robots.txt", output::robots_txt(&site));
    for file in theme_static
        .chain([robots])
        .chain(site_static.into_iter().map(static_file))
    {
        emit(file).map_err(Diagnostics::from)?;
    }
    collect(render::render(root, site.clone(), &theme, emit))?;
    collect(search::build(&site, emit))?;
    for file in generated_files(&site) {
        emit(file).map_err(Diagnostics::from)?;
    }
    emit(OutputFile::text(check::MANIFEST_FILE, manifest.to_json())).map_err(Diagnostics::from)?;
    Ok(Produced {
        site,
        skipped_drafts,
        scheduled,
        warnings,
    })
}

/// Runs the check rules (all but `--external`): personal data, a missing required review and
/// a changed publish date stop the build, every other finding becomes a warning. Returns the
/// publish-date manifest this build writes.
fn editorial_gate(
    options: &BuildOptions,
    site: &Site,
    static_files: Vec<&str>,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Manifest, Diagnostics> {
    let previous = Manifest::read(&options.output_dir()).map_err(Diagnostics::from)?;
    let findings = check::run_rules(&check::Inputs {
        site,
        static_files,
        published: previous.as_ref(),
        external: None,
    });
    let (blocking, other): (Vec<Finding>, Vec<Finding>) =
        findings.into_iter().partition(|f| f.code.blocks_build());
    if !blocking.is_empty() {
        return Err(Diagnostics(
            blocking.iter().map(Finding::to_diagnostic).collect(),
        ));
    }
    warnings.extend(other.iter().map(Finding::to_diagnostic));
    Ok(Manifest::next(previous.as_ref(), site, !options.drafts))
}

/// Drops the file texts only the check rules needed, and the plain text only the search index
/// needs (all of it when search is off), before rendering: on a large site they are tens of
/// megabytes.
fn release_sources(site: &mut Site) {
    let keep_text = site.config.search.enabled;
    for p in &mut site.pages {
        p.page.raw = Default::default();
        if !keep_text {
            p.page.body.text = String::new();
        }
    }
    for s in &mut site.sections {
        s.section.raw = Default::default();
        s.section.body.text = String::new();
    }
    site.data_text.clear();
}

/// Loads, links and renders the site in memory.
pub fn render_site(options: &BuildOptions) -> Result<RenderedSite, Diagnostics> {
    let files = Mutex::new(Vec::new());
    let produced = produce(options, &|f| {
        files.lock().unwrap_or_else(|e| e.into_inner()).push(f);
        Ok(())
    })?;
    Ok(RenderedSite {
        site: produced.site,
        files: files.into_inner().unwrap_or_else(|e| e.into_inner()),
        skipped_drafts: produced.skipped_drafts,
        scheduled: produced.scheduled,
        warnings: produced.warnings,
    })
}

fn static_file((path, source): (String, templates::StaticSource)) -> OutputFile {
    let bytes = match source {
        templates::StaticSource::File(p) => Bytes::File(p),
        templates::StaticSource::Embedded(b) => Bytes::Embedded(b),
    };
    OutputFile { path, bytes }
}

/// Feeds, sitemap, alias redirects and page-bundle files.
fn generated_files(site: &Site) -> Vec<OutputFile> {
    let mut files = Vec::new();
    let all: Vec<usize> = (0..site.pages.len()).collect();
    files.push(OutputFile::text(
        "atom.xml",
        output::atom_feed(site, &site.config.title, "/", "/atom.xml", &all),
    ));
    for s in site
        .sections
        .iter()
        .filter(|s| !s.path.eq("/") && !s.pages.is_empty())
    {
        let title = format!("{} - {}", s.section.meta.title, site.config.title);
        let feed_path = format!("{}atom.xml", s.path);
        files.push(OutputFile::text(
            feed_path.trim_start_matches('/'),
            output::atom_feed(site, &title, &s.path, &feed_path, &s.pages),
        ));
    }
    for (name, text) in output::sitemaps(site) {
        files.push(OutputFile::text(name, text));
    }
    for p in &site.pages {
        for alias in &p.aliases {
            files.push(OutputFile::text(
                alias.file.clone(),
                output::alias_page(site, p),
            ));
        }
        if let Some(dir) = &p.page.bundle_dir {
            for asset in &p.page.assets {
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
    }
    files
}

/// Builds the site and replaces the output directory with the result.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let started = Instant::now();
    let output_dir = options.output_dir();
    check_output_dir(&options.root, &output_dir).map_err(Diagnostics::from)?;
    let writer = OutputWriter::begin(&output_dir).map_err(Diagnostics::from)?;
    let produced = match produce(options, &|f| writer.put(f)) {
        Ok(p) => p,
        Err(errors) => {
            writer.abort();
            return Err(errors);
        }
    };
    let written = writer.commit().map_err(Diagnostics::from)?;
    let site = &produced.site;
    Ok(BuildReport {
        pages: site.pages.len(),
        sections: site.sections.len(),
        expired: site.pages.iter().filter(|p| p.expired).count(),
        skipped_drafts: produced.skipped_drafts,
        scheduled: produced.scheduled,
        files_written: written.written,
        files_unchanged: written.unchanged,
        files_removed: written.removed,
        output: output_dir,
        seconds: started.elapsed().as_secs_f64(),
        warnings: produced.warnings,
    })
}

/// The output directory is replaced whole, so it must never be the site itself, a folder
/// holding it, a home directory, or one of the site's source folders.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<(), Diagnostic> {
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
        .hint("输出目录每次构建都会被整体替换，请用 --output 指定一个专用目录，例如 public"))
    };
    if root_abs.starts_with(&out_abs) {
        return refuse("它是站点目录本身或其上级目录");
    }
    if std::env::var_os("HOME").is_some_and(|h| Path::new(&h) == out_abs)
        || out_abs.parent().is_none()
    {
        return refuse("它是主目录或根目录");
    }
    for source in ["content", "static", "templates", "themes", "data"] {
        if out_abs.starts_with(root_abs.join(source)) {
            return refuse(&format!("它在站点的 {source}/ 目录中"));
        }
    }
    Ok(())
}
