"""Races that only PostgreSQL shows (separate connections per thread; SQLite serialises)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.utils import timezone

from office.exceptions import DomainError
from office.models import AuditEvent, ClientAccount, Department
from payments.actions import payment_notify_purpose
from payments.models import Payment
from services import actions
from services.models import ServiceOrder, TrainingRegistration, TrainingSession
from tests.services.factories import pay

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrency needs PostgreSQL (CI runs it there)"
)
pytestmark = [pytest.mark.django_db(transaction=True), postgres_only]


def _run_parallel(functions):
    barrier = threading.Barrier(len(functions))
    results: list[object] = [None] * len(functions)

    def runner(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # noqa: BLE001 (the test inspects what each thread got)
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i, fn)) for i, fn in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_concurrent_registrations_never_exceed_capacity(demo):
    User = get_user_model()
    users = []
    for n in range(6):
        user = User.objects.create_user(f"race{n}", f"race{n}@example.com", "x")
        ClientAccount.objects.create(user=user, display_name=f"Race {n}", email_confirmed=True)
        users.append(user)
    start = timezone.now() + timedelta(days=3)
    session = TrainingSession.objects.create(
        title="Race",
        department=Department.objects.get(organization__is_home=True, code="custsvc"),
        trainer=demo.staff_custsvc,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=2,
    )
    _run_parallel([lambda u=u: actions.training_register(session_id=session.pk, actor=u) for u in users])
    statuses = list(TrainingRegistration.objects.filter(session=session).values_list("status", flat=True))
    assert statuses.count("registered") == 2 and statuses.count("waitlisted") == 4


def test_concurrent_success_handlers_mark_the_order_paid_once(demo):
    from tests.services.factories import order_in

    order = order_in(demo, "accepted")
    payment = actions.order_pay(order_id=order.pk, actor=demo.client_a)
    pay(payment)  # the first notification marks it paid
    paid_at = ServiceOrder.objects.get(pk=order.pk).paid_at

    def again():
        payment_notify_purpose(payment_id=payment.pk)

    Payment.objects.filter(pk=payment.pk).update(notified_status="")  # as if its marker were lost
    results = _run_parallel([again, again, again])
    assert not [r for r in results if isinstance(r, Exception)]
    order.refresh_from_db()
    assert order.paid_at == paid_at and order.status == "paid"
    assert AuditEvent.objects.filter(verb="services.order.paid", target_id=str(order.pk)).count() == 1


def test_concurrent_cancel_and_accept_leave_one_outcome(demo):
    from tests.services.factories import order_in

    order = order_in(demo, "quoted")
    results = _run_parallel(
        [
            lambda: actions.order_accept(order_id=order.pk, actor=demo.client_a),
            lambda: actions.order_cancel(order_id=order.pk, actor=demo.head_infodev),
        ]
    )
    order.refresh_from_db()
    assert order.status in ("accepted", "cancelled")
    errors = [r for r in results if isinstance(r, DomainError)]
    # Either both succeeded in sequence (accept, then cancel before payment) or one was refused.
    assert order.status == "cancelled" or len(errors) == 1
