//! 检查, 审核 and 发布 on the edit page: the page's check findings with their lines; the
//! 三审 buttons (初审通过 / 复审通过 / 终审通过) recording the reviewer and the time in the
//! page's `review` front matter as `check` reads it, and 退回修改 with a note; 发布, which
//! removes `draft` once the required review is complete and nothing blocks the build.

use std::path::Path;
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_yaml::Value;

use super::access::{CheckedForm, FormMap};
use super::files::{self, SiteFile};
use super::{Desk, front, html};
use crate::check::{Finding, Level};
use crate::config::Config;
use crate::content::editorial::REVIEW_LEVELS;
use crate::text::dates::{self, Date};

/// The start of the comment line 退回修改 leaves in the front matter.
const RETURNED: &str = "# 退回修改";

fn findings_html(findings: &[Finding]) -> String {
    let mut out =
        String::from("<section aria-labelledby=\"check-title\"><h2 id=\"check-title\">检查</h2>");
    if findings.is_empty() {
        out.push_str("<p>没有发现问题。</p></section>");
        return out;
    }
    out.push_str("<ul class=\"findings\">");
    for f in findings {
        let level = if f.level == Level::Error {
            "错误"
        } else {
            "提醒"
        };
        let line = f.line.map(|l| format!("第 {l} 行：")).unwrap_or_default();
        let hint = f
            .suggestion
            .as_ref()
            .map(|s| format!("<br><span class=\"help\">{}</span>", html::text(s)))
            .unwrap_or_default();
        out.push_str(&format!(
            "<li><strong>{level}</strong> {}{} <code>{}</code>{hint}</li>",
            html::text(&line),
            html::text(&f.message),
            f.code.as_str()
        ));
    }
    out.push_str("</ul></section>");
    out
}

/// The levels recorded in `front`'s `review`.
fn recorded(front: &str) -> Vec<String> {
    match front::value(front, "review") {
        Some(Value::Mapping(map)) => map
            .keys()
            .filter_map(|k| k.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// The 检查, 审核 and 发布 parts of the edit page of `file`.
pub fn panel(
    desk: &Desk,
    csrf: &str,
    file: &SiteFile,
    hash: &str,
    front: &str,
    findings: &[Finding],
) -> String {
    let mut out = findings_html(findings);
    let hidden = format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"file\" value=\"{}\"><input type=\"hidden\" name=\"hash\" value=\"{}\">",
        html::attr(csrf),
        html::attr(&file.rel),
        html::attr(hash)
    );
    let done = recorded(front);
    out.push_str("<section aria-labelledby=\"review-title\"><h2 id=\"review-title\">审核</h2>");
    let trail: Vec<String> = REVIEW_LEVELS
        .iter()
        .map(|l| {
            format!(
                "{l}：{}",
                if done.iter().any(|d| d == l) {
                    "已通过"
                } else {
                    "未审"
                }
            )
        })
        .collect();
    out.push_str(&format!("<p>{}</p>", trail.join("　")));
    for line in front.lines().filter(|l| l.starts_with(RETURNED)) {
        out.push_str(&format!(
            "<p class=\"error\">{}</p>",
            html::text(line.trim_start_matches("# "))
        ));
    }
    let reviewer = if desk.reviewers.is_empty() {
        "<input type=\"text\" id=\"reviewer\" name=\"reviewer\" required autocomplete=\"name\">"
            .to_string()
    } else {
        let options: String = desk
            .reviewers
            .iter()
            .map(|r| format!("<option>{}</option>", html::text(r)))
            .collect();
        format!("<select id=\"reviewer\" name=\"reviewer\">{options}</select>")
    };
    out.push_str(&format!(
        "<form method=\"post\" action=\"/_desk/review\">{hidden}<label for=\"reviewer\">审核人</label>{reviewer}\
         <label for=\"opinion\">意见</label><span class=\"help\" id=\"opinion-help\">通过时可不填；退回修改时写明要改什么</span>\
         <textarea id=\"opinion\" name=\"opinion\" rows=\"2\" aria-describedby=\"opinion-help\"></textarea>\
         <div class=\"actions\"><button type=\"submit\" name=\"level\" value=\"初审\">初审通过</button>\
         <button type=\"submit\" name=\"level\" value=\"复审\">复审通过</button>\
         <button type=\"submit\" name=\"level\" value=\"终审\">终审通过</button>\
         <button type=\"submit\" name=\"level\" value=\"退回\" class=\"plain\">退回修改</button></div></form></section>"
    ));
    let draft = front::value(front, "draft").is_some_and(|v| v == Value::Bool(true));
    out.push_str("<section aria-labelledby=\"publish-title\"><h2 id=\"publish-title\">发布</h2>");
    if draft {
        out.push_str(&format!(
            "<form method=\"post\" action=\"/_desk/publish\">{hidden}<p>发布后，稿件在发布时间到达时出现在网站上。</p>\
             <div class=\"actions\"><button type=\"submit\">发布</button></div></form>"
        ));
    } else {
        out.push_str("<p>这篇稿件不是草稿：已发布（或定时发布）。</p>");
    }
    out.push_str("</section>");
    out
}

/// Whether the 终审 recorded in `front` is later than its `date` (先审后发 not kept).
fn reviewed_after_date(front: &str) -> bool {
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    let date = text(front::value(front, "date").as_ref()).and_then(|d| dates::parse(&d).ok());
    let review = front::value(front, "review");
    let last = text(
        review
            .as_ref()
            .and_then(|r| r.get(REVIEW_LEVELS[2]))
            .and_then(|s| s.get("date")),
    )
    .and_then(|d| dates::parse(&d).ok());
    matches!((last, date), (Some(last), Some(date)) if last.timestamp() > date.timestamp())
}

/// Sets the line of `level` in the `review` block of `front` to `value` (a flow mapping),
/// adding the block or the line when missing; everything else is kept.
fn set_level(front: &str, level: &str, value: &str) -> Result<String, String> {
    let Some(range) = front::entry_range(front, "review") else {
        if front::value(front, "review").is_some() {
            return Err(
                "这篇稿件的 review 写法特殊，编辑台不能修改：请用文本编辑器改成每级一行".into(),
            );
        }
        let mut out = front.to_string();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&format!("review:\n  {level}: {value}\n"));
        return Ok(out);
    };
    let entry = &front[range.clone()];
    let first = entry.split_inclusive('\n').next().unwrap_or_default();
    let after = first["review:".len()..].trim();
    if !after.is_empty() && !after.starts_with('#') {
        return Err(
            "这篇稿件的 review 写在一行里，编辑台不能修改：请用文本编辑器改成每级一行".into(),
        );
    }
    let mut offset = range.start + first.len();
    let mut indent = "  ".to_string();
    let mut found: Option<std::ops::Range<usize>> = None;
    for line in entry[first.len()..].split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start();
        let this_indent = &line[..line.len() - trimmed.len()];
        if let Some(f) = found.as_mut() {
            if this_indent.len() > indent.len() || trimmed.trim().is_empty() {
                f.end = offset;
                continue;
            }
            break;
        }
        if trimmed.trim().is_empty() || trimmed.starts_with('#') {
            continue;
        }
        indent = this_indent.to_string();
        if trimmed.starts_with(&format!("{level}:")) {
            found = Some(start..offset);
        }
    }
    let line = format!("{indent}{level}: {value}\n");
    Ok(match found {
        Some(r) => format!("{}{line}{}", &front[..r.start], &front[r.end..]),
        None => format!("{}{line}{}", &front[..range.end], &front[range.end..]),
    })
}

