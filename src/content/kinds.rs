//! The typed front matter of the campaign content kinds (story, rule, progress, notice,
//! ranking) and the `corrections` every page may carry. Each kind's fields are validated for
//! type, range and presence, with errors at the line that holds the field.

use serde::Serialize;

use crate::error::Diagnostic;
use crate::text::dates::Date;
use crate::vocabulary::Kind;
pub use crate::vocabulary::keys;
use crate::yaml::{Fields, YamlDoc};

/// The fields of one kind.
#[derive(Debug, Clone, Default)]
pub enum KindFields {
    #[default]
    None,
    Story(Story),
    Rule(Rule),
    Progress(Progress),
    Notice(Notice),
    Ranking(Ranking),
    Quiz(super::quiz::Quiz),
}

/// 志愿服务故事
#[derive(Debug, Clone, Default, Serialize)]
pub struct Story {
    pub volunteers: Vec<String>,
    pub team: Option<String>,
    #[serde(serialize_with = "crate::text::serialize_plain_opt")]
    pub hours: Option<f64>,
    pub place: Option<String>,
}

/// Whether a rule is in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum RuleStatus {
    #[default]
    #[serde(rename = "现行有效")]
    InForce,
    #[serde(rename = "已修订")]
    Revised,
    #[serde(rename = "已废止")]
    Repealed,
}

impl RuleStatus {
    pub const NAMES: &'static [&'static str] = &["现行有效", "已修订", "已废止"];

    fn parse(s: &str) -> Option<RuleStatus> {
        match s {
            "现行有效" => Some(RuleStatus::InForce),
            "已修订" => Some(RuleStatus::Revised),
            "已废止" => Some(RuleStatus::Repealed),
            _ => None,
        }
    }
}

/// 条例、公约、规范
#[derive(Debug, Clone, Default)]
pub struct Rule {
    /// 文号
    pub doc_number: Option<String>,
    /// 发布机关
    pub issuer: Option<String>,
    pub adopted: Option<Date>,
    /// 施行日期
    pub effective: Option<Date>,
    pub status: RuleStatus,
    /// Content path of the rule that replaces this one.
    pub superseded_by: Option<String>,
    /// Line of `superseded_by`, for link errors.
    pub superseded_by_line: usize,
}

/// One measured target of a progress announcement.
#[derive(Debug, Clone)]
pub struct Metric {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub target: f64,
    pub done: f64,
    pub department: Option<String>,
    pub deadline: Option<Date>,
    /// Line of the item in the file, for site-wide checks.
    pub line: usize,
    /// Line of its `unit:`.
    pub unit_line: usize,
}

/// 创文进展通报
#[derive(Debug, Clone, Default)]
pub struct Progress {
    /// 期号
    pub issue_no: Option<String>,
    pub metrics: Vec<Metric>,
}

/// 通知公告
#[derive(Debug, Clone, Default, Serialize)]
pub struct Notice {
    pub doc_number: Option<String>,
}

/// 红黑榜, 周评比: the scores live in a data file.
#[derive(Debug, Clone, Default)]
pub struct Ranking {
    /// Path below `data/`.
    pub data: String,
    pub data_line: usize,
    /// Rankings of one series are compared with each other; defaults to the section.
    pub series: Option<String>,
    pub red_at_least: Option<f64>,
    pub black_below: Option<f64>,
}

/// A dated 更正说明.
#[derive(Debug, Clone, Serialize)]
pub struct Correction {
    pub date: String,
    pub note: String,
}

/// Reads the fields of `kind` from `doc`, pushing problems into `f.errors`.
pub fn parse(kind: Option<Kind>, doc: &YamlDoc, f: &mut Fields) -> KindFields {
    match kind {
        None => KindFields::None,
        Some(Kind::Story) => KindFields::Story(Story {
            // " 李明" is 李明: a stray space must not count a second person.
            volunteers: trimmed_names(f.string_list("volunteers")),
            team: f.string("team"),
            hours: f.non_negative("hours"),
            place: f.string("place"),
        }),
        Some(Kind::Rule) => KindFields::Rule(rule(doc, f)),
        Some(Kind::Progress) => KindFields::Progress(progress(doc, f)),
        Some(Kind::Notice) => KindFields::Notice(Notice {
            doc_number: f.string("doc_number"),
        }),
        Some(Kind::Ranking) => KindFields::Ranking(ranking(doc, f)),
        Some(Kind::Quiz) => KindFields::Quiz(super::quiz::parse(doc, f)),
        Some(Kind::Directory) => KindFields::None,
    }
}

fn rule(doc: &YamlDoc, f: &mut Fields) -> Rule {
    let status = match f.string("status") {
        None => RuleStatus::InForce,
        Some(s) => RuleStatus::parse(s.trim()).unwrap_or_else(|| {
            f.errors.push(
                doc.error_at("status", format!("status 不能是“{s}”"))
                    .hint(format!("可选：{}", RuleStatus::NAMES.join("、"))),
            );
            RuleStatus::InForce
        }),
    };
    let superseded_by = f
        .string("superseded_by")
        .map(|s| s.trim().trim_start_matches("@/").to_string());
    if superseded_by.is_some() && status == RuleStatus::InForce {
        f.errors.push(
            doc.error_at("superseded_by", "现行有效的规定不能有 superseded_by")
                .hint("被新规定取代时，把 status 改为 已修订 或 已废止"),
        );
    }
    Rule {
        doc_number: f.string("doc_number"),
        issuer: f.string("issuer"),
        adopted: f.date("adopted"),
        effective: f.date("effective"),
        status,
        superseded_by,
        superseded_by_line: doc.key_position("superseded_by").line,
    }
}

