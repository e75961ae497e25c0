"""The volume seed's business rows (bench/volume_seed.py): purchase requests with lines and
approvals, service orders with payments, refunds and files, sharing requests with their rota
and timeline, a year of audit events and notifications. Each function works on the run `v`."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)

PR_STATUSES = {
    "draft": 5, "submitted": 6, "head_approved": 3, "approved": 15, "rejected": 8, "returned": 3,
    "cancelled": 7, "ordered": 53,
}  # fmt: skip
PR_PENDING = {"draft", "submitted", "head_approved", "returned"}
# Home-office requests asked by demo users (their share), and the first rows, whatever the scale.
PR_DEMO = {"staff_infodev": 0.03, "staff_nav": 0.015, "staff_custsvc": 0.015, "staff_techsvc": 0.01}
PR_FIRST = [("staff_infodev", "submitted"), ("staff_infodev", "submitted"), ("staff_infodev", "approved"),
            ("staff_infodev", "ordered"), ("staff_nav", "head_approved"), ("staff_custsvc", "rejected")]  # fmt: skip

SO_STATUSES = {
    "requested": 8, "quoted": 7, "accepted": 3, "paid": 4, "assigned": 5, "in_progress": 6, "delivered": 7,
    "completed": 45, "declined": 3, "cancelled": 7, "refunded": 5,
}  # fmt: skip
SO_STEPS = ["quoted", "accepted", "paid", "assigned", "in_progress", "delivered", "completed"]
SO_REACHED = {"requested": 0, "declined": 1, "cancelled": 0, "refunded": 3}
SO_OPEN = {"requested", "quoted", "accepted", "paid", "assigned", "in_progress"}
SO_FIRST = ["client_a"] * 6 + ["client_b"] * 3

ILL_STATUSES = {
    "requested": 3, "sent": 6, "expect_to_supply": 2, "will_supply": 2, "conditional": 1, "unfilled": 6,
    "shipped": 4, "delivered": 3, "received": 8, "overdue": 2, "returned": 2, "checked_in": 2, "complete": 52,
    "cancelled": 7,
}  # fmt: skip
ILL_OPEN = set(ILL_STATUSES) - {"unfilled", "complete", "cancelled"}

NOTIFY_DEMO = {"staff_infodev": 0.01, "head_infodev": 0.01, "director": 0.01, "business_assistant": 0.005,
               "client_a": 0.005}  # fmt: skip
NOTIFY_FIRST = ["staff_infodev"] * 10 + ["head_infodev"] * 10 + ["director"] * 6 + ["client_a"] * 6


def _uid(v: Any, username: str) -> int:
    return v.users[username].pk


def _head(v: Any, unit: int) -> int | None:
    while unit is not None:
        if unit in v.head_of:
            return v.head_of[unit]
        unit = v.parent_of.get(unit)
    return None


# --- purchase requests ---------------------------------------------------------------------


def purchase_requests(v: Any) -> None:
    from procurement.models import PurchaseRequest, PurchaseRequestLine

    count = v.n["requests"]
    ids = v.copier.reserve(PurchaseRequest, count)
    weights = {o: w for o, w in v.office_weights.items() if v.staff_by_office[o] and v.items_by_office[o]}
    rows, lines = [], []
    v.pr_by_office = defaultdict(list)
    for n, pk in enumerate(ids):
        username, status = PR_FIRST[n] if n < len(PR_FIRST) else (None, v.pick(PR_STATUSES))
        office = v.home.pk if username else v.pick(weights)
        if office == v.home.pk and not username and v.rng.random() < sum(PR_DEMO.values()):
            username = v.pick(PR_DEMO)
        requester = _uid(v, username) if username else v.rng.choice(v.staff_by_office[office])
        row = _request(v, pk, office, requester, status)
        lines += _request_lines(v, row)
        rows.append(row)
        v.pr_by_office[office].append(pk)
    v.copier.copy(PurchaseRequest, rows)
    v.copier.copy(PurchaseRequestLine, lines)


def _request(v: Any, pk: int, office: int, requester: int, status: str) -> dict[str, Any]:
    unit = v.dept_of[requester]
    created = v.when(30 if status in PR_PENDING else 365)
    row = {
        "id": pk, "organization_id": office, "department_id": unit, "budget_id": v.budget_of[unit],
        "requester_id": requester, "status": status, "justification": f"For the {v.words(2)} project",
        "currency": "CNY", "created_at": created, "updated_at": created + 2 * DAY,
    }  # fmt: skip
    if status != "draft":
        row["submitted_at"] = created + HOUR
    head, director = _head(v, unit), v.director_of.get(office)
    two_steps = status == "head_approved" or (status in ("approved", "ordered") and v.rng.random() < 0.3)
    if two_steps and head:
        row.update(head_approved_by_id=head, head_approved_at=created + DAY)
    if status in ("approved", "ordered"):
        row.update(approved_by_id=(director if two_steps and director else head) or director, approved_at=created + DAY)
    if status in ("rejected", "returned"):
        row["decision_comment"] = "Over this year's plan" if status == "rejected" else "Please add the ISBN"
    return row


def _request_lines(v: Any, row: dict[str, Any]) -> list[dict[str, Any]]:
    from procurement.models import MAX_QUANTITY

    lines, total = [], 0
    for item, vendor, title, price in v.rng.sample(v.items_by_office[row["organization_id"]], v.rng.randint(1, 3)):
        quantity = min(MAX_QUANTITY, v.rng.randint(1, 5))
        lines.append({
            "request_id": row["id"], "item_id": item, "vendor_id": vendor, "description": title,
            "quantity": quantity, "unit_price_minor": price, "line_total_minor": quantity * price,
        })  # fmt: skip
        total += quantity * price
    row["total_minor"] = total
    return lines


# --- service orders, payments, files -------------------------------------------------------


def service_orders(v: Any) -> None:
    from payments.models import Payment, Refund
    from services.models import OrderFile, ServiceOrder

    count = v.n["orders"]
    ids = v.copier.reserve(ServiceOrder, count)
    clients = [a for a in v.client_users if a not in _demo_accounts(v)]
    demo = _demo_accounts(v)
    v.staff_by_unit = defaultdict(list)
    for user, unit in v.dept_of.items():
        v.staff_by_unit[unit].append(user)
    orders, payments, refunds, files = [], [], [], []
    payment_ids = iter(v.copier.reserve(Payment, count))
    for n, pk in enumerate(ids):
        if n < len(SO_FIRST):
            account = demo[SO_FIRST[n]]
        else:
            r = v.rng.random()
            account = demo["client_a"] if r < 0.004 else demo["client_b"] if r < 0.006 else v.rng.choice(clients)
        order = _order(v, pk, account, v.rng.choice(v.offerings), v.pick(SO_STATUSES))
        if order.get("paid_at"):
            payment = _payment(v, next(payment_ids), order)
            payments.append(payment)
            if payment["status"] == "refunded":
                refunds.append(_refund(payment))
        files += _order_files(v, order)
        orders.append(order)
    v.copier.copy(Payment, payments)
    v.copier.copy(Refund, refunds)
    v.copier.copy(ServiceOrder, orders)
    v.copier.copy(OrderFile, files)
    v.orders = [(o["id"], o["number"]) for o in orders]


def _demo_accounts(v: Any) -> dict[str, int]:
    return {name: v.users[name].client_account.pk for name in ("client_a", "client_b")}


def _order(v: Any, pk: int, account: int, offering: Any, status: str) -> dict[str, Any]:
    created = v.when(45 if status in SO_OPEN else 365)
    unit = offering.department_id
    reached = SO_STEPS.index(status) + 1 if status in SO_STEPS else SO_REACHED[status]
    row = {
        "id": pk, "number": f"SO{created.year}-{pk:06d}", "client_id": account, "offering_id": offering.pk,
        "department_id": unit, "status": status, "topic": f"{v.words(3).capitalize()} (volume)",
        "delivery_channel": (offering.delivery_channels or ["email"])[0], "currency": "CNY",
        "created_at": created, "updated_at": created + reached * DAY, "due_date": (created + 14 * DAY).date(),
    }  # fmt: skip
    steps = dict(zip(SO_STEPS, range(1, len(SO_STEPS) + 1), strict=True))
    if reached >= steps["quoted"]:
        row.update(quoted_amount_minor=offering.price_minor or v.rng.randrange(5, 50) * 10_000,
                   quoted_by_id=_head(v, unit), quoted_at=created + DAY)  # fmt: skip
    if reached >= steps["accepted"]:
        row["accepted_at"] = created + 2 * DAY
    if reached >= steps["paid"]:
        row["paid_at"] = created + 2 * DAY + HOUR
    if reached >= steps["assigned"]:
        team = v.staff_by_unit[unit] + [u for c, p in v.parent_of.items() if p == unit for u in v.staff_by_unit[c]]
        row.update(assignee_id=v.rng.choice(team) if team else None, assigned_at=created + 3 * DAY)
        if row["assignee_id"] is None:
            row.update(status="paid", assigned_at=None)
            reached = steps["paid"]
    for step, field in (("in_progress", "started_at"), ("delivered", "delivered_at"), ("completed", "completed_at")):
        if reached >= steps[step]:
            row[field] = created + (steps[step] + 2) * DAY
    if status == "completed" and v.rng.random() < 0.6:
        row["rating"] = v.rng.randint(3, 5) if v.rng.random() < 0.8 else v.rng.randint(1, 2)
    if status in ("cancelled", "refunded"):
        row["closed_reason"] = "No longer needed"
    return row


def _payment(v: Any, pk: int, order: dict[str, Any]) -> dict[str, Any]:
    refunded = order["status"] == "refunded"
    amount, user = order["quoted_amount_minor"], v.client_users[order["client_id"]]
    order["payment_id"] = pk
    return {
        "id": pk, "payer_user_id": user, "payee_organization_id": v.home.pk, "payee_name": v.home.name,
        "purpose_type": "services.order", "purpose_id": str(order["id"]),
        "description": f"Service order {order['number']}",
        "amount_minor": amount, "currency": "CNY", "refunded_minor": amount if refunded else 0,
        "status": "refunded" if refunded else "succeeded", "provider": "simulated",
        "provider_reference": f"sim_pi_volume{pk}", "idempotency_key": f"volume-payment-{pk}",
        "succeeded_at": order["paid_at"], "provider_updated_at": order["paid_at"], "receipt_number": f"RV{pk:08d}",
        "notified_status": "refunded" if refunded else "succeeded",
        "notified_refunded_minor": amount if refunded else 0,
        "purpose_outcome": "applied", "created_by_id": user, "created_at": order["accepted_at"],
        "updated_at": order["paid_at"],
    }  # fmt: skip


def _refund(payment: dict[str, Any]) -> dict[str, Any]:
    return {
        "payment_id": payment["id"], "number": 1, "amount_minor": payment["amount_minor"],
        "reason": "Cancelled before the work started", "status": "succeeded",
        "idempotency_key": f"volume-refund-{payment['id']}", "provider_reference": f"sim_re_volume{payment['id']}",
        "created_at": payment["updated_at"] + DAY, "updated_at": payment["updated_at"] + DAY,
    }  # fmt: skip


def _order_files(v: Any, order: dict[str, Any]) -> list[dict[str, Any]]:
    files = []
    client_user = v.client_users[order["client_id"]]
    if v.rng.random() < 0.3:
        files.append(("requirement", client_user, order["created_at"], "requirements.pdf"))
    if order.get("delivered_at"):
        files.append(("deliverable", order["assignee_id"], order["delivered_at"], "results.pdf"))
    return [
        {"order_id": order["id"], "kind": kind,
         "file": f"services/orders/{order['id']}/{v.rng.getrandbits(128):032x}.pdf",
         "extension": ".pdf", "original_name": name, "content_type": "application/pdf",
         "size": v.rng.randrange(20_000, 2_000_000), "uploaded_by_id": by, "created_at": at}
        for kind, by, at, name in files
    ]  # fmt: skip
