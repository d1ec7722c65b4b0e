"""The model's one-word check where the offline judge is unsure: its fitted band, the eval judge built on
it (`offline+llm`), and the real local model settling claims the offline judge gets wrong (slow)."""

from __future__ import annotations

import json

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant import CheckBand, ModelCheck, Settings, SettledJudge, load_band, local_model_installed, offline_judge
from assistant.model_check import BAND_PATH, MODEL_READS
from evals.judges import (
    SAME_CHECKS,
    SET_NAMES,
    fingerprint,
    grading,
    judge_card,
    judge_name,
    load_measured,
    make_judge,
)
from evals.tune_model_check import EDGES, VERIFIER_BAND, Judged, accuracy, fit_band


def test_the_judges_band_was_fitted_on_tuning_parts_only_and_the_verifiers_is_the_hand_set_one() -> None:
    saved = json.loads(BAND_PATH.read_text(encoding="utf-8"))
    judge, verifier = load_band("judge"), load_band("verifier")
    assert saved["judge"]["note"].startswith("written by `python -m evals.tune_model_check`")
    assert judge.fitted_on and all("heldout" not in part for part in judge.fitted_on)
    assert judge.unsure_below in EDGES and judge.unsure_above in EDGES and judge.unsure_below < judge.unsure_above
    assert judge.unsure(judge.unsure_below) and judge.unsure(judge.unsure_above)
    assert not judge.unsure(None) and not judge.unsure(0.0)
    assert (verifier.unsure_below, verifier.unsure_above) == VERIFIER_BAND and "set by hand" in verifier.note


def test_the_fitted_band_is_where_the_model_beats_the_offline_judge() -> None:
    # Offline verdicts follow the score (threshold 0.5); the model is right on every pair it was asked about.
    scores = [0.02, 0.2, 0.35, 0.45, 0.55, 0.65, 0.8, 0.99]
    labels = [False, True, True, False, False, True, False, True]
    rows = [
        Judged(label, score >= 0.5, score, label if 0.05 <= score <= 0.97 else None)
        for score, label in zip(scores, labels, strict=True)
    ]
    low, high, best = fit_band({"one set": rows})
    assert best == 1.0
    assert (low, high) == (0.2, 0.8)  # the narrowest band holding every pair the offline judge gets wrong
    assert accuracy(rows, 1, 0) < 1.0  # an empty band is the offline judge alone


COUNCIL_CLAIM = "The council has postponed the vote on the new bridge until spring."
COUNCIL_PASSAGE = "The council has postponed the vote on the new bridge until spring, citing rising costs."


def scripted_judge(*replies: str) -> SettledJudge:
    """The real offline judge, with LangChain's scripted chat model giving `replies` in turn (then failing)
    and a band that asks it about every score."""
    check = ModelCheck(GenericFakeChatModel(messages=iter([AIMessage(content=r) for r in replies])))
    everywhere = CheckBand(fitted_on=["test"], unsure_below=0.0, unsure_above=1.0)
    return SettledJudge(offline_judge(), check, everywhere, name="llm:scripted")


def test_the_model_is_asked_only_about_evidence_it_reads_whole() -> None:
    """The one-word check reads all the evidence or is not asked: given a few of many sentences (WiCE's
    ~16), the local model judged worse than the offline judge reading them all. The chat model here is
    LangChain's scripted one, answering "No" to everything, so any verdict it decided would flip."""
    judge = scripted_judge(*["No"] * 4)
    claim, said = COUNCIL_CLAIM, COUNCIL_PASSAGE
    others = [f"Item {n} on the agenda, the library's opening hours, was agreed without a vote." for n in range(5)]
    short, long = [said], [*others[:MODEL_READS], said, *others[MODEL_READS:]]
    verdict, reply = judge.settle(claim, short)
    assert verdict.supported and reply == "No"  # read whole: the model decides
    assert judge.judge(claim, short).supported is False
    verdict, reply = judge.settle(claim, long)
    assert verdict.supported and reply is None  # too long to read whole: the offline verdict stands
    assert judge.judge(claim, long).supported is True


def test_a_failing_model_leaves_the_offline_verdict_and_says_so() -> None:
    """An eval is not lost to the model's server: the sentence keeps the offline judge's verdict, and its
    reasons (shown in the report) say the check failed. The scripted model here has no reply left."""
    judge = scripted_judge()
    claim, passage = COUNCIL_CLAIM, [COUNCIL_PASSAGE]
    verdict = judge.judge(claim, passage)
    offline = judge.offline.judge(claim, passage)
    assert verdict.supported == offline.supported and verdict.score == offline.score
    assert verdict.reasons[0].startswith("llm:scripted's check failed") and verdict.reasons[1:] == offline.reasons


def test_the_settled_judge_is_named_measured_apart_and_warns_on_its_own_filter() -> None:
    assert judge_name("offline+llm") == "offline+llm:local"
    assert judge_name("offline+llm:openai") == "offline+llm:openai"
    with pytest.raises(ValueError, match="Unknown judge model 'nope'"):
        judge_name("offline+llm:nope")
    # The local model's sentences passed the offline judge and, where it was unsure, this same check.
    assert grading("offline+llm", "local").warning == SAME_CHECKS
    assert grading("offline+llm", "extractive").warning is None
    assert len({fingerprint("offline"), fingerprint("llm:local"), fingerprint("offline+llm:local")}) == 3


def test_the_settled_judges_figures_cover_every_set_and_say_when_stale() -> None:
    """Reports show these beside every grade it gives, marked stale once its judge, band or prompt changed."""
    record = load_measured("offline+llm:local")
    assert record is not None, "run python -m evals.judge_accuracy --judge offline+llm"
    card = judge_card("offline+llm:local", Settings())
    assert [s.labelled_set for s in card.accuracy] == list(SET_NAMES)
    assert all(s.tune and s.heldout and s.heldout.pairs > 50 for s in card.accuracy)
    current = record.fingerprint == fingerprint("offline+llm:local")
    assert all(s.stale is not current for s in card.accuracy)


@pytest.mark.slow
@pytest.mark.llm
@pytest.mark.skipif(not local_model_installed(), reason="the local model is not installed")
def test_the_local_model_settles_what_the_offline_judge_is_unsure_of() -> None:
    judge = make_judge("offline+llm:local", Settings())
    assert isinstance(judge, SettledJudge)
    passage = [COUNCIL_PASSAGE]
    cases = {
        "Rising costs led the council to delay its vote on the bridge.": True,
        "The council brought the vote on the new bridge forward to this winter.": False,
    }
    for claim, supported in cases.items():
        offline = judge.offline.judge(claim, passage)
        assert judge.band.unsure(offline.score), (claim, offline.score)  # else the model is never asked
        assert offline.supported, offline.reasons  # the offline judge alone would pass both
        verdict = judge.judge(claim, passage)
        assert verdict.supported is supported, (claim, verdict.reasons)
        assert "llm:local said" in verdict.reasons[0]
