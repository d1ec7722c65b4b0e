"""`assistant eval`: run the questions on each model, print the table, write JSON and HTML, exit 1 below the bar."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from assistant import Assistant
from evals.dataset import DatasetError, EvalQuestion, load_questions
from evals.report import print_summary, write_outputs
from evals.runner import run_eval
from evals.thresholds import ThresholdsError, check, load_thresholds

DEFAULT_OUT = Path(__file__).parent / "results" / "latest"


def run_command(
    models: list[str],
    dataset: Path,
    judge: str,
    corpus: Path,
    out: Path,
    thresholds_path: Path,
    console: Console,
    split: str = "all",
) -> int:
    """Returns the exit code: 0 when every model meets its thresholds, 1 when one does not, 2 on bad input."""
    try:
        questions = [q for q in load_questions(dataset) if split in ("all", q.split)]
        thresholds = load_thresholds(thresholds_path)
    except (DatasetError, ThresholdsError) as error:
        console.print(f"[red]Error:[/red] {escape(str(error))}")
        return 2
    if not questions:
        console.print(f"[red]Error:[/red] no {escape(split)} questions in {escape(str(dataset))}")
        return 2
    unknown = [m for m in models if m not in Assistant.models()]
    if unknown:
        console.print(
            f"[red]Error:[/red] unknown model {escape(unknown[0])!r}; choose from: {', '.join(Assistant.models())}"
        )
        return 2
    if not corpus.is_dir():
        console.print(f"[red]Error:[/red] corpus folder {escape(str(corpus))} does not exist")
        return 2
    models = list(dict.fromkeys(models))
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("indexing the corpus", total=len(questions) * len(models))

        def advance(model: str, question: EvalQuestion) -> None:
            progress.update(task, description=f"{model}: {question.id}")
            progress.advance(task)

        try:
            run = run_eval(
                models,
                questions,
                corpus=Path(shown(corpus)),
                judge_name=judge,
                dataset_name=shown(dataset),
                progress=advance,
            )
        except ValueError as error:  # a gold quote missing from the corpus, an unknown judge
            console.print(f"[red]Error:[/red] {escape(str(error))}")
            return 2
    for model_run in run.runs:
        model_run.summary.failures = check(model_run.summary, thresholds)
    print_summary(run, thresholds, console)
    html = write_outputs(run, thresholds, out)
    console.print(f"Report: {html}  (JSON: {out / 'report.json'})")
    return 0 if all(r.summary.passed for r in run.runs) else 1


def shown(path: Path) -> str:
    """The path relative to the working directory when it is inside it, so saved summaries are portable."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
