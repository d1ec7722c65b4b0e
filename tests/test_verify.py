"""Verification of model sentences and the streamed-marker parser, on fixed strings (no model)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant import Assistant
from assistant.answer.llm_sources import evidence_sources, render
from assistant.answer.markers import SentenceStream, split_sentences
from assistant.judge import OfflineJudge
from assistant.text import citation_numbers, strip_markers, tidy_punctuation
from assistant.tokens import count_tokens
from assistant.verify import MIN_RECITED_SCORE, Source, Verifier

EXPORTS = "And China is the destination for 90 % of Mongolia’s exports, primarily coal and copper."
RIVAL = (
    "The coach had come under increasing pressure to select Danish rival and world sprint champion Anna Berg in June."
)


def feed_in_pieces(text: str, size: int) -> list[str]:
    stream = SentenceStream()
    out = []
    for start in range(0, len(text), size):
        out += stream.feed(text[start : start + size])
    return out + stream.finish()


@pytest.mark.parametrize("size", [1, 2, 3, 5, 11, 1000])
def test_markers_split_across_increments_stay_whole(size: int) -> None:
    text = "China buys 90 % of the exports. [1][12] The U.S. is a third neighbor [2, 3].\n- Russia sells fuel [4]."
    assert feed_in_pieces(text, size) == [
        "China buys 90 % of the exports [1][12].",
        "The U.S. is a third neighbor [2, 3].",
        "Russia sells fuel [4].",
    ]


def test_marker_styles() -> None:
    leading = split_sentences("[2] China buys coal. [1] Russia sells fuel.")
    assert leading == ["[2] China buys coal.", "[1] Russia sells fuel."]
    assert split_sentences("According to [1], China buys coal.") == ["[1] China buys coal."]
    for aside in ("as stated in evidence", "as evidenced by", "according to the evidence sentence", "citing evidence"):
        assert split_sentences(f"China buys coal, {aside} [1].") == ["China buys coal [1]."]
    # The prompt's word for its sources is no part of the answer, however the model brings it in.
    for said in ("The evidence shows that china buys coal [1].", "China buys coal, which is quoted in evidence [1]."):
        assert split_sentences(said) == ["China buys coal [1]."]
    assert split_sentences("[2] According to the sources, fuel comes from Russia.") == ["[2] Fuel comes from Russia."]
    stream, streamed = SentenceStream(), []
    for character in "The articles say that coal goes to China [1]. Fuel comes from Russia [2].":
        streamed += stream.feed(character)  # "The articles say t" is no opening until "that" is whole
    assert [*streamed, *stream.finish()] == ["Coal goes to China [1].", "Fuel comes from Russia [2]."]
    assert citation_numbers("A [3] b [1, 3][2].") == [3, 1, 2]
    assert citation_numbers("An unclosed marker [1") == []
    assert strip_markers("China buys coal [1][2].") == "China buys coal."


@pytest.fixture(scope="module")
def sources(bot: Assistant) -> dict[int, Source]:
    """Two real passages of the bundled articles, numbered as a prompt numbers them."""
    article = bot.article("mongolia-delicate-balancing-act")
    assert article is not None
    start = article.text.index(EXPORTS) - 200
    first = Source(number=1, meta=article, text=article.text[start : start + 400], start=start)
    other = bot.articles()[1] if bot.articles()[0].article_id == article.article_id else bot.articles()[0]
    other_text = bot.article(other.article_id).text  # type: ignore[union-attr]
    second = Source(number=2, meta=other, text=other_text[:400], start=0)
    return {1: first, 2: second}


@pytest.fixture(scope="module")
def verifier(bot: Assistant) -> Verifier:
    return Verifier(OfflineJudge(bot.retriever.embeddings))


def test_a_faithful_sentence_is_supported(verifier: Verifier, sources: dict) -> None:
    checked = verifier.check("China buys 90 % of Mongolia's exports, mostly coal and copper [1].", sources)
    assert checked.verdict == "supported", checked.reasons
    assert checked.cited == [1] and checked.score is not None


@pytest.mark.parametrize(
    "sentence",
    [
        "China buys 75 % of Mongolia's exports, mostly coal and copper [1].",  # invented number
        "Japan buys 90 % of Mongolia's exports, mostly coal and copper [1].",  # invented name
        "Mongolia's GDP grew by 7 % in 2023 [1].",  # nothing of the kind in the passage
        "Does China buy 90 % of Mongolia's exports [1]?",  # a question, even a cited one, states nothing
    ],
)
def test_invented_facts_are_unsupported(verifier: Verifier, sources: dict, sentence: str) -> None:
    assert verifier.check(sentence, sources).verdict == "unsupported"


def test_a_sentence_mostly_in_its_own_words_is_not_supported(verifier: Verifier, sources: dict) -> None:
    """It restates rather than quotes ("the dry port" is not "the plant"): no judge score or model check
    lets it through, while the same facts in the source's words pass."""
    plant = replace(sources[1], text="A new fertiliser plant near Lyon will cost $5.2 billion and open in 2033.")
    shown = {1: plant}
    restated = (
        "The price tag of the new fertiliser plant planned near Lyon is $5.2 billion, "
        "and the dry port near Lyon is supposed to be ready by 2033 [1]."
    )
    checked = verifier.check(restated, shown)
    assert (checked.verdict, checked.score) == ("unsupported", 0.0)
    assert "words not in the cited sources" in checked.reasons[0]
    assert verifier.check(
        "The fertiliser plant near Lyon will cost $5.2 billion and open in 2033 [1].", shown
    ).supported


