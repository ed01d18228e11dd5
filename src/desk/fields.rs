//! The fields of the desk's form: the common ones of every page and those of each kind, with
//! the Chinese label, help text and validation an editor sees, and how a value is written
//! back as YAML.

use crate::content::front_matter::Kind;
use crate::text::dates;

/// What a field holds, which decides its input and its check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Text,
    /// Several lines of text (a summary).
    LongText,
    /// A date, optionally with a time (北京时间).
    Date,
    /// A number, not negative.
    Number,
    /// A list, written `学雷锋、志愿服务` (`、`, `,` or `，` between items).
    List,
    /// One of the values given.
    Choice(&'static [&'static str]),
    /// A progress announcement's metrics, one a line: 编号,名称,单位,目标,已完成,责任单位,完成期限.
    Metrics,
    /// A quiz's questions, as written on paper (see `desk::questions`).
    Questions,
}

/// How a block-valued field's stored value is shown as the form's text (`None`: it cannot be).
pub type BlockText = fn(Option<&serde_yaml::Value>) -> Option<String>;

impl Input {
    /// For a field written as a block of lines (metrics, questions): how its stored value
    /// is shown as the form's text.
    pub fn block_text(&self) -> Option<BlockText> {
        match self {
            Input::Metrics => Some(metrics_text),
            Input::Questions => Some(super::questions::questions_text),
            _ => None,
        }
    }
}

/// The columns of a metrics line, in order.
const METRIC_COLUMNS: [&str; 7] = [
    "id",
    "name",
    "unit",
    "target",
    "done",
    "department",
    "deadline",
];

/// One field of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The front matter key.
    pub key: String,
    pub label: String,
    pub help: String,
    pub input: Input,
    pub required: bool,
}

fn field(key: &str, label: &str, help: &str, input: Input) -> Field {
    Field {
        key: key.into(),
        label: label.into(),
        help: help.into(),
        input,
        required: false,
    }
}

/// The fields of a page of `kind` (`None`: a plain article), the site's taxonomies
/// (`(name, title)`, such as `(tags, 标签)`) among them. The title comes first.
pub fn fields(kind: Option<Kind>, taxonomies: &[(String, String)]) -> Vec<Field> {
    let mut out = vec![
        Field {
            required: true,
            ..field(
                "title",
                "标题",
                "页面的标题，也用来生成文件名（拼音）",
                Input::Text,
            )
        },
        field(
            "date",
            "发布时间",
            "北京时间，例如 2026-03-05 或 2026-03-05 09:30；晚于现在的时间会定时发布",
            Input::Date,
        ),
        field("source", "来源", "例如 示例市文明办", Input::Text),
        field("author", "作者", "", Input::Text),
        field("editor", "责任编辑", "不填时显示初审人", Input::Text),
        field(
            "summary",
            "摘要",
            "列表中显示的简介；不填则取正文开头",
            Input::LongText,
        ),
    ];
    for (name, title) in taxonomies {
        out.push(field(
            name,
            title,
            "可写多个，用顿号“、”隔开，例如 学雷锋、志愿服务",
            Input::List,
        ));
    }
    out.extend(kind_fields(kind));
    out
}

fn kind_fields(kind: Option<Kind>) -> Vec<Field> {
    use Input::*;
    match kind {
        Some(Kind::Story) => vec![
            field(
                "volunteers",
                "志愿者",
                "志愿者姓名，用顿号隔开，例如 李明、王芳",
                List,
            ),
            field("team", "服务队", "", Text),
            field("hours", "服务时长（小时）", "例如 2 或 1.5", Number),
            field("place", "服务地点", "", Text),
        ],
        Some(Kind::Rule) => vec![
            field("doc_number", "文号", "例如 示人大常〔2026〕1号", Text),
            field(
                "issuer",
                "发布机关",
                "例如 示例市人民代表大会常务委员会",
                Text,
            ),
            field("adopted", "通过日期", "例如 2026-01-15", Date),
            field(
                "effective",
                "施行日期",
                "例如 2026-03-01；施行前显示“尚未施行”",
                Date,
            ),
            field(
                "status",
                "效力状态",
                "现行有效、已修订 或 已废止",
                Choice(&["现行有效", "已修订", "已废止"]),
            ),
            field(
                "superseded_by",
                "取代它的规定",
                "已修订或已废止时填写，例如 rules/xin-gui-ding.md",
                Text,
            ),
        ],
        Some(Kind::Notice) => vec![
            field("doc_number", "文号", "", Text),
            field("expires", "有效期至", "过了这一天，通知标为已过期", Date),
        ],
        Some(Kind::Ranking) => vec![
            field("series", "评比系列", "同一系列的各期相互比较名次", Text),
            field("red_at_least", "红榜分数线", "得分不低于此分上红榜", Number),
            field("black_below", "黑榜分数线", "得分低于此分上黑榜", Number),
        ],
        Some(Kind::Progress) => vec![
            field("issue_no", "期号", "例如 2026年第1期", Text),
            field(
                "metrics",
                "指标",
                "每行一项，用逗号隔开：编号,名称,单位,目标,已完成,责任单位,完成期限。编号可不填（按名称拼音生成，各期要一致），责任单位和完成期限可不填。例如 lao-jiu-xiao-qu,老旧小区改造,个,120,38,市住建局,2026-09-30",
                Metrics,
            ),
        ],
        Some(Kind::Quiz) => vec![Field {
            required: true,
            ..field(
                "questions",
                "题目",
                "每题之间空一行。题目写一行，选项每行一个，以 A. B. C. 开头，再写“答案：B”（多选写“答案：A、C”），可加一行“解析：……”",
                Questions,
            )
        }],
        _ => Vec::new(),
    }
}

