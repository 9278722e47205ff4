"""esplab: simulate how the market of human behaviour sets a technology's security baseline.

Every function takes a scenario as a preset name (``"mcp"``), a TOML path, TOML text or a dict
of overrides of the defaults, and keyword settings that mirror the command line (``users``,
``years``, ``seed``, ``set``, ``runs``, ``threads``). Results are ``pyarrow.Table`` objects
(``.to_pandas()``, ``polars.from_arrow()``), with the numbers the CLI writes.

>>> import esplab
>>> runs = esplab.ensemble("mcp", runs=10, users=5000, years=2)
>>> runs.column_names[:3]
['run', 'seed', 'final_baseline']
"""

from __future__ import annotations

import functools
from typing import Any, Iterable, Optional

import pyarrow as pa

from ._esplab import (  # noqa: F401
    ScenarioError,
    ScenarioWarning,
    analyze,
    backtest,
    calibrate,
    compare,
    ensemble,
    fit,
    forecast,
    leverage,
    leverage_over_draws,
    robust_leverage,
    run,
    scenarios,
    sensitivity,
    sweep_rows,
)
from ._esplab import discover as _discover
from ._esplab import report_html as _report_html
from ._esplab import sweep as _sweep_shard

# Keywords that take whole numbers of zero or more, as their command-line flags do.
_WHOLE_NUMBERS = frozenset(
    [
        "users", "seed", "runs", "threads", "start", "start_day", "posterior_draws", "particles",
        "generations", "max_simulations", "replicates", "predictive", "draws", "sample", "shards",
    ]
)
_MOST = 2**64 - 1


# Keywords that take a dict, as ``--set KEY=VALUE`` and ``--vary KEY=VALUE`` take pairs.
_DICTS = {
    "set": "a dict of scenario keys and values, e.g. set={'vendors.liability': 0.5}",
    "vary": "a dict of scenario keys and values, e.g. vary={'vendors.liability': 0.5}",
}
# Keywords that take a list of texts, as their repeatable command-line flags do.
_LISTS = {
    "levers": "a list of lever names, e.g. levers=['regulation']",
    "only": "a list of target names, e.g. only=['vendor_lag_months']",
    "params": "a list of KEY=PRIOR texts, e.g. params=['vendors.liability=uniform:0:1']",
}


def _check_keywords(keywords: dict) -> None:
    """Refuses, with a ScenarioError naming the keyword and what it allows, a negative or
    too large whole number, a ``set`` or ``vary`` that is not a dict, a list keyword that is not
    a list of texts and a ``shard`` that is not an ``(i, n)`` pair, before any work starts."""
    for name, value in keywords.items():
        if value is None:
            continue
        if name in _WHOLE_NUMBERS and isinstance(value, int) and not isinstance(value, bool):
            if value < 0:
                raise ScenarioError(f"{name}={value}: allowed: a whole number, 0 or more")
            if value > _MOST:
                raise ScenarioError(f"{name}={value}: allowed: at most {_MOST}")
        if name in _DICTS and not isinstance(value, dict):
            raise ScenarioError(f"{name}={value!r}: allowed: {_DICTS[name]}")
        if name in _LISTS and (
            isinstance(value, str) or not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value)
        ):
            raise ScenarioError(f"{name}={value!r}: allowed: {_LISTS[name]}")
        if name == "shard" and not (
            isinstance(value, tuple)
            and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= _MOST for v in value)
        ):
            raise ScenarioError(
                f"shard={value!r}: allowed: a pair (i, n) of whole numbers with i < n, as esplab.shards(n) gives"
            )


def _checked(function: Any, name: str) -> Any:
    """``function`` with its keywords checked by :func:`_check_keywords` first, known (and
    pickled, for process pools) as ``esplab.<name>``."""

    @functools.wraps(function)
    def call(*args: Any, **keywords: Any) -> Any:
        _check_keywords(keywords)
        return function(*args, **keywords)

    call.__module__, call.__name__, call.__qualname__ = __name__, name, name
    return call


analyze = _checked(analyze, "analyze")
backtest = _checked(backtest, "backtest")
calibrate = _checked(calibrate, "calibrate")
compare = _checked(compare, "compare")
ensemble = _checked(ensemble, "ensemble")
fit = _checked(fit, "fit")
forecast = _checked(forecast, "forecast")
leverage = _checked(leverage, "leverage")
leverage_over_draws = _checked(leverage_over_draws, "leverage_over_draws")
run = _checked(run, "run")
sensitivity = _checked(sensitivity, "sensitivity")
sweep_rows = _checked(sweep_rows, "sweep_rows")
_discover = _checked(_discover, "_discover")
_sweep_shard = _checked(_sweep_shard, "_sweep_shard")

__all__ = [
    "ScenarioError",
    "ScenarioWarning",
    "analyze",
    "backtest",
    "calibrate",
    "compare",
    "discover",
    "ensemble",
    "fit",
    "forecast",
    "leverage",
    "leverage_over_draws",
    "report",
    "Report",
    "robust_leverage",
    "run",
    "scenarios",
    "sensitivity",
    "sweep",
    "shards",
]


def shards(count: int) -> list[tuple[int, int]]:
    """The ``count`` shards of a sweep as ``(i, n)`` pairs: the CLI's ``--shard i/n``. Shard i
    holds rows ``i * total // n`` to ``(i + 1) * total // n``; joined in order they are the
    whole sweep."""
    if count < 1:
        raise ScenarioError(f"shards {count}: out of range; allowed: 1 or more")
    return [(i, count) for i in range(count)]


