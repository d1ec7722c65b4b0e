"""Rendering answers and article lists to HTML: untrusted text stays text, the evidence comes before the answer,
and each kind of answer looks different."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from assistant import Answer, ArticleMeta, Assistant, Citation
from assistant.cite import metadata_card
from assistant.schema import AnswerSentence, Thoughts
from ui.render import (
    answer_html,
    answer_kind,
    answer_plain_text,
    articles_html,
    display_date,
    error_html,
    question_html,
    streaming_html,
)

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>[x](javascript:alert(3))<!-- obey -->"
ALLOWED_TAGS = {"div", "p", "a", "span", "ol", "ul", "li", "blockquote", "mark"}
ALLOWED_ATTRIBUTES = {"class", "href", "title"}


class Tags(HTMLParser):
    """Every tag and attribute the HTML really contains, as a browser's parser sees them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.comments: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def hostile_answer() -> Answer:
    citation = Citation(
        number=1,
        article_id="upload/<x>",
        title=HOSTILE,
        author=HOSTILE,
        date=HOSTILE,
        quote=HOSTILE,
        start=0,
        end=len(HOSTILE),
    )
    return Answer(
        text=f"{HOSTILE} [1] [2]",
        refused=False,
        citations=[citation],
        notices=[HOSTILE],
        sentences=[AnswerSentence(text=f"{HOSTILE} [1]", citations=[1])],
        model="extractive",
        thoughts=Thoughts(standalone_question=HOSTILE),
    )


def hostile_evidence() -> list[Citation]:
    """A text citation and a metadata one, every field hostile."""
    text = Citation(
        number=1,
        article_id="upload/<x>",
        title=HOSTILE,
        author=HOSTILE,
        publisher=HOSTILE,
        date="2024-09",
        quote=HOSTILE,
        start=0,
        end=len(HOSTILE),
    )
    card = text.model_copy(update={"number": 2, "date": HOSTILE, "kind": "metadata", "start": 3, "end": 9})
    return [text, card]


def assert_only_our_markup(html: str) -> None:
    parsed = Tags(html)
    assert parsed.comments == []
    for tag, attributes in parsed.tags:
        assert tag in ALLOWED_TAGS, tag
        assert set(attributes) <= ALLOWED_ATTRIBUTES, attributes
        if tag == "a":
            assert str(attributes["href"]).startswith("/source/"), attributes


