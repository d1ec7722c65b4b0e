"""The three corpora every answering, refusal or judging change is measured on, each with its questions.

- `bundled`: the two articles in `corpus/` and `evals/datasets/dev.jsonl`;
- `news-dev`: 24 real texts in `../shared/corpora/news-dev/` (beside the checkout) and
  `evals/datasets/news-dev.jsonl`;
- `generated`: articles written by `testsupport/corpus_gen.py` and questions by
  `evals/corpus_questions.py`, generated into a working folder.

Every question set has a `tune` part (what fitting and development may look at) and a `heldout`
part (only ever measured).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant import bundled_corpus_dir
from evals.dataset import DATASETS, DEV_PATH

NEWS_DEV_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "news-dev"
NEWS_DEV_QUESTIONS = DATASETS / "news-dev.jsonl"
GENERATED_ARTICLES = 30


@dataclass(frozen=True)
class Suite:
    name: str
    corpus: Path
    dataset: Path


def suites(workdir: Path) -> list[Suite]:
    """All three; the generated one is written into `workdir`. `news-dev` needs `../shared` beside the checkout."""
    from evals.corpus_questions import write_eval_set  # the generator is a development tool

    generated_corpus, generated_questions = write_eval_set(workdir / "generated", GENERATED_ARTICLES)
    found = [Suite("bundled", bundled_corpus_dir(), DEV_PATH)]
    if NEWS_DEV_CORPUS.is_dir():
        found.append(Suite("news-dev", NEWS_DEV_CORPUS, NEWS_DEV_QUESTIONS))
    found.append(Suite("generated", generated_corpus, generated_questions))
    return found
