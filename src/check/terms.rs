//! Term dictionaries: known typos with their correct form (扫黑险恶 → 扫黑除恶), discouraged
//! expressions with the preferred wording, and names and titles that must be written exactly
//! (with their same-sound miswritings, 杜家毫 → 杜家豪, found automatically). All patterns
//! are matched in one Aho-Corasick pass over the prose a reader sees, never inside code or URLs.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};
use pinyin::ToPinyin;
use serde_yaml::Value;

use super::document::{Doc, Prose};
use super::{Code, Finding};
use crate::site::Site;
use crate::text::is_han;

/// The dictionary shipped with wenming.
const DEFAULT_TERMS: &str = include_str!("default_terms.yaml");
const DEFAULT_TERMS_FILE: &str = "(内置词典)";
const TERMS_KEYS: &[&str] = &["typos", "discouraged", "names"];

/// What a pattern means when it is found.
#[derive(Debug, Clone)]
enum Meaning {
    Typo {
        correct: String,
    },
    Discouraged {
        advice: String,
    },
    /// A miswritten name or title.
    Miswritten {
        correct: String,
    },
    /// A name written correctly; listed so that a wrong form inside it does not fire.
    Correct,
}

/// Every pattern of every dictionary, compiled into one automaton.
pub struct Dictionary {
    automaton: Option<AhoCorasick>,
    meanings: Vec<Meaning>,
}

/// Patterns in priority order: the first meaning given to a pattern wins.
#[derive(Default)]
struct Patterns {
    index: HashMap<String, usize>,
    patterns: Vec<String>,
    meanings: Vec<Meaning>,
}

impl Patterns {
    fn add(&mut self, pattern: &str, meaning: Meaning) {
        let pattern = pattern.trim();
        if pattern.is_empty() || self.index.contains_key(pattern) {
            return;
        }
        self.index.insert(pattern.to_string(), self.patterns.len());
        self.patterns.push(pattern.to_string());
        self.meanings.push(meaning);
    }
}

/// One dictionary file, read.
#[derive(Default)]
struct TermsFile {
    typos: Vec<(String, String)>,
    discouraged: Vec<(String, String)>,
    /// Correct name → its known wrong forms.
    names: Vec<(String, Vec<String>)>,
}

impl Dictionary {
    /// The dictionaries the site uses: the shipped one (unless turned off) and those named in
    /// `check.terms` (default `data/terms.yaml` when it exists). Problems in them are findings.
    pub fn load(site: &Site) -> (Dictionary, Vec<Finding>) {
        let mut findings = Vec::new();
        let mut files = Vec::new();
        let check = &site.config.check;
        if check.default_terms {
            files.push(parse_file(
                DEFAULT_TERMS,
                Path::new(DEFAULT_TERMS_FILE),
                &mut findings,
            ));
        }
        let named: Vec<String> = match &check.terms {
            Some(list) => list.clone(),
            None if site.data_text.contains_key("terms.yaml") => vec!["terms.yaml".into()],
            None => Vec::new(),
        };
        for name in named {
            let shown = Path::new("data").join(&name);
            match site.data_text.get(&name) {
                Some(text) => files.push(parse_file(text, &shown, &mut findings)),
                None => findings.push(
                    Finding::new(
                        Code::SiteError,
                        "site.yaml",
                        format!("check.terms 中的词典 {} 不存在", shown.display()),
                    )
                    .suggest("词典放在 data/ 目录下，check.terms 中写 data/ 之后的路径"),
                ),
            }
        }
        (Dictionary::compile(&files), findings)
    }

