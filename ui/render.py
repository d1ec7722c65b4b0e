"""Turn answers and articles into HTML that is safe to show: every piece of article or user text is escaped.

Citation links point at `/source/<id>?start=&end=#passage`, the page that shows the article with the quoted
span highlighted; `static/app.js` (served at /app-static) opens them in the side panel (else in a new tab).
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from markupsafe import Markup, escape

from assistant import Answer, ArticleMeta, Citation
from assistant.schema import AnswerSentence

CITE_MARK = re.compile(r"\[(\d+)\]")
# Verification's verdicts on a sentence that is shown although the articles do not back it (or its citation).
UNVERIFIED = {"unsupported", "uncited", "bad_citation"}


def source_url(article_id: str, start: int | None = None, end: int | None = None) -> str:
    """Relative link to the source page; the article id is path-quoted so it cannot break out of the URL."""
    url = f"/source/{quote(article_id, safe='/')}"
    if start is not None and end is not None:
        url += "?" + urlencode({"start": start, "end": end}) + "#passage"
    return url


def cite_link(citation: Citation) -> Markup:
    return Markup('<a class="source-link cite" href="{}" title="{}">[{}]</a>').format(
        source_url(citation.article_id, citation.start, citation.end),
        f"{citation.title}, {citation.author}",
        citation.number,
    )


def linked_text(text: str, citations: list[Citation]) -> Markup:
    """Escape `text` and turn each `[n]` that names a citation into a link to its passage."""
    by_number = {c.number: c for c in citations}
    parts: list[Markup] = []
    last = 0
    for match in CITE_MARK.finditer(text):
        citation = by_number.get(int(match.group(1)))
        if citation is None:
            continue
        parts += [escape(text[last : match.start()]), cite_link(citation)]
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def answer_kind(answer: Answer) -> str:
    """plain, refused or checked (verification removed or flagged sentences, or left a notice): each looks different."""
    if answer.refused:
        return "refused"
    if answer.notices or unverified_sentences(answer):
        return "checked"
    return "plain"


def unverified_sentences(answer: Answer) -> list[AnswerSentence]:
    return [s for s in answer.sentences if s.verdict in UNVERIFIED]


def marked_text(answer: Answer) -> Markup:
    """The answer text with links, each unverified sentence wrapped so that it looks different."""
    text, pieces, position = answer.text, [], 0
    for sentence in unverified_sentences(answer):
        found = text.find(sentence.text, position)
        if found < 0:
            continue
        end = found + len(sentence.text)
        pieces += [
            linked_text(text[position:found], answer.citations),
            Markup('<span class="unverified" title="The articles do not back this sentence">{}</span>').format(
                linked_text(text[found:end], answer.citations)
            ),
        ]
        position = end
    pieces.append(linked_text(text[position:], answer.citations))
    return Markup("").join(pieces)


def answer_html(answer: Answer) -> str:
    """The whole answer: a label for refusals and checked answers, notices, the cited text, then the sources."""
    kind = answer_kind(answer)
    labels = {"refused": "Not in the articles", "checked": "Checked against the articles"}
    parts = [Markup('<div class="answer answer-{}">').format(kind)]
    if kind in labels:
        parts.append(Markup('<p class="answer-label">{}</p>').format(labels[kind]))
    parts += [Markup('<p class="notice">{}</p>').format(notice) for notice in answer.notices]
    parts.append(Markup('<p class="answer-text">{}</p>').format(marked_text(answer)))
    if answer.citations:
        parts.append(sources_html(answer.citations))
    parts.append(Markup("</div>"))
    return str(Markup("").join(parts))


def sources_html(citations: list[Citation]) -> Markup:
    items = Markup("").join(
        Markup(
            '<li>{} <span class="source-title">{}</span> <span class="source-meta">{}, {}</span>'
            "<blockquote>{}</blockquote></li>"
        ).format(cite_link(c), c.title, c.author, c.date, c.quote)
        for c in citations
    )
    return Markup('<div class="sources"><p class="sources-heading">Sources</p><ol>{}</ol></div>').format(items)


def answer_plain_text(answer: Answer) -> str:
    """What "copy answer" puts on the clipboard: the answer, then each source with its quote."""
    lines = [answer.text]
    if answer.citations:
        lines += ["", "Sources:"]
        lines += [f"[{c.number}] {c.title}, {c.author}, {c.date}: \u201c{c.quote}\u201d" for c in answer.citations]
    return "\n".join(lines)


def question_html(question: str) -> str:
    return str(Markup('<p class="question">{}</p>').format(question))


def streaming_html(text_so_far: str) -> str:
    """The answer while it streams: plain escaped text; links and sources arrive with the final answer."""
    return str(Markup('<div class="answer answer-streaming"><p class="answer-text">{}</p></div>').format(text_so_far))


def error_html(message: str) -> str:
    template = Markup('<div class="answer answer-error"><p class="answer-label">Error</p><p>{}</p></div>')
    return str(template.format(message))


def articles_html(articles: list[ArticleMeta]) -> str:
    if not articles:
        return "<p>No articles are indexed yet.</p>"
    items = Markup("").join(
        Markup('<li><a class="source-link" href="{}">{}</a> <span class="source-meta">{} · {} · {}</span></li>').format(
            source_url(a.article_id), a.title, a.author, a.publisher, a.date
        )
        for a in articles
    )
    return str(Markup('<ul class="article-list">{}</ul>').format(items))
