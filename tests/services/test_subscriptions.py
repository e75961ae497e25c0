"""Subscriptions (paid per period, digest per period), consultations and training sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from office.exceptions import DomainError, InvalidTransition
from office.models import Notification, Organization
from payments.models import Payment
from services import actions
from services.models import (
    Consultation,
    Digest,
    Offering,
    Subscription,
    SubscriptionPeriod,
    TrainingRegistration,
    TrainingSession,
)
from tests.factories import retell_purpose
from tests.services.factories import pay

pytestmark = pytest.mark.django_db


def _subscription(demo, client="client_a", paid=True, terms="graphene separator"):
    offering = Offering.objects.get(code="tracking")
    subscription = actions.subscription_create(
        actor=demo.users[client], offering_id=offering.pk, topic="Battery separators", search_terms=terms
    )
    if paid:
        pay(actions.subscription_pay(subscription_id=subscription.pk, actor=demo.users[client]))
        subscription.refresh_from_db()
    return subscription


def _end_period(subscription):
    """Move the subscription's periods into the past so the latest has just ended."""
    days = subscription.period_days
    for period in subscription.periods.all():
        SubscriptionPeriod.objects.filter(pk=period.pk).update(
            starts_on=period.starts_on - timedelta(days=days), ends_on=period.ends_on - timedelta(days=days)
        )


# --- subscriptions ---------------------------------------------------------------------------------


def test_subscribe_pay_activates_and_handler_is_idempotent(demo):
    subscription = _subscription(demo, paid=False)
    assert subscription.status == Subscription.Status.PENDING
    payment = actions.subscription_pay(subscription_id=subscription.pk, actor=demo.client_a)
    assert payment.amount_minor == Offering.objects.get(code="tracking").price_minor
    pay(payment)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE
    assert subscription.paid_until == timezone.localdate() + timedelta(days=subscription.period_days)
    period = subscription.periods.get()
    paid_at = period.paid_at
    retell_purpose(payment)
    period.refresh_from_db()
    assert period.paid_at == paid_at


def test_subscription_pay_refuses_other_clients_and_ordinary_orders_of_subscriptions(demo):
    subscription = _subscription(demo, paid=False)
    with pytest.raises(PermissionDenied):
        actions.subscription_pay(subscription_id=subscription.pk, actor=demo.client_b)
    with pytest.raises(DomainError):
        actions.order_create(
            actor=demo.client_a,
            offering_id=Offering.objects.get(code="tracking").pk,
            topic="x",
            delivery_channel="email",
        )


def test_renew_adds_the_next_period_only_after_payment(demo):
    subscription = _subscription(demo, paid=False)
    with pytest.raises(DomainError):
        actions.subscription_renew(subscription_id=subscription.pk, actor=demo.client_a)
    pay(actions.subscription_pay(subscription_id=subscription.pk, actor=demo.client_a))
    period = actions.subscription_renew(subscription_id=subscription.pk, actor=demo.client_a)
    first = subscription.periods.order_by("starts_on").first()
    assert period.starts_on == first.ends_on
    pay(actions.subscription_pay(subscription_id=subscription.pk, actor=demo.client_a))
    subscription.refresh_from_db()
    assert subscription.paid_until == period.ends_on


def test_digest_is_built_once_per_period_and_emailed_once(demo, django_capture_on_commit_callbacks):
    from cataloging.models import BibRecord

    subscription = _subscription(demo)
    actions.subscription_item_add(
        subscription_id=subscription.pk, actor=demo.staff_infodev, title="Clipping: separators in Nature"
    )
    _end_period(subscription)
    period = subscription.periods.get()
    home = Organization.objects.get(is_home=True)
    shared_at = timezone.make_aware(
        timezone.datetime.combine(period.starts_on + timedelta(days=1), timezone.datetime.min.time())
    )
    BibRecord.objects.create(
        organization=home,
        status="approved",
        title="Graphene separator membranes",
        search_text="graphene separator membranes",
        shared_at=shared_at,
    )
    BibRecord.objects.create(organization=home, status="approved", title="Unrelated", search_text="poetry",
                             shared_at=shared_at)  # fmt: skip
    subscription.items.update(created_at=shared_at)  # added during the period
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.digest_run_due() == 1
        assert actions.digest_run_due() == 0  # the second run finds the digest
        assert actions.digest_build(period_id=period.pk) is None
    digest = Digest.objects.get(subscription=subscription)
    assert digest.record_count == 1 and digest.item_count == 1
    assert "Graphene separator membranes" in digest.body and "Unrelated" not in digest.body
    assert [m.to for m in mail.outbox if "digest" in m.subject.lower()] == [["client.a@example.com"]]
    assert actions.digest_send_email(digest_id=digest.pk) is False
    assert Notification.objects.filter(recipient=demo.client_a, verb="services.subscription.digest").count() == 1


