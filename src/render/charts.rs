//! Charts as inline SVG generated at build time: no JavaScript, nothing loaded from elsewhere.
//! Each chart has a `<title>` and `<desc>`, labels its values in text (never colour alone),
//! and prints. Templates show the data table beside it.
//!
//! Text size follows the page: a chart is laid out in units where the text is 16 high
//! ([`FONT`]), and its `max-width` is its width in `em`, so at full size chart text is exactly
//! the page's text size (larger in 长辈模式); on a screen narrower than that it scales down
//! with the chart. Label room is measured from the labels' own text ([`text_width`], Chinese
//! characters a full em), so no label is clipped or runs into another.

use std::fmt::Write as _;

use crate::text::escape_html as esc;

/// The height of chart text in chart units.
const FONT: f64 = 16.0;
/// The narrowest chart: 16 em, a 320 px screen's text column at 18 px text.
const MIN_WIDTH: f64 = 16.0 * FONT;
/// Space between a label and what it labels.
const GAP: f64 = 0.4 * FONT;

/// The width of `text` in chart units, erring on the wide side: Chinese characters and other
/// full-width forms are a full em, Latin letters and digits about two thirds of one.
pub fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| match c {
            ' ' => 0.35,
            '.' | ',' | ':' | ';' | '\'' | '|' | '!' | 'i' | 'l' | 'j' => 0.4,
            '%' | 'm' | 'w' | 'M' | 'W' => 1.0,
            c if c.is_ascii() => 0.65,
            _ => 1.0,
        })
        .sum::<f64>()
        * FONT
}

/// What a bar chart shows: scores (scaled to the highest), or rates in percent (scaled to at
/// least 100%, with the 100% line drawn, so a rate over 100% shows as more than complete).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Measure {
    Score,
    Percent,
}

fn open_svg(out: &mut String, id: &str, title: &str, desc: &str, width: f64, height: f64) {
    let _ = write!(
        out,
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"100%\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" style=\"max-width:{:.2}em;height:auto\">\
<title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc><g font-size=\"{FONT}\">",
        width / FONT,
        esc(title),
        esc(desc)
    );
}

fn close_svg(out: &mut String) {
    out.push_str("</g></svg>");
}

/// A percentage as a chart shows it: at most one decimal, no trailing zeros.
fn percent(v: f64) -> String {
    let rounded = (v * 10.0).round() / 10.0;
    format!("{rounded}%")
}

/// What a trend chart shows, for screen readers: each label with its rate.
fn trend_description(points: &[(String, Option<f64>)]) -> String {
    let values: Vec<String> = points
        .iter()
        .map(|(label, v)| {
            format!(
                "{label} {}",
                v.map_or("无".to_string(), |v| format!("{v:.2}%"))
            )
        })
        .collect();
    format!("完成率变化：{}", values.join("，"))
}

