//! 新时代文明实践 阵地 directories: a `kind: directory` section names a data file (CSV or YAML
//! under `data/`) with one row per 阵地 (`名称, 级别, 区县, 街道, 地址, 开放时间, 联系电话, 状态`).
//! The rows are checked (errors name the data file and line), grouped by 区县 and 街道, given
//! stable anchors, and counted by 级别, by 区县 and by whether they are open.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::content::directory::{COLUMNS, DirectorySource, LEVELS, STATUSES};
use crate::error::{Diagnostic, Diagnostics};
use crate::text::slug::slugify;

/// One 阵地.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// Anchor on the directory page, from the name's pinyin (`yun-qi-jie-dao-…`).
    pub id: String,
    pub name: String,
    pub level: String,
    pub district: String,
    pub street: String,
    pub address: String,
    pub hours: String,
    pub phone: String,
    /// `tel:` target when the phone is one number (digits and hyphens), else empty.
    pub tel: String,
    pub status: String,
    pub open: bool,
    /// Line of the row in the data file.
    pub line: usize,
}

/// The 阵地 of one 街道 (an empty name: those directly under the 区县, such as its 中心).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Street {
    pub name: String,
    pub entries: Vec<Entry>,
}

/// The 阵地 of one 区县, with its counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct District {
    pub name: String,
    /// Anchor of the district's part of the page (`qu-xian-…`).
    pub id: String,
    pub count: usize,
    pub not_open: usize,
    pub streets: Vec<Street>,
}

/// How many 阵地 one 级别 has.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelCount {
    pub level: &'static str,
    pub count: usize,
}

/// A directory section's entries and summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Directory {
    /// Path below `data/`.
    pub data: String,
    pub total: usize,
    pub open: usize,
    pub not_open: usize,
    /// Every 级别 in the order 中心, 所, 站, zeros included.
    pub levels: Vec<LevelCount>,
    /// In the order the data file first names them.
    pub districts: Vec<District>,
}

impl Directory {
    /// Every entry, district by district.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.districts
            .iter()
            .flat_map(|d| d.streets.iter().flat_map(|s| s.entries.iter()))
    }
}

