"""What the economic vendors cost in speed: `esplab run mcp` at the same size with the presets'
economic vendors, with reactive vendors in the same market (`--set vendors.strategy=reactive`),
and with the preset turned back into the version-1 model (reactive vendors, no re-choice, tastes,
disclosures or loss agenda: the overrides of `facts::REACTIVE`).

Usage:
  python3 bench/strategies.py                         # 10^6 users, 5 years, 3 repeats
  python3 bench/strategies.py --users 100000 --repeat 5
  python3 bench/strategies.py --baseline-binary OLD   # also time an older esplab's `run mcp`

Prints the median wall time of each (after a warm-up run) and their ratios; the target is
economic / reactive <= 1.3 in the same market.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from timing import build  # noqa: E402

REACTIVE = [
    "vendors.strategy=reactive",
    "users.rechoice=0",
    "users.taste_spread=0",
    "attack.disclosure_rate=0",
    "regulator.agenda_threshold=0",
]


def median_time(command, repeat):
    """Median wall time of `command` over `repeat` runs after one warm-up run."""
    times = []
    for i in range(repeat + 1):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        if i > 0:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--years", type=float, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline-binary", help="an older esplab binary to time on its own `run mcp`")
    args = parser.parse_args()
    binary = build()
    size = ["--users", str(args.users), "--years", f"{args.years:g}"]
    with tempfile.TemporaryDirectory() as scratch:
        def run(exe, overrides):
            command = [exe, "run", "mcp", "-q", *size, "--force", "--out", os.path.join(scratch, "out")]
            for o in overrides:
                command += ["--set", o]
            return median_time(command, args.repeat)

        print(f"esplab run mcp --users {args.users} --years {args.years:g}: median of {args.repeat} after a warm-up")
        version_1 = run(binary, REACTIVE)
        reactive = run(binary, REACTIVE[:1])
        economic = run(binary, [])
        print(f"  version-1 model            {version_1:8.2f} s")
        print(f"  reactive, same market      {reactive:8.2f} s")
        print(f"  economic (the preset)      {economic:8.2f} s")
        print(f"  economic / reactive        {economic / reactive:8.2f}  (target <= 1.3)")
        print(f"  economic / version-1 model {economic / version_1:8.2f}")
        if args.baseline_binary:
            old = run(args.baseline_binary, [])
            print(f"  baseline binary            {old:8.2f} s; economic / baseline {economic / old:.2f}")


if __name__ == "__main__":
    main()
