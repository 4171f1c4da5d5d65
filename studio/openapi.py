"""The OpenAPI document as errors are really sent: application/problem+json."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from studio.schemas import Problem

_DESCRIPTIONS = {
    "400": "The request could not be read.",
    "401": "No valid bearer token.",
    "403": "The token's role or scopes do not allow this.",
    "404": "Not found in your tenant.",
    "409": "Refused: a balance, reservation or state does not allow it.",
    "413": "The request body is too large.",
    "422": "The request is invalid: each error names the field, what was expected and the "
           "limit, in zh-CN and English (rule text: every diagnostic).",
}


def openapi_with_problems(app: FastAPI) -> dict[str, Any]:
    """Build (once) the OpenAPI document with every error described as a Problem."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description,
                         routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            codes = ["422", "413"]
            if path != "/api/v1/auth/token":
                codes += ["401", "403"]
            else:
                codes += ["401", "400"]
            if "{" in path or method in {"post", "delete"}:
                codes += ["404", "409"]
            for code in codes:
                responses[code] = {"description": _DESCRIPTIONS[code], "content": problem}
    app.openapi_schema = schema
    return schema
