"""Which judge grades which model, and every report naming it beside its accuracy on every labelled set.

A language model's sentences are filtered by the offline judge before they are shown, so grading
them with that judge again is circular; these tests run real evals (extractive here, the local
model in the slow test) and read what the console, report.json, summary.json and the HTML say.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant import Settings
from assistant.models import local_model_installed
from assistant_cli import app
from evals.judge_sets import WICE_DEV, labelled_sets
from evals.judges import (
    CIRCULAR,
    SELF_GRADED,
    SET_NAMES,
    filtered_by_offline_judge,
    fingerprint,
    grading,
    judge_card,
    load_measured,
)

REPO = Path(__file__).resolve().parents[1]
HOSTILE = "<script>window.__q = 1</script>"


def test_language_models_are_never_graded_silently_by_their_own_filter() -> None:
    assert not filtered_by_offline_judge("extractive")
    assert all(filtered_by_offline_judge(m) for m in ("local", "openai", "ollama"))
    auto_extractive, auto_local = grading("auto", "extractive"), grading("auto", "local")
    if local_model_installed():  # the measured judges that are not the model's own filter
        assert auto_extractive.model_dump() == {"judge": "offline+llm:local", "filtered_by": None, "warning": None}
        assert auto_local.judge == "llm:local" and auto_local.warning == SELF_GRADED
    else:
        assert auto_extractive.model_dump() == {"judge": "offline", "filtered_by": None, "warning": None}
        assert auto_local.judge == "offline" and auto_local.warning == CIRCULAR
    assert grading("offline", "openai").warning == CIRCULAR and grading("offline", "openai").filtered_by == "offline"
    assert grading("llm", "local").model_dump() == {
        "judge": "llm:local",
        "filtered_by": "offline",
        "warning": SELF_GRADED,
    }
    assert grading("llm:local", "openai").warning is None and grading("llm", "extractive").warning is None
    with pytest.raises(ValueError, match="Unknown judge 'gpt'"):
        grading("gpt", "extractive")
    with pytest.raises(ValueError, match="Unknown judge model 'nope'"):
        grading("llm:nope", "local")


def test_set_names_are_the_labelled_sets() -> None:
    found = tuple(s.name for s in labelled_sets())
    assert found == (SET_NAMES if WICE_DEV.is_file() else SET_NAMES[:2])


def test_offline_judge_card_covers_every_labelled_set() -> None:
    record = load_measured("offline")
    assert record is not None, "run python -m evals.judge_accuracy"
    card = judge_card("offline", Settings())  # measures the repo's sets again (~20 s) only when the judge changed
    assert [s.labelled_set for s in card.accuracy] == list(SET_NAMES)
    assert all(s.tune and s.heldout for s in card.accuracy), card
    current = record.fingerprint == fingerprint("offline")
    assert [s.stale for s in card.accuracy] == [False, False, not current]


@pytest.mark.slow
def test_a_stale_record_is_measured_again_where_it_can_be(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record = load_measured("offline")
    assert record is not None
    # A record whose fingerprint no longer matches the judge: the sets in the repo are measured again, WiCE is stale.
    monkeypatch.setattr("evals.judges.MEASURED", tmp_path)
    (tmp_path / "offline.json").write_text(record.model_copy(update={"fingerprint": "0" * 16}).model_dump_json())
    claims, news_dev, wice = judge_card("offline", Settings()).accuracy
    assert claims.measured == news_dev.measured == "this run" and not claims.stale and not news_dev.stale
    assert wice.stale and wice.heldout == record.sets[2].heldout
    saved = record.sets[2].heldout
    assert saved is not None
    shown = f"wice-dev {saved.balanced_accuracy:.2f} ({saved.pairs}) stale"  # the saved figure, marked stale
    assert shown in judge_card("offline", Settings()).heldout_summary()
    if record.fingerprint == fingerprint("offline"):  # the committed figures are the current judge's
        assert claims.heldout == record.sets[0].heldout


def test_extractive_eval_names_its_judge_with_accuracies_and_escapes_hostile_text(tmp_path: Path) -> None:
    dataset = tmp_path / "hostile.jsonl"
    rows = [
        {"id": "leopards", "category": "single_fact", "answerable": True, "key_facts": ["41"],
         "question": f"{HOSTILE} How many snow leopards did the rangers count?",
         "gold": [{"article_id": "gobi-snow-leopards", "quote": "counted 41 snow leopards"}]},
        {"id": "traps", "category": "single_fact", "answerable": True, "key_facts": ["120"],
         "question": "How many camera traps did the survey team set?", "notes": HOSTILE},
    ]  # fmt: skip
    dataset.write_text("".join(json.dumps(row) + "\n" for row in rows))
    args = ["eval", "--dataset", str(dataset), "--corpus", str(REPO / "tests/data/hostile"), "--out", str(tmp_path)]
    args += ["--judge", "offline"]  # what `auto` picks without the local model; no model to start here
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 1), result.output  # two questions: a bar may miss
    assert "Judge used: offline for extractive's faithfulness and citation precision" in result.output
    assert re.search(r"Offline judge balanced accuracy: held-out claims 0\.\d\d \(\d+\)", result.output), result.output
    assert all(f"{name} 0." in result.output for name in SET_NAMES), result.output

    report = json.loads((tmp_path / "report.json").read_text())
    assert report["runs"][0]["summary"]["grading"] == {"judge": "offline", "filtered_by": None, "warning": None}
    [offline] = report["judges"]
    assert [s["labelled_set"] for s in offline["accuracy"]] == list(SET_NAMES)
    assert all(s["heldout"]["balanced_accuracy"] > 0.5 for s in offline["accuracy"])
    summary = json.loads((tmp_path / "extractive" / "summary.json").read_text())
    assert summary["judge"] == offline and summary["grading"]["judge"] == "offline"

    html = (tmp_path / "report.html").read_text()
    assert "graded by the <b>offline</b> judge" in html and html.count("by offline; held-out accuracy claims 0.") == 2
    for name in SET_NAMES:
        assert f"<th>{name}: tuning / held-out (pairs)</th>" in html
    assert "<script>" not in html and html.count("&lt;script&gt;window.__q = 1&lt;/script&gt;") >= 3
    assert "&lt;script&gt;window[" in html  # the article's own script, quoted as text


@pytest.mark.slow
@pytest.mark.llm
def test_local_model_is_graded_by_another_judge_or_warned_circular(tmp_path: Path) -> None:
    dataset = tmp_path / "two.jsonl"
    dataset.write_text("".join((REPO / "evals/datasets/dev.jsonl").read_text().splitlines(keepends=True)[:2]))
    args = ["eval", "--dataset", str(dataset), "--model", "extractive", "--model", "local", "--judge", "auto"]
    result = CliRunner().invoke(app, [*args, "--out", str(tmp_path)])
    assert result.exit_code in (0, 1), result.output
    report = json.loads((tmp_path / "report.json").read_text())
    gradings = {r["summary"]["model"]: r["summary"]["grading"] for r in report["runs"]}
    assert gradings["local"]["filtered_by"] == "offline"
    html = (tmp_path / "report.html").read_text()
    if local_model_installed():
        assert gradings["extractive"] == {"judge": "offline+llm:local", "filtered_by": None, "warning": None}
        assert gradings["local"] == {"judge": "llm:local", "filtered_by": "offline", "warning": SELF_GRADED}
        assert [c["name"] for c in report["judges"]] == ["offline", "offline+llm:local", "llm:local"]
        sentences = [s for s in report["runs"][1]["results"][0]["sentences"]]
        assert all(s["reasons"][0].startswith("llm:local") for s in sentences)
        assert "Judge used: llm:local for local's" in result.output and "graded by the <b>llm:local</b> judge" in html
    else:
        assert gradings["extractive"]["judge"] == "offline"
        assert gradings["local"]["warning"] == CIRCULAR and "circular: these sentences" in html
    for card in report["judges"]:
        assert [s["labelled_set"] for s in card["accuracy"]] == list(SET_NAMES)
