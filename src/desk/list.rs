//! 列表: every page of the site by section, with its status, date and number of check
//! findings; filters by section and status and a search by title.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;

use super::{Desk, html};
use crate::content::front_matter::{Kind, PageMeta};
use crate::pipeline::{self, SiteOptions};

/// The statuses a page can have, in the order the filter offers them.
pub const STATUSES: [&str; 5] = ["草稿", "待审", "定时发布", "已发布", "已过期"];

/// One page as the list shows it.
#[derive(Debug, Clone)]
pub struct Row {
    /// `content/news/a.md`.
    pub file: String,
    pub title: String,
    /// The listing section's folder (`news`) and title.
    pub section: String,
    pub status: &'static str,
    pub date: String,
    pub findings: usize,
    /// The page's address in the preview.
    pub url: String,
}

/// A section a page can be written into: folder, title and kind.
#[derive(Debug, Clone)]
pub struct SectionChoice {
    pub dir: String,
    pub title: String,
    pub kind: Option<Kind>,
}

/// A page's status: a draft is 草稿, or 待审 once a level of review is recorded; a published
/// page is 已过期 past its `expires`, 定时发布 before its date, else 已发布.
pub fn status(meta: &PageMeta, expired: bool, now: Timestamp) -> &'static str {
    if meta.draft {
        let reviewed = meta
            .review
            .as_ref()
            .is_some_and(|r| r.steps.iter().any(Option::is_some));
        if reviewed { "待审" } else { "草稿" }
    } else if expired {
        "已过期"
    } else if meta.date.is_some_and(|d| d.timestamp() > now) {
        "定时发布"
    } else {
        "已发布"
    }
}

/// The site as the desk lists it: drafts and scheduled pages included. `Err`: site.yaml
/// cannot be read.
fn load_site(root: &Path, now: Timestamp) -> Result<pipeline::LoadedSite, String> {
    let options = SiteOptions {
        root: root.to_path_buf(),
        base_url: None,
        drafts: true,
        now,
    };
    pipeline::load_site(&options).map_err(|e| e.to_string())
}

fn section_choices(site: &crate::site::Site) -> Vec<SectionChoice> {
    site.sections
        .iter()
        .filter(|s| s.from_file && !s.section.dir.is_empty())
        .map(|s| SectionChoice {
            dir: s.section.dir.clone(),
            title: s.section.meta.title.clone(),
            kind: s.section.meta.kind,
        })
        .collect()
}

/// The site's sections and pages (drafts and scheduled pages included; `findings` left 0),
/// and the first `date` or `expires` of a page after `now` (a status changes then).
/// `Err`: site.yaml cannot be read.
pub fn load(root: &Path, now: Timestamp) -> Result<Loaded, String> {
    let loaded = load_site(root, now)?;
    let site = &loaded.site;
    let next_change = site
        .pages
        .iter()
        .flat_map(|p| [p.page.meta.date, p.page.meta.expires])
        .flatten()
        .map(|d| d.timestamp())
        .filter(|t| *t > now)
        .min();
    let sections = section_choices(site);
    let base = site.config.base_path().to_string();
    let rows = site
        .pages
        .iter()
        .map(|p| {
            let file = slashes(&p.page.source);
            let section = site.sections[p.section].section.dir.clone();
            Row {
                findings: 0,
                title: p.page.meta.title.clone(),
                section,
                status: status(&p.page.meta, p.expired, now),
                date: p.page.meta.date.map(|d| d.ymd()).unwrap_or_default(),
                url: format!("{base}{}", p.path),
                file,
            }
        })
        .collect();
    Ok((sections, rows, next_change))
}

/// What [`load`] gives.
pub type Loaded = (Vec<SectionChoice>, Vec<Row>, Option<Timestamp>);

/// `GET /_desk/view?file=…`: to the page in the preview.
pub async fn view(
    State(desk): State<Arc<Desk>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let rel = query.get("file").cloned().unwrap_or_default();
    let (root, now) = (desk.root.clone(), desk.now());
    let wanted = rel.clone();
    let found = tokio::task::spawn_blocking(move || {
        let loaded = load_site(&root, now).ok()?;
        let site = &loaded.site;
        site.pages
            .iter()
            .find(|p| slashes(&p.page.source) == wanted)
            .map(|p| format!("{}{}", site.config.base_path(), p.path))
    })
    .await
    .ok()
    .flatten();
    match found {
        Some(url) => html::redirect(&url),
        None => html::not_found(&rel),
    }
}

