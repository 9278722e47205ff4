//! Command-line options of `esplab`.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

const ABOUT: &str = "Simulate how the market of human behaviour sets a technology's security baseline \
(the Efficient Security Principle): excitement and reliance push security down, abandonment after \
salient incidents and outcry-driven regulation push it up.";

const EXAMPLES: &str = "Examples:
  esplab scenarios                                  list the presets
  esplab run mcp                                    run the AI-agents/MCP preset
  esplab run mcp --users 1000000 --years 5 --seed 7 --out runs/big
  esplab run loud --set attention.threshold=7 --set offerings.0.security=0.5
  esplab check my-scenario.toml                     validate a scenario file
  esplab scenarios --show mcp > my-scenario.toml    start a scenario from a preset
  esplab analyze runs/mcp-1                         jumps, the events behind them, erosion
  esplab ensemble mcp --runs 1000                   metrics and daily bands across seeds
  esplab compare mcp heroic-effort --runs 200       paired differences with 95% intervals
  esplab leverage mcp --runs 200                    which levers move the baseline
  esplab sweep plans/mcp-lhs.toml                   a design of parameter points
  esplab sensitivity plans/mcp-sensitivity.toml     Sobol' indices (or --method morris)
  esplab validate                                   every stylized fact, checked
  esplab calibrate mcp --targets data/targets/mcp.toml   fit parameters to real cases
  esplab forecast --series data/security_series.csv --series-id mcp-remote-auth-kai --horizon 24mo
                                                    fit a real series, then a fan and chances
  esplab backtest --series data/security_series.csv --series-id https-firefox-pageloads
                                                    past forecasts against naive methods
  esplab report runs/mcp-1                          an HTML page of charts of any output folder
  esplab serve                                      the live explorer on http://127.0.0.1:8080
  esplab verify runs/mcp-1                          checksums, and a re-run compared byte for byte

Environment:
  ESPLAB_MEMORY_LIMIT=8G   memory esplab may use (default: what the machine has available);
                           work that needs more is refused up front with an estimate

Documentation: README.md and docs/ (model, scenarios, experiments, observations, validation,
evidence, performance, reliability).";

#[derive(Debug, Parser)]
#[command(name = "esplab", version, about = ABOUT, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Treat scenario warnings as errors (exit 2 before any work): an override of a key no
    /// mechanism of the scenario reads, an intervention after the horizon.
    #[arg(long, global = true)]
    pub strict: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one simulation and write its time series, events, summary and manifest.
    #[command(after_help = "Examples:
  esplab run mcp
  esplab run iot-botnets --years 10 --seed 3 --out runs/iot
  esplab run my.toml --set vendors.liability=0.5 --set interventions.0.day=400
  esplab run mcp --users 10000000 --threads 2

Writes into DIR: timeseries.csv and .parquet (one row per day), offerings.csv, flows.csv, events.csv,
summary.json, scenario.toml (every resolved parameter) and, last, manifest.json. A folder is
complete when manifest.json exists. The outputs are byte-identical for any --threads.")]
    Run(RunArgs),
    /// Validate a scenario file (and overrides) without running it.
    #[command(after_help = "Examples:
  esplab check my.toml
  esplab check mcp --set users.harm_fear=2 --resolved")]
    Check(CheckArgs),
    /// List the shipped scenario presets, or show one, or the parameter reference.
    #[command(after_help = "Examples:
  esplab scenarios
  esplab scenarios --show loud
  esplab scenarios --parameters")]
    Scenarios(ScenariosArgs),
    /// Run many replicates of a scenario; write per-run metrics and daily bands.
    #[command(after_help = "Examples:
  esplab ensemble mcp --runs 1000
  esplab ensemble loud --runs 200 --users 20000 --threads 2 --out runs/loud-ensemble

Run i uses the seed derived from (master seed, i): the output is byte-identical for any
--threads. Writes runs.csv/.parquet (run, seed, every summary metric), bands.csv/.parquet
(day, metric, mean, p05, p25, p50, p75, p95) and manifest.json.")]
    Ensemble(EnsembleArgs),
    /// Compare two arms with common random numbers: paired differences with 95% intervals.
    #[command(after_help = "Examples:
  esplab compare mcp heroic-effort --runs 200
  esplab compare mcp --vary vendors.liability=0.5 --runs 200
  esplab compare mcp --runs 200 --vary interventions.0.kind=disclosure \\
      --vary interventions.0.day=365 --vary interventions.0.threshold_drop=1

