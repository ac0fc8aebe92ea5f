"""Which kind of neighbourhood the search draws next: adaptive, by what each kind has gained.

The neighbourhood search (``solver.lns``) has several kinds of move (re-plan a client around a
day its need is left uncovered, an assistant with contract hours unused and colleagues beyond
theirs, a few assistants and all their clients for two weeks, ...). What a kind gains per second
of move differs between kinds and changes as a search goes on: on L's part 0 early on, aimed
3-day windows gained about 180 objective units a second while random 7-day windows gained none;
two-week windows around an assistant with contract hours unused gained 190 a second there, and
26 late in part 4's search (bench/README.md, "Kinds of move chosen by what they gain"). So, as
in adaptive large-neighbourhood search (Ropke & Pisinger's operator weights), each kind is
drawn with probability proportional to its prior weight times its recent gain per second.

A kind's rate is (its gain + the average rate × ``PRIOR_SECONDS``) / (its seconds +
``PRIOR_SECONDS``): before any evidence every kind has the average rate, so the draw follows the
priors, and a kind that gains nothing keeps at least a fraction of the average, so it is still
tried now and then (what pays changes as the schedule improves). Each record first discounts
the kind's past by ``DECAY``, so a rate follows the last ten or so moves of that kind (and the
average the last thirty or so of all kinds).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# Seconds of average-rate evidence every kind starts with (a move or two; kept, as a floor).
PRIOR_SECONDS = 1.0
# Each new record of a kind keeps this share of what it had gained and spent before.
DECAY = 0.9
# The same for the average over all kinds, per record of any kind: early gains (large, the
# start schedule's easy repairs) would otherwise set the pull towards the average long after.
AVERAGE_DECAY = 0.97


@dataclass
class KindChooser:
    """Draws kinds of move by prior × recent gain per second; ``record`` what each brought.
    Deterministic for a given sequence of draws and records (kinds are walked in the order
    of ``priors``)."""

    priors: Mapping[str, float]
    gain: dict[str, float] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    moves: dict[str, int] = field(default_factory=dict)  # per kind, for reports
    improved: dict[str, float] = field(default_factory=dict)  # undiscounted gain per kind
    total_gain: float = 0.0
    total_seconds: float = 0.0

    def rate(self, kind: str) -> float:
        """Recent gain per second of ``kind``, pulled towards the average of all kinds."""
        average = self.total_gain / self.total_seconds if self.total_seconds > 0 else 1.0
        return ((self.gain.get(kind, 0.0) + average * PRIOR_SECONDS)
                / (self.seconds.get(kind, 0.0) + PRIOR_SECONDS))

    def draw(self, rng: random.Random, allowed: Iterable[str]) -> str | None:
        """One of ``allowed`` (those with a prior above 0), or None if there is none."""
        allowed_set = set(allowed)
        kinds = [k for k in self.priors if k in allowed_set and self.priors[k] > 0]
        if not kinds:
            return None
        weights = [self.priors[k] * self.rate(k) for k in kinds]
        if not any(w > 0 for w in weights):  # nothing gained yet anywhere: the priors alone
            weights = [self.priors[k] for k in kinds]
        return rng.choices(kinds, weights=weights)[0]

    def record(self, kind: str, gain: float, seconds: float) -> None:
        """A move of ``kind`` took ``seconds`` (wall, or deterministic time) and improved the
        objective by ``gain`` (0 if it was not kept)."""
        gain = max(0.0, gain)
        seconds = max(1e-3, seconds)
        self.gain[kind] = self.gain.get(kind, 0.0) * DECAY + gain
        self.seconds[kind] = self.seconds.get(kind, 0.0) * DECAY + seconds
        self.moves[kind] = self.moves.get(kind, 0) + 1
        self.improved[kind] = self.improved.get(kind, 0.0) + gain
        self.total_gain = self.total_gain * AVERAGE_DECAY + gain
        self.total_seconds = self.total_seconds * AVERAGE_DECAY + seconds