fn field(row: &serde_json::Value, key: &str) -> String {
    match row.get(key) {
        Some(serde_json::Value::String(s)) => s.trim().to_string(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// The line of each row of a data file: CSV records by the reader's own positions (a quoted
/// value may span lines), YAML list items by their `- ` lines.
fn row_lines(text: &str, is_csv: bool) -> Vec<usize> {
    if is_csv {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut lines = Vec::new();
        let mut record = csv::StringRecord::new();
        while let Ok(true) = reader.read_record(&mut record) {
            lines.push(record.position().map_or(0, |p| p.line() as usize));
        }
        lines
    } else {
        text.lines()
            .enumerate()
            .filter(|(_, l)| l.starts_with("- ") || l.trim_end() == "-")
            .map(|(i, _)| i + 1)
            .collect()
    }
}

/// `tel:` target for a single number written with digits and hyphens.
fn tel(phone: &str) -> String {
    let single = !phone.is_empty() && phone.chars().all(|c| c.is_ascii_digit() || c == '-');
    if single {
        phone.to_string()
    } else {
        String::new()
    }
}

/// An anchor from `text`'s pinyin, made unique among `taken`.
fn anchor(prefix: &str, text: &str, taken: &mut HashSet<String>) -> String {
    let slug = slugify(text);
    let base = match (prefix.is_empty(), slug.is_empty()) {
        (true, false) => slug,
        (true, true) => "zhen-di".to_string(),
        (false, false) => format!("{prefix}-{slug}"),
        (false, true) => prefix.to_string(),
    };
    let mut id = base.clone();
    let mut n = 2;
    while !taken.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

/// Reads and checks the rows of `source`'s data file. `section_file` is the `_index.md`, for
/// a missing data file.
pub fn compute(
    source: &DirectorySource,
    section_file: &Path,
    data: &BTreeMap<String, serde_json::Value>,
    data_text: &BTreeMap<String, String>,
) -> Result<Directory, Diagnostics> {
    let file = PathBuf::from("data").join(&source.data);
    let Some(value) = data.get(&source.data) else {
        let known: Vec<&str> = data.keys().map(String::as_str).collect();
        let d = Diagnostic::new(
            section_file,
            format!("找不到阵地数据文件 data/{}", source.data),
        )
        .at_line(source.data_line);
        let d = match crate::yaml::closest(&source.data, &known) {
            Some(c) => d.hint(format!("是否想写 data: {c}？")),
            None => d.hint(format!(
                "把 CSV 文件放在 data/ 下，表头为 {}",
                COLUMNS.join(",")
            )),
        };
        return Err(d.into());
    };
    let header_hint = format!("表头为 {}", COLUMNS.join(","));
    let Some(rows) = value.as_array() else {
        return Err(Diagnostic::new(&file, "阵地数据应是表格（CSV）或列表")
            .hint(header_hint)
            .into());
    };
    let is_csv = source.data.to_ascii_lowercase().ends_with(".csv");
    let lines = data_text
        .get(&source.data)
        .map(|t| row_lines(t, is_csv))
        .unwrap_or_default();
    let mut errors = Vec::new();
    // CSV rows all have the header's columns; a missing one is reported once, at the header.
    if is_csv && let Some(first) = rows.first() {
        let missing: Vec<&str> = COLUMNS
            .iter()
            .copied()
            .filter(|c| first.get(c).is_none())
            .collect();
        if !missing.is_empty() {
            return Err(
                Diagnostic::new(&file, format!("表头缺少列：{}", missing.join("、")))
                    .at_line(1)
                    .hint(header_hint)
                    .into(),
            );
        }
    }
    let mut entries: Vec<Entry> = Vec::with_capacity(rows.len());
    let mut ids = HashSet::new();
    for (i, row) in rows.iter().enumerate() {
        let line = lines
            .get(i)
            .copied()
            .unwrap_or(if is_csv { i + 2 } else { i + 1 });
        let at = |m: String| Diagnostic::new(&file, m).at_line(line);
        let name = field(row, "名称");
        if name.is_empty() {
            errors.push(at("缺少阵地名称（名称）".into()).hint(header_hint.clone()));
            continue;
        }
        let level = field(row, "级别");
        if !LEVELS.contains(&level.as_str()) {
            errors.push(
                at(format!("{name} 的级别“{level}”不对"))
                    .hint("级别写 中心、所 或 站（新时代文明实践中心、所、站）"),
            );
        }
        let district = field(row, "区县");
        if district.is_empty() {
            errors.push(at(format!("{name} 缺少区县")));
        }
        let status = field(row, "状态");
        if !STATUSES.contains(&status.as_str()) {
            errors.push(
                at(format!("{name} 的状态“{status}”不对"))
                    .hint(format!("状态写 {}", STATUSES.join("、"))),
            );
        }
        if entries.iter().any(|e| e.name == name) {
            errors.push(at(format!("阵地“{name}”重复出现")));
            continue;
        }
        let phone = field(row, "联系电话");
        entries.push(Entry {
            id: anchor("", &name, &mut ids),
            open: status == STATUSES[0],
            tel: tel(&phone),
            street: field(row, "街道"),
            address: field(row, "地址"),
            hours: field(row, "开放时间"),
            phone,
            name,
            level,
            district,
            status,
            line,
        });
    }
    if !errors.is_empty() {
        return Err(Diagnostics::unsorted(errors));
    }
    Ok(group(source.data.clone(), entries, &mut ids))
}

/// Groups entries by 区县, then 街道, each in the order the data file first names it.
fn group(data: String, entries: Vec<Entry>, ids: &mut HashSet<String>) -> Directory {
    let levels = LEVELS
        .iter()
        .map(|&level| LevelCount {
            level,
            count: entries.iter().filter(|e| e.level == level).count(),
        })
        .collect();
    let total = entries.len();
    let open = entries.iter().filter(|e| e.open).count();
    let mut districts: Vec<District> = Vec::new();
    for e in entries {
        let d = match districts.iter().position(|d| d.name == e.district) {
            Some(d) => d,
            None => {
                districts.push(District {
                    id: anchor("qu-xian", &e.district, ids),
                    name: e.district.clone(),
                    count: 0,
                    not_open: 0,
                    streets: Vec::new(),
                });
                districts.len() - 1
            }
        };
        let district = &mut districts[d];
        district.count += 1;
        district.not_open += usize::from(!e.open);
        match district.streets.iter_mut().find(|s| s.name == e.street) {
            Some(s) => s.entries.push(e),
            None => district.streets.push(Street {
                name: e.street.clone(),
                entries: vec![e],
            }),
        }
    }
    // The 阵地 directly under the 区县 (its 中心) come before its 街道.
    for d in &mut districts {
        d.streets.sort_by_key(|s| !s.name.is_empty());
    }
    Directory {
        data,
        total,
        open,
        not_open: total - open,
        levels,
        districts,
    }
}

/// Reads the data file of every directory section into [`SiteSection::directory`]
/// (`super::SiteSection`); every problem of every directory is returned.
pub fn link(site: &mut super::Site) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for i in 0..site.sections.len() {
        let section = &site.sections[i].section;
        let Some(source) = &section.meta.directory else {
            continue;
        };
        match compute(source, &section.source, &site.data, &site.data_text) {
            Ok(d) => site.sections[i].directory = Some(std::sync::Arc::new(d)),
            Err(es) => errors.extend(es),
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directory(csv: &str) -> Result<Directory, Vec<String>> {
        let source = DirectorySource {
            data: "zd.csv".into(),
            data_line: 3,
        };
        let mut data = BTreeMap::new();
        let mut rows = Vec::new();
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let headers = reader.headers().expect("header").clone();
        for r in reader.records() {
            let r = r.expect("record");
            let row: serde_json::Map<String, serde_json::Value> = headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), serde_json::Value::String(v.into())))
                .collect();
            rows.push(serde_json::Value::Object(row));
        }
        data.insert("zd.csv".to_string(), serde_json::Value::Array(rows));
        let mut text = BTreeMap::new();
        text.insert("zd.csv".to_string(), csv.to_string());
        compute(&source, Path::new("content/zd/_index.md"), &data, &text).map_err(|es| {
            es.iter()
                .map(|d| {
                    format!(
                        "{}:{}: {}",
                        d.file.display(),
                        d.line.unwrap_or(0),
                        d.message
                    )
                })
                .collect()
        })
    }

    const HEADER: &str = "名称,级别,区县,街道,地址,开放时间,联系电话,状态\n";

    #[test]
    fn groups_by_district_and_street_and_counts() {
        let d = directory(&format!(
            "{HEADER}乙街道实践所,所,甲区,乙街道,乙路1号,9:00-17:00,0000-1,正常开放\n\
甲区实践中心,中心,甲区,,甲路1号,9:00-17:00,0000-2,正常开放\n\
丙社区实践站,站,甲区,乙街道,丙路1号,9:00-17:00,,建设中\n\
丁村实践站,站,丁县,戊镇,丁村,周六,0000-3 转 8,暂停开放\n"
        ))
        .expect("valid");
        assert_eq!((d.total, d.open, d.not_open), (4, 2, 2));
        assert_eq!(
            d.levels
                .iter()
                .map(|l| (l.level, l.count))
                .collect::<Vec<_>>(),
            [("中心", 1), ("所", 1), ("站", 2)]
        );
        // Each district as `name count/not_open`, then each street as `street: ids`.
        let shape: Vec<String> = d
            .districts
            .iter()
            .flat_map(|x| {
                std::iter::once(format!("{} {}/{}", x.name, x.count, x.not_open)).chain(
                    x.streets.iter().map(|s| {
                        let ids: Vec<&str> = s.entries.iter().map(|e| e.id.as_str()).collect();
                        format!("{}: {}", s.name, ids.join(" "))
                    }),
                )
            })
            .collect();
        assert_eq!(
            shape,
            [
                "甲区 3/1",
                ": jia-qu-shi-jian-zhong-xin",
                "乙街道: yi-jie-dao-shi-jian-suo bing-she-qu-shi-jian-zhan",
                "丁县 1/1",
                "戊镇: ding-cun-shi-jian-zhan",
            ]
        );
        assert_eq!(d.districts[0].id, "qu-xian-jia-qu");
        let tels: Vec<&str> = d.entries().map(|e| e.tel.as_str()).collect();
        assert_eq!(tels, ["0000-2", "0000-1", "", ""]);
    }

    #[test]
    fn bad_rows_name_the_data_file_and_line() {
        let errors = directory(&format!(
            "{HEADER}甲站,站,甲区,乙街道,路,时,1,开放\n\"乙\n站\",大队,甲区,,路,时,1,正常开放\n甲站,站,甲区,,路,时,1,正常开放\n,站,甲区,,路,时,1,正常开放\n"
        ))
        .expect_err("invalid");
        assert_eq!(
            errors,
            [
                "data/zd.csv:2: 甲站 的状态“开放”不对",
                "data/zd.csv:3: 乙\n站 的级别“大队”不对",
                "data/zd.csv:5: 阵地“甲站”重复出现",
                "data/zd.csv:6: 缺少阵地名称（名称）",
            ]
        );
    }

    #[test]
    fn yaml_rows_are_found_at_their_list_items() {
        let text = "# 阵地\n- 名称: 甲站\n  级别: 站\n  区县: 甲区\n  状态: 正常开放\n- 名称: 乙站\n  级别: 站\n  区县: 甲区\n  状态: 关了\n";
        let value: serde_json::Value = serde_yaml::from_str(text).expect("valid YAML");
        let source = DirectorySource {
            data: "zd.yaml".into(),
            data_line: 3,
        };
        let data = BTreeMap::from([("zd.yaml".to_string(), value)]);
        let texts = BTreeMap::from([("zd.yaml".to_string(), text.to_string())]);
        let errors = compute(&source, Path::new("content/zd/_index.md"), &data, &texts)
            .expect_err("invalid");
        assert_eq!(
            errors
                .iter()
                .map(|d| (d.line, d.message.as_str()))
                .collect::<Vec<_>>(),
            [(Some(6), "乙站 的状态“关了”不对")]
        );
    }

    #[test]
    fn a_missing_column_is_reported_once_at_the_header() {
        let errors = directory(
            "名称,级别,区县,街道,地址,开放时问,联系电话,状态\n甲,站,甲区,,路,时,1,正常开放\n",
        )
        .expect_err("invalid");
        assert_eq!(errors, ["data/zd.csv:1: 表头缺少列：开放时间"]);
    }
}
