//! Writes a build into the output folder so that it always holds one whole site, and touches
//! only files wenming wrote there itself.
//!
//! The scheme, in order (see docs/robustness.md for the guarantee it gives):
//! 1. Under a lock, a switch a killed build left is finished or undone (below), and the record
//!    of what the last build wrote into this output (`.wenming/output-KEY.record`: path →
//!    content hash, size, modification time) is read. Files not in it are not wenming's.
//! 2. Each file whose bytes (or whose file on disk) differ from the record is written into a
//!    staging folder inside the output (`.wenming-staging-RANDOM`, same file system), in
//!    parallel as pages are rendered; nothing visible changes while the site is built.
//! 3. When everything succeeded: every output file the switch will replace or delete is
//!    hard-linked into a backup folder (`.wenming-backup-RANDOM`), the new record is written
//!    as `output-KEY.next`, and a switch marker (`output-KEY.switch`, listing those paths and
//!    their backups) is written and flushed. Then staged files are renamed into place, stale
//!    files of the previous build deleted, and `output-KEY.next` renamed over the record: that
//!    rename is the commit point. The marker and both folders are then removed.
//! 4. A marker found with `output-KEY.next` still there means the switch did not reach its
//!    commit point: every listed path is put back from the complete backup, and paths without
//!    a backup (new in that build) are deleted. A marker without `.next` means it did: only the
//!    cleanup is left. Both steps can be repeated after another kill with the same result.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::hash::{BuildHasher as _, Hasher as _};
use std::io::{self, Write as _};
use std::os::unix::fs::{MetadataExt as _, OpenOptionsExt as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use walkdir::WalkDir;

use super::compress;
use super::state::StateDir;
use super::{Bytes, OutputFile};
use crate::error::{Diagnostic, Diagnostics};

/// What a write did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// The publish-date manifest the writer before `.wenming/` left in every output it built: an
/// output folder holding it (and no record) was built by wenming, and is adopted.
const OLD_WRITER_MANIFEST: &str = super::LEGACY_MANIFEST_FILE;

/// Folders of version control systems: never written, replaced or deleted.
const VCS_DIRS: [&str; 8] = [
    ".git", ".hg", ".svn", ".bzr", "CVS", "_darcs", ".pijul", ".jj",
];

const STAGING_PREFIX: &str = ".wenming-staging-";
const BACKUP_PREFIX: &str = ".wenming-backup-";

/// One file as the record knows it: its content hash and, to notice an edit made outside
/// wenming, the size and modification time it had when written; for a rendered file, the key
/// of everything its rendering read (see [`OutputWriter::keep`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Recorded {
    hash: String,
    size: u64,
    mtime: i64,
    mtime_ns: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<String>,
}

impl Recorded {
    /// The file on disk (`meta`) is the one this record describes.
    fn on_disk(&self, meta: &fs::Metadata) -> bool {
        meta.is_file()
            && meta.len() == self.size
            && meta.mtime() == self.mtime
            && meta.mtime_nsec() == self.mtime_ns
    }
}

/// What wenming wrote into one output folder, by path below it.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Record {
    output: PathBuf,
    files: BTreeMap<String, Recorded>,
}

/// The temporary folders of one build inside the output, named before they are created so a
/// killed build's leftovers are found again.
#[derive(Debug, Serialize, Deserialize)]
struct Pending {
    staging: String,
    backup: String,
}

/// A switch in progress: every path it changes, with the number of its backup (none when the
/// path did not exist before the switch).
#[derive(Debug, Serialize, Deserialize)]
struct Switch {
    touched: Vec<(String, Option<u64>)>,
}

/// The state file names of one output folder (`KEY` is a hash of its canonical path).
struct Names {
    lock: String,
    record: String,
    next: String,
    pending: String,
    switch: String,
}

impl Names {
    fn of(output: &Path) -> Names {
        let key = format!("{:016x}", hash64(output.as_os_str().as_encoded_bytes()));
        let name = |suffix: &str| format!("output-{key}.{suffix}");
        Names {
            lock: name("lock"),
            record: name("record"),
            next: name("next"),
            pending: name("pending"),
            switch: name("switch"),
        }
    }
}

/// A file put by this build.
struct Entry {
    recorded: Recorded,
    /// Its number in the staging folder, when it has to be written.
    staged: Option<u64>,
}

/// Collects a build's files, then switches the output folder to them.
pub struct OutputWriter {
    state: StateDir,
    names: Names,
    /// The output as the user named it, for messages.
    shown: PathBuf,
    /// The real folder written (symbolic links to it followed).
    output: PathBuf,
    /// The output folder did not exist before this build.
    created: bool,
    pending: Pending,
    staging: PathBuf,
    /// The files wenming owns in the output: the previous build's record.
    previous: BTreeMap<String, Recorded>,
    /// Files that are not wenming's may be overwritten (never deleted).
    force: bool,
    /// Write compressed twins beside text files (`output: {compress: …}`).
    compress: bool,
    next_number: AtomicU64,
    entries: Mutex<HashMap<String, Entry>>,
    /// Held (locked) until the writer is dropped: one build per output folder at a time.
    _lock: [File; 2],
}

