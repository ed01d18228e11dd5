//! The four builds an editor's day is made of, timed on the `wenming` binary (and on Hugo
//! beside it, alternating, when given a matching Hugo site): a clean build into a new folder,
//! an unchanged rebuild, a full rebuild after the site title changed, and a rebuild after one
//! article was added. Prints the median wall time and peak RSS of each, and the ratios.
//!
//! ```text
//! BENCH_RUNS=3 cargo bench --bench rebuild -- [PAGES] [--root DIR] [--hugo DIR] [--out DIR]
//! ```
//!
//! Without `--root`, a corpus of PAGES pages (default 10000) is generated in `target/`. The
//! side-by-side corpus of `../shared/bench/` gives `--root` and `--hugo`. `--out` is where the
//! outputs go (default `/dev/shm` when it exists: tmpfs takes the disk's noise out; pass a
//! folder on disk to measure the disk). Uses `/usr/bin/time` for the peak RSS.

mod corpus;

use std::path::{Path, PathBuf};
use std::process::Command;

/// One tool to time: how to run a build of its site into `out`, and how to change the site.
struct Tool {
    name: &'static str,
    root: PathBuf,
    /// The config file holding the site title, and how its title line starts.
    config: PathBuf,
    title_key: &'static str,
    /// A page to copy as the added article (beside it).
    article: PathBuf,
    out: PathBuf,
}

impl Tool {
    fn command(&self) -> Command {
        let mut c = Command::new("/usr/bin/time");
        c.arg("-f").arg("%e %M");
        if self.name == "wenming" {
            c.arg(env!("CARGO_BIN_EXE_wenming"))
                .arg("build")
                .arg("--root")
                .arg(&self.root)
                .arg("--output")
                .arg(&self.out);
        } else {
            c.args(["hugo", "--quiet", "--source"])
                .arg(&self.root)
                .arg("--destination")
                .arg(&self.out);
        }
        c
    }

    /// Runs one build: (wall seconds, peak RSS in MB, what wenming says it rendered).
    fn build(&self) -> (f64, f64, String) {
        let out = self
            .command()
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.name));
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() {
            panic!("{} failed: {stderr}", self.name);
        }
        let last = stderr.lines().last().unwrap_or_default();
        let mut fields = last.split_whitespace();
        let wall: f64 = fields
            .next()
            .and_then(|f| f.parse().ok())
            .unwrap_or(f64::NAN);
        let kb: f64 = fields
            .next()
            .and_then(|f| f.parse().ok())
            .unwrap_or(f64::NAN);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let rendered = stdout
            .lines()
            .find_map(|l| l.split('；').find(|part| part.starts_with("渲染")))
            .unwrap_or_default()
            .to_string();
        (wall, kb / 1024.0, rendered)
    }

    /// Removes the output and everything that remembers it, for a clean build.
    fn clean(&self) {
        let _ = std::fs::remove_dir_all(&self.out);
        if self.name == "wenming" {
            let _ = std::fs::remove_dir_all(self.root.join(".wenming"));
        } else {
            let _ = std::fs::remove_dir_all(self.root.join("resources"));
        }
    }

    fn set_title(&self, round: usize) {
        let text = std::fs::read_to_string(&self.config).unwrap_or_default();
        let changed: String = text
            .lines()
            .map(|l| {
                if l.starts_with(self.title_key) {
                    let sep = if self.name == "wenming" { ": " } else { " = " };
                    format!(
                        "{}{sep}\"云川市文明城市创建网（第{round}版）\"\n",
                        self.title_key
                    )
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        std::fs::write(&self.config, changed).unwrap_or_else(|e| panic!("{e}"));
    }

    /// Copies the article under a new name and title: one new page, in its section's
    /// listings, tags and feeds.
    fn add_article(&self, round: usize) {
        let text = std::fs::read_to_string(&self.article).unwrap_or_default();
        let text = text.replacen("title: \"", &format!("title: \"新增{round}·"), 1);
        let to = self
            .article
            .with_file_name(format!("bench-added-{round}.md"));
        std::fs::write(to, text).unwrap_or_else(|e| panic!("{e}"));
    }
}

/// The first page file of the first section folder under `content`, sorted.
fn some_article(content: &Path) -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(content)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.extension().is_some_and(|e| e == "md")
                    && !p
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('_'))
            })
            .collect();
        pages.sort();
        if let Some(p) = pages.into_iter().next() {
            return p;
        }
    }
    panic!("no page under {}", content.display());
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let pages = corpus::sizes_from_args(&[10_000])[0];
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let out_base = value("--out").map(PathBuf::from).unwrap_or_else(|| {
        if Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        }
    });
    let root = value("--root")
        .map(PathBuf::from)
        .unwrap_or_else(|| corpus::generate_in_target("rebuild", pages));
    let mut tools = vec![Tool {
        name: "wenming",
        config: root.join("site.yaml"),
        title_key: "title",
        article: some_article(&root.join("content")),
        out: out_base.join("bench-rebuild-wenming"),
        root,
    }];
    if let Some(hugo) = value("--hugo").map(PathBuf::from) {
        tools.push(Tool {
            name: "hugo",
            config: hugo.join("hugo.toml"),
            title_key: "title",
            article: some_article(&hugo.join("content")),
            out: out_base.join("bench-rebuild-hugo"),
            root: hugo,
        });
    }

    let builds = ["clean", "unchanged", "title changed", "article added"];
    // times[tool][build] = (walls, rss)
    let mut times = vec![vec![(Vec::new(), Vec::new()); builds.len()]; tools.len()];
    for run in 0..runs {
        for (t, tool) in tools.iter().enumerate() {
            for (b, build) in builds.iter().enumerate() {
                match *build {
                    "clean" => tool.clean(),
                    "title changed" => tool.set_title(run),
                    "article added" => tool.add_article(run),
                    _ => {}
                }
                let (wall, rss, rendered) = tool.build();
                eprintln!(
                    "run {run}: {} {build}: {wall:.2} s, {rss:.0} MB {rendered}",
                    tool.name
                );
                times[t][b].0.push(wall);
                times[t][b].1.push(rss);
            }
        }
    }
    println!(
        "{} runs, medians, output under {}:",
        runs,
        out_base.display()
    );
    print!("| build |");
    for tool in &tools {
        print!(" {} |", tool.name);
    }
    if tools.len() > 1 {
        print!(" ratio |");
    }
    println!();
    for (b, build) in builds.iter().enumerate() {
        print!("| {build} |");
        let medians: Vec<f64> = times.iter().map(|t| median(t[b].0.clone())).collect();
        for (t, m) in medians.iter().enumerate() {
            print!(" {m:.2} s, {:.0} MB |", median(times[t][b].1.clone()));
        }
        if medians.len() > 1 {
            print!(" {:.2} |", medians[0] / medians[1]);
        }
        println!();
    }
    let wenming: Vec<f64> = (0..builds.len())
        .map(|b| median(times[0][b].0.clone()))
        .collect();
    println!(
        "wenming: full rebuild / clean {:.2}; unchanged / clean {:.2}; article added / clean {:.2}",
        wenming[2] / wenming[0],
        wenming[1] / wenming[0],
        wenming[3] / wenming[0]
    );
    for tool in &tools {
        let _ = std::fs::remove_dir_all(&tool.out);
    }
}
