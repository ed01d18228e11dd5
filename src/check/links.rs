//! Link rules: internal links (`@/` content paths, site paths, relative paths, links to this
//! site's own domain) must reach something the build writes, and their `#anchor` an element
//! of it; images need alt text; link text must say where it goes (WCAG 2.4.4: not 点击这里).
//! The URL arguments of shortcodes (`{{< figure src="…" alt="…" >}}`) are links too.
//! Outbound links are collected for `--external`.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use percent_encoding::percent_decode_str;

use super::document::{Doc, LinkRef, Scan, has_anchor};
use super::{Code, Finding};
use crate::error::Position;
use crate::markdown::relative_markdown_link;
use crate::markdown::shortcodes::is_url_argument;
use crate::markdown::{ArgValue, Call};
use crate::site::links::{LinkProblem, resolve_relative, resolve_target};
use crate::site::pager::{pager_count, pager_path};
use crate::site::{Site, Target};

/// Link texts that do not say where a link goes, after trimming punctuation.
const VAGUE_LINK_TEXTS: &[&str] = &[
    "点击这里",
    "点这里",
    "这里",
    "点此",
    "此处",
    "点击此处",
    "点击",
    "更多",
    "查看更多",
    "了解更多",
    "阅读更多",
    "详情",
    "查看详情",
    "click here",
    "here",
    "more",
    "read more",
];

/// An outbound link, for `--external`.
#[derive(Debug, Clone)]
pub struct ExternalLink {
    pub url: String,
    pub file: PathBuf,
    pub position: Position,
}

/// Every site path the build writes, and which of them are pages or sections.
pub struct KnownPaths {
    paths: HashSet<String>,
    targets: HashMap<String, Target>,
}

impl KnownPaths {
    /// `static_files` are the copied files' paths below the output (`style.css`).
    pub fn new<'a>(site: &Site, static_files: impl IntoIterator<Item = &'a str>) -> KnownPaths {
        let mut paths: HashSet<String> = ["/atom.xml", "/sitemap.xml", "/robots.txt", "/404.html"]
            .into_iter()
            .map(String::from)
            .collect();
        paths.extend(static_files.into_iter().map(|f| format!("/{f}")));
        let mut targets = HashMap::new();
        for (i, p) in site.page_ids().zip(&site.pages) {
            targets.insert(p.path.clone(), Target::Page(i));
            paths.extend(p.aliases.iter().map(|a| a.url.clone()));
            for asset in &p.page.assets {
                paths.insert(format!("{}{}", p.path, asset.to_string_lossy()));
            }
        }
        for (i, s) in site.section_ids().zip(&site.sections) {
            targets.insert(s.path.clone(), Target::Section(i));
            for k in 2..=pager_count(s.pages.len(), s.paginate) {
                paths.insert(pager_path(&s.path, k));
            }
            if !s.pages.is_empty() {
                paths.insert(format!("{}atom.xml", s.path));
            }
        }
        for t in site.taxonomies.iter() {
            paths.insert(t.path.clone());
            for term in &t.terms {
                for k in 1..=pager_count(term.pages.len(), t.paginate) {
                    paths.insert(pager_path(&term.path, k));
                }
            }
        }
        KnownPaths { paths, targets }
    }

    /// The page or section at `path`, or `None` when it is another file or nothing.
    fn lookup(&self, path: &str) -> Option<Result<Target, ()>> {
        let candidates = [
            path.to_string(),
            format!("{path}/"),
            path.strip_suffix("index.html").unwrap_or(path).to_string(),
        ];
        for c in &candidates {
            if let Some(t) = self.targets.get(c) {
                return Some(Ok(*t));
            }
            if self.paths.contains(c) {
                return Some(Err(()));
            }
        }
        None
    }
}

