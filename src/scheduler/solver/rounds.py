"""Scattered clients' candidate shifts: rounds of several clients' visits with travel between
homes, and single-client shifts that wait between one client's visits (today's practice).

A visit is a stretch of a scattered client's awake need. Chains of visits are grown visit by
visit in time order: the next visit starts after the last one ends plus the travel between the
homes, waits at most ``rounds.max_wait_minutes`` and brings the chain no longer than the
longest shift. Chains are kept by a beam per first visit (the least travel and waiting per hour
served), so the candidates stay a few per visit rather than every sequence. A chain shorter than
the minimum shift is padded with waiting at its end (or, at the horizon's end, its start). The
engine then chooses, per visit, between rounds, waiting single-client shifts and the ordinary
shifts of a long stretch by the objective; every chain here is travel-feasible by construction
(hard rule ``visits``).
"""

from __future__ import annotations

import itertools
import math
import statistics
from dataclasses import dataclass, field

import numpy as np

from scheduler.solver.problem import ROUND_PREFIX, DemandData, Problem, Visited
from scheduler.solver.shifts import CandidateShift, VisitSlots, break_plans

BEAM_WIDTH = 6  # chains kept per length, per first visit (3: a greedy 17 % dearer on 40 clients)
SUCCESSORS = 4  # next visits tried from a chain's last visit (the soonest reachable)
BREAK_STEP_MINUTES = 30


@dataclass(frozen=True)
class _Visit:
    owner: str
    start: int  # the need it serves: [start, end)
    end: int
    lo: int  # the earliest slot it may start at (its client's visit window) ...
    hi: int  # ... and the latest
    length: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "length", self.end - self.start)


def scattered_clients(problem: Problem) -> dict[str, list[DemandData]]:
    """Per unit: its scattered clients someone may serve."""
    out: dict[str, list[DemandData]] = {}
    for data in problem.demands.values():
        if data.client is not None and data.client.scattered and data.eligible_staff:
            out.setdefault(data.unit, []).append(data)
    return out


def travel_minutes(problem: Problem, clients: list[str]) -> dict[tuple[str, str], int]:
    """Travel minutes between every two of ``clients`` (the scenario checks they are known)."""
    scenario = problem.scenario
    homes = {c.id: c.home for c in scenario.clients if c.home is not None}
    out = {}
    for a in clients:
        for b in clients:
            minutes = scenario.rounds.travel.minutes(a, b, homes)
            out[a, b] = minutes if minutes is not None else 10**6  # unknown: unreachable
    return out