    fn compile(files: &[TermsFile]) -> Dictionary {
        let mut p = Patterns::default();
        for f in files {
            for (name, _) in &f.names {
                p.add(name, Meaning::Correct);
            }
        }
        for f in files {
            for (wrong, correct) in &f.typos {
                p.add(
                    wrong,
                    Meaning::Typo {
                        correct: correct.clone(),
                    },
                );
            }
            for (wrong, advice) in &f.discouraged {
                p.add(
                    wrong,
                    Meaning::Discouraged {
                        advice: advice.clone(),
                    },
                );
            }
            for (name, wrong_forms) in &f.names {
                for wrong in wrong_forms {
                    p.add(
                        wrong,
                        Meaning::Miswritten {
                            correct: name.clone(),
                        },
                    );
                }
            }
        }
        for f in files {
            for (name, _) in &f.names {
                for variant in same_sound_variants(name) {
                    p.add(
                        &variant,
                        Meaning::Miswritten {
                            correct: name.clone(),
                        },
                    );
                }
            }
        }
        let automaton = if p.patterns.is_empty() {
            None
        } else {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&p.patterns)
                .ok()
        };
        Dictionary {
            automaton,
            meanings: p.meanings,
        }
    }

    /// Every entry found in `text`, longest first where they overlap, with its byte range;
    /// correctly written names are skipped.
    fn find<'t>(&'t self, text: &'t str) -> impl Iterator<Item = (Range<usize>, &'t Meaning)> {
        self.automaton
            .iter()
            .flat_map(move |a| a.find_iter(text))
            .map(|m| (m.range(), &self.meanings[m.pattern().as_usize()]))
            .filter(|(_, meaning)| !matches!(meaning, Meaning::Correct))
    }

    /// Reports every dictionary entry found in `prose` of `doc`.
    pub fn find_in(&self, prose: &Prose, doc: &Doc, out: &mut Vec<Finding>) {
        for (range, meaning) in self.find(&prose.text) {
            let found = &prose.text[range.clone()];
            let (code, message, suggestion) = match meaning {
                Meaning::Correct => continue,
                Meaning::Typo { correct } => (
                    Code::TermTypo,
                    format!("“{found}”是错别字"),
                    format!("改为“{correct}”"),
                ),
                Meaning::Discouraged { advice } => (
                    Code::TermDiscouraged,
                    format!("“{found}”是不宜使用的说法"),
                    if advice.is_empty() {
                        "删去或改写".to_string()
                    } else {
                        advice.clone()
                    },
                ),
                Meaning::Miswritten { correct } => (
                    Code::TermName,
                    format!("“{found}”疑为“{correct}”的误写"),
                    format!("人名、职务必须准确，应写作“{correct}”"),
                ),
            };
            let position = doc.position(prose.file_offset(range.start));
            out.push(
                Finding::new(code, doc.file, message)
                    .at(position)
                    .suggest(suggestion),
            );
        }
    }
}

/// Reads one dictionary; structural problems become findings on its file.
fn parse_file(text: &str, file: &Path, findings: &mut Vec<Finding>) -> TermsFile {
    let mut out = TermsFile::default();
    let problem = |key: &str, message: String| {
        let mut f = Finding::new(Code::SiteError, file, message).suggest(
            "词典格式：typos 和 discouraged 写成“原文: 建议”，names 写成“正确写法: [错误写法]”",
        );
        if let Some((line, column)) = crate::yaml::key_line(text, key) {
            f.line = Some(line);
            f.column = Some(column);
        }
        f
    };
    let value: Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        // The data stage already reported YAML syntax errors with their line.
        Err(_) => return out,
    };
    let Value::Mapping(map) = value else {
        if !value.is_null() {
            findings.push(problem("", "词典应包含 typos、discouraged、names".into()));
        }
        return out;
    };
    for (key, entries) in &map {
        let key = key.as_str().unwrap_or_default();
        if !TERMS_KEYS.contains(&key) {
            findings.push(problem(
                key,
                format!("词典中有未知的类别“{key}”（可用：typos、discouraged、names）"),
            ));
            continue;
        }
        let pairs: Vec<(String, Value)> = match entries {
            Value::Mapping(m) => m
                .iter()
                .map(|(k, v)| (scalar(k).unwrap_or_default(), v.clone()))
                .collect(),
            Value::Sequence(items) if key == "names" => items
                .iter()
                .map(|v| (scalar(v).unwrap_or_default(), Value::Null))
                .collect(),
            Value::Null => Vec::new(),
            _ => {
                findings.push(problem(key, format!("词典的 {key} 应写成“原文: 建议”")));
                continue;
            }
        };
        for (term, value) in pairs {
            match (key, value) {
                ("names", Value::Sequence(wrong)) => out
                    .names
                    .push((term, wrong.iter().filter_map(scalar).collect())),
                ("names", Value::Null) => out.names.push((term, Vec::new())),
                ("names", v) => out.names.push((term, scalar(&v).into_iter().collect())),
                ("typos", v) => out.typos.push((term, scalar(&v).unwrap_or_default())),
                (_, v) => out.discouraged.push((term, scalar(&v).unwrap_or_default())),
            }
        }
    }
    out
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Han characters grouped by their toneless pinyin (first reading).
fn homophones() -> &'static HashMap<&'static str, Vec<char>> {
    static TABLE: OnceLock<HashMap<&'static str, Vec<char>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table: HashMap<&'static str, Vec<char>> = HashMap::new();
        for c in ('\u{4E00}'..='\u{9FFF}').filter(|c| is_han(*c)) {
            if let Some(p) = c.to_pinyin() {
                table.entry(p.plain()).or_default().push(c);
            }
        }
        table
    })
}

