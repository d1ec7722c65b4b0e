"""Ingest on a real embedded Chroma: idempotent, incremental, and safe against crashes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant import Assistant, Settings, chunking
from assistant.chunking import chunk_article
from assistant.ingest import load_corpus
from tests.conftest import CORPUS


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    return folder


def fresh_assistant(tmp_path: Path, corpus: Path) -> Assistant:
    return Assistant(Settings(data_dir=tmp_path / "data", corpus_dir=corpus, auto_ingest=False))


def stored_chunk_ids(bot: Assistant) -> list[str]:
    return [row.chunk.chunk_id for row in bot.store.all_chunks()]


def expected_chunk_ids(corpus: Path) -> set[str]:
    return {c.chunk_id for a in load_corpus(corpus).articles for c in chunk_article(a)}


def test_second_ingest_embeds_nothing(tmp_path: Path, corpus_copy: Path) -> None:
    bot = fresh_assistant(tmp_path, corpus_copy)
    first = bot.ingest(corpus_copy, show_progress=False)
    assert sorted(first.added) == ["mongolia-delicate-balancing-act", "mongolia-veering-towards-us"]
    assert first.chunks_embedded == len(expected_chunk_ids(corpus_copy))
    second = bot.ingest(corpus_copy, show_progress=False)
    assert second.chunks_embedded == 0
    assert sorted(second.unchanged) == sorted(first.added)
    assert set(stored_chunk_ids(bot)) == expected_chunk_ids(corpus_copy)


def test_a_store_indexed_another_way_is_indexed_again(
    tmp_path: Path, corpus_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunk ids name how chunks are indexed (headline and text), so vectors made before that way
    changed are replaced by the next ingest rather than mixed with new ones."""
    bot = fresh_assistant(tmp_path, corpus_copy)
    monkeypatch.setattr(chunking, "INDEXED_AS", "chunk text alone")
    bot.ingest(corpus_copy, show_progress=False)
    monkeypatch.undo()
    report = bot.ingest(corpus_copy, show_progress=False)
    assert sorted(report.updated) == ["mongolia-delicate-balancing-act", "mongolia-veering-towards-us"]
    assert set(stored_chunk_ids(bot)) == expected_chunk_ids(corpus_copy)


def test_changed_article_is_replaced_and_removed_one_deleted(tmp_path: Path, corpus_copy: Path) -> None:
    bot = fresh_assistant(tmp_path, corpus_copy)
    bot.ingest(corpus_copy, show_progress=False)
    short = corpus_copy / "mongolia-veering-towards-us.txt"
    short.write_text(short.read_text(encoding="utf-8") + "\nA late correction: the pipeline plan was shelved.\n")
    (corpus_copy / "mongolia-delicate-balancing-act.txt").unlink()

    report = bot.ingest(corpus_copy, show_progress=False)
    assert report.updated == ["mongolia-veering-towards-us"]
    assert report.removed == ["mongolia-delicate-balancing-act"]
    assert 0 < report.chunks_embedded <= len(chunk_article(load_corpus(corpus_copy).articles[0]))
    ids = stored_chunk_ids(bot)
    assert len(ids) == len(set(ids))
    assert set(ids) == expected_chunk_ids(corpus_copy)
    assert [a.article_id for a in bot.articles()] == ["mongolia-veering-towards-us"]
    article = bot.article("mongolia-veering-towards-us")
    assert article is not None and article.text.endswith("the pipeline plan was shelved.\n")


def test_ingesting_another_folder_keeps_the_first(tmp_path: Path, corpus_copy: Path) -> None:
    bot = fresh_assistant(tmp_path, corpus_copy)
    bot.ingest(corpus_copy, show_progress=False)
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "rail.txt").write_text("Rail freight\n\nRail freight through Mongolia doubled in 2023.\n")
    bot.ingest(extra, show_progress=False)
    assert {a.article_id for a in bot.articles()} == {
        "mongolia-veering-towards-us",
        "mongolia-delicate-balancing-act",
        "rail",
    }


def test_uncommitted_chunks_are_invisible_and_completed_by_the_next_ingest(tmp_path: Path, corpus_copy: Path) -> None:
    """An ingest that dies after adding some chunks but before its commit record."""
    bot = fresh_assistant(tmp_path, corpus_copy)
    article = next(a for a in load_corpus(corpus_copy).articles if a.article_id == "mongolia-delicate-balancing-act")
    partial = chunk_article(article)[:3]
    bot.store.add_chunks([(article, c) for c in partial])
    assert bot.articles() == []
    assert bot.retriever.passages("Mongolia exports to China") == []

    report = bot.ingest(corpus_copy, show_progress=False)
    assert report.chunks_embedded == len(expected_chunk_ids(corpus_copy)) - len(partial)
    ids = stored_chunk_ids(bot)
    assert len(ids) == len(set(ids)) == len(expected_chunk_ids(corpus_copy))


def test_auto_ingest_indexes_the_corpus_on_first_use(tmp_path: Path) -> None:
    bot = Assistant(Settings(data_dir=tmp_path / "data", corpus_dir=CORPUS))
    assert len(bot.articles()) == 2
    assert bot.ask("What share of Mongolia's exports go to China?").citations
