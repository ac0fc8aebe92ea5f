"""A lower bound on a CP-SAT model's optimum from a linear relaxation of the model itself.

Every variable becomes continuous within its domain's [min, max], and each constraint is either
replaced by linear inequalities that all its integer solutions satisfy, or dropped (dropping only
enlarges the feasible set, so the LP optimum stays ≤ the CP-SAT optimum):

- linear: as is; with enforcement literals, big-M on the slack k − Σ literals (M from the
  variables' bounds), so the row binds only when every literal is true;
- bool_or / bool_and / at_most_one / exactly_one: their clause inequalities, with the same slack;
- lin_max: target ≥ each expression (the ≤ side is not convex);
- implied knapsacks: a row Σ a·x ≤ b over Booleans (a > 0) of which those in G imply the literal
  w (``x → w``) gives Σ_G a·x ≤ min(b, Σ_G a)·w. With w "works for this client" and b a
  staff member's presence cap, this is what makes continuity cost anything in the LP: the
  implications alone let the LP spread each assistant thinly over many clients at no cost. The
  implications x → w that such a row covers are then left out (valid, and they are most of the
  LP's rows while adding almost nothing to its optimum: measured on S and M);
- no_overlap (``cliques=True`` only): for intervals of constant start and size whose presence
  is a literal or true, at each start point t, Σ presences of intervals holding t ≤ 1, for the
  points whose clique no later point's contains. Intervals with a variable start (weekly rest)
  are left out. Off by default: on the generated S and M instances they raise the optimum by
  less than 0.1 % and make GLOP several times slower;
- anything else (intervals on their own, cumulative, ...): dropped and counted.

GLOP solves the LP, but its objective is not what is reported (GLOP works to tolerances). The
bound is recomputed from GLOP's dual values y as the Lagrangian
Σ_rows min(y·lo, y·hi) + Σ_columns min(d·l, d·u), d = c − Aᵀy, a lower bound for *any* y since
every column is bounded, less a margin for float rounding in that sum. Being valid for any y,
it is taken also when GLOP stops short of OPTIMAL with duals in hand (ABNORMAL on some
month-long parts, or a time limit). The objective's coefficients and the variables are
integers, so the bound is then rounded up.
"""

from __future__ import annotations

import math
import os
import tempfile
import time
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.linear_solver import linear_solver_pb2, pywraplp
from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
# Subtracted from the recomputed bound: float64 sums of up to millions of products err by far
# less than 1e-9 of the magnitudes summed.
_RELATIVE_MARGIN = 1e-9
_ABSOLUTE_MARGIN = 1e-6

Terms = dict[int, float]  # column → coefficient
# GLOP endings whose dual values are taken (any finite multipliers give a valid bound): proven
# optimal, or stopped short of it (numerical trouble, a time limit).
_WITH_DUALS = frozenset({
    linear_solver_pb2.MPSOLVER_OPTIMAL, linear_solver_pb2.MPSOLVER_FEASIBLE,
    linear_solver_pb2.MPSOLVER_ABNORMAL, linear_solver_pb2.MPSOLVER_NOT_SOLVED,
})


@dataclass(frozen=True)
class LpBound:
    value: float  # a valid lower bound on the CP-SAT optimum, in the model's objective units
    lp_objective: float  # GLOP's own optimum (same units), for comparison only; NaN if not proven
    seconds: float  # exporting, relaxing and solving
    rows: int
    columns: int
    nonzeros: int
    dropped: dict[str, int]  # constraints left out of the relaxation, by kind


