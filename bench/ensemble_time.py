#!/usr/bin/env python3
"""Wall time and peak memory of `esplab ensemble` on a preset.

Usage: python3 bench/ensemble_time.py [--preset mcp] [--runs 1000] [--users 100000] [--years 5] [--repeat 1]

Target (2 cores): 1,000 runs of mcp at 100,000 users for 5 years within 3 minutes, under 2 GiB.
"""
import argparse
import math

import timing


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="mcp")
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--years", type=float, default=5)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    days = max(1, math.ceil(args.years * 365))
    arguments = ["ensemble", args.preset, "--runs", str(args.runs), "--users", str(args.users), "--years", str(args.years)]
    times, peak = timing.measure(arguments, args.repeat, warmup=False)
    timing.report(times, peak, args.runs * args.users * days, "simulated user-days")


if __name__ == "__main__":
    main()
