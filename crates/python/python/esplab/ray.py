"""Sweeps and ensembles as Ray tasks (``pip install esplab[ray]``).

Each task runs one deterministic shard (``esplab.shards``) or one slice of runs in a worker and
returns an Arrow table; the tables are joined in order, so the result equals the single-process
one byte for byte. Start Ray first (``ray.init()`` locally, or ``ray.init(address="auto")`` on
a cluster); see docs/scaling.md.

>>> import ray, esplab.ray
>>> ray.init(num_cpus=2)
>>> table = esplab.ray.sweep("plans/mcp-lhs.toml", shards=8)
>>> scores = esplab.ray.backtest("data/security_series.csv", "https-firefox-pageloads",
...                              as_of=["2014-10", "2015-04"])["scores"]
>>> levers, draws = esplab.ray.leverage_over_draws("plans/mcp-discovery.toml", shards=8, runs=8)
"""

from __future__ import annotations

from typing import Any, Optional

import pyarrow as pa
import ray

from . import _esplab, shards as _shards


@ray.remote
def _sweep_task(plan: str, shard: tuple, set: Optional[dict]) -> pa.Table:
    return _esplab.sweep(plan, shard=shard, threads=1, set=set)


@ray.remote
def _ensemble_task(scenario: Any, start: int, runs: int, settings: dict) -> pa.Table:
    return _esplab.ensemble(scenario, runs=runs, start=start, threads=1, **settings)


@ray.remote
def _draws_task(plan: str, shard: tuple, settings: dict) -> pa.Table:
    return _esplab.leverage_over_draws(plan, shard=shard, threads=1, **settings)[1]


@ray.remote
def _backtest_task(series: str, series_id: str, as_of: str, settings: dict) -> dict:
    result = _esplab.backtest(series, series_id, as_of=[as_of], threads=1, **settings)
    return {"scores": result["scores"], "points": result["points"]}


def backtest(series: str, series_id: str, *, as_of: list, **settings: Any) -> dict:
    """A backtest of ``series_id`` with one Ray task per as-of date; the same ``scores`` and
    ``points`` tables as ``esplab.backtest(series, series_id, as_of=as_of, **settings)``, in the
    order of ``as_of``. ``settings``: the keywords of ``esplab.backtest``."""
    results = ray.get([_backtest_task.remote(series, series_id, a, settings) for a in as_of])
    return {
        "scores": pa.concat_tables([r["scores"] for r in results]).combine_chunks(),
        "points": pa.concat_tables([r["points"] for r in results]).combine_chunks(),
    }


def leverage_over_draws(plan: str, *, shards: int = 8, **settings: Any) -> tuple:
    """Leverage over the draws of ``plan`` (a plan or a calibration folder) in ``shards`` Ray
    tasks of consecutive draws; the same (robust table, draws table) as
    ``esplab.leverage_over_draws(plan, **settings)``. ``settings``: runs, start_day, heroic, set,
    posterior_draws."""
    tasks = [_draws_task.remote(plan, s, settings) for s in _shards(shards)]
    draws = pa.concat_tables(ray.get(tasks)).combine_chunks()
    return _esplab.robust_leverage(draws), draws


def sweep(plan: str, *, shards: int = 8, set: Optional[dict] = None) -> pa.Table:
    """The sweep of ``plan`` in ``shards`` Ray tasks; the same table as ``esplab.sweep(plan)``."""
    tasks = [_sweep_task.remote(plan, s, set) for s in _shards(shards)]
    return pa.concat_tables(ray.get(tasks)).combine_chunks()


def ensemble(scenario: Any, *, runs: int = 100, tasks: int = 8, **settings: Any) -> pa.Table:
    """``runs`` replicates of ``scenario`` in ``tasks`` Ray tasks of consecutive runs; the same
    table as ``esplab.ensemble(scenario, runs=runs, **settings)``. ``settings``: users, years,
    seed, set."""
    tasks = max(1, min(tasks, runs))
    bounds = [i * runs // tasks for i in range(tasks + 1)]
    refs = [
        _ensemble_task.remote(scenario, bounds[i], bounds[i + 1] - bounds[i], settings)
        for i in range(tasks)
        if bounds[i + 1] > bounds[i]
    ]
    return pa.concat_tables(ray.get(refs)).combine_chunks()
