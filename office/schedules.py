"""Default periodic schedules. They are written to the database (django-celery-beat) once;
staff edit them in the admin afterwards, so later migrations never overwrite a change."""

from __future__ import annotations

from typing import Any

# name -> (task, every N seconds). Other apps append to this from their AppConfig.ready().
DEFAULT_SCHEDULES: dict[str, tuple[str, int]] = {
    "worker heartbeat": ("office.tasks.worker_heartbeat_task", 60),
    "notification e-mail sweep": ("office.tasks.notification_email_sweep_task", 300),
}


def ensure_periodic_tasks(**_kwargs: Any) -> None:
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    for name, (task, seconds) in DEFAULT_SCHEDULES.items():
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        interval, _ = IntervalSchedule.objects.get_or_create(every=seconds, period=IntervalSchedule.SECONDS)
        PeriodicTask.objects.create(name=name, task=task, interval=interval)
