//! The rows of a ranking's data file (`unit, score[, found, fixed]`), read and checked with
//! the line of each: the site ranks them (`site::ranking`), and the loader checks them for a
//! ranking page whose front matter has errors, so that one run reports both.

use std::path::Path;

use super::kinds::Ranking;
use crate::error::{Diagnostic, Diagnostics};

/// One row of a ranking's data file, checked.
pub struct Row {
    pub unit: String,
    pub score: f64,
    /// The score as written in the data file.
    pub score_text: String,
    pub found: Option<u64>,
    pub fixed: Option<u64>,
}

/// A cell of `row` as trimmed text; empty cells are none.
fn field(row: &serde_json::Value, key: &str) -> Option<String> {
    match row.get(key)? {
        serde_json::Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads and checks the rows of one ranking's data file; `text` is the file as written, for
/// the line of each CSV row (a quoted cell may span lines).
pub fn rows(
    ranking: &Ranking,
    data: &serde_json::Value,
    file: &Path,
    text: Option<&str>,
) -> Result<Vec<Row>, Diagnostics> {
    let Some(items) = data.as_array() else {
        return Err(Diagnostic::new(file, "排名数据应是表格（CSV）或列表")
            .hint("CSV 表头为 unit,score,found,fixed")
            .into());
    };
    let mut errors = Vec::new();
    let mut out: Vec<Row> = Vec::new();
    let lines = match text {
        Some(text) if ranking.data.ends_with(".csv") => csv_row_lines(text),
        _ => Vec::new(),
    };
    for (i, item) in items.iter().enumerate() {
        // The row's line in a CSV file; a list item's number otherwise.
        let line = lines.get(i).copied().unwrap_or(i + 1);
        let at = |m: String| Diagnostic::new(file, m).at_line(line);
        let Some(unit) = field(item, "unit") else {
            errors.push(at("缺少单位名称 unit".into()).hint("CSV 表头为 unit,score,found,fixed"));
            continue;
        };
        let score_text = field(item, "score").unwrap_or_default();
        let Some(score) = score_text.parse::<f64>().ok().filter(|s| s.is_finite()) else {
            errors.push(at(format!("{unit} 的得分 score“{score_text}”不是数字")));
            continue;
        };
        let count = |key: &str, errors: &mut Vec<Diagnostic>| -> Option<u64> {
            let text = field(item, key)?;
            match text.parse::<u64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.push(at(format!("{unit} 的 {key}“{text}”应是不小于 0 的整数")));
                    None
                }
            }
        };
        let found = count("found", &mut errors);
        let fixed = count("fixed", &mut errors);
        if let (Some(found), Some(fixed)) = (found, fixed)
            && fixed > found
        {
            errors.push(at(format!(
                "{unit} 的整改数 fixed（{fixed}）大于发现问题数 found（{found}）"
            )));
        }
        if out.iter().any(|r| r.unit == unit) {
            errors.push(at(format!("单位“{unit}”重复出现")));
            continue;
        }
        out.push(Row {
            unit,
            score,
            score_text,
            found,
            fixed,
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Diagnostics::unsorted(errors))
    }
}

/// The line on which each record of a CSV text starts, after the header. A quoted cell
/// that spans lines moves the next rows down.
pub fn csv_row_lines(text: &str) -> Vec<usize> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut out = Vec::new();
    while let Ok(true) = reader.read_record(&mut record) {
        let line = record.position().map_or(0, |p| p.line());
        out.push(usize::try_from(line).unwrap_or(usize::MAX));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_after_a_quoted_cell_over_two_lines_keep_their_lines() {
        assert_eq!(
            csv_row_lines("unit,score\n\"城东\n街道\",90\n城西街道,85\n"),
            [2, 4]
        );
    }
}
