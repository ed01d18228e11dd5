//! The edit form as HTML: the page's fields with their labels, help and errors, 正文 with
//! its toolbar and preview pane, 插入图片, 导入Word文档 beside 新建稿件, and the conflict page.

use std::collections::HashMap;

use axum::http::StatusCode;
use axum::response::Response;

use super::fields::{Field, Input};
use super::html;
use super::list::SectionChoice;
use crate::content::front_matter::Kind;

/// What the form shows.
#[derive(Default)]
pub(super) struct View {
    pub(super) csrf: String,
    /// Editing this file (else a new page).
    pub(super) file: Option<String>,
    pub(super) hash: String,
    pub(super) sections: Vec<SectionChoice>,
    pub(super) section: String,
    pub(super) kind: Option<Kind>,
    pub(super) fields: Vec<Field>,
    /// A field's text; `None`: not editable here (kept as written).
    pub(super) values: HashMap<String, Option<String>>,
    pub(super) body: String,
    pub(super) errors: Vec<String>,
    pub(super) field_errors: HashMap<String, String>,
    pub(super) notice: String,
    /// 检查, 审核 and 发布, below the form of an existing page.
    pub(super) panel: String,
    /// A ranking's data file, and the text its box shows.
    pub(super) data: Option<(super::ranking::DataFile, String)>,
}

fn field_html(view: &View, f: &Field) -> String {
    let id = format!("field-{}", f.key);
    let name = format!("f.{}", f.key);
    let help = if f.help.is_empty() {
        String::new()
    } else {
        format!(
            "<span class=\"help\" id=\"{id}-help\">{}</span>",
            html::text(&f.help)
        )
    };
    let described = if f.help.is_empty() {
        String::new()
    } else {
        format!(" aria-describedby=\"{id}-help\"")
    };
    let error = view
        .field_errors
        .get(&f.key)
        .map(|e| {
            format!(
                "<p class=\"field-error\" id=\"{id}-error\">{}</p>",
                html::text(e)
            )
        })
        .unwrap_or_default();
    let invalid = if error.is_empty() {
        ""
    } else {
        " aria-invalid=\"true\""
    };
    let required = if f.required { " required" } else { "" };
    let label = format!(
        "<label for=\"{id}\">{}</label>{help}{error}",
        html::text(&f.label)
    );
    let Some(Some(value)) = view.values.get(&f.key) else {
        return format!(
            "<label>{}</label><p class=\"readonly\">此项内容较复杂，表单中不能修改，保存时原样保留；请用文本编辑器修改。</p>",
            html::text(&f.label)
        );
    };
    let input = match f.input {
        Input::LongText | Input::Metrics | Input::Questions => format!(
            "<textarea id=\"{id}\" name=\"{name}\" rows=\"{}\"{described}{invalid}{required}>\n{}</textarea>",
            match f.input {
                Input::Metrics => 6,
                Input::Questions => 16,
                _ => 3,
            },
            html::text(value)
        ),
        Input::Choice(choices) => {
            let mut s = format!("<select id=\"{id}\" name=\"{name}\"{described}{invalid}>");
            if !choices.contains(&value.as_str()) {
                s.push_str(&format!(
                    "<option value=\"{}\" selected>{}</option>",
                    html::attr(value),
                    html::text(value)
                ));
            }
            for c in choices {
                let sel = if *c == value { " selected" } else { "" };
                s.push_str(&format!("<option{sel}>{c}</option>"));
            }
            s.push_str("</select>");
            s
        }
        _ => format!(
            "<input type=\"text\" id=\"{id}\" name=\"{name}\" value=\"{}\"{described}{invalid}{required}>",
            html::attr(value)
        ),
    };
    format!("{label}{input}")
}

pub(super) fn render_form(status: StatusCode, view: &View) -> Response {
    let (title, action) = match &view.file {
        Some(file) => (
            format!(
                "编辑：{}",
                view.values
                    .get("title")
                    .cloned()
                    .flatten()
                    .unwrap_or_default()
            ),
            format!("/_desk/edit?file={}", html::query(file)),
        ),
        None => ("新建稿件".to_string(), "/_desk/new".to_string()),
    };
    let mut main = format!("<h1>{}</h1>", html::text(&title));
    if !view.notice.is_empty() {
        main.push_str(&html::notice("ok", &view.notice));
    }
    for e in &view.errors {
        main.push_str(&html::notice("error", e));
    }
    if let Some(file) = &view.file {
        main.push_str(&format!(
            "<p>文件：<code>{}</code>　<a href=\"/_desk/view?file={q}\">预览</a>　<a href=\"/_desk/history?file={q}\">历史版本</a></p>",
            html::text(file),
            q = html::query(file),
        ));
    }
    main.push_str(&format!(
        "<form method=\"post\" action=\"{}\" class=\"page-form\"{}><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <input type=\"hidden\" name=\"hash\" value=\"{}\"><input type=\"hidden\" name=\"kind\" value=\"{}\">",
        html::attr(&action),
        if view.file.is_some() { " enctype=\"multipart/form-data\"" } else { "" },
        html::attr(&view.csrf),
        html::attr(&view.hash),
        view.kind.map_or("", Kind::name)
    ));
    main.push_str(&section_html(view));
    for f in &view.fields {
        main.push_str(&field_html(view, f));
    }
    if let Some((data, shown)) = &view.data {
        main.push_str(&super::ranking::html(data, shown));
    }
    main.push_str(&body_html(view));
    main.push_str("<div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"save\">保存</button>\
                   <a class=\"button plain\" href=\"/_desk/\">返回列表</a></div>");
    main.push_str(&extras_html(view));
    main.push_str("</form>");
    main.push_str(&view.panel);
    if view.file.is_none() {
        main.push_str(&import_html(view));
    }
    html::page(
        status,
        &title,
        &main,
        "<script src=\"/_desk/desk.js\"></script>\n",
    )
}

