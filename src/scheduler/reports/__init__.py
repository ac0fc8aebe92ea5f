"""Reports for people: an HTML page a unit manager opens in a browser, and an Excel workbook."""

from scheduler.reports.excel import write_excel
from scheduler.reports.html import render_html_report, write_html_report

__all__ = ["render_html_report", "write_excel", "write_html_report"]
