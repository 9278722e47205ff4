//! One run of an experiment as a pure function of (parameters, master seed, run index): its
//! summary metrics and, when asked, its daily series for ensemble bands.

use crate::mechanics::Day;
use crate::seeds::run_seed;
use esplab_model::{DayRecord, Event, Observer, OfferingDay, Parameters, Simulation, Summary};

/// Daily series kept for ensemble bands, in the order of [`RunOutcome::series`]: every daily
/// series of the model, then each offering's users as a share of the population
/// (`users:NAME`, its market share).
pub fn band_series(parameters: &Parameters) -> Vec<String> {
    let mut names: Vec<String> = DayRecord::SERIES.iter().map(|s| s.to_string()).collect();
    names.extend(parameters.offerings.iter().map(|o| format!("users:{}", o.name)));
    names
}

/// Days at the end of the horizon over which the long-run baseline is averaged.
pub const LONG_RUN_DAYS: usize = 365;

/// Names of the per-run metrics, in the order of [`RunOutcome::metrics`].
pub fn metric_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Summary::default().metrics().into_iter().map(|(n, _)| n).collect();
    names.push("long_run_baseline");
    names
}

/// What an experiment keeps of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOutcome {
    /// The run's index in its experiment.
    pub index: u64,
    /// The seed it ran with.
    pub seed: u64,
    /// Values of [`metric_names`].
    pub metrics: Vec<f64>,
    /// Day-major `days × band_series().len()` values (empty unless requested).
    pub series: Vec<f32>,
    /// Per offering, over the last [`LONG_RUN_DAYS`]: its mean share of adopters and its mean
    /// security (the parts of the long-run baseline, for decomposing an effect).
    pub offerings: Vec<(f64, f64)>,
}

struct Collector {
    summary: Summary,
    baseline: Vec<f64>,
    series: Option<Vec<f32>>,
    /// Per day, per offering: share of adopters and security.
    offerings: Vec<Vec<(f64, f64)>>,
    /// Per day: the regulatory floor.
    floors: Vec<f64>,
}

impl Observer for Collector {
    fn day(&mut self, record: &DayRecord, offerings: &[OfferingDay]) {
        self.summary.day(record, offerings);
        self.baseline.push(record.baseline);
        self.offerings.push(adopter_shares(offerings));
        self.floors.push(record.floor);
        if let Some(series) = self.series.as_mut() {
            series.extend(record.series().iter().map(|&v| v as f32));
            series.extend(offerings.iter().map(|o| o.users as f32));
        }
    }

    fn event(&mut self, event: &Event) {
        self.summary.event(event);
    }
}

/// Runs replicate `index` of `parameters` under master seed `master` (seed
/// `run_seed(master, index)`) to the end of its horizon, reporting to `observer`.
pub fn replicate(parameters: &Parameters, master: u64, index: u64, observer: &mut impl Observer) {
    replicate_while(parameters, master, index, observer, |_| true);
}

/// As [`replicate`], asking `go_on(day)` after each day; returns false if it said no, or if the
/// run's command was stopped ([`crate::interruption::raised`]): the run was abandoned before
/// its end.
pub fn replicate_while(
    parameters: &Parameters,
    master: u64,
    index: u64,
    observer: &mut impl Observer,
    mut go_on: impl FnMut(u32) -> bool,
) -> bool {
    if crate::interruption::raised() {
        // Not even built: the arms of a job after the one that saw the stop cost nothing.
        return false;
    }
    let mut p = parameters.clone();
    p.run.seed = run_seed(master, index);
    let mut simulation = Simulation::new(&p);
    while simulation.step(observer) {
        if !go_on(simulation.day()) || crate::interruption::raised() {
            return false;
        }
    }
    true
}

/// Each offering's (share of adopters, security) on a day.
pub fn adopter_shares(offerings: &[OfferingDay]) -> Vec<(f64, f64)> {
    let adopters: f64 = offerings.iter().map(|o| o.users).sum();
    offerings
        .iter()
        .map(|o| (if adopters > 0.0 { o.users / adopters } else { 0.0 }, o.security))
        .collect()
}

/// The means over the last [`LONG_RUN_DAYS`] of `days` ([`adopter_shares`] per day) of each of
/// `count` offerings' share of adopters and security.
pub fn long_run_offerings(days: &[Vec<(f64, f64)>], count: usize) -> Vec<(f64, f64)> {
    let part = |j: usize, pick: fn(&(f64, f64)) -> f64| {
        long_run_mean(days.iter().map(move |day| day.get(j).map_or(0.0, pick)))
    };
    (0..count).map(|j| (part(j, |o| o.0), part(j, |o| o.1))).collect()
}