class Report:
    """The report of an output folder, as ``esplab report`` writes it: ``title``, ``html`` (the
    self-contained page) and ``save(path)``. In Jupyter it displays inline, in a frame of its own
    so that the page's styles leave the notebook's alone."""

    def __init__(self, title: str, html: str):
        self.title = title
        self.html = html

    def save(self, path: Any) -> None:
        """Writes the page to ``path``."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.html)

    def _repr_html_(self) -> str:
        from html import escape

        return (
            f'<iframe title="{escape(self.title)}" srcdoc="{escape(self.html)}" '
            'style="width:100%;height:900px;border:1px solid #ddd"></iframe>'
        )

    def __repr__(self) -> str:
        return f"<esplab.Report {self.title!r}: {len(self.html)} characters of HTML>"


def report(folder: Any) -> Report:
    """The report of an output folder of any kind (run, ensemble, compare, leverage, sweep,
    sensitivity, calibrate, discover), as ``esplab report`` makes it. Displays inline in Jupyter.

    >>> import esplab
    >>> levers = esplab.leverage("mcp", runs=10, users=5000, out="runs/lev")
    >>> esplab.report("runs/lev")          # in a notebook: the page, with its charts
    """
    title, html = _report_html(str(folder))
    return Report(title, html)


def sweep(
    plan: str,
    *,
    executor: Any = None,
    shards: Optional[int] = None,
    threads: int = 0,
    set: Optional[dict] = None,
) -> pa.Table:
    """Runs the rows of a sweep plan and returns them as one table (as ``esplab sweep``).

    With ``executor`` (any ``concurrent.futures``-style executor: ``submit`` returning futures),
    the sweep is split into ``shards`` deterministic shards (default: 4) submitted to it, and
    the results are joined in order: the table is the same whichever executor runs them.

    >>> import esplab, concurrent.futures
    >>> with concurrent.futures.ThreadPoolExecutor(2) as pool:
    ...     t = esplab.sweep("plans/mcp-lhs.toml", executor=pool, set={"run.users": 2000})
    """
    if executor is None:
        return _sweep_shard(plan, threads=threads, set=set)
    parts = globals()["shards"](shards or 4)
    futures = [executor.submit(_sweep_shard, plan, shard=s, threads=threads, set=set) for s in parts]
    return _join(f.result() for f in futures)


def _join(tables: Iterable[pa.Table]) -> pa.Table:
    return pa.concat_tables(list(tables)).combine_chunks()


_DRAW_COLUMNS = {"draw", "lever", "effect", "standard_error"}
_SWEEP_INDEX = {"row", "point", "replicate", "seed"}


def discover(
    source: Any,
    where: str,
    *,
    factors: Optional[list[str]] = None,
    threshold: float = 0.8,
    peel_alpha: float = 0.05,
    paste_alpha: float = 0.05,
    mass_min: float = 0.05,
    step: Optional[int] = None,
) -> dict[str, Any]:
    """Scenario discovery with PRIM, as ``esplab discover``: the factor ranges where ``where``
    (``"METRIC > X"``, or ``>=``, ``<``, ``<=``) holds.

    ``source`` is a sweep or ``leverage --draws`` folder; or the draws table that
    :func:`leverage_over_draws` returns (each lever's effect is an outcome; the factors are the
    other columns); or the table that :func:`sweep` returns, with ``factors`` naming its factor
    columns (each metric is averaged over a design point's replicates). Returns a dict:
    ``discovery`` (the chosen box, its restrictions and quasi-p-values, as discovery.json),
    ``trajectory``, ``restrictions`` and ``points`` (tables).

    >>> import esplab
    >>> robust, draws = esplab.leverage_over_draws("plans/mcp-lhs.toml", runs=4)
    >>> found = esplab.discover(draws, "advocacy > 0.02")
    >>> found["discovery"]["chosen"]["restrictions"]
    """
    settings = dict(threshold=threshold, peel_alpha=peel_alpha, paste_alpha=paste_alpha, mass_min=mass_min, step=step)
    if not isinstance(source, pa.Table):
        return _discover(str(source), where, **settings)
    names = source.column_names
    columns = source.to_pydict()
    if {"draw", "lever", "effect"} <= set(names):
        keys = factors or [n for n in names if n not in _DRAW_COLUMNS]
        draws = sorted(set(columns["draw"]))
        at = {d: i for i, d in enumerate(draws)}
        x = {k: [0.0] * len(draws) for k in keys}
        outcomes: dict[str, list[float]] = {}
        for r, d in enumerate(columns["draw"]):
            for k in keys:
                x[k][at[d]] = float(columns[k][r])
            lever = columns["lever"][r]
            outcomes.setdefault(lever, [float("nan")] * len(draws))[at[d]] = float(columns["effect"][r])
    elif "point" in names:
        if not factors:
            raise ScenarioError("discover: give factors=[...] naming the factor columns of a sweep table")
        missing = [k for k in factors if k not in names]
        if missing:
            raise ScenarioError(f"discover: the table has no column {missing[0]!r}")
        points = sorted(set(columns["point"]))
        at = {p: i for i, p in enumerate(points)}
        metrics = [n for n in names if n not in _SWEEP_INDEX and n not in factors]
        x = {k: [0.0] * len(points) for k in factors}
        sums = {m: [0.0] * len(points) for m in metrics}
        counts = [0] * len(points)
        for r, p in enumerate(columns["point"]):
            i = at[p]
            counts[i] += 1
            for k in factors:
                x[k][i] = float(columns[k][r])
            for m in metrics:
                sums[m][i] += float(columns[m][r])
        outcomes = {m: [v / c for v, c in zip(sums[m], counts)] for m in metrics}
    else:
        raise ScenarioError("discover: the table is neither a draws table (draw, lever, effect) nor a sweep table (point)")
    return _discover({"factors": x, "outcomes": outcomes}, where, **settings)
