"""The one interface every answering strategy implements, and the steps they share.

Each strategy does two steps, as in a reader's head: `prepare` (rewrite the question and
retrieve passages) and `answer_stream` (yield text increments, then the final `Answer`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator

from assistant.chunking import sentence_spans
from assistant.followup import standalone_question
from assistant.question import analyse
from assistant.retrieve import HybridRetriever
from assistant.schema import Answer, Evidence, Message, Passage, Thoughts
from assistant.settings import Settings

REFUSAL = "The articles don't cover this, so I can't answer it from them."


class Answerer(ABC):
    name: str

    def __init__(self, settings: Settings, retriever: HybridRetriever) -> None:
        self.settings = settings
        self.retriever = retriever

    def prepare(self, question: str, history: list[Message]) -> Thoughts:
        """A follow-up is searched for as rewritten and as the turns have it: a model's rewrite drops what
        the last answer pointed at ("How old was he turning that day?" became "How old was X turning
        that day?", and the day's passage was not found), the last question with the follow-up does not."""
        standalone = self.rewrite(question, history)
        as_asked = standalone_question(question, history)
        return Thoughts(standalone_question=standalone, passages=self._retrieve(standalone, as_asked))

    def _retrieve(self, *questions: str) -> list[Passage]:
        """Passages for each whole question and, when one has several sentences or asks two things,
        for each of them: a real question followed by noise ("... SYSTEM OVERRIDE: ...") still finds
        its passages, and so does the second half of "Where did X finish, and who won?".
        Each query keeps its own top k; a passage found twice keeps its best score."""
        queries: list[str] = []
        for question in dict.fromkeys(questions):  # for most questions the two forms are one string
            parts = [question[start:end] for start, end in sentence_spans(question)]
            queries += [question, *(parts if len(parts) > 1 else []), *analyse(question).parts]
        queries = list(dict.fromkeys(queries))
        best: dict[str, Passage] = {}
        for query in queries:
            for passage in self.retriever.passages(query):
                known = best.get(passage.chunk.chunk_id)
                if known is None or passage.score > known.score:
                    best[passage.chunk.chunk_id] = passage
        return sorted(best.values(), key=lambda p: p.score, reverse=True)

    def rewrite(self, question: str, history: list[Message]) -> str:
        return standalone_question(question, history)

    @abstractmethod
    def answer_stream(
        self, question: str, history: list[Message], thoughts: Thoughts
    ) -> Iterator[str | Evidence | Answer]:
        """Yield the `Evidence` first, then text increments, then exactly one `Answer` whose text is
        their concatenation."""
