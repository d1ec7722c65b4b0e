"""Property-based fuzzing of the HTTP API from its own OpenAPI schema (schemathesis): no input is a 5xx;
and of the doors to the answerer (hypothesis): no mix of routes, headers and bodies gets one client
more answers than its limit.

Bounded: a few examples per operation against a real uvicorn server (the answerer is real, so each
question costs real CPU). Marked slow; `make test-all` and CI run it.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant import Assistant
from tests.test_abuse import GRADIO_ASKS, LIMIT, QUESTION, Server, start

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
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert {op.path for op in operations} >= {"/api/ask", "/api/ask/stream", "/api/admin/articles"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def no_server_error(case: schemathesis.Case) -> None:
            response = case.call(base_url=fuzzed.url, timeout=120)
            assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text[:300]}"

        no_server_error()


# Every door that reaches the answerer, with a body that asks a real question through it.
DOORS = [
    ("/api/ask", {"question": QUESTION}),
    ("/api/ask/stream", {"question": QUESTION}),
    *((path, {"question": QUESTION} if "v2" in path else {"data": [QUESTION, [], []]}) for path, _ in GRADIO_ASKS),
]
ADDRESSES = st.from_regex(r"\A[0-9]{1,3}(\.[0-9]{1,3}){3}\Z")
# Headers a client might send to look like someone else or to slip past the body check.
DISGUISES = st.fixed_dictionaries(
    {},
    optional={
        "X-Forwarded-For": st.one_of(ADDRESSES, st.text(st.characters(codec="ascii", exclude_characters="\r\n"))),
        "X-Real-IP": ADDRESSES,
        "Forwarded": st.sampled_from(["for=203.0.113.7", "for=unknown", 'for="[2001:db8::1]"']),
        "Transfer-Encoding": st.sampled_from(["chunked", "Chunked", "CHUNKED"]),
    },
)


@pytest.fixture(scope="module")
def limited(bot: Assistant) -> Iterator[Server]:
    """The default: no proxy trusted, `LIMIT` questions a minute for each client address."""
    yield from start(bot)


@pytest.mark.slow
@pytest.mark.server
def test_no_mix_of_doors_and_headers_gets_past_the_limit(limited: Server) -> None:
    """All requests come from one socket address: whatever door, headers or body encoding a generated
    request uses, at most `LIMIT` of them are answered within the minute."""
    answered: list[str] = []

    @given(door=st.sampled_from(DOORS), headers=DISGUISES)
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def within_the_limit(door: tuple[str, dict], headers: dict[str, str]) -> None:
        path, body = door
        try:
            response = httpx.post(f"{limited.url}{path}", json=body, headers=headers, timeout=120)
        except httpx.HTTPError:
            return  # a header httpx or the server will not carry is no way past the limit
        assert response.status_code < 500, f"{path} {headers}: {response.text[:300]}"
        if response.status_code == 200:
            answered.append(f"{path} {headers}")
        assert len(answered) <= LIMIT, answered

    within_the_limit()
    assert answered, "no generated request was answered at all: the test asked nothing"
