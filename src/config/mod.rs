//! `site.yaml` → [`Config`]: typed settings with defaults. Unknown keys are errors that name
//! the closest valid key, because a misspelt setting silently ignored is worse than a failure.

mod check_settings;
pub mod theme;

use std::path::Path;

use serde::Serialize;
use serde_yaml::{Mapping, Value};

use crate::error::{Diagnostic, Diagnostics};
use crate::yaml::{Fields, YamlDoc};

pub use check_settings::{CheckConfig, ExternalConfig, Waivers};

pub const CONFIG_FILE: &str = "site.yaml";

/// The settings of `site.yaml`.
pub const SITE_KEYS: &[&str] = &[
    "title",
    "base_url",
    "language",
    "description",
    "share_image",
    "theme",
    "paginate",
    "taxonomies",
    "footer",
    "markdown",
    "feed",
    "search",
    "extra",
    "check",
    "limits",
    "output",
    "images",
    "desk",
];
const FOOTER_KEYS: &[&str] = &[
    "sponsor",
    "organizer",
    "contact",
    "icp",
    "police_record",
    "site_code",
    "badge",
    "badge_link",
    "jiucuo",
];
const MARKDOWN_KEYS: &[&str] = &["unsafe_html"];
const FEED_KEYS: &[&str] = &["limit"];
const SEARCH_KEYS: &[&str] = &["enabled", "sections"];
const LIMITS_KEYS: &[&str] = &["max_file_size", "max_pages"];
const OUTPUT_KEYS: &[&str] = &["compress"];
const IMAGES_KEYS: &[&str] = &["widths", "quality", "format"];
const DESK_KEYS: &[&str] = &["max_upload", "reviewers"];
const TAXONOMY_KEYS: &[&str] = &["name", "title", "paginate"];

/// The site's settings, as templates see them under `config`.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    pub title: String,
    /// Absolute URL of the site, without trailing slash.
    pub base_url: String,
    pub language: String,
    pub description: String,
    /// The picture a shared link shows (og:image) when a page has no cover: a site path or URL.
    pub share_image: String,
    pub theme: String,
    /// Items per listing page; 0 means no pagination.
    pub paginate: usize,
    pub taxonomies: Vec<TaxonomyConfig>,
    pub footer: Footer,
    pub markdown: MarkdownConfig,
    pub feed: FeedConfig,
    pub search: SearchConfig,
    pub extra: serde_json::Value,
    /// The `check:` block: editorial checks.
    pub check: CheckConfig,
    /// The `limits:` block: how much content one build accepts.
    pub limits: LimitsConfig,
    /// The `output:` block: how the built files are written.
    pub output: OutputConfig,
    /// The `images:` block: how photos are resized for the web.
    pub images: ImagesConfig,
    /// The editor's desk of `wenming serve` (`desk:`; see docs/desk.md).
    pub desk: DeskConfig,
}

/// The editor's desk (`desk:` in site.yaml).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeskConfig {
    /// The largest request body the desk reads (an uploaded photo or Word file), in bytes.
    pub max_upload: u64,
    /// The names offered as 审核人; empty: any name may be typed.
    pub reviewers: Vec<String>,
}

impl Default for DeskConfig {
    fn default() -> Self {
        DeskConfig {
            max_upload: 30 * 1024 * 1024,
            reviewers: Vec::new(),
        }
    }
}

/// How the photos pages show are resized (`images:` in site.yaml; docs/content.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImagesConfig {
    /// The widths in pixels of the resized copies, smallest first (never wider than the photo).
    pub widths: Vec<u32>,
    /// JPEG quality, 1–100.
    pub quality: u8,
    pub format: ImageFormat,
    /// The cover thumbnail shapes, from the theme's `theme.yaml` (see [`theme`]).
    pub covers: Vec<theme::CoverCrop>,
}

/// What resized copies are encoded as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageFormat {
    /// A JPEG stays JPEG, a PNG stays PNG.
    Auto,
    /// Opaque PNG photos become JPEG too (a PNG with transparency stays PNG).
    Jpeg,
}

impl Default for ImagesConfig {
    fn default() -> Self {
        ImagesConfig {
            widths: vec![480, 960, 1600],
            quality: 80,
            format: ImageFormat::Auto,
            covers: theme::default_covers(),
        }
    }
}

