#!/usr/bin/env python3
"""The shares a calibrated preset predicts: each offering's share of deployments meeting the
control on given dates, and the long-run baseline, over draws of a calibration's posterior.

Draws `--draws` particles of FOLDER/posterior.csv by weight (systematic resampling from a seeded
offset), runs `esplab run PRESET --users N --seed S --set KEY=VALUE...` for each with `--seeds`
seeds, and prints the median and the 5-95% range over all runs of: each offering's share on each
`--date`, the adoption-weighted baseline on those dates, the long-run baseline (the mean over the
last 365 days), and how many runs had a regulation in force. docs/evidence.md quotes it for `mcp`.

    python3 scripts/posterior_shares.py runs/mcp-calibration-1 --draws 40 --seeds 5 \\
        --date 2026-02-15 --date 2027-11-25 --date 2029-11-23
"""
import argparse
import csv
import datetime
import json
import os
import random
import statistics
import subprocess
import tempfile


def rows(folder, name):
    with open(os.path.join(folder, name), newline="") as f:
        return list(csv.DictReader(f))


def resample(weights, count, seed):
    """Systematic resampling: indices drawn by weight, each about count x weight times."""
    start = random.Random(seed).random() / count
    out, acc, i = [], 0.0, 0
    for m in range(count):
        u = start + m / count
        while i + 1 < len(weights) and acc + weights[i] < u:
            acc += weights[i]
            i += 1
        out.append(i)
    return out


def quantile(values, q):
    x = sorted(values)
    if not x:
        return float("nan")
    position = q * (len(x) - 1)
    low = int(position)
    high = min(low + 1, len(x) - 1)
    return x[low] + (position - low) * (x[high] - x[low])


def summary(values):
    return f"{statistics.median(values):.3f} [{quantile(values, 0.05):.3f}, {quantile(values, 0.95):.3f}]"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", help="a folder written by esplab calibrate")
    ap.add_argument("--draws", type=int, default=40)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--users", type=int, default=20000)
    ap.add_argument("--date", action="append", default=[], help="YYYY-MM-DD (repeatable)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the resampling")
    ap.add_argument("--bin", default="target/release/esplab", help="the esplab binary")
    a = ap.parse_args()
    with open(os.path.join(a.folder, "calibration.json")) as f:
        calibration = json.load(f)
    preset = calibration["scenario"]
    keys = [p["key"] for p in calibration["posterior"]]
    particles = rows(a.folder, "posterior.csv")
    weights = [float(p["weight"]) for p in particles]
    total = sum(weights)
    draws = resample([w / total for w in weights], a.draws, a.seed)
    shares = {}  # (date, offering) -> values
    long_run, regulated = [], 0
    runs = 0
    with tempfile.TemporaryDirectory() as tmp:
        for d, index in enumerate(draws):
            settings = [x for k in keys for x in ("--set", f"{k}={particles[index][k]}")]
            for seed in range(1, a.seeds + 1):
                out = os.path.join(tmp, f"{d}-{seed}")
                subprocess.run(
                    [a.bin, "run", preset, "--users", str(a.users), "--seed", str(seed), "--quiet", "--out", out]
                    + settings,
                    check=True,
                )
                runs += 1
                with open(os.path.join(out, "manifest.json")) as f:
                    start = json.load(f)["scenario"]["parameters"]["run"]["start_date"]
                series = rows(out, "timeseries.csv")
                baseline = [float(r["baseline"]) for r in series]
                long_run.append(statistics.mean(baseline[-365:]))
                regulated += any(float(r["floor"]) > 0 for r in series)
                offerings = rows(out, "offerings.csv")
                for date in a.date:
                    day = (datetime.date.fromisoformat(date) - datetime.date.fromisoformat(start)).days
                    if not 0 <= day < len(series):
                        raise SystemExit(f"--date {date} is day {day}, outside the run's {len(series)} days")
                    shares.setdefault((date, "(market)"), []).append(baseline[day])
                    for r in offerings:
                        if int(r["day"]) == day:
                            shares.setdefault((date, r["offering"]), []).append(float(r["security"]))
    print(f"{preset}: {a.draws} posterior draws of {a.folder} x {a.seeds} seeds, {a.users} users ({runs} runs)")
    for (date, offering), values in sorted(shares.items()):
        print(f"  share on {date} {offering:<16} {summary(values)}")
    print(f"  long-run baseline (mean of the last 365 days) {summary(long_run)}")
    print(f"  runs with a regulation in force: {regulated} of {runs}")


if __name__ == "__main__":
    main()