def test_a_model_sentence_that_reverses_who_did_what_is_removed(verifier: Verifier, sources: dict) -> None:
    """Every word of the reversed sentence is in its source, and no word pair changes: only reading the
    passive tells doer from undergoer. Its right reading passes."""
    bout = {1: replace(sources[1], text="In 1980 Smith had been narrowly outpointed by Jones in Montreal.")}
    reversed_roles = verifier.check("In 1980 Smith outpointed Jones in Montreal [1].", bout)
    assert (reversed_roles.verdict, reversed_roles.score) == ("unsupported", 0.0)
    assert "gives who did what to whom the other way round from the passage" in reversed_roles.reasons
    assert verifier.check("In 1980 Jones outpointed Smith in Montreal [1].", bout).supported


def test_a_name_the_question_gave_may_stand_for_the_pronoun_the_sentence_opens_with(
    verifier: Verifier, sources: dict
) -> None:
    """ "She will be sentenced on 4 March." answers "When will Ana Ruiz be sentenced?", written with the name.
    Not when the question never named her, and not for a pronoun that points at a name of its own sentence:
    "its" in "With transit fees at stake, Alpha kept its neutrality" is Alpha's, whatever was asked."""
    court = {1: replace(sources[1], text="She will be sentenced on 4 March.")}
    named = "Ana Ruiz will be sentenced on 4 March [1]."
    assert verifier.check(named, court, "When will Ana Ruiz be sentenced?").supported
    assert "ruiz" in verifier.check(named, court, "When will the trial end?").invented
    assert verifier.check(named, court).verdict == "unsupported"
    fees = {1: replace(sources[1], text="With transit fees at stake, Alpha has kept its neutrality.")}
    swapped = verifier.check("Beta has transit fees at stake [1].", fees, "What does Beta have at stake?")
    assert swapped.verdict == "unsupported" and "beta" in swapped.invented
    # Lower-cased text shows no names: only a pronoun that opens the sentence points back.
    lower = {1: replace(sources[1], text="she will be sentenced on 4 march .")}
    assert verifier.check(named, lower, "When will Ana Ruiz be sentenced?").supported
    kept = {1: replace(sources[1], text="alpha kept its neutrality .")}
    assert verifier.check("Beta kept its neutrality [1].", kept, "What did Beta keep?").verdict == "unsupported"


