//! Data files under `data/` (YAML, JSON, CSV), read once so templates can use them through
//! `load_data` without touching the disk while rendering.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use walkdir::WalkDir;

use crate::config::LimitsConfig;
use crate::error::{Diagnostic, relative};
use crate::yaml::yaml_error;

/// The data files of a site, each keyed by its path below `data/` (shared, so that `serve`
/// can keep them between rebuilds).
#[derive(Debug, Default, Clone)]
pub struct DataFiles {
    pub values: Arc<BTreeMap<String, serde_json::Value>>,
    /// The text of each file that could be read, for the check stage.
    pub texts: Arc<BTreeMap<String, String>>,
    /// When each file that could be read was last modified (for stale directories).
    pub modified: Arc<BTreeMap<String, jiff::Timestamp>>,
    pub errors: Vec<Diagnostic>,
}

/// Reads every data file under `root/data`, keyed by its path below `data/`.
pub fn load(root: &Path, limits: LimitsConfig) -> DataFiles {
    let dir = root.join("data");
    let mut values = BTreeMap::new();
    let mut texts = BTreeMap::new();
    let mut modified = BTreeMap::new();
    let mut errors = Vec::new();
    if !dir.is_dir() {
        return DataFiles::default();
    }
    for entry in WalkDir::new(&dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        if !entry.file_type().is_file()
            || super::files::is_ignored_name(&entry.file_name().to_string_lossy())
        {
            continue;
        }
        let abs = entry.path();
        let shown = relative(root, abs);
        let Some(key) = abs
            .strip_prefix(&dir)
            .ok()
            .and_then(|p| p.to_str())
            .map(|s| s.replace('\\', "/"))
        else {
            continue;
        };
        let ext = abs
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        if !matches!(ext.as_str(), "yaml" | "yml" | "json" | "csv") {
            continue;
        }
        let text = match super::files::read_limited(abs, &shown, limits) {
            Ok(t) => t,
            Err(d) => {
                errors.push(d);
                continue;
            }
        };
        match parse(&text, &ext, &shown) {
            Ok(v) => {
                values.insert(key.clone(), v);
            }
            Err(d) => errors.push(d),
        }
        if let Some(time) = entry
            .metadata()
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| jiff::Timestamp::try_from(t).ok())
        {
            modified.insert(key.clone(), time);
        }
        texts.insert(key, text);
    }
    DataFiles {
        values: Arc::new(values),
        texts: Arc::new(texts),
        modified: Arc::new(modified),
        errors,
    }
}

/// Parses a data file's text by its extension (`json`, `csv`, YAML otherwise).
pub(super) fn parse(text: &str, ext: &str, shown: &Path) -> Result<serde_json::Value, Diagnostic> {
    match ext {
        "json" => serde_json::from_str::<UniqueKeys>(text)
            .map(|v| v.0)
            .map_err(|e| {
                let full = e.to_string();
                let message = full.split(" at line ").next().unwrap_or(&full);
                Diagnostic::new(shown, format!("JSON 格式错误：{message}")).at(e.line(), e.column())
            }),
        "csv" => parse_csv(text, shown),
        _ => {
            crate::yaml::refuse_binary(text, shown, 0)?;
            let value: serde_yaml::Value =
                serde_yaml::from_str(text).map_err(|e| yaml_error(&e, shown, text, 0))?;
            serde_json::to_value(value)
                .map_err(|e| Diagnostic::new(shown, format!("数据无法转换：{e}")))
        }
    }
}

/// A JSON value whose objects never repeat a key: serde_json keeps the last of two silently,
/// so a data file that says a thing twice would lose the first without a word.
struct UniqueKeys(serde_json::Value);

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(UniqueKeysVisitor).map(UniqueKeys)
    }
}

struct UniqueKeysVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueKeysVisitor {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, Into::into))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(UniqueKeys(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(serde_json::Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format!(
                    "键“{key}”重复：同一个对象中每个键只能写一次"
                )));
            }
            let UniqueKeys(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(serde_json::Value::Object(object))
    }
}

/// A CSV file becomes a list of objects keyed by the header row.
fn parse_csv(text: &str, shown: &Path) -> Result<serde_json::Value, Diagnostic> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| Diagnostic::new(shown, format!("CSV 表头无法读取：{e}")).at_line(1))?
        .clone();
    for (i, header) in headers.iter().enumerate() {
        if headers.iter().take(i).any(|h| h == header) {
            return Err(
                Diagnostic::new(shown, format!("CSV 表头中“{header}”出现了两次"))
                    // Unquoted headers: the column where this one starts.
                    .at(
                        1,
                        headers
                            .iter()
                            .take(i)
                            .map(|h| h.chars().count() + 1)
                            .sum::<usize>()
                            + 1,
                    )
                    .hint("每一列的表头要不同，否则后一列会覆盖前一列"),
            );
        }
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
            let message = match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => format!("CSV 格式错误：这一行有 {len} 列，表头有 {expected_len} 列"),
                csv::ErrorKind::Utf8 { .. } => {
                    "CSV 格式错误：这一行不是 UTF-8 编码（可能是 GBK 等旧编码）".to_string()
                }
                _ => format!("CSV 格式错误：无法读取（{e}）"),
            };
            Diagnostic::new(shown, message)
                .at_line(line)
                .hint("每一行的列数要与表头相同；含逗号的值请用英文双引号括起来")
        })?;
        let row: serde_json::Map<String, serde_json::Value> = headers
            .iter()
            .zip(record.iter())
            .map(|(h, v)| (h.to_string(), serde_json::Value::String(v.to_string())))
            .collect();
        rows.push(serde_json::Value::Object(row));
    }
    Ok(serde_json::Value::Array(rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_become_objects() {
        let v = parse("区,得分\n云栖区,95.5\n", "csv", Path::new("data/a.csv")).expect("valid");
        assert_eq!(v, serde_json::json!([{"区": "云栖区", "得分": "95.5"}]));
    }

    #[test]
    fn a_key_twice_in_a_json_object_is_an_error_at_its_place() {
        let e = parse(
            "{\"a\": 1,\n \"b\": {\"c\": 2, \"c\": 3}}",
            "json",
            Path::new("data/x.json"),
        )
        .expect_err("duplicate");
        assert_eq!(
            e.to_string(),
            "data/x.json:2:18: JSON 格式错误：键“c”重复：同一个对象中每个键只能写一次"
        );
        let ok = parse(
            "{\"a\": [1, 2.5, null, true], \"b\": \"文\"}",
            "json",
            Path::new("x.json"),
        );
        assert_eq!(
            ok.ok(),
            Some(serde_json::json!({"a": [1, 2.5, null, true], "b": "文"}))
        );
    }

    #[test]
    fn ragged_csv_names_the_line() {
        let e = parse("a,b\n1,2\n3\n", "csv", Path::new("data/a.csv")).expect_err("invalid");
        assert_eq!(e.line, Some(3));
    }
}
