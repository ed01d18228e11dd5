//! Footer completeness: a public-sector site must show its ICP 备案号, 主办单位, 公安机关备案号
//! and 联系方式 (非经营性互联网信息服务备案管理办法; 国办发〔2017〕47号).

use super::{Code, Finding};
use crate::config::Config;

/// A warning for each required footer field left empty in `site.yaml`; one written as `""`
/// (left blank on purpose, as a new site's are) only when `strict`.
pub fn find(config: &Config, strict: bool, out: &mut Vec<Finding>) {
    let footer = &config.footer;
    let required = [
        ("icp", "ICP 备案号", &footer.icp, "示ICP备00000000号-1"),
        ("sponsor", "主办单位", &footer.sponsor, "中共示例市委宣传部"),
        (
            "police_record",
            "公安机关备案号",
            &footer.police_record,
            "示公网安备 00000000000000号",
        ),
        (
            "contact",
            "联系方式",
            &footer.contact,
            "示例市文明办 0000-12345678",
        ),
    ];
    for (key, name, value, example) in required {
        let on_purpose = footer.left_blank.iter().any(|k| k == key);
        if value.trim().is_empty() && (strict || !on_purpose) {
            out.push(
                Finding::new(
                    Code::FooterMissing,
                    "site.yaml",
                    format!("页脚缺少“{name}”（footer.{key}）"),
                )
                .suggest(format!(
                    "在 site.yaml 的 footer 中填写，例如 {key}: {example}"
                )),
            );
        }
    }
}
