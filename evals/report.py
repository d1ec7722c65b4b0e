"""What an eval run leaves behind: a terminal table, JSON files and a self-contained HTML report."""

from __future__ import annotations

import json
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from rich.console import Console
from rich.table import Table

from evals.runner import METRICS, EvalRun, ModelSummary, QuestionResult

TEMPLATES = Path(__file__).parent / "templates"
SECONDS = {"latency_median_s", "latency_p95_s"}


def fmt(metric: str, value: float) -> str:
    if metric in SECONDS:
        return f"{value:.2f} s"
    if metric == "retrieval_mrr":
        return f"{value:.2f}"
    return f"{value:.0%}" if value in (0, 1) else f"{value:.1%}"


def bar_labels(thresholds: dict[str, dict[str, float]], model: str | None = None) -> dict[str, str]:
    bars = {**thresholds.get("default", {}), **(thresholds.get(model, {}) if model else {})}
    labels = {}
    for key, value in bars.items():
        bound, _, metric = key.partition("_")
        labels[metric] = f"{'≥' if bound == 'min' else '≤'} {fmt(metric, value)}"
    return labels


def failed(summary: ModelSummary, metric: str) -> bool:
    return any(f.startswith(f"{metric} ") for f in summary.failures)


def print_summary(run: EvalRun, thresholds: dict[str, dict[str, float]], console: Console) -> None:
    table = Table(title="Eval summary", title_justify="left")
    table.add_column("metric")
    for model_run in run.runs:
        table.add_column(model_run.summary.model, justify="right")
    table.add_column("bar", justify="right", style="dim")
    bars = bar_labels(thresholds)
    for metric in METRICS:
        cells = []
        for model_run in run.runs:
            value = fmt(metric, getattr(model_run.summary, metric))
            cells.append(f"[red]{value}[/red]" if failed(model_run.summary, metric) else value)
        table.add_row(metric.replace("_", " "), *cells, bars.get(metric, ""))
    console.print(table)
    accuracy = run.judge.offline_accuracy
    console.print(
        f"Offline judge balanced accuracy: held-out {accuracy.heldout:.2f} ({accuracy.heldout_pairs} pairs), "
        f"dev {accuracy.dev:.2f} ({accuracy.dev_pairs} pairs). Judge used: {run.judge.name}."
    )
    for model_run in run.runs:
        summary = model_run.summary
        if summary.failures:
            console.print(f"[red]FAIL[/red] {summary.model}: " + "; ".join(summary.failures))
        else:
            console.print(f"[green]PASS[/green] {summary.model}: every threshold met")


def write_outputs(run: EvalRun, thresholds: dict[str, dict[str, float]], out: Path) -> Path:
    """out/report.json (everything), out/<model>/summary.json (figures only), out/report.html; returns the HTML path."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(run.model_dump_json(indent=2), encoding="utf-8")
    for model_run in run.runs:
        folder = out / model_run.summary.model
        folder.mkdir(exist_ok=True)
        summary = {
            "dataset": run.dataset,
            "judge": run.judge.model_dump(),
            "retrieval_k": run.retrieval_k,
            **model_run.summary.model_dump(),
        }
        (folder / "summary.json").write_text(_json(summary), encoding="utf-8")
    html = out / "report.html"
    html.write_text(render_html(run, thresholds), encoding="utf-8")
    return html


def render_html(run: EvalRun, thresholds: dict[str, dict[str, float]]) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    template = env.get_template("report.html.j2")
    by_id: dict[str, list[tuple[str, QuestionResult]]] = {}
    for model_run in run.runs:
        for result in model_run.results:
            by_id.setdefault(result.id, []).append((model_run.summary.model, result))
    questions = [{"question": pairs[0][1], "results": pairs} for pairs in by_id.values()]
    return template.render(
        run=run, metrics=METRICS, questions=questions, bars=bar_labels(thresholds), fmt=fmt, failed=failed, zip=zip
    )


def _json(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
