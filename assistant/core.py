"""`Assistant`: the one door the CLI, the UI, the HTTP API and the evals use."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from assistant.answer.base import Answerer
from assistant.answer.registry import ANSWERERS, create_answerer, resolve
from assistant.embeddings import load_embeddings
from assistant.errors import InvalidQuestionError, NothingIndexedError
from assistant.ingest import load_corpus
from assistant.retrieve import HybridRetriever
from assistant.schema import Answer, Article, ArticleMeta, Evidence, Message
from assistant.settings import Settings
from assistant.store import ArticleStore, IngestReport
from assistant.tokens import count_tokens, truncate_to_tokens

log = logging.getLogger(__name__)

# A token is rarely more than a few characters: a turn is cut to this many characters per token of its budget
# before it is tokenized, so a megabyte of history costs no more to read than a turn at its limit.
CHARS_PER_TOKEN_READ = 16
_history_adapter = TypeAdapter(list[Message])


class Assistant:
    """Answers questions from the indexed articles, each sentence cited to an exact passage.

    >>> bot = Assistant()                    # settings from env vars / assistant.toml
    >>> answer = bot.ask("What share of Mongolia's exports go to China?")
    >>> answer.text, answer.refused, answer.citations
    """

    def __init__(self, settings: Settings | None = None, *, model: str | None = None, **overrides: Any) -> None:
        if settings is None:
            settings = Settings(**overrides)
        elif overrides:
            settings = settings.with_overrides(**overrides)
        if model:
            settings = settings.with_overrides(model=model)
        self.settings = settings
        embeddings = load_embeddings(settings.embedding_model_path, settings.embedding_batch_size)
        self.store = ArticleStore(settings, embeddings)
        self.retriever = HybridRetriever(
            store=self.store,
            embeddings=embeddings,
            k=settings.retrieval_k,
            candidate_k=settings.candidate_k,
            rrf_k=settings.rrf_k,
        )
        self._answerers: dict[str, Answerer] = {}
        if settings.auto_ingest and not self.store.committed() and settings.corpus_dir.is_dir():
            log.info("No articles indexed yet: indexing %s", settings.corpus_dir)
            self.ingest(settings.corpus_dir)

    # ---- answering -----------------------------------------------------------------------

    def ask(
        self, question: str, history: Sequence[Message | dict[str, str]] | None = None, *, model: str | None = None
    ) -> Answer:
        """The whole answer at once."""
        for item in self.stream(question, history, model=model):
            if isinstance(item, Answer):
                return item
        raise RuntimeError("the answerer ended without an answer")

    def stream(
        self, question: str, history: Sequence[Message | dict[str, str]] | None = None, *, model: str | None = None
    ) -> Iterator[str | Evidence | Answer]:
        """Yield the `Evidence` (verbatim sentences, at once), then the answer's text increments as
        they are produced, then the final `Answer`."""
        question, notices = self._checked_question(question)
        turns, history_notices = self._checked_history(history)
        notices += history_notices
        answerer = self.answerer(model or self.settings.model)
        if not self.retriever.committed_articles():
            raise NothingIndexedError("No articles are indexed yet. Run `assistant ingest [FOLDER]` first.")
        thoughts = answerer.prepare(question, turns)
        for item in answerer.answer_stream(question, turns, thoughts):
            if isinstance(item, Answer):
                yield item.model_copy(update={"notices": notices + item.notices})
            else:
                yield item

    @property
    def model(self) -> str:
        """The model that answers by default, with `auto` resolved to what is installed."""
        return resolve(self.settings.model)

    def answerer(self, name: str) -> Answerer:
        name = resolve(name)  # `auto` and the model it stands for share one answerer (one local server)
        if name not in self._answerers:
            self._answerers[name] = create_answerer(name, self.settings, self.retriever)
        return self._answerers[name]

    @staticmethod
    def models() -> list[str]:
        return sorted(ANSWERERS)

    # ---- articles ------------------------------------------------------------------------

    def ingest(self, path: Path | str | None = None, *, show_progress: bool = True) -> IngestReport:
        """Index a folder of articles; only new or changed articles are embedded."""
        folder = Path(path) if path is not None else self.settings.corpus_dir
        corpus = load_corpus(folder)
        report = self.store.sync(corpus.articles, source=str(folder.resolve()), show_progress=show_progress)
        report.skipped_files = [(str(p), reason) for p, reason in corpus.skipped]
        return report

    def articles(self) -> list[ArticleMeta]:
        return sorted(self.retriever.committed_articles().values(), key=lambda a: a.article_id)

    def article(self, article_id: str) -> Article | None:
        meta = self.retriever.committed_articles().get(article_id)
        text = self.store.article_text(article_id) if meta else None
        return Article(**meta.model_dump(), text=text) if meta and text is not None else None

    # ---- input checks --------------------------------------------------------------------

    def _checked_question(self, question: str) -> tuple[str, list[str]]:
        if not isinstance(question, str) or not question.strip():
            raise InvalidQuestionError("The question is empty. Ask something about the articles.")
        question = question.strip()
        limit = self.settings.max_question_tokens
        tokens = count_tokens(question, self.settings.tokenizer)
        if tokens <= limit:
            return question, []
        notice = f"Your question was {tokens} tokens long; only its first {limit} tokens were used."
        return truncate_to_tokens(question, limit, self.settings.tokenizer), [notice]

    def _checked_history(self, history: Sequence[Message | dict[str, str]] | None) -> tuple[list[Message], list[str]]:
        """The turns the answerer reads, within budgets, with a notice for each cut.

        Follow-ups put the previous question into the retrieval query and the ranker reads the turns,
        so an unbounded turn made every request slow (29,000 characters: 4 s; 1 MB: no reply). Each turn
        is cut to `max_history_turn_tokens`, and the conversation to `max_history_tokens`, the latest
        turns kept: what retrieval reads no longer grows with the history.
        """
        if not history:
            return [], []
        try:
            turns = _history_adapter.validate_python([m.model_dump() if isinstance(m, Message) else m for m in history])
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise InvalidQuestionError(
                f"The conversation history is malformed at {where}: {first['msg']}. "
                "Each turn needs a role ('user' or 'assistant') and a content string."
            ) from None
        kept = self.settings.history_turns
        return self._within_budget(turns[-kept:] if kept else [])

    def _within_budget(self, turns: list[Message]) -> tuple[list[Message], list[str]]:
        per_turn, total = self.settings.max_history_turn_tokens, self.settings.max_history_tokens
        tokenizer = self.settings.tokenizer
        kept: list[Message] = []
        used, cut, dropped = 0, False, False
        for turn in reversed(turns):  # the latest turns matter most to a follow-up
            content = turn.content[: per_turn * CHARS_PER_TOKEN_READ]
            tokens = count_tokens(content, tokenizer)
            if tokens > per_turn or len(content) < len(turn.content):
                content = truncate_to_tokens(content, per_turn, tokenizer)
                tokens, cut = count_tokens(content, tokenizer), True
            if used + tokens > total:
                dropped = True
                break
            used += tokens
            kept.append(turn.model_copy(update={"content": content}))
        notices = []
        if cut:
            notices.append(
                f"An earlier turn was over {per_turn} tokens long; only its first {per_turn} tokens were used."
            )
        if dropped:
            notices.append(f"The conversation was over {total} tokens long; only its latest turns were used.")
        return kept[::-1], notices