/// A line chart of completion rates (in percent) over time. `points` are (label, value); a
/// point without a value (target 0) is left out of the line. The scale reaches 100%, or the
/// highest value when it is more.
pub fn trend(id: &str, title: &str, points: &[(String, Option<f64>)]) -> String {
    let highest = points.iter().filter_map(|p| p.1).fold(100.0_f64, f64::max);
    let top_value = (highest / 10.0).ceil() * 10.0;
    let (top, plot_h) = (1.4 * FONT, 7.0 * FONT);
    let mut grid = vec![0.0, 50.0, 100.0];
    // The top of a scale past 100% gets its own line when its label clears the 100% one.
    if (top_value - 100.0) / top_value * plot_h >= 1.2 * FONT {
        grid.push(top_value);
    }
    let grid_labels: Vec<String> = grid.iter().map(|&v| percent(v)).collect();
    let value_labels: Vec<Option<String>> = points.iter().map(|p| p.1.map(percent)).collect();
    let widest_value = value_labels
        .iter()
        .flatten()
        .map(|l| text_width(l))
        .fold(0.0_f64, f64::max);
    let widest_x = points
        .iter()
        .map(|p| text_width(&p.0))
        .fold(0.0_f64, f64::max);
    let half = widest_value.max(widest_x) / 2.0;
    let axis = grid_labels
        .iter()
        .map(|l| text_width(l))
        .fold(0.0_f64, f64::max);
    let width = MIN_WIDTH;
    // The first point sits half a label to the right of the axis labels, the last half a
    // label from the right edge, so their labels stay inside.
    let (x0, x1) = (axis + GAP + half, width - half);
    let height = top + plot_h + 1.8 * FONT;
    let n = points.len().max(1);
    let x = |i: usize| {
        if n == 1 {
            (x0 + x1) / 2.0
        } else {
            x0 + (x1 - x0) * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| top + plot_h * (1.0 - v.max(0.0) / top_value);

    let desc = trend_description(points);
    let mut out = String::with_capacity(2048);
    open_svg(&mut out, id, title, &desc, width, height);
    for (v, label) in grid.iter().zip(&grid_labels) {
        let _ = write!(
            out,
            "<line x1=\"{:.1}\" x2=\"{width:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"{}\" stroke-width=\"{}\"{dash}/>\
<text x=\"{axis:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#333\">{label}</text>",
            axis + GAP,
            if *v == 100.0 { "#555" } else { "#999" },
            if *v == 100.0 { "1" } else { "0.5" },
            y(*v) + 0.35 * FONT,
            y = y(*v),
            dash = if *v == 0.0 || *v == 100.0 {
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
    // Labels that would run into the one before are left out (the table has every value);
    // the last point's labels are always shown.
    let fits = |shown: &[f64], at: f64, w: f64| shown.iter().all(|&s| (s - at).abs() >= w + GAP);
    let order: Vec<usize> = std::iter::once(n - 1)
        .chain(0..n.saturating_sub(1))
        .collect();
    let (mut xs_shown, mut values_shown): (Vec<f64>, Vec<(f64, f64)>) = (Vec::new(), Vec::new());
    for &i in order.iter().filter(|&&i| i < points.len()) {
        let (label, v) = &points[i];
        if fits(&xs_shown, x(i), widest_x) {
            xs_shown.push(x(i));
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#333\">{}</text>",
                x(i),
                height - 0.4 * FONT,
                esc(label)
            );
        }
        if let (Some(v), Some(text)) = (v, &value_labels[i]) {
            let _ = write!(
                out,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#b71c1c\"/>",
                x(i),
                y(*v)
            );
            let near = values_shown.iter().any(|&(sx, sy)| {
                (sx - x(i)).abs() < widest_value + GAP && (sy - y(*v)).abs() < FONT * 1.2
            });
            if !near {
                values_shown.push((x(i), y(*v)));
                let _ = write!(
                    out,
                    "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#111\">{text}</text>",
                    x(i),
                    y(*v) - 0.45 * FONT
                );
            }
        }
    }
    close_svg(&mut out);
    out
}

/// A horizontal bar chart. `bars` are (label, value, mark) where mark is a short text such as
/// 红榜 shown after the value, so membership does not rely on colour. A label and its bar
/// share a row when the widest label leaves the bar room; otherwise each label goes on its own
/// line above its bar.
pub fn bars(
    id: &str,
    title: &str,
    measure: Measure,
    bars: &[(String, f64, Option<&str>)],
) -> String {
    let value_text = |v: f64, mark: Option<&str>| {
        let v = match measure {
            Measure::Percent => percent(v),
            Measure::Score => v.to_string(),
        };
        match mark {
            Some(m) => format!("{v} {m}"),
            None => v,
        }
    };
    let texts: Vec<String> = bars.iter().map(|(_, v, m)| value_text(*v, *m)).collect();
    let widest_label = bars
        .iter()
        .map(|b| text_width(&b.0))
        .fold(0.0_f64, f64::max);
    let widest_value = texts.iter().map(|t| text_width(t)).fold(0.0_f64, f64::max);
    let highest = bars.iter().map(|b| b.1).fold(0.0_f64, f64::max);
    let scale_max = match measure {
        Measure::Percent => highest.max(100.0),
        Measure::Score => highest.max(1.0),
    };
    let min_bar = 4.0 * FONT;
    let one_line = widest_label + GAP + min_bar + GAP + widest_value <= MIN_WIDTH;
    let width = if one_line {
        MIN_WIDTH
    } else {
        MIN_WIDTH
            .max(widest_label)
            .max(min_bar + GAP + widest_value)
    };
    let bar_x = if one_line { widest_label + GAP } else { 0.0 };
    let plot_w = width - bar_x - GAP - widest_value;
    let row = if one_line { 1.6 * FONT } else { 2.9 * FONT };
    // Room above the rows for the 100% line's label.
    let top = if measure == Measure::Percent {
        1.4 * FONT
    } else {
        0.3 * FONT
    };
    let height = top + row * bars.len().max(1) as f64 + 0.3 * FONT;

    let values: Vec<String> = bars
        .iter()
        .map(|(l, v, m)| {
            let v = match measure {
                Measure::Percent if *v > 100.0 => format!("{v}%（超过100%）"),
                Measure::Percent => format!("{v}%"),
                Measure::Score => v.to_string(),
            };
            format!(
                "{l} {v}{}",
                m.map(|m| format!("（{m}）")).unwrap_or_default()
            )
        })
        .collect();
    let desc = match measure {
        Measure::Percent => format!("完成率：{}", values.join("，")),
        Measure::Score => format!("得分：{}", values.join("，")),
    };
    let mut out = String::with_capacity(256 + bars.len() * 256);
    open_svg(&mut out, id, title, &desc, width, height);
    for (i, ((label, value, mark), text)) in bars.iter().zip(&texts).enumerate() {
        let y = top + row * i as f64;
        let w = plot_w * value.max(0.0) / scale_max;
        let fill = match *mark {
            Some("红榜") => "#b71c1c",
            Some("黑榜") => "#212121",
            _ => "#8d6e63",
        };
        let (label_x, label_y, anchor, bar_y) = if one_line {
            (bar_x - GAP, y + 1.15 * FONT, "end", y + 0.25 * FONT)
        } else {
            (0.0, y + 1.1 * FONT, "start", y + 1.5 * FONT)
        };
        let _ = write!(
            out,
            "<text x=\"{label_x:.1}\" y=\"{label_y:.1}\" text-anchor=\"{anchor}\" fill=\"#111\">{}</text>\
<rect x=\"{bar_x:.1}\" y=\"{bar_y:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{fill}\"/>\
<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#111\">{}</text>",
            esc(label),
            1.1 * FONT,
            bar_x + w + GAP,
            bar_y + 0.9 * FONT,
            esc(text),
        );
    }
    if measure == Measure::Percent {
        let x100 = bar_x + plot_w * 100.0 / scale_max;
        let _ = write!(
            out,
            "<line x1=\"{x100:.1}\" x2=\"{x100:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#333\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>\
<text x=\"{x100:.1}\" y=\"{:.1}\" text-anchor=\"{}\" fill=\"#333\">100%</text>",
            top - 0.2 * FONT,
            height,
            1.0 * FONT,
            if x100 + text_width("100%") / 2.0 > width {
                "end"
            } else {
                "middle"
            },
        );
    }
    close_svg(&mut out);
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
        assert!(svg.contains(">31.7%</text>"));
        assert!(svg.contains("<polyline"));
        // Text follows the page: 16 chart units wide per em of page text.
        assert!(svg.contains("viewBox=\"0 0 256 "), "{svg}");
        assert!(
            svg.contains("style=\"max-width:16.00em;height:auto\""),
            "{svg}"
        );
    }

    #[test]
    fn a_trend_over_100_percent_extends_the_scale_instead_of_sitting_on_the_100_line() {
        let svg = trend(
            "t",
            "公交站亭完成率变化",
            &[("10-01".into(), Some(90.0)), ("11-01".into(), Some(120.0))],
        );
        assert!(svg.contains(">120%</text>"), "{svg}");
        // The 120% point is higher than the 100% grid line.
        let number_after = |text: &str, key: &str| -> f64 {
            let at = text.find(key).map_or(text.len(), |i| i + key.len());
            let rest = &text[at..];
            rest[..rest.find('"').unwrap_or(0)]
                .parse()
                .unwrap_or(f64::NAN)
        };
        let label = svg.find(">100%</text>").unwrap_or(0);
        let line = svg[..label].rfind("<line").unwrap_or(0);
        let hundred_line = number_after(&svg[line..], "y1=\"");
        // The point drawn just before the (last) 120% label is the 120% point.
        let value_label = svg.rfind(">120%</text>").unwrap_or(0);
        let last_point = svg[..value_label].rfind("<circle").unwrap_or(0);
        let point_y = number_after(&svg[last_point..], "cy=\"");
        assert!(
            point_y < hundred_line - 10.0,
            "{point_y} vs {hundred_line}: {svg}"
        );
    }

    #[test]
    fn bar_chart_marks_lists_in_text_and_measures_its_labels() {
        let svg = bars(
            "r",
            "得分",
            Measure::Score,
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
        // Four Chinese characters take four ems (64 units), so the bars start after them.
        assert!(svg.contains("<rect x=\"70.4\""), "{svg}");
    }

    #[test]
    fn rates_say_completion_rate_and_show_more_than_100_percent_past_the_100_line() {
        let svg = bars(
            "p",
            "各项指标完成率（%）",
            Measure::Percent,
            &[
                ("老旧小区改造".into(), 85.5, None),
                ("公交站亭".into(), 120.0, None),
            ],
        );
        assert!(
            svg.contains(
                "<desc id=\"p-desc\">完成率：老旧小区改造 85.5%，公交站亭 120%（超过100%）</desc>"
            ),
            "{svg}"
        );
        assert!(svg.contains(">120%</text>"), "{svg}");
        assert!(svg.contains(">100%</text>"), "{svg}");
        assert!(!svg.contains("得分"), "{svg}");
    }

    #[test]
    fn long_labels_go_above_their_bars() {
        let svg = bars(
            "l",
            "得分",
            Measure::Score,
            &[("栖云市城市管理综合执法局".into(), 88.0, Some("红榜"))],
        );
        assert!(
            svg.contains("text-anchor=\"start\" fill=\"#111\">栖云市城市管理综合执法局"),
            "{svg}"
        );
        assert!(svg.contains("<rect x=\"0.0\""), "{svg}");
    }

    #[test]
    fn chinese_text_is_a_full_em_wide() {
        assert_eq!(text_width("老旧小区改造"), 6.0 * FONT);
        assert!(text_width("100%") > text_width("50%"));
    }
}
