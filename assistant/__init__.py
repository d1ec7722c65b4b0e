"""A chat assistant that answers only from news articles, citing the exact passages it used.

What this module exports is the public API: the app (`ui`), the evals and the command line use nothing else
(`pyproject.toml`'s import-linter contracts hold them to it)."""

from assistant.offline import apply_offline_environment

apply_offline_environment()

from assistant.answer.registry import resolve as resolve_model  # noqa: E402
from assistant.boilerplate import content_spans  # noqa: E402
from assistant.chunking import sentence_spans  # noqa: E402
from assistant.cite import known, metadata_card  # noqa: E402
from assistant.core import Assistant  # noqa: E402
from assistant.errors import (  # noqa: E402
    AssistantError,
    EmptyCorpusError,
    InvalidQuestionError,
    NothingIndexedError,
    StoreUnavailableError,
    UnknownModelError,
)
from assistant.ingest import UnreadableFileError, load_corpus, read_article  # noqa: E402
from assistant.judging import (  # noqa: E402
    CheckBand,
    JudgeVerdict,
    ModelCheck,
    OfflineJudge,
    SettledJudge,
    filtered_by_offline_judge,
    load_band,
    model_check_files,
    offline_judge,
    offline_judge_files,
)
from assistant.models import BACKENDS, chat_model, local_model_installed  # noqa: E402
from assistant.schema import (  # noqa: E402
    Answer,
    AnswerSentence,
    Article,
    ArticleMeta,
    Citation,
    Evidence,
    Message,
    Passage,
)
from assistant.settings import Settings, bundled_corpus_dir  # noqa: E402
from assistant.text import (  # noqa: E402
    NUMBER_WORDS,
    SINGLE_MARKER,
    citation_numbers,
    keywords,
    strip_markers,
    words,
)
from assistant.tokens import count_tokens  # noqa: E402

__all__ = [
    "BACKENDS",
    "NUMBER_WORDS",
    "SINGLE_MARKER",
    "Answer",
    "AnswerSentence",
    "Article",
    "ArticleMeta",
    "Assistant",
    "AssistantError",
    "CheckBand",
    "Citation",
    "EmptyCorpusError",
    "Evidence",
    "InvalidQuestionError",
    "JudgeVerdict",
    "Message",
    "ModelCheck",
    "NothingIndexedError",
    "OfflineJudge",
    "Passage",
    "Settings",
    "SettledJudge",
    "StoreUnavailableError",
    "UnknownModelError",
    "UnreadableFileError",
    "bundled_corpus_dir",
    "chat_model",
    "citation_numbers",
    "content_spans",
    "count_tokens",
    "filtered_by_offline_judge",
    "keywords",
    "known",
    "load_band",
    "load_corpus",
    "local_model_installed",
    "metadata_card",
    "model_check_files",
    "offline_judge",
    "offline_judge_files",
    "read_article",
    "resolve_model",
    "sentence_spans",
    "strip_markers",
    "words",
]