def test_the_periodic_task_builds_due_digests(demo):
    from services.tasks import subscription_digest_task

    subscription = _subscription(demo)
    _end_period(subscription)
    assert subscription_digest_task.apply().get() == 1
    assert subscription_digest_task.apply().get() == 0


def test_no_digest_for_unpaid_or_running_periods(demo):
    unpaid = _subscription(demo, paid=False)
    running = _subscription(demo)
    _end_period(unpaid)
    assert actions.digest_run_due() == 0
    assert not Digest.objects.filter(subscription__in=[unpaid, running]).exists()


def test_schedule_is_registered():
    from office.schedules import DEFAULT_SCHEDULES

    assert DEFAULT_SCHEDULES["services subscription digests"][0] == "services.tasks.subscription_digest_task"


def test_cancel_cancels_the_open_payment(demo):
    subscription = _subscription(demo, paid=False)
    payment = actions.subscription_pay(subscription_id=subscription.pk, actor=demo.client_a)
    with pytest.raises(PermissionDenied):
        actions.subscription_cancel(subscription_id=subscription.pk, actor=demo.client_b)
    actions.subscription_cancel(subscription_id=subscription.pk, actor=demo.client_a)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED


def test_staff_items_only_by_the_providing_department(demo):
    subscription = _subscription(demo)
    with pytest.raises(PermissionDenied):
        actions.subscription_item_add(subscription_id=subscription.pk, actor=demo.client_a, title="x")
    with pytest.raises(PermissionDenied):
        actions.subscription_item_add(subscription_id=subscription.pk, actor=demo.staff_east, title="x")


def test_client_b_gets_404_on_client_a_subscription_and_digest(demo):
    subscription = _subscription(demo)
    _end_period(subscription)
    actions.digest_run_due()
    digest = Digest.objects.get(subscription=subscription)
    client_b = demo.client("client_b")
    assert client_b.get(reverse("services:subscription_detail", args=[subscription.pk])).status_code == 404
    assert client_b.get(reverse("services:digest_detail", args=[digest.pk])).status_code == 404
    for name in ("subscription_pay", "subscription_renew", "subscription_cancel", "subscription_item_add"):
        assert client_b.post(reverse(f"services:{name}", args=[subscription.pk])).status_code == 404, name
    assert demo.client("client_a").get(reverse("services:digest_detail", args=[digest.pk])).status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE


# --- consultations -------------------------------------------------------------------------------


def test_consultation_thread_tracks_the_first_response(demo):
    consultation = actions.consultation_open(actor=demo.client_a, subject="Patent databases", body="Which ones?")
    assert consultation.department.code == "custsvc"
    assert Notification.objects.filter(recipient=demo.head_custsvc, verb="services.consultation.opened").exists()
    with pytest.raises(PermissionDenied):
        actions.consultation_reply(consultation_id=consultation.pk, actor=demo.staff_infodev, body="x")
    with pytest.raises(PermissionDenied):
        actions.consultation_reply(consultation_id=consultation.pk, actor=demo.client_b, body="x")
    actions.consultation_reply(consultation_id=consultation.pk, actor=demo.staff_custsvc, body="CNIPA and Espacenet.")
    consultation.refresh_from_db()
    first = consultation.first_response_at
    assert consultation.status == Consultation.Status.ANSWERED and first is not None
    actions.consultation_reply(consultation_id=consultation.pk, actor=demo.client_a, body="Thanks")
    actions.consultation_reply(consultation_id=consultation.pk, actor=demo.staff_custsvc, body="You're welcome")
    consultation.refresh_from_db()
    assert consultation.first_response_at == first
    actions.consultation_close(consultation_id=consultation.pk, actor=demo.client_a)
    with pytest.raises(DomainError):
        actions.consultation_reply(consultation_id=consultation.pk, actor=demo.client_a, body="again")


