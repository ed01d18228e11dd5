//! Chinese text rules shared by every stage: dates as Chinese readers expect them, pinyin
//! slugs, and character classes for counting and line breaking.

pub mod dates;
pub mod digits;
pub mod pii;
pub mod slug;

/// Serializes a number as an integer when it has no fraction, so templates print `120`
/// rather than `120.0` (and `41.3` stays `41.3`).
pub fn serialize_plain<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        s.serialize_i64(*x as i64)
    } else {
        s.serialize_f64(*x)
    }
}

/// [`serialize_plain`] for optional numbers.
pub fn serialize_plain_opt<S: serde::Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match x {
        Some(x) => serialize_plain(x, s),
        None => s.serialize_none(),
    }
}

/// Escapes text for HTML content and attribute values.
/// `text` with every `PREFIX<n>"` (a decimal number closed by a double quote) replaced by
/// what `replacement(n, out)` writes, in one pass. `replacement` returns false, writing
/// nothing, for numbers it has nothing for: those stay as they are.
pub fn replace_numbered(
    text: &str,
    prefix: &str,
    replacement: impl Fn(usize, &mut String) -> bool,
) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut rest = text;
    while let Some(i) = rest.find(prefix) {
        let after = &rest[i + prefix.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        out.push_str(&rest[..i]);
        let replaced = after[digits..].starts_with('"')
            && after[..digits]
                .parse::<usize>()
                .is_ok_and(|n| replacement(n, &mut out));
        if replaced {
            rest = &after[digits + 1..];
        } else {
            let first = rest[i..].chars().next().map_or(1, char::len_utf8);
            out.push_str(&rest[i..i + first]);
            rest = &rest[i + first..];
        }
    }
    out.push_str(rest);
    out
}

pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Whether XML 1.0 allows `c` in a document: not the C0 controls but tab, line feed and
/// carriage return, and not U+FFFE or U+FFFF (Rust strings hold no surrogates).
pub fn is_xml_char(c: char) -> bool {
    !matches!(c, '\0'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// [`escape_html`] for XML output (feeds, sitemaps): characters XML 1.0 does not allow are
/// dropped, so one stray control character cannot make a feed unreadable (`check` reports
/// them in the content as `text-control-char`).
pub fn escape_xml(text: &str) -> String {
    if text.chars().all(is_xml_char) {
        return escape_html(text);
    }
    let allowed: String = text.chars().filter(|c| is_xml_char(*c)).collect();
    escape_html(&allowed)
}

/// Han ideographs (CJK Unified Ideographs and extensions, compatibility ideographs, 〇).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3007 | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// Characters of Chinese/Japanese text that need no space between them: Han characters,
/// kana and full-width punctuation. A line break between two of these is not a space.
pub fn is_cjk(c: char) -> bool {
    is_han(c)
        || matches!(c as u32,
            0x3000..=0x303F   // CJK symbols and punctuation 。、「」
            | 0x3040..=0x30FF // kana
            | 0xFF00..=0xFFEF // full-width forms ，！？：；（）
            | 0x2018..=0x201F // curly quotes “”‘’ used in Chinese text
            | 0x2014 | 0x2026 // —— and ……
        )
}

/// `text` with full-width ASCII (ＡＢＣ１２３) and the ideographic space made half-width and
/// Latin letters lowercased: two spellings an editor means as the same word compare equal.
pub fn fold_width_and_case(text: &str) -> String {
    text.chars()
        .map(|c| match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            0x3000 => ' ',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Counts words the way Chinese readers count: each Han character is one, each run of
/// Latin letters or digits is one.
pub fn count_words(text: &str) -> usize {
    let mut count = 0;
    let mut in_word = false;
    for c in text.chars() {
        if is_han(c) {
            count += 1;
            in_word = false;
        } else if c.is_alphanumeric() {
            if !in_word {
                count += 1;
                in_word = true;
            }
        } else {
            in_word = false;
        }
    }
    count
}

/// Reading time in whole minutes at 300 characters per minute, at least one minute.
pub fn reading_minutes(words: usize) -> usize {
    words.div_ceil(300).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escaping_drops_what_xml_does_not_allow() {
        assert_eq!(
            escape_xml("控制\u{1}字符\u{B}\u{FFFE}<&>\t\n"),
            "控制字符&lt;&amp;&gt;\t\n"
        );
        assert_eq!(escape_xml("普通"), "普通");
    }

    #[test]
    fn counts_han_characters_and_latin_words() {
        assert_eq!(count_words("志愿者服务站今天开放了100个岗位"), 15);
        assert_eq!(count_words("WeChat 浏览器，很好用！"), 7);
    }

    #[test]
    fn reading_time_is_at_least_one_minute() {
        assert_eq!(reading_minutes(0), 1);
        assert_eq!(reading_minutes(300), 1);
        assert_eq!(reading_minutes(301), 2);
    }
}
