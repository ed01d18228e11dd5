//! 二维码 (QR codes) drawn at build time as inline SVG, for the 「扫码分享」 box and the print
//! stylesheet: a reader scans a printed or forwarded page to open it on a phone. The qrcode
//! crate encodes and draws; this module only names the image for screen readers.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// An `<svg>` QR code of `text` (medium error correction, the standard 4-module quiet zone),
/// sized by its module grid so CSS can scale it, named `label` for screen readers.
pub fn svg(text: &str, label: &str) -> Result<String, String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| format!("qr_code：无法为“{text}”生成二维码：{e}"))?;
    let drawn = code
        .render::<svg::Color>()
        .module_dimensions(1, 1)
        .dark_color(svg::Color("#000"))
        .light_color(svg::Color("#fff"))
        .build();
    // The renderer writes a stand-alone document: drop the XML declaration and give the
    // <svg> its role and name.
    let start = drawn.find("<svg").unwrap_or(0);
    let body = &drawn[start..];
    let named = body.replacen(
        "<svg ",
        &format!(
            "<svg class=\"qr\" role=\"img\" aria-label=\"{}\" ",
            crate::text::escape_html(label)
        ),
        1,
    );
    Ok(named.replacen(" version=\"1.1\"", "", 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_qr_code_is_an_inline_svg_named_for_screen_readers() {
        let out =
            svg("https://wenming.qiyun.example.gov.cn/news/a/", "本页二维码").unwrap_or_default();
        assert!(
            out.starts_with("<svg class=\"qr\" role=\"img\" aria-label=\"本页二维码\" xmlns=\"http://www.w3.org/2000/svg\""),
            "{out}"
        );
        assert!(out.ends_with("</svg>"), "{out}");
        assert!(!out.contains("<?xml"), "{out}");
        // Version 4 (33 modules) plus a 4-module quiet zone on each side.
        assert!(out.contains("viewBox=\"0 0 41 41\""), "{out}");
    }

    #[test]
    fn text_too_long_for_a_qr_code_is_an_error_not_a_panic() {
        let long = "汉".repeat(2000);
        let err = svg(&long, "二维码").err().unwrap_or_default();
        assert!(err.starts_with("qr_code：无法为“汉汉"), "{err}");
    }
}
