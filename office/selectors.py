"""Read functions the views call."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone

from office import money, permissions
from office.models import (
    Announcement,
    AuditEvent,
    BackupDrill,
    BackupRun,
    Budget,
    BudgetEntry,
    Department,
    Document,
    DocumentVersion,
    Notification,
    Position,
    StaffProfile,
    WorkerHeartbeat,
    localized,
)


def announcement_list_current(*, user: Any, limit: int | None = None) -> list[Announcement]:
    from django.db.models import Q

    from office.access import staff_profile

    profile = staff_profile(user)
    qs = Announcement.objects.visible_to(user).current().select_related("author", "department")
    if profile is not None:
        qs = qs.filter(
            Q(department__isnull=True)
            | Q(department_id=profile.department_id)
            | Q(department__parent_id=profile.department_id)
        )
    return list(qs[:limit] if limit else qs)


def notification_list_recent(*, user: Any, limit: int = 5) -> list[Notification]:
    return list(Notification.objects.visible_to(user)[:limit])


# --- health ---------------------------------------------------------------------------------

GREEN, AMBER, RED = "green", "amber", "red"


def health_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"state": GREEN, "detail": connection.vendor}
    except Exception as exc:  # pragma: no cover - depends on an outage
        return {"state": RED, "detail": type(exc).__name__}


# Each broker check gives up within about this many seconds: kombu's ensure_connection
# otherwise sleeps 2 s before its retry, and production's socket timeout is 2 s per command,
# so the page and the probe (two checks) took ~4 s with Redis down (issue 17). One immediate
# retry with half the budget per attempt: a refused connection fails in milliseconds, a hung
# Redis costs each attempt its socket timeout.
HEALTH_BROKER_SECONDS = 1.0


def _broker_connection(app: Any, *, write: bool) -> Any:
    attempt = HEALTH_BROKER_SECONDS / 2
    options: dict[str, float] = {}
    if str(app.conf.broker_url).startswith(("redis://", "rediss://")):  # the SQLite broker refuses them
        options = {
            "socket_timeout": min(settings.REDIS_SOCKET_TIMEOUT, attempt),
            "socket_connect_timeout": min(settings.REDIS_CONNECT_TIMEOUT, attempt),
        }
    if write:
        return app.connection_for_write(transport_options=options, connect_timeout=attempt)
    return app.connection_for_read(transport_options=options, connect_timeout=attempt)


def _ensure_broker(conn: Any) -> None:
    conn.ensure_connection(
        max_retries=1, interval_start=0, interval_step=0, interval_max=0, timeout=HEALTH_BROKER_SECONDS
    )


def health_broker() -> dict[str, Any]:
    from office.celery import app

    try:
        with _broker_connection(app, write=True) as conn:
            _ensure_broker(conn)
        return {"state": GREEN, "detail": conn.transport_cls if isinstance(conn.transport_cls, str) else "ok"}
    except Exception as exc:
        return {"state": RED, "detail": type(exc).__name__}


def health_reads() -> dict[str, Any]:
    """What the checks below read; the dashboard's tile reads it in its one batch and hands them the rows."""
    from django_celery_beat.models import PeriodicTask

    attempts = [BackupRun.Status.SUCCEEDED, BackupRun.Status.FAILED]
    return {
        "workers": WorkerHeartbeat.objects.order_by("hostname"),
        "beat_runs": PeriodicTask.objects.filter(last_run_at__isnull=False),  # Max("last_run_at")
        "heartbeats": WorkerHeartbeat.objects.all(),  # Max("last_seen")
        "last_good": BackupRun.objects.filter(status=BackupRun.Status.SUCCEEDED).order_by("-finished_at")[:1],
        "latest": BackupRun.objects.filter(status__in=attempts).order_by("-started_at")[:1],
        "drill": BackupDrill.objects.exclude(status=BackupDrill.Status.RUNNING).order_by("-started_at")[:1],
    }


def health_workers(*, stale_after: timedelta = timedelta(minutes=3), beats: Any = None) -> list[dict[str, Any]]:
    now = timezone.now()
    rows = []
    for beat in health_reads()["workers"] if beats is None else beats:
        age = now - beat.last_seen
        state = GREEN if age <= stale_after else (AMBER if age <= stale_after * 5 else RED)
        rows.append({"hostname": beat.hostname, "last_seen": beat.last_seen, "age": age, "state": state})
    return rows


