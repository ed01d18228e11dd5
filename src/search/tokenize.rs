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

/// An index key: one token (a single) or two adjacent tokens (a pair). Keys of Han characters
/// only, nearly all of them, are packed into an integer, so building the index allocates
/// little; [`Key::text`] is the key as the index files and the client spell it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    /// One character (below 2³²) or two (the first one shifted up by 32 bits).
    Han(u64),
    Text(Box<str>),
}

impl Key {
    fn single(token: &Token) -> Key {
        match token {
            Token::Han(c) => Key::Han(u64::from(*c)),
            Token::Word(w) => Key::Text(w.as_str().into()),
        }
    }

    fn pair(first: &Token, second: &Token) -> Key {
        match (first, second) {
            (Token::Han(a), Token::Han(b)) => Key::Han(u64::from(*a) << 32 | u64::from(*b)),
            _ => {
                let mut key = String::new();
                first.push_to(&mut key);
                second.push_to(&mut key);
                Key::Text(key.into())
            }
        }
    }

    /// The key as text.
    pub fn text(&self) -> String {
        match self {
            Key::Text(t) => t.to_string(),
            Key::Han(packed) => [(packed >> 32) as u32, *packed as u32]
                .into_iter()
                .filter(|&c| c != 0)
                .filter_map(char::from_u32)
                .collect(),
        }
    }
}

/// What one text (a page's title, or its body) contributes to the index.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct FieldTerms {
    /// Every distinct token, sorted.
    pub singles: Vec<Key>,
    /// Every adjacent pair of tokens with the position where it starts, sorted by key and
    /// then position.
    pub pairs: Vec<(Key, u32)>,
}

/// The singles and pairs of a token stream.
pub fn field_terms(tokens: &[Positioned]) -> FieldTerms {
    let mut singles: Vec<Key> = tokens.iter().map(|t| Key::single(&t.token)).collect();
    singles.sort_unstable();
    singles.dedup();
    let mut pairs: Vec<(Key, u32)> = tokens
        .windows(2)
        .filter(|w| w[1].position == w[0].position + 1)
        .map(|w| (Key::pair(&w[0].token, &w[1].token), w[0].position))
        .collect();
    pairs.sort_unstable();
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

    fn singles(text: &str) -> Vec<String> {
        let mut keys: Vec<String> = field_terms(&tokenize(text))
            .singles
            .iter()
            .map(Key::text)
            .collect();
        keys.sort();
        keys
    }

    #[test]
    fn traditional_characters_are_indexed_as_simplified() {
        assert_eq!(singles("垃圾分類"), ["分", "圾", "垃", "类"]);
    }

    #[test]
    fn pairs_only_join_adjacent_tokens() {
        let terms = field_terms(&tokenize("分类，分类垃圾 2026年"));
        let mut pairs: Vec<(String, u32)> =
            terms.pairs.iter().map(|(k, p)| (k.text(), *p)).collect();
        pairs.sort();
        assert_eq!(
            pairs,
            [
                ("2026年", 8),
                ("分类", 0),
                ("分类", 3),
                ("垃圾", 5),
                ("类垃", 4)
            ]
            .map(|(k, p)| (k.to_string(), p))
        );
        assert_eq!(
            singles("分类，分类垃圾 2026年"),
            ["2026", "分", "圾", "垃", "年", "类"]
        );
    }

    #[test]
    fn keys_of_han_characters_are_packed_and_spelt_back() {
        let terms = field_terms(&tokenize("𠀀文"));
        assert_eq!(terms.pairs[0].0, Key::Han(0x20000 << 32 | 0x6587));
        assert_eq!(terms.pairs[0].0.text(), "𠀀文");
        assert_eq!(Key::Han(0x6587).text(), "文");
    }
}
