"""Measure a judge's balanced accuracy on the labelled claims; with an LLM judge, also its combinations.

    python -m evals.judge_accuracy                          # the offline judge, both splits
    python -m evals.judge_accuracy --judge llm --limit 10   # the local model, 10 + 10 pairs per split

An LLM judge's figures are saved to `evals/results/judges/llm-<model>.json`, which every report
then shows next to the offline judge's. `--limit N` takes the first N supported and the first N
unsupported pairs of each split (file order), because the local model needs seconds per claim.
"""

from __future__ import annotations

import argparse
import time

from sklearn.metrics import balanced_accuracy_score

from assistant import Settings
from assistant.embeddings import load_embeddings
from assistant.judge import OfflineJudge
from assistant.models import chat_model
from evals.dataset import CLAIMS_PATH, LabelledClaim, load_claims
from evals.judges import MEASURED, JudgeAccuracy
from evals.llm_judge import LLMJudge


def balanced(labels: list[bool], verdicts: list[bool]) -> float:
    return float(balanced_accuracy_score(labels, verdicts))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--judge", default="offline", help="offline, llm (the local model) or llm:<model>")
    parser.add_argument("--limit", type=int, default=0, help="supported and unsupported pairs per split (0: all)")
    args = parser.parse_args(argv)

    claims = load_claims(CLAIMS_PATH)
    splits: dict[str, list[LabelledClaim]] = {}
    for split in ("dev", "heldout"):
        rows = [c for c in claims if c.split == split]
        if args.limit:
            rows = [c for c in rows if c.supported][: args.limit] + [c for c in rows if not c.supported][: args.limit]
        splits[split] = rows
    offline = OfflineJudge(load_embeddings())
    backend = args.judge.partition(":")[2] or "local"
    llm = None if args.judge == "offline" else LLMJudge(chat_model(backend, Settings()), backend)
    scores = {}
    for split, rows in splits.items():
        labels = [c.supported for c in rows]
        offline_says = [offline.judge(c.claim, [c.passage]).supported for c in rows]
        print(f"{split}: {len(rows)} pairs, offline judge {balanced(labels, offline_says):.3f}")
        scores[split] = balanced(labels, offline_says)
        if llm is None:
            continue
        started = time.perf_counter()
        llm_says = [llm.verify(c.claim, [c.passage]) for c in rows]
        seconds = (time.perf_counter() - started) / max(len(rows), 1)
        both = [a and b for a, b in zip(offline_says, llm_says, strict=True)]
        either = [a or b for a, b in zip(offline_says, llm_says, strict=True)]
        print(f"  llm:{backend} {balanced(labels, llm_says):.3f} ({seconds:.1f} s per claim)")
        print(f"  both must agree {balanced(labels, both):.3f}, either suffices {balanced(labels, either):.3f}")
        scores[split] = balanced(labels, llm_says)
    if llm is not None:
        MEASURED.mkdir(parents=True, exist_ok=True)
        accuracy = JudgeAccuracy(
            dev=scores["dev"], heldout=scores["heldout"],
            dev_pairs=len(splits["dev"]), heldout_pairs=len(splits["heldout"]),
        )  # fmt: skip
        (MEASURED / f"llm-{backend}.json").write_text(accuracy.model_dump_json(indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
