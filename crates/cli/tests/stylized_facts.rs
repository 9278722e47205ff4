//! The stylized facts of the Efficient Security Principle, each checked over an ensemble of 24
//! seeds with a statistic, an interval and a margin (never on a single seed). The checks are
//! those of `esplab validate` (`esplab_experiment::facts`): the reactive rule's on the presets
//! turned back into the version-1 model, and some of the economic vendors' on the presets.

mod common;

use common::*;
use esplab_experiment::facts::{self, economic, Check};
use esplab_model::Recorder;

/// The preset `name` with `overrides`, turned back into the version-1 model.
fn v1(name: &str, overrides: &[&str]) -> esplab_scenario::Scenario {
    let all: Vec<&str> = overrides.iter().chain(facts::REACTIVE.iter()).copied().collect();
    scenario(name, &all)
}

fn assert_passes(check: &Check) {
    eprintln!(
        "{}: {} = {:.4} [{:.4}, {:.4}]",
        check.fact, check.statistic, check.value, check.low, check.high
    );
    assert!(check.pass, "{check:#?}");
}

#[test]
fn esp1_more_excitement_gives_a_lower_baseline() {
    let calm = ensemble(&v1("mcp", &["excitement.base=1.0"]));
    let excited = ensemble(&v1("mcp", &["excitement.base=2.5"]));
    assert_passes(&facts::lower_baseline(
        "ESP (1)",
        "excitement rises",
        &calm,
        &excited,
        0.02,
    ));
}

#[test]
fn esp3_a_better_offering_gives_a_lower_baseline() {
    let capable = [
        "offerings.0.capability=3.0",
        "offerings.1.capability=3.0",
        "offerings.2.capability=2.85",
    ];
    let ordinary = ensemble(&v1("mcp", &[]));
    let better = ensemble(&v1("mcp", &capable));
    assert_passes(&facts::lower_baseline(
        "ESP (3)",
        "capabilities triple",
        &ordinary,
        &better,
        0.02,
    ));
}

#[test]
fn esp2_vendors_raise_security_exactly_when_security_churn_crosses_tolerance() {
    let mut groups: Vec<(f64, usize, Vec<Recorder>)> = Vec::new();
    for name in ["mcp", "iot-botnets", "heroic-effort"] {
        let s = v1(name, &[]);
        let v = &s.parameters.vendors;
        groups.push((v.tolerance, v.churn_window_days as usize, ensemble(&s)));
    }
    let refs: Vec<(f64, usize, &[Recorder])> = groups.iter().map(|(t, w, r)| (*t, *w, r.as_slice())).collect();
    assert_passes(&facts::vendor_rule(&refs));
}

#[test]
fn esp2_without_security_churn_security_only_erodes() {
    let s = v1(
        "mcp",
        &["attack.rate=0", "excitement.hype_peak=0", "excitement.momentum=0"],
    );
    assert_passes(&facts::no_churn_no_raise(&ensemble(&s)));
}

#[test]
fn punctuated_equilibrium_baseline_changes_are_leptokurtic_and_jumps_carry_the_increase() {
    for check in facts::punctuated(&ensemble(&v1("mcp", &[]))) {
        assert_passes(&check);
    }
}

#[test]
fn quiet_losses_leave_the_baseline_flat_and_one_mega_incident_makes_it_jump() {
    let quiet = ensemble(&v1("quiet", &[]));
    let loud = ensemble(&v1("loud", &[]));
    for check in facts::quiet_vs_loud(&quiet, &loud, 730) {
        assert_passes(&check);
    }
}

#[test]
fn regulation_follows_outcry_with_its_lag_and_never_comes_without_a_salient_incident() {
    let names = ["mcp", "loud", "iot-botnets", "heroic-effort", "quiet", "online-banking"];
    let runs: Vec<(u32, Vec<Recorder>)> = names
        .iter()
        .map(|n| {
            let s = v1(n, &[]);
            (s.parameters.regulator.lag_days, ensemble(&s))
        })
        .collect();
    let groups: Vec<(&str, u32, &[Recorder])> = names
        .iter()
        .zip(&runs)
        .map(|(n, (lag, r))| (*n, *lag, r.as_slice()))
        .collect();
    assert_passes(&facts::regulation_follows_outcry(&groups));
    let chronic: Vec<Recorder> = runs[4].1.iter().chain(&runs[5].1).cloned().collect();
    for check in facts::regulation_needs_salience(&chronic, &runs[1].1) {
        assert_passes(&check);
    }
}

