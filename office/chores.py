"""Clean-up chores of the office app that beat runs at night (issue 19 item 4); the schedules
are in office/schedules.py, the thin tasks in office/tasks.py. Each is idempotent: a second
run finds nothing left to do.

    sessions_clear_expired     expired login sessions (the `clearsessions` command, by hand before)
    notifications_remove_read  notifications read more than NOTIFICATIONS_KEEP_READ ago
    login_records_remove       django-axes login records older than LOGIN_RECORDS_KEEP
                               (the `axes_reset_logs` command, by hand before)
"""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.utils import timezone

from office.models import Notification

# The schedule page's descriptions (office/schedules.py) name these periods: change both.
NOTIFICATIONS_KEEP_READ = timedelta(days=180)  # unread ones stay whatever their age
LOGIN_RECORDS_KEEP = timedelta(days=90)  # long enough to look into a suspicious login


def sessions_clear_expired() -> None:
    """Delete the expired sessions of the configured session engine (database sessions are
    never removed by Django itself)."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


def notifications_remove_read(*, now: datetime | None = None) -> int:
    """Delete notifications read more than NOTIFICATIONS_KEEP_READ ago; returns how many."""
    cutoff = (now or timezone.now()) - NOTIFICATIONS_KEEP_READ
    deleted, _by_model = Notification.objects.filter(read_at__lt=cutoff).delete()
    return deleted


def login_records_remove() -> int:
    """Delete django-axes access logs (and failure logs, if kept) older than LOGIN_RECORDS_KEEP;
    returns how many. Lockouts are unaffected: axes expires its attempts itself."""
    from axes.handlers.proxy import AxesProxyHandler

    days = LOGIN_RECORDS_KEEP.days
    return AxesProxyHandler.reset_logs(age_days=days) + AxesProxyHandler.reset_failure_logs(age_days=days)