impl OutputWriter {
    /// Prepares to write into `output` for the site at `root`: takes the lock, finishes or
    /// undoes a switch a killed build left, and reads what the previous build wrote. An output
    /// folder that is not empty and was never written by wenming is refused unless `force`.
    pub fn begin(root: &Path, output: &Path, force: bool) -> Result<OutputWriter, Diagnostic> {
        let state = StateDir::open(root)?;
        let created = fs::symlink_metadata(output).is_err();
        if created {
            fs::create_dir_all(output).map_err(|e| Diagnostic::io(output, "创建输出目录", &e))?;
        }
        let real = output
            .canonicalize()
            .map_err(|e| Diagnostic::io(output, "打开输出目录", &e))?;
        if !real.is_dir() {
            return Err(
                Diagnostic::new(output, format!("输出目录 {} 不是目录", output.display()))
                    .hint("用 --output 指定一个目录"),
            );
        }
        let names = Names::of(&real);
        let lock = lock_output(&state, &names, output, &real)?;
        recover(&state, &names, &real)?;
        let previous = match state.read(&names.record)? {
            Some(bytes) => {
                serde_json::from_slice::<Record>(&bytes)
                    .map_err(|e| {
                        Diagnostic::new(
                            state.path(&names.record),
                            format!("wenming 的写入记录已损坏：{e}"),
                        )
                        .hint(
                            "删除这个文件后加 --force 重新构建（不会删除 wenming 没有写过的文件）",
                        )
                    })?
                    .files
            }
            None => unrecorded(output, &real, force)?,
        };
        let pending = Pending {
            staging: format!("{STAGING_PREFIX}{:016x}", random()),
            backup: format!("{BACKUP_PREFIX}{:016x}", random()),
        };
        state.write(&names.pending, &json(&pending))?;
        let staging = real.join(&pending.staging);
        fs::create_dir(&staging).map_err(|e| Diagnostic::io(&staging, "创建临时目录", &e))?;
        Ok(OutputWriter {
            state,
            names,
            shown: output.to_path_buf(),
            output: real,
            created,
            pending,
            staging,
            previous,
            force,
            compress: true,
            next_number: AtomicU64::new(0),
            entries: Mutex::new(HashMap::new()),
            _lock: lock,
        })
    }

    /// Whether compressed twins are written beside text files (on by default).
    pub fn compress(mut self, on: bool) -> Self {
        self.compress = on;
        self
    }

    /// Adds one file of the build, writing it to staging unless the output already holds
    /// exactly these bytes from the previous build. Safe to call from many threads; a later
    /// file with the same path replaces an earlier one.
    pub fn put(&self, file: OutputFile) -> Result<(), Diagnostic> {
        // A file copied from disk (a static file, a photo's copy in the image cache) is kept
        // without reading it when its source is the one the previous build copied.
        if let Bytes::File(src) = &file.bytes
            && let Some(key) = source_key(src)
        {
            if self.keep(&file.path, &key) {
                return Ok(());
            }
            return self.put_keyed(file, Some(key));
        }
        self.put_keyed(file, None)
    }

    /// [`put`](Self::put) for a rendered file, recording `key`, the key of everything its
    /// rendering read, for [`keep`](Self::keep) to compare in the next build.
    pub fn put_keyed(&self, file: OutputFile, key: Option<String>) -> Result<(), Diagnostic> {
        if !is_clean(&file.path) || is_vcs(&file.path) {
            return Err(Diagnostic::new(
                &file.path,
                format!("不能写入输出文件 {}：路径无效或在版本控制目录中", file.path),
            ));
        }
        let owned;
        let bytes: &[u8] = match &file.bytes {
            Bytes::Owned(b) => b,
            Bytes::Embedded(b) => b,
            Bytes::File(src) => {
                owned = fs::read(src).map_err(|e| Diagnostic::io(src, "读取文件", &e))?;
                &owned
            }
        };
        let changed = self.put_bytes(file.path.clone(), bytes, key)?;
        let twin_paths = [format!("{}.gz", file.path), format!("{}.br", file.path)];
        if !(self.compress && compress::wants_twins(&file.path, bytes.len())) {
            // An earlier file put at the same path (a theme file the site overrides) may
            // have had twins: they would not match this file.
            let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            for path in &twin_paths {
                entries.remove(path);
            }
            return Ok(());
        }
        // Compressing is the dear part: an unchanged file keeps the twins it has.
        if !changed {
            let kept: Vec<Entry> = twin_paths
                .iter()
                .filter_map(|path| self.unchanged(path, None, None))
                .collect();
            if kept.len() == twin_paths.len() {
                let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
                for (path, entry) in twin_paths.into_iter().zip(kept) {
                    entries.insert(path, entry);
                }
                return Ok(());
            }
        }
        for (path, twin) in compress::twins(&file.path, bytes) {
            self.put_bytes(path, &twin, None)?;
        }
        Ok(())
    }

    /// The key recorded for the file the previous build rendered at `path` (see
    /// [`keep`](Self::keep)).
    pub fn recorded_key(&self, path: &str) -> Option<&str> {
        self.previous.get(path)?.key.as_deref()
    }

