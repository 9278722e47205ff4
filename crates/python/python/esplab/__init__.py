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

from typing import Any, Iterable, Optional

import pyarrow as pa

from ._esplab import (  # noqa: F401
    ScenarioError,
    analyze,
    compare,
    ensemble,
    leverage,
    leverage_over_draws,
    run,
    scenarios,
    sensitivity,
    sweep_rows,
)
from ._esplab import sweep as _sweep_shard

__all__ = [
    "ScenarioError",
    "analyze",
    "compare",
    "ensemble",
    "leverage",
    "leverage_over_draws",
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