pub fn slashes(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// `GET /_desk/?section=…&status=…&q=…`
pub async fn list(
    State(desk): State<Arc<Desk>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let survey = desk.survey().await;
    let found = match survey {
        Ok(Ok(found)) => found,
        Ok(Err(e)) => return html::page(StatusCode::OK, "列表", &html::notice("error", &e), ""),
        Err(_) => {
            return html::page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "列表",
                &html::notice("error", "读取站点时出错"),
                "",
            );
        }
    };
    let (sections, rows) = (&found.sections, &found.rows);
    let get = |k: &str| query.get(k).map(|s| s.trim()).unwrap_or("");
    let (want_section, want_status, q) = (get("section"), get("status"), get("q"));
    let mut main = String::from(
        "<h1>稿件列表</h1><p class=\"actions\"><a class=\"button\" href=\"/_desk/new\">新建稿件</a></p>",
    );
    main.push_str(&filters(sections, want_section, want_status, q));
    let mut shown = 0;
    for s in sections {
        if !want_section.is_empty() && s.dir != want_section {
            continue;
        }
        let mine: Vec<&Row> = rows
            .iter()
            .filter(|r| r.section == s.dir)
            .filter(|r| want_status.is_empty() || r.status == want_status)
            .filter(|r| q.is_empty() || r.title.contains(q))
            .collect();
        if mine.is_empty() {
            continue;
        }
        shown += mine.len();
        main.push_str(&table(&s.title, &mine));
    }
    if shown == 0 {
        main.push_str("<p>没有符合条件的稿件。</p>");
    }
    html::page(StatusCode::OK, "列表", &main, "")
}

fn filters(sections: &[SectionChoice], section: &str, status: &str, q: &str) -> String {
    let mut out = String::from(
        "<form method=\"get\" action=\"/_desk/\" class=\"filters\" role=\"search\">\
         <div><label for=\"f-section\">栏目</label><select id=\"f-section\" name=\"section\"><option value=\"\">全部栏目</option>",
    );
    for s in sections {
        let selected = if s.dir == section { " selected" } else { "" };
        out.push_str(&format!(
            "<option value=\"{}\"{selected}>{}</option>",
            html::attr(&s.dir),
            html::text(&s.title)
        ));
    }
    out.push_str("</select></div><div><label for=\"f-status\">状态</label><select id=\"f-status\" name=\"status\"><option value=\"\">全部状态</option>");
    for st in STATUSES {
        let selected = if st == status { " selected" } else { "" };
        out.push_str(&format!("<option{selected}>{st}</option>"));
    }
    out.push_str(&format!(
        "</select></div><div><label for=\"f-q\">搜索标题</label><input id=\"f-q\" type=\"search\" name=\"q\" value=\"{}\"></div>\
         <div><button type=\"submit\">筛选</button></div></form>",
        html::attr(q)
    ));
    out
}

fn table(section_title: &str, rows: &[&Row]) -> String {
    let mut out = format!(
        "<h2>{}</h2><table class=\"pages\"><thead><tr><th scope=\"col\">标题</th><th scope=\"col\">状态</th>\
         <th scope=\"col\">日期</th><th scope=\"col\">检查</th><th scope=\"col\">操作</th></tr></thead><tbody>",
        html::text(section_title)
    );
    for r in rows {
        let file = html::query(&r.file);
        let findings = if r.findings == 0 {
            "无问题".to_string()
        } else {
            format!("{} 个问题", r.findings)
        };
        out.push_str(&format!(
            "<tr><td><a href=\"/_desk/edit?file={file}\">{title}</a></td>\
             <td data-label=\"状态\"><span class=\"status status-{st}\">{st}</span></td>\
             <td data-label=\"日期\">{date}</td><td data-label=\"检查\">{findings}</td>\
             <td><a href=\"{url}\" aria-label=\"预览：{title}\">预览</a> \
             <a href=\"/_desk/history?file={file}\" aria-label=\"历史版本：{title}\">历史版本</a></td></tr>",
            title = html::text(&r.title),
            st = r.status,
            date = html::text(&r.date),
            url = html::attr(&r.url),
        ));
    }
    out.push_str("</tbody></table>");
    out
}