    /// Keeps the file the previous build rendered at `path`, without its bytes, when the key
    /// of everything its rendering read then was `key` (recorded by [`put_keyed`]) and the
    /// output still holds that very file (and the compressed twins it needs); says whether it
    /// did. A file not kept must be rendered and put.
    ///
    /// [`put_keyed`]: Self::put_keyed
    pub fn keep(&self, path: &str, key: &str) -> bool {
        if !is_clean(path) || is_vcs(path) {
            return false;
        }
        let Some(r) = self.previous.get(path) else {
            return false;
        };
        if r.key.as_deref() != Some(key) {
            return false;
        }
        let Some(kept) = self.unchanged(path, Some(&r.hash), Some(key)) else {
            return false;
        };
        let twin_paths = [format!("{path}.gz"), format!("{path}.br")];
        let wants_twins = self.compress
            && usize::try_from(r.size).is_ok_and(|len| compress::wants_twins(path, len));
        let mut twins = Vec::new();
        if wants_twins {
            for twin in &twin_paths {
                match self.unchanged(twin, None, None) {
                    Some(entry) => twins.push((twin.clone(), entry)),
                    None => return false,
                }
            }
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        for twin in &twin_paths {
            entries.remove(twin);
        }
        entries.insert(path.to_string(), kept);
        entries.extend(twins);
        true
    }

    /// The record of the file the output holds at `path`, when it is the one the previous
    /// build wrote (and has `hash`, when given), recorded anew with `key`.
    fn unchanged(&self, path: &str, hash: Option<&str>, key: Option<&str>) -> Option<Entry> {
        let r = self.previous.get(path)?;
        let same = hash.is_none_or(|h| r.hash == h)
            && fs::symlink_metadata(self.output.join(path)).is_ok_and(|m| r.on_disk(&m));
        same.then(|| Entry {
            recorded: Recorded {
                key: key.map(str::to_string),
                ..r.clone()
            },
            staged: None,
        })
    }

    /// Stages `bytes` for `path` unless the output already holds them; says whether it did.
    fn put_bytes(
        &self,
        path: String,
        bytes: &[u8],
        key: Option<String>,
    ) -> Result<bool, Diagnostic> {
        let hash = content_hash(bytes);
        let entry = match self.unchanged(&path, Some(&hash), key.as_deref()) {
            Some(entry) => entry,
            None => {
                let number = self.next_number.fetch_add(1, Ordering::Relaxed);
                let staged = self.staging.join(number.to_string());
                let meta = OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .custom_flags(libc::O_NOFOLLOW)
                    .open(&staged)
                    .and_then(|mut f| f.write_all(bytes).and_then(|()| f.metadata()))
                    .map_err(|e| Diagnostic::io(&staged, "写入临时文件", &e))?;
                Entry {
                    recorded: Recorded {
                        key,
                        ..stat(&meta, &hash)
                    },
                    staged: Some(number),
                }
            }
        };
        let changed = entry.staged.is_some();
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.insert(path, entry);
        Ok(changed)
    }

    /// Discards everything staged; the output folder was never touched.
    pub fn abort(self) {
        let _ = fs::remove_dir_all(&self.staging);
        let _ = self.state.remove(&self.names.pending);
        if self.created {
            // Only if still empty: a failed first build leaves no output folder behind.
            let _ = fs::remove_dir(&self.output);
        }
    }

    /// Switches the output folder to exactly the files put (plus whatever in it is not
    /// wenming's), changing only what differs. Errors leave the output as it was.
    pub fn commit(self) -> Result<WriteReport, Diagnostics> {
        let entries = std::mem::take(&mut *self.entries.lock().unwrap_or_else(|e| e.into_inner()));
        let mut changed: Vec<(String, u64)> = entries
            .iter()
            .filter_map(|(path, e)| e.staged.map(|n| (path.clone(), n)))
            .collect();
        changed.sort_unstable();
        let unchanged = entries.len() - changed.len();
        if let Err(errors) = self.check_targets(&changed) {
            self.abort();
            return Err(errors);
        }
        // Stale files under a folder that is no longer a real folder, or that became a folder,
        // are left alone.
        let mut known = HashSet::new();
        let stale: Vec<String> = self
            .previous
            .keys()
            .filter(|p| !entries.contains_key(*p) && is_clean(p) && !is_vcs(p))
            .filter(|p| real_parents(&self.output, p, &mut known).is_ok())
            .filter(|p| !fs::symlink_metadata(self.output.join(p)).is_ok_and(|m| m.is_dir()))
            .cloned()
            .collect();
        let mut record = Record {
            output: self.output.clone(),
            files: entries
                .into_iter()
                .map(|(path, e)| (path, e.recorded))
                .collect(),
        };
        if changed.is_empty() && stale.is_empty() {
            let result = if record.files == self.previous {
                Ok(())
            } else {
                self.state.write(&self.names.record, &json(&record))
            };
            self.abort();
            return result
                .map(|()| WriteReport {
                    written: 0,
                    unchanged,
                    removed: 0,
                })
                .map_err(Diagnostics::from);
        }
        let report = WriteReport {
            written: changed.len(),
            unchanged,
            removed: stale.len(),
        };
        match self.switch(&changed, &stale, &mut record) {
            Ok(()) => Ok(report),
            Err(e) => {
                // Put the previous site back before reporting.
                let _ = recover(&self.state, &self.names, &self.output);
                Err(e.into())
            }
        }
    }

    /// Refuses, before anything is changed, targets that are folders, lie under something
    /// that is not a real folder, or are files wenming did not write (unless forced; dotfiles
    /// never).
    fn check_targets(&self, changed: &[(String, u64)]) -> Result<(), Diagnostics> {
        let mut errors = Vec::new();
        let mut known = HashSet::new();
        for (path, _) in changed {
            if let Err(d) = real_parents(&self.output, path, &mut known) {
                errors.push(d);
                continue;
            }
            let target = self.output.join(path);
            let Ok(meta) = fs::symlink_metadata(&target) else {
                continue;
            };
            let shown = self.shown.join(path);
            if meta.is_dir() {
                errors.push(
                    Diagnostic::new(
                        &shown,
                        format!("输出目录中的 {path} 是一个文件夹，本次构建要在那里写入文件"),
                    )
                    .hint("删除或改名这个文件夹后重新构建"),
                );
            } else if self.previous.contains_key(path) {
                continue;
            } else if is_protected(path) {
                errors.push(
                    Diagnostic::new(
                        &shown,
                        format!("输出目录中已有不是 wenming 写的文件 {path}，wenming 不会覆盖以点开头的文件"),
                    )
                    .hint("如果要由 wenming 生成它，先删除这个文件"),
                );
            } else if !self.force {
                errors.push(
                    Diagnostic::new(
                        &shown,
                        format!(
                            "输出目录中已有不是 wenming 写的文件 {path}，本次构建要写入同名文件"
                        ),
                    )
                    .hint("确认可以覆盖后加 --force 重新构建；wenming 不会删除它没有写过的文件"),
                );
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Diagnostics::from(errors))
        }
    }

    /// Backs up, marks, moves in, deletes, commits (see the module comment).
    fn switch(
        &self,
        changed: &[(String, u64)],
        stale: &[String],
        record: &mut Record,
    ) -> Result<(), Diagnostic> {
        let backup = self.output.join(&self.pending.backup);
        fs::create_dir(&backup).map_err(|e| Diagnostic::io(&backup, "创建备份目录", &e))?;
        let touched: Vec<&str> = touched_paths(changed, stale).collect();
        let touched: Vec<(String, Option<u64>)> = touched
            .par_iter()
            .enumerate()
            .map(|(i, path)| {
                let target = self.output.join(path);
                match fs::hard_link(&target, backup.join(i.to_string())) {
                    Ok(()) => Ok((path.to_string(), Some(i as u64))),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => Ok((path.to_string(), None)),
                    Err(e) => Err(Diagnostic::io(&target, "备份文件", &e)),
                }
            })
            .collect::<Result<_, _>>()?;
        File::open(&backup)
            .and_then(|d| d.sync_all())
            .map_err(|e| Diagnostic::io(&backup, "保存备份目录", &e))?;
        // A forced overwrite of a file that was not wenming's makes it wenming's: it is
        // recorded like every file written.
        self.state.write(&self.names.next, &json(&*record))?;
        self.state
            .write(&self.names.switch, &json(&Switch { touched }))?;

        let mut made = HashSet::new();
        for (path, _) in changed {
            make_parents(&self.output, path, &mut made)?;
        }
        changed.par_iter().try_for_each(|(path, number)| {
            let target = self.output.join(path);
            pause_for_tests(path);
            fs::rename(self.staging.join(number.to_string()), &target)
                .map_err(|e| Diagnostic::io(&target, "移动文件", &e))
        })?;
        for path in stale {
            let target = self.output.join(path);
            match fs::remove_file(&target) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(Diagnostic::io(&target, "删除旧文件", &e)),
            }
            remove_empty_parents(&self.output, &target);
        }
        pause_for_tests("(commit)");
        // The commit point.
        self.state.rename(&self.names.next, &self.names.record)?;
        pause_for_tests("(committed)");
        finish(&self.state, &self.names, &self.output, &self.pending)
    }
}

