"""The OpenAPI schema's error responses, stated once for every operation.

Every endpoint answers a domain error as ``{"detail": message}`` or ``{field: message}``
(callao/api.py), refuses a role with 403, an oversized body with 413 (callao/input_guard.py)
and answers 503 while Redis or PostgreSQL is down (callao/views.py). drf-spectacular documents
only each view's success; this hook adds the rest, so that clients (and the fuzzing test) read
what the server really sends.
"""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A message for a person: under `detail`, or under the parameter at fault.",
    "additionalProperties": True,
}
ERRORS = {
    "400": "The request cannot be understood or breaks a rule; the body says which.",
    "403": "Not signed in, or the role or district does not allow it.",
    "404": "Nothing with that id is visible to you, or the page is past the last one.",
    "413": "The body is larger than this URL accepts.",
    "503": "Redis or PostgreSQL is briefly unavailable; try again.",
}
WRITES = {"409": "The same work is already queued or running."}


def error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: add the error responses to every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            codes = dict(ERRORS)
            if method in ("post", "put", "patch", "delete"):
                codes.update(WRITES)
            responses = operation.setdefault("responses", {})
            for code, description in codes.items():
                responses.setdefault(code, {"description": description, "content": reference})
    return result