/// `front` without its `review`, and with the note `# 退回修改（by，date）：opinion` added.
fn returned(front: &str, by: &str, date: &str, opinion: &str) -> String {
    let mut out = front::remove(front, "review");
    let note = format!("{RETURNED}（{by}，{date}）：{opinion}");
    out.push_str(&one_line(&note));
    out.push('\n');
    out
}

/// `text` on one line, also for YAML, which ends lines at NEL, LS and PS too: every control
/// character and line or paragraph separator becomes a space.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// The review value: `{by: 王芳, date: 2026-03-10 08:00, opinion: 同意}`.
fn step_value(by: &str, date: &str, opinion: &str) -> String {
    let mut v = format!(
        "{{by: {}, date: {}",
        front::scalar(by, true),
        front::scalar(date, true)
    );
    if !opinion.is_empty() {
        v.push_str(&format!(", opinion: {}", front::scalar(opinion, true)));
    }
    v.push('}');
    v
}

/// The page a review or publish request changes, read while the desk's write lock is held
/// (kept in `_guard` until the handler is done).
struct Change<'a> {
    _guard: tokio::sync::MutexGuard<'a, ()>,
    file: SiteFile,
    bytes: Vec<u8>,
    text: String,
}

/// Takes the write lock, reads the page for a review or publish request and checks its hash:
/// the page, or the response to give.
async fn open_for_change<'a>(desk: &'a Desk, form: &FormMap) -> Result<Change<'a>, Box<Response>> {
    let guard = desk.write_lock.lock().await;
    let rel = form.get("file").cloned().unwrap_or_default();
    let Some(file) = files::page_file(&desk.root, &rel) else {
        return Err(Box::new(super::access::forbidden(
            "只能审核和发布 content/ 下的稿件（.md 文件）",
        )));
    };
    let Ok(bytes) = std::fs::read(&file.path) else {
        return Err(Box::new(html::not_found(&rel)));
    };
    if form.get("hash").map(String::as_str) != Some(files::hash(&bytes).as_str()) {
        return Err(Box::new(html::page(
            StatusCode::CONFLICT,
            "冲突",
            &format!(
                "<h1>冲突</h1>{}<p><a href=\"/_desk/edit?file={}\">重新打开稿件</a></p>",
                html::notice(
                    "error",
                    "冲突：稿件在您打开之后已被修改，这次操作没有执行，文件没有改动。请重新打开稿件后再操作。"
                ),
                html::query(&rel)
            ),
            "",
        )));
    }
    let text = String::from_utf8(bytes.clone())
        .map_err(|_| Box::new(refused(&rel, "文件不是 UTF-8 编码")))?;
    Ok(Change {
        _guard: guard,
        file,
        bytes,
        text,
    })
}

