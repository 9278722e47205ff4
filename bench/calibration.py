"""The three-preset calibration benchmark: `esplab calibrate` of `mcp` against its own rows and of
`online-banking` and `iot-botnets` against every row of the case table, one after the other, with
the calibration defaults (200 particles, 5 generations, 5 replicates, 100 predictive draws) at
`--users` users. The target is the whole set within 30 minutes on 2 cores.

Usage:
  python3 bench/calibration.py                  # 2,000 users per run
  python3 bench/calibration.py --users 10000    # the calibration default
  python3 bench/calibration.py --keep runs/bench-calibration

Prints each calibration's wall time, simulations and predictive coverage, and the total; writes
them to bench/results/calibration-<date>.json (with the machine). With --keep, the calibration
folders are kept there (docs/calibration.md quotes them).
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from timing import ROOT, build  # noqa: E402

# preset, target file (relative to the repository)
CALIBRATIONS = [
    ("mcp", "data/targets/mcp.toml"),
    ("online-banking", "data/targets/all.toml"),
    ("iot-botnets", "data/targets/all.toml"),
]


def machine():
    """The CPU, cores and commit the figures were measured on."""
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "commit": commit}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=2000, help="users per simulated run (default 2000)")
    parser.add_argument("--keep", help="keep the calibration folders under this folder")
    parser.add_argument("--limit-minutes", type=float, default=30.0, help="the target for the whole set")
    args = parser.parse_args()
    binary = build()
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        parent = args.keep or scratch
        os.makedirs(parent, exist_ok=True)
        for preset, targets in CALIBRATIONS:
            out = os.path.join(parent, preset)
            command = [binary, "calibrate", preset, "--targets", os.path.join(ROOT, targets),
                       "--users", str(args.users), "--out", out, "--force", "-q"]
            print("command: esplab " + " ".join(command[1:]), flush=True)
            start = time.perf_counter()
            subprocess.run(command, check=True)
            seconds = time.perf_counter() - start
            with open(os.path.join(out, "calibration.json"), encoding="utf-8") as f:
                summary = json.load(f)
            statistics = summary["posterior_predictive"]["statistics"]
            covered = sum(1 for s in statistics if s["target_within_90"])
            results.append({
                "preset": preset, "targets": targets, "users": args.users, "seconds": round(seconds, 1),
                "simulations": summary["simulations"], "ending": summary["ending"],
                "covered": covered, "statistics": len(statistics),
            })
            print(f"  {preset:<16} {seconds / 60:6.1f} min  {summary['simulations']:>6} simulations  "
                  f"{covered} of {len(statistics)} targets covered", flush=True)
    total = sum(r["seconds"] for r in results)
    verdict = "within" if total <= 60 * args.limit_minutes else "over"
    print(f"total {total / 60:.1f} min ({verdict} the {args.limit_minutes:g}-minute target)")
    record = {"date": datetime.date.today().isoformat(), "machine": machine(), "calibrations": results,
              "total_seconds": round(total, 1)}
    path = os.path.join(HERE, "results", f"calibration-{record['date']}.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(record, f, indent=2)
        f.write("\n")
    print(f"written to {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    main()
