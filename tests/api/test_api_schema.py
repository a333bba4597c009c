"""schemathesis reads the API's OpenAPI description as the API serves it and calls every operation
through the Flask app with requests generated from it, valid and invalid: never a server error,
every answer as described (status, content type, headers, schema), every valid request accepted
and every invalid one refused. Bounded and deterministic, like ``tests/test_hostile_input.py``.

The description is loaded inside the test (it lists the catalogue's codes, which the test
arranges), so each operation gets its own Hypothesis run here rather than through schemathesis'
lazy pytest fixture."""
import json
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode

from portal.extensions import limiter

SPEC = json.loads((Path(__file__).parents[2] / "portal" / "api" / "openapi.json").read_text(encoding="utf-8"))
#: Every operation with valid requests; those with parameters with invalid ones too.
RUNS = [(path, GenerationMode.POSITIVE) for path in SPEC["paths"]] + [
    (path, GenerationMode.NEGATIVE) for path, item in SPEC["paths"].items() if item["get"].get("parameters")]
CONFORMANCE = settings(max_examples=30, derandomize=True, database=None, deadline=None,
                       suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                              HealthCheck.filter_too_much])


@pytest.mark.parametrize(("path", "mode"), RUNS, ids=[f"{path}-{mode.value}" for path, mode in RUNS])
def test_every_operation_answers_as_described(app, catalogue, path, mode):
    with app.app_context():
        operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[path]["GET"]

    @CONFORMANCE
    @given(case=operation.as_strategy(generation_mode=mode))
    def answers_as_described(case):
        limiter.reset()  # the per-address limit would otherwise answer 429 halfway through
        # schemathesis' WSGI transport does not decode compressed bodies, as an HTTP client would
        case.call_and_validate(headers={"Accept-Encoding": "identity"})

    with app.app_context():
        answers_as_described()
