//! Charts as standalone SVG: line and band charts with markers, scatter plots, histograms and
//! interval (forest) charts. Axes carry labels with units and "nice" ticks; every chart has a
//! title and a legend, and is legible at slide size (720 × 360 by default).
//!
//! This module holds what every chart shares (colours, escaping, ticks, margins, the frame,
//! axes and legend); each kind of chart is a module of its own: `lines` (lines, bands, dots
//! and markers over one axis, and stacked areas), `intervals` (forest charts), `parts`
//! (stacked parts with intervals) and `histogram`.

mod histogram;
mod intervals;
mod lines;
mod parts;

pub use histogram::histogram;
pub use intervals::{IntervalChart, IntervalRow};
pub use lines::{stacked, Band, Chart, Dots, Line, Marker};
pub use parts::{PartsChart, PartsRow};

use std::fmt::Write;

/// The colour palette (colour-blind safe, Okabe–Ito).
pub const PALETTE: [&str; 8] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000",
];

/// Grey, for what is indistinguishable from zero.
pub const GREY: &str = "#999999";

/// Escapes text for SVG and HTML.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A number as a tick label: short, without trailing zeros.
pub fn tick_label(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    if !(1e-3..1e5).contains(&a) {
        let s = format!("{v:.1e}");
        return s.replace(".0e", "e");
    }
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// Ticks at 1, 2 or 5 times a power of ten covering [low, high], about `count` of them.
pub fn nice_ticks(low: f64, high: f64, count: usize) -> Vec<f64> {
    if !(low.is_finite() && high.is_finite()) || high <= low {
        return vec![low];
    }
    let raw = (high - low) / count.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let first = (low / step).ceil() as i64;
    let last = (high / step).floor() as i64;
    (first..=last).map(|i| i as f64 * step).collect()
}

/// A data range padded a little, never empty.
fn padded(low: f64, high: f64) -> (f64, f64) {
    if !(low.is_finite() && high.is_finite()) {
        return (0.0, 1.0);
    }
    if high - low < 1e-12 {
        let d = if low.abs() > 0.0 { low.abs() * 0.1 } else { 1.0 };
        return (low - d, high + d);
    }
    let pad = (high - low) * 0.04;
    (low - pad, high + pad)
}

const LEFT: f64 = 70.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 50.0;

fn frame(w: f64, h: f64, title: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" \
         font-family=\"Helvetica, Arial, sans-serif\" role=\"img\">\n<title>{t}</title>\n\
         <rect width=\"{w}\" height=\"{h}\" fill=\"white\"/>\n\
         <text x=\"{LEFT}\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{t}</text>\n",
        t = escape(title)
    )
}

#[allow(clippy::too_many_arguments)]
fn axes(
    s: &mut String,
    x_ticks: &[(f64, String)],
    (y0, y1): (f64, f64),
    sx: &dyn Fn(f64) -> f64,
    sy: &dyn Fn(f64) -> f64,
    w: f64,
    h: f64,
    x_label: &str,
    y_label: &str,
) {
    let bottom = h - BOTTOM;
    for t in nice_ticks(y0, y1, 5) {
        let y = sy(t);
        let _ = writeln!(
            s,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#e5e5e5"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end">{}</text>"##,
            w - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            tick_label(t)
        );
    }
    for (t, label) in x_ticks {
        let x = sx(*t);
        let _ = writeln!(
            s,
            r##"<line x1="{x:.1}" y1="{bottom}" x2="{x:.1}" y2="{:.1}" stroke="#333"/><text x="{x:.1}" y="{:.1}" font-size="11" text-anchor="middle">{}</text>"##,
            bottom + 5.0,
            bottom + 18.0,
            escape(label)
        );
    }
    let _ = writeln!(
        s,
        r##"<line x1="{LEFT}" y1="{bottom}" x2="{:.1}" y2="{bottom}" stroke="#333"/><line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}" stroke="#333"/>"##,
        w - RIGHT
    );
    let _ = writeln!(
        s,
        r#"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle">{}</text>"#,
        LEFT + (w - LEFT - RIGHT) / 2.0,
        h - 12.0,
        escape(x_label)
    );
    let cy = TOP + (h - TOP - BOTTOM) / 2.0;
    let _ = writeln!(
        s,
        r#"<text x="16" y="{cy:.1}" font-size="12" text-anchor="middle" transform="rotate(-90 16 {cy:.1})">{}</text>"#,
        escape(y_label)
    );
}

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy)]
enum Symbol {
    Line,
    /// A filled area of this opacity.
    Area(f64),
    Dot,
}

