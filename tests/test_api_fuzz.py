"""Bad input at scale: schemathesis generates requests for every operation of the OpenAPI
document, valid ones and malformed ones, sent in-process as the manager. No answer may be a
5xx, and every 4xx must be the API's one error shape. CI runs a few examples per operation
and mode; FRONTDESK_FUZZ_EXAMPLES raises it (25 gives about 3,000 cases)."""

import json
import os
from urllib.parse import urlencode

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.core import NotSet

from frontdesk.accounts.services import create_token
from frontdesk.core.api import api

EXAMPLES = int(os.environ.get("FRONTDESK_FUZZ_EXAMPLES", "3"))
OPERATIONS = [result.ok() for result in schemathesis.openapi.from_dict(api.get_openapi_schema()).get_all_operations()]


def send(client: Client, case):
    """The generated request, as a client would send it (JSON, or a form with its file)."""
    path = case.formatted_path + ("?" + urlencode(case.query, doseq=True) if case.query else "")
    if isinstance(case.body, NotSet):
        return client.generic(case.method, path)
    if case.media_type and case.media_type.startswith("multipart/"):
        body = case.body if isinstance(case.body, dict) else {}
        return client.post(path, {k: v for k, v in body.items() if isinstance(v, (str, bytes))})
    # A negative case may hold bytes that are not text: they go out as they are.
    data = case.body if isinstance(case.body, bytes) else json.dumps(case.body, default=lambda b: b.decode("latin-1"))
    return client.generic(case.method, path, data, content_type="application/json")


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda mode: mode.value)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_no_server_error_and_every_refusal_in_the_error_shape(operation, mode, people):
    token = create_token(None, name="fuzz", staff_id=people.manager.id)[1]
    client = Client(headers={"Authorization": f"Bearer {token}"})

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    def answers_cleanly(case):
        response = send(client, case)
        assert response.status_code < 500, (case.method, case.formatted_path, case.query, case.body)
        if 400 <= response.status_code < 500:
            body = response.json()
            assert set(body) == {"code", "message", "fields"}, (case.method, case.formatted_path, body)
            assert body["code"] and body["message"]

    answers_cleanly()
