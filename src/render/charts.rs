//! Charts as inline SVG generated at build time: no JavaScript, nothing loaded from elsewhere.
//! Each chart has a `<title>` and `<desc>`, labels its values in text (never colour alone),
//! scales to the width of a 320 px screen, and prints. Templates show the data table beside it.

use std::fmt::Write as _;

use crate::text::escape_html as esc;

const WIDTH: f64 = 320.0;

fn open_svg(out: &mut String, id: &str, title: &str, desc: &str, height: f64) {
    let _ = write!(
        out,
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" style=\"max-width:40rem;height:auto\" font-size=\"11\">\
<title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        esc(title),
        esc(desc)
    );
}

/// A line chart of percentages (0–100) over time. `points` are (label, value); a point
/// without a value (target 0) is left out of the line.
pub fn trend(id: &str, title: &str, points: &[(String, Option<f64>)]) -> String {
    let (left, right, top, bottom) = (34.0, 12.0, 14.0, 26.0);
    let height = 170.0;
    let plot_w = WIDTH - left - right;
    let plot_h = height - top - bottom;
    let n = points.len().max(1);
    let x = |i: usize| {
        if n == 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| top + plot_h * (1.0 - v.clamp(0.0, 100.0) / 100.0);
    let values: Vec<String> = points
        .iter()
        .map(|(label, v)| {
            format!(
                "{label} {}",
                v.map_or("无".to_string(), |v| format!("{v:.2}%"))
            )
        })
        .collect();
    let desc = format!("完成率变化：{}", values.join("，"));
    let mut out = String::with_capacity(2048);
    open_svg(&mut out, id, title, &desc, height);
    for pct in [0.0, 50.0, 100.0] {
        let _ = write!(
            out,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#999\" stroke-width=\"0.5\"{dash}/>\
<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#333\">{pct}%</text>",
            WIDTH - right,
            left - 4.0,
            y(pct) + 4.0,
            y = y(pct),
            dash = if pct == 0.0 {
                ""
            } else {
                " stroke-dasharray=\"3 3\""
            },
        );
    }
    let line: Vec<String> = points
        .iter()
        .enumerate()
        .filter_map(|(i, (_, v))| v.map(|v| format!("{:.1},{:.1}", x(i), y(v))))
        .collect();
    if line.len() > 1 {
        let _ = write!(
            out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#b71c1c\" stroke-width=\"2\"/>",
            line.join(" ")
        );
    }
    for (i, (label, v)) in points.iter().enumerate() {
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"#333\">{}</text>",
            x(i),
            height - 8.0,
            esc(label)
        );
        if let Some(v) = v {
            let _ = write!(
                out,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#b71c1c\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#111\">{v:.0}%</text>",
                x(i),
                y(*v),
                x(i),
                y(*v) - 6.0
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// A horizontal bar chart of scores. `bars` are (label, value, mark) where mark is a short
/// text such as 红榜 shown after the value, so membership does not rely on colour.
pub fn bars(id: &str, title: &str, bars: &[(String, f64, Option<&str>)]) -> String {
    let (left, right, top) = (64.0, 64.0, 6.0);
    let row = 20.0;
    let height = top * 2.0 + row * bars.len().max(1) as f64;
    let max = bars.iter().map(|b| b.1).fold(0.0_f64, f64::max).max(1.0);
    let plot_w = WIDTH - left - right;
    let values: Vec<String> = bars
        .iter()
        .map(|(l, v, m)| {
            format!(
                "{l} {v}{}",
                m.map(|m| format!("（{m}）")).unwrap_or_default()
            )
        })
        .collect();
    let desc = format!("得分：{}", values.join("，"));
    let mut out = String::with_capacity(256 + bars.len() * 256);
    open_svg(&mut out, id, title, &desc, height);
    for (i, (label, value, mark)) in bars.iter().enumerate() {
        let y = top + row * i as f64;
        let w = plot_w * value.max(0.0) / max;
        let fill = match *mark {
            Some("红榜") => "#b71c1c",
            Some("黑榜") => "#212121",
            _ => "#8d6e63",
        };
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#111\">{}</text>\
<rect x=\"{left}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{fill}\"/>\
<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#111\">{value}{}</text>",
            left - 4.0,
            y + 14.0,
            esc(label),
            y + 3.0,
            row - 6.0,
            left + w + 4.0,
            y + 14.0,
            mark.map(|m| format!(" {m}")).unwrap_or_default()
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trend_chart_has_title_desc_and_value_labels() {
        let svg = trend(
            "m1",
            "老旧小区改造完成率",
            &[("05-06".into(), Some(25.0)), ("06-05".into(), Some(31.67))],
        );
        assert!(svg.starts_with("<svg class=\"chart\""));
        assert!(svg.contains("<title id=\"m1-title\">老旧小区改造完成率</title>"));
        assert!(svg.contains("<desc id=\"m1-desc\">完成率变化：05-06 25.00%，06-05 31.67%</desc>"));
        assert!(svg.contains(">32%</text>"));
        assert!(svg.contains("<polyline"));
    }

    #[test]
    fn bar_chart_marks_lists_in_text() {
        let svg = bars(
            "r",
            "得分",
            &[
                ("梧桐街道".into(), 95.5, Some("红榜")),
                ("白鹭街道".into(), 78.0, Some("黑榜")),
            ],
        );
        assert!(svg.contains(">95.5 红榜</text>"));
        assert!(svg.contains(">78 黑榜</text>"));
        assert!(svg.contains(
            "<desc id=\"r-desc\">得分：梧桐街道 95.5（红榜），白鹭街道 78（黑榜）</desc>"
        ));
    }
}