fn progress(doc: &YamlDoc, f: &mut Fields) -> Progress {
    let issue_no = f.string("issue_no");
    let mut metrics = Vec::new();
    match doc.get("metrics") {
        None => f.errors.push(
            doc.error_at("metrics", "进展通报缺少 metrics（指标列表）")
                .hint("例如 metrics: [{id: lao-jiu-xiao-qu, name: 老旧小区改造, unit: 个, target: 120, done: 38, department: 市住建局, deadline: 2026-09-30}]"),
        ),
        Some(serde_yaml::Value::Sequence(_)) => {}
        Some(_) => f.wrong_type("metrics", "指标列表"),
    }
    for (i, item) in doc.items("metrics").into_iter().enumerate() {
        let Some(item) = item else {
            f.errors.push(doc.error_at(
                "metrics",
                format!("metrics 第 {} 项应是一组“键: 值”", i + 1),
            ));
            continue;
        };
        let mut mf = Fields::new(&item);
        let mut unknown = item.unknown_keys(METRIC_KEYS, &format!("metrics 第 {} 项", i + 1));
        let id = mf.string("id");
        let id = mf.require("id", id, "id: lao-jiu-xiao-qu");
        if let Some(id) = &id
            && !crate::text::slug::is_clean_slug(id)
        {
            mf.errors.push(
                item.error_at(
                    "id",
                    format!("指标 id“{id}”只能用小写英文字母、数字、- 和 _"),
                )
                .hint("例如 id: lao-jiu-xiao-qu"),
            );
        }
        let name = mf.string("name");
        let name = mf.require("name", name, "name: 老旧小区改造");
        let unit = mf.string("unit");
        let unit = mf.require("unit", unit, "unit: 个");
        let target = mf.non_negative("target");
        let target = mf.require("target", target, "target: 120");
        let done = mf.non_negative("done");
        let done = mf.require("done", done, "done: 38");
        let metric_line = item.line_offset + 1;
        let unit_line = item.key_position("unit").line;
        let department = mf.string("department");
        let deadline = mf.date("deadline");
        f.errors.append(&mut unknown);
        f.errors.append(&mut mf.errors);
        if let (Some(id), Some(name), Some(unit), Some(target), Some(done)) =
            (id, name, unit, target, done)
        {
            metrics.push(Metric {
                id,
                name,
                unit,
                target,
                done,
                department,
                deadline,
                line: metric_line,
                unit_line,
            });
        }
    }
    let mut seen = std::collections::HashSet::new();
    for m in &metrics {
        if !seen.insert(m.id.clone()) {
            f.errors.push(
                crate::error::Diagnostic::new(
                    doc.file,
                    format!("指标 id“{}”在本期通报中重复", m.id),
                )
                .at_line(m.line),
            );
        }
    }
    Progress { issue_no, metrics }
}

const METRIC_KEYS: &[&str] = &[
    "id",
    "name",
    "unit",
    "target",
    "done",
    "department",
    "deadline",
];

fn ranking(doc: &YamlDoc, f: &mut Fields) -> Ranking {
    let data = f.string("data");
    let data = f
        .require("data", data, "data: rankings/2026-w12.csv")
        .unwrap_or_default();
    let red_at_least = f.number("red_at_least");
    let black_below = f.number("black_below");
    if let (Some(red), Some(black)) = (red_at_least, black_below)
        && black > red
    {
        f.errors.push(
            doc.error_at(
                "black_below",
                format!("black_below（{black}）不能高于 red_at_least（{red}）"),
            )
            .hint("红榜要求不低于 red_at_least 分，黑榜为低于 black_below 分"),
        );
    }
    Ranking {
        data: data.trim().trim_start_matches("data/").to_string(),
        data_line: doc.key_position("data").line,
        series: f.string("series"),
        red_at_least,
        black_below,
    }
}

/// Reads `corrections: [{date, note}]`.
pub fn corrections(doc: &YamlDoc, f: &mut Fields) -> Vec<Correction> {
    let mut out = Vec::new();
    match doc.get("corrections") {
        None | Some(serde_yaml::Value::Sequence(_)) => {}
        Some(_) => f.wrong_type(
            "corrections",
            "更正列表，例如 [{date: 2026-05-08, note: 更正说明}]",
        ),
    }
    for (i, item) in doc.items("corrections").into_iter().enumerate() {
        let Some(item) = item else {
            f.errors.push(
                Diagnostic::new(
                    doc.file,
                    format!("corrections 第 {} 项应是 {{date, note}}", i + 1),
                )
                .with_position(Some(doc.item_position("corrections", i))),
            );
            continue;
        };
        let mut cf = Fields::new(&item);
        f.errors
            .extend(item.unknown_keys(&["date", "note"], &format!("corrections 第 {} 项", i + 1)));
        let date = cf.date("date");
        let date = cf.require("date", date, "date: 2026-05-08");
        let note = cf.string("note");
        let note = cf.require("note", note, "note: 原文中……现更正为……");
        f.errors.append(&mut cf.errors);
        if let (Some(date), Some(note)) = (date, note) {
            out.push(Correction {
                date: date.for_templates(),
                note,
            });
        }
    }
    out
}

/// Names without surrounding spaces, empty ones and repeats left out.
fn trimmed_names(names: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for name in names {
        let name = name.trim();
        if !name.is_empty() && !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
    }
    out
}
