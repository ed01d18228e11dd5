//! wenming's own state folder, `.wenming/` beside `site.yaml`: per output folder, the record of
//! what the last build wrote there, the commit marker of a switch in progress, the names of
//! the build's temporary folders, and the build lock. The folder must be a real folder owned
//! by the user running wenming, and every file in it is opened without following symbolic
//! links (and created with `O_EXCL`), so nothing planted there can redirect a write.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read as _, Write as _};
use std::os::unix::fs::{DirBuilderExt as _, MetadataExt as _, OpenOptionsExt as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::Diagnostic;

/// The name of the state folder inside the site's root.
pub const STATE_DIR: &str = ".wenming";

/// The checked state folder of one site.
pub struct StateDir {
    dir: PathBuf,
}

/// The user wenming runs as.
fn effective_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

impl StateDir {
    /// Creates `ROOT/.wenming/` if needed and checks that it is a real folder, owned by this
    /// user and not writable by every user.
    pub fn open(root: &Path) -> Result<StateDir, Diagnostic> {
        let dir = root.join(STATE_DIR);
        match fs::DirBuilder::new().mode(0o755).create(&dir) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(Diagnostic::io(&dir, "创建 wenming 状态目录", &e)),
        }
        let meta =
            fs::symlink_metadata(&dir).map_err(|e| Diagnostic::io(&dir, "读取状态目录", &e))?;
        let refuse = |why: &str| {
            Err(Diagnostic::new(
                &dir,
                format!("wenming 状态目录 {} {why}，拒绝使用", dir.display()),
            )
            .hint("它应当是 wenming 自己创建的普通目录；确认无人篡改后删除它再重新构建"))
        };
        if meta.file_type().is_symlink() {
            return refuse("是符号链接");
        }
        if !meta.is_dir() {
            return refuse("不是目录");
        }
        if meta.uid() != effective_uid() {
            return refuse("属于另一个用户");
        }
        if meta.mode() & 0o002 != 0 {
            return refuse("允许所有用户写入");
        }
        Ok(StateDir { dir })
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Opens (creating it if needed) the lock file `name`, never through a symbolic link.
    pub fn open_lock(&self, name: &str) -> Result<File, Diagnostic> {
        let path = self.path(name);
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&path)
            .map_err(|e| planted_or(&path, "创建构建锁文件", &e))
    }

    /// The bytes of state file `name`, or `None` when there is none.
    pub fn read(&self, name: &str) -> Result<Option<Vec<u8>>, Diagnostic> {
        let path = self.path(name);
        let file = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&path);
        let mut file = match file {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(planted_or(&path, "读取状态文件", &e)),
        };
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|e| Diagnostic::io(&path, "读取状态文件", &e))?;
        Ok(Some(bytes))
    }

    pub fn exists(&self, name: &str) -> bool {
        fs::symlink_metadata(self.path(name)).is_ok()
    }

    /// Replaces state file `name` with `bytes` in one step, durably: written to a new file
    /// (`O_EXCL`, so a planted link is never followed), flushed, then renamed over `name`.
    /// The new file's name is this writer's own (process and call), so that builds of one
    /// site into different output folders can save the site's files at the same time.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        static WRITES: AtomicU64 = AtomicU64::new(0);
        let path = self.path(name);
        let unique = WRITES.fetch_add(1, Ordering::Relaxed);
        let temporary_name = format!("{name}.{}-{unique}.tmp", std::process::id());
        let temporary = self.path(&temporary_name);
        self.remove(&temporary_name)?;
        let written = OpenOptions::new()
            .write(true)
            .create_new(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&temporary)
            .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()));
        written.map_err(|e| planted_or(&temporary, "写入状态文件", &e))?;
        self.rename(&temporary_name, name)
            .map_err(|d| d.hint(format!("状态文件 {} 未能更新", path.display())))
    }

    /// Renames one state file over another, durably (the folder is flushed too).
    pub fn rename(&self, from: &str, to: &str) -> Result<(), Diagnostic> {
        let to_path = self.path(to);
        fs::rename(self.path(from), &to_path)
            .map_err(|e| Diagnostic::io(&to_path, "更新状态文件", &e))?;
        self.sync()
    }

    /// Removes state file `name` (a symbolic link there is removed, never followed).
    pub fn remove(&self, name: &str) -> Result<(), Diagnostic> {
        let path = self.path(name);
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Diagnostic::io(&path, "删除状态文件", &e)),
        }
    }

    /// Flushes the folder itself, so renames and removals in it survive a crash.
    pub fn sync(&self) -> Result<(), Diagnostic> {
        File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| Diagnostic::io(&self.dir, "保存状态目录", &e))
    }
}

/// The error for a failed open: a symbolic link found where a state file belongs gets its
/// own message.
fn planted_or(path: &Path, action: &str, e: &io::Error) -> Diagnostic {
    let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if is_link || e.raw_os_error() == Some(libc::ELOOP) {
        Diagnostic::new(
            path,
            format!(
                "{} 是符号链接，不是 wenming 自己的状态文件，拒绝使用",
                path.display()
            ),
        )
        .hint("确认无人篡改后删除它，再重新构建")
    } else {
        Diagnostic::io(path, action, e)
    }
}
