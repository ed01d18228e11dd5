//! The `wenming` command line. Parsing arguments and printing are done here; everything else
//! is in the library.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use wenming::build::{BuildOptions, build};
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
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
        } => {
            let mut options = BuildOptions::new(root);
            options.output = output;
            options.base_url = base_url;
            options.drafts = drafts;
            run_build(&options)
        }
        Command::Serve {
            root,
            bind,
            port,
            drafts,
        } => run_serve(&ServeOptions {
            root,
            bind,
            port,
            drafts,
        }),
    }
}

fn run_serve(options: &ServeOptions) -> ExitCode {
    match serve(options, print_serve_event) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::FAILURE
        }
    }
}

fn print_serve_event(event: ServeEvent) {
    match event {
        ServeEvent::FirstBuild { outcome, seconds } => match outcome {
            Outcome::Changed(changes) => {
                for w in &changes.warnings {
                    eprintln!("警告：{w}");
                }
                println!(
                    "构建完成：{} 个文件，用时 {seconds:.2} 秒（只在内存中，不写入 public/）",
                    changes.paths.len()
                );
            }
            Outcome::Unchanged => println!("构建完成：网站没有任何文件"),
            Outcome::Failed(errors) => {
                eprint!("{errors}");
                eprintln!(
                    "构建失败：共 {} 个错误。预览服务器照常启动，改正后自动重新构建。",
                    errors.len()
                );
            }
        },
        ServeEvent::Listening { url } => {
            println!("预览地址：{url}");
            println!(
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
            match outcome {
                Outcome::Changed(c) => println!(
                    "{shown} 有变化 → 重新解析 {} 个文件，渲染 {} 个页面，{} 个文件变化，用时 {:.0} 毫秒",
                    c.parsed,
                    c.rendered,
                    c.paths.len(),
                    seconds * 1000.0
                ),
                Outcome::Unchanged => {
                    println!(
                        "{shown} 有变化 → 网站内容没有变化，用时 {:.0} 毫秒",
                        seconds * 1000.0
                    )
                }
                Outcome::Failed(errors) => {
                    eprint!("{errors}");
                    eprintln!(
                        "{shown} 有变化 → 构建失败：共 {} 个错误；浏览器中显示错误，仍提供上一次成功构建的网站。",
                        errors.len()
                    );
                }
            }
        }
        ServeEvent::WatchError(e) => eprintln!("警告：{e}"),
    }
}

fn run_build(options: &BuildOptions) -> ExitCode {
    match build(options) {
        Ok(report) => {
            for w in &report.warnings {
                eprintln!("警告：{w}");
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
            println!(
                "构建完成：{} 个页面，{} 个栏目{skipped}{expired}；写入 {} 个文件，{} 个未变，删除 {} 个；用时 {:.2} 秒 → {}",
                report.pages,
                report.sections,
                report.files_written,
                report.files_unchanged,
                report.files_removed,
                report.seconds,
                report.output.display()
            );
            ExitCode::SUCCESS
        }
        Err(errors) => {
            eprint!("{errors}");
            eprintln!("构建失败：共 {} 个错误，输出目录保持不变。", errors.len());
            ExitCode::FAILURE
        }
    }
}
