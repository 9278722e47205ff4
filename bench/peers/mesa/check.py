"""Checks the Mesa port against esplab in distribution, so that the speed comparison of
bench/run.py compares the same model: both run the same resolved scenario over many seeds, and
for each summary metric the difference of the means must be within 4 standard errors (Welch)
or within 5% of the larger mean. Prints a table; exits with 1 if a metric disagrees.

The port is of the version-1 model (reactive vendors, no re-choice, tastes, disclosures, loss
agenda or standards body), so esplab runs the preset turned back into it (the overrides of `facts::REACTIVE`).

Usage: python check.py ESPLAB_BINARY [--scenario mcp] [--users 1000] [--years 1] [--seeds 40]
(run with the Python that has Mesa; bench/run.py does this).
"""

import argparse
import csv
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
# The overrides that turn a preset back into the version-1 model the port implements.
VERSION_1 = [
    "vendors.strategy=reactive",
    "users.rechoice=0",
    "users.taste_spread=0",
    "attack.disclosure_rate=0",
    "regulator.agenda_threshold=0",
    "standard.enabled=false",
]
VERSION_1_SET = [a for o in VERSION_1 for a in ("--set", o)]
METRICS = ["final_adoption", "peak_adoption", "mean_baseline", "final_baseline", "incidents", "news",
           "vendor_raises", "baseline_jumps", "regulations"]


def compare(esplab_runs, mesa_runs):
    """Rows of (metric, esplab mean, mesa mean, z, agrees)."""
    rows = []
    for metric in METRICS:
        a = [float(r[metric]) for r in esplab_runs]
        b = [float(r[metric]) for r in mesa_runs]
        ma, mb = statistics.fmean(a), statistics.fmean(b)
        se = math.sqrt(statistics.variance(a) / len(a) + statistics.variance(b) / len(b))
        z = (mb - ma) / se if se > 0 else 0.0
        close = abs(mb - ma) <= 0.05 * max(abs(ma), abs(mb))
        rows.append((metric, ma, mb, z, abs(z) <= 4.0 or close))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("esplab")
    parser.add_argument("--scenario", default="mcp")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--years", type=float, default=1.0)
    parser.add_argument("--seeds", type=int, default=40)
    parser.add_argument("--json", help="also write the table here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        size = ["--users", str(args.users), "--years", str(args.years)] + VERSION_1_SET
        subprocess.run([args.esplab, "run", args.scenario, "-q", "--out", f"{tmp}/run"] + size, check=True)
        subprocess.run([args.esplab, "ensemble", args.scenario, "-q", "--runs", str(args.seeds),
                        "--out", f"{tmp}/ensemble"] + size, check=True)
        with open(f"{tmp}/ensemble/runs.csv") as f:
            esplab_runs = list(csv.DictReader(f))
        seeds = ",".join(str(s) for s in range(1, args.seeds + 1))
        out = subprocess.run([sys.executable, os.path.join(HERE, "esp_mesa.py"), f"{tmp}/run/scenario.toml",
                              "--seeds", seeds], check=True, capture_output=True, text=True).stdout
        mesa_runs = [json.loads(line) for line in out.splitlines() if line.strip()]
    rows = compare(esplab_runs, mesa_runs)
    print(f"Mesa port vs esplab, {args.scenario}, {args.users} users, {args.years} years, {args.seeds} seeds each")
    print(f"  {'metric':<16} {'esplab':>10} {'mesa':>10} {'z':>7}  agrees")
    for metric, a, b, z, ok in rows:
        print(f"  {metric:<16} {a:>10.4g} {b:>10.4g} {z:>7.2f}  {'yes' if ok else 'NO'}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump([dict(metric=m, esplab=a, mesa=b, z=z, agrees=ok) for m, a, b, z, ok in rows], f, indent=1)
    return 0 if all(r[4] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
