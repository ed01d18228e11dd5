//! Sources that change while a build runs: a file deleted between the moment the build lists
//! `content/` and the moment it reads the file is a clear error, a file replaced in that gap
//! is read as it is now, and builds racing an editor who keeps saving never panic, never
//! publish half a file and, when they fail, leave the previous site exactly as it was.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use common::{build_root, files, fixture_copy};
use wenming::config::Config;
use wenming::content::{ParseSettings, Parsed, discover, parse_all};

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// Writes `text` the way most editors save: into a temporary file, then renamed over.
fn save_atomically(path: &Path, text: &str) {
    let tmp = path.with_extension("saving~");
    write(&tmp, text);
    std::fs::rename(&tmp, path).unwrap_or_else(|e| panic!("cannot rename: {e}"));
}

fn config(root: &Path) -> Config {
    Config::load(root).unwrap_or_else(|e| panic!("fixture site.yaml: {e:?}"))
}

#[test]
fn a_page_deleted_after_listing_is_a_clear_error_naming_it() {
    let site = fixture_copy("basic");
    let root = site.path();
    let config = config(root);
    let discovery = discover(root, config.limits);
    std::fs::remove_file(root.join("content/news/a.md")).unwrap_or_else(|e| panic!("{e}"));

    let (_, parsed) = parse_all(root, &discovery.files, &ParseSettings::new(&config));
    let errors: Vec<String> = parsed
        .iter()
        .filter_map(|r| r.as_ref().err())
        .flatten()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(
        errors,
        [
            "content/news/a.md: 读取文件失败：文件已不存在，可能在构建过程中被删除或改名\n    \
             提示：如果是有意删除或改名，重新运行一次即可"
        ]
    );
    // Every other file was still read.
    assert_eq!(
        parsed.iter().filter(|r| r.is_ok()).count(),
        discovery.files.len() - 1
    );
}

#[test]
fn a_page_replaced_after_listing_is_read_as_it_is_now() {
    let site = fixture_copy("basic");
    let root = site.path();
    let config = config(root);
    let discovery = discover(root, config.limits);
    save_atomically(
        &root.join("content/news/a.md"),
        "---\ntitle: 改过的标题\ndate: 2026-03-01\n---\n改过的正文。\n",
    );

    let (_, parsed) = parse_all(root, &discovery.files, &ParseSettings::new(&config));
    let title = parsed.iter().find_map(|r| match r {
        Ok(Parsed::Page(p)) if p.content_path == "news/a.md" => Some(p.meta.title.clone()),
        _ => None,
    });
    assert_eq!(title.as_deref(), Some("改过的标题"));
}

/// Every file of a folder with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files(dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).unwrap_or_else(|e| panic!("{f}: {e}"));
            (f, bytes)
        })
        .collect()
}

