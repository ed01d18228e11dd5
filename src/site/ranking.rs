//! 红黑榜 and weekly rankings: a page names a data file of `unit, score[, found, fixed]`
//! rows; the site ranks them (competition ranking: ties share a rank, 1, 1, 3), computes
//! 整改率, the 红榜/黑榜 split, and each unit's move since the previous page of the series.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use super::SitePage;
use super::progress::two_decimals;
use crate::content::kinds::{KindFields, Ranking};
use crate::content::ranking::{Row, rows};
use crate::error::Diagnostic;

/// One ranked unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankedRow {
    pub rank: usize,
    pub unit: String,
    #[serde(serialize_with = "crate::text::serialize_plain")]
    pub score: f64,
    /// The score as written in the data file.
    pub score_text: String,
    pub found: Option<u64>,
    pub fixed: Option<u64>,
    /// 整改率 = fixed / found in percent, two decimals.
    pub rate: Option<String>,
    /// `↑2`, `↓1`, `—` (same rank) or `新` (not in the previous ranking); null for the first.
    pub change: Option<String>,
    /// `red`, `black` or null.
    pub list: Option<&'static str>,
}

/// A ranking page's table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankingTable {
    pub rows: Vec<RankedRow>,
    pub red: Vec<RankedRow>,
    pub black: Vec<RankedRow>,
    #[serde(serialize_with = "crate::text::serialize_plain_opt")]
    pub red_at_least: Option<f64>,
    #[serde(serialize_with = "crate::text::serialize_plain_opt")]
    pub black_below: Option<f64>,
    /// Site path of the previous ranking of the same series.
    pub previous_path: Option<String>,
    pub data: String,
}

/// Competition ranks for rows already sorted by score, highest first: 1, 1, 3.
fn competition_ranks(scores: &[f64]) -> Vec<usize> {
    let mut ranks = Vec::with_capacity(scores.len());
    for (i, s) in scores.iter().enumerate() {
        let rank = if i > 0 && *s == scores[i - 1] {
            ranks[i - 1]
        } else {
            i + 1
        };
        ranks.push(rank);
    }
    ranks
}

/// One row of a ranking at its `rank`, with its change since the `previous` ranking of the
/// series (unit → rank) and the list (红榜, 黑榜) its score puts it on.
fn ranked_row(
    r: &Ranking,
    row: Row,
    rank: usize,
    previous: Option<&HashMap<String, usize>>,
) -> RankedRow {
    let change = previous.map(|prev| match prev.get(&row.unit) {
        None => "新".to_string(),
        Some(&before) if before > rank => format!("↑{}", before - rank),
        Some(&before) if before < rank => format!("↓{}", rank - before),
        Some(_) => "—".to_string(),
    });
    let list = if r.red_at_least.is_some_and(|t| row.score >= t) {
        Some("red")
    } else if r.black_below.is_some_and(|t| row.score < t) {
        Some("black")
    } else {
        None
    };
    let rate = match (row.found, row.fixed) {
        (Some(found), Some(fixed)) if found > 0 => {
            Some(two_decimals(fixed as f64 / found as f64 * 100.0))
        }
        _ => None,
    };
    RankedRow {
        rank,
        unit: row.unit,
        score: row.score,
        score_text: row.score_text,
        found: row.found,
        fixed: row.fixed,
        rate,
        change,
        list,
    }
}

/// Computes every ranking page's table; errors name the page or the data file and line.
pub fn compute(
    pages: &[Arc<SitePage>],
    data: &std::collections::BTreeMap<String, serde_json::Value>,
    data_text: &std::collections::BTreeMap<String, String>,
    url_path: impl Fn(&str) -> String,
) -> (Vec<Option<RankingTable>>, Vec<Diagnostic>) {
    let mut tables: Vec<Option<RankingTable>> = vec![None; pages.len()];
    let mut errors = Vec::new();
    // Series in date order, so each ranking can be compared with the one before.
    let mut series: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in pages.iter().enumerate() {
        let KindFields::Ranking(r) = &p.page.meta.fields else {
            continue;
        };
        if p.page.meta.date.is_none() {
            errors.push(
                Diagnostic::new(&p.page.source, "排名需要发布日期 date，才能与上一期比较")
                    .hint("例如 date: 2026-03-20"),
            );
            continue;
        }
        let key = r.series.clone().unwrap_or_else(|| p.page.dir.clone());
        series.entry(key).or_default().push(i);
    }
    let mut keys: Vec<&String> = series.keys().collect();
    keys.sort();
    for key in keys {
        let mut list = series[key].clone();
        super::sort_oldest_first(&mut list, pages);
        let mut previous: Option<(HashMap<String, usize>, String)> = None;
        for i in list {
            let p = &pages[i];
            let KindFields::Ranking(r) = &p.page.meta.fields else {
                continue;
            };
            let file = PathBuf::from("data").join(&r.data);
            let Some(value) = data.get(&r.data) else {
                if data_text.contains_key(&r.data) {
                    // The file was read but is not valid: the data stage reports it.
                    continue;
                }
                let known: Vec<&str> = data.keys().map(String::as_str).collect();
                let mut d = Diagnostic::new(
                    &p.page.source,
                    format!("找不到排名数据文件 data/{}", r.data),
                )
                .at_line(r.data_line);
                if let Some(c) = crate::yaml::closest(&r.data, &known) {
                    d = d.hint(format!("是否想写 data: {c}？"));
                } else {
                    d = d.hint("把 CSV 文件放在 data/ 下，data 写它在 data/ 下的路径");
                }
                errors.push(d);
                continue;
            };
            let text = data_text.get(&r.data).map(String::as_str);
            let mut rows = match rows(r, value, &file, text) {
                Ok(rows) => rows,
                Err(es) => {
                    errors.extend(es);
                    continue;
                }
            };
            rows.sort_by(|a, b| b.score.total_cmp(&a.score));
            let ranks = competition_ranks(&rows.iter().map(|r| r.score).collect::<Vec<_>>());
            let ranked: Vec<RankedRow> = rows
                .into_iter()
                .zip(ranks)
                .map(|(row, rank)| ranked_row(r, row, rank, previous.as_ref().map(|(p, _)| p)))
                .collect();
            let ranks_now: HashMap<String, usize> =
                ranked.iter().map(|r| (r.unit.clone(), r.rank)).collect();
            tables[i] = Some(RankingTable {
                red: ranked
                    .iter()
                    .filter(|r| r.list == Some("red"))
                    .cloned()
                    .collect(),
                black: ranked
                    .iter()
                    .filter(|r| r.list == Some("black"))
                    .cloned()
                    .collect(),
                rows: ranked,
                red_at_least: r.red_at_least,
                black_below: r.black_below,
                previous_path: previous.as_ref().map(|(_, path)| path.clone()),
                data: r.data.clone(),
            });
            previous = Some((ranks_now, url_path(&p.path)));
        }
    }
    (tables, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_share_a_rank_and_the_next_rank_skips() {
        assert_eq!(
            competition_ranks(&[95.0, 95.0, 90.0, 88.0, 88.0, 70.0]),
            [1, 1, 3, 4, 4, 6]
        );
    }
}
