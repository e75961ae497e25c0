"""Wires the dashboard in when the office app is ready (office/apps.py imports this module):
the office's own tile, the Celery task and the hourly schedule of the monthly report."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from office.dashboard import tasks as _tasks  # noqa: F401  (registers monthly_report_task)
from office.dashboard import tiles
from office.dashboard.tiles_office import health_reads, health_tile
from office.schedules import add_schedule

tiles.register(health_tile, health_reads)

# Hourly: it sends once the month's first working day has come and nothing was sent yet, so a
# broker or worker outage that morning is caught up by the next run that gets through.
add_schedule(
    "monthly report to the director",
    "office.dashboard.tasks.monthly_report_task",
    3600,
    title=_("Monthly report to the director"),
    description=_(
        "E-mails each office's director last month's dashboard report (PDF, in their language) once, "
        "from the first working day of the month."
    ),
)
