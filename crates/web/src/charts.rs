//! Charts drawn on the server as SVG: they read without JavaScript, print as they show, and scale with the page.
//! One kind is enough for the dashboard: a column per month, with reference lines (the previous period, England)
//! across it. This module works out the geometry; `templates/macros/chart.html` draws it (no markup is built in
//! Rust, and every text is escaped by the template). Colours are from the GOV.UK Design System palette. Every
//! chart is drawn beside a table of the same figures (its "table twin"), so the chart itself is an image with a
//! text summary for assistive technology.

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

/// A text at a point.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub x: String,
    pub y: String,
    pub text: String,
}

/// A horizontal line: a gridline or a reference.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub y: String,
    pub colour: &'static str,
    pub dash: &'static str,
    pub width: u8,
}

/// A column.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub x: String,
    pub y: String,
    pub width: String,
    pub height: String,
}

/// An entry of the key: a short line in the reference's style and its label.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyEntry {
    pub x1: String,
    pub x2: String,
    pub text_x: String,
    pub colour: &'static str,
    pub dash: &'static str,
    pub label: String,
}

/// A column chart, laid out, for `templates/macros/chart.html`.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// Unique on the page: the ids of its title and description.
    pub id: String,
    pub title: String,
    pub summary: String,
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub gridlines: Vec<Line>,
    pub scale: Vec<Label>,
    pub columns: Vec<Column>,
    pub months: Vec<Label>,
    pub references: Vec<Line>,
    pub key: Vec<KeyEntry>,
    pub key_y: String,
    pub key_text_y: String,
    pub blue: &'static str,
    pub label_colour: &'static str,
}

fn n(v: f64) -> String {
    format!("{v:.1}")
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
) -> Chart {
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
    // Gridlines and the scale: five steps.
    let steps: Vec<f64> = (0..=4).map(|step| top * f64::from(step) / 4.0).collect();
    let gridlines = steps
        .iter()
        .enumerate()
        .map(|(i, v)| Line {
            y: n(y(*v)),
            colour: if i == 0 { DARK_GREY } else { MID_GREY },
            dash: "none",
            width: 1,
        })
        .collect();
    let scale = steps
        .iter()
        .map(|v| Label {
            x: n(LEFT - 6.0),
            y: n(y(*v) + 4.0),
            text: scale_label(*v, percent),
        })
        .collect();
    let count = points.len().max(1);
    let slot = plot_w / count as f64;
    let bar = (slot * 0.7).max(1.0);
    // Label every month when they fit, otherwise every second, third… month.
    let every = ((count as f64 * 34.0) / plot_w).ceil().max(1.0) as usize;
    let mut columns = Vec::new();
    let mut months = Vec::new();
    for (i, (label, value)) in points.iter().enumerate() {
        let x = LEFT + slot * i as f64 + (slot - bar) / 2.0;
        if let Some(v) = value {
            let top_y = y(*v);
            columns.push(Column {
                x: n(x),
                y: n(top_y),
                width: n(bar),
                height: n((TOP + plot_h - top_y).max(0.0)),
            });
        }
        if i % every == 0 {
            months.push(Label {
                x: n(x + bar / 2.0),
                y: n(HEIGHT - BOTTOM + 16.0),
                text: label.clone(),
            });
        }
    }
    let mut key = Vec::new();
    let mut kx = LEFT;
    for r in references {
        key.push(KeyEntry {
            x1: n(kx),
            x2: n(kx + 20.0),
            text_x: n(kx + 24.0),
            colour: r.colour,
            dash: r.dash,
            label: r.label.clone(),
        });
        kx += 40.0 + r.label.chars().count() as f64 * 6.5;
    }
    Chart {
        id: id.to_owned(),
        title: title.to_owned(),
        summary: summary.to_owned(),
        width: WIDTH,
        height: HEIGHT,
        left: LEFT,
        right: WIDTH - RIGHT,
        gridlines,
        scale,
        columns,
        months,
        references: references
            .iter()
            .map(|r| Line {
                y: n(y(r.value)),
                colour: r.colour,
                dash: r.dash,
                width: 2,
            })
            .collect(),
        key,
        key_y: n(HEIGHT - 8.0),
        key_text_y: n(HEIGHT - 4.0),
        blue: BLUE,
        label_colour: DARK_GREY,
    }
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

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
    fn a_chart_has_a_column_per_value_on_a_scale_that_fits() {
        let points = vec![
            ("Jan".to_owned(), Some(50.0)),
            ("Feb".to_owned(), None),
            ("Mar".to_owned(), Some(75.0)),
        ];
        let chart = columns(
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
        assert_eq!(
            chart.columns.len(),
            2,
            "no column for a month without a value"
        );
        assert_eq!(chart.months.len(), 3, "every month labelled");
        assert_eq!(chart.scale.last().map(|l| l.text.as_str()), Some("100%"));
        assert_eq!(chart.references.len(), 1);
        assert_eq!(chart.key[0].label, "England 81.4%");
        // The taller value draws the taller column.
        let height = |c: &Column| c.height.parse::<f64>().unwrap();
        assert!(height(&chart.columns[1]) > height(&chart.columns[0]));
        let counts = columns("c", "t", "s", &[("Jan".into(), Some(420.0))], &[], false);
        assert_eq!(counts.scale.last().map(|l| l.text.as_str()), Some("500"));
        let many: Vec<(String, Option<f64>)> =
            (0..60).map(|i| (format!("M{i}"), Some(1.0))).collect();
        assert!(
            columns("c", "t", "s", &many, &[], false).months.len() < 30,
            "labels thinned to fit"
        );
    }
}
