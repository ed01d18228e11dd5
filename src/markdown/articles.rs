//! Regulation structure: `第X章` headings are chapters, paragraphs that start with `第X条`
//! are articles. Articles get stable anchors (`#第五条`) and must be numbered 第一条, 第二条, …
//! without gaps or repeats, the way 立法法 numbers them.

use serde::Serialize;

use crate::error::Position;

/// One article of a regulation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Article {
    pub number: u32,
    /// `第五条`, also the anchor.
    pub id: String,
    /// Index into the chapters, when the article follows a chapter heading.
    #[serde(skip)]
    pub chapter: Option<usize>,
}

/// A `第X章` heading with the articles under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chapter {
    pub id: String,
    pub title: String,
    pub articles: Vec<Article>,
}

/// Reads a Chinese numeral such as 五, 十二, 一百零五, 一百九十九 (also 〇 and 两).
pub fn parse_chinese_number(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    let digit = |c: char| -> Option<u32> {
        Some(match c {
            '〇' | '零' => 0,
            '一' => 1,
            '二' | '两' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    };
    let mut total = 0u32;
    let mut current: Option<u32> = None;
    for c in s.chars() {
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            _ => {
                let d = digit(c)?;
                if current.is_some_and(|n| n != 0) {
                    return None; // two digits in a row: not a numeral we read
                }
                current = Some(d);
                continue;
            }
        };
        // 十二 means 12: a unit with no digit before it counts once.
        let n = match current.take() {
            Some(n) => n,
            None if unit == 10 => 1,
            None => return None,
        };
        total = total.checked_add(n.checked_mul(unit)?)?;
    }
    total.checked_add(current.unwrap_or(0))
}

/// Writes `n` (1–9999) as a Chinese numeral: 5 → 五, 12 → 十二, 105 → 一百零五.
pub fn chinese_number(n: u32) -> String {
    const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    if n == 0 {
        return "零".into();
    }
    let mut out = String::new();
    let parts = [(1000, '千'), (100, '百'), (10, '十'), (1, ' ')];
    let mut pending_zero = false;
    let mut started = false;
    for (value, unit) in parts {
        let d = (n / value) % 10;
        if d == 0 {
            pending_zero = started;
            continue;
        }
        if pending_zero {
            out.push('零');
            pending_zero = false;
        }
        if !(value == 10 && d == 1 && !started) {
            out.push(DIGITS[d as usize]);
        }
        if unit != ' ' {
            out.push(unit);
        }
        started = true;
    }
    out
}

/// If `text` starts with `第X条` (or `第X章` when `marker` is '章'), its number and label.
pub fn leading_number(text: &str, marker: char) -> Option<(u32, String)> {
    let rest = text.trim_start().strip_prefix('第')?;
    let end = rest.find(marker)?;
    let numeral = &rest[..end];
    let n = parse_chinese_number(numeral)?;
    Some((n, format!("第{numeral}{marker}")))
}

/// Collects chapters and articles while a document is rendered, checking the numbering.
#[derive(Default)]
pub struct Collector {
    pub chapters: Vec<Chapter>,
    pub articles: Vec<Article>,
    pub errors: Vec<(Position, String)>,
}

impl Collector {
    pub fn chapter(&mut self, id: String, title: String) {
        self.chapters.push(Chapter {
            id,
            title,
            articles: Vec::new(),
        });
    }

    /// Records article `n` found at `position`; returns its anchor.
    pub fn article(&mut self, n: u32, label: &str, position: Position) -> String {
        let expected = self.articles.last().map_or(1, |a| a.number + 1);
        if n != expected {
            let message = if self.articles.iter().any(|a| a.number == n) {
                format!("{label}重复：上一条是第{}条", chinese_number(expected - 1))
            } else if n > expected {
                let missing = if n - expected == 1 {
                    format!("第{}条", chinese_number(expected))
                } else {
                    format!(
                        "第{}条至第{}条",
                        chinese_number(expected),
                        chinese_number(n - 1)
                    )
                };
                format!("条文编号不连续：{label}之前缺少{missing}")
            } else {
                format!(
                    "条文编号倒退：{label}出现在第{}条之后",
                    chinese_number(expected - 1)
                )
            };
            self.errors.push((position, message));
        }
        let id = if self.articles.iter().any(|a| a.id == label) {
            format!("{label}-{}", self.articles.len())
        } else {
            label.to_string()
        };
        let chapter = self.chapters.len().checked_sub(1);
        let article = Article {
            number: n,
            id: id.clone(),
            chapter,
        };
        if let Some(c) = chapter {
            self.chapters[c].articles.push(article.clone());
        }
        self.articles.push(article);
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_chinese_numerals() {
        for (text, n) in [
            ("一", 1),
            ("十", 10),
            ("十二", 12),
            ("二十", 20),
            ("二十一", 21),
            ("一百", 100),
            ("一百零五", 105),
            ("一百一十", 110),
            ("一百九十九", 199),
            ("二百", 200),
            ("一千零一", 1001),
        ] {
            assert_eq!(parse_chinese_number(text), Some(n), "{text}");
            assert_eq!(chinese_number(n), text, "{n}");
        }
        assert_eq!(parse_chinese_number("五五"), None);
        assert_eq!(parse_chinese_number("条"), None);
    }

    #[test]
    fn numbering_gaps_and_repeats_are_errors() {
        let mut c = Collector::default();
        let p = Position { line: 1, column: 1 };
        c.article(1, "第一条", p);
        c.article(2, "第二条", p);
        c.article(5, "第五条", p);
        c.article(5, "第五条", p);
        let messages: Vec<&str> = c.errors.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            messages,
            [
                "条文编号不连续：第五条之前缺少第三条至第四条",
                "第五条重复：上一条是第五条"
            ]
        );
    }
}
