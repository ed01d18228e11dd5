//! `wenming import FILE.docx --section SECTION`: turns a Word document submitted by a district
//! office into a draft page bundle, `content/SECTION/<pinyin of the title>/index.md` with the
//! document's pictures beside it. The title comes from the document's title property (or its
//! title or first heading or line), the 稿件's tail lines (来源, 作者, 责任编辑, 通讯员, a date)
//! become front matter, and the new page is checked like any page (personal data, terms,
//! links) so that problems are seen before it is published.
//!
//! Reading is bounded (file size, inflated size, entry count, XML nesting) and the page is
//! written atomically: built in a hidden folder beside its final place and renamed, so a
//! failed import leaves nothing behind and an existing page is never overwritten.

mod docx;
mod markdown;
mod package;
mod tail;
mod xml;

use std::fs;
use std::path::{Component, Path, PathBuf};

use jiff::Timestamp;

use crate::check::{self, CheckOptions, Finding};
use crate::config::Config;
use crate::content::is_ignored_name;
use crate::error::{Diagnostic, relative};
use crate::text::dates::Date;
use crate::text::slug::slugify;
use crate::vocabulary::Kind;
use docx::{Block, Inline, plain_text};
use tail::TailFields;

pub use package::{MAX_ENTRIES, MAX_ENTRY_BYTES, MAX_FILE_BYTES, MAX_TOTAL_BYTES};

/// What `wenming import` was asked to do.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The site (with site.yaml).
    pub root: PathBuf,
    /// The .docx file.
    pub file: PathBuf,
    /// The folder below `content/` the page goes into, e.g. `news` or `news/2026`.
    pub section: String,
    /// `kind:` of the new page; `None` leaves it to the section.
    pub kind: Option<Kind>,
    /// Today, for the date of a document without a date line.
    pub now: Timestamp,
}

/// What an import made.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The new page, relative to the site root (`content/news/ti-mu/index.md`).
    pub page: PathBuf,
    /// The pictures saved beside it, relative to the site root.
    pub pictures: Vec<PathBuf>,
    /// What was not imported or must be done by hand, in Chinese.
    pub warnings: Vec<String>,
    /// What the check rules found in the new page.
    pub findings: Vec<Finding>,
}

/// A document converted to a page, before it is placed in a section.
#[derive(Debug, Clone)]
pub struct Converted {
    pub title: String,
    /// The folder name: the pinyin of the title.
    pub slug: String,
    /// The whole `index.md`: front matter and Markdown.
    pub text: String,
    /// The pictures: (file name beside `index.md`, bytes).
    pub pictures: Vec<(String, Vec<u8>)>,
    /// What was not imported or must be done by hand, in Chinese.
    pub warnings: Vec<String>,
}

/// Converts the bytes of a .docx (`shown` names it in messages) into a draft page of `kind`,
/// dated by its date line or `now`.
pub fn convert(
    bytes: Vec<u8>,
    shown: &Path,
    kind: Option<Kind>,
    now: Timestamp,
) -> Result<Converted, Diagnostic> {
    let mut package = package::open(bytes, shown)?;
    let mut document = docx::read(&mut package)?;
    let title = take_title(&mut document).ok_or_else(|| {
        Diagnostic::new(shown, "文档中没有文字，无法导入")
            .hint("确认选择的是正确的文件；文档中至少要有标题")
    })?;
    let fields = tail::take(&mut document.blocks);
    let slug = slugify(&title);
    if slug.is_empty() {
        return Err(
            Diagnostic::new(shown, format!("无法根据标题“{title}”生成文件夹名"))
                .hint("标题中至少要有汉字、字母或数字"),
        );
    }
    let names: Vec<String> = document
        .pictures
        .iter()
        .enumerate()
        .map(|(i, p)| format!("tu-pian-{}.{}", i + 1, p.extension))
        .collect();
    let body = markdown::write(&document.blocks, &document.notes, &names);
    let date = fields
        .date
        .clone()
        .unwrap_or_else(|| Date::from_timestamp(now).metadata());
    let text = format!("{}\n{body}", front_matter(&title, &date, kind, &fields));
    let mut warnings = document.warnings;
    if !names.is_empty() {
        let placeholders: Vec<String> = (1..=names.len()).map(|n| format!("“图片{n}”")).collect();
        warnings.push(format!(
            "{} 张图片的说明文字是占位的{}，发布前必须改为描述图片内容的文字（看不见图片的读者用读屏软件听到的就是它）",
            names.len(),
            placeholders.join("")
        ));
    }
    let pictures = names
        .into_iter()
        .zip(document.pictures)
        .map(|(name, p)| (name, p.bytes))
        .collect();
    Ok(Converted {
        title,
        slug,
        text,
        pictures,
        warnings,
    })
}

