"""Reads for customer contact: the visitor's chat, the console, transcripts, survey roll-ups."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from marketing.support import permissions
from marketing.support.models import CannedAnswer, Conversation, SurveyFollowUp, SurveyInvitation, is_typing
from office.access import client_account, staff_profile
from office.inbox import InboxItem
from office.models import Department, StaffProfile, localized

SESSION_KEY = "support_chat_token"
Status = Conversation.Status


# --- the visitor's side -----------------------------------------------------------------------


def visitor_conversation(request: HttpRequest) -> Conversation | None:
    """The chat this browser holds (its session), else a signed-in client's latest open chat."""
    token = request.session.get(SESSION_KEY)
    if token:
        found = Conversation.objects.filter(token=token).first()
        if found is not None:
            return found
    if client_account(request.user) is not None:
        return Conversation.objects.filter(user=request.user).exclude(status=Status.CLOSED).first()
    return None


def _etag(*parts: Any) -> str:
    digest = hashlib.sha1("|".join(str(p) for p in parts).encode()).hexdigest()[:20]  # noqa: S324 (not security)
    return f'"{digest}"'


def _poll_row(column: str, key: str, value: Any) -> tuple[Any, ...] | None:
    """One row by primary or unique key, in plain SQL: a poll runs this every few seconds per open
    widget, and the ORM's query compilation cost more than the indexed lookup itself."""
    table = connection.ops.quote_name(Conversation._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT changed_at, {column}, status FROM {table} WHERE {key} = %s", [value])  # noqa: S608
        return cursor.fetchone()


def visitor_poll_etag(token: str) -> str | None:
    """The visitor's log version: one indexed one-row query. None: no such chat."""
    row = _poll_row("staff_typing_at", "token", token)
    if row is None:
        return None
    changed, staff_typing, status = row
    return _etag("v", token, changed.timestamp(), is_typing(staff_typing), status, get_language())


def staff_poll_etag(pk: int) -> str | None:
    row = _poll_row("visitor_typing_at", "id", pk)
    if row is None:
        return None
    changed, visitor_typing, status = row
    return _etag("s", pk, changed.timestamp(), is_typing(visitor_typing), status, get_language())


def chat_log(conversation: Conversation) -> list[Any]:
    return list(conversation.messages.all())


# --- the console --------------------------------------------------------------------------------


def console_conversations() -> QuerySet[Conversation]:
    return (
        Conversation.objects.exclude(status=Status.CLOSED)
        .select_related("assigned_to", "client")
        .order_by("status", "changed_at")
    )


def console_etag(user: Any) -> str:
    """The console list's version: the open chats' ids, change times and typing, in one query."""
    rows = Conversation.objects.exclude(status=Status.CLOSED).values_list(
        "pk", "changed_at", "visitor_typing_at", "assigned_to_id"
    )
    now = timezone.now()
    parts = [
        f"{pk}:{changed.timestamp()}:{is_typing(typing, now)}:{assigned}" for pk, changed, typing, assigned in rows
    ]
    return _etag("c", user.pk, get_language(), *sorted(parts))


def colleagues(exclude_id: int | None = None) -> list[StaffProfile]:
    """Customer-service staff a chat may be passed to."""
    unit = permissions.customer_service_unit()
    if unit is None:
        return []
    profiles = StaffProfile.objects.filter(organization__is_home=True, user__is_active=True).select_related(
        "department", "user"
    )
    return [p for p in profiles if permissions.in_unit(p.department, unit.pk) and p.user_id != exclude_id]


def canned_answers() -> QuerySet[CannedAnswer]:
    return CannedAnswer.objects.filter(is_active=True)


def visitor_context(conversation: Conversation) -> dict[str, Any]:
    """What the console shows beside the chat: the page, the language, a client's orders."""
    orders: list[Any] = []
    if conversation.user_id is not None:
        from services.selectors import order_list

        orders = list(order_list(user=conversation.user)[:5])
    return {"orders": orders, "earlier": Conversation.objects.filter(email__iexact=conversation.email).count() - 1}


def transcript_search(query: str) -> QuerySet[Conversation]:
    qs = Conversation.objects.select_related("assigned_to").order_by("-changed_at")
    query = (query or "").strip()
    if query:
        qs = qs.filter(
            Q(name__icontains=query) | Q(email__icontains=query) | Q(messages__text__icontains=query)
        ).distinct()
    return qs


# --- surveys --------------------------------------------------------------------------------------


def survey_for(*, user: Any, token: str) -> SurveyInvitation:
    """The invitation if it is `user`'s, else DoesNotExist (the view's 404)."""
    return SurveyInvitation.objects.select_related("department", "offering").get(token=token, user_id=user.pk)


def _unit_ids(unit_id: int) -> set[int]:
    ids, frontier = {unit_id}, {unit_id}
    while frontier:
        frontier = set(Department.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        ids |= frontier
    return ids


def surveys_visible_to(user: Any) -> QuerySet[SurveyInvitation]:
    if not permissions.can_view_surveys(user):
        return SurveyInvitation.objects.none()
    unit = permissions.survey_unit_scope(user)
    qs = SurveyInvitation.objects.filter(department__organization__is_home=True)
    return qs if unit is None else qs.filter(department_id__in=_unit_ids(unit))


def nps(scores: list[int]) -> dict[str, Any]:
    """Net promoter score: % promoters (9-10) minus % detractors (0-6), with the counts."""
    total = len(scores)
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return {
        "count": total,
        "promoters": promoters,
        "passives": total - promoters - detractors,
        "detractors": detractors,
        "nps": round(100 * (promoters - detractors) / total) if total else None,
        "average": round(sum(scores) / total, 1) if total else None,
    }


def _ratings_average(rows: list[dict[str, Any]]) -> dict[str, float]:
    sums: dict[str, list[int]] = defaultdict(list)
    for ratings in rows:
        for topic, value in (ratings or {}).items():
            sums[topic].append(int(value))
    return {topic: round(sum(v) / len(v), 1) for topic, v in sums.items()}


def survey_rollup(*, user: Any, months: int = 12) -> dict[str, Any]:
    """NPS and averages over the answered surveys the user may see: overall, per department,
    per service and per month (the last `months` months), plus the chart's series."""
    since = (timezone.localdate().replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    answered = surveys_visible_to(user).filter(status=SurveyInvitation.Status.ANSWERED, answered_at__date__gte=since)
    rows = list(answered.select_related("department", "offering").order_by("answered_at"))
    groups: dict[str, dict[Any, list[Any]]] = {"department": defaultdict(list), "service": defaultdict(list),
                                                "month": defaultdict(list)}  # fmt: skip
    for s in rows:
        groups["department"][s.department].append(s)
        groups["service"][s.offering].append(s)
        groups["month"][timezone.localtime(s.answered_at).strftime("%Y-%m")].append(s)

    def summary(items: list[Any]) -> dict[str, Any]:
        return {**nps([s.score for s in items]), "ratings": _ratings_average([s.ratings for s in items])}

    departments = [{"label": localized(d, "name"), **summary(v)} for d, v in groups["department"].items()]
    services = [{"label": localized(o, "name") if o else _("Other (consultations, training, chat)"), **summary(v)}
                for o, v in groups["service"].items()]  # fmt: skip
    month_rows = [{"label": m, **summary(v)} for m, v in sorted(groups["month"].items())]
    return {
        "overall": summary(rows),
        "departments": sorted(departments, key=lambda r: r["label"]),
        "services": sorted(services, key=lambda r: str(r["label"])),
        "months": month_rows,
        "chart": {
            "months": [r["label"] for r in month_rows],
            "month_nps": [r["nps"] for r in month_rows],
            "month_average": [r["average"] for r in month_rows],
            "departments": [r["label"] for r in departments],
            "department_nps": [r["nps"] for r in departments],
        },
        "recent": list(reversed(rows[-20:])),
    }


def follow_ups_visible_to(user: Any) -> QuerySet[SurveyFollowUp]:
    qs = SurveyFollowUp.objects.select_related("survey", "survey__client", "department", "closed_by")
    visible = surveys_visible_to(user).values("pk")
    return qs.filter(survey_id__in=visible)


def inbox_items(user: Any) -> list[InboxItem]:
    """ "My tasks": low scores to follow up (heads, leadership); chats waiting (customer service);
    surveys to answer (clients)."""
    items: list[InboxItem] = []
    if staff_profile(user) is not None:
        if permissions.can_view_surveys(user):
            count = follow_ups_visible_to(user).filter(status=SurveyFollowUp.Status.OPEN).count()
            if count:
                url = reverse("support:survey_dashboard") + "#follow-ups"
                items.append(InboxItem(title=str(_("Low satisfaction scores to follow up")), url=url, count=count))
        if permissions.is_customer_service(user):
            waiting = Conversation.objects.filter(status=Status.OPEN).count()
            if waiting:
                url = reverse("support:console")
                items.append(InboxItem(title=str(_("Chats waiting for an answer")), url=url, count=waiting))
    elif client_account(user) is not None:
        open_surveys = SurveyInvitation.objects.filter(user_id=user.pk, status=SurveyInvitation.Status.SENT).count()
        if open_surveys:
            url = reverse("support:my_surveys")
            items.append(InboxItem(title=str(_("Satisfaction surveys to answer")), url=url, count=open_surveys))
    return items
