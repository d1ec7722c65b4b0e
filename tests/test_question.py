"""What a question asks for and what it takes for granted, read from English question grammar."""

from __future__ import annotations

import pytest

from assistant.question import AnswerKind, analyse


@pytest.mark.parametrize(
    ("question", "kind", "premise"),
    [
        # A leading clause grants something; the question proper follows its comma.
        ("Since the plant isn't open yet, why did output rise?", AnswerKind.REASON, "the plant isn't open yet"),
        ("Given that the port was closed, how many ships docked there?", AnswerKind.AMOUNT, "the port was closed"),
        # Too short to state anything: a time, not a premise.
        ("Since 2019, how many mines have opened?", AnswerKind.AMOUNT, ""),
        # "Since when" asks for a date; what it takes for granted follows the auxiliary.
        ("Since when has the mayor lived in the harbour town?", AnswerKind.DATE, "the mayor lived in the harbour town"),
        ("Why did the council close the old bridge?", AnswerKind.REASON, "the council close the old bridge"),
        ("What share of the copper goes abroad?", AnswerKind.AMOUNT, ""),
        # Places and dates asked for with "which" or "what", one or several.
        ("Which countries signed the treaty?", AnswerKind.PLACE, ""),
        ("In what city did the talks open?", AnswerKind.PLACE, ""),
        ("In which years did the river flood?", AnswerKind.DATE, ""),
    ],
)
def test_the_kind_asked_and_the_premise_granted(question: str, kind: AnswerKind, premise: str) -> None:
    analysis = analyse(question)
    assert (analysis.kind, analysis.premise) == (kind, premise)
