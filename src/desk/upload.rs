//! Forms with a file: reading `multipart/form-data` (axum's extractor, within the desk's body
//! limit) or an ordinary form; 插入图片 (the photo goes beside the page, which becomes a
//! bundle when it was a single file) and 导入Word文档 (the import of `wenming import`).

use std::path::Path;
use std::sync::Arc;

use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};

use super::access::{Session, token_refused};
use super::files::{self, SiteFile};
use super::{Desk, html};
use crate::import::{self, ImportOptions};
use crate::text::slug::slugify;

pub use super::access::FormMap;

/// A file sent with a form: its name as the browser gave it, and its bytes.
#[derive(Debug, Clone)]
pub struct Upload {
    pub field: String,
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Reads a form, multipart (with at most one file used per field) or urlencoded.
pub async fn read_form(request: Request) -> Result<(FormMap, Vec<Upload>), Response> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("multipart/form-data"));
    if !multipart {
        return match Form::<FormMap>::from_request(request, &()).await {
            Ok(Form(form)) => Ok((form, Vec::new())),
            Err(e) => Err(e.into_response()),
        };
    }
    let mut parts = Multipart::from_request(request, &())
        .await
        .map_err(IntoResponse::into_response)?;
    let mut form = FormMap::new();
    let mut uploads = Vec::new();
    while let Some(field) = parts
        .next_field()
        .await
        .map_err(IntoResponse::into_response)?
    {
        let name = field.name().unwrap_or_default().to_string();
        match field.file_name().map(str::to_string) {
            Some(file_name) => {
                let bytes = field.bytes().await.map_err(IntoResponse::into_response)?;
                if !file_name.is_empty() && !bytes.is_empty() {
                    uploads.push(Upload {
                        field: name,
                        name: file_name,
                        bytes: bytes.to_vec(),
                    });
                }
            }
            None => {
                let text = field.text().await.map_err(IntoResponse::into_response)?;
                form.insert(name, text);
            }
        }
    }
    Ok((form, uploads))
}

/// The photo formats a page can show.
const PHOTO_TYPES: [&str; 4] = ["jpg", "png", "gif", "webp"];

/// Checks an uploaded photo: its extension (normalized, `jpeg` → `jpg`) when it is a picture
/// the site can show.
pub fn photo_extension(upload: &Upload) -> Result<String, String> {
    let ext = Path::new(&upload.name)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let ext = if ext == "jpeg" {
        "jpg".to_string()
    } else {
        ext
    };
    if !PHOTO_TYPES.contains(&ext.as_str()) || imagesize::blob_size(&upload.bytes).is_err() {
        return Err(format!(
            "“{}”不是可以用在网页上的图片：请选择 JPG、PNG、GIF 或 WebP 格式的照片",
            upload.name
        ));
    }
    Ok(ext)
}

/// Where a page's photos go: the bundle folder of `file`, and the page's path once it is a
/// bundle (`content/news/a.md` → `content/news/a/index.md`).
pub fn bundle_of(root: &Path, file: &SiteFile) -> Result<SiteFile, String> {
    if file.rel.ends_with("/index.md") {
        return Ok(file.clone());
    }
    let rel = format!("{}/index.md", file.rel.trim_end_matches(".md"));
    let bundle = files::confine(root, &rel).ok_or("无法把稿件变成文件夹")?;
    if let Some(dir) = bundle.path.parent()
        && std::fs::symlink_metadata(dir).is_ok()
    {
        return Err(format!(
            "无法插入图片：已有同名文件夹 {}，请先用文本编辑器处理",
            rel.trim_end_matches("/index.md")
        ));
    }
    Ok(bundle)
}

/// A free name for the photo in `dir`: the pinyin of the uploaded name, `-2`, `-3`… when taken.
pub fn photo_name(dir: &Path, upload: &Upload, ext: &str) -> String {
    let stem = Path::new(&upload.name)
        .file_stem()
        .map(|s| slugify(&s.to_string_lossy()))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "tu-pian".into());
    (1..)
        .map(|n| {
            if n == 1 {
                format!("{stem}.{ext}")
            } else {
                format!("{stem}-{n}.{ext}")
            }
        })
        .find(|name| !dir.join(name).exists())
        .unwrap_or_else(|| format!("{stem}.{ext}"))
}

