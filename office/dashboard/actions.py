"""The monthly report e-mailed to each office's director on the first working day of the
month (office/dashboard/tasks.py, hourly from beat). One per director and month: the sending
is recorded in the audit log (`office.dashboard.report_sent`, data `month`), checked under the
director's row lock, so a repeat, a second worker or an hourly run later in the month (the
catch-up after a broker outage on the first working day) never sends it twice."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from office import audit
from office.access import Role
from office.dashboard.report import file_name, report_pdf
from office.dashboard.tiles import Period, Scope
from office.models import AuditEvent, StaffProfile
from office.texts import language_for

SENT_VERB = "office.dashboard.report_sent"


def first_working_day(year: int, month: int) -> dt.date:
    """The month's first day from Monday to Friday."""
    day = dt.date(year, month, 1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def monthly_reports_due(today: dt.date) -> Period | None:
    """Last month's period once this month's first working day has come, else None."""
    if today < first_working_day(today.year, today.month):
        return None
    return Period.of("month", today.replace(day=1) - dt.timedelta(days=1))


def monthly_reports_send(*, today: dt.date | None = None) -> int:
    """Send every office's director last month's report if they have not had it; returns how many."""
    period = monthly_reports_due(today or timezone.localdate())
    if period is None:
        return 0
    directors = StaffProfile.objects.filter(position__role=Role.DIRECTOR, user__is_active=True).values_list(
        "user_id", flat=True
    )
    return sum(1 for user_id in list(directors) if monthly_report_send(user_id=user_id, month=period.start))


def monthly_report_send(*, user_id: int, month: dt.date) -> bool:
    """E-mail `month`'s report (a PDF in the director's language) once; whether it was sent now."""
    period = Period.of("month", month)
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user_id)
        profile = StaffProfile.objects.select_related("organization", "position").get(user_id=user.pk)
        if profile.position.role != Role.DIRECTOR or not user.is_active or not user.email:
            return False
        if AuditEvent.objects.filter(
            verb=SENT_VERB, target_id=str(user.pk), data__month=period.start.isoformat()
        ).exists():
            return False
        scope = Scope(user=user, organization=profile.organization, period=period)
        with translation.override(language_for(user)):
            content, name = report_pdf(scope), file_name(scope)
            subject = _("Monthly report: %(period)s") % {"period": period.label}
            body = _(
                "The office's report for %(period)s is attached. The dashboard has the figures as they are now."
            ) % {"period": period.label}
        message = EmailMessage(subject, body, to=[user.email])
        message.attach(name, content, "application/pdf")
        message.send()
        audit.record(
            actor=None,
            verb=SENT_VERB,
            target=user,
            organization=profile.organization,
            data={"month": period.start.isoformat()},
        )
    return True