@dataclass
class Relaxation:
    """The LP in sparse row form; its objective value is scale · (cost·x + offset)."""

    lower: np.ndarray
    upper: np.ndarray
    cost: np.ndarray
    offset: float
    scale: float
    integral: bool  # integer objective coefficients (over integer variables)
    # Rows in compressed form (typed arrays: a few million Python floats would take far more).
    row_lower: array[float] = field(default_factory=lambda: array("d"))
    row_upper: array[float] = field(default_factory=lambda: array("d"))
    row_start: array[int] = field(default_factory=lambda: array("q", [0]))
    columns: array[int] = field(default_factory=lambda: array("i"))
    values: array[float] = field(default_factory=lambda: array("d"))
    dropped: Counter[str] = field(default_factory=Counter)
    _boolean: list[bool] | None = None

    @property
    def rows(self) -> int:
        return len(self.row_lower)

    def add_row(self, terms: Terms, constant: float, lo: float, hi: float) -> None:
        """lo ≤ terms + constant ≤ hi (either side may be infinite)."""
        items = [(j, a) for j, a in terms.items() if a != 0]
        lo, hi = lo - constant, hi - constant
        if not items or (lo == -math.inf and hi == math.inf):
            return
        self.columns.extend(j for j, _ in items)
        self.values.extend(a for _, a in items)
        self.row_lower.append(lo)
        self.row_upper.append(hi)
        self.row_start.append(len(self.columns))

    def activity_range(self, terms: Terms) -> tuple[float, float]:
        low = high = 0.0
        for j, a in terms.items():
            low += min(a * self.lower[j], a * self.upper[j])
            high += max(a * self.lower[j], a * self.upper[j])
        return low, high

    def is_boolean(self, column: int) -> bool:
        if self._boolean is None:
            self._boolean = ((self.lower >= 0) & (self.upper <= 1)).tolist()
        return self._boolean[column]


def model_message(model: cp_model.CpModel) -> cp_model_pb2.CpModelProto:
    """The model as a protobuf message. ``model.proto`` is a C++ wrapper whose element-wise
    access is several times slower than a message's; a binary export is the way across."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.pb")
        if not model.export_to_file(path):
            raise RuntimeError("could not export the CP-SAT model")
        message = cp_model_pb2.CpModelProto()
        with open(path, "rb") as handle:
            message.ParseFromString(handle.read())
    return message


def _bound(value: int) -> float:
    if value <= _INT64_MIN:
        return -math.inf
    if value >= _INT64_MAX:
        return math.inf
    return float(value)


def _add(terms: Terms, column: int, coefficient: float) -> None:
    terms[column] = terms.get(column, 0.0) + coefficient


def _variable(terms: Terms, ref: int, coefficient: float) -> None:
    """A "variable" reference: a negative one is the variable's negation (−x)."""
    if ref >= 0:
        _add(terms, ref, coefficient)
    else:
        _add(terms, -ref - 1, -coefficient)


def _literal(terms: Terms, ref: int, coefficient: float) -> float:
    """A "literal" reference: a negative one is NOT x (1 − x). Returns the constant added."""
    if ref >= 0:
        _add(terms, ref, coefficient)
        return 0.0
    _add(terms, -ref - 1, -coefficient)
    return coefficient


def _linear_terms(refs: Sequence[int], coeffs: Sequence[int]) -> Terms:
    if refs and min(refs) >= 0:  # the usual case: positive references, each once
        terms = dict(zip(refs, map(float, coeffs), strict=True))
        if len(terms) == len(refs):
            return terms
    terms = {}
    for ref, coefficient in zip(refs, coeffs, strict=True):
        _variable(terms, ref, coefficient)
    return terms


def _slack(enforcement: list[int]) -> tuple[Terms, float]:
    """k − Σ enforcement literals: 0 when the constraint is enforced, ≥ 1 otherwise."""
    terms: Terms = {}
    constant = float(len(enforcement))
    for ref in enforcement:
        constant += _literal(terms, ref, -1.0)
    return terms, constant


def _plus(a: Terms, b: Terms, factor: float = 1.0) -> Terms:
    out = dict(a)
    for j, coefficient in b.items():
        _add(out, j, factor * coefficient)
    return out