/// The long-run figure of a daily series: its mean over the last [`LONG_RUN_DAYS`] days (over
/// every day when there are fewer), summed in day order. The one place it is computed.
pub fn long_run_mean(days: impl ExactSizeIterator<Item = f64>) -> f64 {
    let skip = days.len().saturating_sub(LONG_RUN_DAYS);
    let (sum, count) = days
        .skip(skip)
        .fold((0.0, 0usize), |(sum, count), v| (sum + v, count + 1));
    sum / count.max(1) as f64
}

/// Runs replicate `index` of `parameters` under master seed `master`.
pub fn simulate(parameters: &Parameters, master: u64, index: u64, keep_series: bool) -> RunOutcome {
    outcome(
        parameters,
        master,
        index,
        collect(parameters, master, index, keep_series),
    )
}

/// As [`simulate`], with the run's days as the mechanics of a lever read them
/// ([`crate::mechanics::Day`], every day from day 0).
pub fn simulate_days(parameters: &Parameters, master: u64, index: u64) -> (RunOutcome, Vec<Day>) {
    let mut collector = collect(parameters, master, index, false);
    let offerings = std::mem::take(&mut collector.offerings);
    let days = offerings
        .iter()
        .cloned()
        .zip(&collector.floors)
        .enumerate()
        .map(|(day, (offerings, &floor))| Day {
            day: day as u32,
            offerings,
            floor,
        })
        .collect();
    collector.offerings = offerings;
    (outcome(parameters, master, index, collector), days)
}

fn collect(parameters: &Parameters, master: u64, index: u64, keep_series: bool) -> Collector {
    let days = parameters.run.days() as usize;
    let mut collector = Collector {
        summary: Summary::default(),
        baseline: Vec::with_capacity(days),
        series: keep_series.then(|| Vec::with_capacity(days * band_series(parameters).len())),
        offerings: Vec::with_capacity(days),
        floors: Vec::with_capacity(days),
    };
    replicate(parameters, master, index, &mut collector);
    collector
}

fn outcome(parameters: &Parameters, master: u64, index: u64, collector: Collector) -> RunOutcome {
    let seed = run_seed(master, index);
    let long_run = long_run_mean(collector.baseline.iter().copied());
    let mut metrics: Vec<f64> = collector.summary.metrics().into_iter().map(|(_, v)| v).collect();
    metrics.push(long_run);
    let offerings = long_run_offerings(&collector.offerings, parameters.offerings.len());
    RunOutcome {
        index,
        seed,
        metrics,
        series: collector.series.unwrap_or_default(),
        offerings,
    }
}

/// Runs replicate `index` of `parameters` under master seed `master`, keeping every daily
/// record and event (for checks that need the whole story of a run).
pub fn record(parameters: &Parameters, master: u64, index: u64) -> esplab_model::Recorder {
    let mut recorder = esplab_model::Recorder::default();
    replicate(parameters, master, index, &mut recorder);
    recorder
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Parameters {
        let mut p = Parameters::default();
        p.run.users = 2_000;
        p.run.years = 2.0;
        p
    }

    #[test]
    fn a_run_is_a_pure_function_of_parameters_master_seed_and_index() {
        let p = small();
        let a = simulate(&p, 9, 3, true);
        let b = simulate(&p, 9, 3, true);
        assert_eq!(a, b);
        assert_eq!(a.series.len(), 730 * band_series(&p).len());
        assert_eq!(a.metrics.len(), metric_names().len());
        let c = simulate(&p, 9, 4, false);
        assert_ne!(a.metrics, c.metrics);
        assert!(c.series.is_empty());
    }

    #[test]
    fn offering_shares_follow_the_model_series_and_add_up_to_adoption() {
        let p = small();
        let outcome = simulate(&p, 1, 0, true);
        let names = band_series(&p);
        assert_eq!(names.len(), DayRecord::SERIES.len() + p.offerings.len());
        assert_eq!(names[DayRecord::SERIES.len()], format!("users:{}", p.offerings[0].name));
        let adoption = names.iter().position(|s| s == "adoption").unwrap();
        for day in outcome.series.chunks(names.len()) {
            let shares: f32 = day[DayRecord::SERIES.len()..].iter().sum();
            assert!((shares - day[adoption]).abs() < 1e-5, "{shares} vs {}", day[adoption]);
        }
    }

    #[test]
    fn long_run_baseline_is_the_mean_of_the_last_year() {
        let p = small();
        let outcome = simulate(&p, 1, 0, true);
        let names = band_series(&p);
        let k = names.iter().position(|s| s == "baseline").unwrap();
        let last_year: Vec<f64> = (365..730).map(|d| outcome.series[d * names.len() + k] as f64).collect();
        let expected = last_year.iter().sum::<f64>() / 365.0;
        let got = *outcome.metrics.last().unwrap();
        assert!((got - expected).abs() < 1e-6, "{got} vs {expected}");
    }
}
