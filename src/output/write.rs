//! Writes a build without ever leaving a half-written site. Files are first written into a
//! staging folder beside the output, streamed as they are rendered; nothing in the output is
//! touched until the whole build has succeeded. Then only what changed is moved in (a new
//! output folder is swapped in with one rename), the replaced files are kept in a backup
//! folder, and a journal records the commit so an interrupted commit is rolled back by the
//! next build. Unchanged files are never rewritten, so they keep their modification time.

use std::collections::HashMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use walkdir::WalkDir;

use super::compress;
use super::{Bytes, OutputFile};
use crate::error::Diagnostic;

/// What a write did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// The staging, backup and journal paths that belong to one output folder.
struct Paths {
    output: PathBuf,
    staging: PathBuf,
    backup: PathBuf,
    journal: PathBuf,
    lock: PathBuf,
}

impl Paths {
    fn new(output: &Path) -> Paths {
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "public".into());
        let sibling = |suffix: &str| output.with_file_name(format!(".{name}.wenming-{suffix}"));
        Paths {
            output: output.to_path_buf(),
            staging: sibling("staging"),
            backup: sibling("backup"),
            journal: sibling("journal"),
            lock: sibling("lock"),
        }
    }
}

/// Collects a build's files in staging, then commits them into the output folder.
pub struct OutputWriter {
    paths: Paths,
    /// The output folder did not exist: staging becomes it with one rename.
    fresh: bool,
    /// Write compressed twins beside text files (`output: {compress: …}`).
    compress: bool,
    /// Every path put so far, and whether it differs from the current output.
    entries: Mutex<HashMap<String, bool>>,
    /// Held (locked) until the writer is dropped: one build per output folder at a time.
    _lock: fs::File,
}

/// Takes the lock file beside the output, so a second build of the same output stops with
/// a message instead of mixing its files into the first one's. The operating system releases
/// the lock when the process ends, however it ends, so a killed build never leaves it held.
fn lock_output(p: &Paths) -> Result<fs::File, Diagnostic> {
    let mut file = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&p.lock)
        .map_err(|e| Diagnostic::io(&p.lock, "创建构建锁文件", &e))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            let holder = fs::read_to_string(&p.lock).unwrap_or_default();
            let holder = holder.trim();
            let who = if holder.is_empty() {
                "另一个 wenming 构建".to_string()
            } else {
                format!("另一个 wenming 构建（进程 {holder}）")
            };
            return Err(Diagnostic::new(
                &p.output,
                format!("{who}正在写入输出目录 {}", p.output.display()),
            )
            .hint("等那个构建结束后再运行；它结束（或被终止）时锁会自动释放"));
        }
        Err(fs::TryLockError::Error(e)) => return Err(Diagnostic::io(&p.lock, "锁定输出目录", &e)),
    }
    // Who holds the lock, for the message above; the lock itself does not depend on it.
    let _ = file
        .set_len(0)
        .and_then(|()| file.write_all(std::process::id().to_string().as_bytes()));
    Ok(file)
}

