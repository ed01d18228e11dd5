//! Live-preview latency: the time from saving one page of a generated N-page site to the
//! browser receiving the reload message from `wenming serve`.
//!
//! `cargo bench --bench serve -- 10000` (page count; default 10000). Starts the release binary
//! on the corpus, listens to its event stream like a browser, then saves pages one at a time
//! (a paragraph appended; a title changed, which also changes listings; a new page added,
//! which links the site again) and times each save until the message naming the page
//! arrives. Prints the distribution, and the rebuild
//! times the server itself reported.

mod corpus;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn main() {
    let n = corpus::sizes_from_args(&[10_000])[0];
    let dir = corpus::generate_in_target("serve-corpus", n);
    let mut child = Command::new(env!("CARGO_BIN_EXE_wenming"))
        .args(["serve", "--port", "0", "--root"])
        .arg(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start wenming serve: {e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let (lines_tx, lines) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let started = Instant::now();
    let url = loop {
        let line = lines
            .recv_timeout(Duration::from_secs(120))
            .unwrap_or_else(|e| panic!("serve did not start: {e}"));
        println!("serve: {line}");
        if let Some(url) = line.strip_prefix("预览地址：") {
            break url.trim().to_string();
        }
    };
    println!(
        "{n} pages: serve ready after {:.2} s",
        started.elapsed().as_secs_f64()
    );

    // Listen like a browser.
    let (events_tx, events) = mpsc::channel::<(Instant, String)>();
    let events_url = format!("{url}__wenming/events");
    std::thread::spawn(move || {
        let response = ureq::get(&events_url)
            .call()
            .unwrap_or_else(|e| panic!("cannot open the event stream: {e}"));
        let reader = BufReader::new(response.into_body().into_reader());
        for line in reader.lines().map_while(Result::ok) {
            if let Some(data) = line.strip_prefix("data: ")
                && events_tx.send((Instant::now(), data.to_string())).is_err()
            {
                break;
            }
        }
    });
    let _hello = events
        .recv_timeout(Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("no hello from the event stream: {e}"));

    let pages: Vec<PathBuf> = {
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir.join("content/news"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.file_name().is_some_and(|n| n != "_index.md"))
            .collect();
        v.sort();
        v
    };
    for (label, edit) in [
        ("append a paragraph", Edit::Append),
        ("change the title", Edit::Title),
        ("add a new page", Edit::Add),
    ] {
        let mut times = Vec::new();
        let saves = if matches!(edit, Edit::Add) { 10 } else { 25 };
        for (i, page) in pages.iter().step_by(97).take(saves).enumerate() {
            let (page, stem, text) = match edit {
                Edit::Add => {
                    let stem = format!("bench-new-{i}");
                    let text = format!(
                        "---\ntitle: 新增的第{i}篇\ndate: 2026-10-{:02} 09:00\ntags: [志愿服务]\n---\n新文章的正文。\n",
                        1 + i % 28
                    );
                    (page.with_file_name(format!("{stem}.md")), stem, text)
                }
                _ => {
                    let stem = page
                        .file_stem()
                        .map(|s| s.to_string_lossy().to_string())
                        .unwrap_or_default();
                    let text = std::fs::read_to_string(page).unwrap_or_default();
                    let text = match edit {
                        Edit::Title => text.replacen("title: ", &format!("title: 改{i}："), 1),
                        _ => format!("{text}\n第{i}次保存时新增的一段文字。\n"),
                    };
                    (page.clone(), stem, text)
                }
            };
            let expected = format!("\"news/{stem}/index.html\"");
            // Let the previous rebuild settle, drop anything queued.
            std::thread::sleep(Duration::from_millis(300));
            while events.try_recv().is_ok() {}
            std::fs::write(&page, text).unwrap_or_else(|e| panic!("cannot save: {e}"));
            let saved = Instant::now();
            let arrived = loop {
                let (at, data) = events
                    .recv_timeout(Duration::from_secs(10))
                    .unwrap_or_else(|e| panic!("no reload message for {stem}: {e}"));
                if data.contains(&expected) {
                    break at;
                }
            };
            times.push(arrived.duration_since(saved).as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        let pct = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
        println!(
            "{n} pages, {label}: save → reload message: min {:.0} ms, median {:.0} ms, p90 {:.0} ms, max {:.0} ms over {} saves",
            times[0],
            pct(0.5),
            pct(0.9),
            times[times.len() - 1],
            times.len()
        );
    }
    std::thread::sleep(Duration::from_millis(100));
    let mut rebuilds: Vec<String> = Vec::new();
    while let Ok(line) = lines.try_recv() {
        rebuilds.push(line);
    }
    if let Some(last) = rebuilds.last() {
        println!("server's last rebuild line: {last}");
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[derive(Clone, Copy)]
enum Edit {
    Append,
    Title,
    Add,
}
