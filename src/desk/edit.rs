//! 新建稿件 and the edit form: the page's fields and 正文 with a toolbar and a live preview,
//! saved atomically; a save over a file changed meanwhile is refused (冲突); the version
//! replaced is kept in the history.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use axum::Extension;
use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::access::{CheckedForm, FormMap, Session, token_refused};
use super::fields::{self, Field};
use super::files::{self, SiteFile};
use super::form::{View, conflict, render_form};
use super::list;
use super::upload::{self, Upload};
use super::{Desk, front, html};
use crate::config::Config;
use crate::content::front_matter::{self, Kind};
use crate::markdown::{self, MarkdownOptions};
use crate::text::dates::Date;
use crate::text::pii::{self, Validation};

/// A page's text cut at its front matter: `before` (the opening fence), `front`, `fence`
/// (the closing fence line) and `body`.
struct Parts {
    before: String,
    front: String,
    fence: String,
    body: String,
}

/// Cuts `text` (without BOM, `\n` line ends) into its parts.
fn parts(text: &str, shown: &Path) -> Result<Parts, String> {
    let split = front_matter::split(text, shown).map_err(|d| d.to_string())?;
    let front_start = split.front.as_ptr() as usize - text.as_ptr() as usize;
    let front_end = front_start + split.front.len();
    let body_start = split.body.as_ptr() as usize - text.as_ptr() as usize;
    Ok(Parts {
        before: text[..front_start].to_string(),
        front: split.front.to_string(),
        fence: text[front_end..body_start].to_string(),
        body: split.body.to_string(),
    })
}

/// A file's text as the desk edits it: without BOM, with `\n` line ends.
fn normalized(bytes: &[u8]) -> Result<String, String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| "文件不是 UTF-8 编码，请用文本编辑器转换后再编辑".to_string())?;
    Ok(text.trim_start_matches('\u{feff}').replace("\r\n", "\n"))
}

/// The kind of the page in `file` as its source files say (the desk edits files, not the
/// linked site: see `render::views::page_kind` for that): its own `kind:`, else its section's.
fn kind_on_disk(file: &SiteFile, front: &str) -> Option<Kind> {
    if let Some(kind) = front::value(front, "kind").and_then(|v| v.as_str().and_then(Kind::parse)) {
        return Some(kind);
    }
    let mut dir = file.path.parent()?;
    if file.path.file_name().is_some_and(|n| n == "index.md") {
        dir = dir.parent()?;
    }
    let index = std::fs::read(dir.join("_index.md")).ok()?;
    let text = normalized(&index).ok()?;
    let p = parts(&text, Path::new("_index.md")).ok()?;
    front::value(&p.front, "kind").and_then(|v| v.as_str().and_then(Kind::parse))
}

