"""Results: key figures recomputed from a schedule, files for people, and a terminal summary."""

from scheduler.results.export import shifts_frame, write_kpi_csvs, write_schedule
from scheduler.results.kpi import Kpis, compute_kpis, kpis_to_dict
from scheduler.results.summary import print_summary

__all__ = [
    "Kpis",
    "compute_kpis",
    "kpis_to_dict",
    "print_summary",
    "shifts_frame",
    "write_kpi_csvs",
    "write_schedule",
]
