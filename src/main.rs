//! The `wenming` command line. Parsing arguments and printing are done here; everything else
//! is in the library.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use jiff::Timestamp;

/// Prints a line to stdout; a closed pipe (`wenming … | head`) is not an error worth a panic.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

/// Prints a line to stderr, ignoring a closed pipe.
macro_rules! warn {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

/// Prints to stderr without a newline, ignoring a closed pipe.
macro_rules! warn_raw {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($t)*);
    }};
}
mod cli_text;

use wenming::build::{BuildOptions, build};
use wenming::check::{CheckOptions, check_site, json_report, text_report};
use wenming::config::Config;
use wenming::content::Kind;
use wenming::desk::{Access as DeskAccess, Closed as DeskClosed};
use wenming::error::Diagnostic;
use wenming::import::{ImportOptions, import};
use wenming::output::nginx::{NginxOptions, brotli_module_enabled, server_block};
use wenming::scaffold;
use wenming::serve::connections::Limits;
use wenming::serve::incremental::Outcome;
use wenming::serve::{ServeEvent, ServeOptions, serve};

#[derive(Parser)]
#[command(name = "wenming", version, about = "文明：创文网站静态站点生成器")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 构建网站，输出到 public/（或 --output 指定的目录）
    Build {
        /// 站点目录（含 site.yaml）
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 输出目录，默认为 ROOT/public
        #[arg(long)]
        output: Option<PathBuf>,
        /// 覆盖 site.yaml 中的 base_url
        #[arg(long)]
        base_url: Option<String>,
        /// 同时发布草稿和定时发布的页面（仅供预览）
        #[arg(long)]
        drafts: bool,
        /// 输出目录不是空的、又没有 wenming 的写入记录时仍然写入：覆盖同名文件，其他文件一律保留
        #[arg(long)]
        force: bool,
    },
    /// 新建一篇草稿：wenming new article "文明出行倡议" --section news
    New {
        /// 内容类型
        #[arg(value_parser = ["article", "story", "rule", "progress", "notice", "ranking", "quiz"])]
        kind: String,
        /// 标题（文件名取其拼音）
        title: String,
        /// 站点目录（含 site.yaml）
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 放在哪个栏目：content/ 下的栏目文件夹，例如 news；默认为该类型的第一个栏目
        #[arg(long)]
        section: Option<String>,
    },
    /// 把 Word 文档（.docx）导入为一篇草稿：wenming import 稿件.docx --section news
    Import {
        /// Word 文档（.docx）
        file: PathBuf,
        /// 放入哪个栏目：content/ 下的文件夹名，例如 news
        #[arg(long)]
        section: String,
        /// 站点目录（含 site.yaml）
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 内容类型（不写则按栏目的类型）
        #[arg(long, value_parser = ["story", "rule", "progress", "notice", "ranking", "quiz"])]
        kind: Option<String>,
    },
    /// 新建一个可以直接构建的站点
    Init {
        /// 新站点的目录（不存在或为空）
        dir: PathBuf,
    },
    /// 发布前检查：链接、栏目更新、个人信息、错敏词、三审记录、发布时间、页脚
    Check {
        /// 站点目录（含 site.yaml）
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 上次构建的输出目录（读取其中的发布记录），默认为 ROOT/public
        #[arg(long)]
        output: Option<PathBuf>,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// 同时检查外部链接（会访问其他网站）
        #[arg(long)]
        external: bool,
        /// 有警告也算失败（退出码 1）
        #[arg(long)]
        strict: bool,
    },
    /// 本地预览：构建网站并启动预览服务器，保存文件后浏览器自动刷新
    Serve {
        /// 站点目录（含 site.yaml）
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 监听地址；默认只允许本机访问
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
        /// 端口（0 表示自动选择空闲端口）
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// 同时显示草稿和定时发布的页面
        #[arg(long)]
        drafts: bool,
        /// 除 localhost 和监听地址外，允许用来访问预览的域名（可写多次）
        #[arg(long = "allow-host", value_name = "域名")]
        allow_hosts: Vec<String>,
        /// 编辑台密码：监听非本机地址时，有密码才开放编辑台（/_desk/）
        #[arg(
            long = "desk-password",
            value_name = "密码",
            env = "WENMING_DESK_PASSWORD",
            hide_env_values = true
        )]
        desk_password: Option<String>,
        /// For tests: the header read timeout in milliseconds (default 10 s).
        #[arg(long, hide = true)]
        header_timeout_ms: Option<u64>,
        /// For tests: the most connections served at once (default 512).
        #[arg(long, hide = true)]
        max_connections: Option<usize>,
    },
    /// 打印这个网站的 nginx 配置（server 块），在 nginx 的 http {} 中 include 即可
    NginxConf {
        /// 站点目录（含 site.yaml）
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 网站所在的输出目录，默认为 ROOT/public
        #[arg(long)]
        output: Option<PathBuf>,
        /// 监听地址：端口（80）或 地址:端口（127.0.0.1:8080）
        #[arg(long, value_name = "地址", default_value = "80")]
        listen: String,
        /// 启用 brotli_static（nginx 已装 brotli 模块时自动启用）
        #[arg(long)]
        brotli: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// The moment builds and checks treat as now: `WENMING_NOW` (a date such as `2026-03-05` or
/// `2026-03-05 09:30`) when set, for reproducible checks and previews, else the clock.
fn now() -> Result<Timestamp, ExitCode> {
    match std::env::var("WENMING_NOW") {
        Ok(text) => wenming::text::dates::parse(&text)
            .map(|d| d.timestamp())
            .map_err(|reason| {
                warn!("错误：环境变量 WENMING_NOW 的日期“{text}”无效：{reason}");
                ExitCode::from(2)
            }),
        Err(_) => Ok(Timestamp::now()),
    }
}

/// The command line, parsed with Chinese help and errors (`cli_text`); a bad one exits 2,
/// `--help` and `--version` exit 0.
fn parse_cli() -> Result<Cli, ExitCode> {
    let mut command = cli_text::localize(Cli::command());
    let matches = command
        .try_get_matches_from_mut(std::env::args_os())
        .map_err(cli_error)?;
    Cli::from_arg_matches(&matches).map_err(cli_error)
}

fn cli_error(error: clap::Error) -> ExitCode {
    match cli_text::error_text(&error) {
        Some(text) => {
            warn_raw!("{text}");
            ExitCode::from(2)
        }
        None => {
            let _ = error.print();
            ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2))
        }
    }
}