/// How the built files are written (`output:` in site.yaml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OutputConfig {
    /// Write `name.gz` and `name.br` beside every text file of 1 KB or more.
    pub compress: bool,
}

impl Default for OutputConfig {
    fn default() -> Self {
        OutputConfig { compress: true }
    }
}

/// Bounds on what one build reads (`limits:` in site.yaml), so a mistaken or hostile file
/// fails with a message instead of exhausting memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LimitsConfig {
    /// Largest content or data file, in bytes.
    pub max_file_size: u64,
    /// Most Markdown files (pages and sections) in `content/`.
    pub max_pages: usize,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            max_file_size: 10 * 1024 * 1024,
            max_pages: 100_000,
        }
    }
}

/// A size as written in site.yaml: a number of bytes, or a number with KB, MB or GB
/// (powers of 1024; case and a space before the unit do not matter).
pub fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim().to_ascii_uppercase();
    let (number, unit) = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => (&t[..i], t[i..].trim()),
        None => (t.as_str(), ""),
    };
    let scale: u64 = match unit {
        "" | "B" => 1,
        "K" | "KB" => 1 << 10,
        "M" | "MB" => 1 << 20,
        "G" | "GB" => 1 << 30,
        _ => return None,
    };
    number.parse::<u64>().ok()?.checked_mul(scale)
}

/// `10485760` → `10 MB`, `1536` → `1.5 KB`: sizes in messages.
pub fn format_size(bytes: u64) -> String {
    let units = [(1u64 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "KB")];
    for (scale, unit) in units {
        if bytes >= scale {
            let value = bytes as f64 / scale as f64;
            let shown = format!("{value:.1}");
            return format!("{} {unit}", shown.trim_end_matches(".0"));
        }
    }
    format!("{bytes} 字节")
}

#[derive(Debug, Clone, Serialize)]
pub struct TaxonomyConfig {
    /// The front matter key and URL segment, e.g. `tags`.
    pub name: String,
    /// What readers see, e.g. 标签.
    pub title: String,
    pub paginate: Option<usize>,
}

/// The footer fields Chinese public-sector sites must show; empty ones are left out.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Footer {
    /// 主办单位
    pub sponsor: String,
    /// 承办单位
    pub organizer: String,
    /// 联系方式
    pub contact: String,
    /// ICP 备案号
    pub icp: String,
    /// 公安机关备案号
    pub police_record: String,
    /// 网站标识码
    pub site_code: String,
    /// 党政机关网站标识 image URL
    pub badge: String,
    /// Where the 标识 leads: the 开办单位 certificate page the 编办 gives with the image.
    pub badge_link: String,
    /// The 我为政府网站找错 address for this site (the 政务服务平台's error-report page).
    pub jiucuo: String,
    /// The fields written as `""`: left blank on purpose (as `wenming init` does with the
    /// ones a new site does not have yet), so only `check --strict` reminds of them.
    #[serde(skip)]
    pub left_blank: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct MarkdownConfig {
    /// Let raw HTML through unsanitized. Off by default.
    pub unsafe_html: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct FeedConfig {
    /// Entries per feed.
    pub limit: usize,
}

/// Site search (`search:` in site.yaml); see docs/search.md.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SearchConfig {
    /// Build the search index and the `/search/` page. Off by default.
    pub enabled: bool,
    /// Content folders whose pages are indexed (`news`, `rules/local`), with everything
    /// below them; empty means every section.
    pub sections: Vec<String>,
}

