"""Whole sentences and their citation markers out of a model's streamed text.

A model streams tokens, so a marker can arrive split (`[1` then `2]`), and it may put its
markers after the full stop ("... in 2023. [2]"). `SentenceStream` holds text back until a
sentence and its markers are complete; nothing is shown before it can be checked.
"""

from __future__ import annotations

import re

from assistant.chunking import sentence_spans

MARKER = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
# Markers after the stop move before it, so that sentence splitting keeps them with their sentence.
MARKERS_AFTER_STOP = re.compile(r"([.!?])((?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])+)")
BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
EMPHASIS = re.compile(r"\*\*|__")


def citation_numbers(sentence: str) -> list[int]:
    """The numbers a sentence cites, in order, each once."""
    numbers = (int(n) for group in MARKER.findall(sentence) for n in re.split(r"\s*[,;]\s*", group))
    return list(dict.fromkeys(numbers))


def strip_markers(sentence: str) -> str:
    """The sentence without its markers (and the space before them)."""
    return MARKER.sub("", sentence).strip()


def normalise(text: str) -> str:
    """Markers moved before the stop they follow; bold marks and list bullets dropped."""
    text = MARKERS_AFTER_STOP.sub(r"\2\1", EMPHASIS.sub("", text))
    return "\n".join(BULLET.sub("", line) for line in text.split("\n"))


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Sentence spans of normalised text; a line break always ends a sentence."""
    bounds = []
    for line in re.finditer(r"[^\n]+", text):
        bounds += [(line.start() + start, line.start() + end) for start, end in sentence_spans(line.group())]
    return [(start, end) for start, end in bounds if text[start:end].strip()]


def split_sentences(text: str) -> list[str]:
    """Sentences of a model's whole text, each with its markers."""
    text = normalise(text)
    return [text[start:end].strip() for start, end in sentence_bounds(text)]


class SentenceStream:
    """Feed it text increments; it returns each sentence once the sentence and its markers are complete."""

    def __init__(self) -> None:
        self._buffer = ""

    def feed(self, increment: str) -> list[str]:
        self._buffer = normalise(self._buffer + increment)
        bounds = sentence_bounds(self._buffer)
        # The last sentence may still grow; one that starts with "[" may be a marker of the one before.
        if len(bounds) < 2 or self._buffer[bounds[-1][0]] == "[":
            return []
        done = [self._buffer[start:end].strip() for start, end in bounds[:-1]]
        self._buffer = self._buffer[bounds[-1][0] :]
        return done

    def finish(self) -> list[str]:
        """Whatever is left when the stream ends."""
        sentences, self._buffer = split_sentences(self._buffer), ""
        return sentences
