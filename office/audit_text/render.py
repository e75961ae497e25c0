"""An audit event as a sentence (office.audit_text): the object by its translated kind and its
name (linked when the reader may open it), the action in words, the actor by name."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from office.audit_text.base import AuditLine, Detail, action_text, actor_name, humanise, model_of_type
from office.audit_text.details import Details
from office.audit_text.links import live_name, url_of
from office.audit_text.objects import Objects
from office.audit_text.words import ENTITIES, SENTENCES


def _object_name(event: Any, target: models.Model | None) -> str:
    if target is not None and target.__class__ is get_user_model():
        return actor_name(target)
    if target is not None:
        name = live_name(target)
        if name:
            return name
    return event.target_repr or (str(event.target_id) if event.target_id else "")


def _kind(event: Any) -> str:
    model = model_of_type(event.target_type_id)
    if model is not None:
        if model is get_user_model():
            return pgettext("audit object", "person")
        return str(model._meta.verbose_name)
    parts = event.verb.split(".")
    entity = parts[1] if len(parts) >= 3 else ""
    msgid = ENTITIES.get(entity)
    return str(msgid) if msgid else humanise(entity)


def _both(template: str, params: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """`template` (translated) filled twice: as text, and as HTML with each value's HTML
    (escaped text, or a link) — the translation itself is ours, its % placeholders survive
    escaping."""
    text = template % {k: plain for k, (plain, _html) in params.items()}
    html = escape(template) % {k: markup for k, (_plain, markup) in params.items()}
    return text, mark_safe(html)  # noqa: S308 — every value is escaped above


def line_for(event: Any, objects: Objects) -> AuditLine:
    verb = str(event.verb or "")
    target = objects.target(event)
    name = _object_name(event, target)
    kind = _kind(event)
    url = ""
    if target is not None and objects.may_open(target.__class__, target.pk):
        url = url_of(target)
    name_html = format_html('<a href="{}">{}</a>', url, name) if url else escape(name)
    named = {"name": (name, name_html)}
    action = action_text(verb)
    sentence_id = SENTENCES.get(verb)
    if sentence_id:
        summary, summary_html = _(sentence_id), escape(_(sentence_id))
        if name:
            pair = (summary, summary_html)
            summary, summary_html = _both(_("%(summary)s: %(name)s"), {"summary": pair, **named})
    elif name:
        params = {"kind": (capfirst(kind), escape(capfirst(kind))), "action": (action, escape(action)), **named}
        summary, summary_html = _both(_("%(kind)s %(name)s %(action)s"), params)
    elif kind:
        params = {"kind": (capfirst(kind), escape(capfirst(kind))), "action": (action, escape(action))}
        summary, summary_html = _both(_("%(kind)s %(action)s"), params)
    else:
        summary = capfirst(action)
        summary_html = escape(summary)
    system = event.actor_id is None
    actor = actor_name(event.actor) if not system else _("system")
    done = {"summary": (summary, summary_html)}
    if system:
        sentence, sentence_html = _both(_("%(summary)s (automatically)"), done)
    else:
        done["actor"] = (actor, format_html("<strong>{}</strong>", actor))
        sentence, sentence_html = _both(_("%(summary)s by %(actor)s"), done)
    try:
        details = Details(event, target, objects).all()
    except Exception:  # odd data from an old version: show it raw rather than fail the page
        details = [Detail(humanise(k), str(v)) for k, v in (event.data or {}).items()]
    return AuditLine(
        event=event,
        verb=verb,
        action=action,
        kind=kind,
        name=name,
        url=url,
        actor=actor,
        system=system,
        summary=summary,
        sentence=sentence,
        summary_html=summary_html,
        sentence_html=sentence_html,
        details=details,
    )


def lines_for(events: Any, reader: Any) -> list[AuditLine]:
    """Each event of `events` (a page, a list or a queryset slice) as an AuditLine."""
    rows = list(events)
    objects = Objects(rows, reader)
    return [line_for(event, objects) for event in rows]
