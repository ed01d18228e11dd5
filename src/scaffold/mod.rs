//! Starting points for editors: `wenming init DIR` writes a complete small site that builds
//! at once (one section and one example page per content kind, every setting of site.yaml
//! explained), and `wenming new KIND "标题"` writes a new draft page of that kind with the
//! right front matter, a pinyin file name and today's date.

mod archetypes;

use std::fs;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use jiff::Timestamp;

use crate::content::front_matter::{self, Kind};
use crate::content::{is_ignored_name, read_text};
use crate::error::{Diagnostic, relative};
use crate::text::dates::Date;
use crate::text::slug::slugify;
use crate::yaml::YamlDoc;

static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/scaffold/starter");

/// The new site's `.gitignore`: the built site and wenming's state stay out of the repository,
/// except the publish-date record, which is the site's own history.
const GITIGNORE: &str = "\
# 构建结果：由 wenming build 生成，不必提交
/public/
# wenming 的状态目录：只有发布记录 manifest.json 需要提交（它记录每个页面的发布时间）
/.wenming/*
!/.wenming/manifest.json
";

/// Creates a new site in `dir`, which must not exist or be empty, its example pages published
/// `now` (so that the first build finds every column fresh). Returns the files written.
pub fn init(dir: &Path, now: Timestamp) -> Result<Vec<PathBuf>, Diagnostic> {
    if dir.exists() {
        let empty = fs::read_dir(dir)
            .map(|mut entries| entries.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(
                Diagnostic::new(dir, format!("目录 {} 已存在且不是空目录", dir.display()))
                    .hint("换一个新的目录名，wenming init 不会覆盖已有文件"),
            );
        }
    }
    let mut written = Vec::new();
    let today = Date::from_timestamp(now).metadata();
    write_dir(&STARTER, dir, &today, &mut written)?;
    let gitignore = dir.join(".gitignore");
    fs::write(&gitignore, GITIGNORE)
        .map_err(|e| Diagnostic::new(&gitignore, format!("无法写入文件：{e}")))?;
    written.push(gitignore);
    let static_dir = dir.join("static");
    fs::create_dir_all(&static_dir)
        .map_err(|e| Diagnostic::new(&static_dir, format!("无法创建目录：{e}")))?;
    written.sort();
    Ok(written)
}

fn write_dir(
    embedded: &Dir<'static>,
    target: &Path,
    today: &str,
    written: &mut Vec<PathBuf>,
) -> Result<(), Diagnostic> {
    for file in embedded.files() {
        let path = target.join(file.path());
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| Diagnostic::new(parent, format!("无法创建目录：{e}")))?;
        }
        let contents = match file.contents_utf8() {
            Some(text) if path.extension().is_some_and(|e| e == "md") => {
                dated(text, today).into_bytes()
            }
            _ => file.contents().to_vec(),
        };
        fs::write(&path, contents)
            .map_err(|e| Diagnostic::new(&path, format!("无法写入文件：{e}")))?;
        written.push(path);
    }
    for sub in embedded.dirs() {
        write_dir(sub, target, today, written)?;
    }
    Ok(())
}

/// A starter page with its publish date (`date:` at the start of a line) set to `today`.
fn dated(text: &str, today: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| match line.strip_prefix("date:") {
            Some(_) => format!("date: {today}\n"),
            None => line.to_string(),
        })
        .collect()
}

/// A new draft page, planned but not written: where it goes, its text, and the data file a
/// ranking starts with (when there is none yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPage {
    pub page: PathBuf,
    pub text: String,
    pub data: Option<(PathBuf, &'static str)>,
}

/// Writes a new draft page of `kind` (`None`: a plain article, the default kind) titled
/// `title` into `section` (a folder below `content/`), or else into the first section of that
/// kind. Returns the files written (the page, and a data file for a ranking).
pub fn new_page(
    root: &Path,
    kind: Option<Kind>,
    title: &str,
    section: Option<&str>,
    now: Timestamp,
) -> Result<Vec<PathBuf>, Diagnostic> {
    let planned = plan_page(root, kind, title, section, now)?;
    let mut written = Vec::new();
    if let Some((data, text)) = &planned.data {
        if let Some(parent) = data.parent() {
            fs::create_dir_all(parent).map_err(|e| {
                Diagnostic::new(relative(root, parent), format!("无法创建目录：{e}"))
            })?;
        }
        fs::write(data, text)
            .map_err(|e| Diagnostic::new(relative(root, data), format!("无法写入文件：{e}")))?;
        written.push(data.clone());
    }
    let page = &planned.page;
    fs::write(page, &planned.text)
        .map_err(|e| Diagnostic::new(relative(root, page), format!("无法写入文件：{e}")))?;
    written.insert(0, planned.page);
    Ok(written)
}

/// What [`new_page`] would write, without writing it (the desk writes it itself, with the
/// editor's fields filled in).
pub fn plan_page(
    root: &Path,
    kind: Option<Kind>,
    title: &str,
    section: Option<&str>,
    now: Timestamp,
) -> Result<PlannedPage, Diagnostic> {
    let config = crate::config::Config::load(root).map_err(|mut es| es.0.remove(0))?;
    if let Some(kind) = kind.filter(|k| k.is_section_only()) {
        return Err(Diagnostic::new(
            "",
            format!("{} 是栏目类型，不能新建为一篇页面", kind.name()),
        )
        .hint("新建一个文件夹，在其中的 _index.md 里写 kind 和 data（见 docs/content.md）"));
    }
    let title = title.trim();
    if title.is_empty() {
        return Err(Diagnostic::new("", "标题不能为空")
            .hint("例如 wenming new story \"学雷锋志愿服务进社区\""));
    }
    let sections = sections(root);
    let (section, section_kind) = match section {
        Some(name) => named_section(root, &sections, name, kind, title)?,
        None => sections
            .iter()
            .find(|(dir, k)| *k == kind && dir.as_path() != root.join("content"))
            .cloned()
            .ok_or_else(|| no_section_of(kind))?,
    };
    let slug = slugify(title);
    if slug.is_empty() {
        return Err(
            Diagnostic::new("", format!("无法根据标题“{title}”生成文件名"))
                .hint("标题中至少要有汉字、字母或数字"),
        );
    }
    let page = section.join(format!("{slug}.md"));
    if page.exists() || section.join(&slug).join("index.md").exists() {
        return Err(
            Diagnostic::new(relative(root, &page), "文件已存在，未做任何修改")
                .hint("换一个标题，或直接编辑这个文件"),
        );
    }
    let today = Date::from_timestamp(now);
    let taxonomies: Vec<&str> = config.taxonomies.iter().map(|t| t.name.as_str()).collect();
    let own_kind = kind.filter(|_| section_kind != kind);
    let text = archetypes::page(kind, own_kind, title, &today.metadata(), &slug, &taxonomies);
    let data = (kind == Some(Kind::Ranking))
        .then(|| {
            root.join("data")
                .join("rankings")
                .join(format!("{slug}.csv"))
        })
        .filter(|data| !data.exists())
        .map(|data| (data, archetypes::RANKING_CSV));
    Ok(PlannedPage { page, text, data })
}

fn no_section_of(kind: Option<Kind>) -> Diagnostic {
    match kind {
        Some(kind) => Diagnostic::new("content", format!("站点中没有 kind: {} 的栏目", kind.name()))
            .hint(format!(
                "在某个栏目的 _index.md 中加一行 kind: {}，或用 wenming init 新建一个包含各类栏目的站点",
                kind.name()
            )),
        None => Diagnostic::new("content", "站点中没有放普通文章的栏目（_index.md 中不写 kind 的栏目）")
            .hint("新建一个文件夹，例如 content/news/，在其中的 _index.md 里写 title: 创文动态；或用 --section 指定栏目"),
    }
}

/// The section `name` (a folder below `content/`) and its kind, when it exists and takes a
/// page of `kind`: a plain section takes any kind (the page then says its own), a section
/// of a kind takes only that kind.
fn named_section(
    root: &Path,
    sections: &[(PathBuf, Option<Kind>)],
    name: &str,
    kind: Option<Kind>,
    title: &str,
) -> Result<(PathBuf, Option<Kind>), Diagnostic> {
    let content = root.join("content");
    let name = name.trim_matches('/');
    let names: Vec<String> = sections
        .iter()
        .filter_map(|(dir, _)| dir.strip_prefix(&content).ok())
        .map(|rel| rel.to_string_lossy().replace('\\', "/"))
        .filter(|rel| !rel.is_empty())
        .collect();
    let found = sections.iter().find(|(dir, _)| {
        dir.strip_prefix(&content)
            .is_ok_and(|rel| rel == Path::new(name))
            && !name.is_empty()
    });
    let Some((dir, section_kind)) = found else {
        let known: Vec<&str> = names.iter().map(String::as_str).collect();
        let guess = crate::yaml::closest(name, &known)
            .map(|c| format!("是否想写 --section {c}？"))
            .unwrap_or_default();
        return Err(Diagnostic::new(
            Path::new("content").join(name),
            format!("没有这个栏目（找不到 content/{name}/_index.md）"),
        )
        .hint(format!(
            "{guess}--section 写 content/ 下的栏目文件夹，可用的有：{}",
            known.join(", ")
        )));
    };
    if let Some(section_kind) = section_kind
        && Some(*section_kind) != kind
    {
        let what = match kind {
            Some(kind) => format!("{} 内容", kind.name()),
            None => "普通文章".to_string(),
        };
        return Err(Diagnostic::new(
            relative(root, &dir.join("_index.md")),
            format!("栏目 {name} 是 {} 栏目，不能放{what}", section_kind.name()),
        )
        .hint(format!(
            "用 wenming new {} \"{title}\" --section {name}，或换一个{}的栏目",
            section_kind.name(),
            match kind {
                Some(kind) => format!(" kind: {} 或没有 kind ", kind.name()),
                None => "没有 kind ".to_string(),
            }
        )));
    }
    Ok((dir.clone(), *section_kind))
}

/// Every section folder (with an `_index.md`), by path, and the kind its `_index.md` says.
fn sections(root: &Path) -> Vec<(PathBuf, Option<Kind>)> {
    let content = root.join("content");
    walkdir::WalkDir::new(&content)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name() == "_index.md"
                && !e
                    .path()
                    .strip_prefix(&content)
                    .map(|rel| {
                        rel.iter()
                            .any(|part| is_ignored_name(&part.to_string_lossy()))
                    })
                    .unwrap_or(true)
        })
        .filter_map(|e| {
            let shown = relative(root, e.path());
            let kind = read_text(e.path(), &shown).ok().and_then(|text| {
                let split = front_matter::split(&text, &shown).ok()?;
                let doc = YamlDoc::parse(split.front, &shown, 1).ok()?;
                Kind::parse(doc.get("kind")?.as_str()?)
            });
            Some((e.path().parent()?.to_path_buf(), kind))
        })
        .collect()
}
