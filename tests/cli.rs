//! The command line speaks Chinese: the help of every command, the errors of a bad command
//! line (exit 2) and a minimum Rust version in Cargo.toml that the locked dependencies allow.

mod common;

use common::wenming;

/// What clap would print in English, and must not appear.
const ENGLISH: &[&str] = &[
    "Usage:",
    "Options:",
    "Commands:",
    "Arguments:",
    "Print help",
    "Print version",
    "[default:",
    "[possible values:",
    "error:",
    "For more information",
    "[OPTIONS]",
    "<ROOT>",
];

fn assert_chinese(text: &str) {
    for word in ENGLISH {
        assert!(!text.contains(word), "{word:?} in:\n{text}");
    }
}

#[test]
fn help_is_in_chinese_for_every_command() {
    let top = wenming(&["--help"]);
    assert_eq!(top.code, 0);
    assert!(
        top.stdout
            .starts_with("文明：创文网站静态站点生成器\n\n用法：wenming [选项] <命令>\n\n命令:\n"),
        "{}",
        top.stdout
    );
    assert!(
        top.stdout
            .contains("  -h, --help     显示帮助\n  -V, --version  显示版本\n"),
        "{}",
        top.stdout
    );
    assert_chinese(&top.stdout);
    for command in ["build", "check", "serve", "new", "init"] {
        let run = wenming(&[command, "--help"]);
        assert_eq!(run.code, 0, "{command}");
        assert!(
            run.stdout
                .contains(&format!("用法：wenming {command} [选项]")),
            "{}",
            run.stdout
        );
        assert!(run.stdout.contains("  -h, --help"), "{}", run.stdout);
        assert_chinese(&run.stdout);
    }
    let check = wenming(&["check", "--help"]).stdout;
    let line = |start: &str| check.lines().find(|l| l.trim_start().starts_with(start));
    let root = line("--root <目录>").unwrap_or_default();
    assert!(
        root.ends_with("  站点目录（含 site.yaml）（默认：当前目录）"),
        "{check}"
    );
    let format = line("--format <格式>").unwrap_or_default();
    assert!(
        format.ends_with("  输出格式（可选：text、json）（默认：text）"),
        "{check}"
    );
}

#[test]
fn command_line_errors_are_in_chinese_and_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["build", "--bogus"],
            "错误：不认识的参数“--bogus”\n\n用法：wenming build [选项]\n\n查看说明：wenming --help，或 wenming 命令 --help\n",
        ),
        (
            &["check", "--format", "xml"],
            "错误：参数 --format <格式> 的值“xml”无效\n可选的值：text、json\n\n查看说明：wenming --help，或 wenming 命令 --help\n",
        ),
        (
            &["serve", "--port", "abc"],
            "错误：参数 --port <端口> 的值“abc”无效\n\n查看说明：wenming --help，或 wenming 命令 --help\n",
        ),
        (
            &["biuld"],
            "错误：不认识的命令“biuld”\n提示：是否想写 build？\n\n用法：wenming [选项] <命令>\n\n查看说明：wenming --help，或 wenming 命令 --help\n",
        ),
    ];
    for (args, expected) in cases {
        let run = wenming(args);
        assert_eq!(run.code, 2, "{args:?}");
        assert_eq!(run.stderr, *expected, "{args:?}");
    }
    let missing = wenming(&["init"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.starts_with("错误：缺少必需的参数：<目录>\n"),
        "{}",
        missing.stderr
    );
}

/// The `rust-version` of a `Cargo.toml` text.
fn rust_version(manifest: &str) -> Option<(u32, u32)> {
    let line = manifest
        .lines()
        .find(|l| l.trim_start().starts_with("rust-version"))?;
    let value = line.split('"').nth(1)?;
    let mut parts = value.split('.').map(|p| p.parse::<u32>().ok());
    Some((parts.next()??, parts.next().flatten().unwrap_or(0)))
}

#[test]
fn rust_version_is_what_the_locked_dependencies_need() {
    let root = env!("CARGO_MANIFEST_DIR");
    let read = |p: &std::path::Path| {
        std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    };
    let ours = rust_version(&read(&std::path::Path::new(root).join("Cargo.toml")));
    let lock = read(&std::path::Path::new(root).join("Cargo.lock"));
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".cargo")))
        .unwrap_or_default();
    let registries: Vec<std::path::PathBuf> = std::fs::read_dir(cargo_home.join("registry/src"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    let mut needed = (1, 85); // edition 2024
    let mut read_manifests = 0;
    for package in lock.split("[[package]]").skip(1) {
        let field = |key: &str| {
            package
                .lines()
                .find_map(|l| l.strip_prefix(key)?.trim().strip_prefix("= \""))
                .map(|v| v.trim_end_matches('"').to_string())
        };
        let (Some(name), Some(version)) = (field("name "), field("version ")) else {
            continue;
        };
        let Some(manifest) = registries
            .iter()
            .map(|r| r.join(format!("{name}-{version}/Cargo.toml")))
            .find(|p| p.exists())
        else {
            continue;
        };
        read_manifests += 1;
        if let Some(v) = rust_version(&read(&manifest)) {
            needed = needed.max(v);
        }
    }
    assert!(
        read_manifests > 100,
        "dependency sources not found below {}",
        cargo_home.display()
    );
    // Not lower than any dependency asks for; wenming's own code is held to it by clippy's
    // `incompatible_msrv` lint (it uses `File::try_lock`, Rust 1.89).
    let ours = ours.unwrap_or_else(|| panic!("Cargo.toml has no rust-version"));
    assert!(
        ours >= needed,
        "rust-version {ours:?} is below {needed:?}, which the locked dependencies need"
    );
}
