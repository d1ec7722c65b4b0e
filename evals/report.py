"""What an eval run leaves behind: a terminal table, JSON files and a self-contained HTML report."""

from __future__ import annotations

import json
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from evals.interop import write_ragas
from evals.judges import JudgeCard
from evals.runner import JUDGED, METRICS, EvalRun, ModelSummary, QuestionResult

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
    table.add_row("graded by (judge)", *[escape(r.summary.grading.judge) for r in run.runs], "")
    console.print(table)
    for card in run.judges:
        console.print(escape(accuracy_line(card)))
    for model_run in run.runs:
        grading, model = model_run.summary.grading, escape(model_run.summary.model)
        card = run.card(grading.judge)
        console.print(
            f"Judge used: {escape(grading.judge)} for {model}'s {' and '.join(m.replace('_', ' ') for m in JUDGED)} "
            f"(held-out balanced accuracy: {escape(card.heldout_summary())})"
        )
        if grading.warning:
            console.print(f"[yellow]Warning[/yellow] {model}: {escape(grading.warning)}")
    for model_run in run.runs:
        summary = model_run.summary
        if summary.failures:
            console.print(f"[red]FAIL[/red] {summary.model}: " + "; ".join(summary.failures))
        else:
            console.print(f"[green]PASS[/green] {summary.model}: every threshold met")


def accuracy_line(card: JudgeCard) -> str:
    """'Offline judge balanced accuracy: held-out claims 0.75 (76), ...; tuning ...; measured ...'."""
    tuning = ", ".join(
        f"{s.labelled_set} {s.tune.balanced_accuracy:.2f} ({s.tune.pairs})" for s in card.accuracy if s.tune
    )
    when = "; ".join(
        dict.fromkeys(
            f"{s.measured}{' (stale: the judge changed since)' if s.stale else ''}"
            for s in card.accuracy
            if s.tune or s.heldout
        )
    )
    name = card.name[0].upper() + card.name[1:]
    return (
        f"{name} judge balanced accuracy: held-out {card.heldout_summary()}; "
        f"tuning {tuning or 'not measured'}; measured {when or 'never'}"
    )


def write_outputs(run: EvalRun, thresholds: dict[str, dict[str, float]], out: Path) -> Path:
    """out/report.json (everything), out/<model>/summary.json (figures and who graded them), out/ragas.jsonl
    (RAGAS's columns, `evals/interop.py`) and out/report.html; returns the HTML path."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(run.model_dump_json(indent=2), encoding="utf-8")
    write_ragas(run, out / "ragas.jsonl")
    for model_run in run.runs:
        folder = out / model_run.summary.model
        folder.mkdir(exist_ok=True)
        summary = {
            "dataset": run.dataset,
            "judge": run.card(model_run.summary.grading.judge).model_dump(),
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
        run=run,
        metrics=METRICS,
        judged=JUDGED,
        questions=questions,
        bars=bar_labels(thresholds),
        fmt=fmt,
        failed=failed,
        zip=zip,
    )


def _json(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
