"""The Python package against the command line: same numbers, same errors, Arrow types,
determinism, executors and Ray."""

import concurrent.futures
import csv
import json
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pyarrow as pa
import pytest

import esplab

ROOT = Path(__file__).resolve().parents[3]
CLI = os.environ.get("ESPLAB_BIN", str(ROOT / "target" / "release" / "esplab"))
PLAN = str(ROOT / "plans" / "mcp-lhs.toml")
SMALL = dict(users=3000, years=1, seed=5)
SMALL_CLI = ["--users", "3000", "--years", "1", "--seed", "5", "--quiet"]


def cli(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True)


def csv_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def assert_same_numbers(table, rows, columns):
    assert table.num_rows == len(rows)
    data = table.to_pydict()
    for name in columns:
        for i, row in enumerate(rows):
            assert float(data[name][i]) == float(row[name]), f"{name} row {i}"


def test_scenarios_lists_the_presets():
    names = [n for n, _ in esplab.scenarios()]
    assert names[:3] == ["mcp", "online-banking", "iot-botnets"]


def test_run_gives_the_timeseries_of_the_cli(tmp_path):
    table = esplab.run("mcp", **SMALL)
    assert cli("run", "mcp", *SMALL_CLI, "--out", str(tmp_path)).returncode == 0
    rows = csv_rows(tmp_path / "timeseries.csv")
    assert table.column_names == list(rows[0].keys())
    assert table.schema.field("day").type == pa.uint32()
    assert table.schema.field("baseline").type == pa.float64()
    assert_same_numbers(table, rows, table.column_names)


def test_ensemble_gives_the_runs_of_the_cli(tmp_path):
    table = esplab.ensemble("mcp", runs=10, **SMALL)
    assert cli("ensemble", "mcp", "--runs", "10", *SMALL_CLI, "--out", str(tmp_path)).returncode == 0
    rows = csv_rows(tmp_path / "runs.csv")
    assert table.column_names == list(rows[0].keys())
    assert table.schema.field("seed").type == pa.uint64()
    assert_same_numbers(table, rows, table.column_names)
    frame = table.to_pandas()
    assert frame["long_run_baseline"].between(0, 1).all()


def test_compare_gives_the_intervals_of_the_cli(tmp_path):
    table = esplab.compare("mcp", "heroic-effort", runs=8, **SMALL)
    assert cli("compare", "mcp", "heroic-effort", "--runs", "8", *SMALL_CLI, "--out", str(tmp_path)).returncode == 0
    rows = csv_rows(tmp_path / "compare.csv")
    numeric = [c for c in table.column_names if c not in ("metric", "distinguishable_from_zero")]
    assert_same_numbers(table, rows, numeric)
    varied = esplab.compare("mcp", vary={"vendors.security_cost": 130}, runs=4, **SMALL)
    assert varied.num_rows == table.num_rows


def test_leverage_ranks_the_levers_as_the_cli(tmp_path):
    table = esplab.leverage("mcp", runs=6, **SMALL)
    assert cli("leverage", "mcp", "--runs", "6", *SMALL_CLI, "--out", str(tmp_path)).returncode == 0
    rows = csv_rows(tmp_path / "leverage.csv")
    assert table.column_names == list(rows[0].keys()), "the table of leverage.csv, column for column"
    for text in ["lever", "unit", "verdict"]:
        assert table.column(text).to_pylist() == [r[text] for r in rows]
    numeric = ["rank", "size", "effect", "low", "high", "effect_per_unit", "adoption_effect", "loss_effect"]
    assert_same_numbers(table, rows, numeric)
    other = esplab.leverage("mcp", runs=4, heroic="ide-agents", **SMALL)
    assert other.num_rows == table.num_rows
    with pytest.raises(esplab.ScenarioError, match="heroic=nope: not an offering of mcp"):
        esplab.leverage("mcp", runs=2, heroic="nope", **SMALL)