def health_beat(ticks: list[Any] | None = None) -> dict[str, Any]:
    """Beat's last tick: django-celery-beat writes `last_run_at` only every few minutes, so the
    newest worker heartbeat (a task only beat sends) counts as a tick too. `ticks`: both maxima, if read."""
    if ticks is None:
        reads = health_reads()
        ticks = [
            reads["beat_runs"].aggregate(t=Max("last_run_at"))["t"],
            reads["heartbeats"].aggregate(t=Max("last_seen"))["t"],
        ]
    last_tick = max((t for t in ticks if t is not None), default=None)
    if last_tick is None:
        return {"state": AMBER, "last_tick": None}
    age = timezone.now() - last_tick
    return {"state": GREEN if age <= timedelta(minutes=5) else RED, "last_tick": last_tick}


QUEUE_AMBER, QUEUE_RED = 100, 1000  # waiting messages: a backlog, then an outage of the workers
DRILL_MAX_AGE = timedelta(days=8)  # the drill runs nightly; a week without one is worth a look


def health_queues() -> list[dict[str, Any]]:
    """Messages waiting in each Celery queue (Redis and the SQLite broker both report it)."""
    from office.celery import app

    names = sorted({app.conf.task_default_queue or "celery", *(q.name for q in app.conf.task_queues or [])})
    try:
        with _broker_connection(app, write=False) as conn:
            _ensure_broker(conn)
            channel = conn.default_channel
            lengths = {name: channel.queue_declare(queue=name, passive=True).message_count for name in names}
    except Exception as exc:
        return [{"name": name, "length": None, "state": AMBER, "detail": type(exc).__name__} for name in names]
    return [
        {
            "name": name,
            "length": length,
            "state": RED if length >= QUEUE_RED else (AMBER if length >= QUEUE_AMBER else GREEN),
        }
        for name, length in lengths.items()
    ]


def health_backup_disk() -> dict[str, Any]:
    """Free space where backups go (local folder, or S3 staging plus a reachable bucket)."""
    from office.backups.stores import store_health

    return store_health()


def health_last_backup(runs: tuple[list[Any], list[Any]] | None = None) -> dict[str, Any]:
    """Red when the newest attempt failed or the last good backup is too old; amber before the first.
    `runs`: the rows of health_reads' "last_good" and "latest", if read."""
    reads = health_reads() if runs is None else {}
    last_good, newest = runs or (list(reads["last_good"]), list(reads["latest"]))
    last, latest = (last_good or [None])[0], (newest or [None])[0]
    failed = latest if latest is not None and latest.status == BackupRun.Status.FAILED else None
    if last is None or last.finished_at is None:
        return {"state": RED if failed else AMBER, "backup": None, "age": None, "failed": failed, "late": False}
    age = timezone.now() - last.finished_at
    late = age > timedelta(hours=settings.BACKUP_MAX_AGE_HOURS)
    state = RED if (late or failed) else GREEN
    return {"state": state, "backup": last, "age": age, "failed": failed, "late": late}


def health_last_drill(drills: list[Any] | None = None) -> dict[str, Any]:
    if drills is None:
        drills = list(health_reads()["drill"])
    drill = drills[0] if drills else None
    if drill is None:
        return {"state": AMBER, "drill": None}
    if drill.status == BackupDrill.Status.FAILED:
        return {"state": RED, "drill": drill}
    old = drill.finished_at is None or timezone.now() - drill.finished_at > DRILL_MAX_AGE
    return {"state": AMBER if old else GREEN, "drill": drill}


def health_summary() -> dict[str, Any]:
    checks = {
        "database": health_database(),
        "broker": health_broker(),
        "beat": health_beat(),
        "backup": health_last_backup(),
        "drill": health_last_drill(),
        "backup_disk": health_backup_disk(),
    }
    workers = health_workers()
    queues = health_queues()
    states = [c["state"] for c in checks.values()] + [w["state"] for w in workers] + [q["state"] for q in queues]
    if not workers:
        states.append(AMBER)
    overall = RED if RED in states else (AMBER if AMBER in states else GREEN)
    return {
        "overall": overall,
        "checks": checks,
        "workers": workers,
        "queues": queues,
        "version": settings.APP_VERSION,
    }


# --- backup history (technical services) -------------------------------------------------------


def backup_list() -> QuerySet[BackupRun]:
    return BackupRun.objects.order_by("-started_at")


def backup_drill_list() -> QuerySet[BackupDrill]:
    return BackupDrill.objects.select_related("backup").order_by("-started_at")