/// Where a link points.
enum Dest {
    /// `@/news/a.md#anchor`
    Content(String, Option<String>),
    /// `中文文件名.md`, `../news/a.md#anchor`: another Markdown file by its relative name.
    Relative(String, Option<String>),
    /// `#anchor` on the same page.
    SamePage(String),
    /// A path on this site, with its anchor.
    SitePath(String, Option<String>),
    External(String),
    /// `mailto:`, `tel:` and the like.
    Other,
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

fn classify(dest: &str, doc_path: &str, site: &Site) -> Dest {
    let dest = dest.trim();
    if let Some(rest) = dest.strip_prefix("@/") {
        return match rest.split_once('#') {
            Some((t, a)) => Dest::Content(t.to_string(), Some(a.to_string())),
            None => Dest::Content(rest.to_string(), None),
        };
    }
    if let Some((written, anchor)) = relative_markdown_link(dest) {
        return Dest::Relative(written, anchor);
    }
    let base_url = &site.config.base_url;
    let lower = dest.to_ascii_lowercase();
    let own = dest.get(base_url.len()..).filter(|rest| {
        lower.starts_with(&base_url.to_ascii_lowercase())
            && (rest.is_empty() || rest.starts_with(['/', '#', '?']))
    });
    let local = match own {
        Some(rest) => format!(
            "{}{}",
            site.config.base_path(),
            if rest.is_empty() { "/" } else { rest }
        ),
        None if lower.starts_with("http://") || lower.starts_with("https://") => {
            return Dest::External(dest.to_string());
        }
        None if dest.starts_with("//") => return Dest::External(format!("https:{dest}")),
        None => dest.to_string(),
    };
    let (before_anchor, anchor) = match local.split_once('#') {
        Some((p, a)) => (p, Some(decode(a))),
        None => (local.as_str(), None),
    };
    let path = before_anchor.split('?').next().unwrap_or_default();
    if let Some(colon) = path.find(':')
        && !path[..colon].contains('/')
    {
        return Dest::Other;
    }
    if path.is_empty() {
        return match anchor {
            Some(a) if !a.is_empty() => Dest::SamePage(a),
            _ => Dest::Other,
        };
    }
    let base_path = site.config.base_path();
    let absolute = if path.starts_with('/') {
        let path = decode(path);
        match path.strip_prefix(base_path) {
            Some(rest) if !base_path.is_empty() && rest.starts_with('/') => rest.to_string(),
            _ => path,
        }
    } else {
        format!("{doc_path}{}", decode(path))
    };
    Dest::SitePath(normalize(&absolute), anchor.filter(|a| !a.is_empty()))
}

/// Resolves `.` and `..` segments of an absolute site path.
fn normalize(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut out = format!("/{}", segments.join("/"));
    if path.ends_with('/') && out != "/" {
        out.push('/');
    }
    out
}

fn is_vague(text: &str) -> bool {
    let trimmed = text
        .trim_matches(|c: char| {
            c.is_whitespace() || c.is_ascii_punctuation() || "》»→…。：！【】（）".contains(c)
        })
        .to_lowercase();
    VAGUE_LINK_TEXTS.contains(&trimmed.as_str())
}

/// Checks the links and images of one document and collects its outbound links.
pub fn find(
    doc: &Doc,
    scan: &Scan,
    site: &Site,
    known: &KnownPaths,
    out: &mut Vec<Finding>,
    external: &mut Vec<ExternalLink>,
) {
    for link in &scan.links {
        let at = |code: Code, message: String| {
            Finding::new(code, doc.file, message).at(doc.position(link.offset))
        };
        if link.is_image && link.text.trim().is_empty() {
            out.push(
                at(
                    Code::ImageAltMissing,
                    format!("图片 {} 缺少替代文字（alt）", link.dest),
                )
                .suggest(format!(
                    "在方括号中写明图片内容，例如 ![志愿者在社区清扫街道]({})",
                    link.dest
                )),
            );
        }
        if !link.is_image && is_vague(&link.text) {
            out.push(
                at(
                    Code::LinkTextVague,
                    format!("链接文字“{}”没有说明链接去向", link.text.trim()),
                )
                .suggest("改用说明去向的文字，例如“《示例市文明行为促进条例》全文”"),
            );
        }
        check_dest(
            doc,
            link,
            doc.position(link.offset),
            site,
            known,
            out,
            external,
        );
    }
    for call in doc.shortcodes {
        shortcode(doc, call, site, known, out, external);
    }
    for img in &scan.html_images {
        if !img.has_alt {
            out.push(
                Finding::new(Code::ImageAltMissing, doc.file, "<img> 缺少 alt 属性")
                    .at(doc.position(img.offset))
                    .suggest("加上 alt=\"图片内容的文字说明\"；纯装饰图片写 alt=\"\""),
            );
        }
    }
}

/// The URL arguments of a shortcode call (`src`, `poster`, `href`…), checked as links at the
/// call's place, and a `figure` whose `alt` is empty. (A `figure` without `alt` stops the
/// build already, with the template's message.)
fn shortcode(
    doc: &Doc,
    call: &Call,
    site: &Site,
    known: &KnownPaths,
    out: &mut Vec<Finding>,
    external: &mut Vec<ExternalLink>,
) {
    let position = doc.call_position(call);
    let text = |key: &str| {
        call.args.iter().find_map(|(k, v)| match v {
            ArgValue::Str(s) if k == key => Some(s.as_str()),
            _ => None,
        })
    };
    let is_figure = call.name == "figure";
    if is_figure && text("alt").is_some_and(|alt| alt.trim().is_empty()) {
        let src = text("src").unwrap_or_default();
        out.push(
            Finding::new(
                Code::ImageAltMissing,
                doc.file,
                format!("图片 {src} 缺少替代文字（alt）"),
            )
            .at(position)
            .suggest(format!(
                "在 alt 中写明图片内容，例如 {{{{< figure src=\"{src}\" alt=\"志愿者在社区清扫街道\" >}}}}"
            )),
        );
    }
    for (key, value) in &call.args {
        let ArgValue::Str(dest) = value else { continue };
        if !is_url_argument(key) || dest.trim().is_empty() {
            continue;
        }
        let link = LinkRef {
            dest: dest.clone(),
            text: String::new(),
            // Not used: the finding is placed at the call.
            offset: 0,
            is_image: key == "poster" || (is_figure && key == "src"),
            in_markdown: false,
        };
        check_dest(doc, &link, position, site, known, out, external);
    }
}

/// Follows where `link` points (found at `position`): the target must exist and have the
/// anchor; outbound links are collected.
fn check_dest(
    doc: &Doc,
    link: &LinkRef,
    position: Position,
    site: &Site,
    known: &KnownPaths,
    out: &mut Vec<Finding>,
    external: &mut Vec<ExternalLink>,
) {
    let at = |code: Code, message: String| Finding::new(code, doc.file, message).at(position);
    let mut dest = classify(&link.dest, doc.path, site);
    if let Dest::Relative(written, anchor) = &dest
        && (link.is_image || !link.in_markdown)
    {
        // Only a Markdown link is resolved as a file name; a picture or a shortcode's URL
        // named `….md` is a path like any other.
        dest = Dest::SitePath(normalize(&format!("{}{written}", doc.path)), anchor.clone());
    }
    let resolved = match &dest {
        Dest::Content(target, anchor) => resolve_target(site, target, anchor.as_deref()),
        Dest::Relative(written, anchor) => {
            resolve_relative(site, doc.file, written, anchor.as_deref())
        }
        _ => Ok(String::new()),
    };
    match resolved {
        Ok(_) | Err(LinkProblem::Unreadable) => {}
        Err(LinkProblem::MissingTarget { message, hint }) => {
            out.push(at(Code::LinkBroken, message).suggest(hint))
        }
        Err(LinkProblem::MissingAnchor { message, hint, .. }) => {
            let mut f = at(Code::LinkAnchor, message);
            f.suggestion = hint;
            out.push(f);
        }
    }
    match dest {
        Dest::Content(..) | Dest::Relative(..) => {}
        Dest::SamePage(anchor) => {
            if !doc.has_anchor(&anchor) {
                out.push(
                    at(
                        Code::LinkAnchor,
                        format!("页内链接 #{anchor} 在本页中不存在"),
                    )
                    .suggest(anchor_hint(doc.anchors)),
                );
            }
        }
        Dest::SitePath(path, anchor) => check_site_path(link, &path, anchor, site, known, out, &at),
        Dest::External(url) => external.push(ExternalLink {
            url,
            file: doc.file.to_path_buf(),
            position,
        }),
        Dest::Other => {}
    }
}

fn anchor_hint(anchors: &[String]) -> String {
    if anchors.is_empty() {
        "该页面没有小标题；锚点是小标题的文字，例如 #第五条".to_string()
    } else {
        let list: Vec<&str> = anchors.iter().take(10).map(String::as_str).collect();
        format!("该页面的锚点有：{}", list.join("、"))
    }
}

fn check_site_path(
    link: &LinkRef,
    path: &str,
    anchor: Option<String>,
    site: &Site,
    known: &KnownPaths,
    out: &mut Vec<Finding>,
    at: &dyn Fn(Code, String) -> Finding,
) {
    let what = if link.is_image { "图片" } else { "链接" };
    match known.lookup(path) {
        None => out.push(
            at(Code::LinkBroken, format!("{what} {} 指向的地址不存在", link.dest)).suggest(
                if link.is_image {
                    "检查文件名和路径：static/ 下的图片从 static/ 算起写成 /images/a.jpg，与页面放在同一目录（页面包）的图片直接写文件名"
                } else {
                    "检查网址拼写；站内页面建议写成 @/ 加 content/ 下的文件路径，例如 @/news/a.md，改名后也不会断"
                },
            ),
        ),
        Some(Ok(target)) => {
            let Some(anchor) = anchor else { return };
            let (anchors, html) = match target {
                Target::Page(i) => (&site.pages[i].page.body.anchors, site.pages[i].html()),
                Target::Section(i) => (&site.sections[i].section.body.anchors, site.sections[i].html()),
            };
            if !has_anchor(anchors, html, &anchor) {
                out.push(
                    at(
                        Code::LinkAnchor,
                        format!("链接 {} 中的锚点 #{anchor} 在该页面中不存在", link.dest),
                    )
                    .suggest(anchor_hint(anchors)),
                );
            }
        }
        Some(Err(())) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalized() {
        assert_eq!(normalize("/news/a/../b/"), "/news/b/");
        assert_eq!(normalize("/news/./x.png"), "/news/x.png");
        assert_eq!(normalize("/../.."), "/");
    }

    #[test]
    fn vague_texts_ignore_punctuation() {
        assert!(is_vague(" 更多>> "));
        assert!(is_vague("点击这里。"));
        assert!(!is_vague("更多志愿服务故事"));
    }
}
