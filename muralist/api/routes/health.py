"""Liveness (/healthz: the process answers) and readiness (/readyz: the database and the worker work)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from muralist.api.deps import State
from muralist.api.schemas import Health, Ready

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Ready, responses={503: {"model": Ready}})
def readyz(state: State) -> JSONResponse:
    checks: dict[str, str] = {}
    try:
        with state.store.engine.connect() as c:
            c.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # any failure means: not ready, and say why
        checks["database"] = f"unreachable: {type(exc).__name__}"
    if state.worker is not None:
        checks["worker"] = "ok" if state.worker.is_alive() else "stopped: see the server log"
    ready = all(v == "ok" for v in checks.values())
    body = Ready(status="ready" if ready else "not ready", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)
