"""The volume seed's sharing requests (with rota and timeline), a year of audit events and a
year of notifications (bench/volume_seed.py). Each function works on the run `v`."""

from __future__ import annotations

import datetime
from typing import Any

from bench.volume_business import DAY, HOUR, ILL_OPEN, ILL_STATUSES, NOTIFY_DEMO, NOTIFY_FIRST

# How far each state got: sent, shipped or delivered, received, returned, checked in, completed.
ILL_REACHED = {
    "requested": 0, "sent": 1, "expect_to_supply": 1, "will_supply": 1, "conditional": 1, "unfilled": 1,
    "cancelled": 0, "shipped": 2, "delivered": 2, "received": 3, "overdue": 3, "returned": 4, "checked_in": 5,
    "complete": 6,
}  # fmt: skip
AUDIT_VERBS = {
    "request": ["procurement.purchase_request.submitted", "procurement.purchase_request.head_approved",
                "procurement.purchase_request.approved"],
    "order": ["services.order.paid", "services.order.assigned", "services.order.completed",
              "services.order.cancelled"],
}  # fmt: skip


def sharing_requests(v: Any) -> None:
    from sharing.models import Agency, RequestEvent, RotaEntry, SharingRequest

    members = {a.organization_id: a.pk for a in Agency.objects.filter(is_partner=False, organization__isnull=False)}
    new = [o for o in v.office_ids if o not in members]
    ids = v.copier.reserve(Agency, len(new))
    v.copier.copy(Agency, [
        {"id": pk, "agency_id": f"CN-VOL{n:02d}", "organization_id": office, "name": f"Volume office {n}",
         "name_zh": f"第{n}信息办公室", "loan_fee_minor": 1000, "copy_fee_minor": 500, "page_fee_minor": 30,
         "created_at": v.anchor - 400 * DAY, "updated_at": v.anchor - 400 * DAY}
        for n, (pk, office) in enumerate(zip(ids, new, strict=True), start=1)
    ])  # fmt: skip
    members.update(zip(new, ids, strict=True))
    v.agency_office = {agency: office for office, agency in members.items()}
    home, agencies = members[v.home.pk], sorted(members.values())
    requests, rota, events = [], [], []
    for pk in v.copier.reserve(SharingRequest, v.n["loans"]):
        r = v.rng.random()
        borrower = home if r < 0.125 else v.rng.choice([a for a in agencies if a != home])
        lender = home if 0.125 <= r < 0.25 else v.rng.choice([a for a in agencies if a not in (borrower, home)])
        row = _loan(v, pk, borrower, lender, v.pick(ILL_STATUSES))
        requests.append(row)
        events.append({"request_id": pk, "kind": "created", "actor_id": row["requester_id"], "agency_id": borrower,
                       "created_at": row["created_at"]})  # fmt: skip
        if row.get("lender_id"):
            rota.append({"request_id": pk, "agency_id": lender, "position": 1, "asked_at": row["sent_at"],
                         "outcome": "unfilled" if row["status"] == "unfilled" else "asked"})  # fmt: skip
    v.copier.copy(SharingRequest, requests)
    v.copier.copy(RotaEntry, rota)
    v.copier.copy(RequestEvent, events)
    v.loans = [(row["id"], row["number"], v.agency_office[row["borrower_id"]]) for row in requests]