fn taxonomies(root: &Path) -> Vec<(String, String)> {
    Config::load(root)
        .map(|c| {
            c.taxonomies
                .iter()
                .map(|t| (t.name.clone(), t.title.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// `GET /_desk/new?section=…`
pub async fn new_form(
    State(desk): State<Arc<Desk>>,
    Extension(session): Extension<Session>,
    Query(query): Query<FormMap>,
) -> Response {
    let sections = match desk.survey().await {
        Ok(Ok(survey)) => survey.sections.clone(),
        _ => Vec::new(),
    };
    let mut view = View {
        csrf: session.csrf,
        ..View::default()
    };
    let wanted = query.get("section").cloned().unwrap_or_default();
    view.section = sections
        .iter()
        .find(|s| s.dir == wanted)
        .or_else(|| sections.iter().find(|s| s.kind.is_none()))
        .or(sections.first())
        .map(|s| s.dir.clone())
        .unwrap_or_default();
    view.kind = sections
        .iter()
        .find(|s| s.dir == view.section)
        .and_then(|s| s.kind);
    view.sections = sections;
    view.fields = fields::fields(view.kind, &taxonomies(&desk.root));
    for f in &view.fields {
        view.values.insert(f.key.clone(), Some(String::new()));
    }
    view.values.insert(
        "date".into(),
        Some(Date::from_timestamp(desk.now()).metadata()),
    );
    render_form(StatusCode::OK, &view)
}

/// What the form shows for field `f` of `front` (`None`: not editable in the form).
fn shown(front: &str, f: &Field) -> Option<String> {
    let Some(block_text) = f.input.block_text() else {
        return front::shown(front, &f.key);
    };
    match front::value(front, &f.key) {
        Some(_) if front::entry_range(front, &f.key).is_none() => None,
        value => block_text(value.as_ref()),
    }
}

/// Applies the form's fields to `front`: a field whose text is what the form showed is left
/// as written; others are checked and set. Errors go by field key.
fn apply_fields(
    front: &str,
    fields: &[Field],
    form: &FormMap,
    errors: &mut HashMap<String, String>,
) -> String {
    let mut out = front.to_string();
    for f in fields {
        let Some(submitted) = form.get(&format!("f.{}", f.key)) else {
            continue;
        };
        let submitted = submitted.replace("\r\n", "\n");
        match shown(front, f) {
            Some(shown)
                if shown.trim() == submitted.trim() && !(f.required && shown.trim().is_empty()) =>
            {
                continue;
            }
            None => continue,
            _ => {}
        }
        match fields::to_yaml(f, &submitted) {
            Ok(yaml) => out = front::set(&out, &f.key, &yaml),
            Err(e) => {
                errors.insert(f.key.clone(), e);
            }
        }
    }
    out
}

/// The body as submitted, with `\n` line ends; the old body when only line ends differ.
fn new_body(old: &str, form: &FormMap) -> String {
    let submitted = form
        .get("body")
        .map(|b| b.replace("\r\n", "\n"))
        .unwrap_or_else(|| old.to_string());
    if submitted == old {
        old.to_string()
    } else {
        submitted
    }
}

/// The first personal number in `text`, as a message naming its line.
fn personal_data(text: &str) -> Option<String> {
    let found = pii::find(text, Validation::Checksum);
    let m = found.first()?;
    let line = text[..m.range.start].matches('\n').count() + 1;
    Some(format!(
        "第 {line} 行有{}（{}）：网站不能公开个人信息，请删除或打码后再保存。稿件没有保存",
        m.kind.name(),
        m.masked
    ))
}

/// The first personal number in the unsaved body, as the preview warns of it.
fn body_personal_data(body: &str) -> Option<String> {
    let found = pii::find(body, Validation::Checksum);
    let m = found.first()?;
    let line = body[..m.range.start].matches('\n').count() + 1;
    Some(format!(
        "正文第 {line} 行有{}（{}）：网站不能公开个人信息，请删除或打码，否则不能保存",
        m.kind.name(),
        m.masked
    ))
}

/// The form's values as the view shows them again after a refused save.
fn values_from(form: &FormMap, fields: &[Field], front: &str) -> HashMap<String, Option<String>> {
    fields
        .iter()
        .map(|f| {
            let v = match form.get(&format!("f.{}", f.key)) {
                Some(v) => Some(v.replace("\r\n", "\n")),
                None => shown(front, f),
            };
            (f.key.clone(), v)
        })
        .collect()
}

/// `POST /_desk/new`: writes the new draft and opens it.
pub async fn create(
    State(desk): State<Arc<Desk>>,
    CheckedForm(session, form): CheckedForm,
) -> Response {
    let sections = match desk.survey().await {
        Ok(Ok(survey)) => survey.sections.clone(),
        _ => Vec::new(),
    };
    let section = form.get("section").cloned().unwrap_or_default();
    let Some(choice) = sections.iter().find(|s| s.dir == section).cloned() else {
        return html::page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "新建稿件",
            &html::notice("error", "请选择一个栏目"),
            "",
        );
    };
    let fields = fields::fields(choice.kind, &taxonomies(&desk.root));
    let mut view = View {
        csrf: session.csrf.clone(),
        sections: sections.clone(),
        section: section.clone(),
        kind: choice.kind,
        values: values_from(&form, &fields, ""),
        body: new_body("", &form),
        fields,
        ..View::default()
    };
    let switched = form.contains_key("switch")
        || form.get("kind").map(String::as_str).unwrap_or("") != choice.kind.map_or("", Kind::name);
    if switched {
        view.notice = "已换到栏目“".to_string() + &choice.title + "”，请填写本栏目的字段后再保存";
        return render_form(StatusCode::OK, &view);
    }
    let title = form
        .get("f.title")
        .map(|t| t.trim().to_string())
        .unwrap_or_default();
    if title.is_empty() {
        view.field_errors
            .insert("title".into(), "请填写标题".into());
        return render_form(StatusCode::UNPROCESSABLE_ENTITY, &view);
    }
    let planned = match crate::scaffold::plan_page(
        &desk.root,
        choice.kind,
        &title,
        Some(&section),
        desk.now(),
    ) {
        Ok(p) => p,
        Err(d) => {
            view.errors.push(format!(
                "{}{}",
                d.message,
                d.hint.map(|h| format!("（{h}）")).unwrap_or_default()
            ));
            return render_form(StatusCode::UNPROCESSABLE_ENTITY, &view);
        }
    };
    let rel = planned
        .page
        .strip_prefix(&desk.root)
        .map(list::slashes)
        .unwrap_or_default();
    let Some(file) = files::confine(&desk.root, &rel) else {
        return super::access::forbidden("只能在 content/ 下新建稿件");
    };
    let Ok(p) = parts(&planned.text, Path::new(&rel)) else {
        return html::page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "新建稿件",
            &html::notice("error", "稿件模板有误"),
            "",
        );
    };
    let front = apply_fields(&p.front, &view.fields, &form, &mut view.field_errors);
    if !view.field_errors.is_empty() {
        return render_form(StatusCode::UNPROCESSABLE_ENTITY, &view);
    }
    let text = format!("{}{front}{}{}", p.before, p.fence, view.body);
    if let Some(message) = personal_data(&text) {
        view.errors.push(message);
        return render_form(StatusCode::UNPROCESSABLE_ENTITY, &view);
    }
    let _guard = desk.write_lock.lock().await;
    if file.path.exists() {
        view.errors.push(format!(
            "文件 {rel} 已存在，未做任何修改：换一个标题，或在列表中打开它编辑"
        ));
        return render_form(StatusCode::CONFLICT, &view);
    }
    if let Some((data, csv)) = &planned.data
        && let Err(e) = files::write_atomic(data, csv.as_bytes())
    {
        view.errors.push(format!("无法写入数据文件：{e}"));
        return render_form(StatusCode::INTERNAL_SERVER_ERROR, &view);
    }
    if let Err(e) = files::write_atomic(&file.path, text.as_bytes()) {
        view.errors.push(format!("无法写入文件 {rel}：{e}"));
        return render_form(StatusCode::INTERNAL_SERVER_ERROR, &view);
    }
    let mut paths = vec![rel.clone()];
    if let Some((data, _)) = &planned.data {
        paths.extend(data.strip_prefix(&desk.root).ok().map(list::slashes));
    }
    desk.record(
        &session.csrf,
        paths,
        &format!("编辑台：新建 {rel}"),
        &editor_name(&form),
    );
    html::redirect(&format!("/_desk/edit?file={}&saved=new", html::query(&rel)))
}

/// Reads `file` for the form: its bytes, and its text cut in parts.
fn read_page(file: &SiteFile) -> Result<(Vec<u8>, Parts), String> {
    let bytes = std::fs::read(&file.path).map_err(|e| format!("无法读取 {}：{e}", file.rel))?;
    let text = normalized(&bytes)?;
    let p = parts(&text, Path::new(&file.rel))?;
    Ok((bytes, p))
}

/// [`read_page`] for a handler: a missing file is 404, an unreadable one a page saying why.
fn open_page(file: &SiteFile) -> Result<(Vec<u8>, Parts), Box<Response>> {
    read_page(file).map_err(|e| {
        Box::new(if file.path.exists() {
            html::page(
                StatusCode::UNPROCESSABLE_ENTITY,
                "编辑",
                &html::notice("error", &e),
                "",
            )
        } else {
            html::not_found(&file.rel)
        })
    })
}

fn edit_view(desk: &Desk, csrf: String, file: &SiteFile, bytes: &[u8], p: &Parts) -> View {
    let kind = kind_on_disk(file, &p.front);
    let fields = fields::fields(kind, &taxonomies(&desk.root));
    let values = fields
        .iter()
        .map(|f| (f.key.clone(), shown(&p.front, f)))
        .collect();
    View {
        csrf,
        file: Some(file.rel.clone()),
        hash: files::hash(bytes),
        kind,
        fields,
        values,
        body: p.body.clone(),
        data: super::ranking::open(&desk.root, kind, &p.front).map(|d| {
            let text = d.text.clone();
            (d, text)
        }),
        ..View::default()
    }
}

/// `GET /_desk/edit?file=content/…md`
pub async fn edit_form(
    State(desk): State<Arc<Desk>>,
    Extension(session): Extension<Session>,
    Query(query): Query<FormMap>,
) -> Response {
    let rel = query.get("file").cloned().unwrap_or_default();
    let Some(file) = files::page_file(&desk.root, &rel) else {
        return html::not_found(&rel);
    };
    let (bytes, p) = match open_page(&file) {
        Ok(found) => found,
        Err(r) => return *r,
    };
    let mut view = edit_view(&desk, session.csrf, &file, &bytes, &p);
    view.notice = match query.get("saved").map(String::as_str) {
        Some("new") => "已新建稿件（草稿）。".into(),
        Some("1") => "已保存。".into(),
        Some("same") => "内容没有变化，文件未改动。".into(),
        Some("restored") => "已恢复到所选版本；恢复前的内容保存在历史版本中。".into(),
        Some("reviewed") => "已记录审核意见。".into(),
        Some("published") => "已发布：稿件不再是草稿。".into(),
        Some("published-now") => {
            "已发布：稿件不再是草稿。原发布时间早于终审，已改为现在（先审后发）。".into()
        }
        Some("image") => "已插入图片并保存。".into(),
        Some("imported") => "已导入 Word 文档，新稿件是草稿，请核对后再送审。".into(),
        _ => String::new(),
    };
    view.errors.extend(desk.take_flash(&view.csrf));
    let found = match desk.survey().await {
        Ok(Ok(survey)) => survey.findings_of(&file.rel),
        _ => Vec::new(),
    };
    view.panel = super::review::panel(&desk, &view.csrf, &file, &view.hash, &p.front, &found);
    render_form(StatusCode::OK, &view)
}

/// A photo to add with a save: its bytes, its name in the bundle, and the page's path once a
/// bundle.
struct Photo {
    bytes: Vec<u8>,
    name: String,
    target: SiteFile,
}

/// For 插入图片: the photo checked and placed, and the body with its Markdown at the cursor.
fn with_photo(
    desk: &Desk,
    file: &SiteFile,
    form: &FormMap,
    uploads: Vec<Upload>,
    body: &str,
) -> Result<(Photo, String), String> {
    let Some(upload) = uploads.into_iter().find(|u| u.field == "photo") else {
        return Err("请先选择要插入的图片".into());
    };
    let alt = form
        .get("alt")
        .map(|a| a.trim().replace(['\r', '\n', '[', ']'], " "))
        .unwrap_or_default();
    if alt.is_empty() {
        return Err("请填写图片说明：用一句话描述图片内容（看不见图片的读者听到的就是它）".into());
    }
    let ext = upload::photo_extension(&upload)?;
    let target = upload::bundle_of(&desk.root, file)?;
    let dir = target.path.parent().ok_or("无法确定图片的位置")?;
    let name = upload::photo_name(dir, &upload, &ext);
    let cursor = form.get("cursor").and_then(|c| c.trim().parse().ok());
    let body = upload::insert_at(body, cursor, &format!("![{alt}]({name})"));
    Ok((
        Photo {
            bytes: upload.bytes,
            name,
            target,
        },
        body,
    ))
}

/// Keeps the version replaced and writes `text` (and the photo, moving a single-file page
/// into its bundle); the page's path afterwards.
fn write_page(
    desk: &Desk,
    file: &SiteFile,
    old: &[u8],
    text: &str,
    photo: Option<Photo>,
) -> Result<String, String> {
    files::keep_version(&desk.root, file, old, desk.now())
        .map_err(|e| format!("无法保存历史版本，稿件没有保存：{e}"))?;
    let Some(photo) = photo else {
        files::write_atomic(&file.path, text.as_bytes())
            .map_err(|e| format!("无法写入文件 {}：{e}", file.rel))?;
        return Ok(file.rel.clone());
    };
    let target = &photo.target;
    let dir = target.path.parent().ok_or("无法确定图片的位置")?;
    files::write_atomic(&dir.join(&photo.name), &photo.bytes)
        .map_err(|e| format!("无法保存图片：{e}"))?;
    files::write_atomic(&target.path, text.as_bytes())
        .map_err(|e| format!("无法写入文件 {}：{e}", target.rel))?;
    if target.path != file.path {
        std::fs::remove_file(&file.path)
            .map_err(|e| format!("稿件已移入文件夹 {}，但无法删除原文件：{e}", target.rel))?;
        // Its versions follow it.
        files::move_versions(&desk.root, file, target);
    }
    Ok(target.rel.clone())
}

/// The 责任编辑 the form names, as the author of a git commit.
fn editor_name(form: &FormMap) -> String {
    form.get("f.editor")
        .map(|e| e.trim().to_string())
        .unwrap_or_default()
}

/// Writes a ranking's data file, keeping the version it replaces.
fn write_data(desk: &Desk, data: &super::ranking::DataFile, text: &str) -> Result<(), String> {
    if let Ok(old) = std::fs::read(&data.file.path) {
        files::keep_version(&desk.root, &data.file, &old, desk.now())
            .map_err(|e| format!("无法保存历史版本，没有保存：{e}"))?;
    }
    files::write_atomic(&data.file.path, text.as_bytes())
        .map_err(|e| format!("无法写入 {}：{e}", data.file.rel))
}

/// `POST /_desk/edit?file=…`: saves (and 插入图片), unless the file changed since the form
/// was opened.
pub async fn save(
    State(desk): State<Arc<Desk>>,
    Extension(session): Extension<Session>,
    Query(query): Query<FormMap>,
    request: Request,
) -> Response {
    let (form, uploads) = match upload::read_form(request).await {
        Ok(read) => read,
        Err(r) => return r,
    };
    if let Some(r) = token_refused(&session, &form) {
        return r;
    }
    let rel = query.get("file").cloned().unwrap_or_default();
    let Some(file) = files::page_file(&desk.root, &rel) else {
        return super::access::forbidden("只能保存 content/ 下的稿件（.md 文件）");
    };
    let _guard = desk.write_lock.lock().await;
    let (bytes, p) = match open_page(&file) {
        Ok(found) => found,
        Err(r) => return *r,
    };
    let mut view = edit_view(&desk, session.csrf.clone(), &file, &bytes, &p);
    let front = apply_fields(&p.front, &view.fields, &form, &mut view.field_errors);
    let mut body = new_body(&p.body, &form);
    let stale = form.get("hash").map(String::as_str) != Some(view.hash.as_str());
    let mut photo = None;
    if !stale && form.get("action").is_some_and(|a| a == "image") {
        match with_photo(&desk, &file, &form, uploads, &body) {
            Ok((found, with)) => (photo, body) = (Some(found), with),
            Err(e) => view.errors.push(format!("{e}。稿件没有保存")),
        }
    }
    let text = format!("{}{front}{}{body}", p.before, p.fence);
    if stale {
        return conflict(&view, &bytes, &text);
    }
    view.values = values_from(&form, &view.fields, &p.front);
    view.body = body;
    let mut data_text = None;
    if let Some((data, shown)) = view.data.as_mut() {
        if let Some(submitted) = form.get("data_csv") {
            *shown = submitted.replace("\r\n", "\n");
        }
        match super::ranking::change(data, &form) {
            Ok(new) => data_text = new.map(|t| (data.clone(), t)),
            Err(e) => view.errors.push(e),
        }
    }
    if !view.field_errors.is_empty() {
        view.errors.push("有字段填写不正确，稿件没有保存".into());
    }
    if !view.errors.is_empty() {
        return render_form(StatusCode::UNPROCESSABLE_ENTITY, &view);
    }
    let unchanged =
        text.as_bytes() == bytes.as_slice() || normalized(&bytes).is_ok_and(|t| t == text);
    if photo.is_none() && unchanged && data_text.is_none() {
        return html::redirect(&format!(
            "/_desk/edit?file={}&saved=same",
            html::query(&rel)
        ));
    }
    let data_shown = data_text.as_ref().map_or("", |(_, t)| t.as_str());
    if let Some(message) = personal_data(&text).or_else(|| personal_data(data_shown)) {
        view.errors.push(message);
        return render_form(StatusCode::UNPROCESSABLE_ENTITY, &view);
    }
    if let Some((data, new)) = &data_text
        && let Err(e) = write_data(&desk, data, new)
    {
        view.errors.push(e);
        return render_form(StatusCode::INTERNAL_SERVER_ERROR, &view);
    }
    let mut paths: Vec<String> = data_text.iter().map(|(d, _)| d.file.rel.clone()).collect();
    let author = editor_name(&form);
    if photo.is_none() && unchanged {
        desk.record(
            &session.csrf,
            paths,
            &format!("编辑台：保存 {rel}"),
            &author,
        );
        return html::redirect(&format!("/_desk/edit?file={}&saved=1", html::query(&rel)));
    }
    let saved = if photo.is_some() { "image" } else { "1" };
    match write_page(&desk, &file, &bytes, &text, photo) {
        Ok(now_at) => {
            paths.push(rel.clone());
            if saved == "image" {
                paths.push(now_at.trim_end_matches("/index.md").to_string());
            }
            desk.record(
                &session.csrf,
                paths,
                &format!("编辑台：保存 {now_at}"),
                &author,
            );
            html::redirect(&format!(
                "/_desk/edit?file={}&saved={saved}",
                html::query(&now_at)
            ))
        }
        Err(e) => {
            view.errors.push(e);
            render_form(StatusCode::INTERNAL_SERVER_ERROR, &view)
        }
    }
}

/// `POST /_desk/preview`: the body rendered as the site renders it, as an HTML fragment:
/// Markdown, and when the text has any, shortcodes (with the site's templates) and `@/` links.
pub async fn preview(State(desk): State<Arc<Desk>>, CheckedForm(_, form): CheckedForm) -> Response {
    let body = form
        .get("body")
        .map(|b| b.replace("\r\n", "\n"))
        .unwrap_or_default();
    let articles = form.get("kind").is_some_and(|k| k == "rule");
    let (root, now) = (desk.root.clone(), desk.now());
    // Personal data is pointed out before saving, which would refuse it.
    let warning = body_personal_data(&body)
        .map(|m| html::notice("error", &m))
        .unwrap_or_default();
    let html = tokio::task::spawn_blocking(move || preview_html(&root, now, &body, articles))
        .await
        .unwrap_or_default();
    let html = warning + &html;
    let mut r = axum::response::IntoResponse::into_response(html);
    r.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    r
}

/// The preview of `body`: the site is loaded only when the text has a shortcode or an `@/`
/// link (they need its templates and pages).
fn preview_html(root: &Path, now: jiff::Timestamp, body: &str, articles: bool) -> String {
    let config = Config::load(root).ok();
    let unsafe_html = config.as_ref().is_some_and(|c| c.markdown.unsafe_html);
    let rendered = markdown::render(
        body,
        MarkdownOptions {
            unsafe_html,
            articles,
        },
    );
    if rendered.shortcodes.is_empty() && rendered.links.is_empty() {
        return rendered.html;
    }
    let options = crate::pipeline::SiteOptions {
        root: root.to_path_buf(),
        base_url: None,
        drafts: true,
        now,
    };
    let Ok(loaded) = crate::pipeline::load_site(&options) else {
        return rendered.html;
    };
    let templates = match &loaded.theme {
        Ok(theme) => theme.templates.as_ref().map(Vec::as_slice).unwrap_or(&[]),
        Err(_) => &[],
    };
    match crate::render::shortcodes::expand_fragment(&loaded.site, templates, &rendered, "", "/") {
        Ok(html) => html,
        Err(errors) => {
            let shown: Vec<String> = errors.iter().take(3).map(|e| e.message.clone()).collect();
            html::notice("error", &format!("短代码有误：{}", shown.join("；")))
        }
    }
}
