"""Text for a reader, not a writer: store a message id and its parameters, render at read time.

A notification (or any stored message meant for a person) keeps the *English source* string
marked with ``gettext_noop`` and a JSON dict of parameters. It is translated when somebody
reads it, in the reader's language — the page's language on a page, the recipient's own
language in an e-mail or PDF (``language_for``)::

    from django.utils.translation import gettext_noop
    notify(recipient_id=..., verb="sharing.request.shipped",
           title=gettext_noop("Request %(number)s was shipped"),
           params={"number": request.number, "status": tr(gettext_noop("Shipped"))})

Parameter values are plain JSON values, or one of these markers, rendered in the reader's
language too:

- ``tr(msgid)``: a translatable word or phrase (a status label, say), ``{"_t": msgid}``;
- ``money(minor, currency)``: an amount, ``{"_money": [minor, currency]}``;
- ``when(date_or_datetime)``: a date, ``{"_date": "2026-12-02"}``;
- ``msg(msgid, params)``: a message of its own with its parameters, ``{"_msg": [msgid, params]}``;
- a list of these: each rendered, joined with "; " (the parts of a longer message).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext


def tr(msgid: str) -> dict[str, str]:
    """A parameter translated at read time (mark the literal with gettext_noop)."""
    return {"_t": str(msgid)}


def money(minor: int, currency: str) -> dict[str, list[Any]]:
    return {"_money": [int(minor), str(currency)]}


def when(value: dt.date | dt.datetime) -> dict[str, str]:
    if isinstance(value, dt.datetime):
        value = value.date()
    return {"_date": value.isoformat()}


def msg(msgid: str, params: dict[str, Any] | None = None) -> dict[str, list[Any]]:
    """A parameter that is a message of its own, rendered at read time with its parameters."""
    return {"_msg": [str(msgid), params or {}]}


def _param(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(str(_param(item)) for item in value)
    if isinstance(value, dict):
        if "_msg" in value:
            msgid, params = value["_msg"]
            return render(msgid, params if isinstance(params, dict) else {})
        if "_t" in value:
            return gettext(value["_t"])
        if "_money" in value:
            from office.money import format_money

            minor, currency = value["_money"]
            return format_money(minor, currency)
        if "_date" in value:
            return formats.date_format(dt.date.fromisoformat(value["_date"]), "DATE_FORMAT")
    return value


def render(msgid: str, params: dict[str, Any] | None) -> str:
    """The message in the active language; a stored legacy text (params None) as it is."""
    if params is None:
        return msgid
    if not msgid:
        return ""
    text = gettext(msgid)
    values = {key: _param(value) for key, value in params.items()}
    try:
        return text % values
    except (KeyError, ValueError, TypeError):
        # A translation that names a parameter the call no longer passes must not break a
        # page: fall back to the English source, which the call site is tested with.
        try:
            return msgid % values
        except (KeyError, ValueError, TypeError):
            return msgid


def language_for(user: Any) -> str:
    """The language a person reads in: their own choice, else the site's default."""
    if user is not None and getattr(user, "pk", None):
        from office.models import Preference

        code = Preference.objects.filter(user_id=user.pk).values_list("language", flat=True).first()
        if code:
            return code
    return settings.LANGUAGE_CODE


def render_for(user: Any, msgid: str, params: dict[str, Any] | None) -> str:
    """The message as `user` reads it (e-mails, PDFs sent to a person)."""
    with translation.override(language_for(user)):
        return render(msgid, params)
