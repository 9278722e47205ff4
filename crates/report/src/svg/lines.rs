//! Line charts: lines, bands, dots and markers over a shared axis of days (dates with a start
//! date), and bands stacked into areas.

use super::*;
use esplab_model::StartDate;

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
        // A line without a name only joins what the legend names otherwise (its dots).
        entries.retain(|e| !e.0.is_empty());
        legend(&mut s, &entries, w);
        s.push_str("</svg>\n");
        s
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
