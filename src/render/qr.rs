//! 二维码 (QR codes) drawn at build time as inline SVG, for the 「扫码分享」 box and the print
//! stylesheet: a reader scans a printed or forwarded page to open it on a phone. The qrcode
//! crate encodes; this module draws its module grid as one compact SVG path (each row's runs
//! of dark modules as strokes, about a third of the size of one square per module, since the
//! code is on every page) and names the image for screen readers.

use std::fmt::Write as _;

use qrcode::{Color, EcLevel, QrCode};

/// Light modules around the code, as the standard asks.
const QUIET_ZONE: usize = 4;

/// An `<svg>` QR code of `text` (error correction level M, the standard quiet zone), sized by
/// its module grid (`viewBox` in modules) so CSS can scale it, named `label` for screen readers.
pub fn svg(text: &str, label: &str) -> Result<String, String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| format!("qr_code：无法为“{text}”生成二维码：{e}"))?;
    let width = code.width();
    let size = width + 2 * QUIET_ZONE;
    let colors = code.to_colors();
    let mut path = String::with_capacity(width * width / 2);
    for (y, row) in colors.chunks(width).enumerate() {
        // Each row is a horizontal line through the middle of its modules; `m` moves over
        // light runs, `h` draws dark ones.
        let mut x = 0;
        let mut pen = None::<usize>;
        while x < width {
            if row[x] == Color::Light {
                x += 1;
                continue;
            }
            let start = x;
            while x < width && row[x] == Color::Dark {
                x += 1;
            }
            match pen {
                None => {
                    let _ = write!(path, "M{} {}.5", start + QUIET_ZONE, y + QUIET_ZONE);
                }
                Some(end) => {
                    let _ = write!(path, "m{} 0", start - end);
                }
            }
            let _ = write!(path, "h{}", x - start);
            pen = Some(x);
        }
    }
    Ok(format!(
        "<svg class=\"qr\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{size}\" height=\"{size}\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\">\
<rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path stroke=\"#000\" d=\"{path}\"/></svg>",
        crate::text::escape_html(label)
    ))
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
        assert!(out.ends_with("\"/></svg>"), "{out}");
        // The top-left finder pattern: a row of 7 dark modules inside the quiet zone.
        assert!(out.contains("<path stroke=\"#000\" d=\"M4 4.5h7m"), "{out}");
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
