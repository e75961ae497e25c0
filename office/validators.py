"""Checks of values people type that more than one app asks for (one rule each, translated
messages). Each raises django's ValidationError, so a form field or `clean_<field>` uses it as
is and an action turns it into a DomainError."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# A telephone or fax number someone can dial: an optional leading +, then digits, spaces,
# dashes and parentheses (an area code), starting with a digit or "(".
PHONE = re.compile(r"\+?[0-9(][0-9 ()\-]*")
PHONE_MAX_LENGTH = 30
PHONE_DIGITS = (5, 20)  # a short internal number .. a long international one with an area code


def clean_phone(value: Any, what: str | None = None) -> str:
    """`value` with its spaces collapsed ("" when blank), or ValidationError: characters other
    than the above, fewer than 5 or more than 20 digits, more than 30 characters. `what` names
    the number in the message ("phone", "fax")."""
    text = " ".join(str(value or "").split())
    if not text:
        return ""
    digits = sum(ch.isdigit() for ch in text)
    if len(text) > PHONE_MAX_LENGTH or not PHONE.fullmatch(text) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        raise ValidationError(
            _("Enter a valid %(what)s number: digits, spaces and + ( ) - only.") % {"what": what or _("phone")},
            code="invalid_phone",
        )
    return text
