"""What every part of office.audit_text uses: the result's shapes, words for codes and people,
and the few helpers over ids and content types."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from office.audit_text.words import ACTIONS


@dataclass
class Detail:
    label: str
    value: str
    url: str = ""


@dataclass
class AuditLine:
    event: Any
    verb: str
    action: str  # "approved"
    kind: str  # "purchase request"
    name: str  # "PR-2026-0001" / "Wang Li"
    url: str  # the object's page, or ""
    actor: str  # "Wang Li" / "system"
    system: bool
    summary: str  # "Purchase request PR-2026-0001 approved"
    sentence: str  # "... approved by Wang Li"
    summary_html: str = ""  # the same, the object's name a link when the reader may open it
    sentence_html: str = ""
    details: list[Detail] = field(default_factory=list)


def humanise(code: str) -> str:
    return str(code).replace("_", " ").strip()


def action_text(verb: str) -> str:
    last = verb.rsplit(".", 1)[-1]
    msgid = ACTIONS.get(last)
    return str(msgid) if msgid else humanise(last)


def actor_name(user: Any) -> str:
    if user is None:
        return _("system")
    from services.templatetags.people import person_name

    return person_name(user) or _("system")


def model_of_type(type_id: int | None) -> type[models.Model] | None:
    if not type_id:
        return None
    from django.contrib.contenttypes.models import ContentType

    try:
        return ContentType.objects.get_for_id(type_id).model_class()  # cached per process
    except ContentType.DoesNotExist:
        return None


def pks(model: type[models.Model], ids: set[str]) -> list[Any]:
    out = []
    for raw in ids:
        try:
            out.append(model._meta.pk.to_python(raw))
        except ValidationError:  # a stale or foreign id: not loadable
            pass
    return out


def walk(data: Any, key: str = "") -> list[tuple[str, Any]]:
    if isinstance(data, dict):
        found = []
        for k, v in data.items():
            found.extend(walk(v, str(k)))
        return found
    return [(key, data)]


def is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
