//! `esplab story`: every number and date of the story's sentences is checked against the run's
//! files (events.csv, offerings.csv, flows.csv, timeseries.csv, analysis.json), read here on
//! their own.

mod common;

use common::{esplab, ok, temp};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// A CSV file as rows of named cells.
fn table(dir: &Path, name: &str) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(dir.join(name)).unwrap();
    let headers: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    reader
        .records()
        .map(|r| {
            headers
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(str::to_string))
                .collect()
        })
        .collect()
}

fn number(text: &str) -> f64 {
    text.trim_end_matches(['%', '.', ',', ';', ')', ':'])
        .parse()
        .unwrap_or_else(|_| panic!("{text:?} is not a number"))
}

/// Every `(day N)` of the text, with the date written before it.
fn dated_days(text: &str) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices(" (day ") {
        let date = text[..i].rsplit(' ').next().unwrap().to_string();
        let day = text[i + 6..].split(')').next().unwrap().parse().unwrap();
        out.push((date, day));
    }
    out
}

/// The word after `marker` in `sentence`, and the rest after it.
fn after<'a>(sentence: &'a str, marker: &str) -> Option<&'a str> {
    sentence.find(marker).map(|i| &sentence[i + marker.len()..])
}

fn first_word(text: &str) -> &str {
    text.split_whitespace().next().unwrap_or_default()
}

/// A number of records as the story tells it ("3.2 million"): its value, and the unit's scale.
fn told_records(amount: &str) -> (f64, f64) {
    let (value, unit) = amount.split_once(' ').unwrap_or((amount, ""));
    let scale = match unit {
        "billion" => 1e9,
        "million" => 1e6,
        "thousand" => 1e3,
        _ => 1.0,
    };
    (number(value) * scale, scale)
}

/// The day of the first `(day N)` in `text`.
fn day_in(text: &str) -> u32 {
    dated_days(text)[0].1
}

/// Checks that every raise of events.csv (`rows`) is told once in the story's paragraph of
/// raises, with its reason in words, and that no paragraph is told twice; returns the raises
/// checked.
fn raises_told_with_reasons(paragraphs: &[&str], rows: &[&HashMap<String, String>]) -> usize {
    let close = |told: f64, truth: f64, what: &str| {
        assert!(
            (told - truth).abs() <= 0.005 + 1e-9,
            "{what}: told {told}, the files say {truth}"
        )
    };
    let mut checked = 0;
    let summary = paragraphs
        .iter()
        .position(|p| p.starts_with("Vendors raised security "));
    assert_eq!(summary.is_some(), !rows.is_empty(), "{paragraphs:?}");
    if let Some(at) = summary {
        let told = paragraphs[at];
        let steps: Vec<(f64, f64, u32)> = told
            .split("from ")
            .skip(1)
            .filter_map(|step| {
                let (a, rest) = step.split_once(" to ")?;
                let (b, rest) = rest.split_once(" on ")?;
                Some((
                    a.parse().ok()?,
                    b.parse().ok()?,
                    *dated_days(rest).first().map(|(_, d)| d)?,
                ))
            })
            .collect();
        assert_eq!(steps.len(), rows.len(), "every raise told once: {told}");
        for (row, (a, b, day)) in rows.iter().zip(&steps) {
            assert_eq!(row["day"], day.to_string(), "{told}");
            close(*a, number(&row["from"]), "raised from");
            close(*b, number(&row["to"]), "raised to");
            let words = match row["reason"].as_str() {
                "churn" => "over risk",
                "chance" => "at random",
                "newcomers" => "to win newcomers",
                "kept" => "to keep its users",
                "won" => "to win rivals' users",
                "incidents" => "to lose fewer users to incidents",
                "liability" => "to cut its share of incident losses",
                "rules" => "to meet the procurement rules' minimum",
                other => panic!("a raise without a reason: {other:?}"),
            };
            assert!(
                told.contains(words),
                "the reason of the raise on day {day} ({words}): {told}"
            );
            checked += 1;
        }
    }
    let mut distinct: Vec<&str> = paragraphs.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        paragraphs.len(),
        "no paragraph is told twice: {paragraphs:?}"
    );
    checked
}

