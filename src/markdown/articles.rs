//! Regulation structure: `第X章` headings are chapters, paragraphs that start with `第X条`
//! are articles. Articles get stable anchors (`#第五条`) and must be numbered 第一条, 第二条, …
//! without gaps or repeats, the way 立法法 numbers them; an article inserted by an amendment
//! follows the one it is numbered after (第二条, 第二条之一, 第二条之二, 第三条). Chapters are
//! numbered the same way. A chapter or section line pasted from a PDF as a plain paragraph
//! (`第一章 总 则`) is a heading too ([`chapter_line`]).

use serde::Serialize;

use crate::error::Position;

/// One article of a regulation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Article {
    pub number: u32,
    /// N of an inserted article `第X条之N`; 0 for an article of the original text.
    #[serde(skip)]
    pub inserted: u32,
    /// `第五条`, also the anchor.
    pub id: String,
    /// Index into the chapters, when the article follows a chapter heading.
    #[serde(skip)]
    pub chapter: Option<usize>,
}

/// A `第X章` heading with the articles under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chapter {
    #[serde(skip)]
    pub number: u32,
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

/// If `text` starts with `第X条` or an inserted `第X条之N`: X, N (0 when not inserted) and the
/// label.
pub fn leading_article(text: &str) -> Option<(u32, u32, String)> {
    let (n, label) = leading_number(text, '条')?;
    let after = text.trim_start()[label.len()..].strip_prefix('之');
    let inserted = after.and_then(|rest| {
        let end = rest
            .char_indices()
            .find(|(_, c)| !"〇零一二两三四五六七八九十百千".contains(*c))
            .map_or(rest.len(), |(i, _)| i);
        let numeral = &rest[..end];
        Some((parse_chinese_number(numeral)?, numeral))
    });
    match inserted {
        Some((k, numeral)) if k > 0 => Some((n, k, format!("{label}之{numeral}"))),
        _ => Some((n, 0, label)),
    }
}

/// A chapter (`第X章`, level 2) or section (`第X节`, level 3) title written as a plain line, as a
/// PDF leaves it: its level and the title with the spaces inside it removed
/// (`第一章 总 则` → `第一章 总则`). Not a sentence (no 。), and short.
pub fn chapter_line(text: &str) -> Option<(u8, String)> {
    let text = text.trim();
    if text.chars().count() > 40 || text.contains('。') || text.contains('\n') {
        return None;
    }
    let (level, label) = match leading_number(text, '章') {
        Some((_, label)) => (2, label),
        None => (3, leading_number(text, '节')?.1),
    };
    let rest = text[label.len()..].trim_matches(|c: char| c.is_whitespace());
    let chars: Vec<char> = rest.chars().collect();
    let mut title: String = chars
        .iter()
        .enumerate()
        .filter(|&(i, c)| {
            !(c.is_whitespace()
                && i > 0
                && chars.get(i + 1).is_some_and(|n| crate::text::is_cjk(*n))
                && crate::text::is_cjk(chars[i - 1]))
        })
        .map(|(_, c)| if c.is_whitespace() { ' ' } else { *c })
        .collect();
    if !title.is_empty() {
        title.insert(0, ' ');
    }
    Some((level, format!("{label}{title}")))
}

/// A line that says 目录 (`目 录`, `目　录`): the start of a table of contents pasted with the
/// text.
pub fn is_toc_line(text: &str) -> bool {
    let mut chars = text.chars().filter(|c| !c.is_whitespace());
    chars.next() == Some('目') && chars.next() == Some('录') && chars.next().is_none()
}

/// Collects chapters and articles while a document is rendered, checking the numbering.
#[derive(Default)]
pub struct Collector {
    pub chapters: Vec<Chapter>,
    pub articles: Vec<Article>,
    pub errors: Vec<(Position, String)>,
}

impl Collector {
    /// Records chapter `n` (`label`: 第X章) found at `position`, checking its number.
    pub fn chapter(&mut self, n: u32, label: &str, id: String, title: String, position: Position) {
        let expected = self.chapters.last().map_or(1, |c| c.number + 1);
        if n != expected {
            let previous = format!("第{}章", chinese_number(expected - 1));
            let message = if self.chapters.iter().any(|c| c.number == n) {
                format!("{label}重复：上一章是{previous}")
            } else if n > expected {
                format!(
                    "章的编号不连续：{label}之前缺少第{}章",
                    chinese_number(expected)
                )
            } else {
                format!("章的编号倒退：{label}出现在{previous}之后")
            };
            self.errors.push((position, message));
        }
        self.chapters.push(Chapter {
            number: n,
            id,
            title,
            articles: Vec::new(),
        });
    }

    /// Records article `n` (`inserted`: N of 第X条之N, else 0) found at `position`; returns its
    /// anchor.
    pub fn article(&mut self, n: u32, inserted: u32, label: &str, position: Position) -> String {
        if inserted > 0 {
            self.check_inserted(n, inserted, label, position);
            return self.record(n, inserted, label);
        }
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
        self.record(n, 0, label)
    }

    /// An inserted article 第X条之N follows 第X条 (N = 1) or 第X条之(N-1).
    fn check_inserted(&mut self, n: u32, inserted: u32, label: &str, position: Position) {
        let last = self.articles.last().map(|a| (a.number, a.inserted));
        if last == Some((n, inserted - 1)) {
            return;
        }
        let message = if self
            .articles
            .iter()
            .any(|a| (a.number, a.inserted) == (n, inserted))
        {
            format!("{label}重复")
        } else if let Some((m, k)) = last.filter(|&(m, k)| m == n && k + 1 < inserted) {
            let _ = m;
            format!(
                "条文编号不连续：{label}之前缺少第{}条之{}",
                chinese_number(n),
                chinese_number(k + 1)
            )
        } else {
            format!("{label}的位置不对：应紧跟在第{}条之后", chinese_number(n))
        };
        self.errors.push((position, message));
    }

    fn record(&mut self, n: u32, inserted: u32, label: &str) -> String {
        let id = if self.articles.iter().any(|a| a.id == label) {
            format!("{label}-{}", self.articles.len())
        } else {
            label.to_string()
        };
        let chapter = self.chapters.len().checked_sub(1);
        let article = Article {
            number: n,
            inserted,
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
        c.article(1, 0, "第一条", p);
        c.article(2, 0, "第二条", p);
        c.article(5, 0, "第五条", p);
        c.article(5, 0, "第五条", p);
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