impl Config {
    /// Reads `ROOT/site.yaml`. Every problem in the file is returned together.
    pub fn load(root: &Path) -> Result<Config, Diagnostics> {
        let path = root.join(CONFIG_FILE);
        let file = Path::new(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            let message = match e.kind() {
                std::io::ErrorKind::NotFound => format!(
                    "找不到 {CONFIG_FILE}：{} 不是一个 wenming 站点目录",
                    root.display()
                ),
                std::io::ErrorKind::InvalidData => format!("{CONFIG_FILE} 不是 UTF-8 编码"),
                _ => format!("无法读取 {CONFIG_FILE}：{e}"),
            };
            Diagnostics::from(
                Diagnostic::new(file, message)
                    .hint("用 --root 指定站点目录，或用 wenming init 新建站点"),
            )
        })?;
        let mut config = Config::parse(text.trim_start_matches('\u{feff}'), file)?;
        config.images.covers = theme::covers(root, &config.theme)?;
        Ok(config)
    }

    /// Parses the text of a `site.yaml`.
    pub fn parse(text: &str, file: &Path) -> Result<Config, Diagnostics> {
        let doc = YamlDoc::parse(text, file, 0)?;
        let mut errors = doc.unknown_keys(SITE_KEYS, "site.yaml ");
        let mut f = Fields::new(&doc);

        let title = f.string("title").unwrap_or_default();
        let base_url = f.string("base_url").unwrap_or_default();
        let language = f.string("language").unwrap_or_else(|| "zh-CN".into());
        let description = f.string("description").unwrap_or_default();
        let share_image = f.string("share_image").unwrap_or_default();
        let theme = f.string("theme").unwrap_or_else(|| "default".into());
        let paginate = f.count("paginate").unwrap_or(10);
        let extra = f
            .map("extra")
            .unwrap_or(serde_json::Value::Object(Default::default()));
        errors.append(&mut f.errors);

        if title.trim().is_empty() {
            errors.push(
                doc.error_at("title", "site.yaml 缺少网站名称 title")
                    .hint("例如 title: 示例市文明网"),
            );
        }
        let base_url = base_url.trim().trim_end_matches('/').to_string();
        if base_url.is_empty() {
            errors.push(
                doc.error_at("base_url", "site.yaml 缺少网站地址 base_url")
                    .hint("例如 base_url: https://wenming.example.gov.cn"),
            );
        } else if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            errors.push(
                doc.error_at(
                    "base_url",
                    format!("base_url“{base_url}”应以 http:// 或 https:// 开头"),
                )
                .hint("例如 base_url: https://wenming.example.gov.cn"),
            );
        }
        if theme.contains(['/', '\\', '\0']) || theme.starts_with('.') || theme.is_empty() {
            errors.push(doc.error_at(
                "theme",
                format!("主题名“{theme}”无效：只能是 themes/ 下的一个目录名"),
            ));
        }

        let taxonomies = parse_taxonomies(&doc, &mut errors);
        let footer = parse_footer(&doc, &mut errors);
        let check = check_settings::parse_check(&doc, &mut errors);
        let markdown = {
            let sub = sub_doc(&doc, "markdown", MARKDOWN_KEYS, &mut errors);
            let mut unsafe_html = false;
            if let Some(sub) = &sub {
                let mut sf = Fields::new(sub);
                unsafe_html = sf.bool("unsafe_html").unwrap_or(false);
                errors.append(&mut sf.errors);
            }
            MarkdownConfig { unsafe_html }
        };
        let feed = {
            let sub = sub_doc(&doc, "feed", FEED_KEYS, &mut errors);
            let mut limit = 20;
            if let Some(sub) = &sub {
                let mut sf = Fields::new(sub);
                limit = sf.count("limit").unwrap_or(20);
                errors.append(&mut sf.errors);
            }
            FeedConfig { limit }
        };
        let search = {
            let sub = sub_doc(&doc, "search", SEARCH_KEYS, &mut errors);
            let mut search = SearchConfig::default();
            if let Some(sub) = &sub {
                let mut sf = Fields::new(sub);
                search.enabled = sf.bool("enabled").unwrap_or(false);
                search.sections = sf
                    .string_list("sections")
                    .iter()
                    .map(|s| s.trim().trim_matches('/').to_string())
                    .collect();
                errors.append(&mut sf.errors);
            }
            search
        };

        let limits = parse_limits(&doc, &mut errors);
        let desk = parse_desk(&doc, &mut errors);
        let images = parse_images(&doc, &mut errors);
        let output = parse_output(&doc, &mut errors);

        if !errors.is_empty() {
            return Err(Diagnostics::unsorted(errors));
        }
        Ok(Config {
            title,
            base_url,
            language,
            description,
            share_image,
            theme,
            paginate,
            taxonomies,
            footer,
            markdown,
            feed,
            search,
            extra,
            check,
            limits,
            output,
            images,
            desk,
        })
    }

    /// The path part of `base_url` (`/wenming` for `https://example.gov.cn/wenming`), or empty.
    pub fn base_path(&self) -> &str {
        let after_scheme = self
            .base_url
            .split_once("://")
            .map_or(self.base_url.as_str(), |(_, r)| r);
        after_scheme.find('/').map_or("", |i| &after_scheme[i..])
    }

    /// Absolute URL for a site path such as `/news/`.
    pub fn absolute_url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// Absolute URL for a URL path that already carries the base path (`/wenming/news/`), as
    /// views give them; a URL with a scheme stays as it is.
    pub fn absolute_from_url_path(&self, url_path: &str) -> String {
        if url_path.contains("://") {
            return url_path.to_string();
        }
        let origin = &self.base_url[..self.base_url.len() - self.base_path().len()];
        format!("{origin}{url_path}")
    }
}