#[test]
fn the_story_of_mcp_names_the_reason_of_every_raise_and_tells_no_paragraph_twice() {
    for strategy in ["economic", "reactive"] {
        let dir = temp(&format!("story-mcp-{strategy}")).join("run");
        let out = dir.to_str().unwrap();
        let strategy_set = format!("vendors.strategy=\"{strategy}\"");
        ok(&[
            "run",
            "mcp",
            "--users",
            "20000",
            "--set",
            &strategy_set,
            "--quiet",
            "--out",
            out,
        ]);
        let story = String::from_utf8(ok(&["story", out]).stdout).unwrap();
        let paragraphs: Vec<&str> = story.split("\n\n").collect();
        let events = table(&dir, "events.csv");
        let rows: Vec<&HashMap<String, String>> = events.iter().filter(|e| e["kind"] == "vendor_raise").collect();
        assert!(raises_told_with_reasons(&paragraphs, &rows) > 0, "{strategy}: {story}");
    }
}

#[test]
fn every_number_of_the_story_comes_from_the_files() {
    let dir = temp("story").join("run");
    let out = dir.to_str().unwrap();
    // The shock harms its size in users, so that vendors answer it and the story has a jump.
    ok(&[
        "run",
        "iot-botnets",
        "--set",
        "interventions.0.harmed=1e8",
        "--users",
        "2000",
        "--years",
        "2",
        "--quiet",
        "--out",
        out,
    ]);
    ok(&["analyze", out, "--quiet"]);
    let story = String::from_utf8(ok(&["story", out]).stdout).unwrap();
    let events = table(&dir, "events.csv");
    let offerings = table(&dir, "offerings.csv");
    let flows = table(&dir, "flows.csv");
    let series = table(&dir, "timeseries.csv");
    let analysis: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("analysis.json")).unwrap()).unwrap();
    let share = |offering: &str, day: u32| -> f64 {
        let row = offerings
            .iter()
            .find(|r| r["offering"] == offering && r["day"] == day.to_string())
            .unwrap_or_else(|| panic!("no row of {offering} on day {day}"));
        100.0 * number(&row["users"])
    };
    let close = |told: f64, truth: f64, step: f64, what: &str| {
        assert!(
            (told - truth).abs() <= step / 2.0 + 1e-9,
            "{what}: told {told}, the files say {truth}"
        );
    };

    // Dates: day 0 is the preset's start date, the Mirai shock (day 659) fell on 2016-10-21,
    // and every date told beside a day is the date events.csv gives that day.
    let dates = dated_days(&story);
    assert!(dates.contains(&("2015-01-01".into(), 0)), "{story}");
    assert!(dates.contains(&("2016-10-21".into(), 659)), "{story}");
    let by_day: HashMap<String, String> = events.iter().map(|e| (e["day"].clone(), e["date"].clone())).collect();
    for (date, day) in &dates {
        if let Some(d) = by_day.get(&day.to_string()) {
            assert_eq!(d, date, "day {day}");
        }
    }

    let mut checked = HashMap::<&str, usize>::new();
    let paragraphs: Vec<&str> = story.split("\n\n").collect();
    // The opening: peak adoption, the baseline at both ends, the number of jumps, the end shares.
    let opening = paragraphs[0];
    let adoption: Vec<f64> = series.iter().map(|r| number(&r["adoption"])).collect();
    let peak = adoption.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let told_peak = first_word(after(opening, "adoption rose to ").unwrap());
    close(number(told_peak), 100.0 * peak, 0.1, "peak adoption");
    let peak_day = day_in(after(opening, "of the population by ").unwrap());
    assert_eq!(adoption[peak_day as usize], peak, "the peak's day");
    // The preset names its control: security is told as the share of it.
    assert!(
        opening.contains(
            "The security baseline, the share of connected devices without default or shared credentials over all users' offerings, went from "
        ),
        "{opening}"
    );
    let baseline = after(opening, " went from ").unwrap();
    close(
        number(first_word(baseline)),
        number(&series[0]["baseline"]),
        0.01,
        "first baseline",
    );
    let last = series.last().unwrap();
    close(
        number(first_word(after(baseline, "to ").unwrap())),
        number(&last["baseline"]),
        0.01,
        "last baseline",
    );
    let jumps = analysis["jumps"].as_array().unwrap();
    let told_jumps = match jumps.len() {
        0 => "with no jump".to_string(),
        1 => "with one jump".to_string(),
        n => format!("with {n} jumps"),
    };
    assert!(opening.contains(&told_jumps), "{opening}");
    for part in after(opening, "shares of the population: ")
        .unwrap()
        .trim_end_matches('.')
        .split(", ")
    {
        let (name, value) = part.rsplit_once(' ').unwrap();
        close(number(value), share(name, number(&last["day"]) as u32), 0.1, name);
        *checked.entry("end share").or_default() += 1;
    }

    let raise_rows: Vec<&HashMap<String, String>> = events.iter().filter(|e| e["kind"] == "vendor_raise").collect();
    *checked.entry("raise reason").or_default() += raises_told_with_reasons(&paragraphs, &raise_rows);

    for sentence in paragraphs[1..]
        .iter()
        .filter(|p| !p.starts_with("Vendors raised security "))
        .flat_map(|p| p.split_inclusive(". "))
    {
        if let Some(rest) = after(sentence, " an incident of ") {
            // "On DATE (day N) an incident of X million records at O made the news."
            // Or, without news: "On DATE (day N) an incident of X records hit O."
            let day = day_in(sentence);
            let news = rest.contains(" records at ");
            let (amount, rest) = rest
                .split_once(" records at ")
                .or_else(|| rest.split_once(" records hit "))
                .unwrap();
            let offering = first_word(rest).trim_end_matches('.');
            let (told, scale) = told_records(amount);
            let largest = events
                .iter()
                .filter(|e| e["kind"] == "incident" && e["day"] == day.to_string() && e["offering"] == offering)
                .map(|e| number(&e["size"]))
                .fold(f64::NEG_INFINITY, f64::max);
            close(told, largest, 0.1 * scale, "incident size");
            assert!(
                !news
                    || events
                        .iter()
                        .any(|e| e["kind"] == "news" && e["day"] == day.to_string()),
                "news on day {day}"
            );
            *checked.entry("incident").or_default() += 1;
        }
        if let Some(rest) = after(sentence, " a vulnerability of ") {
            // "On DATE (day N) a vulnerability of X records at O was disclosed and made the news."
            let day = day_in(sentence);
            let (amount, rest) = rest.split_once(" records at ").unwrap();
            let offering = first_word(rest);
            let (told, scale) = told_records(amount);
            let largest = events
                .iter()
                .filter(|e| {
                    e["kind"] == "vulnerability"
                        && e["day"] == day.to_string()
                        && e["offering"] == offering
                        && e["detail"].contains("public yes")
                })
                .map(|e| number(&e["size"]))
                .fold(f64::NEG_INFINITY, f64::max);
            close(told, largest, 0.1 * scale, "disclosed vulnerability size");
            assert!(
                events.iter().any(|e| e["kind"] == "news"
                    && e["day"] == day.to_string()
                    && e["detail"].starts_with("disclosed vulnerability of ")),
                "news of a disclosure on day {day}"
            );
            *checked.entry("vulnerability").or_default() += 1;
        }
        if let Some(rest) = after(sentence, ", the users of ") {
            // "From DATE (day A) to DATE (day B), the users of O went from P% to Q% of the
            // population (O2: P2% to Q2%; ...)."
            let days: Vec<u32> = dated_days(sentence).iter().map(|d| d.1).collect();
            let (from, to) = (days[0], days[1]);
            let offering = first_word(rest);
            let moved = after(rest, "went from ").unwrap();
            close(number(first_word(moved)), share(offering, from), 0.1, offering);
            close(
                number(first_word(after(moved, "to ").unwrap())),
                share(offering, to),
                0.1,
                offering,
            );
            if let Some(others) = after(rest, "population (") {
                for other in others.trim_end_matches(['.', ')', ' ']).split("; ") {
                    let (name, values) = other.split_once(": ").unwrap();
                    let (p, q) = values.split_once(" to ").unwrap();
                    close(number(p), share(name, from), 0.1, name);
                    close(number(q), share(name, to), 0.1, name);
                }
            }
            *checked.entry("moves").or_default() += 1;
        }
        if let Some(rest) = after(sentence, ", users leaving ") {
            // "Between DATE (day A) and DATE (day B), users leaving O came to X% of its users on
            // DATE (day A): Y% went to O2, Z% to O3 and W% stopped using the technology; users
            // joining it came to V%."
            let days: Vec<u32> = dated_days(sentence).iter().map(|d| d.1).collect();
            let (from, to) = (days[0], days[1]);
            let offering = first_word(rest);
            let moved = |into: Option<&str>| -> f64 {
                let rows = flows.iter().filter(|r| {
                    let day: u32 = r["day"].parse().unwrap();
                    day > from && day <= to
                });
                let rows: Vec<_> = match into {
                    Some(into) => rows.filter(|r| r["from"] == offering && r["to"] == into).collect(),
                    None => rows.filter(|r| r["to"] == offering).collect(),
                };
                100.0 * rows.iter().map(|r| number(&r["users"])).sum::<f64>() / (share(offering, from) / 100.0)
            };
            let (total, destinations) = after(rest, " came to ")
                .unwrap()
                .split_once(" of its users on ")
                .unwrap();
            let destinations = after(destinations, "): ").unwrap();
            let (destinations, joined) = destinations.split_once("; users joining it came to ").unwrap();
            let mut told_total = 0.0;
            for part in destinations.split(", ").flat_map(|p| p.split(" and ")) {
                let value = number(first_word(part));
                let into = if part.ends_with("stopped using the technology") {
                    ""
                } else {
                    part.rsplit(' ').next().unwrap()
                };
                close(value, moved(Some(into)), 0.1, &format!("{offering} to {into:?}"));
                told_total += value;
            }
            let every: f64 = [""]
                .into_iter()
                .chain(offerings.iter().map(|r| r["offering"].as_str()))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .map(|into| moved(Some(into)))
                .sum();
            close(number(total), every, 0.1, "users leaving");
            assert!(
                (told_total - number(total)).abs() < 0.1 * 6.0,
                "the parts make the total"
            );
            close(number(joined.trim()), moved(None), 0.1, "users joining");
            *checked.entry("flows").or_default() += 1;
        }
        if sentence.starts_with("Between ") && sentence.contains(" raised its share of ") {
            // "Between DATE and DATE, O raised its share of CONTROL twice REASON: from A to B on
            // DATE (day N), from C to D on DATE (day M)."
            let offering = sentence
                .split(" raised its ")
                .next()
                .unwrap()
                .rsplit(' ')
                .next()
                .unwrap();
            for step in sentence.split("from ").skip(1) {
                let (a, rest) = step.split_once(" to ").unwrap();
                let (b, rest) = rest.split_once(" on ").unwrap();
                let day = dated_days(rest)[0].1;
                assert!(
                    raise_rows.iter().any(|e| e["day"] == day.to_string()
                        && e["offering"] == offering
                        && (number(&e["from"]) - number(a)).abs() <= 0.005 + 1e-9
                        && (number(&e["to"]) - number(b)).abs() <= 0.005 + 1e-9),
                    "no raise by {offering} on day {day} from {a} to {b}"
                );
                *checked.entry("raise").or_default() += 1;
            }
        } else if sentence.contains(" raised its share of ") {
            // "On DATE (day N) O raised its share of CONTROL from A to B[, and O2 raised its own
            // from C to D]." The raise's day is the last one told before it ("After the news of
            // ..., on ...").
            let head = sentence.split(" raised its share of ").next().unwrap();
            let day = dated_days(head).last().unwrap().1;
            let raises: Vec<&str> = sentence.split(", and ").collect();
            for raise in raises {
                let before = raise.split(" raised its ").next().unwrap();
                let offering = before.rsplit(' ').next().unwrap();
                let values = after(raise, " from ").unwrap();
                let (a, b) = values.split_once(" to ").unwrap();
                // A vendor may raise more than once a day: one of its raises that day is told.
                let matches = events
                    .iter()
                    .filter(|e| e["kind"] == "vendor_raise" && e["day"] == day.to_string() && e["offering"] == offering)
                    .filter(|row| {
                        let detail = row["detail"].strip_prefix("security ").unwrap();
                        let (x, y) = detail.split_once(" -> ").unwrap();
                        (number(a) - number(x)).abs() <= 0.005 + 1e-9
                            && (number(first_word(b)) - number(first_word(y))).abs() <= 0.005 + 1e-9
                    })
                    .count();
                assert!(matches > 0, "no raise by {offering} on day {day} from {a} to {b}");
                *checked.entry("raise").or_default() += 1;
            }
        }
        if let Some(rest) = after(sentence, "The security baseline rose by ") {
            let day = day_in(rest);
            let jump = jumps
                .iter()
                .find(|j| j["day"] == day)
                .unwrap_or_else(|| panic!("no jump on day {day}"));
            close(
                number(first_word(rest)),
                jump["size"].as_f64().unwrap(),
                0.01,
                "jump size",
            );
            *checked.entry("jump").or_default() += 1;
        }
    }
    for kind in [
        "end share",
        "incident",
        "moves",
        "flows",
        "raise",
        "raise reason",
        "jump",
    ] {
        assert!(
            checked.get(kind).copied().unwrap_or(0) > 0,
            "no {kind} sentence was checked:\n{story}"
        );
    }
}

