//! The shape of baseline changes: kurtosis, L-kurtosis, the share of the total carried by the
//! largest changes, and the Hill estimate of a tail exponent.

/// Kurtosis (3 for a Normal).
pub fn kurtosis(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let v = x.iter().map(|a| (a - m).powi(2)).sum::<f64>() / n;
    x.iter().map(|a| (a - m).powi(4)).sum::<f64>() / n / (v * v)
}

/// Sample L-kurtosis tau4 = lambda4 / lambda2 from unbiased probability-weighted moments
/// (0.1226 for a Normal).
pub fn l_kurtosis(x: &[f64]) -> f64 {
    let mut v = x.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len() as f64;
    let (mut b0, mut b1, mut b2, mut b3) = (0.0, 0.0, 0.0, 0.0);
    for (i, x) in v.iter().enumerate() {
        let j = i as f64;
        b0 += x;
        b1 += x * j / (n - 1.0);
        b2 += x * j * (j - 1.0) / ((n - 1.0) * (n - 2.0));
        b3 += x * j * (j - 1.0) * (j - 2.0) / ((n - 1.0) * (n - 2.0) * (n - 3.0));
    }
    let (b0, b1, b2, b3) = (b0 / n, b1 / n, b2 / n, b3 / n);
    let l2 = 2.0 * b1 - b0;
    let l4 = 20.0 * b3 - 30.0 * b2 + 12.0 * b1 - b0;
    l4 / l2
}

/// Share of the total of changes of one sign carried by the largest 5% of changes of that sign
/// (by magnitude, among all changes); `None` when there is no change of that sign.
pub fn top_share(changes: &[f64], increases: bool) -> Option<f64> {
    let signed: Vec<f64> = changes.iter().map(|c| if increases { *c } else { -*c }).collect();
    let total: f64 = signed.iter().filter(|c| **c > 0.0).sum();
    if total <= 0.0 {
        return None;
    }
    let mut sorted = signed;
    sorted.sort_by(|a, b| b.total_cmp(a));
    let k = ((changes.len() as f64 * 0.05).ceil() as usize).max(1);
    Some(sorted[..k].iter().filter(|c| **c > 0.0).sum::<f64>() / total)
}

/// Changes over steps of `step` days.
pub fn changes(series: &[f64], step: usize) -> Vec<f64> {
    (0..series.len().saturating_sub(step))
        .step_by(step)
        .map(|i| series[i + step] - series[i])
        .collect()
}

/// Hill estimate of the tail exponent from the largest `k` of `sizes`.
pub fn hill_tail_exponent(sizes: &[f64], k: usize) -> Option<f64> {
    let mut v: Vec<f64> = sizes.iter().copied().filter(|s| *s > 0.0).collect();
    if v.len() <= k || k == 0 {
        return None;
    }
    v.sort_by(|a, b| b.total_cmp(a));
    let threshold = v[k];
    let mean_log = v[..k].iter().map(|x| (x / threshold).ln()).sum::<f64>() / k as f64;
    (mean_log > 0.0).then(|| 1.0 / mean_log)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn l_kurtosis_of_a_normal_sample_is_near_0_1226_and_of_spikes_higher() {
        // Normal quantiles as a sample.
        let normal: Vec<f64> = (1..2000)
            .map(|i| {
                let p = i as f64 / 2000.0;
                statrs::distribution::ContinuousCDF::inverse_cdf(
                    &statrs::distribution::Normal::new(0.0, 1.0).unwrap(),
                    p,
                )
            })
            .collect();
        assert!((l_kurtosis(&normal) - 0.1226).abs() < 0.005);
        assert!((kurtosis(&normal) - 3.0).abs() < 0.1);
        let mut spiky = vec![0.0; 1000];
        spiky[10] = 1.0;
        spiky[500] = 2.0;
        assert!(l_kurtosis(&spiky) > 0.5);
        assert_eq!(top_share(&spiky, true), Some(1.0));
        assert_eq!(top_share(&spiky, false), None);
    }

    #[test]
    fn hill_recovers_a_pareto_tail() {
        // Pareto(alpha = 1.5) quantiles.
        let sizes: Vec<f64> = (1..10_000)
            .map(|i| (1.0 - i as f64 / 10_000.0).powf(-1.0 / 1.5))
            .collect();
        let alpha = hill_tail_exponent(&sizes, 1000).unwrap();
        assert!((alpha - 1.5).abs() < 0.05, "{alpha}");
    }
}
