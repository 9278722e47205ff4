//! Interval (forest) charts: one row per estimate with its interval, against zero.

use super::*;

/// One row of an interval chart: an estimate with its interval.
#[derive(Debug, Clone)]
pub struct IntervalRow {
    pub label: String,
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
    pub color: &'static str,
}

/// A forest plot: one horizontal row per estimate, with its interval and a zero line.
#[derive(Debug, Clone)]
pub struct IntervalChart {
    pub title: String,
    pub x_label: String,
    pub rows: Vec<IntervalRow>,
}

impl IntervalChart {
    /// The chart as an SVG document.
    pub fn svg(&self) -> String {
        let label_width = 12.0 + 7.0 * self.rows.iter().map(|r| r.label.chars().count()).max().unwrap_or(4) as f64;
        let left = label_width.max(LEFT);
        let w = 720.0;
        let row_h = 26.0;
        let h = TOP + BOTTOM + row_h * self.rows.len().max(1) as f64;
        let mut lo = 0.0f64;
        let mut hi = 0.0f64;
        for r in &self.rows {
            for v in [r.low, r.high, r.estimate] {
                if v.is_finite() {
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
            }
        }
        let (x0, x1) = padded(lo, hi);
        let pw = w - left - RIGHT;
        let sx = |x: f64| left + (x - x0) / (x1 - x0) * pw;
        let mut s = frame(w, h, &self.title);
        value_axis(&mut s, (x0, x1), &sx, h);
        for (i, r) in self.rows.iter().enumerate() {
            let y = TOP + row_h * (i as f64 + 0.5);
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="end">{}</text>"#,
                left - 8.0,
                y + 4.0,
                escape(&r.label)
            );
            if r.low.is_finite() && r.high.is_finite() {
                let _ = writeln!(
                    s,
                    r#"<line x1="{:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{}" stroke-width="2"/>"#,
                    sx(r.low),
                    sx(r.high),
                    r.color
                );
            }
            if r.estimate.is_finite() {
                let interval = if r.low.is_finite() && r.high.is_finite() {
                    format!(" [{}, {}]", tick_label(r.low), tick_label(r.high))
                } else {
                    String::new()
                };
                let _ = writeln!(
                    s,
                    r#"<circle cx="{:.1}" cy="{y:.1}" r="5" fill="{}"><title>{}: {}{interval}</title></circle>"#,
                    sx(r.estimate),
                    r.color,
                    escape(&r.label),
                    tick_label(r.estimate),
                );
            }
        }
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle">{}</text>"#,
            left + pw / 2.0,
            h - 12.0,
            escape(&self.x_label)
        );
        s.push_str("</svg>\n");
        s
    }
}
