//! 知识问答 (`kind: quiz`): the `questions:` of a quiz page, each with its options, the right
//! answer counted from 1 as editors count (a list of numbers for multiple choice) and an
//! optional explanation. Every problem is reported with the line of the question it is in.

use serde::Serialize;
use serde_yaml::Value;

use crate::yaml::{Fields, YamlDoc};

/// Keys of one question.
const QUESTION_KEYS: &[&str] = &["question", "options", "answer", "explain"];

/// A quiz's questions, in order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Quiz {
    pub questions: Vec<Question>,
}

/// One question as templates see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Question {
    /// 1, 2, 3… in the quiz.
    pub number: usize,
    pub question: String,
    pub options: Vec<QuizOption>,
    /// Multiple choice (`answer` written as a list): the options are checkboxes.
    pub multiple: bool,
    /// The right options' numbers, counted from 1, comma-separated (`2` or `1,3`).
    pub answer: String,
    /// The right options' letters and texts, as the answer is shown (`B．垃圾分类`).
    pub answer_text: String,
    pub explain: Option<String>,
}

/// One option of a question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuizOption {
    /// 1, 2, 3… within the question.
    pub number: usize,
    /// A, B, C… as printed quizzes label options.
    pub letter: String,
    pub text: String,
    pub correct: bool,
}

/// The label of option `number` (1-based): A…Z, then the number itself.
fn letter(number: usize) -> String {
    match u8::try_from(number) {
        Ok(n @ 1..=26) => char::from(b'A' + n - 1).to_string(),
        _ => number.to_string(),
    }
}

/// Reads `questions:` from `doc`, pushing problems into `f.errors`.
pub fn parse(doc: &YamlDoc, f: &mut Fields) -> Quiz {
    match doc.get("questions") {
        None => {
            f.errors.push(
                doc.error_at("questions", "知识问答缺少 questions（题目列表）")
                    .hint("例如 questions: [{question: 我市创建的是哪一类城市？, options: [全国文明城市, 全国卫生城市], answer: 1}]"),
            );
            return Quiz::default();
        }
        Some(Value::Sequence(items)) if items.is_empty() => {
            f.errors.push(
                doc.error_at("questions", "知识问答至少要有一道题")
                    .hint("在 questions 下每题写一项：question、options、answer，可加 explain"),
            );
            return Quiz::default();
        }
        Some(Value::Sequence(_)) => {}
        Some(_) => {
            f.wrong_type("questions", "题目列表");
            return Quiz::default();
        }
    }
    let mut questions = Vec::new();
    for (i, item) in doc.items("questions").into_iter().enumerate() {
        let number = i + 1;
        let Some(item) = item else {
            f.errors.push(
                doc.error_at("questions", format!("第 {number} 题应是一组“键: 值”"))
                    .hint("每题写 question、options、answer，可加 explain"),
            );
            continue;
        };
        if let Some(q) = question(&item, number, f) {
            questions.push(q);
        }
    }
    Quiz { questions }
}

/// One question, or `None` when it has errors (pushed into `f.errors`).
fn question(item: &YamlDoc, number: usize, f: &mut Fields) -> Option<Question> {
    let errors_before = f.errors.len();
    f.errors
        .extend(item.unknown_keys(QUESTION_KEYS, &format!("第 {number} 题")));
    let mut qf = Fields::new(item);
    let text = qf.string("question").map(|t| t.trim().to_string());
    if text.as_deref().is_none_or(str::is_empty) {
        qf.errors.push(
            item.error_at("question", format!("第 {number} 题的题目 question 是空的"))
                .hint("例如 question: 我市的文明行为促进条例从哪一天起施行？"),
        );
    }
    let options = options(item, number, &mut qf);
    let multiple = matches!(item.get("answer"), Some(Value::Sequence(_)));
    let answer = answer(item, number, options.len(), &mut qf);
    let explain = qf
        .string("explain")
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    f.errors.append(&mut qf.errors);
    if f.errors.len() > errors_before {
        return None;
    }
    let (text, answer) = (text?, answer?);
    let options: Vec<QuizOption> = options
        .into_iter()
        .enumerate()
        .map(|(i, text)| QuizOption {
            number: i + 1,
            letter: letter(i + 1),
            correct: answer.contains(&(i + 1)),
            text,
        })
        .collect();
    let answer_text = options
        .iter()
        .filter(|o| o.correct)
        .map(|o| format!("{}．{}", o.letter, o.text))
        .collect::<Vec<_>>()
        .join("；");
    Some(Question {
        number,
        question: text,
        multiple,
        answer: answer
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(","),
        answer_text,
        options,
        explain,
    })
}

/// The option texts; fewer than two, an empty one or a repeated one is an error.
fn options(item: &YamlDoc, number: usize, qf: &mut Fields) -> Vec<String> {
    let errors_before = qf.errors.len();
    let options: Vec<String> = qf
        .string_list("options")
        .iter()
        .map(|o| o.trim().to_string())
        .collect();
    if qf.errors.len() > errors_before {
        return options; // not a list of texts: already reported
    }
    if options.len() < 2 {
        qf.errors.push(
            item.error_at(
                "options",
                format!(
                    "第 {number} 题只有 {} 个选项，至少要有两个选项 options",
                    options.len()
                ),
            )
            .hint("例如 options: [全国文明城市, 全国卫生城市, 国家园林城市]"),
        );
    }
    for (i, o) in options.iter().enumerate() {
        if o.is_empty() {
            qf.errors.push(item.error_at(
                "options",
                format!("第 {number} 题的第 {} 个选项是空的", i + 1),
            ));
        } else if options[..i].contains(o) {
            qf.errors.push(
                item.error_at("options", format!("第 {number} 题的选项“{o}”重复"))
                    .hint("每个选项只写一次"),
            );
        }
    }
    options
}

