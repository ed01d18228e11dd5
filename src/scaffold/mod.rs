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

/// Creates a new site in `dir`, which must not exist or be empty. Returns the files written.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
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
    write_dir(&STARTER, dir, &mut written)?;
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
    written: &mut Vec<PathBuf>,
) -> Result<(), Diagnostic> {
    for file in embedded.files() {
        let path = target.join(file.path());
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| Diagnostic::new(parent, format!("无法创建目录：{e}")))?;
        }
        fs::write(&path, file.contents())
            .map_err(|e| Diagnostic::new(&path, format!("无法写入文件：{e}")))?;
        written.push(path);
    }
    for sub in embedded.dirs() {
        write_dir(sub, target, written)?;
    }
    Ok(())
}

/// Writes a new draft page of `kind` titled `title` into the first section of that kind.
/// Returns the files written (the page, and a data file for a ranking).
pub fn new_page(
    root: &Path,
    kind: Kind,
    title: &str,
    now: Timestamp,
) -> Result<Vec<PathBuf>, Diagnostic> {
    let config = crate::config::Config::load(root).map_err(|mut es| es.0.remove(0))?;
    if kind.is_section_only() {
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
    let section = section_of_kind(root, kind).ok_or_else(|| {
        Diagnostic::new("content", format!("站点中没有 kind: {} 的栏目", kind.name())).hint(format!(
            "在某个栏目的 _index.md 中加一行 kind: {}，或用 wenming init 新建一个包含各类栏目的站点",
            kind.name()
        ))
    })?;
    let slug = slugify(title);
    if slug.is_empty() {
        return Err(
            Diagnostic::new("", format!("无法根据标题“{title}”生成文件名"))
                .hint("标题中至少要有汉字、字母或数字"),
        );
    }
    let page = section.join(format!("{slug}.md"));
    if page.exists() {
        return Err(
            Diagnostic::new(relative(root, &page), "文件已存在，未做任何修改")
                .hint("换一个标题，或直接编辑这个文件"),
        );
    }
    let today = Date::from_timestamp(now);
    let taxonomies: Vec<&str> = config.taxonomies.iter().map(|t| t.name.as_str()).collect();
    let text = archetypes::page(kind, title, &today.metadata(), &slug, &taxonomies);
    let mut written = Vec::new();
    if kind == Kind::Ranking {
        let data = root
            .join("data")
            .join("rankings")
            .join(format!("{slug}.csv"));
        if !data.exists() {
            if let Some(parent) = data.parent() {
                fs::create_dir_all(parent).map_err(|e| {
                    Diagnostic::new(relative(root, parent), format!("无法创建目录：{e}"))
                })?;
            }
            fs::write(&data, archetypes::RANKING_CSV).map_err(|e| {
                Diagnostic::new(relative(root, &data), format!("无法写入文件：{e}"))
            })?;
            written.push(data);
        }
    }
    fs::write(&page, text)
        .map_err(|e| Diagnostic::new(relative(root, &page), format!("无法写入文件：{e}")))?;
    written.insert(0, page);
    Ok(written)
}

/// The folder of the first section (by path) whose `_index.md` says `kind: KIND`.
fn section_of_kind(root: &Path, kind: Kind) -> Option<PathBuf> {
    let content = root.join("content");
    walkdir::WalkDir::new(&content)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name() == "_index.md" && !is_ignored_name(&e.file_name().to_string_lossy())
        })
        .find(|e| {
            let shown = relative(root, e.path());
            read_text(e.path(), &shown)
                .ok()
                .and_then(|text| {
                    let split = front_matter::split(&text, &shown).ok()?;
                    let doc = YamlDoc::parse(split.front, &shown, 1).ok()?;
                    let name = doc.get("kind")?.as_str()?.to_string();
                    Some(Kind::parse(&name) == Some(kind))
                })
                .unwrap_or(false)
        })
        .and_then(|e| e.path().parent().map(Path::to_path_buf))
}
