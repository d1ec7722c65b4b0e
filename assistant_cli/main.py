"""The `assistant` command: ingest, ask, chat, sources, serve, eval."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from assistant import Answer, Assistant, AssistantError, Citation, Evidence, Message, Settings
from assistant_cli.feedback import feedback_app
from ui.render import citation_origin, source_meta

app = typer.Typer(help="Answers questions from news articles, citing the exact passages.", no_args_is_help=True)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

ModelOption = Annotated[
    str | None, typer.Option("--model", "-m", help="Answering model: auto (default), extractive, local, openai, ollama")
]
F = TypeVar("F", bound=Callable[..., Any])


def friendly_errors(command: F) -> F:
    """Show an `AssistantError`, or settings that do not validate, as plain lines and exit 1, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except AssistantError as error:
            err.print(f"[red]Error:[/red] {escape(str(error))}")
            raise typer.Exit(1) from None
        except ValidationError as error:  # Settings: a typo in assistant.toml or an ASSISTANT_ value out of range
            for problem in error.errors(include_url=False):
                where = ".".join(map(str, problem["loc"]))
                err.print(f"[red]Error:[/red] setting {escape(where)}: {escape(problem['msg'])}")
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what happens.")] = False) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(message)s")


@app.command()
@friendly_errors
def ingest(
    path: Annotated[
        Path | None, typer.Argument(help="Folder of .txt, .md or .html articles; default: the bundled corpus.")
    ] = None,
) -> None:
    """Index a folder of articles. Unchanged articles are not embedded again."""
    bot = Assistant(auto_ingest=False)
    report = bot.ingest(path)
    for name, reason in report.skipped_files:
        err.print(f"[yellow]Skipped[/yellow] {escape(name)}: {escape(reason)}")
    out.print(
        f"{len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed; {report.chunks_embedded} chunks embedded."
    )


@app.command()
@friendly_errors
def ask(
    question: Annotated[str, typer.Argument(help="Your question about the articles.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer, evidence and citations as JSON.")] = False,
    model: ModelOption = None,
) -> None:
    """Answer one question: the evidence first (numbered quotes), then the answer as it streams, then the sources."""
    bot = Assistant(model=model)
    if as_json:
        answer = bot.ask(question)
        out.print_json(json.dumps(answer_json(answer), ensure_ascii=False))
        return
    print_answer(stream_answer(bot, question, []))


@app.command()
@friendly_errors
def chat(model: ModelOption = None) -> None:
    """Talk with the assistant; follow-up questions use the conversation. Ctrl-D or 'exit' ends it."""
    bot = Assistant(model=model)
    history: list[Message] = []
    out.print("Ask about the articles. Type 'exit' to leave.")
    while True:
        try:
            question = input("\nyou> ")
        except (EOFError, KeyboardInterrupt):
            out.print()
            return
        if question.strip().lower() in {"exit", "quit"}:
            return
        try:
            answer = stream_answer(bot, question, history)
        except AssistantError as error:
            err.print(f"[red]Error:[/red] {escape(str(error))}")
            continue
        print_answer(answer)
        history += [Message(role="user", content=question), Message(role="assistant", content=answer.text)]


@app.command()
@friendly_errors
def sources() -> None:
    """List the indexed articles."""
    bot = Assistant()
    for meta in bot.articles():
        out.print(f"[bold]{escape(meta.article_id)}[/bold]  {escape(meta.title)}")
        out.print(f"    {escape(meta.author)} · {escape(meta.publisher)} · {escape(meta.date)}")


@app.command()
@friendly_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 7860,
) -> None:
    """Start the browser app, the embeddable widget and the HTTP API; prints the address."""
    from ui.server import serve as serve_app  # the web stack loads only for this command

    serve_app(host, port)


eval_app = typer.Typer(help="Measure the answers (`assistant eval`), or generate a question set for a corpus.")
app.add_typer(eval_app, name="eval")
app.add_typer(feedback_app, name="feedback")  # assistant_cli/feedback.py


