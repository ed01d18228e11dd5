//! `wenming serve`: a live preview. The site is built into memory and served over HTTP on
//! 127.0.0.1 (unless told otherwise); the sources are watched, and each save rebuilds only
//! what it touched (`incremental`), then tells open pages to reload (`livereload`) or shows
//! the errors over the last good page (`overlay`). The output folder is never written.
//!
//! - `incremental`: the site in memory and the rebuild after a change;
//! - `watch`: which files changed, debounced;
//! - `server`: HTTP, confined to the site's files;
//! - `connections`: accepting connections, with limits on heads, time and their number;
//! - `livereload`, `overlay`: the browser side.

pub mod connections;
pub mod incremental;
pub mod livereload;
pub mod overlay;
pub mod server;
pub mod watch;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use tokio::sync::broadcast;

use crate::error::Diagnostic;
use incremental::{Changes, LiveSite, Outcome};
use livereload::{MAX_LISTED, Message};
use overlay::ErrorView;
use server::{AppState, Status};

/// What `wenming serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 lets the system choose a free port.
    pub port: u16,
    pub drafts: bool,
    /// The moment every rebuild treats as now (`WENMING_NOW`); `None`: the clock at each
    /// rebuild.
    pub now: Option<Timestamp>,
    /// The header read timeout and the connection cap (tests make them small).
    pub limits: connections::Limits,
    /// Host names answered besides localhost and the bound address (`--allow-host`).
    pub allow_hosts: Vec<String>,
    /// The editor's desk password (`--desk-password`, `WENMING_DESK_PASSWORD`): needed to
    /// open the desk when bound to another address than loopback.
    pub desk_password: Option<crate::desk::Password>,
}

/// What happens while serving, for the command line to show.
#[derive(Debug)]
pub enum ServeEvent {
    /// The first build finished (or failed) before the server started.
    FirstBuild { outcome: Outcome, seconds: f64 },
    /// The server is listening at `url`; the editor's desk is at `desk`, open or not.
    Listening {
        url: String,
        desk: String,
        desk_access: crate::desk::Access,
    },
    /// Files changed and the site was rebuilt (or found unchanged, or failed).
    Rebuilt {
        /// The changed source files, relative to the root.
        sources: Vec<PathBuf>,
        outcome: Outcome,
        seconds: f64,
    },
    /// Rebuilt because the moment `due` passed: a scheduled page was published or a page
    /// expired.
    FellDue {
        due: Timestamp,
        outcome: Outcome,
        seconds: f64,
    },
    /// The file watcher reported a problem.
    WatchError(Diagnostic),
}