Both arms run with the same seeds (those of BASE's master seed). --set and the other scenario
options apply to both arms; --vary applies to the variant only. Writes compare.json,
compare.csv and manifest.json.")]
    Compare(CompareArgs),
    /// Rank the interventions by their paired effect on the long-run baseline.
    #[command(after_help = "Examples:
  esplab leverage mcp --runs 200
  esplab leverage mcp --runs 40 --users 200000 --doses   # each lever over its real range
  esplab leverage mcp --runs 40 --doses --lever regulation --lever procurement
  esplab leverage online-banking --runs 100 --start-day 730 --heroic big-banks
  esplab leverage mcp --draws plans/mcp-lhs.toml --runs 20   # over 32 draws of the plan
  esplab leverage mcp --draws runs/mcp-calibration-1 --runs 10   # 40 posterior draws
  esplab leverage mcp --draws plans/mcp-lhs.toml --shard 0/4 --out runs/draws-0   # one of 4 slices

Each lever (advocacy, heroic vendor, cheaper security, liability, procurement, disclosure,
shock, exogenous regulation) is added at a standard size from --start-day on and compared with
the unchanged scenario over the same seeds. The long-run baseline is the mean baseline over the
last 365 days. An effect whose 95% interval contains zero is reported as indistinguishable from
zero. Each effect is split into three parts that add up to it: mechanical (what the lever writes
on the share itself, a regulation's floor, a heroic vendor's commitment, procurement's moves of
bound buyers, applied to the base's runs with no one responding), the vendors' response, and the
users' flows between offerings.

With --doses each lever is pulled at five or more intensities, with the ends of its real range
(data/lever_intensities.csv, with sources), and its curve, the intensity needed to raise the
long-run share by 0.05 and who can pull it are reported (doses.json, doses.csv).

With --draws PLAN (or FOLDER, a calibration's posterior) the levers are pulled in every draw, each run in
pairs on the same seeds; each lever's effect is reported across draws: the median and 90%
interval of the draws' effects, the seed noise, the spread across draws without it, the chance
it raises the baseline by more than 0.01, and the share of draws in which it ranks first.")]
    Leverage(LeverageArgs),
    /// Run a design of parameter points (grid, Latin hypercube, Sobol', or an imported design).
    #[command(after_help = "Examples:
  esplab sweep plans/mcp-lhs.toml --out runs/sweep
  esplab sweep plans/mcp-lhs.toml --shard 0/4 --out runs/shard-0     # one of 4 slices
  esplab merge --out runs/sweep runs/shard-0 runs/shard-1 runs/shard-2 runs/shard-3
  esplab sweep plans/mcp-lhs.toml --out runs/sweep --resume           # after an interruption
  esplab sweep plans/mcp-lhs.toml --export-design design.csv          # SALib/EMA layout

Writes sweep.csv and sweep.parquet (row, point, replicate, seed, the factors, the metrics) and
manifest.json. Rows are journaled as they finish: after Ctrl-C or kill -9, --resume finishes
the sweep without redoing or duplicating any row. The plan format is in docs/experiments.md.")]
    Sweep(SweepArgs),
    /// Join the folders of the shards of one sweep, or of one `leverage --draws`, into the
    /// result of the unsharded command.
    #[command(after_help = "Examples:
  esplab merge --out runs/sweep runs/shard-0 runs/shard-1 runs/shard-2 runs/shard-3
  esplab merge --out runs/robust runs/draws-0 runs/draws-1    # shards of leverage --draws

The shards must all be finished (each has its manifest.json, whose checksums are verified), of
the same plan and settings, and together every shard 0/N..N-1/N exactly once. The merged folder
is byte for byte the unsharded command's.")]
    Merge(MergeArgs),
    /// Global sensitivity of the metrics to the plan's factors: Sobol' indices or Morris effects.
    #[command(after_help = "Examples:
  esplab sensitivity plans/mcp-sensitivity.toml --method sobol
  esplab sensitivity plans/mcp-sensitivity.toml --method morris

Sobol': the plan's `points` is the number of base samples N (a power of two); the design has
N (d + 2) rows (Saltelli), first-order (Saltelli 2010) and total (Jansen) indices with bootstrap
95% half-widths, as SALib computes them. Morris: `points` trajectories on `morris_levels` levels;
mu, mu*, sigma. Each design row is the mean over the plan's replicates.")]
    Sensitivity(SensitivityArgs),
    /// Scenario discovery: PRIM finds the factor ranges where a condition on an outcome holds.
    #[command(after_help = "Examples:
  esplab sweep plans/mcp-lhs.toml --out runs/sweep
  esplab discover runs/sweep --where \"long_run_baseline > 0.1\"
  esplab leverage mcp --draws plans/mcp-lhs.toml --runs 20 --out runs/robust
  esplab discover runs/robust --where \"advocacy > 0.02\"       # where advocacy works
  esplab discover runs/robust --where \"heroic <= 0\" --threshold 0.7

Reads a sweep folder (one point per design point; each metric the mean over its replicates)
or a `leverage --draws` folder (one point per draw; each lever's effect is an outcome). Points
that meet the condition are the cases of interest. PRIM (Friedman and Fisher 1999, as the EMA
Workbench implements it) peels the box of all points down to the ranges of the factors that hold
them, then pastes back. Writes trajectory.csv (coverage, density and mass of every box on the
way), restrictions.csv (each box's limits and quasi-p-values), points.csv and discovery.json,
whose chosen box is the one with the largest coverage among those at least --threshold dense.")]
    Discover(DiscoverArgs),
    /// Find the punctuations of a run (or of every run of an ensemble): jumps, their causes, erosion.
    #[command(after_help = "Examples:
  esplab run iot-botnets --out runs/iot && esplab analyze runs/iot
  esplab ensemble iot-botnets --runs 100 --out runs/iot-e && esplab analyze runs/iot-e

Change points: PELT on the daily baseline changes (Normal mean-shift cost; the penalty is
printed). Jumps are short segments that raise the baseline by more than 0.01; each is traced
back through the event log (incident -> news -> security churn -> vendor raise, or outcry ->
regulation). For an ensemble, every run is recomputed from scenario.toml and the master seed,
analysed, and summarised across runs. Writes analysis.json into the folder.")]
    Analyze(AnalyzeArgs),
    /// Tell what happened in a run and why, in plain sentences.
    #[command(after_help = "Examples:
  esplab run iot-botnets --out runs/iot && esplab story runs/iot
  esplab story runs/mcp-1 > story.txt

Told from the chains of events behind the run's jumps (as esplab analyze finds them): the
incident that made the news, how each offering's share of the population moved over the next 30
days, the vendor raise or regulation that followed, and how far the baseline moved. Every number
is read from the folder's files; with a start date in the scenario (run.start_date), days are
also given as dates. The same story opens the run's report (esplab report).")]
    Story(StoryArgs),
    /// Check every stylized fact of the model over ensembles; exit status 0 only if all pass.
    #[command(after_help = "Examples:
  esplab validate
  esplab validate --runs 48 --users 50000 --out runs/validation

Runs ensembles of the presets and variants of them, and checks each stylized fact: ESP (1)-(3),
punctuated equilibrium, quiet vs loud, regulation after outcry. Then compares the shipped presets
with real surveys of their controls (data/shares.csv: the share of deployments meeting the
control on a date, with its sample size) and with the revisions of their standard
(data/revisions.csv); those comparisons are reported, not part of the exit status. Prints and
writes validation.json and validation.md (docs/validation.md is this table for the defaults).")]
    Validate(ValidateArgs),
    /// Make a self-contained HTML report with charts of an output folder.
    #[command(after_help = "Examples:
  esplab run iot-botnets --out runs/iot && esplab analyze runs/iot && esplab report runs/iot
  esplab report runs/mcp-leverage -o leverage.html
  esplab report runs/mcp-sensitivity --format svg      # also each chart as an SVG file
  esplab report runs/mcp-leverage --format png         # or as a PNG file

Works on the folders of run (with analyze's analysis.json when present), ensemble, compare,
leverage, sweep, sensitivity, calibrate and discover. The HTML has no script and loads nothing: it opens
offline and pastes into a slide deck. Default output: DIR/report.html.")]
    Report(ReportArgs),
    /// A local web explorer: pick a preset, move sliders, watch the simulation stream in.
    #[command(after_help = "Examples:
  esplab serve                        then open http://127.0.0.1:8080
  esplab serve --port 9000 --max-users 1000000
  esplab serve --host 0.0.0.0 --allow-remote     # reachable from other machines: a warning is printed

The page and its script are embedded in the binary; the API is under /api (POST /api/run takes
JSON settings and answers with server-sent events). Requests may name presets only and never
touch the file system. Limits: --max-users, --max-years, --max-runs per request and
--max-concurrent simulations (429 beyond), request bodies up to 16 KiB (413 beyond).")]
    Serve(ServeArgs),
    /// Check an output folder: every file against the manifest's checksums; runs and samples of
    /// ensembles re-run and compared byte for byte.
    #[command(after_help = "Examples:
  esplab verify runs/mcp-1
  esplab verify runs/mcp-ensemble --sample 10

Exit status 0 when everything matches; otherwise each problem is named (a missing or changed
file, or a re-run that gives other bytes).")]
    Verify(VerifyArgs),
    /// Fit parameters to statistics of real incident history and to observed shares (ABC-SMC).
    #[command(after_help = "Examples:
  esplab calibrate mcp --targets data/targets/mcp.toml
  esplab calibrate iot-botnets --targets data/targets/acute.toml \\
      --param regulator.lag_days=uniform:30:3000 --param attack.size_log10_sd=uniform:0.2:3
  esplab calibrate mcp --targets data/targets/mcp.toml --particles 500 --generations 8 --users 20000
  esplab calibrate mcp --targets data/targets/without-mcp.toml --holdout data/targets/holdout-mcp.toml

Approximate Bayesian computation by sequential Monte Carlo: generation 0 samples the priors;
each later generation perturbs the previous one and keeps runs whose statistics lie within a
shrinking tolerance of the targets (the --quantile of the previous distances). A particle stops
running replicates once no outcome of the rest could be accepted (the result is unchanged).
--holdout predicts figures left out of the fit (leave one technology out). Target files
(data/targets/*.toml) are derived from data/cases.csv and data/shares.csv by
data/derive_targets.py. A `share` target is a survey's share of deployments meeting the control
on a date: a simulated share within the survey's Wilson 95% interval matches it, so its sample
size is its uncertainty. Without --param, the priors are chosen from the targeted statistics
(see docs/calibration.md). Runs use 10,000 users unless --users says otherwise. Writes particles
and posterior (CSV and Parquet), calibration.json (credible intervals, how much the data
narrowed each prior, posterior predictive), targets.toml, scenario.toml and manifest.json. The
result is byte-identical for any --threads.")]
    Calibrate(CalibrateArgs),
    /// Fit a scenario to a technology's own series of observed shares, up to an as-of date.
    #[command(after_help = "Examples:
  esplab fit --series data/security_series.csv --events data/security_events.csv \\
      --series-id https-firefox-pageloads --as-of 2015-06 --out runs/https-fit
  esplab fit --series my-series.csv --series-id my-auth --base quiet --param vendors.security_cost=log-uniform:1:100

The series file has the columns series_id,technology,control,date,share (and optionally sample
and any provenance columns); the events file technology,date,kind (docs/observations.md). The
base is --base, or the preset data/shares.csv ties the series to, or the preset of its
technology. The scenario is the base cut at the as-of date (default: the last point): its
interventions after that date are left out, incidents of the events file with a size in records
become shocks, and every point up to the date becomes a share target. ABC-SMC (the sampler of
`esplab calibrate`) fits the priors, by default those the preset was calibrated with
(docs/calibration.md) or the drivers of a share. Runs use 10,000 users unless --users says
otherwise. Writes a calibration folder (posterior, particles, calibration.json, targets.toml,
scenario.toml) with fit.json, observations.csv and paths.csv (the fitted fan); `esplab
forecast FOLDER` carries it forward and `esplab report FOLDER` draws it.")]
    Fit(FitArgs),
    /// Run a fit's posterior past its as-of date: a fan of the share and the chances of events.
    #[command(after_help = "Examples:
  esplab forecast runs/https-fit --horizon 24mo
  esplab forecast --series data/security_series.csv --events data/security_events.csv \\
      --series-id mcp-remote-auth-kai --horizon 24mo --out runs/mcp-forecast

Draws of the posterior (by weight) each run once from day 0 to the as-of date plus --horizon
(N or Nd days, Nw, Nmo months, Ny years). Writes fan.csv (5/25/50/75/95% of the share on every
seventh day, fitted and forecast), chances.csv (a jump: a rise of the share by more than --jump
within 30 days; a regulation; a revision of the standard; an incident of at least
--mega-records records, each with a Wilson 95% interval over the draws), forecast.json,
observations.csv and scenario.toml. Given --series-id instead of a folder, it fits first (into
OUT/fit) with fit's defaults.")]
    Forecast(ForecastArgs),
    /// Score forecasts of a series made at past dates against what came after, beside naive rivals.
    #[command(after_help = "Examples:
  esplab backtest --series data/security_series.csv --events data/security_events.csv \\
      --series-id https-firefox-pageloads --as-of 2014-10 --as-of 2015-06 --horizon 12mo
  esplab backtest --series data/security_series.csv --series-id emv-us-merchants-visa --horizon 6mo

At each as-of date (repeatable; default: up to four of the series' own dates with a point after
them within the horizon) the series is fitted as `esplab fit` does, its posterior forecast to the
horizon, and every later point within it scored: the continuous ranked probability score (lower
is better), the 50% and 90% interval coverage and the log score (higher is better), beside three
naive methods fitted to the same points: persistence, a straight line in logit, and random
timing (persistence with jumps at the observed rate). A point with a sample is compared through
a binomial survey of that size, for every method alike. Writes scores.csv, points.csv,
backtest.json and manifest.json.")]
    Backtest(BacktestArgs),
    /// Print the JSON Schema of scenario files.
    Schema,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// An esplab output folder.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Runs of an ensemble to re-run (spread evenly over its runs).
    #[arg(long, default_value_t = 5)]
    pub sample: u64,
    /// Worker threads (0: one per core; at most 4 per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on; anything but loopback needs --allow-remote.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: std::net::IpAddr,
    /// Allow listening on a non-loopback address.
    #[arg(long)]
    pub allow_remote: bool,
    /// Most simulated users per request.
    #[arg(long, default_value_t = 200_000, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub max_users: u32,
    /// Most simulated years per request.
    #[arg(long, default_value_t = 20.0)]
    pub max_years: f64,
    /// Most runs (ensemble) or pairs (A/B) per request.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_runs: u32,
    /// Most simulations running at once.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub max_concurrent: u32,
}

#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// A sweep folder or a `leverage --draws` folder.
    #[arg(value_name = "FOLDER")]
    pub dir: PathBuf,
    /// The cases of interest: METRIC > X (or >=, <, <=); METRIC is a metric of the sweep or a
    /// lever of the leverage folder.
    #[arg(long = "where", value_name = "CONDITION")]
    pub condition: String,
    /// The density a box must reach to be chosen.
    #[arg(long, default_value_t = 0.8)]
    pub threshold: f64,
    /// Share of a box's points one peel removes.
    #[arg(long, default_value_t = 0.05)]
    pub peel_alpha: f64,
    /// Share of the points beside a side one paste adds back.
    #[arg(long, default_value_t = 0.05)]
    pub paste_alpha: f64,
    /// The smallest share of all points a box may hold.
    #[arg(long, default_value_t = 0.05)]
    pub mass_min: f64,
    /// Report this step of the trajectory instead of the chosen box.
    #[arg(long, value_name = "STEP")]
    pub step: Option<usize>,
    /// Output folder (default: a new folder runs/FOLDER-discover-N).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Replace an earlier esplab output in --out: what it wrote there is removed first (a folder
    /// that also holds files esplab did not write is refused, untouched).
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// An esplab output folder.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The HTML file to write (default: DIR/report.html).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Also write every chart as its own file (SVG, or PNG at twice the size), into a
    /// `figures` folder beside the HTML.
    #[arg(long, value_parser = ["svg", "png"])]
    pub format: Option<String>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Target file (e.g. data/targets/mcp.toml).
    #[arg(long, value_name = "FILE")]
    pub targets: String,
    /// Fit only this statistic of the target file (repeatable; default: every target; `share`
    /// keeps every observed share).
    #[arg(long = "only", value_name = "STATISTIC")]
    pub only: Vec<String>,
    /// Held-out figures to predict, not fit (e.g. data/targets/holdout-mcp.toml): the posterior
    /// predictive reports whether each lies within its central 90%, for an out-of-sample check.
    #[arg(long, value_name = "FILE")]
    pub holdout: Option<String>,
    /// A calibrated parameter and its prior: KEY=uniform:LOW:HIGH or KEY=log-uniform:LOW:HIGH
    /// (repeatable; default: chosen from the targets).
    #[arg(long = "param", value_name = "KEY=PRIOR")]
    pub param: Vec<String>,
    /// Particles per generation.
    #[arg(long, default_value_t = 200)]
    pub particles: u64,
    /// Generations after the prior one.
    #[arg(long, default_value_t = 5)]
    pub generations: u64,
    /// The next tolerance is this quantile of the current distances.
    #[arg(long, default_value_t = 0.5)]
    pub quantile: f64,
    /// Stop after a generation that accepted fewer than this share of its runs.
    #[arg(long, default_value_t = 0.02)]
    pub min_acceptance: f64,
    /// Most simulations in all; a generation that would exceed it is dropped.
    #[arg(long, default_value_t = 20_000)]
    pub max_simulations: u64,
    /// Runs per particle; its statistics are their medians (as the targets are medians over
    /// several real cases). At most 256: each replicate of a particle has a seed of its own.
    #[arg(long, default_value_t = 5)]
    pub replicates: u64,
    /// Posterior-predictive draws (each with --replicates runs).
    #[arg(long, default_value_t = 100)]
    pub predictive: u64,
    /// Worker threads (0: one per core; at most 4 per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Output folder (default: a new folder runs/NAME-calibration-N).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Replace an earlier esplab output in --out: what it wrote there is removed first (a folder
    /// that also holds files esplab did not write is refused, untouched).
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Runs per ensemble.
    #[arg(long, default_value_t = esplab_commands::validate::DEFAULT_RUNS)]
    pub runs: u64,
    /// Simulated users per run.
    #[arg(long, default_value_t = esplab_commands::validate::DEFAULT_USERS)]
    pub users: u64,
    /// Worker threads (0: one per core; at most 4 per core). Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Output folder (default: a new folder runs/validation-N).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Replace an earlier esplab output in --out: what it wrote there is removed first (a folder
    /// that also holds files esplab did not write is refused, untouched).
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Print nothing but errors and the final verdict.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// A run folder (`esplab run`) or an ensemble folder (`esplab ensemble`).
    pub dir: PathBuf,
    /// Worker threads for ensembles (0: one per core; at most 4 per core). Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Print nothing; only write analysis.json.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct StoryArgs {
    /// A run folder (`esplab run`).
    pub dir: PathBuf,
}

/// A plan file and the scenario options that apply to its base scenario (after the plan's
/// `[set]`; --seed also replaces the plan's seed).
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The plan file (TOML).
    pub plan: String,
    #[command(flatten)]
    pub options: ScenarioOptions,
    /// Worker threads (0: one per core; at most 4 per core). Outputs do not depend on it.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub plan: PlanArgs,
    /// Output folder (default: a new folder runs/PLAN-sweep-N).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Replace an earlier esplab output in --out: what it wrote there is removed first (a folder
    /// that also holds files esplab did not write is refused, untouched).
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Run only slice I of N (0 <= I < N), e.g. 0/4; join the slices with `esplab merge`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Finish an interrupted sweep in --out.
    #[arg(long, requires = "out", conflicts_with = "force")]
    pub resume: bool,
    /// Write the design (one row per point) as CSV to FILE and stop.
    #[arg(long, value_name = "FILE")]
    pub export_design: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Folder for the merged result.
    #[arg(long, short)]
    pub out: PathBuf,
    /// The shard folders, in any order.
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SensitivityArgs {
    #[command(flatten)]
    pub plan: PlanArgs,
    /// The method.
    #[arg(long, value_parser = ["sobol", "morris"], default_value = "sobol")]
    pub method: String,
    /// Bootstrap resamples for the confidence half-widths.
    #[arg(long, default_value_t = 100)]
    pub resamples: u64,
    /// Output folder (default: a new folder runs/PLAN-sensitivity-N).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Replace an earlier esplab output in --out: what it wrote there is removed first (a folder
    /// that also holds files esplab did not write is refused, untouched).
    #[arg(long, requires = "out")]
    pub force: bool,
}

/// Options of commands that run many replicates.
#[derive(Debug, Args)]
pub struct ExperimentArgs {
    /// Number of runs (replicates) per arm.
    #[arg(long, default_value_t = 100)]
    pub runs: u64,
    /// Worker threads (0: one per core; at most 4 per core). Outputs do not depend on it.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Output folder (default: a new folder runs/NAME-COMMAND-N).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Replace an earlier esplab output in --out: what it wrote there is removed first (a folder
    /// that also holds files esplab did not write is refused, untouched).
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Finish an interrupted experiment in --out: runs already journaled there are kept.
    #[arg(long, requires = "out", conflicts_with = "force")]
    pub resume: bool,
    /// Print nothing but errors (no progress bar, no table).
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct EnsembleArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    #[command(flatten)]
    pub experiment: ExperimentArgs,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// The variant scenario (file or preset); default: BASE with the --vary overrides.
    pub variant: Option<String>,
    /// Override a field of the variant only: --vary path.to.key=value (repeatable).
    #[arg(long = "vary", value_name = "KEY=VALUE")]
    pub vary: Vec<String>,
    #[command(flatten)]
    pub experiment: ExperimentArgs,
}

#[derive(Debug, Args)]
pub struct LeverageArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Day from which every lever is pulled (default: one fifth into the horizon).
    #[arg(long)]
    pub start_day: Option<u32>,
    /// Offering of the heroic vendor (default: the offering with the fewest users, among those
    /// with any, on the start day of the base's first run).
    #[arg(long)]
    pub heroic: Option<String>,
    /// Pull the levers in every draw of PLAN's design (a plan varying the same scenario; its
    /// `[set]` applies), or in draws from the posterior of a calibration FOLDER of the same
    /// scenario, and summarise each lever's effect across draws; --runs is per draw.
    #[arg(long, value_name = "PLAN|FOLDER")]
    pub draws: Option<String>,
    /// With --draws FOLDER: how many draws to take from the posterior (by weight).
    #[arg(long, default_value_t = 40)]
    pub posterior_draws: u64,
    /// With --draws: run only slice I of N of the draws (0 <= I < N), e.g. 0/4; join the slices
    /// with `esplab merge`.
    #[arg(long, value_name = "I/N", requires = "draws")]
    pub shard: Option<String>,
    /// Pull only this lever (repeatable; default: all eight).
    #[arg(long = "lever", value_name = "NAME")]
    pub levers: Vec<String>,
    /// Pull each lever at five or more intensities, with the ends of its real range
    /// (data/lever_intensities.csv), and report its dose-response curve, the intensity needed
    /// to raise the long-run share by 0.05 and who can pull it; --runs is per dose.
    #[arg(long, conflicts_with = "draws")]
    pub doses: bool,
    #[command(flatten)]
    pub experiment: ExperimentArgs,
}

/// Options that override a scenario's fields.
#[derive(Debug, Args)]
pub struct ScenarioOptions {
    /// Master seed (overrides run.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Simulated users (overrides run.users).
    #[arg(long)]
    pub users: Option<u64>,
    /// Horizon in years (overrides run.years).
    #[arg(long)]
    pub years: Option<f64>,
    /// Override any field: --set path.to.key=value (repeatable; applied in order, before
    /// --seed, --users and --years).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}

/// Options shared by every command that takes a scenario.
#[derive(Debug, Args)]
pub struct ScenarioArgs {
    /// A scenario file (TOML) or the name of a preset (see `esplab scenarios`).
    #[arg(value_name = "SCENARIO")]
    pub scenario: String,
    #[command(flatten)]
    pub options: ScenarioOptions,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Output folder (default: a new folder runs/NAME-N).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Replace an earlier esplab output in --out: what it wrote there is removed first (a folder
    /// that also holds files esplab did not write is refused, untouched).
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Threads for the run's per-user work (0: one per core; at most 4 per core). Outputs do not depend on it.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Print the resolved scenario (every parameter) as TOML.
    #[arg(long)]
    pub resolved: bool,
}

#[derive(Debug, Args)]
pub struct ScenariosArgs {
    /// Print the text of one preset.
    #[arg(long, value_name = "NAME", conflicts_with = "parameters")]
    pub show: Option<String>,
    /// Print the reference table of every scenario parameter (Markdown).
    #[arg(long)]
    pub parameters: bool,
}

/// Which series to fit, on which base.
#[derive(Debug, Args)]
pub struct SeriesArgs {
    /// The series file (columns series_id,technology,control,date,share; optionally sample).
    #[arg(long, value_name = "FILE")]
    pub series: Option<String>,
    /// The events file (columns technology,date,kind; optionally description,magnitude,source_url).
    #[arg(long, value_name = "FILE")]
    pub events: Option<String>,
    /// The series to fit (a value of the series file's series_id column).
    #[arg(long, value_name = "ID")]
    pub series_id: Option<String>,
    /// The base scenario: a preset or a scenario file (default: the series' own preset).
    #[arg(long, value_name = "SCENARIO")]
    pub base: Option<String>,
    /// The offering whose deployments the series measured, or `market` (default: the base's
    /// tie in data/shares.csv, else the market).
    #[arg(long, value_name = "NAME")]
    pub offering: Option<String>,
    /// A fitted parameter and its prior: KEY=uniform:LOW:HIGH or KEY=log-uniform:LOW:HIGH
    /// (repeatable; default: the preset's calibration priors, or the drivers of a share).
    #[arg(long = "param", value_name = "KEY=PRIOR")]
    pub param: Vec<String>,
    /// Keep the base's interventions after the as-of date, as scheduled before it (by default
    /// a fit knows nothing after its as-of date).
    #[arg(long)]
    pub keep_scheduled: bool,
    /// Master seed (overrides run.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Simulated users per run (default 10,000).
    #[arg(long)]
    pub users: Option<u64>,
    /// Override any field of the base: --set path.to.key=value (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}

/// How a fit samples (ABC-SMC).
#[derive(Debug, Args)]
pub struct SamplerArgs {
    /// Particles per generation.
    #[arg(long, default_value_t = 100)]
    pub particles: u64,
    /// Generations after the prior one.
    #[arg(long, default_value_t = 4)]
    pub generations: u64,
    /// The next tolerance is this quantile of the current distances.
    #[arg(long, default_value_t = 0.5)]
    pub quantile: f64,
    /// Stop after a generation that accepted fewer than this share of its runs.
    #[arg(long, default_value_t = 0.02)]
    pub min_acceptance: f64,
    /// Most simulations of a fit; a generation that would exceed it is dropped.
    #[arg(long, default_value_t = 3000)]
    pub max_simulations: u64,
    /// Runs per particle (their medians are compared). At most 256.
    #[arg(long, default_value_t = 1)]
    pub replicates: u64,
    /// Posterior-predictive draws of the targets.
    #[arg(long, default_value_t = 50)]
    pub predictive: u64,
}

#[derive(Debug, Args)]
pub struct FitArgs {
    #[command(flatten)]
    pub series: SeriesArgs,
    /// The last date the fit sees: YYYY, YYYY-MM or YYYY-MM-DD (default: the series' last point).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    #[command(flatten)]
    pub sampler: SamplerArgs,
    /// Posterior draws run to the as-of date for the fitted fan.
    #[arg(long, default_value_t = 200)]
    pub draws: u64,
    /// Worker threads (0: one per core; at most 4 per core). Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Output folder (default: a new folder runs/SERIES-fit-N).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Replace an earlier esplab output in --out: what it wrote there is removed first (a folder
    /// that also holds files esplab did not write is refused, untouched).
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct ForecastArgs {
    /// A folder written by `esplab fit` (or give --series and --series-id to fit first).
    #[arg(
        value_name = "FIT",
        required_unless_present = "series_id",
        conflicts_with = "series_id"
    )]
    pub fit: Option<PathBuf>,
    /// How far past the as-of date: N or Nd (days), Nw, Nmo (months), Ny (years).
    #[arg(long, default_value = "24mo")]
    pub horizon: String,
    /// Posterior draws.
    #[arg(long, default_value_t = 200)]
    pub draws: u64,
    /// A jump is a rise of the share by more than this within 30 days.
    #[arg(long, default_value_t = esplab_commands::forecast::DEFAULT_JUMP)]
    pub jump: f64,
    /// A mega-incident harms at least this many records.
    #[arg(long, default_value_t = esplab_commands::forecast::DEFAULT_MEGA_RECORDS)]
    pub mega_records: f64,
    #[command(flatten)]
    pub series: SeriesArgs,
    /// With --series-id: the last date the fit sees (default: the series' last point).
    #[arg(long, value_name = "DATE", requires = "series_id")]
    pub as_of: Option<String>,
    #[command(flatten)]
    pub sampler: SamplerArgs,
    /// Worker threads (0: one per core; at most 4 per core). Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Output folder (default: a new folder runs/SERIES-forecast-N).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Replace an earlier esplab output in --out: what it wrote there is removed first (a folder
    /// that also holds files esplab did not write is refused, untouched).
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct BacktestArgs {
    #[command(flatten)]
    pub series: SeriesArgs,
    /// A date the fit stops at (repeatable; default: up to four of the series' own dates).
    #[arg(long = "as-of", value_name = "DATE")]
    pub as_of: Vec<String>,
    /// How far past each as-of date to score: N or Nd (days), Nw, Nmo (months), Ny (years).
    #[arg(long, default_value = "12mo")]
    pub horizon: String,
    #[command(flatten)]
    pub sampler: SamplerArgs,
    /// Posterior draws forecast at each as-of date.
    #[arg(long, default_value_t = 200)]
    pub draws: u64,
    /// A jump of the random-timing method: a rise of more than this between points at most a
    /// month apart.
    #[arg(long, default_value_t = esplab_commands::forecast::DEFAULT_JUMP)]
    pub jump: f64,
    /// Worker threads (0: one per core; at most 4 per core). Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Output folder (default: a new folder runs/SERIES-backtest-N).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Replace an earlier esplab output in --out: what it wrote there is removed first (a folder
    /// that also holds files esplab did not write is refused, untouched).
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}
