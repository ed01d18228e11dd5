//! One owner per output file: a page's `aliases` or `path` may not name a file wenming
//! generates for something else — a feed, the sitemap, robots.txt, the 404 page, the search
//! index, the publish-date manifest, a theme or site static file (images included), another
//! page's bundle file — nor a folder such a file needs, nor a file where one of them needs a
//! folder. (Pages, sections, taxonomies and aliases among themselves are checked by `site`.)

use std::collections::BTreeMap;

use crate::content::paths::index_file;
use crate::error::Diagnostic;
use crate::site::Site;

use super::SEARCH_INDEX_DIR;

/// Every claim of a page's `aliases` or `path` on a generated file, as an error at that key.
/// `statics` are the paths of the copied static files (theme and site, robots.txt).
pub fn check_generated_claims<'a>(
    site: &Site,
    statics: impl Iterator<Item = &'a str>,
) -> Vec<Diagnostic> {
    let generated = generated_files(site, statics);
    let mut errors = Vec::new();
    for p in &site.pages {
        let mut claims: Vec<(&str, String, String)> = p
            .aliases
            .iter()
            .map(|a| ("aliases", a.url.clone(), a.file.clone()))
            .collect();
        if p.page.meta.path.is_some() {
            claims.push(("path", p.path.clone(), index_file(&p.path)));
        }
        for (key, url, file) in claims {
            let Some((taken, what)) = conflict(&generated, &file) else {
                continue;
            };
            let position = crate::yaml::key_line(p.page.raw.front_matter(), key);
            let d = Diagnostic::new(
                &p.page.source,
                format!("{key} 中的网址“{url}”会占用 wenming 生成的{what} {taken}"),
            )
            .hint("换一个网址：一个网址只能有一个来源，否则其中一个会被悄悄覆盖");
            errors.push(match position {
                Some((line, column)) => d.at(line, column),
                None => d.at_line(1),
            });
        }
    }
    errors
}

/// The generated file `file` would replace, or that needs `file` (or one of its folders) to
/// be a folder, with what it is.
fn conflict(
    generated: &BTreeMap<String, &'static str>,
    file: &str,
) -> Option<(String, &'static str)> {
    let found = |taken: &String, what: &&'static str| Some((taken.clone(), *what));
    if let Some((taken, what)) = generated.get_key_value(file) {
        return found(taken, what);
    }
    if is_sitemap_part(file) {
        return Some((file.to_string(), "站点地图"));
    }
    // A generated file where `file` needs a folder.
    let mut end = 0;
    while let Some(slash) = file[end..].find('/') {
        end += slash;
        if let Some((taken, what)) = generated.get_key_value(&file[..end]) {
            return found(taken, what);
        }
        end += 1;
    }
    // A generated file inside the folder `file` would be.
    let folder = format!("{file}/");
    if let Some((taken, what)) = generated.range(folder.clone()..).next()
        && taken.starts_with(&folder)
    {
        return found(taken, what);
    }
    // The search index owns its whole folder (its file names depend on the content).
    let index = format!("{SEARCH_INDEX_DIR}/index.json");
    if file.starts_with(&format!("{SEARCH_INDEX_DIR}/"))
        && let Some((taken, what)) = generated.get_key_value(&index)
    {
        return found(taken, what);
    }
    None
}

/// The files wenming writes besides pages, sections, taxonomy pages and aliases.
fn generated_files<'a>(
    site: &Site,
    statics: impl Iterator<Item = &'a str>,
) -> BTreeMap<String, &'static str> {
    let mut files = BTreeMap::new();
    for path in statics {
        files.insert(path.to_string(), "静态文件");
    }
    files.insert("robots.txt".into(), "爬虫规则");
    files.insert("404.html".into(), "错误页面");
    files.insert("atom.xml".into(), "订阅源");
    files.insert("sitemap.xml".into(), "站点地图");
    if site.config.search.enabled {
        files.insert(format!("{SEARCH_INDEX_DIR}/index.json"), "搜索索引");
    }
    for s in &site.sections {
        if s.path != "/" && !s.pages.is_empty() {
            files.insert(
                format!("{}atom.xml", s.path.trim_start_matches('/')),
                "栏目订阅源",
            );
        }
    }
    for p in &site.pages {
        if p.page.bundle_dir.is_some() {
            for asset in &p.page.assets {
                let path = format!(
                    "{}{}",
                    p.path.trim_start_matches('/'),
                    asset.to_string_lossy().replace('\\', "/")
                );
                files.insert(path, "页面附件");
            }
        }
    }
    files
}

/// Sitemap parts on large sites are `sitemap1.xml`, `sitemap2.xml`, …: claimed as a pattern.
fn is_sitemap_part(file: &str) -> bool {
    file.strip_prefix("sitemap")
        .and_then(|rest| rest.strip_suffix(".xml"))
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}
