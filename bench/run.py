"""The esplab benchmark suite: one command, one table, one JSON file.

Measures, on this machine and in this invocation:
  - `esplab run mcp` for 5 simulated years at 10^5, 10^6 and 10^7 users on one thread and on
    every core (`--threads`), and for 1 year at 10^8 on every core: wall time (median, min, max
    of the repeats), simulated user-days per second, peak resident memory and bytes per user;
    the rate at 10^7 over the rate at 10^6, and the speed-up of every core over one;
  - a 1,000-run ensemble at 10^5 users;
  - the memory-bandwidth bound at each size: one streaming pass over 21 bytes of state per user
    (crates/model/examples/bandwidth.rs) times the simulated days, the least a naive engine
    that touches every user every day must spend; esplab's time is reported as a fraction of it;
  - the Mesa port of the version-1 model (bench/peers/mesa/; esplab runs the preset turned back
    into it), checked against esplab in distribution first, then timed beside esplab at the
    sizes Mesa handles; the ratio is per simulated user-day.

Usage:
  python3 bench/run.py              # everything (about 25 minutes on 2 cores)
  python3 bench/run.py --quick      # 10^5 and 10^6 only, a 100-run ensemble, Mesa at 10^3
  python3 bench/run.py --no-mesa    # skip the Mesa comparison (no Python packages needed)
  python3 bench/run.py --baseline /tmp/old/esplab   # also time an earlier build, same cases
                                                    # below 10^8 users, in the same invocation

Writes bench/results/<date>.json. The Mesa peer is installed on first use into
bench/peers/mesa/.venv from bench/peers/mesa/requirements.txt (pinned).
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MESA = os.path.join(HERE, "peers", "mesa")
sys.path.insert(0, HERE)
from timing import build  # noqa: E402

sys.path.insert(0, MESA)
from check import VERSION_1_SET  # noqa: E402


def timed(command, repeat):
    """Runs `command` (warm-up, then `repeat` times); returns wall times and peak RSS in bytes."""
    times, peak = [], 0
    for i in range(repeat + 1):
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"failed: {' '.join(command)}")
        peak = max(peak, usage.ru_maxrss * 1024)
        if i > 0:  # the first run warms up
            times.append(elapsed)
    return times, peak


def spread(times):
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "n": len(times)}


BANDWIDTH = {}


def bandwidth_bound(users, days):
    """Seconds a naive engine needs at least: one streaming pass per day over the user state
    (one thread; measured once per size)."""
    if users in BANDWIDTH:
        seconds, out = BANDWIDTH[users]
        return seconds * days, out
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "esplab-model", "--example", "bandwidth"],
                   cwd=ROOT, check=True)
    binary = os.path.join(ROOT, "target", "release", "examples", "bandwidth")
    passes = 5 if users >= 10**8 else 20
    out = json.loads(subprocess.run([binary, str(users), str(passes)], check=True, capture_output=True,
                                    text=True).stdout)
    BANDWIDTH[users] = (out["seconds_per_pass"]["median"], out)
    return out["seconds_per_pass"]["median"] * days, out


def threads_option(binary):
    """Whether `binary run` takes `--threads` (builds before parallel single runs do not, and run
    on one thread; later ones default to every core)."""
    help_text = subprocess.run([binary, "run", "--help"], capture_output=True, text=True).stdout
    return "--threads" in help_text


def baseline_run(binary, users, years, repeat, tmp):
    """The same command with an earlier build on one thread, for a before/after ratio in one
    invocation against esplab on one thread."""
    command = [binary, "run", "mcp", "-q", "--users", str(users), "--years", str(years), "--force", "--out",
               os.path.join(tmp, f"baseline-{users}")]
    if threads_option(binary):
        command += ["--threads", "1"]
    shown = " ".join(arg for arg in command if arg not in ("--force", "--out", command[command.index("--out") + 1]))
    print(f"  baseline: {shown}  ({repeat} repeats after a warm-up)", flush=True)
    times, peak = timed(command, repeat)
    return {
        "case": f"mcp, {users:,} users, {years:g} years",
        "binary": binary,
        "users": users,
        "threads": 1,
        "wall_seconds": spread(times),
        "peak_bytes": peak,
        "bytes_per_user": peak / users,
    }


def esplab_run(binary, users, years, repeat, threads, tmp):
    days = int(years * 365)
    command = [binary, "run", "mcp", "-q", "--users", str(users), "--years", str(years), "--threads", str(threads),
               "--force", "--out", os.path.join(tmp, f"run-{users}")]
    how = "once, no warm-up" if users >= 10**8 else f"{repeat} repeats after a warm-up"
    print(f"  esplab run mcp --users {users} --years {years} --threads {threads}  ({how})", flush=True)
    if users >= 10**8:
        times, peak = timed_once(command)
    else:
        times, peak = timed(command, repeat)
    bound, bandwidth = bandwidth_bound(users, days)
    median = statistics.median(times)
    return {
        "case": f"mcp, {users:,} users, {years:g} years, {threads} thread{'s' if threads > 1 else ''}",
        "command": "esplab run mcp -q --users {} --years {} --threads {}".format(users, years, threads),
        "users": users,
        "threads": threads,
        "days": days,
        "wall_seconds": spread(times),
        "user_days_per_second": users * days / median,
        "peak_bytes": peak,
        "bytes_per_user": peak / users,
        "bandwidth_bound_seconds": bound,
        "fraction_of_bound": median / bound,
        "bandwidth": bandwidth,
    }


def timed_once(command):
    """One measured run, no warm-up (for the largest case)."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return [time.perf_counter() - start], usage.ru_maxrss * 1024


