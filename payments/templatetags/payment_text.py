"""`{{ payment|payment_title }}`: what a payment is for, in the reader's language (issue 20).

`Payment.description` is a sentence written once, in the language of whoever started the
payment. For the purposes whose words we know, the title is rebuilt from the purpose's code
and its row (order number, the service's or vendor's name as the reader reads it); anything
else (a finance request's own text) is shown as written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import template
from django.apps import apps
from django.db.models import BigIntegerField, Case, F, JSONField, OuterRef, Subquery, When
from django.db.models.functions import Cast, JSONObject
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from office.models import localized

register = template.Library()


def _name(row: dict[str, Any], field: str) -> str:
    """`field` of a purpose row in the reader's language (office.models.localized, on a dict)."""
    if (get_language() or "").startswith("zh") and row.get(f"{field}_zh"):
        return row[f"{field}_zh"]
    return row.get(field) or ""


def _service_order(row: dict[str, Any]) -> str:
    return _("Service order %(number)s: %(name)s") % {"number": row["number"], "name": _name(row, "name")}


def _training(row: dict[str, Any]) -> str:
    return _("Training: %(title)s") % {"title": _name(row, "title")}


def _purchase_order(row: dict[str, Any]) -> str:
    return _("Purchase order %(number)s – %(vendor)s") % {"number": row["number"], "vendor": _name(row, "vendor")}


# purpose code: (model, the row's fields as {key: path from the model}, the title from that row)
TITLES: dict[str, tuple[str, dict[str, str], Callable[[dict[str, Any]], str]]] = {
    "services.order": (
        "services.ServiceOrder",
        {"number": "number", "name": "offering__name", "name_zh": "offering__name_zh"},
        _service_order,
    ),
    "services.training_registration": (
        "services.TrainingRegistration",
        {"title": "session__title", "title_zh": "session__title_zh"},
        _training,
    ),
    "procurement.purchase_order": (
        "procurement.PurchaseOrder",
        {"number": "number", "vendor": "vendor__name", "vendor_zh": "vendor__name_zh"},
        _purchase_order,
    ),
}


def purpose_row() -> Case:
    """An annotation for payment lists: the purpose's row (TITLES' fields) as JSON, read in the
    list's own query (one subquery per row by primary key) instead of one query per payment."""
    whens = []
    for purpose, (label, fields, _title) in TITLES.items():
        rows = apps.get_model(label).objects.filter(pk=Cast(OuterRef("purpose_id"), BigIntegerField()))
        row = rows.values(row=JSONObject(**{key: F(path) for key, path in fields.items()}))[:1]
        whens.append(When(purpose_type=purpose, then=Subquery(row)))
    return Case(*whens, default=None, output_field=JSONField())


def _row(payment: Any, label: str, fields: dict[str, str]) -> dict[str, Any] | None:
    if "purpose_row" in payment.__dict__:  # annotated by the list (purpose_row())
        return payment.purpose_row
    values = apps.get_model(label).objects.filter(pk=payment.purpose_id).values_list(*fields.values()).first()
    return dict(zip(fields, values, strict=True)) if values else None


@register.filter
def payment_title(payment: Any) -> str:
    entry = TITLES.get(getattr(payment, "purpose_type", ""))
    if entry is None or not str(payment.purpose_id).isdigit():
        return payment.description
    label, fields, build = entry
    row = _row(payment, label, fields)
    return build(row) if row else payment.description


@register.filter
def payee(payment: Any) -> str:
    """The payee office's name as the reader reads it (name_zh on Chinese pages)."""
    organization = getattr(payment, "payee_organization", None)
    return localized(organization, "name") if organization is not None else payment.payee_name
