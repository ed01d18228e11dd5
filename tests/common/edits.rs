//! Random edits of a site's sources, shared by the tests that compare `serve` with fresh
//! builds: pages added, edited, renamed and deleted, sections added and removed, templates
//! overridden, static and data files changed, errors made and fixed, site.yaml changed.

use std::fs;
use std::path::{Path, PathBuf};

use super::copy_dir;

/// xorshift64*: reproducible sequences without a dependency.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            Some(&items[self.below(items.len())])
        }
    }
}

/// A copy of the demo site in a temporary folder.
pub fn demo_copy() -> tempfile::TempDir {
    let tmp = super::temp();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["content", "data", "static"] {
        copy_dir(&repo.join(dir), &tmp.path().join(dir));
    }
    fs::copy(repo.join("site.yaml"), tmp.path().join("site.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    tmp
}

pub fn files_under(dir: &Path, keep: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if keep(&p) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

pub fn pages(root: &Path) -> Vec<PathBuf> {
    files_under(&root.join("content"), &|p| {
        p.extension().is_some_and(|e| e == "md")
            && p.file_name()
                .is_some_and(|n| n != "_index.md" && n != "index.md")
    })
}

pub fn sections(root: &Path) -> Vec<PathBuf> {
    files_under(&root.join("content"), &|p| {
        p.file_name().is_some_and(|n| n == "_index.md") && p.parent() != Some(&root.join("content"))
    })
}

/// Sets `key: value` in the front matter (replacing the line or adding it).
pub fn set_field(text: &str, key: &str, value: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let end = lines
        .iter()
        .skip(1)
        .position(|l| l == "---")
        .map_or(1, |i| i + 1);
    let prefix = format!("{key}:");
    match lines[..end].iter().position(|l| l.starts_with(&prefix)) {
        Some(i) => lines[i] = format!("{key}: {value}"),
        None => lines.insert(1, format!("{key}: {value}")),
    }
    lines.join("\n") + "\n"
}

pub fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

pub fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const TAGS: &[&str] = &[
    "志愿服务",
    "学雷锋",
    "垃圾分类",
    "新标签甲",
    "新标签乙",
    "文明交通",
];

/// Applies one random edit; returns its description and the paths it touched.
pub fn random_edit(rng: &mut Rng, root: &Path, n: usize) -> (String, Vec<PathBuf>) {
    let pages = pages(root);
    let sections = sections(root);
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
    let choice = rng.below(20);
    let page = rng.pick(&pages).cloned();
    match (choice, page) {
        (0..=2, Some(p)) => {
            let text = read(&p) + &format!("\n新增段落第{n}次修改，内容更新。\n");
            write(&p, &text);
            (format!("append text to {}", p.display()), vec![p])
        }
        (3, Some(p)) => {
            write(
                &p,
                &set_field(&read(&p), "title", &format!("改过的标题{n}")),
            );
            (format!("retitle {}", p.display()), vec![p])
        }
        (4, Some(p)) => {
            let date = format!(
                "2026-{:02}-{:02} 10:{:02}",
                1 + rng.below(9),
                1 + rng.below(28),
                rng.below(60)
            );
            write(&p, &set_field(&read(&p), "date", &date));
            (format!("redate {}", p.display()), vec![p])
        }
        (5, Some(p)) => {
            let tags: Vec<&str> = (0..rng.below(3))
                .filter_map(|_| rng.pick(TAGS).copied())
                .collect();
            write(
                &p,
                &set_field(&read(&p), "tags", &format!("[{}]", tags.join(", "))),
            );
            (format!("retag {} {tags:?}", p.display()), vec![p])
        }
        (6, _) | (_, None) => {
            let dir = rng
                .pick(&sections)
                .and_then(|s| s.parent().map(Path::to_path_buf))
                .unwrap_or_else(|| root.join("content"));
            let p = dir.join(format!("new-page-{n}.md"));
            let tag = rng.pick(TAGS).copied().unwrap_or("志愿服务");
            write(
                &p,
                &format!(
                    "---\ntitle: 新页面{n}\ndate: 2026-0{}-1{} 09:00\ntags: [{tag}]\n---\n新页面的正文{n}。\n\n## 小标题{n}\n\n更多内容。\n",
                    1 + rng.below(9),
                    rng.below(10)
                ),
            );
            (format!("add {}", p.display()), vec![p])
        }
        (7, Some(p)) => {
            fs::remove_file(&p).unwrap_or_else(|e| panic!("{e}"));
            (format!("delete {}", p.display()), vec![p])
        }
        (8, Some(p)) => {
            let to = p.with_file_name(format!("renamed-{n}.md"));
            fs::rename(&p, &to).unwrap_or_else(|e| panic!("{e}"));
            (
                format!("rename {} → {}", p.display(), to.display()),
                vec![p, to],
            )
        }
        (9, _) if !sections.is_empty() => {
            let s = rng.pick(&sections).cloned().unwrap_or_default();
            let text = set_field(&read(&s), "title", &format!("栏目{n}"));
            let text = set_field(&text, "paginate", &(1 + rng.below(4)).to_string());
            write(&s, &text);
            (format!("section {}", s.display()), vec![s])
        }
        (10, _) => {
            let dir = root.join("content").join(format!("lan-mu-{n}"));
            let index = dir.join("_index.md");
            let page = dir.join("a.md");
            write(
                &index,
                &format!(
                    "---\ntitle: 新栏目{n}\nweight: {}\n---\n栏目介绍。\n",
                    rng.below(5)
                ),
            );
            write(
                &page,
                &format!(
                    "---\ntitle: 新栏目的文章{n}\ndate: 2026-05-01\ntags: [学雷锋]\n---\n正文。\n"
                ),
            );
            (
                format!("add section {}", dir.display()),
                vec![dir, index, page],
            )
        }
        (11, _) if sections.len() > 2 => {
            let s = rng.pick(&sections).cloned().unwrap_or_default();
            let dir = s.parent().map(Path::to_path_buf).unwrap_or_default();
            let mut touched = files_under(&dir, &|_| true);
            touched.push(dir.clone());
            fs::remove_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
            (format!("delete section {}", dir.display()), touched)
        }
        (12, Some(p)) => {
            let target = rng.pick(&pages).cloned().unwrap_or_default();
            let rel = target
                .strip_prefix(root.join("content"))
                .map(|r| r.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            write(&p, &(read(&p) + &format!("\n另见[相关文章](@/{rel})。\n")));
            (format!("link {} → {rel}", p.display()), vec![p])
        }
        (13, Some(p)) => {
            let text = read(&p);
            let draft = if text.contains("draft: true") {
                "false"
            } else {
                "true"
            };
            write(&p, &set_field(&text, "draft", draft));
            (format!("draft={draft} {}", p.display()), vec![p])
        }
        (14, _) => {
            let name = *rng
                .pick(&[
                    "page.html",
                    "partials/page_list.html",
                    "base.html",
                    "index.html",
                ])
                .unwrap_or(&"page.html");
            let p = root.join("templates").join(name);
            let base = if p.exists() {
                read(&p)
            } else {
                read(&theme.join(name))
            };
            let text = base.replacen("</main>", &format!("<!-- 覆盖{n} --></main>"), 1)
                + &format!("{{# 修改 {n} #}}\n");
            write(&p, &text);
            (format!("override template {name}"), vec![p])
        }
        (15, _) => {
            let existing = files_under(&root.join("templates"), &|_| true);
            match rng.pick(&existing).cloned() {
                Some(p) => {
                    fs::remove_file(&p).unwrap_or_else(|e| panic!("{e}"));
                    (format!("remove template {}", p.display()), vec![p])
                }
                None => (String::from("nothing"), Vec::new()),
            }
        }
        (16, _) => {
            let p = root
                .join("static")
                .join(format!("file-{}.txt", rng.below(3)));
            if p.exists() && rng.below(2) == 0 {
                fs::remove_file(&p).unwrap_or_else(|e| panic!("{e}"));
                (format!("delete static {}", p.display()), vec![p])
            } else {
                write(&p, &format!("静态文件 {n}\n"));
                (format!("write static {}", p.display()), vec![p])
            }
        }
        (17, _) => {
            let p = root.join("data/ad.yaml");
            write(
                &p,
                &format!("- slogan: 文明标语{n}\n  image: /images/volunteers.svg\n"),
            );
            (String::from("data"), vec![p])
        }
        (18, Some(p)) => {
            // An error: the fresh build fails too, and the next edits fix or keep it.
            write(&p, &(String::from("---\ntitle: [坏的\n---\n") + &read(&p)));
            (format!("break {}", p.display()), vec![p])
        }
        (_, _) => {
            let p = root.join("site.yaml");
            let text = read(&p);
            let text = match text.lines().find(|l| l.starts_with("paginate:")) {
                Some(line) => text.replace(line, &format!("paginate: {}", 2 + rng.below(9))),
                None => text + "paginate: 5\n",
            };
            write(&p, &text);
            (String::from("site.yaml paginate"), vec![p])
        }
    }
}

/// Repairs pages an earlier step broke, so that sequences keep building most of the time.
pub fn repair(root: &Path) -> Vec<PathBuf> {
    let mut fixed = Vec::new();
    for p in pages(root) {
        let text = read(&p);
        if let Some(rest) = text.strip_prefix("---\ntitle: [坏的\n---\n") {
            write(&p, rest);
            fixed.push(p);
        }
    }
    fixed
}