def esplab_ensemble(binary, runs, tmp):
    users, years = 100_000, 5
    command = [binary, "ensemble", "mcp", "-q", "--runs", str(runs), "--users", str(users), "--years", str(years),
               "--force", "--out", os.path.join(tmp, "ensemble")]
    print(f"  esplab ensemble mcp --runs {runs} --users {users} --years {years}", flush=True)
    times, peak = timed_once(command)
    return {
        "case": f"ensemble, {runs:,} runs of mcp, {users:,} users, {years} years",
        "command": " ".join(["esplab"] + command[1:-2]),
        "runs": runs,
        "wall_seconds": spread(times),
        "user_days_per_second": runs * users * years * 365 / times[0],
        "peak_bytes": peak,
    }


def esplab_backtest(binary, users, tmp):
    """One backtest of one series at one as-of date (the forecasting issue's target: within five
    minutes on 2 cores at the converged population size)."""
    command = [binary, "backtest", "-q", "--series", os.path.join(ROOT, "data", "security_series.csv"),
               "--series-id", "https-firefox-pageloads", "--as-of", "2015-04", "--horizon", "12mo",
               "--users", str(users), "--force", "--out", os.path.join(tmp, "backtest")]
    print(f"  esplab backtest https-firefox-pageloads --as-of 2015-04 --users {users}", flush=True)
    times, peak = timed_once(command)
    return {
        "case": f"backtest, one as-of date of https-firefox-pageloads, {users:,} users",
        "command": " ".join(["esplab"] + [c if not c.startswith(ROOT) else os.path.relpath(c, ROOT) for c in command[1:-2]]),
        "wall_seconds": spread(times),
        "peak_bytes": peak,
    }


def mesa_python():
    """The Python of the Mesa peer's virtual environment, created on first use."""
    venv = os.path.join(MESA, ".venv")
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        print("  installing the Mesa peer (bench/peers/mesa/requirements.txt)", flush=True)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "-r", os.path.join(MESA, "requirements.txt")],
                       check=True)
    return python