def test_missing_or_unknown_citations(verifier: Verifier, sources: dict) -> None:
    assert verifier.check("Japan buys 40 % of Mongolia's exports.", sources).verdict == "uncited"
    checked = verifier.check("Japan buys 40 % of Mongolia's exports [7].", sources)
    assert checked.verdict == "bad_citation"
    assert "[7]" in checked.reasons[0]


@pytest.mark.parametrize("marker", ["[2]", "[7]", ""])
def test_a_wrong_or_missing_marker_is_corrected_to_the_source_that_supports_the_sentence(
    verifier: Verifier, sources: dict, marker: str
) -> None:
    checked = verifier.check(f"China buys 90 % of Mongolia's exports {marker}.", sources)
    assert (checked.verdict, checked.cited) == ("supported", [1])
    assert "[1] does" in checked.reasons[0]


def test_words_gathered_from_two_sources_are_not_support(verifier: Verifier, sources: dict) -> None:
    texts = ["Zorland's new port opened in 2031.", "The port cost $4 billion to build.", "Fishing fell in 2030."]
    shown = {n: replace(sources[1], number=n, text=text) for n, text in enumerate(texts, start=1)}
    assert verifier.check("The port cost $4 billion to build [1].", shown).cited == [2]
    checked = verifier.check("Zorland's new port opened in 2031 and cost $4 billion [1].", shown)
    assert (checked.verdict, checked.cited) == ("unsupported", [1])


def test_a_sentence_no_single_source_supports_keeps_its_verdict(verifier: Verifier, sources: dict) -> None:
    checked = verifier.check("China buys 60 % of Mongolia's exports [2].", sources)
    assert (checked.verdict, checked.cited) == ("unsupported", [2])


def test_the_model_reads_evidence_sentences_within_the_budget(bot: Assistant) -> None:
    answer = bot.ask("What share of Mongolia's exports go to China?")
    best = answer.evidence[0]
    other = best.model_copy(update={"number": best.number + 1, "quote": "Russia supplies most of its fuel."})
    evidence = [best, other]
    metas = {meta.article_id: meta for meta in bot.articles()}
    everything = evidence_sources(evidence, metas, 10_000, "cl100k_base")
    assert [s.text for s in everything.values()] == [c.quote for c in evidence]
    first_only = evidence_sources(evidence, metas, count_tokens(render(everything, evidence)) - 5, "cl100k_base")
    assert list(first_only) == [best.number]  # the best first, the rest as the budget allows
    rendered = render(everything, evidence)
    assert rendered.startswith(f"[{best.number}] ({best.date}) ") and "90 %" in rendered
    assert best.publisher not in rendered  # the reader sees the outlet; the model need not read it


def test_marker_removal_leaves_no_doubled_or_dangling_punctuation() -> None:
    assert strip_markers("The Dialogue is held monthly, according to sources,, and [1][2].") == (
        "The Dialogue is held monthly, according to sources."
    )
    assert tidy_punctuation("It rose , to 5 % ;.") == "It rose, to 5 %."
    assert tidy_punctuation("Prices rose 5 %.") == "Prices rose 5 %."


def test_a_sentence_is_recited_only_to_a_source_that_more_likely_than_not_supports_it(
    verifier: Verifier, sources: dict
) -> None:
    """The model cites the wrong sentence for "Anna Berg holds the Danish sprint championship", which mixes
    what the other sentence says of the rival ("Danish") and of the title ("world"). The judge scores that
    sentence just over its threshold: enough when the model cited it, not to re-cite a sentence to it."""
    texts = ["The new track opened in 2031.", RIVAL]
    shown = {n: replace(sources[1], number=n, text=text) for n, text in enumerate(texts, start=1)}
    mixed = "Anna Berg holds the Danish sprint championship"
    as_cited = verifier.check(f"{mixed} [2].", shown)
    assert as_cited.supported and as_cited.score is not None and as_cited.score < MIN_RECITED_SCORE
    miscited = verifier.check(f"{mixed} [1].", shown)
    assert (miscited.verdict, miscited.cited) == ("unsupported", [1])
    faithful = "The coach came under increasing pressure to select world sprint champion Anna Berg in June [1]."
    assert verifier.check(faithful, shown).cited == [2]
