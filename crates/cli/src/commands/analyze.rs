//! `esplab analyze`: the punctuation analysis of a run folder, as a table and `analysis.json`;
//! of an ensemble folder, every run's analysis summarised across runs.

use crate::options::AnalyzeArgs;
use crate::shared::{stop, Bar};
use anyhow::Result;
use esplab_commands::analyze::{ensemble, run, Outcome, Subject};
use esplab_commands::threads::executor;
use esplab_scenario::Spelling;
use serde_json::Value;
use std::process::ExitCode;

fn optional(x: Option<f64>, digits: usize) -> String {
    x.map(|v| format!("{v:.digits$}")).unwrap_or_else(|| "-".into())
}

fn days(x: Option<u32>) -> String {
    x.map(|v| format!("{v} days"))
        .unwrap_or_else(|| "none within the run".into())
}

fn show(name: &str, v: &Value) {
    if v["n"] == 0 {
        println!("  {name:<40} -");
    } else {
        println!(
            "  {name:<40} {:>10.4} [{:.4}, {:.4}]  (n = {})",
            v["median"].as_f64().unwrap_or(f64::NAN),
            v["low"].as_f64().unwrap_or(f64::NAN),
            v["high"].as_f64().unwrap_or(f64::NAN),
            v["n"]
        );
    }
}

pub fn analyze(args: AnalyzeArgs) -> Result<ExitCode> {
    let dir = &args.dir;
    let subject = Subject::Folder {
        dir: dir.clone(),
        write: true,
    };
    let executor = executor(args.threads)?;
    let outcome = run(subject, &executor, Spelling::Cli, &Bar::new(args.quiet), stop())?;
    if args.quiet {
        return Ok(ExitCode::SUCCESS);
    }
    let a = match outcome {
        Outcome::Run { analysis, .. } => analysis,
        Outcome::Ensemble(e) => {
            print_ensemble(&e);
            return Ok(ExitCode::SUCCESS);
        }
    };
    println!("esplab analyze: {} ({} days)", dir.display(), a.days);
    println!(
        "change points: PELT on daily baseline changes, Normal mean-shift cost, penalty {:.3e} = max(2 sigma^2 ln n, 0.01^2/2)",
        a.penalty
    );
    println!("\njumps of the baseline ({}):", a.jumps.len());
    for j in &a.jumps {
        let lag = j.chain.first().map(|l| j.day.saturating_sub(l.day)).unwrap_or(0);
        println!(
            "  day {:>5}  {:+.4}  {}  (lag from the first link: {lag} days)",
            j.day, j.size, j.cause
        );
        for l in &j.chain {
            println!("      day {:>5}  {}", l.day, l.what);
        }
    }
    let equilibria: Vec<_> = a
        .segments
        .iter()
        .filter(|s| !s.is_jump && s.end - s.start >= 30)
        .collect();
    println!(
        "\nequilibria (segments of 30 days or more between change points): {}",
        equilibria.len()
    );
    for s in equilibria.iter().take(12) {
        println!(
            "  days {:>5} .. {:>5}  baseline change {:+.4}  ({:+.4} per year)",
            s.start, s.end, s.change, s.rate_per_year
        );
    }
    if equilibria.len() > 12 {
        println!("  ... {} more in analysis.json", equilibria.len() - 12);
    }
    println!("\nbaseline changes (Normal: kurtosis 3, L-kurtosis 0.1226):");
    println!(
        "  kurtosis       daily {:>10.1}   weekly {:>10.1}",
        a.daily_kurtosis, a.weekly_kurtosis
    );
    println!(
        "  L-kurtosis     daily {:>10.3}   weekly {:>10.3}",
        a.daily_l_kurtosis, a.weekly_l_kurtosis
    );
    println!(
        "  largest 5% of weekly changes carry {} of the total increase and {} of the total decrease",
        a.top5_share_of_increase
            .map(|s| format!("{:.0}%", 100.0 * s))
            .unwrap_or_else(|| "-".into()),
        a.top5_share_of_decrease
            .map(|s| format!("{:.0}%", 100.0 * s))
            .unwrap_or_else(|| "-".into())
    );
    let i = &a.incidents;
    println!(
        "\nincidents: {}; log10(records) mean {:.2}, sd {:.2}; tail exponent (Hill, top 10%) {}; monthly count variance/mean {:.2}",
        i.count,
        i.log10_mean,
        i.log10_sd,
        optional(i.tail_exponent, 2),
        i.monthly_variance_to_mean
    );
    if !i.abandonment_by_decile.is_empty() {
        println!("  victims who abandoned within 90 days, by incident size decile:");
        for (k, d) in i.abandonment_by_decile.iter().enumerate() {
            println!(
                "    decile {:>2}  {:>10.3e} .. {:>10.3e} records  {:>7.0} victims  {:>5.1}% abandoned",
                k + 1,
                d.low,
                d.high,
                d.victims,
                100.0 * d.abandoned_share
            );
        }
    }
    if !a.news.is_empty() {
        println!("\nadoption after news ({} items, 30 days apart or more):", a.news.len());
        for n in a.news.iter().take(10) {
            println!(
                "  day {:>5}  drop {:.4}  recovered after {}",
                n.day,
                n.drop,
                n.recovery_days
                    .map(|d| format!("{d} days"))
                    .unwrap_or_else(|| "(not within the run)".into())
            );
        }
    }
    let l = &a.lags;
    println!("\nresponse lags:");
    match l.first_news_day {
        Some(d) => println!(
            "  first salient incident (news) on day {d}: first vendor raise after {}, first regulation after {}",
            days(l.news_to_first_vendor_raise),
            days(l.news_to_first_regulation)
        ),
        None => println!("  no incident made the news"),
    }
    if let Some(d) = l.losses_start_day {
        println!(
            "  losses start on day {d}: first vendor raise after {}, first regulation after {}",
            days(l.losses_to_first_vendor_raise),
            days(l.losses_to_first_regulation)
        );
    }
    println!("\nanalysis written to {}/analysis.json", dir.display());
    Ok(ExitCode::SUCCESS)
}

fn print_ensemble(e: &ensemble::Outcome) {
    println!(
        "esplab analyze: ensemble {} ({} runs recomputed from scenario.toml and master seed {})",
        e.dir.display(),
        e.runs,
        e.master
    );
    println!("median [95% interval of the median] over runs (or over all jumps and equilibria of all runs):");
    for key in ensemble::PRINTED {
        show(key, &e.document[key]);
    }
    println!("causes of jumps across runs:");
    for (cause, count) in &e.causes {
        println!("  {cause:<48} {count}");
    }
    println!("analysis written to {}/analysis.json", e.dir.display());
}
