//! Charts as standalone SVG: line and band charts with markers, scatter plots, histograms and
//! interval (forest) charts. Axes carry labels with units and "nice" ticks; every chart has a
//! title and a legend, and is legible at slide size (720 × 360 by default).

use esplab_model::StartDate;
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

/// A line of (x, y) points.
#[derive(Debug, Clone)]
pub struct Line {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    pub color: &'static str,
    pub dashed: bool,
    pub width: f64,
}

/// A shaded band between two y values at each x.
#[derive(Debug, Clone)]
pub struct Band {
    pub name: String,
    pub points: Vec<(f64, f64, f64)>,
    pub color: &'static str,
    pub opacity: f64,
}

/// Points drawn as dots.
#[derive(Debug, Clone)]
pub struct Dots {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    pub color: &'static str,
    pub radius: f64,
}

/// A vertical marker at x with a short label.
#[derive(Debug, Clone)]
pub struct Marker {
    pub x: f64,
    pub label: String,
    pub color: &'static str,
}

/// An x–y chart: bands, lines, dots and markers on shared axes.
#[derive(Debug, Clone, Default)]
pub struct Chart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub bands: Vec<Band>,
    pub lines: Vec<Line>,
    pub dots: Vec<Dots>,
    pub markers: Vec<Marker>,
    /// Fixed y range (otherwise from the data).
    pub y_range: Option<(f64, f64)>,
    /// With a start date, x values are days of the run and the x axis shows dates.
    pub start_date: Option<StartDate>,
    pub width: f64,
    pub height: f64,
}

const LEFT: f64 = 70.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 50.0;

impl Chart {
    /// An empty chart of days of a run: its x axis shows dates when `start_date` is given.
    pub fn over_days(title: &str, y_label: &str, start_date: Option<StartDate>) -> Self {
        let x_label = match start_date {
            Some(d) => format!("date (day 0 = {d})"),
            None => "day".into(),
        };
        Self {
            start_date,
            ..Self::new(title, &x_label, y_label)
        }
    }

    /// An empty chart with a title and axis labels.
    pub fn new(title: &str, x_label: &str, y_label: &str) -> Self {
        Self {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            width: 720.0,
            height: 360.0,
            ..Self::default()
        }
    }

    fn ranges(&self) -> ((f64, f64), (f64, f64)) {
        let mut xs: Vec<f64> = Vec::new();
        let mut ys: Vec<f64> = Vec::new();
        for l in &self.lines {
            for p in &l.points {
                xs.push(p.0);
                ys.push(p.1);
            }
        }
        for b in &self.bands {
            for p in &b.points {
                xs.push(p.0);
                ys.push(p.1);
                ys.push(p.2);
            }
        }
        for d in &self.dots {
            for p in &d.points {
                xs.push(p.0);
                ys.push(p.1);
            }
        }
        xs.extend(self.markers.iter().map(|m| m.x));
        let finite = |v: &Vec<f64>| {
            let f: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
            (
                f.iter().copied().fold(f64::INFINITY, f64::min),
                f.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            )
        };
        let (x0, x1) = finite(&xs);
        let (y0, y1) = finite(&ys);
        let x = if x1 > x0 { (x0, x1) } else { padded(x0, x1) };
        (x, self.y_range.unwrap_or_else(|| padded(y0, y1)))
    }