impl OutputWriter {
    /// Prepares to write into `output`, first rolling back any commit a killed build left.
    pub fn begin(output: &Path) -> Result<OutputWriter, Diagnostic> {
        let paths = Paths::new(output);
        if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(|e| Diagnostic::io(parent, "创建输出目录", &e))?;
        }
        let lock = lock_output(&paths)?;
        recover(&paths)?;
        if paths.staging.exists() {
            fs::remove_dir_all(&paths.staging)
                .map_err(|e| Diagnostic::io(&paths.staging, "清理上次中断的构建", &e))?;
        }
        fs::create_dir_all(&paths.staging)
            .map_err(|e| Diagnostic::io(&paths.staging, "创建临时目录", &e))?;
        let fresh = !output.exists();
        Ok(OutputWriter {
            paths,
            fresh,
            compress: true,
            entries: Mutex::new(HashMap::new()),
            _lock: lock,
        })
    }

    /// Whether compressed twins are written beside text files (on by default).
    pub fn compress(mut self, on: bool) -> Self {
        self.compress = on;
        self
    }

    /// Stages one file. Safe to call from many threads; a later file with the same path
    /// replaces an earlier one.
    pub fn put(&self, file: OutputFile) -> Result<(), Diagnostic> {
        let owned;
        let bytes: &[u8] = match &file.bytes {
            Bytes::Owned(b) => b,
            Bytes::Embedded(b) => b,
            Bytes::File(src) => {
                owned = fs::read(src).map_err(|e| Diagnostic::io(src, "读取文件", &e))?;
                &owned
            }
        };
        let changed = self.put_bytes(&file.path, bytes)?;
        let twin_paths = [format!("{}.gz", file.path), format!("{}.br", file.path)];
        if !(self.compress && compress::wants_twins(&file.path, bytes.len())) {
            // An earlier file put at the same path (a theme file the site overrides) may
            // have had twins: they would not match this file.
            for path in &twin_paths {
                self.forget(path)?;
            }
            return Ok(());
        }
        // Compressing is the dear part: an unchanged file keeps the twins it has.
        let twins_present = twin_paths
            .iter()
            .all(|t| fs::symlink_metadata(self.paths.output.join(t)).is_ok_and(|m| m.is_file()));
        if changed || !twins_present {
            for (path, twin) in compress::twins(&file.path, bytes) {
                self.put_bytes(&path, &twin)?;
            }
        } else {
            for path in twin_paths {
                self.keep(&path);
            }
        }
        Ok(())
    }

    /// Takes back a file put earlier at `path`, if any.
    fn forget(&self, path: &str) -> Result<(), Diagnostic> {
        let was_staged = {
            let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            entries.remove(path).unwrap_or(false)
        };
        if was_staged {
            let staged = self.paths.staging.join(path);
            fs::remove_file(&staged).map_err(|e| Diagnostic::io(&staged, "删除临时文件", &e))?;
        }
        Ok(())
    }

    /// Keeps the output's current file at `path` as it is.
    fn keep(&self, path: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.insert(path.to_string(), false);
    }

    /// Stages `bytes` at `path` if they differ from the output's; says whether they did.
    fn put_bytes(&self, path: &str, bytes: &[u8]) -> Result<bool, Diagnostic> {
        let file = OutputFile {
            path: path.to_string(),
            bytes: Bytes::Owned(Vec::new()),
        };
        let staged = self.paths.staging.join(&file.path);
        let changed = self.fresh || !same_bytes(&self.paths.output.join(&file.path), bytes);
        let was_staged = {
            let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            entries.insert(file.path.clone(), changed).unwrap_or(false)
        };
        if changed {
            if let Some(parent) = staged.parent() {
                fs::create_dir_all(parent).map_err(|e| Diagnostic::io(parent, "创建目录", &e))?;
            }
            fs::write(&staged, bytes).map_err(|e| Diagnostic::io(&staged, "写入文件", &e))?;
        } else if was_staged {
            fs::remove_file(&staged).map_err(|e| Diagnostic::io(&staged, "删除临时文件", &e))?;
        }
        Ok(changed)
    }

    /// Discards everything staged; the output folder was never touched.
    pub fn abort(self) {
        let _ = fs::remove_dir_all(&self.paths.staging);
    }

    /// Makes the output folder hold exactly the files put, changing only what differs.
    pub fn commit(self) -> Result<WriteReport, Diagnostic> {
        let entries = self.entries.into_inner().unwrap_or_else(|e| e.into_inner());
        let written = entries.values().filter(|c| **c).count();
        let unchanged = entries.len() - written;
        let p = &self.paths;
        if self.fresh {
            fs::rename(&p.staging, &p.output)
                .map_err(|e| Diagnostic::io(&p.output, "启用输出目录", &e))?;
            return Ok(WriteReport {
                written,
                unchanged,
                removed: 0,
            });
        }
        let mut changed: Vec<&String> = entries
            .iter()
            .filter(|(_, c)| **c)
            .map(|(path, _)| path)
            .collect();
        changed.sort();
        let removed = stale_files(&p.output, &entries);
        if changed.is_empty() && removed.is_empty() {
            let _ = fs::remove_dir_all(&p.staging);
            return Ok(WriteReport {
                written,
                unchanged,
                removed: 0,
            });
        }
        write_journal(p, &changed, &removed)?;
        if let Err(e) = apply(p, &changed, &removed) {
            // Put the previous site back before reporting.
            let _ = recover(p);
            return Err(e);
        }
        // Removing the journal is the commit point; what follows is cleanup.
        fs::remove_file(&p.journal).map_err(|e| Diagnostic::io(&p.journal, "完成提交", &e))?;
        let _ = fs::remove_dir_all(&p.backup);
        let _ = fs::remove_dir_all(&p.staging);
        Ok(WriteReport {
            written,
            unchanged,
            removed: removed.len(),
        })
    }
}

