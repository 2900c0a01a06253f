"""Dependencies: the app's state and who is asking, as `Annotated` types for thin routes."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from muralist.api.problems import ProblemError
from muralist.config import Settings
from muralist.gateway.admit import Gateway
from muralist.gateway.auth import Principal, principal_for_key
from muralist.gateway.models import Catalog
from muralist.queue.store import JobStore
from muralist.storage.objects import ObjectStore


@dataclass
class AppState:
    settings: Settings
    store: JobStore
    objects: ObjectStore
    url_secret: bytes
    gateway: Gateway
    catalog: Catalog
    slots: int = 4
    started_at: float = field(default_factory=time.time)
    worker: Any = None  # the in-process worker thread, if any


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.muralist
    return state


State = Annotated[AppState, Depends(get_state)]
_bearer = HTTPBearer(auto_error=False, description="an API key from `muralist tenants create`")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def authenticate(state: State, credentials: Credentials) -> Principal:
    challenge = {"WWW-Authenticate": 'Bearer realm="muralist"'}
    if credentials is None:
        raise ProblemError(401, "this route needs an API key: send `Authorization: Bearer <key>`", headers=challenge)
    principal = principal_for_key(state.store.engine, credentials.credentials)
    if principal is None:
        raise ProblemError(401, "this API key is unknown or was revoked", headers=challenge)
    return principal


Caller = Annotated[Principal, Depends(authenticate)]


def require_admin(caller: Caller) -> Principal:
    if not caller.admin:
        raise ProblemError(403, f"tenant {caller.name!r} is not an admin (`muralist tenants create NAME --admin`)")
    return caller


Admin = Annotated[Principal, Depends(require_admin)]


def optional_tenant(state: State, credentials: Credentials) -> str | None:
    """For signed file URLs: the asking tenant when a key is sent, else None (the signature decides)."""
    if credentials is None:
        return None
    principal = principal_for_key(state.store.engine, credentials.credentials)
    return None if principal is None else principal.tenant_id
