//! A quiz's `questions` in the desk's form, written as editors write a quiz on paper: the
//! question on its own line, options `A. …` one a line, `答案：B` (`答案：A、C` or
//! `答案：B（多选）` for multiple choice), an optional `解析：…`, and a blank line between
//! questions. Turned into the front matter's list (`answer` counted from 1, a list for
//! multiple choice, as docs/content.md describes) and back.

use serde_yaml::Value;

use super::front::scalar;

/// The letters options are written with, in order.
const LETTERS: [char; 8] = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];

/// One question as the form reads it.
#[derive(Debug, Default, PartialEq)]
struct Written {
    question: String,
    options: Vec<String>,
    /// The right options' numbers, from 1.
    answer: Vec<usize>,
    multiple: bool,
    explain: String,
}

/// What the form shows of a front matter's `questions` (`value`, parsed); `None` when it holds
/// more than the form can write back (other keys, values that are not text).
pub fn questions_text(value: Option<&Value>) -> Option<String> {
    let Some(value) = value else {
        return Some(String::new());
    };
    let Value::Sequence(items) = value else {
        return value.is_null().then(String::new);
    };
    let mut blocks = Vec::new();
    for item in items {
        let map = item.as_mapping()?;
        let keys = ["question", "options", "answer", "explain"];
        if map
            .keys()
            .any(|k| !k.as_str().is_some_and(|k| keys.contains(&k)))
        {
            return None;
        }
        let one_line = |v: Option<&Value>| match v {
            None | Some(Value::Null) => Some(String::new()),
            Some(Value::String(s)) if !s.contains('\n') => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(_) => None,
        };
        let options = match map.get("options") {
            Some(Value::Sequence(o)) if o.len() <= LETTERS.len() => o
                .iter()
                .map(|v| one_line(Some(v)))
                .collect::<Option<Vec<_>>>()?,
            _ => return None,
        };
        let (answer, multiple) = match map.get("answer") {
            Some(Value::Number(n)) => (vec![n.as_u64()?], false),
            Some(Value::Sequence(list)) => (
                list.iter().map(Value::as_u64).collect::<Option<Vec<_>>>()?,
                true,
            ),
            _ => return None,
        };
        let letters = answer
            .iter()
            .map(|&n| {
                let i = usize::try_from(n).ok()?.checked_sub(1)?;
                LETTERS.get(i).map(char::to_string)
            })
            .collect::<Option<Vec<_>>>()?;
        let mut block = vec![one_line(map.get("question"))?];
        for (letter, option) in LETTERS.iter().zip(&options) {
            block.push(format!("{letter}. {option}"));
        }
        let marked = if multiple && letters.len() == 1 {
            "（多选）"
        } else {
            ""
        };
        block.push(format!("答案：{}{marked}", letters.join("、")));
        let explain = one_line(map.get("explain"))?;
        if !explain.is_empty() {
            block.push(format!("解析：{explain}"));
        }
        blocks.push(block.join("\n"));
    }
    Some(blocks.join("\n\n"))
}

/// The questions typed into the form as a YAML block (`\n- {question: …}` per question).
/// `Err` is the message shown beside the field, naming the question.
pub fn questions_yaml(text: &str) -> Result<String, String> {
    let text = text.replace("\r\n", "\n");
    let mut out = String::new();
    let blocks = text.split("\n\n").map(str::trim).filter(|b| !b.is_empty());
    for (i, block) in blocks.enumerate() {
        let q = read_block(block, i + 1)?;
        let options: Vec<String> = q.options.iter().map(|o| scalar(o, true)).collect();
        let answer = match (q.multiple, q.answer.as_slice()) {
            (false, [one]) => one.to_string(),
            (_, all) => format!(
                "[{}]",
                all.iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        out.push_str(&format!(
            "\n- {{question: {}, options: [{}], answer: {answer}",
            scalar(&q.question, true),
            options.join(", ")
        ));
        if !q.explain.is_empty() {
            out.push_str(&format!(", explain: {}", scalar(&q.explain, true)));
        }
        out.push('}');
    }
    if out.is_empty() {
        return Err("请至少写一道题：题目一行，选项每行一个（A. B. …），再写“答案：B”".into());
    }
    Ok(out)
}

/// Reads question `n` from its lines.
fn read_block(block: &str, n: usize) -> Result<Written, String> {
    let mut q = Written::default();
    let mut answer = None;
    for line in block.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(rest) = strip_label(line, "答案") {
            answer = Some(rest.to_string());
        } else if let Some(rest) = strip_label(line, "解析") {
            q.explain = rest.to_string();
        } else if let Some(option) = option_text(line, q.options.len()) {
            q.options.push(option.to_string());
        } else if q.options.is_empty() && answer.is_none() {
            let line = strip_number(line);
            if !q.question.is_empty() {
                q.question.push(' ');
            }
            q.question.push_str(line);
        } else {
            return Err(format!(
                "第 {n} 题的这一行看不懂：“{line}”。选项每行一个，以 A. B. … 开头；答案写“答案：B”；解释写“解析：……”"
            ));
        }
    }
    if q.question.is_empty() {
        return Err(format!("第 {n} 题缺少题目：题目写在第一行"));
    }
    if q.options.len() < 2 {
        return Err(format!(
            "第 {n} 题至少要有两个选项，每行一个，以 A. B. … 开头"
        ));
    }
    for (k, option) in q.options.iter().enumerate() {
        if option.is_empty() {
            return Err(format!("第 {n} 题的选项 {} 是空的", LETTERS[k]));
        }
        if q.options[..k].contains(option) {
            return Err(format!("第 {n} 题的选项“{option}”重复了"));
        }
    }
    let answer = answer.ok_or_else(|| format!("第 {n} 题缺少答案：例如“答案：B”"))?;
    q.multiple = answer.contains("多选");
    for c in answer.chars().filter(|c| !"、,， 多选（）()".contains(*c)) {
        let letter = c.to_ascii_uppercase();
        match LETTERS[..q.options.len()].iter().position(|&l| l == letter) {
            Some(i) if !q.answer.contains(&(i + 1)) => q.answer.push(i + 1),
            Some(_) => {}
            None => {
                return Err(format!(
                    "第 {n} 题的答案“{c}”不在选项中：请写 {} 中的字母",
                    LETTERS[..q.options.len()]
                        .iter()
                        .map(char::to_string)
                        .collect::<Vec<_>>()
                        .join("、")
                ));
            }
        }
    }
    if q.answer.is_empty() {
        return Err(format!("第 {n} 题缺少答案：例如“答案：B”"));
    }
    q.answer.sort_unstable();
    q.multiple |= q.answer.len() > 1;
    Ok(q)
}

/// The text after `label` and a colon (`答案：B`), if `line` starts with them.
fn strip_label<'a>(line: &'a str, label: &str) -> Option<&'a str> {
    line.strip_prefix(label)?
        .strip_prefix(['：', ':'])
        .map(str::trim)
}

