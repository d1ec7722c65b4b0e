"""Whole sentences and their citation markers out of a model's streamed text.

A model streams tokens, so a marker can arrive split (`[1` then `2]`), and it may put its
markers after the full stop ("... in 2023. [2]") or, in another style, before the sentence
("[2] In 2023 ..."): an answer that opens with a marker is read in that leading style.
`SentenceStream` holds text back until a sentence and its markers are complete; nothing is shown
before it can be checked.
"""

from __future__ import annotations

import re

from assistant.chunking import sentence_spans
from assistant.text import MARKER_PATTERN

# Markers after the stop move before it, so that sentence splitting keeps them with their sentence.
MARKERS_AFTER_STOP = re.compile(rf"([.!?])((?:\s*{MARKER_PATTERN})+)")
# "According to [1], X", "X, as stated in [1].", "X, citing evidence [1]." and "X, as evidenced by the evidence
# sentence [1]." become "[1] X" and "X [1].": the prompt calls the sources evidence sentences, and a small model
# says so.
INLINE_CITATION = re.compile(
    r"(?:,\s*)?\b(?:according to|(?:as|which is|which are|that is) (?:stated|reported|mentioned|noted|said|"
    r"shown|evidenced|seen|quoted|given) (?:in|by)|per|citing)\s+"
    rf"(?:(?:the\s+)?(?:evidence|sources?|articles?)(?:\s+sentences?)?\s+)?({MARKER_PATTERN}),?",
    re.IGNORECASE,
)
# "The evidence shows that the port opened [1]." is "The port opened [1].": a sentence that opens by naming
# the prompt's sources says no more than the sentence without that opening. Read on whole sentences only: a
# streamed "The evidence shows t" may yet become "... shows that".
SOURCES_OPENER = re.compile(
    rf"^((?:{MARKER_PATTERN}\s*)*)"
    r"(?:(?:according to|based on) the (?:evidence|sources?|articles?)(?:\s+sentences?)?,?\s+"
    r"|the (?:evidence|sources?|articles?)(?:\s+sentences?)? (?:shows?|says?|states?|indicates?|confirms?) "
    r"(?:that\s+)?)(\w)",
    re.IGNORECASE,
)
BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
EMPHASIS = re.compile(r"\*\*|__")


def leading_style(text: str) -> bool:
    """Does the answer put its markers before its sentences ("[1] Mongolia ...")?"""
    return text.lstrip().startswith("[")


def normalise(text: str, leading: bool = False) -> str:
    """Markers moved before the stop they follow (unless they lead); bold marks and bullets dropped."""
    text = INLINE_CITATION.sub(r" \1", EMPHASIS.sub("", text))
    if not leading:
        text = MARKERS_AFTER_STOP.sub(r"\2\1", text)
    return "\n".join(BULLET.sub("", line) for line in text.split("\n"))


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Sentence spans of normalised text; a line break always ends a sentence."""
    bounds = []
    for line in re.finditer(r"[^\n]+", text):
        bounds += [(line.start() + start, line.start() + end) for start, end in sentence_spans(line.group())]
    return [(start, end) for start, end in bounds if text[start:end].strip()]


def split_sentences(text: str, leading: bool | None = None) -> list[str]:
    """Sentences of a model's whole text, each with its markers."""
    text = normalise(text, leading_style(text) if leading is None else leading)
    return [without_sources_opener(text[start:end].strip()) for start, end in sentence_bounds(text)]


def without_sources_opener(sentence: str) -> str:
    return SOURCES_OPENER.sub(lambda found: found.group(1) + found.group(2).upper(), sentence)


class SentenceStream:
    """Feed it text increments; it returns each sentence once the sentence and its markers are complete."""

    def __init__(self) -> None:
        self._buffer = ""
        self._leading: bool | None = None  # decided by the answer's first visible character

    def feed(self, increment: str) -> list[str]:
        if self._leading is None and (self._buffer + increment).strip():
            self._leading = leading_style(self._buffer + increment)
        self._buffer = normalise(self._buffer + increment, bool(self._leading))
        bounds = sentence_bounds(self._buffer)
        # The last sentence may still grow; one that starts with "[" may be a marker of the one before.
        if len(bounds) < 2 or (not self._leading and self._buffer[bounds[-1][0]] == "["):
            return []
        done = [without_sources_opener(self._buffer[start:end].strip()) for start, end in bounds[:-1]]
        self._buffer = self._buffer[bounds[-1][0] :]
        return done

    def finish(self) -> list[str]:
        """Whatever is left when the stream ends."""
        sentences, self._buffer = split_sentences(self._buffer, bool(self._leading)), ""
        return sentences