/// The right options' numbers (1-based, ascending), checked against the option count.
fn answer(item: &YamlDoc, number: usize, count: usize, qf: &mut Fields) -> Option<Vec<usize>> {
    let wrong_type = |qf: &mut Fields| {
        qf.errors.push(
            item.error_at(
                "answer",
                format!("第 {number} 题的答案 answer 应是正确选项的序号（从 1 数起）"),
            )
            .hint("单选题写 answer: 2；多选题写 answer: [1, 3]"),
        );
        None
    };
    let numbers: Vec<i64> = match item.get("answer") {
        None => {
            qf.errors.push(
                item.error_at("answer", format!("第 {number} 题缺少答案 answer"))
                    .hint("写正确选项的序号（从 1 数起），例如 answer: 2；多选题写 answer: [1, 3]"),
            );
            return None;
        }
        Some(Value::Number(n)) => match n.as_i64() {
            Some(n) => vec![n],
            None => return wrong_type(qf),
        },
        Some(Value::Sequence(items)) => {
            let numbers: Option<Vec<i64>> = items.iter().map(Value::as_i64).collect();
            match numbers {
                Some(ns) if !ns.is_empty() => ns,
                _ => return wrong_type(qf),
            }
        }
        Some(_) => return wrong_type(qf),
    };
    let mut out: Vec<usize> = Vec::with_capacity(numbers.len());
    let mut ok = true;
    for n in numbers {
        match usize::try_from(n) {
            Ok(n) if (1..=count).contains(&n) => {
                if out.contains(&n) {
                    qf.errors.push(item.error_at(
                        "answer",
                        format!("第 {number} 题的答案 answer 中 {n} 写了两次"),
                    ));
                    ok = false;
                }
                out.push(n);
            }
            _ if count < 2 => ok = false, // already reported: too few options
            _ => {
                qf.errors.push(
                    item.error_at(
                        "answer",
                        format!("第 {number} 题的答案 answer 是 {n}，但只有 {count} 个选项"),
                    )
                    .hint(format!("answer 写正确选项的序号，从 1 数到 {count}")),
                );
                ok = false;
            }
        }
    }
    out.sort_unstable();
    ok.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn parse_text(text: &str) -> (Quiz, Vec<String>) {
        let file = Path::new("content/quiz.md");
        let doc = YamlDoc::parse(text, file, 1).expect("valid YAML");
        let mut f = Fields::new(&doc);
        let quiz = parse(&doc, &mut f);
        let errors = f
            .errors
            .iter()
            .map(|d| format!("{}: {}", d.line.unwrap_or(0), d.message))
            .collect();
        (quiz, errors)
    }

    #[test]
    fn single_and_multiple_choice_with_letters() {
        let (quiz, errors) = parse_text(
            "questions:\n- question: 甲？\n  options: [一, 二, 三]\n  answer: 2\n  explain: 因为。\n- question: 乙？\n  options: [子, 丑, 寅]\n  answer: [3, 1]\n",
        );
        assert_eq!(errors, Vec::<String>::new());
        assert_eq!(quiz.questions.len(), 2);
        let q1 = &quiz.questions[0];
        assert_eq!((q1.multiple, q1.answer.as_str()), (false, "2"));
        assert_eq!(q1.answer_text, "B．二");
        assert_eq!(q1.explain.as_deref(), Some("因为。"));
        let q2 = &quiz.questions[1];
        assert_eq!((q2.multiple, q2.answer.as_str()), (true, "1,3"));
        assert_eq!(q2.answer_text, "A．子；C．寅");
        assert_eq!(
            q2.options.iter().map(|o| o.correct).collect::<Vec<_>>(),
            [true, false, true]
        );
        let (quiz, _) =
            parse_text("questions:\n- question: 丙？\n  options: [子, 丑]\n  answer: [2]\n");
        assert!(
            quiz.questions[0].multiple,
            "a list is multiple choice even with one right option: checkboxes do not give it away"
        );
    }

    #[test]
    fn every_problem_is_reported_at_its_question() {
        let (quiz, errors) = parse_text(
            "questions:\n- question: 甲？\n  options: [一, 二]\n  answer: 3\n- question: \" \"\n  options: [一]\n  answer: 1\n- question: 丙？\n  options: [一, 一]\n  answer: [1, 0]\n",
        );
        assert!(quiz.questions.is_empty());
        assert_eq!(
            errors,
            [
                "5: 第 1 题的答案 answer 是 3，但只有 2 个选项",
                "6: 第 2 题的题目 question 是空的",
                "7: 第 2 题只有 1 个选项，至少要有两个选项 options",
                "10: 第 3 题的选项“一”重复",
                "11: 第 3 题的答案 answer 是 0，但只有 2 个选项",
            ]
        );
    }

    #[test]
    fn letters_run_a_to_z_then_numbers() {
        assert_eq!(letter(1), "A");
        assert_eq!(letter(26), "Z");
        assert_eq!(letter(27), "27");
    }
}