def relax(proto: cp_model_pb2.CpModelProto, cliques: bool = False) -> Relaxation:
    """The linear relaxation of a minimisation model (see the module's docstring)."""
    if proto.HasField("floating_point_objective"):
        raise ValueError("floating-point objectives are not supported")
    objective = proto.objective
    scale = objective.scaling_factor or 1.0  # 0 means unset, i.e. 1
    if scale < 0:
        raise ValueError("a maximisation model has no lower bound here")
    lower = np.array([v.domain[0] for v in proto.variables], dtype=np.float64)
    upper = np.array([v.domain[-1] for v in proto.variables], dtype=np.float64)
    cost = np.zeros(len(proto.variables))
    for j, coefficient in _linear_terms(objective.vars, objective.coeffs).items():
        cost[j] = coefficient
    lp = Relaxation(lower, upper, cost, float(objective.offset), scale,
                    integral=bool(np.all(cost == np.round(cost))))
    implied: dict[int, list[int]] = {}  # Boolean x → literals w with x → w
    for constraint in proto.constraints:
        if constraint.HasField("bool_and") and len(constraint.enforcement_literal) == 1:
            ref = constraint.enforcement_literal[0]
            if ref >= 0 and lp.is_boolean(ref):
                implied.setdefault(ref, []).extend(constraint.bool_and.literals)
    covered: set[tuple[int, int]] = set()  # (x, w) whose x → w an implied knapsack holds
    implications: list[cp_model_pb2.ConstraintProto] = []  # once ``covered`` is complete
    intervals: dict[int, cp_model_pb2.ConstraintProto] = {}
    if cliques:
        intervals = {i: c for i, c in enumerate(proto.constraints) if c.HasField("interval")}
    for constraint in proto.constraints:
        kind = constraint.WhichOneof("constraint")
        enforcement = list(constraint.enforcement_literal)
        if kind == "linear":
            terms = _linear_terms(constraint.linear.vars, constraint.linear.coeffs)
            _relax_linear(lp, terms, constraint.linear.domain, enforcement)
            if implied and not enforcement:
                _implied_knapsacks(lp, terms, constraint.linear.domain, implied, covered)
        elif kind == "bool_and" and len(enforcement) == 1:
            implications.append(constraint)
        elif kind in ("bool_or", "bool_and", "at_most_one", "exactly_one"):
            _relax_clause(lp, kind, list(getattr(constraint, kind).literals), enforcement)
        elif kind == "lin_max" and not enforcement:
            target = constraint.lin_max.target
            target_terms = _linear_terms(target.vars, target.coeffs)
            for expr in constraint.lin_max.exprs:
                terms = _plus(target_terms, _linear_terms(expr.vars, expr.coeffs), -1.0)
                lp.add_row(terms, float(target.offset - expr.offset), 0.0, math.inf)
        elif kind == "no_overlap" and cliques:
            _relax_no_overlap(lp, [intervals[i] for i in constraint.no_overlap.intervals])
        elif kind != "interval":  # intervals mean something only through no_overlap
            lp.dropped[kind + (" (enforced)" if enforcement else "")] += 1
    for constraint in implications:
        x = constraint.enforcement_literal[0]
        literals = [w for w in constraint.bool_and.literals if (x, w) not in covered]
        _relax_clause(lp, "bool_and", literals, [x])
    return lp


def _implied_knapsacks(lp: Relaxation, terms: Terms, domain: Sequence[int],
                       implied: dict[int, list[int]], covered: set[tuple[int, int]]) -> None:
    """Σ_G a·x ≤ min(b, Σ_G a)·w for each literal w implied by the row's variables G."""
    hi = _bound(domain[-1])
    if hi == math.inf:
        return
    if any(a <= 0 or not lp.is_boolean(j) for j, a in terms.items()):
        return
    groups: dict[int, Terms] = {}
    for j, a in terms.items():
        for w in implied.get(j, ()):
            groups.setdefault(w, {})[j] = a
    for w, group in groups.items():
        total = sum(group.values())
        if hi >= total:
            continue  # no stronger than the implications themselves
        row = dict(group)
        constant = _literal(row, w, -hi)
        lp.add_row(row, constant, -math.inf, 0.0)
        covered.update((j, w) for j in group)


