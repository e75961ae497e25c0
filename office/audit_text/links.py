"""Where an audit object opens, whether the reader may open it, and names read from the live
object where the stored one would be in the writer's language (office.audit_text).

- `LINKS`: model label → detail page whose guard is the model's `visible_to(reader)`.
- `OPENERS`: model label → detail page guarded by a predicate of its own app (the storefront's
  sellers and buyers, customer contact's console and surveys): `Opener.openable(reader, pks)`
  answers which of `pks` the reader may open — a queryset of those rows, which the page reads
  with everything else in one statement (office.audit_text.objects), or the pks themselves
  when the guard answers without the database.
- `NAMES`: model label → the object's name in the reader's language (a survey follow-up's
  stored name is "12 open"; a product's is its English name).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

# Detail pages: model label → URL name (argument: the primary key), guarded by `visible_to`.
LINKS: dict[str, str] = {
    "procurement.purchaserequest": "procurement:request_detail",
    "procurement.purchaseorder": "procurement:order_detail",
    "procurement.vendor": "procurement:vendor_detail",
    "procurement.licence": "procurement:licence_detail",
    "procurement.consortium": "procurement:consortium_detail",
    "procurement.contract": "procurement:contract_detail",
    "cataloging.bibrecord": "cataloging:record_detail",
    "services.serviceorder": "services:order_detail",
    "services.subscription": "services:subscription_detail",
    "services.consultation": "services:consultation_detail",
    "sharing.sharingrequest": "sharing:request_detail",
    "sharing.settlement": "sharing:settlement_detail",
    "payments.payment": "payments:payment_detail",
    "office.equipment": "office:equipment_detail",
    "office.maintenanceticket": "office:ticket_detail",
}


@dataclass(frozen=True)
class Opener:
    url_name: str
    # (reader, pks) -> the rows among pks the reader may open (a queryset), or their pks
    openable: Callable[[Any, list[Any]], QuerySet | Iterable[Any]]
    arg: str = "pk"  # the object's attribute the URL takes


# --- the storefront (marketing/store): the guards of its views ---------------------------------


def _store_orders(reader: Any, pks: list[Any]) -> QuerySet:
    from marketing.store.selectors import orders_visible_to

    return orders_visible_to(reader).filter(pk__in=pks)


def _store_grants(reader: Any, pks: list[Any]) -> QuerySet:
    from marketing.store.selectors import grants_visible_to

    return grants_visible_to(reader).filter(pk__in=pks)


def _store_shipments(reader: Any, pks: list[Any]) -> QuerySet:
    """A disc shipment opens on its order's page."""
    from marketing.store.models import Shipment
    from marketing.store.selectors import orders_visible_to

    orders = orders_visible_to(reader).values("pk")
    return Shipment.objects.filter(pk__in=pks, order_id__in=orders)


def _store_products(reader: Any, pks: list[Any]) -> QuerySet:
    """A seller of the unit that sells the product (the product editor's guard)."""
    from marketing.store.models import Product
    from marketing.store.permissions import selling_unit_ids

    return Product.objects.filter(pk__in=pks, department_id__in=selling_unit_ids(reader))


def _store_options(reader: Any, pks: list[Any]) -> QuerySet:
    from marketing.store.models import LicenceOption
    from marketing.store.permissions import selling_unit_ids

    return LicenceOption.objects.filter(pk__in=pks, product__department_id__in=selling_unit_ids(reader))


def _store_coupons(reader: Any, pks: list[Any]) -> QuerySet:
    """Any seller."""
    from django.db.models import Exists

    from marketing.store.models import Coupon
    from marketing.store.permissions import selling_unit_ids
    from office.models import Department

    sells = Exists(Department.objects.filter(pk__in=selling_unit_ids(reader)))
    return Coupon.objects.filter(sells, pk__in=pks)


# --- customer contact (marketing/support) ---------------------------------------------------------


def _support_console(reader: Any, pks: list[Any]) -> Iterable[Any]:
    """Conversations and canned answers: whoever may use the console."""
    from marketing.support.permissions import can_use_console

    return pks if can_use_console(reader) else []


