//! A ranking's data file (`data: rankings/….csv`) in the edit form: the CSV shown in a text
//! box beside the page's fields, checked and saved with the page (atomically, its previous
//! version kept, refused when it changed on disk since the form was opened).

use std::collections::HashMap;
use std::path::Path;

use super::files::{self, SiteFile};
use super::{front, html};
use crate::content::front_matter::Kind;

/// The data file of a ranking page, as the form opened it.
#[derive(Debug, Clone)]
pub struct DataFile {
    pub file: SiteFile,
    /// Its text (`\n` line ends); empty when the file does not exist yet.
    pub text: String,
    pub hash: String,
}

/// The data file a ranking page's `data:` names, when the desk may write it (below `data/`).
pub fn open(root: &Path, kind: Option<Kind>, front: &str) -> Option<DataFile> {
    if kind != Some(Kind::Ranking) {
        return None;
    }
    let name = front::value(front, "data")?.as_str()?.trim().to_string();
    let file = files::confine(root, &format!("data/{}", name.trim_start_matches('/')))?;
    let bytes = std::fs::read(&file.path).unwrap_or_default();
    let text = String::from_utf8(bytes.clone()).ok()?.replace("\r\n", "\n");
    Some(DataFile {
        hash: files::hash(&bytes),
        file,
        text,
    })
}

/// The text box of the form.
pub fn html(data: &DataFile, shown: &str) -> String {
    format!(
        "<label for=\"field-data-csv\">排名数据（CSV）</label><span class=\"help\" id=\"field-data-csv-help\">\
         保存在 {}。第一行是表头 unit,score,found,fixed（单位、得分、发现问题数、已整改数），以后每行一个单位，例如 甲街道,92.5,40,38</span>\
         <textarea id=\"field-data-csv\" name=\"data_csv\" rows=\"8\" aria-describedby=\"field-data-csv-help\">\n{}</textarea>\
         <input type=\"hidden\" name=\"data_hash\" value=\"{}\">",
        html::text(&data.file.rel),
        html::text(shown),
        html::attr(&data.hash)
    )
}

/// The new text of the data file when the form changed it: checked, and refused when the
/// file changed on disk since the form was opened.
pub fn change(data: &DataFile, form: &HashMap<String, String>) -> Result<Option<String>, String> {
    let Some(submitted) = form.get("data_csv") else {
        return Ok(None);
    };
    let submitted = submitted.replace("\r\n", "\n");
    if submitted.trim_end() == data.text.trim_end() {
        return Ok(None);
    }
    if form.get("data_hash") != Some(&data.hash) {
        return Err(format!(
            "冲突：排名数据 {} 在您打开之后已被修改，稿件没有保存。请重新打开稿件后再改",
            data.file.rel
        ));
    }
    check(&submitted)?;
    let mut text = submitted.trim_end().to_string();
    text.push('\n');
    Ok(Some(text))
}

/// A ranking CSV: a header with `unit` and `score`, and as many cells in every row.
fn check(text: &str) -> Result<(), String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| format!("排名数据的表头有误：{e}"))?
        .clone();
    for needed in ["unit", "score"] {
        if !headers.iter().any(|h| h.trim() == needed) {
            return Err(format!(
                "排名数据第一行（表头）缺少 {needed}：应为 unit,score,found,fixed"
            ));
        }
    }
    for (i, record) in reader.records().enumerate() {
        record.map_err(|e| {
            format!(
                "排名数据第 {} 行有误：{}（每行的列数要和表头相同）",
                i + 2,
                e.kind_text()
            )
        })?;
    }
    Ok(())
}

trait KindText {
    fn kind_text(&self) -> String;
}

impl KindText for csv::Error {
    fn kind_text(&self) -> String {
        match self.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!("有 {len} 列，表头有 {expected_len} 列"),
            _ => self.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranking_data_is_checked() {
        assert_eq!(check("unit,score,found,fixed\n甲街道,92.5,40,38\n"), Ok(()));
        assert_eq!(
            check("name,score\n甲,1\n").unwrap_err(),
            "排名数据第一行（表头）缺少 unit：应为 unit,score,found,fixed"
        );
        assert_eq!(
            check("unit,score,found,fixed\n甲街道,92.5,40\n").unwrap_err(),
            "排名数据第 2 行有误：有 3 列，表头有 4 列（每行的列数要和表头相同）"
        );
    }
}
