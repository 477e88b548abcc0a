"""Schemathesis hooks for the API conformance run (ApiConformanceIT).

Two rules of the contract that a schema cannot state, applied to the generated requests:
- an Idempotency-Key names one request: the generator reuses values across different requests,
  which the server rightly refuses (422 IDEMPOTENCY_KEY_REUSED), so every well-formed key is made
  unique (malformed ones are kept, to check that they are refused);
- the run must not revoke the key it runs with (SANDBOX_CONFORMANCE_KEY_ID names it).
"""
import os
import re
import uuid

import schemathesis

WELL_FORMED_KEY = re.compile(r"^[!-~]{1,255}$")


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    headers = case.headers or {}
    key = headers.get("Idempotency-Key")
    if isinstance(key, str) and WELL_FORMED_KEY.match(key):
        headers["Idempotency-Key"] = "conformance-" + uuid.uuid4().hex
    own_key = os.environ.get("SANDBOX_CONFORMANCE_KEY_ID")
    if case.method == "DELETE" and case.path == "/api-keys/{id}" and case.path_parameters.get("id") == own_key:
        case.path_parameters["id"] = "key_" + uuid.uuid4().hex
