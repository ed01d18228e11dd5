//! The front matter a new page of each kind starts with, with a comment on every field.

use crate::content::front_matter::Kind;

/// Header of the data file created with a new ranking.
pub const RANKING_CSV: &str = "unit,score,found,fixed\n";

/// `text` inside a YAML double-quoted value: backslashes, quotes and control characters
/// escaped, so that the title reads back exactly as given (`C:\文明` is not an escape).
fn double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// The text of a new draft page of `kind` (`None`: a plain article). `own_kind` is written
/// as the page's `kind:` when its section is not of that kind.
pub fn page(
    kind: Option<Kind>,
    own_kind: Option<Kind>,
    title: &str,
    date: &str,
    slug: &str,
    taxonomies: &[&str],
) -> String {
    let title = double_quoted(title);
    let mut out = format!(
        "---\ntitle: \"{title}\"\ndate: {date}          # 发布时间（北京时间）\ndraft: true              # 草稿：确认无误后删除这一行再发布\nsource:                  # 来源\nauthor:                  # 作者\neditor:                  # 责任编辑\n"
    );
    for t in taxonomies {
        out.push_str(&format!("{t}: []\n"));
    }
    if let Some(own) = own_kind {
        out.push_str(&format!(
            "{:<25}# 本栏目不是 {} 栏目，本篇单独写明类型\n",
            format!("kind: {}", own.name()),
            own.name()
        ));
    }
    let Some(kind) = kind else {
        out.push_str("---\n正文……\n");
        return out;
    };
    let (fields, body) = match kind {
        Kind::Story => (
            "volunteers: []           # 志愿者姓名，例如 [李明, 王芳]\nteam:                    # 服务队\nhours: 0                 # 服务时长（小时）\nplace:                   # 服务地点\n".to_string(),
            "正文……\n".to_string(),
        ),
        Kind::Rule => (
            "doc_number:              # 文号，例如 示人大常〔2026〕1号\nissuer:                  # 发布机关\nadopted:                 # 通过日期，例如 2026-01-15\neffective:               # 施行日期\nstatus: 现行有效          # 现行有效、已修订 或 已废止\n# superseded_by: rules/xin-gui-ding.md   # 已修订或已废止时，取代它的规定\n".to_string(),
            "## 第一章 总则\n\n**第一条**　……\n".to_string(),
        ),
        Kind::Progress => (
            "issue_no:                # 期号，例如 2026年第1期\nmetrics: []              # 指标列表，每项写一行：\n# - {id: lao-jiu-xiao-qu, name: 老旧小区改造, unit: 个, target: 120, done: 38, department: 市住建局, deadline: 2026-09-30}\n".to_string(),
            "截至……，各项重点工作进展见下表。\n".to_string(),
        ),
        Kind::Notice => (
            "doc_number:              # 文号\n# expires: 2026-12-31    # 有效期至（过期后标为已过期）\n".to_string(),
            "各有关单位：\n\n……\n".to_string(),
        ),
        Kind::Ranking => (
            format!(
                "data: rankings/{slug}.csv   # 排名数据：表头 unit,score,found,fixed\nseries:                  # 评比系列，同一系列的各期相互比较名次\nred_at_least: 90         # 红榜：得分不低于\nblack_below: 80          # 黑榜：得分低于\n"
            ),
            "……\n".to_string(),
        ),
        Kind::Quiz => (
            "questions:               # 题目列表；answer 写正确选项的序号（从 1 数起），多选题写成 [1, 3]\n- question: 题目……？\n  options: [选项一, 选项二, 选项三]\n  answer: 1\n  explain:                # 答案解析（可不写）\n".to_string(),
            "答题说明……\n".to_string(),
        ),
        // A section kind: `new_page` refuses it before coming here.
        Kind::Directory => (String::new(), String::new()),
    };
    out.push_str(&fields);
    out.push_str("---\n");
    out.push_str(&body);
    out
}
