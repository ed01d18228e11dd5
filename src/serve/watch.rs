//! Watching the site's sources with `notify`, debounced: an editor's save (often several
//! writes and renames within a few milliseconds) arrives as one batch of changed paths.
//! Only `site.yaml`, `content/`, `data/`, `static/`, `templates/` and `themes/` are watched
//! (never the output folder or anything else under the root); editors' swap and backup
//! files are left out.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

use notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::content::is_ignored_name;
use crate::error::Diagnostic;

/// How long the files must be quiet before a batch of changes is handed on.
pub const DEBOUNCE: Duration = Duration::from_millis(20);

/// The folders below the site root that hold sources.
pub const SOURCE_DIRS: &[&str] = &["content", "data", "static", "templates", "themes"];

/// A running watch; dropping it stops watching.
pub struct Watch {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    events: Receiver<DebounceEventResult>,
    root: PathBuf,
    watched: BTreeSet<PathBuf>,
}

impl Watch {
    /// Starts watching the sources of the site at `root` (an absolute path).
    pub fn start(root: &Path) -> Result<Watch, Diagnostic> {
        let (tx, events) = channel();
        let debouncer = new_debouncer(DEBOUNCE, None, tx)
            .map_err(|e| Diagnostic::new("", format!("无法监视文件变化：{e}")))?;
        let mut watch = Watch {
            debouncer,
            events,
            root: root.to_path_buf(),
            watched: BTreeSet::new(),
        };
        // The root itself only for site.yaml and for source folders that appear later.
        watch
            .debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| watch_error(root, e))?;
        watch.watch_new_dirs()?;
        Ok(watch)
    }

    fn watch_new_dirs(&mut self) -> Result<(), Diagnostic> {
        for name in SOURCE_DIRS {
            let dir = self.root.join(name);
            if dir.is_dir() && !self.watched.contains(&dir) {
                self.debouncer
                    .watch(&dir, RecursiveMode::Recursive)
                    .map_err(|e| watch_error(&dir, e))?;
                self.watched.insert(dir);
            } else if !dir.is_dir() && self.watched.remove(&dir) {
                let _ = self.debouncer.unwatch(&dir);
            }
        }
        Ok(())
    }

    /// Waits for the next batch of changed source paths, at most `wait` when given (then an
    /// empty batch). Batches that arrive together are merged. `None` when the watcher has
    /// stopped.
    pub fn next_batch(
        &mut self,
        wait: Option<Duration>,
    ) -> Option<Result<Vec<PathBuf>, Diagnostic>> {
        let first = match wait {
            None => self.events.recv().ok()?,
            Some(wait) => match self.events.recv_timeout(wait) {
                Ok(first) => first,
                Err(RecvTimeoutError::Timeout) => return Some(Ok(Vec::new())),
                Err(RecvTimeoutError::Disconnected) => return None,
            },
        };
        let mut paths = BTreeSet::new();
        let mut error = None;
        // Reading a file is no change (and wenming's own reads must not trigger rebuilds).
        let mut take = |r: DebounceEventResult, paths: &mut BTreeSet<PathBuf>| match r {
            Ok(events) => paths.extend(
                events
                    .into_iter()
                    .filter(|e| !matches!(e.event.kind, EventKind::Access(_)))
                    .flat_map(|e| e.event.paths),
            ),
            Err(errors) => error = errors.into_iter().next(),
        };
        take(first, &mut paths);
        loop {
            match self.events.recv_timeout(Duration::ZERO) {
                Ok(r) => take(r, &mut paths),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        if let Some(e) = error {
            return Some(Err(Diagnostic::new("", format!("监视文件变化时出错：{e}"))));
        }
        let root_level = paths
            .iter()
            .any(|p| p.parent() == Some(self.root.as_path()));
        if root_level && let Err(e) = self.watch_new_dirs() {
            return Some(Err(e));
        }
        Some(Ok(paths
            .into_iter()
            .filter(|p| self.is_source(p))
            .collect()))
    }

    /// A path under a source folder or `site.yaml`, and no editor leftover.
    fn is_source(&self, path: &Path) -> bool {
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return false;
        };
        let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
        let Some(first) = parts.next() else {
            return false;
        };
        (first == "site.yaml" || SOURCE_DIRS.contains(&first.as_ref()))
            && !rel
                .components()
                .any(|c| is_ignored_name(&c.as_os_str().to_string_lossy()))
    }
}

fn watch_error(path: &Path, e: notify::Error) -> Diagnostic {
    Diagnostic::new(path, format!("无法监视该目录：{e}"))
        .hint("在 Linux 上可能是 inotify 监视数量不够：sysctl fs.inotify.max_user_watches=524288")
}