fn main() -> ExitCode {
    let cli = match parse_cli() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let now = match now() {
        Ok(now) => now,
        Err(code) => return code,
    };
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
            force,
        } => {
            let mut options = BuildOptions::new(root);
            options.output = output;
            options.base_url = base_url;
            options.drafts = drafts;
            options.force = force;
            options.now = now;
            run_build(&options)
        }
        Command::New {
            kind,
            title,
            root,
            section,
        } => {
            // `article` is the default kind: a page that names none.
            let kind = match kind.as_str() {
                "article" => None,
                other => match Kind::parse(other) {
                    Some(kind) => Some(kind),
                    None => return ExitCode::from(2),
                },
            };
            match scaffold::new_page(&root, kind, &title, section.as_deref(), now) {
                Ok(files) => {
                    for f in files {
                        say!("已新建 {}", f.display());
                    }
                    say!(
                        "这是一篇草稿（draft: true），用 wenming build --drafts 预览；确认无误后删除 draft 一行再发布。"
                    );
                    ExitCode::SUCCESS
                }
                Err(d) => fail(&d),
            }
        }
        Command::Import {
            file,
            section,
            root,
            kind,
        } => run_import(ImportOptions {
            root,
            file,
            section,
            kind: kind.as_deref().and_then(Kind::parse),
            now,
        }),
        Command::Init { dir } => match scaffold::init(&dir, now) {
            Ok(files) => {
                say!(
                    "已在 {} 新建站点（{} 个文件）。下一步：",
                    dir.display(),
                    files.len()
                );
                say!("  wenming build --root {}", dir.display());
                ExitCode::SUCCESS
            }
            Err(d) => fail(&d),
        },
        Command::Check {
            root,
            output,
            format,
            external,
            strict,
        } => {
            let mut options = CheckOptions::new(root);
            options.output = output;
            options.external = external;
            options.strict = strict;
            options.now = now;
            let report = check_site(&options);
            let text = match format {
                Format::Text => text_report(&report),
                Format::Json => json_report(&report.findings),
            };
            say!("{}", text.trim_end());
            if report.fails(strict) {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Serve {
            root,
            bind,
            port,
            drafts,
            allow_hosts,
            desk_password,
            header_timeout_ms,
            max_connections,
        } => {
            let defaults = Limits::default();
            run_serve(&ServeOptions {
                root,
                bind,
                port,
                drafts,
                // A set WENMING_NOW holds the preview at that moment; else every rebuild
                // reads the clock.
                now: std::env::var_os("WENMING_NOW").map(|_| now),
                limits: Limits {
                    header_read_timeout: header_timeout_ms
                        .map_or(defaults.header_read_timeout, Duration::from_millis),
                    max_connections: max_connections.unwrap_or(defaults.max_connections),
                },
                allow_hosts,
                desk_password: desk_password.map(wenming::desk::Password),
            })
        }
        Command::NginxConf {
            root,
            output,
            listen,
            brotli,
        } => run_nginx_conf(&root, output, &listen, brotli),
    }
}

