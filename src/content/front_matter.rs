//! Splitting a content file into YAML front matter and Markdown body, and reading the front
//! matter into typed page and section fields.

use std::collections::BTreeMap;
use std::path::Path;

use super::editorial::{self, Review, Waivers};
use super::kinds::{self, Correction, KindFields};
use super::paths::{SitePath, check_site_path, check_slug, check_template_name};
use crate::error::{Diagnostic, Diagnostics};
use crate::text::dates::Date;
pub use crate::vocabulary::{Kind, PAGE_KEYS, SECTION_KEYS};
use crate::yaml::{Fields, YamlDoc};

/// A content file cut in two. Lines are counted so errors can point into the original file.
pub struct Split<'a> {
    pub front: &'a str,
    /// Lines before the front matter text (the opening `---`).
    pub front_line_offset: usize,
    pub body: &'a str,
    /// Lines before the body.
    pub body_line_offset: usize,
}

/// Splits `text` (already without BOM, with `\n` line ends) at its `---` fences.
pub fn split<'a>(text: &'a str, file: &Path) -> Result<Split<'a>, Diagnostic> {
    let missing = || {
        Diagnostic::new(file, "文件开头缺少 front matter")
            .at(1, 1)
            .hint("在文件第一行写 ---，接着写 title: 标题 等字段，再用一行 --- 结束")
    };
    let Some(rest) = text.strip_prefix("---") else {
        return Err(missing());
    };
    let Some(rest) = rest
        .strip_prefix('\n')
        .or_else(|| rest.trim_start_matches([' ', '\t']).strip_prefix('\n'))
    else {
        return Err(missing());
    };
    let front_start = text.len() - rest.len();
    let mut offset = front_start;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let front = &text[front_start..offset];
            let body_start = offset + line.len();
            let body_line_offset = text[..body_start].matches('\n').count();
            let body_line_offset = if text[..body_start].ends_with('\n') {
                body_line_offset
            } else {
                body_line_offset + 1
            };
            return Ok(Split {
                front,
                front_line_offset: 1,
                body: &text[body_start..],
                body_line_offset,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::new(file, "front matter 没有结束")
        .at(1, 1)
        .hint("在字段之后另起一行写 --- 作为结束"))
}

/// How a section orders its pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    /// Newest first; undated pages last.
    #[default]
    Date,
    /// Lowest weight first.
    Weight,
    /// By title in pinyin order.
    Title,
}

/// Front matter of a page.
#[derive(Debug, Clone, Default)]
pub struct PageMeta {
    pub title: String,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    pub expires: Option<Date>,
    pub draft: bool,
    /// Validated: lowercase ASCII letters, digits, `-`, `_`.
    pub slug: Option<String>,
    /// Validated URL path such as `/about/`.
    pub path: Option<String>,
    /// The list teaser (Markdown), shown in listings.
    pub summary: Option<String>,
    /// The meta description (plain text): `<meta name="description">`, the feed summary and
    /// the start of the search text. Falls back to `summary`, then to the body's first words.
    pub description: Option<String>,
    pub author: Option<String>,
    pub source: Option<String>,
    pub editor: Option<String>,
    pub taxonomies: BTreeMap<String, Vec<String>>,
    /// The taxonomies whose list held an empty term (`''`, `'　'`), which was left out.
    pub empty_terms: Vec<String>,
    pub weight: Option<i64>,
    pub cover: Option<String>,
    pub aliases: Vec<SitePath>,
    pub template: Option<String>,
    /// The page's own `kind:`; its section's applies when this is empty.
    pub kind: Option<Kind>,
    /// The fields of the page's kind (own or inherited from its section).
    pub fields: KindFields,
    /// Dated 更正说明, oldest first as written.
    pub corrections: Vec<Correction>,
    /// Front matter `search: false`: the page is left out of the site search index.
    pub exclude_from_search: bool,
    pub extra: serde_json::Value,
    /// The 三审 review trail (初审, 复审, 终审).
    pub review: Option<Review>,
    /// Check rules waived for this page, with the reason.
    pub waive: Waivers,
}

/// Front matter of a section (`_index.md`).
#[derive(Debug, Clone, Default)]
pub struct SectionMeta {
    pub title: String,
    pub description: Option<String>,
    pub kind: Option<Kind>,
    pub sort_by: SortBy,
    pub paginate: Option<usize>,
    pub weight: Option<i64>,
    pub slug: Option<String>,
    pub template: Option<String>,
    pub draft: bool,
    pub extra: serde_json::Value,
    /// Days without a new page after which the column counts as stale (0: never).
    pub stale_after_days: Option<usize>,
    /// Check rules waived for this section, with the reason.
    pub waive: Waivers,
    /// A `kind: directory` section's data file.
    pub directory: Option<super::directory::DirectorySource>,
}

