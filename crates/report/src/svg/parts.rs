//! Parts charts: each row's effect as stacked parts, with the total's interval.

use super::*;

/// One row of a parts chart: a total and the parts it is made of, each with its interval.
#[derive(Debug, Clone)]
pub struct PartsRow {
    pub label: String,
    pub total: Estimate,
    /// Parts in stacking order, one per entry of [`PartsChart::parts`].
    pub parts: Vec<Estimate>,
}

/// Stacked horizontal bars: each row's parts laid end to end from zero (a negative part runs
/// left), each part's interval as a whisker around its end, and the row's total as a dot with
/// its interval just below the bars.
#[derive(Debug, Clone)]
pub struct PartsChart {
    pub title: String,
    pub x_label: String,
    /// Names of the parts, in stacking order.
    pub parts: Vec<String>,
    pub rows: Vec<PartsRow>,
}

impl PartsChart {
    /// The chart as an SVG document.
    pub fn svg(&self) -> String {
        let label_width = 12.0 + 7.0 * self.rows.iter().map(|r| r.label.chars().count()).max().unwrap_or(4) as f64;
        let left = label_width.max(LEFT);
        let w = 720.0;
        let row_h = 40.0;
        let h = TOP + BOTTOM + row_h * self.rows.len().max(1) as f64;
        let (mut lo, mut hi) = (0.0f64, 0.0f64);
        for r in &self.rows {
            let mut end = 0.0;
            let mut seen = vec![r.total.0, r.total.1, r.total.2];
            for p in &r.parts {
                seen.extend([end + p.0, end + p.1, end + p.2]);
                end += if p.0.is_finite() { p.0 } else { 0.0 };
            }
            for v in seen.into_iter().filter(|v| v.is_finite()) {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        let (x0, x1) = padded(lo, hi);
        let pw = w - left - RIGHT;
        let sx = |x: f64| left + (x - x0) / (x1 - x0) * pw;
        let mut s = frame(w, h, &self.title);
        value_axis(&mut s, (x0, x1), &sx, h);
        let whisker = |s: &mut String, y: f64, (e, l, u): Estimate, color: &str, what: &str| {
            if l.is_finite() && u.is_finite() {
                let _ = writeln!(
                    s,
                    r#"<line x1="{:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{color}" stroke-width="1.5"><title>{}: {} [{}, {}]</title></line>"#,
                    sx(l),
                    sx(u),
                    escape(what),
                    tick_label(e),
                    tick_label(l),
                    tick_label(u)
                );
            }
        };
        for (i, r) in self.rows.iter().enumerate() {
            let top = TOP + row_h * i as f64 + 6.0;
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="end">{}</text>"#,
                left - 8.0,
                top + 14.0,
                escape(&r.label)
            );
            let mut end = 0.0f64;
            for (k, p) in r.parts.iter().enumerate() {
                if !p.0.is_finite() {
                    continue;
                }
                let color = PALETTE[k % PALETTE.len()];
                let name = self.parts.get(k).map(String::as_str).unwrap_or("");
                let (a, b) = (sx(end.min(end + p.0)), sx(end.max(end + p.0)));
                let _ = writeln!(
                    s,
                    r#"<rect class="part" x="{a:.1}" y="{top:.1}" width="{:.1}" height="14" fill="{color}" fill-opacity="0.75"><title>{}, {}: {}</title></rect>"#,
                    (b - a).max(0.5),
                    escape(&r.label),
                    escape(name),
                    tick_label(p.0)
                );
                whisker(&mut s, top + 7.0, (end + p.0, end + p.1, end + p.2), "#333", name);
                end += p.0;
            }
            let y = top + 24.0;
            whisker(&mut s, y, r.total, "#000", "total");
            if r.total.0.is_finite() {
                let _ = writeln!(
                    s,
                    r##"<circle cx="{:.1}" cy="{y:.1}" r="4" fill="#000"><title>{}: total {}</title></circle>"##,
                    sx(r.total.0),
                    escape(&r.label),
                    tick_label(r.total.0)
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
        let mut entries: Vec<(String, &'static str, Symbol)> = self
            .parts
            .iter()
            .enumerate()
            .map(|(k, n)| (n.clone(), PALETTE[k % PALETTE.len()], Symbol::Area(0.75)))
            .collect();
        entries.push(("total effect".into(), PALETTE[7], Symbol::Dot));
        legend(&mut s, &entries, w);
        s.push_str("</svg>\n");
        s
    }
}