def test_client_b_gets_404_on_client_a_consultation(demo):
    consultation = actions.consultation_open(actor=demo.client_a, subject="Secret", body="Question")
    client_b = demo.client("client_b")
    assert client_b.get(reverse("services:consultation_detail", args=[consultation.pk])).status_code == 404
    assert (
        client_b.post(reverse("services:consultation_reply", args=[consultation.pk]), {"body": "x"}).status_code == 404
    )
    assert client_b.post(reverse("services:consultation_close", args=[consultation.pk])).status_code == 404
    assert "Secret" not in client_b.get(reverse("services:consultation_list")).content.decode()
    assert (
        demo.client("staff_east").get(reverse("services:consultation_detail", args=[consultation.pk])).status_code
        == 404
    )


# --- training --------------------------------------------------------------------------------------


def _session(demo, capacity=2, hours=48):
    start = timezone.now() + timedelta(hours=hours)
    return TrainingSession.objects.create(
        title="Patent searching",
        description="Hands-on, with CNIPA; bring a laptop",
        department=demo.head_custsvc.staff_profile.department,
        trainer=demo.staff_custsvc,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        location="Room 301, Guangzhou",
        capacity=capacity,
    )


def test_training_fills_then_waitlists_and_promotes(demo, django_user_model):
    from office.models import ClientAccount

    session = _session(demo)
    extra = django_user_model.objects.create_user("client_c", "c@example.com", "x")
    ClientAccount.objects.create(user=extra, display_name="C", email_confirmed=True)
    a = actions.training_register(session_id=session.pk, actor=demo.client_a)
    b = actions.training_register(session_id=session.pk, actor=demo.client_b)
    c = actions.training_register(session_id=session.pk, actor=extra)
    assert (a.status, b.status, c.status) == ("registered", "registered", "waitlisted")
    with pytest.raises(DomainError):
        actions.training_register(session_id=session.pk, actor=demo.client_a)
    with pytest.raises(PermissionDenied):
        actions.training_cancel(registration_id=a.pk, actor=demo.client_b)
    actions.training_cancel(registration_id=a.pk, actor=demo.client_a)
    c.refresh_from_db()
    assert c.status == TrainingRegistration.Status.REGISTERED
    assert Notification.objects.filter(recipient=extra, verb="services.training.promoted").exists()
    assert session.registrations.filter(status="registered").count() == 2


def test_training_attendance_only_by_the_trainer_or_head(demo):
    session = _session(demo)
    registration = actions.training_register(session_id=session.pk, actor=demo.client_a)
    with pytest.raises(PermissionDenied):
        actions.training_mark_attended(registration_id=registration.pk, actor=demo.staff_infodev)
    actions.training_mark_attended(registration_id=registration.pk, actor=demo.staff_custsvc)
    registration.refresh_from_db()
    assert registration.status == TrainingRegistration.Status.ATTENDED


def test_training_reminders_go_out_once(demo):
    soon = _session(demo, hours=5)
    later = _session(demo, hours=72)
    actions.training_register(session_id=soon.pk, actor=demo.client_a)
    actions.training_register(session_id=later.pk, actor=demo.client_a)
    mail.outbox.clear()
    assert actions.training_send_reminders() == 1
    assert actions.training_send_reminders() == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["client.a@example.com"]


def test_training_ical_file(demo):
    session = _session(demo)
    response = demo.client(None).get(reverse("services:training_ical", args=[session.pk]))
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in text and "SUMMARY:Patent searching" in text
    assert "DESCRIPTION:Hands-on\\, with CNIPA\\; bring a laptop" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_training_pages_through_the_views(demo):
    session = _session(demo, capacity=1)
    client_a, client_b = demo.client("client_a"), demo.client("client_b")
    client_a.post(reverse("services:training_register", args=[session.pk]))
    client_b.post(reverse("services:training_register", args=[session.pk]))
    page = client_b.get(reverse("services:training_detail", args=[session.pk])).content.decode()
    assert "On the waiting list" in page
    mine = TrainingRegistration.objects.get(session=session, user=demo.client_a)
    assert client_b.post(reverse("services:training_cancel", args=[mine.pk])).status_code == 404
    mine.refresh_from_db()
    assert mine.status == "registered"


