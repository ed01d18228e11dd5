//! Finding templates and theme files: the site's `templates/` override the theme's by name;
//! the default theme is also compiled into the binary, so a site needs no theme folder.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use walkdir::WalkDir;

use crate::config::Config;
use crate::content::front_matter::Kind;
use crate::error::{Diagnostic, Diagnostics, relative};

/// The repository's `themes/default`, embedded.
pub static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// One template's name and text, and where it came from (for messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSource {
    pub name: String,
    pub text: String,
    pub shown: PathBuf,
}

/// Where a theme's files come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThemeFiles {
    Disk(PathBuf),
    Embedded,
}

pub fn theme_files(root: &Path, config: &Config) -> Result<ThemeFiles, Diagnostic> {
    let dir = root.join("themes").join(&config.theme);
    if dir.is_dir() {
        Ok(ThemeFiles::Disk(dir))
    } else if config.theme == "default" {
        Ok(ThemeFiles::Embedded)
    } else {
        Err(Diagnostic::new(
            "site.yaml",
            format!(
                "找不到主题“{}”：themes/{} 目录不存在",
                config.theme, config.theme
            ),
        )
        .hint("删掉 theme 一行即可使用内置的 default 主题"))
    }
}

/// Reads every template: the theme's (from its folder, or the embedded default theme), then
/// the site's `templates/`, a later one replacing an earlier one of the same name.
pub fn read_sources(root: &Path, theme: &ThemeFiles) -> Result<Vec<TemplateSource>, Diagnostics> {
    let mut out: Vec<TemplateSource> = Vec::new();
    let mut errors = Vec::new();
    match theme {
        ThemeFiles::Disk(dir) => read_dir(root, &dir.join("templates"), &mut out, &mut errors),
        ThemeFiles::Embedded => {
            if let Some(dir) = DEFAULT_THEME.get_dir("templates") {
                embedded(dir, &mut out);
            }
        }
    }
    read_dir(root, &root.join("templates"), &mut out, &mut errors);
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Diagnostics::unsorted(errors))
    }
}

fn embedded(dir: &Dir<'static>, out: &mut Vec<TemplateSource>) {
    for file in dir.files() {
        let name = file.path().strip_prefix("templates").unwrap_or(file.path());
        if let Some(text) = file.contents_utf8() {
            push(
                out,
                TemplateSource {
                    name: name.to_string_lossy().replace('\\', "/"),
                    text: text.to_string(),
                    shown: Path::new("(内置 default 主题)/themes/default").join(file.path()),
                },
            );
        }
    }
    for sub in dir.dirs() {
        embedded(sub, out);
    }
}

fn read_dir(root: &Path, dir: &Path, out: &mut Vec<TemplateSource>, errors: &mut Vec<Diagnostic>) {
    for (name, path) in files_under(dir) {
        let shown = relative(root, &path);
        match crate::content::read_text(&path, &shown) {
            Ok(text) => push(out, TemplateSource { name, text, shown }),
            Err(d) => errors.push(d),
        }
    }
}

/// Regular files below `dir` as (path relative to `dir` with `/` separators, full path),
/// sorted, without editor leftovers and without following symbolic links.
fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_type().is_file()
                && !crate::content::is_ignored_name(&e.file_name().to_string_lossy())
        })
        .filter_map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .ok()?
                .to_str()?
                .replace('\\', "/");
            Some((rel, e.path().to_path_buf()))
        })
        .collect()
}

fn push(out: &mut Vec<TemplateSource>, t: TemplateSource) {
    match out.iter_mut().find(|o| o.name == t.name) {
        Some(existing) => *existing = t,
        None => out.push(t),
    }
}

/// The template for a page: its own `template:`, else `page-<kind>.html`, else `page.html`.
pub fn for_page(tera: &tera::Tera, explicit: Option<&str>, kind: Option<Kind>) -> Option<String> {
    pick(tera, explicit, kind, "page")
}

/// The template for a section: its own `template:`, else `index.html` for the home page,
/// else `section-<kind>.html`, else `section.html`.
pub fn for_section(
    tera: &tera::Tera,
    explicit: Option<&str>,
    kind: Option<Kind>,
    is_root: bool,
) -> Option<String> {
    if explicit.is_none() && is_root && tera.contains_template("index.html") {
        return Some("index.html".into());
    }
    pick(tera, explicit, kind, "section")
}

fn pick(
    tera: &tera::Tera,
    explicit: Option<&str>,
    kind: Option<Kind>,
    generic: &str,
) -> Option<String> {
    if let Some(name) = explicit {
        return tera.contains_template(name).then(|| name.to_string());
    }
    if let Some(kind) = kind {
        let name = format!("{generic}-{}.html", kind.name());
        if tera.contains_template(&name) {
            return Some(name);
        }
    }
    let name = format!("{generic}.html");
    tera.contains_template(&name).then_some(name)
}

/// Static files of the theme, as (path below the output, bytes or source file).
pub fn theme_static(theme: &ThemeFiles) -> Vec<(String, StaticSource)> {
    let mut out = Vec::new();
    match theme {
        ThemeFiles::Disk(dir) => disk_static(&dir.join("static"), &mut out),
        ThemeFiles::Embedded => {
            if let Some(dir) = DEFAULT_THEME.get_dir("static") {
                embedded_static(dir, &mut out);
            }
        }
    }
    out
}

/// Where a copied file's bytes come from.
#[derive(Debug, Clone)]
pub enum StaticSource {
    File(PathBuf),
    Embedded(&'static [u8]),
}

fn embedded_static(dir: &Dir<'static>, out: &mut Vec<(String, StaticSource)>) {
    for file in dir.files() {
        let rel = file.path().strip_prefix("static").unwrap_or(file.path());
        out.push((
            rel.to_string_lossy().replace('\\', "/"),
            StaticSource::Embedded(file.contents()),
        ));
    }
    for sub in dir.dirs() {
        embedded_static(sub, out);
    }
}

/// Static files under `dir`, skipping editor leftovers and symlinks.
pub fn disk_static(dir: &Path, out: &mut Vec<(String, StaticSource)>) {
    out.extend(
        files_under(dir)
            .into_iter()
            .map(|(rel, path)| (rel, StaticSource::File(path))),
    );
}