fn touched_paths<'a>(
    changed: &'a [(String, u64)],
    stale: &'a [String],
) -> impl Iterator<Item = &'a str> {
    changed
        .iter()
        .map(|(p, _)| p.as_str())
        .chain(stale.iter().map(String::as_str))
}

/// Takes the lock of one output folder, so a second build of it stops with a message instead
/// of mixing its files into the first one's: the output folder itself is locked (so builds of
/// two sites into one folder exclude each other too), and the lock file in `.wenming/` says
/// which process holds it. The operating system releases both when the process ends, however
/// it ends, so a killed build never leaves them held.
fn lock_output(
    state: &StateDir,
    names: &Names,
    shown: &Path,
    output: &Path,
) -> Result<[File; 2], Diagnostic> {
    let mut file = state.open_lock(&names.lock)?;
    let folder = File::open(output).map_err(|e| Diagnostic::io(output, "打开输出目录", &e))?;
    for lock in [&folder, &file] {
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                let holder = fs::read_to_string(state.path(&names.lock)).unwrap_or_default();
                let holder = holder.trim();
                let who = if holder.is_empty() {
                    "另一个 wenming 构建".to_string()
                } else {
                    format!("另一个 wenming 构建（进程 {holder}）")
                };
                return Err(Diagnostic::new(
                    shown,
                    format!("{who}正在写入输出目录 {}", shown.display()),
                )
                .hint("等那个构建结束后再运行；它结束（或被终止）时锁会自动释放"));
            }
            Err(fs::TryLockError::Error(e)) => {
                return Err(Diagnostic::io(state.path(&names.lock), "锁定输出目录", &e));
            }
        }
    }
    // Who holds the lock, for the message above; the lock itself does not depend on it.
    let _ = file
        .set_len(0)
        .and_then(|()| file.write_all(std::process::id().to_string().as_bytes()));
    Ok([folder, file])
}

