#!/usr/bin/env python3
"""Counts the economic vendors' launch and cap artefacts of a preset over seeds.

Runs `esplab run PRESET --users N --seed S` for S = 1..SEEDS and counts, from each run's
events.csv, offerings.csv and timeseries.csv: raises on day 0, raises ending at the cap (0.999),
offerings at 0.99 or more in year one before any news, offerings ever at 0.99 or more, baseline
jumps (days above +0.01) and how many come in year one or within 30 days after news, news and
how many are followed by the struck offering's raise within 30 days, news in the year
2025-01-01..2025-12-31 (days 37..401 of a run starting 2024-11-25, as `mcp` does), and each
offering's final security. docs/evidence.md quotes its figures for `mcp` and `online-banking`.

    python3 scripts/vendor_artefacts.py mcp --seeds 30 --users 20000
    python3 scripts/vendor_artefacts.py online-banking --seeds 40 --users 100000
"""
import argparse
import collections
import csv
import os
import statistics
import subprocess
import tempfile

CAP = 0.999
AFTER_NEWS_DAYS = 30


def rows(folder, name):
    with open(os.path.join(folder, name), newline="") as f:
        return list(csv.DictReader(f))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("preset")
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("--users", type=int, default=20000)
    ap.add_argument("--bin", default="target/release/esplab", help="the esplab binary")
    ap.add_argument("--set", action="append", default=[], help="KEY=VALUE, passed to esplab run")
    a = ap.parse_args()
    raises = day0 = capped = jumps = jumps_year1 = jumps_after_news = news_total = answered = 0
    early, ever = collections.Counter(), collections.Counter()
    finals = collections.defaultdict(list)
    news_2025 = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(1, a.seeds + 1):
            out = os.path.join(tmp, f"run-{seed}")
            command = [a.bin, "run", a.preset, "--users", str(a.users), "--seed", str(seed), "--out", out, "--quiet"]
            for s in a.set:
                command += ["--set", s]
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            events = rows(out, "events.csv")
            news = [(int(e["day"]), e["offering"]) for e in events if e["kind"] == "news"]
            news_days = [d for d, _ in news]
            news_total += len(news)
            news_2025.append(sum(37 <= d < 402 for d in news_days))
            raise_days = collections.defaultdict(list)
            for e in events:
                if e["kind"] == "vendor_raise":
                    raises += 1
                    day0 += e["day"] == "0"
                    capped += float(e["detail"].split("-> ")[1].split()[0]) >= CAP - 1e-4
                    raise_days[e["offering"]].append(int(e["day"]))
            answered += sum(any(d <= r <= d + AFTER_NEWS_DAYS for r in raise_days[o]) for d, o in news)
            first_high, last = {}, {}
            for r in rows(out, "offerings.csv"):
                day, security = int(r["day"]), float(r["security"])
                if security >= 0.99 and r["offering"] not in first_high:
                    first_high[r["offering"]] = day
                last[r["offering"]] = security
            for offering, day in first_high.items():
                ever[offering] += 1
                if day < 365 and not any(d <= day for d in news_days):
                    early[offering] += 1
            for offering, security in last.items():
                finals[offering].append(security)
            baseline = [float(r["baseline"]) for r in rows(out, "timeseries.csv")]
            for day in range(1, len(baseline)):
                if baseline[day] - baseline[day - 1] > 0.01:
                    jumps += 1
                    jumps_year1 += day < 365
                    jumps_after_news += any(d <= day <= d + AFTER_NEWS_DAYS for d in news_days)
    share = lambda k, n: f"{k / n:.0%}" if n else "-"
    print(f"{a.preset}: {a.seeds} seeds x {a.users} users {' '.join(a.set)}")
    print(f"  vendor raises {raises}: on day 0 {day0}, ending at the cap {capped} ({share(capped, raises)})")
    print(f"  offerings at >= 0.99 in year one before any news: {dict(early)}")
    print(f"  offerings ever at >= 0.99: {dict(ever)}")
    print(f"  baseline jumps {jumps}: in year one {jumps_year1}, within {AFTER_NEWS_DAYS} days after news "
          f"{jumps_after_news} ({share(jumps_after_news, jumps)})")
    print(f"  news {news_total}, followed by the struck offering's raise within {AFTER_NEWS_DAYS} days {answered}")
    print(f"  news in 2025 per run: median {statistics.median(news_2025)}, range {min(news_2025)}..{max(news_2025)}")
    print("  final security per offering, median [min, max]:")
    for offering, values in finals.items():
        print(f"    {offering}: {statistics.median(values):.3f} [{min(values):.3f}, {max(values):.3f}]")


if __name__ == "__main__":
    main()
