//! Charts drawn on the server as SVG: they read without JavaScript, print as they show, and scale with the page.
//! One kind is enough for the dashboard: a column per month, with reference lines (the previous period, England)
//! across it. Colours are from the GOV.UK Design System palette. Every chart is drawn beside a table of the same
//! figures (its "table twin"), so the chart itself is an image with a text summary for assistive technology.

use std::fmt::Write;

/// GOV.UK blue: the columns.
pub const BLUE: &str = "#1d70b8";
/// GOV.UK dark grey: axes, labels and the previous period's line.
pub const DARK_GREY: &str = "#505a5f";
/// GOV.UK mid grey: gridlines.
pub const MID_GREY: &str = "#b1b4b6";
/// GOV.UK orange: England's figure.
pub const ORANGE: &str = "#f47738";

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 36.0;

/// A horizontal line across a chart at `value`, named in the key (the previous period, England).
#[derive(Clone, Debug)]
pub struct Reference {
    pub label: String,
    pub value: f64,
    pub colour: &'static str,
    /// SVG `stroke-dasharray`.
    pub dash: &'static str,
}

/// A column chart of `points` (label, value; a missing value draws no column) with `references` across it.
/// `id` makes the chart's element ids unique on the page; `title` and `summary` are its accessible name and
/// description; `percent` fixes the scale at 0–100.
pub fn columns(
    id: &str,
    title: &str,
    summary: &str,
    points: &[(String, Option<f64>)],
    references: &[Reference],
    percent: bool,
) -> String {
    let highest = points
        .iter()
        .filter_map(|(_, v)| *v)
        .chain(references.iter().map(|r| r.value))
        .fold(0.0_f64, f64::max);
    let top = if percent {
        100.0
    } else {
        nice_ceiling(highest)
    };
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let y = |v: f64| TOP + plot_h - (v / top).clamp(0.0, 1.0) * plot_h;
    let id = escape(id);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="app-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg" focusable="false"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(title),
        escape(summary)
    );
    // Gridlines and the scale: five steps.
    for step in 0..=4 {
        let v = top * f64::from(step) / 4.0;
        let yy = y(v);
        let _ = write!(
            s,
            r#"<line x1="{LEFT}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="{}" stroke-width="1"/><text x="{}" y="{:.1}" text-anchor="end" font-size="12" fill="{DARK_GREY}">{}</text>"#,
            WIDTH - RIGHT,
            if step == 0 { DARK_GREY } else { MID_GREY },
            LEFT - 6.0,
            yy + 4.0,
            escape(&scale_label(v, percent))
        );
    }
    let n = points.len().max(1);
    let slot = plot_w / n as f64;
    let bar = (slot * 0.7).max(1.0);
    // Label every month when they fit, otherwise every second, third… month.
    let every = ((n as f64 * 34.0) / plot_w).ceil().max(1.0) as usize;
    for (i, (label, value)) in points.iter().enumerate() {
        let x = LEFT + slot * i as f64 + (slot - bar) / 2.0;
        if let Some(v) = value {
            let yy = y(*v);
            let _ = write!(
                s,
                r#"<rect x="{x:.1}" y="{yy:.1}" width="{bar:.1}" height="{:.1}" fill="{BLUE}"/>"#,
                (TOP + plot_h - yy).max(0.0)
            );
        }
        if i % every == 0 {
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="12" fill="{DARK_GREY}">{}</text>"#,
                x + bar / 2.0,
                HEIGHT - BOTTOM + 16.0,
                escape(label)
            );
        }
    }
    for r in references {
        let yy = y(r.value);
        let _ = write!(
            s,
            r#"<line x1="{LEFT}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="{}" stroke-width="2" stroke-dasharray="{}"/>"#,
            WIDTH - RIGHT,
            r.colour,
            r.dash
        );
    }
    // The key, below the month labels.
    let mut kx = LEFT;
    for r in references {
        let _ = write!(
            s,
            r#"<line x1="{kx:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="{}" stroke-width="2" stroke-dasharray="{}"/><text x="{:.1}" y="{:.1}" font-size="12" fill="{DARK_GREY}">{}</text>"#,
            kx + 20.0,
            HEIGHT - 8.0,
            HEIGHT - 8.0,
            r.colour,
            r.dash,
            kx + 24.0,
            HEIGHT - 4.0,
            escape(&r.label)
        );
        kx += 40.0 + r.label.chars().count() as f64 * 6.5;
    }
    s.push_str("</svg>");
    s
}

/// The smallest "nice" number (1, 2 or 5 times a power of ten) at or above `v`; 10 for nothing at all.
pub fn nice_ceiling(v: f64) -> f64 {
    if !v.is_finite() || v <= 0.0 {
        return 10.0;
    }
    let power = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if v <= m * power {
            return m * power;
        }
    }
    10.0 * power
}

fn scale_label(v: f64, percent: bool) -> String {
    let n = if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    };
    if percent { format!("{n}%") } else { n }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ceilings_round_up_to_one_two_or_five() {
        assert_eq!(nice_ceiling(0.0), 10.0);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(11.0), 20.0);
        assert_eq!(nice_ceiling(420.0), 500.0);
        assert_eq!(nice_ceiling(5000.0), 5000.0);
    }

    #[test]
    fn a_chart_is_an_image_named_and_described_with_a_column_per_value() {
        let points = vec![
            ("Jan".to_owned(), Some(50.0)),
            ("Feb".to_owned(), None),
            ("Mar <".to_owned(), Some(75.0)),
        ];
        let svg = columns(
            "m1",
            "Visits on time",
            "From 50% to 75%",
            &points,
            &[Reference {
                label: "England 81.4%".into(),
                value: 81.4,
                colour: ORANGE,
                dash: "6 4",
            }],
            true,
        );
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains(r#"role="img" aria-labelledby="m1-title m1-desc""#));
        assert!(svg.contains("<title id=\"m1-title\">Visits on time</title>"));
        assert_eq!(
            svg.matches("<rect").count(),
            2,
            "no column for a month without a value"
        );
        assert!(svg.contains("Mar &lt;"), "labels are escaped");
        assert!(svg.contains("100%"), "a percentage runs to 100%");
        assert!(svg.contains(ORANGE));
    }
}
