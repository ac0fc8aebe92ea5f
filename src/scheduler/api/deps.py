"""Dependencies shared by the routers, as ``Annotated`` aliases."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from scheduler.api.db import Role
from scheduler.api.errors import ApiError, ErrorCode
from scheduler.api.gate import BODY_CHECKED_KEY, PRINCIPAL_KEY
from scheduler.api.jobs import JobRunner
from scheduler.api.pii import find_personal_numbers
from scheduler.api.security import Principal, authenticate
from scheduler.api.settings import Settings

_bearer = HTTPBearer(auto_error=False, description="An API key from `scheduler keys create`.")


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_runner(request: Request) -> JobRunner:
    return request.app.state.runner


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
RunnerDep = Annotated[JobRunner, Depends(get_runner)]


def get_principal(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    gated = request.scope.get(PRINCIPAL_KEY)
    if isinstance(gated, Principal):
        return gated  # authenticated by the gate, in front of every route
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(ErrorCode.UNAUTHORIZED, "a bearer token is required",
                       headers={"WWW-Authenticate": "Bearer"})
    principal = authenticate(session, credentials.credentials)
    if principal is None:
        raise ApiError(ErrorCode.UNAUTHORIZED, "unknown or revoked API key",
                       headers={"WWW-Authenticate": "Bearer"})
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require(*roles: Role) -> Callable[[Principal], Principal]:
    """A dependency that lets only ``roles`` through (403 for the others)."""

    def check(principal: PrincipalDep) -> Principal:
        if principal.role not in roles:
            allowed = ", ".join(r.value for r in roles)
            raise ApiError(ErrorCode.ROLE_FORBIDDEN,
                           f"the role {principal.role.value!r} may not do this ({allowed})")
        return principal

    return check


def ensure_visible(principal: Principal, units: list[str]) -> None:
    if not principal.may_see(units):
        raise ApiError(ErrorCode.UNIT_FORBIDDEN,
                       "this scenario covers units your API key may not see")


async def reject_personal_numbers(request: Request, principal: PrincipalDep) -> None:
    """422 if any string in the JSON body looks like a Swedish personal identity number.

    Runs after authentication (a stranger learns nothing) and before the body is validated,
    so the answer names the problem even where the domain model would accept the text.
    """
    del principal
    if request.scope.get(BODY_CHECKED_KEY):
        return  # the gate has scanned this body already
    body = await request.body()
    if not body:
        return
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return  # FastAPI answers malformed JSON itself
    paths = find_personal_numbers(data)
    if paths:
        raise ApiError(
            ErrorCode.PERSONAL_NUMBER,
            "personal identity numbers are not accepted; use pseudonymous ids. Found at: "
            + ", ".join(paths[:20]) + (" …" if len(paths) > 20 else ""),
        )


NoPersonalNumbers = Depends(reject_personal_numbers)