@eval_app.callback(invoke_without_command=True)
@friendly_errors
def eval_command(
    ctx: typer.Context,
    model: Annotated[list[str] | None, typer.Option("--model", "-m", help="Model to evaluate; repeat.")] = None,
    dataset: Annotated[Path | None, typer.Option(help="Questions, JSONL or YAML (evals/README.md).")] = None,
    judge: Annotated[
        str,
        typer.Option(
            help="Who grades faithfulness: auto (a judge that did not filter the model's sentences), "
            "offline, llm (local), llm:<model>, or offline+llm[:<model>] (the offline judge, the model settling "
            "what it is unsure of)."
        ),
    ] = "auto",
    corpus: Annotated[Path | None, typer.Option(help="Folder of articles; default: the bundled corpus.")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Where the JSON and HTML reports go.")] = None,
    thresholds: Annotated[Path | None, typer.Option(help="Thresholds TOML; default: evals/thresholds.toml.")] = None,
    split: Annotated[
        str, typer.Option(help="Which questions: tune, heldout (never tuned on) or all.", case_sensitive=False)
    ] = "all",
) -> None:
    """Measure faithfulness, citations, retrieval and refusals; exit 1 when a model falls below the thresholds."""
    if ctx.invoked_subcommand is not None:
        return  # `assistant eval generate ...`: the subcommand runs instead
    from assistant.settings import bundled_corpus_dir
    from evals.cli import DEFAULT_OUT, run_command  # the eval suite loads only for this command
    from evals.dataset import DEV_PATH
    from evals.thresholds import THRESHOLDS_PATH

    code = run_command(
        models=model or ["extractive"],
        dataset=dataset or DEV_PATH,
        judge=judge,
        corpus=corpus or bundled_corpus_dir(),
        out=out_dir or DEFAULT_OUT,
        thresholds_path=thresholds or THRESHOLDS_PATH,
        console=out,
        split=split,
    )
    raise typer.Exit(code)


@eval_app.command("generate")
@friendly_errors
def eval_generate(
    corpus: Annotated[Path, typer.Option(help="Folder of articles to write questions about.")],
    count: Annotated[int, typer.Option(min=1, help="How many questions to accept.")] = 50,
    model: Annotated[
        str, typer.Option("--model", "-m", help="Who words the questions: local (default), openai, ollama or rules.")
    ] = "local",
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="JSONL to write; default: evals/results/latest/generated/<corpus>.jsonl"),
    ] = None,
    check_answerer: Annotated[
        bool, typer.Option(help="Check that the extractive answerer refuses the unanswerable questions.")
    ] = True,
) -> None:
    """Write a checked question set for a corpus (facts, two facts, unanswerable, false premise, follow-up),
    with an HTML page to review it. The local model words them where installed, else rules do."""
    from evals.generate import generate_command  # the eval suite loads only for this command

    raise typer.Exit(generate_command(corpus, count, model, out_file, check_answerer, out))


@eval_app.command("from-feedback")
@friendly_errors
def eval_from_feedback(
    out_file: Annotated[Path, typer.Option("--out", help="JSONL to write, in the eval dataset format.")] = Path(
        "evals/results/latest/feedback.jsonl"
    ),
) -> None:
    """Turn every answer readers rated down (the feedback database the app writes) into a dataset row
    for an evaluator to review: question, history, and in `notes` what was answered, cited and said."""
    from assistant.feedback import FeedbackStore
    from evals.from_feedback import feedback_questions, write_questions  # the eval suite loads only here

    store = FeedbackStore.from_settings(Settings())
    try:
        questions = feedback_questions(store.records())
    finally:
        store.close()
    write_questions(questions, out_file)
    out.print(f"{len(questions)} down-rated answer(s) from {escape(store.where)} -> {escape(str(out_file))}")


def stream_answer(bot: Assistant, question: str, history: list[Message]) -> Answer:
    """Print the evidence as soon as it comes, then stream the answer under it."""
    for item in bot.stream(question, history):
        if isinstance(item, Answer):
            out.print()
            return item
        if isinstance(item, Evidence):
            print_evidence(item.citations)
            continue
        out.print(escape(item), end="")
    raise RuntimeError("the answer stream ended without an answer")


def print_evidence(evidence: list[Citation]) -> None:
    """The verbatim evidence, numbered, each with its title, outlet and date; then the answer's heading."""
    if not evidence:
        return
    out.print("[bold]Evidence[/bold]")
    for citation in evidence:
        about = "[dim](about the article)[/dim] " if citation.kind == "metadata" else ""
        origin = citation_origin(citation)
        out.print(f"[{citation.number}] {about}“{escape(citation.quote)}”")
        out.print(f"    — {escape(citation.title)}" + (f", {escape(origin)}" if origin else ""))
    out.print("\n[bold]Answer[/bold]")


def print_answer(answer: Answer, *, evidence_shown: bool = True) -> None:
    """The notices, then every source with its author, outlet and date; the quote too where the evidence
    block (printed by `stream_answer`) did not show it already."""
    for notice in answer.notices:
        err.print(f"[yellow]Note:[/yellow] {escape(notice)}")
    if not answer.citations:
        return
    shown = {c.number for c in answer.evidence} if evidence_shown else set()
    out.print("\n[bold]Sources[/bold]")
    for citation in answer.citations:
        meta = source_meta(citation)
        out.print(f"[{citation.number}] {escape(citation.title)}" + (f" — {escape(meta)}" if meta else ""))
        if citation.number not in shown:
            where = "article metadata" if citation.kind == "metadata" else f"chars {citation.start}–{citation.end}"
            out.print(f"    “{escape(citation.quote)}” ({where})")


def answer_json(answer: Answer) -> dict[str, Any]:
    data = answer.model_dump(exclude={"thoughts"})
    data["standalone_question"] = answer.thoughts.standalone_question
    return data
