"""Who am I, and (for coordinators) which keys exist. Keys are issued only by the CLI."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from scheduler.api.db import Role
from scheduler.api.deps import PrincipalDep, SessionDep, require
from scheduler.api.schemas import KeyPublic, Me, Problem
from scheduler.api.security import Principal, list_keys

router = APIRouter(prefix="/keys", tags=["keys"],
                   responses={401: {"model": Problem}, 403: {"model": Problem}})


@router.get("/me", response_model=Me, summary="The calling key's role and units")
def me(principal: PrincipalDep) -> Me:
    units = None if principal.units is None else sorted(principal.units)
    return Me(key_id=principal.key_id, role=principal.role.value, units=units)


@router.get("", response_model=list[KeyPublic], summary="All API keys (coordinators only)")
def keys(session: SessionDep,
         principal: Annotated[Principal, Depends(require(Role.COORDINATOR))]
         ) -> list[KeyPublic]:
    # A coordinator held to some units sees only the keys held to units among its own: not
    # the unscoped keys, nor those of other units.
    return [
        KeyPublic(id=k.id, name=k.name, role=k.role, units=list(k.units),
                  created_at=k.created_at, revoked=k.revoked_at is not None)
        for k in list_keys(session)
        if principal.units is None or (k.units and set(k.units) <= principal.units)
    ]
