"""Every kind of work that `enqueue_on_commit` sends is caught up by a periodic sweep when the
broker was down (issue 17, RELIABILITY.md F1).

For each task: the action runs while the private Redis is killed, so the publish fails (fast,
logged) and the work is not done; Redis comes back and the sweep beat would send runs, as the
worker runs it; the work is done. `test_every_enqueued_task_has_a_catch_up_case` reads the
code base for `enqueue_on_commit(` and fails when a task is sent that no case here covers:
a new kind of enqueued work needs a sweep (and a line in README's table) the day it is added,
or an entry in NO_SWEEP that says why none can exist.
"""

from __future__ import annotations

import ast
import importlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from office.queue import resolve_task
from tests.reliability.conftest import RedisServer, run_eagerly

pytestmark = pytest.mark.django_db

LATER = timedelta(minutes=30)  # how long after the outage the sweep runs (past every grace period)


@dataclass(frozen=True)
class Case:
    task: str  # what enqueue_on_commit sends
    sweep: str  # the beat task that catches it up
    prepare: Callable[[Any], Any]  # the state before the action (broker up, tasks inline)
    act: Callable[[Any, Any], Any]  # the action that enqueues `task`; returns what to check
    done: Callable[[Any], bool]
    catch_up: Callable[[Any], Any]  # the sweep's body, as the worker runs it


def _nothing(demo: Any) -> None:
    return None


# --- office --------------------------------------------------------------------------------------


def _notify(demo: Any, _prepared: Any) -> Any:
    from office.actions import notify

    return notify(recipient_id=demo.staff_infodev.pk, verb="tests.outage", title="Broker outage test")


def _notification_emailed(notification: Any) -> bool:
    notification.refresh_from_db()
    return notification.emailed_at is not None


def _notification_sweep(notification: Any) -> None:
    from office.models import Notification
    from office.tasks import notification_email_sweep_task

    # The sweep leaves a notification two minutes to its own task.
    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    notification_email_sweep_task()


# --- procurement ---------------------------------------------------------------------------------


def _approved_request(demo: Any) -> Any:
    from procurement import actions
    from tests.procurement.conftest import make_request

    pr = make_request(demo.staff_infodev, [("BH-1001", 1)])
    actions.purchase_request_approve(request_id=pr.pk, actor=demo.head_infodev)
    return pr


def _place_orders(demo: Any, pr: Any) -> Any:
    from procurement import actions

    return actions.purchase_request_place_orders(request_id=pr.pk, actor=demo.staff_infodev)


def _orders_sent(orders: Any) -> bool:
    for order in orders:
        order.refresh_from_db()
    return all(order.sent_at is not None for order in orders)


def _orders_sweep(_orders: Any) -> None:
    from procurement.tasks import orders_tracking_sweep_task

    orders_tracking_sweep_task()


# --- services ------------------------------------------------------------------------------------


def _ended_subscription_period(demo: Any) -> Any:
    from tests.services.test_subscriptions import _end_period, _subscription

    subscription = _subscription(demo)
    _end_period(subscription)
    return subscription


def _build_digests(demo: Any, subscription: Any) -> Any:
    from services import actions
    from services.models import Digest

    assert actions.digest_run_due() == 1
    return Digest.objects.get(subscription=subscription)


def _digest_emailed(digest: Any) -> bool:
    digest.refresh_from_db()
    return digest.emailed_at is not None


def _digest_sweep(_digest: Any) -> None:
    from services.tasks import digest_email_sweep_task

    digest_email_sweep_task()


def _order_in_progress_with_file(demo: Any) -> Any:
    from services import actions
    from tests.services.factories import order_in, pdf_upload

    order = order_in(demo, "in_progress")
    item = actions.order_file_add(order_id=order.pk, actor=demo.staff_infodev, upload=pdf_upload(), kind="deliverable")
    return order, item


def _deliver_by_email(demo: Any, prepared: Any) -> Any:
    from services import actions

    order, item = prepared
    return actions.order_deliver(order_id=order.pk, actor=demo.staff_infodev, channel="email", file_ids=[item.pk])


def _delivery_emailed(delivery: Any) -> bool:
    delivery.refresh_from_db()
    return delivery.emailed_at is not None


def _services_sweep_later(_target: Any) -> None:
    from services import sweeps

    sweeps.deliveries_send_unsent(now=timezone.now() + LATER)
    sweeps.client_confirmations_resend(now=timezone.now() + LATER)


