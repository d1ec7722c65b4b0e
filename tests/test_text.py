"""One text toolkit: every step reads a word the same way ("Russia’s" with a curly apostrophe, "Russia's"
with a straight one and "Russia" are one word to retrieval, the question analysis, the evidence ranking,
the judge and the evals), and every citation-marker pattern is built from one definition."""

from __future__ import annotations

import pytest

from assistant import SINGLE_MARKER, citation_numbers, keywords, strip_markers
from assistant.answer.markers import split_sentences
from assistant.judge_features import read
from assistant.question import answers_nothing, question_keywords
from assistant.retrieve import KeywordIndex
from assistant.schema import Chunk
from assistant.text import keyword_list, words
from evals.metrics import facts_present

SPELLINGS = ["Russia’s", "Russia's", "Russia"]


def chunk(text: str) -> Chunk:
    return Chunk(chunk_id=text, article_id="a", text=text, start=0, end=len(text))


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_russias_is_one_word_to_every_step(spelling: str) -> None:
    assert words(f"{spelling} fuel") == ["russia", "fuel"]
    assert keyword_list(f"{spelling} fuel") == keyword_list("Russia fuel")
    assert keywords(f"{spelling} fuel") == keywords("Russia fuel")
    assert question_keywords(f"What is {spelling} role?") == question_keywords("What is Russia role?")
    assert read(f"{spelling} fuel").stems == read("Russia fuel").stems


@pytest.mark.parametrize(("stored", "asked"), [(a, b) for a in SPELLINGS for b in SPELLINGS])
def test_bm25_matches_any_spelling_of_russias(stored: str, asked: str) -> None:
    """The keyword index finds a chunk whatever apostrophe the chunk or the question used."""
    index = KeywordIndex([chunk(f"{stored} supplies"), chunk("Mongolia exports coal.")])
    assert [c.text for c in index.search(f"{asked} role", 2)] == [f"{stored} supplies"]


@pytest.mark.parametrize(
    ("stated", "asked"),
    [("Khurelsukh and Putin met in July.", "meet"), ("Each was paid £1m.", "pay"), ("The club sold him.", "sell")],
)
def test_a_word_matches_its_other_forms(stated: str, asked: str) -> None:
    """Dictionary forms before stemming: a stemmer alone keeps "met" and "meet" apart."""
    assert question_keywords(f"Did they {asked}?") <= keywords(stated)


@pytest.mark.parametrize(
    ("stated", "asked"), [("Russian officials", "Russia"), ("in Russia", "the Russians"), ("French aid", "France")]
)
def test_a_peoples_word_is_its_countrys(stated: str, asked: str) -> None:
    """The stemmer keeps "Russian" and "Russia" apart; news uses both for one subject, so the keyword index
    finds one for the other."""
    index = KeywordIndex([chunk(f"{stated} spoke."), chunk("Mongolia exports coal.")])
    # Asked by the country's word alone: no other word of the question can find the chunk.
    assert [c.text for c in index.search(asked, 2)] == [f"{stated} spoke."]


def test_coverage_reads_a_peoples_word_as_written() -> None:
    """Only finding passages reads "French" as France: a sentence about French officials does not cover
    a question about France (folded there too, "What is the capital of France?" looked answered)."""
    assert not keywords("French officials spoke.") & question_keywords("What is the capital of France?")


def test_the_evals_read_the_apostrophes_alike() -> None:
    assert facts_present("Russia’s fuel reaches Mongolia.", ["Russia's fuel"]) == [True]


def test_one_marker_definition_everywhere() -> None:
    sentence = "Russia’s fuel reaches Mongolia [1, 2]; China buys coal [3]."
    assert citation_numbers(sentence) == [1, 2, 3]
    assert strip_markers(sentence) == "Russia’s fuel reaches Mongolia; China buys coal."
    assert [m.group(1) for m in SINGLE_MARKER.finditer(sentence)] == ["3"]
    # A model's markers after the stop move before it, and ", according to [3]" becomes a marker.
    assert split_sentences("Fuel comes from Russia. [1, 2] Coal goes to China, according to [3].") == [
        "Fuel comes from Russia [1, 2].",
        "Coal goes to China [3].",
    ]


@pytest.mark.parametrize(
    ("reply", "question", "restates"),
    [
        (
            "The president of Alphaland is the president of Alphaland.",
            "What is the name of Alphaland's president?",
            True,
        ),
        ("Betaville is leading Betaville's inquiry.", "Who is leading Betaville's inquiry?", True),
        ("Gamma Corp leads Betaville's inquiry.", "Who is leading Betaville's inquiry?", False),
        ("90 % of Alphaland's exports go to Betaland.", "What share of Alphaland's exports go to Betaland?", False),
        ("The mill opened in 2021.", "When did the mill open?", False),
        ("The mill opened.", "Did the mill open?", False),  # a yes/no question may be answered in its words
    ],
)
def test_a_reply_that_only_restates_a_wh_question_answers_nothing(reply: str, question: str, restates: bool) -> None:
    assert answers_nothing(reply, question) is restates