def test_leverage_doses_match_the_cli_and_report_who_can_pull_each_lever(tmp_path):
    table = esplab.leverage("mcp", runs=3, doses=True, levers=["regulation", "liability"], **SMALL)
    args = ["leverage", "mcp", "--runs", "3", "--doses", "--lever", "regulation", "--lever", "liability"]
    assert cli(*args, *SMALL_CLI, "--out", str(tmp_path)).returncode == 0
    rows = csv_rows(tmp_path / "doses.csv")
    assert table.column_names == list(rows[0].keys()), "the table of doses.csv, column for column"
    assert table.column("lever").to_pylist() == [r["lever"] for r in rows]
    assert_same_numbers(table, rows, ["dose", "effect", "low", "high", "mechanical_part", "vendors_part", "shares_part"])
    assert set(table.column("lever").to_pylist()) == {"regulation", "liability"}
    for lever in ("regulation", "liability"):
        assert table.column("lever").to_pylist().count(lever) >= 5, "five or more doses per lever"
    report = esplab.report(tmp_path)
    assert "Who can move the baseline" in report.html and "a regulator or legislature" in report.html
    with pytest.raises(esplab.ScenarioError, match="levers=prayer: not a lever"):
        esplab.leverage("mcp", runs=2, levers=["prayer"], **SMALL)


