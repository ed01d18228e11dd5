//! Personal data that must not be published unmasked (个人信息保护法, 政府信息公开条例):
//! 18-digit resident ID numbers that pass the GB 11643-1999 checksum, mainland mobile numbers,
//! and bank card numbers that pass the Luhn check. Also the masking used by the `mask`
//! template filter (`110105********002X`, `138****5678`, `6222***********0123`).

use std::ops::Range;

use crate::text::digits::DigitView;

/// The kinds of personal numbers found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PiiKind {
    IdNumber,
    Mobile,
    BankCard,
}

impl PiiKind {
    /// What an editor calls it.
    pub fn name(self) -> &'static str {
        match self {
            PiiKind::IdNumber => "身份证号",
            PiiKind::Mobile => "手机号",
            PiiKind::BankCard => "银行卡号",
        }
    }

    /// Which digits (by index among the number's digits) are hidden when masking.
    fn hidden(self, digits: usize) -> Range<usize> {
        match self {
            PiiKind::IdNumber => 6..14,
            PiiKind::Mobile => 3..7,
            PiiKind::BankCard => 4..digits.saturating_sub(4),
        }
    }
}

/// How sure a match must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validation {
    /// Checks: ID numbers must pass GB 11643 and carry a real birth date; card numbers must
    /// pass Luhn. Keeps random long numbers from being reported.
    Checksum,
    /// Masking: anything shaped like personal data is hidden, valid or not.
    Shape,
}

/// One personal number in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PiiMatch {
    pub kind: PiiKind,
    /// Byte range in the text, from the first digit to the last character of the number.
    pub range: Range<usize>,
    /// The number as it is written, masked.
    pub masked: String,
}

/// Every personal number in `text`, read through [`DigitView`]: full-width digits, any
/// spaces or hyphens between digit groups, zero-width characters, inline HTML tags and a
/// `+86`/`0086` prefix do not hide a number. Ranges are in `text` itself.
pub fn find(text: &str, validation: Validation) -> Vec<PiiMatch> {
    // A line break ends every number, so each line is read on its own: the view of a huge
    // page never exists whole, and lines without a digit are not read at all.
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if may_hold_digits(line) {
            out.extend(find_in_line(line, validation).into_iter().map(|mut m| {
                m.range = m.range.start + start..m.range.end + start;
                m
            }));
        }
        start += line.len();
    }
    out
}

/// Whether `line` has an ASCII digit (character references such as `&#49;` have some) or a
/// full-width digit (U+FF10..U+FF19: `EF BC 90..99`).
fn may_hold_digits(line: &str) -> bool {
    let b = line.as_bytes();
    b.iter().any(u8::is_ascii_digit)
        || b.windows(3)
            .any(|w| w[0] == 0xEF && w[1] == 0xBC && (0x90..=0x99).contains(&w[2]))
}

fn find_in_line(text: &str, validation: Validation) -> Vec<PiiMatch> {
    let view = DigitView::new(text);
    let bytes = &view.bytes;
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || !number_may_start(bytes, i) {
            i += 1;
            continue;
        }
        let groups = digit_groups(bytes, i);
        let mut next = groups.last().map_or(i + 1, |g| g.end);
        let mut g = 0;
        while g < groups.len() {
            match longest_match(&view, &groups[g..], validation) {
                Some((m, used)) => {
                    out.push(masked_match(text, &view, m));
                    g += used;
                }
                None => g += 1,
            }
        }
        if next <= i {
            next = i + 1;
        }
        i = next;
    }
    out
}

