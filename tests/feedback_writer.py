"""One writer process for the concurrency tests: `python -m tests.feedback_writer URL NAME COUNT START_AT`.

It opens the store as an app process would (migrating at start-up, possibly at the same moment as the
other writer), waits until START_AT (a wall-clock time shared with the other writer), then saves COUNT
votes on answers of its own and COUNT votes on one answer both writers rate, and prints how many it saved.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime

from assistant import Settings
from assistant.feedback import AnsweredTurn, FeedbackStore, answer_settings
from assistant.schema import Answer, Citation, Message, Thoughts

SHARED = "shared-answer"


def turn(answer_id: str, question: str) -> AnsweredTurn:
    citation = Citation(
        number=1, article_id="a", title="T", author="A", publisher="P", date="2024", quote="q", start=3, end=4
    )
    thoughts = Thoughts(standalone_question=question)
    answer = Answer(text="x [1]", refused=False, citations=[citation], model="extractive", thoughts=thoughts)
    return AnsweredTurn(
        answer_id=answer_id,
        question=question,
        history=[Message(role="user", content="earlier")],
        answer=answer,
        settings=answer_settings(Settings()),
        at=datetime.now(UTC),
    )


def main() -> None:
    url, name, count, start_at = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    store = FeedbackStore(url)
    time.sleep(max(0.0, start_at - time.time()))
    store.start()
    saved = 0
    for number in range(count):
        store.save(turn(f"{name}-{number}", f"question {number} from {name}"), "up", f"comment {number}")
        store.save(turn(SHARED, f"shared question from {name}"), "down" if number % 2 else "up", None)
        saved += 2
    print(saved, flush=True)


if __name__ == "__main__":
    main()
