//! The stylized facts of the Efficient Security Principle, each checked over an ensemble of
//! seeds with a statistic and a margin (never on a single seed).

mod common;

use common::*;
use esplab_model::{EventKind, Recorder};

fn mean_baseline(r: &Recorder) -> f64 {
    r.summary.mean_baseline
}

/// Asserts that the paired differences are positive: mean above two standard errors and above
/// `minimum`.
fn assert_positive(differences: &[f64], minimum: f64, what: &str) {
    let m = mean(differences);
    let se = standard_error(differences);
    eprintln!(
        "{what}: mean paired difference {m:.4} (se {se:.4}, n {})",
        differences.len()
    );
    assert!(
        m - 2.0 * se > 0.0,
        "{what}: mean {m:.4} is within two standard errors ({se:.4}) of zero"
    );
    assert!(m > minimum, "{what}: mean {m:.4} below the minimum effect {minimum}");
}

#[test]
fn esp1_more_excitement_gives_a_lower_baseline() {
    let calm = ensemble(&scenario("mcp", &["excitement.base=1.0"]));
    let excited = ensemble(&scenario("mcp", &["excitement.base=2.5"]));
    assert_positive(&paired(&calm, &excited, mean_baseline), 0.02, "ESP (1) excitement");
}

#[test]
fn esp3_a_better_offering_gives_a_lower_baseline() {
    let capable = [
        "offerings.0.capability=3.0",
        "offerings.1.capability=2.7",
        "offerings.2.capability=2.4",
    ];
    let ordinary = ensemble(&scenario("mcp", &[]));
    let better = ensemble(&scenario("mcp", &capable));
    assert_positive(&paired(&ordinary, &better, mean_baseline), 0.02, "ESP (3) capability");
}

/// Security churn share of offering `j` over the vendor's window ending on `day`, restarting
/// after each raise, recomputed from the daily records.
fn window_churn(r: &Recorder, j: usize, day: usize, window: usize, last_raise: Option<usize>) -> f64 {
    let start = (day + 1)
        .saturating_sub(window)
        .max(last_raise.map(|d| d + 1).unwrap_or(0));
    let lost: f64 = (start..=day).map(|d| r.offerings[d][j].security_churn).sum();
    if lost <= 0.0 {
        0.0
    } else {
        lost / (r.offerings[day][j].users + lost)
    }
}

#[test]
fn esp2_vendors_raise_security_exactly_when_security_churn_crosses_tolerance() {
    let mut raises = 0;
    let mut days_checked = 0;
    for name in ["mcp", "iot-botnets", "heroic-effort"] {
        let s = scenario(name, &[]);
        let tolerance = s.parameters.vendors.tolerance;
        let window = s.parameters.vendors.churn_window_days as usize;
        for r in ensemble(&s) {
            for j in 0..r.offerings[0].len() {
                let raise_days: Vec<usize> = r
                    .events
                    .iter()
                    .filter(|e| e.kind == EventKind::VendorRaise && e.offering == Some(j))
                    .map(|e| e.day as usize)
                    .collect();
                let mut last_raise = None;
                for day in 0..r.days.len() {
                    let churn = window_churn(&r, j, day, window, last_raise);
                    let raised = raise_days.contains(&day);
                    // Churn is recomputed from shares rounded through f64; allow a hair.
                    if (churn - tolerance).abs() > 1e-9 {
                        assert_eq!(
                            raised,
                            churn > tolerance,
                            "{name}: offering {j} day {day}: churn {churn} vs tolerance {tolerance}"
                        );
                    }
                    if raised {
                        raises += 1;
                        last_raise = Some(day);
                    }
                    days_checked += 1;
                }
            }
        }
    }
    eprintln!("ESP (2): {raises} raises over {days_checked} offering-days, each exactly when churn > tolerance");
    assert!(
        raises >= 100,
        "too few raises ({raises}) for the check to mean anything"
    );
}

#[test]
fn esp2_without_security_churn_security_only_erodes() {
    // No attacks and no hype: nothing frightens users, so no vendor may ever raise security.
    let s = scenario(
        "mcp",
        &["attack.rate=0", "excitement.hype_peak=0", "excitement.momentum=0"],
    );
    for r in ensemble(&s) {
        assert_eq!(r.summary.vendor_raises, 0);
        for w in r.offerings.windows(2) {
            for (a, b) in w[0].iter().zip(&w[1]) {
                assert!(b.security <= a.security + 1e-15, "security rose without churn");
            }
        }
        assert!(
            r.summary.final_baseline < r.days[0].baseline * 0.5,
            "security must erode"
        );
    }
}