def _register_client(demo: Any, _prepared: Any) -> Any:
    from services import actions

    mail.outbox.clear()
    return actions.client_register(
        username="outage_client",
        email="outage.client@example.com",
        password="a-Good-password-42",
        kind="person",
        display_name="Outage Client",
    )


def _confirmation_mailed(account: Any) -> bool:
    return any(m.to == ["outage.client@example.com"] for m in mail.outbox)


# --- cataloging ----------------------------------------------------------------------------------


def _import_upload(demo: Any) -> Any:
    from tests.cataloging.factories import make_raw

    return SimpleUploadedFile("outage.mrc", make_raw(control="OUT1", title="Queued during an outage"))


def _create_import_job(demo: Any, upload: Any) -> Any:
    from cataloging import actions

    return actions.import_job_create(actor=demo.staff_east, upload=upload)


def _import_job_ran(job: Any) -> bool:
    from cataloging.models import ImportJob

    job.refresh_from_db()
    return job.status == ImportJob.Status.SUCCEEDED


def _cataloging_sweep_later(_target: Any) -> None:
    from cataloging import sweeps

    sweeps.import_jobs_requeue(now=timezone.now() + LATER)
    sweeps.record_decisions_notify(now=timezone.now() + LATER)


def _record_in_review(demo: Any) -> Any:
    from cataloging.models import BibRecord
    from office.models import Organization
    from tests.cataloging.factories import make_record

    east = Organization.objects.get(code="east")
    return make_record(east, status=BibRecord.Status.IN_REVIEW, actor=demo.staff_east)


def _approve_record(demo: Any, record: Any) -> Any:
    from cataloging import actions

    return actions.record_approve(record_id=record.pk, actor=demo.head_infodev, note="Good record")


def _submitter_told(record: Any) -> bool:
    from office.models import Notification

    return Notification.objects.filter(recipient=record.submitted_by, verb="cataloging.record.approved").exists()


# --- payments ------------------------------------------------------------------------------------


def _request_payment_with_intent(demo: Any) -> Any:
    from payments import actions

    request = actions.payment_request_create(
        actor=demo.business_assistant, payer=demo.client_a, amount_minor=20_000, description="Outage test 停机测试"
    )
    payment = actions.payment_request_pay(request_id=request.pk, actor=demo.client_a)
    actions.payment_ensure_intent(payment_id=payment.pk)
    payment.refresh_from_db()
    return payment


def _pay_on_the_provider_page(demo: Any, payment: Any) -> Any:
    """The payer's card succeeds at the (simulated) provider, which announces it by an event."""
    from payments.gateways.simulated import SimulatedGateway

    SimulatedGateway().pay(reference=payment.provider_reference, card_number="4242424242424242")
    return payment


def _provider_success_recorded(demo: Any, payment: Any) -> Any:
    """The success is recorded (as a status poll or the webhook records it); the purpose is
    told after commit, by the task the outage loses."""
    from payments import actions

    _pay_on_the_provider_page(demo, payment)
    actions.payment_sync(payment_id=payment.pk)
    return payment


def _request_paid(payment: Any) -> bool:
    from payments.models import PaymentRequest

    return PaymentRequest.objects.get(pk=payment.purpose_id).status == PaymentRequest.Status.PAID


def _reconcile(_target: Any) -> None:
    from payments import actions

    # payment_reconcile_task's body; the test cannot wait PAYMENTS_RECONCILE_AFTER_SECONDS.
    actions.payment_reconcile(older_than_seconds=0)


def _paid_payment(demo: Any) -> Any:
    from tests.services.factories import pay

    payment = _request_payment_with_intent(demo)
    assert pay(payment).is_paid
    return payment


def _refund_automatically(demo: Any, payment: Any) -> Any:
    from django.db import transaction

    from payments import actions

    with transaction.atomic():
        return actions.refund_automatically(payment_id=payment.pk, reason="Outage test: paid twice")


def _refund_succeeded(refund: Any) -> bool:
    from payments.models import Refund

    refund.refresh_from_db()
    return refund.status == Refund.Status.SUCCEEDED


# --- marketing: inquiries, chat transcripts, storefront ------------------------------------------


