"""Who am I, and (for coordinators) which keys exist. Keys are issued only by the CLI."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from scheduler.api.db import Role
from scheduler.api.deps import PrincipalDep, SessionDep, require
from scheduler.api.errors import AUTHENTICATED, ErrorCode, responses
from scheduler.api.schemas import KeyPublic, Me
from scheduler.api.security import Principal, list_keys

router = APIRouter(prefix="/keys", tags=["keys"])


@router.get("/me", response_model=Me, operation_id="getMe",
            responses=responses(*AUTHENTICATED),
            summary="The calling key's role and units")
def me(principal: PrincipalDep) -> Me:
    """Who the key is: its id, role and the units it may see (none: every unit)."""
    units = None if principal.units is None else sorted(principal.units)
    return Me(key_id=principal.key_id, role=principal.role, units=units)


@router.get("", response_model=list[KeyPublic], operation_id="listKeys",
            responses=responses(*AUTHENTICATED, ErrorCode.ROLE_FORBIDDEN),
            summary="All API keys (coordinators only)")
def keys(session: SessionDep,
         principal: Annotated[Principal, Depends(require(Role.COORDINATOR))]
         ) -> list[KeyPublic]:
    """Every key with its role, units and whether it is revoked (never a token or hash). A
    coordinator held to some units sees only the keys held to units among its own: not the
    unscoped keys, nor those of other units."""
    return [
        KeyPublic(id=k.id, name=k.name, role=Role(k.role), units=list(k.units),
                  created_at=k.created_at, revoked=k.revoked_at is not None)
        for k in list_keys(session)
        if principal.units is None or (k.units and set(k.units) <= principal.units)
    ]