/// Prints the nginx block for the site at `root` served from its output folder.
fn run_nginx_conf(root: &Path, output: Option<PathBuf>, listen: &str, brotli: bool) -> ExitCode {
    let config = match Config::load(root) {
        Ok(c) => c,
        Err(errors) => {
            for d in &errors {
                warn!("错误：{d}");
            }
            return ExitCode::FAILURE;
        }
    };
    let output = output.unwrap_or_else(|| BuildOptions::new(root).output_dir());
    let output = match std::path::absolute(&output) {
        Ok(p) => p.canonicalize().unwrap_or(p),
        Err(e) => return fail(&Diagnostic::io(&output, "确定输出目录", &e)),
    };
    if !valid_listen(listen) {
        warn!("错误：--listen “{listen}”不是端口或 地址:端口（例如 80、127.0.0.1:8080）");
        return ExitCode::from(2);
    }
    let options = NginxOptions {
        output: &output,
        listen,
        brotli: brotli || brotli_module_enabled(),
    };
    match server_block(&config, &options) {
        Ok(text) => {
            say!("{}", text.trim_end());
            ExitCode::SUCCESS
        }
        Err(d) => fail(&d),
    }
}

/// A `listen` value nginx accepts and that cannot inject other directives: a port, or an
/// IPv4/IPv6 address with a port.
fn valid_listen(listen: &str) -> bool {
    let port_ok = |p: &str| p.parse::<u16>().is_ok_and(|p| p > 0);
    if port_ok(listen) {
        return true;
    }
    listen
        .parse::<std::net::SocketAddr>()
        .is_ok_and(|a| a.port() > 0)
}

fn fail(d: &wenming::error::Diagnostic) -> ExitCode {
    warn!("错误：{d}");
    ExitCode::FAILURE
}

fn run_build(options: &BuildOptions) -> ExitCode {
    match build(options) {
        Ok(report) => {
            for w in &report.warnings {
                warn!("警告：{w}");
            }
            let mut skipped = Vec::new();
            if report.skipped_drafts > 0 {
                skipped.push(format!("草稿 {} 篇", report.skipped_drafts));
            }
            if report.scheduled > 0 {
                skipped.push(format!("定时发布 {} 篇", report.scheduled));
            }
            let skipped = if skipped.is_empty() {
                String::new()
            } else {
                format!("，未发布{}", skipped.join("、"))
            };
            let expired = if report.expired > 0 {
                format!("，已过期 {} 篇", report.expired)
            } else {
                String::new()
            };
            say!(
                "构建完成：{} 个页面，{} 个栏目{skipped}{expired}；写入 {} 个文件，{} 个未变，删除 {} 个；渲染 {} 个网页，{} 个沿用上次构建；用时 {:.2} 秒 → {}",
                report.pages,
                report.sections,
                report.files_written,
                report.files_unchanged,
                report.files_removed,
                report.rendered,
                report.kept,
                report.seconds,
                report.output.display()
            );
            if let Some(line) = report.photos.line() {
                say!("{line}");
            }
            if let Some(due) = report.next_due {
                say!(
                    "下一次定时发布或到期：{}，届时需要重新构建（见 docs/deploy.md 的定时构建）。",
                    wenming::text::dates::Date::from_timestamp(due).metadata()
                );
            }
            ExitCode::SUCCESS
        }
        Err(failure) => {
            warn_raw!("{failure}");
            let warnings = match failure.warnings.len() {
                0 => String::new(),
                n => format!("、{n} 个警告"),
            };
            warn!(
                "构建失败：共 {} 个错误{warnings}，输出目录保持不变。",
                failure.errors.len()
            );
            ExitCode::FAILURE
        }
    }
}

