//! 历史版本: the versions a page had before each save, listed newest first; any one can be
//! viewed and restored (restoring is a save: the version it replaces is kept too). When the
//! site is a git repository, the page's commits are listed too, and a commit's version is
//! viewed and restored the same way (its id is `git-` and the commit's hash).

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::access::{CheckedForm, FormMap, Session};
use super::{Desk, files, git, html};

/// The id of a commit's version in `v=`.
const GIT_PREFIX: &str = "git-";

/// The bytes of version `name` of `file`: a kept version, or `git-<hash>`.
fn read(root: &std::path::Path, file: &files::SiteFile, name: &str) -> Option<Vec<u8>> {
    match name.strip_prefix(GIT_PREFIX) {
        Some(hash) => git::show(root, hash, &file.rel),
        None => files::read_version(root, file, name),
    }
}

/// A version's name for people.
fn label(name: &str) -> String {
    match name.strip_prefix(GIT_PREFIX) {
        Some(hash) => format!("git 提交 {}", &hash[..hash.len().min(7)]),
        None => files::version_label(name),
    }
}

/// The table of the page's git commits ("" when none).
fn commits_html(rel: &str, commits: &[git::Commit]) -> String {
    if commits.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "<h2>git 提交记录</h2><table><thead><tr><th scope=\"col\">提交时间</th><th scope=\"col\">作者</th><th scope=\"col\">说明</th><th scope=\"col\">操作</th></tr></thead><tbody>",
    );
    for c in commits {
        out.push_str(&format!(
            "<tr><td>{date}</td><td>{author}</td><td>{subject}</td><td><a href=\"/_desk/version?file={file}&amp;v={GIT_PREFIX}{hash}\" aria-label=\"查看 {date} 提交的版本\">查看</a></td></tr>",
            date = html::text(&c.date),
            author = html::text(&c.author),
            subject = html::text(&c.subject),
            file = html::query(rel),
            hash = c.hash,
        ));
    }
    out.push_str("</tbody></table>");
    out
}

/// `GET /_desk/history?file=…`
pub async fn list(State(desk): State<Arc<Desk>>, Query(query): Query<FormMap>) -> Response {
    let rel = query.get("file").cloned().unwrap_or_default();
    let Some(file) = files::page_file(&desk.root, &rel) else {
        return html::not_found(&rel);
    };
    let versions = files::versions(&desk.root, &file);
    let (root, rel_for_git) = (desk.root.clone(), file.rel.clone());
    let commits = tokio::task::spawn_blocking(move || git::log(&root, &rel_for_git))
        .await
        .unwrap_or_default();
    let mut main = format!(
        "<h1>历史版本</h1><p>稿件：<a href=\"/_desk/edit?file={}\"><code>{}</code></a></p>",
        html::query(&rel),
        html::text(&rel)
    );
    if versions.is_empty() {
        main.push_str(
            "<p>这篇稿件还没有历史版本：每次在编辑台保存时，保存前的内容会留在这里。</p>",
        );
    } else {
        main.push_str("<table><thead><tr><th scope=\"col\">保存时间</th><th scope=\"col\">大小</th><th scope=\"col\">操作</th></tr></thead><tbody>");
        for (name, size) in &versions {
            main.push_str(&format!(
                "<tr><td>{label}</td><td>{size} 字节</td><td><a href=\"/_desk/version?file={file}&amp;v={v}\" aria-label=\"查看 {label} 的版本\">查看</a></td></tr>",
                label = html::text(&files::version_label(name)),
                file = html::query(&rel),
                v = html::query(name),
            ));
        }
        main.push_str("</tbody></table>");
    }
    main.push_str(&commits_html(&rel, &commits));
    html::page(StatusCode::OK, "历史版本", &main, "")
}

/// `GET /_desk/version?file=…&v=…`: one version, with the button to restore it.
pub async fn view(
    State(desk): State<Arc<Desk>>,
    Extension(session): Extension<Session>,
    Query(query): Query<FormMap>,
) -> Response {
    let rel = query.get("file").cloned().unwrap_or_default();
    let name = query.get("v").cloned().unwrap_or_default();
    let Some(file) = files::page_file(&desk.root, &rel) else {
        return html::not_found(&rel);
    };
    let Some(bytes) = read(&desk.root, &file, &name) else {
        return html::not_found(&format!("{rel} 的版本 {name}"));
    };
    let current = std::fs::read(&file.path).unwrap_or_default();
    let main = format!(
        "<h1>历史版本：{label}</h1><p>稿件：<a href=\"/_desk/edit?file={q}\"><code>{rel}</code></a>　<a href=\"/_desk/history?file={q}\">全部历史版本</a></p>\
         <form method=\"post\" action=\"/_desk/restore\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <input type=\"hidden\" name=\"file\" value=\"{rel_attr}\"><input type=\"hidden\" name=\"v\" value=\"{v}\">\
         <input type=\"hidden\" name=\"hash\" value=\"{hash}\"><div class=\"actions\"><button type=\"submit\">恢复此版本</button></div></form>\
         <pre class=\"source\">{text}</pre>",
        label = html::text(&label(&name)),
        q = html::query(&rel),
        rel = html::text(&rel),
        rel_attr = html::attr(&rel),
        csrf = html::attr(&session.csrf),
        v = html::attr(&name),
        hash = files::hash(&current),
        text = html::text(&String::from_utf8_lossy(&bytes)),
    );
    html::page(StatusCode::OK, "历史版本", &main, "")
}

/// `POST /_desk/restore`: writes the version back, keeping the one it replaces.
pub async fn restore(
    State(desk): State<Arc<Desk>>,
    CheckedForm(session, form): CheckedForm,
) -> Response {
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let (rel, name) = (get("file"), get("v"));
    let Some(file) = files::page_file(&desk.root, &rel) else {
        return super::access::forbidden("只能恢复 content/ 下的稿件（.md 文件）");
    };
    let Some(version) = read(&desk.root, &file, &name) else {
        return html::not_found(&format!("{rel} 的版本 {name}"));
    };
    let _guard = desk.write_lock.lock().await;
    let current = std::fs::read(&file.path).unwrap_or_default();
    if files::hash(&current) != get("hash") {
        let main = format!(
            "<h1>恢复冲突</h1>{}<p><a href=\"/_desk/version?file={}&amp;v={}\">重新打开这个版本</a></p>",
            html::notice(
                "error",
                "冲突：稿件在您打开这个版本之后已被修改，没有恢复，磁盘上的文件没有改动。请重新打开这个版本后再恢复。"
            ),
            html::query(&rel),
            html::query(&name)
        );
        return html::page(StatusCode::CONFLICT, "恢复冲突", &main, "");
    }
    if current != version {
        let kept = if current.is_empty() && !file.path.exists() {
            Ok(String::new())
        } else {
            files::keep_version(&desk.root, &file, &current, desk.now())
        };
        if let Err(e) = kept.and_then(|_| files::write_atomic(&file.path, &version)) {
            return html::page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "恢复失败",
                &html::notice("error", &format!("无法恢复 {rel}：{e}")),
                "",
            );
        }
        let message = format!("编辑台：恢复 {rel} 到 {} 的版本", label(&name));
        desk.record(&session.csrf, vec![rel.clone()], &message, "");
    }
    html::redirect(&format!(
        "/_desk/edit?file={}&saved=restored",
        html::query(&rel)
    ))
}
