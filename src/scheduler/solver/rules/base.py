"""The shape every rule family shares (id, hard/soft, legal source, add-to-model function)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from scheduler.solver.context import ModelContext, Penalty, PenaltySpec


@dataclass(frozen=True)
class Rule:
    id: str
    kind: Literal["hard", "soft"]
    title: str
    source: str  # where the rule comes from (law, agreement, decision, policy)
    add: Callable[[ModelContext], list[Penalty]]
    penalties: tuple[PenaltySpec, ...] = ()  # the penalty terms a soft rule reports
