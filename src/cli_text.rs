//! The command line in Chinese: clap's own words (`Usage:`, `Options:`, `Print help`,
//! `[default: .]`, `error: invalid value…`) replaced, for the help of every command and for
//! the errors of a bad command line. Part of the `wenming` binary only.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};

/// The help page of every command: about, usage, then the arguments under Chinese headings.
const HELP_TEMPLATE: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

/// `command` (and its subcommands) with Chinese help: headings, usage, value names, the help
/// and version flags, defaults and possible values written in the argument's own text.
pub fn localize(command: Command) -> Command {
    let root = command.get_name().to_string();
    let command = localize_one(command, &root, true);
    let names: Vec<String> = command
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    names.into_iter().fold(command, |command, name| {
        let path = format!("{root} {name}");
        command.mut_subcommand(&name, |sub| localize_one(sub, &path, false))
    })
}

fn localize_one(command: Command, path: &str, is_root: bool) -> Command {
    let mut command = command
        .help_template(HELP_TEMPLATE)
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .mut_args(localize_arg)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示帮助")
                .help_heading("选项"),
        );
    if is_root {
        command = command.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本")
                .help_heading("选项"),
        );
    }
    let positionals: String = command
        .get_positionals()
        .map(|a| {
            let name = a
                .get_value_names()
                .and_then(|n| n.first())
                .map_or_else(|| a.get_id().to_string(), ToString::to_string);
            format!(" <{name}>")
        })
        .collect();
    let usage = if command.has_subcommands() {
        format!("{path} [选项] <命令>")
    } else {
        format!("{path} [选项]{positionals}")
    };
    command.override_usage(usage)
}

fn localize_arg(arg: Arg) -> Arg {
    let mut help = arg.get_help().map(ToString::to_string).unwrap_or_default();
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    if !values.is_empty() && arg.get_action().takes_values() {
        help.push_str(&format!("（可选：{}）", values.join("、")));
    }
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() && arg.get_action().takes_values() {
        let shown = match defaults.join(" ").as_str() {
            "." => "当前目录".to_string(),
            other => other.to_string(),
        };
        help.push_str(&format!("（默认：{shown}）"));
    }
    let value_name = match arg.get_id().as_str() {
        "root" | "output" | "dir" => Some("目录"),
        "base_url" => Some("网址"),
        "format" => Some("格式"),
        "bind" => Some("地址"),
        "port" => Some("端口"),
        "kind" => Some("类型"),
        "title" => Some("标题"),
        "allow_hosts" => Some("域名"),
        "section" => Some("栏目"),
        "file" => Some("文件"),
        _ => None,
    };
    let heading = if arg.is_positional() {
        "参数"
    } else {
        "选项"
    };
    let takes_values = arg.get_action().takes_values();
    let arg = arg.help(help).help_heading(heading);
    let arg = if takes_values {
        arg.hide_default_value(true).hide_possible_values(true)
    } else {
        arg
    };
    match value_name {
        Some(name) if takes_values => arg.value_name(name),
        _ => arg,
    }
}

/// A clap error as the Chinese text `wenming` prints (to stderr, exit 2), or `None` for help
/// and version (printed as clap renders them with the Chinese template).
pub fn error_text(error: &clap::Error) -> Option<String> {
    let text = |kind| match error.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(list)) => Some(list.join("、")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        Some(ContextValue::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let arg = text(ContextKind::InvalidArg).unwrap_or_default();
    let value = text(ContextKind::InvalidValue).unwrap_or_default();
    let mut lines = vec![match error.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => return None,
        ErrorKind::InvalidValue if value.is_empty() => format!("参数 {arg} 缺少值"),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            format!("参数 {arg} 的值“{value}”无效")
        }
        ErrorKind::UnknownArgument => format!("不认识的参数“{arg}”"),
        ErrorKind::InvalidSubcommand => format!(
            "不认识的命令“{}”",
            text(ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{arg}"),
        ErrorKind::MissingSubcommand => "缺少命令".to_string(),
        ErrorKind::ArgumentConflict => format!(
            "参数 {arg} 不能与 {} 同时使用",
            text(ContextKind::PriorArg).unwrap_or_default()
        ),
        ErrorKind::TooManyValues => format!("参数 {arg} 的值“{value}”多余"),
        ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("参数 {arg} 的值个数不对")
        }
        ErrorKind::InvalidUtf8 => "参数中有无法识别的字符（不是 UTF-8）".to_string(),
        _ => "命令行有误".to_string(),
    }];
    if let Some(valid) = text(ContextKind::ValidValue) {
        lines.push(format!("可选的值：{valid}"));
    }
    if let Some(valid) = text(ContextKind::ValidSubcommand) {
        lines.push(format!("可用的命令：{valid}"));
    }
    let suggestion = text(ContextKind::SuggestedArg)
        .or_else(|| text(ContextKind::SuggestedSubcommand))
        .or_else(|| text(ContextKind::SuggestedValue));
    if let Some(suggested) = suggestion {
        lines.push(format!("提示：是否想写 {suggested}？"));
    }
    if let Some(usage) = text(ContextKind::Usage) {
        let usage = usage.trim();
        let usage = usage.strip_prefix("Usage:").unwrap_or(usage).trim();
        lines.push(String::new());
        lines.push(format!("用法：{usage}"));
    }
    let mut out = format!("错误：{}", lines.join("\n"));
    out.push_str("\n\n查看说明：wenming --help，或 wenming 命令 --help\n");
    Some(out)
}