#[test]
fn a_story_needs_a_run_folder() {
    let dir = temp("story-errors");
    let out = esplab(&["story", dir.join("missing").to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("cannot tell the story of") && err.contains("no manifest.json"),
        "{err}"
    );
}

#[test]
fn a_revision_of_the_standard_is_told_with_its_date_and_uptake() {
    let dir = temp("story-standard");
    let out = dir.join("run");
    ok(&[
        "run",
        "mcp",
        "--users",
        "5000",
        "--years",
        "2",
        "--seed",
        "3",
        "--set",
        "standard.enabled=true",
        "--set",
        "standard.pressure_threshold=2",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    let revisions: Vec<HashMap<String, String>> = table(&out, "events.csv")
        .into_iter()
        .filter(|e| e["kind"] == "revision")
        .collect();
    assert!(!revisions.is_empty(), "the standards body revised nothing in two years");
    let story = String::from_utf8(ok(&["story", out.to_str().unwrap()]).stdout).unwrap();
    let told = story.matches("the standards body published revision").count();
    assert!(told >= 1, "{story}");
    for sentence in story
        .split(". ")
        .filter(|s| s.contains("the standards body published revision"))
    {
        // The revision's date is the last one written before "the standards body".
        let before = sentence.split("the standards body").next().unwrap_or(sentence);
        let day = dated_days(before).last().expect("a dated revision").1;
        let logged = revisions.iter().find(|e| e["day"] == day.to_string());
        assert!(logged.is_some(), "no revision on day {day}: {sentence}");
        assert!(sentence.contains("30.0% of each offering's deployments"), "{sentence}");
    }
}