def test_ensemble_writes_the_cli_folder_and_resumes_an_interrupted_one(tmp_path):
    args = ["ensemble", "mcp", "--runs", "24", *SMALL_CLI]
    assert cli(*args, "--out", str(tmp_path / "whole")).returncode == 0
    # A command-line ensemble stopped by Ctrl-C, finished from Python.
    stopped = subprocess.Popen([CLI, *args, "--out", str(tmp_path / "py")])
    time.sleep(0.3)
    stopped.send_signal(signal.SIGINT)
    assert stopped.wait() in (0, 130)
    table = esplab.ensemble("mcp", runs=24, out=str(tmp_path / "py"), resume=True, **SMALL)
    for name in ["runs.csv", "runs.parquet", "bands.csv", "bands.parquet"]:
        assert (tmp_path / "py" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name
    assert table.column("run").to_pylist() == list(range(24))
    # Resuming a complete folder runs nothing and gives its table.
    again = esplab.ensemble("mcp", runs=24, out=str(tmp_path / "py"), resume=True, **SMALL)
    assert again.column("final_baseline").to_pylist() == table.column("final_baseline").to_pylist()
    with pytest.raises(esplab.ScenarioError, match="the folder is not empty; choose another, or add force=True"):
        esplab.ensemble("mcp", runs=2, out=str(tmp_path / "py"), **SMALL)
    # force=True replaces what an earlier command wrote, leaving none of its files...
    esplab.leverage("mcp", runs=2, out=str(tmp_path / "py"), force=True, **SMALL)
    names = sorted(p.name for p in (tmp_path / "py").iterdir())
    assert names == ["leverage.csv", "leverage.json", "manifest.json"], names
    # ...and refuses a folder that also holds files esplab did not write, removing nothing.
    (tmp_path / "py" / "notes.txt").write_text("mine")
    with pytest.raises(esplab.ScenarioError, match="force=True replaces only what esplab wrote, and the folder also holds notes.txt"):
        esplab.ensemble("mcp", runs=2, out=str(tmp_path / "py"), force=True, **SMALL)
    assert sorted(p.name for p in (tmp_path / "py").iterdir()) == sorted(names + ["notes.txt"])
    with pytest.raises(esplab.ScenarioError, match="runs=1: allowed: 2"):
        esplab.ensemble("mcp", runs=1, out=str(tmp_path / "one"), **SMALL)
    with pytest.raises(esplab.ScenarioError, match="runs=0: allowed: 1"):
        esplab.ensemble("mcp", runs=0, **SMALL)
    with pytest.raises(esplab.ScenarioError, match=r"threads=1000000: allowed: 0 \(one per core\) to"):
        esplab.ensemble("mcp", runs=2, users=200, years=1, threads=10**6)
    for keyword in ["users", "seed", "runs", "threads"]:
        with pytest.raises(esplab.ScenarioError, match=f"{keyword}=-1: allowed: a whole number, 0 or more"):
            esplab.ensemble("mcp", **{**SMALL, "runs": 2, keyword: -1})
    with pytest.raises(esplab.ScenarioError, match="seed=-1: allowed"):
        esplab.run("mcp", users=200, years=1, seed=-1)
    with pytest.raises(esplab.ScenarioError, match=r"set=\['vendors.liability=0.5'\]: allowed: a dict"):
        esplab.leverage("mcp", runs=2, set=["vendors.liability=0.5"], **SMALL)
    # A slice of an ensemble (one Ray task's) may hold a single run.
    assert esplab.ensemble("mcp", runs=1, start=3, **SMALL).column("run").to_pylist() == [3]
    with pytest.raises(esplab.ScenarioError, match="force and resume need out"):
        esplab.ensemble("mcp", runs=2, resume=True, **SMALL)


# Calls long enough not to finish before Ctrl-C, written to run in a fresh interpreter; OUT and
# TARGETS are filled in.
INTERRUPTED_CALLS = {
    "run": "esplab.run('mcp', users=300000, years=100)",
    "ensemble": "esplab.ensemble('mcp', runs=400, users=50000, out=OUT)",
    "leverage": "esplab.leverage('mcp', runs=40, users=50000, out=OUT)",
    "sweep": f"esplab.sweep({PLAN!r}, set={{'run.users': 200000, 'run.years': 20}})",
    "calibrate": "esplab.calibrate('mcp', TARGETS, users=50000, out=OUT)",
}

INTERRUPTING = """
import os, signal, sys, threading, time
import esplab
OUT, TARGETS = sys.argv[1], sys.argv[2]
sent = []
def interrupt():
    time.sleep(1.5)
    sent.append(time.monotonic())
    os.kill(os.getpid(), signal.SIGINT)
threading.Thread(target=interrupt, daemon=True).start()
try:
    CALL
    print("finished before the interruption")
except KeyboardInterrupt as e:
    print(f"stopped {time.monotonic() - sent[0]:.3f} s after Ctrl-C: {e}")
"""


@pytest.mark.parametrize("call", sorted(INTERRUPTED_CALLS))
def test_ctrl_c_stops_a_call_within_a_second_leaving_nothing_half_written(tmp_path, call):
    out = tmp_path / "out"
    script = INTERRUPTING.replace("CALL", INTERRUPTED_CALLS[call])
    targets = str(ROOT / "data" / "targets" / "mcp.toml")
    done = subprocess.run(
        [sys.executable, "-c", script, str(out), targets], capture_output=True, text=True, timeout=300
    )
    said = done.stdout.strip()
    assert said.startswith("stopped "), f"{call}: {said} {done.stderr}"
    seconds = float(said.split()[1])
    assert seconds < 1.0, f"{call}: {said}"
    written = sorted(p.name for p in out.rglob("*")) if out.exists() else []
    assert not [name for name in written if name.endswith(".partial")], f"{call}: {written}"
    assert "manifest.json" not in written, f"{call}: an interrupted call wrote a complete-looking folder"
    if call in ("ensemble", "leverage"):
        assert "resume=True to finish" in said, said


def test_calibrate_replicates_stop_where_seeds_would_collide():
    targets = str(ROOT / "data" / "targets" / "mcp.toml")
    with pytest.raises(esplab.ScenarioError, match=r"replicates=257: allowed: 1..=256"):
        esplab.calibrate("mcp", targets, replicates=257)


def test_leverage_writes_the_cli_folder_and_its_report_displays(tmp_path):
    folder = tmp_path / "lev"
    table = esplab.leverage("mcp", runs=4, out=str(folder), **SMALL)
    assert cli("leverage", "mcp", "--runs", "4", *SMALL_CLI, "--out", str(tmp_path / "cli")).returncode == 0
    for name in ["leverage.csv", "leverage.json"]:
        assert (folder / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    assert [r["lever"] for r in csv_rows(folder / "leverage.csv")] == table.column("lever").to_pylist()
    report = esplab.report(folder)
    assert report.title == "esplab leverage: mcp"
    assert report.html.startswith("<!DOCTYPE html>") and "Which levers move the baseline" in report.html
    frame = report._repr_html_()
    assert frame.startswith("<iframe") and "srcdoc=" in frame and "<svg" not in frame, "the page is escaped"
    report.save(tmp_path / "page.html")
    assert (tmp_path / "page.html").read_text(encoding="utf-8") == report.html
    run = tmp_path / "run"
    assert cli("run", "mcp", *SMALL_CLI, "--out", str(run)).returncode == 0
    assert "What happened" in esplab.report(run).html and "Market shares" in esplab.report(run).html
    with pytest.raises(RuntimeError, match="no manifest.json"):
        esplab.report(tmp_path / "missing")


def test_leverage_over_draws_matches_the_cli(tmp_path):
    settings = {"run.users": 2000, "run.years": 2}
    levers, draws = esplab.leverage_over_draws(PLAN, runs=4, set=settings)
    args = ["leverage", "mcp", "--draws", PLAN, "--runs", "4", "--users", "2000", "--years", "2", "--quiet"]
    assert cli(*args, "--out", str(tmp_path)).returncode == 0
    for table, name in [(levers, "robust-leverage.csv"), (draws, "leverage-draws.csv")]:
        rows = csv_rows(tmp_path / name)
        assert table.column_names == list(rows[0].keys()), name
        assert table.column("lever").to_pylist() == [r["lever"] for r in rows]
        numeric = [c for c in table.column_names if c not in ("lever", "unit")]
        assert_same_numbers(table, rows, numeric)
    assert draws.num_rows == 32 * levers.num_rows, "every lever in each of the plan's 32 draws"
    assert abs(sum(levers.column("share_of_draws_ranked_first").to_pylist()) - 1.0) < 1e-12


def test_sharded_leverage_over_draws_joins_into_the_whole():
    settings = {"run.users": 2000, "run.years": 2}
    whole_levers, whole_draws = esplab.leverage_over_draws(PLAN, runs=3, set=settings)
    parts = [esplab.leverage_over_draws(PLAN, runs=3, set=settings, shard=s)[1] for s in esplab.shards(3)]
    assert all(0 < p.num_rows < whole_draws.num_rows for p in parts), "each shard holds a slice"
    joined = pa.concat_tables(parts).combine_chunks()
    assert joined.equals(whole_draws), "draws numbered as in the whole, in order"
    assert esplab.robust_leverage(joined).equals(whole_levers)
    # A missing shard is named, not summarised as if the draws were all there.
    with pytest.raises(esplab.ScenarioError, match="is a shard missing"):
        esplab.robust_leverage(pa.concat_tables([parts[0], parts[2]]))
    with pytest.raises(esplab.ScenarioError, match="3/3"):
        esplab.leverage_over_draws(PLAN, runs=3, set=settings, shard=(3, 3))


def test_calibrate_matches_the_cli_and_predicts_held_out_figures(tmp_path):
    targets = str(ROOT / "data" / "targets" / "mcp.toml")
    holdout = str(ROOT / "data" / "targets" / "holdout-mcp.toml")
    small = {"particles": 20, "generations": 1, "replicates": 1, "predictive": 5, "users": 2000, "years": 2}
    found = esplab.calibrate("mcp", targets, holdout=holdout, out=str(tmp_path / "py"), **small)
    args = ["calibrate", "mcp", "--targets", targets, "--holdout", holdout, "--particles", "20", "--generations", "1"]
    args += ["--replicates", "1", "--predictive", "5", "--users", "2000", "--years", "2", "--quiet"]
    assert cli(*args, "--out", str(tmp_path / "cli")).returncode == 0
    with open(tmp_path / "cli" / "calibration.json") as f:
        written = json.load(f)
    assert found["summary"] == written
    for name in ["calibration.json", "posterior.csv", "particles.parquet", "holdout.toml"]:
        assert (tmp_path / "py" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    # The manifests differ only in how the overrides were spelled (users=2000, --users 2000).
    manifests = [json.loads((tmp_path / side / "manifest.json").read_text()) for side in ("py", "cli")]
    assert manifests[0]["files"] == manifests[1]["files"]
    assert manifests[0]["settings"] == manifests[1]["settings"]
    rows = csv_rows(tmp_path / "cli" / "posterior.csv")
    assert found["posterior"].num_rows == len(rows) == 20
    assert_same_numbers(found["posterior"], rows, found["posterior"].column_names)
    held = found["summary"]["holdout"]
    assert [s["statistic"] for s in held["statistics"]] == [
        "vendor_lag_months",
        "standard_lag_months",
        "no_response_share",
        "share:open-servers@2025-07-15",
        "share:hosted-agents@2026-02-15",
        "share:hosted-agents@2026-02-23",
    ]
    assert "share:hosted-agents@2026-02-15" in found["posterior"].column_names
    assert held["covered"] == sum(s["target_within_90"] for s in held["statistics"])
    with pytest.raises(esplab.ScenarioError, match="only=regulation_lag_months"):
        esplab.calibrate("mcp", targets, only=["regulation_lag_months"], **small)
    with pytest.raises(esplab.ScenarioError, match=r"quantile=1.5: allowed: \(0, 1\)"):
        esplab.calibrate("mcp", targets, quantile=1.5, **small)


SERIES = str(ROOT / "data" / "security_series.csv")
EVENTS = str(ROOT / "data" / "security_events.csv")
# Small fits: enough to exercise every step, not to fit well.
SMALL_FIT = {"particles": 10, "generations": 1, "max_simulations": 40, "predictive": 2, "draws": 10, "users": 1500}


def test_fit_and_forecast_match_the_cli_and_read_each_other(tmp_path):
    found = esplab.fit(SERIES, "emv-us-merchants-visa", events=EVENTS, as_of="2016-06", out=str(tmp_path / "py"), **SMALL_FIT)
    args = ["fit", "--series", SERIES, "--events", EVENTS, "--series-id", "emv-us-merchants-visa", "--as-of", "2016-06"]
    args += ["--particles", "10", "--generations", "1", "--max-simulations", "40", "--predictive", "2", "--draws", "10"]
    assert cli(*args, "--users", "1500", "--quiet", "--out", str(tmp_path / "cli")).returncode == 0
    for name in ["posterior.csv", "paths.csv", "observations.csv", "calibration.json", "scenario.toml"]:
        assert (tmp_path / "py" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    assert found["summary"]["as_of"] == "2016-06" and found["summary"]["points_seen"] == 2
    seen = found["observations"].column("seen").to_pylist()
    assert seen == ["yes", "yes", "no", "no"], seen
    assert found["paths"].num_rows > 100 and found["posterior"].num_rows == 10
    ahead = esplab.forecast(str(tmp_path / "py"), horizon="6mo", draws=10, out=str(tmp_path / "forecast"))
    assert ahead["chances"].column("event").to_pylist() == ["jump", "regulation", "revision", "mega-incident"]
    fan = ahead["fan"]
    assert fan.column("part").to_pylist()[-1] == "forecast"
    assert all(a <= b <= c for a, b, c in zip(fan.column("p05").to_pylist(), fan.column("p50").to_pylist(), fan.column("p95").to_pylist()))
    assert cli("forecast", str(tmp_path / "py"), "--horizon", "6mo", "--draws", "10", "--quiet", "--out", str(tmp_path / "f2")).returncode == 0
    assert (tmp_path / "f2" / "fan.csv").read_bytes() == (tmp_path / "forecast" / "fan.csv").read_bytes()
    with pytest.raises(esplab.ScenarioError, match=r"horizon=two years: a length"):
        esplab.forecast(str(tmp_path / "py"), horizon="two years")
    with pytest.raises(esplab.ScenarioError, match=r"series_id=no-such: .* has no such series"):
        esplab.fit(SERIES, "no-such", **SMALL_FIT)
    with pytest.raises(esplab.ScenarioError, match=r"as_of=2016-13: YYYY, YYYY-MM or YYYY-MM-DD"):
        esplab.fit(SERIES, "emv-us-merchants-visa", as_of="2016-13", **SMALL_FIT)


def test_backtest_scores_every_method_at_each_as_of_date(tmp_path):
    result = esplab.backtest(SERIES, "emv-us-merchants-visa", events=EVENTS, as_of=["2016-06"], horizon="6mo", **SMALL_FIT)
    scores = result["scores"]
    assert scores.column("method").to_pylist() == ["esplab", "persistence", "logit trend", "random timing"]
    assert scores.column("points_scored").to_pylist() == [2, 2, 0, 2]
    assert "three distinct days" in scores.column("note").to_pylist()[2]
    assert result["points"].num_rows == 6
    assert all(c >= 0 for c in result["points"].column("crps").to_pylist())


def test_leverage_over_a_calibration_posterior_matches_the_cli(tmp_path):
    targets = str(ROOT / "data" / "targets" / "mcp.toml")
    small = ["--users", "2000", "--years", "2", "--quiet"]
    calibrate = ["calibrate", "mcp", "--targets", targets, "--particles", "20", "--generations", "1"]
    assert cli(*calibrate, "--replicates", "1", "--predictive", "5", *small, "--out", str(tmp_path / "cal")).returncode == 0
    levers, draws = esplab.leverage_over_draws(str(tmp_path / "cal"), runs=3, posterior_draws=5)
    args = ["leverage", "mcp", "--draws", str(tmp_path / "cal"), "--posterior-draws", "5", "--runs", "3", "--quiet"]
    assert cli(*args, "--out", str(tmp_path / "robust")).returncode == 0
    for table, name in [(levers, "robust-leverage.csv"), (draws, "leverage-draws.csv")]:
        rows = csv_rows(tmp_path / "robust" / name)
        assert table.column_names == list(rows[0].keys()), name
        numeric = [c for c in table.column_names if c not in ("lever", "unit")]
        assert_same_numbers(table, rows, numeric)
    assert draws.num_rows == 5 * levers.num_rows


def test_discover_matches_the_cli_on_folders_and_tables(tmp_path):
    settings = {"run.users": 2000, "run.years": 2}
    args = ["leverage", "mcp", "--draws", PLAN, "--runs", "4", "--users", "2000", "--years", "2", "--quiet"]
    assert cli(*args, "--out", str(tmp_path / "draws")).returncode == 0
    effects = [float(r["effect"]) for r in csv_rows(tmp_path / "draws" / "leverage-draws.csv") if r["lever"] == "advocacy"]
    cut = sorted(effects)[len(effects) // 2]
    where = f"advocacy >= {cut!r}"
    found = esplab.discover(str(tmp_path / "draws"), where)
    assert cli("discover", str(tmp_path / "draws"), "--where", where, "-q", "--out", str(tmp_path / "found")).returncode == 0
    with open(tmp_path / "found" / "discovery.json") as f:
        written = json.load(f)
    assert found["discovery"] == written
    assert found["discovery"]["of_interest"] == sum(e >= cut for e in effects)
    rows = csv_rows(tmp_path / "found" / "trajectory.csv")
    assert_same_numbers(found["trajectory"], rows, found["trajectory"].column_names)
    # The draws table in memory gives the same box as the folder it was written to.
    _, draws = esplab.leverage_over_draws(PLAN, runs=4, set=settings)
    again = esplab.discover(draws, where)
    assert again["discovery"]["chosen"] == written["chosen"]
    assert again["trajectory"].equals(found["trajectory"])
    with pytest.raises(esplab.ScenarioError, match="is not a condition"):
        esplab.discover(draws, "advocacy")
    with pytest.raises(esplab.ScenarioError, match="has no outcome `nothing`"):
        esplab.discover(draws, "nothing > 0")


def test_sweep_matches_the_cli_and_any_executor(tmp_path):
    settings = {"run.users": 2000, "run.years": 1}
    whole = esplab.sweep(PLAN, set=settings)
    args = ["sweep", PLAN, "--set", "run.users=2000", "--set", "run.years=1", "--quiet", "--out", str(tmp_path)]
    assert cli(*args).returncode == 0
    rows = csv_rows(tmp_path / "sweep.csv")
    assert whole.column_names == list(rows[0].keys())
    assert_same_numbers(whole, rows, whole.column_names)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        threaded = esplab.sweep(PLAN, executor=pool, shards=3, set=settings)
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        processes = esplab.sweep(PLAN, executor=pool, shards=5, set=settings)
    assert threaded.equals(whole) and processes.equals(whole)


@pytest.mark.parametrize("method", ["sobol", "morris"])
def test_sensitivity_gives_the_indices_of_the_cli(tmp_path, method):
    plan = str(ROOT / "plans" / "mcp-sensitivity.toml")
    settings = {"run.users": 2000, "run.years": 1}
    table = esplab.sensitivity(plan, method=method, set=settings)
    args = ["sensitivity", plan, "--method", method, "--set", "run.users=2000", "--set", "run.years=1"]
    assert cli(*args, "--quiet", "--out", str(tmp_path)).returncode == 0
    rows = csv_rows(tmp_path / "sensitivity.csv")
    assert table.column_names == list(rows[0].keys())
    assert table.column("factor").to_pylist() == [r["factor"] for r in rows]
    assert_same_numbers(table, rows, table.column_names[2:])


def test_analyze_names_the_mirai_jump_as_the_cli_does(tmp_path):
    # The shipped Mirai shock harms only the infected devices' owners; this one harms all it cuts
    # off, so the struck vendor responds and the jump has a chain to name.
    settings = dict(users=5000, years=3, seed=3, set={"interventions.0.harmed": 1e8})
    result = esplab.analyze("iot-botnets", **settings)
    args = ["--users", "5000", "--years", "3", "--seed", "3", "--set", "interventions.0.harmed=1e8"]
    assert cli("run", "iot-botnets", *args, "--quiet", "--out", str(tmp_path)).returncode == 0
    assert cli("analyze", str(tmp_path), "--quiet").returncode == 0
    import json

    expected = json.loads((tmp_path / "analysis.json").read_text())
    assert result["analysis"] == expected
    from_folder = esplab.analyze(str(tmp_path))
    assert from_folder["jumps"].equals(result["jumps"])
    jumps = result["jumps"].to_pylist()
    assert any(j["day"] == 659 and "1.000e8 records" in j["chain"] for j in jumps), jumps
    assert result["segments"].num_rows == len(expected["change_points"]["segments"])


def test_the_gil_is_released_while_simulating():
    import threading
    import time

    done = threading.Event()

    def work():
        esplab.ensemble("mcp", runs=8, users=20000, years=2, threads=1)
        done.set()

    worker = threading.Thread(target=work)
    started = time.perf_counter()
    worker.start()
    ticks = 0
    while not done.is_set():
        ticks += 1
        time.sleep(0.001)
    worker.join()
    elapsed = time.perf_counter() - started
    # With the GIL held for the whole call the loop could not run until it returned.
    assert ticks > 0.2 * elapsed / 0.001, f"{ticks} ticks in {elapsed:.2f} s"


def test_results_do_not_depend_on_the_threads():
    one = esplab.ensemble("loud", runs=6, threads=1, **SMALL)
    two = esplab.ensemble("loud", runs=6, threads=2, **SMALL)
    assert one.equals(two)
    split = pa.concat_tables(
        [esplab.ensemble("loud", runs=3, start=0, **SMALL), esplab.ensemble("loud", runs=3, start=3, **SMALL)]
    )
    assert split.equals(one)


def test_scenarios_as_paths_text_and_dicts(tmp_path):
    text = cli("scenarios", "--show", "quiet").stdout
    path = tmp_path / "quiet.toml"
    path.write_text(text)
    by_name = esplab.run("quiet", **SMALL)
    assert esplab.run(str(path), **SMALL).equals(by_name)
    assert esplab.run(text, **SMALL).equals(by_name)
    defaults = esplab.run({"run.users": 2000, "run.years": 1})
    assert defaults.num_rows == 365


def test_errors_carry_the_messages_of_the_cli():
    with pytest.raises(esplab.ScenarioError) as python:
        esplab.run("mcp", set={"vendors.tolerance": 7})
    shell = cli("run", "mcp", "--set", "vendors.tolerance=7")
    assert shell.returncode != 0
    expected = "vendors.tolerance: value 7 is out of range; allowed: (0, 1]"
    assert expected in str(python.value) and expected in shell.stderr
    with pytest.raises(esplab.ScenarioError, match="neither a scenario file nor a preset"):
        esplab.run("no-such-preset")
    with pytest.raises(esplab.ScenarioError, match="expected a number, boolean or string"):
        esplab.run("mcp", set={"vendors.tolerance": [1]})
    with pytest.raises(esplab.ScenarioError, match="shard"):
        esplab._esplab.sweep(PLAN, shard=(3, 2))


SERIES = str(ROOT / "data" / "security_series.csv")
TARGETS = str(ROOT / "data" / "targets" / "mcp.toml")


# One wrong value per kind of keyword: each is refused before any work with a ScenarioError that
# names the keyword and what it allows, as the command line names its flag.
BAD_KEYWORDS = [
    (esplab.run, ("mcp",), {"years": -1}, r"years=-1: run.years: value -1 is out of range; allowed: \(0, 150\]"),
    (esplab.run, ("mcp",), {"users": 0}, r"users=0: run.users: value 0 is out of range"),
    (esplab.run, ("mcp",), {"threads": 10**6}, r"threads=1000000: allowed: 0 \(one per core\) to"),
    (esplab.ensemble, ("mcp",), {"runs": 10**9}, r"runs=1000000000: allowed: 1..=10000000"),
    (esplab.ensemble, ("mcp",), {"runs": 2, "start": 2**64 - 1}, r"start=18446744073709551615: allowed: 0 to"),
    (esplab.compare, ("mcp",), {"vary": ["vendors.liability=0.5"]}, r"vary=\['vendors.liability=0.5'\]: allowed: a dict"),
    (esplab.compare, ("mcp",), {"runs": 1}, r"runs=1: allowed: 2..=10000000"),
    (esplab.leverage, ("mcp",), {"levers": "regulation"}, r"levers='regulation': allowed: a list of lever names"),
    (esplab.leverage, ("mcp",), {"heroic": "nobody"}, r"heroic=nobody: not an offering of mcp"),
    (esplab.leverage_over_draws, (PLAN,), {"shard": "1/4"}, r"shard='1/4': allowed: a pair \(i, n\)"),
    (esplab.calibrate, ("mcp", TARGETS), {"params": {"vendors.liability": "uniform:0:1"}}, r"params=.*: allowed: a list of KEY=PRIOR"),
    (esplab.calibrate, ("mcp", TARGETS), {"only": ["nope"]}, r"only=nope: .* has no such target"),
    (esplab.calibrate, ("mcp", TARGETS), {"quantile": 2.0}, r"quantile=2: allowed: \(0, 1\)"),
    (esplab.calibrate, ("mcp", TARGETS), {"force": True}, r"force and resume need out"),
    (esplab.fit, (SERIES, "https-firefox-pageloads"), {"as_of": "yesterday"}, r"as_of=yesterday: YYYY"),
    (esplab.backtest, (SERIES, "https-firefox-pageloads"), {"horizon": "soon"}, r"horizon=soon: a length"),
    (esplab.sensitivity, (str(ROOT / "plans" / "mcp-sensitivity.toml"),), {"method": "magic"}, r"method=magic: allowed: sobol, morris"),
    (esplab.analyze, ("mcp",), {"users": -1}, r"users=-1: allowed: a whole number, 0 or more"),
]


@pytest.mark.parametrize("function,args,keywords,message", BAD_KEYWORDS, ids=lambda v: getattr(v, "__name__", None))
def test_bad_keywords_raise_a_scenario_error_naming_them(function, args, keywords, message):
    with pytest.raises(esplab.ScenarioError, match=message):
        function(*args, **keywords)


def test_a_key_no_mechanism_reads_is_a_scenario_warning_and_an_error_under_a_strict_filter():
    small = dict(users=500, years=0.05)
    with pytest.warns(esplab.ScenarioWarning, match=r"vendors\.tolerance is read only by reactive vendors .*economic"):
        esplab.run("mcp", set={"vendors.tolerance": 0.2}, **small)
    with warnings.catch_warnings():
        warnings.simplefilter("error", esplab.ScenarioWarning)
        with pytest.raises(esplab.ScenarioWarning, match=r"regulator\.lag_days .*regulator\.enabled = false"):
            esplab.ensemble("mcp", runs=1, set={"regulator.enabled": False, "regulator.lag_days": 30}, **small)
        # Read by the strategy the same call sets: no warning.
        esplab.run("mcp", set={"vendors.strategy": "reactive", "vendors.tolerance": 0.2}, **small)


def test_work_beyond_the_memory_is_refused_up_front(monkeypatch):
    monkeypatch.setenv("ESPLAB_MEMORY_LIMIT", "400M")
    with pytest.raises(MemoryError, match=r"10000000 users need about .*\(ESPLAB_MEMORY_LIMIT=400M\)\. Use fewer users \(users=\)"):
        esplab.run("mcp", users=10_000_000)
    with pytest.raises(MemoryError, match=r"x 2 runs at once.*fewer threads \(threads=\)"):
        esplab.ensemble("mcp", runs=2, threads=2, users=2_000_000, years=0.01)
    assert esplab.ensemble("mcp", runs=2, threads=1, users=2_000_000, years=0.01).num_rows == 2


def test_ray_runs_the_same_sweep_and_ensemble():
    ray = pytest.importorskip("ray") if os.environ.get("ESPLAB_REQUIRE_RAY") != "1" else __import__("ray")
    import esplab.ray as esplab_ray

    ray.init(num_cpus=2, include_dashboard=False, ignore_reinit_error=True, log_to_driver=False)
    try:
        settings = {"run.users": 2000, "run.years": 1}
        assert esplab_ray.sweep(PLAN, shards=4, set=settings).equals(esplab.sweep(PLAN, set=settings))
        assert esplab_ray.ensemble("mcp", runs=10, tasks=3, **SMALL).equals(esplab.ensemble("mcp", runs=10, **SMALL))
        draws_settings = {"runs": 2, "set": {"run.users": 1500, "run.years": 1}}
        levers, draws = esplab_ray.leverage_over_draws(PLAN, shards=3, **draws_settings)
        whole_levers, whole_draws = esplab.leverage_over_draws(PLAN, **draws_settings)
        assert draws.equals(whole_draws) and levers.equals(whole_levers)
        dates = ["2016-06", "2016-10"]
        spread = esplab_ray.backtest(SERIES, "emv-us-merchants-visa", as_of=dates, horizon="6mo", **SMALL_FIT)
        whole = esplab.backtest(SERIES, "emv-us-merchants-visa", as_of=dates, horizon="6mo", **SMALL_FIT)
        # Unscored methods hold NaN, which Arrow's equality never matches: compare the rows.
        for name in ("scores", "points"):
            assert spread[name].schema == whole[name].schema
            assert repr(spread[name].to_pylist()) == repr(whole[name].to_pylist()), name
    finally:
        ray.shutdown()