/// Files in the output that this build did not produce.
fn stale_files(output: &Path, entries: &HashMap<String, bool>) -> Vec<String> {
    let mut out: Vec<String> = WalkDir::new(output)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .filter_map(|e| {
            e.path()
                .strip_prefix(output)
                .ok()
                .and_then(Path::to_str)
                .map(|s| s.replace('\\', "/"))
        })
        .filter(|rel| !entries.contains_key(rel))
        .collect();
    out.sort();
    out
}

fn write_journal(p: &Paths, changed: &[&String], removed: &[String]) -> Result<(), Diagnostic> {
    let mut text = String::new();
    for c in changed {
        text.push_str("C ");
        text.push_str(c);
        text.push('\n');
    }
    for r in removed {
        text.push_str("D ");
        text.push_str(r);
        text.push('\n');
    }
    let mut f =
        fs::File::create(&p.journal).map_err(|e| Diagnostic::io(&p.journal, "写入提交记录", &e))?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| Diagnostic::io(&p.journal, "写入提交记录", &e))
}

fn move_file(from: &Path, to: &Path) -> Result<(), Diagnostic> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent).map_err(|e| Diagnostic::io(parent, "创建目录", &e))?;
    }
    fs::rename(from, to).map_err(|e| Diagnostic::io(to, "移动文件", &e))
}

fn apply(p: &Paths, changed: &[&String], removed: &[String]) -> Result<(), Diagnostic> {
    for rel in changed {
        let target = p.output.join(rel.as_str());
        if fs::symlink_metadata(&target).is_ok() {
            move_file(&target, &p.backup.join(rel.as_str()))?;
        }
        move_file(&p.staging.join(rel.as_str()), &target)?;
    }
    for rel in removed {
        move_file(&p.output.join(rel), &p.backup.join(rel))?;
        remove_empty_parents(&p.output, &p.output.join(rel));
    }
    Ok(())
}