def _loan(v: Any, pk: int, borrower: int, lender: int, status: str) -> dict[str, Any]:
    created = v.when(60 if status in ILL_OPEN else 365)
    reached = ILL_REACHED[status]
    copy = v.rng.random() < 0.4
    row = {
        "id": pk, "number": f"ILL{created.year}-{pk:06d}", "borrower_id": borrower, "status": status,
        "service_type": "copy" if copy else "loan", "title": f"{v.words(4).capitalize()}", "author": "Li, Ming",
        "year": v.rng.randint(1980, 2025), "requester_id": _someone(v, v.agency_office[borrower]),
        "rota_position": 1 if reached else 0, "copyright_declared": copy, "currency": "CNY",
        "created_at": created, "updated_at": created + reached * DAY,
    }  # fmt: skip
    if copy:
        row.update(copyright_declared_at=created, copyright_declared_by_id=row["requester_id"], pages="12-30")
    if reached or status == "unfilled":
        row.update(lender_id=lender, sent_at=created + HOUR)
        if status in ("sent", "expect_to_supply", "conditional"):
            row["deadline"] = created + 2 * DAY
    if status == "unfilled":
        row["reason_unfilled"] = "NotOnShelf"
    if reached >= 2:
        row["shipped_at"] = created + 3 * DAY
    if reached >= 3:
        row.update(received_at=created + 5 * DAY, due_date=(created + 33 * DAY).date())
    if reached >= 4:
        row["returned_at"] = created + 25 * DAY
    if reached >= 5:
        row["checked_in_at"] = created + 27 * DAY
    if reached >= 6:
        row["completed_at"] = created + 27 * DAY + HOUR
    return row


def _someone(v: Any, office: int) -> int | None:
    staff = v.staff_by_office[office]
    return v.rng.choice(staff) if staff else None


def audit_events(v: Any) -> None:
    from django.contrib.contenttypes.models import ContentType

    from office.models import AuditEvent
    from procurement.models import PurchaseRequest
    from services.models import ServiceOrder

    request_type = ContentType.objects.get_for_model(PurchaseRequest).pk
    order_type = ContentType.objects.get_for_model(ServiceOrder).pk
    demo_home = [u for u in v.staff_by_office[v.home.pk] if u in {x.pk for x in v.users.values()}]
    weights = {o: w for o, w in v.office_weights.items() if v.pr_by_office[o]}

    def rows() -> Any:
        for _n in range(v.n["audit"]):
            office = v.pick(weights)
            if office == v.home.pk and v.rng.random() < 0.35:
                kind, target_type = "order", order_type
                target, label = v.rng.choice(v.orders)
            else:
                kind, target_type = "request", request_type
                target = v.rng.choice(v.pr_by_office[office])
                label = f"PR-{target}"
            staff = demo_home if office == v.home.pk and v.rng.random() < 0.2 else v.staff_by_office[office]
            yield {
                "created_at": v.when(), "actor_id": v.rng.choice(staff), "organization_id": office,
                "verb": v.rng.choice(AUDIT_VERBS[kind]), "target_type_id": target_type, "target_id": str(target),
                "target_repr": label,
            }  # fmt: skip

    v.copier.copy(AuditEvent, rows())


def notifications(v: Any) -> None:
    from office.models import Notification

    staff = [u for users in v.staff_by_office.values() for u in users]
    clients = list(v.client_users.values())
    demo_share = sum(NOTIFY_DEMO.values())
    prefix = "/intranet/procurement/requests/"

    def rows() -> Any:
        for n in range(v.n["notifications"]):
            if n < len(NOTIFY_FIRST):
                recipient = v.users[NOTIFY_FIRST[n]].pk
            elif v.rng.random() < demo_share:
                recipient = v.users[v.pick(NOTIFY_DEMO)].pk
            else:
                recipient = v.rng.choice(clients) if v.rng.random() < 0.25 else v.rng.choice(staff)
            created = v.when(30 if n < len(NOTIFY_FIRST) else 365)
            recent = v.anchor - created < datetime.timedelta(days=14)
            read = v.rng.random() < (0.4 if recent else 0.95)
            emailed = v.rng.random() < 0.5
            pr = v.rng.randrange(1, 10_000)
            yield {
                "recipient_id": recipient, "verb": "procurement.purchase_request.approved",
                "title": f"Purchase request PR-{pr} approved", "body": "Your request was approved; it can be ordered.",
                "url": f"{prefix}{pr}/", "created_at": created, "read_at": created + 3 * HOUR if read else None,
                "send_email": emailed, "emailed_at": created + datetime.timedelta(minutes=1) if emailed else None,
            }  # fmt: skip

    v.copier.copy(Notification, rows())
