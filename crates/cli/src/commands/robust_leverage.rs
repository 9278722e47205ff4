//! `esplab leverage SCENARIO --draws PLAN|FOLDER`: every standard lever pulled in each draw of a
//! plan's design or of a calibration's posterior, each draw's levers run in pairs on the same seeds, and each lever's effect on the
//! long-run baseline summarised across draws (leverage under uncertainty).

use crate::options::LeverageArgs;
use crate::shared::{
    ensure_memory, journaled_job, lever_usage, overrides, progress, resumable_folder, signed, usage, warn, PairedJob,
};
use anyhow::{Context, Result};
use esplab_experiment::jobs::draws::LeverDraws;
use esplab_experiment::jobs::{parse_shard, shard_rows};
use esplab_experiment::robust::{summarize, MARGIN};
use esplab_experiment::Executor;
use esplab_model::Parameters;
use esplab_output::calibration_files::posterior_draws;
use esplab_output::journal::Kind;
use esplab_output::robust_files::{draws_table, ranked, robust_document, robust_table, write_robust_leverage};
use esplab_scenario::plan::Plan;
use esplab_scenario::{sha256_hex, Override, Scenario};
use serde_json::json;
use std::ops::ControlFlow;
use std::path::Path;
use std::process::ExitCode;

/// Where the draws of parameters come from, and the draws.
struct Draws {
    /// How the source is named in the settings and the summary.
    kind: &'static str,
    source: String,
    source_sha256: String,
    factors: Vec<String>,
    points: Vec<Vec<f64>>,
    base: Parameters,
    parameters: Vec<Parameters>,
}

/// The design points of the plan at `path`, which must vary `scenario`.
fn plan_draws(path: &str, scenario: &Scenario, overrides: &[Override]) -> Result<Draws> {
    let plan = Plan::load(path, overrides)?;
    warn(&plan.scenario.warnings);
    if plan.scenario.name != scenario.name {
        return usage(format!(
            "--draws {path}: the plan varies scenario {:?}, not {:?}; give the plan's scenario",
            plan.scenario.name, scenario.name
        ));
    }
    let points = plan.design_points();
    Ok(Draws {
        kind: "plan",
        source: plan.source.clone(),
        source_sha256: plan.hash(),
        factors: plan.factors.iter().map(|f| f.key.clone()).collect(),
        parameters: points.iter().map(|x| plan.parameters_for(x)).collect(),
        points,
        base: plan.scenario.parameters.clone(),
    })
}

/// `count` draws by weight from the posterior of the calibration folder `dir` (on the scenario
/// the calibration ran, with the command line's overrides), which must be of `scenario`.
fn draws_from_posterior(dir: &Path, scenario: &Scenario, overrides: &[Override], count: u64) -> Result<Draws> {
    let found = match posterior_draws(dir, overrides, count as usize) {
        Ok(found) => found,
        Err(message) => return usage(format!("--draws {}: {message}", dir.display())),
    };
    if found.scenario.name != scenario.name {
        return usage(format!(
            "--draws {}: the calibration is of scenario {:?}, not {:?}; give the calibrated scenario",
            dir.display(),
            found.scenario.name,
            scenario.name
        ));
    }
    Ok(Draws {
        kind: "posterior",
        source: dir.display().to_string(),
        source_sha256: found.posterior.manifest_sha256,
        factors: found.posterior.keys,
        points: found.points,
        base: found.scenario.parameters,
        parameters: found.parameters,
    })
}

