//! The `check:` block of `site.yaml`: what the editorial checks require and how `--external`
//! behaves. `docs/check.md` documents every key.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_yaml::Value;

use super::sub_doc;
use crate::error::Diagnostic;
use crate::yaml::{Fields, YamlDoc};

/// Check rules waived for one file: rule code → the reason an editor gave.
pub type Waivers = BTreeMap<String, String>;

const CHECK_KEYS: &[&str] = &[
    "require_review",
    "terms",
    "default_terms",
    "backdate_days",
    "external",
    "waive",
];
const EXTERNAL_KEYS: &[&str] = &["concurrency", "per_host", "timeout", "cache_hours", "cache"];

/// Settings of `wenming check` (and of the checks `build` runs).
#[derive(Debug, Clone, Serialize)]
pub struct CheckConfig {
    /// Every page needs 初审, 复审 and 终审 in its `review` before it is published.
    pub require_review: bool,
    /// Term dictionaries, as paths below `data/`. `None`: `terms.yaml` when it exists.
    pub terms: Option<Vec<String>>,
    /// Also use the dictionary shipped with wenming.
    pub default_terms: bool,
    /// A new page dated more than this many days before it is first published is a warning.
    pub backdate_days: usize,
    pub external: ExternalConfig,
    /// Waivers for data files: path such as `data/hotlines.csv` → rule code → reason.
    pub waive: BTreeMap<String, Waivers>,
}

/// How `wenming check --external` fetches outbound links.
#[derive(Debug, Clone, Serialize)]
pub struct ExternalConfig {
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Requests in flight at once to one host.
    pub per_host: usize,
    /// Seconds before a request is given up.
    pub timeout: u64,
    /// Hours a cached result is trusted.
    pub cache_hours: u64,
    /// The cache file, relative to the site root.
    pub cache: String,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            require_review: false,
            terms: None,
            default_terms: true,
            backdate_days: 7,
            external: ExternalConfig::default(),
            waive: BTreeMap::new(),
        }
    }
}

impl Default for ExternalConfig {
    fn default() -> Self {
        ExternalConfig {
            concurrency: 8,
            per_host: 2,
            timeout: 10,
            cache_hours: 24,
            cache: ".wenming/external-links.json".into(),
        }
    }
}

/// Reads the `check:` block; absent keys keep their defaults.
pub fn parse_check(doc: &YamlDoc, errors: &mut Vec<Diagnostic>) -> CheckConfig {
    let mut config = CheckConfig::default();
    let Some(sub) = sub_doc(doc, "check", CHECK_KEYS, errors) else {
        return config;
    };
    let mut f = Fields::new(&sub);
    config.require_review = f.bool("require_review").unwrap_or(false);
    config.default_terms = f.bool("default_terms").unwrap_or(true);
    if let Some(days) = f.count("backdate_days") {
        config.backdate_days = days;
    }
    if sub.get("terms").is_some() {
        config.terms = Some(
            f.string_list("terms")
                .into_iter()
                .map(|t| t.trim_start_matches("data/").to_string())
                .collect(),
        );
    }
    errors.append(&mut f.errors);
    if let Some(ext) = sub_doc(&sub, "external", EXTERNAL_KEYS, errors) {
        let mut f = Fields::new(&ext);
        let e = &mut config.external;
        e.concurrency = f.count("concurrency").unwrap_or(e.concurrency).max(1);
        e.per_host = f.count("per_host").unwrap_or(e.per_host).max(1);
        e.timeout = f.count("timeout").map_or(e.timeout, |t| t.max(1) as u64);
        e.cache_hours = f.count("cache_hours").map_or(e.cache_hours, |h| h as u64);
        if let Some(cache) = f.string("cache") {
            e.cache = cache;
        }
        errors.append(&mut f.errors);
    }
    if let Some(value) = sub.get("waive") {
        config.waive = parse_file_waivers(&sub, value, errors);
    }
    config
}

/// `waive: {data/hotlines.csv: {pii-mobile: 理由}}`.
fn parse_file_waivers(
    doc: &YamlDoc,
    value: &Value,
    errors: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Waivers> {
    let example = "例如 waive: {data/hotlines.csv: {pii-mobile: 公开的服务热线}}";
    let mut out = BTreeMap::new();
    let Value::Mapping(files) = value else {
        errors.push(
            doc.error_at("waive", "check 的 waive 应写成“文件: {规则代码: 理由}”")
                .hint(example),
        );
        return out;
    };
    for (file, rules) in files {
        let file = file.as_str().unwrap_or_default().to_string();
        let Value::Mapping(rules) = rules else {
            errors.push(
                doc.error_at(&file, format!("waive 中 {file} 应写成“规则代码: 理由”"))
                    .hint(example),
            );
            continue;
        };
        let mut waivers = Waivers::new();
        for (code, reason) in rules {
            let code = code.as_str().unwrap_or_default().to_string();
            match reason.as_str().map(str::trim).filter(|r| !r.is_empty()) {
                Some(reason) => {
                    waivers.insert(code, reason.to_string());
                }
                None => errors.push(
                    doc.error_at(&code, format!("waive 中 {file} 的 {code} 缺少理由"))
                        .hint(example),
                ),
            }
        }
        out.insert(file, waivers);
    }
    out
}
