"""Independent schedule validator.

Re-checks every hard rule of a finished schedule from the scenario alone and recomputes the
raw penalties. It deliberately shares no code with the model builder (only the input and output
models are imported), so a bug in the engine's time grid or rule encoding shows up here.

    report = check_schedule(scenario, schedule)
    report.ok, report.violations, report.penalties, report.penalty_mismatches
"""

from scheduler.validator.check import check_schedule
from scheduler.validator.hard import AUDITS
from scheduler.validator.penalties import PENALTY_AUDITS
from scheduler.validator.report import ValidationReport, Violation, format_report

__all__ = [
    "AUDITS",
    "PENALTY_AUDITS",
    "ValidationReport",
    "Violation",
    "check_schedule",
    "format_report",
]
