"""Measure a judge's balanced accuracy on the labelled sets; with an LLM judge, also its combinations.

    python -m evals.judge_accuracy                          # the offline judge, every set and part
    python -m evals.judge_accuracy --judge llm --limit 10   # and the local model, 10 + 10 pairs per part

The offline judge is measured on every set of `evals/judge_sets.py` (the project's claims, the
news-dev claims, WiCE-dev), tuning and held-out parts alike, with its cost per claim once the
sentences are embedded. An LLM judge reads the project's claims only, because the local model
needs seconds per claim; `--limit N` takes the first N supported and the first N unsupported pairs
of each part (file order). Its figures are saved to `evals/results/judges/llm-<model>.json`, which
every report then shows next to the offline judge's.
"""

from __future__ import annotations

import argparse
import time

from sklearn.metrics import balanced_accuracy_score

from assistant import Settings
from assistant.embeddings import load_embeddings
from assistant.judge import OfflineJudge
from assistant.models import chat_model
from evals.dataset import CLAIMS_PATH
from evals.judge_sets import Case, SavedVectors, claims_set, labelled_sets
from evals.judges import MEASURED, JudgeAccuracy
from evals.llm_judge import LLMJudge


def balanced(labels: list[bool], verdicts: list[bool]) -> float:
    return float(balanced_accuracy_score(labels, verdicts))


def offline_report(judge: OfflineJudge) -> None:
    """One line per set and part: pairs, balanced accuracy, and milliseconds per claim once embedded."""
    for labelled in labelled_sets():
        for part, cases in labelled.parts.items():
            judge.prefetch([(c.claim, list(c.passages)) for c in cases])
            started = time.perf_counter()
            says = [judge.judge(c.claim, list(c.passages)).supported for c in cases]
            ms = 1000 * (time.perf_counter() - started) / len(cases)
            accuracy = balanced([c.supported for c in cases], says)
            print(f"{labelled.name:9s} {part:8s} {len(cases):5d} pairs offline judge {accuracy:.3f} {ms:.1f} ms/claim")


def limited(cases: list[Case], limit: int) -> list[Case]:
    if not limit:
        return cases
    return [c for c in cases if c.supported][:limit] + [c for c in cases if not c.supported][:limit]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--judge", default="offline", help="offline, llm (the local model) or llm:<model>")
    parser.add_argument("--limit", type=int, default=0, help="supported and unsupported pairs per part (0: all)")
    args = parser.parse_args(argv)

    embeddings = load_embeddings()
    offline = OfflineJudge(embeddings, SavedVectors(embeddings))
    offline_report(offline)
    if args.judge == "offline":
        return
    backend = args.judge.partition(":")[2] or "local"
    llm = LLMJudge(chat_model(backend, Settings()), backend)
    claims = claims_set("claims", CLAIMS_PATH)
    scores, sizes = {}, {}
    for part, cases in claims.parts.items():
        rows = limited(cases, args.limit)
        labels = [c.supported for c in rows]
        offline_says = [offline.judge(c.claim, list(c.passages)).supported for c in rows]
        started = time.perf_counter()
        llm_says = [llm.verify(c.claim, list(c.passages)) for c in rows]
        seconds = (time.perf_counter() - started) / max(len(rows), 1)
        both = [a and b for a, b in zip(offline_says, llm_says, strict=True)]
        either = [a or b for a, b in zip(offline_says, llm_says, strict=True)]
        print(f"claims {part}: {len(rows)} pairs, offline judge {balanced(labels, offline_says):.3f}")
        print(f"  llm:{backend} {balanced(labels, llm_says):.3f} ({seconds:.1f} s per claim)")
        print(f"  both must agree {balanced(labels, both):.3f}, either suffices {balanced(labels, either):.3f}")
        scores[part], sizes[part] = balanced(labels, llm_says), len(rows)
    MEASURED.mkdir(parents=True, exist_ok=True)
    accuracy = JudgeAccuracy(
        dev=scores["tune"], heldout=scores["heldout"], dev_pairs=sizes["tune"], heldout_pairs=sizes["heldout"]
    )
    (MEASURED / f"llm-{backend}.json").write_text(accuracy.model_dump_json(indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