/// Checks the text an editor typed into `field` and writes it as YAML (empty: no value).
/// `Err` is the message shown beside the field.
pub fn to_yaml(field: &Field, text: &str) -> Result<String, String> {
    let text = text.trim();
    match field.input {
        Input::Metrics => metrics_yaml(text),
        Input::Questions => super::questions::questions_yaml(text),
        _ if text.is_empty() && field.required => Err(format!("请填写{}", field.label)),
        _ if text.is_empty() => Ok(String::new()),
        Input::Text | Input::LongText => Ok(super::front::scalar(
            &text.replace("\r\n", "\n").replace('\n', " "),
            false,
        )),
        Input::Date => match dates::parse(text) {
            Ok(_) => Ok(super::front::scalar(text, false)),
            Err(e) => Err(format!(
                "{}“{text}”不是有效的日期：{e}。请写成 2026-03-05 或 2026-03-05 09:30",
                field.label
            )),
        },
        Input::Number => match text.parse::<f64>() {
            Ok(n) if n.is_finite() && n >= 0.0 => Ok(text.to_string()),
            _ => Err(format!(
                "{}“{text}”应该是不小于 0 的数字，例如 2 或 1.5",
                field.label
            )),
        },
        Input::List => {
            let items: Vec<String> = split_list(text)
                .iter()
                .map(|s| super::front::scalar(s, true))
                .collect();
            Ok(format!("[{}]", items.join(", ")))
        }
        Input::Choice(choices) => {
            if choices.contains(&text) {
                Ok(text.to_string())
            } else {
                Err(format!("{}只能是 {}", field.label, choices.join("、")))
            }
        }
    }
}

/// What the form shows of a front matter's `metrics` (`value`, parsed): one line per metric,
/// its columns joined by `,`; `None` when a metric is not a plain mapping of them.
pub fn metrics_text(value: Option<&serde_yaml::Value>) -> Option<String> {
    let Some(value) = value else {
        return Some(String::new());
    };
    let serde_yaml::Value::Sequence(items) = value else {
        return value.is_null().then(String::new);
    };
    let mut lines = Vec::new();
    for item in items {
        let map = item.as_mapping()?;
        if map
            .keys()
            .any(|k| !k.as_str().is_some_and(|k| METRIC_COLUMNS.contains(&k)))
        {
            return None;
        }
        let cells: Option<Vec<String>> = METRIC_COLUMNS
            .iter()
            .map(|c| match map.get(*c) {
                None | Some(serde_yaml::Value::Null) => Some(String::new()),
                Some(serde_yaml::Value::String(s)) if !s.contains([',', '，', '\n']) => {
                    Some(s.clone())
                }
                Some(serde_yaml::Value::Number(n)) => Some(n.to_string()),
                Some(_) => None,
            })
            .collect();
        lines.push(cells?.join(",").trim_end_matches(',').to_string());
    }
    Some(lines.join("\n"))
}

