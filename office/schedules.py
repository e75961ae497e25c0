"""Default periodic schedules. They are written to the database (django-celery-beat) once;
staff edit them in the admin afterwards, so later migrations never overwrite a change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Crontab:
    """A wall-clock schedule (cron fields, in settings.TIME_ZONE), e.g. nightly at 02:30."""

    minute: str = "0"
    hour: str = "*"
    day_of_week: str = "*"
    day_of_month: str = "*"
    month_of_year: str = "*"


# name -> (task, every N seconds | Crontab). Other apps append to this from their AppConfig.ready().
DEFAULT_SCHEDULES: dict[str, tuple[str, int | Crontab]] = {
    "worker heartbeat": ("office.tasks.worker_heartbeat_task", 60),
    "notification e-mail sweep": ("office.tasks.notification_email_sweep_task", 300),
    # Backups run at night, when nobody edits; the drill follows once the backup is done and
    # the watchdog raises the alarm when the nightly backup is missing or failed.
    "nightly backup": ("office.tasks.backup_run_task", Crontab(minute="30", hour="2")),
    "backup restore drill": ("office.tasks.backup_drill_task", Crontab(minute="30", hour="4")),
    "backup watchdog": ("office.tasks.backup_watchdog_task", 3600),
    # Consortium buying: election and negotiation deadlines, contracts ending (procurement/consortia).
    "consortium deadlines and expiry": ("procurement.consortia.tasks.consortia_sweep_task", 900),
}


def ensure_periodic_tasks(**_kwargs: Any) -> None:
    from django.conf import settings
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    for name, (task, schedule) in DEFAULT_SCHEDULES.items():
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        if isinstance(schedule, Crontab):
            crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=schedule.minute,
                hour=schedule.hour,
                day_of_week=schedule.day_of_week,
                day_of_month=schedule.day_of_month,
                month_of_year=schedule.month_of_year,
                timezone=settings.TIME_ZONE,
            )
            PeriodicTask.objects.create(name=name, task=task, crontab=crontab)
        else:
            interval, _ = IntervalSchedule.objects.get_or_create(every=schedule, period=IntervalSchedule.SECONDS)
            PeriodicTask.objects.create(name=name, task=task, interval=interval)