/// `text` with every personal number masked (for templates).
pub fn mask(text: &str) -> String {
    let found = find(text, Validation::Shape);
    if found.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for m in found {
        out.push_str(&text[last..m.range.start]);
        out.push_str(&m.masked);
        last = m.range.end;
    }
    out.push_str(&text[last..]);
    out
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// A number starts at `i` unless it continues a word (`t138…`) or a decimal (`0.138…`).
fn number_may_start(bytes: &[u8], i: usize) -> bool {
    let before = |n: usize| i.checked_sub(n).and_then(|j| bytes.get(j)).copied();
    !(before(1).is_some_and(is_word_byte)
        || (before(1) == Some(b'.') && before(2).is_some_and(|b| b.is_ascii_digit())))
}

/// The most separator bytes (spaces, at most one hyphen) allowed between two digit groups.
const MAX_SEPARATOR: usize = 3;

/// The digit groups from `start`: runs of digits (the last may end in `X`, for ID numbers)
/// joined by short runs of spaces and a hyphen. The run stops at anything else; a group
/// glued to a word or followed by a decimal point ends it without counting.
fn digit_groups(bytes: &[u8], start: usize) -> Vec<Range<usize>> {
    let mut groups = Vec::new();
    let mut i = start;
    loop {
        let group_start = i;
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if matches!(bytes.get(i), Some(b'X' | b'x')) {
            i += 1;
        }
        let next = bytes.get(i).copied();
        let decimal = next == Some(b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
        if next.is_some_and(is_word_byte) || decimal {
            return groups;
        }
        groups.push(group_start..i);
        let mut j = i;
        let mut hyphens = 0;
        while j - i < MAX_SEPARATOR && matches!(bytes.get(j), Some(b' ' | b'-')) {
            hyphens += usize::from(bytes[j] == b'-');
            j += 1;
        }
        if j == i || hyphens > 1 || !bytes.get(j).is_some_and(u8::is_ascii_digit) {
            return groups;
        }
        i = j;
    }
}

/// A number found in the view: its kind and the view bytes it covers.
struct ViewMatch {
    kind: PiiKind,
    range: Range<usize>,
}

/// The personal number made of the most leading `groups`, and how many groups it used.
fn longest_match(
    view: &DigitView,
    groups: &[Range<usize>],
    validation: Validation,
) -> Option<(ViewMatch, usize)> {
    const MAX_GROUPS: usize = 6;
    (1..=groups.len().min(MAX_GROUPS))
        .rev()
        .find_map(|n| classify(view, &groups[..n], validation).map(|m| (m, n)))
}

fn classify(
    view: &DigitView,
    groups: &[Range<usize>],
    validation: Validation,
) -> Option<ViewMatch> {
    let text = |r: &Range<usize>| &view.bytes[r.clone()];
    let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    let digits: Vec<u8> = groups
        .iter()
        .flat_map(|g| text(g).iter().copied())
        .collect();
    let span = groups[0].start..groups[groups.len() - 1].end;
    let matched = |kind: PiiKind, range: Range<usize>| Some(ViewMatch { kind, range });
    // A country code before a mobile number is not part of what is masked: `+86 138…`,
    // `+86138…`, `0086 138…`, `0086138…`.
    let plus = groups[0]
        .start
        .checked_sub(1)
        .is_some_and(|i| view.bytes[i] == b'+');
    let first = text(&groups[0]);
    for prefix in ["0086", "86"] {
        if !first.starts_with(prefix.as_bytes()) || (prefix == "86" && !plus && first.len() > 2) {
            continue;
        }
        let rest_start = groups[0].start + prefix.len();
        let (rest_lengths, range) = if first.len() == prefix.len() {
            (lengths[1..].to_vec(), groups.get(1)?.start..span.end)
        } else {
            let mut l = lengths.clone();
            l[0] -= prefix.len();
            (l, rest_start..span.end)
        };
        if !rest_lengths.is_empty() && is_mobile(&digits[prefix.len()..], &rest_lengths) {
            return matched(PiiKind::Mobile, range);
        }
    }
    if is_mobile(&digits, &lengths) {
        return matched(PiiKind::Mobile, span);
    }
    let strict = validation == Validation::Checksum;
    let digits_str = String::from_utf8_lossy(&digits);
    if digits.len() == 18
        && lengths.iter().all(|l| *l >= 3)
        && lengths.len() <= 5
        && digits[..17].iter().all(u8::is_ascii_digit)
        && (!strict || is_resident_id(&digits_str))
    {
        return matched(PiiKind::IdNumber, span);
    }
    let all_digits = digits.iter().all(u8::is_ascii_digit);
    let grouped_by_four = lengths.len() == 1
        || (lengths[..lengths.len() - 1].iter().all(|l| *l == 4)
            && lengths.last().is_some_and(|l| (1..=4).contains(l)));
    // No card issuer number starts with 0.
    if all_digits
        && digits[0] != b'0'
        && (16..=19).contains(&digits.len())
        && grouped_by_four
        && (!strict || (luhn(&digits_str) && !is_resident_id(&digits_str)))
    {
        return matched(PiiKind::BankCard, span);
    }
    None
}

/// The match in source terms, masked as it is written (its separators, tags and full-width
/// digits kept; the hidden digits shown as `*`).
fn masked_match(text: &str, view: &DigitView, m: ViewMatch) -> PiiMatch {
    let range = view.source_range(m.range.clone());
    let count = view.bytes[m.range.clone()]
        .iter()
        .filter(|b| b.is_ascii_alphanumeric())
        .count();
    let hidden = m.kind.hidden(count);
    let mut masked = String::with_capacity(range.len());
    let mut last = range.start;
    let mut index = 0;
    for i in m.range {
        if !view.bytes[i].is_ascii_alphanumeric() {
            continue;
        }
        if hidden.contains(&index) {
            let source = view.source[i].clone();
            masked.push_str(&text[last..source.start]);
            masked.push('*');
            last = source.end;
        }
        index += 1;
    }
    masked.push_str(&text[last..range.end]);
    PiiMatch {
        kind: m.kind,
        range,
        masked,
    }
}

/// `1[3-9]` followed by nine digits, written whole or in up to three groups of at least
/// three digits (3-4-4, 4-4-3, 3-8…).
fn is_mobile(b: &[u8], lengths: &[usize]) -> bool {
    (1..=3).contains(&lengths.len())
        && lengths.iter().all(|l| *l >= 3)
        && b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && b.iter().all(u8::is_ascii_digit)
}

/// GB 11643-1999: 17 digits, then a check character from the weighted sum mod 11; the
/// birth date (digits 7–14) must be a real day.
pub fn is_resident_id(id: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let b = id.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) || b[0] == b'0' {
        return false;
    }
    let sum: u32 = b[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let expected = CHECK[(sum % 11) as usize];
    if b[17].to_ascii_uppercase() != expected {
        return false;
    }
    let year: i16 = id[6..10].parse().unwrap_or(0);
    let month: i8 = id[10..12].parse().unwrap_or(0);
    let day: i8 = id[12..14].parse().unwrap_or(0);
    (1900..=2100).contains(&year) && jiff::civil::Date::new(year, month, day).is_ok()
}

/// The Luhn check used by bank card numbers (false for anything but digits).
pub fn luhn(digits: &str) -> bool {
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let mut sum = 0;
    for (i, b) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(PiiKind, String)> {
        find(text, Validation::Checksum)
            .into_iter()
            .map(|m| (m.kind, m.masked))
            .collect()
    }

    use PiiKind::{BankCard as C, IdNumber as I, Mobile as M};

    /// Written forms of personal numbers that must all be found, with what is found.
    const POSITIVE: &[(&str, &[PiiKind])] = &[
        ("电话13800138000", &[M]),
        ("电话：138 0013 8000", &[M]),
        ("138-0013-8000", &[M]),
        ("+8613800138000", &[M]),
        ("+86 13800138000", &[M]),
        ("+86-138-0013-8000", &[M]),
        ("008613800138000", &[M]),
        ("0086 13800138000", &[M]),
        ("0086-138-0013-8000", &[M]),
        ("（+86）13800138000", &[M]),
        ("＋８６１３８００１３８０００", &[M]),
        ("１３８００１３８０００", &[M]),
        ("１３８　００１３　８０００", &[M]),
        ("138\u{200B}0013\u{200B}8000", &[M]),
        ("138\u{FEFF}00138000", &[M]),
        ("138\u{00A0}0013\u{00A0}8000", &[M]),
        ("138&nbsp;0013&nbsp;8000", &[M]),
        ("138&#8203;0013&#x200b;8000", &[M]),
        ("<span>138</span>00138000", &[M]),
        ("<b>138</b><i>0013</i>8000", &[M]),
        ("<a href=\"tel:x\">138</a>0013 8000", &[M]),
        ("13800138000 13912345678", &[M, M]),
        ("13800138000，13912345678", &[M, M]),
        ("1380 013 8000", &[M]),
        ("138 00138000", &[M]),
        ("1380013 8000", &[M]),
        ("138 - 0013 - 8000", &[M]),
        ("联系人张三13800138000", &[M]),
        ("手机:18612345678。", &[M]),
        ("**13800138000**", &[M]),
        ("[13800138000](tel:13800138000)", &[M, M]),
        ("138\u{2010}0013\u{2010}8000", &[M]),
        ("138－0013－8000", &[M]),
        ("1５０1234 5678", &[M]),
        ("<span style=\"color:red\">186</span> 1234 5678", &[M]),
        ("1\u{200D}3\u{200C}8\u{2060}00138000", &[M]),
        ("TEL 17712345678", &[M]),
        ("电话 0086 186 1234 5678", &[M]),
        ("（19912345678）", &[M]),
        ("16612345678 14712345678 15012345678", &[M, M, M]),
        ("11010519491231002X", &[I]),
        ("110105 19491231 002X", &[I]),
        ("110105 1949 1231 002X", &[I]),
        ("110105-19491231-002X", &[I]),
        ("１１０１０５１９４９１２３１００２Ｘ", &[I]),
        ("11010519491231002x", &[I]),
        ("320102198001011238", &[I]),
        ("320102 19800101 1238", &[I]),
        ("<span>320102</span>198001011238", &[I]),
        ("440305\u{200B}19951215\u{200B}4566", &[I]),
        ("510107197006067890 330106200002290010", &[I, I]),
        ("身份证号：210203198808081110。", &[I]),
        ("370202　19900315　2340", &[I]),
        ("610103 196607 033454", &[I]),
        ("6222021234567890128", &[C]),
        ("6222 0212 3456 7890 128", &[C]),
        ("6222-0212-3456-7890-128", &[C]),
        ("４３６７４２１２３４５６７８９６", &[C]),
        ("4367 4212 3456 7896", &[C]),
        ("6225\u{200B}8812\u{200B}3456\u{200B}7898", &[C]),
        ("<span>6225</span> 8812 3456 7898", &[C]),
        ("622848012345678900", &[C]),
        ("6217 0012 3456 7890 122", &[C]),
        ("卡号6212261234567890128。", &[C]),
        ("6212&nbsp;2612&nbsp;3456&nbsp;7890&nbsp;128", &[C]),
        ("手机13800138000，身份证110105 19491231 002X", &[M, I]),
    ];

    /// Ordinary numbers that must not be taken for personal data.
    const NEGATIVE: &[&str] = &[
        "2026-03-05",
        "2026年3月5日",
        "20260305",
        "2026.03.05",
        "2026/03/05 13:45",
        "2026-03-05 13:45:00",
        "〔2026〕12号",
        "栖文明办〔2026〕138号",
        "邮编 310000",
        "0571-87654321",
        "0571 8765 4321",
        "(0571) 8765-4321",
        "010-12345678-801",
        "电话 0571-8888 8888 转 8001",
        "400-800-1380",
        "12345",
        "95588",
        "金额 13800138000.00 元",
        "1,380,013,800 元",
        "0.13800138000",
        "1.3800138000",
        "138001380001",
        "1380013800",
        "12800138000",
        "10800138000",
        "138****8000",
        "110105********002X",
        "t13800138000.html",
        "ID13800138000",
        "13800138000abc",
        "abc_13800138000",
        "v13800138000",
        "13800138000x",
        "https://example.org/13800138000x",
        "110105194912310021",
        "110105194913310025",
        "11010519491231002X1",
        "110105 1949 1231",
        "6222021234567890123",
        "6222 0212 3456 7890 123",
        "0000 0000 0000 0000",
        "0000000000000000000",
        "第1 3 8 0 0 1 3 8 0 0 0名",
        "13 80 01 38 000",
        "138 0 0138000",
        "2026 1380 0138",
        "人口 1380 万，面积 0013 平方公里",
        "<td>138</td><td>00138000</td>",
        "138<br>00138000",
        "138<p>00138000",
        "138\n00138000",
        "GB 11643-1999",
        "GB/T 2260-2007",
        "第138条",
        "2026年第12期",
        "ISBN 978-7-01-012345-6",
        "体温36.5度",
        "3.1415926535897932",
        "浙A·12345",
        "IPv4 192.168.1.1",
        "+1 415 555 0123",
        "QQ群 123456789",
        "统一社会信用代码 91330100MA2XXXXXX1",
        "１２３４５",
        "1990—2026",
        "20260305001",
        "2026-0305-1380",
    ];

    #[test]
    fn personal_numbers_in_every_common_written_form() {
        assert!(POSITIVE.len() >= 60 && NEGATIVE.len() >= 60);
        for (text, expected) in POSITIVE {
            let found = find(text, Validation::Checksum);
            let kinds: Vec<PiiKind> = found.iter().map(|m| m.kind).collect();
            assert_eq!(&kinds, expected, "{text:?}");
            for m in &found {
                let first = text[m.range.start..].chars().next();
                assert!(
                    first.is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(&c)),
                    "{text:?}: the match must start at its first digit, not {first:?}"
                );
                assert!(
                    m.masked.contains('*') && m.masked.len() <= m.range.len(),
                    "{text:?}: {}",
                    m.masked
                );
            }
        }
        for text in NEGATIVE {
            assert_eq!(find(text, Validation::Checksum), [], "{text:?}");
        }
    }

    #[test]
    fn masks_keep_what_is_written_around_the_hidden_digits() {
        assert_eq!(mask("+86 138 0013 8000"), "+86 138 **** 8000");
        assert_eq!(mask("<span>138</span>00138000"), "<span>138</span>****8000");
        assert_eq!(mask("１３８００１３８０００"), "１３８****８０００");
        assert_eq!(mask("110105 19491231 002X"), "110105 ******** 002X");
        let found = find("甲\n电话 ＋86 <b>138</b>0013 8000", Validation::Checksum);
        let text = "甲\n电话 ＋86 <b>138</b>0013 8000";
        assert_eq!(&text[found[0].range.clone()], "138</b>0013 8000");
    }

    #[test]
    fn id_numbers_need_a_valid_checksum_and_birth_date() {
        assert!(is_resident_id("11010519491231002X"));
        assert!(!is_resident_id("110105194912310021"), "wrong check digit");
        assert!(!is_resident_id("110105194913310025"), "no 13th month");
        assert_eq!(
            kinds("身份证11010519491231002X。"),
            [(PiiKind::IdNumber, "110105********002X".to_string())]
        );
        assert!(kinds("编号110105194912310021").is_empty());
    }

    #[test]
    fn mobile_numbers_whole_grouped_or_with_country_code() {
        assert_eq!(
            kinds("电话13812345678，或 139-1234-5678，或 +86 137 1234 5678"),
            [
                (PiiKind::Mobile, "138****5678".to_string()),
                (PiiKind::Mobile, "139-****-5678".to_string()),
                (PiiKind::Mobile, "137 **** 5678".to_string()),
            ]
        );
        assert!(
            kinds("订单138123456789").is_empty(),
            "12 digits is not a mobile"
        );
        assert!(kinds("0571-12345678").is_empty(), "landlines are public");
        assert!(kinds("t13812345678.html").is_empty(), "part of a word");
    }

    #[test]
    fn bank_cards_need_luhn() {
        assert_eq!(
            kinds("卡号 6222 0212 3456 7890 128"),
            [(PiiKind::BankCard, "6222 **** **** ***0 128".to_string())]
        );
        assert!(kinds("卡号 6222021234567890123").is_empty(), "fails Luhn");
    }

    #[test]
    fn masking_hides_anything_shaped_like_personal_data() {
        assert_eq!(mask("110105194912310021"), "110105********0021");
        assert_eq!(mask("联系 13812345678"), "联系 138****5678");
        assert_eq!(mask("无号码"), "无号码");
    }
}
