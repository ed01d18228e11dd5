//! The site as the desk's list and edit pages show it (sections, pages, the findings of
//! `check`), kept between requests: loading and checking a 10,000-page site takes seconds,
//! telling whether any of its files changed takes milliseconds.
//!
//! A kept survey is used while the site's sources are unchanged, by a fingerprint of every
//! file the site is made of (path, size, modification time and inode of each file below
//! `content/`, `data/`, `static/`, `themes/`, `templates/`, and `site.yaml`: a write through
//! a rename changes the inode even within one clock tick), and while no page's `date` or
//! `expires` has been passed since it was made (a status or a finding could change then).
//! Otherwise it is made again, by one request while the others wait for it. The desk makes
//! the first one when serve starts.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::{Arc, Mutex};

use jiff::Timestamp;

use super::list::{self, Row, SectionChoice};
use crate::check::{self, CheckOptions, Finding};

/// What the sources of a site are read from, below its root.
const SOURCES: [&str; 6] = [
    "site.yaml",
    "content",
    "data",
    "static",
    "themes",
    "templates",
];

/// The site as the desk shows it.
#[derive(Debug, Default)]
pub struct Survey {
    pub sections: Vec<SectionChoice>,
    pub rows: Vec<Row>,
    /// Every finding of `check` (drafts included).
    pub findings: Vec<Finding>,
}

impl Survey {
    /// The findings of one file (`content/news/a.md`).
    pub fn findings_of(&self, rel: &str) -> Vec<Finding> {
        let rel = Path::new(rel);
        self.findings
            .iter()
            .filter(|f| f.file == rel)
            .cloned()
            .collect()
    }
}

struct Kept {
    fingerprint: u64,
    made_at: Timestamp,
    /// The first `date` or `expires` of a page after `made_at`.
    valid_until: Option<Timestamp>,
    survey: Arc<Survey>,
}

/// The kept survey of one site.
#[derive(Default)]
pub struct Cache {
    kept: Mutex<Option<Kept>>,
}

impl Cache {
    /// The survey of the site at `root` as of `now`: the kept one when still true, else made
    /// again. `Err`: site.yaml cannot be read (nothing is kept then).
    pub fn get(&self, root: &Path, now: Timestamp) -> Result<Arc<Survey>, String> {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        let fingerprint = fingerprint(root);
        if let Some(k) = kept.as_ref()
            && k.fingerprint == fingerprint
            && k.made_at <= now
            && k.valid_until.is_none_or(|t| now < t)
        {
            return Ok(k.survey.clone());
        }
        let (survey, valid_until) = make(root, now)?;
        let survey = Arc::new(survey);
        *kept = Some(Kept {
            fingerprint,
            made_at: now,
            valid_until,
            survey: survey.clone(),
        });
        Ok(survey)
    }
}

/// Loads and checks the site: the survey, and when it stops being true by the clock.
fn make(root: &Path, now: Timestamp) -> Result<(Survey, Option<Timestamp>), String> {
    let (sections, mut rows, valid_until) = list::load(root, now)?;
    let report = check::check_site(&CheckOptions {
        drafts: true,
        now,
        ..CheckOptions::new(root)
    });
    let counts = counts(&report.findings);
    for row in &mut rows {
        row.findings = counts.get(&row.file).copied().unwrap_or(0);
    }
    let survey = Survey {
        sections,
        rows,
        findings: report.findings,
    };
    Ok((survey, valid_until))
}

/// The fingerprint of the site's sources: every file's path, size, modification time and
/// inode, in name order.
pub fn fingerprint(root: &Path) -> u64 {
    let mut hasher = siphasher::sip::SipHasher13::new();
    let mut seen = std::collections::HashSet::new();
    for name in SOURCES {
        walk(&root.join(name), &mut hasher, &mut seen);
    }
    hasher.finish()
}

/// Hashes `path` and what is below it; a folder is entered once (`seen`: canonical paths),
/// so that symbolic links in a circle end.
fn walk(
    path: &Path,
    hasher: &mut impl Hasher,
    seen: &mut std::collections::HashSet<std::path::PathBuf>,
) {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return;
    };
    path.hash(hasher);
    meta.len().hash(hasher);
    meta.modified().ok().hash(hasher);
    #[cfg(unix)]
    std::os::unix::fs::MetadataExt::ino(&meta).hash(hasher);
    // A symbolic link is followed as the loader follows it.
    let dir = meta.is_dir() || (meta.file_type().is_symlink() && path.is_dir());
    if !dir {
        if meta.file_type().is_symlink()
            && let Ok(target) = std::fs::metadata(path)
        {
            target.len().hash(hasher);
            target.modified().ok().hash(hasher);
        }
        return;
    }
    let Ok(canonical) = std::fs::canonicalize(path) else {
        return;
    };
    if !seen.insert(canonical) {
        return;
    }
    let mut names: Vec<_> = std::fs::read_dir(path)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    names.sort();
    for name in names {
        walk(&path.join(name), hasher, seen);
    }
}

/// Counts the findings per file, for the list.
fn counts(findings: &[Finding]) -> HashMap<String, usize> {
    let mut out: HashMap<String, usize> = HashMap::new();
    for f in findings {
        *out.entry(list::slashes(&f.file)).or_default() += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_changes_with_any_source_file_and_only_then() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        std::fs::create_dir_all(root.join("content/news")).unwrap();
        std::fs::write(root.join("site.yaml"), "title: 测试\n").unwrap();
        std::fs::write(root.join("content/news/a.md"), "---\ntitle: 甲\n---\n").unwrap();
        let first = fingerprint(root);
        assert_eq!(fingerprint(root), first);
        // Output and the desk's own history are not sources.
        std::fs::create_dir_all(root.join("public")).unwrap();
        std::fs::write(root.join("public/index.html"), "x").unwrap();
        std::fs::create_dir_all(root.join(".wenming/history")).unwrap();
        assert_eq!(fingerprint(root), first);
        // Same size, rewritten through a rename (as the desk writes).
        super::super::files::write_atomic(
            &root.join("content/news/a.md"),
            b"---\ntitle: \xe4\xb9\x99\n---\n",
        )
        .unwrap();
        let second = fingerprint(root);
        assert_ne!(second, first);
        std::fs::write(root.join("content/news/b.md"), "").unwrap();
        let third = fingerprint(root);
        assert_ne!(third, second);
        // Symbolic links in a circle end.
        // Two links to the folder above: without `seen` the walk would take 2^40 paths (the
        // system only stops a single chain, at 40 links).
        std::os::unix::fs::symlink(root.join("content"), root.join("content/news/loop")).unwrap();
        std::os::unix::fs::symlink(root.join("content"), root.join("content/news/loop2")).unwrap();
        assert_ne!(fingerprint(root), third);
    }
}
