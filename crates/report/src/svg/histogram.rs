//! Histograms, drawn as line charts of densities.

use super::*;

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
