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
from django.utils.translation import gettext as _

from office.models import localized

register = template.Library()


def _service_order(purpose_id: str) -> str | None:
    order = apps.get_model("services", "ServiceOrder").objects.select_related("offering").filter(pk=purpose_id).first()
    if order is None:
        return None
    return _("Service order %(number)s: %(name)s") % {"number": order.number, "name": order.offering.display_name}


def _training(purpose_id: str) -> str | None:
    registration = (
        apps.get_model("services", "TrainingRegistration")
        .objects.select_related("session")
        .filter(pk=purpose_id)
        .first()
    )
    if registration is None:
        return None
    return _("Training: %(title)s") % {"title": registration.session.display_title}


def _purchase_order(purpose_id: str) -> str | None:
    order = (
        apps.get_model("procurement", "PurchaseOrder").objects.select_related("vendor").filter(pk=purpose_id).first()
    )
    if order is None:
        return None
    return _("Purchase order %(number)s – %(vendor)s") % {"number": order.number, "vendor": order.vendor}


TITLES: dict[str, Callable[[str], str | None]] = {
    "services.order": _service_order,
    "services.training_registration": _training,
    "procurement.purchase_order": _purchase_order,
}


@register.filter
def payment_title(payment: Any) -> str:
    build = TITLES.get(getattr(payment, "purpose_type", ""))
    title = build(str(payment.purpose_id)) if build is not None else None
    return title or payment.description


@register.filter
def payee(payment: Any) -> str:
    """The payee office's name as the reader reads it (name_zh on Chinese pages)."""
    organization = getattr(payment, "payee_organization", None)
    return localized(organization, "name") if organization is not None else payment.payee_name