/// 插入图片 in the edit form; on the new form, how to insert one (save first).
fn extras_html(view: &View) -> String {
    if view.file.is_some() {
        return "<fieldset class=\"photo\"><legend>插入图片</legend>\
            <label for=\"photo\">选择图片</label><span class=\"help\" id=\"photo-help\">JPG、PNG、GIF 或 WebP；也可以把照片拖到正文框里或粘贴进去。图片放在正文光标处，稿件同时保存</span>\
            <input type=\"file\" id=\"photo\" name=\"photo\" accept=\"image/jpeg,image/png,image/gif,image/webp\" aria-describedby=\"photo-help\">\
            <label for=\"alt\">图片说明</label><span class=\"help\" id=\"alt-help\">必填：用一句话描述图片内容，例如“志愿者在社区清理小广告”</span>\
            <input type=\"text\" id=\"alt\" name=\"alt\" aria-describedby=\"alt-help\"><input type=\"hidden\" id=\"cursor\" name=\"cursor\" value=\"\">\
            <div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"image\" class=\"plain\">插入图片</button></div></fieldset>"
            .to_string();
    }
    // A picture goes beside its page, which the new form has not written yet.
    "<fieldset class=\"photo\"><legend>插入图片</legend><p class=\"help\">新稿件要先保存一次才能插入图片：填好标题后点“保存”，在随后打开的编辑页面中插入。</p></fieldset>"
        .to_string()
}

/// 导入Word文档: a form of its own, after the new form.
fn import_html(view: &View) -> String {
    let options: String = view
        .sections
        .iter()
        .map(|c| {
            let sel = if c.dir == view.section {
                " selected"
            } else {
                ""
            };
            format!(
                "<option value=\"{}\"{sel}>{}</option>",
                html::attr(&c.dir),
                html::text(&c.title)
            )
        })
        .collect();
    format!(
        "<section aria-labelledby=\"import-title\"><h2 id=\"import-title\">从 Word 稿件新建</h2>\
         <form method=\"post\" action=\"/_desk/import\" enctype=\"multipart/form-data\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <label for=\"import-section\">导入到栏目</label><select id=\"import-section\" name=\"section\">{options}</select>\
         <label for=\"docx\">导入Word文档</label><span class=\"help\" id=\"docx-help\">区县报来的 .docx 稿件：标题、正文、图片和文末的来源、作者会自动整理成一篇草稿</span>\
         <input type=\"file\" id=\"docx\" name=\"docx\" accept=\".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document\" required aria-describedby=\"docx-help\">\
         <div class=\"actions\"><button type=\"submit\">导入</button></div></form></section>",
        html::attr(&view.csrf)
    )
}

fn section_html(view: &View) -> String {
    if view.file.is_some() {
        return String::new();
    }
    let mut s = String::from(
        "<label for=\"field-section\">栏目</label><span class=\"help\" id=\"field-section-help\">稿件放在哪个栏目；换了栏目，下面会换成该栏目要填的内容</span><select id=\"field-section\" name=\"section\" aria-describedby=\"field-section-help\">",
    );
    for c in &view.sections {
        let sel = if c.dir == view.section {
            " selected"
        } else {
            ""
        };
        s.push_str(&format!(
            "<option value=\"{}\"{sel}>{}</option>",
            html::attr(&c.dir),
            html::text(&c.title)
        ));
    }
    s.push_str("</select>");
    s
}

fn body_html(view: &View) -> String {
    format!(
        "<div class=\"editor\"><div><label for=\"body\">正文</label>\
         <span class=\"help\" id=\"body-help\">用 Markdown 书写：空一行分段，## 开头为小标题，- 开头为列表</span>\
         <div class=\"toolbar\" id=\"toolbar\" role=\"toolbar\" aria-label=\"正文格式\" hidden>\
         <button type=\"button\" data-action=\"bold\">加粗</button><button type=\"button\" data-action=\"heading\">小标题</button>\
         <button type=\"button\" data-action=\"list\">列表</button><button type=\"button\" data-action=\"link\">链接</button>\
         <button type=\"button\" data-action=\"table\">表格</button></div>\
         <textarea class=\"body\" id=\"body\" name=\"body\" rows=\"20\" aria-describedby=\"body-help\">\n{}</textarea></div>\
         <div><h2 id=\"preview-title\">预览</h2><div class=\"preview\" id=\"preview\" aria-labelledby=\"preview-title\"></div></div></div>",
        html::text(&view.body)
    )
}

/// The answer to a stale save: both versions, nothing written.
pub(super) fn conflict(view: &View, disk: &[u8], mine: &str) -> Response {
    let file = view.file.clone().unwrap_or_default();
    let main = format!(
        "<h1>保存冲突</h1>{}<p><a class=\"button\" href=\"/_desk/edit?file={}\">打开磁盘上的当前版本重新编辑</a></p>\
         <div class=\"versions\"><section><h2>磁盘上的当前版本</h2><pre class=\"source\">{}</pre></section>\
         <section><h2>您提交的版本（未保存）</h2><pre class=\"source\">{}</pre></section></div>",
        html::notice(
            "error",
            "冲突：这篇稿件在您打开之后已被修改（可能是另一位编辑或文本编辑器改的）。您的修改没有保存，磁盘上的文件没有改动。请对照下面两个版本，打开当前版本后重新修改。"
        ),
        html::query(&file),
        html::text(&String::from_utf8_lossy(disk)),
        html::text(mine)
    );
    html::page(StatusCode::CONFLICT, "保存冲突", &main, "")
}
