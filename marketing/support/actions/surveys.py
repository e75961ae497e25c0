"""Satisfaction surveys.

invitation: sent (created by the sweep, the client notified) -> answered (once)
follow-up:  open (a score of 6 or less; the department's heads told) -> closed (with a note)

The sweep reads the services app's completed work (completed service orders, closed
consultations, attended training sessions that have ended) and closed chats of clients, and
invites each client once: the unique (kind, subject, person) makes a second run, or two runs
at once, create nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from marketing.support import permissions
from marketing.support.models import Conversation, SurveyFollowUp, SurveyInvitation
from office import audit
from office.access import unit_head_ids
from office.actions import notify
from office.exceptions import DomainError
from office.texts import tr

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Kind = SurveyInvitation.Kind
LOW_SCORE = 6  # 0-6 are detractors in NPS terms: somebody should call back
KIND_WORDS = {
    Kind.ORDER: gettext_noop("your service order"),
    Kind.CONSULTATION: gettext_noop("your consultation"),
    Kind.TRAINING: gettext_noop("the training session"),
    Kind.CHAT: gettext_noop("your chat with customer service"),
}


@dataclass(frozen=True)
class Candidate:
    kind: str
    subject_id: int
    label: str
    user_id: int
    client_id: int
    department_id: int
    offering_id: int | None
    completed_at: Any


def _window_start(now: Any) -> Any:
    return now - timedelta(days=getattr(settings, "SUPPORT_SURVEY_WINDOW_DAYS", 30))


def _not_invited(qs: Any, kind: str) -> Any:
    return qs.exclude(pk__in=SurveyInvitation.objects.filter(kind=kind).values("subject_id"))


def _candidates(now: Any) -> list[Candidate]:
    from office.models import ClientAccount
    from services.models import Consultation, ServiceOrder, TrainingRegistration

    since = _window_start(now)
    found: list[Candidate] = []
    orders = ServiceOrder.objects.filter(status=ServiceOrder.Status.COMPLETED, completed_at__gte=since)
    for o in _not_invited(orders, Kind.ORDER).select_related("client")[:500]:
        found.append(Candidate(Kind.ORDER, o.pk, f"{o.number} {o.topic}"[:300], o.client.user_id, o.client_id,
                               o.department_id, o.offering_id, o.completed_at))  # fmt: skip
    consultations = Consultation.objects.filter(status=Consultation.Status.CLOSED, updated_at__gte=since)
    for c in _not_invited(consultations, Kind.CONSULTATION).select_related("client")[:500]:
        found.append(Candidate(Kind.CONSULTATION, c.pk, c.subject[:300], c.client.user_id, c.client_id,
                               c.department_id, None, c.updated_at))  # fmt: skip
    attended = TrainingRegistration.objects.filter(
        status=TrainingRegistration.Status.ATTENDED, session__ends_at__lte=now, session__ends_at__gte=since
    )
    accounts = dict(ClientAccount.objects.values_list("user_id", "pk"))
    for r in _not_invited(attended, Kind.TRAINING).select_related("session")[:500]:
        if r.user_id in accounts:  # surveys go to clients; staff who attended are not asked
            found.append(Candidate(Kind.TRAINING, r.pk, r.session.title[:300], r.user_id, accounts[r.user_id],
                                   r.session.department_id, None, r.session.ends_at))  # fmt: skip
    unit = permissions.customer_service_unit()
    chats = Conversation.objects.filter(status=Conversation.Status.CLOSED, client__isnull=False, closed_at__gte=since)
    for chat in _not_invited(chats, Kind.CHAT).select_related("client")[:500] if unit else []:
        found.append(Candidate(Kind.CHAT, chat.pk, chat.name[:300], chat.client.user_id, chat.client_id, unit.pk,
                               None, chat.closed_at))  # fmt: skip
    return found


def survey_invitation_sweep(*, now: Any = None) -> int:
    """Invite each client to rate completed work of the last SUPPORT_SURVEY_WINDOW_DAYS (30)
    days that has no invitation yet; returns how many invitations were created."""
    now = now or timezone.now()
    return sum(_invite(candidate) for candidate in _candidates(now))


def _invite(candidate: Candidate) -> bool:
    try:
        with transaction.atomic():
            survey = SurveyInvitation.objects.create(
                kind=candidate.kind,
                subject_id=candidate.subject_id,
                subject_label=candidate.label,
                user_id=candidate.user_id,
                client_id=candidate.client_id,
                department_id=candidate.department_id,
                offering_id=candidate.offering_id,
                completed_at=candidate.completed_at,
            )
            audit.record(actor=None, target=survey, verb="support.survey.invited", data={"kind": candidate.kind})
            notify(
                recipient_id=candidate.user_id,
                verb="support.survey.invited",
                title=gettext_noop("How did we do? Tell us about %(what)s"),
                body=gettext_noop("One score from 0 to 10 and a comment if you like: %(subject)s"),
                params={"what": tr(KIND_WORDS[candidate.kind]), "subject": candidate.label},
                url=reverse("support:survey_answer", kwargs={"token": survey.token}),
            )
    except IntegrityError:  # another sweep invited this one a moment ago
        return False
    return True


def _clean_ratings(ratings: dict[str, Any] | None) -> dict[str, int]:
    clean: dict[str, int] = {}
    for topic, value in (ratings or {}).items():
        if value in (None, ""):
            continue
        if topic not in SurveyInvitation.TOPICS or not str(value).isdigit() or not 1 <= int(value) <= 5:
            raise DomainError(_("Rate each topic from 1 to 5, or leave it out."))
        clean[topic] = int(value)
    return clean


@transaction.atomic
def survey_answer(
    *, token: str, actor: User, score: int, comment: str = "", ratings: dict[str, Any] | None = None
) -> SurveyInvitation:
    """The invited client answers, once. A score of 6 or less opens a follow-up for the
    heads of the department concerned (they are told)."""
    survey = SurveyInvitation.objects.select_for_update().filter(token=token).first()
    if survey is None or survey.user_id != actor.pk:
        raise PermissionDenied
    if survey.status == SurveyInvitation.Status.ANSWERED:
        raise DomainError(_("You have already answered this survey. Thank you!"))
    if score is None or not 0 <= int(score) <= 10:
        raise DomainError(_("Choose a score from 0 to 10."))
    survey.score, survey.comment = int(score), (comment or "").strip()[:4000]
    survey.ratings = _clean_ratings(ratings)
    survey.status, survey.answered_at = SurveyInvitation.Status.ANSWERED, timezone.now()
    survey.save()
    audit.record(actor=actor, target=survey, verb="support.survey.answered", data={"score": survey.score})
    if survey.score <= LOW_SCORE:
        _open_follow_up(survey)
    return survey


def _open_follow_up(survey: SurveyInvitation) -> SurveyFollowUp:
    follow_up = SurveyFollowUp.objects.create(survey=survey, department_id=survey.department_id)
    audit.record(actor=None, target=follow_up, verb="support.follow_up.opened", data={"score": survey.score})
    for user_id in unit_head_ids(survey.department):
        notify(
            recipient_id=user_id,
            verb="support.follow_up.opened",
            title=gettext_noop("Low satisfaction score (%(score)s): %(subject)s"),
            body=gettext_noop("%(client)s gave a score of %(score)s. Please follow up and close the task with a note."),
            params={"score": survey.score, "subject": survey.subject_label, "client": survey.client.display_name},
            url=reverse("support:follow_up_detail", kwargs={"pk": follow_up.pk}),
        )
    return follow_up


@transaction.atomic
def follow_up_close(*, follow_up_id: int, actor: User, note: str) -> SurveyFollowUp:
    """The department's head (or the leadership) closes the follow-up, saying what was done."""
    follow_up = SurveyFollowUp.objects.select_for_update().select_related("department").get(pk=follow_up_id)
    if not permissions.can_close_follow_up(actor, follow_up.department):
        raise PermissionDenied
    if follow_up.status == SurveyFollowUp.Status.CLOSED:
        raise DomainError(_("This follow-up is already closed."))
    if not (note or "").strip():
        raise DomainError(_("Say what was done before closing the follow-up."))
    follow_up.status, follow_up.note = SurveyFollowUp.Status.CLOSED, note.strip()
    follow_up.closed_by, follow_up.closed_at = actor, timezone.now()
    follow_up.save()
    audit.record(actor=actor, target=follow_up, verb="support.follow_up.closed", data={})
    return follow_up
