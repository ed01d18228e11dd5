//! The plans of photos remembered between loads (`.wenming/images/plans.json`, safe to
//! delete): a photo whose file is unchanged — same size, modification and change times and
//! inode — is not read and hashed again. Planning reads every byte of every photo a page shows
//! (5 MB for a phone photo), so without the record an unchanged rebuild of a site with 20
//! photos spent most of its time there.
//!
//! A file changed within the same clock tick as the record was written could look unchanged:
//! entries whose times are that recent are not kept (they are read again next time), as git
//! does with its index.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use super::{Format, Photo, PhotoError, plan};
use crate::config::ImagesConfig;

/// The record's place below the site root: in the image cache of the site's state folder
/// (`output::STATE_DIR`, `build::photos::CACHE_DIR`; a test checks they agree).
pub const PLAN_RECORD: &str = ".wenming/images/plans.json";

/// Entries younger than this (by the file's modification or change time) when the record is
/// written are left out of it.
const RACY: Duration = Duration::from_secs(2);

/// What identifies an unchanged file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    len: u64,
    modified_ns: u128,
    changed_ns: u128,
    inode: u64,
}

impl Stamp {
    fn of(file: &Path) -> Option<(Stamp, SystemTime)> {
        let meta = std::fs::metadata(file).ok()?;
        let modified = meta.modified().ok()?;
        let nanos = |t: SystemTime| {
            t.duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        };
        #[cfg(unix)]
        let (changed_ns, inode) = {
            use std::os::unix::fs::MetadataExt;
            let secs = u128::try_from(meta.ctime()).unwrap_or(0);
            let ns = u128::try_from(meta.ctime_nsec()).unwrap_or(0);
            (secs * 1_000_000_000 + ns, meta.ino())
        };
        #[cfg(not(unix))]
        let (changed_ns, inode) = (0, 0);
        let stamp = Stamp {
            len: meta.len(),
            modified_ns: nanos(modified),
            changed_ns,
            inode,
        };
        // The later of the two times decides whether the entry is too recent to keep.
        let newest = SystemTime::UNIX_EPOCH
            + Duration::from_nanos(
                u64::try_from(stamp.modified_ns.max(stamp.changed_ns)).unwrap_or(u64::MAX),
            );
        Some((stamp, newest))
    }
}

/// One remembered plan, with the file stamp and settings it was made under.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    stamp: Stamp,
    settings: String,
    format: String,
    width: u32,
    height: u32,
    orientation: u8,
    located: bool,
    key: String,
    output: String,
    quality: u8,
    widths: Vec<u32>,
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Jpeg => "jpeg",
        Format::Png => "png",
        Format::WebP => "webp",
        Format::Other => "other",
    }
}

fn format_named(name: &str) -> Option<Format> {
    Some(match name {
        "jpeg" => Format::Jpeg,
        "png" => Format::Png,
        "webp" => Format::WebP,
        "other" => Format::Other,
        _ => return None,
    })
}

/// The settings that change a plan, as one comparable text.
fn settings_of(config: &ImagesConfig) -> String {
    format!(
        "{}:{:?}:{}:{:?}",
        super::PROCESS_VERSION,
        config.widths,
        config.quality,
        config.format
    )
}

impl Entry {
    fn new(stamp: Stamp, settings: String, p: &Photo) -> Entry {
        Entry {
            stamp,
            settings,
            format: format_name(p.format).to_string(),
            width: p.width,
            height: p.height,
            orientation: p.orientation,
            located: p.located,
            key: format!("{:032x}", p.key),
            output: format_name(p.output).to_string(),
            quality: p.quality,
            widths: p.widths.clone(),
        }
    }

    fn photo(&self, file: &Path) -> Option<Photo> {
        Some(Photo {
            source: file.to_path_buf(),
            format: format_named(&self.format)?,
            width: self.width,
            height: self.height,
            orientation: self.orientation,
            located: self.located,
            key: u128::from_str_radix(&self.key, 16).ok()?,
            output: format_named(&self.output)?,
            quality: self.quality,
            widths: self.widths.clone(),
        })
    }
}

#[derive(Debug, Default)]
struct State {
    /// The record file, once opened.
    file: Option<PathBuf>,
    /// Whether the record was read (on the first photo planned, not when opened: a build
    /// whose photos were all planned by the loader never reads it a second time).
    loaded: bool,
    entries: HashMap<PathBuf, Entry>,
    /// Photos planned anew (read and hashed) since the record was read.
    planned: usize,
    changed: bool,
}

impl State {
    /// Reads the record, unless it was read.
    fn load(&mut self) {
        if self.loaded {
            return;
        }
        self.loaded = true;
        if let Some(file) = &self.file {
            self.entries = std::fs::read(file)
                .ok()
                .and_then(|bytes| serde_json::from_slice(&bytes).ok())
                .unwrap_or_default();
        }
    }
}

/// Plans remembered between loads (see the module comment). Shared by the parallel parse of
/// one load; `serve` keeps it between rebuilds.
#[derive(Debug)]
pub struct Plans {
    state: Mutex<State>,
    racy: Duration,
}

impl Default for Plans {
    fn default() -> Self {
        Plans {
            state: Mutex::default(),
            racy: RACY,
        }
    }
}

impl Plans {
    /// Uses the record of the site at `root`, read when a photo is first planned (once; a
    /// missing or unreadable record is empty).
    pub fn open(&self, root: &Path) {
        let file = root.join(PLAN_RECORD);
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        if state.file.as_ref() == Some(&file) {
            state.planned = 0;
            return;
        }
        *state = State {
            file: Some(file),
            ..State::default()
        };
    }

