//! URL paths: slugs for folders and pages, and validation of the `slug`, `path` and `aliases`
//! an editor writes, so nothing a content file says can place output outside the site.

use crate::text::slug::{is_clean_slug, legacy_slugify, slugify};

/// The slug for a folder or file name: kept when already clean, pinyin otherwise.
pub fn name_slug(name: &str) -> String {
    slug_of_name(name, slugify)
}

/// [`name_slug`] as wenming wrote it before word-aware pinyin (for automatic aliases).
pub fn legacy_name_slug(name: &str) -> String {
    slug_of_name(name, legacy_slugify)
}

fn slug_of_name(name: &str, pinyin: fn(&str) -> String) -> String {
    let lower = name.to_lowercase();
    if is_clean_slug(&lower) {
        lower
    } else {
        pinyin(name)
    }
}

/// A value as shown in a message: control characters such as NUL written as escapes
/// (`\0`, `\u{7}`), so the message shows what the editor must remove.
fn shown(value: &str) -> String {
    value
        .chars()
        .map(|c| match c {
            '\0' => "\\0".to_string(),
            c if c.is_control() => c.escape_default().to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// Longest slug or path segment an editor may write, in characters (all ASCII). File systems
/// refuse names over 255 bytes, and the writer adds suffixes (`.br`, `.gz`, temporary names)
/// to the names it writes: a limit well below that is an error at the content file's line,
/// not an OS error about a staging folder.
pub const MAX_SEGMENT: usize = 100;

/// Deepest `path:` or alias an editor may write, in segments (a path of 4096 bytes is
/// refused by the system).
const MAX_SEGMENTS: usize = 20;

fn too_long(what: &str, value: &str) -> String {
    let start: String = value.chars().take(20).collect();
    let count = value.chars().count();
    if what == "slug" {
        format!("slug“{start}…”太长（{count} 个字符）：最多 {MAX_SEGMENT} 个字符")
    } else {
        format!("{what}中的“{start}…”这一段太长（{count} 个字符）：每一段最多 {MAX_SEGMENT} 个字符")
    }
}

/// Checks an editor-written `slug:`; returns the reason when it cannot be used.
pub fn check_slug(slug: &str) -> Result<String, String> {
    let s = slug.trim().to_lowercase();
    if s.len() > MAX_SEGMENT {
        Err(too_long("slug", &s))
    } else if is_clean_slug(&s) {
        Ok(s)
    } else {
        Err(format!(
            "slug“{}”只能包含小写英文字母、数字、- 和 _，不能含 /、.. 或中文",
            shown(slug)
        ))
    }
}

/// Checks a `template:` name: relative, `/`-separated, no `.` or `..` segment, no `\`, `:`
/// or control characters.
pub fn check_template_name(name: &str) -> Result<(), String> {
    let bad_segment = name
        .split('/')
        .any(|seg| seg.is_empty() || seg == "." || seg == "..");
    if name.is_empty()
        || bad_segment
        || name.contains(['\\', ':'])
        || name.contains(char::is_control)
    {
        return Err(format!(
            "模板名“{}”无效：应是模板目录下的相对名称，不能以 / 开头，不能含 ..、\\ 或 :",
            shown(name)
        ));
    }
    Ok(())
}

/// Checks a `path:` or alias and returns it as a clean site path. Segments may contain
/// letters, digits, `-`, `_` and `.` (old CMS URLs end in `.shtml`), never `.` or `..` alone,
/// backslashes, NUL or a drive letter. `allow_file` allows a last segment with an extension.
pub fn check_site_path(raw: &str, allow_file: bool) -> Result<SitePath, String> {
    let trimmed = raw.trim();
    if trimmed.contains(['\\', '\0', ':', '?', '#']) {
        return Err(format!(
            "路径“{}”含有不允许的字符（\\、:、?、# 或空字符）",
            shown(trimmed)
        ));
    }
    let segments: Vec<&str> = trimmed.split('/').filter(|s| !s.is_empty()).collect();
    if segments.is_empty() {
        return Err(format!("路径“{trimmed}”是空的"));
    }
    for seg in &segments {
        let valid_chars = seg
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if *seg == "." || *seg == ".." || !valid_chars {
            return Err(format!(
                "路径“{trimmed}”中的“{seg}”无效：只能用英文字母、数字、-、_ 和 .，且不能是 . 或 .."
            ));
        }
        if seg.len() > MAX_SEGMENT {
            return Err(too_long("路径", seg));
        }
    }
    if segments.len() > MAX_SEGMENTS {
        return Err(format!(
            "路径“{}…”有 {} 层，太深：最多 {MAX_SEGMENTS} 层",
            segments[..3].join("/"),
            segments.len()
        ));
    }
    let last = segments[segments.len() - 1];
    let is_file = allow_file && last.contains('.') && !trimmed.ends_with('/');
    let joined = segments.join("/");
    Ok(if is_file {
        SitePath {
            url: format!("/{joined}"),
            file: joined,
        }
    } else {
        SitePath {
            url: format!("/{joined}/"),
            file: format!("{joined}/index.html"),
        }
    })
}

/// A validated location on the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitePath {
    /// URL path from the site root, e.g. `/news/a/`.
    pub url: String,
    /// Output file below the output directory, e.g. `news/a/index.html`.
    pub file: String,
}

/// The output file for a URL path ending in `/`.
pub fn index_file(url: &str) -> String {
    format!("{}index.html", url.trim_start_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_escape() {
        assert!(check_site_path("../../etc/passwd", true).is_err());
        assert!(check_site_path("/a/../b", true).is_err());
        assert!(check_site_path("C:\\x", true).is_err());
        assert!(check_site_path("a\0b", true).is_err());
        assert!(check_site_path("/", true).is_err());
    }

    #[test]
    fn paths_and_old_cms_aliases() {
        let p = check_site_path("about/us", false).expect("valid");
        assert_eq!(
            p,
            SitePath {
                url: "/about/us/".into(),
                file: "about/us/index.html".into()
            }
        );
        let p = check_site_path("/sw/202112/t20211211_7461727.shtml", true).expect("valid");
        assert_eq!(p.file, "sw/202112/t20211211_7461727.shtml");
    }

    #[test]
    fn slugs_must_be_clean() {
        assert_eq!(check_slug("Lei-Feng"), Ok("lei-feng".into()));
        assert!(check_slug("../x").is_err());
        assert!(check_slug("中文").is_err());
        assert_eq!(name_slug("学雷锋"), "xue-lei-feng");
    }
}