/// What wenming owns in an output folder it has no record of: nothing in an empty one (dot
/// entries do not count); every file but dotfiles in one built by the writer before
/// `.wenming/` (which removed everything else it found there); in any other, nothing, and
/// only with `force`.
fn unrecorded(
    shown: &Path,
    output: &Path,
    force: bool,
) -> Result<BTreeMap<String, Recorded>, Diagnostic> {
    let foreign: Vec<String> = fs::read_dir(output)
        .map_err(|e| Diagnostic::io(output, "读取输出目录", &e))?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !is_protected(name))
        .collect();
    if foreign.is_empty() {
        return Ok(BTreeMap::new());
    }
    let old_manifest = fs::symlink_metadata(output.join(OLD_WRITER_MANIFEST));
    if old_manifest.is_ok_and(|m| m.is_file()) {
        remove_old_writer_files(shown);
        return Ok(adopt(output));
    }
    if force {
        return Ok(BTreeMap::new());
    }
    Err(Diagnostic::new(
        shown,
        format!(
            "输出目录 {} 不是空的，也没有 wenming 写入它的记录",
            shown.display()
        ),
    )
    .hint(
        "wenming 只替换和删除它自己写过的文件。如果目录中与网站同名的文件可以被覆盖，加 --force 重新构建（其他文件一律保留）；否则换一个空目录",
    ))
}

/// Every file below `output` except dotfiles, dot folders and what is in them, with a hash
/// that matches no content (so each is rewritten once).
fn adopt(output: &Path) -> BTreeMap<String, Recorded> {
    WalkDir::new(output)
        .follow_links(false)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| !is_protected(&e.file_name().to_string_lossy()))
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(output).ok()?.to_str()?.to_string();
            let recorded = Recorded {
                hash: String::new(),
                size: 0,
                mtime: 0,
                mtime_ns: 0,
                key: None,
            };
            Some((rel, recorded))
        })
        .collect()
}

/// Removes the staging, backup, journal and lock files the writer before `.wenming/` kept
/// beside the output (`.public.wenming-staging` …). Links among them are removed, never
/// followed.
fn remove_old_writer_files(output: &Path) {
    let Some(name) = output.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    for suffix in ["staging", "backup", "journal", "lock"] {
        let path = output.with_file_name(format!(".{name}.wenming-{suffix}"));
        match fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => {
                let _ = fs::remove_dir_all(&path);
            }
            Ok(_) => {
                let _ = fs::remove_file(&path);
            }
            Err(_) => {}
        }
    }
}

/// Finishes or undoes a switch a killed build left, and removes its temporary folders.
fn recover(state: &StateDir, names: &Names, output: &Path) -> Result<(), Diagnostic> {
    let pending: Option<Pending> = match state.read(&names.pending)? {
        Some(bytes) => Some(
            serde_json::from_slice(&bytes)
                .map_err(|e| corrupt(state, &names.pending, &e.to_string()))?,
        ),
        None => None,
    };
    if let Some(bytes) = state.read(&names.switch)? {
        let switch: Switch = serde_json::from_slice(&bytes)
            .map_err(|e| corrupt(state, &names.switch, &e.to_string()))?;
        let Some(pending) = &pending else {
            return Err(corrupt(state, &names.switch, "找不到对应的备份目录记录"));
        };
        if state.exists(&names.next) {
            roll_back(
                output,
                &switch,
                &folder(output, &pending.backup, BACKUP_PREFIX)?,
            )?;
            state.remove(&names.next)?;
            state.sync()?;
        }
        return finish(state, names, output, pending);
    }
    // No switch started: at most a build's temporary folders and its unused next record.
    state.remove(&names.next)?;
    if let Some(pending) = &pending {
        for (name, prefix) in [
            (&pending.staging, STAGING_PREFIX),
            (&pending.backup, BACKUP_PREFIX),
        ] {
            remove_folder(&folder(output, name, prefix)?)?;
        }
        state.remove(&names.pending)?;
    }
    Ok(())
}

/// Puts back every path a switch touched: from its backup (linked anew, so a repeated roll
/// back finds the backup whole), or, when it had none, by deleting what the switch created.
fn roll_back(output: &Path, switch: &Switch, backup: &Path) -> Result<(), Diagnostic> {
    let mut made = HashSet::new();
    for (path, number) in &switch.touched {
        if !is_clean(path) || is_vcs(path) {
            continue;
        }
        let target = output.join(path);
        match number {
            Some(n) => {
                make_parents(output, path, &mut made)?;
                let saved = backup.join(n.to_string());
                let copy = backup.join(format!("restore-{n}"));
                let _ = fs::remove_file(&copy);
                fs::hard_link(&saved, &copy)
                    .and_then(|()| fs::rename(&copy, &target))
                    .map_err(|e| Diagnostic::io(&target, "恢复上一次构建的文件", &e))?;
            }
            None => {
                if real_parents(output, path, &mut HashSet::new()).is_err() {
                    continue;
                }
                match fs::remove_file(&target) {
                    Ok(()) => remove_empty_parents(output, &target),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    // A name the system refuses (too long) was never created, but the folders
                    // made for it were: remove those left empty.
                    Err(e) if e.kind() == io::ErrorKind::InvalidFilename => {
                        if let Some(made) =
                            target.ancestors().find(|d| fs::symlink_metadata(d).is_ok())
                        {
                            remove_empty_parents(output, &made.join("_"));
                        }
                    }
                    Err(e) => return Err(Diagnostic::io(&target, "撤销未完成的构建", &e)),
                }
            }
        }
    }
    Ok(())
}

/// The cleanup after a switch (committed or rolled back): marker, folders, pending names.
fn finish(
    state: &StateDir,
    names: &Names,
    output: &Path,
    pending: &Pending,
) -> Result<(), Diagnostic> {
    state.remove(&names.switch)?;
    state.sync()?;
    remove_folder(&folder(output, &pending.backup, BACKUP_PREFIX)?)?;
    remove_folder(&folder(output, &pending.staging, STAGING_PREFIX)?)?;
    state.remove(&names.pending)
}