/// The name with one character replaced by another of the same sound: the usual slip of a
/// pinyin input method. Only for names of three or more Han characters, since two-character
/// variants are too often ordinary words (李明 → 黎明).
fn same_sound_variants(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() < 3 || !chars.iter().all(|c| is_han(*c)) {
        return Vec::new();
    }
    let table = homophones();
    let mut out = Vec::new();
    for (i, c) in chars.iter().enumerate() {
        let Some(reading) = c.to_pinyin().map(|p| p.plain()) else {
            continue;
        };
        for h in table.get(reading).into_iter().flatten() {
            if h != c {
                let mut variant = chars.clone();
                variant[i] = *h;
                out.push(variant.into_iter().collect());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_sound_variants_cover_the_classic_slip() {
        let variants = same_sound_variants("杜家毫");
        assert!(variants.contains(&"杜家豪".to_string()));
        assert!(same_sound_variants("李明").is_empty());
    }

    fn found(dictionary: &Dictionary, text: &str) -> Vec<String> {
        dictionary
            .find(text)
            .map(|(range, _)| text[range].to_string())
            .collect()
    }

    #[test]
    fn wrong_forms_inside_correct_names_and_longer_entries_win() {
        let mut findings = Vec::new();
        let site = parse_file(
            "names:\n  中共栖云市委宣传部: [栖云市委宣传部]\ndiscouraged:\n  残废: 改用“残疾”\n  残废人: 改用“残疾人”\n",
            Path::new("data/terms.yaml"),
            &mut findings,
        );
        assert!(findings.is_empty());
        let dictionary = Dictionary::compile(&[site]);
        assert_eq!(
            found(&dictionary, "中共栖云市委宣传部召开会议"),
            Vec::<String>::new()
        );
        assert_eq!(
            found(&dictionary, "栖云市委宣传部召开会议"),
            ["栖云市委宣传部"]
        );
        assert_eq!(found(&dictionary, "关心残废人"), ["残废人"]);
        assert_eq!(
            found(&dictionary, "中共栖云市委宣传布"),
            ["中共栖云市委宣传布"]
        );
    }

    #[test]
    fn the_default_dictionary_is_well_formed() {
        let mut findings = Vec::new();
        let file = parse_file(DEFAULT_TERMS, Path::new(DEFAULT_TERMS_FILE), &mut findings);
        assert!(findings.is_empty(), "{findings:?}");
        assert!(
            file.typos
                .iter()
                .any(|(w, c)| w == "扫黑险恶" && c == "扫黑除恶")
        );
        assert!(
            file.typos.iter().all(|(w, c)| w != c),
            "a typo is not its own fix"
        );
    }
}