def _inquiry(demo: Any) -> Any:
    from marketing.actions import inquiry_create

    return inquiry_create(
        kind="cooperation", name="Outage Visitor", email="outage.visitor@example.com", message="Shall we cooperate?"
    )


def _answer_inquiry(demo: Any, inquiry: Any) -> Any:
    from marketing.actions.inquiries import inquiry_answer

    mail.outbox.clear()
    return inquiry_answer(inquiry_id=inquiry.pk, actor=demo.director, reply="Gladly.")


def _inquiry_reply_emailed(inquiry: Any) -> bool:
    inquiry.refresh_from_db()
    return inquiry.reply_emailed_at is not None and any(m.to == ["outage.visitor@example.com"] for m in mail.outbox)


def _inquiry_sweep(_inquiry: Any) -> None:
    from marketing.tasks import inquiry_reply_sweep_task

    inquiry_reply_sweep_task()


def _chat(demo: Any) -> Any:
    from marketing.support.models import Conversation

    return Conversation.objects.create(name="Outage Visitor", email="outage.chat@example.com", language="zh-hans")


def _ask_for_transcript(demo: Any, conversation: Any) -> Any:
    from marketing.support import actions

    mail.outbox.clear()
    return actions.transcript_request(token=conversation.token)


def _transcript_sent(conversation: Any) -> bool:
    conversation.refresh_from_db()
    return conversation.transcript_sent_at is not None and any(m.to == ["outage.chat@example.com"] for m in mail.outbox)


def _transcript_sweep(_conversation: Any) -> None:
    from marketing.support import actions

    actions.transcript_sweep(older_than_seconds=0)  # transcript_sweep_task's body, without its five minutes


def _store_order_with_intent(demo: Any) -> Any:
    from marketing.store import actions
    from payments import actions as payment_actions
    from tests.store.factories import placed_order

    order = placed_order(demo.client_a)
    payment = actions.order_pay(order_id=order.pk, actor=demo.client_a)
    payment_actions.payment_ensure_intent(payment_id=payment.pk)
    payment.refresh_from_db()
    return order, payment


def _store_order_paid(demo: Any, prepared: Any) -> Any:
    """The card succeeds and the order is told (it issues the licences); the confirmation
    e-mail is the task the outage loses."""
    from payments import actions as payment_actions

    order, payment = prepared
    mail.outbox.clear()
    _pay_on_the_provider_page(demo, payment)
    payment_actions.payment_sync(payment_id=payment.pk)
    payment_actions.payment_notify_purpose(payment_id=payment.pk)
    order.refresh_from_db()
    assert order.status == "paid"
    return order


def _store_confirmation_sent(order: Any) -> bool:
    order.refresh_from_db()
    return order.confirmation_sent_at is not None and any(order.number in m.subject for m in mail.outbox)


def _store_sweep(_order: Any) -> None:
    from marketing.store.tasks import store_sweep_task

    store_sweep_task()


# --- sharing: ISO 18626 messages to outside partners ---------------------------------------------


@dataclass
class _PartnerAt:
    server: Any
    code: str


def _partner_listening(demo: Any) -> Any:
    """The demo's outside partner, its ISO 18626 address a real server on 127.0.0.1."""
    from sharing.models import Agency
    from tests.sharing.test_iso18626_sending import Partner

    server = Partner()
    code = "outage-shared-code-0001"
    Agency.objects.filter(agency_id="CN-PARTNER").update(iso_address=server.url, iso_secret=code, is_active=True)
    return _PartnerAt(server, code)


def _partner_asks_for_what_nobody_holds(demo: Any, partner: Any) -> Any:
    """The partner's request is answered Unfilled/NotHeld at once: that answer is written to the
    outbox and its sending is the task the outage loses."""
    from django.test import Client

    from sharing.iso18626 import messages as m
    from sharing.models import RequestEvent

    body = m.build_request(
        m.OutgoingRequest(
            supplying="CN-HOME", requesting="CN-PARTNER", request_id="OUTAGE-1", service_type="Loan",
            title="Nobody holds this", isbn="9787300000007",
        )
    )  # fmt: skip
    response = Client().post(
        "/sharing/iso18626", data=body, content_type="application/xml", HTTP_X_ISO18626_SECURITY_CODE=partner.code
    )
    assert m.parse(response.content).message_status == "OK", response.content
    return partner, RequestEvent.objects.get(direction=RequestEvent.Direction.OUT, request__peer_request_id="OUTAGE-1")