/// A nested mapping such as `footer:` viewed as its own document, with its keys checked.
fn sub_doc<'a>(
    doc: &YamlDoc<'a>,
    key: &str,
    allowed: &[&str],
    errors: &mut Vec<Diagnostic>,
) -> Option<YamlDoc<'a>> {
    match doc.get(key)? {
        Value::Mapping(map) => {
            let sub = doc.child(key, map.clone());
            errors.extend(sub.unknown_keys(allowed, &format!("site.yaml 的 {key} ")));
            Some(sub)
        }
        _ => {
            errors.push(doc.error_at(key, format!("site.yaml 的 {key} 应该是一组“键: 值”")));
            None
        }
    }
}

fn parse_output(doc: &YamlDoc, errors: &mut Vec<Diagnostic>) -> OutputConfig {
    let mut output = OutputConfig::default();
    if let Some(sub) = sub_doc(doc, "output", OUTPUT_KEYS, errors) {
        let mut sf = Fields::new(&sub);
        output.compress = sf.bool("compress").unwrap_or(true);
        errors.append(&mut sf.errors);
    }
    output
}

fn parse_desk(doc: &YamlDoc, errors: &mut Vec<Diagnostic>) -> DeskConfig {
    let mut desk = DeskConfig::default();
    let Some(sub) = sub_doc(doc, "desk", DESK_KEYS, errors) else {
        return desk;
    };
    let mut f = Fields::new(&sub);
    if let Some(value) = sub.get("max_upload") {
        let text = match value {
            Value::Number(n) => n.to_string(),
            Value::String(s) => s.clone(),
            _ => String::new(),
        };
        match parse_size(&text).filter(|&n| n > 0) {
            Some(n) => desk.max_upload = n,
            None => f.errors.push(
                sub.error_at(
                    "max_upload",
                    format!("desk.max_upload“{text}”应该是大于 0 的字节数或带单位的大小"),
                )
                .hint("例如 max_upload: 30MB（可用单位 KB、MB、GB）"),
            ),
        }
    }
    desk.reviewers = f
        .string_list("reviewers")
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    errors.append(&mut f.errors);
    desk
}

fn parse_limits(doc: &YamlDoc, errors: &mut Vec<Diagnostic>) -> LimitsConfig {
    let mut limits = LimitsConfig::default();
    let Some(sub) = sub_doc(doc, "limits", LIMITS_KEYS, errors) else {
        return limits;
    };
    let mut f = Fields::new(&sub);
    if let Some(value) = sub.get("max_file_size") {
        let text = match value {
            Value::Number(n) => n.to_string(),
            Value::String(s) => s.clone(),
            _ => String::new(),
        };
        match parse_size(&text).filter(|&n| n > 0) {
            Some(n) => limits.max_file_size = n,
            None => f.errors.push(
                sub.error_at(
                    "max_file_size",
                    format!("limits.max_file_size“{text}”应该是大于 0 的字节数或带单位的大小"),
                )
                .hint("例如 max_file_size: 10MB（可用单位 KB、MB、GB）"),
            ),
        }
    }
    match f.count("max_pages") {
        Some(0) => f.wrong_type("max_pages", "大于 0 的整数"),
        Some(n) => limits.max_pages = n,
        None => {}
    }
    errors.append(&mut f.errors);
    limits
}

