#!/usr/bin/env python3
"""Finds the population size at which a preset's headline figures stop depending on it.

For N = START, 2 START, 4 START, ... up to MAX users, runs `esplab ensemble PRESET --runs R
--users N` and reports the mean of each headline metric (long-run baseline, final floor, vendor
raises, news, regulations) with its 95% interval (Student t over runs), and the relative change
of the long-run baseline from the size before. The converged size is the smallest N whose
doubling changes the long-run baseline's mean by less than 5% (and by less than the two
intervals' half-widths, so that noise is not read as convergence).

    python3 scripts/converged_size.py mcp --runs 48 --start 10000 --max 320000
"""
import argparse
import csv
import math
import os
import statistics
import subprocess
import tempfile

METRICS = ["long_run_baseline", "final_floor", "vendor_raises", "news", "regulations"]
# Two-sided 95% Student t quantiles by degrees of freedom (normal beyond 120).
T95 = {10: 2.228, 20: 2.086, 30: 2.042, 40: 2.021, 60: 2.000, 120: 1.980}


def t95(df):
    for limit in sorted(T95):
        if df <= limit:
            return T95[limit]
    return 1.960


def mean_interval(values):
    m = statistics.fmean(values)
    half = t95(len(values) - 1) * statistics.stdev(values) / math.sqrt(len(values)) if len(values) > 1 else math.inf
    return m, half


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("preset")
    ap.add_argument("--runs", type=int, default=48)
    ap.add_argument("--start", type=int, default=10000)
    ap.add_argument("--max", type=int, default=320000)
    ap.add_argument("--bin", default="target/release/esplab")
    a = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        n = a.start
        while n <= a.max:
            out = os.path.join(tmp, f"n{n}")
            subprocess.run([a.bin, "ensemble", a.preset, "--runs", str(a.runs), "--users", str(n), "--out", out,
                            "--quiet"], check=True)
            with open(os.path.join(out, "runs.csv"), newline="") as f:
                runs = list(csv.DictReader(f))
            rows.append((n, {m: mean_interval([float(r[m]) for r in runs]) for m in METRICS}))
            n *= 2
    print(f"{a.preset}: {a.runs} runs per size; means with 95% half-widths")
    print("users".rjust(9) + "".join(m.rjust(24) for m in METRICS) + "  change of long_run_baseline")
    converged = None
    for k, (n, figures) in enumerate(rows):
        line = f"{n:>9}" + "".join(f"{figures[m][0]:>15.4f} ±{figures[m][1]:<7.4f}" for m in METRICS)
        if k > 0:
            (before, half_before), (now, half_now) = rows[k - 1][1]["long_run_baseline"], figures["long_run_baseline"]
            change = (now - before) / before if before else math.inf
            line += f"  {change:+.1%}"
            if converged is None and abs(change) < 0.05 and abs(now - before) < half_before + half_now:
                converged = rows[k - 1][0]
        print(line)
    print(f"converged size (long-run baseline within 5% on doubling): {converged if converged else 'not reached'}")


if __name__ == "__main__":
    main()
