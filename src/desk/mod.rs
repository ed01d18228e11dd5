//! The editor's desk (编辑台) of `wenming serve`, at `/_desk/`: editors list, write, edit and
//! restore pages in the browser, with server-rendered Chinese forms and a little progressive
//! script. `serve` mounts [`router`] beside the site's files; `wenming build` never sees it.
//!
//! - `access`: who may use the desk (open on loopback, closed or behind a password
//!   elsewhere), sessions, CSRF tokens and the Origin check, failed-login rate limit;
//! - `files`: which files may be written (confined to `content/`, `static/`, `data/`), the
//!   file hash a form carries, atomic writes, and the history of versions;
//! - `front`: editing single fields of a front matter in place, everything else kept byte
//!   for byte;
//! - `fields`: the form's fields per kind, with Chinese labels, help and validation;
//!   `form`: the edit form as HTML;
//! - `git`: each change also committed when the site is a git repository;
//! - `list`, `edit`, `history`: the pages of the desk; `review`: 检查, 审核 and 发布 on the
//!   edit page; `upload`: forms with files (插入图片, 导入Word文档); `html`: the shared page
//!   shell; `survey`: the site's pages and findings, kept while its files are unchanged.

mod access;
mod edit;
mod fields;
mod files;
mod form;
mod front;
mod git;
mod history;
mod html;
mod list;
mod questions;
mod ranking;
mod review;
mod survey;
mod upload;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{get, post};
use jiff::Timestamp;

pub use access::{Access, Closed, Password};

/// Where the desk lives on the preview server.
pub const DESK_PATH: &str = "/_desk/";

/// What the desk needs from `serve`.
#[derive(Debug, Clone)]
pub struct DeskOptions {
    /// The site root (canonical).
    pub root: PathBuf,
    /// Who may use it ([`Access::for_serve`]).
    pub access: Access,
    /// The moment taken as now (`WENMING_NOW`), else the clock.
    pub now: Option<Timestamp>,
    /// The largest request body read (site.yaml `desk: {max_upload}`).
    pub max_upload: u64,
    /// The names offered as 审核人 (site.yaml `desk: {reviewers}`).
    pub reviewers: Vec<String>,
}

/// The desk's state, shared by its handlers.
pub struct Desk {
    root: PathBuf,
    now: Option<Timestamp>,
    access: access::Gate,
    /// Saves run one at a time, so that the hash check and the write cannot interleave.
    write_lock: tokio::sync::Mutex<()>,
    reviewers: Vec<String>,
    max_upload: u64,
    /// Messages for a session's next page (what an import left to do), by CSRF token.
    flash: std::sync::Mutex<std::collections::HashMap<String, Vec<String>>>,
    /// The site's pages and findings, kept between requests.
    survey: survey::Cache,
}

impl Desk {
    pub fn new(options: DeskOptions) -> Desk {
        Desk {
            access: access::Gate::new(options.access),
            root: options.root,
            now: options.now,
            write_lock: tokio::sync::Mutex::new(()),
            reviewers: options.reviewers,
            max_upload: options.max_upload,
            flash: std::sync::Mutex::new(std::collections::HashMap::new()),
            survey: survey::Cache::default(),
        }
    }

    /// The site's pages and findings now (kept, or made again when the files changed), off
    /// the async threads. The outer `Err`: the blocking task failed.
    async fn survey(
        self: &Arc<Self>,
    ) -> Result<Result<Arc<survey::Survey>, String>, tokio::task::JoinError> {
        let desk = self.clone();
        let now = self.now();
        tokio::task::spawn_blocking(move || desk.survey.get(&desk.root, now)).await
    }

    /// Keeps `notes` for the next page the session with token `key` opens.
    fn flash(&self, key: &str, notes: Vec<String>) {
        let mut flash = self.flash.lock().unwrap_or_else(|e| e.into_inner());
        if flash.len() > 1000 {
            flash.clear();
        }
        if !notes.is_empty() {
            flash.entry(key.to_string()).or_default().extend(notes);
        }
    }

    /// Commits what a change wrote when the site is a git repository (`git::commit`); a
    /// failure is told to the session with token `key` on its next page.
    fn record(&self, key: &str, paths: Vec<String>, message: &str, author: &str) {
        if let Err(e) = git::commit(&self.root, &paths, message, author) {
            self.flash(key, vec![format!("已保存，但未能提交到 git 仓库：{e}")]);
        }
    }

    /// The notes kept for the session with token `key`, once.
    fn take_flash(&self, key: &str) -> Vec<String> {
        let mut flash = self.flash.lock().unwrap_or_else(|e| e.into_inner());
        flash.remove(key).unwrap_or_default()
    }

    fn now(&self) -> Timestamp {
        self.now.unwrap_or_else(Timestamp::now)
    }

    /// Whether the desk is open without a password (bound to loopback).
    pub fn access(&self) -> &Access {
        self.access.access()
    }
}

/// The desk's routes, all below [`DESK_PATH`], behind the access gate and the body limit.
pub fn router(options: DeskOptions) -> Router {
    let limit = usize::try_from(options.max_upload).unwrap_or(usize::MAX);
    let desk = Arc::new(Desk::new(options));
    // The first survey is made while the editor opens the browser.
    let warm = desk.clone();
    std::thread::spawn(move || {
        let _ = warm.survey.get(&warm.root, warm.now());
    });
    Router::new()
        .route("/_desk", get(html::to_desk))
        .route("/_desk/", get(list::list))
        .route("/_desk/desk.css", get(html::css))
        .route("/_desk/desk.js", get(html::script))
        .route("/_desk/login", post(access::login))
        .route("/_desk/new", get(edit::new_form).post(edit::create))
        .route("/_desk/edit", get(edit::edit_form).post(edit::save))
        .route("/_desk/preview", post(edit::preview))
        .route("/_desk/review", post(review::review))
        .route("/_desk/publish", post(review::publish))
        .route("/_desk/import", post(upload::import_word))
        .route("/_desk/history", get(history::list))
        .route("/_desk/version", get(history::view))
        .route("/_desk/restore", post(history::restore))
        .route("/_desk/view", get(list::view))
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn_with_state(desk.clone(), access::gate))
        .with_state(desk)
}

/// Whether a request path belongs to the desk (its POST routes pass the preview's
/// GET-only rule).
pub fn is_desk_path(path: &str) -> bool {
    path == "/_desk" || path.starts_with(DESK_PATH)
}