    /// The plan of the photo at `file`: remembered when the file is unchanged, else made
    /// ([`plan`]) and remembered.
    pub fn plan(&self, file: &Path, config: &ImagesConfig) -> Result<Photo, PhotoError> {
        let settings = settings_of(config);
        let stamp = Stamp::of(file);
        if let Some((stamp, _)) = stamp
            && let Ok(mut state) = self.state.lock()
            && state.file.is_some()
        {
            state.load();
            let known = state
                .entries
                .get(file)
                .filter(|e| e.stamp == stamp && e.settings == settings)
                .and_then(|e| e.photo(file));
            if let Some(photo) = known {
                return Ok(photo);
            }
        }
        let photo = plan(file, config)?;
        if let Some((stamp, _)) = stamp
            && let Ok(mut state) = self.state.lock()
            && state.file.is_some()
        {
            state.planned += 1;
            state
                .entries
                .insert(file.to_path_buf(), Entry::new(stamp, settings, &photo));
            state.changed = true;
        }
        Ok(photo)
    }

    /// How many photos were read and hashed since [`Plans::open`] (the rest were remembered).
    pub fn planned(&self) -> usize {
        self.state.lock().map_or(0, |s| s.planned)
    }

    /// Writes the record back when a photo was planned anew: every entry whose file is still
    /// there unchanged, less those too recent to trust. A record that cannot be written is no
    /// error (the photos are read again next time).
    pub fn save(&self) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        let Some(file) = state.file.clone() else {
            return;
        };
        if !state.changed {
            return;
        }
        let now = SystemTime::now();
        let kept: HashMap<&PathBuf, &Entry> = state
            .entries
            .iter()
            .filter(|(path, entry)| {
                Stamp::of(path).is_some_and(|(stamp, newest)| {
                    stamp == entry.stamp
                        && now.duration_since(newest).is_ok_and(|age| age >= self.racy)
                })
            })
            .collect();
        let Ok(json) = serde_json::to_vec(&kept) else {
            return;
        };
        let written = file.parent().is_some_and(|dir| {
            let temp = dir.join(format!("plans-{}.tmp", std::process::id()));
            std::fs::create_dir_all(dir).is_ok()
                && std::fs::write(&temp, &json).is_ok()
                && std::fs::rename(&temp, &file).is_ok()
        });
        if written {
            state.changed = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(path: &Path, width: u32) {
        let img = image::RgbImage::from_pixel(width, 2, image::Rgb([200, 100, 50]));
        img.save(path).unwrap_or_else(|e| panic!("{e}"));
    }

    /// Sets the file's modification time a minute back (its change time cannot be).
    fn age(path: &Path) {
        std::fs::File::options()
            .write(true)
            .open(path)
            .and_then(|f| f.set_modified(SystemTime::now() - Duration::from_secs(60)))
            .unwrap_or_else(|e| panic!("{e}"));
    }

    /// A site folder holding one photo, `a.png`, changed a minute ago.
    fn site_with_a_photo() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let photo = dir.path().join("a.png");
        png(&photo, 3);
        age(&photo);
        (dir, photo)
    }

    /// Plans trusting entries of any age (the change time of a test's photo cannot be set
    /// back).
    fn trusting() -> Plans {
        Plans {
            racy: Duration::ZERO,
            ..Plans::default()
        }
    }

    #[test]
    fn an_unchanged_photo_is_not_read_again_and_a_changed_one_is() {
        let (dir, photo) = site_with_a_photo();
        let root = dir.path();
        let config = ImagesConfig::default();

        let first = trusting();
        first.open(root);
        let planned = first
            .plan(&photo, &config)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(first.planned(), 1);
        first.save();

        // A new load (a new build) reads the record and does not read the photo.
        let second = trusting();
        second.open(root);
        let remembered = second
            .plan(&photo, &config)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(second.planned(), 0);
        assert_eq!(remembered, planned);

        // Other settings, or another photo under the same name, are planned anew.
        let other = ImagesConfig {
            quality: 60,
            ..ImagesConfig::default()
        };
        let again = second
            .plan(&photo, &other)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(second.planned(), 1);
        assert_ne!(again.key, planned.key);
        png(&photo, 5);
        age(&photo);
        let changed = second
            .plan(&photo, &config)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(second.planned(), 2);
        assert_eq!(changed.width, 5);
    }

    /// A build opens the record three times (loader, static images, photo pass); only a
    /// photo to plan reads it, so a pass whose photos the loader planned parses nothing.
    #[test]
    fn the_record_is_read_when_a_photo_is_first_planned_not_when_opened() {
        let (dir, photo) = site_with_a_photo();
        let root = dir.path();
        let config = ImagesConfig::default();
        // Opened before the record exists, asked after it was written: it is used.
        let later = trusting();
        later.open(root);
        let first = trusting();
        first.open(root);
        first
            .plan(&photo, &config)
            .unwrap_or_else(|e| panic!("{e:?}"));
        first.save();
        assert!(root.join(PLAN_RECORD).exists());
        later
            .plan(&photo, &config)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(later.planned(), 0);
    }

    #[test]
    fn a_photo_changed_moments_ago_is_not_kept_in_the_record() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let photo = dir.path().join("a.png");
        png(&photo, 3);
        let plans = Plans {
            racy: Duration::from_secs(3600),
            ..Plans::default()
        };
        plans.open(dir.path());
        plans
            .plan(&photo, &ImagesConfig::default())
            .unwrap_or_else(|e| panic!("{e:?}"));
        plans.save();
        let again = Plans::default();
        again.open(dir.path());
        again
            .plan(&photo, &ImagesConfig::default())
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(again.planned(), 1);
    }
}