fn run_import(options: ImportOptions) -> ExitCode {
    let imported = match import(&options) {
        Ok(imported) => imported,
        Err(d) => {
            warn!("错误：{d}");
            warn!("导入失败，没有写入任何文件。");
            return ExitCode::FAILURE;
        }
    };
    say!("已导入：{}（草稿）", imported.page.display());
    if let Some(folder) = imported
        .page
        .parent()
        .filter(|_| !imported.pictures.is_empty())
    {
        say!(
            "图片：{} 张，保存在 {}{}",
            imported.pictures.len(),
            folder.display(),
            std::path::MAIN_SEPARATOR
        );
    }
    for w in &imported.warnings {
        warn!("警告：{w}");
    }
    if !imported.findings.is_empty() {
        warn!(
            "检查发现 {} 个问题（与 wenming check 相同的规则）：",
            imported.findings.len()
        );
        for f in &imported.findings {
            let level = match f.level {
                wenming::check::Level::Error => "错误",
                wenming::check::Level::Warning => "警告",
            };
            warn!("{level}：{}", f.to_diagnostic());
        }
    }
    say!(
        "这是一篇草稿（draft: true），请对照原文核对，用 wenming build --drafts 预览；确认无误后删除 draft 一行再发布。"
    );
    ExitCode::SUCCESS
}

fn run_serve(options: &ServeOptions) -> ExitCode {
    match serve(options, print_serve_event) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            warn!("错误：{e}");
            ExitCode::FAILURE
        }
    }
}

fn print_serve_event(event: ServeEvent) {
    match event {
        ServeEvent::FirstBuild { outcome, seconds } => match outcome {
            Outcome::Changed(changes) => {
                for w in &changes.warnings {
                    warn!("警告：{w}");
                }
                say!(
                    "构建完成：{} 个文件，用时 {seconds:.2} 秒（只在内存中，不写入 public/）",
                    changes.paths.len()
                );
            }
            Outcome::Unchanged => say!("构建完成：网站没有任何文件"),
            Outcome::Failed(errors) => {
                warn_raw!("{errors}");
                warn!(
                    "构建失败：共 {} 个错误。预览服务器照常启动，改正后自动重新构建。",
                    errors.len()
                );
            }
        },
        ServeEvent::Listening {
            url,
            desk,
            desk_access,
        } => {
            say!("预览地址：{url}");
            match desk_access {
                DeskAccess::Open => say!("编辑台：{desk}（在浏览器中写稿、审核、发布）"),
                DeskAccess::Password(_) => {
                    say!("编辑台：{desk}（需要输入 --desk-password 设置的密码）")
                }
                DeskAccess::Closed(DeskClosed::OtherAddress) => say!(
                    "编辑台：未开放（只对本机开放；在局域网内使用请加 --desk-password 密码，或设置环境变量 WENMING_DESK_PASSWORD）"
                ),
                DeskAccess::Closed(DeskClosed::AllowedHosts) => say!(
                    "编辑台：未开放（用 --allow-host 的域名访问时需要密码：请加 --desk-password 密码，或设置环境变量 WENMING_DESK_PASSWORD）"
                ),
            }
            say!(
                "正在监视 site.yaml、content/、data/、static/、templates/、themes/ 的变化；按 Ctrl+C 停止。"
            );
        }
        ServeEvent::Rebuilt {
            sources,
            outcome,
            seconds,
        } => {
            let names: Vec<String> = sources.iter().map(|p| p.display().to_string()).collect();
            let shown = if names.len() > 3 {
                format!("{} 等 {} 个文件", names[..3].join("、"), names.len())
            } else {
                names.join("、")
            };
            print_rebuild(&format!("{shown} 有变化"), outcome, seconds);
        }
        ServeEvent::FellDue {
            due,
            outcome,
            seconds,
        } => {
            let due = wenming::text::dates::Date::from_timestamp(due).metadata();
            print_rebuild(
                &format!("定时发布、到期或倒计时换日的时间 {due} 已到"),
                outcome,
                seconds,
            );
        }
        ServeEvent::WatchError(e) => warn!("警告：{e}"),
    }
}

/// One line for a rebuild of `serve`, after `cause` (what happened).
fn print_rebuild(cause: &str, outcome: Outcome, seconds: f64) {
    match outcome {
        Outcome::Changed(c) => say!(
            "{cause} → 重新解析 {} 个文件，渲染 {} 个页面，{} 个文件变化，用时 {:.0} 毫秒",
            c.parsed,
            c.rendered,
            c.paths.len(),
            seconds * 1000.0
        ),
        Outcome::Unchanged => {
            say!(
                "{cause} → 网站内容没有变化，用时 {:.0} 毫秒",
                seconds * 1000.0
            )
        }
        Outcome::Failed(errors) => {
            warn_raw!("{errors}");
            warn!(
                "{cause} → 构建失败：共 {} 个错误；浏览器中显示错误，仍提供上一次成功构建的网站。",
                errors.len()
            );
        }
    }
}
