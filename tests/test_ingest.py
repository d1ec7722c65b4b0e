"""Reading article folders: formats, metadata, and files that cannot be read."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import EmptyCorpusError
from assistant.ingest import load_corpus
from tests.conftest import CORPUS

HTML_PAGE = """<!doctype html><html><head><title>Steppe railway reopens</title>
<meta name="author" content="A. Writer"></head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/login">Subscribe now</a></nav>
<article><h1>Steppe railway reopens</h1>
<p>The railway between Ulaanbaatar and the border reopened on Monday after three weeks of repairs.</p>
<p>Freight operators said coal shipments would resume within days, easing a backlog at the crossing.</p>
<p>Officials expect traffic to return to normal levels before the end of the month.</p></article>
<footer>Copyright 2024 Example News. All rights reserved. Cookie settings.</footer></body></html>"""


def test_bundled_corpus_is_verbatim_with_metadata() -> None:
    corpus = load_corpus(CORPUS)
    assert corpus.skipped == []
    by_id = {a.article_id: a for a in corpus.articles}
    assert set(by_id) == {"mongolia-veering-towards-us", "mongolia-delicate-balancing-act"}
    for article_id, article in by_id.items():
        assert article.text == (CORPUS / f"{article_id}.txt").read_text(encoding="utf-8")
        assert article.title and article.author and article.date and article.source
    assert by_id["mongolia-veering-towards-us"].author == "Henrik Rothen"


def test_reads_txt_md_and_html_main_text(tmp_path: Path) -> None:
    (tmp_path / "note.md").write_text("# Coal exports\n\nCoal exports rose sharply this year.\n", encoding="utf-8")
    (tmp_path / "plain.txt").write_text("Copper prices\n\nCopper prices fell in May.\n", encoding="utf-8")
    (tmp_path / "page.html").write_text(HTML_PAGE, encoding="utf-8")
    corpus = load_corpus(tmp_path)
    by_id = {a.article_id: a for a in corpus.articles}
    assert by_id["note"].title == "Coal exports"
    assert by_id["plain"].text == "Copper prices\n\nCopper prices fell in May.\n"
    page = by_id["page"]
    assert page.title == "Steppe railway reopens"
    assert "coal shipments would resume" in page.text
    assert "Subscribe now" not in page.text and "Cookie settings" not in page.text


def test_unreadable_files_are_skipped_by_name_and_the_rest_ingested(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Mongolia exports coal to China.", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 au lait".encode("latin-1"))
    (tmp_path / "empty.md").write_text("   \n", encoding="utf-8")
    (tmp_path / "meta.txt").write_text("Text with a broken sidecar.", encoding="utf-8")
    (tmp_path / "meta.meta.json").write_text("{not json", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert [a.article_id for a in corpus.articles] == ["good"]
    reasons = {path.name: reason for path, reason in corpus.skipped}
    assert set(reasons) == {"binary.txt", "latin1.txt", "empty.md", "meta.txt"}
    assert "binary" in reasons["binary.txt"]
    assert "UTF-8" in reasons["latin1.txt"]
    assert "meta.meta.json" in reasons["meta.txt"]


def test_empty_or_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EmptyCorpusError, match=r"No readable articles .*\.txt"):
        load_corpus(tmp_path)
    with pytest.raises(EmptyCorpusError, match="does not exist"):
        load_corpus(tmp_path / "nowhere")


def test_content_hash_changes_with_text_or_metadata(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("First version.", encoding="utf-8")
    first = load_corpus(tmp_path).articles[0].content_hash
    assert load_corpus(tmp_path).articles[0].content_hash == first
    (tmp_path / "a.meta.json").write_text('{"title": "Renamed"}', encoding="utf-8")
    assert load_corpus(tmp_path).articles[0].content_hash != first
