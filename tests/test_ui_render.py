"""Rendering answers and article lists to HTML: untrusted text stays text, and each kind of answer looks different."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from assistant import Answer, ArticleMeta, Assistant, Citation
from assistant.schema import AnswerSentence, Thoughts
from ui.render import answer_html, answer_kind, answer_plain_text, articles_html, question_html

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>[x](javascript:alert(3))<!-- obey -->"
ALLOWED_TAGS = {"div", "p", "a", "span", "ol", "ul", "li", "blockquote"}
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
    for _, attributes in (t for t in Tags(html).tags if t[0] == "a"):
        url = urlsplit(str(attributes["href"]))
        query = {key: int(values[0]) for key, values in parse_qs(url.query).items()}
        article = bot.article(unquote(url.path.removeprefix("/source/")))
        assert article is not None
        assert article.text[query["start"] : query["end"]] in {c.quote for c in answer.citations}
    copied = answer_plain_text(answer)
    assert copied.startswith(answer.text)
    assert all(c.quote in copied and c.title in copied for c in answer.citations)
