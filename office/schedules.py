"""Default periodic schedules. They are written to the database (django-celery-beat) once;
staff edit them in the admin afterwards, so later migrations never overwrite a change.

Each has a translated title and description (SCHEDULE_TEXTS) for technical services'
schedule page (`office:schedule_list`), which lists what beat runs and when it last did.
An app adds its own with `add_schedule` from its AppConfig.ready()."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _


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
    # Clean-up that used to wait for a person (issue 19): at night, after the backup has started.
    "expired sessions clean-up": ("office.tasks.sessions_clear_expired_task", Crontab(minute="0", hour="3")),
    "read notifications clean-up": (
        "office.tasks.notifications_remove_read_task",
        Crontab(minute="5", hour="3"),
    ),
    "login records clean-up": ("office.tasks.login_records_remove_task", Crontab(minute="10", hour="3")),
}


# name -> (title, what it does), translated; every default schedule has one (tests/office/test_chores.py).
SCHEDULE_TEXTS: dict[str, tuple[Promise, Promise]] = {
    "worker heartbeat": (
        _("Worker heartbeat"),
        _("Each worker records that it is alive, for the health page."),
    ),
    "notification e-mail sweep": (
        _("Notification e-mail catch-up"),
        _("Sends the e-mail copies of notifications that a broker outage left unsent."),
    ),
    "nightly backup": (
        _("Nightly backup"),
        _("Backs up the database and uploaded files into the backup store and prunes old backups."),
    ),
    "backup restore drill": (
        _("Restore drill"),
        _("Restores the newest backup into a scratch database and checks it."),
    ),
    "backup watchdog": (
        _("Backup watchdog"),
        _("Raises the alarm when the nightly backup is missing or failed."),
    ),
    "consortium deadlines and expiry": (
        _("Consortium deadlines and expiry"),
        _("Tallies elections and lapses negotiations past their deadline; expires contracts at the end of the term."),
    ),
    "expired sessions clean-up": (
        _("Expired sessions cleared"),
        _("Deletes the login sessions that have expired (what the clearsessions command did by hand)."),
    ),
    "read notifications clean-up": (
        _("Old read notifications removed"),
        _("Deletes notifications read more than 180 days ago; unread ones stay."),
    ),
    "login records clean-up": (
        _("Old login records removed"),
        _("Deletes login records (django-axes access logs) older than 90 days."),
    ),
    # Added by beat itself when task results are kept in a database (celery's own schedule).
    "celery.backend_cleanup": (
        _("Task results clean-up"),
        _("Celery deletes task results that have expired."),
    ),
}


def add_schedule(name: str, task: str, schedule: int | Crontab, *, title: Promise, description: Promise) -> None:
    """Declare a default schedule and its texts for the schedule page (from an AppConfig.ready())."""
    DEFAULT_SCHEDULES[name] = (task, schedule)
    SCHEDULE_TEXTS[name] = (title, description)


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


# --- the schedule page (office:schedule_list) --------------------------------------------------


def schedule_overview() -> list[dict[str, Any]]:
    """What beat runs, for the schedule page: every periodic task in the database (edited or
    added in the admin included) with its translated title and description, then each default
    schedule missing from the database (deleted in the admin; `migrate` adds it back)."""
    from django_celery_beat.models import PeriodicTask

    rows = []
    for task in PeriodicTask.objects.select_related("interval", "crontab", "solar", "clocked"):
        title, description = SCHEDULE_TEXTS.get(task.name, (task.name, ""))
        rows.append(
            {
                "pk": task.pk,
                "name": task.name,
                "title": title,
                "description": description,
                "task": task.task,
                "when": _when(task),
                "enabled": task.enabled,
                "last_run_at": task.last_run_at,
                "total_run_count": task.total_run_count,
                "missing": False,
            }
        )
    present = {row["name"] for row in rows}
    for name, (task_name, _schedule) in DEFAULT_SCHEDULES.items():
        if name not in present:
            title, description = SCHEDULE_TEXTS.get(name, (name, ""))
            row = {"pk": None, "name": name, "title": title, "description": description, "task": task_name}
            rows.append({**row, "when": "", "enabled": False, "last_run_at": None, "total_run_count": 0})
            rows[-1]["missing"] = True
    return sorted(rows, key=lambda row: (row["missing"], str(row["title"]).lower()))


def _when(task: Any) -> str:
    if task.interval is not None:
        return _every(int(task.interval.schedule.run_every.total_seconds()))
    if task.crontab is not None:
        return _at(task.crontab)
    return str(task.schedule)  # solar or one-off: rare, celery's own wording


def _every(seconds: int) -> str:
    if seconds % 86400 == 0:
        days = seconds // 86400
        return ngettext("every day", "every %(count)d days", days) % {"count": days}
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("every hour", "every %(count)d hours", hours) % {"count": hours}
    if seconds % 60 == 0:
        minutes = seconds // 60
        return ngettext("every minute", "every %(count)d minutes", minutes) % {"count": minutes}
    return ngettext("every second", "every %(count)d seconds", seconds) % {"count": seconds}


def _at(crontab: Any) -> str:
    """Plain words for the usual shapes (daily, monthly at a time); cron fields otherwise."""
    fields = (crontab.minute, crontab.hour, crontab.day_of_month, crontab.month_of_year, crontab.day_of_week)
    minute, hour, day, month, weekday = fields
    if minute.isdigit() and hour.isdigit() and month == "*" and weekday == "*":
        time = f"{int(hour):02d}:{int(minute):02d}"
        if day == "*":
            return gettext("daily at %(time)s") % {"time": time}
        if day.isdigit():
            return gettext("monthly on day %(day)s at %(time)s") % {"day": day, "time": time}
    return gettext("cron %(fields)s") % {"fields": " ".join(fields)}