fn empty_map() -> serde_json::Value {
    serde_json::Value::Object(Default::default())
}

fn required_title(f: &mut Fields, doc: &YamlDoc) -> String {
    match f.string("title") {
        Some(t) if !t.trim().is_empty() => t.trim().to_string(),
        _ => {
            f.errors.push(
                doc.error_at("title", "缺少标题 title")
                    .hint("在 front matter 中加一行，例如 title: 学雷锋志愿服务活动"),
            );
            String::new()
        }
    }
}

fn kind_field(f: &mut Fields, doc: &YamlDoc) -> Option<Kind> {
    let name = f.string("kind")?;
    let kind = Kind::parse(&name);
    if kind.is_none() {
        f.errors.push(
            doc.error_at("kind", format!("未知的内容类型 kind“{name}”"))
                .hint(format!("可用的类型：{}", Kind::NAMES.join(", "))),
        );
    }
    kind
}

/// `template:` names a template of the theme or `templates/` (`notice.html`,
/// `special/notice.html`); it is never a file path, so `..`, `\`, drive letters, NUL and
/// absolute names are refused here, with their line, rather than as a missing template.
fn template_field(f: &mut Fields, doc: &YamlDoc) -> Option<String> {
    let raw = f.string("template")?;
    let name = raw.trim();
    match check_template_name(name) {
        Ok(()) => Some(name.to_string()),
        Err(reason) => {
            f.errors.push(
                doc.error_at("template", reason)
                    .hint("写 templates/ 下的模板名，例如 template: notice.html"),
            );
            None
        }
    }
}

fn slug_field(f: &mut Fields, doc: &YamlDoc) -> Option<String> {
    let raw = f.string("slug")?;
    match check_slug(&raw) {
        Ok(slug) => Some(slug),
        Err(reason) => {
            f.errors
                .push(doc.error_at("slug", reason).hint("例如 slug: xue-lei-feng"));
            None
        }
    }
}

fn path_field(f: &mut Fields, doc: &YamlDoc) -> Option<String> {
    let raw = f.string("path")?;
    match check_site_path(&raw, false) {
        Ok(p) => Some(p.url),
        Err(reason) => {
            f.errors.push(
                doc.error_at("path", reason)
                    .hint("例如 path: about/contact"),
            );
            None
        }
    }
}

fn aliases_field(f: &mut Fields, doc: &YamlDoc) -> Vec<SitePath> {
    let mut out = Vec::new();
    for raw in f.string_list("aliases") {
        match check_site_path(&raw, true) {
            Ok(p) => out.push(p),
            Err(reason) => f.errors.push(
                doc.error_at("aliases", reason)
                    .hint("例如 aliases: [/old/page.shtml]"),
            ),
        }
    }
    out
}

/// A page cannot be of a section-only kind (`directory`): that is an error at `kind:`.
fn section_only_refused(kind: Option<Kind>, f: &mut Fields, doc: &YamlDoc) -> Option<Kind> {
    match kind {
        Some(k) if k.is_section_only() => {
            f.errors.push(
                doc.error_at(
                    "kind",
                    format!("kind: {} 只能写在栏目的 _index.md 中", k.name()),
                )
                .hint("新建一个文件夹，在其中的 _index.md 里写 kind 和 data"),
            );
            None
        }
        other => other,
    }
}

/// An "unknown field" error for a field some kind has (`hours` on a page without a kind).
pub fn is_kind_field_error(e: &Diagnostic) -> bool {
    e.message.contains("中有未知字段") && kind_owning_field(&e.message).is_some()
}

/// The kind whose field an "unknown field" message names, if any.
fn kind_owning_field(message: &str) -> Option<&'static str> {
    Kind::NAMES.iter().copied().find(|name| {
        Kind::parse(name).is_some_and(|k| {
            kinds::keys(Some(k))
                .iter()
                .any(|key| message.contains(&format!("“{key}”")))
        })
    })
}

