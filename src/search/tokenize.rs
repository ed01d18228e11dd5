//! Splits text into search tokens with positions, and a token stream into the terms the index
//! stores. Chinese is not segmented into words: every Han character is a token, so that any
//! run of characters can be found, whatever a dictionary would call a word.
//!
//! - A **token** is a Han character, or a run of letters and digits (a word), after
//!   [`fold`](super::fold::fold). Anything else (spaces, punctuation, symbols) separates tokens.
//! - Tokens are numbered from 0; a separator skips one number, so two tokens are **adjacent**
//!   exactly when their positions differ by one.
//! - The index stores each token alone (a **single**, for one-token queries, without
//!   positions) and each adjacent pair (a **pair**: 垃圾, 圾分, 分类, or 2026年 where a word
//!   touches a character) with the positions where it starts. A query of two or more tokens
//!   is found through its pairs and verified as a phrase with their positions.
//!
//! The client (`themes/default/static/search.js`) tokenizes queries by the same rules.

use std::collections::HashMap;

use super::fold::{fold, is_latin_letter};
use crate::text::is_han;

/// A Han character, or a run of letters and digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    Han(char),
    Word(String),
}

impl Token {
    fn push_to(&self, key: &mut String) {
        match self {
            Token::Han(c) => key.push(*c),
            Token::Word(w) => key.push_str(w),
        }
    }

    /// The token as an index key.
    pub fn key(&self) -> String {
        let mut key = String::new();
        self.push_to(&mut key);
        key
    }
}

/// A token and its position in its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Positioned {
    pub position: u32,
    pub token: Token,
}

/// Letters and digits that make up words (after folding).
pub fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || is_latin_letter(c)
}

/// Splits `text` into folded tokens with positions.
pub fn tokenize(text: &str) -> Vec<Positioned> {
    let mut tokens: Vec<Positioned> = Vec::new();
    let mut position: u32 = 0;
    let mut separated = false;
    let mut word = String::new();
    let mut push = |token: Token, separated: &mut bool, tokens: &mut Vec<Positioned>| {
        if *separated && !tokens.is_empty() {
            position += 1;
        }
        *separated = false;
        tokens.push(Positioned { position, token });
        position += 1;
    };
    for c in text.chars().map(fold) {
        if is_word_char(c) {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            push(
                Token::Word(std::mem::take(&mut word)),
                &mut separated,
                &mut tokens,
            );
        }
        if is_han(c) {
            push(Token::Han(c), &mut separated, &mut tokens);
        } else {
            separated = true;
        }
    }
    if !word.is_empty() {
        push(Token::Word(word), &mut separated, &mut tokens);
    }
    tokens
}

/// What one text (a page's title, or its body) contributes to the index.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct FieldTerms {
    /// Every distinct token, as a key.
    pub singles: Vec<String>,
    /// Every adjacent pair of tokens, as a key, with the positions where it starts (ascending).
    pub pairs: HashMap<String, Vec<u32>>,
}

/// The singles and pairs of a token stream.
pub fn field_terms(tokens: &[Positioned]) -> FieldTerms {
    let mut singles: Vec<String> = tokens.iter().map(|t| t.token.key()).collect();
    singles.sort_unstable();
    singles.dedup();
    let mut pairs: HashMap<String, Vec<u32>> = HashMap::new();
    for w in tokens.windows(2) {
        if w[1].position == w[0].position + 1 {
            let mut key = String::new();
            w[0].token.push_to(&mut key);
            w[1].token.push_to(&mut key);
            pairs.entry(key).or_default().push(w[0].position);
        }
    }
    FieldTerms { singles, pairs }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str) -> Vec<(u32, String)> {
        tokenize(text)
            .into_iter()
            .map(|t| (t.position, t.token.key()))
            .collect()
    }

    #[test]
    fn han_characters_are_tokens_and_separators_skip_a_position() {
        assert_eq!(
            shown("垃圾分类，人人有责"),
            [
                (0, "垃"),
                (1, "圾"),
                (2, "分"),
                (3, "类"),
                (5, "人"),
                (6, "人"),
                (7, "有"),
                (8, "责")
            ]
            .map(|(p, s)| (p, s.to_string()))
        );
    }

    #[test]
    fn words_and_numbers_are_folded_and_touch_han_characters() {
        assert_eq!(
            shown("在ＷｅＣｈａｔ里搜索 2026年3月  Über"),
            [
                (0, "在"),
                (1, "wechat"),
                (2, "里"),
                (3, "搜"),
                (4, "索"),
                (6, "2026"),
                (7, "年"),
                (8, "3"),
                (9, "月"),
                (11, "über")
            ]
            .map(|(p, s)| (p, s.to_string()))
        );
    }

    #[test]
    fn leading_and_repeated_separators_skip_one_position() {
        assert_eq!(
            shown("  ——“文明”……城市 "),
            [(0, "文"), (1, "明"), (3, "城"), (4, "市")].map(|(p, s)| (p, s.to_string()))
        );
        assert_eq!(shown(""), []);
        assert_eq!(shown("，。！"), []);
    }

    #[test]
    fn traditional_characters_are_indexed_as_simplified() {
        assert_eq!(
            field_terms(&tokenize("垃圾分類")).singles,
            ["分", "圾", "垃", "类"]
        );
    }

    #[test]
    fn pairs_only_join_adjacent_tokens() {
        let terms = field_terms(&tokenize("分类，分类垃圾 2026年"));
        let mut pairs: Vec<(String, Vec<u32>)> = terms.pairs.into_iter().collect();
        pairs.sort();
        assert_eq!(
            pairs,
            [
                ("2026年", vec![8]),
                ("分类", vec![0, 3]),
                ("垃圾", vec![5]),
                ("类垃", vec![4]),
            ]
            .map(|(k, v)| (k.to_string(), v))
        );
        assert_eq!(terms.singles, ["2026", "分", "圾", "垃", "年", "类"]);
    }
}