/// `esplab leverage` over the draws of a plan's design or a calibration's posterior at `source`.
pub fn robust_leverage(args: &LeverageArgs, source: &str) -> Result<ExitCode> {
    let e = &args.experiment;
    let overrides = overrides(&args.scenario.options)?;
    // The scenario names what the draws must vary; a plan's warnings say the rest.
    let scenario = Scenario::load(&args.scenario.scenario, &overrides)?;
    let path = Path::new(source);
    let draws = if path.is_dir() {
        draws_from_posterior(path, &scenario, &overrides, args.posterior_draws)?
    } else {
        plan_draws(source, &scenario, &overrides)?
    };
    let shard = match &args.shard {
        None => None,
        Some(text) => match parse_shard(text) {
            Ok(shard) => Some(shard),
            Err(e) => return usage(format!("--shard {e}")),
        },
    };
    // A shard runs a contiguous slice of the draws, numbered as in the whole.
    let slice = shard_rows(draws.points.len() as u64, shard)?;
    let slice = slice.start as usize..slice.end as usize;
    let (points, base) = (&draws.points[slice.clone()], &draws.base);
    let master = base.run.seed;
    let job = match LeverDraws::new(
        base,
        &draws.parameters[slice.clone()],
        args.start_day,
        args.heroic.as_deref(),
        e.runs,
        master,
    ) {
        Ok(job) => job,
        Err(error) => return lever_usage(error, &scenario.name),
    };
    let what = format!("paired runs ({} arms each)", job.arms());
    let executor = Executor::new(e.threads);
    ensure_memory(
        &what,
        job.setups.iter().flat_map(|s| s.arms.iter()),
        &executor,
        job.indices(),
    )?;
    let dir = resumable_folder(
        e.out.as_deref(),
        &format!("{}-robust-leverage", scenario.name),
        e.force,
        e.resume,
    )?;
    let arms: Vec<&Vec<Parameters>> = job.setups.iter().map(|s| &s.arms).collect();
    let paired = PairedJob {
        identity: sha256_hex(format!("{arms:?} master {master} runs {}", e.runs).as_bytes()),
        indices: job.indices(),
        shape: (job.arms(), job.width()),
        values: |i| job.metrics(i),
    };
    let bar = progress(job.indices(), &what, e.quiet);
    let (results, journal) = match journaled_job(&executor, &paired, Kind::Leverage, &dir, e.resume, &bar, e.quiet)? {
        ControlFlow::Continue(done) => done,
        ControlFlow::Break(code) => return Ok(code),
    };
    let effects = job.effects(&results);
    let robust = summarize(&effects);
    let setup = &job.setups[0];
    let levers = &setup.levers;
    let factors = &draws.factors;
    let mut settings = json!({
        "master_seed": master,
        "runs_per_draw": e.runs,
        "draws": draws.points.len(),
        "draws_from": draws.kind,
        draws.kind: draws.source,
        format!("{}_sha256", draws.kind): draws.source_sha256,
        "factors": factors,
        "start_day": setup.start,
        "heroic_offering": setup.heroic_name,
    });
    if let Some((i, n)) = shard {
        settings["shard"] = json!({"index": i, "count": n, "draws": [slice.start, slice.end]});
    }
    let document = robust_document(levers, &robust, &settings);
    write_robust_leverage(
        &dir,
        &document,
        &robust_table(levers, &robust),
        &draws_table(levers, factors, slice.start, points, &effects),
        &scenario,
        settings,
        Some(journal),
    )
    .with_context(|| format!("cannot write the results into {}", dir.display()))?;
    if !e.quiet {
        println!(
            "esplab leverage: {} ({}) over {} draws of the {} {} ({}), {} paired runs per lever and draw, levers pulled from day {}",
            scenario.name,
            scenario.source,
            points.len(),
            draws.kind,
            draws.source,
            factors.join(", "),
            e.runs,
            setup.start
        );
        println!(
            "\n  {:<4} {:<17} {:>9} {:>21} {:>11} {:>9} {:>12} {:>9}",
            "rank", "lever", "median", "90% across draws", "seed noise", "spread", "P(> +0.01)", "first"
        );
        for (rank, r) in ranked(&robust).iter().enumerate() {
            println!(
                "  {:<4} {:<17} {:>9} {:>21} {:>11.4} {:>9.4} {:>12.2} {:>9.2}",
                rank + 1,
                levers[r.lever].name(),
                signed(r.median),
                format!("[{}, {}]", signed(r.low), signed(r.high)),
                r.seed_noise,
                r.spread,
                r.raises_by_margin,
                r.ranks_first
            );
        }
        println!(
            "\nmedian and 5%-95% quantiles of the draws' paired effects on the long-run baseline; seed noise: root mean square of\n\
             their standard errors; spread: their standard deviation across draws with the seed noise removed; P(> +{MARGIN}):\n\
             the chance the lever raises the baseline by more than {MARGIN}, pooled over draws; first: share of draws where it ranks first.\n\
             heroic vendor: {} (--heroic chooses)\nresults in {}/ (robust-leverage.json, robust-leverage.csv, leverage-draws.csv, manifest.json)",
            setup.heroic_name,
            dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