/// Reads page front matter. `taxonomies` are the names configured in `site.yaml`;
/// `section_kind` is the kind its section gives its pages.
pub fn page_meta(
    doc: &YamlDoc,
    taxonomies: &[String],
    section_kind: Option<Kind>,
) -> Result<PageMeta, Diagnostics> {
    let mut f = Fields::new(doc);
    let written_kind = kind_field(&mut f, doc);
    let own_kind = section_only_refused(written_kind, &mut f, doc);
    // A refused kind does not fall back to the section's: its fields would be reported too.
    let kind = match written_kind {
        Some(_) => own_kind,
        None => section_kind.filter(|k| !k.is_section_only()),
    };
    let allowed: Vec<&str> = PAGE_KEYS
        .iter()
        .copied()
        .chain(kinds::keys(kind).iter().copied())
        .chain(taxonomies.iter().map(String::as_str))
        .collect();
    let mut errors = doc.unknown_keys(&allowed, "front matter ");
    let review = editorial::review_field(&mut f, doc);
    for e in &mut errors {
        if let Some(owner) = kind_owning_field(&e.message) {
            e.hint = Some(format!(
                "这个字段属于 {owner} 类型的内容：在本页或所在栏目的 _index.md 中写 kind: {owner}"
            ));
        }
    }
    let mut meta = PageMeta {
        title: required_title(&mut f, doc),
        date: f.date("date"),
        updated: f.date("updated"),
        expires: f.date("expires"),
        draft: f.bool("draft").unwrap_or(false),
        slug: slug_field(&mut f, doc),
        path: path_field(&mut f, doc),
        summary: f.string("summary"),
        description: f.string("description"),
        author: f.string("author"),
        source: f.string("source"),
        // The 初审 reviewer is the 责任编辑 unless `editor` says otherwise.
        editor: f.string("editor").or_else(|| {
            review
                .as_ref()
                .and_then(Review::first_reviewer)
                .map(str::to_string)
        }),
        weight: f.integer("weight"),
        cover: f.string("cover"),
        aliases: aliases_field(&mut f, doc),
        template: template_field(&mut f, doc),
        kind: own_kind,
        fields: kinds::parse(kind, doc, &mut f),
        corrections: kinds::corrections(doc, &mut f),
        exclude_from_search: !f.bool("search").unwrap_or(true),
        extra: f.map("extra").unwrap_or_else(empty_map),
        taxonomies: BTreeMap::new(),
        empty_terms: Vec::new(),
        waive: editorial::waive_field(&mut f, doc),
        review,
    };
    for name in taxonomies {
        let mut terms: Vec<String> = Vec::new();
        for term in f.string_list(name) {
            let term = term.trim().to_string();
            if term.is_empty() {
                if !meta.empty_terms.contains(name) {
                    meta.empty_terms.push(name.clone());
                }
            } else if !terms.contains(&term) {
                terms.push(term);
            }
        }
        if !terms.is_empty() {
            meta.taxonomies.insert(name.clone(), terms);
        }
    }
    errors.append(&mut f.errors);
    if errors.is_empty() {
        Ok(meta)
    } else {
        Err(Diagnostics::unsorted(errors))
    }
}

/// Reads section front matter.
pub fn section_meta(doc: &YamlDoc) -> Result<SectionMeta, Diagnostics> {
    let mut f = Fields::new(doc);
    let kind = kind_field(&mut f, doc);
    let allowed: Vec<&str> = SECTION_KEYS
        .iter()
        .chain(super::directory::section_keys(kind))
        .copied()
        .collect();
    let mut errors = doc.unknown_keys(&allowed, "栏目 front matter ");
    let sort_by = match f.string("sort_by").as_deref() {
        None | Some("date") => SortBy::Date,
        Some("weight") => SortBy::Weight,
        Some("title") => SortBy::Title,
        Some(other) => {
            f.errors.push(
                doc.error_at("sort_by", format!("sort_by 不能是“{other}”"))
                    .hint("可选 date（按日期，新的在前）、weight（按权重）、title（按标题拼音）"),
            );
            SortBy::Date
        }
    };
    let meta = SectionMeta {
        title: required_title(&mut f, doc),
        description: f.string("description"),
        kind,
        directory: super::directory::source(kind, doc, &mut f),
        sort_by,
        paginate: f.count("paginate"),
        weight: f.integer("weight"),
        slug: slug_field(&mut f, doc),
        template: template_field(&mut f, doc),
        draft: f.bool("draft").unwrap_or(false),
        extra: f.map("extra").unwrap_or_else(empty_map),
        stale_after_days: f.count("stale_after_days"),
        waive: editorial::waive_field(&mut f, doc),
    };
    errors.append(&mut f.errors);
    if errors.is_empty() {
        Ok(meta)
    } else {
        Err(Diagnostics::unsorted(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_counts_lines() {
        let text = "---\ntitle: 好\n---\n正文\n";
        let s = split(text, Path::new("a.md")).expect("valid");
        assert_eq!(s.front, "title: 好\n");
        assert_eq!(s.body, "正文\n");
        assert_eq!(s.body_line_offset, 3);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let e = split("---\ntitle: 好\n正文\n", Path::new("a.md"))
            .err()
            .expect("invalid");
        assert_eq!(e.message, "front matter 没有结束");
    }
}
