//! Personal data that must not be published unmasked (个人信息保护法, 政府信息公开条例):
//! 18-digit resident ID numbers that pass the GB 11643-1999 checksum, mainland mobile numbers,
//! and bank card numbers that pass the Luhn check. Also the masking used by the `mask`
//! template filter (`110105********002X`, `138****5678`, `6222***********0123`).

use std::ops::Range;

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

/// Every personal number in `text`.
pub fn find(text: &str, validation: Validation) -> Vec<PiiMatch> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && is_word_byte(bytes[i - 1])) {
            i += 1;
            continue;
        }
        let token = number_token(bytes, i);
        if let Some(m) = classify(text, token.clone(), validation) {
            out.push(m);
        }
        i = token.end.max(i + 1);
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

/// The longest run from `start` of digit groups joined by single spaces or hyphens, with a
/// final `X` allowed (ID numbers).
fn number_token(bytes: &[u8], start: usize) -> Range<usize> {
    let mut end = start;
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_digit() {
            i += 1;
            end = i;
        } else if matches!(b, b' ' | b'-') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
        } else {
            break;
        }
    }
    if matches!(bytes.get(end), Some(b'X' | b'x')) && end - start == 17 {
        end += 1;
    }
    if bytes.get(end).is_some_and(|b| is_word_byte(*b)) {
        return start..end.max(start + 1);
    }
    start..end
}

fn classify(text: &str, token: Range<usize>, validation: Validation) -> Option<PiiMatch> {
    let written = &text[token.clone()];
    if text
        .as_bytes()
        .get(token.end)
        .is_some_and(|b| is_word_byte(*b))
    {
        return None;
    }
    let groups: Vec<&str> = written.split([' ', '-']).collect();
    let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    let digits: String = groups.concat();
    let strict = validation == Validation::Checksum;
    let matched = |kind: PiiKind, range: Range<usize>| {
        let masked = mask_digits(&text[range.clone()], kind);
        Some(PiiMatch {
            kind,
            range,
            masked,
        })
    };
    // +86 before a mobile number is not part of what is masked.
    if groups.len() > 1 && groups[0] == "86" {
        let rest = token.start + 3..token.end;
        if is_mobile(&groups[1..].concat(), &lengths[1..]) {
            return matched(PiiKind::Mobile, rest);
        }
    }
    if is_mobile(&digits, &lengths) {
        return matched(PiiKind::Mobile, token);
    }
    if lengths == [18] && (!strict || is_resident_id(&digits)) {
        return matched(PiiKind::IdNumber, token);
    }
    let all_digits = digits.bytes().all(|b| b.is_ascii_digit());
    let grouped_by_four = lengths.len() == 1
        || (lengths[..lengths.len() - 1].iter().all(|l| *l == 4)
            && lengths.last().is_some_and(|l| (1..=4).contains(l)));
    if all_digits
        && (16..=19).contains(&digits.len())
        && grouped_by_four
        && (!strict || (luhn(&digits) && !is_resident_id(&digits)))
    {
        return matched(PiiKind::BankCard, token);
    }
    None
}

/// `1[3-9]` followed by nine digits, written whole or as 3-4-4.
fn is_mobile(digits: &str, lengths: &[usize]) -> bool {
    let b = digits.as_bytes();
    (lengths == [11] || lengths == [3, 4, 4])
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

/// Replaces the hidden digits of a number with `*`, keeping its separators.
fn mask_digits(written: &str, kind: PiiKind) -> String {
    let count = written
        .bytes()
        .filter(|b| b.is_ascii_alphanumeric())
        .count();
    let hidden = kind.hidden(count);
    let mut index = 0;
    written
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                let masked = hidden.contains(&index);
                index += 1;
                if masked { '*' } else { c }
            } else {
                c
            }
        })
        .collect()
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
