//! Fingerprinted assets: every stylesheet and script among the copied static files (the
//! theme's and the site's, an override replacing the theme's file of the same name) is also
//! written under a name carrying a hash of its content, `style.3f9a1c2e.css`. Pages ask for
//! it through the `asset` template function, so a browser or CDN may keep it for a year
//! (`wenming nginx-conf` says so) and still gets the new file the moment it changes, because
//! its name changes with it. The plain name stays too, for pages that link it directly.

use std::collections::BTreeMap;
use std::hash::Hasher as _;

use siphasher::sip::SipHasher13;

use super::{Bytes, OutputFile};

/// Plain path → fingerprinted path of each asset, below the output (`style.css` →
/// `style.3f9a1c2e.css`).
pub type AssetNames = BTreeMap<String, String>;

/// The extensions of the files that get fingerprinted names.
const FINGERPRINTED: [&str; 3] = ["css", "js", "mjs"];

/// Adds to `files` a fingerprinted copy of each stylesheet and script among them and returns
/// the names given. When a path comes more than once, the last file is the one written (a
/// site's file overriding the theme's), so only it is fingerprinted. A file that cannot be
/// read is left without a fingerprinted name (copying it reports the error).
pub fn fingerprint(files: &mut Vec<OutputFile>) -> AssetNames {
    let last: BTreeMap<&str, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.as_str(), i))
        .collect();
    let mut names = AssetNames::new();
    let mut copies = Vec::new();
    for (_, &i) in last.iter() {
        let file = &files[i];
        let Some((stem, extension)) = file.path.rsplit_once('.') else {
            continue;
        };
        if !FINGERPRINTED.contains(&extension) || stem.ends_with('/') {
            continue;
        }
        let Some(hash) = content_hash(&file.bytes) else {
            continue;
        };
        let name = format!("{stem}.{hash}.{extension}");
        names.insert(file.path.clone(), name.clone());
        copies.push(OutputFile {
            path: name,
            bytes: file.bytes.clone(),
        });
    }
    files.extend(copies);
    names
}

/// The fingerprinted names that differ between two builds, as (old, new) pairs.
pub fn renamed(old: &AssetNames, new: &AssetNames) -> Vec<(String, String)> {
    old.iter()
        .filter_map(|(plain, was)| {
            let now = new.get(plain)?;
            (now != was).then(|| (was.clone(), now.clone()))
        })
        .collect()
}

/// Whether `new` is `old` with the fingerprinted names of `renamed` replaced: a page that
/// changed only because a stylesheet it links did (live reload swaps the stylesheet instead
/// of reloading the page).
pub fn differ_only_by_names(old: &[u8], new: &[u8], renamed: &[(String, String)]) -> bool {
    if renamed.is_empty() || old.len() != new.len() {
        return false;
    }
    let mut old = String::from_utf8_lossy(old).into_owned();
    for (was, now) in renamed {
        old = old.replace(was.as_str(), now);
    }
    old.as_bytes() == new
}

/// The first eight hex digits of a 64-bit hash of the bytes: enough to tell versions of one
/// file apart, short enough to read.
fn content_hash(bytes: &Bytes) -> Option<String> {
    let read;
    let content: &[u8] = match bytes {
        Bytes::Owned(b) => b,
        Bytes::Embedded(b) => b,
        Bytes::File(path) => {
            read = std::fs::read(path).ok()?;
            &read
        }
    };
    let mut hasher = SipHasher13::new_with_keys(0, 0);
    hasher.write(content);
    Some(format!("{:016x}", hasher.finish())[..8].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile::text(path, text.to_string())
    }

    #[test]
    fn stylesheets_and_scripts_get_a_name_that_changes_with_their_content() {
        let mut files = vec![
            file("style.css", "body{}"),
            file("js/app.js", "1"),
            file("logo.svg", "<svg/>"),
            file("README", "x"),
        ];
        let names = fingerprint(&mut files);
        let style = &names["style.css"];
        assert!(
            style.starts_with("style.") && style.ends_with(".css"),
            "{style}"
        );
        assert_eq!(style.len(), "style.12345678.css".len());
        assert!(names["js/app.js"].starts_with("js/app."));
        assert_eq!(names.len(), 2);
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths.len(), 6);
        assert!(paths.contains(&style.as_str()));

        let mut changed = vec![file("style.css", "body{color:red}")];
        assert_ne!(fingerprint(&mut changed)["style.css"], *style);
        let mut same = vec![file("style.css", "body{}")];
        assert_eq!(fingerprint(&mut same)["style.css"], *style);
    }

    #[test]
    fn a_page_that_only_links_a_renamed_stylesheet_differs_only_by_names() {
        let mut before = AssetNames::new();
        before.insert("style.css".into(), "style.11111111.css".into());
        let mut after = before.clone();
        after.insert("style.css".into(), "style.22222222.css".into());
        let renamed = renamed(&before, &after);
        assert_eq!(
            renamed,
            [(
                "style.11111111.css".to_string(),
                "style.22222222.css".to_string()
            )]
        );
        let page = |css: &str, text: &str| format!("<link href=\"/{css}\"><p>{text}</p>");
        let old = page("style.11111111.css", "一");
        assert!(differ_only_by_names(
            old.as_bytes(),
            page("style.22222222.css", "一").as_bytes(),
            &renamed
        ));
        assert!(!differ_only_by_names(
            old.as_bytes(),
            page("style.22222222.css", "二").as_bytes(),
            &renamed
        ));
        assert!(!differ_only_by_names(old.as_bytes(), old.as_bytes(), &[]));
    }

    #[test]
    fn a_site_file_overriding_the_theme_one_is_the_only_one_fingerprinted() {
        let mut files = vec![file("style.css", "theme"), file("style.css", "site")];
        let names = fingerprint(&mut files);
        let mut site = vec![file("style.css", "site")];
        assert_eq!(names["style.css"], fingerprint(&mut site)["style.css"]);
        assert_eq!(files.len(), 3);
    }

    #[test]
    fn the_name_matches_what_nginx_caches_for_a_year() {
        let mut files = vec![file("style.css", "body{}")];
        let name = fingerprint(&mut files)["style.css"].clone();
        let hash = &name["style.".len()..name.len() - ".css".len()];
        assert_eq!(hash.len(), 8);
        assert!(
            hash.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
    }
}
