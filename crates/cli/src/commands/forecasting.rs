//! `esplab fit`, `forecast` and `backtest`: a technology's own series fitted, carried forward
//! and scored against naive rivals (`esplab_commands::{fit, forecast, backtest}` do the work;
//! this converts the command line and prints the tables).

use crate::options::{BacktestArgs, FitArgs, ForecastArgs, SamplerArgs, SeriesArgs};
use crate::shared::{destination, stop, warn, Bar};
use anyhow::{anyhow, Result};
use esplab_commands::backtest::{self, METHODS};
use esplab_commands::calibrate::{prior_text, Sampler};
use esplab_commands::forecast::{self, CHANCES};
use esplab_commands::format::number;
use esplab_commands::threads::executor;
use esplab_commands::{fit, Executor};
use esplab_scenario::{Override, Settings, Spelling};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A control as printed: `(none named)` when the base names none.
fn non_empty(control: &str) -> &str {
    if control.is_empty() {
        "(none named)"
    } else {
        control
    }
}

fn sampler(args: &SamplerArgs) -> Sampler {
    Sampler {
        particles: args.particles,
        generations: args.generations,
        quantile: args.quantile,
        min_acceptance: args.min_acceptance,
        max_simulations: args.max_simulations,
        replicates: args.replicates,
        predictive: args.predictive,
    }
}

/// The series file and id, which fit and backtest need.
fn series_and_id(args: &SeriesArgs) -> Result<(String, String)> {
    match (&args.series, &args.series_id) {
        (Some(s), Some(id)) => Ok((s.clone(), id.clone())),
        (None, _) => Err(anyhow!(esplab_commands::error::CommandError::Usage(
            "--series FILE is required: the series file to fit".into()
        ))),
        (_, None) => Err(anyhow!(esplab_commands::error::CommandError::Usage(
            "--series-id ID is required: the series of the file to fit".into()
        ))),
    }
}

fn overrides(args: &SeriesArgs) -> Result<Vec<Override>> {
    let settings = Settings {
        set: args
            .set
            .iter()
            .map(|s| Override::parse(s))
            .collect::<Result<Vec<_>, _>>()?,
        seed: args.seed,
        users: args.users,
        years: None,
    };
    Ok(settings.overrides(Spelling::Cli))
}

fn fit_request(
    args: &SeriesArgs,
    as_of: Option<String>,
    sampler_args: &SamplerArgs,
    draws: u64,
    out: Option<&Path>,
    force: bool,
) -> Result<fit::Request> {
    let (series, series_id) = series_and_id(args)?;
    Ok(fit::Request {
        series,
        events: args.events.clone(),
        series_id,
        as_of,
        base: args.base.clone(),
        offering: args.offering.clone(),
        overrides: overrides(args)?,
        params: args.param.clone(),
        keep_scheduled: args.keep_scheduled,
        sampler: sampler(sampler_args),
        draws,
        destination: destination(out, force, false),
    })
}