def _partner_told(target: Any) -> bool:
    partner, row = target
    row.refresh_from_db()
    return row.delivered_at is not None and len(partner.server.received) == 1


def _outbox_sweep_later(target: Any) -> None:
    from sharing.iso18626 import delivery

    partner, _row = target
    try:
        delivery.outbox_sweep(now=timezone.now() + LATER)  # outbox_sweep_task's body
    finally:
        partner.server.stop()


CASES = {
    "office.tasks.notification_email_task": Case(
        "office.tasks.notification_email_task",
        "office.tasks.notification_email_sweep_task",
        _nothing,
        _notify,
        _notification_emailed,
        _notification_sweep,
    ),
    "procurement.tasks.purchase_order_send_task": Case(
        "procurement.tasks.purchase_order_send_task",
        "procurement.tasks.orders_tracking_sweep_task",
        _approved_request,
        _place_orders,
        _orders_sent,
        _orders_sweep,
    ),
    "services.tasks.digest_email_task": Case(
        "services.tasks.digest_email_task",
        "services.tasks.digest_email_sweep_task",
        _ended_subscription_period,
        _build_digests,
        _digest_emailed,
        _digest_sweep,
    ),
    "services.tasks.delivery_send_task": Case(
        "services.tasks.delivery_send_task",
        "services.sweeps.services_catch_up_task",
        _order_in_progress_with_file,
        _deliver_by_email,
        _delivery_emailed,
        _services_sweep_later,
    ),
    "services.tasks.client_confirmation_email_task": Case(
        "services.tasks.client_confirmation_email_task",
        "services.sweeps.services_catch_up_task",
        _nothing,
        _register_client,
        _confirmation_mailed,
        _services_sweep_later,
    ),
    "cataloging.tasks.import_job_run_task": Case(
        "cataloging.tasks.import_job_run_task",
        "cataloging.sweeps.cataloging_catch_up_task",
        _import_upload,
        _create_import_job,
        _import_job_ran,
        _cataloging_sweep_later,
    ),
    "cataloging.tasks.record_decision_notify_task": Case(
        "cataloging.tasks.record_decision_notify_task",
        "cataloging.sweeps.cataloging_catch_up_task",
        _record_in_review,
        _approve_record,
        _submitter_told,
        _cataloging_sweep_later,
    ),
    "payments.tasks.simulated_event_deliver_task": Case(
        "payments.tasks.simulated_event_deliver_task",
        "payments.tasks.payment_reconcile_task",
        _request_payment_with_intent,
        _pay_on_the_provider_page,
        _request_paid,
        _reconcile,
    ),
    "payments.tasks.payment_notify_purpose_task": Case(
        "payments.tasks.payment_notify_purpose_task",
        "payments.tasks.payment_reconcile_task",
        _request_payment_with_intent,
        _provider_success_recorded,
        _request_paid,
        _reconcile,
    ),
    "payments.tasks.refund_submit_task": Case(
        "payments.tasks.refund_submit_task",
        "payments.tasks.payment_reconcile_task",
        _paid_payment,
        _refund_automatically,
        _refund_succeeded,
        _reconcile,
    ),
    "marketing.tasks.inquiry_reply_email_task": Case(
        "marketing.tasks.inquiry_reply_email_task",
        "marketing.tasks.inquiry_reply_sweep_task",
        _inquiry,
        _answer_inquiry,
        _inquiry_reply_emailed,
        _inquiry_sweep,
    ),
    "marketing.support.tasks.transcript_send_task": Case(
        "marketing.support.tasks.transcript_send_task",
        "marketing.support.tasks.transcript_sweep_task",
        _chat,
        _ask_for_transcript,
        _transcript_sent,
        _transcript_sweep,
    ),
    "marketing.store.tasks.order_confirmation_task": Case(
        "marketing.store.tasks.order_confirmation_task",
        "marketing.store.tasks.store_sweep_task",
        _store_order_with_intent,
        _store_order_paid,
        _store_confirmation_sent,
        _store_sweep,
    ),
    "sharing.iso18626.tasks.send_message_task": Case(
        "sharing.iso18626.tasks.send_message_task",
        "sharing.iso18626.tasks.outbox_sweep_task",
        _partner_listening,
        _partner_asks_for_what_nobody_holds,
        _partner_told,
        _outbox_sweep_later,
    ),
}