fn parse_images(doc: &YamlDoc, errors: &mut Vec<Diagnostic>) -> ImagesConfig {
    let mut images = ImagesConfig::default();
    let Some(sub) = sub_doc(doc, "images", IMAGES_KEYS, errors) else {
        return images;
    };
    let mut f = Fields::new(&sub);
    if sub.get("widths").is_some() {
        let texts = f.string_list("widths");
        let widths: Option<Vec<u32>> = texts
            .iter()
            .map(|t| {
                t.trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|w| (16..=8192).contains(w))
            })
            .collect();
        match widths {
            Some(mut widths) if !widths.is_empty() => {
                widths.sort_unstable();
                widths.dedup();
                images.widths = widths;
            }
            _ => f.errors.push(
                sub.error_at(
                    "widths",
                    "images.widths 应该是 16 到 8192 之间的像素宽度列表",
                )
                .hint("例如 widths: [480, 960, 1600]"),
            ),
        }
    }
    match f.integer("quality") {
        Some(q @ 1..=100) => images.quality = q as u8,
        Some(_) => f.errors.push(
            sub.error_at("quality", "images.quality 应该是 1 到 100 之间的整数")
                .hint("照片一般用 75 到 85，默认 80"),
        ),
        None => {}
    }
    match f.string("format").as_deref() {
        None | Some("auto") => {}
        Some("jpeg") => images.format = ImageFormat::Jpeg,
        Some(other) => f.errors.push(
            sub.error_at(
                "format",
                format!("images.format“{other}”无效：只能是 auto 或 jpeg"),
            )
            .hint("auto：JPEG 仍为 JPEG，PNG 仍为 PNG；jpeg：不透明的 PNG 照片也转为 JPEG"),
        ),
    }
    errors.append(&mut f.errors);
    images
}

fn parse_footer(doc: &YamlDoc, errors: &mut Vec<Diagnostic>) -> Footer {
    let Some(sub) = sub_doc(doc, "footer", FOOTER_KEYS, errors) else {
        return Footer::default();
    };
    let mut f = Fields::new(&sub);
    let mut get = |k: &str| f.string(k).unwrap_or_default();
    let footer = Footer {
        sponsor: get("sponsor"),
        organizer: get("organizer"),
        contact: get("contact"),
        icp: get("icp"),
        police_record: get("police_record"),
        site_code: get("site_code"),
        badge: get("badge"),
        badge_link: get("badge_link"),
        jiucuo: get("jiucuo"),
        left_blank: FOOTER_KEYS
            .iter()
            .filter(|k| sub.get(k).and_then(|v| v.as_str()) == Some(""))
            .map(|k| k.to_string())
            .collect(),
    };
    errors.append(&mut f.errors);
    footer
}

fn default_taxonomy_title(name: &str) -> String {
    match name {
        "tags" => "标签".into(),
        "districts" => "区县".into(),
        "categories" => "分类".into(),
        other => other.into(),
    }
}

/// A taxonomy's `paginate`: a count, or an error at its line (a negative or fractional
/// number is not silently ignored).
fn taxonomy_paginate(
    map: &Mapping,
    name: &str,
    doc: &YamlDoc,
    errors: &mut Vec<Diagnostic>,
) -> Option<usize> {
    let value = map.get("paginate").filter(|v| !v.is_null())?;
    match value.as_u64().and_then(|n| usize::try_from(n).ok()) {
        Some(n) => Some(n),
        None => {
            let shown = match value {
                Value::Number(n) => n.to_string(),
                Value::String(s) => format!("“{s}”"),
                _ => "列表或字典".to_string(),
            };
            errors.push(
                doc.error_at(
                    "paginate",
                    format!("分类法 {name} 的 paginate 应该是不小于 0 的整数，现在是 {shown}"),
                )
                .hint("例如 paginate: 20；0 表示不分页"),
            );
            None
        }
    }
}

