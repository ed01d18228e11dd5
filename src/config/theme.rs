//! A theme's own settings, `themes/NAME/theme.yaml` (the embedded default theme has one too):
//! the shapes its templates show cover photos in. The theme's stylesheet decides how wide and
//! of what shape a list's thumbnail is, so the theme, not the site, names the crops
//! (`cover_image.NAME` in templates; docs/templates.md).

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_yaml::Value;

use crate::error::{Diagnostic, Diagnostics};
use crate::yaml::{Fields, YamlDoc};

/// The settings file's name in a theme's folder.
pub const THEME_FILE: &str = "theme.yaml";

/// The default theme's `theme.yaml`, for the embedded theme.
const DEFAULT_THEME_YAML: &str = include_str!("../../themes/default/theme.yaml");

const THEME_KEYS: &[&str] = &["covers"];
const COVER_KEYS: &[&str] = &["aspect", "widths"];

/// A cover thumbnail shape: the aspect ratio a theme shows covers in, and the widths made of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoverCrop {
    pub name: String,
    /// Width to height, e.g. (4, 3).
    pub aspect: (u32, u32),
    /// Widths in pixels, smallest first.
    pub widths: Vec<u32>,
}

/// Today's shapes of the default theme, for a theme that declares none: 4:3 in page lists
/// (shown 104 px wide, twice that for sharp screens) and 16:9 for the home page's featured
/// story (shown up to 640 px wide).
pub fn default_covers() -> Vec<CoverCrop> {
    vec![
        CoverCrop {
            name: "thumbnail".into(),
            aspect: (4, 3),
            widths: vec![160, 320],
        },
        CoverCrop {
            name: "feature".into(),
            aspect: (16, 9),
            widths: vec![640, 1280],
        },
    ]
}

/// The cover shapes of theme `theme` of the site at `root`: from `themes/THEME/theme.yaml`
/// when the theme is on disk (its shapes without one), from the embedded default theme's
/// otherwise.
pub fn covers(root: &Path, theme: &str) -> Result<Vec<CoverCrop>, Diagnostics> {
    let dir = root.join("themes").join(theme);
    if dir.is_dir() {
        let file = PathBuf::from("themes").join(theme).join(THEME_FILE);
        match std::fs::read_to_string(dir.join(THEME_FILE)) {
            Ok(text) => parse(text.trim_start_matches('\u{feff}'), &file),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(default_covers()),
            Err(e) => Err(Diagnostic::new(file, format!("无法读取主题设置：{e}")).into()),
        }
    } else {
        parse(
            DEFAULT_THEME_YAML,
            &Path::new("themes/default").join(THEME_FILE),
        )
    }
}

/// Reads the text of a `theme.yaml`. Every problem in the file is returned together.
pub fn parse(text: &str, file: &Path) -> Result<Vec<CoverCrop>, Diagnostics> {
    let doc = YamlDoc::parse(text, file, 0)?;
    let mut errors = doc.unknown_keys(THEME_KEYS, "theme.yaml ");
    let covers = match doc.get("covers") {
        None => default_covers(),
        Some(Value::Mapping(map)) => {
            let sub = doc.child("covers", map.clone());
            let names: Vec<String> = map
                .keys()
                .map(|k| k.as_str().map_or_else(|| format!("{k:?}"), str::to_string))
                .collect();
            names
                .iter()
                .filter_map(|name| cover(&sub, name, &mut errors))
                .collect()
        }
        Some(_) => {
            errors.push(
                doc.error_at("covers", "theme.yaml 的 covers 应该是一组“名称: 形状”")
                    .hint("例如 covers: {thumbnail: {aspect: \"4:3\", widths: [160, 320]}}"),
            );
            Vec::new()
        }
    };
    if errors.is_empty() {
        Ok(covers)
    } else {
        Err(Diagnostics::from(errors))
    }
}

