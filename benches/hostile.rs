//! Hostile-input benchmark: whole builds of a one-page site whose page has many unknown
//! front matter keys (each reported with its line) or many identical headings (each given a
//! unique id). Both were quadratic once (8,000 keys: 8.7 s, 100,000: over two minutes;
//! 10,000 headings: 6 s, 50,000: 147 s); they must grow linearly.
//!
//! `cargo bench --bench hostile` (sizes as in issue 14).

use std::path::{Path, PathBuf};
use std::time::Instant;

use wenming::build::{BuildOptions, build};

fn main() {
    for keys in [8_000, 100_000] {
        let body: String = (0..keys).map(|i| format!("k{i}: 1\n")).collect();
        let page = format!("---\ntitle: 字段很多的页面\n{body}---\n正文\n");
        let (seconds, outcome) = time_build("hostile-keys", keys, &page);
        println!("{keys} unknown front matter keys: build best {seconds:.3} s ({outcome})");
    }
    for headings in [10_000, 50_000] {
        let page = format!(
            "---\ntitle: 标题很多的页面\n---\n{}",
            "## 同一个标题\n\n段落。\n\n".repeat(headings)
        );
        let (seconds, outcome) = time_build("hostile-headings", headings, &page);
        println!("{headings} identical headings: build best {seconds:.3} s ({outcome})");
    }
}

/// Best of three builds of a site whose one page is `page`, and what the build said.
fn time_build(name: &str, n: usize, page: &str) -> (f64, String) {
    let root = site(name, n, page);
    let mut best = f64::MAX;
    let mut outcome = String::new();
    for _ in 0..3 {
        let mut options = BuildOptions::new(&root);
        options.output = Some(root.join("public"));
        let started = Instant::now();
        let result = build(&options);
        best = best.min(started.elapsed().as_secs_f64());
        outcome = match result {
            Ok(_) => "built".to_string(),
            Err(failure) => format!("{} errors", failure.errors.len()),
        };
    }
    (best, outcome)
}

fn site(name: &str, n: usize, page: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{n}"));
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, text));
        if let Err(e) = written {
            eprintln!("cannot write {}: {e}", path.display());
            std::process::exit(1);
        }
    };
    write(
        "site.yaml",
        "title: 基准测试\nbase_url: https://wenming.example.gov.cn\n",
    );
    write("content/_index.md", "---\ntitle: 首页\n---\n");
    write("content/page.md", page);
    root
}