/// Runs a fit and prints it; returns its folder.
fn run_fit(request: fit::Request, executor: &Executor, quiet: bool) -> Result<PathBuf> {
    let prepared = request.prepare(executor, Spelling::Cli)?;
    warn(&prepared.setup.scenario.warnings)?;
    let s = &prepared.setup;
    if !quiet {
        eprintln!(
            "esplab fit: {} on {} ({}), {} as of {}: {} points seen, {} after; {} parameters, {} users",
            s.selected.series_id,
            s.selected.base,
            s.selected.base_reason,
            s.selected.offering.as_deref().unwrap_or("the market"),
            s.as_of.text,
            s.seen.len(),
            s.later.len(),
            prepared.factors.len(),
            s.scenario.parameters.run.users
        );
        eprintln!(
            "  the series counts: {}\n  the base's control: {} (a fit means something only where the two agree)",
            s.selected.control,
            non_empty(&s.scenario.parameters.security.control)
        );
        for note in &s.notes {
            eprintln!("  note: {note}");
        }
    }
    let outcome = prepared.run(executor, &Bar::new(quiet), stop())?;
    if !quiet {
        let r = &outcome.result;
        println!(
            "esplab fit: {} simulations; {}",
            r.calibration.simulations(),
            r.calibration.ending.describe()
        );
        println!("posterior (median, 95% credible interval; prior):");
        for (f, m) in outcome.factors.iter().zip(&r.marginals) {
            println!(
                "  {:<36} {:>10} [{}, {}]   prior {}",
                f.key,
                number(m.median),
                number(m.low95),
                number(m.high95),
                prior_text(f)
            );
        }
        let fans = esplab_commands::outlooks::fan(
            &outcome.outlooks,
            &outcome.setup.seen.iter().map(|p| p.day).collect::<Vec<_>>(),
        );
        println!(
            "fitted share at the points seen ({} draws): date, observed, p05, p50, p95",
            outcome.outlooks.len()
        );
        for (p, q) in outcome.setup.seen.iter().zip(&fans) {
            println!(
                "  {:<12} {:>8} {:>8} {:>8} {:>8}",
                p.observation.date.text,
                number(p.observation.share),
                number(q[0]),
                number(q[2]),
                number(q[4])
            );
        }
    }
    let dir = outcome.dir.clone().expect("the command line always writes a folder");
    if !quiet {
        println!("results written to {}", dir.display());
    }
    Ok(dir)
}

pub fn fit(args: FitArgs) -> Result<ExitCode> {
    let executor = executor(args.threads)?;
    let request = fit_request(
        &args.series,
        args.as_of.clone(),
        &args.sampler,
        args.draws,
        args.out.as_deref(),
        args.force,
    )?;
    run_fit(request, &executor, args.quiet)?;
    Ok(ExitCode::SUCCESS)
}

