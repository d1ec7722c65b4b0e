"""Verification of model sentences and the streamed-marker parser, on fixed strings (no model)."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.answer.llm_sources import numbered_sources, render
from assistant.answer.markers import SentenceStream, citation_numbers, split_sentences, strip_markers
from assistant.judge import OfflineJudge
from assistant.tokens import count_tokens
from assistant.verify import Source, Verifier

EXPORTS = "And China is the destination for 90 % of Mongolia’s exports, primarily coal and copper."


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


def test_supported_sentence_cites_the_exact_sentence(bot: Assistant, verifier: Verifier, sources: dict) -> None:
    checked = verifier.check("China buys 90 % of Mongolia's exports, mostly coal and copper [1].", sources)
    assert checked.verdict == "supported", checked.reasons
    [evidence] = checked.evidence
    assert evidence.quote == EXPORTS
    assert bot.article(evidence.meta.article_id).text[evidence.start : evidence.end] == evidence.quote  # type: ignore[union-attr]


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


def test_missing_or_unknown_citations(verifier: Verifier, sources: dict) -> None:
    assert verifier.check("China buys 90 % of Mongolia's exports.", sources).verdict == "uncited"
    checked = verifier.check("China buys 90 % of Mongolia's exports [7].", sources)
    assert checked.verdict == "bad_citation"
    assert "[7]" in checked.reasons[0]


def test_sources_fit_the_budget_by_trimming_the_longest(bot: Assistant) -> None:
    passages = bot.retriever.passages("What share of Mongolia's exports go to China?")
    full = sum(count_tokens(p.chunk.text) for p in passages)
    sources = numbered_sources(passages, full // 2, "cl100k_base")
    assert sum(count_tokens(s.text) for s in sources.values()) <= full // 2
    for number, source in sources.items():
        chunk = passages[number - 1].chunk
        assert chunk.text.startswith(source.text) and source.start == chunk.start
    assert render(sources).startswith(f"[1] {passages[0].meta.title}")