def backup_chart_data(*, limit: int = 90) -> dict[str, Any]:
    """Chart.js input: size in bytes of each completed backup, oldest first."""
    runs = list(
        BackupRun.objects.filter(status__in=[BackupRun.Status.SUCCEEDED, BackupRun.Status.PRUNED])
        .order_by("-started_at")
        .values("started_at", "size_bytes")[:limit]
    )[::-1]
    return {
        "labels": [timezone.localtime(r["started_at"]).strftime("%Y-%m-%d %H:%M") for r in runs],
        "sizes": [r["size_bytes"] for r in runs],
    }


# --- staff directory and departments --------------------------------------------------------


def current_fiscal_year() -> int:
    # Fiscal years follow the calendar year in the office's time zone (as seed_demo does).
    return timezone.localdate().year


def department_tree(*, user: Any) -> list[Department]:
    """The user's office as a tree in one query: each unit gets `tree_children` and `staff_count`."""
    units = list(
        Department.objects.visible_to(user).annotate(staff_count=Count("staff")).order_by("sort_order", "name")
    )
    by_id = {unit.pk: unit for unit in units}
    roots: list[Department] = []
    for unit in units:
        unit.tree_children = []  # type: ignore[attr-defined]
    for unit in units:
        parent = by_id.get(unit.parent_id) if unit.parent_id else None
        if parent is None:
            roots.append(unit)
        else:
            parent.tree_children.append(unit)  # type: ignore[attr-defined]
    return roots


def staff_list(*, user: Any, search: str = "", department: Department | None = None) -> QuerySet[StaffProfile]:
    """The user's office's staff; a department filter includes the groups inside it."""
    qs = (
        StaffProfile.objects.visible_to(user)
        .search(search.strip())
        .select_related("user", "department", "position")
        .order_by("department__sort_order", "position__rank", "display_name")
    )
    if department is not None:
        qs = qs.filter(Q(department=department) | Q(department__parent=department))
    return qs


def staff_detail_queryset(*, user: Any) -> QuerySet[StaffProfile]:
    return StaffProfile.objects.visible_to(user).select_related(
        "user", "organization", "department", "department__parent", "position"
    )


def staff_duty_documents(*, user: Any, profile: StaffProfile) -> list[Document]:
    """Job-duty documents that apply to a staff member's position or department."""
    return list(
        Document.objects.visible_to(user)
        .filter(kind=Document.Kind.JOB_DUTY)
        .filter(Q(position_id=profile.position_id) | Q(department_id=profile.department_id))
    )


def department_detail(*, user: Any, department: Department) -> dict[str, Any]:
    """Everything the department page shows; the budget only when the viewer may see it."""
    members = list(
        StaffProfile.objects.visible_to(user)
        .filter(department=department)
        .select_related("user", "position")
        .order_by("position__rank", "display_name")
    )
    lead_roles = {Position.Role.HEAD, Position.Role.DIRECTOR}
    budget = (
        Budget.objects.visible_to(user)
        .select_related("department")
        .filter(department=department, fiscal_year=current_fiscal_year())
        .first()
    )
    return {
        "heads": [m for m in members if m.position.role in lead_roles],
        "members": members,
        "children": list(
            Department.objects.visible_to(user).filter(parent=department).annotate(staff_count=Count("staff"))
        ),
        "documents": list(Document.objects.visible_to(user).filter(department=department)),
        "budget": budget if budget is not None and permissions.can_view_budget(user, budget) else None,
    }


# --- documents ----------------------------------------------------------------------------------


def document_list(*, user: Any, kind: str = "", search: str = "") -> QuerySet[Document]:
    qs = Document.objects.visible_to(user).select_related("department", "position")
    if kind:
        qs = qs.filter(kind=kind)
    if search := search.strip():
        qs = qs.filter(
            Q(title__icontains=search)
            | Q(title_zh__icontains=search)
            | Q(slug__icontains=search)
            | Q(
                versions__number=F("current_version"),
                versions__body__icontains=search,
            )
            | Q(
                versions__number=F("current_version"),
                versions__body_zh__icontains=search,
            )
        ).distinct()
    return qs


def document_versions(*, document: Document) -> list[DocumentVersion]:
    return list(document.versions.select_related("author").order_by("-number"))


def document_version_text(version: DocumentVersion) -> str:
    """The Chinese text in the Chinese UI when the version has one, else the English text."""
    return localized(version, "body")


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "hunk", "add", "del", "context"
    text: str


