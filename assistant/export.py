"""A conversation as a file a reader keeps or shares: Markdown to read, JSON for programs.

Pure functions of the answered turns (`assistant.feedback.AnsweredTurn`): every answer with its
question, the history it was asked in, and every citation (quote, title, outlet, date, offsets).
Questions and article text are untrusted: in Markdown every character that could start markup
(a link, an image, raw HTML, emphasis, a heading or list at a line's start) is escaped, so the file
shows exactly the words that were asked and quoted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from assistant.feedback.recent import AnsweredTurn
from assistant.schema import Citation

# CommonMark lets any ASCII punctuation be escaped; these can start markup anywhere in a line.
INLINE_SPECIALS = re.compile(r"([\\`*_\[\]<>&|~!])")
# ... and these only at a line's start: headings, lists, rules, setext underlines.
LINE_START = re.compile(r"^(\s*)([#+=-]|\d+[.)])", re.MULTILINE)
FORMAT_VERSION = 1


def escape_markdown(text: str) -> str:
    """`text` shown literally by any CommonMark renderer; line breaks are kept."""
    escaped = INLINE_SPECIALS.sub(r"\\\1", text)
    return LINE_START.sub(lambda m: m[1] + (m[2][:-1] + "\\" + m[2][-1] if m[2][0].isdigit() else "\\" + m[2]), escaped)


def one_line(text: str) -> str:
    return " ".join(text.split())


def conversation_json(turns: Sequence[AnsweredTurn], exported_at: datetime | None = None) -> dict[str, Any]:
    """The conversation as plain JSON values: each turn's question, history, answer and citations."""
    return {
        "format": "news-assistant-conversation",
        "version": FORMAT_VERSION,
        "exported_at": (exported_at or datetime.now(UTC)).isoformat(),
        "turns": [
            {
                "answer_id": turn.answer_id,
                "asked_at": turn.at.isoformat(),
                "question": turn.question,
                "history": [message.model_dump() for message in turn.history],
                "answer": turn.answer.text,
                "refused": turn.answer.refused,
                "notices": turn.answer.notices,
                "model": turn.answer.model,
                "evidence": [citation.number for citation in turn.answer.evidence],
                "citations": [citation.model_dump() for citation in turn.answer.citations],
            }
            for turn in turns
        ],
    }


def conversation_json_text(turns: Sequence[AnsweredTurn], exported_at: datetime | None = None) -> str:
    return json.dumps(conversation_json(turns, exported_at), ensure_ascii=False, indent=2)


def conversation_markdown(turns: Sequence[AnsweredTurn], exported_at: datetime | None = None) -> str:
    """A readable transcript: each question as a heading, the answer, then its numbered sources."""
    moment = (exported_at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Conversation with the news assistant",
        "",
        f"Exported {moment}; answers come only from the articles cited.",
    ]
    lines.append("")
    earlier = turns[0].history if turns else []
    if earlier:  # the conversation had begun before the first exported answer
        lines += ["## Earlier in the conversation", ""]
        lines += [f"- **{m.role.capitalize()}:** {escape_markdown(one_line(m.content))}" for m in earlier]
        lines.append("")
    for number, turn in enumerate(turns, start=1):
        answer = turn.answer
        lines += [f"## {number}. {escape_markdown(one_line(turn.question))}", ""]
        if answer.refused:
            lines += ["*The articles do not answer this.*", ""]
        lines += [f"> {escape_markdown(line)}" if line else ">" for line in answer.text.splitlines() or [""]]
        lines.append("")
        lines += [f"*{escape_markdown(notice)}*" for notice in answer.notices]
        if answer.notices:
            lines.append("")
        if answer.citations:
            lines += ["Sources:", ""]
            lines += [citation_markdown(citation) for citation in answer.citations]
            lines.append("")
        lines += [f"*Model: {escape_markdown(answer.model)}; answer id {escape_markdown(turn.answer_id)}*", ""]
    return "\n".join(lines)


def citation_markdown(citation: Citation) -> str:
    """`[n] "quote" — Title, Outlet, date (article id, characters start-end)`, all of it escaped."""
    where = "of the article's details" if citation.kind == "metadata" else "characters"
    origin = ", ".join(part for part in (citation.publisher, citation.date) if part)
    quote, title = escape_markdown(one_line(citation.quote)), escape_markdown(one_line(citation.title))
    return (
        f"{citation.number}. “{quote}” — *{title}*{', ' + escape_markdown(origin) if origin else ''} "
        f"(article {escape_markdown(citation.article_id)}, {where} {citation.start}–{citation.end})"
    )