/// The metrics lines as a YAML block (`\n- {id: …}` per line; `[]` for none).
fn metrics_yaml(text: &str) -> Result<String, String> {
    let mut out = String::new();
    for (i, line) in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let n = i + 1;
        let mut cells: Vec<String> = line
            .split([',', '，'])
            .map(|c| c.trim().to_string())
            .collect();
        cells.resize(METRIC_COLUMNS.len().max(cells.len()), String::new());
        if cells.len() > METRIC_COLUMNS.len() {
            return Err(format!(
                "指标第 {n} 行多于 7 列：编号,名称,单位,目标,已完成,责任单位,完成期限"
            ));
        }
        if cells[1].is_empty() || cells[2].is_empty() {
            return Err(format!("指标第 {n} 行缺少名称或单位"));
        }
        if cells[0].is_empty() {
            cells[0] = crate::text::slug::slugify(&cells[1]);
        }
        if !crate::text::slug::is_clean_slug(&cells[0]) {
            return Err(format!(
                "指标第 {n} 行的编号“{}”只能用小写英文字母、数字、- 和 _",
                cells[0]
            ));
        }
        for (c, what) in [(3, "目标"), (4, "已完成")] {
            if !cells[c]
                .parse::<f64>()
                .is_ok_and(|x| x.is_finite() && x >= 0.0)
            {
                return Err(format!(
                    "指标第 {n} 行的{what}“{}”应该是不小于 0 的数字",
                    cells[c]
                ));
            }
        }
        if !cells[6].is_empty()
            && let Err(e) = dates::parse(&cells[6])
        {
            return Err(format!(
                "指标第 {n} 行的完成期限“{}”不是有效的日期：{e}",
                cells[6]
            ));
        }
        let pairs: Vec<String> = METRIC_COLUMNS
            .iter()
            .zip(&cells)
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| match *k {
                "target" | "done" => format!("{k}: {v}"),
                _ => format!("{k}: {}", super::front::scalar(v, true)),
            })
            .collect();
        out.push_str(&format!("\n- {{{}}}", pairs.join(", ")));
    }
    Ok(if out.is_empty() { "[]".into() } else { out })
}

/// `学雷锋、志愿服务` (or with `,` `，`) → the items, trimmed, empty ones left out.
pub fn split_list(text: &str) -> Vec<String> {
    text.split(['、', ',', '，'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_and_written_as_yaml() {
        let all = fields(Some(Kind::Story), &[("tags".into(), "标签".into())]);
        let get = |key: &str| all.iter().find(|f| f.key == key).unwrap().clone();
        assert_eq!(to_yaml(&get("title"), " ").unwrap_err(), "请填写标题");
        assert_eq!(to_yaml(&get("title"), "学雷锋").unwrap(), "学雷锋");
        assert_eq!(
            to_yaml(&get("tags"), "学雷锋、志愿服务，文明, x").unwrap(),
            "[学雷锋, 志愿服务, 文明, x]"
        );
        assert_eq!(to_yaml(&get("hours"), "1.5").unwrap(), "1.5");
        assert_eq!(
            to_yaml(&get("hours"), "两小时").unwrap_err(),
            "服务时长（小时）“两小时”应该是不小于 0 的数字，例如 2 或 1.5"
        );
        assert!(
            to_yaml(&get("date"), "2026-13-05")
                .unwrap_err()
                .starts_with("发布时间“2026-13-05”不是有效的日期")
        );
        assert_eq!(
            to_yaml(&get("date"), "2026-03-05 09:30").unwrap(),
            "2026-03-05 09:30"
        );
        assert_eq!(to_yaml(&get("source"), "").unwrap(), "");
        let metrics = fields(Some(Kind::Progress), &[]);
        let metrics = metrics.iter().find(|f| f.key == "metrics").unwrap();
        assert_eq!(
            to_yaml(metrics, "lao-jiu-xiao-qu,老旧小区改造,个,120,38,市住建局,2026-09-30\r\n,背街小巷整治，条，50，10\n").unwrap(),
            "\n- {id: lao-jiu-xiao-qu, name: 老旧小区改造, unit: 个, target: 120, done: 38, department: 市住建局, deadline: 2026-09-30}\n- {id: bei-jie-xiao-xiang-zheng-zhi, name: 背街小巷整治, unit: 条, target: 50, done: 10}"
        );
        assert_eq!(to_yaml(metrics, "").unwrap(), "[]");
        assert_eq!(
            to_yaml(metrics, "a,名称,个,很多,1").unwrap_err(),
            "指标第 1 行的目标“很多”应该是不小于 0 的数字"
        );
        let value: serde_yaml::Value = serde_yaml::from_str(
            "- {id: a, name: 甲, unit: 个, target: 10, done: 2.5}\n- {id: b, name: 乙, unit: 条, target: 3, done: 3, department: 市城管局, deadline: 2026-09-30}",
        )
        .unwrap();
        assert_eq!(
            metrics_text(Some(&value)).unwrap(),
            "a,甲,个,10,2.5\nb,乙,条,3,3,市城管局,2026-09-30"
        );
    }
}