/// A temporary folder named in the state, checked to be one of wenming's names directly in
/// the output (a tampered state file cannot name anything else).
fn folder(output: &Path, name: &str, prefix: &str) -> Result<PathBuf, Diagnostic> {
    let valid = name
        .strip_prefix(prefix)
        .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_hexdigit()));
    if valid {
        Ok(output.join(name))
    } else {
        Err(Diagnostic::new(
            output,
            format!("wenming 的状态文件中的临时目录名“{name}”无效"),
        )
        .hint("状态文件可能被改动过；检查 .wenming/ 目录"))
    }
}

/// Removes a temporary folder of wenming's (a link there is removed, not followed).
fn remove_folder(path: &Path) -> Result<(), Diagnostic> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => {
            fs::remove_dir_all(path).map_err(|e| Diagnostic::io(path, "删除临时目录", &e))
        }
        Ok(_) => fs::remove_file(path).map_err(|e| Diagnostic::io(path, "删除临时目录", &e)),
        Err(_) => Ok(()),
    }
}

fn corrupt(state: &StateDir, name: &str, why: &str) -> Diagnostic {
    Diagnostic::new(
        state.path(name),
        format!("wenming 的状态文件无法读取（{why}），输出目录可能停在一次被中断的构建中"),
    )
    .hint("不要猜测：检查输出目录，必要时删除它和这个文件后重新构建")
}

/// Checks that every folder above `path` inside `output` is a real folder (or does not exist
/// yet), so nothing is written or deleted through a symbolic link. `known` caches folders
/// found real.
fn real_parents(output: &Path, path: &str, known: &mut HashSet<String>) -> Result<(), Diagnostic> {
    let mut end = 0;
    while let Some(slash) = path[end..].find('/') {
        let dir = &path[..end + slash];
        end += slash + 1;
        if known.contains(dir) {
            continue;
        }
        match fs::symlink_metadata(output.join(dir)) {
            Ok(m) if m.is_dir() => {
                known.insert(dir.to_string());
            }
            Ok(_) => {
                return Err(Diagnostic::new(
                    output.join(dir),
                    format!("输出目录中的 {dir} 不是文件夹（可能是符号链接），wenming 不会通过它写入或删除文件"),
                )
                .hint("删除或改名它后重新构建"));
            }
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

/// Creates the missing folders above `path` (each checked not to be a link).
fn make_parents(output: &Path, path: &str, made: &mut HashSet<String>) -> Result<(), Diagnostic> {
    let mut end = 0;
    while let Some(slash) = path[end..].find('/') {
        let dir = &path[..end + slash];
        end += slash + 1;
        if made.contains(dir) {
            continue;
        }
        let full = output.join(dir);
        match fs::create_dir(&full) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                if !fs::symlink_metadata(&full).is_ok_and(|m| m.is_dir()) {
                    return Err(Diagnostic::new(
                        &full,
                        format!(
                            "输出目录中的 {dir} 不是文件夹（可能是符号链接），wenming 不会通过它写入文件"
                        ),
                    ));
                }
            }
            Err(e) => return Err(Diagnostic::io(&full, "创建目录", &e)),
        }
        made.insert(dir.to_string());
    }
    Ok(())
}

/// Removes folders emptied by deleting `file`, up to (not including) `output`.
fn remove_empty_parents(output: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == output || !d.starts_with(output) || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// A path below the output as wenming writes it: relative, `/`-separated, no empty, `.` or
/// `..` segment.
fn is_clean(path: &str) -> bool {
    !path.is_empty()
        && path
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != ".." && !s.contains(['\\', '\0']))
}

fn is_vcs(path: &str) -> bool {
    path.split('/').any(|s| VCS_DIRS.contains(&s))
}

/// Dotfiles, dot folders and version control folders: never touched unless wenming wrote them.
fn is_protected(path: &str) -> bool {
    is_vcs(path) || path.split('/').any(|s| s.starts_with('.'))
}

fn stat(meta: &fs::Metadata, hash: &str) -> Recorded {
    Recorded {
        hash: hash.to_string(),
        size: meta.len(),
        mtime: meta.mtime(),
        mtime_ns: meta.mtime_nsec(),
        key: None,
    }
}

/// A 128-bit hash of a file's bytes (SipHash-1-3 with fixed keys, stable across runs).
fn content_hash(bytes: &[u8]) -> String {
    let h =
        siphasher::sip128::SipHasher13::new_with_keys(0x7765_6e6d_696e_6721, 0x6f75_7470_7574_2121)
            .hash(bytes);
    format!("{:016x}{:016x}", h.h1, h.h2)
}

fn hash64(bytes: &[u8]) -> u64 {
    let mut h = siphasher::sip::SipHasher13::new_with_keys(0x7765_6e6d_696e_6721, 0);
    h.write(bytes);
    h.finish()
}

/// 64 random bits, for the names of temporary folders.
fn random() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.finish()
}

