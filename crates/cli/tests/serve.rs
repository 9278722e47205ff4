//! `esplab serve` over plain HTTP on loopback: the API's answers, its limits, and the
//! cancellation of simulations whose client went away.

mod common;

use common::{esplab, request, send, start};
use std::io::Read;
use std::time::{Duration, Instant};

#[test]
fn the_api_answers_and_its_limits_hold() {
    let server = start(&["--max-concurrent", "1", "--max-users", "2000000"]);
    let a = server.1.as_str();
    let (status, body) = request(a, "GET", "/", "");
    assert_eq!(status, 200);
    assert!(body.contains("esplab explorer") && body.contains("/app.js"));
    let (status, body) = request(a, "GET", "/api/presets", "");
    assert_eq!(status, 200);
    assert!(body.contains("\"iot-botnets\"") && body.contains("excitement.base"));

    // A short run streams start, days and done.
    let (status, body) = request(a, "POST", "/api/run", r#"{"scenario":"mcp","users":1000,"years":0.25}"#);
    assert_eq!(status, 200);
    assert!(body.contains("event: start") && body.contains("event: days") && body.contains("event: done"));

    // A/B: pairs with common random numbers and the paired interval of the long-run baseline.
    let (status, body) = request(
        a,
        "POST",
        "/api/run",
        r#"{"scenario":"mcp","mode":"ab","lever":"regulation","lever_day":100,"runs":3,"users":1000,"years":1}"#,
    );
    assert_eq!(status, 200);
    assert_eq!(body.matches("event: pair").count(), 3);
    let last = body.lines().rfind(|l| l.starts_with("data: {\"index\":2")).unwrap();
    let pair: serde_json::Value = serde_json::from_str(&last[6..]).unwrap();
    let d = &pair["difference"];
    assert!(d["low"].as_f64().unwrap() <= d["estimate"].as_f64().unwrap());
    assert!(
        d["estimate"].as_f64().unwrap() > 0.0,
        "a regulation floor of 0.5 raises the long-run baseline"
    );
    // The difference split into its mechanical part (the rule's floor written on A's runs), the
    // vendors' response and the users' flows, each with its interval; they add up to it.
    let part = |name: &str| pair["parts"][name]["estimate"].as_f64().unwrap();
    assert!(
        part("mechanical") > 0.0,
        "the rule's floor is written on A's runs: {pair}"
    );
    assert!(
        (part("mechanical") + part("vendors") + part("shares") - d["estimate"].as_f64().unwrap()).abs() < 1e-9,
        "the parts add up to the difference: {pair}"
    );

    // The agent view: weekly days messages with a frame of two bytes per shown user; in A/B
    // mode pair 0 streams both arms in lockstep and ends as the same pair as without the view.
    let (status, body) = request(
        a,
        "POST",
        "/api/run",
        r#"{"scenario":"mcp","users":1000,"years":0.25,"agents":true}"#,
    );
    assert_eq!(status, 200);
    let days = messages(&body, "days");
    assert_eq!(days.len(), 14, "91 days in weeks");
    for d in &days {
        let frame = d["frame"].as_str().unwrap();
        assert_eq!(
            frame.len(),
            4 * (2 * 256_usize).div_ceil(3),
            "16² users shown, in base64"
        );
        assert!(d["baseline"].as_array().unwrap().len() <= 7);
    }
    let ab = r#"{"scenario":"mcp","mode":"ab","lever":"shock","lever_day":30,"runs":2,"users":1000,"years":0.5"#;
    let (_, plain) = request(a, "POST", "/api/run", &format!("{ab}}}"));
    let (_, viewed) = request(a, "POST", "/api/run", &format!("{ab},\"agents\":true}}"));
    assert_eq!(messages(&plain, "pair"), messages(&viewed, "pair"));
    let weeks = messages(&viewed, "days");
    assert_eq!(weeks.len(), 27);
    let same: Vec<bool> = weeks.iter().map(|w| w["a"]["frame"] == w["b"]["frame"]).collect();
    assert!(
        same[..4].iter().all(|&s| s),
        "common random numbers until day 30: {same:?}"
    );
    assert!(!same[4], "the shock of day 30 strikes B in week 5");

    // Bad settings: 400 naming the field; no file can be named.
    let (status, body) = request(a, "POST", "/api/run", r#"{"scenario":"/etc/passwd"}"#);
    assert_eq!(status, 400);
    assert!(body.contains(r#""field":"scenario""#), "{body}");
    let (status, body) = request(
        a,
        "POST",
        "/api/run",
        r#"{"scenario":"mcp","set":{"attention.threshold":-3}}"#,
    );
    assert_eq!(status, 400);
    assert!(body.contains(r#""field":"set.attention.threshold""#), "{body}");
    let (status, body) = request(a, "POST", "/api/run", r#"{"scenario":"mcp","users":5000000}"#);
    assert_eq!(status, 400);
    assert!(body.contains(r#""field":"users""#), "{body}");

    // Too large a body: 413.
    let big = format!(r#"{{"scenario":"mcp","pad":"{}"}}"#, "x".repeat(20_000));
    let (status, body) = request(a, "POST", "/api/run", &big);
    assert_eq!(status, 413, "{body}");

    // One simulation at a time: a second one gets 429 while the first streams.
    // About a minute of simulation per run on a laptop core.
    let long = r#"{"scenario":"mcp","mode":"ensemble","runs":200,"users":2000000,"years":20}"#;
    let mut first = send(a, "POST", "/api/run", long.as_bytes());
    let mut head = [0u8; 64];
    first.read_exact(&mut head).unwrap();
    assert!(String::from_utf8_lossy(&head).starts_with("HTTP/1.1 200"));
    let (status, body) = request(a, "POST", "/api/run", r#"{"scenario":"mcp","users":1000,"years":0.1}"#);
    assert_eq!(status, 429, "{body}");

    // The client goes away: its simulation is cancelled mid-run and the slot frees up within
    // seconds (the run itself would take far longer).
    drop(first);
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (status, _) = request(a, "POST", "/api/run", r#"{"scenario":"mcp","users":1000,"years":0.1}"#);
        if status == 200 {
            break;
        }
        assert_eq!(status, 429);
        assert!(Instant::now() < deadline, "the abandoned simulation was not cancelled");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The data of every server-sent event named `name` in `body` (a chunked response body).
fn messages(body: &str, name: &str) -> Vec<serde_json::Value> {
    let mut text = Vec::new();
    let mut rest = body.as_bytes();
    while let Some(end) = rest.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(std::str::from_utf8(&rest[..end]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            break;
        }
        text.extend_from_slice(&rest[end + 2..end + 2 + size]);
        rest = &rest[end + 4 + size..];
    }
    String::from_utf8(text)
        .unwrap()
        .split("\n\n")
        .filter(|block| block.starts_with(&format!("event: {name}\n")))
        .map(|block| serde_json::from_str(block.split_once("data: ").unwrap().1).unwrap())
        .collect()
}

#[test]
fn listening_beyond_loopback_needs_a_flag() {
    let o = esplab(&["serve", "--host", "0.0.0.0", "--port", "0"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("needs --allow-remote"));
}