def mesa_comparison(binary, sizes, tmp):
    python = mesa_python()
    versions = subprocess.run([python, "-c", "import mesa, networkx, sys; print(mesa.__version__, networkx.__version__,"
                               " sys.version.split()[0])"], check=True, capture_output=True, text=True).stdout.split()
    print("  checking the Mesa port against esplab in distribution (mcp, 1,000 users, 1 year, 40 seeds)", flush=True)
    check_file = os.path.join(tmp, "check.json")
    check = subprocess.run([python, os.path.join(MESA, "check.py"), binary, "--json", check_file],
                           capture_output=True, text=True)
    print("    " + check.stdout.replace("\n", "\n    ").rstrip())
    if check.returncode != 0:
        raise SystemExit("the Mesa port disagrees with esplab: the speed comparison would not be fair")
    with open(check_file) as f:
        agreement = json.load(f)
    rows = []
    for users, years, repeat in sizes:
        days = int(years * 365)
        out = os.path.join(tmp, f"mesa-{users}")
        subprocess.run([binary, "run", "mcp", "-q", "--users", str(users), "--years", str(years), "--out", out,
                        *VERSION_1_SET], check=True)
        print(f"  Mesa port, mcp, {users:,} users, {years} years ({repeat} seeds)", flush=True)
        result = subprocess.run([python, os.path.join(MESA, "esp_mesa.py"), os.path.join(out, "scenario.toml"),
                                 "--seeds", ",".join(str(s) for s in range(1, repeat + 1))],
                                check=True, capture_output=True, text=True).stdout
        mesa_times = [json.loads(line)["seconds"] for line in result.splitlines() if line.strip()]
        esplab_times, _ = timed([binary, "run", "mcp", "-q", "--users", str(users), "--years", str(years),
                                 "--threads", "1", "--force", "--out", os.path.join(tmp, f"esplab-{users}"),
                                 *VERSION_1_SET], 5)
        mesa_median, esplab_median = statistics.median(mesa_times), statistics.median(esplab_times)
        rows.append({
            "case": f"mcp, {users:,} users, {years:g} years",
            "users": users,
            "days": days,
            "mesa_seconds": spread(mesa_times),
            "esplab_seconds": spread(esplab_times),
            "mesa_user_days_per_second": users * days / mesa_median,
            "esplab_user_days_per_second": users * days / esplab_median,
            "ratio_per_user_day": mesa_median / esplab_median,
        })
    return {"mesa": versions[0], "networkx": versions[1], "python": versions[2], "agreement": agreement,
            "sizes": rows}


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = 0
    try:
        with open("/proc/meminfo") as f:
            memory = int(next(line.split()[1] for line in f if line.startswith("MemTotal"))) * 1024
    except (OSError, StopIteration):
        pass
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_bytes": memory, "os": platform.platform(), "rustc": rustc,
            "commit": commit}