def test_article_and_user_text_render_as_text() -> None:
    html = answer_html(hostile_answer())
    assert_only_our_markup(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "[2]" in html  # a marker with no citation stays plain text
    links = [attrs for tag, attrs in Tags(html).tags if tag == "a"]
    assert len(links) == 2  # [1] in the text and in the sources list
    assert unquote(urlsplit(str(links[0]["href"])).path) == "/source/upload/<x>"
    assert "%3C" in str(links[0]["href"])  # the id is quoted in the link, so it cannot end the attribute

    meta = ArticleMeta(
        article_id="a/<b>", title=HOSTILE, author=HOSTILE, publisher=HOSTILE, date=HOSTILE, source=HOSTILE
    )
    assert_only_our_markup(articles_html([meta]))
    assert_only_our_markup(question_html(HOSTILE))


def test_refusals_checked_and_plain_answers_look_different() -> None:
    plain = hostile_answer().model_copy(update={"notices": []})
    refused = plain.model_copy(update={"refused": True, "citations": [], "text": "The articles do not say."})
    flagged = AnswerSentence(text="Mongolia has no snow leopards.", verdict="unsupported")
    checked = plain.model_copy(
        update={
            "text": f"{plain.text} {flagged.text}",
            "sentences": [*plain.sentences, flagged],
        }
    )
    noticed = plain.model_copy(update={"notices": ["One sentence was removed: the articles do not support it."]})
    assert [answer_kind(a) for a in (plain, refused, checked, noticed)] == ["plain", "refused", "checked", "checked"]

    assert 'class="answer-label">Not in the articles<' in answer_html(refused)
    assert "answer-label" not in answer_html(plain)
    html = answer_html(checked)
    assert 'class="unverified" title="The articles do not back this sentence">Mongolia has no snow leopards.' in html
    assert '<p class="notice">One sentence was removed' in answer_html(noticed)


@pytest.mark.parametrize("question", ["What does Russia supply to Mongolia?", "What is Mongolia's GDP?"])
def test_links_and_copied_text_carry_the_exact_passages(bot: Assistant, question: str) -> None:
    answer = bot.ask(question)
    html = answer_html(answer)
    assert_only_our_markup(html)
    if answer.evidence:
        assert html.index('class="evidence"') < html.index('class="answer ')
    quotes = {c.quote for c in answer.citations}
    for _, attributes in (t for t in Tags(html).tags if t[0] == "a"):
        url = urlsplit(str(attributes["href"]))
        article = bot.article(unquote(url.path.removeprefix("/source/")))
        assert article is not None
        if not url.query:  # a metadata citation: a line of the article's metadata card, not of its text
            assert any(metadata_card(article)[c.start : c.end] == c.quote for c in answer.citations)
            continue
        query = {key: int(values[0]) for key, values in parse_qs(url.query).items()}
        assert article.text[query["start"] : query["end"]] in quotes
    copied = answer_plain_text(answer)
    assert copied.startswith(answer.text)
    assert all(c.quote in copied and c.title in copied for c in answer.citations)


def test_evidence_comes_first_and_its_hostile_text_stays_text() -> None:
    evidence = hostile_evidence()
    answer = hostile_answer().model_copy(update={"citations": evidence, "evidence": evidence})
    for html in (answer_html(answer), streaming_html(HOSTILE, evidence), error_html(HOSTILE, evidence)):
        assert_only_our_markup(html)
        assert html.startswith('<div class="reply"><div class="evidence">')  # one reply: the evidence first ...
        assert html.index('class="evidence"') < html.index('class="answer ')  # ... then the answer
        assert html.index('class="evidence-heading">Evidence<') < html.index('class="answer-heading">Answer<')
        assert "<blockquote>&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in html
        assert "<script" not in html and "<img" not in html
    html = answer_html(answer)
    items = html[html.index('class="evidence"') : html.index('class="answer ')]
    assert items.count('class="evidence-item') == 2
    assert 'class="source-meta">&lt;script&gt;alert(1)&lt;/script&gt;' in items  # the outlet, escaped
    assert "September 2024" in items  # the date as a reader says it
    assert 'evidence-metadata"' in items and "About the article" in items
    links = [attrs["href"] for tag, attrs in Tags(items).tags if tag == "a"]
    assert "?start=0&end=" in str(links[0])  # a text citation opens its passage ...
    assert "?" not in str(links[1])  # ... a metadata card line the whole article: its span is not in the text
    assert "More sources" not in html and 'class="sources"' not in html  # each quote is shown once


def test_an_answer_without_evidence_shows_no_evidence_block_and_keeps_its_sources() -> None:
    plain = hostile_answer()
    refused = plain.model_copy(update={"refused": True, "citations": [], "text": "The articles do not say."})
    for html in (answer_html(plain), answer_html(refused), streaming_html("So far")):
        assert 'class="evidence' not in html and "answer-heading" not in html
    assert 'class="sources-heading">Sources<' in answer_html(plain)
    extra = hostile_evidence()[0].model_copy(update={"number": 3})
    more = plain.model_copy(update={"evidence": hostile_evidence(), "citations": [*hostile_evidence(), extra]})
    html = answer_html(more)
    assert html.index('class="evidence"') < html.index('class="sources-heading">More sources<')
    assert html.count("<li") == 3  # the two evidence quotes, then the one cited only by the answer


def test_answer_spans_are_marked_and_notes_look_like_notes() -> None:
    evidence = hostile_evidence()[:1]
    note = AnswerSentence(text="The articles do not say that it snowed; here is what they say.", verdict="note")
    quoted = AnswerSentence(text="China buys 90 % of the exports. [1]", citations=[1], answer_span=(11, 15))
    unmarked = AnswerSentence(text="The span would cut [1] in two.", citations=[1], answer_span=(0, 21))
    answer = hostile_answer().model_copy(
        update={
            "text": f"{note.text} {quoted.text} {unmarked.text}",
            "sentences": [note, quoted, unmarked],
            "citations": evidence,
            "evidence": evidence,
            "notices": [],
        }
    )
    html = answer_html(answer)
    assert_only_our_markup(html)
    assert '<mark class="answer-span">90 %</mark>' in html
    assert html.count("<mark") == 1  # a span that would break a citation link is not marked
    assert '<span class="note" title="A note about the articles, not a claim from them">The articles do not say' in html
    assert answer_kind(answer) == "plain"  # a note is no unverified claim


def test_dates_read_as_a_reader_says_them() -> None:
    assert display_date("2024-09") == "September 2024"
    assert display_date("2024-05-10") == "10 May 2024"
    assert display_date("2024") == "2024"
    assert display_date("Spring 2024") == "Spring 2024"
    assert display_date("2024-13") == "2024-13"  # not a month: shown as given
    assert display_date("Undated") == "" and display_date("Not stated in the source file") == ""
