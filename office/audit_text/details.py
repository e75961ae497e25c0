"""An audit event's data as labelled details in the reader's language (office.audit_text):
keys through `KEYS`, `*_minor` values as money, booleans as yes/no, None as "—", status codes
as the target's status labels, other codes through `codes.VALUES`, dates by locale, internal
ids hidden (a payment id becomes a link when the reader may open the payment)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _

from office.audit_text.base import Detail, actor_name, humanise, is_id, model_of_type
from office.audit_text.codes import VALUES
from office.audit_text.keys import (
    DATE,
    DATETIME,
    ID_KEYS,
    KEYS,
    LINKED_KEYS,
    NAMED_KEYS,
    NO,
    NONE,
    PERSON_KEYS,
    STATUS_KEYS,
    YES,
)
from office.audit_text.links import url_of
from office.audit_text.objects import Objects
from office.money import format_money
from office.texts import render


def _choice_label(model: type[models.Model] | None, field_name: str, value: Any) -> str | None:
    if model is None or not isinstance(value, str):
        return None
    try:
        model_field = model._meta.get_field(field_name)
    except FieldDoesNotExist:
        return None
    for code, label in getattr(model_field, "flatchoices", None) or []:
        if code == value:
            return str(label)
    return None


def _field_label(model: type[models.Model] | None, name: Any) -> str:
    if model is not None and isinstance(name, str):
        try:
            return str(getattr(model._meta.get_field(name), "verbose_name", name))
        except FieldDoesNotExist:
            return humanise(name)
    return humanise(name)


class Details:
    def __init__(self, event: Any, target: models.Model | None, objects: Objects) -> None:
        self.event = event
        self.data = event.data if isinstance(event.data, dict) else {}
        self.model = model_of_type(event.target_type_id)
        self.target = target
        self.objects = objects
        self.currency = str(
            self.data.get("currency") or getattr(target, "currency", "") or getattr(settings, "DEFAULT_CURRENCY", "CNY")
        )

    def all(self) -> list[Detail]:
        out: list[Detail] = []
        for key, value in self.data.items():
            key = str(key)
            if key == "currency" or key.endswith("_currency") or self._hidden(key, value):
                continue
            if self._message_params(key, value):
                continue  # shown with its message
            params = self.data.get(f"{key}_params")
            if isinstance(value, str) and isinstance(params, dict):  # a message id and its parameters
                out.append(Detail(self.label(key), render(value, params)))
                continue
            detail = self.detail(key, value)
            if detail is not None:
                out.append(detail)
        return out

    def _message_params(self, key: str, value: Any) -> bool:
        """`reason_params` beside `reason`: the parameters of a message stored as its id
        (office/texts.py), rendered together in the reader's language."""
        return key.endswith("_params") and isinstance(self.data.get(key[: -len("_params")]), str)

    def _hidden(self, key: str, value: Any) -> bool:
        if key.endswith("_id") or key.endswith("_pk"):
            return True
        if key in ID_KEYS and (is_id(value) or isinstance(value, (list, type(None))) or key in {"sha256", "pk"}):
            return True
        return False

    def label(self, key: str) -> str:
        msgid = KEYS.get(key) or (KEYS.get(key[: -len("_minor")]) if key.endswith("_minor") else None)
        if msgid:
            return str(msgid)
        return humanise(key[: -len("_minor")] if key.endswith("_minor") else key)

    def detail(self, key: str, value: Any) -> Detail | None:
        label = self.label(key)
        if key in LINKED_KEYS and is_id(value):
            obj = self.objects.extra.get(LINKED_KEYS[key], {}).get(str(value))
            if obj is None:
                return None
            url = url_of(obj) if self.objects.may_open(obj.__class__, obj.pk) else ""
            return Detail(label, f"#{obj.pk}", url) if url else None
        text = self.value(key, value)
        if text == "":
            return None
        return Detail(label, text)

    def value(self, key: str, value: Any, currency: str | None = None) -> str:
        if value is None:
            return NONE
        if isinstance(value, bool):
            return _(YES) if value else _(NO)
        if key.endswith("_minor") and is_id(value):
            currency = currency or self._currency_for(key)
            return format_money(value, currency)
        if is_id(value):
            if key in PERSON_KEYS or (key in {"from", "to"} and self.model is get_user_model()):
                person = self.objects.extra.get(("auth", "User"), {}).get(str(value))
                return actor_name(person) if person is not None else ""
            if key in NAMED_KEYS:
                obj = self.objects.extra.get(NAMED_KEYS[key], {}).get(str(value))
                return str(obj) if obj is not None else ""
            if key in ID_KEYS or key in {"from", "to"}:
                return ""
            return formats.number_format(value, force_grouping=True)
        if isinstance(value, dict):
            parts = []
            for k, v in value.items():
                text = "" if self._hidden(str(k), v) else self.value(str(k), v)
                if text != "":
                    parts.append(f"{self.label(str(k))} {text}")
            return "; ".join(parts)
        if isinstance(value, list):
            if key in {"fields", "changes", "changed"}:
                return ", ".join(_field_label(self.model, v) for v in value)
            if all(is_id(v) for v in value):
                return formats.number_format(len(value))
            return ", ".join(self.value(key, v) for v in value)
        if isinstance(value, str):
            return self.text(key, value)
        return str(value)

    def _currency_for(self, key: str) -> str:
        prefix = key[: -len("_minor")]
        return str(self.data.get(f"{prefix}_currency") or self.currency)

    def text(self, key: str, value: str) -> str:
        if key in STATUS_KEYS:
            label = _choice_label(self.model, "status", value)
            if label is not None:
                return label
        label = _choice_label(self.model, key, value)
        if label is None and key in VALUES:
            label = VALUES[key](value)
        if label is not None:
            return label
        languages = dict(settings.LANGUAGES)
        if value in languages:
            return str(languages[value])
        if DATE.match(value):
            try:
                return formats.date_format(dt.date.fromisoformat(value), "DATE_FORMAT")
            except ValueError:
                return value
        if DATETIME.match(value):
            try:
                return formats.date_format(dt.datetime.fromisoformat(value), "DATETIME_FORMAT")
            except ValueError:
                return value
        return value
