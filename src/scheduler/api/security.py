"""API keys and who may see what.

A token is ``sk_<key id>_<secret>``. The key id finds the row; the secret is checked against
HMAC-SHA256(salt, secret). The secret is 32 random bytes, so a fast hash is safe here (slow
hashes are for guessable passwords) and every request stays cheap.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.api.db import ApiKey, Role, utcnow

TOKEN_PREFIX = "sk"
_KEY_ID = re.compile(r"[0-9a-f]{1,32}")


@dataclass(frozen=True)
class Principal:
    """The caller: a key's role and the units it may see (``None``: every unit)."""

    key_id: str
    role: Role
    units: frozenset[str] | None

    def may_see(self, units: Iterable[str]) -> bool:
        """A scenario (or its jobs) is visible only if every one of its units is."""
        return self.units is None or set(units) <= self.units


@dataclass(frozen=True)
class IssuedKey:
    key_id: str
    token: str  # shown once, never stored


def _digest(salt: str, secret: str) -> str:
    return hmac.new(bytes.fromhex(salt), secret.encode(), hashlib.sha256).hexdigest()


def create_key(session: Session, role: Role, units: list[str], name: str = "") -> IssuedKey:
    """Store a new key (hashed) and return its token."""
    units = sorted({u.strip() for u in units if u.strip()})
    if role is Role.UNIT_MANAGER and not units:
        raise ValueError("a unit manager's key needs at least one unit (--units U1,U2)")
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_hex(16)
    session.add(ApiKey(id=key_id, name=name, role=role.value, units=units, salt=salt,
                       secret_hash=_digest(salt, secret)))
    session.commit()
    return IssuedKey(key_id, f"{TOKEN_PREFIX}_{key_id}_{secret}")


def authenticate(session: Session, token: str) -> Principal | None:
    """The principal for a bearer token, or None for an unknown, revoked or malformed one."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not _KEY_ID.fullmatch(parts[1]):
        return None  # also keeps odd bytes (NUL) away from the database
    key = session.get(ApiKey, parts[1])
    if key is None or key.revoked_at is not None:
        return None
    if not hmac.compare_digest(key.secret_hash, _digest(key.salt, parts[2])):
        return None
    try:
        role = Role(key.role)
    except ValueError:
        return None
    units = frozenset(key.units) if key.units else None
    if role is Role.UNIT_MANAGER and units is None:
        return None  # never let a unit manager's key fall back to "every unit"
    return Principal(key.id, role, units)


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at)))


def revoke_key(session: Session, key_id: str) -> bool:
    key = session.get(ApiKey, key_id)
    if key is None:
        return False
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.commit()
    return True
