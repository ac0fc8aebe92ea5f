"""CP-SAT's limits and threads, the same way for every solve (full models, neighbourhood moves,
exact evaluation, hints).

Deterministic mode (``solver.deterministic``) makes a run a function of its input and seed:

* ``seconds`` becomes CP-SAT's deterministic time (``max_deterministic_time``: a weighted count
  of operations, about a second each on the machine OR-Tools fitted it on), so where a search
  stops does not depend on the machine's speed or load;
* more than one worker runs ``interleave_search``, the parameter sat_parameters.proto calls
  deterministic independently of ``num_workers`` (work is handed out in batches and shared only
  between them); without it parallel workers race and the result varies;
* the wall-clock limit stays only as a safety net, far above what the deterministic limit takes
  (``WALL_SAFETY_FACTOR``): should it ever fire, that run is not reproducible.
"""

from __future__ import annotations

from typing import Literal

from ortools.sat.python import cp_model

CpSatStatus = Literal["optimal", "feasible", "infeasible", "model_invalid", "unknown"]
_STATUS_NAMES: dict[cp_model.CpSolverStatus, CpSatStatus] = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "model_invalid",
    cp_model.UNKNOWN: "unknown",
}


def status_name(code: cp_model.CpSolverStatus) -> CpSatStatus:
    """CP-SAT's status as the schedule and the placement result name it."""
    return _STATUS_NAMES.get(code, "unknown")

# In deterministic mode the wall-clock cap (a hang guard only) is this many times the
# deterministic limit plus WALL_SAFETY_SECONDS.
WALL_SAFETY_FACTOR = 10.0
WALL_SAFETY_SECONDS = 10.0
# Deterministic time given for each second of a run's time limit. On the models here one unit
# of deterministic time takes about two seconds of wall time (generated M, 2 cores: a
# neighbourhood sub-solve 0.27 units in 0.54 s), so a deterministic run takes about as long as
# the same time limit without it (README, "Reproducible runs", has the measurements). Another
# machine takes longer or shorter, but computes the same schedule.
DETERMINISTIC_TIME_PER_SECOND = 0.5


def configure(solver: cp_model.CpSolver, *, seconds: float, workers: int, seed: int | None,
              deterministic: bool) -> None:
    """Set ``solver``'s time limit (``seconds``: wall clock, or deterministic time in
    deterministic mode), its threads and seed."""
    parameters = solver.parameters
    parameters.num_workers = workers
    if seed is not None:
        parameters.random_seed = seed
    if deterministic:
        parameters.max_deterministic_time = seconds
        parameters.max_time_in_seconds = WALL_SAFETY_FACTOR * seconds + WALL_SAFETY_SECONDS
        if workers > 1:
            parameters.interleave_search = True
    else:
        parameters.max_time_in_seconds = seconds


def deterministic_time(solver: cp_model.CpSolver) -> float:
    """The deterministic time the last ``solve`` of ``solver`` used."""
    return float(solver.response_proto.deterministic_time)