/// Imports `options.file` as a draft page and checks it. Nothing is written when it fails.
pub fn import(options: &ImportOptions) -> Result<Imported, Diagnostic> {
    let root = &options.root;
    if let Err(errors) = Config::load(root) {
        let first = errors.into_iter().next();
        return Err(first.unwrap_or_else(|| Diagnostic::new("site.yaml", "无法读取站点配置")));
    }
    if let Some(kind) = options.kind.filter(|k| k.is_section_only()) {
        return Err(Diagnostic::new(
            &options.file,
            format!("{} 是栏目类型，不能用于一篇页面", kind.name()),
        )
        .hint("--kind 可选 story、rule、progress、notice、ranking、quiz"));
    }
    let section = section_folder(root, &options.section)?;
    let bytes = package::read_file(&options.file)?;
    let converted = convert(bytes, &options.file, options.kind, options.now)?;
    let folder = section.join(&converted.slug);
    for existing in [
        folder.clone(),
        section.join(format!("{}.md", converted.slug)),
    ] {
        if fs::symlink_metadata(&existing).is_ok() {
            return Err(Diagnostic::new(
                relative(root, &existing),
                format!("同名页面已存在（标题“{}”），未做任何修改", converted.title),
            )
            .hint("如果是同一篇稿件，直接编辑已有的页面；如果是另一篇，先在 Word 中修改标题（文件→属性中的标题，或第一行）再导入"));
        }
    }
    let mut files: Vec<(&str, &[u8])> = vec![("index.md", converted.text.as_bytes())];
    for (name, bytes) in &converted.pictures {
        files.push((name, bytes));
    }
    write_bundle(root, &section, &folder, &files)?;
    let folder_shown = relative(root, &folder);
    let findings = check_page(root, &folder_shown, options.now);
    Ok(Imported {
        page: folder_shown.join("index.md"),
        pictures: converted
            .pictures
            .iter()
            .map(|(n, _)| folder_shown.join(n))
            .collect(),
        warnings: converted.warnings,
        findings,
    })
}

/// `content/SECTION`, which must be a folder below `content/` named without `..`.
fn section_folder(root: &Path, section: &str) -> Result<PathBuf, Diagnostic> {
    let trimmed = section.trim().trim_matches('/');
    let relative_path = Path::new(trimmed);
    let plain = !trimmed.is_empty()
        && !trimmed.contains('\\')
        && relative_path.components().all(|c| match c {
            Component::Normal(name) => !is_ignored_name(&name.to_string_lossy()),
            _ => false,
        });
    let folder = root.join("content").join(relative_path);
    let is_dir = fs::symlink_metadata(&folder).is_ok_and(|m| m.is_dir());
    if plain && is_dir {
        if folder.join("index.md").exists() {
            return Err(Diagnostic::new(
                format!("content/{trimmed}"),
                "这是一篇页面的文件夹（其中有 index.md），不是栏目",
            )
            .hint("--section 写栏目文件夹，例如这篇页面所在的栏目"));
        }
        return Ok(folder);
    }
    let mut sections: Vec<String> = walkdir::WalkDir::new(root.join("content"))
        .follow_links(false)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "_index.md" && e.depth() > 1)
        .filter_map(|e| {
            let dir = e.path().parent()?;
            let rel = dir.strip_prefix(root.join("content")).ok()?;
            Some(rel.to_string_lossy().replace('\\', "/"))
        })
        .collect();
    sections.sort();
    let (file, message) = if plain {
        (format!("content/{trimmed}"), "栏目文件夹不存在".to_string())
    } else {
        (
            "content".to_string(),
            format!("--section “{section}”不是 content/ 下的文件夹名"),
        )
    };
    Err(Diagnostic::new(file, message).hint(if sections.is_empty() {
        "--section 写 content/ 下的栏目文件夹名，例如 news".to_string()
    } else {
        format!("可用的栏目：{}", sections.join("、"))
    }))
}