def _support_follow_ups(reader: Any, pks: list[Any]) -> QuerySet | list[Any]:
    from marketing.support.permissions import can_view_surveys
    from marketing.support.selectors import follow_ups_visible_to

    if not can_view_surveys(reader):
        return []
    return follow_ups_visible_to(reader).filter(pk__in=pks)


OPENERS: dict[str, Opener] = {
    "store.storeorder": Opener("store:order_detail", _store_orders),
    "store.grant": Opener("store:grant_detail", _store_grants),
    "store.shipment": Opener("store:order_detail", _store_shipments, arg="order_id"),
    "store.product": Opener("store:product_edit", _store_products),
    "store.licenceoption": Opener("store:option_edit", _store_options),
    "store.coupon": Opener("store:coupon_edit", _store_coupons),
    "support.conversation": Opener("support:console_conversation", _support_console),
    "support.cannedanswer": Opener("support:canned_edit", _support_console),
    "support.surveyfollowup": Opener("support:follow_up_detail", _support_follow_ups),
}


def open_scope(model: type[models.Model], reader: Any, pks: list[Any]) -> QuerySet | Iterable[Any]:
    """The rows among `pks` whose page `reader` may open, as a queryset (not yet read), or
    their pks when that needs no query; nothing when nobody signed in or the model has no page."""
    if reader is None or not getattr(reader, "is_authenticated", False):
        return []
    label = model._meta.label_lower
    opener = OPENERS.get(label)
    if opener is not None:
        return opener.openable(reader, pks)
    manager = model._default_manager
    if label not in LINKS or not hasattr(manager, "visible_to"):
        return []
    return manager.visible_to(reader).filter(pk__in=pks)


def openable(model: type[models.Model], reader: Any, pks: list[Any]) -> set[str]:
    """The pks (as text) among `pks` whose page `reader` may open, read on their own."""
    scope = open_scope(model, reader, pks)
    if isinstance(scope, QuerySet):
        scope = scope.values_list("pk", flat=True)
    return {str(pk) for pk in scope}


def has_page(model: type[models.Model]) -> bool:
    return model._meta.label_lower in LINKS or model._meta.label_lower in OPENERS


def url_of(obj: models.Model) -> str:
    label = obj._meta.label_lower
    if obj.__class__ is get_user_model():
        name, arg = "office:org_person", obj.pk
    elif label in OPENERS:
        name, arg = OPENERS[label].url_name, getattr(obj, OPENERS[label].arg)
    else:
        name = LINKS.get(label, "")
        arg = obj.pk
        if not name:
            method = getattr(obj, "get_absolute_url", None)
            return str(method()) if callable(method) else ""
    try:
        return reverse(name, args=[arg])
    except NoReverseMatch:
        return ""


# --- names read from the live object --------------------------------------------------------------


def _survey_name(survey: Any) -> str:
    return f"{survey.get_kind_display()} {survey.subject_label}"


def _product_name(product: Any) -> str:
    from office.models import localized

    return localized(product, "name")


@dataclass(frozen=True)
class Name:
    of: Callable[[Any], str]
    related: tuple[str, ...] = ()  # select_related when the targets are loaded


def _option_name(option: Any) -> str:
    from office.models import localized

    return f"{_product_name(option.product)} · {localized(option, 'name')}"


NAMES: dict[str, Name] = {
    "support.surveyinvitation": Name(_survey_name),
    "support.surveyfollowup": Name(lambda follow_up: _survey_name(follow_up.survey), related=("survey",)),
    "store.product": Name(_product_name),
    "store.licenceoption": Name(_option_name, related=("product",)),
    "store.grant": Name(lambda grant: f"{_product_name(grant.product)} · {grant.licensee}", related=("product",)),
}


def live_name(obj: models.Model) -> str | None:
    """The object's name in the reader's language when `NAMES` knows how to say it."""
    name = NAMES.get(obj._meta.label_lower)
    return name.of(obj) if name is not None else None


def related_of(model: type[models.Model]) -> tuple[str, ...]:
    name = NAMES.get(model._meta.label_lower)
    return name.related if name is not None else ()
