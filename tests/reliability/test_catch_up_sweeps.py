"""The catch-up sweeps added for issue 17 (services/sweeps.py, cataloging/sweeps.py): each
does only what was left undone, once, however often beat runs it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from cataloging import actions as cataloging_actions
from cataloging import sweeps as cataloging_sweeps
from cataloging.models import BibRecord, ImportJob
from office.models import AuditEvent, Notification, Organization
from services import actions as services_actions
from services import sweeps as services_sweeps
from tests.cataloging.factories import make_marc, make_record
from tests.factories import ClientAccountFactory

pytestmark = pytest.mark.django_db

LATER = timedelta(minutes=30)


def _register(username: str) -> Any:
    return services_actions.client_register(
        username=username,
        email=f"{username}@example.com",
        password="a-Good-password-42",
        kind="person",
        display_name=username.title(),
    )


def _confirmation_mails(address: str) -> int:
    return sum(1 for m in mail.outbox if m.to == [address])


def test_confirmation_reminder_goes_once_to_unconfirmed_self_registered_clients_only(demo: Any) -> None:
    waiting = _register("waiting_client")
    confirmed = _register("confirmed_client")
    confirmed.email_confirmed = True
    confirmed.save()
    made_by_staff = ClientAccountFactory()  # never registered itself: nobody asked for a link
    mail.outbox.clear()

    assert services_sweeps.client_confirmations_resend() == 0  # too early: the first mail may be unread
    assert services_sweeps.client_confirmations_resend(now=timezone.now() + LATER) == 1
    assert services_sweeps.client_confirmations_resend(now=timezone.now() + LATER) == 0  # once
    assert _confirmation_mails("waiting_client@example.com") == 1
    assert _confirmation_mails("confirmed_client@example.com") == 0
    assert _confirmation_mails(made_by_staff.user.email) == 0
    assert AuditEvent.objects.filter(verb="services.client.confirmation_resent", target_id=str(waiting.pk)).count() == 1
    # After the link's lifetime the reminder is not sent at all (the client asks for a new one).
    late = _register("late_client")
    assert services_sweeps.client_confirmations_resend(now=timezone.now() + timedelta(days=4)) == 0
    assert not AuditEvent.objects.filter(verb="services.client.confirmation_resent", target_id=str(late.pk)).exists()


def test_import_job_is_sent_again_only_while_still_queued(demo: Any, settings: Any, tmp_path: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.cataloging.factories import make_raw

    settings.MEDIA_ROOT = tmp_path
    job = cataloging_actions.import_job_create(
        actor=demo.staff_east, upload=SimpleUploadedFile("a.mrc", make_raw(control="SW1", title="Swept"))
    )
    assert cataloging_sweeps.import_jobs_requeue() == 0  # just created: its own task first
    assert cataloging_sweeps.import_jobs_requeue(now=timezone.now() + LATER) == 1  # runs inline (eager)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED
    assert cataloging_sweeps.import_jobs_requeue(now=timezone.now() + LATER) == 0


def test_only_a_current_untold_decision_is_told_with_its_own_version(demo: Any) -> None:
    # The demo's own decisions were never told here (its after-commit tasks do not run in a
    # test transaction): the first run tells them, as it would after an outage.
    cataloging_sweeps.record_decisions_notify(now=timezone.now() + LATER)
    east = Organization.objects.get(code="east")
    told_already = make_record(east, status=BibRecord.Status.IN_REVIEW, actor=demo.staff_east, title="Told")
    cataloging_actions.record_approve(record_id=told_already.pk, actor=demo.head_infodev)
    cataloging_actions.record_decision_notify(record_id=told_already.pk, version=told_already.version)
    superseded = make_record(east, status=BibRecord.Status.IN_REVIEW, actor=demo.staff_east, title="Superseded")
    cataloging_actions.record_return(record_id=superseded.pk, actor=demo.head_infodev, note="Fix the 245")
    cataloging_actions.record_submit(record_id=superseded.pk, actor=demo.staff_east)  # the news is moot now
    edited = make_record(east, status=BibRecord.Status.IN_REVIEW, actor=demo.staff_east, title="Edited")
    cataloging_actions.record_return(record_id=edited.pk, actor=demo.head_infodev, note="Fix the 245")
    cataloging_actions.record_decision_notify(record_id=edited.pk, version=edited.version)  # told
    cataloging_actions.record_update(  # still returned, now v2 and another title
        record_id=edited.pk, actor=demo.staff_east, marc_record=make_marc(title="Edited, fixed")
    )
    lost = make_record(east, status=BibRecord.Status.IN_REVIEW, actor=demo.staff_east, title="Lost news")
    cataloging_actions.record_reject(record_id=lost.pk, actor=demo.head_infodev, note="Duplicate")

    assert cataloging_sweeps.record_decisions_notify() == 0  # too early
    assert cataloging_sweeps.record_decisions_notify(now=timezone.now() + LATER) == 1
    assert cataloging_sweeps.record_decisions_notify(now=timezone.now() + LATER) == 0
    lost.refresh_from_db()
    news = Notification.objects.filter(recipient=demo.staff_east, verb="cataloging.record.rejected")
    assert [n.title_text for n in news] == [f"{lost} (v{lost.version}): {lost.get_status_display()}"]
    returned = Notification.objects.filter(recipient=demo.staff_east, verb="cataloging.record.returned")
    assert [n.url for n in returned] == [f"/catalog/records/{edited.pk}/"]  # told once, before the edit


def test_delivery_is_sent_once_and_an_old_one_is_left_to_a_person(demo: Any, settings: Any, tmp_path: Any) -> None:
    from services.models import Delivery
    from tests.services.factories import order_in, pdf_upload

    settings.MEDIA_ROOT = tmp_path
    order = order_in(demo, "in_progress")
    item = services_actions.order_file_add(
        order_id=order.pk, actor=demo.staff_infodev, upload=pdf_upload(), kind="deliverable"
    )
    delivery = services_actions.order_deliver(
        order_id=order.pk, actor=demo.staff_infodev, channel="email", file_ids=[item.pk]
    )
    old = Delivery.objects.create(order=order, channel="email", recipient="old@example.com", sent_by=demo.staff_infodev)
    Delivery.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))

    assert services_sweeps.deliveries_send_unsent() == 0  # too early
    assert services_sweeps.deliveries_send_unsent(now=timezone.now() + LATER) == 1
    assert services_sweeps.deliveries_send_unsent(now=timezone.now() + LATER) == 0
    delivery.refresh_from_db()
    old.refresh_from_db()
    assert delivery.emailed_at is not None and old.emailed_at is None