/// The text of option line `line` when it starts with the next letter (`B. …`, `B、…`,
/// `B．…`).
fn option_text(line: &str, index: usize) -> Option<&str> {
    let letter = *LETTERS.get(index)?;
    let rest = line
        .strip_prefix(letter)
        .or_else(|| line.strip_prefix(letter.to_ascii_lowercase()))?;
    let rest = rest.strip_prefix(['.', '．', '、', ':', '：', ' '])?;
    Some(rest.trim())
}

/// A question without the number an editor may put before it (`1.`, `1、`, `（1）`).
fn strip_number(line: &str) -> &str {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        let rest = &line[digits..];
        if let Some(r) = rest.strip_prefix(['.', '．', '、']) {
            return r.trim_start();
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    const WRITTEN: &str = "1. 我市生活垃圾分为几类？\nA. 两类\nB. 三类\nC. 四类\n答案：C\n解析：可回收物、有害垃圾、厨余垃圾和其他垃圾。\n\n文明出行包括：\nA、礼让斑马线\nB、闯红灯\nc. 排队候车\n答案：A、C\n\n志愿服务的原则是：\nA. 自愿\nB. 强制\n答案：A（多选）";

    #[test]
    fn questions_written_as_on_paper_become_the_front_matters_list() {
        let yaml = questions_yaml(WRITTEN).unwrap();
        assert_eq!(
            yaml,
            "\n- {question: 我市生活垃圾分为几类？, options: [两类, 三类, 四类], answer: 3, explain: 可回收物、有害垃圾、厨余垃圾和其他垃圾。}\
             \n- {question: 文明出行包括：, options: [礼让斑马线, 闯红灯, 排队候车], answer: [1, 3]}\
             \n- {question: 志愿服务的原则是：, options: [自愿, 强制], answer: [1]}"
        );
        // And back, as the form shows it.
        let value: Value = serde_yaml::from_str(&format!("questions:{yaml}")).unwrap();
        let shown = questions_text(value.get("questions")).unwrap();
        assert_eq!(
            shown,
            "我市生活垃圾分为几类？\nA. 两类\nB. 三类\nC. 四类\n答案：C\n解析：可回收物、有害垃圾、厨余垃圾和其他垃圾。\n\n文明出行包括：\nA. 礼让斑马线\nB. 闯红灯\nC. 排队候车\n答案：A、C\n\n志愿服务的原则是：\nA. 自愿\nB. 强制\n答案：A（多选）"
        );
        assert_eq!(questions_yaml(&shown).unwrap(), yaml);
    }

    #[test]
    fn mistakes_name_the_question_and_what_to_write() {
        let cases = [
            (
                "",
                "请至少写一道题：题目一行，选项每行一个（A. B. …），再写“答案：B”",
            ),
            ("A. 甲\nB. 乙\n答案：A", "第 1 题缺少题目：题目写在第一行"),
            (
                "题目\nA. 甲\n答案：A",
                "第 1 题至少要有两个选项，每行一个，以 A. B. … 开头",
            ),
            ("题目\nA. 甲\nB. 甲\n答案：A", "第 1 题的选项“甲”重复了"),
            ("题目\nA. 甲\nB. 乙", "第 1 题缺少答案：例如“答案：B”"),
            (
                "题目\nA. 甲\nB. 乙\n答案：C",
                "第 1 题的答案“C”不在选项中：请写 A、B 中的字母",
            ),
            (
                "题目\nA. 甲\nB. 乙\n答案：A\n\n题二\nA. 甲\n乙\n答案：A",
                "第 2 题的这一行看不懂：“乙”。选项每行一个，以 A. B. … 开头；答案写“答案：B”；解释写“解析：……”",
            ),
        ];
        for (text, message) in cases {
            assert_eq!(questions_yaml(text).unwrap_err(), message, "{text:?}");
        }
    }

    #[test]
    fn what_the_form_cannot_write_back_is_not_shown() {
        let value: Value =
            serde_yaml::from_str("- {question: 题, options: [甲, 乙], answer: 1, note: 备注}")
                .unwrap();
        assert_eq!(questions_text(Some(&value)), None);
        let value: Value =
            serde_yaml::from_str("- {question: \"两行\\n题目\", options: [甲, 乙], answer: 1}")
                .unwrap();
        assert_eq!(questions_text(Some(&value)), None);
    }
}