    /// The chart as an SVG document.
    pub fn svg(&self) -> String {
        let ((x0, x1), (y0, y1)) = self.ranges();
        let (w, h) = (self.width, self.height);
        let pw = w - LEFT - RIGHT;
        let ph = h - TOP - BOTTOM;
        let sx = |x: f64| LEFT + (x - x0) / (x1 - x0) * pw;
        let sy = |y: f64| TOP + ph - (y.clamp(y0, y1) - y0) / (y1 - y0) * ph;
        let mut s = frame(w, h, &self.title);
        let x_ticks: Vec<(f64, String)> = match self.start_date {
            Some(d) => d.month_ticks(x0, x1, 8),
            None => nice_ticks(x0, x1, 8).into_iter().map(|t| (t, tick_label(t))).collect(),
        };
        axes(&mut s, &x_ticks, (y0, y1), &sx, &sy, w, h, &self.x_label, &self.y_label);
        for b in &self.bands {
            if b.points.is_empty() {
                continue;
            }
            let mut d = String::new();
            for (i, p) in b.points.iter().enumerate() {
                let _ = write!(d, "{}{:.1},{:.1}", if i == 0 { "M" } else { "L" }, sx(p.0), sy(p.2));
            }
            for p in b.points.iter().rev() {
                let _ = write!(d, "L{:.1},{:.1}", sx(p.0), sy(p.1));
            }
            let _ = writeln!(
                s,
                r#"<path d="{d}Z" fill="{}" fill-opacity="{}" stroke="none"><title>{}</title></path>"#,
                b.color,
                b.opacity,
                escape(&b.name)
            );
        }
        for m in &self.markers {
            let x = sx(m.x);
            let _ = writeln!(
                s,
                r#"<line x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{:.1}" stroke="{}" stroke-dasharray="3,3" stroke-width="1"><title>{}</title></line>"#,
                TOP + ph,
                m.color,
                escape(&m.label)
            );
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{:.1}" font-size="10" fill="{}" text-anchor="end" transform="rotate(-90 {:.1} {:.1})">{}</text>"#,
                x - 3.0,
                TOP + 4.0,
                m.color,
                x - 3.0,
                TOP + 4.0,
                escape(&m.label)
            );
        }
        for l in &self.lines {
            let mut d = String::new();
            let mut pen = false;
            for p in &l.points {
                if !(p.0.is_finite() && p.1.is_finite()) {
                    pen = false;
                    continue;
                }
                let _ = write!(d, "{}{:.1},{:.1}", if pen { "L" } else { "M" }, sx(p.0), sy(p.1));
                pen = true;
            }
            let dash = if l.dashed { r#" stroke-dasharray="6,4""# } else { "" };
            let _ = writeln!(
                s,
                r#"<path d="{d}" fill="none" stroke="{}" stroke-width="{}"{dash}><title>{}</title></path>"#,
                l.color,
                l.width,
                escape(&l.name)
            );
        }
        for dots in &self.dots {
            let _ = writeln!(s, r#"<g fill="{}" fill-opacity="0.7">"#, dots.color);
            for p in dots.points.iter().filter(|p| p.0.is_finite() && p.1.is_finite()) {
                let _ = writeln!(
                    s,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="{}"/>"#,
                    sx(p.0),
                    sy(p.1),
                    dots.radius
                );
            }
            let _ = writeln!(s, "</g>");
        }
        let mut entries: Vec<(String, &'static str, Symbol)> = Vec::new();
        entries.extend(self.lines.iter().map(|l| (l.name.clone(), l.color, Symbol::Line)));
        entries.extend(
            self.bands
                .iter()
                .map(|b| (b.name.clone(), b.color, Symbol::Area(b.opacity))),
        );
        entries.extend(self.dots.iter().map(|d| (d.name.clone(), d.color, Symbol::Dot)));
        legend(&mut s, &entries, w);
        s.push_str("</svg>\n");
        s
    }
}

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

/// Layers stacked from zero, in order: each layer's band runs from the sum of the layers below
/// it to that sum plus its own value, at each x (a stacked-area chart).
pub fn stacked(xs: &[f64], layers: &[(String, Vec<f64>)], opacity: f64) -> Vec<Band> {
    let mut floor = vec![0.0; xs.len()];
    layers
        .iter()
        .enumerate()
        .map(|(k, (name, values))| {
            let points = xs
                .iter()
                .zip(floor.iter_mut())
                .zip(values)
                .map(|((x, low), v)| {
                    let v = if v.is_finite() { *v } else { 0.0 };
                    let p = (*x, *low, *low + v);
                    *low += v;
                    p
                })
                .collect();
            Band {
                name: name.clone(),
                points,
                color: PALETTE[k % PALETTE.len()],
                opacity,
            }
        })
        .collect()
}

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

/// Bars of a histogram of `values` under `weights` over `bins` equal bins, as a line chart
/// of densities (a step outline).
pub fn histogram(
    title: &str,
    x_label: &str,
    values: &[f64],
    weights: &[f64],
    bins: usize,
    color: &'static str,
) -> Chart {
    let finite: Vec<(f64, f64)> = values
        .iter()
        .zip(weights)
        .filter(|(v, _)| v.is_finite())
        .map(|(v, w)| (*v, *w))
        .collect();
    let lo = finite.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let hi = finite.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if hi > lo { (lo, hi) } else { padded(lo, hi) };
    let width = (hi - lo) / bins as f64;
    let mut mass = vec![0.0; bins];
    let total: f64 = finite.iter().map(|p| p.1).sum();
    for (v, w) in &finite {
        let b = (((v - lo) / width) as usize).min(bins - 1);
        mass[b] += w / total.max(f64::MIN_POSITIVE);
    }
    let mut points = Vec::new();
    for (b, m) in mass.iter().enumerate() {
        let x = lo + b as f64 * width;
        let d = m / width;
        points.push((x, 0.0, d));
        points.push((x + width, 0.0, d));
    }
    let mut chart = Chart::new(title, x_label, "posterior density");
    chart.bands.push(Band {
        name: "posterior".into(),
        points,
        color,
        opacity: 0.45,
    });
    chart
}

#[cfg(test)]
mod tests {
    use super::*;

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
