//! Findings as people and programs read them: text lines `file:line:col  level  code  message
//! (suggestion)` grouped by file with a summary, or one JSON list.

use std::fmt::Write as _;

use super::{CheckReport, Finding, Level};

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Error => "错误",
        Level::Warning => "警告",
    }
}

/// One line per finding, a blank line between files, and a summary line at the end.
pub fn text_report(report: &CheckReport) -> String {
    let mut out = String::new();
    let mut previous_file = None;
    for f in &report.findings {
        if previous_file.is_some_and(|p| p != &f.file) {
            out.push('\n');
        }
        previous_file = Some(&f.file);
        let _ = writeln!(out, "{}", line(f));
    }
    if !report.findings.is_empty() {
        out.push('\n');
    }
    let checked = format!(
        "共检查 {} 个页面、{} 个栏目、{} 个数据文件",
        report.pages, report.sections, report.data_files
    );
    if report.findings.is_empty() {
        let _ = writeln!(out, "检查完成：没有发现问题；{checked}。");
    } else {
        let mut files: Vec<_> = report.findings.iter().map(|f| &f.file).collect();
        files.dedup();
        let _ = writeln!(
            out,
            "检查完成：{} 个错误，{} 个警告，涉及 {} 个文件；{checked}。",
            report.count(Level::Error),
            report.count(Level::Warning),
            files.len()
        );
    }
    out
}

fn line(f: &Finding) -> String {
    let file = f.file.display().to_string();
    let place = match (f.line, f.column) {
        (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
        (Some(l), None) => format!("{file}:{l}"),
        _ => file,
    };
    let mut s = format!(
        "{place}  {}  {}  {}",
        level_name(f.level),
        f.code.as_str(),
        f.message
    );
    if let Some(suggestion) = &f.suggestion {
        let _ = write!(s, "  ({suggestion})");
    }
    s
}

/// Every finding as one JSON array of objects with `file`, `line`, `column`, `level`
/// (`error` or `warning`), `code`, `message` and `suggestion`.
pub fn json_report(findings: &[Finding]) -> String {
    let mut text = serde_json::to_string_pretty(findings).unwrap_or_else(|_| "[]".into());
    text.push('\n');
    text
}
