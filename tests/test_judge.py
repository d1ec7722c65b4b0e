"""The offline judge on the real packaged MiniLM: clear cases, and its accuracy on the held-out claims."""

from __future__ import annotations

import pytest

from assistant.embeddings import load_embeddings
from assistant.judge import OfflineJudge
from evals.dataset import load_claims
from evals.judges import judge_accuracy

PASSAGE = (
    "And China is the destination for 90 % of Mongolia’s exports, primarily coal and copper. "
    "Additionally, Russia retains 50 % ownership in several important infrastructure and mining projects in Mongolia."
)


@pytest.fixture(scope="module")
def judge() -> OfflineJudge:
    return OfflineJudge(load_embeddings())


def test_supports_a_faithful_paraphrase_and_ignores_citation_marks(judge: OfflineJudge) -> None:
    verdict = judge.judge("China buys 90 % of Mongolia's exports, mostly coal and copper. [1]", [PASSAGE])
    assert verdict.supported and 0.5 <= verdict.score <= 1
    assert judge.judge(
        "Russia retains 50 % ownership in several mining projects in Mongolia [2][3]", [PASSAGE]
    ).supported


@pytest.mark.parametrize(
    ("claim", "reason"),
    [
        ("China is the destination for 60 % of Mongolia's exports.", "numbers not in the passages: 60"),
        ("Japan is the destination for 90 % of Mongolia's exports.", "names not in the passages: japan"),
        ("Mongolia elected a new parliament in June after a close vote.", "words not in the passages"),
    ],
)
def test_rejects_changed_numbers_swapped_names_and_unrelated_claims(
    judge: OfflineJudge, claim: str, reason: str
) -> None:
    verdict = judge.judge(claim, [PASSAGE])
    assert not verdict.supported
    assert any(r.startswith(reason) for r in verdict.reasons), verdict.reasons


def test_union_of_passages_supports_a_claim_that_spans_them(judge: OfflineJudge) -> None:
    first, second = PASSAGE.split(" Additionally, ")
    claim = "China takes 90 % of Mongolia's exports, and Russia retains 50 % ownership in several projects there."
    assert not judge.judge(claim, [first]).supported
    assert judge.judge(claim, [first, second]).supported


def test_no_passage_supports_nothing_and_an_empty_claim_needs_nothing(judge: OfflineJudge) -> None:
    assert not judge.judge("China buys 90 % of Mongolia's exports.", []).supported
    assert not judge.judge("China buys 90 % of Mongolia's exports.", ["  "]).supported
    assert judge.judge(" [1] ", [PASSAGE]).supported


@pytest.mark.slow
def test_heldout_balanced_accuracy(judge: OfflineJudge) -> None:
    """The committed weights generalise: the held-out split was never used to fit them (dev 0.83, held-out 0.79)."""
    accuracy = judge_accuracy(judge, load_claims())
    assert accuracy.heldout_pairs >= 70
    assert accuracy.heldout >= 0.74 and accuracy.dev >= 0.74