def _relax_linear(lp: Relaxation, terms: Terms, domain: Sequence[int], enforcement: list[int]
                  ) -> None:
    lo, hi = _bound(domain[0]), _bound(domain[-1])  # the hull of the domain
    if not enforcement:
        lp.add_row(terms, 0.0, lo, hi)
        return
    slack, slack_constant = _slack(enforcement)
    least, most = lp.activity_range(terms)
    if lo > least:  # terms ≥ lo − (lo − least)·slack
        m = lo - least
        lp.add_row(_plus(terms, slack, m), m * slack_constant, lo, math.inf)
    if hi < most:  # terms ≤ hi + (most − hi)·slack
        m = most - hi
        lp.add_row(_plus(terms, slack, -m), -m * slack_constant, -math.inf, hi)


def _relax_clause(lp: Relaxation, kind: str, literals: list[int], enforcement: list[int]
                  ) -> None:
    slack, slack_constant = _slack(enforcement)
    if kind == "bool_and":  # each literal + slack ≥ 1
        for ref in literals:
            row = dict(slack)
            constant = slack_constant + _literal(row, ref, 1.0)
            lp.add_row(row, constant, 1.0, math.inf)
        return
    terms: Terms = {}
    constant = 0.0
    for ref in literals:
        constant += _literal(terms, ref, 1.0)
    if kind == "bool_or":  # Σ literals + slack ≥ 1
        lp.add_row(_plus(terms, slack), constant + slack_constant, 1.0, math.inf)
    elif enforcement:  # the proto allows none on these two
        lp.dropped[f"{kind} (enforced)"] += 1
    else:
        lp.add_row(terms, constant, -math.inf if kind == "at_most_one" else 1.0, 1.0)


def _relax_no_overlap(lp: Relaxation, members: list[cp_model_pb2.ConstraintProto]) -> None:
    starts: list[int] = []
    ends: list[int] = []
    presences: list[int | None] = []  # a literal; None: always present
    for interval in members:
        body = interval.interval
        if body.start.vars or body.size.vars or len(interval.enforcement_literal) > 1:
            lp.dropped["no_overlap member with a variable start or size"] += 1
            continue
        if body.size.offset <= 0:
            continue  # holds no point
        starts.append(body.start.offset)
        ends.append(body.start.offset + body.size.offset)
        presences.append(interval.enforcement_literal[0] if interval.enforcement_literal else None)
    if len(starts) < 2:
        return
    start_at = np.array(starts)
    end_at = np.array(ends)
    points = np.unique(start_at)
    for k, t in enumerate(points):
        # The clique at t lies inside the next point's unless an interval ends in between.
        if k + 1 < len(points) and not np.any((end_at > t) & (end_at <= points[k + 1])):
            continue
        holding = np.nonzero((start_at <= t) & (end_at > t))[0]
        if len(holding) < 2:
            continue
        terms: Terms = {}
        constant = 0.0
        for i in holding:
            ref = presences[i]
            constant += 1.0 if ref is None else _literal(terms, ref, 1.0)
        lp.add_row(terms, constant, -math.inf, 1.0)