def document_diff(*, old: str, new: str, old_label: str, new_label: str) -> list[DiffLine]:
    """A unified diff as typed lines; the template escapes the text (nothing is marked safe)."""
    lines: list[DiffLine] = []
    for raw in difflib.unified_diff(
        old.splitlines(), new.splitlines(), fromfile=old_label, tofile=new_label, lineterm="", n=3
    ):
        if raw.startswith(("---", "+++")):
            continue
        if raw.startswith("@@"):
            kind = "hunk"
        elif raw.startswith("+"):
            kind = "add"
        elif raw.startswith("-"):
            kind = "del"
        else:
            kind = "context"
        lines.append(DiffLine(kind=kind, text=raw))
    return lines


# --- announcements ------------------------------------------------------------------------------


def announcement_list(*, user: Any) -> QuerySet[Announcement]:
    """Current announcements addressed to the user; leadership sees every one of its office."""
    from office.access import is_leadership, staff_profile

    qs = Announcement.objects.visible_to(user).current().select_related("author", "department")
    profile = staff_profile(user)
    if profile is not None and not is_leadership(user):
        qs = qs.filter(
            Q(department__isnull=True)
            | Q(department_id=profile.department_id)
            | Q(department__parent_id=profile.department_id)
        )
    return qs


def announcement_detail_queryset(*, user: Any) -> QuerySet[Announcement]:
    return Announcement.objects.visible_to(user).select_related("author", "department", "organization")


# --- budgets ------------------------------------------------------------------------------------


def budget_years(*, user: Any) -> list[int]:
    return list(
        Budget.objects.visible_to(user).order_by("-fiscal_year").values_list("fiscal_year", flat=True).distinct()
    )


def budget_list(*, user: Any, fiscal_year: int) -> QuerySet[Budget]:
    return (
        Budget.objects.visible_to(user)
        .filter(fiscal_year=fiscal_year)
        .select_related("department")
        .order_by("department__sort_order", "department__name")
    )


def budget_totals(budgets: list[Budget]) -> dict[str, int]:
    """Sums over rows already loaded (one currency per office, so they add up)."""
    return {
        "allocated_minor": sum(b.allocated_minor for b in budgets),
        "encumbered_minor": sum(b.encumbered_minor for b in budgets),
        "spent_minor": sum(b.spent_minor for b in budgets),
        "available_minor": sum(b.available_minor for b in budgets),
    }


def budget_chart_data(budgets: list[Budget]) -> dict[str, Any]:
    """Chart.js input: integer minor units; the script scales them for display only."""
    currency = budgets[0].currency if budgets else "CNY"
    return {
        "labels": [str(b.department) for b in budgets],
        "currency": currency,
        "exponent": money.exponent(currency),
        "series": {
            "encumbered": [b.encumbered_minor for b in budgets],
            "spent": [b.spent_minor for b in budgets],
            "available": [b.available_minor for b in budgets],
        },
    }


def budget_detail_queryset(*, user: Any) -> QuerySet[Budget]:
    return Budget.objects.visible_to(user).select_related("department", "department__organization")


def budget_entry_list(*, budget: Budget) -> QuerySet[BudgetEntry]:
    return budget.entries.select_related("actor", "actor__staff_profile")


# --- audit and notifications --------------------------------------------------------------------


def audit_event_list(
    *,
    user: Any,
    verb_prefix: str = "",
    actor: Any = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    # A client who acted is named from their client account: joined too, not read per row.
    qs = AuditEvent.objects.visible_to(user).select_related(
        "actor__staff_profile", "actor__client_account", "target_type"
    )
    if verb_prefix := verb_prefix.strip():
        qs = qs.filter(verb__startswith=verb_prefix)
    if actor is not None:
        qs = qs.filter(actor=actor)
    # Days in the current time zone as a range of times (created_at__date would hide the index).
    if date_from:
        qs = qs.filter(created_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(created_at__lt=_day_start(date_to + timedelta(days=1)))
    return qs


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_actor_choices(*, user: Any) -> QuerySet[Any]:
    """People who may appear as actors in the user's office's log: its staff."""
    from django.contrib.auth import get_user_model

    office_id = StaffProfile.objects.visible_to(user).values("user_id")
    return (
        get_user_model()
        .objects.filter(pk__in=office_id)
        .select_related("staff_profile")
        .order_by("staff_profile__display_name")
    )


def notification_list(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.visible_to(user)
