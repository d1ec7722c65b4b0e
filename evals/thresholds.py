"""The bar a model must clear: `evals/thresholds.toml`, checked against a `ModelSummary`."""

from __future__ import annotations

import tomllib
from pathlib import Path

from evals.runner import METRICS, ModelSummary

THRESHOLDS_PATH = Path(__file__).parent / "thresholds.toml"


class ThresholdsError(ValueError):
    """A thresholds file that cannot be used; the message names the file and the key."""


def load_thresholds(path: Path = THRESHOLDS_PATH) -> dict[str, dict[str, float]]:
    """{'default': {...}, '<model>': {...}} with every key checked against the known metrics."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ThresholdsError(f"{path}: {error}") from None
    tables = {"default": data.pop("default", {}), **data.pop("models", {})}
    if data:
        raise ThresholdsError(f"{path}: unknown table(s) {', '.join(data)}; use [default] and [models.<name>]")
    for table, bars in tables.items():
        for key, value in bars.items():
            bound, _, metric = key.partition("_")
            if bound not in {"min", "max"} or metric not in METRICS:
                raise ThresholdsError(
                    f"{path}: [{table}] {key}: expected min_<metric> or max_<metric>, one of: " + ", ".join(METRICS)
                )
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ThresholdsError(f"{path}: [{table}] {key} must be a number, not {value!r}")
    return {table: {k: float(v) for k, v in bars.items()} for table, bars in tables.items()}


def check(summary: ModelSummary, thresholds: dict[str, dict[str, float]]) -> list[str]:
    """One line per bar the model misses, e.g. 'faithfulness 0.62 < 0.90'."""
    bars = {**thresholds.get("default", {}), **thresholds.get(summary.model, {})}
    failures = []
    for key, bar in bars.items():
        bound, _, metric = key.partition("_")
        value = float(getattr(summary, metric))
        if bound == "min" and value < bar:
            failures.append(f"{metric} {value:.2f} < {bar:.2f}")
        elif bound == "max" and value > bar:
            failures.append(f"{metric} {value:.2f} > {bar:.2f}")
    return failures