pub fn forecast(args: ForecastArgs) -> Result<ExitCode> {
    let executor = executor(args.threads)?;
    let (fit_dir, out) = match &args.fit {
        Some(dir) => (dir.clone(), args.out.clone()),
        None => {
            // Fit first, into OUT/fit, then forecast into OUT.
            let (_, series_id) = series_and_id(&args.series)?;
            let out = args.out.clone().map_or_else(
                || esplab_commands::destination::new_folder(&format!("{series_id}-forecast")),
                Ok,
            )?;
            if esplab_commands::destination::holds_files(&out) {
                if !args.force {
                    return Err(esplab_commands::error::CommandError::Occupied {
                        dir: out,
                        interrupted: None,
                    }
                    .into());
                }
                esplab_commands::destination::clear(&out, &[])?;
            }
            let request = fit_request(
                &args.series,
                args.as_of.clone(),
                &args.sampler,
                args.draws,
                Some(&out.join("fit")),
                false,
            )?;
            (run_fit(request, &executor, args.quiet)?, Some(out))
        }
    };
    let request = forecast::Request {
        fit: fit_dir,
        horizon: args.horizon.clone(),
        draws: args.draws,
        jump: args.jump,
        mega_records: args.mega_records,
        destination: destination(out.as_deref(), args.force, false).map(|mut d| {
            if args.fit.is_none() {
                // OUT holds the fit just written into OUT/fit, and nothing else.
                d.keep = vec!["fit".into()];
            }
            d
        }),
    };
    let prepared = request.prepare(&executor, Spelling::Cli)?;
    warn(&prepared.fit.scenario.warnings)?;
    let outcome = prepared.run(&executor, &Bar::new(args.quiet), stop())?;
    if !args.quiet {
        let s = outcome.summary();
        println!(
            "esplab forecast: {} ({}) from {} for {} ({} draws, {} users)",
            s["series_id"].as_str().unwrap_or_default(),
            s["control"].as_str().unwrap_or_default(),
            s["as_of"].as_str().unwrap_or_default(),
            outcome.prepared.horizon,
            outcome.outlooks.len(),
            s["users"]
        );
        println!(
            "  share on {} (the as-of date): median {}",
            s["as_of"].as_str().unwrap_or_default(),
            number(s["share_at_as_of"].as_f64().unwrap_or(f64::NAN))
        );
        let q = &s["share_at_horizon"];
        println!(
            "  share on {}: median {}, 50% band [{}, {}], 90% band [{}, {}]",
            s["until"].as_str().unwrap_or_default(),
            number(q["p50"].as_f64().unwrap_or(f64::NAN)),
            number(q["p25"].as_f64().unwrap_or(f64::NAN)),
            number(q["p75"].as_f64().unwrap_or(f64::NAN)),
            number(q["p05"].as_f64().unwrap_or(f64::NAN)),
            number(q["p95"].as_f64().unwrap_or(f64::NAN))
        );
        println!("  chance within the horizon (95% interval over the draws):");
        for (name, c) in CHANCES.iter().zip(&outcome.chances) {
            println!(
                "    {:<14} {:>6.1}%  [{:.1}%, {:.1}%]",
                name,
                100.0 * c.share,
                100.0 * c.low,
                100.0 * c.high
            );
        }
        if let Some(dir) = &outcome.prepared.dir {
            println!("results written to {}", dir.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn backtest(args: BacktestArgs) -> Result<ExitCode> {
    let executor = executor(args.threads)?;
    let (series, series_id) = series_and_id(&args.series)?;
    let request = backtest::Request {
        series,
        events: args.series.events.clone(),
        series_id,
        as_of: args.as_of.clone(),
        horizon: args.horizon.clone(),
        base: args.series.base.clone(),
        offering: args.series.offering.clone(),
        overrides: overrides(&args.series)?,
        params: args.series.param.clone(),
        keep_scheduled: args.series.keep_scheduled,
        sampler: sampler(&args.sampler),
        draws: args.draws,
        jump: args.jump,
        destination: destination(args.out.as_deref(), args.force, false),
    };
    let prepared = request.prepare(&executor, Spelling::Cli)?;
    if !args.quiet {
        let s = &prepared.setups[0];
        eprintln!(
            "esplab backtest: {} on {} ({}), {} as-of dates, horizon {}, {} users",
            s.selected.series_id,
            s.selected.base,
            s.selected.base_reason,
            prepared.setups.len(),
            prepared.horizon,
            s.scenario.parameters.run.users
        );
        eprintln!(
            "  the series counts: {}\n  the base's control: {}",
            s.selected.control,
            non_empty(&s.scenario.parameters.security.control)
        );
    }
    let outcome = prepared.run(&executor, &Bar::new(args.quiet), stop())?;
    if !args.quiet {
        println!(
            "  {:<12} {:<14} {:>5} {:>6} {:>9} {:>7} {:>7} {:>9}",
            "as of", "method", "seen", "scored", "CRPS", "cov50", "cov90", "log score"
        );
        for a in &outcome.as_of {
            for method in METHODS {
                match a.summary(method) {
                    Some(s) => println!(
                        "  {:<12} {:<14} {:>5} {:>6} {:>9.4} {:>6.0}% {:>6.0}% {:>9.2}",
                        a.as_of,
                        method,
                        a.seen,
                        s.points,
                        s.crps,
                        100.0 * s.coverage_50,
                        100.0 * s.coverage_90,
                        s.log_score
                    ),
                    None => println!(
                        "  {:<12} {:<14} {:>5} {:>6}   not scored: {}",
                        a.as_of,
                        method,
                        a.seen,
                        0,
                        a.unscored
                            .iter()
                            .find(|(m, _)| *m == method)
                            .map_or("no point within the horizon", |(_, w)| w.as_str())
                    ),
                }
            }
        }
        if let Some(dir) = &outcome.prepared.dir {
            println!("results written to {}", dir.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