#[test]
fn punctuated_equilibrium_baseline_changes_are_leptokurtic_and_jumps_carry_the_increase() {
    let runs = ensemble(&scenario("mcp", &[]));
    let daily: Vec<f64> = runs.iter().map(|r| kurtosis(&baseline_changes(r, 1))).collect();
    let weekly: Vec<f64> = runs.iter().map(|r| kurtosis(&baseline_changes(r, 7))).collect();
    let top: Vec<f64> = runs
        .iter()
        .filter_map(|r| top_share_of_increase(&baseline_changes(r, 7), 0.05))
        .collect();
    eprintln!("{} of {} runs have a baseline increase", top.len(), runs.len());
    assert!(
        top.len() * 4 >= runs.len() * 3,
        "most runs see the baseline rise at some point"
    );
    eprintln!(
        "median kurtosis daily {:.1}, weekly {:.1}; median share of increase in top 5% of weeks {:.3}",
        median(&daily),
        median(&weekly),
        median(&top)
    );
    // A Normal has kurtosis 3; policy-change distributions are called leptokurtic well above it.
    assert!(median(&daily) > 30.0);
    assert!(median(&weekly) > 10.0);
    assert!(median(&top) > 0.6, "a few weeks carry most of the total increase");
}

#[test]
fn quiet_losses_leave_the_baseline_flat_and_one_mega_incident_makes_it_jump() {
    let quiet = ensemble(&scenario("quiet", &[]));
    let loud = ensemble(&scenario("loud", &[]));
    // The same expected total loss (records): the realised quiet total is within 10%.
    let ratio = mean(&quiet.iter().map(|r| r.summary.total_loss).collect::<Vec<_>>())
        / mean(&loud.iter().map(|r| r.summary.total_loss).collect::<Vec<_>>());
    eprintln!("quiet/loud total loss ratio {ratio:.3}");
    assert!((0.9..1.1).contains(&ratio));
    let increase = |r: &Recorder| baseline_changes(r, 7).iter().filter(|c| **c > 0.0).sum::<f64>();
    let quiet_increase: Vec<f64> = quiet.iter().map(increase).collect();
    eprintln!("mean total weekly increase: quiet {:.4}", mean(&quiet_increase));
    assert!(mean(&quiet_increase) < 0.01, "quiet losses leave the baseline flat");
    assert!(quiet
        .iter()
        .all(|r| r.summary.vendor_raises == 0 && r.summary.news == 0));
    // Around the mega-incident (day 730) the baseline jumps.
    let jump = |r: &Recorder| r.days[760].baseline - r.days[725].baseline;
    assert_positive(
        &paired(&loud, &quiet, jump),
        0.1,
        "loud minus quiet jump around day 730",
    );
}

#[test]
fn regulation_follows_outcry_with_its_lag_and_never_comes_without_a_salient_incident() {
    let mut regulations = 0;
    for name in ["mcp", "loud", "iot-botnets", "heroic-effort", "quiet", "online-banking"] {
        let s = scenario(name, &[]);
        let lag = s.parameters.regulator.lag_days;
        for r in ensemble(&s) {
            for e in r.events.iter().filter(|e| e.kind == EventKind::Regulation) {
                regulations += 1;
                let outcry = r
                    .events
                    .iter()
                    .find(|o| o.kind == EventKind::Outcry && o.day + lag == e.day);
                let outcry = outcry.unwrap_or_else(|| panic!("{name}: regulation on day {} without outcry", e.day));
                let news_before = r
                    .events
                    .iter()
                    .any(|n| n.kind == EventKind::News && n.day <= outcry.day && n.day + 120 >= outcry.day);
                assert!(
                    news_before,
                    "{name}: outcry on day {} without news before it",
                    outcry.day
                );
            }
            if name == "quiet" || name == "online-banking" {
                assert_eq!(
                    r.summary.regulations, 0,
                    "{name}: chronic quiet losses bring no regulation"
                );
            }
        }
    }
    let loud = ensemble(&scenario("loud", &[]));
    let regulated = loud.iter().filter(|r| r.summary.regulations > 0).count();
    eprintln!(
        "{regulations} regulations checked; loud regulated in {regulated} of {}",
        loud.len()
    );
    assert!(
        regulated * 10 >= loud.len() * 8,
        "a mega-incident brings regulation in most runs"
    );
}
