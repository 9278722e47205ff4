//! End-to-end tests in a real browser (Debian's headless Chromium through ChromeDriver):
//! the explorer streams a run into its charts with the same numbers as `esplab run`, fills in an
//! ensemble with the runs of `esplab ensemble`; its agent view shows the simulated users, pauses,
//! steps, shows a shock and two populations of an A/B pair, and its frame rate is measured; and
//! a report renders every chart.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (packages chromium and chromium-driver;
//! `.ci/run` installs them). Without them the tests say so and pass, unless
//! `ESPLAB_REQUIRE_BROWSER=1` (set by `.ci/run`) makes them fail.

mod common;

use common::{ok, start, temp, Server};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The settings of the explorer test, as CLI options (the page gets them from its address and
/// the slider).
const SETTINGS: [&str; 9] = [
    "--users",
    "3000",
    "--years",
    "1",
    "--seed",
    "5",
    "--set",
    "excitement.base=1.5",
    "--quiet",
];

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Whether the browser is here; panics if it must be and is not.
fn browser_available() -> bool {
    let here = Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists();
    if !here {
        assert!(
            std::env::var("ESPLAB_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "{CHROMIUM} and {CHROMEDRIVER} are needed: apt-get install chromium chromium-driver"
        );
        eprintln!("skipped: {CHROMIUM} or {CHROMEDRIVER} is missing (apt-get install chromium chromium-driver)");
    }
    here
}

/// A child process killed when dropped.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `esplab serve` on a free port, and its URL.
fn served() -> (Server, String) {
    let server = start(&[]);
    let url = format!("http://{}/", server.1);
    (server, url)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn browser(profile: &Path) -> (Process, Client) {
    let port = free_port();
    let driver = Process(
        Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--window-size=1280,1600", format!("--user-data-dir={}", profile.display())],
        }),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => return (driver, client),
            Err(e) if Instant::now() > deadline => panic!("cannot connect to chromedriver: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

/// Evaluates `expression` in the page until it is true (or fails after `seconds`).
async fn wait_for(client: &Client, expression: &str, seconds: u64) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    loop {
        let v = client
            .execute(&format!("return Boolean({expression});"), vec![])
            .await
            .unwrap();
        if v == Value::Bool(true) {
            return;
        }
        let errors = client
            .execute("return window.esplab ? window.esplab.errors : [];", vec![])
            .await
            .unwrap();
        assert_eq!(errors, json!([]), "the page raised JavaScript errors");
        assert!(Instant::now() < deadline, "timed out waiting for {expression}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn csv_column(path: &Path, name: &str) -> Vec<f64> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let k = header.iter().position(|h| *h == name).unwrap();
    lines.map(|l| l.split(',').nth(k).unwrap().parse().unwrap()).collect()
}

fn artifacts() -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_explorer_streams_the_numbers_of_the_cli() {
    if !browser_available() {
        return;
    }
    let dir = temp("browser-explorer");
    let (_server, url) = served();
    let (_driver, client) = browser(&dir.join("profile")).await;
    client
        .goto(&format!("{url}?scenario=mcp&users=3000&years=1&seed=5"))
        .await
        .unwrap();
    wait_for(&client, "window.esplab && window.esplab.status === 'ready'", 20).await;

    // Move the excitement slider, as a user would with the keyboard.
    let slider = client.find(Locator::Id("slider-excitement.base")).await.unwrap();
    for _ in 0..5 {
        slider.send_keys("\u{E014}").await.unwrap(); // arrow right: +0.1 each
    }
    let value = client
        .execute(
            "return document.getElementById('slider-excitement.base').value;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(value, json!("1.5"), "five steps of 0.1 from the preset's 1.0");
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .as_str()
            .contains("excitement.base=1.5"),
        "the address holds the settings"
    );
    // A slider left alone sends nothing: the preset's attention threshold, 4.2, is off the
    // slider's grid of 0.25 and must not run as 4.25 (the CLI comparison below checks the run).
    assert!(
        !client
            .current_url()
            .await
            .unwrap()
            .as_str()
            .contains("attention.threshold"),
        "an untouched slider is not sent"
    );

    client.find(Locator::Id("run")).await.unwrap().click().await.unwrap();
    wait_for(&client, "window.esplab.status === 'done'", 60).await;
    let shown = client
        .execute("return window.esplab.data.baseline;", vec![])
        .await
        .unwrap();
    let shown: Vec<f64> = serde_json::from_value(shown).unwrap();

    let out = dir.join("cli");
    ok(&[&["run", "mcp"], &SETTINGS[..], &["--out", out.to_str().unwrap()]].concat());
    let expected = csv_column(&out.join("timeseries.csv"), "baseline");
    assert_eq!(shown.len(), expected.len());
    for (day, (a, b)) in shown.iter().zip(&expected).enumerate() {
        assert!((a - b).abs() <= 1e-12, "day {day}: chart {a}, cli {b}");
    }
    // The chart draws every day of the stream.
    let points = client
        .execute(
            "return document.querySelector('#chart-baseline path[data-name=baseline]').getAttribute('d').split('L').length;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(points, json!(expected.len()));
    // Market shares: the streamed shares are offerings.csv's, drawn as one stacked area each.
    let shares = client
        .execute("return window.esplab.data.shares;", vec![])
        .await
        .unwrap();
    let shares: Vec<Vec<f64>> = serde_json::from_value(shares).unwrap();
    let users = csv_column(&out.join("offerings.csv"), "users");
    let offerings = shares.len();
    assert!(offerings >= 2, "mcp has competing offerings");
    assert_eq!(users.len(), offerings * expected.len());
    for (j, values) in shares.iter().enumerate() {
        for (day, v) in values.iter().enumerate() {
            assert!(
                (v - users[day * offerings + j]).abs() <= 1e-12,
                "offering {j}, day {day}"
            );
        }
    }
    let areas = client
        .execute(
            "return document.querySelectorAll('#chart-shares path.area').length;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(areas, json!(offerings));
    // mcp starts on 2024-11-25: the time axes show dates, quarters over one year.
    let ticks = client
        .execute(
            "return Array.from(document.querySelectorAll('#chart-baseline text.x-tick')).map(t => t.textContent);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(ticks, json!(["2025-01", "2025-04", "2025-07", "2025-10"]));
    let png = client.screenshot().await.unwrap();
    std::fs::write(artifacts().join("explorer-run.png"), &png).unwrap();

    // Ensemble mode: the bands fill in with the runs of `esplab ensemble`.
    client
        .execute(
            "document.getElementById('mode').value = 'ensemble'; document.getElementById('runs').value = '4';",
            vec![],
        )
        .await
        .unwrap();
    client.find(Locator::Id("run")).await.unwrap().click().await.unwrap();
    wait_for(
        &client,
        "window.esplab.status === 'done' && window.esplab.runs.length === 4",
        60,
    )
    .await;
    let finals = client
        .execute(
            "return window.esplab.runs.map(r => r.baseline[r.baseline.length - 1]);",
            vec![],
        )
        .await
        .unwrap();
    let finals: Vec<f64> = serde_json::from_value(finals).unwrap();
    let ensemble = dir.join("ensemble");
    ok(&[
        &["ensemble", "mcp", "--runs", "4"],
        &SETTINGS[..],
        &["--out", ensemble.to_str().unwrap()],
    ]
    .concat());
    let expected = csv_column(&ensemble.join("runs.csv"), "final_baseline");
    for (a, b) in finals.iter().zip(&expected) {
        assert!((a - b).abs() < 1e-6, "ensemble run: chart {a}, cli {b}");
    }
    let png = client.screenshot().await.unwrap();
    std::fs::write(artifacts().join("explorer-ensemble.png"), &png).unwrap();

    // A/B mode: the difference of the long-run baseline and its parts, drawn as stacked bars.
    client
        .execute(
            "document.getElementById('mode').value = 'ab'; document.getElementById('runs').value = '3'; \
             document.getElementById('lever').value = 'regulation'; document.getElementById('lever_day').value = '100';",
            vec![],
        )
        .await
        .unwrap();
    client.find(Locator::Id("run")).await.unwrap().click().await.unwrap();
    wait_for(
        &client,
        "window.esplab.status === 'done' && window.esplab.pairs.length === 3",
        60,
    )
    .await;
    let drawn = client
        .execute(
            "return [document.querySelectorAll('#chart-shares rect.part').length, \
             document.querySelectorAll('#chart-shares circle.total').length, window.esplab.parts.mechanical.estimate];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(drawn[0], json!(3), "three parts");
    assert_eq!(drawn[1], json!(1), "and the total");
    assert!(
        drawn[2].as_f64().unwrap() > 0.0,
        "a rule's floor is written on A's runs"
    );
    let png = client.screenshot().await.unwrap();
    std::fs::write(artifacts().join("explorer-ab.png"), &png).unwrap();
    client.close().await.unwrap();
}

/// The explorer has no dead slider: under each vendor strategy it shows exactly the sliders
/// the registry says those vendors' market reads, and moving any shown slider to an end of its
/// range changes the streamed run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_shown_slider_changes_the_streamed_run_and_the_strategy_decides_which_are_shown() {
    if !browser_available() {
        return;
    }
    let dir = temp("browser-sliders");
    let (_server, url) = served();
    let (_driver, client) = browser(&dir.join("profile")).await;
    let market = format!("{url}?scenario=mcp&users=3000&years=3&seed=2&agents=false");
    client.goto(&market).await.unwrap();
    wait_for(&client, "window.esplab && window.esplab.status === 'ready'", 20).await;
    let preset = esplab_scenario::Scenario::load("mcp", &[]).unwrap().parameters;
    assert_eq!(
        eval(&client, "document.getElementById('strategy').value").await,
        json!("economic")
    );
    // Every slider's key, preset value and range.
    let sliders: Vec<(String, f64, f64, f64)> = serde_json::from_value(
        eval(
            &client,
            "Array.from(document.querySelectorAll('#sliders input')).map(i => [i.name, Number(i.value), Number(i.min), Number(i.max)])",
        )
        .await,
    )
    .unwrap();
    assert!(sliders.len() >= 12, "{sliders:?}");
    // A run's streamed series, as the page holds them.
    let streamed = |address: String| {
        let client = client.clone();
        async move {
            client.goto(&address).await.unwrap();
            wait_for(&client, "window.esplab && window.esplab.status === 'done'", 60).await;
            eval(&client, "JSON.stringify(window.esplab.data)").await
        }
    };
    let mut moved = 0;
    for strategy in esplab_model::VendorStrategy::NAMES {
        let mut p = preset.clone();
        p.vendors.strategy = esplab_model::VendorStrategy::from_name(strategy).unwrap();
        let at = format!("{market}&vendors.strategy={strategy}");
        client.goto(&at).await.unwrap();
        wait_for(&client, "window.esplab && window.esplab.status === 'ready'", 20).await;
        let shown: Vec<String> = serde_json::from_value(
            eval(
                &client,
                "Array.from(document.querySelectorAll('#sliders input')).filter(i => !i.hidden).map(i => i.name)",
            )
            .await,
        )
        .unwrap();
        let read: Vec<String> = sliders
            .iter()
            .filter(|(key, ..)| esplab_scenario::readers::reader(key).reads(&p))
            .map(|(key, ..)| key.clone())
            .collect();
        assert_eq!(
            shown, read,
            "{strategy} vendors: the sliders shown (with their labels) are those read"
        );
        let png = client.screenshot().await.unwrap();
        std::fs::write(artifacts().join(format!("explorer-sliders-{strategy}.png")), &png).unwrap();
        let base = streamed(format!("{at}&autorun=1")).await;
        for (key, value, low, high) in sliders.iter().filter(|(key, ..)| shown.contains(key)) {
            // A threshold lowered lets its mechanism act; any other slider goes to its far end.
            let end = if key.ends_with("threshold") || (high - value) < (value - low) {
                *low
            } else {
                *high
            };
            let moved_run = streamed(format!("{at}&{key}={end}&autorun=1")).await;
            assert_ne!(
                moved_run, base,
                "{strategy} vendors: {key} moved from {value} to {end} changed nothing"
            );
            moved += 1;
        }
    }
    eprintln!("{moved} sliders moved, each changing the streamed run");
    assert!(moved >= 20, "{moved} sliders moved");
    client.close().await.unwrap();
}

/// Evaluates `expression` in the page and returns its value.
async fn eval(client: &Client, expression: &str) -> Value {
    client.execute(&format!("return {expression};"), vec![]).await.unwrap()
}

/// Clicks the element of id `id` `times` times.
async fn click(client: &Client, id: &str, times: usize) {
    client
        .execute(
            &format!("for (let i = 0; i < {times}; i++) document.getElementById('{id}').click();"),
            vec![],
        )
        .await
        .unwrap();
}

/// The colour of each dot of population `i` as drawn on its canvas (read back from the canvas,
/// at each dot's top-left pixel), as "r,g,b" strings.
async fn dot_colours(client: &Client, i: usize) -> Vec<String> {
    let colours = eval(
        client,
        &format!(
            "(() => {{ const v = window.esplab.agents, p = v.populations[{i}], c = p.el.querySelector('canvas');
               const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, out = [];
               for (let k = 0; k < v.sample.count; k++) {{
                 const i = 4 * (v.positions[2 * k + 1] * v.cell * c.width + v.positions[2 * k] * v.cell);
                 out.push(d[i] + ',' + d[i + 1] + ',' + d[i + 2]);
               }}
               return out; }})()"
        ),
    )
    .await;
    serde_json::from_value(colours).unwrap()
}

/// The settings of the agent view test: every user shown (16,384 = 128²), a shock of 10^8
/// records on day 100 (in the week of days 98–104, the 15th frame).
const AGENTS: &str = "?scenario=mcp&users=16384&years=1&seed=5&lever=shock&lever_day=100&agents=true";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agent_view_shows_the_users_pauses_steps_and_compares() {
    if !browser_available() {
        return;
    }
    let dir = temp("browser-agents");
    let (_server, url) = served();
    let (_driver, client) = browser(&dir.join("profile")).await;
    client.goto(&format!("{url}{AGENTS}&mode=run")).await.unwrap();
    wait_for(&client, "window.esplab && window.esplab.status === 'ready'", 20).await;

    // Paused before the run: nothing is shown until asked for, a week at a time.
    click(&client, "pause", 1).await;
    click(&client, "run", 1).await;
    wait_for(&client, "window.esplab.agents.populations.length === 1", 20).await;
    // The layout: every user on a cell of its own, and users numbered next to each other (ring
    // neighbours) on cells next to each other, along the Hilbert curve.
    let cells: Vec<i64> =
        serde_json::from_value(eval(&client, "Array.from(window.esplab.agents.positions)").await).unwrap();
    let cells: Vec<(i64, i64)> = cells.chunks(2).map(|c| (c[0], c[1])).collect();
    assert_eq!(cells.len(), 16_384);
    assert!(cells
        .windows(2)
        .all(|w| (w[0].0 - w[1].0).abs() + (w[0].1 - w[1].1).abs() == 1));
    let distinct: std::collections::HashSet<&(i64, i64)> = cells.iter().collect();
    assert_eq!(distinct.len(), 16_384);
    click(&client, "step", 14).await;
    wait_for(&client, "window.esplab.agents.week === 14", 20).await;
    // Paused, the page reads no further once it holds 8 messages (plus the rest of the last
    // read), so the server's stream waits.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let held = eval(&client, "[window.esplab.agents.week, window.esplab.queue.length]").await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let still = eval(&client, "[window.esplab.agents.week, window.esplab.queue.length]").await;
    assert_eq!(held[0], json!(14), "paused: no week goes by");
    assert_eq!(held, still, "a paused page stops reading");
    assert!(held[1].as_u64().unwrap() <= 32, "{held}");
    let before = dot_colours(&client, 0).await;
    let calm = eval(&client, "window.esplab.agents.populations[0].counts").await;

    // One step: the week of the shock. Its victims flash, and the dots show the whole
    // population: each offering's dots are its reported share of the users.
    click(&client, "step", 1).await;
    wait_for(&client, "window.esplab.agents.week === 15", 20).await;
    let after = dot_colours(&client, 0).await;
    let counts = eval(&client, "window.esplab.agents.populations[0].counts").await;
    let harmed = counts["harmed"].as_u64().unwrap();
    assert!(
        harmed > 100 && harmed > 10 * calm["harmed"].as_u64().unwrap(),
        "the shock harms many: {calm} then {counts}"
    );
    let flashing = after.iter().filter(|c| *c == "240,228,66").count();
    assert_eq!(flashing as u64, harmed, "each victim flashes");
    let changed = before.iter().zip(&after).filter(|(a, b)| a != b).count();
    assert!(changed as u64 >= harmed, "{changed} dots changed colour");
    assert!(
        counts["fear"].as_f64().unwrap() > calm["fear"].as_f64().unwrap(),
        "fear spreads: {calm} then {counts}"
    );
    let shares = eval(&client, "window.esplab.data.shares.map(s => s[s.length - 1])").await;
    for (j, share) in shares.as_array().unwrap().iter().enumerate() {
        let dots = counts["offerings"][j].as_f64().unwrap();
        assert_eq!(dots / 16_384.0, share.as_f64().unwrap(), "offering {j}");
    }
    let gauges = eval(&client, "document.querySelectorAll('#population-a .gauge').length").await;
    assert_eq!(gauges, json!(shares.as_array().unwrap().len()), "a gauge per offering");
    let ticker = eval(&client, "document.querySelector('#population-a .ticker').textContent").await;
    assert!(
        ticker.as_str().unwrap().contains("2025-03-05, intervention"),
        "the ticker tells of the shock on day 100 (2025-03-05): {ticker}"
    );
    let png = client.screenshot().await.unwrap();
    std::fs::write(artifacts().join("explorer-agents.png"), &png).unwrap();

    // Resumed, it plays to the end.
    click(&client, "pause", 1).await;
    wait_for(&client, "window.esplab.status === 'done'", 60).await;
    assert_eq!(eval(&client, "window.esplab.agents.week").await, json!(53));

    // The frame rate of a run of 10^5 users, measured while it plays.
    client
        .execute(
            "document.getElementById('users').value = '100000'; document.getElementById('years').value = '3';",
            vec![],
        )
        .await
        .unwrap();
    click(&client, "run", 1).await;
    wait_for(&client, "window.esplab.status === 'done'", 120).await;
    let measured = eval(
        &client,
        "[window.esplab.agents.fps, window.esplab.agents.drawn, window.esplab.agents.sample.count]",
    )
    .await;
    let fps = measured[0].as_f64().expect("frames per second were measured");
    assert!(fps > 0.0 && measured[1].as_u64().unwrap() >= 150, "{measured}");
    let line = format!(
        "agent view: {} frames of {} dots from a run of 100000 users over 3 years, played at {fps:.1} frames per second\n",
        measured[1], measured[2]
    );
    eprint!("{line}");
    std::fs::write(artifacts().join("agent-view-fps.txt"), line).unwrap();

    // A/B: two populations under common random numbers, the same week by week until the lever.
    client.goto(&format!("{url}{AGENTS}&mode=ab&runs=2")).await.unwrap();
    wait_for(&client, "window.esplab && window.esplab.status === 'ready'", 20).await;
    click(&client, "pause", 1).await;
    click(&client, "run", 1).await;
    wait_for(&client, "window.esplab.agents.populations.length === 2", 20).await;
    click(&client, "step", 15).await;
    wait_for(&client, "window.esplab.agents.week === 15", 20).await;
    let sums = eval(&client, "window.esplab.agents.populations.map(p => p.checksums)").await;
    let (a, b) = (sums[0].as_array().unwrap(), sums[1].as_array().unwrap());
    assert_eq!(a.len(), 15);
    assert_eq!(a[..14], b[..14], "the same users, week by week, before the lever");
    assert_ne!(a[14], b[14], "the shock strikes B only");
    let harmed = eval(&client, "window.esplab.agents.populations.map(p => p.counts.harmed)").await;
    assert!(
        harmed[1].as_u64().unwrap() > 100 + harmed[0].as_u64().unwrap(),
        "B's victims flash: {harmed}"
    );
    let (a, b) = (dot_colours(&client, 0).await, dot_colours(&client, 1).await);
    assert!(a.iter().chain(&b).all(|c| c != "255,255,255"), "every dot is drawn");
    let png = client.screenshot().await.unwrap();
    std::fs::write(artifacts().join("explorer-agents-ab.png"), &png).unwrap();
    click(&client, "pause", 1).await;
    wait_for(
        &client,
        "window.esplab.status === 'done' && window.esplab.pairs.length === 2",
        60,
    )
    .await;
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_renders_every_chart_in_the_browser() {
    if !browser_available() {
        return;
    }
    let dir = temp("browser-report");
    let out = dir.join("run");
    ok(&[
        "run",
        "iot-botnets",
        "--users",
        "2000",
        "--years",
        "3",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    ok(&["analyze", out.to_str().unwrap(), "--quiet"]);
    ok(&["report", out.to_str().unwrap(), "--quiet"]);
    let (_driver, client) = browser(&dir.join("profile")).await;
    client
        .goto(&format!("file://{}", out.join("report.html").display()))
        .await
        .unwrap();
    let figures = client
        .execute("return document.querySelectorAll('figure svg').length;", vec![])
        .await
        .unwrap();
    assert_eq!(figures, json!(6), "five charts and the market shares");
    // Every chart is laid out with a size (it rendered), and the page raised no error.
    let sized = client
        .execute(
            "return [...document.querySelectorAll('figure svg')].every(s => s.getBoundingClientRect().width > 300);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(sized, json!(true));
    let png = client.screenshot().await.unwrap();
    std::fs::write(artifacts().join("report-run.png"), &png).unwrap();
    client.close().await.unwrap();
}