/// Seeds of the ensembles whose effect is small: the economic vendors' ESP (1) in `mcp` is about
/// 0.03 (0.030 [0.016, 0.043] over 96 runs of `esplab compare`), which 24 seeds resolve only
/// about half the time.
const SMALL_EFFECT_SEEDS: u64 = 96;

#[test]
fn economic_vendors_lower_security_under_excitement_with_no_excitement_term_of_their_own() {
    // A claim about the market: in `mcp` the regulator's required share sets the long-run
    // baseline within five years, so the regulator is off (as in `esplab validate`).
    let calm = ensemble_of(
        &scenario("mcp", &["regulator.enabled=false", "excitement.base=1.0"]),
        SMALL_EFFECT_SEEDS,
    );
    let excited = ensemble_of(
        &scenario("mcp", &["regulator.enabled=false", "excitement.base=2.5"]),
        SMALL_EFFECT_SEEDS,
    );
    assert_passes(&economic::moves_long_run(
        "ESP (1), economic",
        "excitement rises",
        &calm,
        &excited,
        -1.0,
    ));
}

/// Where vendors' losses are material (merchants bearing counterfeit fraud), liability speeds up
/// their raises; in `mcp`, whose vendors' losses are small beside their revenue, its effect is
/// within noise (docs/validation.md).
#[test]
fn economic_vendors_answer_liability_and_rises_are_more_punctuated_than_falls() {
    let liable = ensemble(&scenario("us-chip-cards", &[]));
    let not_liable = ensemble(&scenario("us-chip-cards", &["interventions.0.share=0"]));
    let day = liable_day();
    for check in economic::lever_speeds_growth("Liability", "the shift", &liable, &not_liable, day, 320, "") {
        assert_passes(&check);
    }
    assert_passes(&economic::rises_more_punctuated_than_falls(&ensemble(&scenario(
        "mcp",
        &[],
    ))));
}

/// The day of `us-chip-cards`' liability shift.
fn liable_day() -> usize {
    scenario("us-chip-cards", &[]).parameters.interventions[0].start() as usize
}

/// 30% of users require security 0.5 from day 365.
const PROCUREMENT: [&str; 4] = [
    "interventions.0.kind=procurement",
    "interventions.0.day=365",
    "interventions.0.share=0.3",
    "interventions.0.minimum=0.5",
];

#[test]
fn procurement_rules_raise_the_baseline_through_vendors_choices() {
    let base = ensemble(&scenario("mcp", &[]));
    let ruled = ensemble(&scenario("mcp", &PROCUREMENT));
    assert_passes(&economic::raised_by_vendors(
        "Procurement",
        "30% of users require security 0.5",
        &base,
        &ruled,
    ));
    // The lever writes no security: without users who reconsider, bound users are held to the
    // rules only when they adopt or leave over risk, and vendors have less to win.
    let still = "users.rechoice=0";
    let still_base = ensemble(&scenario("mcp", &[still]));
    let still_ruled = ensemble(&scenario("mcp", &[&[still][..], &PROCUREMENT].concat()));
    let effect = |b: &[Recorder], v: &[Recorder]| {
        b.iter()
            .zip(v)
            .map(|(b, v)| economic::long_run(v) - economic::long_run(b))
            .sum::<f64>()
            / b.len() as f64
    };
    let (fickle, loyal) = (effect(&base, &ruled), effect(&still_base, &still_ruled));
    eprintln!("procurement's effect with re-choice {fickle:.4}, without {loyal:.4}");
    assert!(fickle > loyal + 0.02, "{fickle} > {loyal} + 0.02");
}