/// One shape `name` of `covers:`.
fn cover(covers: &YamlDoc, name: &str, errors: &mut Vec<Diagnostic>) -> Option<CoverCrop> {
    let valid_name = !name.is_empty()
        && name != "full"
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid_name {
        errors.push(
            covers
                .error_at(
                    name,
                    format!("封面形状的名称“{name}”无效：只能用小写字母、数字和 _，且不能是 full"),
                )
                .hint("模板中用 cover_image.名称 取用，例如 thumbnail"),
        );
        return None;
    }
    let Some(Value::Mapping(map)) = covers.get(name) else {
        errors.push(
            covers
                .error_at(name, format!("封面形状 {name} 应该写明 aspect 和 widths"))
                .hint("例如 thumbnail: {aspect: \"4:3\", widths: [160, 320]}"),
        );
        return None;
    };
    let doc = covers.child(name, map.clone());
    errors.extend(doc.unknown_keys(COVER_KEYS, &format!("theme.yaml 的 covers.{name} ")));
    let mut f = Fields::new(&doc);
    let aspect = f.string("aspect").and_then(|a| {
        let (w, h) = a.split_once(':')?;
        let side = |s: &str| {
            s.trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=100).contains(n))
        };
        Some((side(w)?, side(h)?))
    });
    let mut widths: Option<Vec<u32>> = f
        .string_list("widths")
        .iter()
        .map(|t| {
            t.trim()
                .parse::<u32>()
                .ok()
                .filter(|w| (16..=4096).contains(w))
        })
        .collect();
    errors.append(&mut f.errors);
    if let Some(w) = widths.as_mut() {
        w.sort_unstable();
        w.dedup();
    }
    let widths = widths.filter(|w| !w.is_empty());
    if aspect.is_none() {
        errors.push(
            doc.error_at(
                "aspect",
                format!("covers.{name}.aspect 应该是“宽:高”，例如 \"4:3\"（1 到 100 的整数）"),
            )
            .hint("写在英文引号里：aspect: \"16:9\""),
        );
    }
    if widths.is_none() {
        errors.push(
            doc.error_at(
                "widths",
                format!("covers.{name}.widths 应该是 16 到 4096 之间的像素宽度列表"),
            )
            .hint("例如 widths: [160, 320]"),
        );
    }
    Some(CoverCrop {
        name: name.to_string(),
        aspect: aspect?,
        widths: widths?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_themes_file_declares_todays_shapes() {
        let covers = parse(DEFAULT_THEME_YAML, Path::new("themes/default/theme.yaml"));
        assert_eq!(covers, Ok(default_covers()));
        assert_eq!(parse("", Path::new("t.yaml")), Ok(default_covers()));
    }

    #[test]
    fn a_theme_declares_its_own_shapes_and_bad_ones_are_errors_with_their_place() {
        let file = Path::new("themes/t/theme.yaml");
        assert_eq!(
            parse(
                "covers:\n  square:\n    aspect: \"1:1\"\n    widths: [400, 200, 200]\n",
                file
            ),
            Ok(vec![CoverCrop {
                name: "square".into(),
                aspect: (1, 1),
                widths: vec![200, 400],
            }])
        );
        let errors = parse(
            "covers:\n  square:\n    aspect: 1x1\n    widths: [8]\n  Full:\n    aspect: \"1:1\"\n",
            file,
        )
        .err()
        .unwrap_or_default();
        let lines: Vec<String> = errors.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            lines,
            [
                "themes/t/theme.yaml:3:5: covers.square.aspect 应该是“宽:高”，例如 \"4:3\"（1 到 100 的整数）\n    提示：写在英文引号里：aspect: \"16:9\"",
                "themes/t/theme.yaml:4:5: covers.square.widths 应该是 16 到 4096 之间的像素宽度列表\n    提示：例如 widths: [160, 320]",
                "themes/t/theme.yaml:5:3: 封面形状的名称“Full”无效：只能用小写字母、数字和 _，且不能是 full\n    提示：模板中用 cover_image.名称 取用，例如 thumbnail",
            ]
        );
    }
}
