"""Turn answers and articles into HTML that is safe to show: every piece of article or user text is escaped.

A reply shows the evidence first (the verbatim sentences, each with its [n], title, outlet and date), then
the answer. Citation links point at `/source/<id>?start=&end=#passage`, the page that shows the article with
the quoted span highlighted (a citation of the article's metadata card links to the whole article);
`static/app.js` (served at /app-static) opens them in the side panel (else in a new tab).
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from markupsafe import Markup, escape

from assistant import SINGLE_MARKER as CITE_MARK
from assistant import Answer, AnswerSentence, ArticleMeta, Citation, known

# Verification's verdicts on a sentence that is shown although the articles do not back it (or its citation).
UNVERIFIED = {"unsupported", "uncited", "bad_citation"}
ISO_DATE = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?")
MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
ANSWER_HEADING = Markup('<p class="answer-heading">Answer</p>')


def source_url(article_id: str, start: int | None = None, end: int | None = None) -> str:
    """Relative link to the source page; the article id is path-quoted so it cannot break out of the URL."""
    url = f"/source/{quote(article_id, safe='/')}"
    if start is not None and end is not None:
        url += "?" + urlencode({"start": start, "end": end}) + "#passage"
    return url


def cite_link(citation: Citation) -> Markup:
    """`[n]`, linking to the quoted passage in its article; a metadata citation (a line of the article's
    metadata card, not of its text) links to the whole article, whose header shows the same facts."""
    if citation.kind == "metadata":
        href, title = source_url(citation.article_id), f"About the article: {citation.title}"
    else:
        href, title = source_url(citation.article_id, citation.start, citation.end), citation_label(citation)
    return Markup('<a class="source-link cite" href="{}" title="{}">[{}]</a>').format(href, title, citation.number)


def display_date(date: str) -> str:
    """A date as a reader says it ("2024-09" is "September 2024"); "" when it is not known."""
    if not known(date):
        return ""
    match = ISO_DATE.fullmatch(date.strip())
    if not match or not 1 <= int(match["month"] or 1) <= 12 or not 1 <= int(match["day"] or 1) <= 31:
        return date.strip()
    year, month, day = match["year"], match["month"], match["day"]
    if month is None:
        return year
    name = MONTHS[int(month) - 1]
    return f"{int(day)} {name} {year}" if day else f"{name} {year}"


def citation_origin(citation: Citation) -> str:
    """Who published the cited article and when, as far as known: "Asia Times, September 2024".
    Where the outlet is not known the author stands in for it."""
    outlet = next((v for v in (citation.publisher, citation.author) if known(v)), "")
    return ", ".join(part for part in (outlet, display_date(citation.date)) if part)


def citation_label(citation: Citation) -> str:
    """The title and origin, for a link's tooltip and the plain-text sources."""
    origin = citation_origin(citation)
    return f"{citation.title} ({origin})" if origin else citation.title


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


SENTENCE_WRAPPERS = {
    "unverified": Markup('<span class="unverified" title="The articles do not back this sentence">{}</span>'),
    "note": Markup('<span class="note" title="A note about the articles, not a claim from them">{}</span>'),
}


def sentence_html(sentence: AnswerSentence, citations: list[Citation]) -> Markup:
    """One sentence with its links, its answering words (`answer_span`) marked.

    A span that would cut a `[n]` marker in two is not marked: the link matters more."""
    text, span = sentence.text, sentence.answer_span
    if span is not None:
        start, end = span
        cuts = any(m.start() < start < m.end() or m.start() < end < m.end() for m in CITE_MARK.finditer(text))
        if 0 <= start < end <= len(text) and not cuts:
            return Markup("").join(
                [
                    linked_text(text[:start], citations),
                    Markup('<mark class="answer-span">{}</mark>').format(linked_text(text[start:end], citations)),
                    linked_text(text[end:], citations),
                ]
            )
    return linked_text(text, citations)


def marked_text(answer: Answer) -> Markup:
    """The answer text with links: the answering words of each sentence marked, each unverified sentence
    and each note (a sentence about the articles, not from them) wrapped so that it looks different."""
    text, pieces, position = answer.text, [], 0
    for sentence in answer.sentences:
        found = text.find(sentence.text, position) if sentence.text else -1
        if found < 0:
            continue
        end = found + len(sentence.text)
        inner = sentence_html(sentence, answer.citations)
        wrapper = "unverified" if sentence.verdict in UNVERIFIED else sentence.verdict
        pieces += [
            linked_text(text[position:found], answer.citations),
            SENTENCE_WRAPPERS[wrapper].format(inner) if wrapper in SENTENCE_WRAPPERS else inner,
        ]
        position = end
    pieces.append(linked_text(text[position:], answer.citations))
    return Markup("").join(pieces)