def solve_relaxation(lp: Relaxation, time_limit: float | None = None
                     ) -> tuple[float, float] | None:
    """(valid bound, GLOP's optimum or NaN), both in objective units. The bound is the
    Lagrangian of GLOP's dual values, valid for any multipliers: so also when GLOP stops short
    of OPTIMAL with duals in hand (ABNORMAL, its numerical trouble on some month-long parts, or
    a time limit), where it is usually as good (L: a part ABNORMAL by default gave the same
    bound, to 1e-6, as the OPTIMAL solve without presolve). None when GLOP finds the LP
    infeasible or unbounded, or returns no duals."""
    request = linear_solver_pb2.MPModelRequest()
    request.solver_type = linear_solver_pb2.MPModelRequest.GLOP_LINEAR_PROGRAMMING
    if time_limit is not None:
        request.solver_time_limit_seconds = max(0.01, time_limit)
    model = request.model
    for lo, hi, c in zip(lp.lower.tolist(), lp.upper.tolist(), lp.cost.tolist(), strict=True):
        model.variable.add(lower_bound=lo, upper_bound=hi, objective_coefficient=c)
    starts = lp.row_start
    for r in range(lp.rows):
        a, b = starts[r], starts[r + 1]
        model.constraint.add(lower_bound=lp.row_lower[r], upper_bound=lp.row_upper[r],
                             var_index=lp.columns[a:b], coefficient=lp.values[a:b])
    response = linear_solver_pb2.MPSolutionResponse()
    pywraplp.Solver.SolveWithProto(request, response)  # type: ignore[no-untyped-call]  # SWIG
    del request
    duals = np.array(response.dual_value, dtype=np.float64)
    if response.status not in _WITH_DUALS or len(duals) != lp.rows or not np.all(
            np.isfinite(duals)):
        return None
    bound = lagrangian_bound(lp, duals)
    if lp.integral:
        bound = math.ceil(bound)
    optimum = (response.objective_value if response.status == linear_solver_pb2.MPSOLVER_OPTIMAL
               else math.nan)
    return lp.scale * (bound + lp.offset), lp.scale * (optimum + lp.offset)


def lagrangian_bound(lp: Relaxation, duals: np.ndarray) -> float:
    """min over the column box of c·x + yᵀ(Ax − b) for the given y (without the objective's
    offset and scale), less a rounding margin: ≤ the LP's optimum for any y."""
    row_lower = np.frombuffer(lp.row_lower, dtype=np.float64)
    row_upper = np.frombuffer(lp.row_upper, dtype=np.float64)
    # A multiplier must sit on a finite side: y > 0 on the lower side, y < 0 on the upper.
    y = np.where((duals > 0) & np.isfinite(row_lower), duals, 0.0)
    y = np.where((duals < 0) & np.isfinite(row_upper), duals, y)
    row_term = np.where(y > 0, y * np.where(y > 0, row_lower, 0.0),
                        y * np.where(y < 0, row_upper, 0.0))
    row_start = np.frombuffer(lp.row_start, dtype=np.int64)
    row_of = np.repeat(np.arange(lp.rows), row_start[1:] - row_start[:-1])
    columns = np.frombuffer(lp.columns, dtype=np.int32)
    products = np.frombuffer(lp.values, dtype=np.float64) * y[row_of]
    n = len(lp.cost)
    reduced = lp.cost - np.bincount(columns, weights=products, minlength=n)
    column_term = np.where(reduced > 0, reduced * lp.lower, reduced * lp.upper)
    # Each reduced cost is off by at most a tiny fraction of the magnitudes summed into it.
    spread = np.abs(lp.cost) + np.bincount(columns, weights=np.abs(products), minlength=n)
    reach = np.maximum(np.abs(lp.lower), np.abs(lp.upper))
    magnitude = float(np.sum(spread * reach) + np.sum(np.abs(row_term)))
    total = math.fsum(row_term.tolist()) + math.fsum(column_term.tolist())
    return total - _RELATIVE_MARGIN * magnitude - _ABSOLUTE_MARGIN


def lp_bound(model: cp_model.CpModel | cp_model_pb2.CpModelProto,
             time_limit: float | None = None, cliques: bool = False) -> LpBound | None:
    """A valid lower bound on ``model``'s optimum (objective units, scaling applied), or None
    when GLOP returns no usable duals within ``time_limit`` seconds (``solve_relaxation``)."""
    began = time.perf_counter()
    proto = model_message(model) if isinstance(model, cp_model.CpModel) else model
    lp = relax(proto, cliques)
    if time_limit is not None:
        time_limit -= time.perf_counter() - began
        if time_limit <= 0:
            return None
    solved = solve_relaxation(lp, time_limit)
    if solved is None:
        return None
    return LpBound(
        value=solved[0], lp_objective=solved[1], seconds=time.perf_counter() - began,
        rows=lp.rows, columns=len(lp.cost), nonzeros=len(lp.columns), dropped=dict(lp.dropped),
    )