fn legend(s: &mut String, entries: &[(String, &'static str, Symbol)], w: f64) {
    let mut x = w - RIGHT;
    // Unnamed series (e.g. the band of a named line) have no entry.
    for (name, color, kind) in entries.iter().rev().filter(|e| !e.0.is_empty()) {
        let width = 7.0 * name.chars().count() as f64 + 22.0;
        x -= width;
        let symbol = match *kind {
            Symbol::Line => format!(
                r#"<line x1="{x:.1}" y1="30" x2="{:.1}" y2="30" stroke="{color}" stroke-width="2"/>"#,
                x + 14.0
            ),
            Symbol::Area(opacity) => format!(
                r#"<rect x="{x:.1}" y="25" width="14" height="10" fill="{color}" fill-opacity="{}"/>"#,
                opacity.max(0.3)
            ),
            Symbol::Dot => format!(r#"<circle cx="{:.1}" cy="30" r="4" fill="{color}"/>"#, x + 7.0),
        };
        let _ = writeln!(
            s,
            r#"{symbol}<text x="{:.1}" y="34" font-size="11">{}</text>"#,
            x + 18.0,
            escape(name)
        );
    }
}

/// The value axis of a chart of horizontal rows: gridlines and ticks over `[x0, x1]` from the
/// top to the bottom margin, and the zero line.
fn value_axis(s: &mut String, (x0, x1): (f64, f64), sx: &dyn Fn(f64) -> f64, h: f64) {
    let bottom = h - BOTTOM;
    for t in nice_ticks(x0, x1, 8) {
        let x = sx(t);
        let _ = writeln!(
            s,
            r##"<line x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{bottom}" stroke="#e5e5e5"/><text x="{x:.1}" y="{:.1}" font-size="11" text-anchor="middle">{}</text>"##,
            bottom + 18.0,
            tick_label(t)
        );
    }
    let zero = sx(0.0);
    let _ = writeln!(
        s,
        r##"<line x1="{zero:.1}" y1="{TOP}" x2="{zero:.1}" y2="{bottom}" stroke="#333"/>"##
    );
}

/// An estimate with its interval: (estimate, low, high).
pub type Estimate = (f64, f64, f64);

#[cfg(test)]
mod tests {
    use super::*;
    use esplab_model::StartDate;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(
            nice_ticks(0.0, 1.0, 5),
            vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]
        );
        let t = nice_ticks(0.0, 1825.0, 8);
        assert_eq!(
            t,
            vec![0.0, 500.0, 1000.0, 1500.0],
            "steps of 1, 2 or 5 times a power of ten"
        );
        assert_eq!(tick_label(0.25), "0.25");
        assert_eq!(tick_label(2e7), "2e7");
        assert_eq!(tick_label(1825.0), "1825");
    }

    #[test]
    fn a_chart_is_well_formed_svg_with_its_title_labels_and_series() {
        let mut c = Chart::new("Baseline <test>", "day", "security (0-1)");
        c.lines.push(Line {
            name: "baseline".into(),
            points: vec![(0.0, 0.2), (1.0, 0.3), (2.0, f64::NAN), (3.0, 0.1)],
            color: PALETTE[0],
            dashed: false,
            width: 2.0,
        });
        c.markers.push(Marker {
            x: 1.0,
            label: "jump".into(),
            color: PALETTE[1],
        });
        let s = c.svg();
        assert!(s.starts_with("<svg") && s.trim_end().ends_with("</svg>"));
        assert!(s.contains("Baseline &lt;test&gt;"));
        assert!(s.contains(">day<") && s.contains(">security (0-1)<"));
        assert!(s.contains(r#"d="M70.0,"#), "the line starts at the left edge");
        assert_eq!(s.matches("<path").count(), 1);
        assert!(!s.contains("NaN"));
    }

    #[test]
    fn stacked_layers_sit_on_each_other() {
        let xs = [0.0, 1.0];
        let layers = vec![
            ("a".to_string(), vec![0.2, 0.3]),
            ("b".to_string(), vec![0.5, f64::NAN]),
        ];
        let bands = stacked(&xs, &layers, 0.8);
        assert_eq!(bands[0].points, vec![(0.0, 0.0, 0.2), (1.0, 0.0, 0.3)]);
        assert_eq!(
            bands[1].points,
            vec![(0.0, 0.2, 0.7), (1.0, 0.3, 0.3)],
            "a missing value adds nothing"
        );
        assert_ne!(bands[0].color, bands[1].color);
    }

    #[test]
    fn charts_over_days_show_dates_when_a_start_date_is_given() {
        let line = Line {
            name: "baseline".into(),
            points: vec![(0.0, 0.1), (1825.0, 0.2)],
            color: PALETTE[0],
            dashed: false,
            width: 2.0,
        };
        let mut dated = Chart::over_days("b", "security", StartDate::parse("2024-11-25"));
        dated.lines.push(line.clone());
        let s = dated.svg();
        assert!(s.contains(">date (day 0 = 2024-11-25)<") && s.contains(">2025<") && s.contains(">2029<"));
        assert!(!s.contains(">1500<"));
        let mut plain = Chart::over_days("b", "security", None);
        plain.lines.push(line);
        let s = plain.svg();
        assert!(s.contains(">day<") && s.contains(">1500<") && !s.contains(">2025<"));
    }

    #[test]
    fn parts_are_stacked_from_zero_with_their_intervals() {
        let chart = PartsChart {
            title: "parts".into(),
            x_label: "effect".into(),
            parts: vec!["vendors".into(), "shares".into()],
            rows: vec![PartsRow {
                label: "lever".into(),
                total: (0.3, 0.2, 0.4),
                parts: vec![(0.4, 0.35, 0.45), (-0.1, -0.15, -0.05)],
            }],
        };
        let s = chart.svg();
        assert_eq!(s.matches(r#"class="part""#).count(), 2);
        // x maps [-0.018, 0.468] (0 to 0.45, padded by 4%) to [70, 700]: the second part runs
        // left from the first one's end (0.4) to 0.3.
        let sx = |x: f64| 70.0 + (x + 0.018) / 0.486 * 630.0;
        assert!(s.contains(&format!(r#"x="{:.1}""#, sx(0.3))), "{s}");
        assert!(s.contains("vendors: 0.4 [0.35, 0.45]") && s.contains("total: 0.3 [0.2, 0.4]"));
    }

    #[test]
    fn interval_charts_and_histograms_draw_every_row() {
        let chart = IntervalChart {
            title: "effects".into(),
            x_label: "change".into(),
            rows: (0..3)
                .map(|i| IntervalRow {
                    label: format!("lever {i}"),
                    estimate: i as f64 - 1.0,
                    low: i as f64 - 1.5,
                    high: i as f64 - 0.5,
                    color: PALETTE[i],
                })
                .collect(),
        };
        let s = chart.svg();
        assert_eq!(s.matches("<circle").count(), 3);
        let h = histogram("p", "x", &[1.0, 2.0, 2.0, 3.0], &[0.25; 4], 4, PALETTE[0]);
        let area: f64 = h.bands[0].points.chunks(2).map(|p| (p[1].0 - p[0].0) * p[0].2).sum();
        assert!((area - 1.0).abs() < 1e-12, "a density integrates to one");
    }
}
