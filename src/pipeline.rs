//! The front half of the pipeline, one function shared by `build`, `check` and `serve`:
//! site.yaml → `Config` → theme and templates → `content/` and `data/` → link → shortcodes
//! expanded, giving the linked `Site` that the check rules and the renderer read.
//!
//! Every stage runs on whatever the stage before could make, so that one run reports the
//! problems of all of them together (a front matter error does not hide a broken link in
//! another file); each caller decides which problems stop it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::Timestamp;

use crate::config::Config;
use crate::content::{self, Content, LoadOptions};
use crate::error::{Diagnostic, Diagnostics};
use crate::media::Photo;
use crate::render::shortcodes;
use crate::render::templates::{self, TemplateSource, ThemeFiles};
use crate::site::{self, Site};

/// The output folder below the site root when none is given (`--output`).
pub const DEFAULT_OUTPUT_DIR: &str = "public";

/// Where the output of the site at `root` goes when no `--output` is given.
pub fn default_output_dir(root: &Path) -> PathBuf {
    root.join(DEFAULT_OUTPUT_DIR)
}

/// The photo plans the loaded `site` holds (the photos its pages and sections show, their
/// covers, the resized photos of its `static/`), by file: what the loader learnt of each
/// photo, so that the check rules and the photo pass do not read it again.
pub fn planned_photos(site: &Site) -> HashMap<&Path, &Arc<Photo>> {
    site.pages
        .iter()
        .flat_map(|p| p.page.photos.iter().chain(&p.page.cover_photo))
        .chain(site.sections.iter().flat_map(|s| &s.section.photos))
        .chain(site.images.values().filter_map(|i| i.photo.as_ref()))
        .map(|photo| (photo.source.as_path(), photo))
        .collect()
}

/// What decides the site made from a root folder.
#[derive(Debug, Clone)]
pub struct SiteOptions {
    pub root: PathBuf,
    /// Replaces `base_url` from site.yaml.
    pub base_url: Option<String>,
    /// Drafts are published too.
    pub drafts: bool,
    /// The moment that decides what is scheduled or expired.
    pub now: Timestamp,
}

/// The theme's place and the templates read from it and the site's `templates/`.
pub struct Theme {
    pub files: ThemeFiles,
    /// The site's and the theme's templates, or why they could not all be read (then no
    /// shortcode was expanded).
    pub templates: Result<Vec<TemplateSource>, Diagnostics>,
}

/// The problems the front half found besides the theme's, by stage (each caller decides which
/// stop it).
#[derive(Debug, Default)]
pub struct Problems {
    /// Files that cannot be read or parsed, duplicate URLs, paths that cannot become URLs.
    pub content: Vec<Diagnostic>,
    /// Broken `@/` links (the check rules find these themselves, with their own codes).
    pub links: Vec<Diagnostic>,
    /// Shortcodes that could not be expanded.
    pub shortcodes: Vec<Diagnostic>,
}

impl Problems {
    /// Nothing was found.
    pub fn is_empty(&self) -> bool {
        self.content.is_empty() && self.links.is_empty() && self.shortcodes.is_empty()
    }
}

/// The linked, shortcode-expanded site and what was read to make it.
pub struct LoadedSite {
    /// Finished only when the theme's templates were read and `problems.shortcodes` is
    /// empty (see [`link_and_expand`]).
    pub site: Site,
    /// The theme, or why the one site.yaml names is missing (then nothing was expanded).
    pub theme: Result<Theme, Diagnostic>,
    pub problems: Problems,
    /// Stray files, symbolic links and the linker's notes.
    pub warnings: Vec<Diagnostic>,
    /// Drafts left out.
    pub skipped_drafts: usize,
    /// Pages dated after `now`, left out.
    pub scheduled: usize,
    /// When the next scheduled page falls due or a page expires (the next build that matters).
    pub next_due: Option<Timestamp>,
}

/// Reads the site at `options.root` and makes its linked, shortcode-expanded model. Fails only
/// when site.yaml cannot be read (nothing else can be done without it).
pub fn load_site(options: &SiteOptions) -> Result<LoadedSite, Diagnostics> {
    let root = &options.root;
    let mut config = Config::load(root)?;
    if let Some(url) = &options.base_url {
        config.base_url = url.trim_end_matches('/').to_string();
    }
    let theme = templates::theme_files(root, &config).map(|files| Theme {
        templates: templates::read_sources(root, &files),
        files,
    });
    let load_options = LoadOptions {
        drafts: options.drafts,
        now: options.now,
    };
    let (content, content_errors) = content::load_all(root, &config, load_options);
    let templates = match &theme {
        Ok(Theme {
            templates: Ok(sources),
            ..
        }) => Some(sources.as_slice()),
        _ => None,
    };
    let linked = link_and_expand(config, content, content_errors, templates, options.now);
    Ok(LoadedSite {
        site: linked.site,
        theme,
        problems: linked.problems,
        warnings: linked.warnings,
        skipped_drafts: linked.skipped_drafts,
        scheduled: linked.scheduled,
        next_due: linked.next_due,
    })
}

/// The linked site [`link_and_expand`] makes.
pub struct LinkedSite {
    /// Finished only when templates were given and `problems.shortcodes` is empty.
    pub site: Site,
    pub problems: Problems,
    pub warnings: Vec<Diagnostic>,
    pub skipped_drafts: usize,
    pub scheduled: usize,
    pub next_due: Option<Timestamp>,
}

/// The stages after reading: links `content` (read with `content_errors`) into a site and
/// expands its shortcodes with `templates`. `serve` calls this with the content it keeps
/// parsed between edits.
///
/// The site is finished when `templates` are given and `problems.shortcodes` is empty.
/// Otherwise the bodies that could not be expanded (all of them when the templates could not
/// be read: `None`) keep their shortcode tokens: such a site is only for the check rules,
/// which still report every other problem; `build` and `serve` stop before rendering it.
pub fn link_and_expand(
    config: Config,
    mut content: Content,
    content_errors: Vec<Diagnostic>,
    templates: Option<&[TemplateSource]>,
    now: Timestamp,
) -> LinkedSite {
    let mut warnings = std::mem::take(&mut content.warnings);
    let (skipped_drafts, scheduled, next_due) =
        (content.skipped_drafts, content.scheduled, content.next_due);
    let linked = site::link_all(config, content, now);
    let mut problems = Problems {
        content: content_errors,
        links: linked.link_errors,
        ..Problems::default()
    };
    problems.content.extend(linked.errors);
    warnings.extend(linked.site.site().warnings.iter().cloned());
    let site = match templates {
        Some(sources) => {
            let (site, errors) = shortcodes::expand_partly(linked.site, sources);
            problems.shortcodes = errors;
            site
        }
        // The theme's error stops `build` and `serve`; `check` reads the site as linked, its
        // shortcodes left as tokens, to report the other problems too.
        None => linked.site.into_site_with_tokens(),
    };
    LinkedSite {
        site,
        problems,
        warnings,
        skipped_drafts,
        scheduled,
        next_due,
    }
}
