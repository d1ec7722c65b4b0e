"""Eval metrics, dataset loading, thresholds and the HTML report, on small hand-made answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.embeddings import load_embeddings
from assistant.judge import OfflineJudge
from assistant.schema import Answer, AnswerSentence, ArticleMeta, Chunk, Citation, Passage, Thoughts
from assistant_cli import app
from evals.dataset import DatasetError, EvalQuestion, GoldPassage, load_claims, load_questions
from evals.judges import CIRCULAR, Grading, JudgeCard, PartAccuracy, SetAccuracy
from evals.metrics import (
    Span,
    check_sentences,
    facts_present,
    gold_cited,
    locate_gold,
    markers_resolve,
    outcome,
    quotes_verbatim,
    retrieval_scores,
)
from evals.report import render_html
from evals.runner import EvalRun, ModelRun, QuestionResult, summarise
from evals.thresholds import ThresholdsError, check, load_thresholds

TEXT = "Mongolia has 3.3 million people. China buys 90 % of its exports. Russia supplies its fuel."
TEXTS = {"a": TEXT}
META = ArticleMeta(article_id="a", title="An article")


def citation(number: int, start: int, end: int, text: str = TEXT) -> Citation:
    return Citation(
        number=number, article_id="a", title="t", author="x", date="d", quote=text[start:end], start=start, end=end
    )


def answer(text: str, citations: list[Citation], sentences: list[AnswerSentence], refused: bool = False) -> Answer:
    thoughts = Thoughts(standalone_question="q")
    return Answer(text=text, refused=refused, citations=citations, sentences=sentences, model="m", thoughts=thoughts)


def question(**fields: object) -> EvalQuestion:
    base: dict[str, object] = {"id": "q", "category": "single_fact", "question": "?", "answerable": True}
    return EvalQuestion.model_validate(base | fields)


def test_gold_is_located_by_span_and_matched_by_overlap() -> None:
    [gold] = locate_gold([GoldPassage(article_id="a", quote="China buys 90 %")], TEXTS)
    assert TEXT[gold.start : gold.end] == "China buys 90 %"
    assert gold_cited([citation(1, 33, 64)], [gold])  # the whole sentence holds the gold quote
    assert not gold_cited([citation(1, 0, 32)], [gold])
    assert not Span("b", gold.start, gold.end).overlaps(gold)
    with pytest.raises(ValueError, match="not found verbatim"):
        locate_gold([GoldPassage(article_id="a", quote="China buys 80 %")], TEXTS)


def test_retrieval_recall_and_reciprocal_rank() -> None:
    gold = locate_gold([GoldPassage(article_id="a", quote="Russia supplies")], TEXTS)

    def passage(start: int, end: int) -> Passage:
        chunk = Chunk(chunk_id=f"c{start}", article_id="a", text=TEXT[start:end], start=start, end=end)
        return Passage(chunk=chunk, meta=META, score=1.0)

    assert retrieval_scores([passage(0, 32), passage(65, 89)], gold) == (1.0, 0.5)
    assert retrieval_scores([passage(0, 32)], gold) == (0.0, 0.0)


def test_key_facts_ignore_case_and_quote_style_and_refusal_is_always_scored() -> None:
    assert facts_present("Mongolia’s exports: 90 %", ["mongolia's EXPORTS", "90 %", "coal"]) == [True, True, False]
    refused = answer("The articles don't cover this.", [], [], refused=True)
    unanswerable = question(answerable=False, category="unanswerable")
    assert outcome(unanswerable, refused).correct is True
    assert outcome(question(key_facts=["90"]), refused).refusal_correct is False
    injected = question(category="injection", key_facts=["90"], forbidden=["PWNED"])
    followed = answer("PWNED. China buys 90 %.", [], [])
    assert outcome(injected, followed).forbidden_found == ["PWNED"] and not outcome(injected, followed).correct


def test_citation_markers_and_verbatim_quotes() -> None:
    good = citation(1, 33, 64)
    assert markers_resolve(answer("China buys 90 % of its exports. [1]", [good], []))
    assert not markers_resolve(answer("China buys 90 % of its exports. [2]", [good], []))
    altered = good.model_copy(update={"quote": "China buys 95 % of its exports."})
    assert quotes_verbatim([good, altered], TEXTS, {}) == [True, False]
    card = good.model_copy(update={"kind": "metadata", "quote": "By A. Writer.", "start": 0, "end": 13})
    assert quotes_verbatim([card], TEXTS, {"a": "By A. Writer.\nIt is dated 2024."}) == [True]
    assert quotes_verbatim([card], TEXTS, {"a": "By B. Writer."}) == [False]


def test_sentences_are_judged_against_what_they_cite() -> None:
    judge = OfflineJudge(load_embeddings())
    cites = [citation(1, 33, 64), citation(2, 0, 32)]
    sentences = [
        AnswerSentence(text="China buys 90 % of its exports. [1]", citations=[1]),
        AnswerSentence(text="Mongolia has 3.3 million people. [1]", citations=[1]),  # cites the wrong passage
        AnswerSentence(text="Russia supplies its fuel.", citations=[]),
    ]
    checks = check_sentences(answer("...", cites, sentences), judge)
    assert [c.supported for c in checks] == [True, False, False]
    assert checks[0].precise_citations == [1] and checks[1].precise_citations == []
    assert checks[2].reasons == ["cites nothing"]
    assert check_sentences(answer("No.", [], [], refused=True), judge) == []


def result(**fields: object) -> QuestionResult:
    base: dict[str, object] = {
        "id": "q", "category": "single_fact", "question": "?", "answerable": True, "answer": "", "refused": False,
        "correct": True, "refusal_correct": True, "latency_s": 0.1,
    }  # fmt: skip
    return QuestionResult.model_validate(base | fields)


def test_a_model_that_refuses_everything_is_scored_not_skipped() -> None:
    results = [
        result(id="a", refused=True, correct=False, refusal_correct=False, citation_recall=0.0),
        result(id="b", answerable=False, category="unanswerable", refused=True),
    ]
    summary = summarise("m", results)
    assert summary.refusal_accuracy == 0.5 and summary.answerable_answered == 0.0
    assert summary.unanswerable_refused == 1.0 and summary.answer_correctness == 0.5
    assert summary.citation_recall == 0.0
    failures = check(summary, load_thresholds())
    assert "answer_correctness 0.50 < 0.60" in failures and "citation_recall 0.00 < 0.60" in failures


def test_a_doubted_premise_counts_against_the_model_only_where_the_premise_is_true(tmp_path: Path) -> None:
    results = [
        result(id="fp", category="false_premise", premise_doubted=True),
        result(id="a", premise_doubted=True),
        result(id="b"),
        result(id="c", category="unanswerable", answerable=False, refused=True),
    ]
    summary = summarise("m", results)
    assert summary.premise_wrongly_doubted == pytest.approx(1 / 3) and summary.false_premise_corrected == 1.0
    assert summarise("m", results[:1]).premise_wrongly_doubted == 0.0  # nothing else asked, nothing doubted wrongly
    bar = tmp_path / "t.toml"
    bar.write_text("[default]\nmax_premise_wrongly_doubted = 0.1\n")
    assert check(summary, load_thresholds(bar)) == ["premise_wrongly_doubted 0.33 > 0.10"]


def test_thresholds_file_rejects_unknown_metrics(tmp_path: Path) -> None:
    bad = tmp_path / "t.toml"
    bad.write_text("[default]\nmin_faithfulnes = 0.9\n")
    with pytest.raises(ThresholdsError, match="min_faithfulnes"):
        load_thresholds(bad)
    per_model = tmp_path / "m.toml"
    per_model.write_text("[default]\nmin_faithfulness = 0.9\n[models.m]\nmin_faithfulness = 0.2\n")
    summary = summarise("m", [result(sentences=[])])
    assert check(summary.model_copy(update={"faithfulness": 0.5}), load_thresholds(per_model)) == []


def test_datasets_load_from_jsonl_and_yaml_with_errors_naming_the_line(tmp_path: Path) -> None:
    assert len(load_questions()) >= 36 and len(load_claims()) >= 200
    yaml_file = tmp_path / "mine.yaml"
    yaml_file.write_text(
        "- id: y1\n  category: single_fact\n  question: Who?\n  answerable: true\n  key_facts: [Putin]\n"
        "  gold: [{article_id: a, quote: Putin}]\n"
    )
    [loaded] = load_questions(yaml_file)
    assert loaded.gold[0].quote == "Putin" and loaded.history == []
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "category": "single_fact", "question": "?", "answerable": true}\n{"id": "2"}\n')
    with pytest.raises(DatasetError, match=r"bad.jsonl:2: category: Field required"):
        load_questions(bad)
    twice = tmp_path / "twice.jsonl"
    twice.write_text(bad.read_text().splitlines()[0] + "\n" + bad.read_text().splitlines()[0] + "\n")
    with pytest.raises(DatasetError, match="duplicate ids: 1"):
        load_questions(twice)


def test_html_report_escapes_answers_and_articles() -> None:
    hostile = "<script>alert(1)</script>"
    claims = SetAccuracy(labelled_set="claims", heldout=PartAccuracy(balanced_accuracy=0.75, pairs=5), measured="now")
    card = JudgeCard(name="offline", accuracy=[claims, SetAccuracy(labelled_set="wice-dev")])
    results = [result(answer=hostile, question=hostile, sentences=[], refused=True, notes=hostile, reference=hostile)]
    summary = summarise("m", results).model_copy(update={"grading": Grading(judge="offline", warning=CIRCULAR)})
    run = EvalRun(
        dataset="d", corpus="c", retrieval_k=5, judge_requested=hostile, judges=[card],
        runs=[ModelRun(summary=summary, results=results)],
    )  # fmt: skip
    html = render_html(run, load_thresholds())
    assert hostile not in html and html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4
    assert "claims 0.75 (5), wice-dev not measured" in html and "circular: these sentences" in html


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "no-such-model"], "unknown model 'no-such-model'"),
        (["--corpus", "/no/such/folder"], "corpus folder /no/such/folder does not exist"),
        (["--thresholds", "/no/such.toml"], "/no/such.toml"),
    ],
)
def test_eval_command_rejects_bad_input_with_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "--out", str(tmp_path), *args])
    assert result.exit_code == 2 and message in result.output, result.output
    assert not (tmp_path / "report.html").exists()


def test_eval_command_names_the_bad_line_of_a_dataset(tmp_path: Path) -> None:
    dataset = tmp_path / "mine.jsonl"
    dataset.write_text('{"id": "1", "category": "trivia", "question": "?", "answerable": true}\n')
    result = CliRunner().invoke(app, ["eval", "--dataset", str(dataset), "--out", str(tmp_path)])
    assert result.exit_code == 2 and "mine.jsonl:1: category" in result.output, result.output
