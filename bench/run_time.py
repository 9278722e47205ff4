#!/usr/bin/env python3
"""Wall time, throughput and peak memory of `esplab run` on a preset.

Usage: python3 bench/run_time.py [--preset mcp] [--users 1000000] [--years 5] [--repeat 5]

Builds the release binary, runs the command REPEAT times (after one warm-up run) and prints the
median, min and max wall time, simulated user-days per second, and peak resident memory.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="mcp")
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--years", type=float, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "esplab"], cwd=ROOT, check=True)
    binary = os.path.join(ROOT, "target", "release", "esplab")
    days = max(1, int(-(-args.years * 365 // 1)))
    command = [binary, "run", args.preset, "--users", str(args.users), "--years", str(args.years), "-q"]
    print("command: " + " ".join(["esplab"] + command[1:]), flush=True)

    times, peaks = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat + 1):
            out = os.path.join(tmp, f"run-{i}")
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            start = time.perf_counter()
            subprocess.run(command + ["--out", out], check=True)
            elapsed = time.perf_counter() - start
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            if i == 0:
                continue  # warm-up: page cache, CPU frequency
            times.append(elapsed)
            peaks.append(max(peak, before))
    median = statistics.median(times)
    user_days = args.users * days
    result = {
        "preset": args.preset,
        "users": args.users,
        "days": days,
        "repeat": args.repeat,
        "wall_seconds": {"median": median, "min": min(times), "max": max(times)},
        "user_days_per_second_median": user_days / median,
        "peak_rss_mib": max(peaks) / 1024,
        "bytes_per_user": max(peaks) * 1024 / max(1, args.users),
    }
    print(f"wall time      median {median:.3f} s  (min {min(times):.3f}, max {max(times):.3f}, n={args.repeat})")
    print(f"throughput     {user_days / median:.3e} simulated user-days per second (median)")
    print(f"peak memory    {max(peaks) / 1024:.1f} MiB ({result['bytes_per_user']:.0f} bytes per user, whole process)")
    json.dump(result, sys.stderr if os.environ.get("BENCH_JSON") == "stderr" else open(os.devnull, "w"))


if __name__ == "__main__":
    main()
