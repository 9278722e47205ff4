"""Shared timing helpers of the esplab benchmarks: build once, time a command with a warm-up,
report median/min/max wall time and the peak resident memory of the measured process alone
(read with wait4, so the build does not count)."""
import os
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build():
    """Builds the release binary and returns its path."""
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "esplab"], cwd=ROOT, check=True)
    return os.path.join(ROOT, "target", "release", "esplab")


def measure(arguments, repeat, warmup=True):
    """Runs `esplab ARGUMENTS --out DIR` (warm-up, then `repeat` times); returns (times, peak_kib)."""
    binary = build()
    print("command: esplab " + " ".join(arguments), flush=True)
    times, peak = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeat + (1 if warmup else 0)):
            out = os.path.join(tmp, f"out-{i}")
            start = time.perf_counter()
            child = subprocess.Popen([binary] + arguments + ["--out", out, "-q"])
            _, status, usage = os.wait4(child.pid, 0)
            elapsed = time.perf_counter() - start
            child.returncode = os.waitstatus_to_exitcode(status)
            if child.returncode != 0:
                raise SystemExit(f"esplab failed with exit code {child.returncode}")
            peak = max(peak, usage.ru_maxrss)
            if warmup and i == 0:
                continue
            times.append(elapsed)
    return times, peak


def report(times, peak_kib, work=None, unit=None):
    median = statistics.median(times)
    print(f"wall time      median {median:.3f} s  (min {min(times):.3f}, max {max(times):.3f}, n={len(times)})")
    if work:
        print(f"throughput     {work / median:.3e} {unit} per second (median)")
    print(f"peak memory    {peak_kib / 1024:.1f} MiB (largest child process)")
    return median