# Work that no sweep can catch up, and why; README's table says the same. Keep this short:
# each entry is work an outage loses for good.
NO_SWEEP = {
    # The notice carries all it needs (address, reason, user name) and nothing in the database
    # records the attempt, by design (services/registration.py tells nobody which addresses
    # exist). Whoever gets no e-mail registers again, as after any lost e-mail.
    "services.tasks.client_registration_notice_task": "the person registers again",
    # A backup run by hand (issue 20): the nightly backup makes one anyway, the hourly watchdog
    # alerts when none is recent, and the Backups page shows no new run (press again).
    "office.tasks.backup_run_task": "the nightly backup runs; the person presses again",
}


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SERVICES_FAX_GATEWAY_ADDRESS = "{number}@fax-gateway.example"
    settings.PAYMENTS_BACKEND = "simulated"


@pytest.mark.parametrize("task", sorted(CASES))
def test_work_enqueued_while_redis_is_down_is_done_by_its_sweep(
    task: str,
    demo: Any,
    media: None,
    redis_outage: RedisServer,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from office.celery import app

    case = CASES[task]
    prepared = case.prepare(demo)  # broker up, tasks inline, as in the other tests
    redis_outage.kill()
    app.conf.task_always_eager = False  # publish for real, to the dead Redis
    caplog.set_level(logging.WARNING, logger="office.queue")
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        target = case.act(demo, prepared)
    elapsed = time.monotonic() - started
    assert elapsed < 2, f"the action waited {elapsed:.1f} s on the dead broker"
    refused = [r.getMessage() for r in caplog.records if r.name == "office.queue" and task in r.getMessage()]
    assert refused, f"{task} was not refused by the dead broker: {caplog.text}"
    assert not case.done(target), "done although its task was never sent"

    redis_outage.start()  # Redis is back: beat sends the sweep, a worker runs it
    run_eagerly()
    with django_capture_on_commit_callbacks(execute=True):
        case.catch_up(target)
    assert case.done(target), f"{case.sweep} did not catch up {task}"


def _enqueued_tasks() -> set[str]:
    """The task of every `enqueue_on_commit(...)` call in the application code."""
    root = Path(settings.BASE_DIR)
    found = set()
    skip = {".venv", ".venv-localstripe", "node_modules", "tests", "bench", "var", "migrations"}
    for path in root.rglob("*.py"):
        if skip & set(path.relative_to(root).parts):
            continue
        tree = ast.parse(path.read_text(), str(path))
        module = ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
        imported = {  # names imported anywhere in the file, even inside a function
            alias.asname or alias.name: f"{node.module}.{alias.name}"
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
            for alias in node.names
        }
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            if "enqueue_on_commit" not in (getattr(node.func, "id", None), getattr(node.func, "attr", None)):
                continue
            arg = node.args[0]
            if isinstance(arg, ast.Constant):
                value = arg.value
            elif isinstance(arg, ast.Name) and arg.id in imported:
                value = imported[arg.id]
            else:  # a constant holding the dotted path, or the task object, at module level
                value = eval(ast.unparse(arg), vars(importlib.import_module(module)))  # noqa: S307
            found.add(_task_name(value))
    return found


def _task_name(value: Any) -> str:
    """A task's name from the task, its dotted path, or the dotted path of a constant naming it."""
    while isinstance(value, str):
        value = resolve_task(value)
    return value.name


def test_every_enqueued_task_has_a_catch_up_case() -> None:
    enqueued = _enqueued_tasks()
    known = set(CASES) | set(NO_SWEEP)
    assert enqueued == known, (
        f"enqueued without a catch-up case (add a sweep, a case here and a row in README): "
        f"{sorted(enqueued - known)}; listed here but enqueued nowhere: {sorted(known - enqueued)}"
    )
    assert not set(CASES) & set(NO_SWEEP)
    for task in NO_SWEEP:
        resolve_task(task)
    for case in CASES.values():
        resolve_task(case.task)  # each is a real task
        resolve_task(case.sweep)


def test_every_catch_up_sweep_is_scheduled() -> None:
    from office.schedules import DEFAULT_SCHEDULES

    scheduled = {task for task, _every in DEFAULT_SCHEDULES.values()}
    assert {case.sweep for case in CASES.values()} <= scheduled