/// Builds the site, serves it and rebuilds on every change, until the process ends.
/// `report` is called for everything worth telling the user.
pub fn serve(
    options: &ServeOptions,
    report: impl Fn(ServeEvent) + Send + Sync + 'static,
) -> Result<(), Diagnostic> {
    let root = options.root.canonicalize().map_err(|e| {
        Diagnostic::new(&options.root, format!("站点目录无法打开：{e}"))
            .hint("用 --root 指定含有 site.yaml 的目录")
    })?;
    let started = Instant::now();
    let fixed_now = options.now;
    let now = move || fixed_now.unwrap_or_else(Timestamp::now);
    let (live, outcome) = LiveSite::new(&root, options.drafts, now());
    let status = Arc::new(RwLock::new(Status::default()));
    let (messages, _) = broadcast::channel(livereload::QUEUED_MESSAGES);
    publish(&status, &messages, &outcome);
    report(ServeEvent::FirstBuild {
        outcome,
        seconds: started.elapsed().as_secs_f64(),
    });

    let address = SocketAddr::new(options.bind, options.port);
    let listener = TcpListener::bind(address).map_err(|e| {
        Diagnostic::new("", format!("无法监听 {address}：{e}"))
            .hint("端口可能已被占用：换一个端口，例如 --port 1112")
    })?;
    listener
        .set_nonblocking(true)
        .map_err(|e| Diagnostic::new("", format!("无法监听 {address}：{e}")))?;
    let local = listener
        .local_addr()
        .map_err(|e| Diagnostic::new("", format!("无法监听 {address}：{e}")))?;
    let base_path = live.base_path();
    let state = AppState {
        files: live.files(),
        status: status.clone(),
        messages: messages.clone(),
        base_path: base_path.clone().into(),
        hosts: Arc::new(server::AllowedHosts::new(
            options.bind,
            &options.allow_hosts,
        )),
    };

    let (desk, desk_access) = desk(options, &root);

    let mut watch = watch::Watch::start(&root)?;
    let report = Arc::new(report);
    let rebuild_report = report.clone();
    std::thread::Builder::new()
        .name("wenming-rebuild".into())
        .spawn(move || {
            let mut live = live;
            loop {
                let due = live.next_due();
                let Some(batch) = watch.next_batch(due.map(|due| wait_until(due, now()))) else {
                    break;
                };
                let paths = match batch {
                    Ok(paths) => paths,
                    Err(e) => {
                        rebuild_report(ServeEvent::WatchError(e));
                        continue;
                    }
                };
                let paths: Vec<PathBuf> =
                    paths.into_iter().filter(|p| live.is_relevant(p)).collect();
                if paths.is_empty() {
                    // 定时发布: scheduled pages appear (and expired ones go) at their time.
                    if let Some(due) = due.filter(|&due| due <= now()) {
                        let started = Instant::now();
                        let outcome = live.republish(now());
                        publish(&status, &messages, &outcome);
                        rebuild_report(ServeEvent::FellDue {
                            due,
                            outcome,
                            seconds: started.elapsed().as_secs_f64(),
                        });
                    }
                    continue;
                }
                let started = Instant::now();
                let outcome = live.update(&paths, now());
                publish(&status, &messages, &outcome);
                rebuild_report(ServeEvent::Rebuilt {
                    sources: paths
                        .iter()
                        .map(|p| p.strip_prefix(live.root()).unwrap_or(p).to_path_buf())
                        .collect(),
                    outcome,
                    seconds: started.elapsed().as_secs_f64(),
                });
            }
        })
        .map_err(|e| Diagnostic::new("", format!("无法启动重建线程：{e}")))?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| Diagnostic::new("", format!("无法启动服务器：{e}")))?;
    let limits = options.limits;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| Diagnostic::new("", format!("无法监听 {address}：{e}")))?;
        let host = match local.ip() {
            IpAddr::V6(ip) => format!("[{ip}]"),
            IpAddr::V4(ip) => ip.to_string(),
        };
        report(ServeEvent::Listening {
            url: format!("http://{host}:{}{base_path}/", local.port()),
            desk: format!("http://{host}:{}{}", local.port(), crate::desk::DESK_PATH),
            desk_access,
        });
        connections::serve(listener, server::router(state, desk), limits).await;
        Ok(())
    })
}

/// The editor's desk for the site at `root` (its routes, and who may use it).
fn desk(options: &ServeOptions, root: &std::path::Path) -> (axum::Router, crate::desk::Access) {
    let config = crate::config::Config::load(root)
        .map(|c| c.desk)
        .unwrap_or_default();
    let access = crate::desk::Access::for_serve(
        options.bind,
        &options.allow_hosts,
        options.desk_password.clone(),
    );
    let router = crate::desk::router(crate::desk::DeskOptions {
        root: root.to_path_buf(),
        access: access.clone(),
        now: options.now,
        max_upload: config.max_upload,
        reviewers: config.reviewers,
    });
    (router, access)
}

/// How long to wait for changes before the moment `due`: until just after it (a page dated
/// `due` is published once now ≥ `due`), and at most a minute, so that a clock set forward
/// is noticed.
fn wait_until(due: Timestamp, now: Timestamp) -> Duration {
    let left = due.duration_since(now).as_millis().max(0) as u64;
    Duration::from_millis(left.min(60_000) + 20)
}

/// Tells the server and the browsers what a rebuild did.
fn publish(status: &RwLock<Status>, messages: &broadcast::Sender<Message>, outcome: &Outcome) {
    let message = {
        let mut s = status.write().unwrap_or_else(|e| e.into_inner());
        match outcome {
            Outcome::Changed(Changes { paths, .. }) => {
                // The first good build replaces the placeholder page: everything reloads.
                let first = !s.built;
                s.build += 1;
                s.built = true;
                s.errors = None;
                Message {
                    build: s.build,
                    hello: false,
                    all: first || paths.len() > MAX_LISTED,
                    changed: if paths.len() > MAX_LISTED {
                        Vec::new()
                    } else {
                        paths.clone()
                    },
                    errors: None,
                    error_count: 0,
                }
            }
            Outcome::Unchanged => {
                s.errors = None;
                Message {
                    build: s.build,
                    hello: false,
                    changed: Vec::new(),
                    all: false,
                    errors: None,
                    error_count: 0,
                }
            }
            Outcome::Failed(errors) => {
                let (views, count) = livereload::shown_errors(ErrorView::all(errors));
                s.errors = Some((views.clone(), count));
                Message {
                    build: s.build,
                    hello: false,
                    changed: Vec::new(),
                    all: false,
                    errors: Some(views),
                    error_count: count,
                }
            }
        }
    };
    // No browser listening is fine.
    let _ = messages.send(message);
}