def table(results):
    lines = ["| case | wall time, median (min–max), n | user-days/s | peak memory | bytes/user | "
             "bandwidth bound | esplab / bound |", "|---|---|---|---|---|---|---|"]
    for r in results["runs"]:
        w = r["wall_seconds"]
        lines.append(f"| {r['case']} | {w['median']:.3f} s ({w['min']:.3f}–{w['max']:.3f}), {w['n']} | "
                     f"{r['user_days_per_second']:.3g} | {r['peak_bytes'] / 2**20:.0f} MiB | "
                     f"{r['bytes_per_user']:.0f} | {r['bandwidth_bound_seconds']:.3f} s | "
                     f"{r['fraction_of_bound']:.3f} |")
    rates = {(r["users"], r["threads"]): r["user_days_per_second"] for r in results["runs"]}
    notes = []
    for threads in sorted({t for _, t in rates}):
        if (10**6, threads) in rates and (10**7, threads) in rates:
            notes.append(f"rate at 10^7 users / rate at 10^6, {threads} thread{'s' if threads > 1 else ''}: "
                         f"{rates[(10**7, threads)] / rates[(10**6, threads)]:.2f}")
    for users in sorted({u for u, _ in rates}):
        counts = sorted(t for u, t in rates if u == users)
        if len(counts) > 1:
            notes.append(f"{users:,} users, {counts[-1]} threads / 1 thread: "
                         f"{rates[(users, counts[-1])] / rates[(users, 1)]:.2f}×")
    e = results.get("ensemble")
    if e:
        lines.append(f"| {e['case']} | {e['wall_seconds']['median']:.1f} s, 1 | {e['user_days_per_second']:.3g} | "
                     f"{e['peak_bytes'] / 2**20:.0f} MiB | | | |")
    b = results.get("backtest")
    if b:
        lines.append(f"| {b['case']} | {b['wall_seconds']['median']:.1f} s, 1 | | {b['peak_bytes'] / 2**20:.0f} MiB | | | |")
    if notes:
        lines += [""] + [f"- {note}" for note in notes]
    if results.get("baseline"):
        lines += ["", f"Against the baseline build ({results['baseline'][0]['binary']}), same cases, same invocation:",
                  "", "| case | baseline 1 thread, median (min–max), n | esplab 1 thread, median | speed-up | baseline bytes/user | "
                  "bytes/user |", "|---|---|---|---|---|---|"]
        now = {r["users"]: r for r in results["runs"] if r["threads"] == 1}
        for b in results["baseline"]:
            r, w = now[b["users"]], b["wall_seconds"]
            lines.append(f"| {b['case']} | {w['median']:.3f} s ({w['min']:.3f}–{w['max']:.3f}), {w['n']} | "
                         f"{r['wall_seconds']['median']:.3f} s | {w['median'] / r['wall_seconds']['median']:.2f}× | "
                         f"{b['bytes_per_user']:.0f} | {r['bytes_per_user']:.0f} |")
    m = results.get("mesa")
    if m:
        lines += ["", f"Mesa {m['mesa']} (networkx {m['networkx']}, Python {m['python']}), same model, same machine:",
                  "", "| case | Mesa, median (min–max), n | esplab, median (min–max), n | Mesa user-days/s | "
                  "esplab user-days/s | esplab / Mesa per user-day |", "|---|---|---|---|---|---|"]
        for r in m["sizes"]:
            a, b = r["mesa_seconds"], r["esplab_seconds"]
            lines.append(f"| {r['case']} | {a['median']:.2f} s ({a['min']:.2f}–{a['max']:.2f}), {a['n']} | "
                         f"{b['median']:.4f} s ({b['min']:.4f}–{b['max']:.4f}), {b['n']} | "
                         f"{r['mesa_user_days_per_second']:.3g} | {r['esplab_user_days_per_second']:.3g} | "
                         f"{r['ratio_per_user_day']:.0f}× |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="the small cases only (a few minutes)")
    parser.add_argument("--no-mesa", action="store_true", help="skip the Mesa comparison")
    parser.add_argument("--out", help="JSON file (default bench/results/<date>.json)")
    parser.add_argument("--baseline", metavar="BINARY",
                        help="an earlier esplab build, timed on the same cases below 10^8 users")
    args = parser.parse_args()
    binary = build()
    results = {"date": datetime.date.today().isoformat(), "machine": machine(), "runs": []}
    cores = os.cpu_count() or 1
    every = sorted({1, cores})
    if args.quick:
        sizes, ensemble_runs, mesa_sizes = [(10**5, 5, 5, [1]), (10**6, 5, 3, every)], 100, [(1_000, 1, 3)]
        backtest_users = 10_000
    else:
        sizes = [(10**5, 5, 5, every), (10**6, 5, 5, every), (10**7, 5, 3, every), (10**8, 1, 1, [cores])]
        ensemble_runs, mesa_sizes = 1000, [(1_000, 1, 5), (10_000, 1, 3), (100_000, 1, 1)]
        backtest_users = 100_000
    print(f"esplab benchmarks on {results['machine']['cpu']} ({results['machine']['cores']} cores)", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for users, years, repeat, thread_counts in sizes:
            for threads in thread_counts:
                results["runs"].append(esplab_run(binary, users, years, repeat, threads, tmp))
            if args.baseline and users < 10**8:
                results.setdefault("baseline", []).append(baseline_run(args.baseline, users, years, repeat, tmp))
        results["ensemble"] = esplab_ensemble(binary, ensemble_runs, tmp)
        results["backtest"] = esplab_backtest(binary, backtest_users, tmp)
        if not args.no_mesa:
            results["mesa"] = mesa_comparison(binary, mesa_sizes, tmp)
    text = table(results)
    print()
    print(text)
    out = args.out or os.path.join(HERE, "results", f"{results['date']}.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out + ".partial", "w") as f:
        json.dump(results, f, indent=1)
    os.replace(out + ".partial", out)
    print(f"\nresults in {os.path.relpath(out, ROOT)}")


if __name__ == "__main__":
    main()