fn parse_taxonomies(doc: &YamlDoc, errors: &mut Vec<Diagnostic>) -> Vec<TaxonomyConfig> {
    let Some(value) = doc.get("taxonomies") else {
        return Vec::new();
    };
    let Value::Sequence(items) = value else {
        errors.push(doc.error_at(
            "taxonomies",
            "taxonomies 应该是列表，例如 [tags, districts]",
        ));
        return Vec::new();
    };
    let mut out: Vec<TaxonomyConfig> = Vec::new();
    let item_docs = doc.items("taxonomies");
    for (i, item) in items.iter().enumerate() {
        let item_doc = item_docs.get(i).and_then(Option::as_ref).unwrap_or(doc);
        let parsed = match item {
            Value::String(name) => Some(TaxonomyConfig {
                name: name.clone(),
                title: default_taxonomy_title(name),
                paginate: None,
            }),
            Value::Mapping(map) => {
                let name = map.get("name").and_then(Value::as_str).map(str::to_string);
                let unknown: Vec<String> = map
                    .keys()
                    .filter_map(Value::as_str)
                    .filter(|k| !TAXONOMY_KEYS.contains(k))
                    .map(str::to_string)
                    .collect();
                for k in unknown {
                    errors.push(
                        doc.error_at(&k, format!("taxonomies 中有未知字段“{k}”"))
                            .hint("每个分类法可写 name、title、paginate"),
                    );
                }
                match name {
                    Some(name) => Some(TaxonomyConfig {
                        title: map
                            .get("title")
                            .and_then(Value::as_str)
                            .map(str::to_string)
                            .unwrap_or_else(|| default_taxonomy_title(&name)),
                        paginate: taxonomy_paginate(map, &name, item_doc, errors),
                        name,
                    }),
                    None => {
                        errors.push(doc.error_at("taxonomies", "taxonomies 中的每一项都需要 name"));
                        None
                    }
                }
            }
            _ => {
                errors.push(doc.error_at(
                    "taxonomies",
                    "taxonomies 的每一项应是名称或 {name, title, paginate}",
                ));
                None
            }
        };
        if let Some(t) = parsed {
            if !crate::text::slug::is_clean_slug(&t.name) {
                errors.push(doc.error_at("taxonomies", format!(
                    "分类法名称“{}”只能用小写英文字母、数字、- 和 _（它会出现在网址和 front matter 中）",
                    t.name
                )));
            } else if is_reserved_taxonomy_name(&t.name) {
                errors.push(doc.error_at(
                    "taxonomies",
                    format!("分类法名称“{}”与内置字段重名，请换一个", t.name),
                ));
            } else if out.iter().any(|o| o.name == t.name) {
                errors.push(doc.error_at("taxonomies", format!("分类法“{}”重复定义", t.name)));
            } else {
                out.push(t);
            }
        }
    }
    out
}

/// Whether a taxonomy may take `name`: not if pages or sections already use that key.
fn is_reserved_taxonomy_name(name: &str) -> bool {
    use crate::vocabulary::{Kind, PAGE_KEYS, SECTION_KEYS, keys};
    PAGE_KEYS.contains(&name)
        || SECTION_KEYS.contains(&name)
        || Kind::NAMES
            .iter()
            .filter_map(|k| Kind::parse(k))
            .any(|k| keys(Some(k)).contains(&name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Diagnostics> {
        Config::parse(text, Path::new("site.yaml"))
    }

    #[test]
    fn defaults_fill_in_what_is_missing() {
        let c = parse("title: 测试\nbase_url: https://a.example/\n").expect("valid");
        assert_eq!(c.base_url, "https://a.example");
        assert_eq!(c.paginate, 10);
        assert_eq!(c.language, "zh-CN");
        assert!(!c.markdown.unsafe_html);
    }

    #[test]
    fn taxonomies_accept_names_and_maps() {
        let c = parse("title: t\nbase_url: https://a.example\ntaxonomies: [tags, {name: districts, title: 地区, paginate: 5}]\n")
            .expect("valid");
        assert_eq!(c.taxonomies[0].title, "标签");
        assert_eq!(c.taxonomies[1].title, "地区");
        assert_eq!(c.taxonomies[1].paginate, Some(5));
    }

    #[test]
    fn nested_unknown_keys_are_reported_with_their_line() {
        let errors = parse("title: t\nbase_url: https://a.example\nfooter:\n  sponser: 宣传部\n")
            .expect_err("invalid");
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors.0[0].to_string(),
            "site.yaml:4:3: site.yaml 的 footer 中有未知字段“sponser”\n    提示：是否想写“sponsor”？可用的字段有：sponsor, organizer, contact, icp, police_record, site_code, badge, badge_link, jiucuo"
        );
    }
}
