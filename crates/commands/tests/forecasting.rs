//! `fit` and `backtest` on a series the model itself generated with a known cost of security:
//! the fit recovers it within its credible interval, and forecasts of the series beat
//! persistence. Three synthetic series (seeds), small runs; the statistics have margins.

use esplab_commands::backtest;
use esplab_commands::calibrate::Sampler;
use esplab_commands::fit;
use esplab_commands::{Executor, Silent, Stop};
use esplab_experiment::forecast::paths::Outlook;
use esplab_scenario::{Override, Scenario, Spelling};

const TRUE_COST: f64 = 5.0;
const USERS: u32 = 3000;

fn overrides() -> Vec<Override> {
    vec![Override::option("test users", "run.users", USERS)]
}

/// A monthly series of the market's share from a run of web-https with the known cost.
fn synthetic_series(seed: u64, dir: &std::path::Path) -> String {
    let mut all = overrides();
    all.push(Override::option("test cost", "vendors.security_cost", TRUE_COST));
    all.push(Override::option("test seed", "run.seed", seed));
    let scenario = Scenario::load("web-https", &all).unwrap();
    let start = scenario.parameters.run.start_date.unwrap();
    let outlook = Outlook::run(&scenario.parameters, seed, 7, None);
    let mut csv = String::from("series_id,technology,control,date,share\n");
    for month in 0..37u32 {
        let day = (f64::from(month) * 30.4375).round() as u32 + 14;
        if day >= outlook.shares.len() as u32 {
            break;
        }
        let date = start.label(day);
        csv.push_str(&format!(
            "synthetic,Web (HTTP to HTTPS),page loads over HTTPS,{},{:.4}\n",
            &date[..7],
            outlook.share(day)
        ));
    }
    let path = dir.join(format!("synthetic-{seed}.csv"));
    std::fs::write(&path, csv).unwrap();
    path.display().to_string()
}

fn sampler() -> Sampler {
    Sampler {
        particles: 40,
        generations: 3,
        quantile: 0.5,
        min_acceptance: 0.02,
        max_simulations: 400,
        replicates: 1,
        predictive: 10,
    }
}

#[test]
fn a_synthetic_series_is_recovered_and_its_forecasts_beat_persistence() {
    let dir = std::env::temp_dir().join(format!("esplab-forecasting-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let executor = Executor::new(2);
    let params = vec!["vendors.security_cost=uniform:3:8".to_string()];
    let (mut recovered, mut narrowed, mut beaten) = (0, 0, 0);
    let mut ratios = Vec::new();
    for seed in [11, 12, 13] {
        let series = synthetic_series(seed, &dir);
        let request = fit::Request {
            series: series.clone(),
            events: None,
            series_id: "synthetic".into(),
            as_of: Some("2015-10".into()),
            base: Some("web-https".into()),
            offering: None,
            overrides: overrides(),
            params: params.clone(),
            keep_scheduled: false,
            sampler: sampler(),
            draws: 20,
            destination: None,
        };
        let outcome = request
            .prepare(&executor, Spelling::Python)
            .unwrap()
            .run(&executor, &Silent, &Stop::default())
            .unwrap();
        let m = &outcome.result.marginals[0];
        eprintln!("seed {seed}: cost {} [{}, {}]", m.median, m.low95, m.high95);
        recovered += usize::from(m.low95 <= TRUE_COST && TRUE_COST <= m.high95);
        narrowed += usize::from(m.high95 - m.low95 < 0.8 * 5.0);
        let request = backtest::Request {
            series,
            series_id: "synthetic".into(),
            as_of: vec!["2015-01".into()],
            horizon: "12mo".into(),
            base: Some("web-https".into()),
            overrides: overrides(),
            params: params.clone(),
            sampler: sampler(),
            draws: 40,
            ..backtest::Request::default()
        };
        let outcome = request
            .prepare(&executor, Spelling::Python)
            .unwrap()
            .run(&executor, &Silent, &Stop::default())
            .unwrap();
        let a = &outcome.as_of[0];
        assert_eq!(a.scored, 12, "a year of monthly points after 2015-01");
        let model = a.summary("esplab").unwrap().crps;
        let persistence = a.summary("persistence").unwrap().crps;
        eprintln!("seed {seed}: CRPS esplab {model:.4}, persistence {persistence:.4}");
        beaten += usize::from(model < persistence);
        ratios.push(model / persistence);
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        recovered >= 2,
        "the true cost within the 95% interval in {recovered} of 3 fits"
    );
    assert!(narrowed >= 2, "the data narrowed the prior in {narrowed} of 3 fits");
    let mean_ratio = ratios.iter().sum::<f64>() / ratios.len() as f64;
    assert!(
        beaten >= 2 && mean_ratio < 0.9,
        "esplab's CRPS over persistence's: {ratios:?} (beaten in {beaten} of 3)"
    );
}
