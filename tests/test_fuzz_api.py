"""Property-based fuzzing of the HTTP API from its own OpenAPI schema (schemathesis): no input is a 5xx.

Bounded: a few examples per operation against a real uvicorn server (the answerer is real, so each
question costs real CPU). Marked slow; `make test-all` and CI run it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from assistant import Assistant
from tests.test_abuse import Server, start

EXAMPLES = 12


@pytest.fixture(scope="module")
def fuzzed(bot: Assistant) -> Iterator[Server]:
    yield from start(bot, rate_limit_per_minute=10_000)


@pytest.mark.slow
@pytest.mark.server
def test_no_input_is_a_server_error(fuzzed: Server) -> None:
    """Every operation, `EXAMPLES` generated requests each (schemathesis's pytest loader is not used: its
    lazy fixture plugin does not run on this pytest)."""
    schema = schemathesis.openapi.from_url(f"{fuzzed.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/api/ask", "/api/ask/stream", "/api/admin/articles"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def no_server_error(case: schemathesis.Case) -> None:
            response = case.call(base_url=fuzzed.url, timeout=120)
            assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text[:300]}"

        no_server_error()
