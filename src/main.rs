//! The `wenming` command line. Parsing arguments and printing are done here; everything else
//! is in the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use wenming::build::{BuildOptions, build};

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
