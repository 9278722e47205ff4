#!/usr/bin/env python3
"""Wall time, throughput and peak memory of `esplab run` on a preset.

Usage: python3 bench/run_time.py [--preset mcp] [--users 1000000] [--years 5] [--repeat 5]
"""
import argparse
import math

import timing


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="mcp")
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--years", type=float, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    days = max(1, math.ceil(args.years * 365))
    times, peak = timing.measure(["run", args.preset, "--users", str(args.users), "--years", str(args.years)], args.repeat)
    timing.report(times, peak, args.users * days, "simulated user-days")
    print(f"memory/user    {peak * 1024 / max(1, args.users):.0f} bytes per user (whole process)")


if __name__ == "__main__":
    main()