def evidence_html(evidence: list[Citation]) -> Markup:
    """The verbatim evidence, shown before the answer: each quote with its [n], title, outlet and date;
    a line of an article's metadata card is labelled as being about the article. Nothing when empty."""
    if not evidence:
        return Markup("")
    items = Markup("").join(evidence_item(c) for c in evidence)
    return Markup(
        '<div class="evidence"><p class="evidence-heading">Evidence</p><ol class="evidence-list">{}</ol></div>'
    ).format(items)


def evidence_item(citation: Citation) -> Markup:
    about = Markup('<span class="evidence-kind">About the article</span>') if citation.kind == "metadata" else ""
    origin = citation_origin(citation)
    meta = Markup(' <span class="source-meta">{}</span>').format(origin) if origin else ""
    return Markup(
        '<li class="evidence-item evidence-{}">{} {}<blockquote>{}</blockquote>'
        '<p class="evidence-source"><span class="source-title">{}</span>{}</p></li>'
    ).format(citation.kind, cite_link(citation), about, citation.quote, citation.title, meta)


def reply_html(evidence: list[Citation], kind: str, body: Markup) -> str:
    """One reply in the chat: the evidence block (when there is evidence), then the answer of that kind
    under an "Answer" heading."""
    heading = ANSWER_HEADING if evidence else Markup("")
    template = Markup('<div class="reply">{}<div class="answer answer-{}">{}{}</div></div>')
    return str(template.format(evidence_html(evidence), kind, heading, body))


def answer_html(answer: Answer) -> str:
    """The whole reply: the evidence first, then the answer (a label for refusals and checked answers,
    notices, the cited text), then the sources the answer cites that the evidence does not show."""
    kind = answer_kind(answer)
    labels = {"refused": "Not in the articles", "checked": "Checked against the articles"}
    parts: list[Markup] = []
    if kind in labels:
        parts.append(Markup('<p class="answer-label">{}</p>').format(labels[kind]))
    parts += [Markup('<p class="notice">{}</p>').format(notice) for notice in answer.notices]
    parts.append(Markup('<p class="answer-text">{}</p>').format(marked_text(answer)))
    shown = {c.number for c in answer.evidence}
    others = [c for c in answer.citations if c.number not in shown]
    if others:
        parts.append(sources_html(others, "More sources" if shown else "Sources"))
    return reply_html(answer.evidence, kind, Markup("").join(parts))


def sources_html(citations: list[Citation], heading: str = "Sources") -> Markup:
    items = Markup("").join(
        Markup(
            '<li>{} <span class="source-title">{}</span> <span class="source-meta">{}</span>'
            "<blockquote>{}</blockquote></li>"
        ).format(cite_link(c), c.title, source_meta(c), c.quote)
        for c in citations
    )
    return Markup('<div class="sources"><p class="sources-heading">{}</p><ol>{}</ol></div>').format(heading, items)


def source_meta(citation: Citation) -> str:
    """Author, outlet and date, those that are known; a metadata citation says it is about the article."""
    date = display_date(citation.date)
    parts = [v for v in (citation.author, citation.publisher) if known(v)] + ([date] if date else [])
    about = "about the article" if citation.kind == "metadata" else ""
    return ", ".join([*parts, about] if about else parts)


def answer_plain_text(answer: Answer) -> str:
    """What "copy answer" puts on the clipboard: the answer, then each source with its quote."""
    lines = [answer.text]
    if answer.citations:
        lines += ["", "Sources:"]
        for c in answer.citations:
            source = ", ".join(part for part in (c.title, source_meta(c)) if part)
            lines.append(f"[{c.number}] {source}: \u201c{c.quote}\u201d")
    return "\n".join(lines)


def question_html(question: str) -> str:
    return str(Markup('<p class="question">{}</p>').format(question))


def streaming_html(text_so_far: str, evidence: list[Citation] | None = None) -> str:
    """The reply while it streams: the evidence as soon as it is known, then the answer so far as plain
    escaped text; its links, marks and sources arrive with the final answer."""
    return reply_html(evidence or [], "streaming", Markup('<p class="answer-text">{}</p>').format(text_so_far))


def error_html(message: str, evidence: list[Citation] | None = None) -> str:
    """An error in place of the answer; evidence already shown stays."""
    return reply_html(evidence or [], "error", Markup('<p class="answer-label">Error</p><p>{}</p>').format(message))


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