/// The page's title, removed from the body: the title property, else the paragraph in the
/// Title style, else the first heading or first line, whichever comes first. A first paragraph that repeats
/// the title property is removed too.
fn take_title(document: &mut docx::Document) -> Option<String> {
    let one_line = |content: &[Inline]| {
        plain_text(content)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let blocks = &mut document.blocks;
    if let Some(title) = document.property_title.as_deref() {
        let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some(Block::Title(c) | Block::Heading { content: c, .. } | Block::Paragraph(c)) =
            blocks.first()
            && one_line(c) == title
        {
            blocks.remove(0);
        }
        return Some(title);
    }
    // The Title paragraph wherever it is; else the first heading or paragraph, whichever
    // comes first (WPS and LibreOffice users often just write the title as the first line).
    let index = blocks
        .iter()
        .position(|b| matches!(b, Block::Title(_)))
        .or_else(|| {
            blocks.iter().position(|b| match b {
                Block::Heading { content, .. } | Block::Paragraph(content) => {
                    !one_line(content).is_empty()
                }
                _ => false,
            })
        })?;
    let content = match &mut blocks[index] {
        Block::Title(c) | Block::Heading { content: c, .. } | Block::Paragraph(c) => c,
        _ => return None,
    };
    // Only the first line of a paragraph used as the title; the rest stays as text.
    let text = plain_text(content);
    let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
    let title = first.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() {
        return None;
    }
    if rest.trim().is_empty() || !matches!(blocks[index], Block::Paragraph(_)) {
        blocks.remove(index);
    } else if let Block::Paragraph(c) = &mut blocks[index]
        && let Some(at) = c.iter().position(|i| matches!(i, Inline::Break))
    {
        c.drain(..=at);
    }
    Some(title)
}

/// The front matter of the new page.
fn front_matter(title: &str, date: &str, kind: Option<Kind>, fields: &TailFields) -> String {
    let mut out = format!("---\ntitle: {}\ndate: {date}\ndraft: true\n", scalar(title));
    if let Some(kind) = kind {
        out.push_str(&format!("kind: {}\n", kind.name()));
    }
    for (key, value) in [
        ("author", &fields.author),
        ("source", &fields.source),
        ("editor", &fields.editor),
    ] {
        if let Some(v) = value {
            out.push_str(&format!("{key}: {}\n", scalar(v)));
        }
    }
    if let Some(c) = &fields.correspondent {
        out.push_str(&format!("extra:\n  correspondent: {}\n", scalar(c)));
    }
    out.push_str("---\n");
    out
}

/// A YAML string as it reads best: plain when YAML reads it back as the same string (and
/// it has no brackets, which the front matter reader counts), else double-quoted.
fn scalar(value: &str) -> String {
    let plain = !value.is_empty()
        && value.trim() == value
        && !value.starts_with(|c: char| "-?:,#&*!|>'\"%@`".contains(c))
        && !value.contains(['[', ']', '{', '}'])
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.ends_with(':')
        && !value
            .chars()
            .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}'))
        && matches!(
            serde_yaml::from_str::<serde_yaml::Value>(value),
            Ok(serde_yaml::Value::String(s)) if s == value
        );
    if plain {
        return value.to_string();
    }
    // A `"` inside is written `\x22`, so that the only quotes are the two around the value.
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\x22"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                out.push_str(&format!("\\u{:04X}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes `files` into a hidden folder in `section` (ignored by builds) and renames it to
/// `folder`, so the page appears whole or not at all.
fn write_bundle(
    root: &Path,
    section: &Path,
    folder: &Path,
    files: &[(&str, &[u8])],
) -> Result<(), Diagnostic> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let staging = section.join(format!(".wenming-import-{}-{nanos}", std::process::id()));
    let result = (|| {
        fs::create_dir(&staging)
            .map_err(|e| Diagnostic::io(relative(root, &staging), "创建临时文件夹", &e))?;
        for (name, bytes) in files {
            let path = staging.join(name);
            fs::write(&path, bytes)
                .map_err(|e| Diagnostic::io(relative(root, &path), "写入文件", &e))?;
        }
        if fs::symlink_metadata(folder).is_ok() {
            return Err(Diagnostic::new(
                relative(root, folder),
                "同名页面已存在（刚刚由别人创建），未做任何修改",
            ));
        }
        fs::rename(&staging, folder)
            .map_err(|e| Diagnostic::io(relative(root, folder), "保存页面文件夹", &e))
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

/// The check rules' findings in the new page's folder (the whole site is loaded, drafts
/// included, so links and terms are judged as in `wenming check`).
fn check_page(root: &Path, folder: &Path, now: Timestamp) -> Vec<Finding> {
    let mut options = CheckOptions::new(root);
    options.drafts = true;
    options.now = now;
    check::check_site(&options)
        .findings
        .into_iter()
        .filter(|f| f.file.starts_with(folder))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_yaml_would_misread() {
        assert_eq!(scalar("学雷锋志愿服务"), "学雷锋志愿服务");
        assert_eq!(scalar("2026"), "\"2026\"");
        assert_eq!(scalar("true"), "\"true\"");
        assert_eq!(scalar("标题: 副标题"), "\"标题: 副标题\"");
        assert_eq!(scalar("“文明”在行动"), "“文明”在行动");
        assert_eq!(scalar("#1 新闻"), "\"#1 新闻\"");
        assert_eq!(scalar("引号\"中"), "引号\"中");
        assert_eq!(scalar("[草稿] \"a\"\\"), "\"[草稿] \\x22a\\x22\\\\\"");
        assert_eq!(scalar("a\tb"), "\"a\\u0009b\"");
        for value in [
            "学雷锋",
            "2026",
            "a: b",
            "[草稿] \"a\"\\",
            "x\u{2028}y",
            "{{ config }}",
            "会议 \"重要",
        ] {
            let text = format!("title: {}\ndate: 2026-03-05\n", scalar(value));
            let doc = crate::yaml::YamlDoc::parse(&text, Path::new("t.md"), 1)
                .unwrap_or_else(|d| panic!("{d}: {text:?}"));
            assert_eq!(
                doc.get("title").and_then(|t| t.as_str()),
                Some(value),
                "{text}"
            );
        }
    }
}
