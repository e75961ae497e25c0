"""What the health page says about each check (issue 20): the checks (office.selectors) keep
codes and states; the component's name and, when it is not OK, one sentence on what to do are
chosen here and translated when the page is rendered."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, gettext_noop

from office.selectors import GREEN, RED

NAMES = {
    "database": gettext_noop("Database"),
    "broker": gettext_noop("Message broker (Redis)"),
    "beat": gettext_noop("Scheduler (beat)"),
    "backup": gettext_noop("Last good backup"),
    "drill": gettext_noop("Last restore drill"),
    "backup_disk": gettext_noop("Backup store disk"),
    "workers": gettext_noop("Workers"),
    "queues": gettext_noop("Queues"),
}

# Technical names the checks report (database vendor, Celery transport), as a reader knows them.
DETAILS = {
    "postgresql": "PostgreSQL",
    "sqlite": "SQLite",
    "redis": "Redis",
    "rediss": "Redis (TLS)",
    "sqla": gettext_noop("SQLite (development broker)"),
    "ok": gettext_noop("answers"),
}

ADVICE = {
    "database": gettext_noop(
        "The database does not answer: check that PostgreSQL runs and is reachable; nothing can be saved until it is."
    ),
    "broker": gettext_noop("Start Redis; queued work is caught up by the sweeps when it is back."),
    "beat.none": gettext_noop("No scheduled job has run yet: start Celery beat next to the workers."),
    "beat.stale": gettext_noop("Scheduled jobs have stopped: restart Celery beat."),
    "backup.none": gettext_noop("No backup has been made yet: run one now from the Backups page."),
    "backup.failed": gettext_noop(
        "The latest backup failed: read its error on the Backups page, fix the cause and run a backup now."
    ),
    "backup.late": gettext_noop(
        "Run a backup now from the Backups page, and check that the nightly backup is enabled under Scheduled jobs."
    ),
    "drill.none": gettext_noop("No restore drill has run yet: check that it is enabled under Scheduled jobs."),
    "drill.failed": gettext_noop(
        "The last restore drill failed: read its problems on the Backups page, as the backups may not restore."
    ),
    "drill.old": gettext_noop("The last restore drill is over a week old: check it under Scheduled jobs."),
    "backup_disk": gettext_noop(
        "Free space in the backup store (or fix its settings): the next backup needs about as much as the last."
    ),
    "workers.none": gettext_noop("No worker has reported yet: start a Celery worker and Celery beat."),
    "workers.stale": gettext_noop("A worker has stopped reporting: restart the worker on the host named below."),
    "queues.unknown": gettext_noop("The queues cannot be read while the message broker is down: start Redis."),
    "queues.unread": gettext_noop("The queues cannot be read yet: a queue exists once a worker has started it."),
    "queues.backlog": gettext_noop("Tasks are piling up: check that the workers run, or start another worker."),
}


def _advice_code(name: str, check: dict[str, Any]) -> str:
    if name == "beat":
        return "beat.none" if check.get("last_tick") is None else "beat.stale"
    if name == "backup":
        if check.get("failed"):
            return "backup.failed"
        return "backup.late" if check.get("backup") else "backup.none"
    if name == "drill":
        drill = check.get("drill")
        if drill is None:
            return "drill.none"
        return "drill.failed" if check["state"] == RED else "drill.old"
    return name


def detail_text(detail: Any) -> str:
    """A check's technical detail in words (an exception's class name is kept as it is)."""
    text = DETAILS.get(str(detail)) if detail else None
    return gettext(text) if text else (str(detail) if detail else "")


def health_notes(summary: dict[str, Any]) -> list[dict[str, str]]:
    """One entry per component that is not OK: its code, name, state and advice, in the reader's language."""
    notes = []
    for name, check in summary["checks"].items():
        if check["state"] != GREEN:
            notes.append({"code": name, "state": check["state"], "advice": ADVICE[_advice_code(name, check)]})
    workers = summary["workers"]
    if not workers:
        notes.append({"code": "workers", "state": "amber", "advice": ADVICE["workers.none"]})
    elif any(w["state"] != GREEN for w in workers):
        state = RED if any(w["state"] == RED for w in workers) else "amber"
        notes.append({"code": "workers", "state": state, "advice": ADVICE["workers.stale"]})
    bad_queues = [q for q in summary["queues"] if q["state"] != GREEN]
    if bad_queues:
        state = RED if any(q["state"] == RED for q in bad_queues) else "amber"
        if any(q.get("length") is None for q in bad_queues):
            broker_up = summary["checks"]["broker"]["state"] == GREEN
            code = "queues.unread" if broker_up else "queues.unknown"
        else:
            code = "queues.backlog"
        notes.append({"code": "queues", "state": state, "advice": ADVICE[code]})
    return [{**note, "name": gettext(NAMES[note["code"]]), "advice": gettext(note["advice"])} for note in notes]