def visits_of(data: DemandData, slot_minutes: int) -> list[_Visit]:
    """Stretches of awake need a decision pays for: the client's visits, each with the slots
    it may start at. A visit window moves a visit by whole slots, never past halfway to the
    client's need before or after (any need: another visit, a long stretch served by whole
    shifts, jour; so whoever serves that never meets it) nor out of the horizon; a visit for
    two or more staff stays put (its staff arrive together)."""
    count = data.demand.count
    need = (np.where(data.decided, count, 0) > 0) & ~data.demand.on_call
    window = (data.client.visit_window_minutes if data.client is not None else 0) // slot_minutes
    out = []
    needed = np.flatnonzero(count > 0)  # the slots with any need
    for a, b in _stretches(need):
        flex = window if int(count[a:b].max()) <= 1 else 0
        lo, hi = max(0, a - flex), min(len(count) - (b - a), a + flex)
        k = int(np.searchsorted(needed, a))
        if k > 0:  # the need before ends at needed[k - 1] + 1
            lo = max(lo, (int(needed[k - 1]) + 1 + a) // 2)
        k = int(np.searchsorted(needed, b))
        if k < len(needed):  # the need after starts at needed[k]
            hi = min(hi, (b + int(needed[k])) // 2 - (b - a))
        out.append(_Visit(data.key, a, b, min(lo, a), max(hi, a)))
    return out


def _stretches(mask: np.ndarray) -> list[tuple[int, int]]:
    """The runs [start, end) of ``mask``."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded)).tolist()
    return list(zip(edges[::2], edges[1::2], strict=True))


class VisitShifts:
    """The scattered clients' shift of given visits (a pinned shift, a schedule's shift), each
    unit's visits and travel times worked out once however many shifts are asked for."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.clients = scattered_clients(problem)
        self.units: dict[str, _UnitChains] = {}

    def shift(self, visits: Visited, index: int, span: tuple[int, int]) -> CandidateShift | None:
        """The shift over ``span`` serving ``visits`` (client, need's start and end slot, slots
        moved) in order; None if it is none (a client not scattered or of another unit, a round
        with rounds off, a visit moved outside its window, travel that does not fit)."""
        problem = self.problem
        units = {problem.demands[c].unit for c, *_ in visits if c in problem.demands}
        unit = next(iter(units), "")
        clients = self.clients.get(unit, [])
        ids = {c.key for c in clients}
        if len(units) != 1 or any(c not in ids for c, *_ in visits):
            return None
        if unit not in self.units:
            self.units[unit] = _UnitChains(problem, unit, clients)
        chains = self.units[unit]
        if len({c for c, *_ in visits}) > 1 and chains.round_owner is None:
            return None
        given = [chains.by_need.get((c, a, b), _Visit(c, a, b, a, a)) for c, a, b, _ in visits]
        held = [v.start + moved for v, (*_, moved) in zip(given, visits, strict=True)]
        if any(not v.lo <= t <= v.hi for v, t in zip(given, held, strict=True)):
            return None
        return chains.shift(given, index, span, held)


def scattered_shifts(problem: Problem, first_index: int) -> list[CandidateShift]:
    """Every unit's rounds (with ``rounds.enabled``) and waiting single-client shifts."""
    out: list[CandidateShift] = []
    for uid, clients in scattered_clients(problem).items():
        out.extend(_UnitChains(problem, uid, clients).shifts(first_index + len(out)))
    return out


class _UnitChains:
    def __init__(self, problem: Problem, uid: str, clients: list[DemandData]) -> None:
        self.problem = problem
        rules, settings = problem.scenario.rules, problem.scenario.rounds
        self.slot = slot = problem.slot_minutes
        self.min_len = math.ceil(rules.min_shift_hours * 60 / slot)
        self.max_len = int(rules.max_shift_hours * 60 // slot)
        self.max_visits = settings.max_visits
        self.max_wait = settings.max_wait_minutes
        round_key = ROUND_PREFIX + uid
        self.round_owner = round_key if round_key in problem.demands else None
        self.eligible = {c.key: frozenset(c.eligible_staff) for c in clients}
        self.travel = travel_minutes(problem, [c.key for c in clients])
        self.visits = sorted((v for c in clients for v in visits_of(c, slot)),
                             key=lambda v: (v.start, v.end, v.owner))
        self.by_need = {(v.owner, v.start, v.end): v for v in self.visits}
        self.starts = np.array([v.start for v in self.visits], dtype=np.int64)
        # The most a visit may move earlier, and later: bounds for the successor search.
        self.earliest = max((v.start - v.lo for v in self.visits), default=0)
        self.latest = max((v.hi - v.start for v in self.visits), default=0)
        self.fixed = all(v.lo == v.hi for v in self.visits)  # no windows: the fast path
        self.hops = {pair: -(-minutes // slot) for pair, minutes in self.travel.items()}
        self.policy = problem.demands[clients[0].key].breaks
        step = max(BREAK_STEP_MINUTES, slot)
        self.on_break_grid = problem.minute_of_day % step == 0
        self.night_prefix = np.concatenate([[0], np.cumsum(problem.night)])

    def hop(self, a: _Visit, b: _Visit) -> int:
        """Slots from the end of visit ``a`` to the earliest start of ``b``: the travel."""
        return self.hops[a.owner, b.owner]

    def forward(self, visits: list[_Visit]) -> list[int] | None:
        """Each visit at its earliest: in its window, after the one before and the travel."""
        starts: list[int] = []
        for k, v in enumerate(visits):
            t = v.lo if k == 0 else max(v.lo, starts[-1] + visits[k - 1].length
                                        + self.hop(visits[k - 1], v))
            if t > v.hi:
                return None
            starts.append(t)
        return starts

    def timing(self, visits: list[_Visit]) -> list[int] | None:
        """The start slots of ``visits`` in order, in their windows, each after the one before
        and the travel: the shortest span (the last visit at its earliest, every earlier one
        as late as the next allows), then as near the asked times as that span allows (the
        whole chain moved by the median of its visits' moves). None: the travel cannot fit.
        Without visit windows every visit is at its asked time."""
        starts = self.forward(visits)
        if starts is None or self.fixed:
            return starts
        for k in range(len(visits) - 2, -1, -1):
            starts[k] = min(visits[k].hi, starts[k + 1] - self.hop(visits[k], visits[k + 1])
                            - visits[k].length)
        lo = max(v.lo - t for v, t in zip(visits, starts, strict=True))
        hi = min(v.hi - t for v, t in zip(visits, starts, strict=True))
        wanted = math.floor(statistics.median([v.start - t for v, t in zip(
            visits, starts, strict=True)]))
        move = min(max(wanted, lo), hi)
        return [t + move for t in starts]

    def fits(self, visits: list[_Visit], starts: list[int]) -> bool:
        """No wait between two visits longer than ``max_wait``, no chain longer than a shift."""
        if starts[-1] + visits[-1].length - starts[0] > self.max_len:
            return False
        return all((starts[k + 1] - starts[k] - visits[k].length) * self.slot
                   - self.travel[visits[k].owner, visits[k + 1].owner] <= self.max_wait
                   for k in range(len(visits) - 1))

    def successors(self, chain: tuple[int, ...], clients: frozenset[str]
                   ) -> list[tuple[int, list[int]]]:
        """The soonest visits reachable after the chain's last one, within the wait and the
        longest shift, that someone approved for the whole chain may serve, each with the
        chain's timing."""
        visits = [self.visits[i] for i in chain]
        earliest = self.forward(visits)
        assert earliest is not None  # grown from reachable visits only
        last = visits[-1]
        last_end = earliest[-1] + last.length
        out: list[tuple[int, list[int]]] = []
        k = int(np.searchsorted(self.starts, last_end - self.latest))
        while k < len(self.visits) and len(out) < SUCCESSORS:
            nxt = self.visits[k]
            k += 1
            if (nxt.start - self.earliest - last_end) * self.slot > self.max_wait + 600:
                break  # sorted by start: nothing later fits either
            arrival = max(nxt.lo, last_end + self.hop(last, nxt))
            # Bounds on the new wait and the span, whatever the timing (exact without windows).
            if (arrival > nxt.hi or k - 1 in chain
                    or (arrival - last.hi - last.length) * self.slot
                    - self.travel[last.owner, nxt.owner] > self.max_wait
                    or arrival + nxt.length - visits[0].hi > self.max_len):
                continue
            owners = clients | {nxt.owner}
            if len(owners) > 1 and self.round_owner is None:
                continue  # rounds disabled, or one scattered client in the unit
            if not frozenset.intersection(*(self.eligible[o] for o in owners)):
                continue
            if self.fixed:  # every visit at its asked time: the bounds above were exact
                out.append((k - 1, [*earliest, nxt.start]))
                continue
            starts = self.timing([*visits, nxt])
            if starts is None or not self.fits([*visits, nxt], starts):
                continue
            out.append((k - 1, starts))
        return out

    def idle_per_served(self, chain: tuple[int, ...], starts: list[int]) -> float:
        visits = [self.visits[i] for i in chain]
        served = sum(v.length for v in visits)
        span = max(starts[-1] + visits[-1].length - starts[0], self.min_len)
        return (span - served) / served

    def chains(self) -> list[tuple[tuple[int, ...], list[int]]]:
        """Chains of visits with their start slots, by a beam per first visit."""
        found: dict[tuple[int, ...], list[int]] = {}
        for first in range(len(self.visits)):
            visit = self.visits[first]
            starts = self.timing([visit])
            assert starts is not None
            beam: list[tuple[tuple[int, ...], frozenset[str], list[int]]] = [
                ((first,), frozenset({visit.owner}), starts)]
            found[(first,)] = starts
            for _ in range(self.max_visits - 1):
                grown = [((*chain, k), owners | {self.visits[k].owner}, timed)
                         for chain, owners, _ in beam
                         for k, timed in self.successors(chain, owners)]
                if not grown:
                    break
                grown.sort(key=lambda item: (self.idle_per_served(item[0], item[2]), item[0]))
                beam = grown[:BEAM_WIDTH]
                found.update((chain, timed) for chain, _, timed in beam)
        return list(found.items())

    def shifts(self, first_index: int) -> list[CandidateShift]:
        out: list[CandidateShift] = []
        for chain, starts in self.chains():
            shift = self.shift([self.visits[i] for i in chain], first_index + len(out),
                               held=starts)
            if shift is not None:
                out.append(shift)
        return out

    def shift(self, visits: list[_Visit], index: int, span: tuple[int, int] | None = None,
              held: list[int] | None = None) -> CandidateShift | None:
        """The shift serving ``visits`` in order, held at the start slots ``held`` (else at
        their asked times; over ``span`` if given: a pinned shift); None where ordinary shifts
        already serve it (one visit as long as a shift), the travel does not fit, or no meal
        pause fits."""
        if span is None and len(visits) == 1 and visits[0].length >= self.min_len:
            return None
        if held is None:
            held = [v.start for v in visits]
        ends = [t + v.length for v, t in zip(visits, held, strict=True)]
        n = self.problem.grid.n_slots
        start, end = held[0], max(ends[-1], held[0] + self.min_len)
        if end > n:
            start, end = max(0, n - self.min_len), n
        if span is not None:
            start, end = span
        if end - start > self.max_len or not start <= held[0] or ends[-1] > end:
            return None
        slot = self.slot
        travel = [0] + [self.travel[a.owner, b.owner] for a, b in itertools.pairwise(visits)]
        if any(ends[k] * slot + travel[k + 1] > held[k + 1] * slot
               for k in range(len(visits) - 1)):
            return None
        # Minutes from the shift's start that are visits or travel (the rest is waiting).
        busy = [((t - start) * slot, (e - start) * slot) for t, e in zip(held, ends, strict=True)]
        busy += [((e - start) * slot, (e - start) * slot + t)
                 for e, t in zip(ends, travel[1:], strict=False) if t]
        pauses = self.pauses(start, end, busy)
        if pauses is None:
            return None
        length = self.policy.length_slots * slot
        paused = sum(length - _overlap((p - start) * slot, (p - start) * slot + length, busy)
                     for p in pauses)
        minutes = (end - start) * slot
        visit_minutes = sum(v.length for v in visits) * slot
        owners = {v.owner for v in visits}
        night = int(self.night_prefix[end] - self.night_prefix[start])
        rules = self.problem.scenario.rules
        single = len(owners) == 1
        return CandidateShift(
            index=index,
            owner=visits[0].owner if single else str(self.round_owner),
            client_id=visits[0].owner if single else None,
            unit_id=self.problem.demands[visits[0].owner].unit,
            start=start, end=end, minutes=minutes, on_call_minutes=0, work_minutes=minutes,
            night_minutes=night * slot,
            is_night=night >= rules.night_shift_min_hours * 60 / slot,
            is_weekend=bool(self.problem.weekend[start]),
            pauses=pauses,
            visits=tuple(VisitSlots(v.owner, v.start, v.end, t, h - v.start)
                         for v, t, h in zip(visits, travel, held, strict=True)),
            visit_minutes=visit_minutes,
            travel_minutes=sum(travel),
            waiting_minutes=minutes - visit_minutes - sum(travel) - paused,
        )

    def pauses(self, start: int, end: int, busy: list[tuple[int, int]]) -> tuple[int, ...] | None:
        """Paid meal pauses for a shift longer than the work-in-a-row limit, in its waiting time
        where that fits (else during a visit, as in personal assistance)."""
        length, slot, width = self.policy.length_slots, self.slot, end - start
        if width <= self.policy.after_slots:
            return ()  # short enough to work in one go
        # Slots touched by a visit or travel (minutes from the start → slots, rounded out).
        touched = np.zeros(width + 1, dtype=np.int64)
        for a, b in busy:
            touched[a // slot] += 1
            touched[min(width, -(-b // slot))] -= 1
        taken = np.concatenate([[0], np.cumsum(np.cumsum(touched)[:width] > 0)])
        aligned = np.zeros(width + 1, dtype=bool)
        fits = width - length + 1
        if fits > 0:
            aligned[:fits] = (self.on_break_grid[start:start + fits]
                              & (taken[length:length + fits] == taken[:fits]))
        plans = break_plans(np.ones(width, dtype=bool), 0, self.policy, aligned)
        if plans is None:
            return None
        if not plans:
            return ()
        return tuple(start + p for p in plans[len(plans) // 2])


def _overlap(a: int, b: int, intervals: list[tuple[int, int]]) -> int:
    return sum(max(0, min(b, y) - max(a, x)) for x, y in intervals)
