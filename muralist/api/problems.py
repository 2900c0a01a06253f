"""Errors as RFC 9457 problem details (`application/problem+json`) that name the field and what was expected.

Routes raise `ProblemError` or a domain error; the handlers here map them to a status:
UserError 422, BudgetError 403, quota and rate limit 429 with Retry-After, a blocked prompt 400 naming
the category. Under /v1 (the OpenAI-compatible routes) the body also carries OpenAI's `error` object,
so OpenAI SDKs show the message.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from muralist.errors import UserError
from muralist.gateway.admit import PromptBlockedError, RateLimitedError
from muralist.gateway.policy import BudgetError
from muralist.queue.store import IdempotencyConflictError, QuotaExceededError

MEDIA_TYPE = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Unprocessable request",
    429: "Too many requests",
    503: "Service unavailable",
    504: "Gateway timeout",
}


class ProblemError(Exception):
    def __init__(
        self,
        status: int,
        detail: str,
        field: str | None = None,
        headers: dict[str, str] | None = None,
        type: str = "about:blank",
        **extra: Any,
    ):
        super().__init__(detail)
        self.status, self.detail, self.field = status, detail, field
        self.headers, self.type, self.extra = headers or {}, type, extra


def not_found(what: str, id: str) -> ProblemError:
    return ProblemError(404, f"no {what} {id!r} for this API key", field="id")


def problem_response(request: Request, problem: ProblemError) -> JSONResponse:
    body: dict[str, Any] = {
        "type": problem.type,
        "title": TITLES.get(problem.status, "Error"),
        "status": problem.status,
        "detail": problem.detail,
        **({"field": problem.field} if problem.field else {}),
        **problem.extra,
    }
    if request.url.path.startswith("/v1/"):
        code = problem.extra.get("code") or (problem.type.rsplit("/", 1)[-1] if problem.type != "about:blank" else None)
        body["error"] = {
            "message": problem.detail,
            "type": "invalid_request_error",
            "param": problem.field,
            "code": code,
        }
    return JSONResponse(body, status_code=problem.status, headers=problem.headers, media_type=MEDIA_TYPE)


def from_user_error(exc: UserError) -> ProblemError:
    if isinstance(exc, BudgetError):
        return ProblemError(403, str(exc), field=exc.field, type="/problems/budget")
    if isinstance(exc, QuotaExceededError):
        headers = {"Retry-After": str(exc.retry_after_s)}
        return ProblemError(429, str(exc), headers=headers, type="/problems/quota")
    if isinstance(exc, RateLimitedError):
        headers = {"Retry-After": str(exc.retry_after_s)}
        return ProblemError(429, str(exc), headers=headers, type="/problems/rate-limit")
    if isinstance(exc, PromptBlockedError):
        v = exc.verdict
        return ProblemError(
            400,
            str(exc),
            field="prompt",
            type="/problems/content-policy",
            code="content_policy_violation",
            category=v.category.value,
            policy_version=v.policy_version,
        )
    if isinstance(exc, IdempotencyConflictError):
        return ProblemError(409, str(exc), field="Idempotency-Key", type="/problems/idempotency")
    return ProblemError(422, str(exc), field=getattr(exc, "field", None))


def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [
        {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"], "got": _short(e.get("input"))}
        for e in exc.errors()
    ]
    first = errors[0] if errors else {"field": None, "message": "invalid request", "got": None}
    detail = f"{first['field']}: {first['message']}" + (f" (got {first['got']})" if first["got"] is not None else "")
    field = str(first["field"]).removeprefix("body.") if first["field"] else None
    return problem_response(request, ProblemError(422, detail, field=field, errors=errors))


def _short(value: Any) -> Any:
    text = repr(value)
    return None if isinstance(value, dict) else text if len(text) <= 80 else text[:77] + "..."


def install(app: FastAPI) -> None:
    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ProblemError)
        return problem_response(request, exc)

    async def on_user_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, UserError)
        return problem_response(request, from_user_error(exc))

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return _validation(request, exc)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "error")
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no route {request.method} {request.url.path}; the API is described at /openapi.json"
        return problem_response(request, ProblemError(exc.status_code, detail, headers=dict(exc.headers or {})))

    app.add_exception_handler(ProblemError, on_problem)
    app.add_exception_handler(UserError, on_user_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