fn refused(rel: &str, message: &str) -> Response {
    html::page(
        StatusCode::UNPROCESSABLE_ENTITY,
        "未执行",
        &format!(
            "<h1>未执行</h1>{}<p><a href=\"/_desk/edit?file={}\">返回稿件</a></p>",
            html::notice("error", message),
            html::query(rel)
        ),
        "",
    )
}

/// Replaces the front matter of `text` through `change`, keeps the old version and writes.
fn rewrite(
    desk: &Desk,
    file: &SiteFile,
    bytes: &[u8],
    text: &str,
    change: impl FnOnce(&str) -> Result<String, String>,
) -> Result<(), String> {
    let split = crate::content::front_matter::split(text, Path::new(&file.rel))
        .map_err(|d| d.to_string())?;
    let start = split.front.as_ptr() as usize - text.as_ptr() as usize;
    let end = start + split.front.len();
    let new_front = change(split.front)?;
    let new_text = format!("{}{new_front}{}", &text[..start], &text[end..]);
    if new_text.as_bytes() == bytes {
        return Ok(());
    }
    files::keep_version(&desk.root, file, bytes, desk.now())
        .map_err(|e| format!("无法保存历史版本：{e}"))?;
    files::write_atomic(&file.path, new_text.as_bytes()).map_err(|e| format!("无法写入文件：{e}"))
}

/// `POST /_desk/review`: 初审/复审/终审通过, or 退回修改.
pub async fn review(
    State(desk): State<Arc<Desk>>,
    CheckedForm(session, form): CheckedForm,
) -> Response {
    let Change {
        _guard,
        file,
        bytes,
        text,
    } = match open_for_change(&desk, &form).await {
        Ok(found) => found,
        Err(r) => return *r,
    };
    let get = |k: &str| {
        form.get(k)
            .map(|s| one_line(s).trim().to_string())
            .unwrap_or_default()
    };
    let (level, by, opinion) = (get("level"), get("reviewer"), get("opinion"));
    if by.is_empty() {
        return refused(&file.rel, "请填写审核人");
    }
    if !desk.reviewers.is_empty() && !desk.reviewers.contains(&by) {
        return refused(
            &file.rel,
            &format!("审核人只能是 {}", desk.reviewers.join("、")),
        );
    }
    let now = Date::from_timestamp(desk.now()).metadata();
    let result = if level == "退回" {
        if opinion.is_empty() {
            return refused(&file.rel, "退回修改时请在“意见”中写明要改什么");
        }
        rewrite(&desk, &file, &bytes, &text, |front| {
            Ok(returned(front, &by, &now.to_string(), &opinion))
        })
    } else {
        let Some(index) = REVIEW_LEVELS.iter().position(|l| *l == level) else {
            return refused(&file.rel, "审核级别只能是 初审、复审、终审");
        };
        rewrite(&desk, &file, &bytes, &text, |front| {
            let done = recorded(front);
            if let Some(before) = index.checked_sub(1).map(|i| REVIEW_LEVELS[i])
                && !done.iter().any(|d| d == before)
            {
                return Err(format!(
                    "还没有{before}，不能{level}：请按 初审、复审、终审 的顺序审核"
                ));
            }
            set_level(front, &level, &step_value(&by, &now, &opinion))
        })
    };
    match result {
        Ok(()) => {
            let what = if level == "退回" {
                "退回修改".to_string()
            } else {
                format!("{level}通过")
            };
            let message = format!("编辑台：{what} {}", file.rel);
            desk.record(&session.csrf, vec![file.rel.clone()], &message, &by);
            html::redirect(&format!(
                "/_desk/edit?file={}&saved=reviewed",
                html::query(&file.rel)
            ))
        }
        Err(e) => refused(&file.rel, &e),
    }
}

