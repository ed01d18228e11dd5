//! The output is never half-written: a build killed part way leaves the previous site (the
//! next build finishes the job), two builds of one output at once are refused by a lock, and
//! `build` refuses output folders whose replacement would destroy something else.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{DEMO_NOW, errors_only, temp};

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

/// Every file below a folder with its bytes.
type Snapshot = BTreeMap<String, Vec<u8>>;

/// Every file below `dir` with its bytes.
fn snapshot(dir: &Path) -> Snapshot {
    common::files(dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).unwrap_or_else(|e| panic!("{f}: {e}"));
            (f, bytes)
        })
        .collect()
}

/// The state files wenming keeps for `output` in `ROOT/.wenming/`, by their last part
/// (`lock`, `record`, …), found after a build as `output-KEY.record`.
fn state_names(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join(".wenming"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("output-"))
        .collect();
    names.sort();
    names
}

/// The `output-KEY.` prefix of the one output a site was built into.
fn state_prefix(root: &Path) -> String {
    let names = state_names(root);
    let record = names
        .iter()
        .find(|n| n.ends_with(".record"))
        .unwrap_or_else(|| panic!("no record in {names:?}"));
    record.trim_end_matches("record").to_string()
}

/// Makes `site` (one site: the same root and state) hold version `v` of its content:
/// 1 and 2 differ in every page, and 2 has ten pages fewer (so a switch deletes files too);
/// `Broken` is version 2 with a page whose front matter is broken, so its build fails.
fn set_version(site: &Path, v: Version) {
    let _ = std::fs::remove_dir_all(site.join("content"));
    match v {
        Version::One => generated_site(site, 150, "第一版"),
        Version::Two | Version::Broken => {
            generated_site(site, 140, "第二版");
            if v == Version::Broken {
                std::fs::write(
                    site.join("content/news/broken.md"),
                    "---\ntitle: [坏\n---\n",
                )
                .unwrap_or_else(|e| panic!("{e}"));
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Version {
    One,
    Two,
    Broken,
}

/// The output after a kill, a failing build and a good build of `v2`: the failing build must
/// leave one whole site (the old or the new one), the good build exactly the new one, and no
/// temporary folder may be left in the output.
fn recover_and_check(
    label: &str,
    site: &Path,
    output: &Path,
    versions: (&Snapshot, &Snapshot),
) -> &'static str {
    let (old, new) = versions;
    set_version(site, Version::Broken);
    let (code, stderr) = run(site, output);
    assert_eq!(code, 1, "{label}: {stderr}");
    assert!(
        stderr.ends_with("输出目录保持不变。\n"),
        "{label}: {stderr}"
    );
    let after = snapshot(output);
    let state = if &after == old {
        "old site"
    } else if &after == new {
        "new site"
    } else {
        let differing = old
            .keys()
            .chain(new.keys())
            .chain(after.keys())
            .filter(|k| after.get(*k) != old.get(*k) && after.get(*k) != new.get(*k))
            .take(5)
            .collect::<Vec<_>>();
        panic!(
            "{label}: after a failing build the output is neither the old site nor the new one ({} files; e.g. {differing:?})",
            after.len()
        );
    };
    set_version(site, Version::Two);
    let (code, stderr) = run(site, output);
    assert_eq!(code, 0, "{label}: {stderr}");
    let after = snapshot(output);
    let differing: Vec<&String> = after
        .keys()
        .chain(new.keys())
        .filter(|k| after.get(*k) != new.get(*k))
        .take(5)
        .collect();
    assert!(
        differing.is_empty(),
        "{label}: the good build is not the new site: {differing:?}"
    );
    state
}

#[test]
fn a_build_killed_at_any_moment_leaves_one_whole_site_after_the_next_builds() {
    let tmp = temp();
    let (v1, v2, site) = (
        tmp.path().join("v1"),
        tmp.path().join("v2"),
        tmp.path().join("site"),
    );
    set_version(&v1, Version::One);
    set_version(&v2, Version::One);
    let expected_v1 = tmp.path().join("expected-v1");
    let expected_v2 = tmp.path().join("expected-v2");
    assert_eq!(run(&v1, &expected_v1).0, 0);
    // The publish-date manifest keeps the pages version 2 dropped: version 2 as built after 1.
    assert_eq!(run(&v2, &expected_v2).0, 0);
    set_version(&v2, Version::Two);
    assert_eq!(run(&v2, &expected_v2).0, 0);
    let (old, new) = (snapshot(&expected_v1), snapshot(&expected_v2));
    assert_ne!(old, new);
    let output = tmp.path().join("public");
    let pause = tmp.path().join("switching");
    let mut seen = BTreeMap::<&str, usize>::new();

    // While the files are being moved into the output: the build writes (test hook) each
    // file it is about to move, and is killed after the k-th one seen.
    // A k of 0 waits for `(commit)` (all moved and deleted, before the commit point), a k of
    // 1000 for `(committed)` (just after it).
    for k in [1usize, 2, 10, 50, 120, 0, 1000] {
        set_version(&site, Version::One);
        assert_eq!(run(&site, &output).0, 0);
        assert!(snapshot(&output) == old);
        set_version(&site, Version::Two);
        let _ = std::fs::remove_file(&pause);
        let mut child = command(&site, &output)
            .env("WENMING_TEST_PAUSE_SWITCH", &pause)
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        let mut moved = std::collections::BTreeSet::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        let reached = |moved: &std::collections::BTreeSet<String>| match k {
            0 => moved.contains("(commit)"),
            1000 => moved.contains("(committed)"),
            _ => moved.len() >= k,
        };
        while !reached(&moved) && Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                panic!("k={k}: the build ended after {} moves seen", moved.len());
            }
            if let Ok(path) = std::fs::read_to_string(&pause)
                && !path.is_empty()
            {
                moved.insert(path);
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        let _ = child.kill();
        let _ = child.wait();
        let state = recover_and_check(&format!("k={k}"), &site, &output, (&old, &new));
        eprintln!("killed after {} moves seen: {state}", moved.len());
        *seen.entry(state).or_default() += 1;
    }
    // At moments spread over the whole build: while rendering and staging, and around the end.
    let started = Instant::now();
    assert_eq!(run(&v2, &tmp.path().join("timing")).0, 0);
    let full = started.elapsed();
    for step in 1..=6u32 {
        set_version(&site, Version::One);
        assert_eq!(run(&site, &output).0, 0);
        set_version(&site, Version::Two);
        let mut child = spawn(&site, &output);
        std::thread::sleep(full * step / 6);
        let _ = child.kill();
        let _ = child.wait();
        let state = recover_and_check(&format!("step {step}"), &site, &output, (&old, &new));
        eprintln!("killed after {:?} of {full:?}: {state}", full * step / 6);
        *seen.entry(state).or_default() += 1;
    }
    eprintln!("{seen:?}");
    assert!(seen.get("old site").is_some_and(|n| *n >= 6), "{seen:?}");
    assert!(seen.get("new site").is_some_and(|n| *n >= 1), "{seen:?}");
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
    // Started: its staging folder is in the output.
    let staging = || {
        std::fs::read_dir(&output)
            .into_iter()
            .flatten()
            .flatten()
            .any(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(".wenming-staging-")
            })
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while !staging() && Instant::now() < deadline {
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
    assert_eq!(errors_only(&stderr), message);
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
            "错误：{}: 拒绝使用 {} 作为输出目录：{why}\n    提示：wenming 会在输出目录中写入和删除它生成的文件，请用 --output 指定一个专用目录，例如 public\n构建失败：共 1 个错误，输出目录保持不变。\n",
            output.display(),
            output.display()
        );
        assert_eq!(errors_only(&stderr), expected);
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

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `snapshot` without the files a test put there itself.
fn site_files(dir: &Path, foreign: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let mut files = snapshot(dir);
    files.retain(|path, _| !foreign.iter().any(|f| path.starts_with(f)));
    files
}

/// A deploy checkout's `.git`, a `CNAME`, a documents tree: none of it is wenming's.
const FOREIGN: [(&str, &str); 4] = [
    (".git/HEAD", "ref: refs/heads/main\n"),
    (".git/objects/ab/cdef", "blob"),
    ("CNAME", "wenming.qiyun.example.gov.cn\n"),
    ("user/Documents/报告.docx", "文档"),
];

#[test]
fn files_wenming_did_not_write_are_never_deleted() {
    let tmp = temp();
    let site = tmp.path().join("site");
    generated_site(&site, 20, "第一版");
    let expected = tmp.path().join("expected");
    assert_eq!(run(&site, &expected).0, 0);
    let output = tmp.path().join("deploy");
    for (path, text) in FOREIGN {
        write(&output.join(path), text);
    }
    let foreign: Vec<&str> = [".git", "CNAME", "user"].to_vec();

    // Not empty and never written by wenming: refused, untouched.
    let (code, stderr) = run(&site, &output);
    assert_eq!(code, 1);
    assert_eq!(
        errors_only(&stderr),
        format!(
            "错误：{out}: 输出目录 {out} 不是空的，也没有 wenming 写入它的记录\n    提示：wenming 只替换和删除它自己写过的文件。如果目录中与网站同名的文件可以被覆盖，加 --force 重新构建（其他文件一律保留）；否则换一个空目录\n构建失败：共 1 个错误，输出目录保持不变。\n",
            out = output.display()
        )
    );
    assert_eq!(common::files(&output).len(), FOREIGN.len());

    // With --force: the site is written beside them.
    let forced = command(&site, &output)
        .arg("--force")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(forced.status.success());
    assert!(site_files(&output, &foreign) == snapshot(&expected));
    // Pages dropped from the site go; what was not wenming's stays, without --force too.
    for i in 10..20 {
        std::fs::remove_file(site.join(format!("content/news/p{i}.md")))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(run(&site, &output).0, 0);
    assert!(!output.join("news/p10").exists());
    for (path, text) in FOREIGN {
        assert_eq!(read(&output.join(path)), text, "{path}");
    }

    // A file put there by hand where the site now wants to write: refused unless forced.
    write(&output.join("news/p10/index.html"), "手工上传的页面");
    generated_site(&site, 11, "第一版");
    let (code, stderr) = run(&site, &output);
    assert_eq!(code, 1);
    assert_eq!(
        errors_only(&stderr),
        format!(
            "错误：{}: 输出目录中已有不是 wenming 写的文件 news/p10/index.html，本次构建要写入同名文件\n    提示：确认可以覆盖后加 --force 重新构建；wenming 不会删除它没有写过的文件\n构建失败：共 1 个错误，输出目录保持不变。\n",
            output.join("news/p10/index.html").display()
        )
    );
    assert_eq!(read(&output.join("news/p10/index.html")), "手工上传的页面");
    let forced = command(&site, &output)
        .arg("--force")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(forced.status.success());
    assert!(read(&output.join("news/p10/index.html")).contains("第10条新闻"));
    for (path, text) in FOREIGN {
        assert_eq!(read(&output.join(path)), text, "{path}");
    }
    // Dotfiles are never overwritten, even with --force.
    write(
        &site.join("static/.well-known/security.txt"),
        "Contact: mailto:a@example.gov.cn\n",
    );
    write(&output.join(".well-known/security.txt"), "别人的文件");
    let forced = command(&site, &output)
        .arg("--force")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(forced.status.code(), Some(1));
    assert_eq!(read(&output.join(".well-known/security.txt")), "别人的文件");
}

#[test]
fn an_output_built_by_the_previous_writer_is_taken_over_without_a_flag() {
    let tmp = temp();
    let site = tmp.path().join("site");
    generated_site(&site, 20, "第一版");
    let expected = tmp.path().join("expected");
    assert_eq!(run(&site, &expected).0, 0);
    // What the previous writer left: its manifest in the output (taken out: the manifest now
    // lives in the site's `.wenming/`), a page since dropped, a
    // deploy checkout, and its lock and backup beside the output; no `.wenming/`.
    let output = tmp.path().join("public");
    common::copy_dir(&expected, &output);
    write(&output.join("wenming-manifest.json"), "{\"pages\": {}}\n");
    write(&output.join("old-page/index.html"), "旧页面");
    write(&output.join(".git/HEAD"), "ref: refs/heads/main\n");
    write(&tmp.path().join(".public.wenming-lock"), "123");
    write(
        &tmp.path().join(".public.wenming-backup/index.html"),
        "备份",
    );
    let _ = std::fs::remove_dir_all(site.join(".wenming"));

    let (code, stderr) = run(&site, &output);
    assert_eq!(code, 0, "{stderr}");
    assert!(site_files(&output, &[".git"]) == snapshot(&expected));
    assert_eq!(read(&output.join(".git/HEAD")), "ref: refs/heads/main\n");
    assert!(!tmp.path().join(".public.wenming-lock").exists());
    assert!(!tmp.path().join(".public.wenming-backup").exists());
}

#[test]
fn a_symlinked_output_is_written_into_its_target() {
    let tmp = temp();
    let site = tmp.path().join("site");
    let (v1, v2) = (tmp.path().join("v1"), tmp.path().join("v2"));
    generated_site(&v1, 10, "第一版");
    generated_site(&v2, 10, "第二版");
    generated_site(&site, 10, "第一版");
    let (e1, e2) = (tmp.path().join("e1"), tmp.path().join("e2"));
    assert_eq!(run(&v1, &e1).0, 0);
    assert_eq!(run(&v2, &e2).0, 0);
    assert_eq!(run(&v2, &e1.with_file_name("e12")).0, 0);

    let releases = tmp.path().join("releases");
    std::fs::create_dir_all(releases.join("a")).unwrap_or_else(|e| panic!("{e}"));
    let current = tmp.path().join("current");
    std::os::unix::fs::symlink(releases.join("a"), &current).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(run(&site, &current).0, 0);
    assert!(snapshot(&releases.join("a")) == snapshot(&e1));
    generated_site(&site, 10, "第二版");
    let (code, stderr) = run(&site, &current);
    assert_eq!(code, 0, "{stderr}");
    assert!(std::fs::symlink_metadata(&current).is_ok_and(|m| m.file_type().is_symlink()));
    let clean = snapshot(&e2);
    assert!(snapshot(&releases.join("a")) == clean);
    // Switching the link to a new, empty release: built there, the old release untouched.
    std::fs::create_dir_all(releases.join("b")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::remove_file(&current).unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink(releases.join("b"), &current).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(run(&site, &current).0, 0);
    assert!(snapshot(&releases.join("b")) == clean);
    assert!(snapshot(&releases.join("a")) == clean);
}

#[test]
fn symlinks_planted_at_every_name_wenming_uses_redirect_nothing() {
    let tmp = temp();
    let site = tmp.path().join("site");
    generated_site(&site, 5, "第一版");
    let output = tmp.path().join("public");
    assert_eq!(run(&site, &output).0, 0);
    let prefix = state_prefix(&site);
    let state = site.join(".wenming");
    let victim = tmp.path().join("victim.txt");
    write(&victim, "重要文件");
    let link = |at: &Path, to: &Path| {
        let _ = std::fs::remove_file(at);
        std::os::unix::fs::symlink(to, at).unwrap_or_else(|e| panic!("{e}"));
    };
    for (round, suffix) in [
        "lock",
        "record",
        "next",
        "pending",
        "switch",
        "record.tmp",
        "next.tmp",
        "pending.tmp",
        "switch.tmp",
    ]
    .into_iter()
    .enumerate()
    {
        let at = state.join(format!("{prefix}{suffix}"));
        let saved = state.join("saved");
        let had = std::fs::rename(&at, &saved).is_ok();
        link(&at, &victim);
        generated_site(
            &site,
            5,
            if round % 2 == 0 {
                "第二版"
            } else {
                "第一版"
            },
        );
        let (code, stderr) = run(&site, &output);
        assert_eq!(read(&victim), "重要文件", "{suffix}");
        // Files wenming reads are refused; the others are replaced or removed as links.
        let read_first = ["lock", "record", "pending", "switch"].contains(&suffix);
        assert_eq!(code, if read_first { 1 } else { 0 }, "{suffix}: {stderr}");
        if code != 0 {
            assert_eq!(
                errors_only(&stderr),
                format!(
                    "错误：{at}: {at} 是符号链接，不是 wenming 自己的状态文件，拒绝使用\n    提示：确认无人篡改后删除它，再重新构建\n构建失败：共 1 个错误，输出目录保持不变。\n",
                    at = at.display()
                ),
                "{suffix}"
            );
        }
        let _ = std::fs::remove_file(&at);
        if had {
            std::fs::rename(&saved, &at).unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(run(&site, &output).0, 0, "{suffix}");
    }
    // The state folder itself.
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap_or_else(|e| panic!("{e}"));
    std::fs::rename(&state, tmp.path().join("saved-state")).unwrap_or_else(|e| panic!("{e}"));
    link(&state, &elsewhere);
    let (code, stderr) = run(&site, &output);
    assert_eq!(code, 1);
    assert_eq!(
        errors_only(&stderr),
        format!(
            "错误：{s}: wenming 状态目录 {s} 是符号链接，拒绝使用\n    提示：它应当是 wenming 自己创建的普通目录；确认无人篡改后删除它再重新构建\n构建失败：共 1 个错误，输出目录保持不变。\n",
            s = state.display()
        )
    );
    assert_eq!(common::files(&elsewhere), Vec::<String>::new());
    std::fs::remove_file(&state).unwrap_or_else(|e| panic!("{e}"));
    std::fs::rename(tmp.path().join("saved-state"), &state).unwrap_or_else(|e| panic!("{e}"));
    // Inside the output: a page replaced by a link is replaced, not written through; a
    // folder replaced by a link is refused.
    link(&output.join("news/p0/index.html"), &victim);
    generated_site(&site, 5, "第三版");
    assert_eq!(run(&site, &output).0, 0);
    assert_eq!(read(&victim), "重要文件");
    assert!(read(&output.join("news/p0/index.html")).contains("第三版"));
    let news = output.join("news");
    std::fs::rename(&news, tmp.path().join("news-away")).unwrap_or_else(|e| panic!("{e}"));
    link(&news, &elsewhere);
    generated_site(&site, 5, "第四版");
    let (code, stderr) = run(&site, &output);
    assert_eq!(code, 1);
    assert!(
        errors_only(&stderr).starts_with(&format!(
            "错误：{}: 输出目录中的 news 不是文件夹（可能是符号链接），wenming 不会通过它写入或删除文件\n",
            news.display()
        )),
        "{stderr}"
    );
    assert_eq!(common::files(&elsewhere), Vec::<String>::new());
    // The old writer's lock name beside the output is not used any more.
    link(&tmp.path().join(".public.wenming-lock"), &victim);
    std::fs::remove_file(&news).unwrap_or_else(|e| panic!("{e}"));
    std::fs::rename(tmp.path().join("news-away"), &news).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(run(&site, &output).0, 0);
    assert_eq!(read(&victim), "重要文件");
}

#[test]
fn aliases_and_paths_may_not_name_a_generated_file() {
    let tmp = temp();
    let site = tmp.path().join("site");
    generated_site(&site, 1, "第一版");
    // Real (tiny) pictures: the build refuses a photo it cannot read.
    let picture = |format| {
        let mut bytes = std::io::Cursor::new(Vec::new());
        image::RgbImage::new(4, 4)
            .write_to(&mut bytes, format)
            .unwrap_or_else(|e| panic!("{e}"));
        bytes.into_inner()
    };
    std::fs::create_dir_all(site.join("static/images")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        site.join("static/images/logo.png"),
        picture(image::ImageFormat::Png),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    write(
        &site.join("content/news/bundle/index.md"),
        "---\ntitle: 附件页\n---\n正文\n",
    );
    std::fs::write(
        site.join("content/news/bundle/photo.jpg"),
        picture(image::ImageFormat::Jpeg),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let claims = [
        ("a-404", "aliases: [/404.html]"),
        ("a-atom", "aliases: [/atom.xml]"),
        ("a-bundle", "aliases: [/news/bundle/photo.jpg]"),
        ("a-feed", "aliases: [/news/atom.xml]"),
        ("a-image", "aliases: [/images/logo.png]"),
        ("a-part", "aliases: [/sitemap2.xml]"),
        ("a-robots", "aliases: [/robots.txt]"),
        ("a-search", "aliases: [/search/index.json]"),
        ("a-shard", "aliases: [/search/terms/x.bin]"),
        ("a-sitemap", "aliases: [/sitemap.xml]"),
        ("a-style", "aliases: [/style.css]"),
        ("p-robots", "path: /robots.txt/"),
        ("p-search", "path: /search/pages/"),
    ];
    for (name, claim) in claims {
        write(
            &site.join(format!("content/{name}.md")),
            &format!("---\ntitle: {name}\n{claim}\n---\n正文\n"),
        );
    }
    let output = tmp.path().join("public");
    let (code, stderr) = run(&site, &output);
    assert_eq!(code, 1);
    let hint = "    提示：换一个网址：一个网址只能有一个来源，否则其中一个会被悄悄覆盖\n";
    let expected: String = [
        ("a-404", "aliases", "/404.html", "错误页面 404.html"),
        ("a-atom", "aliases", "/atom.xml", "订阅源 atom.xml"),
        (
            "a-bundle",
            "aliases",
            "/news/bundle/photo.jpg",
            "页面附件 news/bundle/photo.jpg",
        ),
        (
            "a-feed",
            "aliases",
            "/news/atom.xml",
            "栏目订阅源 news/atom.xml",
        ),
        (
            "a-image",
            "aliases",
            "/images/logo.png",
            "静态文件 images/logo.png",
        ),
        (
            "a-part",
            "aliases",
            "/sitemap2.xml",
            "站点地图 sitemap2.xml",
        ),
        ("a-robots", "aliases", "/robots.txt", "爬虫规则 robots.txt"),
        (
            "a-search",
            "aliases",
            "/search/index.json",
            "搜索索引 search/index.json",
        ),
        (
            "a-shard",
            "aliases",
            "/search/terms/x.bin",
            "搜索索引 search/index.json",
        ),
        (
            "a-sitemap",
            "aliases",
            "/sitemap.xml",
            "站点地图 sitemap.xml",
        ),
        ("a-style", "aliases", "/style.css", "静态文件 style.css"),
        ("p-robots", "path", "/robots.txt/", "爬虫规则 robots.txt"),
        (
            "p-search",
            "path",
            "/search/pages/",
            "搜索索引 search/index.json",
        ),
    ]
    .iter()
    .map(|(name, key, url, taken)| {
        format!(
            "错误：content/{name}.md:3:1: {key} 中的网址“{url}”会占用 wenming 生成的{taken}\n{hint}"
        )
    })
    .collect();
    assert_eq!(
        errors_only(&stderr),
        format!(
            "{expected}构建失败：共 {} 个错误，输出目录保持不变。\n",
            claims.len()
        )
    );
    assert!(!output.exists());
}