/// `body` with `insert` placed at `cursor`, a position in UTF-16 code units as a browser's
/// textarea counts it (clamped; the end when absent), on a line of its own.
pub fn insert_at(body: &str, cursor: Option<usize>, insert: &str) -> String {
    let mut at = body.len();
    if let Some(cursor) = cursor {
        let mut units = 0;
        for (i, c) in body.char_indices() {
            if units >= cursor {
                at = i;
                break;
            }
            units += c.len_utf16();
        }
    }
    let before = &body[..at];
    let after = &body[at..];
    let lead = if before.is_empty() || before.ends_with("\n\n") {
        ""
    } else if before.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    let tail = if after.starts_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    let tail = if after.is_empty() { "\n" } else { tail };
    format!("{before}{lead}{insert}{tail}{after}")
}

/// `POST /_desk/import`: 导入Word文档 into the chosen section, then opens the new draft.
pub async fn import_word(
    State(desk): State<Arc<Desk>>,
    Extension(session): Extension<Session>,
    request: Request,
) -> Response {
    let (form, uploads) = match read_form(request).await {
        Ok(read) => read,
        Err(r) => return r,
    };
    if let Some(r) = token_refused(&session, &form) {
        return r;
    }
    let refused = |message: String| {
        html::page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "导入Word文档",
            &format!(
                "<h1>导入Word文档</h1>{}<p><a href=\"/_desk/new\">返回</a></p>",
                html::notice("error", &message)
            ),
            "",
        )
    };
    let Some(upload) = uploads.into_iter().find(|u| u.field == "docx") else {
        return refused("请选择要导入的 Word 文档（.docx）".into());
    };
    if !upload.name.to_ascii_lowercase().ends_with(".docx") {
        return refused(format!(
            "“{}”不是 .docx 文件：请在 Word 中“另存为”Word 文档（.docx）后再导入",
            upload.name
        ));
    }
    let section = form.get("section").cloned().unwrap_or_default();
    let (root, now) = (desk.root.clone(), desk.now());
    let done = tokio::task::spawn_blocking(move || run_import(&root, &section, &upload, now)).await;
    match done {
        Ok(Ok((page, notes))) => {
            desk.flash(&session.csrf, notes);
            let folder = page.trim_end_matches("/index.md").to_string();
            let message = format!("编辑台：导入 Word 文档 {page}");
            desk.record(&session.csrf, vec![folder], &message, "");
            html::redirect(&format!(
                "/_desk/edit?file={}&saved=imported",
                html::query(&page)
            ))
        }
        Ok(Err(message)) => refused(message),
        Err(_) => refused("导入时出错".into()),
    }
}

/// Writes the upload to a temporary file in `.wenming/`, imports it, removes it: the new
/// page and the import's warnings, or the message.
fn run_import(
    root: &Path,
    section: &str,
    upload: &Upload,
    now: jiff::Timestamp,
) -> Result<(String, Vec<String>), String> {
    let dir = root.join(".wenming").join("desk-uploads");
    let mut suffix = [0u8; 8];
    getrandom::fill(&mut suffix).map_err(|e| e.to_string())?;
    let name: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
    let temp = dir.join(format!("{name}.docx"));
    files::write_atomic(&temp, &upload.bytes).map_err(|e| format!("无法保存上传的文件：{e}"))?;
    let result = import::import(&ImportOptions {
        root: root.to_path_buf(),
        file: temp.clone(),
        section: section.to_string(),
        kind: None,
        now,
    });
    let _ = std::fs::remove_file(&temp);
    match result {
        Ok(imported) => {
            let page = imported.page.to_string_lossy().replace('\\', "/");
            Ok((page, imported.warnings))
        }
        Err(d) => Err(format!(
            "无法导入“{}”：{}{}",
            upload.name,
            d.message,
            d.hint.map(|h| format!("（{h}）")).unwrap_or_default()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_go_on_a_line_of_their_own_at_the_cursor() {
        let pic = "![说明](a.jpg)";
        assert_eq!(insert_at("", None, pic), "![说明](a.jpg)\n");
        assert_eq!(
            insert_at("第一段。\n", None, pic),
            "第一段。\n\n![说明](a.jpg)\n"
        );
        assert_eq!(
            insert_at("第一段。\n\n第二段。\n", Some(5), pic),
            "第一段。\n\n![说明](a.jpg)\n\n第二段。\n"
        );
        assert_eq!(
            insert_at("一二三四", Some(2), pic),
            "一二\n\n![说明](a.jpg)\n\n三四"
        );
        // 𠀀 is two UTF-16 units.
        assert_eq!(
            insert_at("𠀀一", Some(2), pic),
            "𠀀\n\n![说明](a.jpg)\n\n一"
        );
    }
}