/// Removes folders emptied by deleting `file`, up to (not including) `output`.
fn remove_empty_parents(output: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == output || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Undoes a commit that was interrupted: replaced and removed files come back from the
/// backup, files that were new are removed.
fn recover(p: &Paths) -> Result<(), Diagnostic> {
    let Ok(journal) = fs::read_to_string(&p.journal) else {
        if p.backup.exists() {
            // The journal was removed, so the commit finished; only cleanup was cut short.
            let _ = fs::remove_dir_all(&p.backup);
        }
        return Ok(());
    };
    for line in journal.lines() {
        let Some((op, rel)) = line.split_once(' ') else {
            continue;
        };
        let target = p.output.join(rel);
        let saved = p.backup.join(rel);
        if saved.exists() {
            move_file(&saved, &target)?;
        } else if op == "C" && fs::symlink_metadata(&target).is_ok() {
            fs::remove_file(&target)
                .map_err(|e| Diagnostic::io(&target, "撤销未完成的提交", &e))?;
            remove_empty_parents(&p.output, &target);
        }
    }
    let _ = fs::remove_dir_all(&p.backup);
    let _ = fs::remove_dir_all(&p.staging);
    fs::remove_file(&p.journal).map_err(|e| Diagnostic::io(&p.journal, "撤销未完成的提交", &e))
}

fn same_bytes(old: &Path, new: &[u8]) -> bool {
    match fs::symlink_metadata(old) {
        Ok(m) if m.is_file() && m.len() == new.len() as u64 => {
            fs::read(old).is_ok_and(|b| b == new)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(w: &OutputWriter, path: &str, text: &str) {
        w.put(OutputFile::text(path, text.to_string()))
            .unwrap_or_else(|d| panic!("{d}"));
    }

    fn tree(dir: &Path) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                (rel, fs::read_to_string(e.path()).unwrap_or_default())
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn second_build_changes_only_what_differs_and_removes_stale_files() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let out = tmp.path().join("public");
        let w = OutputWriter::begin(&out).unwrap_or_else(|d| panic!("{d}"));
        put(&w, "a/index.html", "A");
        put(&w, "old/index.html", "old");
        put(&w, "keep.txt", "same");
        assert_eq!(
            w.commit(),
            Ok(WriteReport {
                written: 3,
                unchanged: 0,
                removed: 0
            })
        );

        let w = OutputWriter::begin(&out).unwrap_or_else(|d| panic!("{d}"));
        put(&w, "a/index.html", "A2");
        put(&w, "keep.txt", "same");
        put(&w, "b/index.html", "B");
        assert_eq!(
            w.commit(),
            Ok(WriteReport {
                written: 2,
                unchanged: 1,
                removed: 1
            })
        );
        assert_eq!(
            tree(&out),
            vec![
                ("a/index.html".into(), "A2".into()),
                ("b/index.html".into(), "B".into()),
                ("keep.txt".into(), "same".into())
            ]
        );
        assert!(!out.join("old").exists(), "emptied folders are removed");
        assert!(!tmp.path().join(".public.wenming-staging").exists());
        assert!(!tmp.path().join(".public.wenming-backup").exists());
    }

    #[test]
    fn a_second_writer_of_the_same_output_is_refused_until_the_first_ends() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let out = tmp.path().join("public");
        let first = OutputWriter::begin(&out).unwrap_or_else(|d| panic!("{d}"));
        put(&first, "index.html", "first");
        let Err(refused) = OutputWriter::begin(&out) else {
            panic!("a second writer must be refused while the first holds the lock");
        };
        assert_eq!(
            refused.to_string(),
            format!(
                "{}: 另一个 wenming 构建（进程 {}）正在写入输出目录 {}\n    提示：等那个构建结束后再运行；它结束（或被终止）时锁会自动释放",
                out.display(),
                std::process::id(),
                out.display()
            )
        );
        assert!(first.commit().is_ok());
        let second = OutputWriter::begin(&out).unwrap_or_else(|d| panic!("{d}"));
        second.abort();
        assert_eq!(tree(&out), vec![("index.html".into(), "first".into())]);
    }

    #[test]
    fn aborted_build_leaves_output_untouched() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let out = tmp.path().join("public");
        let w = OutputWriter::begin(&out).unwrap_or_else(|d| panic!("{d}"));
        put(&w, "index.html", "v1");
        assert!(w.commit().is_ok());
        let w = OutputWriter::begin(&out).unwrap_or_else(|d| panic!("{d}"));
        put(&w, "index.html", "v2");
        w.abort();
        assert_eq!(tree(&out), vec![("index.html".into(), "v1".into())]);
    }

    #[test]
    fn interrupted_commit_is_rolled_back_by_the_next_build() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let out = tmp.path().join("public");
        let w = OutputWriter::begin(&out).unwrap_or_else(|d| panic!("{d}"));
        put(&w, "index.html", "v1");
        put(&w, "gone.html", "g");
        assert!(w.commit().is_ok());

        // Simulate a build killed half way through its commit: journal written, index.html
        // replaced, new.html added, gone.html not yet removed.
        let p = Paths::new(&out);
        fs::write(&p.journal, "C index.html\nC new.html\nD gone.html\n")
            .unwrap_or_else(|e| panic!("{e}"));
        fs::create_dir_all(&p.backup).unwrap_or_else(|e| panic!("{e}"));
        fs::rename(out.join("index.html"), p.backup.join("index.html"))
            .unwrap_or_else(|e| panic!("{e}"));
        fs::write(out.join("index.html"), "v2").unwrap_or_else(|e| panic!("{e}"));
        fs::write(out.join("new.html"), "n").unwrap_or_else(|e| panic!("{e}"));

        let w = OutputWriter::begin(&out).unwrap_or_else(|d| panic!("{d}"));
        assert_eq!(
            tree(&out),
            vec![
                ("gone.html".into(), "g".into()),
                ("index.html".into(), "v1".into())
            ]
        );
        w.abort();
        assert!(!p.journal.exists());
    }
}
