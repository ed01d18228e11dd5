//! The output is never half-written: a build killed part way leaves the previous site (the
//! next build finishes the job), two builds of one output at once are refused by a lock, and
//! `build` refuses output folders whose replacement would destroy something else.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{DEMO_NOW, temp};

/// A site of `pages` pages whose every page says `version`, so two versions differ in every
/// page file.
fn generated_site(root: &Path, pages: usize, version: &str) {
    let content = root.join("content/news");
    std::fs::create_dir_all(&content).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        root.join("site.yaml"),
        "title: 原子输出\nbase_url: https://atomic.example.gov.cn\nsearch: {enabled: true}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(content.join("_index.md"), "---\ntitle: 新闻\n---\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let paragraph = format!("{version}：志愿者走进社区，开展文明劝导和环境整治。\n\n").repeat(20);
    for i in 0..pages {
        std::fs::write(
            content.join(format!("p{i}.md")),
            format!(
                "---\ntitle: 第{i}条新闻（{version}）\ndate: 2026-03-01 09:30\n---\n{paragraph}"
            ),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
}

fn command(root: &Path, output: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wenming"));
    c.env("WENMING_NOW", DEMO_NOW)
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(output)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

fn spawn(root: &Path, output: &Path) -> Child {
    command(root, output)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run wenming: {e}"))
}

fn run(root: &Path, output: &Path) -> (i32, String) {
    let out = command(root, output)
        .output()
        .unwrap_or_else(|e| panic!("cannot run wenming: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every file below `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    common::files(dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).unwrap_or_else(|e| panic!("{f}: {e}"));
            (f, bytes)
        })
        .collect()
}

fn sibling(output: &Path, suffix: &str) -> std::path::PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    output.with_file_name(format!(".{name}.wenming-{suffix}"))
}

#[test]
fn a_killed_build_leaves_the_previous_site_and_the_next_build_recovers() {
    let tmp = temp();
    let (v1, v2) = (tmp.path().join("v1"), tmp.path().join("v2"));
    generated_site(&v1, 150, "第一版");
    generated_site(&v2, 150, "第二版");
    let expected_v1 = tmp.path().join("expected-v1");
    let expected_v2 = tmp.path().join("expected-v2");
    assert_eq!(run(&v1, &expected_v1).0, 0);
    let started = Instant::now();
    assert_eq!(run(&v2, &expected_v2).0, 0);
    let full = started.elapsed();
    let (old, new) = (snapshot(&expected_v1), snapshot(&expected_v2));
    assert_ne!(old, new);

    let output = tmp.path().join("public");
    // Kill points spread over the whole build, the commit included.
    for step in 1..=5u32 {
        assert_eq!(run(&v1, &output).0, 0);
        assert_eq!(snapshot(&output), old);
        let mut child = spawn(&v2, &output);
        std::thread::sleep(full * step / 8);
        let _ = child.kill();
        let _ = child.wait();
        let after = snapshot(&output);
        let state = if sibling(&output, "journal").exists() {
            "commit interrupted"
        } else if after == old {
            "old site"
        } else {
            "new site"
        };
        eprintln!(
            "step {step}: killed after {:?} of {full:?}: {state}",
            full * step / 8
        );
        if !sibling(&output, "journal").exists() {
            // Killed while staging (or after the commit point): one whole site or the other.
            assert!(
                after == old || after == new,
                "step {step}: the output is neither the old site nor the new one"
            );
        }
        // Whatever was interrupted, the next build rolls back or finishes, and is whole.
        let (code, stderr) = run(&v2, &output);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(snapshot(&output), new, "step {step}");
        for suffix in ["staging", "backup", "journal"] {
            assert!(!sibling(&output, suffix).exists(), "{suffix} left behind");
        }
    }
}

#[test]
fn a_second_build_of_the_same_output_is_refused_while_the_first_runs() {
    let tmp = temp();
    let site = tmp.path().join("site");
    generated_site(&site, 300, "第一版");
    let output = tmp.path().join("public");
    let expected = tmp.path().join("expected");
    assert_eq!(run(&site, &expected).0, 0);

    let mut first = spawn(&site, &output);
    let staging = sibling(&output, "staging");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !staging.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    let (code, stderr) = run(&site, &output);
    let status = first.wait().unwrap_or_else(|e| panic!("{e}"));
    assert!(status.success());
    assert_eq!(code, 1, "{stderr}");
    let message = format!(
        "错误：{}: 另一个 wenming 构建（进程 {}）正在写入输出目录 {}\n    提示：等那个构建结束后再运行；它结束（或被终止）时锁会自动释放\n构建失败：共 1 个错误，输出目录保持不变。\n",
        output.display(),
        first.id(),
        output.display()
    );
    assert_eq!(stderr, message);
    assert_eq!(snapshot(&output), snapshot(&expected));
    // The lock went with the first build: the next one runs.
    assert_eq!(run(&site, &output).0, 0);
}

#[test]
fn output_folders_holding_the_site_or_a_home_are_refused() {
    let tmp = temp();
    let site = tmp.path().join("sites/one");
    generated_site(&site, 1, "第一版");
    let refused = |output: &Path, home: &Path, why: &str| {
        let out = command(&site, output)
            .env("HOME", home)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        let expected = format!(
            "错误：{}: 拒绝使用 {} 作为输出目录：{why}\n    提示：输出目录每次构建都会被整体替换，请用 --output 指定一个专用目录，例如 public\n构建失败：共 1 个错误，输出目录保持不变。\n",
            output.display(),
            output.display()
        );
        assert_eq!(stderr, expected);
    };
    let elsewhere = tmp.path().join("nohome");
    refused(&site, &elsewhere, "它是站点目录本身或其上级目录");
    refused(
        &tmp.path().join("sites"),
        &elsewhere,
        "它是站点目录本身或其上级目录",
    );
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(home.join("keep.txt"), "mine").unwrap_or_else(|e| panic!("{e}"));
    refused(&home, &home, "它是主目录或根目录");
    refused(Path::new("/"), &elsewhere, "它是站点目录本身或其上级目录");
    refused(
        &site.join("content/out"),
        &elsewhere,
        "它在站点的 content/ 目录中",
    );
    assert!(site.join("site.yaml").is_file());
    assert_eq!(
        std::fs::read_to_string(home.join("keep.txt")).unwrap_or_default(),
        "mine"
    );
}
