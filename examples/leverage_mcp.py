"""Which levers move the AI-agent (MCP) security baseline? Runs `leverage` on the mcp preset
and plots each lever's effect on the long-run baseline with its 95% interval. The leverage
folder is written too, and its report (`esplab.report`, which displays inline in Jupyter) saved
beside the figure.

    python examples/leverage_mcp.py                 # 100 runs per lever, 20,000 users
    python examples/leverage_mcp.py --runs 20 --users 5000 --out figures
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import esplab  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--runs", type=int, default=100)
parser.add_argument("--users", type=int, default=20000)
parser.add_argument("--out", default=".")
args = parser.parse_args()

out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)
folder = out / "leverage_mcp"
# force=True replaces what an earlier run of this script wrote there (without it, a folder
# that holds files is refused, as on the command line).
levers = esplab.leverage("mcp", runs=args.runs, users=args.users, out=str(folder), force=True).to_pandas()
print(levers[["rank", "lever", "effect", "low", "high", "verdict"]].to_string(index=False))

fig, ax = plt.subplots(figsize=(7, 3.5))
rows = range(len(levers))[::-1]
colors = ["#999999" if low <= 0 <= high else "#0072B2" for low, high in zip(levers["low"], levers["high"])]
ax.hlines(list(rows), levers["low"], levers["high"], colors=colors, linewidth=2)
ax.scatter(levers["effect"], list(rows), color=colors, zorder=3)
ax.axvline(0, color="black", linewidth=0.8)
ax.set_yticks(list(rows), levers["lever"])
ax.set_xlabel("change in the long-run baseline (security, 0-1)")
ax.set_title(f"Levers on the mcp baseline ({args.runs} paired runs each, 95% intervals)")
fig.tight_layout()
fig.savefig(out / "leverage_mcp.png", dpi=150)
print(f"figure written to {out / 'leverage_mcp.png'}")

# In a notebook, `esplab.report(folder)` on its own line shows the report inline.
report = esplab.report(folder)
report.save(out / "leverage_mcp.html")
print(f"{report.title}: report written to {out / 'leverage_mcp.html'}")