/// The `N` of a `版本N` marker in `text`, if there is exactly one distinct number.
fn versions(text: &str) -> Vec<u64> {
    let mut found: Vec<u64> = text
        .split("版本")
        .skip(1)
        .filter_map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

#[test]
fn builds_racing_an_editor_never_panic_and_never_publish_half_a_change() {
    let site = fixture_copy("basic");
    let root = site.path().to_path_buf();
    let out_dir = common::temp();
    let output = out_dir.path().join("public");
    let page = root.join("content/news/churn.md");
    let torn = root.join("content/news/torn.md");
    let coming_and_going = root.join("content/news/gone.md");
    let asset = root.join("static/churn.txt");
    let page_text = |n: u64| {
        format!(
            "---\ntitle: 版本{n}\ndate: 2026-03-01\n---\n第一段 版本{n}。\n\n最后一段 版本{n}。\n"
        )
    };
    // Every page the templates make ends with this mark: a page cut short would not.
    for template in files(&root.join("templates")) {
        let path = root.join("templates").join(template);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        write(&path, &format!("{text}\n<!-- 完 -->\n"));
    }
    save_atomically(&page, &page_text(0));
    write(&asset, "版本0");
    let first = build_root(&root, &output);
    assert_eq!(first.code, 0, "{}", first.stderr);

    // The editor: keeps saving one page atomically, rewriting another in place (a reader can
    // catch it half written), deleting and restoring a third, and replacing a static file.
    let stop = Arc::new(AtomicBool::new(false));
    let editor = {
        let stop = stop.clone();
        let (page, torn, gone, asset) = (
            page.clone(),
            torn.clone(),
            coming_and_going.clone(),
            asset.clone(),
        );
        std::thread::spawn(move || {
            let mut n = 1u64;
            while !stop.load(Ordering::Relaxed) {
                save_atomically(&page, &page_text(n));
                write(&torn, &format!("---\ntitle: 写到一半{n}\n---\n正文\n"));
                let _ = std::fs::remove_file(&asset);
                if n.is_multiple_of(2) {
                    let _ = std::fs::remove_file(&gone);
                } else {
                    // Restored whole (a build must not catch it half written: only `torn`
                    // is written in place on purpose).
                    save_atomically(&gone, "---\ntitle: 时有时无\n---\n正文\n");
                }
                save_atomically(&asset, &format!("版本{n}"));
                n += 1;
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            n
        })
    };

    let mut outcomes = (0, 0);
    for round in 0..25 {
        let before = snapshot(&output);
        let run = build_root(&root, &output);
        assert!(
            run.code == 0 || run.code == 1,
            "round {round}: exit code {} (a crash?)\n{}",
            run.code,
            run.stderr
        );
        assert!(
            !run.stderr.contains("panicked"),
            "round {round}: {}",
            run.stderr
        );
        assert!(
            !run.stderr.contains("/static/"),
            "round {round}: a path not relative to the site: {}",
            run.stderr
        );
        if run.code == 1 {
            outcomes.1 += 1;
            assert!(
                run.stderr
                    .contains("文件已不存在，可能在构建过程中被删除或改名")
                    || run
                        .stderr
                        .contains("content/news/torn.md:1:1: 文件开头缺少 front matter"),
                "round {round}: an unexpected error\n{}",
                run.stderr
            );
            assert!(
                snapshot(&output) == before,
                "round {round}: a failed build changed the output"
            );
            continue;
        }
        outcomes.0 += 1;
        let after = snapshot(&output);
        let html = String::from_utf8_lossy(&after["news/churn/index.html"]).into_owned();
        assert_eq!(
            versions(&html).len(),
            1,
            "round {round}: the page mixes two saves: {html}"
        );
        // The static file is missing when the build looked between its deletion and return.
        if let Some(copied) = after.get("churn.txt") {
            let copied = String::from_utf8_lossy(copied);
            assert_eq!(versions(&copied).len(), 1, "round {round}: {copied:?}");
        }
        for (name, bytes) in &after {
            let text = String::from_utf8_lossy(bytes);
            if name.ends_with(".html") && !text.contains("http-equiv=\"refresh\"") {
                assert!(
                    // (the built-in pages come from the theme, which ends its pages properly)
                    text.trim_end().ends_with("<!-- 完 -->")
                        || text.trim_end().ends_with("</html>"),
                    "round {round}: {name} is cut short"
                );
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    let saves = editor
        .join()
        .unwrap_or_else(|_| panic!("the editor thread panicked"));
    assert!(saves > 25, "the editor saved only {saves} times");
    // With the editor gone, the next build succeeds and nothing of the races is left over.
    let last = build_root(&root, &output);
    assert_eq!(last.code, 0, "{}", last.stderr);
    let leftovers: Vec<_> = std::fs::read_dir(out_dir.path())
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "public" && !n.ends_with("wenming-lock"))
        .collect();
    assert_eq!(leftovers, Vec::<String>::new());
    eprintln!(
        "{} builds succeeded, {} failed cleanly",
        outcomes.0, outcomes.1
    );
}
