//! Random edits of a site's sources, shared by the tests that compare `serve` with fresh
//! builds: pages added, edited, renamed and deleted, sections added and removed, templates
//! overridden, static and data files changed, errors made and fixed, site.yaml changed, pages
//! taken out of the search index and back; and the content kinds' pages, whose figures other
//! pages and the whole site show: progress announcements, rankings and their data, stories'
//! volunteers and hours, rules replaced by others, a section's `kind:`, and the sizes of
//! images pages show.

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
    demo_copy_into(tmp.path());
    tmp
}

/// Copies the demo site's sources (site.yaml, content, data, static) into folder `dir`.
pub fn demo_copy_into(dir: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for sub in ["content", "data", "static"] {
        copy_dir(&repo.join(sub), &dir.join(sub));
    }
    fs::copy(repo.join("site.yaml"), dir.join("site.yaml")).unwrap_or_else(|e| panic!("{e}"));
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

/// Sets front matter field `key` of page `p` to `value`, or to `back` when it is `value`
/// already; returns what it wrote.
fn flip<'a>(p: &Path, key: &str, value: &'a str, back: &'a str) -> &'a str {
    let text = read(p);
    let written = if text.contains(&format!("\n{key}: {value}\n")) {
        back
    } else {
        value
    };
    write(p, &set_field(&text, key, written));
    written
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
    let choice = rng.below(32);
    if choice >= 21 {
        return kind_edit(rng, root, n, choice - 21);
    }
    let page = rng.pick(&pages).cloned();
    match (choice, page) {
        (0..=2, Some(p)) if n.is_multiple_of(3) => {
            let text = read(&p)
                + &format!(
                    "\n{{{{< tip title=\"提示{n}\" >}}}}\n第{n}次新增的**提示**。\n{{{{< /tip >}}}}\n"
                );
            write(&p, &text);
            (format!("append a shortcode to {}", p.display()), vec![p])
        }
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
            // Announcements and rankings need fields of their own: kind_edit adds those.
            let plain: Vec<PathBuf> = sections
                .iter()
                .filter_map(|s| s.parent().map(Path::to_path_buf))
                .filter(|d| !d.ends_with("progress") && !d.ends_with("rankings"))
                .collect();
            let dir = rng
                .pick(&plain)
                .cloned()
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
            let draft = flip(&p, "draft", "true", "false");
            (format!("draft={draft} {}", p.display()), vec![p])
        }
        (14, _) => {
            let name = *rng
                .pick(&[
                    "page.html",
                    "partials/page_list.html",
                    "base.html",
                    "index.html",
                    "shortcodes/tip.html",
                    "shortcodes/figure.html",
                ])
                .unwrap_or(&"page.html");
            let p = root.join("templates").join(name);
            let base = if p.exists() {
                read(&p)
            } else {
                read(&theme.join(name))
            };
            let text = base
                .replacen("</main>", &format!("<!-- 覆盖{n} --></main>"), 1)
                .replacen("class=\"tip\"", &format!("class=\"tip tip-{n}\""), 1)
                .replacen(
                    "class=\"figure\"",
                    &format!("class=\"figure figure-{n}\""),
                    1,
                )
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
        (20, Some(p)) => {
            // In or out of the search index.
            let value = flip(&p, "search", "false", "true");
            (format!("search={value} {}", p.display()), vec![p])
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

/// The kind sections of the demo site and their kinds.
const KIND_SECTIONS: &[(&str, &str)] = &[
    ("progress", "progress"),
    ("rankings", "ranking"),
    ("stories", "story"),
    ("rules", "rule"),
    ("notices", "notice"),
];

const VOLUNTEERS: &[&str] = &[
    "冉思远",
    "钱雨萌",
    "邵俊杰",
    "闫可馨",
    "新志愿者甲",
    "新志愿者乙",
];

/// True when `content/REL` is a file that is not a draft.
fn published(root: &Path, rel: &str) -> bool {
    let p = root.join("content").join(rel);
    p.is_file() && !read(&p).contains("\ndraft: true")
}

/// `text` with every `@/` link to a page that is gone (or a draft) pointing at the home page.
fn without_dead_links(root: &Path, text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("](@/") {
        let (before, after) = rest.split_at(i + 2);
        out.push_str(before);
        let end = after.find(')').unwrap_or(after.len());
        let target = after[2..end].split('#').next().unwrap_or_default();
        if published(root, target) || target == "_index.md" {
            out.push_str(&after[..end]);
        } else {
            out.push_str("@/_index.md");
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The pages of section folder `dir` (`progress`, …).
fn pages_in(root: &Path, dir: &str) -> Vec<PathBuf> {
    let dir = root.join("content").join(dir);
    pages(root)
        .into_iter()
        .filter(|p| p.starts_with(&dir))
        .collect()
}

/// The value after `key: ` in the first line that has it, as written.
fn field(text: &str, key: &str) -> Option<String> {
    let prefix = format!("{key}: ");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix).map(str::to_string))
}

/// Replaces the number after `key: ` (up to `,` or `}`) on line `line` of `text`.
fn set_number_on_line(text: &str, line: usize, key: &str, value: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if let Some(l) = lines.get_mut(line) {
        let prefix = format!("{key}: ");
        if let Some(start) = l.find(&prefix).map(|i| i + prefix.len()) {
            let end = l[start..].find([',', '}']).map_or(l.len(), |i| start + i);
            l.replace_range(start..end, value);
        }
    }
    lines.join("\n") + "\n"
}

/// One edit of a kind page or of what kind pages depend on (`which` picks it).
fn kind_edit(rng: &mut Rng, root: &Path, n: usize, which: usize) -> (String, Vec<PathBuf>) {
    match which {
        // A metric's `done`: its rate, the next announcement's change, the dashboard.
        0 | 1 => {
            let Some(p) = rng.pick(&pages_in(root, "progress")).cloned() else {
                return (String::from("nothing"), Vec::new());
            };
            let text = read(&p);
            let lines: Vec<usize> = text
                .lines()
                .enumerate()
                .filter(|(_, l)| l.contains("done: "))
                .map(|(i, _)| i)
                .collect();
            let Some(&line) = rng.pick(&lines) else {
                return (String::from("nothing"), Vec::new());
            };
            let done = rng.below(320).to_string();
            write(&p, &set_number_on_line(&text, line, "done", &done));
            (format!("progress done={done} in {}", p.display()), vec![p])
        }
        // A new announcement, placed anywhere in time among the others.
        2 => {
            let p = root.join(format!("content/progress/xin-tong-bao-{n}.md"));
            let month = 1 + rng.below(11);
            write(
                &p,
                &format!(
                    "---\ntitle: 新的进展通报{n}\ndate: 2026-{month:02}-1{} 10:00\ntags: [创文进展]\nissue_no: 2026年新{n}期\nmetrics:\n  - {{id: lao-jiu-xiao-qu, name: 老旧小区改造, unit: 个, target: 120, done: {}, department: 市住建局, deadline: 2026-12-31}}\n  - {{id: gong-ce, name: 公厕新建改建, unit: 座, target: 220, done: {}, department: 市城管局, deadline: 2026-0{}-28}}\n---\n本期通报正文{n}。\n",
                    rng.below(10),
                    rng.below(130),
                    rng.below(230),
                    1 + rng.below(9)
                ),
            );
            (format!("add announcement {}", p.display()), vec![p])
        }
        // A ranking's thresholds: its red and black lists.
        3 => {
            let Some(p) = rng.pick(&pages_in(root, "rankings")).cloned() else {
                return (String::from("nothing"), Vec::new());
            };
            // Black below 70–80, red from 85–95: always a valid pair.
            let (key, value) = if rng.below(2) == 0 {
                ("red_at_least", 85 + rng.below(11))
            } else {
                ("black_below", 70 + rng.below(11))
            };
            let value = value.to_string();
            write(&p, &set_field(&read(&p), key, &value));
            (format!("ranking {key}={value} in {}", p.display()), vec![p])
        }
        // A ranking's data: its ranks, and the next ranking's rank changes.
        4 => {
            let files = files_under(&root.join("data/rankings"), &|p| {
                p.extension().is_some_and(|e| e == "csv")
            });
            let Some(p) = rng.pick(&files).cloned() else {
                return (String::from("nothing"), Vec::new());
            };
            let text = read(&p);
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            let row = 1 + rng.below(lines.len().saturating_sub(1).max(1));
            let score = format!("{}.{}", 70 + rng.below(29), rng.below(10));
            if let Some(l) = lines.get_mut(row) {
                let mut cells: Vec<String> = l.split(',').map(str::to_string).collect();
                if cells.len() > 1 {
                    cells[1] = score.clone();
                }
                *l = cells.join(",");
            }
            write(&p, &(lines.join("\n") + "\n"));
            (
                format!("ranking data score={score} in {}", p.display()),
                vec![p],
            )
        }
        // A story's volunteers and hours: the site-wide volunteer statistics.
        5 | 6 => {
            let Some(p) = rng.pick(&pages_in(root, "stories")).cloned() else {
                return (String::from("nothing"), Vec::new());
            };
            let text = read(&p);
            let text = if rng.below(2) == 0 {
                set_field(&text, "hours", &format!("{}.5", rng.below(2000)))
            } else {
                let names: Vec<&str> = (0..1 + rng.below(3))
                    .filter_map(|_| rng.pick(VOLUNTEERS).copied())
                    .collect();
                set_field(&text, "volunteers", &format!("[{}]", names.join(", ")))
            };
            write(&p, &text);
            (format!("story figures in {}", p.display()), vec![p])
        }
        // A rule replaced by another (or no longer): both show it.
        7 => {
            let rules = pages_in(root, "rules");
            let Some(p) = rng.pick(&rules).cloned() else {
                return (String::from("nothing"), Vec::new());
            };
            let others: Vec<PathBuf> = rules.iter().filter(|r| **r != p).cloned().collect();
            let Some(target) = rng.pick(&others).cloned() else {
                return (String::from("nothing"), Vec::new());
            };
            let text = read(&p);
            let text = if field(&text, "superseded_by").is_some() {
                let kept: Vec<&str> = text
                    .lines()
                    .filter(|l| !l.starts_with("superseded_by:"))
                    .collect();
                set_field(&(kept.join("\n") + "\n"), "status", "现行有效")
            } else {
                let rel = target
                    .strip_prefix(root.join("content"))
                    .map(|r| r.to_string_lossy().replace('\\', "/"))
                    .unwrap_or_default();
                set_field(&set_field(&text, "status", "已修订"), "superseded_by", &rel)
            };
            write(&p, &text);
            (format!("rule supersession in {}", p.display()), vec![p])
        }
        // A section's kind: which fields its pages have and how they read.
        8 => {
            let Some(&(dir, kind)) = rng.pick(KIND_SECTIONS) else {
                return (String::from("nothing"), Vec::new());
            };
            let p = root.join("content").join(dir).join("_index.md");
            if !p.exists() {
                return (String::from("nothing"), Vec::new());
            }
            let text = read(&p);
            let text = if field(&text, "kind").is_some() {
                let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with("kind:")).collect();
                kept.join("\n") + "\n"
            } else {
                set_field(&text, "kind", kind)
            };
            write(&p, &text);
            (format!("toggle kind of {}", p.display()), vec![p])
        }
        // A partial every page includes shows the site-wide figures: every page depends on
        // them now.
        9 => {
            let p = root.join("templates/partials/footer.html");
            let theme = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("themes/default/templates/partials/footer.html");
            write(
                &p,
                &(read(&theme)
                    + &format!(
                        "<!-- {n}：志愿服务 {{{{ volunteer_stats.hours }}}} 小时{{% set d = progress_dashboard() %}}，最新通报 {{{{ d.latest_date }}}} -->\n"
                    )),
            );
            (String::from("footer shows the site-wide figures"), vec![p])
        }
        // An image's size, which the pages showing it carry in their HTML.
        _ => {
            let p = root.join("static/images/volunteers.svg");
            let (w, h) = (100 + rng.below(900), 100 + rng.below(900));
            write(
                &p,
                &format!(
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\"><rect width=\"{w}\" height=\"{h}\" fill=\"#c00\"/></svg>\n"
                ),
            );
            (format!("image size {w}×{h}"), vec![p])
        }
    }
}

/// Repairs pages an earlier step broke, gives the kind sections their kinds (and index
/// files) back, and drops links to replacing rules that are gone, so that sequences keep
/// building most of the time.
pub fn repair(root: &Path) -> Vec<PathBuf> {
    let mut fixed = Vec::new();
    for (dir, kind) in KIND_SECTIONS {
        let folder = root.join("content").join(dir);
        let p = folder.join("_index.md");
        if !p.exists() && folder.is_dir() {
            write(&p, &format!("---\ntitle: 栏目{dir}\nkind: {kind}\n---\n"));
            fixed.push(p);
        } else if p.exists() && field(&read(&p), "kind").is_none() {
            write(&p, &set_field(&read(&p), "kind", kind));
            fixed.push(p);
        }
    }
    for p in pages(root) {
        let text = read(&p);
        let unlinked = without_dead_links(root, &text);
        if unlinked != text {
            write(&p, &unlinked);
            fixed.push(p);
        }
    }
    for p in pages_in(root, "rules") {
        let text = read(&p);
        if field(&text, "superseded_by").is_some_and(|target| !published(root, &target)) {
            let kept: Vec<&str> = text
                .lines()
                .filter(|l| !l.starts_with("superseded_by:"))
                .collect();
            write(
                &p,
                &set_field(&(kept.join("\n") + "\n"), "status", "现行有效"),
            );
            fixed.push(p);
        }
    }
    for p in pages(root) {
        let text = read(&p);
        if let Some(rest) = text.strip_prefix("---\ntitle: [坏的\n---\n") {
            write(&p, rest);
            fixed.push(p);
        }
    }
    fixed
}
