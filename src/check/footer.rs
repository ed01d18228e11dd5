//! Footer completeness: a public-sector site must show its ICP 备案号, 主办单位, 公安机关备案号
//! and 联系方式 (非经营性互联网信息服务备案管理办法; 国办发〔2017〕47号).

use super::{Code, Finding};
use crate::config::Config;

/// A warning for each required footer field left empty in `site.yaml`.
pub fn check(config: &Config, out: &mut Vec<Finding>) {
    let footer = &config.footer;
    let required = [
        ("icp", "ICP 备案号", &footer.icp, "栖ICP备20260001号-1"),
        ("sponsor", "主办单位", &footer.sponsor, "中共栖云市委宣传部"),
        (
            "police_record",
            "公安机关备案号",
            &footer.police_record,
            "栖公网安备 00000000000001号",
        ),
        (
            "contact",
            "联系方式",
            &footer.contact,
            "栖云市文明办 0000-12345678",
        ),
    ];
    for (key, name, value, example) in required {
        if value.trim().is_empty() {
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