fn json(value: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

/// For the kill tests only: with `WENMING_TEST_PAUSE_SWITCH=FILE` set, a build writes into
/// `FILE` each path it is about to move into the output, then `(commit)` just before its
/// commit point and `(committed)` just after, pausing a moment at each, so a test can kill
/// it in every state of a switch. Never set by users.
fn pause_for_tests(at: &str) {
    if let Some(file) = std::env::var_os("WENMING_TEST_PAUSE_SWITCH") {
        let _ = fs::write(file, at);
        let pause = if at.starts_with('(') { 200 } else { 2 };
        std::thread::sleep(std::time::Duration::from_millis(pause));
    }
}

/// What tells source file `src` from any other content without reading it: its path, size,
/// modification and change times and inode. `None` for a file changed in the last two seconds:
/// the file system's clock ticks coarsely, so a second change within one tick could keep all
/// of them, and such a file is read (as Git treats "racily clean" files).
fn source_key(src: &Path) -> Option<String> {
    let m = fs::metadata(src).ok()?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    let now = i64::try_from(now.as_secs()).ok()?;
    if now.saturating_sub(m.ctime()) < 2 || now.saturating_sub(m.mtime()) < 2 {
        return None;
    }
    Some(format!(
        "file:{}:{}:{}.{}:{}.{}:{}",
        src.display(),
        m.len(),
        m.mtime(),
        m.mtime_nsec(),
        m.ctime(),
        m.ctime_nsec(),
        m.ino()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A build that failed on a name too long for the file system left it in its switch
    /// record; undoing that switch must not fail on it forever (every later build did).
    #[test]
    fn rolling_back_a_name_the_system_refused_is_not_an_error() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let output = dir.path().join("public");
        fs::create_dir_all(output.join("news")).unwrap_or_else(|e| panic!("{e}"));
        let switch = Switch {
            touched: vec![(format!("news/{}/index.html", "a".repeat(300)), None)],
        };
        roll_back(&output, &switch, &dir.path().join("backup")).unwrap_or_else(|d| panic!("{d}"));
        assert!(
            !output.join("news").exists(),
            "the folder made for it is removed"
        );
    }

    fn put(w: &OutputWriter, path: &str, text: &str) {
        w.put(OutputFile::text(path, text.to_string()))
            .unwrap_or_else(|d| panic!("{d}"));
    }

    fn begin(root: &Path, out: &Path) -> OutputWriter {
        OutputWriter::begin(root, out, false).unwrap_or_else(|d| panic!("{d}"))
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
        let w = begin(tmp.path(), &out);
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

        let w = begin(tmp.path(), &out);
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
        let left: Vec<_> = fs::read_dir(&out)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        assert_eq!(left, Vec::<String>::new(), "no temporary folder is left");
    }

    #[test]
    fn a_copied_file_is_kept_without_reading_while_its_source_stays_the_same() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let out = tmp.path().join("public");
        let src = tmp.path().join("photo.jpg");
        fs::write(&src, b"first bytes").unwrap_or_else(|e| panic!("{e}"));
        let copy = || OutputFile {
            path: "images/photo.jpg".into(),
            bytes: Bytes::File(src.clone()),
        };
        // Just written: read, not trusted by its times.
        assert_eq!(source_key(&src), None);
        let w = begin(tmp.path(), &out);
        w.put(copy()).unwrap_or_else(|d| panic!("{d}"));
        assert_eq!(w.commit().map(|r| r.written), Ok(1));
        assert_eq!(
            fs::read(out.join("images/photo.jpg")).ok(),
            Some(b"first bytes".to_vec())
        );

        std::thread::sleep(std::time::Duration::from_millis(2100));
        let key = source_key(&src).unwrap_or_else(|| panic!("a settled file has a key"));
        let w = begin(tmp.path(), &out);
        w.put(copy()).unwrap_or_else(|d| panic!("{d}"));
        assert_eq!(w.commit().map(|r| r.unchanged), Ok(1));
        // Recorded with the source's key: the next build keeps it without reading.
        let w = begin(tmp.path(), &out);
        assert_eq!(w.recorded_key("images/photo.jpg"), Some(key.as_str()));
        w.put(copy()).unwrap_or_else(|d| panic!("{d}"));
        assert_eq!(w.commit().map(|r| (r.written, r.unchanged)), Ok((0, 1)));

        // The source changed, to bytes of the same length: its times differ, so it is read
        // and the new bytes written.
        fs::write(&src, b"other bytes").unwrap_or_else(|e| panic!("{e}"));
        let w = begin(tmp.path(), &out);
        w.put(copy()).unwrap_or_else(|d| panic!("{d}"));
        assert_eq!(w.commit().map(|r| r.written), Ok(1));
        assert_eq!(
            fs::read(out.join("images/photo.jpg")).ok(),
            Some(b"other bytes".to_vec())
        );
    }

    #[test]
    fn a_rendered_file_is_kept_by_its_key_only_while_the_output_holds_it() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let out = tmp.path().join("public");
        let page = "<p>".repeat(600);
        let keyed = |w: &OutputWriter, key: &str| {
            w.put_keyed(
                OutputFile::text("a/index.html", page.clone()),
                Some(key.into()),
            )
            .unwrap_or_else(|d| panic!("{d}"));
        };
        let w = begin(tmp.path(), &out);
        assert!(!w.keep("a/index.html", "k1"), "nothing recorded yet");
        keyed(&w, "k1");
        assert_eq!(
            w.commit().map(|r| r.written),
            Ok(3),
            "the page and its two twins"
        );

        let w = begin(tmp.path(), &out);
        assert_eq!(w.recorded_key("a/index.html"), Some("k1"));
        assert!(!w.keep("a/index.html", "k2"), "another key");
        assert!(w.keep("a/index.html", "k1"));
        assert_eq!(
            w.commit(),
            Ok(WriteReport {
                written: 0,
                unchanged: 3,
                removed: 0
            })
        );

        // A twin removed by hand: the page is rendered again and the twin written.
        fs::remove_file(out.join("a/index.html.br")).unwrap_or_else(|e| panic!("{e}"));
        let w = begin(tmp.path(), &out);
        assert!(!w.keep("a/index.html", "k1"));
        keyed(&w, "k1");
        assert_eq!(w.commit().map(|r| r.written), Ok(1));

        // The page edited by hand: not kept, rewritten.
        fs::write(out.join("a/index.html"), "edited").unwrap_or_else(|e| panic!("{e}"));
        let w = begin(tmp.path(), &out);
        assert!(!w.keep("a/index.html", "k1"));
        keyed(&w, "k1");
        assert_eq!(w.commit().map(|r| r.written), Ok(1));
        assert_eq!(
            fs::read_to_string(out.join("a/index.html")).ok(),
            Some(page)
        );
    }

    #[test]
    fn a_file_changed_outside_wenming_is_rewritten() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let out = tmp.path().join("public");
        let w = begin(tmp.path(), &out);
        put(&w, "index.html", "v1");
        assert!(w.commit().is_ok());
        fs::write(out.join("index.html"), "edited by hand").unwrap_or_else(|e| panic!("{e}"));
        let w = begin(tmp.path(), &out);
        put(&w, "index.html", "v1");
        assert_eq!(w.commit().map(|r| r.written), Ok(1));
        assert_eq!(tree(&out), vec![("index.html".into(), "v1".into())]);
    }

    #[test]
    fn a_second_writer_of_the_same_output_is_refused_until_the_first_ends() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let out = tmp.path().join("public");
        let first = begin(tmp.path(), &out);
        put(&first, "index.html", "first");
        let Err(refused) = OutputWriter::begin(tmp.path(), &out, false) else {
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
        let second = begin(tmp.path(), &out);
        second.abort();
        assert_eq!(tree(&out), vec![("index.html".into(), "first".into())]);
    }

    #[test]
    fn two_sites_cannot_write_one_output_at_once() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let out = tmp.path().join("public");
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        for root in [&a, &b] {
            fs::create_dir_all(root).unwrap_or_else(|e| panic!("{e}"));
        }
        let first = begin(&a, &out);
        let Err(refused) = OutputWriter::begin(&b, &out, true) else {
            panic!("a second site's writer must be refused while the first holds the output");
        };
        assert!(
            refused
                .to_string()
                .contains(&format!("正在写入输出目录 {}", out.display())),
            "{refused}"
        );
        first.abort();
    }

    #[test]
    fn aborted_build_leaves_output_untouched() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let out = tmp.path().join("public");
        let w = begin(tmp.path(), &out);
        put(&w, "index.html", "v1");
        assert!(w.commit().is_ok());
        let w = begin(tmp.path(), &out);
        put(&w, "index.html", "v2");
        w.abort();
        assert_eq!(tree(&out), vec![("index.html".into(), "v1".into())]);
    }

    /// A switch cut short after every number of moves, then recovered: always the old site.
    #[test]
    fn a_switch_interrupted_anywhere_is_rolled_back_from_the_complete_backup() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let out = tmp.path().join("public");
        let old = vec![
            ("gone.html".to_string(), "g".to_string()),
            ("index.html".to_string(), "v1".to_string()),
            ("sub/a.html".to_string(), "a1".to_string()),
        ];
        for moves in 0..=4 {
            let w = begin(tmp.path(), &out);
            for (p, t) in &old {
                put(&w, p, t);
            }
            assert!(w.commit().is_ok());
            assert_eq!(tree(&out), old);

            let w = begin(tmp.path(), &out);
            put(&w, "index.html", "v2");
            put(&w, "sub/a.html", "a2");
            put(&w, "new/b.html", "b");
            // Do what `switch` does, stopping after `moves` moves and deletions.
            let entries = std::mem::take(&mut *w.entries.lock().unwrap_or_else(|e| e.into_inner()));
            let mut changed: Vec<(&str, u64)> = entries
                .iter()
                .filter_map(|(p, e)| e.staged.map(|n| (p.as_str(), n)))
                .collect();
            changed.sort_unstable();
            let backup = w.output.join(&w.pending.backup);
            fs::create_dir(&backup).unwrap_or_else(|e| panic!("{e}"));
            let touched: Vec<(String, Option<u64>)> = changed
                .iter()
                .map(|(p, _)| *p)
                .chain(["gone.html"])
                .enumerate()
                .map(|(i, p)| {
                    let linked = fs::hard_link(out.join(p), backup.join(i.to_string())).is_ok();
                    (p.to_string(), linked.then_some(i as u64))
                })
                .collect();
            w.state
                .write(&w.names.next, b"{}")
                .unwrap_or_else(|d| panic!("{d}"));
            w.state
                .write(&w.names.switch, &json(&Switch { touched }))
                .unwrap_or_else(|d| panic!("{d}"));
            let mut steps: Vec<Box<dyn Fn()>> = Vec::new();
            for (p, n) in &changed {
                let (from, to) = (w.staging.join(n.to_string()), out.join(p));
                steps.push(Box::new(move || {
                    let _ = fs::create_dir_all(to.parent().unwrap_or(Path::new("")));
                    let _ = fs::rename(&from, &to);
                }));
            }
            let gone = out.join("gone.html");
            steps.push(Box::new(move || {
                let _ = fs::remove_file(&gone);
            }));
            for step in steps.iter().take(moves) {
                step();
            }
            drop(steps);
            drop(w); // killed: nothing else runs

            let w = begin(tmp.path(), &out);
            assert_eq!(tree(&out), old, "after {moves} moves");
            w.abort();
        }
    }
}