def test_training_fee_is_paid_once_by_the_registered_client(demo):
    session = _session(demo)
    TrainingSession.objects.filter(pk=session.pk).update(fee_minor=20_000)
    registration = actions.training_register(session_id=session.pk, actor=demo.client_a)
    with pytest.raises(PermissionDenied):
        actions.training_pay(registration_id=registration.pk, actor=demo.client_b)
    payment = actions.training_pay(registration_id=registration.pk, actor=demo.client_a)
    assert payment.amount_minor == 20_000
    pay(payment)
    registration.refresh_from_db()
    paid_at = registration.paid_at
    assert paid_at is not None
    retell_purpose(payment)
    registration.refresh_from_db()
    assert registration.paid_at == paid_at
    with pytest.raises(DomainError):
        actions.training_pay(registration_id=registration.pk, actor=demo.client_a)
    assert demo.client("client_b").post(reverse("services:training_pay", args=[registration.pk])).status_code == 404


def test_cancelling_a_paid_training_registration_refunds_the_fee(demo, django_capture_on_commit_callbacks):
    from payments.models import Refund

    session = _session(demo, capacity=1)
    TrainingSession.objects.filter(pk=session.pk).update(fee_minor=20_000)
    registration = actions.training_register(session_id=session.pk, actor=demo.client_a)
    waiting = actions.training_register(session_id=session.pk, actor=demo.client_b)
    payment = pay(actions.training_pay(registration_id=registration.pk, actor=demo.client_a))
    with pytest.raises(PermissionDenied):
        actions.training_cancel(registration_id=registration.pk, actor=demo.client_b)
    with django_capture_on_commit_callbacks(execute=True):
        actions.training_cancel(registration_id=registration.pk, actor=demo.client_a)
    payment.refresh_from_db()
    waiting.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED and payment.refunded_minor == 20_000
    refund = Refund.objects.get(payment=payment)
    assert refund.requested_by == demo.client_a and refund.status == Refund.Status.SUCCEEDED
    assert waiting.status == TrainingRegistration.Status.REGISTERED  # promoted
    # Idempotent: a cancelled registration cannot be cancelled again; no second refund.
    with pytest.raises(InvalidTransition):
        actions.training_cancel(registration_id=registration.pk, actor=demo.client_a)
    assert Refund.objects.filter(payment=payment).count() == 1


def test_a_fee_paid_after_cancelling_is_refunded_automatically(demo, django_capture_on_commit_callbacks):
    session = _session(demo)
    TrainingSession.objects.filter(pk=session.pk).update(fee_minor=20_000)
    registration = actions.training_register(session_id=session.pk, actor=demo.client_a)
    payment = actions.training_pay(registration_id=registration.pk, actor=demo.client_a)
    actions.training_cancel(registration_id=registration.pk, actor=demo.client_a)
    with django_capture_on_commit_callbacks(execute=True):
        pay(payment)
    payment.refresh_from_db()
    registration.refresh_from_db()
    # Never booked for the cancelled registration; the money went back.
    assert registration.paid_at is None and registration.status == TrainingRegistration.Status.CANCELLED
    assert payment.status == Payment.Status.REFUNDED
    assert payment.purpose_outcome == Payment.PurposeOutcome.CLOSED


def test_waitlisted_registrations_cannot_pay(demo):
    session = _session(demo, capacity=1)
    TrainingSession.objects.filter(pk=session.pk).update(fee_minor=20_000)
    actions.training_register(session_id=session.pk, actor=demo.client_a)
    waiting = actions.training_register(session_id=session.pk, actor=demo.client_b)
    with pytest.raises(DomainError):
        actions.training_pay(registration_id=waiting.pk, actor=demo.client_b)
