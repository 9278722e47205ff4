from typing import Any, Optional, Union

import pyarrow as pa

Scenario = Union[str, dict[str, Any]]

class ScenarioError(ValueError): ...
class ScenarioWarning(UserWarning): ...

def scenarios() -> list[tuple[str, str]]: ...
def run(
    scenario: Scenario,
    *,
    threads: int = 0,
    users: Optional[int] = None,
    years: Optional[float] = None,
    seed: Optional[int] = None,
    set: Optional[dict[str, Any]] = None,
) -> pa.Table: ...
def ensemble(
    scenario: Scenario,
    *,
    runs: int = 100,
    start: int = 0,
    threads: int = 0,
    users: Optional[int] = None,
    years: Optional[float] = None,
    seed: Optional[int] = None,
    set: Optional[dict[str, Any]] = None,
    out: Optional[str] = None,
    force: bool = False,
    resume: bool = False,
) -> pa.Table: ...
def compare(
    base: Scenario,
    variant: Optional[Scenario] = None,
    *,
    vary: Optional[dict[str, Any]] = None,
    runs: int = 100,
    threads: int = 0,
    users: Optional[int] = None,
    years: Optional[float] = None,
    seed: Optional[int] = None,
    set: Optional[dict[str, Any]] = None,
) -> pa.Table: ...
def sweep(
    plan: str,
    *,
    shard: Optional[tuple[int, int]] = None,
    threads: int = 0,
    set: Optional[dict[str, Any]] = None,
) -> pa.Table: ...
def sweep_rows(plan: str, *, set: Optional[dict[str, Any]] = None) -> int: ...
def leverage(
    scenario: Scenario,
    *,
    runs: int = 100,
    start_day: Optional[int] = None,
    heroic: Optional[str] = None,
    levers: Optional[list[str]] = None,
    doses: bool = False,
    threads: int = 0,
    users: Optional[int] = None,
    years: Optional[float] = None,
    seed: Optional[int] = None,
    set: Optional[dict[str, Any]] = None,
    out: Optional[str] = None,
    force: bool = False,
    resume: bool = False,
) -> pa.Table: ...
def report_html(folder: str) -> tuple[str, str]: ...
def leverage_over_draws(
    plan: str,
    *,
    runs: int = 20,
    start_day: Optional[int] = None,
    heroic: Optional[str] = None,
    threads: int = 0,
    set: Optional[dict[str, Any]] = None,
    posterior_draws: int = 40,
    shard: Optional[tuple[int, int]] = None,
) -> tuple[pa.Table, pa.Table]: ...
def robust_leverage(draws: pa.Table) -> pa.Table: ...
def calibrate(
    scenario: Any,
    targets: str,
    *,
    holdout: Optional[str] = None,
    only: Optional[list[str]] = None,
    params: Optional[list[str]] = None,
    particles: int = 200,
    generations: int = 5,
    quantile: float = 0.5,
    min_acceptance: float = 0.02,
    max_simulations: int = 20000,
    replicates: int = 5,
    predictive: int = 100,
    users: Optional[int] = None,
    years: Optional[float] = None,
    seed: Optional[int] = None,
    set: Optional[dict[str, Any]] = None,
    threads: int = 0,
    out: Optional[str] = None,
    force: bool = False,
) -> dict[str, Any]: ...
def fit(
    series: str,
    series_id: str,
    *,
    events: Optional[str] = None,
    as_of: Optional[str] = None,
    base: Optional[str] = None,
    offering: Optional[str] = None,
    params: Optional[list[str]] = None,
    keep_scheduled: bool = False,
    particles: int = 100,
    generations: int = 4,
    quantile: float = 0.5,
    min_acceptance: float = 0.02,
    max_simulations: int = 3000,
    replicates: int = 1,
    predictive: int = 50,
    draws: int = 200,
    users: Optional[int] = None,
    seed: Optional[int] = None,
    set: Optional[dict[str, Any]] = None,
    threads: int = 0,
    out: Optional[str] = None,
    force: bool = False,
) -> dict[str, Any]: ...
def forecast(
    fit: str,
    *,
    horizon: str = "24mo",
    draws: int = 200,
    jump: float = 0.05,
    mega_records: float = 1e8,
    threads: int = 0,
    out: Optional[str] = None,
    force: bool = False,
) -> dict[str, Any]: ...
def backtest(
    series: str,
    series_id: str,
    *,
    events: Optional[str] = None,
    as_of: Optional[list[str]] = None,
    horizon: str = "12mo",
    base: Optional[str] = None,
    offering: Optional[str] = None,
    params: Optional[list[str]] = None,
    keep_scheduled: bool = False,
    particles: int = 100,
    generations: int = 4,
    quantile: float = 0.5,
    min_acceptance: float = 0.02,
    max_simulations: int = 3000,
    replicates: int = 1,
    predictive: int = 50,
    draws: int = 200,
    jump: float = 0.05,
    users: Optional[int] = None,
    seed: Optional[int] = None,
    set: Optional[dict[str, Any]] = None,
    threads: int = 0,
    out: Optional[str] = None,
    force: bool = False,
) -> dict[str, Any]: ...
def discover(
    source: str | dict[str, dict[str, list[float]]],
    condition: str,
    *,
    threshold: float = 0.8,
    peel_alpha: float = 0.05,
    paste_alpha: float = 0.05,
    mass_min: float = 0.05,
    step: Optional[int] = None,
) -> dict[str, Any]: ...
def sensitivity(
    plan: str,
    *,
    method: str = "sobol",
    resamples: int = 100,
    threads: int = 0,
    set: Optional[dict[str, Any]] = None,
) -> pa.Table: ...
def analyze(
    source: Scenario,
    *,
    users: Optional[int] = None,
    years: Optional[float] = None,
    seed: Optional[int] = None,
    set: Optional[dict[str, Any]] = None,
    threads: int = 0,
) -> dict[str, Any]: ...
