//! Front matter for the editorial workflow: the review trail (`review`: 初审, 复审, 终审, each
//! with who, when and the opinion) and waivers of check rules (`waive`: rule code → reason),
//! plus the file text kept for the check stage.

use serde_yaml::Value;

use crate::text::dates::{self, Date};
use crate::yaml::{Fields, YamlDoc};

/// The three review levels of 三审制, in order.
pub const REVIEW_LEVELS: [&str; 3] = ["初审", "复审", "终审"];

/// One level of review: who reviewed, when, and what they wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewStep {
    pub by: String,
    pub date: Date,
    pub opinion: Option<String>,
}

/// The review trail of a page; one entry per level of [`REVIEW_LEVELS`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Review {
    pub steps: [Option<ReviewStep>; 3],
}

impl Review {
    /// The 初审 reviewer, who is the 责任编辑.
    pub fn first_reviewer(&self) -> Option<&str> {
        self.steps[0].as_ref().map(|s| s.by.as_str())
    }

    /// Names of the levels not recorded, in order.
    pub fn missing_levels(&self) -> Vec<&'static str> {
        REVIEW_LEVELS
            .iter()
            .zip(&self.steps)
            .filter(|(_, step)| step.is_none())
            .map(|(level, _)| *level)
            .collect()
    }
}

pub use crate::config::Waivers;

/// A content file's text as read (UTF-8 without BOM, `\n` line ends), kept so that the check
/// stage can point at any character of it without reading the file again.
#[derive(Debug, Clone, Default)]
pub struct RawText {
    pub text: String,
    /// Byte offset where the Markdown body starts.
    pub body_start: usize,
}

impl RawText {
    pub fn body(&self) -> &str {
        self.text.get(self.body_start..).unwrap_or("")
    }

    pub fn front_matter(&self) -> &str {
        self.text.get(..self.body_start).unwrap_or("")
    }
}

fn text_value(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads `review:`. Every level present must name its reviewer (`by`) and date (`date`);
/// `opinion` is optional.
pub fn review_field(f: &mut Fields, doc: &YamlDoc) -> Option<Review> {
    let value = doc.get("review")?;
    let Value::Mapping(map) = value else {
        f.errors.push(
            doc.error_at("review", "review 应该按 初审、复审、终审 分别填写")
                .hint("例如 review: {初审: {by: 王芳, date: 2026-03-05, opinion: 同意}}"),
        );
        return None;
    };
    let mut review = Review::default();
    for (key, step) in map {
        let level = key.as_str().unwrap_or_default();
        let Some(index) = REVIEW_LEVELS.iter().position(|l| *l == level) else {
            let shown = text_value(key).unwrap_or_else(|| format!("{key:?}"));
            f.errors.push(
                doc.error_at(&shown, format!("review 中的“{shown}”不是审核级别"))
                    .hint("审核级别只能是 初审、复审、终审"),
            );
            continue;
        };
        let at = |message: String| {
            doc.error_at(level, message).hint(format!(
                "例如 {level}: {{by: 王芳, date: 2026-03-05 10:00, opinion: 同意发布}}"
            ))
        };
        let Value::Mapping(fields) = step else {
            f.errors.push(at(format!(
                "{level}应写明审核人 by、日期 date 和意见 opinion"
            )));
            continue;
        };
        for k in fields.keys() {
            let name = text_value(k).unwrap_or_default();
            if !["by", "date", "opinion"].contains(&name.as_str()) {
                f.errors.push(at(format!(
                    "{level}中有未知字段“{name}”（可用：by、date、opinion）"
                )));
            }
        }
        let by = fields
            .get("by")
            .and_then(text_value)
            .filter(|s| !s.is_empty());
        let date_text = fields.get("date").and_then(text_value);
        let opinion = fields
            .get("opinion")
            .and_then(text_value)
            .filter(|s| !s.is_empty());
        let Some(by) = by else {
            f.errors.push(at(format!("{level}缺少审核人 by")));
            continue;
        };
        let date = match date_text.as_deref().map(dates::parse) {
            Some(Ok(date)) => date,
            Some(Err(reason)) => {
                f.errors.push(at(format!(
                    "{level}的日期“{}”无效：{reason}",
                    date_text.unwrap_or_default()
                )));
                continue;
            }
            None => {
                f.errors.push(at(format!("{level}缺少审核日期 date")));
                continue;
            }
        };
        review.steps[index] = Some(ReviewStep { by, date, opinion });
    }
    Some(review)
}

/// Reads `waive:`, a map from rule code to the reason the rule does not apply. A waiver
/// without a reason is an error: the reason is the record an inspector will ask for.
pub fn waive_field(f: &mut Fields, doc: &YamlDoc) -> Waivers {
    let mut out = Waivers::new();
    let Some(value) = doc.get("waive") else {
        return out;
    };
    let Value::Mapping(map) = value else {
        f.errors.push(
            doc.error_at("waive", "waive 应该写成“规则代码: 理由”")
                .hint("例如 waive: {pii-mobile: 志愿服务热线为公开的工作电话}"),
        );
        return out;
    };
    for (key, reason) in map {
        let code = text_value(key).unwrap_or_default();
        match text_value(reason).filter(|r| !r.is_empty()) {
            Some(reason) => {
                out.insert(code, reason);
            }
            None => f.errors.push(
                doc.error_at(&code, format!("waive 中的 {code} 缺少理由"))
                    .hint(format!(
                        "写明为什么这条规则不适用，例如 {code}: 经本人同意公开"
                    )),
            ),
        }
    }
    out
}
