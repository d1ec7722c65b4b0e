"""Concurrent use of one process: threads must never see each other's text or conversation."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pysbd
import pytest

from assistant import Assistant, Settings
from assistant.chunking import _segmenter, forget_sentence_spans, sentence_spans
from tests.conftest import CORPUS
from testsupport.corpus_gen import articles


def test_sentence_spans_match_pysbd_and_stay_right_under_threads() -> None:
    """The segmenter keeps the text it works on; a shared one gave other threads' offsets. Spans are cached,
    so each call in the threads first empties the cache: every one of them segments."""
    texts = [a.text for a in articles(8, seed=5)]
    reference = pysbd.Segmenter(language="en", clean=False, char_span=True)
    for text in texts[:3]:
        assert [(s.sent, s.start, s.end) for s in _segmenter().segment(text)] == [
            (s.sent, s.start, s.end) for s in reference.segment(text)
        ]
    expected = {text: sentence_spans(text) for text in texts}

    def segmented_again(text: str) -> list[tuple[int, int]]:
        forget_sentence_spans()
        return sentence_spans(text)

    def spans_stay_right(text: str) -> bool:
        return all(segmented_again(text) == expected[text] for _ in range(10))

    with ThreadPoolExecutor(max_workers=len(texts)) as pool:
        assert all(pool.map(spans_stay_right, texts))


def test_concurrent_conversations_never_mix_histories(bot: Assistant) -> None:
    """Two follow-ups asked at once, each after a different first question, resolve from their own history."""
    conversations = {
        "russia": ("What does Russia supply to Mongolia?", "And what does China buy from it?"),
        "us": ("What did the U.S. and Mongolia agree on?", "And when did they do it?"),
    }
    histories = {}
    for name, (first, _) in conversations.items():
        answer = bot.ask(first)
        histories[name] = [{"role": "user", "content": first}, {"role": "assistant", "content": answer.text}]
    alone = {name: bot.ask(follow_up, histories[name]) for name, (_, follow_up) in conversations.items()}

    def ask(name: str) -> tuple[str, str, str]:
        answer = bot.ask(conversations[name][1], histories[name])
        return name, answer.thoughts.standalone_question, answer.text

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(ask, [name for _ in range(6) for name in conversations]))
    for name, standalone, text in results:
        first, follow_up = conversations[name]
        assert standalone.startswith(first) and standalone.endswith(follow_up)
        assert text == alone[name].text, f"{name}: a concurrent answer differs from the one asked alone"
    assert alone["russia"].text != alone["us"].text


@pytest.mark.slow
def test_readers_do_not_wait_for_a_rebuild_and_never_cite_replaced_text(tmp_path: Path) -> None:
    """While one thread rebuilds the keyword index after an ingest, others answer from the previous
    snapshot at once, minus the chunks that ingest replaced; the next ask sees the new text."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    bot = Assistant(Settings(data_dir=tmp_path / "data", corpus_dir=corpus))
    question = "What share of Mongolia's exports go to China?"
    assert "90 %" in bot.ask(question).text

    article = corpus / "mongolia-delicate-balancing-act.txt"
    article.write_text(article.read_text(encoding="utf-8").replace("90 %", "95 %"), encoding="utf-8")
    assert bot.ingest(corpus, show_progress=False).updated == ["mongolia-delicate-balancing-act"]

    with bot.retriever._build_lock, ThreadPoolExecutor(max_workers=1) as pool:  # a rebuild in progress
        stale = pool.submit(bot.ask, question).result(timeout=30)
    for citation in stale.citations:
        text = bot.store.article_text(citation.article_id)
        assert text is not None and text[citation.start : citation.end] == citation.quote
    fresh = bot.ask(question)
    assert "95 %" in fresh.text and "90 %" not in fresh.text
