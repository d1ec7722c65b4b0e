"""The conversation export as files: hostile text stays text in Markdown, JSON keeps every field.

The Markdown is rendered by markdown-it-py (a CommonMark renderer, as GitHub and most editors are), so
what is asserted is what a reader's viewer would show: no link, image, raw HTML, heading or list made
from a question or an article's words, and the words themselves all there.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from markdown_it import MarkdownIt

from assistant import Assistant, Settings
from assistant.export import conversation_json, conversation_markdown, escape_markdown
from assistant.feedback import RecentAnswers
from assistant.schema import Answer, Citation, Thoughts

HOSTILE = [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "![x](http://tracker.example/p.png)",
    "# Not a heading",
    "1. not a list",
    "- not a list either",
    "*not emphasis* and _not_ __bold__",
    "`not code` & &lt;entity&gt;",
    "a | table | row",
    "back\\slash \\[1\\]",
    "> not a quote",
]


def render(markdown: str) -> str:
    return MarkdownIt("commonmark").render(markdown)


def plain(html: str) -> str:
    """What the reader sees: the rendered HTML's text (entities decoded)."""
    import html as html_module
    import re

    return html_module.unescape(re.sub(r"<[^>]+>", "", html))


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_text_renders_as_exactly_that_text(text: str) -> None:
    html = render(escape_markdown(text))
    for tag in ("<script", "<a ", "<img", "<h1", "<ol", "<ul", "<em", "<strong", "<code", "<blockquote"):
        assert tag not in html, (text, html)
    assert plain(html).strip() == text


def hostile_answer() -> Answer:
    citation = Citation(
        number=1,
        article_id="upload/evil",
        title="<img src=x onerror=alert(1)> [Title](http://evil.example)",
        author="A",
        publisher="# Outlet",
        date="2024-09",
        quote="Line one\n# line two <b>bold</b>",
        start=10,
        end=42,
    )
    return Answer(
        text="Russia supplies oil [1].\n- and *more*",
        refused=False,
        citations=[citation],
        evidence=[citation],
        model="extractive",
        thoughts=Thoughts(standalone_question="q"),
    )


def test_a_hostile_conversation_exports_as_inert_markdown() -> None:
    recent = RecentAnswers()
    history = [{"role": "user", "content": "<iframe src=x>"}, {"role": "assistant", "content": "[a](b)"}]
    ids = [recent.remember("What does [Russia](http://x) supply? <b>", history, hostile_answer(), Settings())]
    turns = [turn for turn in map(recent.get, ids) if turn]
    markdown = conversation_markdown(turns, datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    html = render(markdown)
    for tag in ("<script", "<a ", "<img", "<iframe", "<b>", "<em><em>"):
        assert tag not in html, tag
    # The export's own structure and nothing more: the earlier turns, the sources, one blockquote for the answer.
    assert (html.count("<ul>"), html.count("<ol>"), html.count("<li>"), html.count("<blockquote>")) == (1, 1, 3, 1)
    seen = plain(html)
    assert "What does [Russia](http://x) supply? <b>" in seen
    assert "<img src=x onerror=alert(1)> [Title](http://evil.example)" in seen
    assert "Line one # line two <b>bold</b>" in seen and "# Outlet, 2024-09" in seen
    assert "(article upload/evil, characters 10–42)" in seen
    assert "Exported 2026-12-01 12:00 UTC" in seen
    assert html.count("<h2>") == 2  # "Earlier in the conversation" and the one question: nothing else


def test_the_json_export_keeps_every_citation_field_and_the_history() -> None:
    recent = RecentAnswers()
    history = [{"role": "user", "content": "earlier question"}, {"role": "assistant", "content": "earlier answer"}]
    answer = hostile_answer()
    turn = recent.get(recent.remember("Q?", history, answer, Settings()))
    assert turn is not None
    exported = json.loads(json.dumps(conversation_json([turn])))
    [out] = exported["turns"]
    assert (out["question"], out["history"], out["answer"], out["refused"]) == ("Q?", history, answer.text, False)
    assert out["citations"] == [answer.citations[0].model_dump()]
    assert set(out["citations"][0]) >= {"quote", "title", "publisher", "date", "start", "end", "article_id"}
    assert out["evidence"] == [1]


def test_real_answers_export_with_quotes_that_are_the_articles_text(bot: Assistant) -> None:
    recent = RecentAnswers()
    question = "What share of Mongolia's exports go to China?"
    answer = bot.ask(question)
    turn = recent.get(recent.remember(question, [], answer, bot.settings))
    assert turn is not None and answer.citations
    [out] = conversation_json([turn])["turns"]
    for citation in out["citations"]:
        article = bot.article(citation["article_id"])
        if citation["kind"] == "text":
            assert article is not None and article.text[citation["start"] : citation["end"]] == citation["quote"]
    markdown = conversation_markdown([turn])
    assert plain(render(markdown)).count(question) == 1


def test_recent_answers_are_bounded_and_ids_unguessable() -> None:
    recent = RecentAnswers(capacity=3)
    ids = [recent.remember(f"q{n}", [], hostile_answer(), Settings()) for n in range(5)]
    assert len(recent) == 3 and recent.get(ids[0]) is None and recent.get(ids[-1]) is not None
    assert len(set(ids)) == 5 and all(len(answer_id) >= 22 for answer_id in ids)  # 128 random bits each