/// `POST /_desk/publish`: removes `draft`, unless review or findings stop it.
pub async fn publish(
    State(desk): State<Arc<Desk>>,
    CheckedForm(session, form): CheckedForm,
) -> Response {
    let Change {
        _guard,
        file,
        bytes,
        text,
    } = match open_for_change(&desk, &form).await {
        Ok(found) => found,
        Err(r) => return *r,
    };
    let require = Config::load(&desk.root).is_ok_and(|c| c.check.require_review);
    let found = match desk.survey().await {
        Ok(Ok(survey)) => survey.findings_of(&file.rel),
        _ => Vec::new(),
    };
    let blocking: Vec<&Finding> = found
        .iter()
        .filter(|f| {
            f.level == Level::Error
                && f.code.blocks_build()
                && (require || f.code.as_str() != "review-missing")
        })
        .collect();
    if let Some(f) = blocking.first() {
        let line = f.line.map(|l| format!("第 {l} 行：")).unwrap_or_default();
        return refused(
            &file.rel,
            &format!(
                "不能发布：{line}{}（{}）。请先修改",
                f.message,
                f.code.as_str()
            ),
        );
    }
    let now_text = Date::from_timestamp(desk.now()).metadata();
    let mut redated = false;
    let result = rewrite(&desk, &file, &bytes, &text, |front| {
        if require {
            let done = recorded(front);
            let missing: Vec<&str> = REVIEW_LEVELS
                .iter()
                .copied()
                .filter(|l| !done.iter().any(|d| d == l))
                .collect();
            if !missing.is_empty() {
                return Err(format!(
                    "不能发布：本站要求三审，还缺 {}",
                    missing.join("、")
                ));
            }
        }
        let mut out = front::remove(front, "draft");
        if front::value(&out, "draft").is_some_and(|v| v == Value::Bool(true)) {
            return Err(
                "这篇稿件的 draft 写法特殊，编辑台不能修改：请用文本编辑器删除 draft 一行".into(),
            );
        }
        // 先审后发: a publish time before the 终审 becomes now.
        if reviewed_after_date(&out) && front::entry_range(&out, "date").is_some() {
            out = front::set(&out, "date", &now_text);
            redated = true;
        }
        Ok(out)
    });
    match result {
        Ok(()) => {
            let message = format!("编辑台：发布 {}", file.rel);
            desk.record(&session.csrf, vec![file.rel.clone()], &message, "");
            let saved = if redated {
                "published-now"
            } else {
                "published"
            };
            html::redirect(&format!(
                "/_desk/edit?file={}&saved={saved}",
                html::query(&file.rel)
            ))
        }
        Err(e) => refused(&file.rel, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_added_or_replaced_in_the_review_block() {
        let v = step_value("王芳", "2026-03-10 08:00", "同意");
        assert_eq!(v, "{by: 王芳, date: 2026-03-10 08:00, opinion: 同意}");
        let front = "title: 标题\n";
        let once = set_level(front, "初审", &v).unwrap();
        assert_eq!(once, format!("title: 标题\nreview:\n  初审: {v}\n"));
        let twice = set_level(&once, "复审", "{by: 李强, date: 2026-03-10 09:00}").unwrap();
        assert_eq!(
            twice,
            format!(
                "title: 标题\nreview:\n  初审: {v}\n  复审: {{by: 李强, date: 2026-03-10 09:00}}\n"
            )
        );
        let block = "review:   # 三审\n    初审:\n      by: 甲\n      date: 2026-03-01\n    复审: {by: 乙, date: 2026-03-02}\nauthor: 王\n";
        assert_eq!(
            set_level(block, "初审", "{by: 丙, date: 2026-03-03}").unwrap(),
            "review:   # 三审\n    初审: {by: 丙, date: 2026-03-03}\n    复审: {by: 乙, date: 2026-03-02}\nauthor: 王\n"
        );
        assert!(set_level("review: {初审: {by: 甲}}\n", "复审", "{}").is_err());
    }

    /// YAML (libyaml) also ends a line at NEL, LS and PS: a note written as a comment must
    /// not let an opinion or a name go on as keys of the front matter (a forged 终审).
    #[test]
    fn a_returned_note_cannot_add_keys() {
        let forged = "review: {初审: {by: 甲}, 复审: {by: 乙}, 终审: {by: 丙}}";
        for brk in ["\u{85}", "\u{2028}", "\u{2029}", "\r", "\n"] {
            let hostile = format!("请修改{brk}{forged}");
            for (by, opinion) in [("王芳", hostile.as_str()), (hostile.as_str(), "请修改")] {
                let front = returned("title: 标题\ndraft: true\n", by, "2026-03-10", opinion);
                let map: Value = serde_yaml::from_str(&front).unwrap();
                assert_eq!(map.get("review"), None, "{brk:?}: {front}");
                assert_eq!(front.lines().count(), 3, "{brk:?}: {front}");
            }
        }
    }
}
